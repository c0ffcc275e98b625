// evident: evidence flow measures and the net heat matrix of a network meta-analysis (netmeta
// netmeasures() and netheat() parity).
//
// Both rest on the design-aggregated two-stage model of Krahn, Binder & König 2013 (BMC Med Res
// Methodol 13:35, doi:10.1186/1471-2288-13-35, Sect. "Methods"; netmeta's internal nma.krahn()):
// every study s gives the vector y_s of its arms' effects against its baseline arm b (te(a_i vs b))
// with covariance V_s[i,i] = v(b,a_i), V_s[i,j] = (v(b,a_i) + v(b,a_j) - v(a_i,a_j)) / 2, from the
// ORIGINAL contrast variances v = se^2 (+ tau^2 in a random-effects variant). The studies of a design
// d (its set of treatments) are pooled: W_d = sum_s V_s^-1, y_d = W_d^-1 sum_s V_s^-1 y_s. With X the
// design-contrast x (n-1) matrix of the basic parameters (the effects against the first treatment of
// the model order), W = blockdiag(W_d) and X_full the matrix of all n(n-1)/2 comparisons:
//   H = X_full (X' W X)^-1 X' W                    (comparisons x design contrasts).
// A multi-arm design's baseline is its first treatment in the model order.
//
// Evidence flow (König, Krahn & Binder 2013, "Visualizing the flow of evidence in network
// meta-analysis and characterizing mixed treatment comparisons", Stat Med 32:5414-5429,
// doi:10.1002/sim.6001, Sect. 3.4; netmeta netmeasures()), model order = NmaResult::treatments:
//   H.tilde[c, d] = (|sum_j H[c, d_j]| + sum_j |H[c, d_j]|) / 2 over the contrasts d_j of design d
//                  (the absolute flow of evidence through design d, Sect. 3.3);
//   direct evidence proportion  = Var(TE_nma) / Var(TE_dir), 0 without direct evidence (Sect. 3.4.1);
//                  taken from netsplit() (NetsplitRow::direct_proportion), not recomputed;
//   minimal parallelism         = 1 / max_d H.tilde[c, d]           (Sect. 3.4.3);
//   minimal parallelism (study) = the same with study-level H (studies instead of designs; H of
//                  study s = X_full (X' W X)^-1 X_s' V_s^-1);
//   mean path length            = sum_d H.tilde[c, d]              (Sect. 3.4.4).
// Rows: all pairs i < j of NmaResult::treatments, "t_i:t_j", never turned (netmeasures() clears the
// reference). Columns of H.tilde: design names (treatments in NmaResult order joined by ":"), sorted
// as R's sort() (treatment_less on the whole name). Common-effect model by default; random = true adds
// the NMA's tau2 to every contrast variance (netmeasures(random = TRUE), tau.preset = tau).
// Unlike netmeta, which returns NULL when all studies share one design, the measures are computed
// for a single design too (proportion 1, mean path 1, minimal parallelism = 1).
//
// Net heat matrix (Krahn, Binder & König 2013, BMC Med Res Methodol 13:35, Sect. "Net heat plot";
// netmeta netheat()), model order = the reference treatment first, then NmaResult order (netmeta keeps
// the reference here, so a design holding the reference has it as baseline and is named with it
// first). Rows of V (design contrasts): two-arm designs sorted by name, then multi-arm designs sorted
// by name, each multi-arm design with one row per contrast baseline:a_i (a_i in model order).
//   r = y - X theta (consistency model); Q.inc.design[i] = r_i (W r)_i (contrast contributions to the
//     between-designs Q; netmeta decomp.design()$Q.inc.design);
//   detaching design d: theta_-d from the model without d's rows (only when what is left connects all
//     treatments), residual column r_-d = y - X theta_-d with d's own rows set to 0 (netmeta
//     residuals.inc.detach: one column per design contrast, a design's columns identical; NaN outside
//     d's rows when d cannot be detached);
//   Q after detaching: Q.typ[i, c] = r_c,i (W r_c)_i; the net heat colour value
//     change[i, c] = Q.typ[i, c] - Q.inc.design[i] (netheat's t1 = -diff: positive = the
//     inconsistency of row i grows when the design of column c is detached: a cool/blue square;
//     negative = it shrinks: warm/red). On the diagonal: -Q.inc.design of the row's design.
//   square size[i, c] = |H_obs[i, c]|, H_obs = X (X' W X)^-1 X' W (the contribution of the direct
//     estimate of column c to the network estimate of row i); netheat draws side
//     (sqrt((size - min) / (max - min)) + 0.1) / 1.4 of half a cell.
// Shown rows/columns (netheat showall = FALSE): designs with |Q.inc.design| <= sqrt(machine eps) in
// any row are dropped (no inconsistency contribution: e.g. two-arm designs outside every loop), then
// designs whose every column is NaN (cannot be detached). The matrix is in the model's row order;
// netheat's display order (complete-linkage hclust on Manhattan distances of rows plus columns) is NOT
// computed here. Not available (empty, with a warning, as netheat) when there are at most two
// designs, when the between-designs df of the common-effect model is 0 or 1, or when nothing is left.
// Random effects (netheat(random = TRUE)): every contrast variance increased by tau_within^2, the
// method-of-moments tau2 of the full design-by-treatment interaction model (decompose_designs()
// tau_within; NOT the NMA's tau), or by tau_preset^2 when given.
//
// Checked against: R netmeta 3.4-0 on Senn2013 (MD), Linde2016 (OR), Woods2010 (OR): the direct
// evidence proportion equals netsplit()'s prop.common / prop.random, and Q.inc.design and
// residuals.inc.detach of the common-effect model equal decomp.design()'s, to 1e-10 (relative,
// absolute below 1). netmeta is not installed here, so H.tilde, mean path length, minimal
// parallelism and the net heat matrices are checked against an independent base-R implementation of
// the formulas above (tests/reference/scripts/nma_flow.R -> tests/reference/nma_flow_*.json) to
// 1e-10; see tests/unit/network/evidence_flow_test.cpp.
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "evident/core/diagnostic.hpp"
#include "evident/network/netsplit.hpp"
#include "evident/network/nma.hpp"

