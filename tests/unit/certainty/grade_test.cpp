// GRADE domains for a pairwise meta-analysis (evident issue 6). Every rule branch is tested on a meta-analysis
// built so that the answer is known (equal standard errors give equal weights; identical estimates give
// I2 = 0; ranges of equivalence are placed relative to the computed CI and prediction interval), and the
// bundled dat.bcg example must run with risk of bias assigned in code from its allocation column. No numbers
// from other software are asserted: the judgements are rules, checked branch by branch.
#include "evident/certainty/grade.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "evident/data/read.hpp"
#include "evident_test.hpp"

using namespace evident;

namespace {

struct Pair {
  ReadResult read;
  PairwiseAnalysis analysis;
};

struct Row {
  double te;
  const char* rob;
  const char* indirectness;
};

/// A meta-analysis of B versus A from contrast rows, SE 0.1 each unless given.
Pair pairwise(const std::vector<Row>& rows, double se = 0.1) {
  std::string text = "studlab,treat1,treat2,TE,seTE,rob,indirectness\n";
  for (std::size_t i = 0; i < rows.size(); ++i)
    text += fmt::format("p{},B,A,{},{},{},{}\n", i + 1, rows[i].te, se, rows[i].rob, rows[i].indirectness);
  Pair p;
  p.read = read_text(text, "pair.csv", ReadOptions{});
  EXPECT_TRUE(p.read.ok());
  EffectOptions eo;
  eo.measure = Measure::MD;
  const Outcome& o = p.read.dataset.outcomes.at(0);
  // Small-study tests off: with equal SEs, Begg's test in the pairwise area divides 0 by 0 (reported to the lead).
  PairwiseOptions po;
  po.small_study = false;
  const auto all = analyse_outcome(p.read.dataset, o, compute_effects(p.read.dataset, o, eo), po);
  EXPECT_EQ(1u, all.size());
  if (!all.empty()) p.analysis = all.front();
  return p;
}

Concern concern(const GradeResult& r, const char* domain) {
  const DomainJudgement* d = r.domain(domain);
  EXPECT_NE(d, nullptr) << domain;
  return d == nullptr ? Concern::no : d->concern;
}

std::vector<Row> same(int k, double te, const char* rob = "low", const char* ind = "low") {
  return std::vector<Row>(static_cast<std::size_t>(k), Row{te, rob, ind});
}

}  // namespace

TEST(Grade, RiskOfBiasFromTheWeightOfHighAndSomeConcernStudies) {
  GradeOptions o;
  o.mid = 0.1;
  // Equal SEs and identical estimates: equal weights of 25% each.
  auto judge = [&](std::vector<const char*> robs) {
    std::vector<Row> rows;
    for (const char* r : robs) rows.push_back(Row{0.5, r, "low"});
    const Pair p = pairwise(rows);
    return grade(p.analysis, p.read.dataset, o);
  };
  const GradeResult all_high = judge({"high", "high", "high", "high"});
  ASSERT_TRUE(all_high.ok());
  EXPECT_EQ(Concern::major, concern(all_high, kRiskOfBias));
  EXPECT_NEAR(1.0, all_high.rob.high, 1e-12);
  const GradeResult mixed = judge({"high", "some", "some", "low"});  // high 25%, not low 75%
  EXPECT_NEAR(0.25, mixed.rob.high, 1e-12);
  EXPECT_EQ(Concern::some, concern(mixed, kRiskOfBias));
  EXPECT_EQ(Concern::no, concern(judge({"high", "low", "low", "low"}), kRiskOfBias));   // not low 25%
  EXPECT_EQ(Concern::no, concern(judge({"high", "some", "low", "low"}), kRiskOfBias));  // not low exactly 50%
  // Exactly half is not "most": high 50% and not low 50% is not serious; high 50% with not low 75% is serious.
  EXPECT_EQ(Concern::no, concern(judge({"high", "high", "low", "low"}), kRiskOfBias));
  EXPECT_EQ(Concern::some, concern(judge({"high", "high", "some", "low"}), kRiskOfBias));
  EXPECT_EQ(Concern::major, concern(judge({"high", "high", "high", "low"}), kRiskOfBias));
}

