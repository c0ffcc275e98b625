// evident: effect sizes from arm-level and contrast-level data.
//
// compute_effects() turns one outcome of a Dataset into contrasts (study, treat1, treat2, TE,
// seTE), exactly as R's netmeta::pairwise() / meta::metabin() / meta::metacont() /
// metafor::escalc() do. Ratio measures are on the log scale. A study with p arms yields all
// p(p-1)/2 contrasts, ordered as netmeta's pairwise() orders them. Every study or arm left out
// is listed in `excluded` with its reason; every correction (continuity correction, imputed or
// converted SD) is recorded on the contrast.
//
// Formulas, references and the reference software each was checked against are given in
// src/effects/*.cpp and docs/methods/effect-sizes.md.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "evident/core/diagnostic.hpp"
#include "evident/data/dataset.hpp"
#include "evident/effects/conversions.hpp"

namespace evident {

enum class Measure {
  // continuous
  MD,     ///< mean difference
  SMD,    ///< standardised mean difference (Hedges' g by default; see SmdCorrection)
  GLASS,  ///< Glass's delta: difference in means over the SD of the second (control) group
  ROM,    ///< log ratio of means
  // binary
  OR,  ///< log odds ratio
  RR,  ///< log risk ratio
  RD,  ///< risk difference
  // rates (events / person-time)
  IRR,  ///< log incidence rate ratio
  IRD,  ///< incidence rate difference
  // contrast-level data
  HR,   ///< log hazard ratio (time-to-event contrasts)
  GEN,  ///< generic contrast on the scale it is given
  // single-group binary data (one arm: events / n), as metafor::escalc; one estimate per arm
  PR,   ///< raw proportion
  PLN,  ///< log proportion
  PLO,  ///< logit of the proportion (log odds)
  PAS,  ///< arcsine square root transformed proportion
};

const char* to_string(Measure m);
std::optional<Measure> parse_measure(const std::string& s);
/// True for OR, RR, ROM, IRR, HR: estimates are analysed on the log scale.
bool is_ratio(Measure m);
/// True for PR, PLN, PLO, PAS: one estimate per arm (EffectContrast::treat2 is empty).
bool is_single_group(Measure m);

/// Small-sample correction of the SMD.
/// Every Hedges variant multiplies Cohen's d by J(m), m = n1 + n2 - 2 (m = n2 - 1 for GLASS).
enum class SmdCorrection {
  /// J = Gamma(m/2) / (sqrt(m/2) Gamma((m-1)/2)); var = 1/n1 + 1/n2 + g^2 (1 - (m-2)/(m J^2)).
  /// meta::metacont's default (exact.smd = TRUE) = metafor::escalc "SMD" with vtype = "UB".
  hedges_exact,
  /// J = 1 - 3/(4m - 1); var = 1/n1 + 1/n2 + g^2 / (2 (n1 + n2 - 3.94)) (meta::metacont with
  /// exact.smd = FALSE, RevMan 5). Note: metafor 3.8 uses the exact J (see hedges_exact_ls).
  hedges_approx,
  none,  ///< Cohen's d (no correction); var = 1/n1 + 1/n2 + d^2 / (2 (n1 + n2))
  /// The exact J with the large-sample variance 1/n1 + 1/n2 + g^2 / (2 (n1 + n2)): metafor::escalc
  /// "SMD" with its default vtype = "LS".
  hedges_exact_ls,
};

/// Where a continuity correction is added for binary (and rate) data.
enum class ContinuityWhere {
  only_zero,  ///< studies with a zero cell (meta / metafor / netmeta default, "only0")
  all,        ///< all studies ("all")
  if_any_zero,  ///< all studies of the outcome when any study has a zero cell ("if0all")
  none,       ///< never (studies with a zero cell then get an undefined ratio and are excluded)
};

/// How much is added.
enum class ContinuityMethod {
  constant,       ///< `value` added to every cell (0.5 by default)
  treatment_arm,  ///< Sweeting 2004 "treatment arm" correction: reciprocal of the other arm's size
  empirical,      ///< Sweeting 2004 empirical correction from the pooled odds ratio of the other studies
};

/// How the continuity correction enters the risk ratio, the risk difference and the incidence
/// rate difference, where R's meta and metafor differ (OR, IRR and all other cases agree).
enum class CorrectionConvention {
  /// meta::metabin / metainc and netmeta::pairwise(): RR = ((a+k)/(n1+k)) / ((c+k)/(n2+k)) with the
  /// Hartung & Knapp (2001) variance; RD and IRD estimates from the uncorrected counts, the
  /// correction entering their standard errors only.
  meta,
  /// metafor::escalc (= meta's RR.Cochrane = TRUE for the RR): the corrected 2x2 table is used
  /// for estimate and variance alike (RR = ((a+k)/(n1+2k)) / ((c+k)/(n2+2k))).
  metafor,
};

struct ContinuityCorrection {
  double value = 0.5;
  ContinuityWhere where = ContinuityWhere::only_zero;
  ContinuityMethod method = ContinuityMethod::constant;
  CorrectionConvention convention = CorrectionConvention::meta;
};

struct EffectOptions {
  Measure measure = Measure::MD;
  ContinuityCorrection correction;
  /// Keep studies with zero events (or all events) in every arm for ratio measures (R: allstudies).
  /// As meta::metabin: OR drops pairs with no events or only events in both arms, RR only those
  /// with no events in both arms; RD keeps both; IRR keeps them (meta::metainc, metafor::escalc).
  bool include_all_zero = false;
  SmdCorrection smd_correction = SmdCorrection::hedges_exact;
  /// Multi-arm SMD: netmeta's pairwise() uses Cohen's d (no small-sample correction) with the
  /// SD pooled over all arms of the study. true = follow netmeta; false = each pair on its own.
  bool smd_multiarm_pooled = true;
  /// Continuous measures: an arm that reports a median with quartiles and/or range, or an SE,
  /// instead of mean and SD gets them from effects/conversions (complete_mean_sd); each
  /// conversion is noted on the contrasts that use the arm.
  bool convert_summaries = true;
  ConversionOptions conversion;
  /// Continuous measures: impute the SD of arms that report none (baseline SD, another time
  /// point, a user value or the other studies' SD: impute_missing_sds); off by default.
  bool impute_missing_sd = false;
  ImputationOptions imputation;
};

/// One contrast (treat1 versus treat2) and the inputs it was computed from.
struct EffectContrast {
  std::string study;
  std::size_t study_index = 0;
  std::string treat1, treat2;
  double te = 0.0;  ///< log scale for ratio measures
  double se = 0.0;
  // Inputs used (after corrections/conversions), as in netmeta's pairwise() output.
  std::optional<double> n1, n2, events1, events2, mean1, mean2, sd1, sd2, time1, time2;
  double incr1 = 0.0, incr2 = 0.0;  ///< continuity corrections added to the cells of arm 1 / arm 2
  std::vector<std::string> notes;   ///< corrections, conversions, imputations applied
  SourceLocation source;
};

struct EffectSet {
  std::string outcome;
  Measure measure = Measure::MD;
  EffectOptions options;
  std::vector<EffectContrast> contrasts;
  std::vector<Exclusion> excluded;
  Diagnostics diagnostics;
};

/// Names used in JSON and messages: "hedges_exact", "hedges_approx", "none", "hedges_exact_ls";
/// "only0", "all", "if0all", "none" (R's method.incr / to); "constant", "treatment_arm",
/// "empirical"; "meta", "metafor".
const char* to_string(SmdCorrection c);
const char* to_string(ContinuityWhere w);
const char* to_string(ContinuityMethod m);
const char* to_string(CorrectionConvention c);

/// Effect sizes of one outcome of `data`.
EffectSet compute_effects(const Dataset& data, const Outcome& outcome, const EffectOptions& options);

/// The measure used when none is asked for: OR for binary, MD for continuous, IRR for rates,
/// HR for time-to-event, GEN (or the measure the source names) for contrasts.
Measure default_measure(const Outcome& outcome);

}  // namespace evident
