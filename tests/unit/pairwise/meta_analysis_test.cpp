// Pairwise meta-analysis against metafor 3.8-1 (R 4.2.2): every tests/reference/pairwise_*.json file
// that carries `data` (yi, vi, used) is pooled with every estimator in its `rma` entry (EE = common
// effect, DL, REML, ML, PM, SJ, HE, EB, HS), with Hartung-Knapp (`rma_knha`: DL, REML) and with the
// Q-profile CI (`confint`: DL, REML); the t(k-2) prediction interval against metafor's
// predict(pi.type = "riley") (predict_riley_higgins2009.json). Tolerances (relative, absolute below 1,
// EXPECT_REL):
//   - closed-form estimators (EE, DL, HE, HS, SJ): kClosedTol = 1e-10;
//   - Fisher scoring (REML, ML, EB): evident repeats metafor's iteration (same start, step and stopping
//     rule), so it stops at the same iterate: kScoringTol = 1e-10;
//   - PM and Q-profile bounds with RootFinder::metafor (R's uniroot algorithm, tol eps^0.25, metafor's
//     interval): the same iterates as metafor, kPmTol = kQpTol = 1e-10;
//   - with RootFinder::exact (TOMS 748 to full precision) the reference is only as close to the true
//     root as uniroot's tolerance: kUnirootTol = 1.3e-4 (eps^0.25 = 1.22e-4), and the exact root solves
//     its equation to kClosedTol.
// Invariants: study order, tau2 = 0 => random = common, k = 1 and k = 2, bad input, no convergence.
#include "evident/pairwise/meta_analysis.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "evident/pairwise/meta_analysis_json.hpp"
#include "evident_test.hpp"
#include "pairwise_fixtures.hpp"

using namespace evident;
using nlohmann::json;

