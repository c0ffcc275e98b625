// The one-file HTML report (html_report.hpp, issue 5): the page is parsed back with pugixml and its content checked
// against the analyses it was built from. Data: Senn2013 (netmeta; MD, network), dat.bcg (metafor; RR, one
// comparison), examples/stowe2010.csv (continuous, multi-arm network) and a small inline CSV with an excluded
// arm, an all-zero study and a study left out (for the data and diagnostics section). No number here is
// hard-coded: every expected value is a field of the analysis structs, compared exactly (the page carries numbers
// in full precision, 17 significant digits round-trip).
#include "evident/report/html_report.hpp"

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "evident/data/read.hpp"
#include "evident_test.hpp"

using namespace evident;
using namespace evident::report;

namespace {

struct Built {
  ReadResult read;
  ReportInput input;
  HtmlReport report;
};

/// Reads `path`, runs the analyses and builds the page (nsim kept small: the rankogram is not under test).
Built build(const std::string& path, const std::vector<std::string>& maps = {}, const std::string& measure = {},
            std::optional<double> mid = std::nullopt) {
  Built b;
  ReadOptions ro;
  for (const auto& spec : maps) {
    std::string err;
    const auto m = parse_column_mapping(spec, err);
    EXPECT_TRUE(m) << err;
    if (m) ro.mappings.push_back(*m);
  }
  b.read = read_file(path, ro);
  EXPECT_TRUE(b.read.ok()) << path;
  ReportSettings s;
  s.effects.measure = measure;
  s.network.nsim = 200;
  s.cinema.mid = mid;
  b.input = analyse_for_report(b.read.dataset, s);
  b.input.settings = {{"--measure", measure}};
  b.report = html_report(b.input);
  return b;
}

const Built& senn() {
  static const Built b = build(test::data_path("Senn2013.csv"));
  return b;
}

const Built& bcg() {
  static const Built b = build(test::data_path("dat.bcg.csv"), {"tpos=ai", "tneg=bi", "cpos=ci", "cneg=di"}, "RR");
  return b;
}

void parse(const std::string& html, pugi::xml_document& doc) {
  const pugi::xml_parse_result r = doc.load_string(html.c_str());
  ASSERT_TRUE(r) << r.description() << " at offset " << r.offset << ": "
                 << html.substr(static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, r.offset - 80)), 160);
}

double attr_number(const pugi::xml_node& n, const char* name) {
  const char* v = n.attribute(name).value();
  return std::strtod(v, nullptr);
}

std::set<std::string> section_ids(const pugi::xml_document& doc) {
  std::set<std::string> ids;
  for (const pugi::xpath_node& h : doc.select_nodes("//main/h2[@id]")) ids.insert(h.node().attribute("id").value());
  return ids;
}

/// Every "http" in the page is the SVG namespace: nothing is fetched from the network.
void expect_no_external_url(const std::string& html) {
  const std::string ns = "http://www.w3.org/2000/svg";
  for (std::size_t at = html.find("http"); at != std::string::npos; at = html.find("http", at + 1))
    EXPECT_EQ(0, html.compare(at, ns.size(), ns)) << html.substr(at, 80);
  EXPECT_EQ(std::string::npos, html.find("<script"));
  EXPECT_EQ(std::string::npos, html.find("<link"));
  EXPECT_EQ(std::string::npos, html.find("src="));
}

}  // namespace

TEST(HtmlReport, Senn2013HasEverySectionAndParses) {
  const Built& b = senn();
  pugi::xml_document doc;
  parse(b.report.html, doc);
  const std::set<std::string> ids = section_ids(doc);
  for (const char* id : {"summary", "data", "network", "pairwise", "certainty", "methods", "software"})
    EXPECT_EQ(1u, ids.count(id)) << id;
  EXPECT_EQ(0u, ids.count("prisma"));  // no counts given
  // the table of contents links every section
  for (const auto& id : ids) EXPECT_TRUE(doc.select_node(("//nav//a[@href='#" + id + "']").c_str())) << id;
  expect_no_external_url(b.report.html);
}

