// Forest plots (forest.hpp): the SVG is parsed back with pugixml and its data-* numbers compared with the
// analysis they were drawn from. Real data: dat.bcg (metafor; log RR, subgroups by allocation) for the
// pairwise plot, Senn2013 (netmeta; MD) for the NMA and netsplit plots. Numbers must round-trip exactly
// (17 significant digits), so the comparisons are exact; weights sum to 100 within 1e-9 (rounding of the sum).
#include "evident/report/forest.hpp"

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "evident/data/read.hpp"
#include "evident_test.hpp"
#include "svg_test_support.hpp"

using namespace evident;
using namespace evident::report;

namespace {

const auto& num = test::svg_number;
const auto& parse = test::parse_svg;
const auto& groups = test::svg_groups;




const ReadResult& bcg_data() {
  static const ReadResult r = [] {
    ReadOptions opts;
    for (const char* spec : {"tpos=ai", "tneg=bi", "cpos=ci", "cneg=di"}) {
      std::string err;
      auto m = parse_column_mapping(spec, err);
      if (m) opts.mappings.push_back(*m);
    }
    return read_file(test::data_path("dat.bcg.csv"), opts);
  }();
  return r;
}

struct Bcg {
  EffectSet set;
  PairwiseAnalysis analysis;
};

Bcg bcg(bool subgroups) {
  const ReadResult& r = bcg_data();
  EXPECT_TRUE(r.ok());
  EffectOptions eo;
  eo.measure = Measure::RR;
  const Outcome& outcome = r.dataset.outcomes.at(0);
  Bcg b;
  b.set = compute_effects(r.dataset, outcome, eo);
  PairwiseOptions o;
  if (subgroups) o.subgroup = "alloc";
  auto analyses = analyse_outcome(r.dataset, outcome, b.set, o);
  EXPECT_EQ(1u, analyses.size());
  b.analysis = analyses.at(0);
  return b;
}

TEST(ForestPlot, BcgOneRowPerStudyWithTheAnalysisValues) {
  const Bcg b = bcg(false);
  ASSERT_TRUE(b.analysis.result.ok());
  pugi::xml_document doc;
  parse(forest_plot(b.analysis, b.set), doc);
  const auto rows = groups(doc, "study");
  const MetaInput in = meta_input_from_effects(b.set, b.analysis.comparison.treat1, b.analysis.comparison.treat2);
  ASSERT_EQ(13u, rows.size());
  ASSERT_EQ(in.yi.size(), rows.size());
  double sum_random = 0.0, sum_common = 0.0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(in.study[i], rows[i].attribute("data-study").value());
    EXPECT_EQ(in.yi[i], num(rows[i], "data-te"));
    EXPECT_EQ(std::sqrt(in.vi[i]), num(rows[i], "data-se"));
    EXPECT_EQ(b.analysis.result.random.weights[i], num(rows[i], "data-weight-random"));
    EXPECT_EQ(b.analysis.result.common_weights[i], num(rows[i], "data-weight-common"));
    EXPECT_LT(num(rows[i], "data-lower"), num(rows[i], "data-te"));
    EXPECT_GT(num(rows[i], "data-upper"), num(rows[i], "data-te"));
    // 95% Wald CI yi -/+ 1.959964 sei
    EXPECT_NEAR(in.yi[i] + 1.959963984540054 * std::sqrt(in.vi[i]), num(rows[i], "data-upper"), 1e-12);
    sum_random += num(rows[i], "data-weight-random");
    sum_common += num(rows[i], "data-weight-common");
  }
  EXPECT_NEAR(100.0, sum_random, 1e-9);
  EXPECT_NEAR(100.0, sum_common, 1e-9);
  // per-arm inputs: trial 1 (Aronson 1948), tpos 4, tneg 119, cpos 11, cneg 128 (dat.bcg line 2)
  std::vector<std::string> cells;
  for (const pugi::xml_node& t : rows[0].children("text")) cells.push_back(t.child_value());
  ASSERT_GE(cells.size(), 6u);
  EXPECT_EQ("1", cells[0]);  // the study label is dat.bcg's trial number
  EXPECT_EQ("4", cells[1]);
  EXPECT_EQ("123", cells[2]);
  EXPECT_EQ("11", cells[3]);
  EXPECT_EQ("139", cells[4]);
}

