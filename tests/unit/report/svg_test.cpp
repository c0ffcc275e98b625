// The SVG writer of the report area: escaping, number formats, scales, ticks and well-formed output
// (parsed back with pugixml).
#include "evident/report/svg.hpp"

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <cmath>
#include <limits>

using namespace evident;

TEST(Svg, EscapesTextAndAttributes) {
  EXPECT_EQ("a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#39;", svg::escape("a & b <c> \"d\" 'e'"));
  svg::Svg s(100, 50);
  s.title("x < y & z");
  s.open_group({{"class", "study"}, {"data-label", "O'Brien \"2001\""}});
  s.text(1, 2, "<script>alert(1)</script>");
  s.close_group();
  s.close_group();  // unbalanced: ignored
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(s.str().c_str()));
  const pugi::xml_node root = doc.child("svg");
  EXPECT_STREQ("x < y & z", root.child_value("title"));
  EXPECT_STREQ("O'Brien \"2001\"", root.child("g").attribute("data-label").value());
  EXPECT_STREQ("<script>alert(1)</script>", root.child("g").child_value("text"));
  EXPECT_STREQ("0 0 100 50", root.attribute("viewBox").value());
}

TEST(Svg, NumbersForDataDrawingAndPeople) {
  EXPECT_EQ("0.10000000000000001", svg::full(0.1));
  EXPECT_EQ("", svg::full(std::numeric_limits<double>::quiet_NaN()));
  EXPECT_EQ("12.5", svg::fixed(12.5));
  EXPECT_EQ("3", svg::fixed(3.0));
  EXPECT_EQ("0", svg::fixed(-0.001));
  EXPECT_EQ("\xE2\x88\x92" "1.25", svg::label(-1.25));
  EXPECT_EQ("0.00", svg::label(-0.001));
  EXPECT_EQ("0.50", svg::label(0.5));
}

TEST(Svg, ScalesAndTicks) {
  const svg::Scale lin{0, 10, 100, 200, false};
  EXPECT_DOUBLE_EQ(150, lin(5));
  const svg::Scale lg{0.1, 10, 0, 200, true};
  EXPECT_NEAR(100, lg(1), 1e-12);
  const auto t = svg::ticks(-0.3, 1.2, 5);
  ASSERT_FALSE(t.empty());
  EXPECT_GE(t.front(), -0.3);
  EXPECT_LE(t.back(), 1.2);
  EXPECT_NE(std::find(t.begin(), t.end(), 0.0), t.end());
  const auto lt = svg::ticks(0.2, 5, 5, true);
  EXPECT_NE(std::find(lt.begin(), lt.end(), 1.0), lt.end());
  EXPECT_TRUE(svg::ticks(-1, 1, 5, true).empty());  // log scale needs positive values
}

TEST(Svg, TextWidthGrowsWithTextAndSize) {
  EXPECT_LT(svg::text_width("ill", 12), svg::text_width("MWM", 12));
  EXPECT_DOUBLE_EQ(2 * svg::text_width("Study", 10), svg::text_width("Study", 20));
  EXPECT_GT(svg::text_width("Study", 12, true), svg::text_width("Study", 12));
}