TEST(HtmlReport, OneForestPlotPerComparisonAndEverySvgWellFormed) {
  const Built& b = senn();
  ASSERT_EQ(1u, b.input.outcomes.size());
  const ReportOutcome& o = b.input.outcomes[0];
  ASSERT_FALSE(o.pairwise.empty());
  pugi::xml_document doc;
  parse(b.report.html, doc);
  std::size_t forests = 0;
  for (const pugi::xpath_node& f : doc.select_nodes("//figure[@data-figure]")) {
    const std::string name = f.node().attribute("data-figure").value();
    if (name.rfind("forest-", 0) == 0) ++forests;
  }
  EXPECT_EQ(o.pairwise.size(), forests);
  // Each comparison's forest plot holds its studies with the analysis' numbers.
  for (const PairwiseAnalysis& a : o.pairwise) {
    const std::string xp = "//figure[@data-figure='forest-" + a.comparison.treat1 + "-vs-" + a.comparison.treat2 +
                           "']//g[@class='diamond'][@data-model='random']";
    const pugi::xpath_node d = doc.select_node(xp.c_str());
    ASSERT_TRUE(d) << xp;
    EXPECT_EQ(a.result.random.pooled.estimate, attr_number(d.node(), "data-te")) << xp;
  }
  // figures() lists exactly the figures of the page, each a well-formed <svg> on its own.
  EXPECT_EQ(b.report.figures.size(), doc.select_nodes("//figure/div/svg").size());
  std::set<std::string> names;
  for (const ReportFigure& f : b.report.figures) {
    EXPECT_TRUE(names.insert(f.name).second) << f.name;
    pugi::xml_document one;
    const pugi::xml_parse_result r = one.load_string(f.svg.c_str());
    EXPECT_TRUE(r) << f.name << ": " << r.description();
    EXPECT_STREQ("svg", one.first_child().name()) << f.name;
  }
  for (const char* n : {"network-graph", "nma-forest", "rankogram", "netsplit-forest", "net-heat", "funnel-adjusted"})
    EXPECT_EQ(1u, names.count(n)) << n;
}

TEST(HtmlReport, LeagueTableCellsEqualTheNmaEstimates) {
  const Built& b = senn();
  const NetworkAnalysis& a = b.input.outcomes.at(0).network.at(0);
  ASSERT_TRUE(a.league_random);
  pugi::xml_document doc;
  parse(b.report.html, doc);
  const pugi::xpath_node table = doc.select_node("//table[@id='evident-table-league-random']");
  ASSERT_TRUE(table);
  const auto rows = table.node().select_nodes("tbody/tr");
  const std::vector<std::string>& tr = a.league_random->treatments;
  ASSERT_EQ(tr.size(), rows.size());
  std::size_t checked = 0;
  std::size_t r = 0;
  for (const pugi::xpath_node& row : rows) {
    std::size_t c = 0;
    for (const pugi::xml_node& cell : row.node().children()) {
      if (r > c) {  // lower triangle: column versus row, the NMA's random-effects estimate
        const auto i = static_cast<Eigen::Index>(a.nma.treatment_index(tr[c]));
        const auto j = static_cast<Eigen::Index>(a.nma.treatment_index(tr[r]));
        EXPECT_EQ(a.nma.random.TE(i, j), attr_number(cell, "data-value")) << r << "," << c;
        EXPECT_EQ(a.nma.random.lower(i, j), attr_number(cell, "data-lower")) << r << "," << c;
        EXPECT_EQ(a.nma.random.upper(i, j), attr_number(cell, "data-upper")) << r << "," << c;
        ++checked;
      }
      ++c;
    }
    ++r;
  }
  EXPECT_EQ(tr.size() * (tr.size() - 1) / 2, checked);
}

TEST(HtmlReport, SummaryShowsEstimatesVersusReferenceWithPScores) {
  const Built& b = senn();
  const NetworkAnalysis& a = b.input.outcomes.at(0).network.at(0);
  ASSERT_TRUE(a.pscore_random);
  pugi::xml_document doc;
  parse(b.report.html, doc);
  const pugi::xpath_node table = doc.select_node("//table[@id='evident-table-summary']");
  ASSERT_TRUE(table);
  const std::size_t ref = a.nma.treatment_index(a.nma.reference);
  std::size_t seen = 0;
  for (const pugi::xpath_node& row : table.node().select_nodes("tbody/tr")) {
    const std::string name = row.node().child("th").child_value();
    const std::size_t i = a.nma.treatment_index(name);
    ASSERT_NE(NmaResult::npos, i) << name;
    const auto cells = row.node().select_nodes("td");
    ASSERT_EQ(4u, cells.size());
    if (i != ref) {
      EXPECT_EQ(a.nma.random.TE(Eigen::Index(i), Eigen::Index(ref)), attr_number(cells[0].node(), "data-value"));
      EXPECT_EQ(a.nma.common.TE(Eigen::Index(i), Eigen::Index(ref)), attr_number(cells[2].node(), "data-value"));
    }
    EXPECT_EQ(a.pscore_random->pscore[i], attr_number(cells[1].node(), "data-value")) << name;
    ++seen;
  }
  EXPECT_EQ(a.nma.treatments.size(), seen);
  // tau2 and I2 of the network are stated in the summary
  EXPECT_NE(std::string::npos, b.report.html.find("tau2 = " + format_number(a.nma.tau2, 4)));
  EXPECT_NE(std::string::npos, b.report.html.find("I2 = " + format_number(a.nma.I2, 1) + "%"));
}

