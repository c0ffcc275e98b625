// evident: pairwise meta-analysis of one comparison (common effect and random effects).
//
// meta_analysis() is a pure function from a MetaInput (effect sizes yi with sampling variances
// vi, one per study) and MetaOptions to a MetaResult: the common-effect (inverse-variance)
// estimate, Cochran's Q with I2/H2/H, the random-effects estimate with the chosen tau2
// estimator, Wald or Hartung-Knapp confidence intervals, a prediction interval and the
// Q-profile confidence interval for tau2 (and tau, I2, H2 derived from it). No I/O, no globals;
// every fallback or numerical problem becomes a Diagnostic in MetaResult::diagnostics.
//
// Definitions follow metafor::rma.uni() 3.8-1 (intercept-only model, p = 1) unless stated; all
// figures were checked against metafor 3.8-1 (rma, predict, confint) on every
// tests/reference/pairwise_*.json dataset with study-level data, to 1e-10 relative (absolute below 1)
// for every estimator, with RootFinder::metafor (tests/unit/pairwise/meta_analysis_test.cpp).
//
// Notation: w_i = 1/v_i (common effect), w_i* = 1/(v_i + tau2) (random effects),
// mu(tau2) = sum w_i* y_i / sum w_i*, Q(tau2) = sum w_i* (y_i - mu(tau2))^2 (generalised Q),
// Q = Q(0) with df = k - 1.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "evident/core/diagnostic.hpp"
#include "evident/effects/effect_size.hpp"

