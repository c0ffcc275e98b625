// Absolute effects per 1000 (Cochrane Handbook v6.4, 14.1.5 and 15.4.4): the formulas are checked by
// hand-worked numbers (the arithmetic is written out in each test, with the source formula), the
// comparator risk by median and pooled control-arm risks, and the wiring through analyse_outcome().
// Tolerance 1e-12 relative: the computations are closed-form.
#include "evident/pairwise/absolute_effects.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "effects_fixtures.hpp"
#include "evident/pairwise/analysis.hpp"
#include "evident_test.hpp"

using namespace evident;

namespace {

constexpr double kTol = 1e-12;

BaselineRisk given(double b) {
  return BaselineRisk{BaselineRiskSource::given, b, 0};
}

TEST(AbsoluteEffects, RiskRatio) {
  // RR 0.8 (0.64 to 1.0) at 200 per 1000: intervention 160 (128 to 200), difference -40 (-72 to 0).
  const AbsoluteEffect e = absolute_effect(Measure::RR, std::log(0.8), std::log(0.64), std::log(1.0), given(0.2));
  ASSERT_TRUE(e.ok());
  EXPECT_REL(200.0, e.risk_comparator, kTol);
  EXPECT_REL(160.0, e.risk_intervention, kTol);
  EXPECT_REL(128.0, e.risk_intervention_lower, kTol);
  EXPECT_REL(200.0, e.risk_intervention_upper, kTol);
  EXPECT_REL(-40.0, e.difference, kTol);
  EXPECT_REL(-72.0, e.difference_lower, kTol);
  EXPECT_NEAR(0.0, e.difference_upper, 1e-12);
}

TEST(AbsoluteEffects, OddsRatio) {
  // OR 0.5 at b = 0.2: odds 0.25 -> 0.125, risk 0.125/1.125 = 1/9 = 111.1 per 1000.
  // OR 0.25 (lower): odds 0.0625, risk 0.0625/1.0625 = 1/17; OR 1 (upper): 0.2.
  const AbsoluteEffect e = absolute_effect(Measure::OR, std::log(0.5), std::log(0.25), 0.0, given(0.2));
  ASSERT_TRUE(e.ok());
  EXPECT_REL(1000.0 / 9.0, e.risk_intervention, kTol);
  EXPECT_REL(1000.0 / 17.0, e.risk_intervention_lower, kTol);
  EXPECT_REL(200.0, e.risk_intervention_upper, kTol);
  EXPECT_REL(1000.0 / 9.0 - 200.0, e.difference, kTol);
}

TEST(AbsoluteEffects, HazardRatioAndRiskDifference) {
  // HR 0.5 at b = 0.36: 1 - 0.64^0.5 = 0.2.
  const AbsoluteEffect h = absolute_effect(Measure::HR, std::log(0.5), std::log(0.5), std::log(0.5), given(0.36));
  ASSERT_TRUE(h.ok());
  EXPECT_REL(200.0, h.risk_intervention, kTol);
  EXPECT_REL(-160.0, h.difference, kTol);
  // RD -0.05 (-0.1 to 0) at b = 0.3: 250 (200 to 300) per 1000; per 100: 25.
  const AbsoluteEffect d = absolute_effect(Measure::RD, -0.05, -0.1, 0.0, given(0.3), 100.0);
  ASSERT_TRUE(d.ok());
  EXPECT_REL(25.0, d.risk_intervention, kTol);
  EXPECT_REL(20.0, d.risk_intervention_lower, kTol);
  EXPECT_REL(-5.0, d.difference, kTol);
}

TEST(AbsoluteEffects, TruncatedAndInvalid) {
  // RR 3 at b = 0.5 gives 1.5: truncated to 1000 per 1000 with a warning.
  const AbsoluteEffect t = absolute_effect(Measure::RR, std::log(3.0), std::log(2.0), std::log(4.0), given(0.5));
  ASSERT_TRUE(t.ok());
  EXPECT_REL(1000.0, t.risk_intervention, kTol);
  ASSERT_FALSE(t.diagnostics.empty());
  EXPECT_EQ("risk-truncated", t.diagnostics.items().front().code);
  EXPECT_FALSE(absolute_effect(Measure::MD, 0.1, 0.0, 0.2, given(0.2)).ok());
  EXPECT_FALSE(absolute_effect(Measure::RR, 0.1, 0.0, 0.2, given(1.5)).ok());
  EXPECT_FALSE(absolute_effect(Measure::RR, std::numeric_limits<double>::quiet_NaN(), 0.0, 0.2, given(0.2)).ok());
}

TEST(AbsoluteEffects, ComparatorRiskMedianAndPooled) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Diagnostics d;
  // Risks 0.1, 0.2, 0.4 (and a contrast without counts): median 0.2; pooled (10+20+20)/(100+100+50).
  const auto med = baseline_risk({10, 20, 20, nan}, {100, 100, 50, nan}, BaselineRiskSource::median_control, d);
  ASSERT_TRUE(med.has_value());
  EXPECT_REL(0.2, med->risk, kTol);
  EXPECT_EQ(3u, med->studies);
  const auto pooled = baseline_risk({10, 20, 20}, {100, 100, 50}, BaselineRiskSource::pooled_control, d);
  ASSERT_TRUE(pooled.has_value());
  EXPECT_REL(50.0 / 250.0, pooled->risk, kTol);
  // Even count: mean of the two middle risks (0.1, 0.2, 0.3, 0.4 -> 0.25).
  const auto even = baseline_risk({1, 2, 3, 4}, {10, 10, 10, 10}, BaselineRiskSource::median_control, d);
  ASSERT_TRUE(even.has_value());
  EXPECT_REL(0.25, even->risk, kTol);
  EXPECT_FALSE(d.has_errors());
  Diagnostics bad;
  EXPECT_FALSE(baseline_risk({5}, {4}, BaselineRiskSource::median_control, bad).has_value());
  EXPECT_TRUE(bad.has_errors());
  Diagnostics none;
  EXPECT_FALSE(baseline_risk({nan}, {nan}, BaselineRiskSource::median_control, none).has_value());
  EXPECT_TRUE(none.has_errors());
}