TEST(ForestPlot, BcgDiamondsPredictionAndHeterogeneity) {
  const Bcg b = bcg(false);
  pugi::xml_document doc;
  parse(forest_plot(b.analysis, b.set), doc);
  const auto diamonds = groups(doc, "diamond");
  ASSERT_EQ(2u, diamonds.size());
  EXPECT_STREQ("common", diamonds[0].attribute("data-model").value());
  EXPECT_EQ(b.analysis.result.common.estimate, num(diamonds[0], "data-te"));
  EXPECT_EQ(b.analysis.result.common.ci_lower, num(diamonds[0], "data-lower"));
  EXPECT_STREQ("random", diamonds[1].attribute("data-model").value());
  EXPECT_EQ(b.analysis.result.random.pooled.estimate, num(diamonds[1], "data-te"));
  EXPECT_EQ(b.analysis.result.random.pooled.ci_upper, num(diamonds[1], "data-upper"));
  EXPECT_TRUE(diamonds[1].child("polygon"));
  const auto pi = groups(doc, "prediction");
  ASSERT_EQ(1u, pi.size());
  ASSERT_TRUE(b.analysis.result.random.prediction);
  EXPECT_EQ(b.analysis.result.random.prediction->lower, num(pi[0], "data-lower"));
  const auto het = groups(doc, "heterogeneity");
  ASSERT_EQ(1u, het.size());
  EXPECT_EQ(b.analysis.result.random.tau2, num(het[0], "data-tau2"));
  EXPECT_EQ(b.analysis.result.heterogeneity.Q, num(het[0], "data-Q"));
  const std::string text = het[0].child("text").child_value();
  EXPECT_EQ(0u, text.find("Heterogeneity: I\xC2\xB2 = 92% ["));  // dat.bcg: I2 = 92.1% (meta metabin)
  EXPECT_NE(std::string::npos, text.find("(df = 12)"));
  // without the common model: one diamond, no common weight column
  ForestOptions o;
  o.common = false;
  o.prediction = false;
  pugi::xml_document doc2;
  parse(forest_plot(b.analysis, b.set, o), doc2);
  EXPECT_EQ(1u, groups(doc2, "diamond").size());
  EXPECT_EQ(0u, groups(doc2, "prediction").size());
}

TEST(ForestPlot, BcgLogScaleAxisWithRatioLabels) {
  const Bcg b = bcg(false);
  pugi::xml_document doc;
  parse(forest_plot(b.analysis, b.set), doc);
  const auto axis = groups(doc, "axis");
  ASSERT_EQ(1u, axis.size());
  EXPECT_STREQ("log", axis[0].attribute("data-scale").value());
  std::set<std::string> labels;
  for (const pugi::xpath_node& t : doc.select_nodes("//text[@class='tick']")) {
    const double v = num(t.node(), "data-value");
    EXPECT_GT(v, 0.0);
    EXPECT_EQ(svg::fixed(v, 3), t.node().child_value());
    labels.insert(t.node().child_value());
  }
  EXPECT_TRUE(labels.count("1")) << "the null value of a ratio is labelled 1";
  EXPECT_TRUE(labels.count("0.1") || labels.count("0.2") || labels.count("0.5"));
  // the study estimate text is back-transformed: Aronson RR = (4/123)/(11/139) = 0.41
  const auto rows = groups(doc, "study");
  bool found = false;
  for (const pugi::xml_node& t : rows[0].children("text"))
    found = found || std::string(t.child_value()).find("0.41 [") == 0;
  EXPECT_TRUE(found);
  // favours labels follow the small-values option
  const std::string t1 = b.analysis.comparison.treat1, t2 = b.analysis.comparison.treat2;
  EXPECT_EQ("Favours " + t1, std::string(doc.select_node("//text[@class='favours-left']").node().child_value()));
  ForestOptions o;
  o.small_values_desirable = false;
  pugi::xml_document doc2;
  parse(forest_plot(b.analysis, b.set, o), doc2);
  EXPECT_EQ("Favours " + t2, std::string(doc2.select_node("//text[@class='favours-left']").node().child_value()));
  EXPECT_EQ("Favours " + t1, std::string(doc2.select_node("//text[@class='favours-right']").node().child_value()));
}

