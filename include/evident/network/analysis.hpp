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

#include "evident/data/dataset.hpp"
#include "evident/effects/effect_size.hpp"
#include "evident/network/decomposition.hpp"
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
/// "decomp_design" (decomposition.hpp) when computed.
nlohmann::json to_json(const NetworkAnalysis& analysis);

}  // namespace evident
