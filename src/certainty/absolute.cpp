// Absolute effects for summary-of-findings tables (see absolute.hpp).
#include "evident/certainty/absolute.hpp"

#include <cmath>
#include <limits>

#include "evident/core/diagnostic_json.hpp"
#include "evident/core/json_number.hpp"

namespace evident {

AbsoluteEffect absolute_from_ratio(Measure measure, double ratio, double lower, double upper,
                                   const BaselineRisk& baseline, double per) {
  if (measure == Measure::RD) return absolute_effect(measure, ratio, lower, upper, baseline, per);
  if (!(ratio > 0.0) || !(lower > 0.0) || !(upper > 0.0)) {
    AbsoluteEffect e;
    e.measure = measure;
    e.baseline = baseline;
    e.per = per;
    e.diagnostics.error("ratio-not-positive", {}, "a ratio and its CI bounds must be positive",
                        "give the ratio on its natural scale (e.g. RR 0.8), not its logarithm");
    return e;
  }
  return absolute_effect(measure, std::log(ratio), std::log(lower), std::log(upper), baseline, per);
}

AbsoluteEffect risk_difference_per(double rd, double lower, double upper, double per) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  AbsoluteEffect e;
  e.measure = Measure::RD;
  e.baseline.source = BaselineRiskSource::given;
  e.baseline.risk = nan;
  e.per = per;
  e.risk_comparator = e.risk_intervention = e.risk_intervention_lower = e.risk_intervention_upper = nan;
  if (!std::isfinite(rd) || !std::isfinite(lower) || !std::isfinite(upper) || std::fabs(rd) > 1.0 ||
      std::fabs(lower) > 1.0 || std::fabs(upper) > 1.0) {
    e.diagnostics.error("invalid-risk-difference", {}, "a risk difference and its CI must lie between -1 and 1",
                        "give the risk difference as a proportion (0.04 for 4 percentage points)");
    return e;
  }
  e.difference = rd * per;
  e.difference_lower = lower * per;
  e.difference_upper = upper * per;
  return e;
}

namespace {

bool check_bounds(double est, double lo, double hi, Diagnostics& d) {
  if (!std::isfinite(est) || !std::isfinite(lo) || !std::isfinite(hi)) {
    d.error("no-estimate", {}, "the estimate or its CI is not finite");
    return false;
  }
  if (!(lo <= est && est <= hi)) {
    d.error("estimate-outside-ci", {}, "the estimate does not lie within its CI", "check the order of the bounds");
    return false;
  }
  return true;
}

}  // namespace

ContinuousAbsolute absolute_md(double md, double lower, double upper, std::optional<double> comparator_mean,
                               const std::string& scale) {
  ContinuousAbsolute c;
  c.measure = Measure::MD;
  c.scale = scale;
  c.comparator_mean = comparator_mean;
  if (!check_bounds(md, lower, upper, c.diagnostics)) return c;
  c.difference = md;
  c.difference_lower = lower;
  c.difference_upper = upper;
  if (comparator_mean) {
    c.intervention_mean = *comparator_mean + md;
    c.intervention_mean_lower = *comparator_mean + lower;
    c.intervention_mean_upper = *comparator_mean + upper;
  }
  return c;
}

ContinuousAbsolute reexpress_smd(double smd, double lower, double upper, double sd, const std::string& scale,
                                 std::optional<double> comparator_mean) {
  ContinuousAbsolute c;
  c.measure = Measure::SMD;
  c.scale = scale;
  c.sd = sd;
  c.comparator_mean = comparator_mean;
  if (!(sd > 0.0) || !std::isfinite(sd)) {
    c.diagnostics.error("invalid-sd", {}, "the SD to re-express an SMD with must be positive",
                        "give a representative SD of the instrument, e.g. the median comparator-arm SD");
    return c;
  }
  if (!check_bounds(smd, lower, upper, c.diagnostics)) return c;
  c.difference = smd * sd;
  c.difference_lower = lower * sd;
  c.difference_upper = upper * sd;
  if (comparator_mean) {
    c.intervention_mean = *comparator_mean + c.difference;
    c.intervention_mean_lower = *comparator_mean + c.difference_lower;
    c.intervention_mean_upper = *comparator_mean + c.difference_upper;
  }
  return c;
}

nlohmann::json to_json(const ContinuousAbsolute& c) {
  nlohmann::json j;
  const bool ok = c.ok();
  auto value = [ok](double v) { return ok ? json_number(v) : nlohmann::json(nullptr); };
  auto opt = [ok](const std::optional<double>& v) { return ok ? json_number(v) : nlohmann::json(nullptr); };
  j["measure"] = to_string(c.measure);
  j["scale"] = c.scale;
  j["sd"] = c.measure == Measure::SMD ? json_number(c.sd) : nlohmann::json(nullptr);
  j["comparator_mean"] = json_number(c.comparator_mean);
  j["intervention_mean"] = {{"estimate", opt(c.intervention_mean)},
                            {"ci_lower", opt(c.intervention_mean_lower)},
                            {"ci_upper", opt(c.intervention_mean_upper)}};
  j["difference"] = {{"estimate", value(c.difference)},
                     {"ci_lower", value(c.difference_lower)},
                     {"ci_upper", value(c.difference_upper)}};
  j["warnings"] = to_json(c.diagnostics);
  return j;
}

}  // namespace evident
