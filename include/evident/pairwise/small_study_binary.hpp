// evident: small-study tests for binary outcomes from 2x2 tables (Harbord's score test, Peters' test)
// and R meta's conventions for the Begg and Egger tests and for trim-and-fill.
//
// Pure functions from 2x2 counts (or, for the meta conventions, a MetaInput) and options to named
// result structs; invalid input gives error diagnostics naming the study, never an exception. The tests
// need k >= 3; with k < 10 they run and add the note "fewer-than-10-studies" (R meta's metabias() does not
// test below its k.min = 10, following Sterne et al. 2011, BMJ 343:d4002).
//
// Checked against (tests/unit/pairwise/small_study_binary_test.cpp):
//   - harbord_test(), peters_test(variant = meta): R meta 8.3-0 metabias(method.bias = "Harbord" /
//     "Peters") as its source defines them (meta's R/metabias.R and linregcore()), written out with lm()
//     in R 4.2.2 on dat.egger2001, dat.li2007, dat.bcg and dat.collins1985a (bleeding)
//     (tests/reference/small_study_binary_*.json, scripts/small_study_binary.R; meta itself is not
//     installed on the reference machine), 1e-10 relative (absolute below 1);
//   - peters_test(variant = metafor): metafor 3.8-1 regtest(predictor = "ninv") with model "rma" (REML,
//     DL, EE) and "lm" on the same data, 1e-10 (REML repeats metafor's Fisher scoring step for step);
//   - begg_test_meta(), the classic Egger test (egger_test(model = lm)) and trim_and_fill_meta(): meta 8.3-0
//     metabias()/trimfill() figures under ["meta"]["bias"] of every tests/reference/pairwise_*.json, 1e-8
//     (all also pass at 1e-10, and the 1e-10 checks above at 1e-12, with GCC on x86-64).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evident/core/diagnostic.hpp"
#include "evident/effects/effect_size.hpp"
#include "evident/pairwise/meta_analysis.hpp"
#include "evident/pairwise/sensitivity.hpp"
#include "evident/pairwise/small_study.hpp"

