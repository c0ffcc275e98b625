// Absolute effects from a pooled relative effect and a comparator risk (formulas in the header).
#include "evident/pairwise/absolute_effects.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "evident/core/diagnostic_json.hpp"
#include "evident/core/json_number.hpp"

namespace evident {

const char* to_string(BaselineRiskSource s) {
  switch (s) {
    case BaselineRiskSource::median_control:
      return "median_control";
    case BaselineRiskSource::pooled_control:
      return "pooled_control";
    case BaselineRiskSource::given:
      return "given";
  }
  return "?";
}

std::optional<BaselineRiskSource> parse_baseline_risk_source(const std::string& name) {
  if (name == "median" || name == "median_control") return BaselineRiskSource::median_control;
  if (name == "pooled" || name == "pooled_control") return BaselineRiskSource::pooled_control;
  if (name == "given") return BaselineRiskSource::given;
  return std::nullopt;
}

std::optional<BaselineRisk> baseline_risk(const std::vector<double>& events, const std::vector<double>& n,
                                          BaselineRiskSource source, Diagnostics& diagnostics) {
  if (source == BaselineRiskSource::given) {
    diagnostics.error("baseline-risk-given", {}, "a given comparator risk is not computed from the data",
                      "pass the risk itself (e.g. --baseline-risk 0.2)");
    return std::nullopt;
  }
  if (events.size() != n.size()) {
    diagnostics.error("size-mismatch", {}, "events and n of the comparator arms differ in length");
    return std::nullopt;
  }
  std::vector<double> risks;
  double sum_events = 0.0, sum_n = 0.0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (std::isnan(events[i]) || std::isnan(n[i])) continue;
    if (!(n[i] > 0.0) || events[i] < 0.0 || events[i] > n[i] || !std::isfinite(n[i])) {
      diagnostics.error("invalid-counts", {},
                        "comparator arm " + std::to_string(i + 1) + " has events " + std::to_string(events[i]) +
                            " of n " + std::to_string(n[i]),
                        "events must lie between 0 and n, and n must be positive");
      return std::nullopt;
    }
    risks.push_back(events[i] / n[i]);
    sum_events += events[i];
    sum_n += n[i];
  }
  if (risks.empty()) {
    diagnostics.error("no-comparator-risk", {},
                      "no comparator arm with events and n to compute the comparator risk from",
                      "give the comparator risk (e.g. --baseline-risk 0.2)");
    return std::nullopt;
  }
  BaselineRisk b;
  b.source = source;
  b.studies = risks.size();
  if (source == BaselineRiskSource::pooled_control) {
    b.risk = sum_events / sum_n;
  } else {
    std::sort(risks.begin(), risks.end());
    const std::size_t m = risks.size() / 2;
    b.risk = risks.size() % 2 == 1 ? risks[m] : 0.5 * (risks[m - 1] + risks[m]);
  }
  return b;
}

void comparator_arms(const EffectSet& set, const std::string& treat1, const std::string& treat2,
                     std::vector<double>& events, std::vector<double>& n) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  events.clear();
  n.clear();
  for (const EffectContrast& c : set.contrasts) {
    if (c.treat1 == treat1 && c.treat2 == treat2) {
      events.push_back(c.events2.value_or(nan));
      n.push_back(c.n2.value_or(nan));
    } else if (c.treat1 == treat2 && c.treat2 == treat1) {
      events.push_back(c.events1.value_or(nan));
      n.push_back(c.n1.value_or(nan));
    }
  }
}

namespace {

/// Risk with the intervention at relative effect x (log scale for ratios).
double intervention_risk(Measure m, double b, double x) {
  switch (m) {
    case Measure::RR:
      return b * std::exp(x);
    case Measure::OR: {
      const double odds_ratio = std::exp(x);
      return odds_ratio * b / (1.0 - b + odds_ratio * b);
    }
    case Measure::HR:
      return 1.0 - std::pow(1.0 - b, std::exp(x));
    default:  // RD
      return b + x;
  }
}

}  // namespace

AbsoluteEffect absolute_effect(Measure measure, double estimate, double lower, double upper,
                               const BaselineRisk& baseline, double per) {
  AbsoluteEffect e;
  e.measure = measure;
  e.baseline = baseline;
  e.per = per;
  if (measure != Measure::RR && measure != Measure::OR && measure != Measure::HR && measure != Measure::RD) {
    e.diagnostics.error("measure-not-binary", {},
                        std::string("absolute effects need a risk ratio, odds ratio, hazard ratio or risk "
                                    "difference, not ") +
                            to_string(measure),
                        "analyse the outcome with --measure RR, OR or RD");
    return e;
  }
  const double b = baseline.risk;
  if (!(b >= 0.0 && b <= 1.0)) {
    e.diagnostics.error("invalid-baseline-risk", {}, "comparator risk " + std::to_string(b) + " is not a proportion",
                        "give a risk between 0 and 1 (e.g. 0.2 for 200 per 1000)");
    return e;
  }
  if (!std::isfinite(estimate) || !std::isfinite(lower) || !std::isfinite(upper)) {
    e.diagnostics.error("no-estimate", {}, "the pooled relative effect or its CI is not finite");
    return e;
  }
  bool truncated = false;
  auto risk = [&](double x) {
    const double r = intervention_risk(measure, b, x);
    if (r > 1.0 || r < 0.0) truncated = true;
    return std::clamp(r, 0.0, 1.0);
  };
  const double r = risk(estimate);
  // The maps are increasing in x, so the bounds stay in order.
  const double r_lo = risk(lower);
  const double r_hi = risk(upper);
  e.risk_comparator = b * per;
  e.risk_intervention = r * per;
  e.risk_intervention_lower = r_lo * per;
  e.risk_intervention_upper = r_hi * per;
  e.difference = (r - b) * per;
  e.difference_lower = (r_lo - b) * per;
  e.difference_upper = (r_hi - b) * per;
  if (truncated)
    e.diagnostics.warning("risk-truncated", {},
                          "the risk with the intervention falls outside 0 to 1 at the comparator risk " +
                              std::to_string(b) + " and was truncated",
                          "a relative effect this large does not carry over to this comparator risk; "
                          "consider an odds ratio");
  return e;
}

nlohmann::json to_json(const AbsoluteEffect& e) {
  nlohmann::json j;
  j["measure"] = to_string(e.measure);
  j["per"] = e.per;
  j["comparator_risk_source"] = to_string(e.baseline.source);
  j["comparator_risk_studies"] = e.baseline.studies;
  const bool ok = e.ok();
  auto value = [ok](double v) { return ok ? json_number(v) : nlohmann::json(nullptr); };
  j["risk_comparator"] = value(e.risk_comparator);
  j["risk_intervention"] = {{"estimate", value(e.risk_intervention)},
                            {"ci_lower", value(e.risk_intervention_lower)},
                            {"ci_upper", value(e.risk_intervention_upper)}};
  j["difference"] = {{"estimate", value(e.difference)},
                     {"ci_lower", value(e.difference_lower)},
                     {"ci_upper", value(e.difference_upper)}};
  j["warnings"] = to_json(e.diagnostics);
  return j;
}

}  // namespace evident
