// evident: JSON form of a pairwise meta-analysis (layout in evident/pairwise/meta_analysis_json.hpp).
#include "evident/pairwise/meta_analysis_json.hpp"

#include <cmath>

#include "evident/core/diagnostic_json.hpp"

namespace evident {
namespace {

nlohmann::json number(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

nlohmann::json number(const std::optional<double>& v) {
  return v ? number(*v) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json to_json(const PooledEstimate& e) {
  return {{"estimate", number(e.estimate)},   {"se", number(e.se)},
          {"statistic", number(e.statistic)}, {"df", number(e.df)},
          {"ci_lower", number(e.ci_lower)},   {"ci_upper", number(e.ci_upper)},
          {"p_value", number(e.p_value)}};
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
  j["tau2"] = number(re.tau2);
  j["tau"] = number(re.tau);
  const std::optional<Tau2Interval>& ci = re.tau2_ci;
  j["tau2_ci_lower"] = ci ? number(ci->tau2_lower) : nullptr;
  j["tau2_ci_upper"] = ci ? number(ci->tau2_upper) : nullptr;
  j["tau_ci_lower"] = ci ? number(ci->tau_lower) : nullptr;
  j["tau_ci_upper"] = ci ? number(ci->tau_upper) : nullptr;
  j["I2"] = number(re.I2);
  j["I2_ci_lower"] = ci ? number(ci->I2_lower) : nullptr;
  j["I2_ci_upper"] = ci ? number(ci->I2_upper) : nullptr;
  j["H2"] = number(re.H2);
  j["H2_ci_lower"] = ci ? number(ci->H2_lower) : nullptr;
  j["H2_ci_upper"] = ci ? number(ci->H2_upper) : nullptr;
  j["H"] = ok ? number(std::sqrt(re.H2)) : nullptr;
  j["I2_common"] = number(r.heterogeneity.I2);
  j["H_common"] = number(r.heterogeneity.H);
  j["Q"] = number(r.heterogeneity.Q);
  j["Q_df"] = number(r.heterogeneity.df);
  j["Q_p_value"] = number(r.heterogeneity.p_value);
  if (re.prediction) {
    j["prediction"] = {{"lower", number(re.prediction->lower)},
                       {"upper", number(re.prediction->upper)},
                       {"df", number(re.prediction->df)},
                       {"method", to_string(re.prediction->method)}};
  } else {
    j["prediction"] = {{"lower", nullptr}, {"upper", nullptr}, {"df", nullptr}, {"method", nullptr}};
  }
  nlohmann::json w = nlohmann::json::array();
  for (std::size_t i = 0; i < r.common_weights.size(); ++i) {
    w.push_back({{"study", i < r.study.size() ? r.study[i] : std::string()},
                 {"common", number(r.common_weights[i])},
                 {"random", i < re.weights.size() ? number(re.weights[i]) : nlohmann::json(nullptr)}});
  }
  j["weights"] = w;
  j["iterations"] = re.iterations;
  j["converged"] = re.converged;
  j["warnings"] = to_json(r.diagnostics);
  return j;
}

}  // namespace evident
