// evident: absolute effects for a summary-of-findings table - binary outcomes per 1000 from a
// published or pooled relative effect, continuous outcomes on the original scale.
//
// Binary: the formulas of evident/pairwise/absolute_effects.hpp (Cochrane Handbook v6.4 chapter 14.1.5;
// Guyatt et al. 2013, GRADE guidelines 12, J Clin Epidemiol 66:158-172, doi:10.1016/j.jclinepi.2012.01.012);
// absolute_from_ratio() takes a ratio on its natural scale (RR 15.90 (6.70 to 37.74), as a review
// reports it) and a comparator risk, and a risk difference needs no comparator risk for the difference.
//
// Continuous (Guyatt et al. 2013, GRADE guidelines 13: preparing summary of findings tables and evidence
// profiles - continuous outcomes, J Clin Epidemiol 66:173-183, doi:10.1016/j.jclinepi.2012.05.011):
//  - MD: the mean with the intervention is the comparator mean + MD (CI: + the bounds), in the units of
//    the outcome's scale.
//  - SMD re-expressed on a named instrument: MD = SMD x SD, where SD is a representative standard
//    deviation of that instrument (e.g. the pooled or median comparator SD of the studies using it);
//    Cochrane Handbook v6.4 section 15.5.3.2 ("re-expressing SMDs by transformation to the original
//    scale"). The CI bounds are multiplied by the same SD (the SD is treated as known).
// Checked by hand calculation in tests/unit/certainty/absolute_test.cpp (1e-12 relative).
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "evident/core/diagnostic.hpp"
#include "evident/effects/effect_size.hpp"
#include "evident/pairwise/absolute_effects.hpp"

namespace evident {

/// Absolute effect of a ratio (RR, OR, HR) given on its natural scale (ratio > 0), or of a risk difference
/// (as a proportion), at the comparator risk `baseline`. For RD without a comparator risk use
/// risk_difference_per().
AbsoluteEffect absolute_from_ratio(Measure measure, double ratio, double lower, double upper,
                                   const BaselineRisk& baseline, double per = 1000.0);

/// A risk difference (proportion) with CI as a difference per `per` participants; the risks themselves
/// are not known (risk_comparator and risk_intervention are NaN).
AbsoluteEffect risk_difference_per(double rd, double lower, double upper, double per = 1000.0);

/// A continuous effect on the original scale of an instrument.
struct ContinuousAbsolute {
  Measure measure = Measure::MD;  ///< what was pooled (MD or SMD)
  std::string scale;              ///< e.g. "pain, 0-100 VAS" or the instrument an SMD was re-expressed on
  double sd = 0.0;                ///< SD used for an SMD (0 for MD)
  std::optional<double> comparator_mean;
  std::optional<double> intervention_mean, intervention_mean_lower, intervention_mean_upper;
  double difference = 0.0, difference_lower = 0.0, difference_upper = 0.0;  ///< on the original scale
  Diagnostics diagnostics;
  [[nodiscard]] bool ok() const { return !diagnostics.has_errors(); }
};

/// MD with CI on its own scale; with a comparator mean also the mean with the intervention.
ContinuousAbsolute absolute_md(double md, double lower, double upper, std::optional<double> comparator_mean,
                               const std::string& scale);

/// SMD with CI re-expressed as an MD on the instrument `scale` whose SD is `sd` (> 0).
ContinuousAbsolute reexpress_smd(double smd, double lower, double upper, double sd, const std::string& scale,
                                 std::optional<double> comparator_mean = std::nullopt);

nlohmann::json to_json(const ContinuousAbsolute& c);

}  // namespace evident
