// evident: what an effect means - GRADE's minimally contextualised approach and the standard
// plain-language statements.
//
// Magnitude (Brignardello-Petersen et al. 2021, minimally contextualised framework for drawing
// conclusions from a network meta-analysis, J Clin Epidemiol, doi:10.1016/j.jclinepi.2021.03.026;
// Zeng et al. 2021, GRADE guidance on the target of certainty ratings and the thresholds that define
// it, J Clin Epidemiol, doi:10.1016/j.jclinepi.2021.02.026): the point estimate d (on the scale the
// thresholds are given in,
// with 0 = no difference) is placed in one of the categories
//   |d| <  small                  -> little to no effect ("trivial")
//   small    <= |d| < moderate    -> small effect
//   moderate <= |d| < large       -> moderate effect
//   large    <= |d|               -> large effect
// where small is the minimally important difference (MID) and moderate / large are optional (absent:
// the category stops at "small"). An estimate exactly at a threshold reaches it (the Cochrane review in
// examples/spine counts ">= 10 points" as important). The sign of d and the outcome's direction
// (small values desirable or not) decide benefit or harm. The CI bounds are placed in categories the
// same way; when the CI spans more than one category the result says which (this is the imprecision
// of the minimally contextualised approach: the CI crossing a threshold).
//
// Statements (Santesso et al. 2020, GRADE guidelines 26: informative statements to communicate the
// findings of systematic reviews of interventions, J Clin Epidemiol 119:126-135,
// doi:10.1016/j.jclinepi.2019.10.014): the verb from the magnitude, the hedge from the
// certainty:
//                 high                        moderate                         low
//   large         results in a large X        probably results in a large X    may result in a large X
//   moderate      reduces / increases         probably reduces / increases     may reduce / increase
//   small         reduces / increases slightly probably ... slightly           may ... slightly
//   trivial       results in little to no difference in ...  (probably / may)
// with X = reduction or increase by the sign of d (not by benefit or harm: "reduces pain"), and for
// very low certainty, whatever the magnitude: "The evidence is very uncertain about the effect of
// <intervention> on <outcome>." Santesso et al. give "likely" and "probably" as equivalent for moderate
// certainty; evident writes "probably" (the wording of the BMJ Rapid Recommendations).
//
// There is no reference software for this (GRADEpro and MAGICapp are web applications); the tests check
// every branch of the table and the Cochrane example (MD -8.73 (-15.67 to -1.78) on 0-100 against a
// threshold of 10: below the clinically important threshold).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evident/certainty/judgement.hpp"
#include "evident/core/diagnostic.hpp"
#include "evident/data/dataset.hpp"

namespace evident {

/// Size of an effect against the thresholds.
enum class Magnitude { trivial, small, moderate, large };
/// "little to no effect", "small", "moderate", "large".
const char* to_string(Magnitude m);
/// Parses "trivial" / "little to no" / "none", "small", "moderate", "large" (case-insensitive).
std::optional<Magnitude> parse_magnitude(const std::string& text);

/// Whether an effect is good or bad for patients.
enum class EffectValence { none, benefit, harm, unknown };
const char* to_string(EffectValence v);

/// Thresholds on the scale of the effect (absolute values, > 0, increasing).
struct Thresholds {
  double small = 0.0;  ///< the minimally important difference
  std::optional<double> moderate;
  std::optional<double> large;
};

/// One bound or point placed against the thresholds: signed category (-3 .. 3: large reduction ..
/// large increase) and its valence.
struct Placement {
  Magnitude magnitude = Magnitude::trivial;
  int sign = 0;  ///< -1 reduction, +1 increase, 0 trivial
  EffectValence valence = EffectValence::none;
};

struct EffectInterpretation {
  double estimate = 0.0, lower = 0.0, upper = 0.0;  ///< on the thresholds' scale
  Thresholds thresholds;
  Direction direction = Direction::unspecified;
  Placement point, at_lower, at_upper;
  bool ci_spans_categories = false;        ///< the CI crosses at least one threshold (or 0 into another category)
  std::vector<std::string> ci_categories;  ///< the categories the CI spans, lower to upper ("small benefit", ...)
  std::string description;  ///< e.g. "the point estimate -8.73 is below the clinically important threshold of 10; ..."
  Diagnostics diagnostics;
  [[nodiscard]] bool ok() const { return !diagnostics.has_errors(); }
};

/// Places the point estimate and CI (on the thresholds' scale, 0 = no difference) against the thresholds.
/// Errors: thresholds not positive or not increasing, bounds not ordered around the estimate, non-finite values.
EffectInterpretation interpret_effect(double estimate, double lower, double upper, const Thresholds& thresholds,
                                      Direction direction);

/// e.g. "small benefit", "large harm", "little to no effect", "moderate increase" (direction unknown).
std::string category_label(const Placement& p);

/// The GRADE guidelines 26 statement for an effect of `intervention` on `outcome` (see the table above).
/// `outcome` is written as given ("pain intensity"); the sentence starts with the intervention (first letter
/// capitalised), or with "The evidence" for very low certainty, and ends with a period.
std::string effect_statement(const std::string& intervention, const std::string& outcome, Magnitude magnitude, int sign,
                             Certainty certainty);

nlohmann::json to_json(const EffectInterpretation& e);

}  // namespace evident
