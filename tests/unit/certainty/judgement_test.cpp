// The certainty vocabulary: GRADE's rating down (one level for serious, two for very serious concerns,
// floored at very low; Guyatt et al. 2011, doi:10.1016/j.jclinepi.2010.04.026) and overrides that keep the
// computed judgement.
#include "evident/certainty/judgement.hpp"

#include <gtest/gtest.h>

using namespace evident;

TEST(Judgement, RatingDownFloorsAtVeryLow) {
  EXPECT_EQ(Certainty::moderate, rate_down(Certainty::high, levels_down(Concern::some)));
  EXPECT_EQ(Certainty::low, rate_down(Certainty::high, levels_down(Concern::major)));
  EXPECT_EQ(Certainty::very_low, rate_down(Certainty::low, 5));
  EXPECT_EQ(Certainty::high, rate_down(Certainty::high, levels_down(Concern::no)));
}

TEST(Judgement, ParsesCinemaAndGradeWords) {
  EXPECT_EQ(Concern::major, parse_concern("Very serious"));
  EXPECT_EQ(Concern::some, parse_concern("some_concerns"));
  EXPECT_EQ(Concern::no, parse_concern("No concerns"));
  EXPECT_FALSE(parse_concern("maybe"));
  EXPECT_EQ(Certainty::very_low, parse_certainty("very_low"));
  EXPECT_STREQ("very low", to_string(Certainty::very_low));
}

TEST(Judgement, OverrideKeepsTheComputedJudgement) {
  DomainJudgement j{"imprecision", Concern::major, "the CI crosses both MID bounds", false, std::nullopt, "", false};
  override_judgement(j, Concern::some, "the panel judged the lower bound implausible");
  override_judgement(j, Concern::no, "second thoughts");
  EXPECT_EQ(Concern::no, j.concern);
  ASSERT_TRUE(j.computed);
  EXPECT_EQ(Concern::major, *j.computed);
  const auto js = to_json(j);
  EXPECT_EQ("major concerns", js.at("computed"));
  EXPECT_EQ("no concerns", js.at("judgement"));
  EXPECT_EQ("second thoughts", js.at("override_reason"));
}
