// CINeMA domains (evident issue 6). Each rule is tested on a network where the right answer is known by
// construction: four treatments A, B, C, D with a loop A-B-C and D joined to A only (so A:D has only direct
// evidence and B:D, C:D only indirect evidence), three studies per loop comparison and two for D-A, all with
// SE 0.05 (so the direct estimates have SE 0.05/sqrt(3) and the SIDE / design-by-treatment test of the loop
// has SE 0.05 exactly). No numbers from other software are asserted: CINeMA's rules are judgements, checked
// branch by branch; the bundled examples (Senn2013, smokingcessation) must run end to end.
#include "evident/certainty/cinema.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "evident/data/read.hpp"
#include "evident_test.hpp"

using namespace evident;

namespace {

struct Net {
  ReadResult read;
  NetworkAnalysis analysis;
};

/// A network from contrast rows "study,treat1,treat2,TE,seTE,rob,indirectness".
/// The funnel plot is off: with equal SEs its Begg test (pairwise area) divides 0 by 0 (reported to the lead).
Net network(const std::string& rows, bool funnel = false) {
  Net n;
  std::string text = "studlab,treat1,treat2,TE,seTE,rob,indirectness\n";
  text += rows;
  n.read = read_text(text, "net.csv", ReadOptions{});
  EXPECT_TRUE(n.read.ok());
  EffectOptions eo;
  eo.measure = Measure::MD;
  const Outcome& o = n.read.dataset.outcomes.at(0);
  NetworkOptions no;
  no.nsim = 0;
  no.funnel = funnel;
  n.analysis = analyse_network(o, compute_effects(n.read.dataset, o, eo), no);
  EXPECT_TRUE(n.analysis.nma.ok());
  return n;
}

/// Loop A-B-C plus D-A: TE of B vs A, C vs A, C vs B and D vs A, RoB of each design's studies.
std::string loop_rows(double ba, double ca, double cb, const std::string& rob_ba = "low",
                      const std::string& rob_ca = "low", const std::string& rob_cb = "low",
                      const std::string& rob_da = "low") {
  std::string s;
  auto add = [&](int id, const char* t1, const char* t2, double te, const std::string& rob) {
    s += fmt::format("s{},{},{},{},0.05,{},low\n", id, t1, t2, te, rob);
  };
  for (int i = 1; i <= 3; ++i) add(i, "B", "A", ba, rob_ba);
  for (int i = 4; i <= 6; ++i) add(i, "C", "A", ca, rob_ca);
  for (int i = 7; i <= 9; ++i) add(i, "C", "B", cb, rob_cb);
  for (int i = 10; i <= 11; ++i) add(i, "D", "A", -0.8, rob_da);
  return s;
}

Concern concern(const CinemaResult& r, const std::string& a, const std::string& b, const char* domain) {
  const CinemaComparison* c = r.find(a, b);
  EXPECT_NE(c, nullptr) << a << ":" << b;
  if (c == nullptr) return Concern::no;
  const DomainJudgement* d = c->domain(domain);
  EXPECT_NE(d, nullptr) << domain;
  return d == nullptr ? Concern::no : d->concern;
}

bool has_code(const Diagnostics& ds, const std::string& code) {
  for (const auto& d : ds.items())
    if (d.code == code) return true;
  return false;
}

}  // namespace

TEST(Cinema, RangeCrossingsCountBoundsStrictlyInsideTheInterval) {
  const EquivalenceRange r{-0.5, 0.5};
  EXPECT_EQ(2, range_crossings(-1.0, 1.0, r));   // crosses both bounds
  EXPECT_EQ(1, range_crossings(0.0, 1.0, r));    // crosses the upper bound
  EXPECT_EQ(1, range_crossings(-0.6, 0.4, r));   // crosses the lower bound
  EXPECT_EQ(0, range_crossings(-0.2, 0.2, r));   // inside the range
  EXPECT_EQ(0, range_crossings(0.6, 0.9, r));    // entirely above
  EXPECT_EQ(0, range_crossings(-0.9, -0.6, r));  // entirely below
}