namespace {

constexpr double kClosedTol = 1e-10;
constexpr double kScoringTol = 1e-10;
constexpr double kPmTol = 1e-10;
constexpr double kQpTol = 1e-10;
constexpr double kUnirootTol = 1.3e-4;

bool has_code(const MetaResult& r, const std::string& code) {
  for (const auto& d : r.diagnostics.items())
    if (d.code == code) return true;
  return false;
}

double tolerance_for(const std::string& method) {
  if (method == "PM") return kPmTol;
  if (method == "REML" || method == "ML" || method == "EB") return kScoringTol;
  return kClosedTol;
}

void expect_pooled(const json& ref, const PooledEstimate& got, double tol) {
  EXPECT_REL(test::ref_number(ref.at("estimate")), got.estimate, tol);
  EXPECT_REL(test::ref_number(ref.at("se")), got.se, tol);
  EXPECT_REL(test::ref_number(ref.at("stat")), got.statistic, tol);
  EXPECT_REL(test::ref_number(ref.at("pval")), got.p_value, tol);
  // p-values are often far below 1: compare them relatively as well.
  const double p = test::ref_number(ref.at("pval"));
  EXPECT_LE(std::fabs(p - got.p_value), 1e3 * tol * p + 1e-300) << "relative p-value error";
  EXPECT_REL(test::ref_number(ref.at("ci.lb")), got.ci_lower, tol);
  EXPECT_REL(test::ref_number(ref.at("ci.ub")), got.ci_upper, tol);
}

void expect_weights(const json& ref, const std::vector<double>& got, double tol) {
  const json& w = ref.at("weights_percent");
  ASSERT_EQ(w.size(), got.size());
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_REL(test::ref_number(w.at(i)), got[i], tol) << "study " << i;
}

class MetaforReference : public ::testing::TestWithParam<std::string> {};

TEST_P(MetaforReference, EveryTau2Estimator) {
  const json ref = test::load_reference(GetParam());
  const MetaInput in = test::meta_input_of(ref);
  for (const auto& [name, m] : ref.at("rma").items()) {
    SCOPED_TRACE(GetParam() + " rma " + name);
    const double tol = tolerance_for(name);
    MetaOptions o;
    if (name != "EE") {
      const auto method = parse_tau2_method(name);
      ASSERT_TRUE(method.has_value()) << name;
      o.tau2_method = *method;
    }
    const MetaResult r = meta_analysis(in, o);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(static_cast<std::size_t>(m.at("k").get<int>()), r.k);
    EXPECT_REL(test::ref_number(m.at("QE")), r.heterogeneity.Q, kClosedTol);
    EXPECT_EQ(test::ref_number(m.at("QE.df")), r.heterogeneity.df);
    EXPECT_REL(test::ref_number(m.at("QEp")), r.heterogeneity.p_value, kClosedTol);
    if (name == "EE") {
      expect_pooled(m, r.common, kClosedTol);
      expect_weights(m, r.common_weights, kClosedTol);
      EXPECT_REL(test::ref_number(m.at("I2")), r.heterogeneity.I2, kClosedTol);
      EXPECT_REL(test::ref_number(m.at("H2")), r.heterogeneity.H2, kClosedTol);
      continue;
    }
    EXPECT_TRUE(r.random.converged);
    EXPECT_REL(test::ref_number(m.at("tau2")), r.random.tau2, tol);
    EXPECT_REL(test::ref_number(m.at("tau")), r.random.tau, tol);
    EXPECT_REL(test::ref_number(m.at("I2")), r.random.I2, tol);
    EXPECT_REL(test::ref_number(m.at("H2")), r.random.H2, tol);
    expect_pooled(m, r.random.pooled, tol);
    expect_weights(m, r.random.weights, tol);
    ASSERT_TRUE(r.random.prediction.has_value());
    EXPECT_REL(test::ref_number(m.at("predict").at("pi.lb")), r.random.prediction->lower, tol);
    EXPECT_REL(test::ref_number(m.at("predict").at("pi.ub")), r.random.prediction->upper, tol);
    EXPECT_FALSE(r.random.prediction->df.has_value());
  }
}

TEST_P(MetaforReference, HartungKnapp) {
  const json ref = test::load_reference(GetParam());
  const MetaInput in = test::meta_input_of(ref);
  for (const auto& [name, m] : ref.at("rma_knha").items()) {
    SCOPED_TRACE(GetParam() + " rma_knha " + name);
    const double tol = tolerance_for(name);
    MetaOptions o;
    o.tau2_method = *parse_tau2_method(name);
    o.hartung_knapp = true;
    const MetaResult r = meta_analysis(in, o);
    ASSERT_TRUE(r.ok());
    expect_pooled(m, r.random.pooled, tol);
    ASSERT_TRUE(r.random.pooled.df.has_value());
    EXPECT_EQ(test::ref_number(m.at("df")), *r.random.pooled.df);
    EXPECT_REL(test::ref_number(m.at("tau2")), r.random.tau2, tol);
    ASSERT_TRUE(r.random.prediction.has_value());
    EXPECT_REL(test::ref_number(m.at("predict").at("pi.lb")), r.random.prediction->lower, tol);
    EXPECT_REL(test::ref_number(m.at("predict").at("pi.ub")), r.random.prediction->upper, tol);
    EXPECT_EQ(test::ref_number(m.at("predict").at("pi.df")), *r.random.prediction->df);
  }
}

TEST_P(MetaforReference, QProfileConfint) {
  const json ref = test::load_reference(GetParam());
  const MetaInput in = test::meta_input_of(ref);
  for (const auto& [name, c] : ref.at("confint").items()) {
    SCOPED_TRACE(GetParam() + " confint " + name);
    MetaOptions o;
    o.tau2_method = *parse_tau2_method(name);
    const MetaResult r = meta_analysis(in, o);
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE(r.random.tau2_ci.has_value());
    const Tau2Interval& ci = *r.random.tau2_ci;
    EXPECT_REL(test::ref_number(c.at("tau2").at("ci.lb")), ci.tau2_lower, kQpTol);
    EXPECT_REL(test::ref_number(c.at("tau2").at("ci.ub")), ci.tau2_upper, kQpTol);
    EXPECT_REL(test::ref_number(c.at("tau").at("ci.lb")), ci.tau_lower, kQpTol);
    EXPECT_REL(test::ref_number(c.at("tau").at("ci.ub")), ci.tau_upper, kQpTol);
    EXPECT_REL(test::ref_number(c.at("I2").at("ci.lb")), ci.I2_lower, kQpTol);
    EXPECT_REL(test::ref_number(c.at("I2").at("ci.ub")), ci.I2_upper, kQpTol);
    EXPECT_REL(test::ref_number(c.at("H2").at("ci.lb")), ci.H2_lower, kQpTol);
    EXPECT_REL(test::ref_number(c.at("H2").at("ci.ub")), ci.H2_upper, kQpTol);
  }
}

INSTANTIATE_TEST_SUITE_P(PairwiseReference, MetaforReference, ::testing::ValuesIn(test::pairwise_reference_files()),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           std::string s = param_info.param.substr(0, param_info.param.size() - 5);
                           for (char& ch : s)
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return s;
                         });

