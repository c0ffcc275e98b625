// evident: meta-regression (mixed-effects model with study-level moderators), as metafor 3.8-1
// rma.uni(yi, vi, mods = ~ ..., method = ..., test = "z" / "knha").
//
// Model (Berkey et al. 1995, doi:10.1002/sim.4780140406; Viechtbauer 2005,
// doi:10.3102/10769986030003261; Viechtbauer et al. 2015, doi:10.1002/jrsm.1149):
//   y_i = x_i' b + u_i + e_i,  e_i ~ N(0, v_i),  u_i ~ N(0, tau2)  (tau2 = 0 for the common-effect model),
// X the k x p design (intercept column "intrcpt", continuous moderators as given, categorical ones as
// treatment dummies against a reference level, R's factor() coding). With W = diag(1/(v_i + tau2)):
//   b = (X'WX)^-1 X'W y,  var(b) = (X'WX)^-1  (Viechtbauer 2005, eq. 5-6 with X),
// P = W - W X (X'WX)^-1 X'W. Residual heterogeneity tau2 by the estimators of Tau2Method generalised to a
// design matrix as metafor does (Raudenbush 2009, in Cooper et al., The Handbook of Research Synthesis,
// 2nd ed., ch. 16, eq. 16.37-16.49; metafor's rma.uni() source):
//   DL  (Q_E - (k - p)) / tr(P0)                        P0 = P at tau2 = 0, Q_E = y'P0 y
//   HE  (y'(I - H)y - tr((I - H)V)) / (k - p)            H = X(X'X)^-1 X' (unweighted)
//   HS  (Q_E - k) / sum(1/v)
//   SJ  tau0 y'P(tau0)y / (k - p),                        tau0 = sum (y - ybar)^2 / k
//   PM  root of y'P(tau2)y = k - p (metafor's uniroot() emulation, MetaOptions::root_finder)
//   ML  Fisher scoring tau2 += (y'PPy - sum w) / sum w^2
//   REML Fisher scoring tau2 += (y'PPy - tr P) / tr(PP)
//   EB  tau2 += (y'Py k/(k - p) - k) / sum w
// (ML, REML, EB start at max(0, HE), halve steps that would make tau2 negative, stop when the change is
// <= MetaOptions::threshold, at most max_iterations; ML/REML are compared with tau2 = 0 as metafor's
// ll0check). Truncated at 0. As metafor, the estimators use y centred at its mean (which changes nothing
// when the model has an intercept), and so does Q_E.
// se(tau2) as metafor 3.8-1 (the delta-method / information formulas of rma.uni()).
// Knapp & Hartung 2003 (doi:10.1002/sim.1482): var(b) scaled by s2 = y'Py / (k - p) (0 when
// y'Py <= machine epsilon), t tests with k - p df, omnibus test F = QM/m with (m, k - p) df; the ad hoc
// variant uses max(1, s2) (metafor test = "adhoc").
// Omnibus test of the moderators QM = b_m' var(b_m)^-1 b_m over all coefficients but the intercept
// (chi-square with m df; the intercept alone for the intercept-only model).
// I2 = 100 tau2 / (tau2 + s2), H2 = 1 + tau2/s2 with s2 = (k - p)/tr(P0) (EE: I2 = 100 max(0, (Q_E -
// (k - p))/Q_E), H2 = Q_E/(k - p)). R2 (Raudenbush 2009, eq. 16.50; metafor): 100 max(0, (tau2_0 -
// tau2)/tau2_0) with tau2_0 from the intercept-only model with the same estimator, 0 when tau2_0 = 0;
// for the common-effect model metafor's 100 max(0, adjusted R^2 of lm(yi ~ X, weights = 1/vi)).
//
// Checked against metafor 3.8-1 (tests/reference/metareg_bcg.json, metareg_bangertdrowns2004.json, made by
// tests/reference/scripts/metareg.R) for EE, DL, HE, HS, SJ, ML, REML, EB and PM, each with test = "z" and
// "knha" (and "adhoc" on dat.bcg), on dat.bcg (log RR; moderators ablat, year, alloc, ablat + year,
// ablat + alloc, ablat without intercept) and dat.bangertdrowns2004 (length, grade, wic, meta,
// length + grade + meta, with missing moderator values): coefficients, se, statistics, p-values, CIs, vcov,
// tau2, se(tau2), I2, H2, R2, QE, QM with p-values, weights, fitted values and residuals all to 1e-8 relative
// (absolute below 1); the largest error seen is 4e-10 (the intercept of ~ year, an ill-conditioned design)
// (tests/unit/pairwise/meta_regression_test.cpp).
//
// Differences from metafor: a rank-deficient design is an error naming the moderator(s) involved (metafor
// drops redundant columns with a warning); k <= p is an error (metafor fits the common-effect model with
// k = p); non-finite yi or vi <= 0 are errors (metafor drops missing yi/vi); two moderators of one name are
// an error. The common-effect model is asked for with meta_regression(..., common_effect = true), as
// MetaOptions has no "EE" estimator.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evident/core/diagnostic.hpp"
#include "evident/pairwise/meta_analysis.hpp"

