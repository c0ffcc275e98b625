#include "evident/pairwise/analysis.hpp"

#include <algorithm>
#include <cmath>

#include "evident/pairwise/meta_analysis_json.hpp"

namespace evident {

std::vector<Comparison> comparisons(const EffectSet& set) {
  std::vector<Comparison> out;
  for (const auto& c : set.contrasts) {
    if (c.treat2.empty()) continue;  // single-group estimates are not comparisons
    bool found = false;
    for (auto& k : out) {
      if ((k.treat1 == c.treat1 && k.treat2 == c.treat2) || (k.treat1 == c.treat2 && k.treat2 == c.treat1)) {
        ++k.studies;
        found = true;
        break;
      }
    }
    if (!found) out.push_back({c.treat1, c.treat2, 1});
  }
  return out;
}

std::vector<PairwiseAnalysis> analyse_comparisons(const EffectSet& set, const MetaOptions& options) {
  std::vector<PairwiseAnalysis> out;
  for (const auto& k : comparisons(set)) {
    PairwiseAnalysis a;
    a.outcome = set.outcome;
    a.measure = set.measure;
    a.comparison = k;
    MetaInput input = meta_input_from_effects(set, k.treat1, k.treat2);
    // Contrasts of the other comparisons are left out by construction here: not worth a note each.
    auto& items = input.diagnostics.items();
    items.erase(
        std::remove_if(items.begin(), items.end(), [](const Diagnostic& d) { return d.code == "other-comparison"; }),
        items.end());
    a.result = meta_analysis(input, options);
    // Say which analysis a message is about.
    for (auto& d : a.result.diagnostics.items())
      d.message = "outcome '" + set.outcome + "', " + k.treat1 + " vs " + k.treat2 + ": " + d.message;
    out.push_back(std::move(a));
  }
  return out;
}

namespace {
nlohmann::json exp_of(double estimate, double lower, double upper) {
  return {{"estimate", std::exp(estimate)}, {"ci_lower", std::exp(lower)}, {"ci_upper", std::exp(upper)}};
}
}  // namespace

nlohmann::json to_json(const PairwiseAnalysis& a) {
  nlohmann::json j = to_json(a.result);
  j["outcome"] = a.outcome;
  j["comparison"] = {{"treat1", a.comparison.treat1}, {"treat2", a.comparison.treat2}};
  j["measure"] = to_string(a.measure);
  j["scale"] = is_ratio(a.measure) ? "log" : "identity";
  if (is_ratio(a.measure) && a.result.ok()) {
    nlohmann::json e;
    e["common"] = exp_of(a.result.common.estimate, a.result.common.ci_lower, a.result.common.ci_upper);
    e["random"] =
        exp_of(a.result.random.pooled.estimate, a.result.random.pooled.ci_lower, a.result.random.pooled.ci_upper);
    if (a.result.random.prediction)
      e["prediction"] = {{"lower", std::exp(a.result.random.prediction->lower)},
                         {"upper", std::exp(a.result.random.prediction->upper)}};
    j["exp"] = e;
  }
  return j;
}

}  // namespace evident