TEST_P(MetaforReference, HigginsPredictionInterval) {
  const json all = test::load_reference("predict_riley_higgins2009.json");
  const std::string key = GetParam().substr(0, GetParam().size() - 5);
  ASSERT_TRUE(all.contains(key)) << key;
  const MetaInput in = test::meta_input_of(test::load_reference(GetParam()));
  for (const auto& [name, p] : all.at(key).items()) {
    SCOPED_TRACE(key + " predict(pi.type = riley) " + name);
    MetaOptions o;
    o.tau2_method = *parse_tau2_method(name);
    o.prediction = PredictionMethod::higgins2009;
    const MetaResult r = meta_analysis(in, o);
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE(r.random.prediction.has_value());
    EXPECT_EQ(PredictionMethod::higgins2009, r.random.prediction->method);
    EXPECT_REL(test::ref_number(p.at("pred")), r.random.pooled.estimate, kScoringTol);
    EXPECT_REL(test::ref_number(p.at("se")), r.random.pooled.se, kScoringTol);
    EXPECT_REL(test::ref_number(p.at("pi.lb")), r.random.prediction->lower, kScoringTol);
    EXPECT_REL(test::ref_number(p.at("pi.ub")), r.random.prediction->upper, kScoringTol);
    EXPECT_EQ(test::ref_number(p.at("pi.df")), *r.random.prediction->df);
  }
}

TEST_P(MetaforReference, ExactRootFinder) {
  const json ref = test::load_reference(GetParam());
  const MetaInput in = test::meta_input_of(ref);
  const double df = static_cast<double>(in.yi.size()) - 1.0;
  MetaOptions o;
  o.root_finder = RootFinder::exact;
  o.tau2_method = Tau2Method::PM;
  const MetaResult pm = meta_analysis(in, o);
  ASSERT_TRUE(pm.ok());
  EXPECT_TRUE(pm.random.converged);
  EXPECT_REL(test::ref_number(ref.at("rma").at("PM").at("tau2")), pm.random.tau2, kUnirootTol);
  if (pm.random.tau2 > 0.0) {
    EXPECT_REL(df, generalised_q(in.yi, in.vi, pm.random.tau2), kClosedTol);
  } else {
    EXPECT_LE(generalised_q(in.yi, in.vi, 0.0), df);
  }
  o.tau2_method = Tau2Method::DL;
  const MetaResult dl = meta_analysis(in, o);
  ASSERT_TRUE(dl.random.tau2_ci.has_value());
  const json& c = ref.at("confint").at("DL");
  EXPECT_REL(test::ref_number(c.at("tau2").at("ci.lb")), dl.random.tau2_ci->tau2_lower, kUnirootTol);
  // metafor searches the bounds on [0, max(100, 10 tau2)] only; when the upper bound lies beyond, it
  // reports the end of that interval (normand1999 MD: 2054.09 = 10 tau2_DL). evident's metafor mode
  // does the same with a warning; the exact mode finds the true bound.
  o.root_finder = RootFinder::metafor;
  const MetaResult dl_metafor = meta_analysis(in, o);
  ASSERT_TRUE(dl_metafor.random.tau2_ci.has_value());
  const double crit_lower = boost::math::quantile(boost::math::chi_squared_distribution<double>(df), 0.025);
  if (dl_metafor.random.tau2_ci->converged) {
    EXPECT_FALSE(has_code(dl_metafor, "tau2-ci-bound-at-limit"));
    EXPECT_REL(test::ref_number(c.at("tau2").at("ci.ub")), dl.random.tau2_ci->tau2_upper, kUnirootTol);
  } else {
    EXPECT_TRUE(has_code(dl_metafor, "tau2-ci-bound-at-limit"));
    EXPECT_REL(10.0 * dl.random.tau2, test::ref_number(c.at("tau2").at("ci.ub")), kClosedTol);
    EXPECT_GT(dl.random.tau2_ci->tau2_upper, test::ref_number(c.at("tau2").at("ci.ub")));
  }
  if (dl.random.tau2_ci->tau2_upper > 0.0) {
    EXPECT_REL(crit_lower, generalised_q(in.yi, in.vi, dl.random.tau2_ci->tau2_upper), kClosedTol);
  }
}