TEST(Cinema, HeterogeneityTableAsCinemaDocumentation) {
  // Rows: CI crossings, columns: PI crossings (CINeMA documentation, "Heterogeneity").
  EXPECT_EQ(Concern::no, heterogeneity_concern(0, 0));
  EXPECT_EQ(Concern::some, heterogeneity_concern(0, 1));
  EXPECT_EQ(Concern::major, heterogeneity_concern(0, 2));
  EXPECT_EQ(Concern::no, heterogeneity_concern(1, 1));
  EXPECT_EQ(Concern::some, heterogeneity_concern(1, 2));
  EXPECT_EQ(Concern::no, heterogeneity_concern(2, 2));
}

TEST(Cinema, MajorityHighestAndAverageRules) {
  LevelShares s;
  s.low = 0.5;
  s.some = 0.3;
  s.high = 0.2;
  s.average = 0.5 + 0.6 + 0.6;  // 1.7
  EXPECT_EQ(Concern::no, summarise_levels(s, RobRule::majority));
  EXPECT_EQ(Concern::major, summarise_levels(s, RobRule::highest));
  EXPECT_EQ(Concern::some, summarise_levels(s, RobRule::average));
  // Majority ties go to the higher level.
  LevelShares tie;
  tie.low = 0.5;
  tie.high = 0.5;
  EXPECT_EQ(Concern::major, summarise_levels(tie, RobRule::majority));
  // Highest: some concerns only, and nothing above low.
  LevelShares some_only;
  some_only.low = 0.9;
  some_only.some = 0.1;
  EXPECT_EQ(Concern::some, summarise_levels(some_only, RobRule::highest));
  LevelShares low_only;
  low_only.low = 1.0;
  EXPECT_EQ(Concern::no, summarise_levels(low_only, RobRule::highest));
  // Average: rounded to the nearest level, halves up.
  LevelShares a;
  a.average = 1.49;
  EXPECT_EQ(Concern::no, summarise_levels(a, RobRule::average));
  a.average = 1.5;
  EXPECT_EQ(Concern::some, summarise_levels(a, RobRule::average));
  a.average = 2.49;
  EXPECT_EQ(Concern::some, summarise_levels(a, RobRule::average));
  a.average = 2.5;
  EXPECT_EQ(Concern::major, summarise_levels(a, RobRule::average));
  EXPECT_EQ(RobRule::highest, parse_rob_rule("Highest"));
  EXPECT_FALSE(parse_rob_rule("median").has_value());
}

TEST(Cinema, AllStudiesAtHighRiskGiveMajorWithinStudyBiasUnderEveryRule) {
  const Net n = network(loop_rows(0.5, 1.0, 0.5, "high", "high", "high", "high"));
  for (RobRule rule : {RobRule::majority, RobRule::highest, RobRule::average}) {
    CinemaOptions o;
    o.mid = 0.1;
    o.rob_rule = rule;
    const CinemaResult r = cinema(n.analysis, n.read.dataset, o);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(6u, r.comparisons.size());
    for (const auto& c : r.comparisons) {
      EXPECT_EQ(Concern::major, c.domain(kWithinStudyBias)->concern) << c.comparison << " " << to_string(rule);
      EXPECT_NEAR(1.0, c.rob.high, 1e-12);
      EXPECT_EQ(Concern::no, c.domain(kIndirectness)->concern);  // indirectness all low
    }
  }
}

