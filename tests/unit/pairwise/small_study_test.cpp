// Small-study effects against metafor 3.8-1 (R 4.2.2): every tests/reference/pairwise_*.json file
// with `data` (yi, vi, used; rows with used = true) and the keys `regtest` (rma with predictor sei and
// method REML, DL, EE; the classic Egger lm()), `ranktest` and `trimfill` (L0, side chosen by metafor,
// REML, DL, EE). Tolerance kTol = 1e-10 relative (absolute below 1, EXPECT_REL), as meta_analysis(): the
// estimators are closed form or repeat metafor's Fisher scoring iterate for iterate (all comparisons
// also pass at 1e-12 on x86-64 with GCC; the margin is for other compilers and floating-point
// contraction). Where metafor's figures are NA (filled studies of data with rows left out), only the
// number of filled studies and the adjusted model are compared.
// Further variants (regtest ML/HE/HS/EB/Hartung-Knapp, normal-approximation ranktest, trimfill R0 and a
// given side) against tests/reference/small_study_extra.json.
// Invariants: the classic Egger test equals the OLS regression of yi/sei on 1/sei (Egger 1997), study
// order does not change the tests, symmetric funnels fill nothing, mirrored data flip the side, bad input.
#include "evident/pairwise/small_study.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "evident_test.hpp"
#include "pairwise_fixtures.hpp"

using namespace evident;
using nlohmann::json;

namespace {

constexpr double kTol = 1e-10;

/// A number or a one-element metafor named vector {"names": [...], "values": [x]}.
double scalar(const json& v) {
  if (v.is_object()) return test::ref_number(v.at("values").at(0));
  if (v.is_array()) return test::ref_number(v.at(0));
  return test::ref_number(v);
}

bool has_code(const Diagnostics& ds, const std::string& code) {
  for (const auto& d : ds.items())
    if (d.code == code) return true;
  return false;
}

MetaInput permuted(const MetaInput& in) {
  MetaInput out;
  for (std::size_t j = in.yi.size(); j-- > 0;) {
    out.study.push_back(in.study[j]);
    out.yi.push_back(in.yi[j]);
    out.vi.push_back(in.vi[j]);
  }
  return out;
}

}  // namespace

TEST(SmallStudy, RegtestMatchesMetafor) {
  const auto files = test::pairwise_reference_files("regtest");
  ASSERT_FALSE(files.empty());
  for (const auto& name : files) {
    const json ref = test::load_reference(name);
    const MetaInput in = test::meta_input_of(ref);
    for (const auto& [key, variant] : ref.at("regtest").items()) {
      SCOPED_TRACE(name + " regtest " + key);
      RegtestOptions o;
      if (key == "classic_Egger_lm_sei") {
        o.model = RegtestModel::lm;
      } else {
        ASSERT_EQ(key.rfind("rma_", 0), 0u);
        ASSERT_EQ(variant.at("predictor").get<std::string>(), "sei");
        o.fit = test::fit_for(key.substr(4, key.find('_', 4) - 4));
      }
      const RegtestResult r = egger_test(in, o);
      ASSERT_TRUE(r.ok());
      EXPECT_REL(test::ref_number(variant.at("stat")), r.statistic, kTol);
      EXPECT_REL(test::ref_number(variant.at("pval")), r.p_value, kTol);
      if (variant.at("df").is_null()) {
        EXPECT_FALSE(r.df.has_value());
      } else {
        ASSERT_TRUE(r.df.has_value());
        EXPECT_EQ(test::ref_number(variant.at("df")), *r.df);
      }
      EXPECT_REL(scalar(variant.at("limit_estimate")), r.limit_estimate, kTol);
      EXPECT_REL(test::ref_number(variant.at("limit_ci.lb")), r.limit_ci_lower, kTol);
      EXPECT_REL(test::ref_number(variant.at("limit_ci.ub")), r.limit_ci_upper, kTol);
    }
  }
}