TEST(MetaAnalysisReference, AllDatasetsFound) {
  // 13 files in tests/reference carry study-level data; a missing one would silently shrink the suite.
  EXPECT_GE(test::pairwise_reference_files().size(), 13u);
}

}  // namespace

namespace {

// A small heterogeneous data set: dat.bcg log odds ratios (first 6 studies of pairwise_dat.bcg_OR.json).
MetaInput bcg_head(std::size_t n) {
  const MetaInput all = test::meta_input_of(test::load_reference("pairwise_dat.bcg_OR.json"));
  MetaInput in;
  for (std::size_t i = 0; i < n; ++i) {
    in.study.push_back(all.study[i]);
    in.yi.push_back(all.yi[i]);
    in.vi.push_back(all.vi[i]);
  }
  return in;
}

const Tau2Method kAllMethods[] = {Tau2Method::DL, Tau2Method::REML, Tau2Method::ML, Tau2Method::PM,
                                  Tau2Method::SJ, Tau2Method::HE,   Tau2Method::HS, Tau2Method::EB};

void expect_all_finite(const MetaResult& r) {
  for (double v : {r.common.estimate, r.common.se, r.common.p_value, r.common.ci_lower, r.common.ci_upper,
                   r.random.pooled.estimate, r.random.pooled.se, r.random.pooled.p_value, r.random.pooled.ci_lower,
                   r.random.pooled.ci_upper, r.random.tau2, r.random.I2, r.random.H2, r.heterogeneity.Q,
                   r.heterogeneity.p_value, r.heterogeneity.I2, r.heterogeneity.H})
    EXPECT_TRUE(std::isfinite(v));
  for (double w : r.random.weights) EXPECT_TRUE(std::isfinite(w));
}

}  // namespace

TEST(MetaAnalysisInvariants, StudyOrderDoesNotMatter) {
  const MetaInput in = test::meta_input_of(test::load_reference("pairwise_dat.bcg_OR.json"));
  MetaInput rev = in;
  std::reverse(rev.study.begin(), rev.study.end());
  std::reverse(rev.yi.begin(), rev.yi.end());
  std::reverse(rev.vi.begin(), rev.vi.end());
  for (Tau2Method m : kAllMethods) {
    SCOPED_TRACE(to_string(m));
    for (bool hk : {false, true}) {
      MetaOptions o;
      o.tau2_method = m;
      o.hartung_knapp = hk;
      const MetaResult a = meta_analysis(in, o);
      const MetaResult b = meta_analysis(rev, o);
      // Summation order changes the last bits only; iterative methods may stop one rounding apart.
      EXPECT_REL(a.common.estimate, b.common.estimate, 1e-12);
      EXPECT_REL(a.heterogeneity.Q, b.heterogeneity.Q, 1e-12);
      EXPECT_REL(a.random.tau2, b.random.tau2, 1e-9);
      EXPECT_REL(a.random.pooled.estimate, b.random.pooled.estimate, 1e-9);
      EXPECT_REL(a.random.pooled.ci_lower, b.random.pooled.ci_lower, 1e-9);
      EXPECT_REL(a.random.prediction->upper, b.random.prediction->upper, 1e-9);
      EXPECT_REL(a.random.tau2_ci->tau2_upper, b.random.tau2_ci->tau2_upper, 1e-9);
      const std::size_t k = a.random.weights.size();
      for (std::size_t i = 0; i < k; ++i) EXPECT_REL(a.random.weights[i], b.random.weights[k - 1 - i], 1e-9);
    }
  }
}

TEST(MetaAnalysisInvariants, RandomEqualsCommonWhenTau2IsZero) {
  // collins1985a death: Q < k - 1, so every moment estimator gives tau2 = 0 (metafor: tau2 = 0 for DL).
  const json ref = test::load_reference("pairwise_dat.collins1985a_death_OR.json");
  ASSERT_EQ(0.0, test::ref_number(ref.at("rma").at("DL").at("tau2")));
  const MetaInput in = test::meta_input_of(ref);
  for (Tau2Method m : kAllMethods) {
    MetaOptions o;
    o.tau2_method = m;
    const MetaResult r = meta_analysis(in, o);
    if (r.random.tau2 != 0.0) continue;  // e.g. an estimator with a positive estimate here
    SCOPED_TRACE(to_string(m));
    EXPECT_REL(r.common.estimate, r.random.pooled.estimate, 1e-14);
    EXPECT_REL(r.common.se, r.random.pooled.se, 1e-14);
    EXPECT_REL(r.common.ci_lower, r.random.pooled.ci_lower, 1e-14);
    EXPECT_REL(r.common.ci_upper, r.random.pooled.ci_upper, 1e-14);
    EXPECT_REL(r.common.p_value, r.random.pooled.p_value, 1e-14);
    for (std::size_t i = 0; i < r.common_weights.size(); ++i)
      EXPECT_REL(r.common_weights[i], r.random.weights[i], 1e-14);
    EXPECT_EQ(0.0, r.random.I2);
    EXPECT_EQ(1.0, r.random.H2);
  }
  MetaOptions dl;
  dl.tau2_method = Tau2Method::DL;
  EXPECT_EQ(0.0, meta_analysis(in, dl).random.tau2);
}

