// Tests of effects/conversions: median/quartiles/range to mean and SD, SD from SE/CI/t/p, SD imputation.
//
// Reference values: tests/reference/conversions_conv_fivenum.json and
// conversions_sd_from_statistics.json, computed in R 4.2.2 (stats::qnorm / qt) by the script in
// tests/reference/README.md ("Added here"). metafor 3.8-1 has no conv.fivenum (it arrived in 4.0-0),
// so the five-number values are the published formulas evaluated in R with the choices of
// metafor >= 4.0 conv.fivenum(method = "luo/wan/shi").
#include "evident/effects/conversions.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <optional>
#include <vector>

#include "evident_test.hpp"

using namespace evident;
using evident::test::ref_number;

namespace {

constexpr double kRefTol = 1e-12;  // R and evident evaluate the same closed forms; only rounding differs

std::optional<double> opt(const nlohmann::json& v) {
  const double x = ref_number(v);
  if (std::isnan(x)) return std::nullopt;
  return x;
}

FiveNumberSummary summary_of(const nlohmann::json& c) {
  return {opt(c["min"]), opt(c["q1"]), opt(c["median"]), opt(c["q3"]), opt(c["max"]), opt(c["n"])};
}

FiveNumberSummary s1(double a, double m, double b, double n) {
  return {a, std::nullopt, m, std::nullopt, b, n};
}
FiveNumberSummary s2(double a, double q1, double m, double q3, double b, double n) {
  return {a, q1, m, q3, b, n};
}
FiveNumberSummary s3(double q1, double m, double q3, double n) {
  return {std::nullopt, q1, m, q3, std::nullopt, n};
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Five-number summary: reference values from R
// ---------------------------------------------------------------------------------------------

TEST(FiveNumberReference, RecommendedMethodsMatchR) {
  const auto ref = test::load_reference("conversions_conv_fivenum.json");
  ASSERT_GE(ref["cases"].size(), 10u);
  for (const auto& c : ref["cases"]) {
    SCOPED_TRACE(c["label"].get<std::string>());
    FiveNumberOptions o;
    o.skewness = SkewnessPolicy::ignore;  // conv.fivenum(..., test = FALSE)
    const MeanSdEstimate e = estimate_mean_sd(summary_of(c), o);
    ASSERT_TRUE(e.ok()) << e.reason;
    EXPECT_EQ(to_string(e.scenario), c["scenario"].get<std::string>());
    EXPECT_REL(ref_number(c["recommended"]["mean"]), *e.mean, kRefTol);
    EXPECT_REL(ref_number(c["recommended"]["sd"]), *e.sd, kRefTol);
    EXPECT_EQ(*e.mean_method, MeanMethod::luo2018);
    EXPECT_EQ(*e.sd_method, e.scenario == FiveNumberScenario::S2 ? SdMethod::shi2020 : SdMethod::wan2014);
  }
}

TEST(FiveNumberReference, AgreesWithPublishedMetafor44ConvFivenumValues) {
  // metafor 3.8-1 (the newest in Debian 12) has no conv.fivenum(); these values were published as
  // metafor 4.4 conv.fivenum(..., test = FALSE) output (method "luo/wan/shi"; the five-number SD with
  // method = "wan2014") in a public third-party test suite. Inputs: min 2, q1 6, median 9, q3 17,
  // max 41 at n = 7, 30, 100, and min 0, q1 10, median 15, q3 22, max 50 at n = 100. They agree
  // with evident's own R-formula reference (conversions_conv_fivenum.json) and with evident to
  // about 1e-15. Tolerance 1e-12 relative.
  struct Row {
    FiveNumberSummary s;
    std::optional<SdMethod> sd_method;
    double mean, sd;
  };
  const std::vector<Row> rows = {
      {{0.0, std::nullopt, 15.0, std::nullopt, 50.0, 100.0}, std::nullopt, 16.122877097629424, 10.00564093637335},
      {{std::nullopt, 10.0, 15.0, 22.0, std::nullopt, 100.0}, std::nullopt, 15.7039, 9.0264591631442315},
      {{0.0, 10.0, 15.0, 22.0, 50.0, 100.0}, SdMethod::wan2014, 16.293257626753618, 9.5160500497587908},
      {{2.0, std::nullopt, 9.0, std::nullopt, 41.0, 7.0}, std::nullopt, 15.021544795358952, 14.29106691143328},
      {{std::nullopt, 6.0, 9.0, 17.0, std::nullopt, 7.0}, std::nullopt, 10.889285714285714, 10.103962147784886},
      {{2.0, 6.0, 9.0, 17.0, 41.0, 7.0}, SdMethod::wan2014, 14.361220613598714, 12.197514529609084},
      {{2.0, std::nullopt, 9.0, std::nullopt, 41.0, 30.0}, std::nullopt, 11.972897250696676, 9.5575055212413016},
      {{std::nullopt, 6.0, 9.0, 17.0, std::nullopt, 30.0}, std::nullopt, 10.782500000000001, 8.5626224066574625},
      {{2.0, 6.0, 9.0, 17.0, 41.0, 30.0}, SdMethod::wan2014, 12.3038216208361, 9.0600639639493821},
      {{2.0, std::nullopt, 9.0, std::nullopt, 41.0, 100.0}, std::nullopt, 10.403596372036779, 7.804399930371213},
      {{std::nullopt, 6.0, 9.0, 17.0, std::nullopt, 100.0}, std::nullopt, 10.75975, 8.2742542328822122},
      {{2.0, 6.0, 9.0, 17.0, 41.0, 100.0}, SdMethod::wan2014, 11.420082492316839, 8.0393270816267126},
  };
  for (std::size_t i = 0; i < rows.size(); ++i) {
    FiveNumberOptions o;
    o.skewness = SkewnessPolicy::ignore;
    o.sd_method = rows[i].sd_method;
    const MeanSdEstimate r = estimate_mean_sd(rows[i].s, o);
    ASSERT_TRUE(r.mean && r.sd) << "row " << i << ": " << r.reason;
    EXPECT_REL(rows[i].mean, *r.mean, 1e-12) << "row " << i;
    EXPECT_REL(rows[i].sd, *r.sd, 1e-12) << "row " << i;
  }
}

TEST(FiveNumberReference, Wan2014MatchesR) {
  const auto ref = test::load_reference("conversions_conv_fivenum.json");
  for (const auto& c : ref["cases"]) {
    SCOPED_TRACE(c["label"].get<std::string>());
    FiveNumberOptions o;
    o.skewness = SkewnessPolicy::ignore;
    o.mean_method = MeanMethod::wan2014;
    o.sd_method = SdMethod::wan2014;
    const MeanSdEstimate e = estimate_mean_sd(summary_of(c), o);
    ASSERT_TRUE(e.ok()) << e.reason;
    EXPECT_REL(ref_number(c["wan2014"]["mean"]), *e.mean, kRefTol);
    EXPECT_REL(ref_number(c["wan2014"]["sd"]), *e.sd, kRefTol);
  }
}

TEST(FiveNumberReference, Hozo2005MatchesR) {
  const auto ref = test::load_reference("conversions_conv_fivenum.json");
  int checked = 0;
  for (const auto& c : ref["cases"]) {
    if (!c.contains("hozo2005")) continue;
    SCOPED_TRACE(c["label"].get<std::string>());
    FiveNumberOptions o;
    o.skewness = SkewnessPolicy::ignore;
    o.mean_method = MeanMethod::hozo2005;
    o.sd_method = SdMethod::hozo2005;
    const MeanSdEstimate e = estimate_mean_sd(summary_of(c), o);
    ASSERT_TRUE(e.ok()) << e.reason;
    EXPECT_REL(ref_number(c["hozo2005"]["mean"]), *e.mean, kRefTol);
    EXPECT_REL(ref_number(c["hozo2005"]["sd"]), *e.sd, kRefTol);
    const double a = ref_number(c["min"]), m = ref_number(c["median"]), b = ref_number(c["max"]);
    const double n = ref_number(c["n"]);
    EXPECT_REL(ref_number(c["hozo2005_with_n"]["mean"]), *hozo2005_mean_with_n(a, m, b, n), kRefTol);
    EXPECT_REL(ref_number(c["hozo2005_with_n"]["variance"]), *hozo2005_variance_with_n(a, m, b, n), kRefTol);
    ++checked;
  }
  EXPECT_GE(checked, 4);
}

TEST(FiveNumberReference, SkewnessTestMatchesR) {
  const auto ref = test::load_reference("conversions_conv_fivenum.json");
  int significant = 0;
  for (const auto& c : ref["cases"]) {
    SCOPED_TRACE(c["label"].get<std::string>());
    const SkewnessTest t = skewness_test(summary_of(c));
    ASSERT_TRUE(t.computed) << t.note;
    EXPECT_REL(ref_number(c["tval"]), t.statistic, kRefTol);
    EXPECT_REL(ref_number(c["crit"]), t.critical, kRefTol);
    EXPECT_EQ(c["sig"].get<bool>(), t.significant);
    // Default policy (metafor's test = TRUE): significant -> not converted, with the reason.
    const MeanSdEstimate e = estimate_mean_sd(summary_of(c));
    if (t.significant) {
      ++significant;
      EXPECT_FALSE(e.ok());
      EXPECT_EQ(e.reason_code, "skewed");
      EXPECT_TRUE(contains(e.reason, "skewness test of Shi et al. 2023")) << e.reason;
    } else {
      ASSERT_TRUE(e.ok()) << e.reason;
      EXPECT_REL(ref_number(c["recommended"]["mean"]), *e.mean, kRefTol);
    }
  }
  EXPECT_GE(significant, 3);  // one skewed case per scenario
}

TEST(FiveNumber, WarnPolicyConvertsSkewedDataWithAWarning) {
  FiveNumberOptions o;
  o.skewness = SkewnessPolicy::warn;
  const MeanSdEstimate e = estimate_mean_sd(s1(0, 2, 30, 40), o);
  ASSERT_TRUE(e.ok());
  ASSERT_EQ(e.warnings.size(), 1u);
  EXPECT_TRUE(contains(e.warnings[0], "converted anyway")) << e.warnings[0];
  EXPECT_TRUE(e.skewness.significant);
}

// ---------------------------------------------------------------------------------------------
// Five-number summary: published values and formulas
// ---------------------------------------------------------------------------------------------

TEST(FiveNumberPublished, XiApproximatesWan2014Table1) {
  // Wan et al. 2014, Table 1: exact xi(n) = 2 E(Z_(n)) for n <= 50 (3 decimals). Eq. (9) replaces
  // it by Blom's approximation 2 Phi^-1((n - 0.375)/(n + 0.25)); their difference is at most 1.5%
  // for n >= 5 (1.44% at n = 5, 0.25% at n = 50), so a 1.5% tolerance checks xi() against the paper.
  const std::vector<std::pair<double, double>> table{{5, 2.326},  {10, 3.078}, {15, 3.472}, {20, 3.735},
                                                     {25, 3.931}, {30, 4.086}, {40, 4.322}, {50, 4.498}};
  for (const auto& [n, xi] : table) EXPECT_REL(xi, wan_xi(n), 0.015) << "n = " << n;
}

TEST(FiveNumberPublished, HozoFormulasAreExactOnEquallySpacedData) {
  // Hozo et al. 2005: for the sample 1, 2, 3, 4, 5 (min 1, median 3, max 5, n 5) the estimates that
  // use n give the sample mean 3 and variance 2.5 exactly (hand calculation from the paper's formulas).
  EXPECT_REL(3.0, *hozo2005_mean_with_n(1, 3, 5, 5), 1e-15);
  EXPECT_REL(2.5, *hozo2005_variance_with_n(1, 3, 5, 5), 1e-15);
  EXPECT_FALSE(hozo2005_variance_with_n(1, 3, 5, 1).has_value());
  EXPECT_FALSE(hozo2005_mean_with_n(1, std::numeric_limits<double>::quiet_NaN(), 5, 10).has_value());
}

TEST(FiveNumberPublished, HozoRuleBranches) {
  // Hozo et al. 2005 recommendations: SD = range/4 for 15 < n <= 70, range/6 for n > 70; mean = median for n > 25.
  FiveNumberOptions o{MeanMethod::hozo2005, SdMethod::hozo2005, SkewnessPolicy::ignore, 5.0};
  EXPECT_REL(12.0 / 4.0, *estimate_mean_sd(s1(0, 6, 12, 40), o).sd, 1e-15);
  EXPECT_REL(12.0 / 6.0, *estimate_mean_sd(s1(0, 6, 12, 71), o).sd, 1e-15);
  EXPECT_REL(12.0 / 4.0, *estimate_mean_sd(s1(0, 6, 12, 70), o).sd, 1e-15);
  EXPECT_REL(7.0, *estimate_mean_sd(s1(0, 7, 12, 26), o).mean, 1e-15);
  EXPECT_REL((0 + 14 + 12) / 4.0, *estimate_mean_sd(s1(0, 7, 12, 25), o).mean, 1e-15);
  EXPECT_TRUE(contains(estimate_mean_sd(s1(0, 6, 12, 71), o).sd_method_text, "range/6 for n > 70"));
}

// ---------------------------------------------------------------------------------------------
// Five-number summary: invariants
// ---------------------------------------------------------------------------------------------

TEST(FiveNumberInvariants, SymmetricDataGiveMeanEqualToMedian) {
  for (double n : {5.0, 12.0, 40.0, 400.0}) {
    for (MeanMethod m : {MeanMethod::luo2018, MeanMethod::wan2014}) {
      FiveNumberOptions o;
      o.mean_method = m;
      EXPECT_REL(10.0, *estimate_mean_sd(s1(4, 10, 16, n), o).mean, 1e-14);
      EXPECT_REL(10.0, *estimate_mean_sd(s2(4, 8, 10, 12, 16, n), o).mean, 1e-14);
      EXPECT_REL(10.0, *estimate_mean_sd(s3(8, 10, 12, n), o).mean, 1e-14);
    }
    EXPECT_REL(10.0, *hozo2005_mean_with_n(4, 10, 16, n), 1e-14);
  }
}

TEST(FiveNumberInvariants, ShiftAndScaleEquivariance) {
  const FiveNumberSummary base = s2(1, 3, 5, 8, 12, 30);
  const MeanSdEstimate e0 = estimate_mean_sd(base);
  ASSERT_TRUE(e0.ok());
  const double k = 3.5, c = -20.0;
  auto map = [&](const FiveNumberSummary& s) {
    return FiveNumberSummary{*s.min * k + c, *s.q1 * k + c, *s.median * k + c, *s.q3 * k + c, *s.max * k + c, s.n};
  };
  const MeanSdEstimate e1 = estimate_mean_sd(map(base));
  ASSERT_TRUE(e1.ok());
  EXPECT_REL(*e0.mean * k + c, *e1.mean, 1e-13);
  EXPECT_REL(*e0.sd * k, *e1.sd, 1e-13);
  EXPECT_REL(e0.skewness.statistic, e1.skewness.statistic, 1e-13);
  // Mirroring the data (x -> -x) negates the mean and keeps the SD.
  const FiveNumberSummary mirrored{-12.0, -8.0, -5.0, -3.0, -1.0, 30.0};
  const MeanSdEstimate em = estimate_mean_sd(mirrored);
  EXPECT_REL(-*e0.mean, *em.mean, 1e-14);
  EXPECT_REL(*e0.sd, *em.sd, 1e-14);
}

TEST(FiveNumberInvariants, ShiIsBetweenItsTwoComponents) {
  // Shi 2020 eq. (10) is a weighted average of the range- and IQR-based SDs of Wan 2014.
  const FiveNumberSummary s = s2(0.5, 2.1, 2.9, 3.8, 6.4, 64);
  const double by_range = (6.4 - 0.5) / wan_xi(64), by_iqr = (3.8 - 2.1) / wan_eta(64);
  const double sd = *estimate_mean_sd(s).sd;
  EXPECT_GE(sd, std::min(by_range, by_iqr));
  EXPECT_LE(sd, std::max(by_range, by_iqr));
}

TEST(FiveNumber, SdWithoutMedianAndMeanNeedsIt) {
  // metafor: the median is needed for the mean only.
  FiveNumberSummary s = s3(3, 5, 8, 30);
  s.median.reset();
  const MeanSdEstimate e = estimate_mean_sd(s);
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e.mean.has_value());
  EXPECT_REL(5.0 / wan_eta(30), *e.sd, 1e-15);
  EXPECT_FALSE(e.skewness.computed);
}

TEST(FiveNumber, LoneQuartileIsNotUsedAndSaysSo) {
  FiveNumberSummary s = s1(1, 5, 12, 20);
  s.q1 = 3.0;
  const MeanSdEstimate e = estimate_mean_sd(s);
  ASSERT_TRUE(e.ok()) << e.reason;
  EXPECT_EQ(e.scenario, FiveNumberScenario::S1);
  EXPECT_EQ(*e.sd, *estimate_mean_sd(s1(1, 5, 12, 20)).sd);
  ASSERT_FALSE(e.warnings.empty());
  EXPECT_EQ(e.warnings[0], "q1 is given without q3 and is not used");
  s.q1 = 6.0;  // still checked for order
  EXPECT_EQ(estimate_mean_sd(s).reason, "q1 (6) is greater than median (5)");
}

TEST(FiveNumber, MethodTextsNamePaperEquationAndDoi) {
  const MeanSdEstimate e = estimate_mean_sd(s3(3, 5, 8, 30));
  EXPECT_EQ(e.mean_method_text, "Luo et al. 2018, eq. (11), doi:10.1177/0962280216669183");
  EXPECT_EQ(e.sd_method_text, "Wan et al. 2014, eq. (16), doi:10.1186/1471-2288-14-135");
  const MeanSdEstimate f = estimate_mean_sd(s2(1, 3, 5, 8, 12, 30));
  EXPECT_EQ(f.mean_method_text, "Luo et al. 2018, eq. (15), doi:10.1177/0962280216669183");
  EXPECT_EQ(f.sd_method_text, "Shi et al. 2020, eq. (10), doi:10.1002/jrsm.1429");
}

// ---------------------------------------------------------------------------------------------
// Five-number summary: bad input gives reasons, never NaN
// ---------------------------------------------------------------------------------------------

TEST(FiveNumberEdges, ReasonsInsteadOfNaN) {
  struct Case {
    FiveNumberSummary s;
    const char* code;
    const char* text;
    bool invalid;
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<Case> cases{
      {s3(8, 5, 3, 30), "quantiles-out-of-order", "q1 (8) is greater than q3 (3)", true},
      {s1(12, 5, 1, 30), "quantiles-out-of-order", "min (12) is greater than max (1)", true},
      {s1(1, 15, 12, 30), "quantiles-out-of-order", "median (15) is outside the range 1 to 12", true},
      {s3(3, 9, 8, 30), "quantiles-out-of-order", "median (9) is outside the interquartile range 3 to 8", true},
      {s2(4, 3, 5, 8, 12, 30), "quantiles-out-of-order", "min (4) is greater than q1 (3)", true},
      {s1(1, nan, 12, 30), "not-finite", "median is not a finite number", true},
      {s1(1, 5, 12, 4), "n-too-small", "n = 4 is below 5", false},
      {s1(1, 5, 12, 1), "n-too-small", "n = 1 is below 5", false},
      {{1.0, std::nullopt, 5.0, std::nullopt, 12.0, std::nullopt}, "n-missing", "sample size n is missing", false},
      {s1(3, 3, 3, 30), "zero-spread", "the range is zero", false},
      {s3(4, 4, 4, 30), "zero-spread", "the interquartile range is zero", false},
      {{1.0, 3.0, 5.0, std::nullopt, std::nullopt, 30.0}, "insufficient-summaries", "neither the range", false},
  };
  for (const Case& c : cases) {
    const MeanSdEstimate e = estimate_mean_sd(c.s);
    SCOPED_TRACE(c.text);
    EXPECT_FALSE(e.ok());
    EXPECT_FALSE(e.mean.has_value());
    EXPECT_FALSE(e.sd.has_value());
    EXPECT_EQ(e.reason_code, c.code);
    EXPECT_TRUE(contains(e.reason, c.text)) << e.reason;
    EXPECT_EQ(e.invalid_input, c.invalid);
  }
}

TEST(FiveNumberEdges, MethodOutsideItsScenarioIsRefusedNotSwitched) {
  FiveNumberOptions o;
  o.sd_method = SdMethod::shi2020;
  const MeanSdEstimate e = estimate_mean_sd(s1(1, 5, 12, 30), o);
  EXPECT_FALSE(e.ok());
  EXPECT_EQ(e.reason_code, "method-not-applicable");
  EXPECT_TRUE(contains(e.reason, "defined only for scenario S2")) << e.reason;
  FiveNumberOptions h;
  h.mean_method = MeanMethod::hozo2005;
  EXPECT_EQ(estimate_mean_sd(s3(3, 5, 8, 30), h).reason_code, "method-not-applicable");
}

TEST(FiveNumberEdges, MinNCanBeLoweredButNotBelowTwo) {
  FiveNumberOptions o;
  o.min_n = 0.0;
  o.skewness = SkewnessPolicy::ignore;
  EXPECT_EQ(estimate_mean_sd(s1(1, 5, 12, 1), o).reason_code, "n-too-small");
  const MeanSdEstimate e = estimate_mean_sd(s1(1, 5, 12, 3), o);
  ASSERT_TRUE(e.ok()) << e.reason;
  EXPECT_TRUE(std::isfinite(*e.sd) && *e.sd > 0.0);
}

// ---------------------------------------------------------------------------------------------
// SD from SE, CI, t, p
// ---------------------------------------------------------------------------------------------

namespace {
CiDistribution dist_of(const nlohmann::json& v) {
  return v.get<std::string>() == "t" ? CiDistribution::t : CiDistribution::normal;
}
}  // namespace

TEST(SdFromStatisticsReference, MatchesR) {
  const auto ref = test::load_reference("conversions_sd_from_statistics.json");
  for (const auto& c : ref["se"]) {
    const auto r = sd_from_se(c["se"].get<double>(), c["n"].get<double>());
    ASSERT_TRUE(r.ok()) << r.reason;
    EXPECT_REL(ref_number(c["sd"]), *r.sd, kRefTol);
  }
  for (const auto& c : ref["ci_mean"]) {
    const auto r = sd_from_mean_ci(c["lower"].get<double>(), c["upper"].get<double>(), c["n"].get<double>(),
                                   c["level"].get<double>(), dist_of(c["dist"]));
    ASSERT_TRUE(r.ok()) << r.reason;
    EXPECT_REL(ref_number(c["q"]), *r.quantile, kRefTol);
    EXPECT_REL(ref_number(c["sd"]), *r.sd, kRefTol);
  }
  for (const auto& c : ref["ci_md"]) {
    const auto r = sd_from_mean_difference_ci(c["lower"].get<double>(), c["upper"].get<double>(), c["n1"].get<double>(),
                                              c["n2"].get<double>(), c["level"].get<double>(), dist_of(c["dist"]));
    ASSERT_TRUE(r.ok()) << r.reason;
    EXPECT_REL(ref_number(c["q"]), *r.quantile, kRefTol);
    EXPECT_REL(ref_number(c["se"]), *r.se, kRefTol);
    EXPECT_REL(ref_number(c["sd"]), *r.sd, kRefTol);
  }
  for (const auto& c : ref["p_md"]) {
    const auto r = sd_from_p_value(c["md"].get<double>(), c["p"].get<double>(), c["n1"].get<double>(),
                                   c["n2"].get<double>(), dist_of(c["dist"]));
    ASSERT_TRUE(r.ok()) << r.reason;
    EXPECT_REL(ref_number(c["t"]), *r.quantile, kRefTol);
    EXPECT_REL(ref_number(c["se"]), *r.se, kRefTol);
    EXPECT_REL(ref_number(c["sd"]), *r.sd, kRefTol);
  }
  for (const auto& c : ref["t_md"]) {
    const auto r =
        sd_from_t_statistic(c["md"].get<double>(), c["t"].get<double>(), c["n1"].get<double>(), c["n2"].get<double>());
    ASSERT_TRUE(r.ok()) << r.reason;
    EXPECT_REL(ref_number(c["se"]), *r.se, kRefTol);
    EXPECT_REL(ref_number(c["sd"]), *r.sd, kRefTol);
  }
}

TEST(SdFromStatisticsReference, AutomaticFollowsTheCochraneRule) {
  const auto ref = test::load_reference("conversions_sd_from_statistics.json");
  // R cases 0-2: n = 25 and 59 with t, n = 60 with z; the automatic choice must agree.
  for (int i = 0; i < 3; ++i) {
    const auto& c = ref["ci_mean"][i];
    const auto r = sd_from_mean_ci(c["lower"].get<double>(), c["upper"].get<double>(), c["n"].get<double>());
    EXPECT_EQ(r.distribution, dist_of(c["dist"])) << "n = " << c["n"];
    EXPECT_REL(ref_number(c["sd"]), *r.sd, kRefTol);
  }
  // Mean difference: t when a group has fewer than 60 (80 vs 40), z when both have 60 or more (80 vs 75).
  EXPECT_EQ(sd_from_mean_difference_ci(1.1, 4.9, 80, 40).distribution, CiDistribution::t);
  EXPECT_EQ(sd_from_mean_difference_ci(1.1, 4.9, 80, 75).distribution, CiDistribution::normal);
  EXPECT_REL(ref_number(ref["ci_md"][1]["sd"]), *sd_from_mean_difference_ci(1.1, 4.9, 80, 75).sd, kRefTol);
  EXPECT_REL(ref_number(ref["ci_md"][2]["sd"]), *sd_from_mean_difference_ci(1.1, 4.9, 80, 40).sd, kRefTol);
  // p-values: t with n1 + n2 - 2 df unless the normal is forced.
  EXPECT_REL(ref_number(ref["p_md"][1]["sd"]), *sd_from_p_value(-2.1, 0.03, 100, 120).sd, kRefTol);
}

TEST(SdFromStatisticsPublished, CochraneHandbookExamples) {
  // Cochrane Handbook 6.5.2.2: for a 95% CI from a group of 25, t(0.975, 24) = 2.0639, so the
  // divisor 3.92 becomes 2 x 2.0639 = 4.128 (values as printed, 4-5 significant digits).
  const auto r = sd_from_mean_ci(2.5, 6.4, 25);
  EXPECT_REL(2.0639, *r.quantile, 5e-5);
  EXPECT_REL(std::sqrt(25.0) * (6.4 - 2.5) / 4.128, *r.sd, 5e-5);
  // Cochrane Handbook 6.5.2.3: p = 0.008 from a t test of groups of 25 and 22 gives t = 2.78
  // (45 df); with a mean difference of 3.8 the SE is 3.8 / 2.78 = 1.37 (3 significant digits).
  const auto p = sd_from_p_value(3.8, 0.008, 25, 22);
  EXPECT_REL(2.78, *p.quantile, 5e-3);
  EXPECT_REL(1.37, *p.se, 5e-3);
  EXPECT_REL(45.0, *p.df, 0.0);
}

TEST(SdFromStatistics, Invariants) {
  // Symmetric in the sign of the mean difference; SD scales with the CI width.
  EXPECT_REL(*sd_from_p_value(3.8, 0.008, 25, 22).sd, *sd_from_p_value(-3.8, 0.008, 25, 22).sd, 1e-15);
  EXPECT_REL(*sd_from_t_statistic(2.0, 2.5, 30, 31).sd, *sd_from_t_statistic(-2.0, -2.5, 30, 31).sd, 1e-15);
  EXPECT_REL(2.0 * *sd_from_mean_ci(0, 1, 40).sd, *sd_from_mean_ci(0, 2, 40).sd, 1e-14);
  // A p-value and the t statistic it came from give the same SD.
  const auto p = sd_from_p_value(3.8, 0.008, 25, 22);
  EXPECT_REL(*p.sd, *sd_from_t_statistic(3.8, *p.quantile, 25, 22).sd, 1e-13);
  // The CI of a mean and the SE it implies give the same SD.
  const auto ci = sd_from_mean_ci(10.1, 12.3, 59);
  EXPECT_REL(*ci.sd, *sd_from_se(*ci.se, 59).sd, 1e-14);
}

TEST(SdFromStatistics, BadInputGivesReasons) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_TRUE(contains(sd_from_se(-1, 20).reason, "SE must be >= 0"));
  EXPECT_TRUE(contains(sd_from_se(1, 1).reason, "n must be at least 2"));
  EXPECT_TRUE(contains(sd_from_se(nan, 10).reason, "not a finite number"));
  EXPECT_TRUE(contains(sd_from_mean_ci(5, 2, 20).reason, "lower CI limit (5) is greater than the upper one (2)"));
  EXPECT_TRUE(contains(sd_from_mean_ci(1, 2, 20, 95).reason, "between 0 and 1"));
  EXPECT_TRUE(contains(sd_from_mean_ci(1, 2, 1).reason, "n must be at least 2"));
  EXPECT_TRUE(contains(sd_from_mean_difference_ci(1, 2, 1, 1).reason, "group sizes"));
  EXPECT_TRUE(contains(sd_from_t_statistic(1.5, 0, 10, 10).reason, "t = 0"));
  EXPECT_TRUE(contains(sd_from_t_statistic(1.5, -2, 10, 10).reason, "opposite signs"));
  EXPECT_TRUE(contains(sd_from_p_value(1.5, 0, 10, 10).reason, "strictly between 0 and 1"));
  EXPECT_TRUE(contains(sd_from_p_value(1.5, 1, 10, 10).reason, "strictly between 0 and 1"));
  EXPECT_TRUE(contains(sd_from_p_value(0, 0.2, 10, 10).reason, "mean difference is 0"));
  for (const auto& r : {sd_from_se(-1, 20), sd_from_mean_ci(5, 2, 20), sd_from_p_value(1.5, 1, 10, 10)}) {
    EXPECT_FALSE(r.ok());
    EXPECT_FALSE(r.se.has_value());
  }
}

TEST(SdFromStatistics, MethodTextSaysWhatWasUsed) {
  EXPECT_EQ(sd_from_se(0.8, 25).method, "SD = SE * sqrt(n) = 0.8 * sqrt(25) = 4 (Cochrane Handbook 6.5.2.2)");
  EXPECT_TRUE(contains(sd_from_mean_ci(2.5, 6.4, 25).method, "t(0.975, 24 df) = 2.064"));
  EXPECT_TRUE(contains(sd_from_mean_ci(2.5, 6.4, 25).method, "t because n < 60"));
  EXPECT_TRUE(contains(sd_from_mean_ci(2.5, 6.4, 100).method, "z(0.975) = 1.96"));
}

// ---------------------------------------------------------------------------------------------
// SD imputation
// ---------------------------------------------------------------------------------------------

TEST(SdImputation, PooledAndMeanOfDonors) {
  // Hand calculation: SDs 2 (n 11) and 3 (n 21): pooled sqrt((10*4 + 20*9)/30) = sqrt(22/3); mean 2.5.
  const std::vector<SdDonor> donors{{2.0, 11.0, 0}, {3.0, 21.0, 1}};
  const ImputedSd pooled = impute_sd_from_donors(donors, SdPoolMethod::pooled);
  ASSERT_TRUE(pooled.ok());
  EXPECT_REL(std::sqrt(22.0 / 3.0), *pooled.sd, 1e-15);
  EXPECT_EQ(pooled.note, "SD imputed: pooled SD of 2 other studies (2.708)");
  const ImputedSd mean = impute_sd_from_donors(donors, SdPoolMethod::mean);
  EXPECT_REL(2.5, *mean.sd, 1e-15);
  EXPECT_EQ(mean.note, "SD imputed: mean SD of 2 other studies (2.5)");
}

TEST(SdImputation, PooledEqualsMeanForEqualSdsAndIsOrderFree) {
  std::vector<SdDonor> donors{{1.7, 12, 0}, {1.7, 40, 1}, {1.7, 7, 2}};
  EXPECT_REL(1.7, *impute_sd_from_donors(donors).sd, 1e-15);
  donors = {{1.2, 12, 0}, {2.9, 40, 1}, {1.7, 7, 2}, {0.8, 100, 3}};
  const double forward = *impute_sd_from_donors(donors).sd;
  std::reverse(donors.begin(), donors.end());
  EXPECT_REL(forward, *impute_sd_from_donors(donors).sd, 1e-15);
}

TEST(SdImputation, BadDonorsAreSkippedAndNoDonorGivesAReason) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<SdDonor> donors{{2.0, 11.0, 0}, {nan, 20.0, 1}, {-1.0, 20.0, 2}, {3.0, 1.0, 3}};
  const ImputedSd r = impute_sd_from_donors(donors, SdPoolMethod::pooled);
  EXPECT_EQ(r.donor_arms, 1u);
  EXPECT_REL(2.0, *r.sd, 1e-15);
  EXPECT_EQ(r.note, "SD imputed: pooled SD of 1 other study (2)");
  const ImputedSd none = impute_sd_from_donors({}, SdPoolMethod::pooled);
  EXPECT_FALSE(none.ok());
  EXPECT_TRUE(contains(none.reason, "no other study reports an SD"));
  EXPECT_FALSE(impute_sd_user_value(0.0).ok());
  EXPECT_EQ(impute_sd_user_value(1.5).note, "SD imputed: user-given value (1.5)");
  EXPECT_EQ(impute_sd_carry_over(1.23, "baseline").note, "SD imputed: carried over from baseline (1.23)");
  EXPECT_FALSE(impute_sd_carry_over(-1.0, "baseline").ok());
}

