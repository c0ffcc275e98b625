// Subgroup analysis, interaction test and test-based CI of H and I2.
//   - interaction_test(): Altman & Bland 2003 (BMJ 326:219, doi:10.1136/bmj.326.7382.219) worked example
//     and the same arithmetic in R 4.2.2 (line quoted below), tolerance 1e-12.
//   - subgroup_analysis(): metafor 3.8-1 on dat.bcg, log RR, subgroups = alloc
//     (tests/reference/subgroup_bcg_RR.json, scripts/subgroup_bcg.R), EE, DL, REML, ML, HE; tolerance
//     kTol = 1e-10 relative (absolute below 1), EXPECT_REL. REML/ML repeat metafor's Fisher scoring
//     (same start, step and stopping rule), so they stop at the same iterate.
//   - i2_test_based_ci(): meta 8.3-0's lower/upper H and I2 in pairwise_dat.bcg_OR.json (`meta`), 1e-10.
#include "evident/pairwise/subgroup.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "evident_test.hpp"

using namespace evident;
using nlohmann::json;

namespace {

constexpr double kTol = 1e-10;

struct BcgSubgroups {
  MetaInput input;
  std::vector<std::string> group;
};

BcgSubgroups bcg(const json& ref) {
  BcgSubgroups b;
  const json& d = ref.at("data");
  for (std::size_t i = 0; i < d.at("yi").size(); ++i) {
    b.input.study.push_back(std::to_string(i + 1));
    b.input.yi.push_back(test::ref_number(d.at("yi").at(i)));
    b.input.vi.push_back(test::ref_number(d.at("vi").at(i)));
    b.group.push_back(d.at("group").at(i).get<std::string>());
  }
  return b;
}

bool has_code(const Diagnostics& diags, const std::string& code) {
  for (const auto& d : diags.items())
    if (d.code == code) return true;
  return false;
}

}  // namespace

// Altman & Bland 2003, BMJ 326:219: blinded -1.74 (-2.73 to -0.76) vs unblinded -0.23 (-0.60 to 0.14)
// give z = -2.81, P = 0.005. R 4.2.2:
//   se1 <- (-0.76 - -2.73)/(2*qnorm(0.975)); se2 <- (0.14 - -0.60)/(2*qnorm(0.975)); d <- -1.74 - -0.23;
//   s <- sqrt(se1^2+se2^2); z <- d/s; sprintf("%.17g", c(se1, se2, d, s, z, 2*pnorm(-abs(z)),
//   d-qnorm(0.975)*s, d+qnorm(0.975)*s))
// -> 0.50256025507078428 0.18877897906212202 -1.51 0.53684663816824707 -2.8127213484137865
//    0.0049124200459938578 -2.5622000760311701 -0.45779992396882996
TEST(InteractionTest, AltmanBland2003BlindedVsUnblinded) {
  const InteractionTest t = interaction_test(-1.74, -2.73, -0.76, -0.23, -0.60, 0.14);
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t.diagnostics.empty());
  EXPECT_EQ(std::round(t.p_value * 1000.0) / 1000.0, 0.005);  // the paper's P = 0.005
  EXPECT_REL(0.50256025507078428, t.se1, 1e-12);
  EXPECT_REL(0.18877897906212202, t.se2, 1e-12);
  EXPECT_REL(-1.51, t.difference, 1e-12);
  EXPECT_REL(0.53684663816824707, t.se, 1e-12);
  EXPECT_REL(-2.8127213484137865, t.statistic, 1e-12);
  EXPECT_REL(0.0049124200459938578, t.p_value, 1e-12);
  EXPECT_REL(-2.5622000760311701, t.ci_lower, 1e-12);
  EXPECT_REL(-0.45779992396882996, t.ci_upper, 1e-12);
  EXPECT_EQ(t.difference, t.ratio_estimate);
}