TEST(MetaAnalysisInvariants, SingleStudyWarnsAndStaysFinite) {
  const MetaInput in = bcg_head(1);
  for (Tau2Method m : kAllMethods) {
    SCOPED_TRACE(to_string(m));
    MetaOptions o;
    o.tau2_method = m;
    o.hartung_knapp = true;
    const MetaResult r = meta_analysis(in, o);
    EXPECT_TRUE(r.ok());
    EXPECT_TRUE(has_code(r, "single-study"));
    expect_all_finite(r);
    EXPECT_REL(in.yi[0], r.common.estimate, 1e-15);
    EXPECT_REL(in.yi[0], r.random.pooled.estimate, 1e-15);
    EXPECT_REL(std::sqrt(in.vi[0]), r.random.pooled.se, 1e-15);
    EXPECT_EQ(0.0, r.random.tau2);
    EXPECT_EQ(0.0, r.heterogeneity.Q);
    EXPECT_EQ(0.0, r.heterogeneity.df);
    EXPECT_FALSE(r.random.tau2_ci.has_value());
    EXPECT_FALSE(r.random.prediction.has_value());
    const json j = to_json(r);
    EXPECT_EQ(1u, j.at("k").get<std::size_t>());
    EXPECT_TRUE(j.at("tau2_ci_lower").is_null());
    EXPECT_EQ(100.0, j.at("weights").at(0).at("random").get<double>());
  }
}

TEST(MetaAnalysisInvariants, TwoStudiesWork) {
  const MetaInput in = bcg_head(2);
  for (Tau2Method m : kAllMethods) {
    SCOPED_TRACE(to_string(m));
    for (bool hk : {false, true}) {
      MetaOptions o;
      o.tau2_method = m;
      o.hartung_knapp = hk;
      const MetaResult r = meta_analysis(in, o);
      EXPECT_TRUE(r.ok());
      EXPECT_TRUE(r.random.converged);
      expect_all_finite(r);
      EXPECT_EQ(1.0, r.heterogeneity.df);
      ASSERT_TRUE(r.random.prediction.has_value());
      ASSERT_TRUE(r.random.tau2_ci.has_value());
      EXPECT_LE(r.random.tau2_ci->tau2_lower, r.random.tau2_ci->tau2_upper);
    }
    MetaOptions higgins;
    higgins.tau2_method = m;
    higgins.prediction = PredictionMethod::higgins2009;
    const MetaResult r = meta_analysis(in, higgins);
    EXPECT_FALSE(r.random.prediction.has_value());
    EXPECT_TRUE(has_code(r, "no-prediction-interval"));
  }
}

TEST(MetaAnalysisInvariants, BadInputGivesErrorsNotExceptions) {
  MetaInput empty;
  MetaResult r = meta_analysis(empty);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(has_code(r, "no-studies"));

  MetaInput bad = bcg_head(3);
  bad.vi[1] = 0.0;
  bad.yi[2] = std::numeric_limits<double>::quiet_NaN();
  r = meta_analysis(bad);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(has_code(r, "nonpositive-variance"));
  EXPECT_TRUE(has_code(r, "nonfinite-effect"));
  EXPECT_EQ(2u, r.diagnostics.error_count());
  EXPECT_EQ(bad.study[1], r.diagnostics.items()[0].study);

  MetaInput mismatch = bcg_head(3);
  mismatch.vi.pop_back();
  r = meta_analysis(mismatch);
  EXPECT_TRUE(has_code(r, "size-mismatch"));
  const json j = to_json(r);
  EXPECT_TRUE(j.at("random").at("estimate").is_null());
  EXPECT_TRUE(j.at("H").is_null());
}

