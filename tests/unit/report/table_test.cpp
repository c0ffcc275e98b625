// The generic report table and its writers: number formats, CSV (RFC 4180), Markdown and HTML escaping,
// header spans, traffic lights (HTML parsed back with pugixml).
#include "evident/report/table.hpp"

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <cmath>
#include <limits>
#include <string>

#include "evident/report/svg.hpp"

using namespace evident;
using namespace evident::report;

namespace {

/// Cells with every character a writer must escape.
Table awkward() {
  Table t;
  t.name = "awkward";
  t.title = "Results & <notes>";
  t.header.push_back({{"", 1}, {"Group | A", 2}});
  t.header.push_back({{"Study", 1}, {"x", 1}, {"y", 1}});
  t.rows.push_back({text_cell("Smith, 2001"), text_cell("say \"hi\""), number_cell(0.123456789, 2)});
  t.rows.push_back({text_cell("line1\nline2"), text_cell("a|b"), text_cell("<b>&c")});
  t.rows.back()[1].marks = {"a"};
  t.footnotes.push_back({"a", "a note, with \"quotes\""});
  return t;
}

}  // namespace

TEST(Table, NumberFormats) {
  EXPECT_EQ("0.12", format_number(0.123, 2));
  EXPECT_EQ("-1.50", format_number(-1.5, 2));
  EXPECT_EQ("0.00", format_number(-0.001, 2));  // no "-0.00"
  EXPECT_EQ("3", format_number(2.5001, 0));
  EXPECT_EQ("", format_number(std::nan(""), 2));
  EXPECT_EQ("Inf", format_number(std::numeric_limits<double>::infinity(), 2));
  EXPECT_EQ("-0.50 (-0.70 to -0.30)", format_interval(-0.5, -0.7, -0.3, 2));
  EXPECT_EQ("1.00", format_interval(1.0, std::nan(""), std::nan(""), 2));
  EXPECT_EQ("< 0.0001", format_p(1e-7, 4));
  EXPECT_EQ("0.0001", format_p(1e-4, 4));
  EXPECT_EQ("0.0312", format_p(0.03124, 4));
  EXPECT_EQ("< 0.001", format_p(1e-5, 3));
  EXPECT_EQ("0.1", full_precision(0.1));  // shortest round trip, not 0.10000000000000001
  EXPECT_EQ(0.1 + 0.2, std::stod(full_precision(0.1 + 0.2)));
  EXPECT_EQ("0.30000000000000004", full_precision(0.1 + 0.2));
  EXPECT_EQ("", full_precision(std::nan("")));
}

TEST(Table, CellsKeepTheirNumbers) {
  const TableCell n = number_cell(0.123456789, 3);
  EXPECT_EQ("0.123", n.text);
  ASSERT_TRUE(n.value.has_value());
  EXPECT_EQ(0.123456789, *n.value);
  EXPECT_EQ(3, n.decimals);
  const TableCell ci = interval_cell(1.23456, 0.5, 2.5, 2);
  EXPECT_EQ("1.23 (0.50 to 2.50)", ci.text);
  EXPECT_EQ(1.23456, *ci.value);
  EXPECT_EQ(0.5, *ci.lower);
  EXPECT_EQ(2.5, *ci.upper);
  const TableCell none = number_cell(std::nan(""), 2);
  EXPECT_EQ("", none.text);
  EXPECT_FALSE(none.value.has_value());
}

TEST(Table, ColumnsAndSpannedColumnNames) {
  const Table t = awkward();
  EXPECT_EQ(3u, t.columns());
  const std::vector<std::string> names = t.column_names();
  ASSERT_EQ(3u, names.size());
  EXPECT_EQ("Study", names[0]);
  EXPECT_EQ("Group | A: x", names[1]);
  EXPECT_EQ("Group | A: y", names[2]);
}