TEST(SmallStudy, RanktestMatchesMetafor) {
  const auto files = test::pairwise_reference_files("ranktest");
  ASSERT_FALSE(files.empty());
  for (const auto& name : files) {
    SCOPED_TRACE(name);
    const json ref = test::load_reference(name);
    const json& rt = ref.at("ranktest");
    const RanktestResult r = rank_correlation_test(test::meta_input_of(ref), {});
    ASSERT_TRUE(r.ok());
    EXPECT_REL(scalar(rt.at("kendall_tau")), r.tau, kTol);
    EXPECT_REL(test::ref_number(rt.at("pval")), r.p_value, kTol);
    // metafor warns "Cannot compute exact p-value with ties" exactly when the normal approximation is used
    EXPECT_EQ(rt.contains("warnings"), !r.exact);
    EXPECT_EQ(rt.contains("warnings"), has_code(r.diagnostics, "kendall-ties"));
  }
}

TEST(SmallStudy, TrimfillMatchesMetafor) {
  const auto files = test::pairwise_reference_files("trimfill");
  ASSERT_FALSE(files.empty());
  for (const auto& name : files) {
    const json ref = test::load_reference(name);
    const MetaInput in = test::meta_input_of(ref);
    for (const auto& [method, tf] : ref.at("trimfill").items()) {
      SCOPED_TRACE(name + " trimfill " + method);
      ASSERT_EQ(tf.at("estimator").get<std::string>().rfind("L0", 0), 0u);
      TrimfillOptions o;
      o.fit = test::fit_for(method);
      const TrimfillResult r = trim_and_fill(in, o);
      ASSERT_TRUE(r.ok());
      EXPECT_EQ(tf.at("side").get<std::string>(), to_string(r.side));
      ASSERT_EQ(tf.at("k0").get<std::size_t>(), r.k0);
      EXPECT_REL(test::ref_number(tf.at("se.k0")), r.se_k0, kTol);
      EXPECT_EQ(std::isnan(r.se_k0), has_code(r.diagnostics, "trimfill-se-undefined"));
      EXPECT_TRUE(tf.at("p.k0").is_null());
      EXPECT_FALSE(r.p_k0.has_value());
      EXPECT_EQ(tf.at("k").get<std::size_t>(), r.adjusted.k);
      EXPECT_REL(test::ref_number(tf.at("estimate")), r.adjusted.pooled.estimate, kTol);
      EXPECT_REL(test::ref_number(tf.at("se")), r.adjusted.pooled.se, kTol);
      EXPECT_REL(test::ref_number(tf.at("ci.lb")), r.adjusted.pooled.ci_lower, kTol);
      EXPECT_REL(test::ref_number(tf.at("ci.ub")), r.adjusted.pooled.ci_upper, kTol);
      EXPECT_REL(test::ref_number(tf.at("pval")), r.adjusted.pooled.p_value, kTol);
      EXPECT_REL(test::ref_number(tf.at("tau2")), r.adjusted.tau2, kTol);
      EXPECT_REL(test::ref_number(tf.at("I2")), r.adjusted.I2, kTol);
      EXPECT_REL(test::ref_number(tf.at("QE")), r.adjusted.Q, kTol);
      EXPECT_EQ(r.k0, r.filled_yi.size());
      EXPECT_EQ(r.k0, r.filled_vi.size());
      // jsonlite writes a single filled study as a number; "NA" where the script could not extract them
      // (files with rows left out), then only k0 and the adjusted model are compared.
      if (tf.at("filled_yi").is_string()) continue;
      const json fy = tf.at("filled_yi").is_array() ? tf.at("filled_yi") : json::array({tf.at("filled_yi")});
      const json fv = tf.at("filled_vi").is_array() ? tf.at("filled_vi") : json::array({tf.at("filled_vi")});
      ASSERT_EQ(fy.size(), r.filled_yi.size());
      ASSERT_EQ(fv.size(), r.filled_vi.size());
      for (std::size_t j = 0; j < r.filled_yi.size(); ++j) {
        if (std::isnan(test::ref_number(fy.at(j)))) continue;  // NA as above (data with rows left out)
        EXPECT_REL(test::ref_number(fy.at(j)), r.filled_yi[j], kTol);
        EXPECT_REL(test::ref_number(fv.at(j)), r.filled_vi[j], kTol);
      }
    }
  }
}