namespace evident {

/// One study's 2x2 table: events1 of n1 in arm 1 (experimental; R meta's event.e / n.e, metafor's ai / n1i)
/// and events2 of n2 in arm 2 (control). Counts must be finite, >= 0, n > 0 and events <= n (fractional
/// counts are accepted, not rounded).
struct TwoByTwo {
  std::string study;
  double events1 = 0.0;
  double n1 = 0.0;
  double events2 = 0.0;
  double n2 = 0.0;
};

/// The 2x2 tables of one comparison, with the problems met while collecting them.
struct TwoByTwoSet {
  std::vector<TwoByTwo> tables;
  Diagnostics diagnostics;
};

/// The raw counts (EffectContrast events1/n1/events2/n2, without the continuity corrections incr1/incr2)
/// of the contrasts of `set` that compare `treat1` (arm 1) with `treat2` (arm 2); contrasts given as treat2
/// versus treat1 enter with their arms swapped, other comparisons are left out with a note. With treat1 and
/// treat2 empty, the comparison of the first contrast is used. A contrast without counts (not a binary
/// outcome) is an error naming the study.
TwoByTwoSet two_by_two_from_effects(const EffectSet& set, const std::string& treat1 = {},
                                    const std::string& treat2 = {});

/// Result of a regression test for funnel-plot asymmetry from 2x2 tables. "bias" is the coefficient
/// tested (R meta's `estimate["bias"]`); "effect" the coefficient that estimates the log odds ratio
/// free of small-study effects (meta's `intercept`, metafor's limit estimate).
struct BinaryRegtestResult {
  std::string method;                ///< "Harbord", "Peters (meta)", "Peters (metafor, predictor ninv)"
  std::size_t k = 0;                 ///< studies used
  std::vector<std::string> studies;  ///< the studies used, in input order
  double bias = 0.0;
  double bias_se = 0.0;
  double statistic = 0.0;    ///< bias / bias_se: t with df, or z
  std::optional<double> df;  ///< k - 2 for t tests; empty for z (metafor model rma)
  double p_value = 1.0;      ///< two-sided
  double effect = 0.0;
  double effect_se = 0.0;
  double effect_ci_lower = 0.0;  ///< effect -+ quantile (t with df, or normal) x effect_se at `level`
  double effect_ci_upper = 0.0;
  /// lm fits: residual standard error sqrt(sum w e^2 / (k - 2)) (meta's `tau` for multiplicative
  /// residual heterogeneity); rma fits: sqrt(tau2).
  double residual_sd = 0.0;
  double tau2 = 0.0;  ///< rma fits: residual tau2 (0 for common effect and lm)
  int iterations = 0;
  bool converged = true;
  Diagnostics diagnostics;
  [[nodiscard]] bool ok() const { return !diagnostics.has_errors(); }
};

struct HarbordOptions {
  double level = 0.95;  ///< level of the CI of `effect`
};

/// Harbord, Egger & Sterne 2006 (Stat Med 25:3443-3457, doi:10.1002/sim.2380), the modified Egger test
/// for log odds ratios: per study the efficient score of the log OR at OR = 1 and its variance (section 2
/// there: the mean and variance of the hypergeometric null distribution of a; equation numbers not checked)
///   Z = a - (a + c) n1 / N,   V = n1 n2 (a + c) (b + d) / (N^2 (N - 1)),   N = n1 + n2,
/// and the OLS regression Z/sqrt(V) = bias + effect sqrt(V) + e, t test of the intercept `bias`
/// with k - 2 df. Same numbers as R meta 8.3-0 metabias(method.bias = "Harbord") for sm = "OR" (meta fits
/// the equivalent lm(Z/V ~ 1/sqrt(V), weights = V) through metafor regtest(model = "lm")). Studies with no
/// events or no non-events in both arms (V = 0) are left out with a warning, as meta does (their log OR
/// is undefined). Needs k >= 3 studies used; raw counts, no continuity correction.
BinaryRegtestResult harbord_test(const std::vector<TwoByTwo>& tables, const HarbordOptions& options = {});

/// Which published form of Peters' test.
enum class PetersVariant {
  /// Peters et al. 2006 (JAMA 295:676-680, doi:10.1001/jama.295.6.676) as R meta 8.3-0
  /// metabias(method.bias = "Peters"): weighted least squares lm(lnOR ~ 1/N, weights = 1/(1/(a + c) +
  /// 1/(b + d))) (the inverse variance of the average event rate, from the raw counts), t test of the
  /// slope of 1/N (`bias`) with k - 2 df; `effect` is the intercept. Studies with no events or no
  /// non-events in both arms are left out (weight undefined); lnOR with the continuity correction below.
  meta,
  /// metafor 3.8-1 regtest(x, predictor = "ninv") on escalc("OR") (to = "only0", drop00 = FALSE): the
  /// predictor 1/N in the meta-regression of `model` with the usual variance vi = 1/a + 1/b + 1/c + 1/d
  /// (after correction): model rma (default) is meta_regression() (meta_regression.hpp) of yi on the
  /// moderator 1/N with fit.meta (any tau2 estimator; tau2 = 0 for fit.common_effect) and a z test, or a
  /// t test with k - 2 df under fit.meta.hartung_knapp (metafor test = "knha"; only REML, DL and EE with z
  /// tests are checked against metafor here); model lm fits lm(yi ~ 1/N, weights = 1/vi) with a t test
  /// (k - 2 df). Double-zero studies are kept (they enter with the continuity correction), as escalc's
  /// default.
  metafor,
};

const char* to_string(PetersVariant v);

struct PetersOptions {
  PetersVariant variant = PetersVariant::meta;
  /// Continuity correction for the log OR: `increment` added to the four cells of the studies `where`
  /// says (R meta incr = 0.5, method.incr = "only0"; metafor add = 1/2, to = "only0"). With none (or
  /// increment 0), a used study with a zero cell is an error.
  double increment = 0.5;
  ContinuityWhere where = ContinuityWhere::only_zero;
  /// variant metafor only: the regression model (RegtestModel::rma or lm) and, for rma, its fit
  /// (fit.meta.level is replaced by `level`).
  RegtestModel model = RegtestModel::rma;
  FitOptions fit;
  double level = 0.95;  ///< level of the CI of `effect` (fit.meta.level is not used)
};

/// Peters' regression test of the log odds ratio on 1/N (N = n1 + n2). Needs k >= 3 studies used and
/// studies of different sizes.
BinaryRegtestResult peters_test(const std::vector<TwoByTwo>& tables, const PetersOptions& options = {});

/// Options of the rank correlation test as R meta computes it.
struct BeggMetaOptions {
  /// meta's `correct`: subtract sign(S) from S (Kendall & Gibbons 1990, Rank Correlation Methods, p. 67).
  bool continuity_correction = false;
};

/// Begg & Mazumdar 1994 (Biometrics 50:1088-1101, doi:10.2307/2533446) rank correlation test as R meta
/// 8.3-0 metabias(method.bias = "Begg") and its kentau(): the standardised deviates
/// (yi - mu_CE)/sqrt(vi - 1/sum w) against vi (as metafor ranktest()), but reported as Kendall's score
/// ks = S = concordant - discordant pairs (ties count 0; minus sign(S) with the continuity correction), its
/// null standard error with ties (Kendall & Gibbons 1990, Rank Correlation Methods, pp. 66-68; Stata's ktau)
///   se.ks^2 = [n(n-1)(2n+5) - sum t(t-1)(2t+5) - sum u(u-1)(2u+5)] / 18
///             + sum t(t-1)(t-2) sum u(u-1)(u-2) / (9 n(n-1)(n-2)) + sum t(t-1) sum u(u-1) / (2 n(n-1)),
/// t and u the sizes of tied groups, and z = ks / se.ks with a two-sided normal p-value (never the exact
/// distribution, unlike metafor ranktest()). Needs k >= 3 and standard errors that are not all equal.
struct BeggMetaResult {
  BeggMetaOptions options;
  std::size_t k = 0;
  double ks = 0.0;         ///< S (continuity corrected when asked)
  double se_ks = 0.0;      ///< its standard error
  double statistic = 0.0;  ///< z = ks / se_ks
  double p_value = 1.0;    ///< two-sided, normal
  double tau_b = 0.0;      ///< Kendall's tau-b (uncorrected)
  Diagnostics diagnostics;
  [[nodiscard]] bool ok() const { return !diagnostics.has_errors(); }
};

BeggMetaResult begg_test_meta(const MetaInput& input, const BeggMetaOptions& options = {});

/// R meta 8.3-0 trimfill() (defaults left = NULL, ma.common = TRUE, type = "L") rebuilt on evident's
/// trim_and_fill(): the side is left when the classic Egger test's bias (egger_test(model = lm) slope,
/// meta's metabias(method.bias = "Egger")) is > 0, right otherwise; the studies are trimmed with the
/// common-effect estimate (trim_and_fill with fit.common_effect and the L0 / R0 estimator); the observed
/// and filled studies are then fitted with `model` (meta: the meta-analysis' own method.tau, e.g. REML).
/// Differences to meta that do not show on the reference data: meta rounds L0 half up (floor(L0 + 0.5)),
/// evident half to even; meta ranks ties by their average rank, evident by position; meta stops after 50
/// iterations, evident after TrimfillOptions' 100.
struct MetaTrimfillResult {
  TrimfillSide side = TrimfillSide::left;
  std::size_t k0 = 0;
  std::vector<double> filled_yi;
  std::vector<double> filled_vi;
  MetaResult adjusted;  ///< `model` fitted to the observed and the filled studies
  Diagnostics diagnostics;
  [[nodiscard]] bool ok() const { return !diagnostics.has_errors(); }
};

struct MetaTrimfillOptions {
  TrimfillEstimator estimator = TrimfillEstimator::L0;
  MetaOptions model;  ///< the model of the final fit (meta: method.tau of the meta-analysis)
};

MetaTrimfillResult trim_and_fill_meta(const MetaInput& input, const MetaTrimfillOptions& options = {});

/// JSON forms: {"method", "k", "studies", "bias", "bias_se", "statistic", "df", "p_value", "effect",
/// "effect_se", "effect_ci_lower", "effect_ci_upper", "residual_sd", "tau2", "iterations", "converged",
/// "diagnostics"}; {"k", "ks", "se_ks", "statistic", "p_value", "tau_b", "continuity_correction",
/// "diagnostics"}; {"side", "k0", "filled_yi", "filled_vi", "adjusted" (to_json(MetaResult)),
/// "diagnostics"}. Non-finite numbers are null.
nlohmann::json to_json(const BinaryRegtestResult& result);
nlohmann::json to_json(const BeggMetaResult& result);
nlohmann::json to_json(const MetaTrimfillResult& result);

}  // namespace evident
