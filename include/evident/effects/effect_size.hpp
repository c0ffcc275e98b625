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
};

const char* to_string(Measure m);
std::optional<Measure> parse_measure(const std::string& s);
/// True for OR, RR, ROM, IRR, HR: estimates are analysed on the log scale.
bool is_ratio(Measure m);

/// Small-sample correction of the SMD.
enum class SmdCorrection {
  hedges_exact,   ///< J = Gamma(m/2) / (sqrt(m/2) Gamma((m-1)/2)), m = n1+n2-2 (meta's default)
  hedges_approx,  ///< J = 1 - 3/(4m - 1) (metafor's escalc "SMD")
  none,           ///< Cohen's d (no correction)
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

struct ContinuityCorrection {
  double value = 0.5;
  ContinuityWhere where = ContinuityWhere::only_zero;
  ContinuityMethod method = ContinuityMethod::constant;
};

struct EffectOptions {
  Measure measure = Measure::MD;
  ContinuityCorrection correction;
  /// Keep studies with zero events (or all events) in every arm for ratio measures (R: allstudies).
  bool include_all_zero = false;
  SmdCorrection smd_correction = SmdCorrection::hedges_exact;
  /// Multi-arm SMD: netmeta's pairwise() uses Cohen's d (no small-sample correction) with the
  /// SD pooled over all arms of the study. true = follow netmeta; false = each pair on its own.
  bool smd_multiarm_pooled = true;
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

/// Effect sizes of one outcome of `data`.
EffectSet compute_effects(const Dataset& data, const Outcome& outcome, const EffectOptions& options);

/// The measure used when none is asked for: OR for binary, MD for continuous, IRR for rates,
/// HR for time-to-event, GEN (or the measure the source names) for contrasts.
Measure default_measure(const Outcome& outcome);

}  // namespace evident
