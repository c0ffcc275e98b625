// evident: contribution of direct comparisons (and of studies) to network estimates (netmeta
// netcontrib() parity).
//
// Aggregated hat matrix (netmeta hatmatrix(x, method = "Davies", type = "long"), internal
// hatmatrix.aggr()): the direct comparisons ("edges") are the distinct treatment pairs with at least
// one study contrast, in the order of NmaResult::treatments (pairs i < j, row-major); edge e = (c, d)
// has weight W_e = sum of the multi-arm adjusted weights of its contrasts (NmaComparison::w_common or
// w_random: 1 / seTE.adj^2). With the edge-vertex incidence matrix B (+1 for c, -1 for d) and
// L+ the pseudoinverse of L = B' diag(W) B (the network's weighted Laplacian),
//   H[(a, b), e] = (L+_ac - L+_ad - L+_bc + L+_bd) W_e
// for every pair a < b of treatments (rows, all k(k-1)/2 of them). Row (a, b) is the "evidence flow
// network" of the estimate a versus b: a unit flow from a to b, H > 0 meaning flow from c to d
// (König, Krahn & Binder 2013, doi:10.1002/sim.6001; the flow is the electrical current of Rücker 2012,
// doi:10.1002/jrsm.1058).
//
// Random walk (Davies, Papakonstantinou, Nikolakopoulou, Rücker & Galla 2022, "Network meta-analysis
// and random walks", Stat Med 41:2091-2114, doi:10.1002/sim.9346, Sect. 4-5; netmeta netcontrib(method
// = "randomwalk")): on row (a, b) a walker starts at a and moves along edges only in the direction of
// the flow, with probability P_ij = f_ij / sum_k f_ik (f_ij = the flow from i to j, > 0); b absorbs.
// The walk crosses edge (i, j) with probability f_ij; a path pi from a to b is taken with probability
// phi_pi (the product of its P). The proportion contribution of edge e is
//   p_e = sum over the paths pi through e of phi_pi / |pi|   (|pi| = number of edges of pi).
// netmeta enumerates every path (exponential in the worst case). evident computes the same sum in
// closed form with 1/|pi| = int_0^1 t^(|pi|-1) dt:
//   p_(i->j) = int_0^1 A_i(t) P_ij B_j(t) dt,  A_a = 1, A_j(t) = t sum_i A_i(t) P_ij (paths from a),
//                                               B_b = 1, B_i(t) = t sum_j P_ij B_j(t) (paths to b),
// the integrand A_i P_ij B_j a polynomial of degree <= D - 1 (D = the longest path of the row's flow
// network), integrated exactly by ceil(D/2)-point Gauss-Legendre quadrature: O(edges x D) per row.
// As netmeta, P below 1000 x machine epsilon is set to 0 (rounding noise on edges without flow), and
// a treatment whose outflow is below sqrt(eps) x the largest outflow is a dead end (MASS::ginv's
// tolerance in netmeta's transition matrix).
//
// Shortest path (Papakonstantinou, Nikolakopoulou, Rücker, Chaimani, Schwarzer, Egger & Salanti 2018,
// "Estimating the contribution of studies in network meta-analysis: paths, flows and streams",
// F1000Research 7:610, doi:10.12688/f1000research.14770.3, the "shortest path" stream selection;
// netmeta netcontrib(method = "shortestpath"), netmeta's default): on the directed flow network of a
// row (every edge, oriented along its flow, H = 0 oriented d -> c as netmeta does), repeatedly take a
// path from a to b with the fewest edges, subtract its smallest flow phi from each of its edges, add
// phi / |pi| to each of its edges' contribution, and delete the edges whose flow becomes exactly 0,
// until b cannot be reached. The greedy result can depend on which of several equally short paths is
// taken; netmeta takes the one igraph's breadth-first search finds. evident breaks ties the same way,
// deterministically: vertices are numbered by first appearance in the row's oriented edge list (edges
// in column order), a vertex's out-edges are scanned in order of their target's number (then column
// order), and each vertex keeps the first edge that reached it. Both approaches are special
// solutions of the path-weight equation of Rücker, Papakonstantinou, Nikolakopoulou, Schwarzer, Galla &
// Davies 2024, "Shortest path or random walks? A framework for path weights in network meta-analysis",
// Stat Med 43:4287-4304, doi:10.1002/sim.10177, which recommends shortest path for large networks.
//
// Rows sum to 1: contributions are PROPORTIONS (0-1), as netmeta >= 2.0 returns and prints them (the
// F1000 paper and CINeMA show percentages, x 100). Entries below 10 x machine epsilon are set to 0.
//
// Study contributions (netmeta netcontrib(study = TRUE), after the CINeMA/flow_contribution
// getStudyContribution()): the contribution of edge e is shared among its studies in proportion to
// their contrast weights on e (w_common or w_random of the model), summed over a multi-arm study's
// contrasts: S[(a, b), s] = sum_e p_e w_se / W_e. Rows again sum to 1. netmeta weights the random-effects
// shares by 1 / (seTE.adj.common^2 + tau2); for multi-arm studies this differs from the random-effects
// model's own adjusted weights (1 / seTE.adj.random^2), which evident uses so that the shares match the
// hat matrix; the two agree for two-arm studies.
//
// Checked against an independent base-R implementation of the papers' definitions
// (tests/reference/scripts/nma_contrib.R: path enumeration for the random walk, netmeta's greedy
// algorithm with igraph's tie-breaking for the shortest path), fed netmeta 3.4-0's comparisons data,
// on Senn2013 (MD), Linde2016 (OR) and Woods2010 (OR), common and random: hat matrix, both contribution
// matrices and the study contributions to 1e-10 (absolute, all values below 1); see
// tests/unit/network/contribution_test.cpp. netmeta itself could not be run here.
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "evident/core/diagnostic.hpp"
#include "evident/network/nma.hpp"

