// evident: absolute effects for binary outcomes - from a pooled relative effect and the risk with
// the comparator to the risk with the intervention and the risk difference, per 1000, with CI.
//
// What a summary-of-findings table shows (GRADE; Schünemann et al., Cochrane Handbook for Systematic
// Reviews of Interventions v6.4, 2023, chapter 14.1.5 "Absolute effects" and chapter 15.4.4; Guyatt
// et al. 2013, GRADE guidelines 12, J Clin Epidemiol 66:158-172, doi:10.1016/j.jclinepi.2012.01.012).
// With comparator (baseline) risk b and a relative effect x (with CI bounds transformed the same way):
//   RR:  r = b RR                                   (Handbook 14.1.5, first formula)
//   OR:  r = OR b / (1 - b + OR b)                  (Handbook 14.1.5, second formula)
//   HR:  r = 1 - (1 - b)^HR                         (Handbook 15.4.4.1; b the comparator event risk at
//                                                    the time point)
//   RD:  r = b + RD
// and the difference is r - b. The CI of r and of r - b comes from the CI bounds of the relative effect
// (monotone maps), as GRADEpro does; the comparator risk is treated as known. A risk outside [0, 1]
// (RR far above 1 or RD with a high b) is truncated to the range and a warning says so.
//
// The comparator risk can be (GRADEpro's terms): the median of the comparator arms' risks
// ("median control group risk"), the pooled comparator risk sum(events)/sum(n) over the comparator arms
// of the studies in the analysis ("study population"), or a risk the user gives (e.g. from a cohort).
//
// Checked against hand calculation of the formulas in tests/unit/pairwise/absolute_effects_test.cpp
// (no R package computes this: GRADEpro is a web app); 1e-12 relative.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evident/core/diagnostic.hpp"
#include "evident/effects/effect_size.hpp"
#include "evident/pairwise/meta_analysis.hpp"

namespace evident {

enum class BaselineRiskSource {
  median_control,  ///< median of the comparator arms' risks events/n
  pooled_control,  ///< sum of events / sum of n over the comparator arms
  given,           ///< given by the user
};
const char* to_string(BaselineRiskSource s);
/// "median", "pooled", "given" (and the to_string names); empty when unknown.
std::optional<BaselineRiskSource> parse_baseline_risk_source(const std::string& name);

struct BaselineRisk {
  BaselineRiskSource source = BaselineRiskSource::median_control;
  double risk = 0.0;        ///< proportion in [0, 1]
  std::size_t studies = 0;  ///< comparator arms it was computed from (0 when given)
};

/// Comparator risk from the comparator arms' events[i] of n[i]. Arms with a missing (NaN) count are
/// skipped; no usable arm, negative counts or events > n give an error diagnostic and nullopt.
std::optional<BaselineRisk> baseline_risk(const std::vector<double>& events, const std::vector<double>& n,
                                          BaselineRiskSource source, Diagnostics& diagnostics);

/// Comparator arms of the contrasts of `set` comparing `treat1` with `treat2` (treat2 = comparator):
/// events and n of the arm of treat2 in each contrast, whichever way round the contrast was given.
/// Contrasts without counts give NaN.
void comparator_arms(const EffectSet& set, const std::string& treat1, const std::string& treat2,
                     std::vector<double>& events, std::vector<double>& n);

/// One absolute effect: risks per `per` participants (default 1000).
struct AbsoluteEffect {
  Measure measure = Measure::RR;
  BaselineRisk baseline;
  double per = 1000.0;
  double risk_comparator = 0.0;  ///< b x per
  double risk_intervention = 0.0, risk_intervention_lower = 0.0, risk_intervention_upper = 0.0;
  double difference = 0.0, difference_lower = 0.0, difference_upper = 0.0;  ///< intervention - comparator
  Diagnostics diagnostics;
  [[nodiscard]] bool ok() const { return !diagnostics.has_errors(); }
};

/// Absolute effect of a pooled estimate (log scale for RR, OR and HR; natural scale for RD) with CI
/// bounds `lower`, `upper` at the comparator risk `baseline`. Measures other than RR, OR, HR and RD
/// give an error diagnostic.
AbsoluteEffect absolute_effect(Measure measure, double estimate, double lower, double upper,
                               const BaselineRisk& baseline, double per = 1000.0);

nlohmann::json to_json(const AbsoluteEffect& effect);

}  // namespace evident
