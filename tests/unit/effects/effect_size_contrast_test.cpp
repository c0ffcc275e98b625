// Contrast-level records (estimate with SE, variance, CI or p-value), measure names, default
// measures and the JSON form of an effect set.
//
// References: tests/reference/effects_se_recovery.json (R 4.2.2 qnorm; metadat 1.2-0
// dat.hackshaw1998, whose vi was back-calculated from the 95% CI by its authors) and
// nma_Linde2016_OR.json / nma_Senn2013_MD.json (netmeta 3.4-0 input contrasts). 1e-10 relative
// (absolute below 1) unless stated.
#include <cmath>
#include <string>
#include <vector>

#include "effects_fixtures.hpp"
#include "evident/effects/effect_size.hpp"
#include "evident/effects/effects_json.hpp"
#include "evident_test.hpp"

namespace evident {
namespace {

using namespace evident::test;  // NOLINT: fixtures

constexpr double kTol = 1e-10;

Built make(OutcomeType type, const std::vector<std::vector<ContrastRecord>>& studies) {
  Built b;
  Outcome o;
  o.name = "y";
  o.type = type;
  b.data.outcomes.push_back(o);
  for (std::size_t i = 0; i < studies.size(); ++i) {
    Study s;
    s.label = cat("s", i + 1);
    b.data.studies.push_back(s);
    StudyData sd;
    sd.study = i;
    sd.contrasts = studies[i];
    for (auto& c : sd.contrasts) c.source = SourceLocation{"c.csv", static_cast<int>(i) + 2, 1};
    b.outcome().data.push_back(sd);
  }
  return b;
}

ContrastRecord rec(const std::string& t1, const std::string& t2) {
  ContrastRecord r;
  r.treat1 = t1;
  r.treat2 = t2;
  return r;
}

TEST(EffectSizeContrast, Hackshaw1998OddsRatiosWithConfidenceIntervals) {
  // dat.hackshaw1998 gives OR with 95% CI; metadat's yi = log(or) and vi = ((log(ub) - log(lb)) /
  // (2 qnorm(0.975)))^2; effects_se_recovery.json repeats the SE computed in R. 1e-10 relative.
  const auto ref = test::load_reference("effects_se_recovery.json");
  const auto ref2 = test::load_reference("pairwise_dat.hackshaw1998_OR.json");
  std::vector<std::vector<ContrastRecord>> studies;
  for (std::size_t i = 0; i < ref["or"].size(); ++i) {
    ContrastRecord r = rec("ETS", "none");
    r.estimate = test::ref_number(ref["or"][i]);
    r.ci_lower = test::ref_number(ref["or_lb"][i]);
    r.ci_upper = test::ref_number(ref["or_ub"][i]);
    r.log_scale = false;
    studies.push_back({r});
  }
  Built b = make(OutcomeType::contrast, studies);
  const EffectSet s = run(b, Measure::OR);
  ASSERT_EQ(s.contrasts.size(), ref["or"].size());
  for (std::size_t i = 0; i < s.contrasts.size(); ++i) {
    EXPECT_REL(test::ref_number(ref2["data"]["yi"][i]), s.contrasts[i].te, kTol);
    EXPECT_REL(test::ref_number(ref2["data"]["vi"][i]), s.contrasts[i].se * s.contrasts[i].se, kTol);
    EXPECT_REL(test::ref_number(ref["se_from_ci"][i]), s.contrasts[i].se, kTol);
    ASSERT_EQ(s.contrasts[i].notes.size(), 2u);
    EXPECT_EQ(s.contrasts[i].notes[0], "log of the ratio given on the natural scale");
    EXPECT_EQ(s.contrasts[i].notes[1], "SE from the 95% CI (log scale): (upper - lower) / (2 x 1.95996)");
  }
}

TEST(EffectSizeContrast, HazardRatioFromCiAndFromPValue) {
  const auto ref = test::load_reference("effects_se_recovery.json");
  // SE from the p-value: |estimate| / qnorm(1 - p/2) (R 4.2.2)
  std::vector<std::vector<ContrastRecord>> studies;
  for (std::size_t i = 0; i < ref["p_value"].size(); ++i) {
    ContrastRecord r = rec("new", "old");
    r.estimate = test::ref_number(ref["estimate"][i]);
    r.p_value = test::ref_number(ref["p_value"][i]);
    studies.push_back({r});
  }
  // HR 0.8 (95% CI 0.6 to 1.1) on the natural scale, and a 99% CI
  ContrastRecord hr = rec("new", "old");
  hr.estimate = 0.8;
  hr.ci_lower = 0.6;
  hr.ci_upper = 1.1;
  hr.log_scale = false;
  studies.push_back({hr});
  ContrastRecord hr99 = hr;
  hr99.ci_level = 0.99;
  studies.push_back({hr99});
  Built b = make(OutcomeType::time_to_event, studies);
  const EffectSet s = run(b, Measure::HR);
  ASSERT_EQ(s.contrasts.size(), studies.size());
  for (std::size_t i = 0; i < ref["p_value"].size(); ++i) {
    EXPECT_REL(test::ref_number(ref["estimate"][i]), s.contrasts[i].te, kTol);
    EXPECT_REL(test::ref_number(ref["se_from_p"][i]), s.contrasts[i].se, kTol);
  }
  const double z95 = test::ref_number(ref["z_0975"]), z99 = test::ref_number(ref["z_0995"]);
  EXPECT_REL(std::log(0.8), s.contrasts[4].te, 1e-15);
  EXPECT_REL((std::log(1.1) - std::log(0.6)) / (2 * z95), s.contrasts[4].se, kTol);
  EXPECT_REL((std::log(1.1) - std::log(0.6)) / (2 * z99), s.contrasts[5].se, kTol);
}

TEST(EffectSizeContrast, SePrecedenceVarianceAndMidpoint) {
  ContrastRecord both = rec("A", "B");  // SE wins over CI
  both.estimate = 0.3;
  both.se = 0.1;
  both.ci_lower = 0.0;
  both.ci_upper = 1.0;
  ContrastRecord var = rec("A", "B");
  var.estimate = -0.2;
  var.variance = 0.04;
  ContrastRecord ci_only = rec("A", "B");  // no estimate: midpoint of the CI
  ci_only.ci_lower = -1.0;
  ci_only.ci_upper = 0.5;
  Built b = make(OutcomeType::contrast, {{both}, {var}, {ci_only}});
  const EffectSet s = run(b, Measure::MD);
  ASSERT_EQ(s.contrasts.size(), 3u);
  EXPECT_EQ(s.contrasts[0].se, 0.1);
  EXPECT_TRUE(s.contrasts[0].notes.empty());
  EXPECT_REL(0.2, s.contrasts[1].se, 1e-15);
  EXPECT_EQ(s.contrasts[1].notes[0], "SE = sqrt(variance)");
  EXPECT_REL(-0.25, s.contrasts[2].te, 1e-15);
  EXPECT_EQ(s.contrasts[2].notes[0], "estimate taken as the midpoint of the CI");
}

TEST(EffectSizeContrast, RatioCiWithoutEstimateGivesTheGeometricMidpoint) {
  // A ratio given only by its CI on the natural scale: the CI limits are logged first, so the
  // estimate is the midpoint on the log scale, log(sqrt(lower x upper)) (not the log of the
  // arithmetic midpoint); the SE is (log(upper) - log(lower)) / (2 qnorm(0.975)), qnorm(0.975) =
  // 1.959963984540054 (R 4.2.2). On the log scale the same CI gives the same result.
  ContrastRecord natural = rec("A", "B");
  natural.ci_lower = 0.45;
  natural.ci_upper = 0.85;
  natural.log_scale = false;
  ContrastRecord logged = rec("A", "B");
  logged.ci_lower = std::log(0.45);
  logged.ci_upper = std::log(0.85);
  Built b = make(OutcomeType::contrast, {{natural}, {logged}});
  const EffectSet s = run(b, Measure::HR);
  ASSERT_EQ(s.contrasts.size(), 2u);
  EXPECT_REL(std::log(std::sqrt(0.45 * 0.85)), s.contrasts[0].te, 1e-12);
  EXPECT_REL((std::log(0.85) - std::log(0.45)) / (2 * 1.959963984540054), s.contrasts[0].se, 1e-12);
  EXPECT_REL(s.contrasts[1].te, s.contrasts[0].te, 1e-15);
  EXPECT_REL(s.contrasts[1].se, s.contrasts[0].se, 1e-15);
  EXPECT_EQ(s.contrasts[0].notes,
            (std::vector<std::string>{"log of the ratio given on the natural scale",
                                      "estimate taken as the midpoint of the CI on the log scale",
                                      "SE from the 95% CI (log scale): (upper - lower) / (2 x 1.95996)"}));
  EXPECT_EQ(s.contrasts[1].notes, (std::vector<std::string>{"estimate taken as the midpoint of the CI",
                                                            "SE from the 95% CI: (upper - lower) / (2 x 1.95996)"}));
}

TEST(EffectSizeContrast, ContrastLevelNetworkDataPassesThrough) {
  // nma_Senn2013_MD.json / nma_Linde2016_OR.json: netmeta's input contrasts (TE, seTE) are used
  // as given; multi-arm studies keep all their comparisons.
  const auto ref = test::load_reference("nma_Senn2013_MD.json");
  const auto& cd = ref["netmeta_DL"]["comparisons_data"];
  ASSERT_TRUE(cd.contains("TE"));
  std::vector<std::vector<ContrastRecord>> studies;
  for (std::size_t i = 0; i < cd["TE"].size(); ++i) {
    ContrastRecord r = rec(cd["treat1"][i], cd["treat2"][i]);
    r.estimate = test::ref_number(cd["TE"][i]);
    r.se = test::ref_number(cd["seTE"][i]);
    studies.push_back({r});
  }
  Built b = make(OutcomeType::contrast, studies);
  const EffectSet s = run(b, Measure::MD);
  ASSERT_EQ(s.contrasts.size(), studies.size());
  for (std::size_t i = 0; i < studies.size(); ++i) {
    EXPECT_EQ(s.contrasts[i].te, *studies[i][0].estimate);
    EXPECT_EQ(s.contrasts[i].se, *studies[i][0].se);
  }
}

TEST(EffectSizeContrast, InvalidRecordsAreLeftOutWithReasons) {
  ContrastRecord neg_se = rec("A", "B");
  neg_se.estimate = 0.5;
  neg_se.se = -1;
  ContrastRecord nat_neg = rec("A", "B");
  nat_neg.estimate = -0.5;
  nat_neg.se = 0.1;
  nat_neg.log_scale = false;
  ContrastRecord p_one = rec("A", "B");
  p_one.estimate = 0.5;
  p_one.p_value = 1.0;
  ContrastRecord nothing = rec("A", "B");
  nothing.estimate = 0.5;
  ContrastRecord same = rec("A", "A");
  same.estimate = 0.5;
  same.se = 0.1;
  ContrastRecord reversed_ci = rec("A", "B");
  reversed_ci.estimate = 0.5;
  reversed_ci.ci_lower = 1.0;
  reversed_ci.ci_upper = 0.2;
  Built b = make(OutcomeType::contrast, {{neg_se}, {nat_neg}, {p_one}, {nothing}, {same}, {reversed_ci}});
  const EffectSet s = run(b, Measure::OR);
  EXPECT_TRUE(s.contrasts.empty());
  ASSERT_EQ(s.excluded.size(), 6u);
  EXPECT_EQ(s.excluded[0].reason, "the SE must be > 0, got -1");
  EXPECT_EQ(s.excluded[1].reason, "the estimate of a ratio must be > 0 on the natural scale, got -0.5");
  EXPECT_EQ(s.excluded[2].reason, "the p-value must be between 0 and 1 (exclusive) to give an SE, got 1");
  EXPECT_EQ(s.excluded[3].reason, "no SE, variance, confidence interval or p-value given");
  EXPECT_EQ(s.excluded[4].reason, "both sides of the comparison are 'A'");
  EXPECT_EQ(s.excluded[5].reason, "the upper CI limit must be above the lower one");
  EXPECT_EQ(s.excluded[0].treatment, "A vs B");
  EXPECT_EQ(s.excluded[0].source.line, 2);
  EXPECT_EQ(s.diagnostics.size(), 6u);
  EXPECT_FALSE(s.diagnostics.has_errors());
}

TEST(EffectSizeContrast, ArmDataCannotGiveAHazardRatio) {
  Built b;
  Outcome o;
  o.name = "y";
  o.type = OutcomeType::time_to_event;
  StudyData sd;
  Arm a1, a2;
  a1.treatment = "A";
  a2.treatment = "B";
  sd.arms = {a1, a2};
  o.data.push_back(sd);
  b.data.studies.push_back(Study{});
  b.data.outcomes.push_back(o);
  const EffectSet s = run(b, Measure::HR);
  EXPECT_TRUE(s.contrasts.empty());
  ASSERT_EQ(s.excluded.size(), 1u);
  EXPECT_EQ(s.excluded[0].study, "study #1");
  EXPECT_EQ(s.excluded[0].reason, "arm-level data cannot give the HR (it needs an estimate per comparison)");
}

// ---------------------------------------------------------------------------------------------
// Measures
// ---------------------------------------------------------------------------------------------

TEST(EffectSizeMeasure, NamesParseCaseInsensitively) {
  for (Measure m :
       {Measure::MD, Measure::SMD, Measure::GLASS, Measure::ROM, Measure::OR, Measure::RR, Measure::RD, Measure::IRR,
        Measure::IRD, Measure::HR, Measure::GEN, Measure::PR, Measure::PLN, Measure::PLO, Measure::PAS}) {
    EXPECT_EQ(parse_measure(to_string(m)), m);
    std::string lower = to_string(m);
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    EXPECT_EQ(parse_measure(lower), m);
  }
  EXPECT_EQ(parse_measure(" Or "), Measure::OR);
  EXPECT_EQ(parse_measure("glass"), Measure::GLASS);
  EXPECT_FALSE(parse_measure("odds ratio"));
  EXPECT_FALSE(parse_measure(""));
  EXPECT_TRUE(is_ratio(Measure::OR) && is_ratio(Measure::RR) && is_ratio(Measure::ROM) && is_ratio(Measure::IRR) &&
              is_ratio(Measure::HR));
  EXPECT_FALSE(is_ratio(Measure::RD) || is_ratio(Measure::MD) || is_ratio(Measure::SMD) || is_ratio(Measure::GEN) ||
               is_ratio(Measure::IRD) || is_ratio(Measure::PLN));
}

TEST(EffectSizeMeasure, DefaultMeasureFollowsTheOutcomeType) {
  Outcome o;
  o.type = OutcomeType::binary;
  EXPECT_EQ(default_measure(o), Measure::OR);
  o.type = OutcomeType::continuous;
  EXPECT_EQ(default_measure(o), Measure::MD);
  o.type = OutcomeType::rate;
  EXPECT_EQ(default_measure(o), Measure::IRR);
  o.type = OutcomeType::time_to_event;
  EXPECT_EQ(default_measure(o), Measure::HR);
  o.type = OutcomeType::contrast;
  EXPECT_EQ(default_measure(o), Measure::GEN);
  o.measure = "rr";
  EXPECT_EQ(default_measure(o), Measure::RR);
}

TEST(EffectSizeJson, FieldNamesAsNetmetaPairwise) {
  ContrastRecord r = rec("A", "B");
  r.estimate = 1.5;
  r.ci_lower = 1.1;
  r.ci_upper = 2.0;
  r.log_scale = false;
  r.n1 = 100;
  ContrastRecord bad = rec("A", "B");
  bad.estimate = 0.2;
  Built b = make(OutcomeType::contrast, {{r}, {bad}});
  const EffectSet s = run(b, Measure::OR);
  const nlohmann::json j = to_json(s);
  EXPECT_EQ(j["outcome"], "y");
  EXPECT_EQ(j["measure"], "OR");
  EXPECT_EQ(j["scale"], "log");
  EXPECT_EQ(j["options"]["continuity_correction"]["where"], "only0");
  EXPECT_EQ(j["options"]["smd_correction"], "hedges_exact");
  ASSERT_EQ(j["contrasts"].size(), 1u);
  const auto& c = j["contrasts"][0];
  EXPECT_EQ(c["study"], "s1");
  EXPECT_EQ(c["treat1"], "A");
  EXPECT_EQ(c["treat2"], "B");
  EXPECT_REL(std::log(1.5), c["TE"].get<double>(), 1e-15);
  EXPECT_TRUE(c["seTE"].is_number());
  EXPECT_EQ(c["n1"], 100.0);
  EXPECT_FALSE(c.contains("n2"));
  EXPECT_EQ(c["incr1"], 0.0);
  EXPECT_EQ(c["notes"].size(), 2u);
  EXPECT_EQ(c["source"]["line"], 2);
  ASSERT_EQ(j["excluded"].size(), 1u);
  EXPECT_EQ(j["excluded"][0]["study"], "s2");
  EXPECT_EQ(j["excluded"][0]["treatment"], "A vs B");
  ASSERT_EQ(j["diagnostics"].size(), 1u);
  EXPECT_EQ(j["diagnostics"][0]["severity"], "warning");
  EXPECT_EQ(j["diagnostics"][0]["code"], "contrast-missing-se");
  // round trip through text (a NaN or Inf would be written as null and not come back equal)
  EXPECT_EQ(nlohmann::json::parse(j.dump()), j);
}

}  // namespace
}  // namespace evident
