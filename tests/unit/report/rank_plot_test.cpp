// Rankograms (rank_plot.hpp), parsed back with pugixml: one panel per treatment, one bar per rank carrying the
// RankogramResult's probability exactly, SUCRA in the panel title, cumulative curves ending at 1 (rows of the
// rank-probability matrix sum to 1; 1e-12 for the running sum), panels sorted by SUCRA. Data: Senn2013 (netmeta),
// rankogram of the random-effects model with 1000 simulations, seed 1.
#include "evident/report/rank_plot.hpp"

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <set>
#include <sstream>
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




RankogramResult senn_rankogram() {
  const ReadResult r = read_file(test::data_path("Senn2013.csv"), ReadOptions{});
  EXPECT_TRUE(r.ok());
  EffectOptions eo;
  eo.measure = Measure::MD;
  NetworkOptions o;
  o.nsim = 1000;
  const Outcome& outcome = r.dataset.outcomes.at(0);
  const NetworkAnalysis a = analyse_network(outcome, compute_effects(r.dataset, outcome, eo), o);
  EXPECT_TRUE(a.rankogram_random.has_value());
  return a.rankogram_random.value_or(RankogramResult{});
}

TEST(RankogramPlot, Senn2013ProbabilitiesAndSucra) {
  const RankogramResult rk = senn_rankogram();
  ASSERT_TRUE(rk.ok());
  const std::size_t n = rk.treatments.size();
  ASSERT_EQ(10u, n);
  pugi::xml_document doc;
  parse(rankogram_plot(rk), doc);
  const auto panels = groups(doc, "panel");
  ASSERT_EQ(n, panels.size());
  EXPECT_EQ(n * n, groups(doc, "bar").size());
  double prev = 2.0;
  for (const pugi::xml_node& p : panels) {
    const std::string name = p.attribute("data-treatment").value();
    const auto it = std::find(rk.treatments.begin(), rk.treatments.end(), name);
    ASSERT_NE(it, rk.treatments.end());
    const auto t = static_cast<std::size_t>(it - rk.treatments.begin());
    EXPECT_EQ(rk.sucra[t], num(p, "data-sucra"));
    EXPECT_LE(rk.sucra[t], prev) << "panels sorted by SUCRA";
    prev = rk.sucra[t];
    const std::string title = p.child("text").child_value();
    EXPECT_EQ(name + " (SUCRA = " + svg::label(rk.sucra[t], 2) + ")", title);
    const auto bars = groups(p, "bar");
    ASSERT_EQ(n, bars.size());
    for (std::size_t r = 0; r < n; ++r) {
      EXPECT_EQ(static_cast<double>(r + 1), num(bars[r], "data-rank"));
      EXPECT_EQ(rk.rank_probability(static_cast<Eigen::Index>(t), static_cast<Eigen::Index>(r)),
                num(bars[r], "data-probability"));
    }
    const auto cum = groups(p, "cumulative");
    ASSERT_EQ(1u, cum.size());
    std::istringstream in(cum[0].attribute("data-values").value());
    std::vector<double> v;
    double x;
    while (in >> x) v.push_back(x);
    ASSERT_EQ(n, v.size());
    for (std::size_t r = 1; r < n; ++r) EXPECT_GE(v[r], v[r - 1]);
    EXPECT_NEAR(1.0, v.back(), 1e-12);
  }
}

TEST(RankogramPlot, OptionsAndEmptyInput) {
  const RankogramResult rk = senn_rankogram();
  RankPlotOptions o;
  o.sort = RankPlotSort::as_given;
  o.cumulative = false;
  o.columns = 5;
  pugi::xml_document doc;
  const svg::Svg fig = rankogram_plot(rk, o);
  parse(fig, doc);
  const auto panels = groups(doc, "panel");
  ASSERT_EQ(rk.treatments.size(), panels.size());
  for (std::size_t i = 0; i < panels.size(); ++i)
    EXPECT_EQ(rk.treatments[i], panels[i].attribute("data-treatment").value());
  EXPECT_EQ(0u, groups(doc, "cumulative").size());
  EXPECT_NEAR(2 * 10.0 + 5 * o.panel_width, fig.width(), 1.0);
  o.bars = false;
  o.cumulative = true;
  parse(rankogram_plot(rk, o), doc);
  EXPECT_EQ(0u, groups(doc, "bar").size());
  EXPECT_EQ(rk.treatments.size(), groups(doc, "cumulative").size());
  // nothing, and a mismatched matrix, draw no bars and do not crash
  parse(rankogram_plot(RankogramResult{}), doc);
  EXPECT_EQ(0u, groups(doc, "panel").size());
  RankogramResult bad = rk;
  bad.rank_probability.resize(2, 2);
  bad.sucra.clear();
  parse(rankogram_plot(bad), doc);
  EXPECT_EQ(0u, groups(doc, "bar").size());
}

}  // namespace