TEST(ForestPlot, BcgSubgroupsHaveTheirOwnDiamondsAndTest) {
  const Bcg b = bcg(true);
  ASSERT_TRUE(b.analysis.subgroups && b.analysis.subgroups->ok());
  const SubgroupResult& sg = *b.analysis.subgroups;
  pugi::xml_document doc;
  parse(forest_plot(b.analysis, b.set), doc);
  std::size_t sub_random = 0, sub_common = 0;
  for (const pugi::xml_node& d : groups(doc, "diamond")) {
    if (d.attribute("data-subgroup").empty()) continue;
    const std::string name = d.attribute("data-subgroup").value();
    const auto it =
        std::find_if(sg.subgroups.begin(), sg.subgroups.end(), [&](const Subgroup& s) { return s.name == name; });
    ASSERT_NE(it, sg.subgroups.end());
    if (std::string(d.attribute("data-model").value()) == "random") {
      ++sub_random;
      EXPECT_EQ(it->result.random.pooled.estimate, num(d, "data-te"));
    } else {
      ++sub_common;
      EXPECT_EQ(it->result.common.estimate, num(d, "data-te"));
    }
  }
  EXPECT_EQ(sg.subgroups.size(), sub_random);
  EXPECT_EQ(sg.subgroups.size(), sub_common);
  EXPECT_EQ(3u, sg.subgroups.size());  // alternate, random, systematic
  EXPECT_EQ(13u, groups(doc, "study").size());
  EXPECT_EQ(3u, groups(doc, "subgroup").size());
  const auto tests = groups(doc, "subgroup-test");
  ASSERT_EQ(2u, tests.size());
  EXPECT_EQ(sg.common.Q, num(tests[0], "data-Q"));
  EXPECT_EQ(sg.random_separate_tau2.Q, num(tests[1], "data-Q"));
  // every study row sits in its subgroup block: the rows of a subgroup follow its heading
  std::string current;
  for (const pugi::xpath_node& x : doc.select_nodes("//g[@class='subgroup' or @class='study']")) {
    const pugi::xml_node g = x.node();
    if (std::string(g.attribute("class").value()) == "subgroup")
      current = g.attribute("data-subgroup").value();
    else
      EXPECT_EQ(current, g.attribute("data-subgroup").value());
  }
}

TEST(ForestPlot, SortingOrdersRows) {
  const Bcg b = bcg(false);
  const ReadResult& r = bcg_data();
  ForestOptions o;
  o.sort = ForestSort::effect;
  pugi::xml_document doc;
  parse(forest_plot(b.analysis, b.set, o), doc);
  auto rows = groups(doc, "study");
  ASSERT_EQ(13u, rows.size());
  for (std::size_t i = 1; i < rows.size(); ++i) EXPECT_LE(num(rows[i - 1], "data-te"), num(rows[i], "data-te"));

  o.sort = ForestSort::weight;
  parse(forest_plot(b.analysis, b.set, o), doc);
  rows = groups(doc, "study");
  for (std::size_t i = 1; i < rows.size(); ++i)
    EXPECT_GE(num(rows[i - 1], "data-weight-random"), num(rows[i], "data-weight-random"));

  o.sort = ForestSort::year;
  parse(forest_plot(b.analysis, b.set, o, &r.dataset), doc);
  rows = groups(doc, "study");
  ASSERT_EQ(13u, rows.size());
  for (std::size_t i = 1; i < rows.size(); ++i) EXPECT_LE(num(rows[i - 1], "data-year"), num(rows[i], "data-year"));
  EXPECT_EQ(1948.0, num(rows.front(), "data-year"));  // Aronson 1948, dat.bcg's earliest trial
  EXPECT_EQ(1980.0, num(rows.back(), "data-year"));   // TPT Madras 1980, the latest

  o.sort = ForestSort::as_given;
  parse(forest_plot(b.analysis, b.set, o), doc);
  rows = groups(doc, "study");
  for (std::size_t i = 0; i < rows.size(); ++i)
    EXPECT_EQ(b.analysis.result.study[i], rows[i].attribute("data-study").value());
}

EffectSet synthetic(std::size_t k) {
  EffectSet set;
  set.measure = Measure::MD;
  for (std::size_t i = 0; i < k; ++i) {
    EffectContrast c;
    c.study = "Study " + std::to_string(i + 1);
    c.study_index = i;
    c.treat1 = "A";
    c.treat2 = "B";
    c.te = 0.1 * std::sin(static_cast<double>(i)) + 0.05;
    c.se = 0.1 + 0.01 * static_cast<double>(i % 7);
    c.n1 = 50;
    c.n2 = 52;
    c.mean1 = 1.0 + c.te;
    c.mean2 = 1.0;
    c.sd1 = 0.5;
    c.sd2 = 0.5;
    set.contrasts.push_back(c);
  }
  return set;
}