TEST(Cinema, BridgeComparisonTakesOnlyItsOwnStudiesRiskOfBias) {
  // D is joined to A only: the A:D estimate is made of the D-A studies (low risk) alone, while B:D also draws on
  // the C-A studies (high risk) through the path D-A-C-B.
  const Net n = network(loop_rows(0.5, 1.0, 0.5, "low", "high", "some", "low"));
  for (RobRule rule : {RobRule::majority, RobRule::highest, RobRule::average}) {
    CinemaOptions o;
    o.mid = 0.1;
    o.rob_rule = rule;
    const CinemaResult r = cinema(n.analysis, n.read.dataset, o);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(Concern::no, concern(r, "A", "D", kWithinStudyBias)) << to_string(rule);
    EXPECT_NEAR(1.0, r.find("A", "D")->rob.low, 1e-10);
    for (const auto& c : r.comparisons) EXPECT_NEAR(1.0, c.rob.low + c.rob.some + c.rob.high, 1e-10) << c.comparison;
  }
  CinemaOptions o;
  o.mid = 0.1;
  o.rob_rule = RobRule::highest;
  const CinemaResult r = cinema(n.analysis, n.read.dataset, o);
  EXPECT_GT(r.find("B", "D")->rob.high, 0.0);
  EXPECT_EQ(Concern::major, concern(r, "B", "D", kWithinStudyBias));
}

TEST(Cinema, StudiesWithoutRiskOfBiasAreNamedAndCountedOrLeftOut) {
  const Net n = network(loop_rows(0.5, 1.0, 0.5, "low", "low", "low", ""));
  CinemaOptions o;
  o.mid = 0.1;
  const CinemaResult some = cinema(n.analysis, n.read.dataset, o);
  ASSERT_TRUE(some.ok());
  ASSERT_TRUE(has_code(some.diagnostics, "cinema-rob-missing"));
  for (const auto& d : some.diagnostics.items())
    if (d.code == "cinema-rob-missing") {
      EXPECT_NE(std::string::npos, d.message.find("s10, s11")) << d.message;
    }
  EXPECT_EQ(Concern::some, concern(some, "A", "D", kWithinStudyBias));  // counted as some concerns
  EXPECT_NEAR(1.0, some.find("A", "D")->rob.missing, 1e-10);

  o.missing = MissingJudgement::exclude;
  const CinemaResult excl = cinema(n.analysis, n.read.dataset, o);
  const DomainJudgement* d = excl.find("A", "D")->domain(kWithinStudyBias);
  EXPECT_TRUE(d->needs_reviewer);  // no contributing study has a judgement
  EXPECT_EQ(Concern::no, concern(excl, "A", "B", kWithinStudyBias));
}

TEST(Cinema, HomogeneousConsistentNetworkHasNoHeterogeneityOrIncoherenceConcerns) {
  const Net n = network(loop_rows(0.5, 1.0, 0.5));
  ASSERT_NEAR(0.0, n.analysis.nma.tau2, 1e-12);
  CinemaOptions o;
  o.mid = 0.1;
  const CinemaResult r = cinema(n.analysis, n.read.dataset, o);
  ASSERT_TRUE(r.ok());
  for (const auto& c : r.comparisons) {
    EXPECT_EQ(Concern::no, c.domain(kHeterogeneity)->concern)
        << c.comparison << ": " << c.domain(kHeterogeneity)->reason;
    EXPECT_EQ(Concern::no, c.domain(kIncoherence)->concern) << c.comparison << ": " << c.domain(kIncoherence)->reason;
    EXPECT_EQ(Concern::no, c.domain(kImprecision)->concern) << c.comparison;  // every CI is far outside (-0.1, 0.1)
  }
  EXPECT_FALSE(r.find("A", "D")->domain(kIncoherence)->reason.find("only direct") == std::string::npos);
  EXPECT_FALSE(r.find("B", "D")->domain(kIncoherence)->reason.find("only indirect") == std::string::npos);
}

