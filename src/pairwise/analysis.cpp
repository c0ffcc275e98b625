// evident: one pairwise analysis per outcome x time point x comparison, with the extra analyses a
// review reports (layout and choices in evident/pairwise/analysis.hpp).
#include "evident/pairwise/analysis.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "evident/core/diagnostic_json.hpp"
#include "evident/pairwise/mantel_haenszel_json.hpp"
#include "evident/pairwise/meta_analysis_json.hpp"
#include "evident/pairwise/results_json.hpp"

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

namespace {

/// The meta-analysis of one comparison, its messages prefixed with the analysis they are about.
PairwiseAnalysis analyse_one(const EffectSet& set, const Comparison& k, const MetaOptions& options) {
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
  for (auto& d : a.result.diagnostics.items())
    d.message = "outcome '" + set.outcome + "', " + k.treat1 + " vs " + k.treat2 + ": " + d.message;
  if (a.result.ok())
    a.I2_test_based = i2_test_based_ci(a.result.heterogeneity.Q, static_cast<double>(a.result.k), options.level);
  return a;
}

/// Positions in set.contrasts of the contrasts of comparison k, in the order meta_input_from_effects
/// uses, and whether each is oriented treat1 vs treat2 (true) or flipped.
struct Rows {
  std::vector<std::size_t> contrast;
  std::vector<bool> forward;
};

Rows rows_of(const EffectSet& set, const Comparison& k) {
  Rows r;
  for (std::size_t i = 0; i < set.contrasts.size(); ++i) {
    const EffectContrast& c = set.contrasts[i];
    if (c.treat1 == k.treat1 && c.treat2 == k.treat2) {
      r.contrast.push_back(i);
      r.forward.push_back(true);
    } else if (c.treat1 == k.treat2 && c.treat2 == k.treat1) {
      r.contrast.push_back(i);
      r.forward.push_back(false);
    }
  }
  return r;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return s;
}

/// A study's value of a covariate (case-insensitive name), "year", or "rob" (overall risk of bias).
std::optional<CovariateValue> study_value(const Dataset& data, std::size_t study, const std::string& name) {
  if (study >= data.studies.size()) return std::nullopt;
  const Study& s = data.studies[study];
  const std::string key = lower(name);
  for (const auto& [cov, value] : s.covariates)
    if (lower(cov) == key) {
      if (value.text.empty()) return std::nullopt;
      return value;
    }
  if (key == "year" && s.year) return CovariateValue{std::to_string(*s.year), static_cast<double>(*s.year)};
  if ((key == "rob" || key == "risk_of_bias") && s.rob.overall)
    return CovariateValue{to_string(*s.rob.overall), std::nullopt};
  return std::nullopt;
}

bool known_field(const Dataset& data, const std::string& name) {
  const std::string key = lower(name);
  if (key == "year" || key == "rob" || key == "risk_of_bias") return true;
  for (const Study& s : data.studies)
    for (const auto& kv : s.covariates)
      if (lower(kv.first) == key) return true;
  return false;
}

void unknown_field(const Dataset& data, const std::string& name, const char* what, Diagnostics& out) {
  std::string have;
  std::vector<std::string> names;
  for (const Study& s : data.studies)
    for (const auto& kv : s.covariates)
      if (std::find(names.begin(), names.end(), kv.first) == names.end()) names.push_back(kv.first);
  for (const auto& n : names) have += (have.empty() ? "" : ", ") + n;
  out.error("unknown-covariate", {}, std::string(what) + " '" + name + "' is not a study covariate of the data",
            have.empty() ? "the data has no study covariates; add a column with one value per study"
                         : "available: " + have + ", year, rob");
}

MetaInput input_of(const PairwiseAnalysis& a, const EffectSet& set, const Rows& rows) {
  MetaInput in;
  for (std::size_t r = 0; r < rows.contrast.size(); ++r) {
    const EffectContrast& c = set.contrasts[rows.contrast[r]];
    in.study.push_back(c.study);
    in.yi.push_back(rows.forward[r] ? c.te : -c.te);
    in.vi.push_back(c.se * c.se);
  }
  (void)a;
  return in;
}

/// The 2x2 tables of the comparison when the measure is OR, RR or RD and every contrast has counts.
std::optional<TwoByTwoSet> tables_of(const PairwiseAnalysis& a, const EffectSet& set) {
  if (a.measure != Measure::OR && a.measure != Measure::RR && a.measure != Measure::RD) return std::nullopt;
  TwoByTwoSet t = two_by_two_from_effects(set, a.comparison.treat1, a.comparison.treat2);
  if (t.diagnostics.has_errors() || t.tables.empty()) return std::nullopt;  // contrast-level data
  return t;
}

void run_mantel_haenszel(PairwiseAnalysis& a, const TwoByTwoSet& set, const PairwiseOptions& o) {
  TwoByTwoInput t;
  for (const TwoByTwo& x : set.tables) {
    t.study.push_back(x.study);
    t.events1.push_back(x.events1);
    t.n1.push_back(x.n1);
    t.events2.push_back(x.events2);
    t.n2.push_back(x.n2);
  }
  MantelHaenszelOptions mo;
  mo.measure = a.measure;
  mo.level = o.meta.level;
  a.mantel_haenszel = mantel_haenszel(t, mo);
  if (a.measure == Measure::OR) {
    PetoOptions po;
    po.level = o.meta.level;
    a.peto = peto(t, po);
  }
}

void run_small_study(PairwiseAnalysis& a, const MetaInput& in, const std::optional<TwoByTwoSet>& tables,
                     const PairwiseOptions& o) {
  const std::size_t k = in.yi.size();
  if (k < 3) {
    a.diagnostics.note(
        "small-study-skipped", {},
        "tests for funnel plot asymmetry need at least 3 studies; this comparison has " + std::to_string(k));
    return;
  }
  if (k < 10)
    a.diagnostics.note("small-study-low-power", {},
                       "with " + std::to_string(k) +
                           " studies the tests for funnel plot asymmetry have little power "
                           "(Cochrane Handbook v6.4, 13.3.5.4: use them with at least 10 studies)");
  FitOptions fit;
  fit.meta = o.meta;
  fit.meta.tau2_ci = false;
  RegtestOptions ro;
  ro.fit = fit;
  a.egger = egger_test(in, ro);
  a.begg = rank_correlation_test(in);
  TrimfillOptions to;
  to.fit = fit;
  a.trimfill = trim_and_fill(in, to);
  MetaOptions ts = o.meta;
  ts.tau2_ci = false;
  a.thompson_sharp = thompson_sharp_test(in, ts);
  if (tables && a.measure == Measure::OR) {
    HarbordOptions ho;
    ho.level = o.meta.level;
    a.harbord = harbord_test(tables->tables, ho);
    PetersOptions po;
    po.level = o.meta.level;
    a.peters = peters_test(tables->tables, po);
  }
}

/// Input rows in increasing order of the study field `by` (stable; missing values last).
std::vector<std::size_t> order_by(const Dataset& data, const EffectSet& set, const Rows& rows, const std::string& by,
                                  Diagnostics& notes) {
  const std::size_t k = rows.contrast.size();
  std::vector<double> key(k, std::numeric_limits<double>::infinity());
  std::string missing;
  for (std::size_t r = 0; r < k; ++r) {
    const EffectContrast& c = set.contrasts[rows.contrast[r]];
    const auto v = study_value(data, c.study_index, by);
    if (v && v->number)
      key[r] = *v->number;
    else
      missing += (missing.empty() ? "" : ", ") + c.study;
  }
  if (!missing.empty())
    notes.warning("cumulative-missing-order", {},
                  "no numeric '" + by + "' for " + missing + ": added last in the cumulative meta-analysis",
                  "give every study a number in the '" + by + "' column");
  std::vector<std::size_t> order(k);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&key](std::size_t x, std::size_t y) { return key[x] < key[y]; });
  return order;
}