TEST(MetaAnalysisInvariants, NonConvergenceIsReported) {
  MetaOptions o;
  o.tau2_method = Tau2Method::REML;
  o.max_iterations = 1;
  o.threshold = 0.0;
  const MetaResult r = meta_analysis(test::meta_input_of(test::load_reference("pairwise_dat.bcg_OR.json")), o);
  EXPECT_TRUE(r.ok());
  EXPECT_FALSE(r.random.converged);
  EXPECT_TRUE(has_code(r, "tau2-not-converged"));
  EXPECT_EQ(2, r.random.iterations);
  const json j = to_json(r);
  EXPECT_FALSE(j.at("converged").get<bool>());
  EXPECT_EQ("tau2-not-converged", j.at("warnings").at(0).at("code").get<std::string>());
}

TEST(MetaAnalysisInvariants, HartungKnappAdhocNeverNarrower) {
  const MetaInput in = test::meta_input_of(test::load_reference("pairwise_dat.collins1985a_death_OR.json"));
  MetaOptions o;
  o.tau2_method = Tau2Method::DL;
  o.hartung_knapp = true;
  const MetaResult hk = meta_analysis(in, o);
  o.hartung_knapp_adhoc = true;
  const MetaResult adhoc = meta_analysis(in, o);
  EXPECT_LT(hk.random.hk_scale, 1.0);  // Q < k - 1 here, so plain HK shrinks the variance
  EXPECT_EQ(1.0, adhoc.random.hk_scale);
  EXPECT_GT(adhoc.random.pooled.se, hk.random.pooled.se);
}

TEST(MetaAnalysisInput, FromStandardErrorsAndEffectSet) {
  const MetaInput se = meta_input_from_se({"a", "b"}, {0.1, 0.2}, {0.5, 0.25});
  EXPECT_EQ(0.25, se.vi[0]);
  EXPECT_EQ(0.0625, se.vi[1]);

  EffectSet set;
  EffectContrast c;
  c.study = "s1", c.treat1 = "A", c.treat2 = "B", c.te = 0.5, c.se = 0.2;
  set.contrasts.push_back(c);
  c.study = "s2", c.treat1 = "B", c.treat2 = "A", c.te = 0.3, c.se = 0.1;
  set.contrasts.push_back(c);
  c.study = "s3", c.treat1 = "A", c.treat2 = "C", c.te = 1.0, c.se = 0.3;
  set.contrasts.push_back(c);
  const MetaInput in = meta_input_from_effects(set);
  ASSERT_EQ(2u, in.yi.size());
  EXPECT_EQ(0.5, in.yi[0]);
  EXPECT_EQ(-0.3, in.yi[1]);  // B vs A enters as A vs B
  EXPECT_REL(0.01, in.vi[1], 1e-15);
  ASSERT_EQ(1u, in.diagnostics.size());
  EXPECT_EQ("other-comparison", in.diagnostics.items()[0].code);
  EXPECT_EQ("s3", in.diagnostics.items()[0].study);
  const MetaInput ac = meta_input_from_effects(set, "C", "A");
  ASSERT_EQ(1u, ac.yi.size());
  EXPECT_EQ(-1.0, ac.yi[0]);
}

TEST(MetaAnalysisJson, CarriesTheFieldsOfIssue3) {
  MetaOptions o;
  o.tau2_method = Tau2Method::DL;
  const MetaResult r = meta_analysis(test::meta_input_of(test::load_reference("pairwise_dat.bcg_OR.json")), o);
  const json j = to_json(r);
  for (const char* part : {"common", "random"})
    for (const char* f : {"estimate", "se", "ci_lower", "ci_upper", "p_value"})
      EXPECT_TRUE(j.at(part).at(f).is_number()) << part << "." << f;
  for (const char* f :
       {"tau2", "tau2_ci_lower", "tau2_ci_upper", "I2", "I2_ci_lower", "I2_ci_upper", "H", "Q", "Q_df", "Q_p_value"})
    EXPECT_TRUE(j.at(f).is_number()) << f;
  EXPECT_TRUE(j.at("prediction").at("lower").is_number());
  EXPECT_TRUE(j.at("prediction").at("upper").is_number());
  EXPECT_EQ(13u, j.at("weights").size());
  EXPECT_TRUE(j.at("warnings").is_array());
  EXPECT_EQ(r.random.pooled.estimate, j.at("random").at("estimate").get<double>());
  EXPECT_EQ(std::sqrt(r.random.H2), j.at("H").get<double>());
  EXPECT_EQ("DL", j.at("method_tau2").get<std::string>());
}
