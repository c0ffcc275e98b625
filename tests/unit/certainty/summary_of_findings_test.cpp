// Summary-of-findings rows (GRADE guidelines 12/13, doi:10.1016/j.jclinepi.2012.01.012,
// doi:10.1016/j.jclinepi.2012.05.011): absolute effects, magnitude, statement, shared footnotes, JSON and text.
#include "evident/certainty/summary_of_findings.hpp"

#include <gtest/gtest.h>

#include "evident_test.hpp"

using namespace evident;

namespace {

OutcomeEvidence pain() {
  // Cochrane review (2021) abstract: SCS vs sham, pain 0-100, MD -8.73 (-15.67 to -1.78), 6 studies, 164
  // participants, very low certainty; threshold 10 points.
  OutcomeEvidence e;
  e.name = "Pain intensity";
  e.time_point = "short term";
  e.scale = "0-100";
  e.measure = Measure::MD;
  e.estimate = -8.73;
  e.ci_lower = -15.67;
  e.ci_upper = -1.78;
  e.direction = Direction::small_values_desirable;
  e.thresholds = Thresholds{10.0, {}, {}};
  e.studies = 6;
  e.participants = 164;
  e.certainty = Certainty::very_low;
  e.reasons = {"risk of bias", "imprecision"};
  return e;
}

}  // namespace

TEST(SummaryOfFindings, ContinuousRow) {
  const SofRow r = summary_row(pain(), "spinal cord stimulation");
  ASSERT_TRUE(r.continuous);
  ASSERT_TRUE(r.interpretation);
  EXPECT_EQ(Magnitude::trivial, r.interpretation->point.magnitude);
  EXPECT_EQ("The evidence is very uncertain about the effect of spinal cord stimulation on pain intensity.",
            r.statement);
  EXPECT_EQ("MD -8.73 (-15.67 to -1.78)", format_relative(r.evidence));
  EXPECT_EQ("", format_absolute(r));  // an MD without a comparator mean is shown once, as the effect
  OutcomeEvidence with_mean = pain();
  with_mean.comparator_mean = 60.0;
  EXPECT_EQ(
      "mean 60.00 with the comparator, 51.27 (44.33 to 58.22) with the intervention; MD -8.73 (-15.67 to "
      "-1.78) on 0-100",
      format_absolute(summary_row(with_mean, "SCS")));
}

TEST(SummaryOfFindings, BinaryRowJudgedPer1000) {
  // RR 0.5 (0.25 to 1.0) at a comparator risk of 0.2 and an MID of 50 per 1000: difference -100 (-150 to 0) per
  // 1000, a small benefit (|-100| >= 50) when events are undesirable; low certainty -> "may reduce ... slightly".
  OutcomeEvidence e;
  e.name = "Infection";
  e.measure = Measure::RR;
  e.estimate = 0.5;
  e.ci_lower = 0.25;
  e.ci_upper = 1.0;
  e.direction = Direction::small_values_desirable;
  e.thresholds = Thresholds{50.0, 150.0, {}};
  e.comparator_risk = 0.2;
  e.certainty = Certainty::low;
  const SofRow r = summary_row(e, "Drug");
  ASSERT_TRUE(r.absolute);
  EXPECT_REL(-100.0, r.absolute->difference, 1e-12);
  EXPECT_REL(-150.0, r.absolute->difference_lower, 1e-12);
  EXPECT_EQ(Magnitude::small, r.interpretation->point.magnitude);
  EXPECT_EQ(EffectValence::benefit, r.interpretation->point.valence);
  EXPECT_EQ("Drug may reduce infection slightly.", r.statement);
  EXPECT_EQ(
      "200 per 1000 with the comparator, 100 per 1000 (50 to 200) with the intervention; 100 fewer per 1000 "
      "(150 fewer to 0)",
      format_absolute(r));
  // Without a comparator risk: no absolute effect, no magnitude, a warning naming the outcome.
  e.comparator_risk.reset();
  const SofRow w = summary_row(e, "Drug");
  EXPECT_FALSE(w.absolute);
  EXPECT_TRUE(w.statement.empty());
  ASSERT_EQ(1u, w.diagnostics.size());
  EXPECT_EQ("no-comparator-risk", w.diagnostics.items()[0].code);
  EXPECT_EQ("Infection", w.diagnostics.items()[0].field);
}

TEST(SummaryOfFindings, FootnotesAreSharedAndTheTableRenders) {
  OutcomeEvidence a = pain();
  OutcomeEvidence b = pain();
  b.name = "Function";
  b.reasons = {"imprecision", "indirectness"};
  const auto sof = summary_of_findings("adults", "SCS", "sham", {a, b});
  ASSERT_EQ(3u, sof.footnotes.size());
  EXPECT_EQ((std::vector<int>{1, 2}), sof.rows[0].footnotes);
  EXPECT_EQ((std::vector<int>{2, 3}), sof.rows[1].footnotes);
  const auto j = to_json(sof);
  EXPECT_EQ("sham", j.at("comparator"));
  EXPECT_EQ(2u, j.at("rows").size());
  EXPECT_EQ("very low", j.at("rows")[0].at("certainty"));
  EXPECT_EQ(164, j.at("rows")[0].at("participants"));
  const std::string text = render_text(sof);
  EXPECT_NE(std::string::npos, text.find("Certainty: very low [1] [2]"));
  EXPECT_NE(std::string::npos, text.find("[3] indirectness"));
  EXPECT_NE(std::string::npos, text.find("Studies (participants): 6 (164)"));
}

TEST(SummaryOfFindings, SmdReexpressedIsJudgedOnTheInstrument) {
  // SMD -0.9 (-1.2 to -0.6) x SD 2 cm = -1.8 (-2.4 to -1.2) cm on a 10 cm VAS, MID 1.5 cm: small benefit;
  // moderate certainty -> "probably reduces pain slightly".
  OutcomeEvidence e;
  e.name = "Pain";
  e.measure = Measure::SMD;
  e.estimate = -0.9;
  e.ci_lower = -1.2;
  e.ci_upper = -0.6;
  e.reexpress_sd = 2.0;
  e.reexpress_scale = "10 cm VAS";
  e.direction = Direction::small_values_desirable;
  e.thresholds = Thresholds{1.5, {}, {}};
  e.certainty = Certainty::moderate;
  const SofRow r = summary_row(e, "Therapy");
  ASSERT_TRUE(r.continuous);
  EXPECT_REL(-1.8, r.continuous->difference, 1e-12);
  EXPECT_EQ("Therapy probably reduces pain slightly.", r.statement);
}