TEST(ForestPlot, HundredStudiesGrowLinearlyWithoutOverlap) {
  double heights[2] = {0, 0};
  const std::size_t sizes[2] = {50, 100};
  const ForestOptions o;
  for (int s = 0; s < 2; ++s) {
    const EffectSet set = synthetic(sizes[s]);
    const auto analyses = analyse_comparisons(set, MetaOptions{});
    ASSERT_EQ(1u, analyses.size());
    const svg::Svg fig = forest_plot(analyses[0], set, o);
    heights[s] = fig.height();
    pugi::xml_document doc;
    parse(fig, doc);
    const auto rows = groups(doc, "study");
    ASSERT_EQ(sizes[s], rows.size());
    double prev = -1e9;
    for (const pugi::xml_node& g : rows) {
      const double y = num(g.child("text"), "y");
      EXPECT_GE(y - prev, o.row_height - 1e-9) << "rows overlap";
      prev = y;
      EXPECT_LT(y, fig.height());
    }
    // column headers: Mean, SD, Total for each arm
    EXPECT_EQ(2u, doc.select_nodes("//g[@class='header']/text[.='Mean']").size());
  }
  EXPECT_NEAR(50.0 * o.row_height, heights[1] - heights[0], 1.0);
}

TEST(ForestPlot, NaNInputsNeverCrash) {
  EffectSet set = synthetic(4);
  set.contrasts[1].te = std::numeric_limits<double>::quiet_NaN();
  set.contrasts[2].se = std::numeric_limits<double>::quiet_NaN();
  set.contrasts[2].mean1.reset();
  const auto analyses = analyse_comparisons(set, MetaOptions{});
  ASSERT_EQ(1u, analyses.size());
  pugi::xml_document doc;
  parse(forest_plot(analyses[0], set), doc);
  const auto rows = groups(doc, "study");
  ASSERT_EQ(4u, rows.size());
  EXPECT_STREQ("", rows[1].attribute("data-te").value());
  EXPECT_STREQ("", rows[2].attribute("data-lower").value());
  // nothing at all
  parse(forest_plot(PairwiseAnalysis{}, EffectSet{}), doc);
  EXPECT_EQ(0u, groups(doc, "study").size());
  for (const ForestSort s : {ForestSort::effect, ForestSort::weight, ForestSort::year}) {
    ForestOptions o;
    o.sort = s;
    o.xlim = std::make_pair(std::numeric_limits<double>::quiet_NaN(), 1.0);
    parse(forest_plot(analyses[0], set, o), doc);
    EXPECT_EQ(4u, groups(doc, "study").size());
  }
}

TEST(ForestPlot, ClippedConfidenceIntervalsEndInArrows) {
  const Bcg b = bcg(false);
  ForestOptions o;
  o.xlim = std::make_pair(0.2, 2.0);
  pugi::xml_document doc;
  parse(forest_plot(b.analysis, b.set, o), doc);
  std::size_t arrows = 0, expected = 0;
  for (const pugi::xml_node& g : groups(doc, "study")) {
    arrows += g.select_nodes("polygon[@class='arrow']").size();
    if (num(g, "data-lower") < std::log(0.2) && num(g, "data-upper") > std::log(0.2)) ++expected;
    if (num(g, "data-upper") > std::log(2.0) && num(g, "data-lower") < std::log(2.0)) ++expected;
  }
  EXPECT_GT(expected, 0u);
  EXPECT_EQ(expected, arrows);
}

// ---- NMA forest plots (Senn2013, MD, netmeta's data set)

NetworkAnalysis senn() {
  static const ReadResult r = read_file(test::data_path("Senn2013.csv"), ReadOptions{});
  EXPECT_TRUE(r.ok());
  EffectOptions eo;
  eo.measure = Measure::MD;
  const Outcome& outcome = r.dataset.outcomes.at(0);
  NetworkOptions o;
  o.nsim = 1000;
  return analyse_network(outcome, compute_effects(r.dataset, outcome, eo), o);
}

