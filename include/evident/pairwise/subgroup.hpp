// evident: subgroup analysis, the test of interaction between two estimates, and the test-based
// confidence interval of H and I2.
//
// - interaction_test(): Altman & Bland 2003, "Interaction revisited: the difference between two
//   estimates", BMJ 326:219, doi:10.1136/bmj.326.7382.219. Checked against the worked example there
//   (P = 0.005) and against the same arithmetic in R 4.2.2 to 1e-12 (tests/unit/pairwise/subgroup_test.cpp).
// - subgroup_analysis(): one meta_analysis() per subgroup and the tests for subgroup differences
//   (common effect; random effects with a separate tau2 per subgroup, as R meta's default; random
//   effects with one tau2 common to all subgroups, as metafor's rma(yi, vi, mods = ~ factor(group))).
//   Checked against metafor 3.8-1 on dat.bcg (log RR, subgroups = alloc) for EE, DL, REML, ML and HE
//   to 1e-10 relative (absolute below 1) (tests/reference/subgroup_bcg_RR.json).
// - i2_test_based_ci(): Higgins & Thompson 2002, doi:10.1002/sim.1186, section 3.3 (standard error of
//   ln H), as R meta's calcH()/isquared(); checked against meta 8.3-0 on dat.bcg (OR) to 1e-10.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "evident/core/diagnostic.hpp"
#include "evident/pairwise/meta_analysis.hpp"

