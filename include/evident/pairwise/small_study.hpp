// evident: small-study effects (funnel-plot asymmetry): Egger's regression test, Begg & Mazumdar's
// rank correlation test and Duval & Tweedie's trim-and-fill.
//
// Pure functions from a MetaInput (yi, vi) and options to named result structs; invalid input (as
// meta_analysis() defines it) or too few studies give an error diagnostic, never an exception.
// Definitions follow metafor 3.8-1 regtest(), ranktest() and trimfill() (R/regtest.r,
// R/ranktest.r, R/trimfill.rma.uni.r); every figure was checked against metafor 3.8-1 on every
// tests/reference/pairwise_*.json dataset with study-level data (regtest: EE, DL, REML with
// predictor sei and the classic lm() version; ranktest; trimfill L0 with EE, DL, REML) and, in
// tests/reference/small_study_extra.json, regtest with ML, HE, HS, EB and REML + Hartung-Knapp,
// ranktest(exact = FALSE), trimfill R0 (REML, EE) and side = "left" (DL), all to 1e-10 relative
// (absolute below 1), see tests/unit/pairwise/small_study_test.cpp.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "evident/core/diagnostic.hpp"
#include "evident/pairwise/meta_analysis.hpp"
#include "evident/pairwise/sensitivity.hpp"