TEST(NmaForestPlot, Senn2013OneRowPerTreatmentSortedByPScore) {
  const NetworkAnalysis a = senn();
  ASSERT_TRUE(a.nma.ok());
  ASSERT_TRUE(a.pscore_random);
  pugi::xml_document doc;
  parse(nma_forest_plot(a), doc);
  const auto rows = groups(doc, "treatment");
  ASSERT_EQ(a.nma.treatments.size(), rows.size());
  ASSERT_EQ(10u, rows.size());
  const std::size_t ref = a.nma.treatment_index(a.nma.reference);
  double prev = 2.0;
  std::size_t refs = 0;
  for (const pugi::xml_node& g : rows) {
    const std::size_t i = a.nma.treatment_index(g.attribute("data-treatment").value());
    ASSERT_NE(NmaResult::npos, i);
    EXPECT_EQ(a.pscore_random->pscore[i], num(g, "data-pscore"));
    EXPECT_LE(num(g, "data-pscore"), prev);
    prev = num(g, "data-pscore");
    if (i == ref) {
      ++refs;
      EXPECT_STREQ("true", g.attribute("data-reference").value());
      continue;
    }
    const auto ii = static_cast<Eigen::Index>(i), rr = static_cast<Eigen::Index>(ref);
    EXPECT_EQ(a.nma.random.TE(ii, rr), num(g, "data-te"));
    EXPECT_EQ(a.nma.random.lower(ii, rr), num(g, "data-lower"));
    EXPECT_EQ(a.nma.random.upper(ii, rr), num(g, "data-upper"));
  }
  EXPECT_EQ(1u, refs);

  NmaForestOptions o;
  o.random = false;
  o.sort = NmaForestSort::as_given;
  o.drop_reference = true;
  o.reference = "metf";
  parse(nma_forest_plot(a, o), doc);
  const auto rows2 = groups(doc, "treatment");
  ASSERT_EQ(9u, rows2.size());
  const std::size_t metf = a.nma.treatment_index("metf");
  std::size_t j = 0;
  for (std::size_t i = 0; i < a.nma.treatments.size(); ++i) {
    if (i == metf) continue;
    EXPECT_EQ(a.nma.treatments[i], rows2[j].attribute("data-treatment").value());
    EXPECT_EQ(a.nma.common.TE(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(metf)), num(rows2[j], "data-te"));
    ++j;
  }
  EXPECT_EQ(a.pscore_common->pscore[0], num(rows2[0], "data-pscore"));
}

TEST(NmaForestPlot, Senn2013NetsplitRows) {
  const NetworkAnalysis a = senn();
  ASSERT_TRUE(a.netsplit && a.netsplit->ok());
  pugi::xml_document doc;
  parse(netsplit_forest_plot(*a.netsplit, a.measure), doc);
  const auto rows = groups(doc, "estimate");
  const auto& split = a.netsplit->random.rows;
  ASSERT_EQ(3 * split.size(), rows.size());
  EXPECT_EQ(split.size(), groups(doc, "comparison").size());
  for (std::size_t c = 0; c < split.size(); ++c) {
    EXPECT_STREQ("direct", rows[3 * c].attribute("data-kind").value());
    EXPECT_EQ(split[c].comparison, rows[3 * c].attribute("data-comparison").value());
    const double d = num(rows[3 * c], "data-te"), ind = num(rows[3 * c + 1], "data-te");
    if (std::isnan(split[c].direct))
      EXPECT_TRUE(std::isnan(d));
    else
      EXPECT_EQ(split[c].direct, d);
    if (std::isnan(split[c].indirect))
      EXPECT_TRUE(std::isnan(ind));
    else
      EXPECT_EQ(split[c].indirect, ind);
    EXPECT_EQ(split[c].nma, num(rows[3 * c + 2], "data-te"));
    EXPECT_EQ(static_cast<double>(split[c].k), num(rows[3 * c], "data-k"));
  }
  NetsplitForestOptions o;
  o.only_with_both = true;
  o.random = false;
  parse(netsplit_forest_plot(*a.netsplit, a.measure, o), doc);
  std::size_t both = 0;
  for (const NetsplitRow& r : a.netsplit->common.rows) both += std::isfinite(r.direct) && std::isfinite(r.indirect);
  EXPECT_EQ(both, groups(doc, "comparison").size());
  // nothing at all
  parse(netsplit_forest_plot(NetsplitResult{}, Measure::OR), doc);
  parse(nma_forest_plot(NetworkAnalysis{}), doc);
  EXPECT_EQ(0u, groups(doc, "treatment").size());
}

}  // namespace