namespace evident {

/// Test of interaction between two independent estimates each given with its confidence interval
/// (Altman & Bland 2003): se_i = (hi_i - lo_i) / (2 z), z = z_{1-(1-level)/2}; difference
/// d = est1 - est2 with se(d) = sqrt(se1^2 + se2^2), z = d / se(d), two-sided normal p, and the CI
/// d +- z se(d). With ratio = true the estimates and limits are ratios (OR, RR, HR) and everything is
/// computed on the log scale; ratio_* then give the ratio of the two ratios and its CI.
struct InteractionTest {
  bool ratio = false;
  double level = 0.95;
  double se1 = 0.0, se2 = 0.0;  ///< standard errors recovered from the CIs (log scale when ratio)
  double difference = 0.0;      ///< est1 - est2 (log(est1 / est2) when ratio)
  double se = 0.0;
  double statistic = 0.0;  ///< z
  double p_value = 1.0;    ///< two-sided
  double ci_lower = 0.0, ci_upper = 0.0;
  /// With ratio: exp(difference) and exp of the CI (the ratio of ratios); equal to the above otherwise.
  double ratio_estimate = 0.0, ratio_ci_lower = 0.0, ratio_ci_upper = 0.0;
  /// Errors for bad input (non-finite values, lo > hi, estimate outside its CI is only a warning,
  /// non-positive ratios, level outside (0, 1)); then ok() is false and the numbers are NaN.
  Diagnostics diagnostics;
  [[nodiscard]] bool ok() const { return !diagnostics.has_errors(); }
};

InteractionTest interaction_test(double est1, double lo1, double hi1, double est2, double lo2, double hi2,
                                 double level = 0.95, bool ratio = false);

/// Test-based confidence interval of H and I2 (Higgins & Thompson 2002, section 3.3): H = sqrt(Q/(k-1)),
/// se(ln H) = 0.5 (ln Q - ln(k-1)) / (sqrt(2Q) - sqrt(2k-3)) when Q > k, else
/// sqrt(1/(2(k-2)) (1 - 1/(3(k-2)^2))); CI exp(ln max(H, 1) +- z se), each bound at least 1;
/// I2 = (H^2 - 1)/H^2 at each bound. As R meta 8.3-0 (calcH, isquared).
struct HeterogeneityCI {
  /// false when the CI is undefined: k < 2 (then H and I2 are NaN too), or Q <= k with k <= 2 (se(ln H)
  /// undefined; H and I2 are given, their bounds NaN, as meta's isquared())
  bool defined = false;
  double se_log_H = 0.0;
  double H = 1.0, H_lower = 1.0, H_upper = 1.0;
  double I2 = 0.0, I2_lower = 0.0, I2_upper = 0.0;  ///< percent, as Heterogeneity::I2
};

HeterogeneityCI i2_test_based_ci(double Q, double k, double level = 0.95);

/// Options of a subgroup analysis. Every subgroup is pooled with `meta`; the tests for subgroup
/// differences are Wald-type (chi-square), whatever meta.hartung_knapp says (with Hartung-Knapp the
/// separate-tau2 test uses each subgroup's Hartung-Knapp se, and a note says so).
struct SubgroupOptions {
  MetaOptions meta;
  /// Also fit the model with one tau2 common to all subgroups (meta.tau2_method must be DL, REML,
  /// ML or HE; other estimators give a warning and no common-tau2 results).
  bool common_tau2 = true;
};

/// Test for subgroup differences: Q between subgroups with df = G - 1 and its chi-square p.
struct SubgroupTest {
  double Q = 0.0;
  double df = 0.0;
  double p_value = 1.0;
};

struct Subgroup {
  std::string name;
  std::vector<std::size_t> rows;  ///< 0-based rows of the input in this subgroup
  MetaResult result;              ///< meta_analysis() of the subgroup alone (its own tau2)
  /// The subgroup's random-effects estimate under the common tau2 (set with SubgroupResult::common_tau2).
  std::optional<PooledEstimate> common_tau2_estimate;
};

/// The random-effects model with one tau2 common to all subgroups: the meta-regression on the subgroup
/// factor (Viechtbauer 2005 estimators with a design matrix; metafor rma(yi, vi, mods = ~ factor(group))).
/// tau2 is the residual heterogeneity; test is metafor's QM (omnibus test of the G - 1 group contrasts),
/// equal to sum_g W_g (mu_g - mu)^2 with W_g = sum 1/(v_i + tau2) over subgroup g.
struct CommonTau2Model {
  Tau2Method method = Tau2Method::REML;
  double tau2 = 0.0;
  int iterations = 0;
  bool converged = true;
  SubgroupTest test;
  double QE = 0.0;  ///< residual heterogeneity Q (sum of the within-subgroup Q), df = k - G
  double QE_df = 0.0;
  double QE_p_value = 1.0;
};

struct SubgroupResult {
  SubgroupOptions options;
  std::size_t k = 0;
  /// Subgroups in sorted order of their labels (byte order, as R's factor levels for ASCII labels).
  std::vector<Subgroup> subgroups;
  MetaResult overall;  ///< all studies together
  /// Common effect: Q between = Q total - sum of the within-subgroup Q, df = G - 1 (equal to the Q of
  /// the subgroup common-effect estimates around their inverse-variance mean).
  SubgroupTest common;
  double Q_within = 0.0;  ///< sum of the within-subgroup Q
  /// Random effects, separate tau2 per subgroup (R meta's default): Q of the subgroup random-effects
  /// estimates with weights 1/se^2 around their weighted mean, df = G - 1 (Borenstein et al. 2009,
  /// Introduction to Meta-Analysis, ch. 19).
  SubgroupTest random_separate_tau2;
  std::optional<CommonTau2Model> common_tau2;
  Diagnostics diagnostics;
  [[nodiscard]] bool ok() const { return !diagnostics.has_errors(); }
};

/// Subgroup analysis: group[i] is the subgroup of study i. Never throws: sizes that differ, invalid
/// effect sizes (as meta_analysis()) give errors; a single subgroup gives a warning and df = 0 tests
/// (p = NaN); a subgroup with one study is pooled as meta_analysis() does (tau2 = 0, warning).
SubgroupResult subgroup_analysis(const MetaInput& input, const std::vector<std::string>& group,
                                 const SubgroupOptions& options = {});

}  // namespace evident
