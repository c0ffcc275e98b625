// evident: a draft recommendation from the evidence - GRADE evidence-to-decision (EtD) inputs with
// defaults from the summary of findings, and the rules for direction and strength, with the
// reasoning written out for the panel to accept or change.
//
// EtD criteria (Alonso-Coello et al. 2016, GRADE Evidence to Decision frameworks ... 2: clinical practice
// guidelines, BMJ 353:i2016, doi:10.1136/bmj.i2016): desirable effects, undesirable effects, certainty of
// the evidence, values and preferences, balance of effects, resources/cost, acceptability, feasibility,
// equity. Defaults: desirable effects = the largest benefit among the critical and important outcomes
// of the SoF (magnitude and certainty of that outcome); undesirable effects = the largest harm among
// them; overall certainty = the lowest certainty among the critical outcomes (GRADE); burden,
// catastrophic harms, values, cost, acceptability and feasibility come from the panel (EtdInputs).
//
// Direction and strength (Andrews et al. 2013, GRADE guidelines 15: going from evidence to recommendation -
// determinants of a recommendation's direction and strength, J Clin Epidemiol 66:726-735,
// doi:10.1016/j.jclinepi.2013.02.003; Siemieniuk et al. 2016, Introduction to BMJ Rapid Recommendations,
// BMJ 354:i5191, doi:10.1136/bmj.i5191). With B = magnitude of benefit (certainty cB) and U = the larger of
// harms and burden (certainty cU), "high+" meaning high or moderate certainty and "low-" low or very low:
// the five situations where a strong recommendation can rest on low certainty (Andrews 2013),
// checked first:
//   1. life-threatening situation, low- evidence of benefit (B >= small)            -> strong for
//   2. low- evidence of benefit (or of no benefit, B = trivial: the BMJ Rapid Recommendations extension,
//      e.g. the spine guideline), high+ evidence of harm or burden (U >= small)     -> strong against
//   3. low- evidence that the options are equivalent (B = trivial) and high+ evidence that the intervention
//      has less harm or burden (harm_reduced)                                       -> strong for
//   4. high+ evidence that the options are equivalent (B = trivial) and low- evidence of harm (U >= small)
//                                                                                   -> strong against
//   5. high+ evidence of modest benefit (B small or moderate) and low- evidence of possible
//      catastrophic harm                                                            -> strong against
// otherwise the balance decides: B > U -> for, U > B -> against, B = U -> either (a conditional recommendation
// for either option); strong when the certainty of the effects that decide it is high+ and values and
// preferences do not vary importantly, conditional otherwise.
// These are the rules as the sources state them, not a substitute for the panel: every draft carries the
// reasons for each step, and the panel's direction and strength (when given) replace the draft's while
// the draft's own are kept.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evident/certainty/contextualised.hpp"
#include "evident/certainty/judgement.hpp"
#include "evident/certainty/summary_of_findings.hpp"

namespace evident {

enum class RecommendationDirection { for_intervention, against_intervention, either };
enum class RecommendationStrength { strong, conditional };
const char* to_string(RecommendationDirection d);  ///< "for", "against", "either"
const char* to_string(RecommendationStrength s);   ///< "strong", "conditional"
std::optional<RecommendationDirection> parse_recommendation_direction(const std::string& text);
std::optional<RecommendationStrength> parse_recommendation_strength(const std::string& text);

/// How much values and preferences vary (Alonso-Coello 2016).
enum class ValuesVariability { none, possibly_important, important };
const char* to_string(ValuesVariability v);
std::optional<ValuesVariability> parse_values_variability(const std::string& text);

/// An effect judged by the panel: magnitude and certainty, with a note.
struct JudgedEffect {
  Magnitude magnitude = Magnitude::trivial;
  Certainty certainty = Certainty::very_low;
  std::string note;
};

/// Panel inputs to the EtD framework; anything left empty takes the default from the SoF.
struct EtdInputs {
  std::optional<JudgedEffect> desirable;    ///< overrides the SoF's largest benefit
  std::optional<JudgedEffect> undesirable;  ///< overrides the SoF's largest harm
  std::optional<JudgedEffect> burden;  ///< burden of the intervention (travel, repeated procedures, cost to patients)
  std::optional<Certainty> catastrophic_harm;  ///< certainty of a possible catastrophic harm (absent: none known)
  bool life_threatening = false;
  bool harm_reduced = false;  ///< the intervention has less harm or burden than the comparator (situation 3)
  ValuesVariability values_variability = ValuesVariability::none;
  std::string values, cost, acceptability, feasibility, equity;  ///< the panel's words, carried to the output
  std::optional<RecommendationDirection> panel_direction;
  std::optional<RecommendationStrength> panel_strength;
  std::string panel_reason;
};

struct RecommendationDraft {
  std::string population, intervention, comparator;
  JudgedEffect desirable, undesirable;
  std::optional<JudgedEffect> burden;
  Certainty overall_certainty = Certainty::very_low;
  RecommendationDirection direction = RecommendationDirection::either;
  RecommendationStrength strength = RecommendationStrength::conditional;
  std::optional<int> paradigm;  ///< which of Andrews' five situations applied (1-5)
  /// The draft's own direction and strength when the panel changed them.
  std::optional<RecommendationDirection> computed_direction;
  std::optional<RecommendationStrength> computed_strength;
  std::string panel_reason;
  std::string text;                      ///< "We recommend against ..." / "We suggest ..."
  std::vector<std::string> reasoning;    ///< one sentence per step
  std::vector<std::string> key_numbers;  ///< from the SoF rows
  std::vector<std::string> references;   ///< the method's sources
  EtdInputs inputs;
  Diagnostics diagnostics;
};

/// The draft for one question from its SoF and the panel's inputs.
RecommendationDraft draft_recommendation(const SummaryOfFindings& sof, const EtdInputs& inputs);

nlohmann::json to_json(const RecommendationDraft& d);
std::string render_text(const RecommendationDraft& d);

}  // namespace evident