void run_subgroups(PairwiseAnalysis& a, const Dataset& data, const EffectSet& set, const Rows& rows,
                   const MetaInput& in, const PairwiseOptions& o) {
  MetaInput sub;
  std::vector<std::string> group;
  std::string missing;
  for (std::size_t r = 0; r < rows.contrast.size(); ++r) {
    const EffectContrast& c = set.contrasts[rows.contrast[r]];
    const auto v = study_value(data, c.study_index, *o.subgroup);
    if (!v) {
      missing += (missing.empty() ? "" : ", ") + c.study;
      continue;
    }
    sub.study.push_back(in.study[r]);
    sub.yi.push_back(in.yi[r]);
    sub.vi.push_back(in.vi[r]);
    group.push_back(v->text);
  }
  if (!missing.empty())
    a.diagnostics.warning("subgroup-missing", {},
                          "no '" + *o.subgroup + "' for " + missing + ": left out of the subgroup analysis",
                          "give every study a value in the '" + *o.subgroup + "' column");
  if (sub.yi.empty()) return;
  SubgroupOptions so;
  so.meta = o.meta;
  a.subgroups = subgroup_analysis(sub, group, so);
  a.subgroup_by = *o.subgroup;
}

void run_meta_regression(PairwiseAnalysis& a, const Dataset& data, const EffectSet& set, const Rows& rows,
                         const MetaInput& in, const PairwiseOptions& o) {
  MetaRegressionInput mi;
  mi.study = in.study;
  mi.yi = in.yi;
  mi.vi = in.vi;
  for (const std::string& name : o.moderators) {
    Moderator m;
    m.name = name;
    std::vector<std::optional<CovariateValue>> values;
    bool numeric = true;
    for (std::size_t r = 0; r < rows.contrast.size(); ++r) {
      values.push_back(study_value(data, set.contrasts[rows.contrast[r]].study_index, name));
      if (values.back() && !values.back()->number) numeric = false;
    }
    m.categorical = !numeric;
    for (const auto& v : values) {
      if (numeric)
        m.values.push_back(v ? *v->number : std::numeric_limits<double>::quiet_NaN());
      else
        m.levels.push_back(v ? v->text : std::string());
    }
    mi.moderators.push_back(std::move(m));
  }
  a.meta_regression = meta_regression(mi, o.meta);
}

