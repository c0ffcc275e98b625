// Draft recommendations from the EtD inputs (see recommendation.hpp).
#include "evident/certainty/recommendation.hpp"

#include <algorithm>
#include <cctype>

#include "evident/core/diagnostic_json.hpp"

namespace evident {
namespace {

bool high_plus(Certainty c) {
  return c == Certainty::high || c == Certainty::moderate;
}
int size_of(Magnitude m) {
  return static_cast<int>(m);
}
/// The less certain of two.
Certainty worse(Certainty a, Certainty b) {
  return static_cast<int>(a) > static_cast<int>(b) ? a : b;
}

/// Is `a` a larger effect than `b` (ties: the more certain)?
bool larger(const JudgedEffect& a, const JudgedEffect& b) {
  if (size_of(a.magnitude) != size_of(b.magnitude)) return size_of(a.magnitude) > size_of(b.magnitude);
  return static_cast<int>(a.certainty) < static_cast<int>(b.certainty);
}

std::string effect_words(const JudgedEffect& e, const char* what) {
  std::string s = e.magnitude == Magnitude::trivial ? std::string("little to no ") + what
                                                    : std::string(to_string(e.magnitude)) + " " + what;
  return s + " (" + to_string(e.certainty) + " certainty)";
}

nlohmann::json to_json(const JudgedEffect& e) {
  return {{"magnitude", to_string(e.magnitude)}, {"certainty", to_string(e.certainty)}, {"note", e.note}};
}

}  // namespace

const char* to_string(RecommendationDirection d) {
  switch (d) {
    case RecommendationDirection::for_intervention:
      return "for";
    case RecommendationDirection::against_intervention:
      return "against";
    case RecommendationDirection::either:
      return "either";
  }
  return "";
}

const char* to_string(RecommendationStrength s) {
  return s == RecommendationStrength::strong ? "strong" : "conditional";
}

std::optional<RecommendationDirection> parse_recommendation_direction(const std::string& text) {
  const std::string t = normalise_word(text);
  if (t == "for") return RecommendationDirection::for_intervention;
  if (t == "against") return RecommendationDirection::against_intervention;
  if (t == "either") return RecommendationDirection::either;
  return std::nullopt;
}

std::optional<RecommendationStrength> parse_recommendation_strength(const std::string& text) {
  const std::string t = normalise_word(text);
  if (t == "strong") return RecommendationStrength::strong;
  if (t == "conditional" || t == "weak") return RecommendationStrength::conditional;
  return std::nullopt;
}

const char* to_string(ValuesVariability v) {
  switch (v) {
    case ValuesVariability::none:
      return "no important uncertainty or variability";
    case ValuesVariability::possibly_important:
      return "possibly important uncertainty or variability";
    case ValuesVariability::important:
      return "important uncertainty or variability";
  }
  return "";
}

std::optional<ValuesVariability> parse_values_variability(const std::string& text) {
  const std::string t = normalise_word(text);
  if (t == "none" || t == "no" || t == "no important" || t == to_string(ValuesVariability::none))
    return ValuesVariability::none;
  if (t == "possibly important" || t == to_string(ValuesVariability::possibly_important))
    return ValuesVariability::possibly_important;
  if (t == "important" || t == to_string(ValuesVariability::important)) return ValuesVariability::important;
  return std::nullopt;
}

RecommendationDraft draft_recommendation(const SummaryOfFindings& sof, const EtdInputs& in) {
  RecommendationDraft d;
  d.population = sof.population;
  d.intervention = sof.intervention;
  d.comparator = sof.comparator;
  d.inputs = in;
  auto& why = d.reasoning;

  // Defaults from the SoF.
  std::optional<JudgedEffect> benefit, harm, no_effect;
  std::optional<Certainty> overall;
  for (const SofRow& r : sof.rows) {
    const OutcomeEvidence& e = r.evidence;
    if (e.importance == Importance::critical) overall = overall ? worse(*overall, e.certainty) : e.certainty;
    if (e.importance == Importance::not_important || !r.interpretation || !r.interpretation->ok()) continue;
    const Placement& p = r.interpretation->point;
    JudgedEffect j{p.magnitude, e.certainty,
                   e.name + (e.time_point.empty() ? "" : ", " + e.time_point) + ": " + category_label(p) + " (" +
                       format_relative(e) + ")"};
    if (p.valence == EffectValence::benefit) {
      if (!benefit || larger(j, *benefit)) benefit = j;
    } else if (p.valence == EffectValence::harm) {
      if (!harm || larger(j, *harm)) harm = j;
    } else if (p.magnitude == Magnitude::trivial && e.importance == Importance::critical) {
      // Certainty of little to no effect: the most certain critical outcome.
      if (!no_effect || static_cast<int>(j.certainty) < static_cast<int>(no_effect->certainty)) no_effect = j;
    }
  }
  if (in.desirable) {
    d.desirable = *in.desirable;
    why.push_back("Desirable effects (panel): " + effect_words(d.desirable, "benefit") +
                  (d.desirable.note.empty() ? "" : "; " + d.desirable.note) + ".");
  } else if (benefit) {
    d.desirable = *benefit;
    why.push_back("Desirable effects (from the summary of findings, largest benefit): " +
                  effect_words(d.desirable, "benefit") + "; " + d.desirable.note + ".");
  } else if (no_effect) {
    d.desirable = *no_effect;
    why.push_back("Desirable effects (from the summary of findings): no important benefit on any outcome; " +
                  effect_words(d.desirable, "benefit") + "; " + d.desirable.note + ".");
  } else {
    d.desirable = JudgedEffect{Magnitude::trivial, Certainty::very_low, "no outcome with a judged benefit"};
    d.diagnostics.warning("no-desirable-effects", {},
                          "no outcome of the summary of findings gives a judged benefit, so desirable effects "
                          "default to little to none with very low certainty",
                          "give thresholds (mid) for the outcomes, or the panel's judgement");
    why.push_back(
        "Desirable effects: none judged (no outcome with thresholds); taken as little to no benefit "
        "(very low certainty).");
  }
  if (in.undesirable) {
    d.undesirable = *in.undesirable;
    why.push_back("Undesirable effects (panel): " + effect_words(d.undesirable, "harm") +
                  (d.undesirable.note.empty() ? "" : "; " + d.undesirable.note) + ".");
  } else if (harm) {
    d.undesirable = *harm;
    why.push_back("Undesirable effects (from the summary of findings, largest harm): " +
                  effect_words(d.undesirable, "harm") + "; " + d.undesirable.note + ".");
  } else {
    d.undesirable = JudgedEffect{Magnitude::trivial, Certainty::very_low, "no outcome with a judged harm"};
    why.push_back("Undesirable effects: no outcome of the summary of findings shows a judged harm.");
  }
  d.burden = in.burden;
  if (in.burden)
    why.push_back("Burden (panel): " + effect_words(*in.burden, "burden") +
                  (in.burden->note.empty() ? "" : "; " + in.burden->note) + ".");
  d.overall_certainty = overall.value_or(d.desirable.certainty);
  why.push_back(std::string("Overall certainty (lowest among the critical outcomes): ") +
                to_string(d.overall_certainty) + ".");

  // U: the larger of harms and burden.
  JudgedEffect u = d.undesirable;
  if (in.burden && larger(*in.burden, u)) u = *in.burden;
  const JudgedEffect& b = d.desirable;
  const bool b_trivial = b.magnitude == Magnitude::trivial;
  const bool u_some = u.magnitude != Magnitude::trivial;

  auto set = [&](RecommendationDirection dir, RecommendationStrength st) {
    d.direction = dir;
    d.strength = st;
  };
  if (in.life_threatening && !b_trivial && !high_plus(b.certainty)) {
    d.paradigm = 1;
    set(RecommendationDirection::for_intervention, RecommendationStrength::strong);
    why.push_back(
        "Situation 1 of GRADE guidelines 15: a life-threatening situation with low or very low certainty "
        "evidence of benefit supports a strong recommendation for the intervention.");
  } else if (!in.harm_reduced && !high_plus(b.certainty) && u_some && high_plus(u.certainty)) {
    d.paradigm = 2;
    set(RecommendationDirection::against_intervention, RecommendationStrength::strong);
    why.push_back(std::string("Situation 2 of GRADE guidelines 15 (as the BMJ Rapid Recommendations apply it): ") +
                  (b_trivial ? "low or very low certainty evidence of little to no benefit"
                             : "low or very low certainty evidence of benefit") +
                  " and moderate or high certainty evidence of important harm or burden support a strong "
                  "recommendation against the intervention.");
  } else if (in.harm_reduced && b_trivial && !high_plus(b.certainty) && high_plus(u.certainty)) {
    d.paradigm = 3;
    set(RecommendationDirection::for_intervention, RecommendationStrength::strong);
    why.push_back(
        "Situation 3 of GRADE guidelines 15: low certainty evidence that the options are equivalent and "
        "moderate or high certainty evidence that the intervention has less harm or burden support a "
        "strong recommendation for the intervention.");
  } else if (!in.harm_reduced && b_trivial && high_plus(b.certainty) && u_some && !high_plus(u.certainty)) {
    d.paradigm = 4;
    set(RecommendationDirection::against_intervention, RecommendationStrength::strong);
    why.push_back(
        "Situation 4 of GRADE guidelines 15: moderate or high certainty evidence that the options are "
        "equivalent and low certainty evidence of harm with the intervention support a strong "
        "recommendation against it.");
  } else if (high_plus(b.certainty) && (b.magnitude == Magnitude::small || b.magnitude == Magnitude::moderate) &&
             in.catastrophic_harm && !high_plus(*in.catastrophic_harm)) {
    d.paradigm = 5;
    set(RecommendationDirection::against_intervention, RecommendationStrength::strong);
    why.push_back(
        "Situation 5 of GRADE guidelines 15: moderate or high certainty evidence of a modest benefit and "
        "low certainty evidence of a possible catastrophic harm support a strong recommendation against "
        "the intervention.");
  } else {
    // Balance of effects.
    int net_b = size_of(b.magnitude), net_u = size_of(u.magnitude);
    if (in.harm_reduced) {
      net_b = std::max(net_b, net_u);
      net_u = 0;
    }
    const Certainty deciding = worse(b.certainty, u.certainty);
    RecommendationDirection dir = RecommendationDirection::either;
    if (net_b > net_u) dir = RecommendationDirection::for_intervention;
    if (net_u > net_b) dir = RecommendationDirection::against_intervention;
    const bool strong = dir != RecommendationDirection::either && high_plus(deciding) &&
                        in.values_variability != ValuesVariability::important;
    set(dir, strong ? RecommendationStrength::strong : RecommendationStrength::conditional);
    std::string s = "Balance of effects: ";
    s += dir == RecommendationDirection::for_intervention       ? "the desirable effects outweigh the undesirable"
         : dir == RecommendationDirection::against_intervention ? "the undesirable effects (harms and burden) "
                                                                  "outweigh the desirable"
                                                                : "neither the desirable nor the undesirable effects "
                                                                  "clearly outweigh the other";
    s += std::string("; the certainty of the effects that decide it is ") + to_string(deciding);
    s += strong ? ", so the draft is strong." : ", so the draft is conditional.";
    why.push_back(s);
    if (in.values_variability == ValuesVariability::important && dir != RecommendationDirection::either)
      why.push_back("Values and preferences vary importantly, so the recommendation cannot be strong.");
  }
  if (in.values_variability == ValuesVariability::possibly_important)
    why.push_back(
        "Values and preferences possibly vary importantly: the panel should check that most informed "
        "people would choose the same.");
  if (!in.values.empty()) why.push_back("Values and preferences (panel): " + in.values);

  // The panel's changes.
  if (in.panel_direction || in.panel_strength) {
    const auto dir = in.panel_direction.value_or(d.direction);
    const auto st = in.panel_strength.value_or(d.strength);
    if (dir != d.direction || st != d.strength) {
      d.computed_direction = d.direction;
      d.computed_strength = d.strength;
      why.push_back(std::string("The panel changed the draft (") + to_string(d.strength) + " " +
                    to_string(d.direction) + ") to " + to_string(st) + " " + to_string(dir) +
                    (in.panel_reason.empty() ? "." : ": " + in.panel_reason));
      d.direction = dir;
      d.strength = st;
    }
    d.panel_reason = in.panel_reason;
  }

  // Text.
  const bool strong = d.strength == RecommendationStrength::strong;
  std::string t = strong ? "We recommend " : "We suggest ";
  if (d.direction == RecommendationDirection::against_intervention) t += "against ";
  if (d.direction == RecommendationDirection::either)
    t += "either " + d.intervention + " or " + d.comparator;
  else
    t += d.intervention + " compared with " + d.comparator;
  if (!d.population.empty()) t += " for " + d.population;
  t += std::string(" (") + to_string(d.strength) + " recommendation, " + to_string(d.overall_certainty) +
       " certainty evidence).";
  d.text = t;

  for (const SofRow& r : sof.rows) {
    std::string k = r.evidence.name;
    if (!r.evidence.time_point.empty()) k += ", " + r.evidence.time_point;
    k += ": " + format_relative(r.evidence);
    const std::string abs = format_absolute(r);
    if (!abs.empty()) k += "; " + abs;
    k += std::string("; ") + to_string(r.evidence.certainty) + " certainty";
    if (r.evidence.studies && r.evidence.participants)
      k += "; " + std::to_string(*r.evidence.studies) + (*r.evidence.studies == 1 ? " study, " : " studies, ") +
           std::to_string(*r.evidence.participants) + " participants";
    d.key_numbers.push_back(k);
    if (!r.evidence.source.empty() &&
        std::find(d.references.begin(), d.references.end(), r.evidence.source) == d.references.end())
      d.references.push_back(r.evidence.source);
  }
  d.references.push_back("Andrews et al. 2013, GRADE guidelines 15, doi:10.1016/j.jclinepi.2013.02.003");
  d.references.push_back("Alonso-Coello et al. 2016, GRADE Evidence to Decision frameworks, doi:10.1136/bmj.i2016");
  d.references.push_back("Siemieniuk et al. 2016, BMJ Rapid Recommendations, doi:10.1136/bmj.i5191");
  d.references.push_back("Santesso et al. 2020, GRADE guidelines 26, doi:10.1016/j.jclinepi.2019.10.014");
  return d;
}

nlohmann::json to_json(const RecommendationDraft& d) {
  nlohmann::json j;
  j["population"] = d.population;
  j["intervention"] = d.intervention;
  j["comparator"] = d.comparator;
  j["text"] = d.text;
  j["direction"] = to_string(d.direction);
  j["strength"] = to_string(d.strength);
  j["paradigm"] = d.paradigm ? nlohmann::json(*d.paradigm) : nlohmann::json(nullptr);
  j["computed_direction"] = d.computed_direction ? nlohmann::json(to_string(*d.computed_direction)) : nullptr;
  j["computed_strength"] = d.computed_strength ? nlohmann::json(to_string(*d.computed_strength)) : nullptr;
  j["panel_reason"] = d.panel_reason;
  j["overall_certainty"] = to_string(d.overall_certainty);
  j["desirable"] = to_json(d.desirable);
  j["undesirable"] = to_json(d.undesirable);
  j["burden"] = d.burden ? to_json(*d.burden) : nlohmann::json(nullptr);
  j["values_variability"] = to_string(d.inputs.values_variability);
  j["values"] = d.inputs.values;
  j["cost"] = d.inputs.cost;
  j["acceptability"] = d.inputs.acceptability;
  j["feasibility"] = d.inputs.feasibility;
  j["equity"] = d.inputs.equity;
  j["reasoning"] = d.reasoning;
  j["key_numbers"] = d.key_numbers;
  j["references"] = d.references;
  j["warnings"] = to_json(d.diagnostics);
  return j;
}

std::string render_text(const RecommendationDraft& d) {
  std::string s = "Recommendation (draft): " + d.text + "\n\nReasoning\n";
  for (const std::string& r : d.reasoning) s += "  - " + r + "\n";
  auto line = [&s](const char* name, const std::string& v) {
    if (!v.empty()) s += std::string("  ") + name + ": " + v + "\n";
  };
  if (!d.inputs.cost.empty() || !d.inputs.acceptability.empty() || !d.inputs.feasibility.empty() ||
      !d.inputs.equity.empty()) {
    s += "\nOther criteria (panel)\n";
    line("Cost", d.inputs.cost);
    line("Acceptability", d.inputs.acceptability);
    line("Feasibility", d.inputs.feasibility);
    line("Equity", d.inputs.equity);
  }
  s += "\nKey numbers\n";
  for (const std::string& k : d.key_numbers) s += "  - " + k + "\n";
  s += "\nReferences\n";
  for (const std::string& r : d.references) s += "  - " + r + "\n";
  return s;
}

}  // namespace evident