TEST(Table, CsvQuotesCommasQuotesAndLineBreaks) {
  EXPECT_EQ("plain", csv_field("plain"));
  EXPECT_EQ("\"a,b\"", csv_field("a,b"));
  EXPECT_EQ("\"say \"\"hi\"\"\"", csv_field("say \"hi\""));
  EXPECT_EQ("\"a\nb\"", csv_field("a\nb"));
  EXPECT_EQ("\"a\rb\"", csv_field("a\rb"));
  EXPECT_EQ("caf\xC3\xA9 <&>|", csv_field("caf\xC3\xA9 <&>|"));  // UTF-8 and other characters as they are
  const std::string expected =
      ",Group | A,\r\n"
      "Study,x,y\r\n"
      "\"Smith, 2001\",\"say \"\"hi\"\"\",0.12\r\n"
      "\"line1\nline2\",a|b,<b>&c\r\n";
  EXPECT_EQ(expected, to_csv(awkward()));
  CsvOptions o;
  o.title = true;
  o.footnotes = true;
  o.full_precision = true;
  const std::string with_all =
      "Results & <notes>\r\n"
      ",Group | A,\r\n"
      "Study,x,y\r\n"
      "\"Smith, 2001\",\"say \"\"hi\"\"\",0.123456789\r\n"
      "\"line1\nline2\",a|b^a,<b>&c\r\n"
      "\"a. a note, with \"\"quotes\"\"\"\r\n";
  EXPECT_EQ(with_all, to_csv(awkward(), o));
}

TEST(Table, CsvFullPrecisionIntervals) {
  Table t;
  t.header.push_back({{"Comparison", 1}, {"Estimate", 1}});
  t.rows.push_back({text_cell("A vs B"), interval_cell(0.1, -0.2, 0.4, 2)});
  t.rows.push_back({text_cell("C vs D"), interval_cell(1.0 / 3.0, 0.25, 0.5, 2)});
  CsvOptions o;
  o.full_precision = true;
  EXPECT_EQ("Comparison,Estimate\r\nA vs B,0.1 (-0.2 to 0.4)\r\nC vs D,0.3333333333333333 (0.25 to 0.5)\r\n",
            to_csv(t, o));
  EXPECT_EQ("Comparison,Estimate\r\nA vs B,0.10 (-0.20 to 0.40)\r\nC vs D,0.33 (0.25 to 0.50)\r\n", to_csv(t));
}

TEST(Table, MarkdownEscapesPipesAndLineBreaks) {
  EXPECT_EQ("a\\|b", markdown_escape("a|b"));
  EXPECT_EQ("a<br>b<br>c", markdown_escape("a\nb\r\nc"));
  EXPECT_EQ("&lt;b&gt; &amp; \\*x\\* \\_y\\_ \\\\ \\`z\\` \\[l\\]", markdown_escape("<b> & *x* _y_ \\ `z` [l]"));
  const std::string expected =
      "**Results &amp; &lt;notes&gt;**\n"
      "\n"
      "| Study | Group \\| A: x | Group \\| A: y |\n"
      "| --- | ---: | ---: |\n"
      "| Smith, 2001 | say \"hi\" | 0.12 |\n"
      "| line1<br>line2 | a\\|b<sup>a</sup> | &lt;b&gt;&amp;c |\n"
      "\n"
      "- a. a note, with \"quotes\"\n";
  EXPECT_EQ(expected, to_markdown(awkward()));
}

