// Evidence-profile reader and evaluation (see profile.hpp).
#include "evident/certainty/profile.hpp"

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "evident/core/diagnostic_json.hpp"

namespace evident {
namespace {

using nlohmann::json;

std::string member(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}
std::string index(const std::string& parent, std::size_t i) {
  return parent + "[" + std::to_string(i) + "]";
}
std::string shown(const std::string& path) {
  return path.empty() ? "the top level" : path;
}

const char* type_name(const json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_array()) return "an array";
  return "an object";
}

class Reader {
 public:
  Reader(std::string file, Diagnostics& d) : file_(std::move(file)), d_(d) {}

  void error(const std::string& code, const std::string& path, const std::string& message,
             const std::string& hint = {}) {
    Diagnostic& x = d_.error(code, {file_, 0, 0}, message, hint);
    x.field = path;
    ++errors_;
  }
  void warning(const std::string& code, const std::string& path, const std::string& message,
               const std::string& hint = {}) {
    d_.warning(code, {file_, 0, 0}, message, hint).field = path;
  }
  [[nodiscard]] int errors() const { return errors_; }

  /// Warns about keys outside `known`.
  void known_keys(const json& obj, const std::string& path, std::initializer_list<const char*> known) {
    std::set<std::string> k;
    for (const char* s : known) k.insert(s);
    for (auto it = obj.begin(); it != obj.end(); ++it)
      if (!k.count(it.key()))
        warning("unknown-key", member(path, it.key()),
                "unknown key \"" + it.key() + "\" in " + shown(path) + " is ignored",
                "check the spelling against the format in docs/methods/certainty.md");
  }

  const json* find(const json& obj, const std::string& key) {
    const auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
  }

  void missing(const std::string& path, const std::string& key, const char* what) {
    error("missing-field", member(path, key), std::string(shown(path)) + " has no \"" + key + "\" (" + what + ")",
          std::string("add \"") + key + "\"");
  }

  void wrong_type(const std::string& path, const json& v, const char* expected) {
    error("wrong-type", path, path + " must be " + expected + ", got " + type_name(v));
  }

  std::optional<std::string> str(const json& obj, const std::string& path, const std::string& key, bool required) {
    const json* v = find(obj, key);
    if (v == nullptr) {
      if (required) missing(path, key, "a string");
      return std::nullopt;
    }
    if (!v->is_string()) {
      wrong_type(member(path, key), *v, "a string");
      return std::nullopt;
    }
    return v->get<std::string>();
  }

  std::optional<double> number(const json& obj, const std::string& path, const std::string& key, bool required) {
    const json* v = find(obj, key);
    if (v == nullptr) {
      if (required) missing(path, key, "a number");
      return std::nullopt;
    }
    if (!v->is_number()) {
      wrong_type(member(path, key), *v, "a number");
      return std::nullopt;
    }
    const double x = v->get<double>();
    if (!std::isfinite(x)) {
      error("not-finite", member(path, key), member(path, key) + " must be finite");
      return std::nullopt;
    }
    return x;
  }

  std::optional<int> count(const json& obj, const std::string& path, const std::string& key) {
    const json* v = find(obj, key);
    if (v == nullptr) return std::nullopt;
    if (!v->is_number_integer() || v->get<long long>() < 0 || v->get<long long>() > 100000000) {
      error(v->is_number() ? "invalid-count" : "wrong-type", member(path, key),
            member(path, key) + " must be a non-negative whole number, got " +
                (v->is_number() ? v->dump() : std::string(type_name(*v))));
      return std::nullopt;
    }
    return static_cast<int>(v->get<long long>());
  }

  std::optional<bool> boolean(const json& obj, const std::string& path, const std::string& key) {
    const json* v = find(obj, key);
    if (v == nullptr) return std::nullopt;
    if (!v->is_boolean()) {
      wrong_type(member(path, key), *v, "true or false");
      return std::nullopt;
    }
    return v->get<bool>();
  }

  const json* object(const json& obj, const std::string& path, const std::string& key, bool required) {
    const json* v = find(obj, key);
    if (v == nullptr) {
      if (required) missing(path, key, "an object");
      return nullptr;
    }
    if (!v->is_object()) {
      wrong_type(member(path, key), *v, "an object");
      return nullptr;
    }
    return v;
  }

  const json* array(const json& obj, const std::string& path, const std::string& key, bool required) {
    const json* v = find(obj, key);
    if (v == nullptr) {
      if (required) missing(path, key, "an array");
      return nullptr;
    }
    if (!v->is_array()) {
      wrong_type(member(path, key), *v, "an array");
      return nullptr;
    }
    return v;
  }

