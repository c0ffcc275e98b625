// Evidence-profile reader: diagnostics naming the JSON path of every bad value, certainty from domains, and the
// spine example (examples/spine/profile.json) end to end against the judgements its sources state.
#include "evident/certainty/profile.hpp"

#include <gtest/gtest.h>

#include "evident_test.hpp"

using namespace evident;

namespace {

const Diagnostic* find_code(const EvidenceProfile& p, const std::string& code) {
  for (const Diagnostic& d : p.diagnostics.items())
    if (d.code == code) return &d;
  return nullptr;
}

std::string with_outcome(const std::string& outcome) {
  return R"({"evident_profile": 1, "questions": [{"population": "adults", "intervention": "X", "comparator": "Y",
            "outcomes": [)" +
         outcome + "]}]}";
}

const char* kGood = R"({"name": "Pain", "measure": "MD", "estimate": -2, "ci_lower": -3, "ci_upper": -1,
                        "direction": "small_values_desirable", "mid": 1.5, "certainty": "moderate"})";

}  // namespace

TEST(Profile, ReadsAGoodProfile) {
  const auto p = read_profile(with_outcome(kGood), "p.json");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.diagnostics.empty());
  ASSERT_EQ(1u, p.questions.size());
  ASSERT_EQ(1u, p.questions[0].outcomes.size());
  EXPECT_EQ(Certainty::moderate, p.questions[0].outcomes[0].certainty);
  const auto reports = evaluate_profile(p);
  ASSERT_EQ(1u, reports.size());
  EXPECT_EQ("X probably reduces pain slightly.", reports[0].sof.rows[0].statement);
}

TEST(Profile, WrongTypeNamesThePath) {
  const auto p = read_profile(with_outcome(R"({"name": "Pain", "measure": "MD", "estimate": "-2", "ci_lower": -3,
      "ci_upper": -1, "certainty": "low", "direction": "small_values_desirable"})"),
                              "p.json");
  const Diagnostic* d = find_code(p, "wrong-type");
  ASSERT_NE(nullptr, d);
  EXPECT_EQ("questions[0].outcomes[0].estimate", d->field);
  EXPECT_EQ("questions[0].outcomes[0].estimate must be a number, got a string", d->message);
  EXPECT_EQ("p.json", d->location.file);
  EXPECT_TRUE(evaluate_profile(p).empty());  // a question with errors gets no table
}

TEST(Profile, MissingFieldsAreAllReported) {
  const auto p = read_profile(with_outcome(R"({"measure": "MD", "estimate": -2, "ci_lower": -3})"));
  std::vector<std::string> fields;
  for (const Diagnostic& d : p.diagnostics.items())
    if (d.code == "missing-field") fields.push_back(d.field);
  EXPECT_EQ((std::vector<std::string>{"questions[0].outcomes[0].name", "questions[0].outcomes[0].ci_upper",
                                      "questions[0].outcomes[0].certainty"}),
            fields);
  const auto q = read_profile(R"({"evident_profile": 1, "questions": [{"intervention": "X"}]})");
  ASSERT_NE(nullptr, find_code(q, "missing-field"));
  EXPECT_EQ("questions[0].population", find_code(q, "missing-field")->field);
}

TEST(Profile, BoundsOutOfOrderAndEstimateOutsideCi) {
  auto p = read_profile(with_outcome(R"({"name": "Pain", "measure": "MD", "estimate": -2, "ci_lower": -1,
      "ci_upper": -3, "certainty": "low"})"));
  ASSERT_NE(nullptr, find_code(p, "ci-order"));
  EXPECT_EQ("questions[0].outcomes[0].ci_lower", find_code(p, "ci-order")->field);
  p = read_profile(with_outcome(R"({"name": "Pain", "measure": "MD", "estimate": 2, "ci_lower": -3,
      "ci_upper": -1, "certainty": "low"})"));
  ASSERT_NE(nullptr, find_code(p, "estimate-outside-ci"));
  EXPECT_EQ("questions[0].outcomes[0].estimate", find_code(p, "estimate-outside-ci")->field);
  p = read_profile(with_outcome(R"({"name": "AE", "measure": "RR", "estimate": 0, "ci_lower": 0,
      "ci_upper": 2, "certainty": "low"})"));
  ASSERT_NE(nullptr, find_code(p, "ratio-not-positive"));
  EXPECT_EQ("questions[0].outcomes[0].estimate", find_code(p, "ratio-not-positive")->field);
}

TEST(Profile, BadWordsThresholdsAndUnknownKeys) {
  const auto p = read_profile(with_outcome(R"({"name": "Pain", "measure": "MD", "estimate": -2, "ci_lower": -3,
      "ci_upper": -1, "certainty": "fairly sure", "thresholds": {"small": 2, "moderate": 1}, "colour": "red",
      "studies": 2.5, "direction": "small_values_desirable"})"));
  ASSERT_NE(nullptr, find_code(p, "unknown-value"));
  EXPECT_EQ("questions[0].outcomes[0].certainty", find_code(p, "unknown-value")->field);
  ASSERT_NE(nullptr, find_code(p, "invalid-threshold"));
  EXPECT_EQ("questions[0].outcomes[0].thresholds.moderate", find_code(p, "invalid-threshold")->field);
  ASSERT_NE(nullptr, find_code(p, "unknown-key"));
  EXPECT_EQ(Severity::warning, find_code(p, "unknown-key")->severity);
  EXPECT_EQ("questions[0].outcomes[0].colour", find_code(p, "unknown-key")->field);
  ASSERT_NE(nullptr, find_code(p, "invalid-count"));
  EXPECT_EQ("questions[0].outcomes[0].studies", find_code(p, "invalid-count")->field);
}