TEST(Grade, MissingRiskOfBiasIsNamedAndCountedOrLeftOut) {
  const Pair p = pairwise({{0.5, "low", "low"}, {0.5, "low", "low"}, {0.5, "", "low"}, {0.5, "", "low"}});
  GradeOptions o;
  o.mid = 0.1;
  const GradeResult counted = grade(p.analysis, p.read.dataset, o);
  bool named = false;
  for (const auto& d : counted.diagnostics.items())
    if (d.code == "grade-rob-missing") named = d.message.find("p3, p4") != std::string::npos;
  EXPECT_TRUE(named);
  EXPECT_NEAR(0.5, counted.rob.missing, 1e-12);
  EXPECT_EQ(Concern::no, concern(counted, kRiskOfBias));  // 50% not low is not above 50%
  o.serious_share = 0.4;
  EXPECT_EQ(Concern::some, concern(grade(p.analysis, p.read.dataset, o), kRiskOfBias));
  o.missing = MissingJudgement::exclude;
  const GradeResult excluded = grade(p.analysis, p.read.dataset, o);
  EXPECT_NEAR(1.0, excluded.rob.low, 1e-12);
  EXPECT_EQ(Concern::no, concern(excluded, kRiskOfBias));
}

TEST(Grade, IndirectnessUsesTheSameWeightRule) {
  const Pair p = pairwise({{0.5, "low", "high"}, {0.5, "low", "high"}, {0.5, "low", "high"}, {0.5, "low", "some"}});
  GradeOptions o;
  o.mid = 0.1;
  const GradeResult r = grade(p.analysis, p.read.dataset, o);
  EXPECT_EQ(Concern::major, concern(r, kGradeIndirectness));
  EXPECT_NEAR(0.75, r.indirectness.high, 1e-12);
}

TEST(Grade, ImprecisionAgainstTheRangeOrTheNull) {
  const Pair p = pairwise(same(4, 0.5));
  const GradeResult base = grade(p.analysis, p.read.dataset, GradeOptions{});
  const double l = base.ci_lower, u = base.ci_upper, w = u - l;
  auto judge = [&](double lo, double hi) {
    GradeOptions o;
    o.range = EquivalenceRange{lo, hi};
    return concern(grade(p.analysis, p.read.dataset, o), kGradeImprecision);
  };
  EXPECT_EQ(Concern::no, judge(l - 1.0, u + 1.0));
  EXPECT_EQ(Concern::no, judge(-0.1, 0.1));  // CI entirely beyond the range: a clear effect
  EXPECT_EQ(Concern::some, judge(l + w / 4, u + 1.0));
  EXPECT_EQ(Concern::major, judge(l + w / 4, u - w / 4));
  // No range: the null decides, and the reviewer must look.
  const DomainJudgement* d = base.domain(kGradeImprecision);
  EXPECT_TRUE(d->needs_reviewer);
  EXPECT_EQ(Concern::no, d->concern);  // CI of 0.5 +- 0.1 excludes 0
  const Pair null_effect = pairwise(same(2, 0.05));
  EXPECT_EQ(Concern::some,
            concern(grade(null_effect.analysis, null_effect.read.dataset, GradeOptions{}), kGradeImprecision));
}

