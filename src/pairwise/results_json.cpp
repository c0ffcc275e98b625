// evident: JSON of the sensitivity, small-study and subgroup results (layout in results_json.hpp).
#include "evident/pairwise/results_json.hpp"

#include "evident/core/diagnostic_json.hpp"
#include "evident/core/json_number.hpp"
#include "evident/pairwise/meta_analysis_json.hpp"

namespace evident {

namespace {

const char* model_name(const FitOptions& o) {
  return o.common_effect ? "common" : to_string(o.meta.tau2_method);
}

nlohmann::json steps_json(const std::vector<SensitivityStep>& steps) {
  nlohmann::json a = nlohmann::json::array();
  for (const SensitivityStep& s : steps) {
    nlohmann::json j = to_json(s.fit);
    j["study"] = s.study;
    j["index"] = s.index;
    j["warnings"] = to_json(s.diagnostics);
    a.push_back(std::move(j));
  }
  return a;
}

nlohmann::json test_json(const SubgroupTest& t) {
  return {{"Q", json_number(t.Q)}, {"df", json_number(t.df)}, {"p_value", json_number(t.p_value)}};
}

}  // namespace

nlohmann::json to_json(const FitSummary& f) {
  return {{"k", f.k},
          {"estimate", json_number(f.pooled.estimate)},
          {"se", json_number(f.pooled.se)},
          {"statistic", json_number(f.pooled.statistic)},
          {"df", json_number(f.pooled.df)},
          {"p_value", json_number(f.pooled.p_value)},
          {"ci_lower", json_number(f.pooled.ci_lower)},
          {"ci_upper", json_number(f.pooled.ci_upper)},
          {"tau2", json_number(f.tau2)},
          {"I2", json_number(f.I2)},
          {"H2", json_number(f.H2)},
          {"Q", json_number(f.Q)},
          {"Q_df", json_number(f.Q_df)},
          {"Q_p_value", json_number(f.Q_p)},
          {"converged", f.converged}};
}

nlohmann::json to_json(const LeaveOneOutResult& r) {
  return {{"model", model_name(r.options)}, {"steps", steps_json(r.steps)}, {"warnings", to_json(r.diagnostics)}};
}

nlohmann::json to_json(const CumulativeResult& r) {
  return {{"model", model_name(r.options)},
          {"order", r.order},
          {"steps", steps_json(r.steps)},
          {"warnings", to_json(r.diagnostics)}};
}

nlohmann::json to_json(const RegtestResult& r) {
  const bool ok = r.ok();
  auto v = [ok](double x) { return ok ? json_number(x) : nlohmann::json(nullptr); };
  return {{"model", r.options.model == RegtestModel::lm ? std::string("lm") : std::string(model_name(r.options.fit))},
          {"k", r.k},
          {"slope", v(r.slope)},
          {"slope_se", v(r.slope_se)},
          {"statistic", v(r.statistic)},
          {"df", ok ? json_number(r.df) : nlohmann::json(nullptr)},
          {"p_value", v(r.p_value)},
          {"limit_estimate", v(r.limit_estimate)},
          {"limit_se", v(r.limit_se)},
          {"limit_ci_lower", v(r.limit_ci_lower)},
          {"limit_ci_upper", v(r.limit_ci_upper)},
          {"tau2", v(r.tau2)},
          {"warnings", to_json(r.diagnostics)}};
}

nlohmann::json to_json(const RanktestResult& r) {
  const bool ok = r.ok();
  auto v = [ok](double x) { return ok ? json_number(x) : nlohmann::json(nullptr); };
  return {{"k", r.k},
          {"tau", v(r.tau)},
          {"exact", r.exact},
          {"statistic", v(r.statistic)},
          {"p_value", v(r.p_value)},
          {"warnings", to_json(r.diagnostics)}};
}

nlohmann::json to_json(const TrimfillResult& r) {
  nlohmann::json filled = nlohmann::json::array();
  for (std::size_t i = 0; i < r.filled_yi.size(); ++i)
    filled.push_back({{"yi", json_number(r.filled_yi[i])},
                      {"vi", i < r.filled_vi.size() ? json_number(r.filled_vi[i]) : nlohmann::json(nullptr)}});
  const bool ok = r.ok();
  return {{"estimator", to_string(r.options.estimator)},
          {"side", to_string(r.side)},
          {"model", model_name(r.options.fit)},
          {"k0", r.k0},
          {"se_k0", ok ? json_number(r.se_k0) : nlohmann::json(nullptr)},
          {"p_k0", json_number(r.p_k0)},
          {"filled", filled},
          {"adjusted", ok ? to_json(r.adjusted) : nlohmann::json(nullptr)},
          {"warnings", to_json(r.diagnostics)}};
}

nlohmann::json to_json(const SubgroupResult& r) {
  nlohmann::json groups = nlohmann::json::array();
  for (const Subgroup& g : r.subgroups) {
    nlohmann::json j;
    j["name"] = g.name;
    j["k"] = g.rows.size();
    nlohmann::json studies = nlohmann::json::array();
    for (std::size_t row : g.rows) studies.push_back(row);
    j["rows"] = studies;
    j["result"] = to_json(g.result);
    j["common_tau2_estimate"] = g.common_tau2_estimate ? to_json(*g.common_tau2_estimate) : nlohmann::json(nullptr);
    groups.push_back(std::move(j));
  }
  nlohmann::json j;
  j["k"] = r.k;
  j["subgroups"] = groups;
  j["test_common"] = test_json(r.common);
  j["Q_within"] = json_number(r.Q_within);
  j["test_random_separate_tau2"] = test_json(r.random_separate_tau2);
  if (r.common_tau2) {
    const CommonTau2Model& m = *r.common_tau2;
    j["common_tau2"] = {{"method", to_string(m.method)}, {"tau2", json_number(m.tau2)},
                        {"iterations", m.iterations},    {"converged", m.converged},
                        {"test", test_json(m.test)},     {"QE", json_number(m.QE)},
                        {"QE_df", json_number(m.QE_df)}, {"QE_p_value", json_number(m.QE_p_value)}};
  } else {
    j["common_tau2"] = nullptr;
  }
  j["warnings"] = to_json(r.diagnostics);
  return j;
}

nlohmann::json to_json(const HeterogeneityCI& ci) {
  return {{"defined", ci.defined},           {"H", json_number(ci.H)},   {"H_lower", json_number(ci.H_lower)},
          {"H_upper", json_number(ci.H_upper)}, {"I2", json_number(ci.I2)}, {"I2_lower", json_number(ci.I2_lower)},
          {"I2_upper", json_number(ci.I2_upper)}};
}

nlohmann::json to_json(const InteractionTest& t) {
  const bool ok = t.ok();
  auto v = [ok](double x) { return ok ? json_number(x) : nlohmann::json(nullptr); };
  nlohmann::json j = {{"ratio", t.ratio},
                      {"level", t.level},
                      {"se1", v(t.se1)},
                      {"se2", v(t.se2)},
                      {"difference", v(t.difference)},
                      {"se", v(t.se)},
                      {"statistic", v(t.statistic)},
                      {"p_value", v(t.p_value)},
                      {"ci_lower", v(t.ci_lower)},
                      {"ci_upper", v(t.ci_upper)},
                      {"warnings", to_json(t.diagnostics)}};
  if (t.ratio)
    j["ratio_of_ratios"] = {
        {"estimate", v(t.ratio_estimate)}, {"ci_lower", v(t.ratio_ci_lower)}, {"ci_upper", v(t.ratio_ci_upper)}};
  return j;
}

}  // namespace evident