TEST(Cinema, ImprecisionCountsTheRangeBoundsInsideTheConfidenceInterval) {
  const Net n = network(loop_rows(0.5, 1.0, 0.5));
  CinemaOptions base;
  base.mid = 0.1;
  const CinemaResult r0 = cinema(n.analysis, n.read.dataset, base);  // keep it: find() points into it
  const CinemaComparison* c0 = r0.find("A", "B");
  ASSERT_NE(c0, nullptr);
  const double l = c0->ci_lower, u = c0->ci_upper, w = u - l;
  auto judge = [&](double lo, double hi) {
    CinemaOptions o;
    o.range = EquivalenceRange{lo, hi};
    return concern(cinema(n.analysis, n.read.dataset, o), "A", "B", kImprecision);
  };
  EXPECT_EQ(Concern::no, judge(l - 1.0, u + 1.0));         // CI inside the range
  EXPECT_EQ(Concern::no, judge(u + 0.1, u + 1.0));         // CI entirely below the range
  EXPECT_EQ(Concern::some, judge(l + w / 4, u + 1.0));     // crosses the lower bound
  EXPECT_EQ(Concern::major, judge(l + w / 4, u - w / 4));  // crosses both bounds
  // No range: the reviewer has to judge, and a warning says why.
  const CinemaResult none = cinema(n.analysis, n.read.dataset, CinemaOptions{});
  EXPECT_TRUE(has_code(none.diagnostics, "cinema-no-range"));
  EXPECT_TRUE(none.find("A", "B")->domain(kImprecision)->needs_reviewer);
  EXPECT_TRUE(none.find("A", "B")->domain(kHeterogeneity)->needs_reviewer);
  // The outcome's MID is used when the options give none.
  Net with_mid = n;
  with_mid.read.dataset.outcomes[0].mid = 10.0;
  const CinemaResult from_outcome = cinema(with_mid.analysis, with_mid.read.dataset, CinemaOptions{});
  ASSERT_TRUE(from_outcome.range.has_value());
  EXPECT_EQ(-10.0, from_outcome.range->lower);
  // A range with lower >= upper is an error.
  CinemaOptions bad;
  bad.range = EquivalenceRange{1.0, -1.0};
  EXPECT_FALSE(cinema(n.analysis, n.read.dataset, bad).ok());
}

TEST(Cinema, HeterogeneityComparesCiAndPredictionIntervalCrossings) {
  // B-A studies disagree (0.2, 0.5, 0.8): tau2 > 0 and the prediction intervals are wider than the CIs.
  std::string rows;
  const double ba[] = {0.2, 0.5, 0.8};
  for (int i = 0; i < 3; ++i) rows += fmt::format("h{},B,A,{},0.05,low,low\n", i + 1, ba[i]);
  for (int i = 4; i <= 6; ++i) rows += fmt::format("h{},C,A,1.0,0.05,low,low\n", i);
  for (int i = 7; i <= 9; ++i) rows += fmt::format("h{},C,B,0.5,0.05,low,low\n", i);
  const Net n = network(rows);
  ASSERT_GT(n.analysis.nma.tau2, 0.0);
  CinemaOptions base;
  base.mid = 0.1;
  const CinemaComparison c = *cinema(n.analysis, n.read.dataset, base).find("A", "B");
  ASSERT_TRUE(std::isfinite(c.pi_lower) && std::isfinite(c.pi_upper));
  ASSERT_LT(c.pi_lower, c.ci_lower);
  ASSERT_GT(c.pi_upper, c.ci_upper);
  auto judge = [&](double lo, double hi) {
    CinemaOptions o;
    o.range = EquivalenceRange{lo, hi};
    return concern(cinema(n.analysis, n.read.dataset, o), "A", "B", kHeterogeneity);
  };
  const double w = c.ci_upper - c.ci_lower;
  const double below = (c.pi_lower + c.ci_lower) / 2, above = (c.ci_upper + c.pi_upper) / 2;
  EXPECT_EQ(Concern::major, judge(below, above));                         // CI 0, PI 2 crossings
  EXPECT_EQ(Concern::some, judge(below, c.pi_upper + 1.0));               // CI 0, PI 1
  EXPECT_EQ(Concern::no, judge(c.pi_lower - 1.0, c.pi_upper + 1.0));      // CI 0, PI 0
  EXPECT_EQ(Concern::no, judge(c.ci_lower + w / 4, c.ci_upper - w / 4));  // CI 2, PI 2
  EXPECT_EQ(Concern::some, judge(c.ci_lower + w / 4, above));             // CI 1, PI 2
  EXPECT_EQ(Concern::no, judge(c.ci_lower + w / 4, c.pi_upper + 1.0));    // CI 1, PI 1
}