// Egger et al. 1997: regress the standard normal deviate yi/sei on precision 1/sei by ordinary least
// squares; the intercept and its t test are the slope of sei in the weighted regression.
TEST(SmallStudy, ClassicEggerEqualsOlsOfSndOnPrecision) {
  const MetaInput in = test::meta_input_of(test::load_reference("pairwise_dat.egger2001_OR.json"));
  const std::size_t k = in.yi.size();
  double sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0;
  std::vector<double> x(k), y(k);
  for (std::size_t i = 0; i < k; ++i) {
    x[i] = 1.0 / std::sqrt(in.vi[i]);
    y[i] = in.yi[i] / std::sqrt(in.vi[i]);
    sx += x[i];
    sy += y[i];
    sxx += x[i] * x[i];
    sxy += x[i] * y[i];
  }
  const auto n = static_cast<double>(k);
  const double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  const double intercept = (sy - slope * sx) / n;
  double rss = 0.0;
  for (std::size_t i = 0; i < k; ++i) rss += std::pow(y[i] - intercept - slope * x[i], 2);
  const double sigma2 = rss / (n - 2.0);
  const double se_intercept = std::sqrt(sigma2 * sxx / (n * sxx - sx * sx));
  RegtestOptions o;
  o.model = RegtestModel::lm;
  const RegtestResult r = egger_test(in, o);
  ASSERT_TRUE(r.ok());
  EXPECT_REL(intercept, r.slope, 1e-12);
  EXPECT_REL(intercept / se_intercept, r.statistic, 1e-10);
  EXPECT_REL(slope, r.limit_estimate, 1e-12);
}

TEST(SmallStudy, StudyOrderDoesNotMatter) {
  const MetaInput in = test::meta_input_of(test::load_reference("pairwise_dat.egger2001_OR.json"));
  const MetaInput rev = permuted(in);
  RegtestOptions ro;
  EXPECT_REL(egger_test(in, ro).statistic, egger_test(rev, ro).statistic, 1e-10);
  EXPECT_REL(rank_correlation_test(in).p_value, rank_correlation_test(rev).p_value, 1e-12);
  const TrimfillResult a = trim_and_fill(in);
  const TrimfillResult b = trim_and_fill(rev);
  EXPECT_EQ(a.k0, b.k0);
  EXPECT_REL(a.adjusted.pooled.estimate, b.adjusted.pooled.estimate, 1e-10);
}

TEST(SmallStudy, SymmetricFunnelFillsNothingAndMirrorFlipsSide) {
  // Pairs mirrored about 0.3 with equal variances: no asymmetry.
  MetaInput sym;
  const std::vector<double> d{0.05, 0.1, 0.2, 0.4, 0.7};
  const std::vector<double> v{0.01, 0.02, 0.05, 0.1, 0.2};
  for (std::size_t i = 0; i < d.size(); ++i) {
    sym.yi.push_back(0.3 - d[i]);
    sym.vi.push_back(v[i]);
    sym.yi.push_back(0.3 + d[i]);
    sym.vi.push_back(v[i]);
  }
  TrimfillOptions o;
  o.fit.common_effect = true;
  const TrimfillResult r = trim_and_fill(sym, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.k0, 0u);
  EXPECT_REL(0.3, r.adjusted.pooled.estimate, 1e-12);
  EXPECT_REL(0.0, egger_test(sym, {}).slope, 1e-10);

  const MetaInput in = test::meta_input_of(test::load_reference("pairwise_dat.egger2001_OR.json"));
  MetaInput mirrored = in;
  for (double& y : mirrored.yi) y = -y;
  const TrimfillResult a = trim_and_fill(in);
  const TrimfillResult b = trim_and_fill(mirrored);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a.side, b.side);
  EXPECT_EQ(a.k0, b.k0);
  EXPECT_REL(a.adjusted.pooled.estimate, -b.adjusted.pooled.estimate, 1e-10);
  for (std::size_t j = 0; j < a.filled_yi.size(); ++j) EXPECT_REL(a.filled_yi[j], -b.filled_yi[j], 1e-12);
}

TEST(SmallStudy, R0EstimatorAndGivenSide) {
  const MetaInput in = test::meta_input_of(test::load_reference("pairwise_dat.egger2001_OR.json"));
  TrimfillOptions o;
  o.estimator = TrimfillEstimator::R0;
  o.side = TrimfillSide::right;
  const TrimfillResult r = trim_and_fill(in, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.side, TrimfillSide::right);
  ASSERT_TRUE(r.p_k0.has_value());
  EXPECT_REL(std::pow(0.5, static_cast<double>(r.k0) + 1.0), *r.p_k0, 1e-15);
  EXPECT_REL(std::sqrt(2.0 * static_cast<double>(r.k0) + 2.0), r.se_k0, 1e-15);
  EXPECT_EQ(r.filled_yi.size(), r.k0);
  EXPECT_EQ(r.adjusted.k, in.yi.size() + r.k0);
}