TEST(HtmlReport, MethodsParagraphAndReferencesArePresent) {
  const Built& b = senn();
  const MethodsText m = methods_text(b.input.methods);
  ASSERT_FALSE(m.paragraphs.empty());
  pugi::xml_document doc;
  parse(b.report.html, doc);
  const auto paras = doc.select_nodes("//div[@class='methods']/p");
  ASSERT_EQ(m.paragraphs.size(), paras.size());
  for (std::size_t i = 0; i < paras.size(); ++i) EXPECT_EQ(m.paragraphs[i], paras[i].node().child_value());
  EXPECT_EQ(m.references.size(), doc.select_nodes("//ol[@class='references']/li").size());
  // both analyses were run, so the methods name both
  ASSERT_TRUE(b.input.methods.pairwise);
  ASSERT_TRUE(b.input.methods.network);
  // the software section names the version
  EXPECT_NE(std::string::npos, b.report.html.find(std::string("evident ") + "0."));
}

TEST(HtmlReport, PairwiseFileHasNoNetworkSectionAndAFunnelPlot) {
  const Built& b = bcg();
  ASSERT_EQ(1u, b.input.outcomes.size());
  const ReportOutcome& o = b.input.outcomes[0];
  ASSERT_EQ(1u, o.pairwise.size());
  EXPECT_TRUE(o.network.empty());
  pugi::xml_document doc;
  parse(b.report.html, doc);
  const std::set<std::string> ids = section_ids(doc);
  EXPECT_EQ(0u, ids.count("network"));
  EXPECT_EQ(1u, ids.count("pairwise"));
  const PairwiseAnalysis& a = o.pairwise[0];
  // one forest and one funnel plot (13 trials), each with every study
  std::string forest, funnel;
  for (const ReportFigure& f : b.report.figures) {
    if (f.name.rfind("forest-", 0) == 0) forest = f.name;
    if (f.name.rfind("funnel-", 0) == 0) funnel = f.name;
  }
  ASSERT_EQ(2u, b.report.figures.size());
  const auto studies = doc.select_nodes(("//figure[@data-figure='" + forest + "']//g[@class='study']").c_str());
  EXPECT_EQ(a.result.k, studies.size());
  const auto points = doc.select_nodes(("//figure[@data-figure='" + funnel + "']//g[@class='study']").c_str());
  EXPECT_EQ(a.result.k, points.size());
  // Egger's test p-value is stated with the funnel plot
  ASSERT_TRUE(a.egger);
  EXPECT_NE(std::string::npos, b.report.html.find(html_escape("Egger's test p = " + format_p(a.egger->p_value))));
  // no MID, no network: the certainty section says why there is no CINeMA table
  EXPECT_TRUE(doc.select_node("//p[@class='certainty-missing']"));
  expect_no_external_url(b.report.html);
}

