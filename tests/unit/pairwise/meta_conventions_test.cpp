// R meta's conventions (meta 8.x; values in tests/reference/pairwise_*.json under "meta", from
// metabin / metacont / metagen with REML, the classic CI and method.predict = "V"): with meta's own
// effect sizes (TE, seTE) as input, evident with tau2 REML and PredictionMethod::meta reproduces meta's
// random-effects estimate, tau2 with its Q-profile CI, Q, H with the test-based CI, I2 with its
// test-based CI and the prediction interval (t with k-1 df). For metacont/metagen the common effect
// (inverse variance) too; metabin's common effect is Mantel-Haenszel (checked against metafor rma.mh in
// mantel_haenszel_test.cpp).
// Tolerances: everything 1e-10 relative (absolute below 1); the Q-profile bounds 1e-8 (meta calls
// metafor's confint(), which evident's RootFinder::metafor emulates).
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "evident/pairwise/meta_analysis.hpp"
#include "evident/pairwise/subgroup.hpp"
#include "evident_test.hpp"
#include "pairwise_fixtures.hpp"

using namespace evident;
using nlohmann::json;

namespace {

constexpr double kTol = 1e-10;
constexpr double kQpTol = 1e-8;

std::vector<std::string> files_with_meta() {
  std::vector<std::string> out;
  for (const std::string& f : test::pairwise_reference_files("meta")) out.push_back(f);
  return out;
}

MetaInput input_of_meta(const json& m) {
  MetaInput in;
  for (std::size_t i = 0; i < m.at("TE").size(); ++i) {
    const double te = test::ref_number(m.at("TE").at(i));
    const double se = test::ref_number(m.at("seTE").at(i));
    if (!std::isfinite(te) || !std::isfinite(se)) continue;  // meta's NA: double-zero studies
    in.study.push_back("study " + std::to_string(i + 1));
    in.yi.push_back(te);
    in.vi.push_back(se * se);
  }
  return in;
}

class MetaConvention : public ::testing::TestWithParam<std::string> {};

TEST_P(MetaConvention, RandomEffectsPredictionAndHeterogeneity) {
  const json m = test::load_reference(GetParam()).at("meta");
  ASSERT_EQ(m.at("method.tau"), "REML");
  ASSERT_EQ(m.at("method.random.ci"), "classic");
  ASSERT_EQ(m.at("method.predict"), "V");
  const MetaInput in = input_of_meta(m);
  ASSERT_EQ(in.yi.size(), static_cast<std::size_t>(m.at("k").get<int>()));
  MetaOptions o;
  o.tau2_method = Tau2Method::REML;
  o.prediction = PredictionMethod::meta;
  const MetaResult r = meta_analysis(in, o);
  ASSERT_TRUE(r.ok());

  EXPECT_REL(test::ref_number(m.at("TE.random")), r.random.pooled.estimate, kTol);
  EXPECT_REL(test::ref_number(m.at("seTE.random")), r.random.pooled.se, kTol);
  EXPECT_REL(test::ref_number(m.at("lower.random")), r.random.pooled.ci_lower, kTol);
  EXPECT_REL(test::ref_number(m.at("upper.random")), r.random.pooled.ci_upper, kTol);
  EXPECT_REL(test::ref_number(m.at("statistic.random")), r.random.pooled.statistic, kTol);
  EXPECT_REL(test::ref_number(m.at("pval.random")), r.random.pooled.p_value, kTol);
  EXPECT_REL(test::ref_number(m.at("tau2")), r.random.tau2, kTol);
  EXPECT_REL(test::ref_number(m.at("tau")), r.random.tau, kTol);

  ASSERT_TRUE(r.random.prediction.has_value());
  EXPECT_EQ(PredictionMethod::meta, r.random.prediction->method);
  EXPECT_EQ(test::ref_number(m.at("df.predict")), *r.random.prediction->df);
  EXPECT_REL(test::ref_number(m.at("seTE.predict")), std::sqrt(r.random.tau2 + r.random.pooled.se * r.random.pooled.se),
             kTol);
  EXPECT_REL(test::ref_number(m.at("lower.predict")), r.random.prediction->lower, kTol);
  EXPECT_REL(test::ref_number(m.at("upper.predict")), r.random.prediction->upper, kTol);

  EXPECT_REL(test::ref_number(m.at("Q")), r.heterogeneity.Q, kTol);
  EXPECT_EQ(test::ref_number(m.at("df.Q")), r.heterogeneity.df);
  EXPECT_REL(test::ref_number(m.at("pval.Q")), r.heterogeneity.p_value, kTol);

  // meta's I2 and H with their test-based CI (I2 as a proportion there; H at least 1, as meta's).
  const HeterogeneityCI ci = i2_test_based_ci(r.heterogeneity.Q, static_cast<double>(r.k), 0.95);
  ASSERT_TRUE(ci.defined);
  EXPECT_REL(test::ref_number(m.at("H")), ci.H, kTol);
  EXPECT_REL(test::ref_number(m.at("I2")), ci.I2 / 100.0, kTol);
  EXPECT_REL(test::ref_number(m.at("lower.I2")), ci.I2_lower / 100.0, kTol);
  EXPECT_REL(test::ref_number(m.at("upper.I2")), ci.I2_upper / 100.0, kTol);
  EXPECT_REL(test::ref_number(m.at("lower.H")), ci.H_lower, kTol);
  EXPECT_REL(test::ref_number(m.at("upper.H")), ci.H_upper, kTol);

  ASSERT_EQ(m.at("method.tau.ci"), "QP");
  ASSERT_TRUE(r.random.tau2_ci.has_value());
  EXPECT_REL(test::ref_number(m.at("lower.tau2")), r.random.tau2_ci->tau2_lower, kQpTol);
  EXPECT_REL(test::ref_number(m.at("upper.tau2")), r.random.tau2_ci->tau2_upper, kQpTol);
  EXPECT_REL(test::ref_number(m.at("lower.tau")), r.random.tau2_ci->tau_lower, kQpTol);
  EXPECT_REL(test::ref_number(m.at("upper.tau")), r.random.tau2_ci->tau_upper, kQpTol);

  if (m.at("class") != "metabin") {  // metabin's common effect is Mantel-Haenszel
    EXPECT_REL(test::ref_number(m.at("TE.common")), r.common.estimate, kTol);
    EXPECT_REL(test::ref_number(m.at("seTE.common")), r.common.se, kTol);
    EXPECT_REL(test::ref_number(m.at("lower.common")), r.common.ci_lower, kTol);
    EXPECT_REL(test::ref_number(m.at("upper.common")), r.common.ci_upper, kTol);
    EXPECT_REL(test::ref_number(m.at("pval.common")), r.common.p_value, kTol);
  }
}

INSTANTIATE_TEST_SUITE_P(MetaReference, MetaConvention, ::testing::ValuesIn(files_with_meta()),
                         [](const ::testing::TestParamInfo<std::string>& i) {
                           std::string n = i.param.substr(9, i.param.size() - 14);
                           for (char& c : n)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

TEST(MetaConvention, AllMetaFilesFound) {
  EXPECT_GE(files_with_meta().size(), 13u);
}

TEST(MetaConvention, NoPredictionIntervalFromOneStudy) {
  MetaInput in;
  in.study = {"a"};
  in.yi = {0.1};
  in.vi = {0.04};
  MetaOptions o;
  o.prediction = PredictionMethod::meta;
  const MetaResult r = meta_analysis(in, o);
  EXPECT_FALSE(r.random.prediction.has_value());
  bool warned = false;
  for (const auto& d : r.diagnostics.items()) warned = warned || d.code == "single-study";
  EXPECT_TRUE(warned);
}

}  // namespace