  /// A string parsed by `parse`; unknown words are errors listing the accepted ones.
  template <class T, class Parse>
  std::optional<T> word(const json& obj, const std::string& path, const std::string& key, bool required, Parse parse,
                        const char* accepted) {
    const auto s = str(obj, path, key, required);
    if (!s) return std::nullopt;
    const std::optional<T> v = parse(*s);
    if (!v) error("unknown-value", member(path, key), member(path, key) + " is \"" + *s + "\", not one of " + accepted);
    return v;
  }

  std::optional<JudgedEffect> judged(const json& obj, const std::string& path, const std::string& key) {
    const json* o = object(obj, path, key, false);
    if (o == nullptr) return std::nullopt;
    const std::string p = member(path, key);
    known_keys(*o, p, {"magnitude", "certainty", "note"});
    const auto m = word<Magnitude>(*o, p, "magnitude", true, parse_magnitude, "trivial, small, moderate, large");
    const auto c = word<Certainty>(*o, p, "certainty", true, parse_certainty, "high, moderate, low, very low");
    const auto note = str(*o, p, "note", false);
    if (!m || !c) return std::nullopt;
    return JudgedEffect{*m, *c, note.value_or("")};
  }

  std::optional<Direction> direction(const json& obj, const std::string& path) {
    const auto s = str(obj, path, "direction", false);
    if (!s) return std::nullopt;
    if (*s == "small_values_desirable" || *s == "small values desirable") return Direction::small_values_desirable;
    if (*s == "large_values_desirable" || *s == "large values desirable") return Direction::large_values_desirable;
    error("unknown-value", member(path, "direction"),
          member(path, "direction") + " is \"" + *s + "\", not small_values_desirable or large_values_desirable");
    return std::nullopt;
  }