TEST(Grade, InconsistencyFromPredictionIntervalOrI2) {
  // Homogeneous: I2 = 0, the prediction interval hardly wider than the CI.
  const Pair hom = pairwise(same(5, 0.5));
  GradeOptions o;
  o.mid = 0.1;
  const GradeResult h = grade(hom.analysis, hom.read.dataset, o);
  EXPECT_EQ(Concern::no, concern(h, kInconsistency)) << h.domain(kInconsistency)->reason;
  EXPECT_FALSE(h.domain(kInconsistency)->needs_reviewer);

  // Heterogeneous: estimates 0.1 ... 0.9 with SE 0.1 (I2 well above 75%, Q p < 0.10).
  const Pair het = pairwise(
      {{0.1, "low", "low"}, {0.3, "low", "low"}, {0.5, "low", "low"}, {0.7, "low", "low"}, {0.9, "low", "low"}});
  ASSERT_GT(het.analysis.result.heterogeneity.I2, 75.0);
  ASSERT_LT(het.analysis.result.heterogeneity.p_value, 0.10);
  const GradeResult g = grade(het.analysis, het.read.dataset, GradeOptions{});
  ASSERT_TRUE(g.pi_lower && g.pi_upper);
  EXPECT_EQ(Concern::major, concern(g, kInconsistency));  // no MID: I2 rule
  EXPECT_TRUE(g.domain(kInconsistency)->needs_reviewer);
  // With a range built around the CI and PI.
  auto judge = [&](double lo, double hi) {
    GradeOptions r;
    r.range = EquivalenceRange{lo, hi};
    return concern(grade(het.analysis, het.read.dataset, r), kInconsistency);
  };
  const double below = (*g.pi_lower + g.ci_lower) / 2, above = (g.ci_upper + *g.pi_upper) / 2;
  EXPECT_EQ(Concern::major, judge(below, above));
  EXPECT_EQ(Concern::some, judge(below, *g.pi_upper + 1.0));
  EXPECT_EQ(Concern::no, judge(*g.pi_lower - 1.0, *g.pi_upper + 1.0));

  // Moderate: I2 between 50% and 75% with p < 0.10 gives serious (no MID).
  const Pair mod = pairwise({{0.3, "low", "low"}, {0.5, "low", "low"}, {0.7, "low", "low"}, {0.45, "low", "low"}});
  const double i2 = mod.analysis.result.heterogeneity.I2;
  ASSERT_GT(i2, 50.0);
  ASSERT_LT(i2, 75.0);
  ASSERT_LT(mod.analysis.result.heterogeneity.p_value, 0.10);
  EXPECT_EQ(Concern::some, concern(grade(mod.analysis, mod.read.dataset, GradeOptions{}), kInconsistency));

  // A single study: cannot be assessed.
  const Pair one = pairwise(same(1, 0.5));
  const GradeResult single = grade(one.analysis, one.read.dataset, o);
  EXPECT_TRUE(single.domain(kInconsistency)->needs_reviewer);
  EXPECT_EQ(Concern::no, concern(single, kInconsistency));
}

TEST(Grade, PublicationBiasNeedsTenStudies) {
  GradeOptions o;
  o.mid = 0.1;
  const Pair few = pairwise(same(9, 0.5));
  const GradeResult r9 = grade(few.analysis, few.read.dataset, o);
  EXPECT_EQ(Concern::no, concern(r9, kPublicationBias));
  EXPECT_TRUE(r9.domain(kPublicationBias)->needs_reviewer);
  o.publication_bias = ReportingBias::strongly_suspected;
  const GradeResult reviewer = grade(few.analysis, few.read.dataset, o);
  EXPECT_EQ(Concern::some, concern(reviewer, kPublicationBias));  // GRADE rates down at most one level
  EXPECT_FALSE(reviewer.domain(kPublicationBias)->needs_reviewer);
}

TEST(Grade, OverallRatingStartsHighOrLowAndKeepsOverrides) {
  const Pair p = pairwise({{0.5, "high", "low"}, {0.5, "high", "low"}, {0.5, "high", "low"}});
  GradeOptions o;
  o.mid = 0.1;
  const GradeResult r = grade(p.analysis, p.read.dataset, o);
  // Risk of bias very serious (-2); everything else not serious, publication bias untested.
  EXPECT_EQ(Certainty::low, r.computed_overall);
  EXPECT_EQ(Certainty::low, r.overall);
  o.start = Certainty::low;  // observational studies
  EXPECT_EQ(Certainty::very_low, grade(p.analysis, p.read.dataset, o).overall);
  o.start = Certainty::high;
  o.overrides[kRiskOfBias] = ConcernOverride{Concern::some, "bias would favour the comparator"};
  o.overrides["nonsense"] = ConcernOverride{Concern::some, "x"};
  o.overall_override = CertaintyOverride{Certainty::high, "large effect"};
  const GradeResult ov = grade(p.analysis, p.read.dataset, o);
  EXPECT_EQ(Certainty::moderate, ov.computed_overall);
  EXPECT_EQ(Certainty::high, ov.overall);
  bool warned = false;
  for (const auto& d : ov.diagnostics.items()) warned = warned || d.code == "grade-unknown-domain";
  EXPECT_TRUE(warned);
  const nlohmann::json j = to_json(ov);
  ASSERT_EQ(5u, j.at("domains").size());
  const auto& rob = j.at("domains").at(0);
  EXPECT_EQ("risk of bias", rob.at("domain"));
  EXPECT_EQ(true, rob.at("overridden"));
  EXPECT_EQ("major concerns", rob.at("computed"));
  EXPECT_EQ("bias would favour the comparator", rob.at("override_reason"));
  EXPECT_EQ("high", j.at("overall"));
  EXPECT_EQ("moderate", j.at("computed_overall"));
  EXPECT_EQ("large effect", j.at("overall_override_reason"));
}