// ---------------------------------------------------------------------------------------------
// Drivers: complete_mean_sd and impute_missing_sds
// ---------------------------------------------------------------------------------------------

namespace {
Arm arm_with(const std::string& treatment, std::optional<double> n, std::optional<double> mean,
             std::optional<double> sd) {
  Arm a;
  a.treatment = treatment;
  a.n = n;
  a.mean = mean;
  a.sd = sd;
  a.source = {"trials.csv", 7, 1};
  return a;
}
}  // namespace

TEST(CompleteMeanSd, ReportedValuesAreKept) {
  Arm a = arm_with("A", 30, 5.0, 2.0);
  a.median = 4.0;
  a.q1 = 3.0;
  a.q3 = 8.0;
  const ArmConversion c = complete_mean_sd(a);
  EXPECT_TRUE(c.complete());
  EXPECT_EQ(*c.mean, 5.0);
  EXPECT_EQ(*c.sd, 2.0);
  EXPECT_FALSE(c.mean_converted || c.sd_converted);
  EXPECT_TRUE(c.notes.empty());
}

TEST(CompleteMeanSd, SdFromSeFirstThenMeanFromMedian) {
  Arm a = arm_with("A", 30, std::nullopt, std::nullopt);
  a.se = 0.5;
  a.median = 5.0;
  a.q1 = 3.0;
  a.q3 = 8.0;
  const ArmConversion c = complete_mean_sd(a);
  ASSERT_TRUE(c.complete()) << c.reason;
  EXPECT_REL(0.5 * std::sqrt(30.0), *c.sd, 1e-15);  // the identity, not the IQR estimate
  EXPECT_REL(0.7 * 5.5 + 0.39 / 30 * 5.5 + (0.3 - 0.39 / 30) * 5.0, *c.mean, 1e-14);
  ASSERT_EQ(c.notes.size(), 2u);
  EXPECT_TRUE(contains(c.notes[0], "SD from SE")) << c.notes[0];
  EXPECT_EQ(c.notes[1],
            "mean 5.357 estimated from median and quartiles (n = 30): Luo et al. 2018, eq. (11), "
            "doi:10.1177/0962280216669183");
}