TEST(Table, HtmlEscapesAndCarriesNumbers) {
  Table t = awkward();
  t.kind = "test-table";
  t.rows.push_back({text_cell("O'Brien"), interval_cell(-0.5, -0.75, -0.25, 2), text_cell("<script>", "x\" y")});
  const std::string html = to_html(t);
  EXPECT_EQ(std::string::npos, html.find("<script>"));
  EXPECT_EQ(std::string::npos, html.find("<b>"));
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(html.c_str())) << html;
  const pugi::xml_node table = doc.child("table");
  EXPECT_STREQ("evident-table test-table", table.attribute("class").value());
  EXPECT_STREQ("evident-table-awkward", table.attribute("id").value());
  EXPECT_STREQ("Results & <notes>", table.child_value("caption"));
  const pugi::xml_node head = table.child("thead").first_child();
  EXPECT_STREQ("2", head.child("th").next_sibling("th").attribute("colspan").value());
  EXPECT_STREQ("Group | A", head.child("th").next_sibling("th").child_value());

  const pugi::xml_node row1 = table.child("tbody").first_child();
  EXPECT_STREQ("row", row1.child("th").attribute("scope").value());  // stub column
  EXPECT_STREQ("Smith, 2001", row1.child_value("th"));
  const pugi::xml_node num = row1.child("td").next_sibling("td");
  EXPECT_STREQ("0.12", num.child_value());
  EXPECT_STREQ("0.123456789", num.attribute("data-value").value());
  EXPECT_STREQ("number", num.attribute("class").value());

  const pugi::xml_node row2 = row1.next_sibling("tr");
  EXPECT_STREQ("line1\nline2", row2.child_value("th"));
  EXPECT_STREQ("a", row2.child("td").child_value("sup"));
  EXPECT_STREQ("<b>&c", row2.child("td").next_sibling("td").child_value());

  const pugi::xml_node row3 = row2.next_sibling("tr");
  EXPECT_STREQ("O'Brien", row3.child_value("th"));
  const pugi::xml_node ci = row3.child("td");
  EXPECT_STREQ("-0.5", ci.attribute("data-value").value());
  EXPECT_STREQ("-0.75", ci.attribute("data-lower").value());
  EXPECT_STREQ("-0.25", ci.attribute("data-upper").value());
  EXPECT_STREQ("<script>", ci.next_sibling("td").child_value());
  EXPECT_STREQ("x\" y", ci.next_sibling("td").attribute("class").value());

  const pugi::xml_node foot = table.child("tfoot").first_child().child("td");
  EXPECT_STREQ("3", foot.attribute("colspan").value());
  EXPECT_STREQ("a", foot.child_value("sup"));
}

TEST(Table, HtmlTrafficLightsHaveLettersAndColours) {
  Table t;
  t.header.push_back({{"Study", 1}, {"D1", 1}, {"D2", 1}, {"D3", 1}, {"D4", 1}});
  t.rows.push_back({text_cell("A"), text_cell("Low", "rob rob-low"), text_cell("Some concerns", "rob rob-some"),
                    text_cell("High", "rob rob-high"), text_cell("", "rob")});
  pugi::xml_document doc;
  const std::string html = to_html(t);
  ASSERT_TRUE(doc.load_string(html.c_str())) << html;
  const pugi::xml_node row = doc.child("table").child("tbody").first_child();
  const struct {
    const char* letter;
    const char* colour;
    const char* words;
  } expected[] = {{"L", svg::colour::low_risk, "Low"},
                  {"S", svg::colour::some_risk, "Some concerns"},
                  {"H", svg::colour::high_risk, "High"}};
  pugi::xml_node td = row.child("td");
  for (const auto& e : expected) {
    const pugi::xml_node light = td.child("span");
    EXPECT_STREQ("traffic-light", light.attribute("class").value());
    EXPECT_STREQ(e.letter, light.child_value());
    EXPECT_EQ(std::string("background-color:") + e.colour, light.attribute("style").value());
    EXPECT_STREQ(e.words, light.attribute("title").value());
    EXPECT_STREQ(e.words, light.attribute("aria-label").value());
    td = td.next_sibling("td");
  }
  EXPECT_FALSE(td.child("span"));  // no judgement: no light
  EXPECT_NE(std::string::npos, table_css().find(".traffic-light"));
}

TEST(Table, ShortRowsArePadded) {
  Table t;
  t.header.push_back({{"a", 1}, {"b", 1}, {"c", 1}});
  t.rows.push_back({text_cell("1")});
  EXPECT_EQ("a,b,c\r\n1,,\r\n", to_csv(t));
  EXPECT_EQ("| a | b | c |\n| --- | ---: | ---: |\n| 1 |  |  |\n", to_markdown(t));
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(to_html(t).c_str()));
  int cells = 0;
  for (const pugi::xml_node c : doc.child("table").child("tbody").first_child().children()) {
    (void)c;
    ++cells;
  }
  EXPECT_EQ(3, cells);
}