namespace evident {

/// Evidence-flow measures of one comparison (a row of netmeasures()).
struct EvidenceFlowRow {
  std::string comparison;                  ///< "treat1:treat2"
  std::string treat1, treat2;              ///< NmaResult order: treat1 before treat2
  double direct_proportion = 0.0;          ///< netmeasures()$proportion
  double mean_path_length = 0.0;           ///< $meanpath
  double minimal_parallelism = 0.0;        ///< $minpar (aggregated level)
  double minimal_parallelism_study = 0.0;  ///< $minpar.study
};

struct EvidenceFlow {
  bool random = false;
  double tau2 = 0.0;  ///< added to every contrast variance (0 for the common-effect model)
  std::vector<std::string> treatments;
  std::vector<EvidenceFlowRow> rows;  ///< n(n-1)/2 comparisons
  std::vector<std::string> designs;   ///< columns of H_tilde
  Eigen::MatrixXd H_tilde;            ///< rows x designs (netmeasures()$H.tilde)
  Diagnostics diagnostics;
  [[nodiscard]] bool ok() const { return !diagnostics.has_errors(); }
};

/// Evidence flow of an NMA (which must be ok()); the direct evidence proportions are those of
/// `split` (netsplit() of the same NMA, any method) for the chosen model.
EvidenceFlow evidence_flow(const NmaResult& nma, const NetsplitResult& split, bool random = false);
/// The same, running netsplit() (back-calculation) first.
EvidenceFlow evidence_flow(const NmaResult& nma, bool random = false);

struct NetHeatOptions {
  bool random = false;               ///< netheat(random = TRUE): tau_within from decompose_designs()
  std::optional<double> tau_preset;  ///< tau (not tau2) to use instead; implies a random-effects matrix
  bool show_all = false;             ///< netheat(showall = TRUE): keep designs without inconsistency
};

struct NetHeat {
  bool random = false;
  double tau = 0.0;        ///< square root of the tau2 added to every contrast variance
  bool available = false;  ///< false: netheat() draws nothing (a warning says why); matrices empty

  // every design contrast (rows of V), netmeta's decomp.design() order
  std::vector<std::string> all_designs;      ///< design of each contrast row (netmeta's row names)
  std::vector<std::string> all_comparisons;  ///< the contrast "baseline:a_i"
  std::vector<double> Q_inconsistency_all;   ///< Q.inc.design per contrast row
  Eigen::MatrixXd residuals;                 ///< residuals.inc.detach (rows x rows; NaN: not detachable)

  // the displayed matrix (rows = columns)
  std::vector<std::string> designs;          ///< design of each row/column
  std::vector<std::string> comparisons;      ///< contrast of each row/column
  std::vector<std::string> labels;           ///< netheat's labels: "comparison" or "comparison_design" (multi-arm)
  std::vector<double> Q_inconsistency;       ///< Q.inc.design of each row
  Eigen::MatrixXd change;                    ///< colour value: Q of the row after detaching the column minus before
  Eigen::MatrixXd size;                      ///< square size: |hat matrix| (contribution of column to row)
  std::vector<std::string> dropped_designs;  ///< designs left out (no inconsistency / not detachable)
  Diagnostics diagnostics;
  [[nodiscard]] bool ok() const { return !diagnostics.has_errors(); }
};

/// Net heat matrix of an NMA (which must be ok()).
NetHeat net_heat(const NmaResult& nma, const NetHeatOptions& options = {});

/// JSON: random, tau2, treatments, rows [{comparison, treat1, treat2, direct_proportion,
/// mean_path_length, minimal_parallelism, minimal_parallelism_study}], designs, H_tilde (array of
/// rows), diagnostics. NaN as null.
nlohmann::json to_json(const EvidenceFlow& result);

/// JSON: random, tau, available, all_designs, all_comparisons, Q_inconsistency_all, residuals,
/// designs, comparisons, labels, Q_inconsistency, change, size (arrays of rows), dropped_designs,
/// diagnostics. NaN as null.
nlohmann::json to_json(const NetHeat& result);

}  // namespace evident
