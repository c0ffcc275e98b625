// Mantel-Haenszel and Peto common-effect meta-analysis against metafor 3.8-1 rma.mh (OR, RR, RD) and
// rma.peto with their defaults, from tests/reference/pairwise_*.json (keys "rma.mh", "rma.peto"; the
// 2x2 columns named in "escalc"). The tables are built straight from the CSV files in tests/data
// (independent of the readers). Tolerance: 1e-10 relative (absolute below 1); every figure is closed form.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "effects_fixtures.hpp"
#include "evident/pairwise/mantel_haenszel.hpp"
#include "evident/pairwise/mantel_haenszel_json.hpp"
#include "evident_test.hpp"

using namespace evident;

namespace {

constexpr double kTol = 1e-10;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double num(const std::string& s) {
  return s.empty() || s == "NA" ? kNaN : std::stod(s);
}

/// One 2x2 data set of the reference files: events1 of n1 versus events2 of n2 (the columns metafor's
/// escalc was given: ai, n1i, ci, n2i).
struct Case {
  std::string reference;  ///< tests/reference file holding rma.mh / rma.peto
  std::string data;       ///< tests/data CSV
  std::string label;      ///< study label column
  std::string e1, n1, e2, n2;
  bool n_are_nonevents = false;  ///< n1/n2 columns hold non-events (dat.bcg: tneg, cneg)
};

TwoByTwoInput tables(const Case& c) {
  const auto cols = test::read_columns(c.data);
  TwoByTwoInput in;
  const auto& e1 = cols.at(c.e1);
  for (std::size_t i = 0; i < e1.size(); ++i) {
    const double a = num(e1[i]), x1 = num(cols.at(c.n1)[i]), cc = num(cols.at(c.e2)[i]), x2 = num(cols.at(c.n2)[i]);
    in.study.push_back(cols.at(c.label)[i]);
    in.events1.push_back(a);
    in.n1.push_back(c.n_are_nonevents ? a + x1 : x1);
    in.events2.push_back(cc);
    in.n2.push_back(c.n_are_nonevents ? cc + x2 : x2);
  }
  return in;
}

const std::vector<Case>& cases() {
  static const std::vector<Case> all = {
      {"pairwise_dat.bcg_OR.json", "dat.bcg.csv", "author", "tpos", "tneg", "cpos", "cneg", true},
      {"pairwise_dat.collins1985a_bleeding_OR.json", "dat.collins1985a.csv", "trial", "b.xti", "nti", "b.xci", "nci"},
      {"pairwise_dat.collins1985a_operation_OR.json", "dat.collins1985a.csv", "trial", "o.xti", "nti", "o.xci", "nci"},
      {"pairwise_dat.collins1985a_death_OR.json", "dat.collins1985a.csv", "trial", "d.xti", "nti", "d.xci", "nci"},
      {"pairwise_dat.egger2001_OR.json", "dat.egger2001.csv", "study", "ai", "n1i", "ci", "n2i"},
  };
  return all;
}

void expect_pooled(const nlohmann::json& ref, const PooledEstimate& p) {
  EXPECT_REL(test::ref_number(ref["estimate"]), p.estimate, kTol);
  EXPECT_REL(test::ref_number(ref["se"]), p.se, kTol);
  EXPECT_REL(test::ref_number(ref["zval"]), p.statistic, kTol);
  EXPECT_REL(test::ref_number(ref["pval"]), p.p_value, kTol);
  EXPECT_REL(test::ref_number(ref["ci.lb"]), p.ci_lower, kTol);
  EXPECT_REL(test::ref_number(ref["ci.ub"]), p.ci_upper, kTol);
}

void expect_heterogeneity(const nlohmann::json& ref, const Heterogeneity& h) {
  EXPECT_REL(test::ref_number(ref["QE"]), h.Q, kTol);
  EXPECT_REL(test::ref_number(ref["QEp"]), h.p_value, kTol);
  EXPECT_REL(test::ref_number(ref["I2"]), h.I2, kTol);
  EXPECT_REL(test::ref_number(ref["H2"]), h.H2, kTol);
}

void expect_test(const nlohmann::json& stat, const nlohmann::json& p, const std::optional<ChiSquareTest>& t) {
  ASSERT_TRUE(t.has_value());
  EXPECT_REL(test::ref_number(stat), t->statistic, kTol);
  ASSERT_TRUE(t->p_value.has_value());
  EXPECT_REL(test::ref_number(p), *t->p_value, kTol);
}

bool has_code(const Diagnostics& d, const std::string& code) {
  return std::any_of(d.items().begin(), d.items().end(), [&](const Diagnostic& x) { return x.code == code; });
}

/// Number of tables with no events or only events in both groups.
std::size_t double_zero_count(const TwoByTwoInput& in) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < in.events1.size(); ++i) {
    if (std::isnan(in.events1[i]) || std::isnan(in.events2[i])) continue;
    const bool none = in.events1[i] == 0.0 && in.events2[i] == 0.0;
    const bool all = in.events1[i] == in.n1[i] && in.events2[i] == in.n2[i];
    if (none || all) ++n;
  }
  return n;
}

}  // namespace