void run_absolute(PairwiseAnalysis& a, const EffectSet& set, const Outcome& outcome, const PairwiseOptions& o) {
  if (outcome.type != OutcomeType::binary) return;
  if (a.measure != Measure::OR && a.measure != Measure::RR && a.measure != Measure::RD) return;
  if (!a.result.ok()) return;
  std::optional<BaselineRisk> b;
  if (o.baseline_risk) {
    b = BaselineRisk{BaselineRiskSource::given, *o.baseline_risk, 0};
  } else {
    std::vector<double> events, n;
    comparator_arms(set, a.comparison.treat1, a.comparison.treat2, events, n);
    b = baseline_risk(events, n, o.baseline_source, a.diagnostics);
  }
  if (!b) return;
  const PooledEstimate& c = a.result.common;
  const PooledEstimate& r = a.result.random.pooled;
  a.absolute = AbsoluteEffects{absolute_effect(a.measure, c.estimate, c.ci_lower, c.ci_upper, *b, o.absolute_per),
                               absolute_effect(a.measure, r.estimate, r.ci_lower, r.ci_upper, *b, o.absolute_per)};
}

}  // namespace

std::vector<PairwiseAnalysis> analyse_comparisons(const EffectSet& set, const MetaOptions& options) {
  std::vector<PairwiseAnalysis> out;
  for (const auto& k : comparisons(set)) out.push_back(analyse_one(set, k, options));
  return out;
}

