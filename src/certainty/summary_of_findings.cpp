// Summary-of-findings rows and tables (see summary_of_findings.hpp).
#include "evident/certainty/summary_of_findings.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "evident/core/diagnostic_json.hpp"
#include "evident/core/json_number.hpp"

namespace evident {
namespace {

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  std::string s = buf;
  if (s == "-0" || s == "-0.0" || s == "-0.00") s.erase(0, 1);
  return s;
}

/// Digits as the source reports them: 2 decimals below 100, otherwise 1 (and none for per 1000 counts).
std::string show(double v) {
  return fixed(v, std::fabs(v) < 100.0 ? 2 : 1);
}

bool is_binary(Measure m) {
  return m == Measure::RR || m == Measure::OR || m == Measure::HR || m == Measure::RD;
}

std::string per_1000(double v) {
  const long r = std::lround(v);
  if (r == 0) return "0";
  return std::to_string(std::labs(r)) + (r > 0 ? " more" : " fewer");
}

}  // namespace

const char* to_string(Importance i) {
  switch (i) {
    case Importance::critical:
      return "critical";
    case Importance::important:
      return "important";
    case Importance::not_important:
      return "not important";
  }
  return "";
}

std::optional<Importance> parse_importance(const std::string& text) {
  const std::string t = normalise_word(text);
  if (t == "critical") return Importance::critical;
  if (t == "important") return Importance::important;
  if (t == "not important" || t == "of limited importance") return Importance::not_important;
  return std::nullopt;
}

SofRow summary_row(const OutcomeEvidence& ev, const std::string& intervention) {
  SofRow row;
  row.evidence = ev;
  const Measure m = ev.measure;
  // Absolute effects and the value the thresholds apply to.
  std::optional<double> d, d_lo, d_hi;
  if (is_binary(m)) {
    if (ev.comparator_risk) {
      BaselineRisk b;
      b.source = ev.comparator_risk_source;
      b.risk = *ev.comparator_risk;
      row.absolute = absolute_from_ratio(m, ev.estimate, ev.ci_lower, ev.ci_upper, b);
    } else if (m == Measure::RD) {
      row.absolute = risk_difference_per(ev.estimate, ev.ci_lower, ev.ci_upper);
    } else {
      row.diagnostics.warning("no-comparator-risk", {},
                              "no comparator risk for '" + ev.name + "', so no absolute effect and no magnitude",
                              "give comparator_risk (a proportion) for this outcome");
    }
    if (row.absolute) {
      row.diagnostics.append(row.absolute->diagnostics);
      if (row.absolute->ok()) {
        d = row.absolute->difference;
        d_lo = row.absolute->difference_lower;
        d_hi = row.absolute->difference_upper;
      }
    }
  } else if (m == Measure::MD) {
    row.continuous = absolute_md(ev.estimate, ev.ci_lower, ev.ci_upper, ev.comparator_mean, ev.scale);
  } else if (m == Measure::SMD && ev.reexpress_sd) {
    row.continuous =
        reexpress_smd(ev.estimate, ev.ci_lower, ev.ci_upper, *ev.reexpress_sd, ev.reexpress_scale, ev.comparator_mean);
  } else {
    d = ev.estimate;
    d_lo = ev.ci_lower;
    d_hi = ev.ci_upper;
    if (m != Measure::SMD)
      row.diagnostics.note("no-absolute-effect", {},
                           std::string("no absolute effect is computed for ") + to_string(m) + " ('" + ev.name + "')");
  }
  if (row.continuous) {
    row.diagnostics.append(row.continuous->diagnostics);
    if (row.continuous->ok()) {
      d = row.continuous->difference;
      d_lo = row.continuous->difference_lower;
      d_hi = row.continuous->difference_upper;
    }
  }
  // Magnitude and statement.
  Magnitude magnitude = Magnitude::trivial;
  int sign = 0;
  bool have_magnitude = false;
  if (d && ev.thresholds) {
    row.interpretation = interpret_effect(*d, *d_lo, *d_hi, *ev.thresholds, ev.direction);
    row.diagnostics.append(row.interpretation->diagnostics);
    if (row.interpretation->ok()) {
      magnitude = row.interpretation->point.magnitude;
      sign = row.interpretation->point.sign;
      have_magnitude = true;
    }
  } else if (d && !ev.thresholds) {
    row.diagnostics.warning(
        "no-thresholds", {},
        "no minimally important difference for '" + ev.name + "', so the size of the effect is not judged",
        "give mid (or thresholds) for this outcome");
  }
  std::string outcome = normalise_word(ev.name);
  if (!ev.name.empty() && ev.name.size() > 1 && std::isupper(static_cast<unsigned char>(ev.name[1])))
    outcome = ev.name;  // keep acronyms as written
  if (have_magnitude || ev.certainty == Certainty::very_low)
    row.statement = effect_statement(intervention, outcome, magnitude, sign, ev.certainty);
  for (Diagnostic& x : row.diagnostics.items())
    if (x.field.empty()) x.field = ev.name;
  return row;
}

