// Draft recommendations: each of the five situations of GRADE guidelines 15 (Andrews 2013,
// doi:10.1016/j.jclinepi.2013.02.003) where a strong recommendation rests on low certainty, the balance rules,
// values, and panel changes that keep the draft's own judgement.
#include "evident/certainty/recommendation.hpp"

#include <gtest/gtest.h>

#include "evident_test.hpp"

using namespace evident;

namespace {

SummaryOfFindings empty_sof() {
  return summary_of_findings("adults", "X", "Y", {});
}

EtdInputs inputs(Magnitude b, Certainty cb, Magnitude u, Certainty cu) {
  EtdInputs in;
  in.desirable = JudgedEffect{b, cb, ""};
  in.undesirable = JudgedEffect{u, cu, ""};
  return in;
}

}  // namespace

TEST(Recommendation, Situation1LifeThreatening) {
  EtdInputs in = inputs(Magnitude::moderate, Certainty::low, Magnitude::small, Certainty::low);
  in.life_threatening = true;
  const auto d = draft_recommendation(empty_sof(), in);
  EXPECT_EQ(1, d.paradigm);
  EXPECT_EQ(RecommendationDirection::for_intervention, d.direction);
  EXPECT_EQ(RecommendationStrength::strong, d.strength);
  EXPECT_EQ(0u, d.text.find("We recommend X compared with Y for adults"));
}

TEST(Recommendation, Situation2LowCertaintyBenefitHighCertaintyHarm) {
  const auto d =
      draft_recommendation(empty_sof(), inputs(Magnitude::small, Certainty::low, Magnitude::small, Certainty::high));
  EXPECT_EQ(2, d.paradigm);
  EXPECT_EQ(RecommendationDirection::against_intervention, d.direction);
  EXPECT_EQ(RecommendationStrength::strong, d.strength);
  EXPECT_EQ(0u, d.text.find("We recommend against X"));
  // The BMJ Rapid Recommendations reading: low certainty of little to no benefit, burden with high certainty.
  EtdInputs in = inputs(Magnitude::trivial, Certainty::very_low, Magnitude::trivial, Certainty::low);
  in.burden = JudgedEffect{Magnitude::small, Certainty::high, "travel"};
  const auto bmj = draft_recommendation(empty_sof(), in);
  EXPECT_EQ(2, bmj.paradigm);
  EXPECT_EQ(RecommendationStrength::strong, bmj.strength);
}

TEST(Recommendation, Situation3EquivalentButLessHarm) {
  EtdInputs in = inputs(Magnitude::trivial, Certainty::low, Magnitude::moderate, Certainty::high);
  in.harm_reduced = true;
  const auto d = draft_recommendation(empty_sof(), in);
  EXPECT_EQ(3, d.paradigm);
  EXPECT_EQ(RecommendationDirection::for_intervention, d.direction);
  EXPECT_EQ(RecommendationStrength::strong, d.strength);
}

TEST(Recommendation, Situation4EquivalentWithPossibleHarm) {
  const auto d =
      draft_recommendation(empty_sof(), inputs(Magnitude::trivial, Certainty::high, Magnitude::small, Certainty::low));
  EXPECT_EQ(4, d.paradigm);
  EXPECT_EQ(RecommendationDirection::against_intervention, d.direction);
  EXPECT_EQ(RecommendationStrength::strong, d.strength);
}

TEST(Recommendation, Situation5ModestBenefitPossibleCatastrophe) {
  EtdInputs in = inputs(Magnitude::small, Certainty::high, Magnitude::trivial, Certainty::moderate);
  in.catastrophic_harm = Certainty::very_low;
  const auto d = draft_recommendation(empty_sof(), in);
  EXPECT_EQ(5, d.paradigm);
  EXPECT_EQ(RecommendationDirection::against_intervention, d.direction);
  // Without the catastrophic harm the same effects give a strong recommendation for.
  in.catastrophic_harm.reset();
  const auto f = draft_recommendation(empty_sof(), in);
  EXPECT_FALSE(f.paradigm);
  EXPECT_EQ(RecommendationDirection::for_intervention, f.direction);
  EXPECT_EQ(RecommendationStrength::strong, f.strength);
}

