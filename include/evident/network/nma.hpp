// evident: frequentist network meta-analysis by the graph-theoretical method (netmeta parity).
//
// Method: Rücker 2012, "Network meta-analysis, electrical networks and graph theory", Res Synth
// Methods 3:312-324, doi:10.1002/jrsm.1058. With m contrasts (edges) y, their weights W = diag(w)
// and the m x n edge-vertex incidence matrix B (+1 for treat1, -1 for treat2):
//   L = B' W B (weighted Laplacian), L+ = (L - J/n)^-1 + J/n (its Moore-Penrose pseudoinverse),
//   theta = L+ B' W y (treatment effects up to a constant), TE[i,j] = theta_i - theta_j,
//   Var TE[i,j] = L+_ii + L+_jj - 2 L+_ij (the resistance distance),
//   hat matrix H = B L+ B' W, Q = (y - H y)' W (y - H y) with df = sum_s (p_s - 1) - (n - 1).
// Multi-arm studies: Rücker & Schwarzer 2014, "Reduce dimension or reduce weights? Comparing two
// approaches to multi-arm studies in network meta-analysis", Stat Med 33:4353-4369,
// doi:10.1002/sim.6236 (as netmeta multiarm()): from the p x p matrix R of the study's
// contrast variances, L_s = pinv(-1/2 C R C) with C = I - J/p; the reduced weight of contrast a-b is
// -L_s[a,b] (small negative weights, < 0.1% of the total, set to 0 as netmeta does; other negative
// weights mean the variances are inconsistent: a warning names the study).
// tau2: generalised DerSimonian-Laird (Rücker 2012), as netmeta nma_ruecker():
//   tau2 = max(0, (Q - df) / tr((I - H) U W)) with U = (B B') o E / 2, E_kl = 1 when contrasts k and
//   l belong to the same study. The random-effects model re-runs the above with each contrast's
//   variance increased by tau2 before the multi-arm reduction (netmeta prepare(..., tau)).
// Q decomposition (Krahn et al. 2013, doi:10.1186/1471-2288-13-35; netmeta decomp.design):
//   Q_heterogeneity = sum over designs of the Q of the common-effect fit within the design,
//   df = sum over designs (sum_s (p_s - 1) - (p_d - 1)); Q_inconsistency = Q - Q_heterogeneity.
//   As netmeta, these are NaN when the network has only one design.
// I2 = max(0, (Q - df)/Q) with the test-based CI of Higgins & Thompson 2002 (meta isquared()).
// Reported in PERCENT here; netmeta reports a proportion (0-1).
//
// Treatments are sorted as R's sort() does in an English UTF-8 locale with glibc >= 2.28 (letters
// case-insensitive first, space and punctuation before digits before letters, then lower case before
// upper case; an approximation of ISO 14651 for ASCII names); each contrast is turned so that
// treat1 sorts before treat2 (netmeta's orientation), so comparisons_data follows netmeta's
// treat1/treat2.
//
// Checked against R netmeta 3.4-0 (netmeta(), decomp.design(), netconnection()) on Senn2013 (MD),
// Linde2016 (OR), Woods2010 (OR) and smokingcessation (OR, two three-arm studies): all matrices, Q
// parts, tau2 and I2 with CI agree to 1e-10 relative (largest error seen 3e-12; see
// tests/unit/network/nma_test.cpp).
// REML: as netmeta (metafor rma.mv on each study's contrasts against its baseline, V = diag(se^2),
// compound-symmetric random effects with rho = 1/2), by Fisher scoring; only tau2 changes (Q, I2 and
// the common-effect model stay as above). netmeta builds V from arm-level data when it has them
// (pairwise() input); evident's input is contrast-level, so there V is always diagonal. Checked
// against netmeta 3.4-0 REML on Senn2013 and Linde2016 (contrast input) to 1e-7 relative.
// Other tau2 methods give an error diagnostic.
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "evident/core/diagnostic.hpp"
#include "evident/effects/effect_size.hpp"
#include "evident/pairwise/meta_analysis.hpp"

