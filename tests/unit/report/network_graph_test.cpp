// Network graph (netgraph-like SVG): the figure read back with pugixml must hold one node per
// treatment with the participants summed from the data's arms, one edge per directly compared pair
// with its number of studies, one polygon per multi-arm design (Senn2013, smokingcessation from
// tests/data through read_file / compute_effects / network_meta_analysis); layouts are deterministic,
// the stress layout has no overlapping nodes and no more crossings than a random circle order, and a
// 50-treatment network (subset of tests/data/synthetic_nma_1500s_80t.csv) has no overlapping node
// circles or labels. The expected counts are computed here from the NMA's comparisons and the data,
// independently of the builder.
#include "evident/report/network_graph.hpp"

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "evident/data/read.hpp"
#include "evident/effects/effect_size.hpp"
#include "evident/network/nma.hpp"
#include "evident_test.hpp"

using namespace evident;
using namespace evident::report;

namespace {

struct Fixture {
  ReadResult read;
  NmaResult nma;
};

Fixture load(const std::string& file, Measure measure) {
  Fixture f;
  f.read = read_file(test::data_path(file), ReadOptions{});
  EXPECT_TRUE(f.read.ok()) << file;
  EffectOptions eo;
  eo.measure = measure;
  const Outcome& outcome = f.read.dataset.outcomes.at(0);
  f.nma = network_meta_analysis(nma_input_from_effects(compute_effects(f.read.dataset, outcome, eo)));
  EXPECT_TRUE(f.nma.ok()) << file;
  return f;
}

const Fixture& senn() {
  static const Fixture f = load("Senn2013.csv", Measure::MD);
  return f;
}
const Fixture& smoking() {
  static const Fixture f = load("smokingcessation.csv", Measure::OR);
  return f;
}

// pugixml accepts an element with the same attribute twice; browsers reject it.
void expect_unique_attributes(const pugi::xml_node& node) {
  std::set<std::string> seen;
  for (const pugi::xml_attribute& a : node.attributes())
    EXPECT_TRUE(seen.insert(a.name()).second) << "attribute " << a.name() << " twice on <" << node.name() << ">";
  for (const pugi::xml_node& child : node.children()) expect_unique_attributes(child);
}

pugi::xml_document parse(const std::string& svg) {
  pugi::xml_document doc;
  const pugi::xml_parse_result ok = doc.load_string(svg.c_str());
  EXPECT_TRUE(ok) << ok.description();
  expect_unique_attributes(doc);
  return doc;
}

std::vector<pugi::xml_node> groups(const pugi::xml_document& doc, const std::string& cls) {
  std::vector<pugi::xml_node> out;
  for (const pugi::xpath_node& n : doc.select_nodes(("//g[@class='" + cls + "']").c_str())) out.push_back(n.node());
  return out;
}

GraphBuildOptions with_data(const Dataset& data) {
  GraphBuildOptions o;
  o.data = &data;
  return o;
}

double num(const pugi::xml_node& n, const char* attr) {
  return std::strtod(n.attribute(attr).value(), nullptr);
}

// unordered pair -> studies, from comparisons_data
std::map<std::set<std::string>, std::set<std::string>> pairs_of(const NmaResult& nma) {
  std::map<std::set<std::string>, std::set<std::string>> out;
  for (const NmaComparison& c : nma.comparisons_data) out[{c.treat1, c.treat2}].insert(c.study);
  return out;
}

std::set<std::string> multiarm_designs(const NmaResult& nma) {
  std::set<std::string> out;
  for (const NmaComparison& c : nma.comparisons_data)
    if (c.arms >= 3) out.insert(c.design);
  return out;
}

void expect_graph_matches(const Fixture& f, const NetworkGraphOptions& o) {
  const NetworkGraphData data = network_graph_data(f.nma, with_data(f.read.dataset));
  const NetworkGraphFigure fig = network_graph(data, o);
  const pugi::xml_document doc = parse(fig.svg);
  const auto nodes = groups(doc, "node");
  ASSERT_EQ(nodes.size(), f.nma.treatments.size());
  std::set<std::string> names;
  for (const auto& n : nodes) names.insert(n.attribute("data-treatment").value());
  EXPECT_EQ(names, std::set<std::string>(f.nma.treatments.begin(), f.nma.treatments.end()));

  const auto want = pairs_of(f.nma);
  const auto edges = groups(doc, "edge");
  ASSERT_EQ(edges.size(), want.size());
  for (const auto& e : edges) {
    const std::set<std::string> key{e.attribute("data-treat1").value(), e.attribute("data-treat2").value()};
    ASSERT_TRUE(want.count(key)) << *key.begin();
    EXPECT_EQ(std::to_string(want.at(key).size()), e.attribute("data-studies").value()) << *key.begin();
  }
  EXPECT_EQ(groups(doc, "multiarm").size(), multiarm_designs(f.nma).size());
}

TEST(NetworkGraph, Senn2013NodesEdgesStudiesAndMultiArmDesigns) {
  // Senn2013: 10 treatments, 26 studies, one three-arm study (Willms1999: acar, metf, plac)
  ASSERT_EQ(senn().nma.treatments.size(), 10u);
  ASSERT_EQ(multiarm_designs(senn().nma).size(), 1u);
  for (const GraphLayout layout : {GraphLayout::circle, GraphLayout::optimal}) {
    NetworkGraphOptions o;
    o.layout = layout;
    o.edge_labels = true;
    expect_graph_matches(senn(), o);
  }
}

TEST(NetworkGraph, SmokingCessationParticipantsAreSumsOfArmN) {
  const Fixture& f = smoking();
  // two three-arm studies with different designs (A:C:D, B:C:D)
  ASSERT_EQ(multiarm_designs(f.nma).size(), 2u);
  for (const GraphLayout layout : {GraphLayout::circle, GraphLayout::optimal}) {
    NetworkGraphOptions o;
    o.layout = layout;
    expect_graph_matches(f, o);
  }
  std::map<std::string, double> n_by_treatment;
  std::map<std::string, std::size_t> studies_by_treatment;
  for (const StudyData& sd : f.read.dataset.outcomes.at(0).data)
    for (const Arm& a : sd.arms) {
      ASSERT_TRUE(a.n.has_value());
      n_by_treatment[a.treatment] += *a.n;
      ++studies_by_treatment[a.treatment];
    }
  const NetworkGraphFigure fig = network_graph(network_graph_data(f.nma, with_data(f.read.dataset)));
  const pugi::xml_document doc = parse(fig.svg);
  const auto nodes = groups(doc, "node");
  ASSERT_EQ(nodes.size(), n_by_treatment.size());
  for (const auto& n : nodes) {
    const std::string t = n.attribute("data-treatment").value();
    EXPECT_EQ(n_by_treatment.at(t), num(n, "data-n")) << t;
    EXPECT_EQ(std::to_string(studies_by_treatment.at(t)), n.attribute("data-studies").value()) << t;
  }
  // area proportional to participants (ratio r^2 / n of the largest node), except that small nodes are
  // held at a minimum radius (then r^2 / n is larger)
  std::size_t largest = 0;
  for (std::size_t i = 0; i < nodes.size(); ++i)
    if (num(nodes[i], "data-n") > num(nodes[largest], "data-n")) largest = i;
  const double ratio = std::pow(num(nodes[largest], "data-r"), 2) / num(nodes[largest], "data-n");
  const double r_min = *std::min_element(fig.radius.begin(), fig.radius.end());
  for (const auto& node : nodes) {
    const double r = num(node, "data-r");
    const double n = num(node, "data-n");
    if (r > r_min)
      EXPECT_NEAR(ratio, r * r / n, 1e-9 * ratio) << node.attribute("data-treatment").value();
    else
      EXPECT_GE(r * r / n, ratio * (1 - 1e-9)) << node.attribute("data-treatment").value();
  }
}

TEST(NetworkGraph, LayoutsAreDeterministic) {
  for (const GraphLayout layout : {GraphLayout::circle, GraphLayout::optimal}) {
    NetworkGraphOptions o;
    o.layout = layout;
    const NetworkGraphData d = network_graph_data(senn().nma);
    EXPECT_EQ(network_graph(d, o).svg, network_graph(d, o).svg);
  }
}

// Crossings of the graph with its nodes on a circle in a random order.
std::size_t random_circle_crossings(const NetworkGraphData& d, unsigned seed) {
  std::vector<std::size_t> order(d.nodes.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937 rng(seed);
  std::shuffle(order.begin(), order.end(), rng);
  std::vector<double> x(order.size()), y(order.size());
  for (std::size_t k = 0; k < order.size(); ++k) {
    const double a = 2 * 3.14159265358979 * static_cast<double>(k) / static_cast<double>(order.size());
    x[order[k]] = std::cos(a);
    y[order[k]] = std::sin(a);
  }
  return count_crossings(d.edges, x, y);
}

void expect_no_node_overlap(const NetworkGraphFigure& fig) {
  for (std::size_t i = 0; i < fig.x.size(); ++i)
    for (std::size_t j = i + 1; j < fig.x.size(); ++j)
      EXPECT_GE(std::hypot(fig.x[i] - fig.x[j], fig.y[i] - fig.y[j]), fig.radius[i] + fig.radius[j]) << i << " " << j;
}

TEST(NetworkGraph, StressLayoutNoOverlapsAndFewerCrossingsThanRandomCircle) {
  const NetworkGraphData d = network_graph_data(senn().nma);
  NetworkGraphOptions o;
  o.layout = GraphLayout::optimal;
  const NetworkGraphFigure fig = network_graph(d, o);
  expect_no_node_overlap(fig);
  EXPECT_GT(fig.iterations, 0u);
  EXPECT_EQ(fig.crossings, count_crossings(d.edges, fig.x, fig.y));
  for (unsigned seed = 1; seed <= 5; ++seed) EXPECT_LE(fig.crossings, random_circle_crossings(d, seed)) << seed;
  // the circle layout's ordering is no worse than the NMA's order nor random orders
  o.layout = GraphLayout::circle;
  const NetworkGraphFigure circle = network_graph(d, o);
  ASSERT_EQ(circle.circle_order.size(), d.nodes.size());
  std::vector<double> x(d.nodes.size()), y(d.nodes.size());
  for (std::size_t k = 0; k < d.nodes.size(); ++k) {
    const double a = 2 * 3.14159265358979 * static_cast<double>(k) / static_cast<double>(d.nodes.size());
    x[k] = std::cos(a);
    y[k] = std::sin(a);
  }
  EXPECT_LE(circle.crossings, count_crossings(d.edges, x, y));
  for (unsigned seed = 1; seed <= 5; ++seed) EXPECT_LE(circle.crossings, random_circle_crossings(d, seed)) << seed;
  expect_no_node_overlap(circle);
}

struct LabelBox {
  double x0, y0, x1, y1;
};

void expect_readable(const NetworkGraphFigure& fig) {
  const pugi::xml_document doc = parse(fig.svg);
  std::vector<LabelBox> boxes;
  for (const pugi::xpath_node& t : doc.select_nodes("//g[@class='node']/text[@class='label']")) {
    const pugi::xml_node n = t.node();
    boxes.push_back({num(n, "data-x0"), num(n, "data-y0"), num(n, "data-x1"), num(n, "data-y1")});
  }
  ASSERT_EQ(boxes.size(), fig.x.size());
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    for (std::size_t j = i + 1; j < boxes.size(); ++j) {
      const bool overlap = boxes[i].x0 < boxes[j].x1 && boxes[j].x0 < boxes[i].x1 && boxes[i].y0 < boxes[j].y1 &&
                           boxes[j].y0 < boxes[i].y1;
      EXPECT_FALSE(overlap) << "labels " << i << " and " << j;
    }
    for (std::size_t v = 0; v < fig.x.size(); ++v) {
      const double nx = std::clamp(fig.x[v], boxes[i].x0, boxes[i].x1);
      const double ny = std::clamp(fig.y[v], boxes[i].y0, boxes[i].y1);
      EXPECT_GE(std::hypot(nx - fig.x[v], ny - fig.y[v]), fig.radius[v]) << "label " << i << " on node " << v;
    }
  }
  expect_no_node_overlap(fig);
  for (const Diagnostic& d : fig.diagnostics.items()) EXPECT_NE(d.code, "graph-label-overlap") << d.message;
}

TEST(NetworkGraph, FiftyTreatmentsStayReadable) {
  // the first 50 treatments of the synthetic 80-treatment network: studies whose arms all lie in T01..T50
  // (its spanning-tree studies 1..49 keep the subnetwork connected)
  ReadResult r = read_file(test::data_path("synthetic_nma_1500s_80t.csv"), ReadOptions{});
  ASSERT_TRUE(r.ok());
  Outcome& outcome = r.dataset.outcomes.at(0);
  std::vector<StudyData> kept;
  for (const StudyData& sd : outcome.data) {
    bool in = true;
    for (const Arm& a : sd.arms) in = in && a.treatment <= "T50";
    if (in) kept.push_back(sd);
  }
  outcome.data = kept;
  EffectOptions eo;
  eo.measure = Measure::MD;
  const NmaResult nma = network_meta_analysis(nma_input_from_effects(compute_effects(r.dataset, outcome, eo)));
  ASSERT_TRUE(nma.ok());
  ASSERT_EQ(nma.treatments.size(), 50u);
  ASSERT_EQ(nma.subnetworks.size(), 1u);
  const NetworkGraphData d = network_graph_data(nma, with_data(r.dataset));
  for (const GraphLayout layout : {GraphLayout::circle, GraphLayout::optimal}) {
    SCOPED_TRACE(layout == GraphLayout::circle ? "circle" : "optimal");
    NetworkGraphOptions o;
    o.layout = layout;
    const NetworkGraphFigure fig = network_graph(d, o);
    expect_readable(fig);
    const pugi::xml_document doc = parse(fig.svg);
    EXPECT_EQ(groups(doc, "node").size(), 50u);
    EXPECT_EQ(groups(doc, "edge").size(), pairs_of(nma).size());
    EXPECT_EQ(groups(doc, "multiarm").size(), multiarm_designs(nma).size());
    if (layout == GraphLayout::optimal) {
      for (unsigned seed = 1; seed <= 3; ++seed) EXPECT_LE(fig.crossings, random_circle_crossings(d, seed));
    }
  }
}

TEST(NetworkGraph, EdgesColouredByRiskOfBiasAndCertainty) {
  Fixture f = smoking();
  // give the studies an overall RoB: low, some, high in turn
  const Judgement cycle[] = {Judgement::low, Judgement::some_concerns, Judgement::high};
  for (std::size_t i = 0; i < f.read.dataset.studies.size(); ++i) f.read.dataset.studies[i].rob.overall = cycle[i % 3];
  GraphBuildOptions b = with_data(f.read.dataset);
  b.colour_by_rob = true;
  const NetworkGraphData d = network_graph_data(f.nma, b);
  ASSERT_EQ(d.rating_labels.size(), 3u);
  // expected: majority of the studies' ranks, ties to the worse
  std::map<std::set<std::string>, std::string> want;
  for (const auto& [pair, studies] : pairs_of(f.nma)) {
    int counts[3] = {0, 0, 0};
    for (const std::string& s : studies) ++counts[static_cast<int>(f.read.dataset.find_study(s)) % 3];
    int best = 0;
    for (int r = 1; r < 3; ++r)
      if (counts[r] >= counts[best]) best = r;
    want[pair] = best == 0 ? "low" : best == 1 ? "some" : "high";
  }
  const pugi::xml_document doc = parse(network_graph(d).svg);
  for (const auto& e : groups(doc, "edge"))
    EXPECT_EQ(want.at({e.attribute("data-treat1").value(), e.attribute("data-treat2").value()}),
              e.attribute("data-rating").value());
  EXPECT_NE(network_graph(d).svg.find("Risk of bias"), std::string::npos);

  GraphBuildOptions c;
  c.certainty = {{"C:A", Certainty::high}, {"A:D", Certainty::very_low}};
  const NetworkGraphData dc = network_graph_data(f.nma, c);
  const pugi::xml_document docc = parse(network_graph(dc).svg);
  std::size_t rated = 0;
  for (const auto& e : groups(docc, "edge")) {
    const std::set<std::string> key{e.attribute("data-treat1").value(), e.attribute("data-treat2").value()};
    if (key == std::set<std::string>{"A", "C"}) {
      EXPECT_STREQ("low", e.attribute("data-rating").value());
    }
    if (key == std::set<std::string>{"A", "D"}) {
      EXPECT_STREQ("high", e.attribute("data-rating").value());
    }
    rated += e.attribute("data-rating") ? 1 : 0;
  }
  EXPECT_EQ(rated, 2u);
}

TEST(NetworkGraph, DisconnectedNetworkDrawsTheDroppedPartGreyed) {
  NmaInput in;
  auto add = [&](const std::string& s, const std::string& a, const std::string& b, double te) {
    NmaContrast c;
    c.study = s;
    c.treat1 = a;
    c.treat2 = b;
    c.te = te;
    c.se = 0.2;
    in.contrasts.push_back(c);
  };
  add("s1", "A", "B", 0.1);
  add("s2", "B", "C", 0.2);
  add("s3", "A", "C", 0.25);
  add("s4", "D", "E", 0.3);
  add("s5", "D", "E", 0.4);
  const NmaResult nma = network_meta_analysis(in);
  ASSERT_TRUE(nma.ok());
  ASSERT_EQ(nma.subnetworks.size(), 2u);
  const NetworkGraphData d = network_graph_data(nma);
  for (const GraphLayout layout : {GraphLayout::circle, GraphLayout::optimal}) {
    NetworkGraphOptions o;
    o.layout = layout;
    const NetworkGraphFigure fig = network_graph(d, o);
    const pugi::xml_document doc = parse(fig.svg);
    const auto nodes = groups(doc, "node");
    ASSERT_EQ(nodes.size(), 5u);
    std::size_t grey = 0;
    for (const auto& n : nodes) grey += std::string(n.attribute("data-analysed").value()) == "false" ? 1 : 0;
    EXPECT_EQ(grey, 2u);
    const auto edges = groups(doc, "edge");
    ASSERT_EQ(edges.size(), 4u);
    for (const auto& e : edges)
      if (std::string(e.attribute("data-treat1").value()) == "D") {
        EXPECT_STREQ("2", e.attribute("data-studies").value());
      }
    expect_no_node_overlap(fig);
  }
}

TEST(NetworkGraph, EmptyAndTinyInputsGiveWellFormedFigures) {
  NetworkGraphData empty;
  EXPECT_FALSE(parse(network_graph(empty).svg).children().empty());
  NetworkGraphData one;
  one.nodes.push_back({"A & <B>", 0, std::nullopt, true});
  const std::string s = network_graph(one).svg;
  EXPECT_EQ(groups(parse(s), "node").size(), 1u);
  NetworkGraphData two = one;
  two.nodes.push_back({"C", 1, 10.0, true});
  two.edges.push_back({0, 1, 1, std::nullopt});
  for (const GraphLayout layout : {GraphLayout::circle, GraphLayout::optimal}) {
    NetworkGraphOptions o;
    o.layout = layout;
    expect_readable(network_graph(two, o));
  }
}

}  // namespace