TEST(Cinema, IncoherentLoopGivesMajorIncoherenceConcerns) {
  // Direct B vs A = -1.0; indirect via C = 0.5 - (-0.5) = 1.0: the two lie on opposite sides of (-0.1, 0.1).
  const Net n = network(loop_rows(-1.0, 0.5, -0.5));
  CinemaOptions o;
  o.mid = 0.1;
  o.model = NmaModelKind::common;
  const CinemaResult r = cinema(n.analysis, n.read.dataset, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Concern::major, concern(r, "A", "B", kIncoherence));
  EXPECT_EQ(Concern::major, concern(r, "A", "C", kIncoherence));
  EXPECT_EQ(Concern::major, concern(r, "B", "C", kIncoherence));
  EXPECT_EQ(Concern::major, concern(r, "B", "D", kIncoherence));  // indirect only: global test p < 0.01
  EXPECT_EQ(Concern::no, concern(r, "A", "D", kIncoherence));     // direct only
  o.incoherence_rule = IncoherenceRule::side_p;
  EXPECT_EQ(Concern::major, concern(cinema(n.analysis, n.read.dataset, o), "A", "B", kIncoherence));
}

TEST(Cinema, IncoherenceCiRuleLooksAtTheRangeNotTheTest) {
  // Direct B vs A = 0.5, indirect = 1.0 - (-1.5) = 2.5: strongly incoherent (SIDE p < 0.01) but both CIs lie above
  // the range (-0.1, 0.1), so CINeMA's rule has no concerns; with (-0.5, 0.5) the direct CI straddles a bound
  // while the indirect CI does not (agreement on 2 of 3 areas): some concerns.
  const Net n = network(loop_rows(0.5, 1.0, -1.5));
  CinemaOptions o;
  o.model = NmaModelKind::common;
  o.mid = 0.1;
  const CinemaResult narrow = cinema(n.analysis, n.read.dataset, o);
  EXPECT_EQ(Concern::no, concern(narrow, "A", "B", kIncoherence))
      << narrow.find("A", "B")->domain(kIncoherence)->reason;
  o.mid = 0.5;
  EXPECT_EQ(Concern::some, concern(cinema(n.analysis, n.read.dataset, o), "A", "B", kIncoherence));
  o.incoherence_rule = IncoherenceRule::side_p;
  EXPECT_EQ(Concern::major, concern(cinema(n.analysis, n.read.dataset, o), "A", "B", kIncoherence));
}

TEST(Cinema, ModerateIncoherenceGivesSomeConcerns) {
  // Direct B vs A = 0.5, indirect = 1.0 - 0.4 = 0.6: difference 0.1 with SE 0.05, z = 2, p = 0.0455 for both the
  // SIDE test and the (one-df) design-by-treatment test: between 0.01 and 0.10.
  const Net n = network(loop_rows(0.5, 1.0, 0.4));
  ASSERT_TRUE(n.analysis.decomposition.has_value());
  EXPECT_NEAR(0.0455, n.analysis.decomposition->between_random.p_value, 5e-4);
  CinemaOptions o;
  o.model = NmaModelKind::common;
  o.mid = 0.1;
  o.incoherence_rule = IncoherenceRule::side_p;
  const CinemaResult r = cinema(n.analysis, n.read.dataset, o);
  EXPECT_EQ(Concern::some, concern(r, "B", "D", kIncoherence));
  EXPECT_EQ(Concern::some, concern(r, "A", "B", kIncoherence));
}

TEST(Cinema, ReportingBiasFromTheReviewerOrMarkedForReview) {
  const Net n = network(loop_rows(0.5, 1.0, 0.5));
  CinemaOptions o;
  o.mid = 0.1;
  const CinemaResult def = cinema(n.analysis, n.read.dataset, o);
  const DomainJudgement* d = def.find("A", "B")->domain(kReportingBias);
  EXPECT_EQ(Concern::no, d->concern);
  EXPECT_TRUE(d->needs_reviewer);
  o.reporting_bias_all = ReportingBias::strongly_suspected;
  o.reporting_bias["B:A"] = ReportingBias::suspected;  // either order
  const CinemaResult r = cinema(n.analysis, n.read.dataset, o);
  EXPECT_EQ(Concern::some, concern(r, "A", "B", kReportingBias));
  EXPECT_EQ(Concern::major, concern(r, "C", "D", kReportingBias));
  EXPECT_FALSE(r.find("C", "D")->domain(kReportingBias)->needs_reviewer);
  EXPECT_EQ(ReportingBias::strongly_suspected, parse_reporting_bias("Strongly suspected"));
}