SummaryOfFindings summary_of_findings(const std::string& population, const std::string& intervention,
                                      const std::string& comparator, const std::vector<OutcomeEvidence>& outcomes,
                                      const std::string& setting) {
  SummaryOfFindings sof;
  sof.population = population;
  sof.intervention = intervention;
  sof.comparator = comparator;
  sof.setting = setting;
  for (const OutcomeEvidence& ev : outcomes) {
    SofRow row = summary_row(ev, intervention);
    for (const std::string& reason : ev.reasons) {
      auto it = std::find(sof.footnotes.begin(), sof.footnotes.end(), reason);
      if (it == sof.footnotes.end()) {
        sof.footnotes.push_back(reason);
        it = sof.footnotes.end() - 1;
      }
      row.footnotes.push_back(static_cast<int>(it - sof.footnotes.begin()) + 1);
    }
    sof.diagnostics.append(row.diagnostics);
    sof.rows.push_back(std::move(row));
  }
  return sof;
}

std::string format_relative(const OutcomeEvidence& e) {
  return std::string(to_string(e.measure)) + " " + show(e.estimate) + " (" + show(e.ci_lower) + " to " +
         show(e.ci_upper) + ")";
}

std::string format_absolute(const SofRow& row) {
  if (row.absolute && row.absolute->ok()) {
    const AbsoluteEffect& a = *row.absolute;
    std::string s;
    if (std::isfinite(a.risk_comparator))
      s = std::to_string(std::lround(a.risk_comparator)) + " per 1000 with the comparator, " +
          std::to_string(std::lround(a.risk_intervention)) + " per 1000 (" +
          std::to_string(std::lround(a.risk_intervention_lower)) + " to " +
          std::to_string(std::lround(a.risk_intervention_upper)) + ") with the intervention; ";
    return s + per_1000(a.difference) + " per 1000 (" + per_1000(a.difference_lower) + " to " +
           per_1000(a.difference_upper) + ")";
  }
  if (row.continuous && row.continuous->ok()) {
    const ContinuousAbsolute& c = *row.continuous;
    if (c.measure == Measure::MD && !c.intervention_mean) return "";  // the effect line shows the MD already
    std::string s;
    if (c.intervention_mean)
      s = "mean " + show(*c.comparator_mean) + " with the comparator, " + show(*c.intervention_mean) + " (" +
          show(*c.intervention_mean_lower) + " to " + show(*c.intervention_mean_upper) + ") with the intervention; ";
    s += "MD " + show(c.difference) + " (" + show(c.difference_lower) + " to " + show(c.difference_upper) + ")";
    if (!c.scale.empty()) s += " on " + c.scale;
    if (c.measure == Measure::SMD) s += " (SMD x SD " + show(c.sd) + ")";
    return s;
  }
  return "";
}