TEST(CompleteMeanSd, MedianIqrMatchesEstimateMeanSd) {
  Arm a = arm_with("B", 150, std::nullopt, std::nullopt);
  a.median = 14.0;
  a.q1 = 12.5;
  a.q3 = 16.25;
  const ArmConversion c = complete_mean_sd(a);
  const MeanSdEstimate e = estimate_mean_sd(s3(12.5, 14.0, 16.25, 150));
  ASSERT_TRUE(c.complete()) << c.reason;
  EXPECT_EQ(*c.mean, *e.mean);
  EXPECT_EQ(*c.sd, *e.sd);
  EXPECT_TRUE(c.mean_converted && c.sd_converted);
  EXPECT_TRUE(contains(c.notes[1], "SD 2.807 estimated from median and quartiles (n = 150): Wan et al. 2014, eq. (16)"))
      << c.notes[1];
}

TEST(CompleteMeanSd, ReasonsAndDiagnostics) {
  Arm small = arm_with("A", 1, std::nullopt, std::nullopt);
  small.se = 0.3;
  small.columns.n = 3;
  const ArmConversion c1 = complete_mean_sd(small);
  EXPECT_FALSE(c1.sd.has_value());
  EXPECT_TRUE(contains(c1.reason, "n must be at least 2, got 1")) << c1.reason;
  ASSERT_EQ(c1.diagnostics.size(), 1u);
  EXPECT_EQ(format_diagnostic(c1.diagnostics.items()[0]),
            "trials.csv:7:3: warning: arm 'A': cannot convert to mean and SD: the group size n must be at least 2, "
            "got 1 (hint: the conversions from SE, quartiles and range need the group size)");

  Arm bad = arm_with("B", 40, std::nullopt, std::nullopt);
  bad.median = 5.0;
  bad.q1 = 8.0;
  bad.q3 = 3.0;
  bad.columns.median = 6;
  const ArmConversion c2 = complete_mean_sd(bad);
  EXPECT_FALSE(c2.mean || c2.sd);
  ASSERT_EQ(c2.diagnostics.size(), 1u);
  EXPECT_TRUE(c2.diagnostics.has_errors());
  EXPECT_EQ(c2.diagnostics.items()[0].code, "conversion-quantiles-out-of-order");
  EXPECT_EQ(c2.diagnostics.items()[0].location.column, 6);
  EXPECT_TRUE(contains(c2.reason, "q1 (8) is greater than q3 (3)")) << c2.reason;

  Arm skewed = arm_with("C", 40, std::nullopt, std::nullopt);
  skewed.min = 0.0;
  skewed.median = 2.0;
  skewed.max = 30.0;
  const ArmConversion c3 = complete_mean_sd(skewed);
  EXPECT_FALSE(c3.mean || c3.sd);
  EXPECT_FALSE(c3.diagnostics.has_errors());
  EXPECT_EQ(c3.diagnostics.items()[0].code, "conversion-skewed");
  EXPECT_EQ(c3.diagnostics.items()[0].hint, "set the skewness policy to 'warn' to convert anyway");

  const ArmConversion c4 = complete_mean_sd(arm_with("D", 40, 3.0, std::nullopt));
  EXPECT_FALSE(c4.sd.has_value());
  EXPECT_EQ(c4.reason, "no SD, and no SE, quartiles or range to derive it from");

  Arm negative = arm_with("E", 40, 3.0, -2.0);
  negative.se = 0.4;  // an invalid reported SD is not replaced by a derived one
  const ArmConversion c5 = complete_mean_sd(negative);
  EXPECT_FALSE(c5.sd.has_value());
  EXPECT_TRUE(c5.diagnostics.has_errors());
  EXPECT_EQ(c5.reason, "the reported SD is invalid");
}