TEST(AbsoluteEffects, ThroughTheAnalysisWithTheComparatorArmsWhicheverWayRound) {
  using namespace evident::test;
  Built b = make(OutcomeType::binary);
  add_study(b, "S1", {bin_arm("A", 10, 100), bin_arm("B", 20, 100)});
  add_study(b, "S2", {bin_arm("B", 30, 100), bin_arm("A", 15, 100)});  // given as B vs A
  add_study(b, "S3", {bin_arm("A", 5, 50), bin_arm("B", 8, 50)});
  const EffectSet set = run(b, Measure::RR);
  PairwiseOptions o;
  const auto analyses = analyse_outcome(b.data, b.data.outcomes.front(), set, o);
  ASSERT_EQ(1u, analyses.size());
  const PairwiseAnalysis& a = analyses.front();
  ASSERT_TRUE(a.absolute.has_value());
  // Comparator B risks 0.2, 0.3, 0.16: median 0.2.
  EXPECT_REL(200.0, a.absolute->random.risk_comparator, kTol);
  EXPECT_REL(200.0 * std::exp(a.result.random.pooled.estimate), a.absolute->random.risk_intervention, kTol);
  EXPECT_REL(200.0 * std::exp(a.result.common.ci_upper), a.absolute->common.risk_intervention_upper, kTol);
  const auto j = to_json(a);
  EXPECT_TRUE(j.at("absolute_effects").at("random").at("difference").contains("ci_lower"));
  o.baseline_risk = 0.5;
  const auto given_risk = analyse_outcome(b.data, b.data.outcomes.front(), set, o);
  EXPECT_REL(500.0, given_risk.front().absolute->random.risk_comparator, kTol);
}

}  // namespace