// R 4.2.2: cor.test(c(1, 2, 3, 4, 5), c(2, 1, 4, 3, 5), method = "kendall") gives tau = 0.6 and the
// exact p-value 0.2333333 (7/30); ranktest() applies it to the standardised deviates and vi. Here the
// deviates are built so that their ranks are 1..5 and vi has ranks 2 1 4 3 5.
TEST(SmallStudy, ExactKendallPValue) {
  const std::vector<double> v{0.02, 0.01, 0.04, 0.03, 0.05};
  const std::vector<double> target{-2.0, -1.0, 0.0, 1.0, 2.0};
  // ranks of (y - mu)/sqrt(v - vb) follow y/sqrt(v) when the deviations dominate; use large spreads
  MetaInput in;
  for (std::size_t i = 0; i < v.size(); ++i) {
    in.yi.push_back(10.0 * target[i] * std::sqrt(v[i]));
    in.vi.push_back(v[i]);
  }
  const RanktestResult r = rank_correlation_test(in);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r.exact);
  EXPECT_REL(0.6, r.tau, 1e-12);
  EXPECT_REL(7.0 / 30.0, r.p_value, 1e-12);
}

TEST(SmallStudy, BadInputAndTooFewStudies) {
  MetaInput two;
  two.yi = {0.1, 0.3};
  two.vi = {0.01, 0.02};
  EXPECT_TRUE(has_code(egger_test(two).diagnostics, "too-few-studies"));
  EXPECT_TRUE(has_code(rank_correlation_test(two).diagnostics, "too-few-studies"));
  EXPECT_TRUE(has_code(trim_and_fill(two).diagnostics, "too-few-studies"));
  MetaInput bad;
  bad.yi = {0.1, 0.3, 0.2};
  bad.vi = {0.01, -0.02, 0.03};
  EXPECT_FALSE(egger_test(bad).ok());
  EXPECT_FALSE(rank_correlation_test(bad).ok());
  EXPECT_FALSE(trim_and_fill(bad).ok());
  const MetaInput in = test::meta_input_of(test::load_reference("pairwise_dat.egger2001_OR.json"));
  RegtestOptions pm;
  pm.fit.meta.tau2_method = Tau2Method::PM;
  EXPECT_TRUE(has_code(egger_test(in, pm).diagnostics, "unsupported-tau2-method"));
  MetaInput same_se;
  same_se.yi = {0.1, 0.3, 0.2};
  same_se.vi = {0.02, 0.02, 0.02};
  EXPECT_TRUE(has_code(egger_test(same_se).diagnostics, "collinear-predictor"));
}