namespace {
// Four studies, one outcome "pain" at 6 months plus a "pain" baseline outcome.
Dataset imputation_dataset() {
  Dataset d;
  d.source_file = "trials.csv";
  for (const char* label : {"Alpha 2001", "Beta 2005", "Gamma 2010", "Delta 2015"}) {
    Study s;
    s.label = label;
    d.studies.push_back(s);
  }
  Outcome o;
  o.name = "pain";
  o.time_point = "6 months";
  StudyData s0{0, {arm_with("SCS", 21, 4.0, 2.0), arm_with("CMM", 21, 5.0, 3.0)}, {}};
  StudyData s1{1, {arm_with("SCS", 11, 3.5, 1.5), arm_with("CMM", 11, 5.5, std::nullopt)}, {}};
  StudyData s2{2, {arm_with("SCS", 31, 4.2, 2.5), arm_with("CMM", 31, std::nullopt, std::nullopt)}, {}};
  StudyData s3{3, {arm_with("SCS", 50, 4.1, std::nullopt), arm_with("CMM", 50, 5.1, 2.2)}, {}};
  s3.arms[0].sd_baseline = 1.9;
  o.data = {s0, s1, s2, s3};
  Outcome base;
  base.name = "pain";
  base.time_point = "baseline";
  base.data = {StudyData{1, {arm_with("SCS", 11, 7.0, 1.6), arm_with("CMM", 11, 7.1, 1.8)}, {}}};
  d.outcomes = {o, base};
  return d;
}
}  // namespace