namespace evident {

/// Estimators of the between-study variance tau2 (metafor's `method` names).
enum class Tau2Method {
  /// DerSimonian & Laird 1986, doi:10.1016/0197-2456(86)90046-2, method of moments (eq. 8 there):
  /// tau2 = (Q - (k-1)) / (sum w - sum w^2 / sum w), truncated at 0. Closed form.
  DL,
  /// Restricted maximum likelihood: Viechtbauer 2005, doi:10.3102/10769986030003261, eq. 12; Fisher
  /// scoring as metafor: tau2 += (y'PPy - tr P) / tr(PP), start at max(0, HE), step halving while
  /// tau2 + step < 0, stop when |change| <= 1e-5 (MetaOptions::threshold), at most 100 iterations.
  REML,
  /// Maximum likelihood: Viechtbauer 2005, eq. 10; Fisher scoring tau2 += (y'PPy - sum w*) /
  /// sum w*^2, same start, step rule and stopping rule as REML.
  ML,
  /// Paule & Mandel 1982 (J Res Natl Bur Stand 87:377-385, doi:10.6028/jres.087.022): the root of
  /// Q(tau2) = k - 1 (0 when Q(0) < k - 1), found as MetaOptions::root_finder says.
  PM,
  /// Sidik & Jonkman 2005 (J Biopharm Stat 15:823-838, doi:10.1081/BIP-200067915): with
  /// tau0 = sum (y - ybar)^2 / k, tau2 = tau0 * Q_{tau0} / (k - 1), Q_{tau0} the Q statistic with
  /// weights 1/(v_i + tau0). Closed form.
  SJ,
  /// Hedges 1983 (Psychol Bull 93:388-395, doi:10.1037/0033-2909.93.2.388), unweighted method of
  /// moments: tau2 = (sum (y - ybar)^2 - (k-1)/k sum v) / (k - 1), truncated at 0. Closed form.
  HE,
  /// Hunter & Schmidt 2004 (Methods of Meta-Analysis, 2nd ed., Sage): tau2 = (Q - k) / sum w,
  /// truncated at 0 (metafor's definition). Closed form.
  HS,
  /// Empirical Bayes, Morris 1983 (JASA 78:47-55, doi:10.1080/01621459.1983.10477920), as metafor:
  /// iteration tau2 += (Q(tau2) k/(k-1) - k) / sum w*, same start, step and stopping rule as REML.
  EB,
};

/// How the prediction interval of a random-effects model is computed.
enum class PredictionMethod {
  /// metafor predict(): mu +- c sqrt(tau2 + se(mu)^2), c the normal quantile for Wald tests and
  /// the t(k-1) quantile with Hartung-Knapp (se(mu) then the Hartung-Knapp se).
  metafor,
  /// Higgins, Thompson & Spiegelhalter 2009, doi:10.1111/j.1467-985X.2008.00552.x, eq. 12:
  /// mu +- t_{k-2} sqrt(tau2 + se(mu)^2); needs k >= 3.
  higgins2009,
  /// R meta >= 8.0 default (method.predict = "V"; Veroniki et al. 2019, Res Synth Methods 10:23-43,
  /// doi:10.1002/jrsm.1319): mu +- t_{k-1} sqrt(tau2 + se(mu)^2), se(mu) the random-effects se (the
  /// Hartung-Knapp se with Hartung-Knapp); needs k >= 2. Checked against meta's lower.predict /
  /// upper.predict in tests/reference/pairwise_*.json ("meta") to 1e-10.
  meta,
};

/// How roots of the generalised Q equation (PM estimator, Q-profile CI) are found.
enum class RootFinder {
  /// As metafor 3.8-1: R's uniroot() (Brent 1973 zeroin) with tol = .Machine$double.eps^0.25 on
  /// metafor's search interval ([0, max(100, 10 mad(y)^2)] for PM, [0, max(100, 10 tau2)] for
  /// confint). Gives metafor's numbers to ~1e-12; the root itself is only within ~1e-4 in tau2.
  metafor,
  /// TOMS 748 (Alefeld, Potra & Shi 1995, doi:10.1145/210089.210111; Boost.Math toms748_solve) to
  /// full double precision, the search interval widened until it brackets the root.
  exact,
};

const char* to_string(Tau2Method m);
/// "DL", "REML", ... (case-sensitive); nullopt for an unknown name.
std::optional<Tau2Method> parse_tau2_method(const std::string& name);
const char* to_string(PredictionMethod m);

/// Effect sizes of one comparison: yi[i] with sampling variance vi[i], for study[i].
struct MetaInput {
  std::vector<std::string> study;
  std::vector<double> yi;
  std::vector<double> vi;
  /// Problems met while building the input (e.g. contrasts of other comparisons left out).
  Diagnostics diagnostics;
};

/// Input from standard errors: vi = sei^2.
MetaInput meta_input_from_se(std::vector<std::string> study, std::vector<double> yi, const std::vector<double>& sei);

/// Input from the contrasts of an EffectSet that compare `treat1` with `treat2` (contrasts given as
/// treat2 versus treat1 enter with their sign flipped); the other contrasts are left out with a
/// note. With treat1 and treat2 empty, the comparison of the first contrast is used.
MetaInput meta_input_from_effects(const EffectSet& set, const std::string& treat1 = {}, const std::string& treat2 = {});

struct MetaOptions {
  Tau2Method tau2_method = Tau2Method::REML;
  /// Hartung & Knapp 2001, doi:10.1002/sim.791 (eq. 7-8) / Sidik & Jonkman 2002: var(mu) scaled by
  /// q = sum w* (y - mu)^2 / (k - 1), t distribution with k - 1 df (metafor test = "knha").
  bool hartung_knapp = false;
  /// With hartung_knapp: use max(1, q) (Roever et al. 2015 ad hoc correction; metafor test = "adhoc").
  bool hartung_knapp_adhoc = false;
  PredictionMethod prediction = PredictionMethod::metafor;
  double level = 0.95;  ///< confidence level of every interval
  /// Fisher scoring (REML, ML, EB): stop when |tau2 change| <= threshold; at most max_iterations.
  double threshold = 1e-5;
  int max_iterations = 100;
  /// Compute the Q-profile confidence interval of tau2 (Viechtbauer 2007).
  bool tau2_ci = true;
  /// Root finding for PM and the Q-profile CI (metafor's numbers by default).
  RootFinder root_finder = RootFinder::metafor;
};

/// A pooled estimate with its Wald or t-based test and confidence interval.
struct PooledEstimate {
  double estimate = 0.0;
  double se = 0.0;
  double statistic = 0.0;    ///< estimate / se: z, or t with df
  std::optional<double> df;  ///< set for t-based tests (Hartung-Knapp), empty for z
  double p_value = 1.0;      ///< two-sided
  double ci_lower = 0.0;
  double ci_upper = 0.0;
};

/// Wald estimate: statistic z = estimate / se, p = 2 P(Z > |z|), CI estimate +- z_{1-(1-level)/2} se.
PooledEstimate wald_estimate(double estimate, double se, double level);
/// t-based estimate with df degrees of freedom (Hartung-Knapp); se = 0 gives an infinite statistic
/// (p = 0), or 0 with p = 1 when the estimate is 0.
PooledEstimate t_estimate(double estimate, double se, double df, double level);

/// Cochran's Q and the heterogeneity measures of Higgins & Thompson 2002, doi:10.1002/sim.1186
/// (eq. 6-10 there): H2 = Q/(k-1), H = sqrt(H2), I2 = 100 max(0, (Q - (k-1))/Q) (percent).
struct Heterogeneity {
  double Q = 0.0;
  double df = 0.0;
  double p_value = 1.0;  ///< upper chi-square(df) tail of Q
  double I2 = 0.0;       ///< percent
  double H2 = 1.0;
  double H = 1.0;
};

/// Q-profile confidence interval (Viechtbauer 2007, doi:10.1002/sim.2514, eq. 6 ff.): the tau2
/// where Q(tau2) equals the upper and lower level/2 chi-square(k-1) quantiles (0 when Q(0) is
/// already below the quantile); tau, I2 = 100 tau2/(tau2 + s2), H2 = 1 + tau2/s2 at the bounds.
struct Tau2Interval {
  double tau2_lower = 0.0, tau2_upper = 0.0;
  double tau_lower = 0.0, tau_upper = 0.0;
  double I2_lower = 0.0, I2_upper = 0.0;  ///< percent
  double H2_lower = 1.0, H2_upper = 1.0;
  bool converged = true;  ///< false when a bound is the end of the search interval
};

struct PredictionInterval {
  PredictionMethod method = PredictionMethod::metafor;
  double lower = 0.0;
  double upper = 0.0;
  std::optional<double> df;  ///< t df, empty when normal quantiles are used
};

struct RandomEffects {
  Tau2Method method = Tau2Method::REML;
  PooledEstimate pooled;
  double tau2 = 0.0;
  double tau = 0.0;
  /// metafor's I2 and H2 for random-effects models: I2 = 100 tau2/(tau2 + s2), H2 = 1 + tau2/s2 with
  /// s2 = (k-1) sum w / ((sum w)^2 - sum w^2), the "typical" within-study variance (Higgins &
  /// Thompson 2002, eq. 9).
  double I2 = 0.0;
  double H2 = 1.0;
  double s2 = 0.0;
  /// Hartung-Knapp scale factor q applied to var(mu) (1 without Hartung-Knapp).
  double hk_scale = 1.0;
  std::vector<double> weights;  ///< percent, sum 100
  int iterations = 0;           ///< Fisher scoring iterations or root-finder evaluations (0 = closed form)
  bool converged = true;
  std::optional<PredictionInterval> prediction;  ///< empty when it cannot be computed (warning given)
  std::optional<Tau2Interval> tau2_ci;           ///< Q-profile CI; empty for k < 2 or when not asked
};

struct MetaResult {
  MetaOptions options;
  std::size_t k = 0;
  std::vector<std::string> study;
  PooledEstimate common;               ///< inverse-variance common (fixed) effect
  std::vector<double> common_weights;  ///< percent, sum 100
  Heterogeneity heterogeneity;
  RandomEffects random;
  /// Errors (then no numbers are meaningful: ok() is false) and warnings (k = 1, no convergence, ...).
  Diagnostics diagnostics;
  [[nodiscard]] bool ok() const { return !diagnostics.has_errors(); }
};

/// Meta-analysis of one comparison. Never throws on user input: k = 0, sizes that differ, non-finite
/// values or vi <= 0 give an error diagnostic; k = 1 gives the study's own estimate for both models
/// with tau2 = 0 and a warning that heterogeneity cannot be estimated.
/// Common effect: mu = sum w y / sum w, se = 1/sqrt(sum w) (inverse variance; e.g. Borenstein et
/// al. 2009, ch. 11). Random effects: the same with w* and tau2 from options.tau2_method. Wald CI
/// mu +- z_{1-alpha/2} se, p = 2 (1 - Phi(|z|)); with Hartung-Knapp se^2 = q / sum w*, t(k-1).
MetaResult meta_analysis(const MetaInput& input, const MetaOptions& options = {});

/// The tau2 estimate alone (see Tau2Method for each definition) with iterations and convergence.
struct Tau2Estimate {
  double tau2 = 0.0;
  int iterations = 0;
  bool converged = true;
};
/// Requires validated input (k >= 2, finite yi, vi > 0).
Tau2Estimate estimate_tau2(const std::vector<double>& yi, const std::vector<double>& vi, Tau2Method method,
                           const MetaOptions& options = {});

/// Generalised Q statistic Q(tau2) = sum w* (y - mu(tau2))^2 with w* = 1/(v + tau2) (DerSimonian &
/// Kacker 2007, doi:10.1016/j.cct.2006.04.004, eq. 7); decreasing in tau2.
double generalised_q(const std::vector<double>& yi, const std::vector<double>& vi, double tau2);

/// Q-profile CI of tau2 (Viechtbauer 2007, doi:10.1002/sim.2514, eq. 6-7) at `level`: the bounds solve
/// Q(tau2) = chi2_{k-1, 1-alpha/2} (lower) and chi2_{k-1, alpha/2} (upper), 0 when Q(0) is below; roots
/// found by `finder` (tau2_estimate sets metafor's search interval). s2 converts the bounds to I2 and
/// H2. Requires validated input with k >= 2.
Tau2Interval qprofile_tau2_ci(const std::vector<double>& yi, const std::vector<double>& vi, double s2, double level,
                              double tau2_estimate = 0.0, RootFinder finder = RootFinder::exact);

}  // namespace evident