TEST(Grade, BcgRunsWithRiskOfBiasFromAllocation) {
  ReadOptions ro;
  for (const char* spec : {"tpos=ai", "tneg=bi", "cpos=ci", "cneg=di"}) {
    std::string err;
    auto m = parse_column_mapping(spec, err);
    ASSERT_TRUE(m.has_value()) << err;
    ro.mappings.push_back(*m);
  }
  ReadResult rr = read_file(test::data_path("dat.bcg.csv"), ro);
  ASSERT_TRUE(rr.ok());
  // dat.bcg has no RoB: random allocation -> low, alternate -> some concerns, systematic -> high.
  for (auto& s : rr.dataset.studies) {
    const auto it = s.covariates.find("alloc");
    ASSERT_NE(it, s.covariates.end());
    s.rob.overall = it->second.text == "random"      ? Judgement::low
                    : it->second.text == "alternate" ? Judgement::some_concerns
                                                     : Judgement::high;
    s.indirectness = Judgement::low;
  }
  EffectOptions eo;
  eo.measure = Measure::RR;
  const Outcome& outcome = rr.dataset.outcomes.at(0);
  const auto all = analyse_outcome(rr.dataset, outcome, compute_effects(rr.dataset, outcome, eo), PairwiseOptions{});
  ASSERT_EQ(1u, all.size());
  const PairwiseAnalysis& a = all.front();
  GradeOptions o;
  o.mid = std::log(1.25);
  const GradeResult r = grade(a, rr.dataset, o);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(5u, r.domains.size());
  // The shares are the random-effects weights of each allocation group.
  double low = 0, some = 0, high = 0;
  for (std::size_t i = 0; i < a.result.study.size(); ++i) {
    const Study& s = rr.dataset.studies[rr.dataset.find_study(a.result.study[i])];
    const double w = a.result.random.weights[i] / 100.0;
    (*s.rob.overall == Judgement::low ? low : *s.rob.overall == Judgement::some_concerns ? some : high) += w;
  }
  EXPECT_NEAR(low, r.rob.low, 1e-12);
  EXPECT_NEAR(some, r.rob.some, 1e-12);
  EXPECT_NEAR(high, r.rob.high, 1e-12);
  // 13 studies: Egger's test decides the default, which the reviewer must confirm.
  ASSERT_TRUE(a.egger.has_value());
  const DomainJudgement* pb = r.domain(kPublicationBias);
  EXPECT_TRUE(pb->needs_reviewer);
  EXPECT_EQ(a.egger->p_value < 0.10 ? Concern::some : Concern::no, pb->concern);
  EXPECT_NE(std::string::npos, pb->reason.find("Egger")) << pb->reason;
  GradeOptions always;
  always.mid = std::log(1.25);
  always.publication_bias_alpha = 1.0;  // every p is below: the suspected branch
  EXPECT_EQ(Concern::some, concern(grade(a, rr.dataset, always), kPublicationBias));
  // BCG: large heterogeneity (I2 = 92%) whose prediction interval spans the whole range.
  EXPECT_NE(Concern::no, concern(r, kInconsistency)) << r.domain(kInconsistency)->reason;
  for (const auto& d : r.domains) EXPECT_FALSE(d.reason.empty()) << d.domain;
}