 private:
  std::string file_;
  Diagnostics& d_;
  int errors_ = 0;
};

bool ratio_measure(Measure m) {
  return m == Measure::RR || m == Measure::OR || m == Measure::HR;
}

void read_outcome(Reader& r, const json& o, const std::string& path, ProfileQuestion& q) {
  const int errors_before = r.errors();
  r.known_keys(o, path,
               {"name",
                "time_point",
                "scale",
                "measure",
                "estimate",
                "ci_lower",
                "ci_upper",
                "direction",
                "importance",
                "mid",
                "thresholds",
                "studies",
                "participants",
                "comparator_risk",
                "comparator_risk_source",
                "comparator_mean",
                "reexpress",
                "certainty",
                "domains",
                "reasons",
                "source",
                "published_statement"});
  OutcomeEvidence e;
  e.name = r.str(o, path, "name", true).value_or("");
  e.time_point = r.str(o, path, "time_point", false).value_or("");
  e.scale = r.str(o, path, "scale", false).value_or("");
  const auto measure = r.word<Measure>(
      o, path, "measure", true,
      [](const std::string& s) -> std::optional<Measure> {
        const auto m = parse_measure(s);
        if (m && (*m == Measure::MD || *m == Measure::SMD || *m == Measure::RR || *m == Measure::OR ||
                  *m == Measure::HR || *m == Measure::RD))
          return m;
        return std::nullopt;
      },
      "MD, SMD, RR, OR, HR, RD");
  const auto est = r.number(o, path, "estimate", true);
  const auto lo = r.number(o, path, "ci_lower", true);
  const auto hi = r.number(o, path, "ci_upper", true);
  if (measure) e.measure = *measure;
  if (lo && hi && *lo > *hi) {
    r.error("ci-order", member(path, "ci_lower"),
            member(path, "ci_lower") + " (" + std::to_string(*lo) + ") is above " + member(path, "ci_upper") + " (" +
                std::to_string(*hi) + ")",
            "swap the bounds");
  } else if (est && lo && hi && (*est < *lo || *est > *hi)) {
    r.error("estimate-outside-ci", member(path, "estimate"),
            member(path, "estimate") + " (" + std::to_string(*est) + ") lies outside its CI (" + std::to_string(*lo) +
                " to " + std::to_string(*hi) + ")",
            "check the numbers against the source");
  }
  if (measure && ratio_measure(*measure)) {
    for (const auto& [key, v] : {std::pair{"estimate", est}, std::pair{"ci_lower", lo}, std::pair{"ci_upper", hi}})
      if (v && !(*v > 0.0))
        r.error(
            "ratio-not-positive", member(path, key),
            member(path, key) + " must be positive for a " + to_string(*measure) + " (a ratio on its natural scale)");
  }
  if (measure && *measure == Measure::RD) {
    for (const auto& [key, v] : {std::pair{"estimate", est}, std::pair{"ci_lower", lo}, std::pair{"ci_upper", hi}})
      if (v && std::fabs(*v) > 1.0)
        r.error("invalid-risk-difference", member(path, key),
                member(path, key) + " must lie between -1 and 1 (a risk difference as a proportion)");
  }
  e.estimate = est.value_or(0.0);
  e.ci_lower = lo.value_or(0.0);
  e.ci_upper = hi.value_or(0.0);
  if (const auto d = r.direction(o, path)) {
    e.direction = *d;
  } else if (o.find("direction") == o.end()) {
    r.warning("no-direction", member(path, "direction"),
              shown(path) + " does not say whether small values are desirable; benefit and harm are not judged",
              "add \"direction\": \"small_values_desirable\" or \"large_values_desirable\"");
  }
  if (const auto imp =
          r.word<Importance>(o, path, "importance", false, parse_importance, "critical, important, not important"))
    e.importance = *imp;
  // Thresholds.
  const auto mid = r.number(o, path, "mid", false);
  const json* th = r.object(o, path, "thresholds", false);
  if (mid && th != nullptr)
    r.warning("mid-and-thresholds", member(path, "mid"), shown(path) + " has both mid and thresholds; mid is ignored");
  if (th != nullptr) {
    const std::string p = member(path, "thresholds");
    r.known_keys(*th, p, {"small", "moderate", "large"});
    const auto s = r.number(*th, p, "small", true);
    const auto m = r.number(*th, p, "moderate", false);
    const auto l = r.number(*th, p, "large", false);
    if (s) {
      Thresholds t{*s, m, l};
      bool good = true;
      if (!(*s > 0.0)) {
        r.error("invalid-threshold", member(p, "small"), member(p, "small") + " must be positive");
        good = false;
      }
      if (m && !(*m > *s)) {
        r.error("invalid-threshold", member(p, "moderate"), member(p, "moderate") + " must be above small");
        good = false;
      }
      if (l && !(*l > m.value_or(*s))) {
        r.error("invalid-threshold", member(p, "large"), member(p, "large") + " must be above moderate and small");
        good = false;
      }
      if (good) e.thresholds = t;
    }
  } else if (mid) {
    if (*mid > 0.0)
      e.thresholds = Thresholds{*mid, std::nullopt, std::nullopt};
    else
      r.error("invalid-threshold", member(path, "mid"), member(path, "mid") + " must be positive");
  }
  e.studies = r.count(o, path, "studies");
  e.participants = r.count(o, path, "participants");
  if (const auto cr = r.number(o, path, "comparator_risk", false)) {
    if (*cr >= 0.0 && *cr <= 1.0)
      e.comparator_risk = *cr;
    else
      r.error("invalid-risk", member(path, "comparator_risk"),
              member(path, "comparator_risk") + " must be a proportion between 0 and 1", "write 0.2 for 200 per 1000");
  }
  if (const auto src = r.word<BaselineRiskSource>(o, path, "comparator_risk_source", false, parse_baseline_risk_source,
                                                  "median, pooled, given"))
    e.comparator_risk_source = *src;
  e.comparator_mean = r.number(o, path, "comparator_mean", false);
  if (const json* re = r.object(o, path, "reexpress", false)) {
    const std::string p = member(path, "reexpress");
    r.known_keys(*re, p, {"sd", "scale"});
    const auto sd = r.number(*re, p, "sd", true);
    if (sd && !(*sd > 0.0))
      r.error("invalid-sd", member(p, "sd"), member(p, "sd") + " must be positive");
    else if (sd)
      e.reexpress_sd = sd;
    e.reexpress_scale = r.str(*re, p, "scale", true).value_or("");
    if (measure && *measure != Measure::SMD) r.warning("reexpress-not-smd", p, p + " is used only for an SMD; ignored");
  }
  // Certainty.
  std::vector<DomainJudgement> domains;
  if (const json* ds = r.array(o, path, "domains", false)) {
    const std::string p = member(path, "domains");
    for (std::size_t i = 0; i < ds->size(); ++i) {
      const std::string pi = index(p, i);
      const json& dj = (*ds)[i];
      if (!dj.is_object()) {
        r.wrong_type(pi, dj, "an object");
        continue;
      }
      r.known_keys(dj, pi, {"domain", "concern", "reason"});
      DomainJudgement j;
      j.domain = r.str(dj, pi, "domain", true).value_or("");
      const auto c =
          r.word<Concern>(dj, pi, "concern", true, parse_concern,
                          "no concerns, some concerns, major concerns (or not serious, serious, very serious)");
      j.reason = r.str(dj, pi, "reason", false).value_or("");
      if (c) {
        j.concern = *c;
        domains.push_back(j);
      }
    }
  }
  const auto given = r.word<Certainty>(o, path, "certainty", false, parse_certainty, "high, moderate, low, very low");
  std::optional<Certainty> from_domains;
  if (!domains.empty()) {
    int down = 0;
    for (const DomainJudgement& j : domains) down += levels_down(j.concern);
    from_domains = rate_down(Certainty::high, down);
  }
  if (given) {
    e.certainty = *given;
    if (from_domains && *from_domains != *given)
      r.warning("certainty-differs", member(path, "certainty"),
                member(path, "certainty") + " is " + to_string(*given) + " but the domains give " +
                    to_string(*from_domains) + "; the given certainty is used");
  } else if (from_domains) {
    e.certainty = *from_domains;
  } else if (o.find("certainty") == o.end()) {
    r.missing(path, "certainty", "high, moderate, low or very low, or give \"domains\"");
  }
  if (const json* rs = r.array(o, path, "reasons", false)) {
    for (std::size_t i = 0; i < rs->size(); ++i) {
      if ((*rs)[i].is_string())
        e.reasons.push_back((*rs)[i].get<std::string>());
      else
        r.wrong_type(index(member(path, "reasons"), i), (*rs)[i], "a string");
    }
  }
  for (const DomainJudgement& j : domains)
    if (j.concern != Concern::no)
      e.reasons.push_back(j.domain + " (" + (j.concern == Concern::major ? "very serious" : "serious") + ")" +
                          (j.reason.empty() ? "" : ": " + j.reason));
  e.source = r.str(o, path, "source", false).value_or("");
  e.published_statement = r.str(o, path, "published_statement", false).value_or("");
  if (r.errors() > errors_before) q.ok = false;
  q.outcomes.push_back(std::move(e));
  q.domains.push_back(std::move(domains));
}

void read_decision(Reader& r, const json& o, const std::string& path, EtdInputs& in) {
  r.known_keys(o, path,
               {"desirable", "undesirable", "burden", "catastrophic_harm", "life_threatening", "harm_reduced",
                "values_variability", "values", "cost", "acceptability", "feasibility", "equity", "panel"});
  in.desirable = r.judged(o, path, "desirable");
  in.undesirable = r.judged(o, path, "undesirable");
  in.burden = r.judged(o, path, "burden");
  if (const json* c = r.object(o, path, "catastrophic_harm", false)) {
    const std::string p = member(path, "catastrophic_harm");
    r.known_keys(*c, p, {"certainty", "note"});
    in.catastrophic_harm =
        r.word<Certainty>(*c, p, "certainty", true, parse_certainty, "high, moderate, low, very low");
  }
  in.life_threatening = r.boolean(o, path, "life_threatening").value_or(false);
  in.harm_reduced = r.boolean(o, path, "harm_reduced").value_or(false);
  if (const auto v = r.word<ValuesVariability>(o, path, "values_variability", false, parse_values_variability,
                                               "none, possibly important, important"))
    in.values_variability = *v;
  in.values = r.str(o, path, "values", false).value_or("");
  in.cost = r.str(o, path, "cost", false).value_or("");
  in.acceptability = r.str(o, path, "acceptability", false).value_or("");
  in.feasibility = r.str(o, path, "feasibility", false).value_or("");
  in.equity = r.str(o, path, "equity", false).value_or("");
  if (const json* p = r.object(o, path, "panel", false)) {
    const std::string pp = member(path, "panel");
    r.known_keys(*p, pp, {"direction", "strength", "reason"});
    in.panel_direction = r.word<RecommendationDirection>(*p, pp, "direction", false, parse_recommendation_direction,
                                                         "for, against, either");
    in.panel_strength =
        r.word<RecommendationStrength>(*p, pp, "strength", false, parse_recommendation_strength, "strong, conditional");
    in.panel_reason = r.str(*p, pp, "reason", false).value_or("");
  }
}

}  // namespace