TEST(HtmlReport, DiagnosticsAndExclusionsAreListed) {
  // Study B has no events in either arm (the OR is not estimable); arm 'plac' of F has no events (the arm and
  // then the study are left out).
  const std::string csv =
      "study,treatment,events,n\nA,drug,5,50\nA,plac,10,50\nB,drug,0,30\nB,plac,0,30\nC,drug,7,40\nC,plac,12,41\n"
      "E,drug,2,25\nE,plac,6,25\nF,drug,2,25\nF,plac,,25\n";
  const ReadResult read = read_text(csv, "trials.csv");
  ASSERT_TRUE(read.ok());
  ReportInput in = analyse_for_report(read.dataset, ReportSettings{});
  Diagnostics all = read.diagnostics;
  all.append(in.diagnostics);
  in.diagnostics = all;
  const HtmlReport rep = html_report(in);
  pugi::xml_document doc;
  parse(rep.html, doc);
  // every diagnostic is a row with its code and file:line:column
  const auto rows = doc.select_nodes("//table[@id='evident-table-diagnostics']/tbody/tr");
  ASSERT_EQ(in.diagnostics.size(), rows.size());
  std::size_t i = 0;
  for (const Diagnostic& d : in.diagnostics.items()) {
    const pugi::xml_node row = rows[i++].node();
    EXPECT_EQ(d.code, std::string(row.attribute("data-code").value()));
    std::string loc = d.location.file;
    if (!loc.empty() && d.location.line > 0) loc.append(1, ':').append(std::to_string(d.location.line));
    if (!loc.empty() && d.location.column > 0) loc.append(1, ':').append(std::to_string(d.location.column));
    EXPECT_EQ(loc, std::string(row.select_node("td[@class='loc']").node().child_value()));
  }
  // the location of the missing value is shown as the reader gave it
  EXPECT_NE(std::string::npos, rep.html.find(">trials.csv:11:3<"));
  // exclusions: the dataset's and the effect set's, each with its study
  const auto excluded = doc.select_nodes("//table[@id='evident-table-excluded']/tbody/tr");
  std::size_t expected = read.dataset.excluded.size();
  for (const auto& o : in.outcomes) expected += o.effects.excluded.size();
  ASSERT_GT(expected, 0u);
  EXPECT_EQ(expected, excluded.size());
  std::set<std::string> studies;
  for (const auto& r : excluded) studies.insert(r.node().child("th").child_value());
  EXPECT_EQ(1u, studies.count("B"));
  EXPECT_EQ(1u, studies.count("F"));
}

TEST(HtmlReport, CinemaTableWithCertaintyColoursWhenAMidIsGiven) {
  const Built b = build(test::data_path("Senn2013.csv"), {}, {}, 0.3);
  const ReportOutcome& o = b.input.outcomes.at(0);
  ASSERT_EQ(1u, o.cinema.size());
  pugi::xml_document doc;
  parse(b.report.html, doc);
  const pugi::xpath_node table = doc.select_node("//table[@id='evident-table-cinema']");
  ASSERT_TRUE(table);
  const auto rows = table.node().select_nodes("tbody/tr");
  ASSERT_EQ(o.cinema[0].comparisons.size(), rows.size());
  std::size_t r = 0;
  for (const CinemaComparison& c : o.cinema[0].comparisons) {
    const pugi::xml_node row = rows[r++].node();
    const std::string overall = row.last_child().attribute("class").value();
    EXPECT_EQ("certainty-" + std::string(c.overall == Certainty::very_low ? "very-low" : to_string(c.overall)),
              overall);
    EXPECT_EQ(c.estimate, attr_number(row.select_node("td[@data-value]").node(), "data-value"));
  }
  EXPECT_FALSE(doc.select_node("//p[@class='certainty-missing']"));
}

TEST(HtmlReport, PrismaSectionWhenCountsAreGiven) {
  const Built& b = senn();
  ReportInput in = b.input;
  Diagnostics d;
  in.prisma = prisma_from_json(nlohmann::json::parse(R"({"databases": 120, "duplicates_removed": 20,
      "records_screened": 100, "records_excluded": 60, "reports_sought": 40, "reports_not_retrieved": 2,
      "reports_assessed": 38, "reports_excluded": 12, "studies_included": 26, "reports_included": 26})"),
                               d);
  ASSERT_FALSE(d.has_errors());
  const HtmlReport rep = html_report(in);
  pugi::xml_document doc;
  parse(rep.html, doc);
  EXPECT_EQ(1u, section_ids(doc).count("prisma"));
  EXPECT_TRUE(doc.select_node("//figure[@data-figure='prisma']//g[@class='prisma-box'][@data-key='studies_included']"));
}

TEST(HtmlReport, StoweNetworkWithMultiArmStudies) {
  const Built b = build(std::string(EVIDENT_EXAMPLES_DIR) + "/stowe2010.csv");
  ASSERT_FALSE(b.input.outcomes.empty());
  ASSERT_FALSE(b.input.outcomes[0].network.empty());
  pugi::xml_document doc;
  parse(b.report.html, doc);
  EXPECT_EQ(1u, section_ids(doc).count("network"));
  std::size_t forests = 0;
  for (const ReportFigure& f : b.report.figures) forests += f.name.rfind("forest-", 0) == 0 ? 1 : 0;
  EXPECT_EQ(b.input.outcomes[0].pairwise.size(), forests);
  expect_no_external_url(b.report.html);
}

TEST(HtmlReport, SameInputSamePage) {
  const Built& b = senn();
  EXPECT_EQ(b.report.html, html_report(b.input).html);
}