namespace evident {

enum class ContributionMethod {
  random_walk,   ///< Davies et al. 2022 (netmeta method = "randomwalk")
  shortest_path  ///< Papakonstantinou et al. 2018 (netmeta method = "shortestpath", netmeta's default)
};


const char* to_string(ContributionMethod method);

struct ContributionOptions {
  ContributionMethod method = ContributionMethod::random_walk;
  NmaModelKind model = NmaModelKind::random;
  bool hat_matrix = true;  ///< also return the aggregated hat matrix (rows x edges)
  bool study = true;       ///< also return the study contributions (rows x studies)
};

/// A treatment pair, i < j in NmaResult::treatments; its label is "treat1:treat2".
struct TreatmentPair {
  std::size_t t1 = 0, t2 = 0;
  std::string label;
};

struct ContributionResult {
  ContributionMethod method = ContributionMethod::random_walk;
  NmaModelKind model = NmaModelKind::random;
  std::vector<std::string> treatments;     ///< NmaResult::treatments
  std::vector<TreatmentPair> comparisons;  ///< rows: all pairs i < j, row-major
  std::vector<TreatmentPair> edges;        ///< columns: the directly compared pairs, same order
  std::vector<double> edge_weight;         ///< W_e (sum of the contrasts' adjusted weights)
  Eigen::MatrixXd contribution;            ///< rows x edges, proportions, rows sum to 1
  Eigen::MatrixXd hat;                     ///< rows x edges aggregated hat matrix (empty unless asked)
  std::vector<std::string> studies;        ///< in order of first appearance in comparisons_data
  Eigen::MatrixXd study_contribution;      ///< rows x studies, proportions (empty unless asked)
  Diagnostics diagnostics;

  [[nodiscard]] bool ok() const { return !diagnostics.has_errors(); }
  /// Row of comparison "a:b" (either order of a and b), or npos.
  [[nodiscard]] std::size_t row_of(const std::string& a, const std::string& b) const;
  /// Column of the direct comparison of a and b (either order), or npos.
  [[nodiscard]] std::size_t edge_of(const std::string& a, const std::string& b) const;
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
};

/// The aggregated hat matrix of a fitted network (rows: all pairs, columns: direct pairs), as in
/// ContributionResult::hat. Empty when the NMA has errors.
Eigen::MatrixXd aggregated_hat_matrix(const NmaResult& nma, NmaModelKind model);

/// Contribution matrix of the direct comparisons (and of the studies) to every network estimate.
/// Never throws on user input: an NMA with errors gives an error diagnostic and empty matrices.
ContributionResult contribution_matrix(const NmaResult& nma, const ContributionOptions& options = {});

/// JSON: method ("random_walk" | "shortest_path"), model ("common" | "random"), scale ("proportion"),
/// treatments, comparisons (row labels "t1:t2"), edges (column labels), edge_weight, contribution
/// (array of rows), hat_matrix (array of rows, or null), studies, study_contribution (array of rows,
/// or null), diagnostics. Non-finite numbers are null.
nlohmann::json to_json(const ContributionResult& result);

}  // namespace evident