TEST(InteractionTest, RatioScaleIsLogScaleAndSwappingFlipsSign) {
  // Ratios: the test on (OR, CI) must equal the test on (log OR, log CI).
  const InteractionTest r = interaction_test(0.5, 0.3, 0.9, 1.1, 0.8, 1.6, 0.95, true);
  const InteractionTest l = interaction_test(std::log(0.5), std::log(0.3), std::log(0.9), std::log(1.1), std::log(0.8),
                                             std::log(1.6), 0.95, false);
  ASSERT_TRUE(r.ok());
  EXPECT_REL(l.difference, r.difference, 1e-14);
  EXPECT_REL(l.se, r.se, 1e-14);
  EXPECT_REL(l.p_value, r.p_value, 1e-14);
  EXPECT_REL(std::exp(l.ci_lower), r.ratio_ci_lower, 1e-14);
  EXPECT_REL(0.5 / 1.1, r.ratio_estimate, 1e-14);
  const InteractionTest s = interaction_test(1.1, 0.8, 1.6, 0.5, 0.3, 0.9, 0.95, true);
  EXPECT_REL(-r.difference, s.difference, 1e-14);
  EXPECT_REL(r.p_value, s.p_value, 1e-14);
  // A 99% CI with the same width means smaller se.
  const InteractionTest w = interaction_test(-1.74, -2.73, -0.76, -0.23, -0.60, 0.14, 0.99);
  EXPECT_LT(w.se, interaction_test(-1.74, -2.73, -0.76, -0.23, -0.60, 0.14).se);
}

TEST(InteractionTest, BadInputGivesErrorsNotNumbers) {
  EXPECT_TRUE(has_code(interaction_test(1, 2, 0, 0, -1, 1).diagnostics, "interaction-ci-order"));
  EXPECT_TRUE(has_code(interaction_test(1, 0.5, 2, 0, -1, 1, 0.95, true).diagnostics, "interaction-nonpositive-ratio"));
  EXPECT_TRUE(has_code(interaction_test(NAN, 0, 1, 0, -1, 1).diagnostics, "interaction-nonfinite"));
  const InteractionTest l = interaction_test(0.5, 0, 1, 0, -1, 1, 1.5);
  EXPECT_FALSE(l.ok());
  EXPECT_TRUE(std::isnan(l.p_value));
  const InteractionTest o = interaction_test(3, 0, 1, 0, -1, 1);
  EXPECT_TRUE(o.ok());
  EXPECT_TRUE(has_code(o.diagnostics, "interaction-estimate-outside-ci"));
}

// meta 8.3-0, metabin(sm = "OR") on dat.bcg: Q = 163.16..., k = 13, lower/upper H and I2 (I2 as a
// fraction there, percent here).
TEST(I2TestBasedCI, MatchesMetaOnBcgOR) {
  const json m = test::load_reference("pairwise_dat.bcg_OR.json").at("meta");
  const HeterogeneityCI ci = i2_test_based_ci(test::ref_number(m.at("Q")), m.at("k").get<double>(), 0.95);
  ASSERT_TRUE(ci.defined);
  EXPECT_REL(test::ref_number(m.at("H")), ci.H, kTol);
  EXPECT_REL(test::ref_number(m.at("lower.H")), ci.H_lower, kTol);
  EXPECT_REL(test::ref_number(m.at("upper.H")), ci.H_upper, kTol);
  EXPECT_REL(100.0 * test::ref_number(m.at("I2")), ci.I2, kTol);
  EXPECT_REL(100.0 * test::ref_number(m.at("lower.I2")), ci.I2_lower, kTol);
  EXPECT_REL(100.0 * test::ref_number(m.at("upper.I2")), ci.I2_upper, kTol);
}

TEST(I2TestBasedCI, SmallQAndDegenerateCases) {
  // Q <= k: se(ln H) = sqrt(1/(2(k-2)) (1 - 1/(3(k-2)^2))) (Higgins & Thompson 2002), H truncated at 1.
  const HeterogeneityCI c = i2_test_based_ci(3.0, 5.0);
  ASSERT_TRUE(c.defined);
  EXPECT_REL(std::sqrt(1.0 / 6.0 * (1.0 - 1.0 / 27.0)), c.se_log_H, 1e-15);
  EXPECT_EQ(1.0, c.H);
  EXPECT_EQ(1.0, c.H_lower);
  EXPECT_EQ(0.0, c.I2_lower);
  EXPECT_GT(c.I2_upper, 0.0);
  EXPECT_FALSE(i2_test_based_ci(1.0, 2.0).defined);  // k = 2, Q <= k
  EXPECT_TRUE(i2_test_based_ci(5.0, 2.0).defined);   // k = 2, Q > k
  EXPECT_FALSE(i2_test_based_ci(5.0, 1.0).defined);
  EXPECT_FALSE(i2_test_based_ci(NAN, 5.0).defined);
}

