// Summary-of-findings tables from an NMA and its CINeMA ratings: one table per treatment versus the
// reference, carrying the network estimate (exactly the NMA's), the CINeMA rating and its reasons, direct
// studies and participants, and for binary outcomes the median comparator risk of the reference arms.
#include "evident/certainty/network_sof.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "evident/data/read.hpp"
#include "evident/report/tables.hpp"
#include "evident_test.hpp"

using namespace evident;

TEST(NetworkSof, ContrastNetworkWithMid) {
  const ReadResult read = read_text(
      "studlab,treat1,treat2,TE,seTE,rob\n"
      "s1,B,A,-1.0,0.3,low\ns2,B,A,-0.8,0.35,high\ns3,C,A,-0.4,0.3,low\ns4,C,B,0.5,0.4,some\n",
      "net.csv", ReadOptions{});
  ASSERT_TRUE(read.ok());
  Outcome o = read.dataset.outcomes.at(0);
  o.mid = 0.5;
  o.direction = Direction::small_values_desirable;
  EffectOptions eo;
  eo.measure = Measure::MD;
  NetworkOptions no;
  no.nsim = 0;
  no.funnel = false;
  const NetworkAnalysis a = analyse_network(o, compute_effects(read.dataset, o, eo), no);
  ASSERT_TRUE(a.nma.ok());
  const CinemaResult c = cinema(a, read.dataset);
  ASSERT_TRUE(c.ok());
  const auto sofs = network_summary_of_findings(a, c, read.dataset, o);
  ASSERT_EQ(a.nma.treatments.size() - 1, sofs.size());
  const std::size_t ref = a.nma.treatment_index(a.nma.reference);
  for (const SummaryOfFindings& s : sofs) {
    EXPECT_EQ(a.nma.reference, s.comparator);
    ASSERT_EQ(1u, s.rows.size());
    const OutcomeEvidence& e = s.rows[0].evidence;
    const auto t = static_cast<Eigen::Index>(a.nma.treatment_index(s.intervention));
    EXPECT_EQ(a.nma.random.TE(t, static_cast<Eigen::Index>(ref)), e.estimate);
    EXPECT_EQ(a.nma.random.lower(t, static_cast<Eigen::Index>(ref)), e.ci_lower);
    const CinemaComparison* cc = c.find(s.intervention, a.nma.reference);
    ASSERT_NE(nullptr, cc);
    EXPECT_EQ(cc->overall, e.certainty);
    std::size_t concerns = 0;
    for (const auto& d : cc->domains) concerns += d.concern != Concern::no;
    EXPECT_EQ(concerns, e.reasons.size());
    ASSERT_TRUE(e.thresholds);
    EXPECT_EQ(0.5, e.thresholds->small);
    EXPECT_FALSE(s.rows[0].statement.empty());
    const report::Table t2 = report::make_sof_table(s);
    ASSERT_EQ(1u, t2.rows.size());
    EXPECT_EQ(6u, t2.columns());
    EXPECT_EQ(e.estimate, t2.rows[0][2].value);
    EXPECT_NE(std::string::npos, t2.rows[0][4].kind.find("certainty-"));
    EXPECT_EQ(s.footnotes.size(), t2.footnotes.size());
  }
  // direct studies of B vs A: s1 and s2
  for (const SummaryOfFindings& s : sofs)
    if (s.intervention == "B") {
      EXPECT_EQ(2, s.rows[0].evidence.studies);
    }
}

TEST(NetworkSof, BinaryOutcomeGetsTheMedianComparatorRisk) {
  const ReadResult read = read_file(test::data_path("smokingcessation.csv"), ReadOptions{});
  ASSERT_TRUE(read.ok());
  const Outcome& o = read.dataset.outcomes.at(0);
  EffectOptions eo;
  eo.measure = Measure::OR;
  NetworkOptions no;
  no.nsim = 0;
  const NetworkAnalysis a = analyse_network(o, compute_effects(read.dataset, o, eo), no);
  const CinemaResult c = cinema(a, read.dataset);
  const auto sofs = network_summary_of_findings(a, c, read.dataset, o);
  ASSERT_FALSE(sofs.empty());
  // the median of events/n over the reference arms, by hand
  std::vector<double> risks;
  for (const StudyData& sd : o.data)
    for (const Arm& arm : sd.arms)
      if (arm.treatment == a.nma.reference && arm.events && arm.n) risks.push_back(*arm.events / *arm.n);
  std::sort(risks.begin(), risks.end());
  const std::size_t m = risks.size();
  const double median = m % 2 ? risks[m / 2] : (risks[m / 2 - 1] + risks[m / 2]) / 2;
  for (const auto& s : sofs) {
    ASSERT_TRUE(s.rows[0].evidence.comparator_risk);
    EXPECT_REL(median, *s.rows[0].evidence.comparator_risk, 1e-12);
    ASSERT_TRUE(s.rows[0].absolute);
    EXPECT_REL(std::exp(a.nma.random.TE(static_cast<Eigen::Index>(a.nma.treatment_index(s.intervention)),
                                        static_cast<Eigen::Index>(a.nma.treatment_index(a.nma.reference)))),
               s.rows[0].evidence.estimate, 1e-12);
  }
}