std::vector<PairwiseAnalysis> analyse_outcome(const Dataset& data, const Outcome& outcome, const EffectSet& set,
                                              const PairwiseOptions& options) {
  std::vector<PairwiseAnalysis> out;
  Diagnostics field_errors;
  if (options.subgroup && !known_field(data, *options.subgroup))
    unknown_field(data, *options.subgroup, "subgroup variable", field_errors);
  if (options.cumulative_by && !known_field(data, *options.cumulative_by))
    unknown_field(data, *options.cumulative_by, "cumulative order", field_errors);
  for (const std::string& m : options.moderators)
    if (!known_field(data, m)) unknown_field(data, m, "moderator", field_errors);
  for (const auto& k : comparisons(set)) {
    PairwiseAnalysis a = analyse_one(set, k, options.meta);
    a.time_point = outcome.time_point;
    if (field_errors.has_errors()) {
      a.diagnostics.append(field_errors);
      out.push_back(std::move(a));
      continue;
    }
    const Rows rows = rows_of(set, k);
    const MetaInput in = input_of(a, set, rows);
    const std::optional<TwoByTwoSet> tables = tables_of(a, set);
    if (options.mantel_haenszel && tables) run_mantel_haenszel(a, *tables, options);
    if (a.result.ok()) {
      FitOptions fit;
      fit.meta = options.meta;
      fit.meta.tau2_ci = false;
      if (options.small_study) run_small_study(a, in, tables, options);
      if (options.leave_one_out && in.yi.size() >= 2) a.leave_one_out = leave_one_out(in, fit);
      if (options.cumulative_by)
        a.cumulative =
            cumulative_meta_analysis(in, order_by(data, set, rows, *options.cumulative_by, a.diagnostics), fit);
      if (options.subgroup) run_subgroups(a, data, set, rows, in, options);
      if (!options.moderators.empty()) run_meta_regression(a, data, set, rows, in, options);
      if (options.absolute_effects) run_absolute(a, set, outcome, options);
    }
    const std::string prefix = "outcome '" + set.outcome + "', " + k.treat1 + " vs " + k.treat2 + ": ";
    for (auto& d : a.diagnostics.items())
      if (d.message.rfind(prefix, 0) != 0) d.message = prefix + d.message;
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
  j["time_point"] = a.time_point ? nlohmann::json(*a.time_point) : nlohmann::json(nullptr);
  j["comparison"] = {{"treat1", a.comparison.treat1}, {"treat2", a.comparison.treat2}};
  j["measure"] = to_string(a.measure);
  j["scale"] = is_ratio(a.measure) ? "log" : "identity";
  j["I2_test_based"] = to_json(a.I2_test_based);
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
  if (a.mantel_haenszel) j["mantel_haenszel"] = to_json(*a.mantel_haenszel);
  if (a.peto) j["peto"] = to_json(*a.peto);
  if (a.egger || a.begg || a.trimfill) {
    nlohmann::json s;
    if (a.egger) s["egger"] = to_json(*a.egger);
    if (a.begg) s["begg"] = to_json(*a.begg);
    if (a.trimfill) s["trimfill"] = to_json(*a.trimfill);
    if (a.thompson_sharp) s["thompson_sharp"] = to_json(*a.thompson_sharp);
    if (a.harbord) s["harbord"] = to_json(*a.harbord);
    if (a.peters) s["peters"] = to_json(*a.peters);
    j["small_study"] = s;
  }
  if (a.leave_one_out) j["leave_one_out"] = to_json(*a.leave_one_out);
  if (a.cumulative) j["cumulative"] = to_json(*a.cumulative);
  if (a.subgroups) {
    j["subgroups"] = to_json(*a.subgroups);
    j["subgroups"]["by"] = a.subgroup_by.value_or("");
  }
  if (a.meta_regression) j["meta_regression"] = to_json(*a.meta_regression);
  if (a.absolute)
    j["absolute_effects"] = {{"common", to_json(a.absolute->common)}, {"random", to_json(a.absolute->random)}};
  if (!a.diagnostics.empty()) {
    Diagnostics all = a.result.diagnostics;
    all.append(a.diagnostics);
    j["warnings"] = to_json(all);
  }
  return j;
}

}  // namespace evident