TEST(MantelHaenszel, MatchesMetaforRmaMh) {
  for (const auto& c : cases()) {
    const auto ref = test::load_reference(c.reference);
    const TwoByTwoInput in = tables(c);
    for (const auto& [name, measure] :
         std::vector<std::pair<std::string, Measure>>{{"OR", Measure::OR}, {"RR", Measure::RR}, {"RD", Measure::RD}}) {
      SCOPED_TRACE(c.reference + " rma.mh " + name);
      const auto& r = ref["rma.mh"][name];
      ASSERT_TRUE(r.is_object());
      MantelHaenszelOptions o;
      o.measure = measure;
      const MantelHaenszelResult res = mantel_haenszel(in, o);
      ASSERT_TRUE(res.ok());
      EXPECT_EQ(res.k, r["k"].get<std::size_t>());
      EXPECT_EQ(res.k_yi, res.k - double_zero_count(in));
      expect_pooled(r, res.pooled);
      expect_heterogeneity(r, res.heterogeneity);
      if (measure == Measure::OR) {
        expect_test(r["CMH"], r["CMHp"], res.cmh);
        expect_test(r["Tarone"], r["Tarone.p"], res.tarone);
        expect_test(r["BreslowDay"], r["BreslowDay.p"], res.breslow_day);
      } else {
        EXPECT_FALSE(res.cmh.has_value());
        EXPECT_FALSE(res.tarone.has_value());
      }
    }
  }
}

TEST(Peto, MatchesMetaforRmaPeto) {
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.reference + " rma.peto");
    const auto ref = test::load_reference(c.reference);
    const auto& r = ref["rma.peto"];
    const TwoByTwoInput in = tables(c);
    const PetoResult res = peto(in);
    ASSERT_TRUE(res.ok());
    EXPECT_EQ(res.k, r["k"].get<std::size_t>());
    EXPECT_EQ(res.k_yi, res.k - double_zero_count(in));
    expect_pooled(r, res.pooled);
    expect_heterogeneity(r, res.heterogeneity);
  }
}

TEST(MantelHaenszel, ReferenceSetsContainZeroCellAndDoubleZeroTables) {
  // The collins1985a outcomes must exercise the corrections: zero cells and double-zero tables
  // (e.g. death: Stiel 1984 0/31 vs 0/29, Foco 1984 0/15 vs 0/14), and tables with missing counts.
  const TwoByTwoInput in = tables(cases()[3]);
  EXPECT_EQ(double_zero_count(in), 2u);
  const MantelHaenszelResult res = mantel_haenszel(in);
  EXPECT_EQ(res.k, 24u);
  EXPECT_EQ(res.k_yi, 22u);
  EXPECT_TRUE(has_code(res.diagnostics, "table-missing-counts"));
  EXPECT_TRUE(has_code(res.diagnostics, "tables-without-estimate"));
}