TEST(SubgroupAnalysis, MatchesMetaforOnBcgByAllocation) {
  const json ref = test::load_reference("subgroup_bcg_RR.json");
  const BcgSubgroups b = bcg(ref);
  const std::vector<std::pair<std::string, Tau2Method>> methods = {{"EE", Tau2Method::DL},
                                                                   {"DL", Tau2Method::DL},
                                                                   {"REML", Tau2Method::REML},
                                                                   {"ML", Tau2Method::ML},
                                                                   {"HE", Tau2Method::HE}};
  for (const auto& [name, method] : methods) {
    SCOPED_TRACE(name);
    SubgroupOptions opt;
    opt.meta.tau2_method = method;
    const SubgroupResult r = subgroup_analysis(b.input, b.group, opt);
    ASSERT_TRUE(r.ok());
    const json& m = ref.at(name);
    ASSERT_EQ(ref.at("groups").size(), r.subgroups.size());
    for (std::size_t g = 0; g < r.subgroups.size(); ++g) {
      EXPECT_EQ(ref.at("groups").at(g).get<std::string>(), r.subgroups[g].name);
      const MetaResult& s = r.subgroups[g].result;
      const json& sg = m.at("subgroups");
      EXPECT_EQ(sg.at("k").at(g).get<std::size_t>(), s.k);
      EXPECT_REL(test::ref_number(sg.at("Q").at(g)), s.heterogeneity.Q, kTol);
      const PooledEstimate& p = name == "EE" ? s.common : s.random.pooled;
      EXPECT_REL(test::ref_number(sg.at("estimate").at(g)), p.estimate, kTol);
      EXPECT_REL(test::ref_number(sg.at("se").at(g)), p.se, kTol);
      if (name != "EE") {
        EXPECT_REL(test::ref_number(sg.at("tau2").at(g)), s.random.tau2, kTol);
      }
    }
    if (name == "EE") {
      // Common effect: Q total - sum Q within equals metafor's FE subgroup test and EE moderator QM.
      EXPECT_REL(test::ref_number(m.at("separate_tau2").at("Q")), r.common.Q, kTol);
      EXPECT_REL(test::ref_number(m.at("common_tau2").at("QM")), r.common.Q, kTol);
      EXPECT_REL(test::ref_number(m.at("separate_tau2").at("p")), r.common.p_value, kTol);
      EXPECT_EQ(2.0, r.common.df);
      EXPECT_REL(test::ref_number(m.at("common_tau2").at("QE")), r.Q_within, kTol);
      continue;
    }
    EXPECT_REL(test::ref_number(m.at("separate_tau2").at("Q")), r.random_separate_tau2.Q, kTol);
    EXPECT_REL(test::ref_number(m.at("separate_tau2").at("p")), r.random_separate_tau2.p_value, kTol);
    EXPECT_EQ(m.at("separate_tau2").at("df").get<double>(), r.random_separate_tau2.df);
    ASSERT_TRUE(r.common_tau2.has_value());
    const json& c = m.at("common_tau2");
    EXPECT_REL(test::ref_number(c.at("tau2")), r.common_tau2->tau2, kTol);
    EXPECT_REL(test::ref_number(c.at("QM")), r.common_tau2->test.Q, kTol);
    EXPECT_REL(test::ref_number(c.at("QMp")), r.common_tau2->test.p_value, kTol);
    EXPECT_EQ(c.at("QMdf").get<double>(), r.common_tau2->test.df);
    EXPECT_REL(test::ref_number(c.at("QE")), r.common_tau2->QE, kTol);
    EXPECT_REL(test::ref_number(c.at("QEp")), r.common_tau2->QE_p_value, kTol);
    for (std::size_t g = 0; g < r.subgroups.size(); ++g) {
      ASSERT_TRUE(r.subgroups[g].common_tau2_estimate.has_value());
      EXPECT_REL(test::ref_number(c.at("estimate").at(g)), r.subgroups[g].common_tau2_estimate->estimate, kTol);
      EXPECT_REL(test::ref_number(c.at("se").at(g)), r.subgroups[g].common_tau2_estimate->se, kTol);
    }
  }
}