nlohmann::json to_json(const OutcomeEvidence& e) {
  nlohmann::json j;
  j["name"] = e.name;
  j["time_point"] = e.time_point;
  j["scale"] = e.scale;
  j["measure"] = to_string(e.measure);
  j["estimate"] = json_number(e.estimate);
  j["ci_lower"] = json_number(e.ci_lower);
  j["ci_upper"] = json_number(e.ci_upper);
  j["direction"] = to_string(e.direction);
  j["importance"] = to_string(e.importance);
  j["studies"] = e.studies ? nlohmann::json(*e.studies) : nlohmann::json(nullptr);
  j["participants"] = e.participants ? nlohmann::json(*e.participants) : nlohmann::json(nullptr);
  j["certainty"] = to_string(e.certainty);
  j["reasons"] = e.reasons;
  j["source"] = e.source;
  if (!e.published_statement.empty()) j["published_statement"] = e.published_statement;
  return j;
}

nlohmann::json to_json(const SofRow& row) {
  nlohmann::json j = to_json(row.evidence);
  j["relative_effect"] = format_relative(row.evidence);
  j["absolute"] = row.absolute ? to_json(*row.absolute) : nlohmann::json(nullptr);
  j["continuous"] = row.continuous ? to_json(*row.continuous) : nlohmann::json(nullptr);
  j["absolute_text"] = format_absolute(row);
  j["interpretation"] = row.interpretation ? to_json(*row.interpretation) : nlohmann::json(nullptr);
  j["footnotes"] = row.footnotes;
  j["statement"] = row.statement;
  j["warnings"] = to_json(row.diagnostics);
  return j;
}

nlohmann::json to_json(const SummaryOfFindings& sof) {
  nlohmann::json j;
  j["population"] = sof.population;
  j["intervention"] = sof.intervention;
  j["comparator"] = sof.comparator;
  j["setting"] = sof.setting;
  j["rows"] = nlohmann::json::array();
  for (const SofRow& r : sof.rows) j["rows"].push_back(to_json(r));
  j["footnotes"] = sof.footnotes;
  return j;
}

std::string render_text(const SummaryOfFindings& sof) {
  std::string s = "Summary of findings: " + sof.intervention + " compared with " + sof.comparator + "\n";
  s += "Population: " + sof.population + "\n";
  if (!sof.setting.empty()) s += "Setting: " + sof.setting + "\n";
  for (const SofRow& r : sof.rows) {
    const OutcomeEvidence& e = r.evidence;
    s += "\n" + e.name;
    if (!e.time_point.empty()) s += ", " + e.time_point;
    s += " (" + std::string(to_string(e.importance)) + ")\n";
    if (e.studies || e.participants) {
      s += "  Studies (participants): " + (e.studies ? std::to_string(*e.studies) : std::string("not reported")) +
           " (" + (e.participants ? std::to_string(*e.participants) : std::string("not reported")) + ")\n";
    }
    s += std::string(is_binary(e.measure) ? "  Relative effect: " : "  Effect: ") + format_relative(e) + "\n";
    const std::string abs = format_absolute(r);
    if (!abs.empty()) s += "  Absolute effect: " + abs + "\n";
    if (r.interpretation && r.interpretation->ok()) s += "  Magnitude: " + r.interpretation->description + "\n";
    s += "  Certainty: " + std::string(to_string(e.certainty));
    for (int f : r.footnotes) s += " [" + std::to_string(f) + "]";
    s += "\n";
    if (!r.statement.empty()) s += "  Statement: " + r.statement + "\n";
  }
  if (!sof.footnotes.empty()) {
    s += "\nFootnotes\n";
    for (std::size_t i = 0; i < sof.footnotes.size(); ++i)
      s += "  [" + std::to_string(i + 1) + "] " + sof.footnotes[i] + "\n";
  }
  return s;
}

}  // namespace evident