TEST(MantelHaenszel, DoubleZeroTableChangesOnlyWhatItShould) {
  // A double-zero table adds nothing to the MH OR or RR sums, nor to Peto, but adds n1 n2 / N to
  // the RD denominator (metafor drop00 = c(TRUE, FALSE)); it is never part of Q.
  TwoByTwoInput in = tables(cases()[4]);  // egger2001: no zero cells
  TwoByTwoInput with = in;
  with.study.push_back("zero");
  with.events1.push_back(0.0);
  with.n1.push_back(50.0);
  with.events2.push_back(0.0);
  with.n2.push_back(40.0);
  for (Measure m : {Measure::OR, Measure::RR, Measure::RD}) {
    MantelHaenszelOptions o;
    o.measure = m;
    const auto a = mantel_haenszel(in, o), b = mantel_haenszel(with, o);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(b.k, a.k + 1);
    EXPECT_EQ(b.k_yi, a.k_yi);
    if (m == Measure::RD) {
      EXPECT_NE(a.pooled.estimate, b.pooled.estimate);
    } else {
      EXPECT_REL(a.pooled.estimate, b.pooled.estimate, 1e-14);
      EXPECT_REL(a.pooled.se, b.pooled.se, 1e-14);
      EXPECT_REL(a.heterogeneity.Q, b.heterogeneity.Q, 1e-14);
    }
  }
  const auto pa = peto(in), pb = peto(with);
  EXPECT_REL(pa.pooled.estimate, pb.pooled.estimate, 1e-14);
  EXPECT_REL(pa.heterogeneity.Q, pb.heterogeneity.Q, 1e-14);
  EXPECT_EQ(pb.k_yi, pa.k_yi);
}

TEST(MantelHaenszel, StudyOrderDoesNotMatterAndSwappingGroupsFlipsSign) {
  const TwoByTwoInput in = tables(cases()[1]);
  TwoByTwoInput rev = in, swapped = in;
  std::reverse(rev.study.begin(), rev.study.end());
  std::reverse(rev.events1.begin(), rev.events1.end());
  std::reverse(rev.n1.begin(), rev.n1.end());
  std::reverse(rev.events2.begin(), rev.events2.end());
  std::reverse(rev.n2.begin(), rev.n2.end());
  std::swap(swapped.events1, swapped.events2);
  std::swap(swapped.n1, swapped.n2);
  for (Measure m : {Measure::OR, Measure::RR, Measure::RD}) {
    MantelHaenszelOptions o;
    o.measure = m;
    const auto a = mantel_haenszel(in, o), b = mantel_haenszel(rev, o), s = mantel_haenszel(swapped, o);
    EXPECT_REL(a.pooled.estimate, b.pooled.estimate, 1e-13);
    EXPECT_REL(a.pooled.se, b.pooled.se, 1e-13);
    EXPECT_REL(a.heterogeneity.Q, b.heterogeneity.Q, 1e-13);
    EXPECT_REL(-a.pooled.estimate, s.pooled.estimate, 1e-13);
    EXPECT_REL(a.pooled.se, s.pooled.se, 1e-13);  // every variance formula is symmetric in the groups
    EXPECT_REL(a.heterogeneity.Q, s.heterogeneity.Q, 1e-13);
  }
  const auto a = peto(in), s = peto(swapped);
  EXPECT_REL(-a.pooled.estimate, s.pooled.estimate, 1e-13);
  EXPECT_REL(a.pooled.se, s.pooled.se, 1e-13);
  EXPECT_REL(a.heterogeneity.Q, s.heterogeneity.Q, 1e-13);
}