EvidenceProfile read_profile(const std::string& text, const std::string& file) {
  EvidenceProfile profile;
  json root;
  try {
    root = json::parse(text);
  } catch (const json::exception& e) {  // parse_error, or out_of_range 406 (a number too large for a double)
    // nlohmann reports a byte position; the message names it.
    Diagnostic& x = profile.diagnostics.error("json-syntax", {file, 0, 0},
                                              std::string("the profile is not valid JSON: ") + e.what());
    x.field = "";
    return profile;
  }
  Reader r(file, profile.diagnostics);
  if (!root.is_object()) {
    r.wrong_type("the top level", root, "an object");
    return profile;
  }
  r.known_keys(root, "", {"evident_profile", "title", "questions"});
  if (const json* v = r.find(root, "evident_profile")) {
    if (!v->is_number_integer() || v->get<long long>() != 1)
      r.error("unsupported-version", "evident_profile", "evident_profile must be 1, got " + v->dump());
  } else {
    r.missing("", "evident_profile", "the format version, 1");
  }
  profile.title = r.str(root, "", "title", false).value_or("");
  const json* qs = r.array(root, "", "questions", true);
  if (qs == nullptr) return profile;
  for (std::size_t i = 0; i < qs->size(); ++i) {
    const std::string path = index("questions", i);
    const json& qj = (*qs)[i];
    if (!qj.is_object()) {
      r.wrong_type(path, qj, "an object");
      continue;
    }
    const int errors_before = r.errors();
    r.known_keys(qj, path,
                 {"id", "population", "intervention", "comparator", "setting", "outcomes", "decision", "published"});
    ProfileQuestion q;
    q.id = r.str(qj, path, "id", false).value_or(std::to_string(i + 1));
    q.population = r.str(qj, path, "population", true).value_or("");
    q.intervention = r.str(qj, path, "intervention", true).value_or("");
    q.comparator = r.str(qj, path, "comparator", true).value_or("");
    q.setting = r.str(qj, path, "setting", false).value_or("");
    if (const json* os = r.array(qj, path, "outcomes", true)) {
      if (os->empty()) r.error("no-outcomes", member(path, "outcomes"), member(path, "outcomes") + " is empty");
      for (std::size_t k = 0; k < os->size(); ++k) {
        const std::string op = index(member(path, "outcomes"), k);
        if (!(*os)[k].is_object()) {
          r.wrong_type(op, (*os)[k], "an object");
          continue;
        }
        read_outcome(r, (*os)[k], op, q);
      }
    }
    if (const json* d = r.object(qj, path, "decision", false))
      read_decision(r, *d, member(path, "decision"), q.decision);
    if (const json* p = r.object(qj, path, "published", false)) {
      const std::string pp = member(path, "published");
      r.known_keys(*p, pp, {"recommendation", "source"});
      q.published_recommendation = r.str(*p, pp, "recommendation", false).value_or("");
      q.published_source = r.str(*p, pp, "source", false).value_or("");
    }
    q.ok = q.ok && r.errors() == errors_before;
    profile.questions.push_back(std::move(q));
  }
  return profile;
}