TEST(ImputeMissingSds, PooledFromOtherStudiesWithNotes) {
  const Dataset d = imputation_dataset();
  const ImputationResult r = impute_missing_sds(d, d.outcomes[0]);
  // Beta/CMM: pooled over the reported SDs of the other studies (Alpha 2.0, 3.0 with n 21; Gamma 2.5
  // with n 31; Delta CMM 2.2 with n 50): sqrt((20*4 + 20*9 + 30*6.25 + 49*4.84) / (20+20+30+49)).
  ASSERT_EQ(r.imputed.size(), 2u);
  const double pooled_beta = std::sqrt((20 * 4.0 + 20 * 9.0 + 30 * 6.25 + 49 * 4.84) / 119.0);
  EXPECT_EQ(r.imputed[0].study, "Beta 2005");
  EXPECT_EQ(r.imputed[0].treatment, "CMM");
  EXPECT_REL(pooled_beta, r.imputed[0].sd, 1e-15);
  EXPECT_EQ(r.imputed[0].source, SdImputationSource::other_studies);
  EXPECT_EQ(r.imputed[0].note, fmt::format("SD imputed: pooled SD of 3 other studies ({:.4g})", pooled_beta));
  // Delta/SCS: its baseline SD is carried over.
  EXPECT_EQ(r.imputed[1].study, "Delta 2015");
  EXPECT_EQ(r.imputed[1].sd, 1.9);
  EXPECT_EQ(r.imputed[1].note, "SD imputed: carried over from baseline (1.9)");
  // Gamma/CMM has no mean: not imputed, with the reason.
  ASSERT_EQ(r.not_imputed.size(), 1u);
  EXPECT_EQ(r.not_imputed[0].study, "Gamma 2010");
  EXPECT_TRUE(contains(r.not_imputed[0].reason, "no mean")) << r.not_imputed[0].reason;
  EXPECT_EQ(r.diagnostics.size(), 3u);
}