TEST(Recommendation, BalanceRules) {
  // Benefit outweighs harm at low certainty: conditional for.
  auto d =
      draft_recommendation(empty_sof(), inputs(Magnitude::large, Certainty::low, Magnitude::small, Certainty::low));
  EXPECT_EQ(RecommendationDirection::for_intervention, d.direction);
  EXPECT_EQ(RecommendationStrength::conditional, d.strength);
  EXPECT_EQ(0u, d.text.find("We suggest X"));
  // Equal: either.
  d = draft_recommendation(empty_sof(), inputs(Magnitude::small, Certainty::high, Magnitude::small, Certainty::high));
  EXPECT_EQ(RecommendationDirection::either, d.direction);
  EXPECT_EQ(RecommendationStrength::conditional, d.strength);
  EXPECT_EQ(0u, d.text.find("We suggest either X or Y"));
  // Harm outweighs benefit, both moderate certainty: strong against; with values varying: conditional.
  EtdInputs in = inputs(Magnitude::small, Certainty::moderate, Magnitude::large, Certainty::moderate);
  EXPECT_EQ(RecommendationStrength::strong, draft_recommendation(empty_sof(), in).strength);
  in.values_variability = ValuesVariability::important;
  d = draft_recommendation(empty_sof(), in);
  EXPECT_EQ(RecommendationDirection::against_intervention, d.direction);
  EXPECT_EQ(RecommendationStrength::conditional, d.strength);
  EXPECT_EQ(0u, d.text.find("We suggest against X"));
}

TEST(Recommendation, PanelChangeKeepsTheDraft) {
  EtdInputs in = inputs(Magnitude::small, Certainty::low, Magnitude::small, Certainty::high);
  in.panel_direction = RecommendationDirection::against_intervention;
  in.panel_strength = RecommendationStrength::conditional;
  in.panel_reason = "values vary more than the survey showed";
  const auto d = draft_recommendation(empty_sof(), in);
  EXPECT_EQ(RecommendationStrength::conditional, d.strength);
  ASSERT_TRUE(d.computed_strength);
  EXPECT_EQ(RecommendationStrength::strong, *d.computed_strength);
  const auto j = to_json(d);
  EXPECT_EQ("strong", j.at("computed_strength"));
  EXPECT_EQ("conditional", j.at("strength"));
  EXPECT_NE(std::string::npos, render_text(d).find("values vary more than the survey showed"));
}

TEST(Recommendation, DefaultsComeFromTheSummaryOfFindings) {
  OutcomeEvidence pain;
  pain.name = "Pain";
  pain.measure = Measure::MD;
  pain.estimate = -2.0;
  pain.ci_lower = -3.0;
  pain.ci_upper = -1.0;
  pain.direction = Direction::small_values_desirable;
  pain.thresholds = Thresholds{1.5, {}, {}};
  pain.certainty = Certainty::moderate;
  OutcomeEvidence harm = pain;
  harm.name = "Nausea";
  harm.measure = Measure::RD;
  harm.estimate = 0.2;
  harm.ci_lower = 0.1;
  harm.ci_upper = 0.3;
  harm.thresholds = Thresholds{50.0, 150.0, {}};  // per 1000: 200 more is moderate
  harm.certainty = Certainty::low;
  harm.importance = Importance::important;
  const auto sof = summary_of_findings("adults", "X", "Y", {pain, harm});
  const auto d = draft_recommendation(sof, EtdInputs{});
  EXPECT_EQ(Magnitude::small, d.desirable.magnitude);
  EXPECT_EQ(Certainty::moderate, d.desirable.certainty);
  EXPECT_EQ(Magnitude::moderate, d.undesirable.magnitude);
  EXPECT_EQ(Certainty::moderate, d.overall_certainty);  // only critical outcomes count
  EXPECT_EQ(RecommendationDirection::against_intervention, d.direction);
  EXPECT_EQ(RecommendationStrength::conditional, d.strength);  // harm only low certainty
  EXPECT_EQ(2u, d.key_numbers.size());
}