EvidenceProfile read_profile_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    EvidenceProfile p;
    p.diagnostics.error("cannot-open", {path, 0, 0}, "cannot open the profile file", "check the path");
    return p;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return read_profile(ss.str(), path);
}

std::vector<QuestionReport> evaluate_profile(const EvidenceProfile& profile) {
  std::vector<QuestionReport> out;
  for (const ProfileQuestion& q : profile.questions) {
    if (!q.ok) continue;
    QuestionReport r;
    r.id = q.id;
    r.sof = summary_of_findings(q.population, q.intervention, q.comparator, q.outcomes, q.setting);
    r.draft = draft_recommendation(r.sof, q.decision);
    r.published_recommendation = q.published_recommendation;
    r.published_source = q.published_source;
    out.push_back(std::move(r));
  }
  return out;
}

nlohmann::json to_json(const QuestionReport& r) {
  nlohmann::json j;
  j["id"] = r.id;
  j["summary_of_findings"] = to_json(r.sof);
  j["recommendation"] = to_json(r.draft);
  j["published"] = {{"recommendation", r.published_recommendation}, {"source", r.published_source}};
  return j;
}

nlohmann::json to_json(const std::vector<QuestionReport>& reports) {
  nlohmann::json j = nlohmann::json::array();
  for (const QuestionReport& r : reports) j.push_back(to_json(r));
  return j;
}

std::string render_text(const std::vector<QuestionReport>& reports) {
  std::string s;
  for (const QuestionReport& r : reports) {
    s += "=== Question " + r.id + " ===\n";
    s += render_text(r.sof);
    s += "\n";
    s += render_text(r.draft);
    if (!r.published_recommendation.empty())
      s += "\nPublished recommendation: " + r.published_recommendation +
           (r.published_source.empty() ? "" : " (" + r.published_source + ")") + "\n";
    s += "\n";
  }
  return s;
}

}  // namespace evident
