// Minimally contextualised interpretation and GRADE guidelines 26 statements (see contextualised.hpp).
#include "evident/certainty/contextualised.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "evident/core/diagnostic_json.hpp"
#include "evident/core/json_number.hpp"

namespace evident {
namespace {

/// Shortest readable form of a number: up to 4 significant digits, no trailing zeros.
std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

Placement place(double d, const Thresholds& t, Direction direction) {
  Placement p;
  const double a = std::fabs(d);
  if (a < t.small) return p;
  p.magnitude = Magnitude::small;
  if (t.moderate && a >= *t.moderate) p.magnitude = Magnitude::moderate;
  if (t.large && a >= *t.large) p.magnitude = Magnitude::large;
  p.sign = d < 0.0 ? -1 : 1;
  if (direction == Direction::unspecified) {
    p.valence = EffectValence::unknown;
  } else {
    const bool good = (direction == Direction::small_values_desirable) == (p.sign < 0);
    p.valence = good ? EffectValence::benefit : EffectValence::harm;
  }
  return p;
}

/// Signed category index -3..3 (large reduction .. large increase).
int index_of(const Placement& p) {
  return p.sign * static_cast<int>(p.magnitude);
}

}  // namespace

const char* to_string(Magnitude m) {
  switch (m) {
    case Magnitude::trivial:
      return "little to no effect";
    case Magnitude::small:
      return "small";
    case Magnitude::moderate:
      return "moderate";
    case Magnitude::large:
      return "large";
  }
  return "";
}

std::optional<Magnitude> parse_magnitude(const std::string& text) {
  const std::string t = normalise_word(text);
  if (t == "trivial" || t == "little to no" || t == "little to no effect" || t == "none" || t == "no")
    return Magnitude::trivial;
  if (t == "small") return Magnitude::small;
  if (t == "moderate") return Magnitude::moderate;
  if (t == "large") return Magnitude::large;
  return std::nullopt;
}

const char* to_string(EffectValence v) {
  switch (v) {
    case EffectValence::none:
      return "none";
    case EffectValence::benefit:
      return "benefit";
    case EffectValence::harm:
      return "harm";
    case EffectValence::unknown:
      return "unknown";
  }
  return "";
}

std::string category_label(const Placement& p) {
  if (p.magnitude == Magnitude::trivial) return "little to no effect";
  std::string what;
  switch (p.valence) {
    case EffectValence::benefit:
      what = "benefit";
      break;
    case EffectValence::harm:
      what = "harm";
      break;
    default:
      what = p.sign < 0 ? "reduction" : "increase";
      break;
  }
  return std::string(to_string(p.magnitude)) + " " + what;
}

EffectInterpretation interpret_effect(double estimate, double lower_bound, double upper_bound,
                                      const Thresholds& thresholds, Direction direction) {
  EffectInterpretation e;
  e.estimate = estimate;
  e.lower = lower_bound;
  e.upper = upper_bound;
  e.thresholds = thresholds;
  e.direction = direction;
  if (!std::isfinite(estimate) || !std::isfinite(lower_bound) || !std::isfinite(upper_bound)) {
    e.diagnostics.error("no-estimate", {}, "the estimate or its CI is not finite");
    return e;
  }
  if (!(lower_bound <= estimate && estimate <= upper_bound)) {
    e.diagnostics.error("estimate-outside-ci", {},
                        "the estimate " + num(estimate) + " does not lie within its CI (" + num(lower_bound) + " to " +
                            num(upper_bound) + ")",
                        "check the order and sign of the bounds");
    return e;
  }
  const double small = thresholds.small;
  const double moderate = thresholds.moderate.value_or(small);
  const double large = thresholds.large.value_or(moderate);
  if (!(small > 0.0) || !std::isfinite(small) || (thresholds.moderate && !(*thresholds.moderate > small)) ||
      (thresholds.large && !(*thresholds.large > moderate)) || !std::isfinite(large)) {
    e.diagnostics.error("invalid-thresholds", {},
                        "thresholds must be positive and increase from small to moderate to large",
                        "give the minimally important difference as the small threshold, e.g. 10 on a 0-100 scale");
    return e;
  }
  if (direction == Direction::unspecified)
    e.diagnostics.note("direction-unspecified", {},
                       "the outcome does not say whether small values are desirable; effects are called increases "
                       "and reductions, not benefits and harms");
  e.point = place(estimate, thresholds, direction);
  e.at_lower = place(lower_bound, thresholds, direction);
  e.at_upper = place(upper_bound, thresholds, direction);
  const int lo = index_of(e.at_lower), hi = index_of(e.at_upper);
  e.ci_spans_categories = lo != hi;
  for (int i = lo; i <= hi; ++i) {
    Placement p;
    p.magnitude = static_cast<Magnitude>(std::abs(i));
    p.sign = i < 0 ? -1 : (i > 0 ? 1 : 0);
    if (p.sign != 0)
      p.valence = direction == Direction::unspecified
                      ? EffectValence::unknown
                      : (((direction == Direction::small_values_desirable) == (p.sign < 0)) ? EffectValence::benefit
                                                                                            : EffectValence::harm);
    e.ci_categories.push_back(category_label(p));
  }
  // Words a panel can read.
  std::string d = "the point estimate " + num(estimate);
  if (e.point.magnitude == Magnitude::trivial) {
    d += " is below the clinically important threshold of " + num(small) + " (little to no effect)";
  } else {
    const double reached = e.point.magnitude == Magnitude::large      ? large
                           : e.point.magnitude == Magnitude::moderate ? moderate
                                                                      : small;
    d += " reaches the " + std::string(to_string(e.point.magnitude)) + "-effect threshold of " + num(reached) + " (" +
         category_label(e.point) + ")";
  }
  d += "; the CI (" + num(lower_bound) + " to " + num(upper_bound) + ")";
  if (e.ci_spans_categories) {
    d += " spans ";
    for (std::size_t i = 0; i < e.ci_categories.size(); ++i) {
      if (i > 0) d += i + 1 == e.ci_categories.size() ? " and " : ", ";
      d += e.ci_categories[i];
    }
  } else {
    d += " lies within the same category";
  }
  e.description = d;
  return e;
}

namespace {

std::string statement_body(const std::string& intervention, const std::string& outcome, Magnitude magnitude, int sign,
                           Certainty certainty) {
  if (certainty == Certainty::very_low)
    return "The evidence is very uncertain about the effect of " + intervention + " on " + outcome + ".";
  const bool reduce = sign < 0;
  std::string verb;
  switch (magnitude) {
    case Magnitude::trivial: {
      const char* v = certainty == Certainty::high       ? "results"
                      : certainty == Certainty::moderate ? "probably results"
                                                         : "may result";
      return intervention + " " + v + " in little to no difference in " + outcome + ".";
    }
    case Magnitude::large: {
      const char* v = certainty == Certainty::high       ? "results"
                      : certainty == Certainty::moderate ? "probably results"
                                                         : "may result";
      return intervention + " " + v + " in a large " + (reduce ? "reduction" : "increase") + " in " + outcome + ".";
    }
    case Magnitude::moderate:
    case Magnitude::small: {
      if (certainty == Certainty::high)
        verb = reduce ? "reduces" : "increases";
      else
        verb =
            std::string(certainty == Certainty::moderate ? "probably " : "may ") +
            (certainty == Certainty::moderate ? (reduce ? "reduces" : "increases") : (reduce ? "reduce" : "increase"));
      return intervention + " " + verb + " " + outcome + (magnitude == Magnitude::small ? " slightly" : "") + ".";
    }
  }
  return "";
}

}  // namespace

std::string effect_statement(const std::string& intervention, const std::string& outcome, Magnitude magnitude, int sign,
                             Certainty certainty) {
  std::string s = statement_body(intervention, outcome, magnitude, sign, certainty);
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

nlohmann::json to_json(const EffectInterpretation& e) {
  nlohmann::json j;
  j["estimate"] = json_number(e.estimate);
  j["ci_lower"] = json_number(e.lower);
  j["ci_upper"] = json_number(e.upper);
  j["thresholds"] = {{"small", json_number(e.thresholds.small)},
                     {"moderate", json_number(e.thresholds.moderate)},
                     {"large", json_number(e.thresholds.large)}};
  j["direction"] = to_string(e.direction);
  j["magnitude"] = to_string(e.point.magnitude);
  j["valence"] = to_string(e.point.valence);
  j["category"] = category_label(e.point);
  j["ci_spans_categories"] = e.ci_spans_categories;
  j["ci_categories"] = e.ci_categories;
  j["description"] = e.description;
  j["warnings"] = to_json(e.diagnostics);
  return j;
}

}  // namespace evident