namespace evident {

/// How the regression test for funnel-plot asymmetry is fitted (metafor regtest(model = ...)).
enum class RegtestModel {
  /// Meta-regression yi = b0 + b1 sei + u_i + e_i, e_i ~ N(0, vi), u_i ~ N(0, tau2) (metafor
  /// regtest(model = "rma"), the default; Sterne & Egger 2005 in Rothstein et al., Publication Bias
  /// in Meta-Analysis, ch. 6): tau2 by the chosen estimator for the model with the predictor,
  /// b = (X'W*X)^-1 X'W* y with W* = diag(1/(vi + tau2)), var(b) = (X'W*X)^-1, z test of b1 (t with
  /// k - 2 df and var(b) scaled by sum w*(y - Xb)^2/(k - 2) under Hartung-Knapp). The common-effect
  /// model fixes tau2 = 0.
  rma,
  /// Classic Egger test (Egger et al. 1997, doi:10.1136/bmj.315.7109.629): the weighted least-squares
  /// regression lm(yi ~ sei, weights = 1/vi), i.e. standard normal deviate yi/sei on precision
  /// 1/sei, with the residual variance estimated: t test of b1 with k - 2 df.
  lm,
};

const char* to_string(RegtestModel m);

struct RegtestOptions {
  RegtestModel model = RegtestModel::rma;
  /// Model with model = rma: common effect or random effects with fit.meta.tau2_method (DL, HE, HS,
  /// ML, REML and EB are available with a predictor; PM and SJ give an error). fit.meta.level sets
  /// the level of the limit-estimate CI.
  FitOptions fit;
};

/// Egger-type regression test with predictor sei = sqrt(vi) (metafor regtest(predictor = "sei")).
struct RegtestResult {
  RegtestOptions options;
  std::size_t k = 0;
  double slope = 0.0;        ///< b1, the coefficient of sei (asymmetry)
  double slope_se = 0.0;     ///< its standard error
  double statistic = 0.0;    ///< b1 / se(b1): z, or t with df
  std::optional<double> df;  ///< k - 2 for t tests (lm, Hartung-Knapp); empty for z
  double p_value = 1.0;      ///< two-sided
  /// The intercept b0: the estimated effect as sei -> 0 (metafor's "limit estimate"), with its se
  /// and CI (normal or t quantile as the test of b1).
  double limit_estimate = 0.0;
  double limit_se = 0.0;
  double limit_ci_lower = 0.0;
  double limit_ci_upper = 0.0;
  double tau2 = 0.0;  ///< residual heterogeneity of the rma model (0 for common effect and lm)
  int iterations = 0;
  bool converged = true;
  Diagnostics diagnostics;
  [[nodiscard]] bool ok() const { return !diagnostics.has_errors(); }
};

/// Egger's regression test (the meta-regression of meta_regression.hpp with the moderator sei). Needs k >= 3.
RegtestResult egger_test(const MetaInput& input, const RegtestOptions& options = {});

/// Thompson & Sharp 1999 (Stat Med 18:2693-2708,
/// doi:10.1002/(SICI)1097-0258(19991030)18:20<2693::AID-SIM235>3.0.CO;2-V, method 3a there): the Egger-type regression
/// of yi on sei with ADDITIVE between-study heterogeneity, i.e. the random-effects meta-regression yi = b0 + b1 sei_i +
/// u_i + e_i, u_i ~ N(0, tau2), tau2 by options.tau2_method (meta_regression()), b1 tested with its model-based se (not
/// rescaled) against t with k - 2 df; the limit estimate b0 gets a t-based CI. As R meta (>= 4.17) metabias(method.bias
/// = "Thompson"), which fits metafor rma.uni(yi, sei = sei, method = method.tau, test = "t") and calls regtest(model =
/// "rma", predictor = "sei"); with DL this is the older meta "mm" method of moments test. options.hartung_knapp is
/// ignored. meta is not installed here: checked against that metafor 3.8-1 call (reference
/// tests/reference/metareg_thompson_sharp.json, scripts/metareg.R) on dat.bcg, dat.hackshaw1998 and
/// dat.bangertdrowns2004 for DL, REML, PM, ML, HS, SJ, HE and EB to 1e-8 relative (absolute below 1)
/// (tests/unit/pairwise/meta_regression_test.cpp). RegtestResult::options.model is rma, df is k - 2. Needs k >= 3.
RegtestResult thompson_sharp_test(const MetaInput& input, const MetaOptions& options = {});

struct RanktestOptions {
  /// Exact p-value from the null distribution of Kendall's statistic when there are no ties (R
  /// cor.test(exact = TRUE), metafor's default); with ties, or exact = false, the normal
  /// approximation with the tie-corrected variance (Kendall 1970, Rank Correlation Methods, ch. 4),
  /// without continuity correction.
  bool exact = true;
};

/// Begg & Mazumdar 1994 (doi:10.2307/2533446) rank correlation test as metafor ranktest(): Kendall's
/// tau (tau-b) between the standardised deviates (yi - mu_EE)/sqrt(vi - 1/sum w) and vi.
struct RanktestResult {
  RanktestOptions options;
  std::size_t k = 0;
  double tau = 0.0;   ///< Kendall's tau-b
  bool exact = true;  ///< true: exact p-value; false: normal approximation
  /// Exact: T, the number of concordant pairs; normal approximation: the z statistic.
  double statistic = 0.0;
  double p_value = 1.0;  ///< two-sided
  Diagnostics diagnostics;
  [[nodiscard]] bool ok() const { return !diagnostics.has_errors(); }
};

/// Rank correlation test. Needs k >= 3.
RanktestResult rank_correlation_test(const MetaInput& input, const RanktestOptions& options = {});

/// Estimator of the number of missing studies (Duval & Tweedie 2000, doi:10.1111/j.0006-341X.2000.00455.x).
enum class TrimfillEstimator {
  /// L0 = (4 S_r - k(k+1)) / (2k - 1), S_r the Wilcoxon sum of positive ranks (eq. 4 there);
  /// se from the variance of S_r given there; metafor's default.
  L0,
  /// R0 = gamma* - 1, gamma* the length of the rightmost run of positive ranks (eq. 3 there);
  /// se = sqrt(2 max(0, R0) + 2); p(k0) = 0.5^(R0 + 1) as metafor.
  R0,
};

/// The side of the funnel plot on which studies are missing.
enum class TrimfillSide {
  /// As metafor: from the sign of the slope of sei in the regression test model (rma with the same
  /// model): slope < 0 -> right, otherwise left.
  automatic,
  left,
  right,
};

const char* to_string(TrimfillEstimator e);
const char* to_string(TrimfillSide s);

struct TrimfillOptions {
  TrimfillEstimator estimator = TrimfillEstimator::L0;
  TrimfillSide side = TrimfillSide::automatic;
  FitOptions fit;  ///< model refitted in each step and to the filled data
  int max_iterations = 100;
};

/// Trim-and-fill (Duval & Tweedie 2000) as metafor trimfill(): the studies are sorted by effect (sign
/// flipped when studies are missing on the right), the k0 most extreme are trimmed, the model refitted
/// to the rest and k0 re-estimated from the ranks of |yi - mu| until k0 no longer changes; then the
/// mirror images 2 mu - yi of the k0 trimmed studies (same vi) are added and the model refitted.
/// With fit.meta.hartung_knapp the adjusted model uses it too (metafor 3.8-1 trimfill() refits the filled
/// data with the default z test unless test = "knha" is passed again; untested against metafor).
struct TrimfillResult {
  TrimfillOptions options;
  TrimfillSide side = TrimfillSide::left;  ///< the side used (never automatic)
  std::size_t k0 = 0;                      ///< number of filled studies
  double se_k0 = 0.0;
  std::optional<double> p_k0;  ///< R0 only
  int iterations = 0;
  std::vector<double> filled_yi;  ///< the filled studies, in metafor's order
  std::vector<double> filled_vi;
  /// The model fitted to the observed and filled studies (k + k0 studies; the observed model when k0 = 0).
  FitSummary adjusted;
  Diagnostics diagnostics;
  [[nodiscard]] bool ok() const { return !diagnostics.has_errors(); }
};

/// Trim-and-fill. Needs k >= 3 (k >= 2 when the side is given).
TrimfillResult trim_and_fill(const MetaInput& input, const TrimfillOptions& options = {});

}  // namespace evident