namespace evident {

/// One contrast of one study: te is treat1 versus treat2 (log scale for ratio measures).
struct NmaContrast {
  std::string study;
  std::string treat1, treat2;
  double te = 0.0;
  double se = 0.0;
  SourceLocation source;
};

/// All contrasts; a multi-arm study with p arms must give all p(p-1)/2 pairs.
struct NmaInput {
  std::vector<NmaContrast> contrasts;
};

/// The contrasts of an EffectSet (compute_effects gives all pairs of multi-arm studies).
NmaInput nma_input_from_effects(const EffectSet& effects);

struct NmaOptions {
  Tau2Method tau2_method = Tau2Method::DL;  ///< DL (generalised, netmeta default) or REML; others: error
  double level = 0.95;
  /// Reference treatment: chooses the subnetwork analysed when the network is disconnected (exact
  /// match, else a unique case-insensitive match). Without it the largest subnetwork is analysed.
  std::optional<std::string> reference;
  /// Analyse this subnetwork (0-based, in the order of NmaResult::subnetworks) instead of the one
  /// chosen by the reference; the reference is kept when it lies in it, else its first treatment is
  /// used. An index beyond the subnetworks is an error.
  std::optional<std::size_t> subnetwork;
};

/// Which of the two models a derived result (contributions, funnel plot, league table) is built from.
enum class NmaModelKind { common, random };
const char* to_string(NmaModelKind model);  ///< "common", "random"

/// k x k matrices over NmaResult::treatments; [i, j] is treatment i versus treatment j.
/// Diagonal: TE, seTE, lower, upper 0; statistic and p_value NaN (as netmeta).
struct NmaModel {
  Eigen::MatrixXd TE, seTE, lower, upper, statistic, p_value;
};

/// Prediction intervals of the random-effects estimates (netmeta's default method.predict = "V"):
/// seTE = sqrt(seTE.random^2 + tau2), bounds TE.random -/+ t(1 - (1 - level)/2, df) seTE with df = Q_df
/// (Higgins, Thompson & Spiegelhalter 2009, doi:10.1111/j.1467-985X.2008.00552.x, eq. 12, with the
/// network's residual df as netmeta). NaN bounds when df = 0. Diagonal as netmeta: seTE = tau, bounds 0.
struct NmaPrediction {
  Eigen::MatrixXd seTE, lower, upper;
  double df = 0.0;
};

/// One contrast as analysed (netmeta comparisons data), in input order, in netmeta's orientation.
struct NmaComparison {
  std::string study;
  std::string treat1, treat2;
  double te = 0.0, se = 0.0;
  double se_adj_common = 0.0;  ///< multi-arm adjusted SE (netmeta seTE.adj.common); Inf for weight 0
  double se_adj_random = 0.0;  ///< the same with tau2 added (netmeta seTE.adj.random)
  std::string design;          ///< the study's treatments, sorted, joined by ":"
  std::size_t arms = 2;        ///< arms of the study
  double te_nma_common = 0.0, se_nma_common = 0.0;
  double leverage_common = 0.0;  ///< NaN for multi-arm studies (as netmeta)
  double w_common = 0.0;         ///< 1 / se_adj_common^2
  double Q_common = 0.0;         ///< w_common (te - te_nma_common)^2
  double te_nma_random = 0.0, se_nma_random = 0.0;
  double w_random = 0.0;
  bool flipped = false;  ///< treat1/treat2 swapped (and te negated) relative to the input
};

/// A connected part of the network (netmeta netconnection).
struct NmaSubnetwork {
  std::vector<std::string> treatments;  ///< sorted as NmaResult::treatments
  std::vector<std::string> studies;     ///< in order of first appearance
  bool analysed = false;
};

/// A contrast (or a whole study) left out of the analysis, with the reason.
struct NmaExclusion {
  std::string study;
  std::string treat1, treat2;  ///< empty when the whole study is meant
  std::string reason;
  SourceLocation source;
};

struct NmaHeterogeneityPart {
  double Q = 0.0, df = 0.0, p_value = 0.0;
};

struct NmaResult {
  std::vector<std::string> treatments;    ///< analysed treatments, netmeta's order (trts)
  std::string reference;                  ///< reference treatment (option, else the first treatment)
  std::size_t studies = 0;                ///< k
  std::size_t comparisons = 0;            ///< m (contrasts)
  std::size_t designs = 0;                ///< d
  std::vector<std::string> design_names;  ///< sorted
  Tau2Method tau2_method = Tau2Method::DL;
  double level = 0.95;

  NmaModel common, random;
  NmaPrediction prediction;  ///< of the random-effects model

  double Q = 0.0, Q_df = 0.0, Q_p = 0.0;
  double Q_heterogeneity = 0.0, Q_heterogeneity_df = 0.0, Q_heterogeneity_p = 0.0;
  double Q_inconsistency = 0.0, Q_inconsistency_df = 0.0, Q_inconsistency_p = 0.0;
  double tau2 = 0.0, tau = 0.0;
  double I2 = 0.0, I2_lower = 0.0, I2_upper = 0.0;  ///< percent (netmeta: proportion)

  std::vector<NmaComparison> comparisons_data;
  std::vector<NmaSubnetwork> subnetworks;
  std::vector<NmaExclusion> excluded;
  Diagnostics diagnostics;

  [[nodiscard]] bool ok() const { return !diagnostics.has_errors(); }
  /// Index of a treatment in `treatments`, or npos.
  [[nodiscard]] std::size_t treatment_index(const std::string& name) const;
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
};

/// Network meta-analysis of the connected part holding the reference (or the largest one).
/// Never throws on user input: problems are diagnostics; without an analysable network the
/// result has errors and empty matrices.
NmaResult network_meta_analysis(const NmaInput& input, const NmaOptions& options = {});

/// Treatment-name order of R's sort() in an English UTF-8 locale (approximation documented above).
bool treatment_less(const std::string& a, const std::string& b);

/// JSON: treatments, reference, studies, comparisons, designs, common/random {TE, seTE, lower,
/// upper, statistic, pval} (k x k, null for NaN), predict {seTE, lower, upper, df}, tau2, tau, I2, I2_lower, I2_upper (percent), Q,
/// Q_df, Q_p_value, Q_heterogeneity {Q, df, p_value}, Q_inconsistency {...}, comparisons_data,
/// subnetworks, excluded, diagnostics.
nlohmann::json to_json(const NmaResult& result);

}  // namespace evident