TEST(ImputeMissingSds, MeanOptionCarryOverOutcomeUserValueAndApply) {
  Dataset d = imputation_dataset();
  ImputationOptions mean_opt;
  mean_opt.pool = SdPoolMethod::mean;
  const ImputationResult m = impute_missing_sds(d, d.outcomes[0], mean_opt);
  EXPECT_REL((2.0 + 3.0 + 2.5 + 2.2) / 4.0, m.imputed[0].sd, 1e-15);

  ImputationOptions carry;
  carry.carry_over_outcome = "pain";
  carry.carry_over_time_point = "baseline";
  const ImputationResult c = impute_missing_sds(d, d.outcomes[0], carry);
  EXPECT_EQ(c.imputed[0].sd, 1.8);  // Beta/CMM at baseline
  EXPECT_EQ(c.imputed[0].note, "SD imputed: carried over from pain (baseline) (1.8)");

  ImputationOptions user;
  user.user_sd = 2.4;
  const ImputationResult u = impute_missing_sds(d, d.outcomes[0], user);
  EXPECT_EQ(u.imputed[0].sd, 2.4);
  EXPECT_EQ(u.imputed[1].sd, 1.9);  // the arm's own baseline SD still comes first

  apply_imputations(d.outcomes[0], u);
  EXPECT_EQ(*d.outcomes[0].data[1].arms[1].sd, 2.4);
  EXPECT_EQ(*d.outcomes[0].data[3].arms[0].sd, 1.9);
  EXPECT_FALSE(d.outcomes[0].data[2].arms[1].sd.has_value());
}

TEST(ImputeMissingSds, ArmsConvertibleFromSummariesAreNotImputed) {
  Dataset d = imputation_dataset();
  Arm& gamma_cmm = d.outcomes[0].data[2].arms[1];
  gamma_cmm.median = 5.0;
  gamma_cmm.q1 = 3.0;
  gamma_cmm.q3 = 7.5;
  const ImputationResult r = impute_missing_sds(d, d.outcomes[0]);
  EXPECT_TRUE(r.not_imputed.empty());
  for (const ArmImputation& imp : r.imputed) EXPECT_NE(imp.study, "Gamma 2010");
  // The converted SD is not a donor by default, but can be.
  ImputationOptions with_converted;
  with_converted.donors_include_converted = true;
  const ImputationResult r2 = impute_missing_sds(d, d.outcomes[0], with_converted);
  EXPECT_NE(r.imputed[0].sd, r2.imputed[0].sd);
}