TEST(MantelHaenszel, SingleTableGivesNoHeterogeneity) {
  TwoByTwoInput in;
  in.study = {"one"};
  in.events1 = {4};
  in.n1 = {123};
  in.events2 = {11};
  in.n2 = {139};
  const auto r = mantel_haenszel(in);
  ASSERT_TRUE(r.ok());
  // one table: the MH OR is the table's odds ratio (4 * 128) / (119 * 11)
  EXPECT_REL(std::log(4.0 * 128.0 / (119.0 * 11.0)), r.pooled.estimate, 1e-14);
  EXPECT_EQ(r.heterogeneity.Q, 0.0);
  EXPECT_EQ(r.heterogeneity.p_value, 1.0);
  EXPECT_EQ(r.heterogeneity.H2, 1.0);
  ASSERT_TRUE(r.tarone.has_value());
  EXPECT_FALSE(r.tarone->p_value.has_value());
}

TEST(MantelHaenszel, BadInputBecomesDiagnostics) {
  TwoByTwoInput in;
  in.events1 = {1, 2};
  in.n1 = {10, 10};
  in.events2 = {1};
  in.n2 = {10, 10};
  EXPECT_TRUE(has_code(mantel_haenszel(in).diagnostics, "size-mismatch"));
  EXPECT_TRUE(has_code(peto(in).diagnostics, "size-mismatch"));

  in.events2 = {12, 1};  // events > n
  const auto bad = mantel_haenszel(in);
  EXPECT_FALSE(bad.ok());
  EXPECT_TRUE(has_code(bad.diagnostics, "bad-table"));

  EXPECT_TRUE(has_code(mantel_haenszel(TwoByTwoInput{}).diagnostics, "no-studies"));

  in.events1 = {0, 0};
  in.events2 = {0, 0};  // no events anywhere
  for (Measure m : {Measure::OR, Measure::RR}) {
    MantelHaenszelOptions o;
    o.measure = m;
    const auto r = mantel_haenszel(in, o);
    EXPECT_FALSE(r.ok());
    EXPECT_TRUE(has_code(r.diagnostics, "estimate-undefined"));
  }
  EXPECT_TRUE(has_code(peto(in).diagnostics, "estimate-undefined"));
  MantelHaenszelOptions rd;
  rd.measure = Measure::RD;
  const auto r = mantel_haenszel(in, rd);  // RD 0 with variance 0: no test or interval possible
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(has_code(r.diagnostics, "zero-variance"));

  MantelHaenszelOptions md;
  md.measure = Measure::MD;
  EXPECT_TRUE(has_code(mantel_haenszel(in, md).diagnostics, "bad-measure"));
}

TEST(MantelHaenszel, JsonCarriesTheResult) {
  const auto ref = test::load_reference(cases()[0].reference);
  const TwoByTwoInput in = tables(cases()[0]);
  const nlohmann::json j = to_json(mantel_haenszel(in));
  EXPECT_EQ(j["method"], "MH");
  EXPECT_EQ(j["measure"], "OR");
  EXPECT_EQ(j["k"], 13);
  EXPECT_REL(test::ref_number(ref["rma.mh"]["OR"]["estimate"]), j["common"]["estimate"].get<double>(), kTol);
  EXPECT_REL(test::ref_number(ref["rma.mh"]["OR"]["QE"]), j["Q"].get<double>(), kTol);
  EXPECT_REL(test::ref_number(ref["rma.mh"]["OR"]["Tarone"]), j["tarone"]["statistic"].get<double>(), kTol);
  EXPECT_TRUE(j["common"]["df"].is_null());
  const nlohmann::json p = to_json(peto(in));
  EXPECT_EQ(p["method"], "Peto");
  EXPECT_REL(test::ref_number(ref["rma.peto"]["estimate"]), p["common"]["estimate"].get<double>(), kTol);
  EXPECT_EQ(p.count("cmh"), 0u);
  TwoByTwoInput bad = in;
  bad.events1[0] = -1.0;
  const nlohmann::json e = to_json(mantel_haenszel(bad));
  EXPECT_TRUE(e["common"].is_null());
  EXPECT_FALSE(e["warnings"].empty());
}