namespace evident {

/// One moderator (covariate) of a meta-regression.
struct Moderator {
  std::string name;  ///< column name; coefficient names are built from it ("ablat", "allocrandom")
  bool categorical = false;
  /// Continuous: one value per study; NaN = missing (the study is left out, see MetaRegressionResult::excluded).
  std::vector<double> values;
  /// Categorical: one level per study; "" = missing.
  std::vector<std::string> levels;
  /// Categorical: the reference level (no dummy column). Default: the first level in sorted order (as R's
  /// factor(): numeric order when every level is a number, else byte order - R sorts character levels in
  /// the locale's collation, which agrees for ASCII labels of one case).
  std::optional<std::string> reference_level;
};

struct MetaRegressionInput {
  std::vector<std::string> study;  ///< labels (may be empty: "study 1", ...)
  std::vector<double> yi, vi;
  std::vector<Moderator> moderators;
  /// Include an intercept. Without it the first categorical moderator gets one dummy per level (R's
  /// model.matrix(~ x - 1) coding, reference level first); later categorical moderators keep treatment coding.
  bool intercept = true;
};

/// One model coefficient with its Wald (z) or Knapp-Hartung (t) test and confidence interval.
struct Coefficient {
  std::string name;  ///< as R: "intrcpt", "ablat", "allocrandom" (moderator name + level)
  double estimate = 0.0;
  double se = 0.0;
  double statistic = 0.0;    ///< z, or t with df
  std::optional<double> df;  ///< k - p under Knapp-Hartung
  double p_value = 1.0;
  double ci_lower = 0.0;
  double ci_upper = 0.0;
};

/// A study left out of the model.
struct RegressionExclusion {
  std::string study;
  std::string reason;  ///< e.g. "missing value of moderator 'length'"
};

struct MetaRegressionResult {
  /// tau2_method, hartung_knapp (Knapp-Hartung), hartung_knapp_adhoc, level, threshold, ...
  MetaOptions options;
  bool common_effect = false;      ///< tau2 fixed at 0 (metafor method = "EE")
  std::size_t k = 0;               ///< studies used
  std::size_t p = 0;               ///< coefficients
  std::vector<std::string> study;  ///< studies used, in input order
  std::vector<Coefficient> coefficients;
  std::vector<std::vector<double>> vcov;  ///< p x p, Knapp-Hartung scaled when used
  double tau2 = 0.0;                      ///< residual heterogeneity
  double tau2_se = 0.0;                   ///< metafor's se.tau2 (NaN for the common-effect model)
  double I2 = 0.0;                        ///< percent (residual)
  double H2 = 1.0;
  /// Percent of heterogeneity accounted for (see the file comment); empty without intercept or for the
  /// intercept-only model, or when the intercept-only model cannot be fitted.
  std::optional<double> R2;
  double QE = 0.0, QE_df = 0.0, QE_p = 1.0;  ///< test for residual heterogeneity (chi-square, k - p df)
  /// Omnibus test of the moderators: chi-square statistic with QM_df df, or, under Knapp-Hartung, the F
  /// statistic QM/m with (QM_df, QM_df2) df.
  double QM = 0.0, QM_df = 0.0, QM_p = 1.0;
  std::optional<double> QM_df2;  ///< k - p under Knapp-Hartung
  double hk_scale = 1.0;         ///< Knapp-Hartung factor s2 applied to vcov (1 without)
  std::vector<double> weights;   ///< percent, 100 w_i / sum w
  std::vector<double> fitted, residuals;
  int iterations = 0;  ///< Fisher scoring iterations or root-finder evaluations (0 = closed form)
  bool converged = true;
  std::vector<RegressionExclusion> excluded;
  Diagnostics diagnostics;
  [[nodiscard]] bool ok() const { return !diagnostics.has_errors(); }
};

/// Meta-regression. Never throws: sizes that differ, non-finite yi, vi <= 0, a moderator with a missing
/// value in every study, k <= p and a rank-deficient design give error diagnostics (then ok() is false).
/// Studies with a missing moderator value are left out (listed in excluded, with a warning each).
/// common_effect = true fits the common-effect model (tau2 = 0; metafor method = "EE").
MetaRegressionResult meta_regression(const MetaRegressionInput& input, const MetaOptions& options = {},
                                     bool common_effect = false);

/// JSON form, shared by every front-end (non-finite numbers and absent values are null):
///   {"k", "p", "method_tau2" ("EE" for the common-effect model), "hartung_knapp", "level",
///    "coefficients": [{"name", "estimate", "se", "statistic", "df", "p_value", "ci_lower", "ci_upper"}],
///    "vcov": [[...]], "tau2", "tau2_se", "I2", "H2", "R2",
///    "QE", "QE_df", "QE_p_value", "QM", "QM_df", "QM_df2", "QM_p_value", "QM_test" ("chisq" or "F"),
///    "studies": [{"study", "weight", "fitted", "residual"}],
///    "excluded": [{"study", "reason"}], "iterations", "converged",
///    "warnings": [diagnostics as evident/core/diagnostic_json.hpp]}
nlohmann::json to_json(const MetaRegressionResult& result);

}  // namespace evident
