// Leave-one-out and cumulative meta-analysis. leave_one_out() against metafor 3.8-1 leave1out()
// (`leave1out` with REML, DL, EE in every tests/reference/pairwise_*.json file with `data`; rows with
// used = true), tolerance kTol = 1e-10 relative (absolute below 1, EXPECT_REL), the tolerance of
// meta_analysis() itself since each step is a meta_analysis() refit (all pass at 1e-12 on x86-64/GCC);
// where metafor gives NA (rma() stopped: Fisher scoring did not converge) the step must be flagged.
// cumulative_meta_analysis() by invariants: step j equals meta_analysis() of the first j + 1 studies of the order, the
// last step equals the full model, leave-one-out of study i equals the model of the others, bad input.
#include "evident/pairwise/sensitivity.hpp"

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

void expect_same(const FitSummary& a, const FitSummary& b) {
  EXPECT_EQ(a.k, b.k);
  EXPECT_REL(a.pooled.estimate, b.pooled.estimate, 1e-14);
  EXPECT_REL(a.pooled.se, b.pooled.se, 1e-14);
  EXPECT_REL(a.tau2, b.tau2, 1e-14);
  EXPECT_REL(a.Q, b.Q, 1e-14);
  EXPECT_REL(a.I2, b.I2, 1e-14);
}

bool has_code(const Diagnostics& ds, const std::string& code) {
  for (const auto& d : ds.items())
    if (d.code == code) return true;
  return false;
}

}  // namespace

TEST(Sensitivity, LeaveOneOutMatchesMetafor) {
  const auto files = test::pairwise_reference_files("leave1out");
  ASSERT_FALSE(files.empty());
  for (const auto& name : files) {
    const json ref = test::load_reference(name);
    const MetaInput in = test::meta_input_of(ref);
    for (const auto& [method, l1o] : ref.at("leave1out").items()) {
      SCOPED_TRACE(name + " leave1out " + method);
      const LeaveOneOutResult r = leave_one_out(in, test::fit_for(method));
      ASSERT_TRUE(r.ok());
      ASSERT_EQ(l1o.at("estimate").size(), r.steps.size());
      for (std::size_t i = 0; i < r.steps.size(); ++i) {
        SCOPED_TRACE(r.steps[i].study);
        const FitSummary& s = r.steps[i].fit;
        // metafor makes duplicated labels unique ("X.1", "X.2"); evident keeps the study's own label
        EXPECT_EQ(0u, l1o.at("slab").at(i).get<std::string>().rfind(r.steps[i].study, 0));
        EXPECT_EQ(i, r.steps[i].index);
        if (std::isnan(test::ref_number(l1o.at("estimate").at(i)))) {
          // metafor: NA where rma() stops because Fisher scoring did not converge; evident keeps the
          // last iterate and flags it
          EXPECT_FALSE(s.converged);
          EXPECT_TRUE(has_code(r.steps[i].diagnostics, "tau2-not-converged"));
          continue;
        }
        EXPECT_TRUE(s.converged);
        EXPECT_REL(test::ref_number(l1o.at("estimate").at(i)), s.pooled.estimate, kTol);
        EXPECT_REL(test::ref_number(l1o.at("se").at(i)), s.pooled.se, kTol);
        EXPECT_REL(test::ref_number(l1o.at("zval").at(i)), s.pooled.statistic, kTol);
        EXPECT_REL(test::ref_number(l1o.at("pval").at(i)), s.pooled.p_value, kTol);
        EXPECT_REL(test::ref_number(l1o.at("ci.lb").at(i)), s.pooled.ci_lower, kTol);
        EXPECT_REL(test::ref_number(l1o.at("ci.ub").at(i)), s.pooled.ci_upper, kTol);
        EXPECT_REL(test::ref_number(l1o.at("Q").at(i)), s.Q, kTol);
        EXPECT_REL(test::ref_number(l1o.at("Qp").at(i)), s.Q_p, kTol);
        if (method == "EE") {
          EXPECT_TRUE(l1o.at("tau2").empty());  // metafor leave1out() gives no tau2 for EE models
          EXPECT_EQ(0.0, s.tau2);
        } else {
          EXPECT_REL(test::ref_number(l1o.at("tau2").at(i)), s.tau2, kTol);
        }
        EXPECT_REL(test::ref_number(l1o.at("I2").at(i)), s.I2, kTol);
        EXPECT_REL(test::ref_number(l1o.at("H2").at(i)), s.H2, kTol);
      }
    }
  }
}

TEST(Sensitivity, LeaveOneOutEqualsFitWithoutTheStudy) {
  const MetaInput in = test::meta_input_of(test::load_reference("pairwise_dat.bcg_OR.json"));
  FitOptions o;
  o.meta.tau2_method = Tau2Method::PM;
  o.meta.hartung_knapp = true;
  const LeaveOneOutResult r = leave_one_out(in, o);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.steps.size(), in.yi.size());
  MetaInput without = in;
  without.study.erase(without.study.begin() + 4);
  without.yi.erase(without.yi.begin() + 4);
  without.vi.erase(without.vi.begin() + 4);
  MetaOptions mo = o.meta;
  mo.tau2_ci = false;
  expect_same(summarize_fit(meta_analysis(without, mo), false), r.steps[4].fit);
  ASSERT_TRUE(r.steps[4].fit.pooled.df.has_value());
  EXPECT_EQ(static_cast<double>(in.yi.size()) - 2.0, *r.steps[4].fit.pooled.df);
}

