// Helpers for the tests of the report area's SVG figures: parse a figure (well-formed XML without repeated
// attributes, which pugixml would accept), find the <g class="..."> groups that stand for data, and read
// their data-* numbers.
#pragma once

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <cstdlib>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "evident/report/svg.hpp"

namespace evident::test {

/// The number in attribute `attr` of `n` (NaN when absent or empty).
inline double svg_number(const pugi::xml_node& n, const char* attr) {
  const std::string v = n.attribute(attr).value();
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  return std::strtod(v.c_str(), nullptr);
}

/// Parses the SVG into `doc`; fails the test when it is not well-formed or repeats an attribute.
inline void parse_svg(const svg::Svg& s, pugi::xml_document& doc) {
  const std::string text = s.str();
  const pugi::xml_parse_result r = doc.load_string(text.c_str());
  ASSERT_TRUE(r) << r.description() << " at " << r.offset;
  for (const pugi::xpath_node& x : doc.select_nodes("//*")) {
    std::set<std::string> names;
    for (const pugi::xml_attribute& a : x.node().attributes())
      ASSERT_TRUE(names.insert(a.name()).second)
          << "attribute " << a.name() << " repeated on <" << x.node().name() << ">";
  }
  ASSERT_TRUE(doc.child("svg"));
}

/// Every <g class="cls"> below `root`, in document order.
inline std::vector<pugi::xml_node> svg_groups(const pugi::xml_node& root, const std::string& cls) {
  std::vector<pugi::xml_node> out;
  for (const pugi::xpath_node& x : root.select_nodes((".//g[@class='" + cls + "']").c_str())) out.push_back(x.node());
  return out;
}

}  // namespace evident::test
