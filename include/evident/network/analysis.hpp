// evident: the network meta-analysis of one outcome as `evident nma` runs it - the NMA model
// (nma.hpp), P-scores for the common and random effects models and the rankogram/SUCRA of the random
// effects model (ranking.hpp), in the direction of benefit of the outcome.
//
// The rankogram simulates the random-effects estimates against the reference treatment r from their
// joint normal distribution: mean_i = TE[i, r]; the covariance follows from the variances of the
// network estimates, since for effects theta (up to a constant) Var(theta_i - theta_j) = v_ij gives
//   Cov(theta_i - theta_r, theta_j - theta_r) = (v_ir + v_jr - v_ij) / 2
// (Rücker 2012, doi:10.1002/jrsm.1058: the v_ij are the resistance distances of the network; the
// identity is the polarisation identity for the Laplacian pseudoinverse).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evident/core/progress.hpp"
#include "evident/data/dataset.hpp"
#include "evident/effects/effect_size.hpp"
#include "evident/network/contribution.hpp"
#include "evident/network/decomposition.hpp"
#include "evident/network/evidence_flow.hpp"
#include "evident/network/funnel.hpp"
#include "evident/network/league.hpp"
#include "evident/network/netsplit.hpp"
#include "evident/network/nma.hpp"
#include "evident/network/ranking.hpp"

namespace evident {

struct NetworkOptions {
  NmaOptions nma;
  /// Direction of benefit; empty = from the outcome (small values desirable when it says nothing,
  /// as netmeta's default, with a note).
  std::optional<SmallValues> small_values;
  std::size_t nsim = 1000;  ///< rankogram simulations (0 = no rankogram)
  /// Direct vs indirect evidence (netsplit) and the design-based decomposition of Q (decomp.design),
  /// when the network has more than one design.
  bool netsplit = true;
  NetsplitMethod netsplit_method = NetsplitMethod::back_calculation;
  bool decomposition = true;
  std::uint64_t seed = 1;
  /// Analyse every subnetwork of a disconnected network on its own (one NetworkAnalysis each) instead
  /// of the one holding the reference (or the largest).
  bool each_subnetwork = false;
  /// Evidence flow (netmeasures: direct proportion, mean path length, minimal parallelism, H.tilde) of
  /// the random-effects model, as netmeta's default.
  bool evidence_flow = true;
  /// Net heat matrix (netheat, common effect as netmeta's default) when the network has inconsistency df.
  bool net_heat = true;
  /// Contribution matrix of the random-effects model (studies and direct comparisons to each estimate).
  bool contribution = true;
  ContributionMethod contribution_method = ContributionMethod::random_walk;
  /// League tables (netleague layout: network estimates below the diagonal, direct above), common and random.
  bool league = true;
  /// Comparison-adjusted funnel plot with Egger, Begg and Thompson-Sharp tests (random-effects direct
  /// estimates as centres). `funnel_order` orders the treatments (netmeta `order`, e.g. oldest or placebo
  /// first); empty: the reference first, then the others in `treatments` order (a note says so).
  bool funnel = true;
  std::vector<std::string> funnel_order;
  /// Size guard for big networks: the evidence-flow H_tilde (comparisons x designs), the net heat
  /// matrices (design contrasts squared) and the contribution matrix (comparisons x studies) are left
  /// out, with a note saying how to get them, when they would have more cells than this (0 = no limit).
  /// 2e6 cells keeps the 300-study / 30-treatment network whole and the JSON of a 1,500-study /
  /// 80-treatment network in the tens of MB instead of about 1 GB.
  std::size_t matrix_cells_limit = 2'000'000;
  /// Progress reports (evident/core/progress.hpp): ("network meta-analysis", 0) when the fit starts, then the
  /// rankogram's ("rankogram", fraction of draws) at most about 100 times. With each_subnetwork the fractions of
  /// the refitted parts are spread over [0, 1] in order (the first whole-network pass reports too). Empty = none;
  /// no result depends on it.
  ProgressFn progress;
};

struct NetworkAnalysis {
  std::string outcome;
  std::optional<std::string> time_point;
  Measure measure = Measure::MD;
  NmaResult nma;
  SmallValues small_values = SmallValues::desirable;
  std::optional<PScoreResult> pscore_common, pscore_random;
  std::optional<RankogramResult> rankogram_random;
  std::optional<NetsplitResult> netsplit;
  std::optional<DesignDecomposition> decomposition;
  std::optional<EvidenceFlow> evidence_flow;
  std::optional<NetHeat> net_heat;
  std::optional<ContributionResult> contribution;
  std::optional<LeagueTable> league_common, league_random;
  std::optional<FunnelResult> funnel;
  Diagnostics diagnostics;  ///< notes of the ranking step (the model's own are in nma.diagnostics)
  /// Set when each subnetwork was analysed separately: the 0-based index into nma.subnetworks.
  std::optional<std::size_t> subnetwork;
};

/// The covariance of the random (or common) effects estimates against treatment `reference` from the
/// k x k standard errors (formula above), and the means TE[., reference].
void estimates_against(const NmaModel& model, std::size_t reference, Eigen::VectorXd& mean, Eigen::MatrixXd& cov);

/// NMA of one outcome from its effect sizes, with P-scores and the rankogram.
NetworkAnalysis analyse_network(const Outcome& outcome, const EffectSet& set, const NetworkOptions& options);

/// The analyses of one outcome: analyse_network(), or with options.each_subnetwork one analysis per
/// subnetwork of a disconnected network (in the order of nma.subnetworks).
std::vector<NetworkAnalysis> analyse_network_outcome(const Outcome& outcome, const EffectSet& set,
                                                     const NetworkOptions& options);

/// JSON: the NmaResult fields (to_json(NmaResult)) plus outcome, time_point, measure, scale,
/// small_values, "subnetwork" (1-based, when each subnetwork was analysed), "pscore" {common, random} (treatment -> value, issue 4's layout), "ranking"
/// {common, random: P-score results; rankogram: rank probabilities, SUCRA, mean ranks}, and for ratio
/// measures "exp" {common, random: TE, lower, upper exponentiated}; "netsplit" (netsplit.hpp) and
/// "decomposition" (decomposition.hpp), "evidence_flow" and "net_heat" (evidence_flow.hpp), "contribution"
/// (contribution.hpp), "league_table" {common, random} (league.hpp) and "funnel" (funnel.hpp) when computed.
nlohmann::json to_json(const NetworkAnalysis& analysis);

}  // namespace evident
