// Net heat plot: the SVG read back with pugixml holds one cell per entry of NetHeat's displayed
// matrix with its change and size in full precision (Senn2013, Linde2016 and Woods2010, the datasets
// whose net heat the network tests check against netmeta / the base-R implementation), and an
// unavailable net heat gives a small figure stating the reason instead of a crash.
#include "evident/report/netheat_plot.hpp"

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <cmath>
#include <cstdlib>
#include <set>
#include <string>

#include "evident/network/evidence_flow.hpp"
#include "evident_test.hpp"
#include "network_fixtures.hpp"

using namespace evident;
using namespace evident::report;

namespace {

NmaResult nma_of(const std::string& dataset) {
  const nlohmann::json ref = test::load_reference("nma_" + dataset + ".json");
  return network_meta_analysis(test::nma_input_of(ref), test::options_for(ref.at("netmeta_DL")));
}

// pugixml accepts an element with the same attribute twice; browsers reject it.
void expect_unique_attributes(const pugi::xml_node& node) {
  std::set<std::string> seen;
  for (const pugi::xml_attribute& a : node.attributes())
    EXPECT_TRUE(seen.insert(a.name()).second) << "attribute " << a.name() << " twice on <" << node.name() << ">";
  for (const pugi::xml_node& child : node.children()) expect_unique_attributes(child);
}

double parse_full(const char* s) {
  if (std::string(s).empty()) return std::nan("");
  return std::strtod(s, nullptr);
}

TEST(NetHeatPlot, CellsHoldTheNetHeatMatrices) {
  for (const std::string name : {"Senn2013_MD", "Linde2016_OR", "Woods2010_OR"}) {
    SCOPED_TRACE(name);
    const NmaResult nma = nma_of(name);
    ASSERT_TRUE(nma.ok());
    for (const bool random : {false, true}) {
      NetHeatOptions o;
      o.random = random;
      const NetHeat heat = net_heat(nma, o);
      if (!heat.available) continue;
      const NetHeatPlot plot = net_heat_plot(heat);
      EXPECT_TRUE(plot.diagnostics.empty());
      pugi::xml_document doc;
      ASSERT_TRUE(doc.load_string(plot.svg.c_str()));
      expect_unique_attributes(doc);
      const auto cells = doc.select_nodes("//g[@class='cell']");
      const auto k = static_cast<std::size_t>(heat.change.rows());
      ASSERT_EQ(cells.size(), k * k);
      for (const pugi::xpath_node& c : cells) {
        const auto i = static_cast<Eigen::Index>(std::stoul(c.node().attribute("data-row").value()));
        const auto j = static_cast<Eigen::Index>(std::stoul(c.node().attribute("data-col").value()));
        // 17 significant digits round-trip exactly
        const double change = parse_full(c.node().attribute("data-change").value());
        const double size = parse_full(c.node().attribute("data-size").value());
        if (std::isnan(heat.change(i, j)))
          EXPECT_TRUE(std::isnan(change));
        else
          EXPECT_EQ(heat.change(i, j), change) << i << "," << j;
        if (std::isnan(heat.size(i, j)))
          EXPECT_TRUE(std::isnan(size));
        else
          EXPECT_EQ(heat.size(i, j), size) << i << "," << j;
        EXPECT_EQ(heat.labels[static_cast<std::size_t>(i)], c.node().attribute("data-row-label").value());
        EXPECT_EQ(heat.labels[static_cast<std::size_t>(j)], c.node().attribute("data-col-label").value());
      }
      EXPECT_EQ(doc.select_nodes("//text[@class='row-label']").size(), k);
      EXPECT_EQ(doc.select_nodes("//text[@class='col-label']").size(), k);
      EXPECT_FALSE(doc.select_node("//g[@class='legend']").node().empty());
    }
  }
}

TEST(NetHeatPlot, AtLeastOneDatasetHasANetHeat) {
  // guards the test above against passing vacuously
  EXPECT_TRUE(net_heat(nma_of("Senn2013_MD")).available);
}

TEST(NetHeatPlot, UnavailableNetHeatGivesTheReason) {
  NetHeat heat;  // not available
  heat.diagnostics.warning("netheat-unavailable", {}, "net heat needs more than two designs & <df>");
  const NetHeatPlot plot = net_heat_plot(heat);
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(plot.svg.c_str()));
  expect_unique_attributes(doc);
  EXPECT_TRUE(doc.select_nodes("//g[@class='cell']").empty());
  EXPECT_STREQ("net heat needs more than two designs & <df>",
               doc.select_node("//text[@class='reason']").node().child_value());
  ASSERT_EQ(plot.diagnostics.size(), 1u);
  EXPECT_EQ(plot.diagnostics.items().at(0).severity, Severity::warning);

  // inconsistent matrices (a bug elsewhere or a hand-made struct) do not crash either
  NetHeat bad;
  bad.available = true;
  bad.change = Eigen::MatrixXd::Zero(2, 2);
  bad.size = Eigen::MatrixXd::Zero(3, 3);
  EXPECT_TRUE(doc.load_string(net_heat_plot(bad).svg.c_str()));
}

}  // namespace
