// evident: JSON form of a pairwise meta-analysis (layout in evident/pairwise/meta_analysis_json.hpp).
#include "evident/pairwise/meta_analysis_json.hpp"

#include <cmath>

#include "evident/core/diagnostic_json.hpp"
#include "evident/core/json_number.hpp"

namespace evident {
nlohmann::json to_json(const PooledEstimate& e) {
  return {{"estimate", json_number(e.estimate)},   {"se", json_number(e.se)},
          {"statistic", json_number(e.statistic)}, {"df", json_number(e.df)},
          {"ci_lower", json_number(e.ci_lower)},   {"ci_upper", json_number(e.ci_upper)},
          {"p_value", json_number(e.p_value)}};
}

nlohmann::json to_json(const MetaResult& r) {
  nlohmann::json j;
  const RandomEffects& re = r.random;
  const bool ok = r.ok();
  j["k"] = r.k;
  j["method_tau2"] = to_string(re.method);
  j["hartung_knapp"] = r.options.hartung_knapp;
  j["level"] = r.options.level;
  j["common"] = to_json(r.common);
  j["random"] = to_json(re.pooled);
  j["tau2"] = json_number(re.tau2);
  j["tau"] = json_number(re.tau);
  const std::optional<Tau2Interval>& ci = re.tau2_ci;
  j["tau2_ci_lower"] = ci ? json_number(ci->tau2_lower) : nullptr;
  j["tau2_ci_upper"] = ci ? json_number(ci->tau2_upper) : nullptr;
  j["tau_ci_lower"] = ci ? json_number(ci->tau_lower) : nullptr;
  j["tau_ci_upper"] = ci ? json_number(ci->tau_upper) : nullptr;
  j["I2"] = json_number(re.I2);
  j["I2_ci_lower"] = ci ? json_number(ci->I2_lower) : nullptr;
  j["I2_ci_upper"] = ci ? json_number(ci->I2_upper) : nullptr;
  j["H2"] = json_number(re.H2);
  j["H2_ci_lower"] = ci ? json_number(ci->H2_lower) : nullptr;
  j["H2_ci_upper"] = ci ? json_number(ci->H2_upper) : nullptr;
  j["H"] = ok ? json_number(std::sqrt(re.H2)) : nullptr;
  j["I2_common"] = json_number(r.heterogeneity.I2);
  j["H_common"] = json_number(r.heterogeneity.H);
  j["Q"] = json_number(r.heterogeneity.Q);
  j["Q_df"] = json_number(r.heterogeneity.df);
  j["Q_p_value"] = json_number(r.heterogeneity.p_value);
  if (re.prediction) {
    j["prediction"] = {{"lower", json_number(re.prediction->lower)},
                       {"upper", json_number(re.prediction->upper)},
                       {"df", json_number(re.prediction->df)},
                       {"method", to_string(re.prediction->method)}};
  } else {
    j["prediction"] = {{"lower", nullptr}, {"upper", nullptr}, {"df", nullptr}, {"method", nullptr}};
  }
  nlohmann::json w = nlohmann::json::array();
  for (std::size_t i = 0; i < r.common_weights.size(); ++i) {
    w.push_back({{"study", i < r.study.size() ? r.study[i] : std::string()},
                 {"common", json_number(r.common_weights[i])},
                 {"random", i < re.weights.size() ? json_number(re.weights[i]) : nlohmann::json(nullptr)}});
  }
  j["weights"] = w;
  j["iterations"] = re.iterations;
  j["converged"] = re.converged;
  j["warnings"] = to_json(r.diagnostics);
  return j;
}

}  // namespace evident
