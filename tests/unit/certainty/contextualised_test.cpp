// Minimally contextualised interpretation (Brignardello-Petersen 2021, doi:10.1016/j.jclinepi.2021.03.026) and
// the GRADE guidelines 26 statements (Santesso 2020, doi:10.1016/j.jclinepi.2019.10.014): every branch of the
// statement table, the categories and their boundaries, and the Cochrane example.
#include "evident/certainty/contextualised.hpp"

#include <gtest/gtest.h>

#include "evident_test.hpp"

using namespace evident;

// Cochrane review of implanted spinal neuromodulation (2021), abstract: SCS versus sham, pain intensity at short
// term, MD -8.73 (-15.67 to -1.78) on 0-100, very low certainty; the review's threshold for a clinically important
// effect is 10 points and it states that the point estimate falls below it.
TEST(Contextualised, CochraneSpinalCordStimulationIsBelowTheThreshold) {
  const auto e = interpret_effect(-8.73, -15.67, -1.78, Thresholds{10.0, {}, {}}, Direction::small_values_desirable);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(Magnitude::trivial, e.point.magnitude);
  EXPECT_EQ(EffectValence::none, e.point.valence);
  EXPECT_NE(std::string::npos, e.description.find("below the clinically important threshold of 10"));
  EXPECT_TRUE(e.ci_spans_categories);
  ASSERT_EQ(2u, e.ci_categories.size());
  EXPECT_EQ("small benefit", e.ci_categories[0]);
  EXPECT_EQ("little to no effect", e.ci_categories[1]);
  EXPECT_EQ("The evidence is very uncertain about the effect of spinal cord stimulation on pain intensity.",
            effect_statement("spinal cord stimulation", "pain intensity", e.point.magnitude, e.point.sign,
                             Certainty::very_low));
  EXPECT_EQ(
      "Spinal cord stimulation may result in little to no difference in pain intensity.",
      effect_statement("spinal cord stimulation", "pain intensity", e.point.magnitude, e.point.sign, Certainty::low));
}

TEST(Contextualised, StatementTableEveryBranch) {
  const std::string x = "X", o = "pain";
  // high
  EXPECT_EQ("X results in a large reduction in pain.", effect_statement(x, o, Magnitude::large, -1, Certainty::high));
  EXPECT_EQ("X results in a large increase in pain.", effect_statement(x, o, Magnitude::large, 1, Certainty::high));
  EXPECT_EQ("X reduces pain.", effect_statement(x, o, Magnitude::moderate, -1, Certainty::high));
  EXPECT_EQ("X increases pain.", effect_statement(x, o, Magnitude::moderate, 1, Certainty::high));
  EXPECT_EQ("X reduces pain slightly.", effect_statement(x, o, Magnitude::small, -1, Certainty::high));
  EXPECT_EQ("X increases pain slightly.", effect_statement(x, o, Magnitude::small, 1, Certainty::high));
  EXPECT_EQ("X results in little to no difference in pain.",
            effect_statement(x, o, Magnitude::trivial, 0, Certainty::high));
  // moderate
  EXPECT_EQ("X probably results in a large reduction in pain.",
            effect_statement(x, o, Magnitude::large, -1, Certainty::moderate));
  EXPECT_EQ("X probably increases pain.", effect_statement(x, o, Magnitude::moderate, 1, Certainty::moderate));
  EXPECT_EQ("X probably reduces pain slightly.", effect_statement(x, o, Magnitude::small, -1, Certainty::moderate));
  EXPECT_EQ("X probably results in little to no difference in pain.",
            effect_statement(x, o, Magnitude::trivial, 0, Certainty::moderate));
  // low
  EXPECT_EQ("X may result in a large increase in pain.", effect_statement(x, o, Magnitude::large, 1, Certainty::low));
  EXPECT_EQ("X may reduce pain.", effect_statement(x, o, Magnitude::moderate, -1, Certainty::low));
  EXPECT_EQ("X may increase pain slightly.", effect_statement(x, o, Magnitude::small, 1, Certainty::low));
  EXPECT_EQ("X may result in little to no difference in pain.",
            effect_statement(x, o, Magnitude::trivial, 0, Certainty::low));
  // very low: one statement whatever the magnitude
  for (Magnitude m : {Magnitude::trivial, Magnitude::small, Magnitude::moderate, Magnitude::large})
    EXPECT_EQ("The evidence is very uncertain about the effect of X on pain.",
              effect_statement(x, o, m, -1, Certainty::very_low));
}

TEST(Contextualised, CategoriesAndBoundaries) {
  const Thresholds t{10.0, 20.0, 30.0};
  const auto at = [&](double d) { return interpret_effect(d, d - 1.0, d + 1.0, t, Direction::small_values_desirable); };
  EXPECT_EQ(Magnitude::trivial, at(9.99).point.magnitude);
  EXPECT_EQ(Magnitude::small, at(10.0).point.magnitude);  // at the threshold: reached
  EXPECT_EQ(Magnitude::small, at(-19.9).point.magnitude);
  EXPECT_EQ(Magnitude::moderate, at(-20.0).point.magnitude);
  EXPECT_EQ(Magnitude::large, at(30.0).point.magnitude);
  EXPECT_EQ(Magnitude::large, at(-300.0).point.magnitude);
  // Sign and direction decide benefit and harm.
  EXPECT_EQ(EffectValence::benefit, at(-25.0).point.valence);
  EXPECT_EQ(EffectValence::harm, at(25.0).point.valence);
  const auto up = interpret_effect(0.5, 0.3, 0.7, Thresholds{0.2, {}, {}}, Direction::large_values_desirable);
  EXPECT_EQ(EffectValence::benefit, up.point.valence);
  EXPECT_EQ("small benefit", category_label(up.point));
  EXPECT_FALSE(up.ci_spans_categories);
  // Without moderate / large thresholds the categories stop at small.
  EXPECT_EQ(Magnitude::small,
            interpret_effect(-37.41, -46.39, -28.42, Thresholds{10.0, {}, {}}, Direction::small_values_desirable)
                .point.magnitude);
}

TEST(Contextualised, UnknownDirectionSaysIncreaseAndNotes) {
  const auto e = interpret_effect(3.0, 1.0, 5.0, Thresholds{2.0, {}, {}}, Direction::unspecified);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(EffectValence::unknown, e.point.valence);
  EXPECT_EQ("small increase", category_label(e.point));
  ASSERT_EQ(1u, e.diagnostics.size());
  EXPECT_EQ("direction-unspecified", e.diagnostics.items()[0].code);
}

TEST(Contextualised, BadInputIsAnError) {
  EXPECT_EQ("estimate-outside-ci",
            interpret_effect(5.0, 1.0, 2.0, Thresholds{1.0, {}, {}}, Direction::small_values_desirable)
                .diagnostics.items()[0]
                .code);
  EXPECT_EQ("invalid-thresholds",
            interpret_effect(1.0, 0.0, 2.0, Thresholds{1.0, 0.5, {}}, Direction::small_values_desirable)
                .diagnostics.items()[0]
                .code);
  EXPECT_FALSE(interpret_effect(1.0, 0.0, 2.0, Thresholds{0.0, {}, {}}, Direction::small_values_desirable).ok());
  const auto j =
      to_json(interpret_effect(-8.73, -15.67, -1.78, Thresholds{10.0, {}, {}}, Direction::small_values_desirable));
  EXPECT_EQ("little to no effect", j.at("magnitude"));
  EXPECT_EQ(true, j.at("ci_spans_categories"));
}
