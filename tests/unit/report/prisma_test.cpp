// PRISMA 2020 flow diagram (Page et al. 2021, BMJ 372:n71): the JSON reader names bad, missing and
// negative fields; the arithmetic checks warn about inconsistent counts; the SVG boxes hold the given
// counts with the template's wording and are well-formed XML. The counts below are made up to be
// consistent (1200 + 34 identified, 354 removed, 880 screened, ...), then broken one at a time.
#include "evident/report/prisma.hpp"

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <map>
#include <set>
#include <string>

using namespace evident;
using namespace evident::report;

namespace {

nlohmann::json consistent() {
  return nlohmann::json::parse(R"({
    "databases": 1200, "registers": 34,
    "duplicates_removed": 300, "automation_ineligible": 50, "removed_other_reasons": 4,
    "records_screened": 880, "records_excluded": 700,
    "reports_sought": 180, "reports_not_retrieved": 10, "reports_assessed": 170,
    "reports_excluded": 120,
    "reports_excluded_reasons": [{"reason": "Wrong population", "n": 60},
                                 {"reason": "Wrong comparator", "n": 40},
                                 {"reason": "Not randomised", "n": 20}],
    "studies_included": 42, "reports_included": 58, "studies_meta_analysis": 35,
    "other_methods": {
      "sources": {"Websites": 20, "Organisations": 5, "Citation searching": 30},
      "reports_sought": 15, "reports_not_retrieved": 2, "reports_assessed": 13,
      "reports_excluded_reasons": {"Wrong outcome": 3, "Duplicate report": 2}
    }
  })");
}

// pugixml accepts an element with the same attribute twice; browsers reject it.
void expect_unique_attributes(const pugi::xml_node& node) {
  std::set<std::string> seen;
  for (const pugi::xml_attribute& a : node.attributes())
    EXPECT_TRUE(seen.insert(a.name()).second) << "attribute " << a.name() << " twice on <" << node.name() << ">";
  for (const pugi::xml_node& child : node.children()) expect_unique_attributes(child);
}

std::map<std::string, std::string> box_counts(const std::string& svg) {
  pugi::xml_document doc;
  EXPECT_TRUE(doc.load_string(svg.c_str()));
  expect_unique_attributes(doc);
  std::map<std::string, std::string> out;
  for (const pugi::xpath_node& b : doc.select_nodes("//g[@class='prisma-box']"))
    out[b.node().attribute("data-key").value()] = b.node().attribute("data-n").value();
  return out;
}

bool has(const Diagnostics& d, const std::string& code, const std::string& field) {
  for (const Diagnostic& x : d.items())
    if (x.code == code && x.field == field) return true;
  return false;
}

TEST(Prisma, ConsistentCountsReadWithoutDiagnosticsAndBoxesHoldThem) {
  Diagnostics d;
  const PrismaCounts c = prisma_from_json(consistent(), d);
  EXPECT_TRUE(d.empty()) << (d.empty() ? "" : d.items().front().message);
  EXPECT_TRUE(check_prisma(c).empty()) << (check_prisma(c).empty() ? "" : check_prisma(c).items().front().message);
  const PrismaFigure fig = prisma_flow(c);
  EXPECT_TRUE(fig.diagnostics.empty());
  const auto boxes = box_counts(fig.svg);
  const std::map<std::string, std::string> want = {{"identified", "1234"},
                                                   {"removed_before_screening", "354"},
                                                   {"records_screened", "880"},
                                                   {"records_excluded", "700"},
                                                   {"reports_sought", "180"},
                                                   {"reports_not_retrieved", "10"},
                                                   {"reports_assessed", "170"},
                                                   {"reports_excluded", "120"},
                                                   {"studies_included", "42"},
                                                   {"studies_meta_analysis", "35"},
                                                   {"other_identified", "55"},
                                                   {"other_reports_sought", "15"},
                                                   {"other_reports_not_retrieved", "2"},
                                                   {"other_reports_assessed", "13"},
                                                   {"other_reports_excluded", "5"}};
  EXPECT_EQ(want, boxes);

  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(fig.svg.c_str()));
  std::map<std::string, std::string> counts;  // key or reason -> n
  for (const pugi::xpath_node& n : doc.select_nodes("//g[@class='prisma-count']")) {
    const std::string key = n.node().attribute("data-key").value();
    counts[key == "reason" || key == "source" ? n.node().attribute("data-reason").value() : key] =
        n.node().attribute("data-n").value();
  }
  EXPECT_EQ("1200", counts["databases"]);
  EXPECT_EQ("34", counts["registers"]);
  EXPECT_EQ("300", counts["duplicates_removed"]);
  EXPECT_EQ("50", counts["automation_ineligible"]);
  EXPECT_EQ("4", counts["removed_other_reasons"]);
  EXPECT_EQ("60", counts["Wrong population"]);
  EXPECT_EQ("40", counts["Wrong comparator"]);
  EXPECT_EQ("20", counts["Not randomised"]);
  EXPECT_EQ("30", counts["Citation searching"]);
  EXPECT_EQ("58", counts["reports_included"]);
  // the template's wording
  for (const char* text : {"Records screened (n = 880)", "Reports sought for retrieval (n = 180)",
                           "Reports assessed for eligibility (n = 170)", "Studies included in review (n = 42)",
                           "Identification of studies via databases and registers",
                           "Identification of studies via other methods", "Records removed before screening:"})
    EXPECT_NE(fig.svg.find(text), std::string::npos) << text;
}

