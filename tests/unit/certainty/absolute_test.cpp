// Absolute effects for SoF tables: binary per 1000 from a ratio on its natural scale (Cochrane Handbook 14.1.5)
// and continuous effects on the original scale, SMD x SD (Cochrane Handbook 15.5.3.2). Expected values are hand
// calculations written next to each check.
#include "evident/certainty/absolute.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "evident_test.hpp"

using namespace evident;

TEST(AbsoluteSof, RiskRatioPer1000WithTruncation) {
  // RR 7.08 (3.40 to 14.71) at a comparator risk of 0.05: 0.05 x 7.08 = 0.354 -> 354 per 1000; 0.05 x 3.40 = 0.17;
  // 0.05 x 14.71 = 0.7355; difference 304 (120 to 685.5) per 1000.
  BaselineRisk b{BaselineRiskSource::given, 0.05, 0};
  const auto e = absolute_from_ratio(Measure::RR, 7.08, 3.40, 14.71, b);
  ASSERT_TRUE(e.ok());
  EXPECT_REL(50.0, e.risk_comparator, 1e-12);
  EXPECT_REL(354.0, e.risk_intervention, 1e-12);
  EXPECT_REL(170.0, e.risk_intervention_lower, 1e-12);
  EXPECT_REL(735.5, e.risk_intervention_upper, 1e-12);
  EXPECT_REL(304.0, e.difference, 1e-12);
  EXPECT_REL(685.5, e.difference_upper, 1e-12);
  // RR 15.15 (2.11 to 108.91) at 0.05: the upper risk 5.4455 is truncated to 1 with a warning.
  const auto t = absolute_from_ratio(Measure::RR, 15.15, 2.11, 108.91, b);
  EXPECT_REL(1000.0, t.risk_intervention_upper, 1e-12);
  ASSERT_EQ(1u, t.diagnostics.size());
  EXPECT_EQ("risk-truncated", t.diagnostics.items()[0].code);
}

TEST(AbsoluteSof, OddsRatioPer1000) {
  // OR 2 at b = 0.2: 2 x 0.2 / (1 - 0.2 + 0.4) = 1/3 -> 333.33 per 1000.
  const auto e = absolute_from_ratio(Measure::OR, 2.0, 1.0, 4.0, BaselineRisk{BaselineRiskSource::given, 0.2, 0});
  EXPECT_REL(1000.0 / 3.0, e.risk_intervention, 1e-12);
  EXPECT_REL(200.0, e.risk_intervention_lower, 1e-12);               // OR 1: unchanged
  EXPECT_REL(1000.0 * 0.8 / 1.6, e.risk_intervention_upper, 1e-12);  // 4 x 0.2 / (0.8 + 0.8)
  EXPECT_FALSE(absolute_from_ratio(Measure::OR, 0.0, -1.0, 4.0, BaselineRisk{}).ok());
}

TEST(AbsoluteSof, RiskDifferenceWithoutComparatorRisk) {
  // Cochrane review (2021) abstract: infection RD 0.04 (0.01 to 0.07) -> 40 (10 to 70) more per 1000.
  const auto e = risk_difference_per(0.04, 0.01, 0.07);
  ASSERT_TRUE(e.ok());
  EXPECT_REL(40.0, e.difference, 1e-12);
  EXPECT_REL(10.0, e.difference_lower, 1e-12);
  EXPECT_REL(70.0, e.difference_upper, 1e-12);
  EXPECT_TRUE(std::isnan(e.risk_comparator));
  EXPECT_TRUE(to_json(e).at("risk_comparator").is_null());
  EXPECT_FALSE(risk_difference_per(1.5, 0.0, 2.0).ok());
}

TEST(AbsoluteSof, MeanDifferenceOnItsScale) {
  // MD -8.73 (-15.67 to -1.78) with a comparator mean of 60: 51.27 (44.33 to 58.22).
  const auto c = absolute_md(-8.73, -15.67, -1.78, 60.0, "0-100");
  ASSERT_TRUE(c.ok());
  EXPECT_REL(51.27, *c.intervention_mean, 1e-12);
  EXPECT_REL(44.33, *c.intervention_mean_lower, 1e-12);
  EXPECT_REL(58.22, *c.intervention_mean_upper, 1e-12);
  EXPECT_REL(-8.73, c.difference, 1e-12);
  EXPECT_FALSE(absolute_md(1.0, 2.0, 3.0, std::nullopt, "").ok());
  EXPECT_FALSE(absolute_md(-8.73, -15.67, -1.78, std::nullopt, "0-100").intervention_mean);
}

TEST(AbsoluteSof, SmdReexpressedTimesSd) {
  // Cochrane Handbook 15.5.3.2: MD = SMD x SD. SMD -0.5 (-0.8 to -0.2) with SD 2.0 cm on a 10 cm VAS:
  // -1.0 (-1.6 to -0.4) cm; with a comparator mean of 6.8 cm: 5.8 (5.2 to 6.4).
  const auto c = reexpress_smd(-0.5, -0.8, -0.2, 2.0, "10 cm VAS", 6.8);
  ASSERT_TRUE(c.ok());
  EXPECT_REL(-1.0, c.difference, 1e-12);
  EXPECT_REL(-1.6, c.difference_lower, 1e-12);
  EXPECT_REL(-0.4, c.difference_upper, 1e-12);
  EXPECT_REL(5.8, *c.intervention_mean, 1e-12);
  const auto j = to_json(c);
  EXPECT_EQ("SMD", j.at("measure"));
  EXPECT_EQ("10 cm VAS", j.at("scale"));
  EXPECT_EQ("invalid-sd", reexpress_smd(-0.5, -0.8, -0.2, 0.0, "x").diagnostics.items()[0].code);
}