TEST(SubgroupAnalysis, StudyOrderAndLabelsDoNotMatter) {
  const BcgSubgroups b = bcg(test::load_reference("subgroup_bcg_RR.json"));
  BcgSubgroups rev;
  for (std::size_t i = b.input.yi.size(); i-- > 0;) {
    rev.input.study.push_back(b.input.study[i]);
    rev.input.yi.push_back(b.input.yi[i]);
    rev.input.vi.push_back(b.input.vi[i]);
    rev.group.push_back("g_" + b.group[i]);
  }
  SubgroupOptions opt;
  const SubgroupResult a = subgroup_analysis(b.input, b.group, opt);
  const SubgroupResult c = subgroup_analysis(rev.input, rev.group, opt);
  ASSERT_TRUE(a.ok() && c.ok());
  EXPECT_REL(a.random_separate_tau2.Q, c.random_separate_tau2.Q, 1e-12);
  EXPECT_REL(a.common.Q, c.common.Q, 1e-12);
  EXPECT_REL(a.common_tau2->test.Q, c.common_tau2->test.Q, 1e-12);
  EXPECT_REL(a.common_tau2->tau2, c.common_tau2->tau2, 1e-12);
}

TEST(SubgroupAnalysis, ZeroHeterogeneityMakesAllTestsEqual) {
  // Homogeneous studies (tau2 = 0 everywhere under DL): the random-effects tests equal the common one.
  const MetaInput in = meta_input_from_se({"a", "b", "c", "d", "e", "f"}, {0.1, 0.12, 0.11, 0.3, 0.29, 0.31},
                                          {0.1, 0.1, 0.1, 0.1, 0.1, 0.1});
  SubgroupOptions opt;
  opt.meta.tau2_method = Tau2Method::DL;
  const SubgroupResult r = subgroup_analysis(in, {"x", "x", "x", "y", "y", "y"}, opt);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r.common_tau2.has_value());
  EXPECT_EQ(0.0, r.common_tau2->tau2);
  EXPECT_REL(r.common.Q, r.random_separate_tau2.Q, 1e-12);
  EXPECT_REL(r.common.Q, r.common_tau2->test.Q, 1e-12);
}

TEST(SubgroupAnalysis, EdgeCasesGiveDiagnostics) {
  const MetaInput in = meta_input_from_se({"a", "b", "c"}, {0.1, 0.5, 0.3}, {0.1, 0.2, 0.15});
  EXPECT_TRUE(has_code(subgroup_analysis(in, {"x", "y"}).diagnostics, "subgroup-size-mismatch"));
  const SubgroupResult one = subgroup_analysis(in, {"x", "x", "x"});
  EXPECT_TRUE(one.ok());
  EXPECT_TRUE(has_code(one.diagnostics, "subgroup-single"));
  EXPECT_EQ(0.0, one.common.df);
  EXPECT_TRUE(std::isnan(one.common.p_value));
  const SubgroupResult singles = subgroup_analysis(in, {"x", "y", "z"});
  EXPECT_TRUE(singles.ok());
  EXPECT_FALSE(singles.common_tau2.has_value());
  EXPECT_TRUE(has_code(singles.diagnostics, "subgroup-common-tau2-df"));
  SubgroupOptions pm;
  pm.meta.tau2_method = Tau2Method::PM;
  EXPECT_TRUE(has_code(subgroup_analysis(in, {"x", "x", "y"}, pm).diagnostics, "subgroup-common-tau2-method"));
  MetaInput bad = in;
  bad.vi[1] = -1.0;
  EXPECT_FALSE(subgroup_analysis(bad, {"x", "x", "y"}).ok());
}