TEST(Cinema, OverallRatingAndOverridesAreKeptInJson) {
  const Net n = network(loop_rows(-1.0, 0.5, -0.5, "low", "low", "low", "high"));
  CinemaOptions o;
  o.mid = 0.1;
  o.model = NmaModelKind::common;
  o.overrides["D:A"][kWithinStudyBias] = ConcernOverride{Concern::some, "only outcome assessment was unblinded"};
  o.overrides["D:A"]["made-up domain"] = ConcernOverride{Concern::some, "x"};
  o.overrides["A:Z"][kImprecision] = ConcernOverride{Concern::some, "x"};
  o.overall_overrides["A:B"] = CertaintyOverride{Certainty::moderate, "panel judgement"};
  const CinemaResult r = cinema(n.analysis, n.read.dataset, o);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(has_code(r.diagnostics, "cinema-unknown-domain"));
  EXPECT_TRUE(has_code(r.diagnostics, "cinema-unknown-comparison"));
  for (const auto& c : r.comparisons) {
    int levels = 0;
    for (const auto& d : c.domains) levels += levels_down(d.concern);
    EXPECT_EQ(rate_down(Certainty::high, levels), c.computed_overall) << c.comparison;
  }
  const CinemaComparison* ad = r.find("A", "D");
  const DomainJudgement* rob = ad->domain(kWithinStudyBias);
  EXPECT_EQ(Concern::some, rob->concern);
  ASSERT_TRUE(rob->computed.has_value());
  EXPECT_EQ(Concern::major, *rob->computed);
  const CinemaComparison* ab = r.find("A", "B");
  EXPECT_EQ(Certainty::moderate, ab->overall);
  EXPECT_EQ(Certainty::very_low, ab->computed_overall);

  const nlohmann::json j = to_json(r);
  ASSERT_EQ(6u, j.at("comparisons").size());
  bool seen_domain = false, seen_overall = false;
  for (const auto& c : j.at("comparisons")) {
    ASSERT_EQ(6u, c.at("domains").size());
    if (c.at("comparison") == "A:D") {
      const auto& d = c.at("domains").at(0);
      EXPECT_EQ("within-study bias", d.at("domain"));
      EXPECT_EQ(true, d.at("overridden"));
      EXPECT_EQ("major concerns", d.at("computed"));
      EXPECT_EQ("some concerns", d.at("judgement"));
      EXPECT_EQ("only outcome assessment was unblinded", d.at("override_reason"));
      seen_domain = true;
    }
    if (c.at("comparison") == "A:B") {
      EXPECT_EQ("moderate", c.at("overall"));
      EXPECT_EQ("very low", c.at("computed_overall"));
      EXPECT_EQ(true, c.at("overall_overridden"));
      EXPECT_EQ("panel judgement", c.at("overall_override_reason"));
      seen_overall = true;
    }
  }
  EXPECT_TRUE(seen_domain && seen_overall);
  EXPECT_EQ(0.1, j.at("range").at("upper"));
}

TEST(Cinema, NeedsTheContributionMatrix) {
  Net n = network(loop_rows(0.5, 1.0, 0.5));
  n.analysis.contribution.reset();
  const CinemaResult r = cinema(n.analysis, n.read.dataset, CinemaOptions{});
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(has_code(r.diagnostics, "cinema-no-contribution"));
}

