// analyse_outcome(): the analyses of a review from a data file, with the extra analyses wired to the
// study covariates. Reference values: metafor 3.8-1 via tests/reference/subgroup_bcg_RR.json (subgroups
// by allocation) and pairwise_dat.bcg_RR.json (rma REML, regtest, ranktest, trimfill, leave1out), all
// 1e-10 relative (absolute below 1). Invariances: swapping the arms of every study flips the signs;
// study order changes nothing; one analysis per outcome x time point; unknown covariates are errors
// that name the available ones.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "effects_fixtures.hpp"
#include "evident/data/read.hpp"
#include "evident/pairwise/analysis.hpp"
#include "evident_test.hpp"

using namespace evident;
using nlohmann::json;

namespace {

constexpr double kTol = 1e-10;

ReadResult load_bcg() {
  ReadOptions opts;
  for (const char* spec : {"tpos=ai", "tneg=bi", "cpos=ci", "cneg=di"}) {
    std::string err;
    auto m = parse_column_mapping(spec, err);
    EXPECT_TRUE(m.has_value()) << err;
    if (m) opts.mappings.push_back(*m);
  }
  ReadResult r = read_file(test::data_path("dat.bcg.csv"), opts);
  EXPECT_TRUE(r.ok());
  return r;
}

std::vector<PairwiseAnalysis> bcg_analyses(const PairwiseOptions& o, EffectSet* set_out = nullptr) {
  static const ReadResult r = load_bcg();
  EffectOptions eo;
  eo.measure = Measure::RR;
  const Outcome& outcome = r.dataset.outcomes.at(0);
  const EffectSet set = compute_effects(r.dataset, outcome, eo);
  if (set_out) *set_out = set;
  return analyse_outcome(r.dataset, outcome, set, o);
}

TEST(ReviewAnalysis, BcgEverythingAgainstMetafor) {
  PairwiseOptions o;
  o.subgroup = "alloc";
  o.leave_one_out = true;
  o.cumulative_by = "year";
  o.moderators = {"ablat"};
  const auto analyses = bcg_analyses(o);
  ASSERT_EQ(1u, analyses.size());
  const PairwiseAnalysis& a = analyses.front();
  ASSERT_TRUE(a.result.ok());
  const json ref = test::load_reference("pairwise_dat.bcg_RR.json");
  const json& reml = ref.at("rma").at("REML");
  EXPECT_REL(test::ref_number(reml.at("estimate")), a.result.random.pooled.estimate, kTol);
  EXPECT_REL(test::ref_number(reml.at("tau2")), a.result.random.tau2, kTol);

  ASSERT_TRUE(a.egger && a.egger->ok());
  EXPECT_REL(test::ref_number(ref.at("regtest").at("rma_REML_sei").at("stat")), a.egger->statistic, kTol);
  ASSERT_TRUE(a.begg && a.begg->ok());
  EXPECT_REL(test::ref_number(ref.at("ranktest").at("kendall_tau").at("values").at(0)), a.begg->tau, kTol);
  ASSERT_TRUE(a.trimfill && a.trimfill->ok());
  EXPECT_EQ(test::ref_number(ref.at("trimfill").at("REML").at("k0")), static_cast<double>(a.trimfill->k0));
  ASSERT_TRUE(a.leave_one_out && a.leave_one_out->ok());
  const json& loo = ref.at("leave1out").at("REML");
  ASSERT_EQ(13u, a.leave_one_out->steps.size());
  for (std::size_t i = 0; i < 13; ++i)
    EXPECT_REL(test::ref_number(loo.at("estimate").at(i)), a.leave_one_out->steps[i].fit.pooled.estimate, kTol);
  ASSERT_TRUE(a.mantel_haenszel && a.mantel_haenszel->ok());
  EXPECT_REL(test::ref_number(ref.at("rma.mh").at("RR").at("estimate")), a.mantel_haenszel->pooled.estimate, kTol);
  EXPECT_FALSE(a.peto.has_value());  // Peto pools odds ratios only

  // Subgroups by allocation: metafor's per-subgroup REML fits and the test with a separate tau2.
  const json sref = test::load_reference("subgroup_bcg_RR.json");
  ASSERT_TRUE(a.subgroups && a.subgroups->ok());
  ASSERT_EQ(sref.at("groups").size(), a.subgroups->subgroups.size());
  for (std::size_t g = 0; g < a.subgroups->subgroups.size(); ++g) {
    EXPECT_EQ(sref.at("groups").at(g).get<std::string>(), a.subgroups->subgroups[g].name);
    EXPECT_REL(test::ref_number(sref.at("REML").at("subgroups").at("estimate").at(g)),
               a.subgroups->subgroups[g].result.random.pooled.estimate, kTol);
  }
  EXPECT_REL(test::ref_number(sref.at("REML").at("separate_tau2").at("Q")), a.subgroups->random_separate_tau2.Q, kTol);

  // Cumulative by year: the last step is the full model, the first the oldest study alone.
  ASSERT_TRUE(a.cumulative && a.cumulative->ok());
  EXPECT_REL(a.result.random.pooled.estimate, a.cumulative->steps.back().fit.pooled.estimate, kTol);
  EXPECT_EQ("1", a.cumulative->steps.front().study);  // Aronson 1948

  ASSERT_TRUE(a.meta_regression && a.meta_regression->ok());
  ASSERT_EQ(2u, a.meta_regression->coefficients.size());
  EXPECT_EQ("ablat", a.meta_regression->coefficients[1].name);

  const json j = to_json(a);
  for (const char* key : {"small_study", "leave_one_out", "cumulative", "subgroups", "meta_regression",
                          "mantel_haenszel", "absolute_effects", "I2_test_based", "warnings", "exp"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ("alloc", j.at("subgroups").at("by"));
  // The field names the issue asks for.
  for (const char* key : {"tau2", "tau2_ci_lower", "tau2_ci_upper", "I2", "I2_ci_lower", "I2_ci_upper", "H", "Q",
                          "Q_df", "Q_p_value", "weights"})
    EXPECT_TRUE(j.contains(key)) << key;
  for (const char* model : {"common", "random"})
    for (const char* key : {"estimate", "se", "ci_lower", "ci_upper", "p_value"})
      EXPECT_TRUE(j.at(model).contains(key)) << model << "." << key;
  EXPECT_TRUE(j.at("prediction").contains("lower"));
  EXPECT_TRUE(j.at("prediction").contains("upper"));
}

TEST(ReviewAnalysis, UnknownCovariateIsAnErrorNamingTheAvailableOnes) {
  PairwiseOptions o;
  o.subgroup = "allocation";
  const auto analyses = bcg_analyses(o);
  ASSERT_EQ(1u, analyses.size());
  ASSERT_TRUE(analyses[0].diagnostics.has_errors());
  const Diagnostic& d = analyses[0].diagnostics.items().front();
  EXPECT_EQ("unknown-covariate", d.code);
  EXPECT_NE(std::string::npos, d.hint.find("alloc")) << d.hint;
  EXPECT_FALSE(analyses[0].subgroups.has_value());
}

TEST(ReviewAnalysis, SwappingArmsFlipsSignsAndStudyOrderChangesNothing) {
  using namespace evident::test;
  auto build = [](bool swap, bool reverse) {
    Built b = make(OutcomeType::binary);
    std::vector<std::vector<Arm>> studies = {{bin_arm("T", 12, 100), bin_arm("C", 20, 100)},
                                             {bin_arm("T", 30, 150), bin_arm("C", 45, 150)},
                                             {bin_arm("T", 8, 60), bin_arm("C", 9, 55)},
                                             {bin_arm("T", 40, 200), bin_arm("C", 70, 210)},
                                             {bin_arm("T", 3, 40), bin_arm("C", 10, 40)}};
    if (reverse) std::reverse(studies.begin(), studies.end());
    for (std::size_t i = 0; i < studies.size(); ++i) {
      auto arms = studies[i];
      if (swap) std::swap(arms[0], arms[1]);
      const std::size_t number = reverse ? studies.size() - i : i + 1;
      std::string label = "S";
      label += std::to_string(number);
      add_study(b, label, arms);
    }
    return b;
  };
  for (Measure m : {Measure::OR, Measure::RR, Measure::RD}) {
    SCOPED_TRACE(to_string(m));
    Built base = build(false, false), swapped = build(true, false), reversed = build(false, true);
    PairwiseOptions o;
    o.leave_one_out = true;
    const auto a = analyse_outcome(base.data, base.outcome(), test::run(base, m), o).at(0);
    const auto s = analyse_outcome(swapped.data, swapped.outcome(), test::run(swapped, m), o).at(0);
    const auto r = analyse_outcome(reversed.data, reversed.outcome(), test::run(reversed, m), o).at(0);
    EXPECT_EQ("T", a.comparison.treat1);
    EXPECT_EQ("C", s.comparison.treat1);
    EXPECT_REL(-a.result.common.estimate, s.result.common.estimate, 1e-12);
    EXPECT_REL(-a.result.random.pooled.estimate, s.result.random.pooled.estimate, 1e-9);
    EXPECT_REL(-a.result.random.pooled.ci_upper, s.result.random.pooled.ci_lower, 1e-9);
    EXPECT_REL(a.result.random.tau2, s.result.random.tau2, 1e-9);
    EXPECT_REL(a.result.heterogeneity.Q, s.result.heterogeneity.Q, 1e-12);
    ASSERT_TRUE(a.mantel_haenszel && s.mantel_haenszel);
    EXPECT_REL(-a.mantel_haenszel->pooled.estimate, s.mantel_haenszel->pooled.estimate, 1e-12);
    ASSERT_TRUE(a.egger && s.egger);
    EXPECT_REL(-a.egger->statistic, s.egger->statistic, 1e-8);
    // Reversed study order.
    EXPECT_REL(a.result.random.pooled.estimate, r.result.random.pooled.estimate, 1e-9);
    EXPECT_REL(a.result.random.tau2, r.result.random.tau2, 1e-9);
    EXPECT_REL(a.mantel_haenszel->pooled.estimate, r.mantel_haenszel->pooled.estimate, 1e-12);
    EXPECT_REL(a.begg->p_value, r.begg->p_value, 1e-12);
    ASSERT_TRUE(a.absolute.has_value());
    // The comparator risk is the C arm's whichever way round: the same in both.
    EXPECT_REL(a.absolute->random.risk_comparator, r.absolute->random.risk_comparator, 1e-12);
  }
}

TEST(ReviewAnalysis, OneAnalysisPerOutcomeAndTimePoint) {
  using namespace evident::test;
  Built b = make(OutcomeType::continuous);
  b.outcome().name = "pain";
  b.outcome().time_point = "short term";
  add_study(b, "S1", {cont_arm("SCS", 30, 3.0, 2.0), cont_arm("Placebo", 30, 5.0, 2.0)});
  add_study(b, "S2", {cont_arm("SCS", 40, 3.5, 2.2), cont_arm("Placebo", 40, 4.8, 2.1)});
  Outcome longer = b.outcome();
  longer.time_point = "long term";
  for (auto& sd : longer.data)
    for (auto& arm : sd.arms) *arm.mean += 1.0;
  b.data.outcomes.push_back(longer);
  std::vector<PairwiseAnalysis> all;
  for (const Outcome& o : b.data.outcomes) {
    const EffectSet set = compute_effects(b.data, o, EffectOptions{});
    for (auto& a : analyse_outcome(b.data, o, set, PairwiseOptions{})) all.push_back(std::move(a));
  }
  ASSERT_EQ(2u, all.size());
  EXPECT_EQ("short term", all[0].time_point.value_or(""));
  EXPECT_EQ("long term", all[1].time_point.value_or(""));
  EXPECT_EQ("long term", to_json(all[1]).at("time_point"));
  // k = 2: small-study tests are skipped with a note, nothing crashes.
  EXPECT_FALSE(all[0].egger.has_value());
  EXPECT_FALSE(all[0].diagnostics.empty());
}

TEST(ReviewAnalysis, SingleStudyComparisonStaysSensible) {
  using namespace evident::test;
  Built b = make(OutcomeType::binary);
  add_study(b, "S1", {bin_arm("A", 5, 50), bin_arm("B", 10, 50)});
  PairwiseOptions o;
  o.leave_one_out = true;
  o.cumulative_by = "year";
  const auto analyses = analyse_outcome(b.data, b.outcome(), test::run(b, Measure::OR), o);
  ASSERT_EQ(1u, analyses.size());
  const auto& a = analyses[0];
  EXPECT_TRUE(a.result.ok());
  EXPECT_EQ(1u, a.result.k);
  EXPECT_FALSE(a.leave_one_out.has_value());  // needs 2 studies
  EXPECT_FALSE(a.egger.has_value());
  ASSERT_TRUE(a.peto.has_value());
  EXPECT_TRUE(a.peto->ok());
  const json j = to_json(a);
  EXPECT_GE(j.at("warnings").size(), 1u);
}

}  // namespace
