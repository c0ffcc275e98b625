// Reviewer's certainty inputs from JSON: overrides need reasons, bad values name their JSON path, and the
// judgements reach CINeMA and GRADE options for the comparison in either order.
#include "evident/certainty/judgements_file.hpp"

#include <gtest/gtest.h>

using namespace evident;

TEST(JudgementsFile, ReadsOverridesAndReportingBias) {
  Diagnostics d;
  const CertaintyJudgements j = read_certainty_judgements(R"({
    "reporting_bias": {"B:A": "suspected"},
    "overrides": [
      {"comparison": "B:A", "domain": "imprecision", "judgement": "serious", "reason": "wide CI"},
      {"comparison": "A:C", "overall": "low", "reason": "panel"}
    ]})", "j.json", d);
  ASSERT_FALSE(d.has_errors());
  CinemaOptions c;
  apply(j, c);
  ASSERT_EQ(1u, c.overrides.size());
  EXPECT_EQ(Concern::some, c.overrides.begin()->second.at("imprecision").concern);
  EXPECT_EQ(Certainty::low, c.overall_overrides.begin()->second.certainty);
  GradeOptions g;
  apply(j, "A", "B", g);  // the other order finds the same entries
  ASSERT_TRUE(g.publication_bias);
  EXPECT_EQ(ReportingBias::suspected, *g.publication_bias);
  EXPECT_EQ("wide CI", g.overrides.at("imprecision").reason);
  EXPECT_FALSE(g.overall_override);
  GradeOptions g2;
  apply(j, "C", "A", g2);
  ASSERT_TRUE(g2.overall_override);
  EXPECT_EQ(Certainty::low, g2.overall_override->certainty);
}

TEST(JudgementsFile, BadInputNamesThePath) {
  Diagnostics d;
  read_certainty_judgements(R"({"overrides": [{"comparison": "A:B", "domain": "imprecision", "judgement": "maybe",
                                 "reason": "x"}, {"comparison": "A:B", "overall": "great", "reason": "y"},
                                 {"comparison": "A:B", "domain": "imprecision", "judgement": "serious"}],
                                "reporting_bias": 3, "extra": 1})",
                            "j.json", d);
  std::vector<std::string> fields;
  for (const auto& x : d.items()) fields.push_back(x.field);
  auto has = [&](const std::string& f) { return std::find(fields.begin(), fields.end(), f) != fields.end(); };
  EXPECT_TRUE(has("overrides[0].judgement"));
  EXPECT_TRUE(has("overrides[1].overall"));
  EXPECT_TRUE(has("overrides[2].reason"));
  EXPECT_TRUE(has("reporting_bias"));
  EXPECT_TRUE(has("extra"));  // a warning
  Diagnostics e;
  read_certainty_judgements("{not json", "j.json", e);
  EXPECT_TRUE(e.has_errors());
  Diagnostics f;
  read_certainty_judgements_file("/nonexistent/evident/j.json", f);
  EXPECT_TRUE(f.has_errors());
}