// metafor 3.8-1 beyond the keys of the pairwise_*.json files (small_study_extra.json, code in
// tests/reference/scripts/small_study_extra.R): regtest with ML, HE, HS, EB and REML + Hartung-Knapp,
// ranktest(exact = FALSE), trimfill R0 (REML, EE) and side = "left" (DL). Same tolerance kTol.
TEST(SmallStudy, ExtraVariantsMatchMetafor) {
  const json extra = test::load_reference("small_study_extra.json");
  std::size_t files = 0;
  for (const auto& [key, ref] : extra.items()) {
    if (key == "provenance") continue;
    ++files;
    const MetaInput in = test::meta_input_of(test::load_reference(key + ".json"));
    for (const auto& [m, rt] : ref.at("regtest").items()) {
      SCOPED_TRACE(key + " regtest " + m);
      ASSERT_FALSE(rt.contains("error"));
      RegtestOptions o;
      o.fit.meta.tau2_method = *parse_tau2_method(m.substr(0, m.find('_')));
      o.fit.meta.hartung_knapp = m.find("knha") != std::string::npos;
      const RegtestResult r = egger_test(in, o);
      ASSERT_TRUE(r.ok());
      EXPECT_REL(scalar(rt.at("stat")), r.statistic, kTol);
      EXPECT_REL(scalar(rt.at("pval")), r.p_value, kTol);
      EXPECT_EQ(rt.at("df").is_null(), !r.df.has_value());
      if (r.df) {
        EXPECT_EQ(test::ref_number(rt.at("df")), *r.df);
      }
      EXPECT_REL(scalar(rt.at("tau2")), r.tau2, kTol);
      EXPECT_REL(scalar(rt.at("limit_estimate")), r.limit_estimate, kTol);
      EXPECT_REL(scalar(rt.at("limit_ci.lb")), r.limit_ci_lower, kTol);
      EXPECT_REL(scalar(rt.at("limit_ci.ub")), r.limit_ci_upper, kTol);
    }
    {
      SCOPED_TRACE(key + " ranktest exact = FALSE");
      const RanktestResult r = rank_correlation_test(in, RanktestOptions{false});
      ASSERT_TRUE(r.ok());
      EXPECT_FALSE(r.exact);
      EXPECT_REL(scalar(ref.at("ranktest_normal").at("tau")), r.tau, kTol);
      EXPECT_REL(scalar(ref.at("ranktest_normal").at("pval")), r.p_value, kTol);
    }
    for (const auto& [m, tf] : ref.at("trimfill").items()) {
      SCOPED_TRACE(key + " trimfill " + m);
      ASSERT_FALSE(tf.contains("error"));
      TrimfillOptions o;
      if (m.rfind("R0", 0) == 0) o.estimator = TrimfillEstimator::R0;
      if (m.rfind("left", 0) == 0) o.side = TrimfillSide::left;
      o.fit = test::fit_for(m.substr(m.find('_') + 1));
      const TrimfillResult r = trim_and_fill(in, o);
      ASSERT_TRUE(r.ok());
      EXPECT_EQ(tf.at("side").get<std::string>(), to_string(r.side));
      ASSERT_EQ(tf.at("k0").get<std::size_t>(), r.k0);
      EXPECT_REL(scalar(tf.at("se.k0")), r.se_k0, kTol);
      const double pk0 = scalar(tf.at("p.k0"));
      EXPECT_EQ(std::isnan(pk0), !r.p_k0.has_value());
      if (r.p_k0) {
        EXPECT_REL(pk0, *r.p_k0, kTol);
      }
      EXPECT_EQ(tf.at("k").get<std::size_t>(), r.adjusted.k);
      EXPECT_REL(scalar(tf.at("estimate")), r.adjusted.pooled.estimate, kTol);
      EXPECT_REL(scalar(tf.at("se")), r.adjusted.pooled.se, kTol);
      EXPECT_REL(scalar(tf.at("pval")), r.adjusted.pooled.p_value, kTol);
      EXPECT_REL(scalar(tf.at("tau2")), r.adjusted.tau2, kTol);
      EXPECT_REL(scalar(tf.at("I2")), r.adjusted.I2, kTol);
      EXPECT_REL(scalar(tf.at("QE")), r.adjusted.Q, kTol);
      ASSERT_EQ(tf.at("filled_yi").size(), r.filled_yi.size());
      for (std::size_t j = 0; j < r.filled_yi.size(); ++j) {
        EXPECT_REL(test::ref_number(tf.at("filled_yi").at(j)), r.filled_yi[j], kTol);
        EXPECT_REL(test::ref_number(tf.at("filled_vi").at(j)), r.filled_vi[j], kTol);
      }
    }
  }
  EXPECT_GE(files, 13u);
}

// Every study with the same variance: Kendall's tau with the variances is 0/0. The test must say so
// instead of throwing (Boost's normal cdf rejects NaN), whether or not the exact distribution is asked for.
TEST(SmallStudy, RankTestWithEqualVariancesIsUndefinedNotAThrow) {
  MetaInput in;
  in.yi = {0.1, 0.3, -0.2, 0.5, 0.05, 0.2, 0.4, -0.1, 0.0, 0.25, 0.15};
  in.vi.assign(in.yi.size(), 0.04);
  RanktestOptions o;
  o.exact = false;
  RanktestResult r;
  ASSERT_NO_THROW(r = rank_correlation_test(in, o));
  EXPECT_TRUE(has_code(r.diagnostics, "rank-test-undefined"));
  EXPECT_TRUE(std::isnan(r.p_value));
  o.exact = true;  // ties everywhere: falls back to the normal approximation, also undefined
  ASSERT_NO_THROW(r = rank_correlation_test(in, o));
  EXPECT_TRUE(std::isnan(r.p_value));
}