TEST(Prisma, DatabasesOnlyVariantHasNoOtherMethodsColumn) {
  nlohmann::json j = consistent();
  j.erase("other_methods");
  j["reports_included"] = 50;
  Diagnostics d;
  const PrismaFigure fig = prisma_flow(prisma_from_json(j, d));
  EXPECT_TRUE(d.empty());
  EXPECT_TRUE(fig.diagnostics.empty()) << (fig.diagnostics.empty() ? "" : fig.diagnostics.items().front().message);
  const auto boxes = box_counts(fig.svg);
  EXPECT_EQ(0u, boxes.count("other_identified"));
  EXPECT_EQ(fig.svg.find("other methods"), std::string::npos);
}

TEST(Prisma, InconsistentCountsGiveWarnings) {
  struct Case {
    std::string pointer;
    nlohmann::json value;
    std::string field;
  };
  const Case cases[] = {
      {"/records_screened", 870, "records_screened"},
      {"/reports_sought", 170, "reports_sought"},
      {"/reports_assessed", 171, "reports_assessed"},
      {"/reports_excluded", 119, "reports_excluded_reasons"},
      {"/reports_included", 57, "reports_included"},
      {"/studies_included", 59, "studies_included"},
      {"/studies_meta_analysis", 43, "studies_meta_analysis"},
      {"/other_methods/reports_assessed", 12, "other_methods.reports_assessed"},
      {"/other_methods/reports_sought", 56, "other_methods.reports_sought"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.pointer);
    nlohmann::json j = consistent();
    j[nlohmann::json::json_pointer(c.pointer)] = c.value;
    Diagnostics d;
    const PrismaCounts counts = prisma_from_json(j, d);
    EXPECT_FALSE(d.has_errors());
    const PrismaFigure fig = prisma_flow(counts);
    EXPECT_TRUE(has(fig.diagnostics, "prisma-inconsistent", c.field));
    for (const Diagnostic& x : fig.diagnostics.items()) EXPECT_EQ(x.severity, Severity::warning);
    pugi::xml_document doc;
    EXPECT_TRUE(doc.load_string(fig.svg.c_str()));  // still drawn as given
    expect_unique_attributes(doc);
  }
}

TEST(Prisma, ReaderNamesBadMissingAndNegativeFields) {
  {
    nlohmann::json j = consistent();
    j["records_screened"] = -5;
    j["reports_sought"] = "180";
    j["reports_assessed"] = 1.5;
    j.erase("studies_included");
    j["studys_included"] = 42;
    Diagnostics d;
    prisma_from_json(j, d);
    EXPECT_TRUE(has(d, "prisma-bad-count", "records_screened"));
    EXPECT_TRUE(has(d, "prisma-bad-count", "reports_sought"));
    EXPECT_TRUE(has(d, "prisma-bad-count", "reports_assessed"));
    EXPECT_TRUE(has(d, "prisma-missing-count", "studies_included"));
    EXPECT_TRUE(has(d, "prisma-unknown-field", "studys_included"));
    for (const Diagnostic& x : d.items())
      if (x.field == "records_screened") {
        EXPECT_EQ("field 'records_screened' must be >= 0, got -5", x.message);
      }
  }
  {
    nlohmann::json j = consistent();
    j.erase("databases");
    j.erase("registers");
    j["other_methods"]["reports_excluded_reasons"] = {{"Wrong outcome", -3}};
    j["reports_excluded_reasons"] = nlohmann::json::array({{{"reason", "x"}}});
    Diagnostics d;
    prisma_from_json(j, d);
    EXPECT_TRUE(has(d, "prisma-missing-count", "databases"));
    EXPECT_TRUE(has(d, "prisma-bad-count", "other_methods.reports_excluded_reasons.Wrong outcome"));
    EXPECT_TRUE(has(d, "prisma-bad-count", "reports_excluded_reasons[0]"));
  }
  for (const char* text : {"[]", "null", "42", "\"x\""}) {
    Diagnostics d;
    prisma_from_json(nlohmann::json::parse(text), d);
    EXPECT_TRUE(has(d, "prisma-not-object", "")) << text;
  }
  {
    Diagnostics d;
    const PrismaCounts c = prisma_from_json(nlohmann::json::object(), d);
    EXPECT_TRUE(has(d, "prisma-missing-count", "records_screened"));
    EXPECT_TRUE(has(d, "prisma-missing-count", "reports_excluded"));
    // an empty input still draws (unknown counts as "n = ?")
    pugi::xml_document doc;
    const std::string svg = prisma_flow(c).svg;
    EXPECT_TRUE(doc.load_string(svg.c_str()));
    EXPECT_NE(svg.find("Records screened (n = ?)"), std::string::npos);
  }
}

TEST(Prisma, TextIsEscaped) {
  nlohmann::json j = consistent();
  j["reports_excluded_reasons"] = nlohmann::json::array({{{"reason", "Wrong <population> & \"setting\""}, {"n", 120}}});
  Diagnostics d;
  const PrismaFigure fig = prisma_flow(prisma_from_json(j, d));
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(fig.svg.c_str()));
  EXPECT_STREQ("Wrong <population> & \"setting\"",
               doc.select_node("//g[@data-key='reason']").node().attribute("data-reason").value());
}

}  // namespace
