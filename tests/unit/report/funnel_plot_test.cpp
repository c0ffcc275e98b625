// Funnel plots (funnel_plot.hpp), parsed back with pugixml: the points carry yi and sei of the analysis
// exactly (dat.bcg, log RR), trim-and-fill points are as many as trimfill's k0 (metafor: k0 = 1 for dat.bcg
// with REML, tests/reference/pairwise_dat.bcg_RR.json), Egger's line carries the regtest coefficients, the
// y axis is inverted; the comparison-adjusted funnel (Senn2013) has one point per contrast and one legend
// entry per comparison.
#include "evident/report/funnel_plot.hpp"

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "evident/data/read.hpp"
#include "evident/network/analysis.hpp"
#include "evident_test.hpp"
#include "svg_test_support.hpp"

using namespace evident;
using namespace evident::report;

namespace {

const auto& num = test::svg_number;
const auto& parse = test::parse_svg;
const auto& groups = test::svg_groups;




struct Bcg {
  EffectSet set;
  PairwiseAnalysis analysis;
};

Bcg bcg() {
  ReadOptions opts;
  for (const char* spec : {"tpos=ai", "tneg=bi", "cpos=ci", "cneg=di"}) {
    std::string err;
    auto m = parse_column_mapping(spec, err);
    if (m) opts.mappings.push_back(*m);
  }
  const ReadResult r = read_file(test::data_path("dat.bcg.csv"), opts);
  EXPECT_TRUE(r.ok());
  EffectOptions eo;
  eo.measure = Measure::RR;
  const Outcome& outcome = r.dataset.outcomes.at(0);
  Bcg b;
  b.set = compute_effects(r.dataset, outcome, eo);
  b.analysis = analyse_outcome(r.dataset, outcome, b.set, PairwiseOptions{}).at(0);
  return b;
}

TEST(FunnelPlot, BcgPointsTrimfillAndEgger) {
  const Bcg b = bcg();
  ASSERT_TRUE(b.analysis.result.ok());
  ASSERT_TRUE(b.analysis.trimfill && b.analysis.egger);
  pugi::xml_document doc;
  parse(funnel_plot(b.analysis, b.set), doc);
  const MetaInput in = meta_input_from_effects(b.set, b.analysis.comparison.treat1, b.analysis.comparison.treat2);
  const auto pts = groups(doc, "study");
  ASSERT_EQ(in.yi.size(), pts.size());
  ASSERT_EQ(13u, pts.size());
  for (std::size_t i = 0; i < pts.size(); ++i) {
    EXPECT_EQ(in.yi[i], num(pts[i], "data-te"));
    EXPECT_EQ(std::sqrt(in.vi[i]), num(pts[i], "data-se"));
    EXPECT_TRUE(pts[i].child("circle"));
  }
  // y axis inverted: the most precise study is drawn highest
  std::size_t most = 0, least = 0;
  for (std::size_t i = 1; i < in.vi.size(); ++i) {
    if (in.vi[i] < in.vi[most]) most = i;
    if (in.vi[i] > in.vi[least]) least = i;
  }
  EXPECT_LT(num(pts[most].child("circle"), "cy"), num(pts[least].child("circle"), "cy"));

  const auto filled = groups(doc, "filled");
  EXPECT_EQ(b.analysis.trimfill->k0, filled.size());
  for (std::size_t i = 0; i < filled.size(); ++i)
    EXPECT_EQ(b.analysis.trimfill->filled_yi[i], num(filled[i], "data-te"));
  const auto pooled = groups(doc, "pooled");
  ASSERT_EQ(1u, pooled.size());
  EXPECT_EQ(b.analysis.result.common.estimate, num(pooled[0], "data-te"));
  const auto eg = groups(doc, "egger");
  ASSERT_EQ(1u, eg.size());
  EXPECT_EQ(b.analysis.egger->slope, num(eg[0], "data-slope"));
  EXPECT_EQ(b.analysis.egger->limit_estimate, num(eg[0], "data-intercept"));
  const auto ps = groups(doc, "pseudo-ci");
  ASSERT_EQ(1u, ps.size());
  EXPECT_EQ(2u, ps[0].select_nodes("line").size());
  EXPECT_STREQ("log", groups(doc, "axis")[0].attribute("data-scale").value());
  for (const pugi::xpath_node& t : doc.select_nodes("//text[@class='tick']"))
    EXPECT_GT(num(t.node(), "data-value"), 0.0);

  FunnelPlotOptions o;
  o.random = true;
  o.egger = false;
  o.trimfill = false;
  parse(funnel_plot(b.analysis, b.set, o), doc);
  EXPECT_EQ(b.analysis.result.random.pooled.estimate, num(groups(doc, "pooled")[0], "data-te"));
  EXPECT_EQ(0u, groups(doc, "egger").size());
  EXPECT_EQ(0u, groups(doc, "filled").size());
}

TEST(FunnelPlot, NaNAndEmptyInputsNeverCrash) {
  pugi::xml_document doc;
  parse(funnel_plot(PairwiseAnalysis{}, EffectSet{}), doc);
  EXPECT_EQ(0u, groups(doc, "study").size());
  EffectSet set;
  set.measure = Measure::OR;
  for (int i = 0; i < 3; ++i) {
    EffectContrast c;
    c.study = "s" + std::to_string(i);
    c.treat1 = "A";
    c.treat2 = "B";
    c.te = i == 1 ? std::numeric_limits<double>::quiet_NaN() : 0.1 * i;
    c.se = 0.2;
    set.contrasts.push_back(c);
  }
  const auto analyses = analyse_comparisons(set, MetaOptions{});
  parse(funnel_plot(analyses.at(0), set), doc);
  EXPECT_EQ(3u, groups(doc, "study").size());
  parse(funnel_plot(FunnelResult{}, Measure::MD), doc);
  EXPECT_EQ(0u, groups(doc, "point").size());
}

TEST(FunnelPlot, Senn2013ComparisonAdjusted) {
  const ReadResult r = read_file(test::data_path("Senn2013.csv"), ReadOptions{});
  ASSERT_TRUE(r.ok());
  EffectOptions eo;
  eo.measure = Measure::MD;
  NetworkOptions o;
  o.nsim = 0;
  o.funnel_order = {"a", "b", "me", "mi", "pi", "r", "si", "su", "v", "pl"};  // funnel.netmeta help page
  const Outcome& outcome = r.dataset.outcomes.at(0);
  const NetworkAnalysis a = analyse_network(outcome, compute_effects(r.dataset, outcome, eo), o);
  ASSERT_TRUE(a.funnel && a.funnel->ok());
  pugi::xml_document doc;
  parse(funnel_plot(*a.funnel, a.measure), doc);
  const auto pts = groups(doc, "point");
  ASSERT_EQ(a.funnel->points.size(), pts.size());
  std::set<std::string> comps;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    EXPECT_EQ(a.funnel->points[i].te_adj, num(pts[i], "data-te-adj"));
    EXPECT_EQ(a.funnel->points[i].se, num(pts[i], "data-se"));
    EXPECT_EQ(a.funnel->points[i].comparison, pts[i].attribute("data-comparison").value());
    comps.insert(a.funnel->points[i].comparison);
  }
  const auto legend = groups(doc, "legend-item");
  EXPECT_EQ(comps.size(), legend.size());
  // points of one comparison share a marker (colour and shape); different comparisons have different markers
  std::map<std::string, std::string> marker;
  for (const pugi::xml_node& p : pts) {
    const std::string c = p.attribute("data-comparison").value();
    const pugi::xml_node m = p.first_child();
    const std::string key = std::string(m.name()) + " " + m.attribute("fill").value();
    if (marker.count(c)) {
      EXPECT_EQ(marker[c], key);
    }
    marker[c] = key;
  }
  std::set<std::string> distinct;
  for (const auto& [c, key] : marker) distinct.insert(key);
  EXPECT_EQ(comps.size(), distinct.size());
  EXPECT_EQ(1u, groups(doc, "zero-line").size());
  EXPECT_STREQ("linear", groups(doc, "axis")[0].attribute("data-scale").value());
  if (a.funnel->egger && a.funnel->egger->ok()) {
    EXPECT_EQ(1u, groups(doc, "egger").size());
  }
}

}  // namespace