TEST(Sensitivity, CumulativeStepsAreFitsOfTheFirstStudies) {
  const MetaInput in = test::meta_input_of(test::load_reference("pairwise_dat.bcg_OR.json"));
  const std::size_t k = in.yi.size();
  std::vector<std::size_t> order(k);
  for (std::size_t i = 0; i < k; ++i) order[i] = (i * 5) % k;  // a permutation (gcd(5, 13) = 1)
  for (const bool common : {false, true}) {
    SCOPED_TRACE(common ? "EE" : "REML");
    FitOptions o;
    o.common_effect = common;
    const CumulativeResult r = cumulative_meta_analysis(in, order, o);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r.steps.size(), k);
    EXPECT_EQ(r.order, order);
    MetaOptions mo;
    mo.tau2_ci = false;
    for (std::size_t j = 0; j < k; ++j) {
      MetaInput first;
      for (std::size_t t = 0; t <= j; ++t) {
        first.study.push_back(in.study[order[t]]);
        first.yi.push_back(in.yi[order[t]]);
        first.vi.push_back(in.vi[order[t]]);
      }
      EXPECT_EQ(in.study[order[j]], r.steps[j].study);
      expect_same(summarize_fit(meta_analysis(first, mo), common), r.steps[j].fit);
    }
    // the first step is the first study alone (with the single-study warning)
    EXPECT_REL(in.yi[order[0]], r.steps[0].fit.pooled.estimate, 1e-15);
    EXPECT_TRUE(has_code(r.steps[0].diagnostics, "single-study"));
  }
  // default order = input order; last step = the full model
  const CumulativeResult d = cumulative_meta_analysis(in);
  ASSERT_TRUE(d.ok());
  MetaOptions mo;
  mo.tau2_ci = false;
  expect_same(summarize_fit(meta_analysis(in, mo), false), d.steps.back().fit);
}

TEST(Sensitivity, BadInput) {
  const MetaInput in = test::meta_input_of(test::load_reference("pairwise_dat.bcg_OR.json"));
  EXPECT_TRUE(has_code(cumulative_meta_analysis(in, {0, 1, 1}).diagnostics, "bad-order"));
  std::vector<std::size_t> out_of_range(in.yi.size());
  for (std::size_t i = 0; i < out_of_range.size(); ++i) out_of_range[i] = i + 1;
  EXPECT_TRUE(has_code(cumulative_meta_analysis(in, out_of_range).diagnostics, "bad-order"));
  MetaInput one;
  one.yi = {0.2};
  one.vi = {0.1};
  const LeaveOneOutResult l = leave_one_out(one);
  EXPECT_TRUE(has_code(l.diagnostics, "too-few-studies"));
  EXPECT_TRUE(l.steps.empty());
  MetaInput bad;
  bad.yi = {0.2, 0.3};
  bad.vi = {0.1, 0.0};
  EXPECT_FALSE(leave_one_out(bad).ok());
  EXPECT_FALSE(cumulative_meta_analysis(bad).ok());
  EXPECT_TRUE(has_code(leave_one_out(MetaInput{}).diagnostics, "no-studies"));
}

// metafor 3.8-1 cumul(rma(yi, vi, method = "REML"), order = order(vi)) on every pairwise_*.json file
// with `data` (small_study_extra.json, code in tests/reference/scripts/small_study_extra.R). kTol.
TEST(Sensitivity, CumulativeMatchesMetafor) {
  const json extra = test::load_reference("small_study_extra.json");
  std::size_t files = 0;
  for (const auto& [key, ref] : extra.items()) {
    if (key == "provenance") continue;
    ++files;
    SCOPED_TRACE(key);
    const MetaInput in = test::meta_input_of(test::load_reference(key + ".json"));
    const json& c = ref.at("cumul_REML_by_vi");
    const auto order = c.at("order0").get<std::vector<std::size_t>>();
    const CumulativeResult r = cumulative_meta_analysis(in, order, {});
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(c.at("estimate").size(), r.steps.size());
    for (std::size_t j = 0; j < r.steps.size(); ++j) {
      SCOPED_TRACE(j);
      const FitSummary& s = r.steps[j].fit;
      if (std::isnan(test::ref_number(c.at("estimate").at(j)))) {
        EXPECT_FALSE(s.converged);
        continue;
      }
      EXPECT_REL(test::ref_number(c.at("estimate").at(j)), s.pooled.estimate, kTol);
      EXPECT_REL(test::ref_number(c.at("se").at(j)), s.pooled.se, kTol);
      EXPECT_REL(test::ref_number(c.at("pval").at(j)), s.pooled.p_value, kTol);
      EXPECT_REL(test::ref_number(c.at("ci.lb").at(j)), s.pooled.ci_lower, kTol);
      EXPECT_REL(test::ref_number(c.at("ci.ub").at(j)), s.pooled.ci_upper, kTol);
      EXPECT_REL(test::ref_number(c.at("tau2").at(j)), s.tau2, kTol);
      if (j == 0) continue;  // metafor: Q, I2, H2 of a single study are NA
      EXPECT_REL(test::ref_number(c.at("Q").at(j)), s.Q, kTol);
      EXPECT_REL(test::ref_number(c.at("I2").at(j)), s.I2, kTol);
      EXPECT_REL(test::ref_number(c.at("H2").at(j)), s.H2, kTol);
    }
  }
  EXPECT_GE(files, 13u);
}
