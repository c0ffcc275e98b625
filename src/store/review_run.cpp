// evident: running a stored review and comparing runs (see evident/store/review_run.hpp).
#include "evident/store/review_run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "evident/certainty/network_certainty.hpp"
#include "evident/core/diagnostic_json.hpp"
#include "evident/data/json_io.hpp"
#include "evident/effects/effect_size.hpp"
#include "evident/network/analysis.hpp"
#include "evident/network/request.hpp"

namespace evident::store {

namespace {

using nlohmann::json;

json number_or_null(double x) {
  return std::isfinite(x) ? json(x) : json(nullptr);
}

json summarise(const NetworkAnalysis& a, const Outcome& o, const Diagnostics& diagnostics) {
  json out = json::object();
  out["outcome"] = a.outcome;
  out["measure"] = to_string(a.measure);
  const bool ratio = is_ratio(a.measure);
  out["ratio"] = ratio;
  out["reference"] = a.nma.reference;
  out["mid"] = o.mid ? json(*o.mid) : json(nullptr);
  out["small_values"] = to_string(a.small_values);
  out["ok"] = a.nma.ok();
  json estimates = json::array();
  const std::size_t r = a.nma.treatment_index(a.nma.reference);
  if (a.nma.ok() && r != NmaResult::npos) {
    const NmaModel& m = a.nma.random;
    for (std::size_t t = 0; t < a.nma.treatments.size(); ++t) {
      if (t == r) continue;
      const auto i = static_cast<Eigen::Index>(t), j = static_cast<Eigen::Index>(r);
      const double te = m.TE(i, j), lo = m.lower(i, j), up = m.upper(i, j);
      if (!std::isfinite(te) || !std::isfinite(lo) || !std::isfinite(up)) continue;
      json e = json::object();
      e["treatment"] = a.nma.treatments[t];
      e["te"] = te;
      e["lower"] = lo;
      e["upper"] = up;
      e["crosses_null"] = lo <= 0.0 && 0.0 <= up;
      e["crosses_mid"] = o.mid && ((lo < *o.mid && *o.mid < up) || (lo < -*o.mid && -*o.mid < up));
      estimates.push_back(std::move(e));
    }
  }
  out["estimates"] = std::move(estimates);
  json pscore = json::object();
  json rank = json::array();
  if (a.pscore_random && a.pscore_random->ok()) {
    const PScoreResult& p = *a.pscore_random;
    std::vector<std::size_t> order(p.treatments.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t x, std::size_t y) { return p.pscore[x] > p.pscore[y]; });
    for (std::size_t i = 0; i < p.treatments.size(); ++i) pscore[p.treatments[i]] = number_or_null(p.pscore[i]);
    for (const std::size_t i : order) rank.push_back(p.treatments[i]);
  }
  out["pscore"] = std::move(pscore);
  out["rank"] = std::move(rank);
  out["diagnostics"] = to_json(diagnostics);
  out["analysis"] = to_json(a);
  return out;
}

std::optional<double> opt_number(const json& e, const char* key) {
  if (e.contains(key) && e[key].is_number()) return e[key].get<double>();
  return std::nullopt;
}

std::vector<std::string> strings(const json& j) {
  std::vector<std::string> out;
  if (j.is_array())
    for (const auto& v : j)
      if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

std::string outcome_key(const json& o) {
  return o.value("outcome", std::string());
}

std::string show(double x, bool ratio) {
  return fmt::format("{:.4g}", ratio ? std::exp(x) : x);
}

std::string interval(const std::optional<double>& te, const std::optional<double>& lo, const std::optional<double>& up,
                     bool ratio) {
  if (!te) return "(absent)";
  return fmt::format("{} [{}, {}]", show(*te, ratio), show(*lo, ratio), show(*up, ratio));
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

}  // namespace

namespace {

/// Forwards progress reports, clamped to [0, 1] and never decreasing (ProgressFn's contract).
class Reporter {
 public:
  explicit Reporter(const ProgressFn& fn) : fn_(fn) {}
  void operator()(std::string_view stage, double fraction) {
    if (!fn_) return;
    last_ = std::max(last_, std::clamp(fraction, 0.0, 1.0));
    fn_(stage, last_);
  }
  [[nodiscard]] explicit operator bool() const { return static_cast<bool>(fn_); }

 private:
  const ProgressFn& fn_;
  double last_ = 0.0;
};

// Shares of one outcome's slice of the progress bar: effect sizes, NMA, rankogram, certainty.
constexpr double kEffectsAt = 0.0, kNmaAt = 0.05, kRankAt = 0.30, kCertaintyAt = 0.85;
// Shares of the whole run: reading the data, the outcomes, saving.
constexpr double kOutcomesFrom = 0.02, kOutcomesTo = 0.97;

}  // namespace

RunResult run_review(ReviewStore& store, const std::string& time, const std::string& software_version,
                     const ProgressFn& progress) {
  RunResult r;
  Reporter report(progress);
  report("reading data", 0.0);
  Diagnostics& ds = r.diagnostics;
  const ReviewSettings settings = store.settings(ds);
  const Dataset data = store.dataset(ds);
  if (ds.has_errors()) {
    report("done", 1.0);
    return r;
  }
  NetworkOptions nopts = make_network_options(settings.network, ds);
  Diagnostics rule_problems;
  const CinemaOptions copts = cinema_options(settings.rob_rule, settings.incoherence_rule, rule_problems);
  for (const Diagnostic& d : rule_problems.items()) ds.error("store-bad-settings", d.location, d.message, d.hint);
  if (ds.has_errors()) {
    report("done", 1.0);
    return r;
  }
  EffectSettings es;
  es.measure = settings.measure;
  std::size_t to_run = 0;
  for (const Outcome& o : data.outcomes)
    if (!o.data.empty()) ++to_run;
  const double width = to_run ? (kOutcomesTo - kOutcomesFrom) / static_cast<double>(to_run) : 0.0;
  json outcomes = json::array();
  bool any = false;
  std::size_t done = 0;
  for (const Outcome& o : data.outcomes) {
    if (o.data.empty()) continue;
    const double base = kOutcomesFrom + width * static_cast<double>(done++);
    const std::string prefix = "outcome " + o.name + ": ";
    report(prefix + "effect sizes", base + kEffectsAt * width);
    if (report)
      nopts.progress = [&report, &prefix, base, width](std::string_view stage, double f) {
        if (stage == "rankogram")
          report(prefix + "rankogram", base + (kRankAt + (kCertaintyAt - kRankAt) * f) * width);
        else
          report(prefix + std::string(stage), base + (kNmaAt + (kRankAt - kNmaAt) * f) * width);
      };
    Diagnostics od;
    const EffectOptions eo = make_effect_options(es, o, od);
    if (!od.has_errors()) {
      const EffectSet set = compute_effects(data, o, eo);
      od.append(set.diagnostics);
      if (!set.diagnostics.has_errors()) {
        for (const NetworkAnalysis& a : analyse_network_outcome(o, set, nopts)) {
          Diagnostics all = od;
          all.append(a.nma.diagnostics);
          all.append(a.diagnostics);
          std::optional<NetworkCertainty> certainty;
          if (settings.certainty && a.nma.ok()) {
            report(prefix + "certainty", base + kCertaintyAt * width);
            certainty = network_certainty(a, data, o, copts);
            // A certainty step that cannot run (e.g. the contribution matrix skipped) does not fail the run: its
            // errors stay errors in the outcome's "certainty" object and are warnings of the run.
            Diagnostics demoted = certainty->cinema.diagnostics;
            for (Diagnostic& d : demoted.items())
              if (d.severity == Severity::error) {
                d.severity = Severity::warning;
                d.message = "certainty not rated: " + d.message;
              }
            all.append(demoted);
            ds.append(demoted);
          }
          json summary = summarise(a, o, all);
          if (certainty) {
            summary["certainty"] = to_json(*certainty);
            summary["cinema"] = overall_ratings(certainty->cinema);
            json recs = json::array();
            for (const RecommendationDraft& d : draft_recommendations(*certainty)) recs.push_back(to_json(d));
            summary["recommendations"] = std::move(recs);
          }
          outcomes.push_back(std::move(summary));
          any = any || a.nma.ok();
          ds.append(a.nma.diagnostics);
          ds.append(a.diagnostics);
        }
        ds.append(od);
        continue;
      }
    }
    outcomes.push_back(json{{"outcome", o.name}, {"ok", false}, {"diagnostics", to_json(od)}});
    ds.append(od);
  }
  nopts.progress = nullptr;
  if (!any) {
    ds.error("store-nothing-to-run", SourceLocation{store.path(), 0, 0}, "no outcome of the review could be analysed",
             "import data with 'evident review import'");
    report("done", 1.0);
    return r;
  }
  report("saving", kOutcomesTo);
  RunRecord& rec = r.record;
  rec.time = time;
  rec.input_hash = fnv1a64_hex(write_json(data, -1));
  rec.settings = to_json(settings);
  rec.software_version = software_version;
  rec.results = json{{"outcomes", std::move(outcomes)}};
  rec.last_change = store.last_change();
  std::int64_t id = 0;
  const Diagnostics stored = store.add_run(rec, id);
  ds.append(stored);
  if (!stored.has_errors()) r.id = rec.id = id;
  report("done", 1.0);
  return r;
}

RunDiff diff_runs(const RunRecord& a, const RunRecord& b, const std::vector<Change>& changes) {
  RunDiff d;
  d.run_a = a.id;
  d.run_b = b.id;
  d.inputs_changed = a.input_hash != b.input_hash;
  d.settings_changed = a.settings != b.settings;
  d.changes = changes;
  const json none = json::array();
  const json& oa = a.results.contains("outcomes") ? a.results["outcomes"] : none;
  const json& ob = b.results.contains("outcomes") ? b.results["outcomes"] : none;
  std::vector<std::string> names;
  for (const json* list : {&ob, &oa})
    for (const auto& o : *list)
      if (std::find(names.begin(), names.end(), outcome_key(o)) == names.end()) names.push_back(outcome_key(o));
  auto find = [](const json& list, const std::string& name) -> const json* {
    for (const auto& o : list)
      if (outcome_key(o) == name) return &o;
    return nullptr;
  };
  for (const std::string& name : names) {
    const json* x = find(oa, name);
    const json* y = find(ob, name);
    OutcomeDiff od;
    od.outcome = name;
    od.in_a = x != nullptr;
    od.in_b = y != nullptr;
    const json& any = y ? *y : *x;
    od.measure = any.value("measure", std::string());
    od.ratio = any.value("ratio", false);
    if (x) od.reference_a = x->value("reference", std::string());
    if (y) od.reference_b = y->value("reference", std::string());
    if (x && x->contains("rank")) od.rank_a = strings((*x)["rank"]);
    if (y && y->contains("rank")) od.rank_b = strings((*y)["rank"]);
    std::map<std::string, std::size_t> index;
    auto take = [&](const json* o, bool first) {
      if (!o || !o->contains("estimates")) return;
      for (const auto& e : (*o)["estimates"]) {
        const std::string t = e.value("treatment", std::string());
        auto it = index.find(t);
        if (it == index.end()) {
          it = index.emplace(t, od.estimates.size()).first;
          od.estimates.push_back({});
          od.estimates.back().treatment = t;
        }
        EstimateChange& c = od.estimates[it->second];
        (first ? c.te_b : c.te_a) = opt_number(e, "te");
        (first ? c.lower_b : c.lower_a) = opt_number(e, "lower");
        (first ? c.upper_b : c.upper_a) = opt_number(e, "upper");
        (first ? c.crosses_null_b : c.crosses_null_a) = e.value("crosses_null", false);
        (first ? c.crosses_mid_b : c.crosses_mid_a) = e.value("crosses_mid", false);
      }
    };
    take(y, true);
    take(x, false);
    const json empty = json::object();
    const json& ca = x && x->contains("cinema") ? (*x)["cinema"] : empty;
    const json& cb = y && y->contains("cinema") ? (*y)["cinema"] : empty;
    std::map<std::string, std::pair<std::string, std::string>> ratings;
    for (const auto& item : ca.items())
      if (item.value().is_string()) ratings[item.key()].first = item.value().get<std::string>();
    for (const auto& item : cb.items())
      if (item.value().is_string()) ratings[item.key()].second = item.value().get<std::string>();
    for (const auto& [comparison, pr] : ratings)
      if (pr.first != pr.second) od.ratings.push_back({comparison, pr.first, pr.second});
    std::map<std::string, RecommendationChange> drafts;
    auto take_drafts = [&](const json* o, bool in_b) {
      if (!o || !o->contains("recommendations") || !(*o)["recommendations"].is_array()) return;
      for (const auto& rec : (*o)["recommendations"]) {
        if (!rec.is_object()) continue;
        const std::string key = rec.value("intervention", std::string()) + ":" + rec.value("comparator", std::string());
        RecommendationChange& c = drafts[key];
        c.comparison = key;
        (in_b ? c.direction_b : c.direction_a) = rec.value("direction", std::string());
        (in_b ? c.strength_b : c.strength_a) = rec.value("strength", std::string());
      }
    };
    take_drafts(x, false);
    take_drafts(y, true);
    for (const auto& [key, c] : drafts)
      if (c.direction_a != c.direction_b || c.strength_a != c.strength_b) od.recommendations.push_back(c);
    d.outcomes.push_back(std::move(od));
  }
  return d;
}

std::optional<RunDiff> diff_stored_runs(const ReviewStore& store, std::int64_t a, std::int64_t b,
                                        Diagnostics& diagnostics) {
  const auto ra = store.run(a, diagnostics);
  const auto rb = store.run(b, diagnostics);
  if (!ra || !rb) return std::nullopt;
  const auto lo = std::min(ra->last_change, rb->last_change), hi = std::max(ra->last_change, rb->last_change);
  return diff_runs(*ra, *rb, store.changes(lo, hi));
}

nlohmann::json to_json(const RunDiff& d) {
  json out = json::object();
  out["run_a"] = d.run_a;
  out["run_b"] = d.run_b;
  out["inputs_changed"] = d.inputs_changed;
  out["settings_changed"] = d.settings_changed;
  json changes = json::array();
  for (const Change& c : d.changes)
    changes.push_back({{"id", c.id}, {"time", c.time}, {"action", c.action}, {"study", c.study}, {"detail", c.detail}});
  out["changes"] = std::move(changes);
  json outcomes = json::array();
  for (const OutcomeDiff& o : d.outcomes) {
    json jo = {{"outcome", o.outcome},
               {"measure", o.measure},
               {"ratio", o.ratio},
               {"in_a", o.in_a},
               {"in_b", o.in_b},
               {"reference_a", o.reference_a},
               {"reference_b", o.reference_b},
               {"rank_a", o.rank_a},
               {"rank_b", o.rank_b},
               {"rank_changed", o.rank_changed()}};
    json es = json::array();
    auto opt = [](const std::optional<double>& v) { return v ? json(*v) : json(nullptr); };
    for (const EstimateChange& e : o.estimates)
      es.push_back({{"treatment", e.treatment},
                    {"a",
                     {{"te", opt(e.te_a)},
                      {"lower", opt(e.lower_a)},
                      {"upper", opt(e.upper_a)},
                      {"crosses_null", e.crosses_null_a},
                      {"crosses_mid", e.crosses_mid_a}}},
                    {"b",
                     {{"te", opt(e.te_b)},
                      {"lower", opt(e.lower_b)},
                      {"upper", opt(e.upper_b)},
                      {"crosses_null", e.crosses_null_b},
                      {"crosses_mid", e.crosses_mid_b}}},
                    {"null_changed", e.null_changed()},
                    {"mid_changed", e.mid_changed()}});
    jo["estimates"] = std::move(es);
    json rs = json::array();
    for (const RatingChange& r : o.ratings)
      rs.push_back({{"comparison", r.comparison}, {"a", r.rating_a}, {"b", r.rating_b}});
    jo["ratings"] = std::move(rs);
    json recs = json::array();
    for (const RecommendationChange& c : o.recommendations)
      recs.push_back({{"comparison", c.comparison},
                      {"a", {{"direction", c.direction_a}, {"strength", c.strength_a}}},
                      {"b", {{"direction", c.direction_b}, {"strength", c.strength_b}}}});
    jo["recommendations"] = std::move(recs);
    outcomes.push_back(std::move(jo));
  }
  out["outcomes"] = std::move(outcomes);
  return out;
}

std::string render_text(const RunDiff& d) {
  std::string out =
      fmt::format("Run {} -> run {}: inputs {}, settings {}\n", d.run_a, d.run_b,
                  d.inputs_changed ? "changed" : "unchanged", d.settings_changed ? "changed" : "unchanged");
  if (!d.changes.empty()) {
    out += "Changes between the runs:\n";
    for (const Change& c : d.changes)
      out += c.study.empty() ? fmt::format("  {}: {}\n", c.action, c.detail)
                             : fmt::format("  {} study '{}': {}\n", c.action, c.study, c.detail);
  }
  for (const OutcomeDiff& o : d.outcomes) {
    if (!o.in_a || !o.in_b) {
      out += fmt::format("Outcome '{}': only in run {}\n", o.outcome, o.in_a ? d.run_a : d.run_b);
      continue;
    }
    out += fmt::format("Outcome '{}' ({}, random effects versus '{}'):\n", o.outcome, o.measure, o.reference_b);
    if (o.reference_a != o.reference_b) out += fmt::format("  reference changed from '{}'\n", o.reference_a);
    for (const EstimateChange& e : o.estimates) {
      std::string notes;
      if (e.null_changed()) notes += e.crosses_null_b ? "; CI now crosses the null" : "; CI no longer crosses the null";
      if (e.mid_changed()) notes += e.crosses_mid_b ? "; CI now crosses the MID" : "; CI no longer crosses the MID";
      out += fmt::format("  {}: {} -> {}{}\n", e.treatment, interval(e.te_a, e.lower_a, e.upper_a, o.ratio),
                         interval(e.te_b, e.lower_b, e.upper_b, o.ratio), notes);
    }
    if (o.rank_changed())
      out += fmt::format("  rank order changed: {} -> {}\n", join(o.rank_a, " > "), join(o.rank_b, " > "));
    else if (!o.rank_b.empty())
      out += fmt::format("  rank order unchanged: {}\n", join(o.rank_b, " > "));
    for (const RatingChange& r : o.ratings)
      out += fmt::format("  CINeMA {}: {} -> {}\n", r.comparison, r.rating_a.empty() ? "-" : r.rating_a,
                         r.rating_b.empty() ? "-" : r.rating_b);
    auto draft = [](const std::string& direction, const std::string& strength) {
      return direction.empty() ? std::string("-") : strength + " " + direction;
    };
    for (const RecommendationChange& c : o.recommendations)
      out += fmt::format("  draft recommendation {}: {} -> {}\n", c.comparison, draft(c.direction_a, c.strength_a),
                         draft(c.direction_b, c.strength_b));
  }
  return out;
}

std::string render_run_summary(const RunRecord& run) {
  std::string out =
      fmt::format("Run {} ({}; inputs {}; evident {})\n", run.id, run.time, run.input_hash, run.software_version);
  if (!run.results.contains("outcomes")) return out;
  for (const auto& o : run.results["outcomes"]) {
    if (!o.is_object() || !o.value("ok", false)) {
      out += fmt::format("Outcome '{}': not analysed (see the diagnostics)\n", outcome_key(o));
      continue;
    }
    const bool ratio = o.value("ratio", false);
    out += fmt::format("Outcome '{}' ({}, random effects versus '{}'):\n", outcome_key(o),
                       o.value("measure", std::string()), o.value("reference", std::string()));
    const nlohmann::json empty = nlohmann::json::array();
    for (const auto& e : o.contains("estimates") ? o["estimates"] : empty)
      out += fmt::format("  {}: {}{}\n", e.value("treatment", std::string()),
                         interval(opt_number(e, "te"), opt_number(e, "lower"), opt_number(e, "upper"), ratio),
                         e.value("crosses_null", false) ? " (CI crosses the null)" : "");
    if (o.contains("rank") && !o["rank"].empty())
      out += fmt::format("  rank (P-score): {}\n", join(strings(o["rank"]), " > "));
    if (o.contains("cinema") && o["cinema"].is_object() && !o["cinema"].empty()) {
      const std::string ref = o.value("reference", std::string());
      std::vector<std::string> parts;
      for (const auto& e : o.contains("estimates") ? o["estimates"] : empty) {
        const std::string t = e.value("treatment", std::string());
        for (const std::string& key : {t + ":" + ref, ref + ":" + t})
          if (o["cinema"].contains(key) && o["cinema"][key].is_string())
            parts.push_back(t + " " + o["cinema"][key].get<std::string>());
      }
      if (!parts.empty()) out += fmt::format("  CINeMA versus '{}': {}\n", ref, join(parts, ", "));
    }
  }
  return out;
}

}  // namespace evident::store
