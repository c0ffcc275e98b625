// evident: JSON form of effect sizes (see evident/effects/effects_json.hpp for the layout).
#include "evident/effects/effects_json.hpp"

#include "evident/core/diagnostic_json.hpp"

namespace evident {
namespace {

void put(nlohmann::json& j, const char* key, const std::optional<double>& v) {
  if (v) j[key] = *v;
}

nlohmann::json location_json(const SourceLocation& loc) {
  return {{"file", loc.file}, {"line", loc.line}, {"column", loc.column}};
}

nlohmann::json exclusion_json(const Exclusion& e) {
  return {{"outcome", e.outcome},  {"study", e.study},      {"treatment", e.treatment}, {"reason", e.reason},
          {"file", e.source.file}, {"line", e.source.line}, {"column", e.source.column}};
}

}  // namespace

nlohmann::json to_json(const EffectOptions& o) {
  nlohmann::json j;
  j["measure"] = to_string(o.measure);
  j["continuity_correction"] = {{"value", o.correction.value},
                                {"where", to_string(o.correction.where)},
                                {"method", to_string(o.correction.method)},
                                {"convention", to_string(o.correction.convention)}};
  j["include_all_zero"] = o.include_all_zero;
  j["smd_correction"] = to_string(o.smd_correction);
  j["smd_multiarm_pooled"] = o.smd_multiarm_pooled;
  j["convert_summaries"] = o.convert_summaries;
  j["impute_missing_sd"] = o.impute_missing_sd;
  if (o.impute_missing_sd) {
    nlohmann::json imp;
    imp["pool"] = to_string(o.imputation.pool);
    if (o.imputation.user_sd) imp["user_sd"] = *o.imputation.user_sd;
    if (o.imputation.carry_over_outcome) imp["carry_over_outcome"] = *o.imputation.carry_over_outcome;
    j["imputation"] = imp;
  }
  return j;
}

nlohmann::json to_json(const EffectContrast& c) {
  nlohmann::json j;
  j["study"] = c.study;
  j["study_index"] = c.study_index;
  j["treat1"] = c.treat1;
  j["treat2"] = c.treat2;
  j["TE"] = c.te;
  j["seTE"] = c.se;
  put(j, "n1", c.n1);
  put(j, "n2", c.n2);
  put(j, "event1", c.events1);
  put(j, "event2", c.events2);
  put(j, "mean1", c.mean1);
  put(j, "mean2", c.mean2);
  put(j, "sd1", c.sd1);
  put(j, "sd2", c.sd2);
  put(j, "time1", c.time1);
  put(j, "time2", c.time2);
  j["incr1"] = c.incr1;
  j["incr2"] = c.incr2;
  j["notes"] = c.notes;
  j["source"] = location_json(c.source);
  return j;
}

nlohmann::json to_json(const EffectSet& s) {
  nlohmann::json j;
  j["outcome"] = s.outcome;
  j["measure"] = to_string(s.measure);
  j["scale"] = is_ratio(s.measure) ? "log" : "identity";
  j["options"] = to_json(s.options);
  nlohmann::json cs = nlohmann::json::array();
  for (const auto& c : s.contrasts) cs.push_back(to_json(c));
  j["contrasts"] = std::move(cs);
  nlohmann::json ex = nlohmann::json::array();
  for (const auto& e : s.excluded) ex.push_back(exclusion_json(e));
  j["excluded"] = std::move(ex);
  j["diagnostics"] = to_json(s.diagnostics);
  return j;
}

}  // namespace evident
