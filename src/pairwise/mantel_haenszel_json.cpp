// evident: JSON form of Mantel-Haenszel and Peto meta-analyses (layout in
// evident/pairwise/mantel_haenszel_json.hpp).
#include "evident/pairwise/mantel_haenszel_json.hpp"

#include <cmath>
#include <optional>

#include "evident/core/diagnostic_json.hpp"
#include "evident/core/json_number.hpp"
#include "evident/pairwise/meta_analysis_json.hpp"

namespace evident {
namespace {

nlohmann::json optional_test(const std::optional<ChiSquareTest>& t) {
  return t ? to_json(*t) : nlohmann::json(nullptr);
}

void common_fields(nlohmann::json& j, bool ok, std::size_t k, std::size_t k_yi, double level,
                   const PooledEstimate& pooled, const Heterogeneity& h, const std::vector<std::string>& study,
                   const Diagnostics& diagnostics) {
  j["k"] = k;
  j["k_yi"] = k_yi;
  j["level"] = level;
  j["common"] = ok ? to_json(pooled) : nlohmann::json(nullptr);
  j["Q"] = ok ? json_number(h.Q) : nlohmann::json(nullptr);
  j["Q_df"] = ok ? json_number(h.df) : nlohmann::json(nullptr);
  j["Q_p_value"] = ok ? json_number(h.p_value) : nlohmann::json(nullptr);
  j["I2_common"] = ok ? json_number(h.I2) : nlohmann::json(nullptr);
  j["H2_common"] = ok ? json_number(h.H2) : nlohmann::json(nullptr);
  j["H_common"] = ok ? json_number(h.H) : nlohmann::json(nullptr);
  j["studies"] = study;
  j["warnings"] = to_json(diagnostics);
}

}  // namespace

nlohmann::json to_json(const ChiSquareTest& t) {
  return {{"statistic", json_number(t.statistic)},
          {"df", json_number(t.df)},
          {"p_value", t.p_value ? json_number(*t.p_value) : nlohmann::json(nullptr)}};
}

nlohmann::json to_json(const MantelHaenszelResult& r) {
  nlohmann::json j;
  j["method"] = "MH";
  j["measure"] = to_string(r.options.measure);
  common_fields(j, r.ok(), r.k, r.k_yi, r.options.level, r.pooled, r.heterogeneity, r.study, r.diagnostics);
  j["cmh"] = optional_test(r.cmh);
  j["breslow_day"] = optional_test(r.breslow_day);
  j["tarone"] = optional_test(r.tarone);
  return j;
}

nlohmann::json to_json(const PetoResult& r) {
  nlohmann::json j;
  j["method"] = "Peto";
  j["measure"] = "OR";
  common_fields(j, r.ok(), r.k, r.k_yi, r.options.level, r.pooled, r.heterogeneity, r.study, r.diagnostics);
  return j;
}

}  // namespace evident