TEST(Cinema, Senn2013RunsWithRiskOfBiasAssignedInCode) {
  ReadResult rr = read_file(test::data_path("Senn2013.csv"), ReadOptions{});
  ASSERT_TRUE(rr.ok());
  // Senn2013 has no RoB: assign low / some concerns / high in turn, indirectness low for all.
  for (std::size_t i = 0; i < rr.dataset.studies.size(); ++i) {
    rr.dataset.studies[i].rob.overall = static_cast<Judgement>(i % 3);
    rr.dataset.studies[i].indirectness = Judgement::low;
  }
  EffectOptions eo;
  eo.measure = Measure::MD;
  const Outcome& outcome = rr.dataset.outcomes.at(0);
  NetworkOptions no;
  no.nsim = 0;
  const NetworkAnalysis a = analyse_network(outcome, compute_effects(rr.dataset, outcome, eo), no);
  ASSERT_TRUE(a.nma.ok());
  CinemaOptions o;
  o.mid = 0.3;  // HbA1c, percentage points
  o.rob_rule = RobRule::average;
  const CinemaResult r = cinema(a, rr.dataset, o);
  ASSERT_TRUE(r.ok());
  const std::size_t k = a.nma.treatments.size();
  ASSERT_EQ(k * (k - 1) / 2, r.comparisons.size());
  for (const auto& c : r.comparisons) {
    ASSERT_EQ(6u, c.domains.size());
    EXPECT_NEAR(1.0, c.rob.low + c.rob.some + c.rob.high, 1e-10) << c.comparison;
    EXPECT_NEAR(c.rob.low + 2 * c.rob.some + 3 * c.rob.high, c.rob.average, 1e-12);
    EXPECT_EQ(Concern::no, c.domain(kIndirectness)->concern);
    EXPECT_FALSE(c.domain(kImprecision)->needs_reviewer);
    for (const auto& d : c.domains) EXPECT_FALSE(d.reason.empty()) << c.comparison << " " << d.domain;
  }
  // 26 contrasts: the comparison-adjusted funnel plot is tested, so reporting bias has a default to review.
  ASSERT_TRUE(a.funnel && a.funnel->egger);
  const DomainJudgement* rb = r.comparisons.front().domain(kReportingBias);
  EXPECT_TRUE(rb->needs_reviewer);
  EXPECT_NE(std::string::npos, rb->reason.find("Egger")) << rb->reason;
  EXPECT_EQ(a.funnel->egger->p_value < 0.10 ? Concern::some : Concern::no, rb->concern);
  EXPECT_FALSE(has_code(r.diagnostics, "cinema-rob-missing"));
}

TEST(Cinema, SmokingCessationRunsWithMissingRiskOfBiasNoted) {
  ReadResult rr = read_file(test::data_path("smokingcessation.csv"), ReadOptions{});
  ASSERT_TRUE(rr.ok());
  for (std::size_t i = 0; i + 1 < rr.dataset.studies.size(); ++i)  // the last study stays without RoB
    rr.dataset.studies[i].rob.overall = i % 2 == 0 ? Judgement::low : Judgement::high;
  EffectOptions eo;
  eo.measure = Measure::OR;
  const Outcome& outcome = rr.dataset.outcomes.at(0);
  NetworkOptions no;
  no.nsim = 0;
  const NetworkAnalysis a = analyse_network(outcome, compute_effects(rr.dataset, outcome, eo), no);
  ASSERT_TRUE(a.nma.ok());
  CinemaOptions o;
  o.mid = std::log(1.25);  // odds ratio 0.8 to 1.25
  const CinemaResult r = cinema(a, rr.dataset, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(6u, r.comparisons.size());
  EXPECT_TRUE(has_code(r.diagnostics, "cinema-rob-missing"));
  EXPECT_TRUE(has_code(r.diagnostics, "cinema-indirectness-missing"));
  for (const auto& c : r.comparisons) {
    EXPECT_TRUE(std::isfinite(c.pi_lower)) << c.comparison;
    EXPECT_FALSE(c.domain(kHeterogeneity)->needs_reviewer);
    EXPECT_GT(c.rob.missing, 0.0) << c.comparison;  // the unjudged study is in every comparison's evidence
  }
  const nlohmann::json j = to_json(r);
  EXPECT_EQ("OR", j.at("measure"));
  EXPECT_EQ("majority", j.at("rob_rule"));
}