TEST(Profile, MalformedJsonAndWrongTopLevel) {
  auto p = read_profile("{\"evident_profile\": 1, ", "bad.json");
  ASSERT_EQ(1u, p.diagnostics.size());
  EXPECT_EQ("json-syntax", p.diagnostics.items()[0].code);
  p = read_profile(R"({"evident_profile": 2, "questions": {}})");
  EXPECT_NE(nullptr, find_code(p, "unsupported-version"));
  ASSERT_NE(nullptr, find_code(p, "wrong-type"));
  EXPECT_EQ("questions", find_code(p, "wrong-type")->field);
  p = read_profile_file("/nonexistent/profile.json");
  EXPECT_EQ("cannot-open", p.diagnostics.items()[0].code);
}

TEST(Profile, CertaintyFromDomains) {
  // Two serious concerns from high: low (GRADE guidelines 1, doi:10.1016/j.jclinepi.2010.04.026).
  const auto p = read_profile(with_outcome(R"({"name": "Pain", "measure": "MD", "estimate": -2, "ci_lower": -3,
      "ci_upper": -1, "direction": "small_values_desirable", "mid": 1.5,
      "domains": [{"domain": "risk of bias", "concern": "serious", "reason": "unblinded"},
                  {"domain": "imprecision", "concern": "some concerns", "reason": "CI crosses the MID"},
                  {"domain": "inconsistency", "concern": "not serious"}]})"));
  ASSERT_TRUE(p.ok());
  const OutcomeEvidence& e = p.questions[0].outcomes[0];
  EXPECT_EQ(Certainty::low, e.certainty);
  EXPECT_EQ(
      (std::vector<std::string>{"risk of bias (serious): unblinded", "imprecision (serious): CI crosses the MID"}),
      e.reasons);
}

// The spine example: published pooled results entered as estimates with CIs (sources in examples/spine/README.md).
TEST(Profile, SpineExampleEndToEnd) {
  const auto p = read_profile_file(std::string(EVIDENT_EXAMPLES_DIR) + "/spine/profile.json");
  for (const Diagnostic& d : p.diagnostics.items()) ADD_FAILURE() << format_diagnostic(d) << " [" << d.field << "]";
  ASSERT_TRUE(p.ok());
  const auto reports = evaluate_profile(p);
  ASSERT_EQ(3u, reports.size());

  // Cochrane 2021 abstract: SCS vs sham, MD -8.73 (-15.67 to -1.78) on 0-100; the review states the point estimate
  // is under its 10-point threshold for a clinically important effect; very low certainty.
  const SofRow& sham = reports[0].sof.rows.at(0);
  ASSERT_TRUE(sham.interpretation);
  EXPECT_EQ(Magnitude::trivial, sham.interpretation->point.magnitude);
  EXPECT_NE(std::string::npos, sham.interpretation->description.find("below the clinically important threshold of 10"));
  EXPECT_EQ("The evidence is very uncertain about the effect of spinal cord stimulation on pain intensity.",
            sham.statement);

  // Cochrane 2021: SCS + other intervention, MD -37.41 short term and -31.22 medium term ("potentially clinically
  // important", i.e. beyond 10 points), -7 (-24.76 to 10.76) long term ("no clear evidence for an effect").
  const auto& rows = reports[1].sof.rows;
  ASSERT_EQ(6u, rows.size());
  EXPECT_EQ(EffectValence::benefit, rows[0].interpretation->point.valence);
  EXPECT_EQ(EffectValence::benefit, rows[1].interpretation->point.valence);
  EXPECT_EQ("Spinal cord stimulation added to another intervention may reduce pain intensity slightly.",
            rows[1].statement);
  EXPECT_EQ(Magnitude::trivial, rows[2].interpretation->point.magnitude);
  EXPECT_TRUE(rows[2].interpretation->ci_spans_categories);
  // RD 0.04 (0.01 to 0.07) infection: 40 more per 1000 (10 to 70 more).
  ASSERT_TRUE(rows[4].absolute);
  EXPECT_REL(40.0, rows[4].absolute->difference, 1e-12);
  EXPECT_EQ("40 more per 1000 (10 more to 70 more)", format_absolute(rows[4]));

  // BMJ 2025 guideline: joint radiofrequency ablation for chronic axial pain, very low certainty of benefit,
  // high certainty of important burden: strong recommendation against (the guideline's recommendation).
  const RecommendationDraft& rf = reports[2].draft;
  EXPECT_EQ(RecommendationDirection::against_intervention, rf.direction);
  EXPECT_EQ(RecommendationStrength::strong, rf.strength);
  EXPECT_EQ(2, rf.paradigm);
  EXPECT_EQ("strong recommendation against", reports[2].published_recommendation);
  // Blinded trials: -0.23 cm (-0.60 to 0.14) against an MID of 1.5 cm: little to no effect.
  EXPECT_EQ(Magnitude::trivial, reports[2].sof.rows[0].interpretation->point.magnitude);
  EXPECT_FALSE(reports[2].sof.rows[0].interpretation->ci_spans_categories);

  const std::string text = render_text(reports);
  EXPECT_NE(std::string::npos, text.find("Recommendation (draft): We recommend against joint radiofrequency ablation "
                                         "compared with sham procedure for adults with chronic axial spine pain"));
  EXPECT_NE(std::string::npos, text.find("Effect: MD -8.73 (-15.67 to -1.78)"));
  const auto j = to_json(reports);
  EXPECT_EQ("against", j[2].at("recommendation").at("direction"));
  EXPECT_EQ("little to no effect", j[0].at("summary_of_findings").at("rows")[0].at("interpretation").at("magnitude"));
}
