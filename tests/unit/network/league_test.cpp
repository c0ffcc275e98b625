// League table (netmeta netleague()): every cell equals the NMA / netsplit matrices, orientation as
// netleague's documentation and source, formatting on a hand-derived example.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "evident/network/league.hpp"
#include "evident/network/netsplit.hpp"
#include "evident/network/nma.hpp"
#include "evident_test.hpp"
#include "network_fixtures.hpp"

namespace evident {
namespace {

using namespace evident::test;  // NOLINT: fixtures

NmaResult nma_of(const nlohmann::json& ref) {
  return network_meta_analysis(nma_input_of(ref), options_for(ref.at("netmeta_DL")));
}

Eigen::Index at(const NmaResult& nma, const std::string& t) {
  const std::size_t i = nma.treatment_index(t);
  EXPECT_NE(i, NmaResult::npos) << t;
  return static_cast<Eigen::Index>(i);
}

/// Every cell: the right kind, the orientation of its triangle, and exactly the value of the matrix.
void expect_cells(const LeagueTable& t, const NmaResult& x, const NmaResult& y, bool upper_column_vs_row,
                  bool lower_direct, bool upper_direct, bool exp_scale) {
  ASSERT_TRUE(t.ok());
  const NmaModel& mx = t.model == NmaModelKind::common ? x.common : x.random;
  const NmaModel& my = t.model == NmaModelKind::common ? y.common : y.random;
  const NetsplitResult sx = netsplit(x), sy = netsplit(y);
  const DirectEstimates& dx = (t.model == NmaModelKind::common ? sx.common : sx.random).direct;
  const DirectEstimates& dy = (t.model == NmaModelKind::common ? sy.common : sy.random).direct;
  const double z = 1.959963984540054;  // qnorm(0.975)
  const auto tr = [&](double v) { return exp_scale ? std::exp(v) : v; };
  const std::size_t k = t.treatments.size();
  ASSERT_EQ(t.cells.size(), k);
  for (std::size_t r = 0; r < k; ++r)
    for (std::size_t c = 0; c < k; ++c) {
      const LeagueCell& cell = t.cells[r][c];
      std::string w = std::to_string(r);
      w += ',';
      w += std::to_string(c);
      if (r == c) {
        EXPECT_EQ(cell.kind, LeagueCellKind::treatment) << w;
        EXPECT_EQ(cell.treat1, t.treatments[r]) << w;
        continue;
      }
      const bool lower = r > c;
      const bool cvr = lower || upper_column_vs_row;
      EXPECT_EQ(cell.treat1, cvr ? t.treatments[c] : t.treatments[r]) << w;
      EXPECT_EQ(cell.treat2, cvr ? t.treatments[r] : t.treatments[c]) << w;
      const NmaResult& n = lower ? x : y;
      const Eigen::Index a = at(n, cell.treat1), b = at(n, cell.treat2);
      if (lower ? lower_direct : upper_direct) {
        const DirectEstimates& d = lower ? dx : dy;
        if (d.k(a, b) == 0) {
          EXPECT_EQ(cell.kind, LeagueCellKind::empty) << w;
          EXPECT_TRUE(std::isnan(cell.estimate)) << w;
          continue;
        }
        EXPECT_EQ(cell.kind, LeagueCellKind::direct) << w;
        EXPECT_EQ(tr(d.TE(a, b)), cell.estimate) << w;
        EXPECT_REL(tr(d.TE(a, b) - z * d.seTE(a, b)), cell.lower, 1e-14) << w;
        EXPECT_REL(tr(d.TE(a, b) + z * d.seTE(a, b)), cell.upper, 1e-14) << w;
      } else {
        const NmaModel& m = lower ? mx : my;
        EXPECT_EQ(cell.kind, LeagueCellKind::network) << w;
        EXPECT_EQ(tr(m.TE(a, b)), cell.estimate) << w;
        EXPECT_EQ(tr(m.lower(a, b)), cell.lower) << w;
        EXPECT_EQ(tr(m.upper(a, b)), cell.upper) << w;
      }
    }
}

TEST(League, CellsEqualNmaAndNetsplitMatricesOnEveryReference) {
  int checked = 0;
  for (const std::string& file : nma_reference_files()) {
    SCOPED_TRACE(file);
    const nlohmann::json ref = load_reference(file);
    const NmaResult nma = nma_of(ref);
    ASSERT_TRUE(nma.ok());
    for (const NmaModelKind model : {NmaModelKind::common, NmaModelKind::random}) {
      LeagueOptions o;
      o.model = model;
      expect_cells(league_table(nma, o), nma, nma, false, false, true, false);
      o.layout = LeagueLayout::network_network;
      expect_cells(league_table(nma, o), nma, nma, true, false, false, false);
      o.layout = LeagueLayout::direct_direct;
      expect_cells(league_table(nma, o), nma, nma, true, true, true, false);
      // a different seq and back-transformation
      o.layout = LeagueLayout::network_direct;
      o.seq.assign(nma.treatments.rbegin(), nma.treatments.rend());
      o.ratio_measure = true;
      const LeagueTable t = league_table(nma, o);
      EXPECT_TRUE(t.backtransformed);
      EXPECT_EQ(t.treatments, o.seq);
      expect_cells(t, nma, nma, false, false, true, true);
    }
    ++checked;
  }
  EXPECT_GE(checked, 3);
}

TEST(League, DirectCellsAgreeWithNetmetaDirectMatrices) {
  // netmeta 3.4-0 TE.direct.common / TE.direct.random (the upper triangle of netleague(x)) and
  // lower.common / upper.common (the lower triangle), tests/reference/nma_Woods2010_OR.json, 1e-10.
  const nlohmann::json ref = load_reference("nma_Woods2010_OR.json");
  const NmaResult nma = nma_of(ref);
  const nlohmann::json& net = ref.at("netmeta_DL");
  for (const NmaModelKind model : {NmaModelKind::common, NmaModelKind::random}) {
    LeagueOptions o;
    o.model = model;
    const LeagueTable t = league_table(nma, o);
    const std::string m = to_string(model);
    const nlohmann::json& dir = net.at(m).at("TE.direct." + m);
    const nlohmann::json& low = net.at(m).at("lower." + m);
    const auto ri = [&](const nlohmann::json& mat, const std::string& name) {
      const auto& rn = mat.at("rownames");
      return static_cast<std::size_t>(std::find(rn.begin(), rn.end(), name) - rn.begin());
    };
    for (std::size_t r = 0; r < t.treatments.size(); ++r)
      for (std::size_t c = 0; c < t.treatments.size(); ++c) {
        if (r == c) continue;
        const LeagueCell& cell = t.cells[r][c];
        if (r > c) {
          EXPECT_REL(ref_number(low.at("data").at(ri(low, cell.treat1)).at(ri(low, cell.treat2))), cell.lower, 1e-10);
        } else {
          const double expected = ref_number(dir.at("data").at(ri(dir, cell.treat1)).at(ri(dir, cell.treat2)));
          if (std::isnan(expected))
            EXPECT_EQ(cell.kind, LeagueCellKind::empty);
          else
            EXPECT_REL(expected, cell.estimate, 1e-10);
        }
      }
  }
}

/// A tree network A-B (3, se 1), B-C (1, se 1): network A vs B 3, B vs C 1, A vs C 4 (se sqrt 2);
/// no direct evidence for A vs C.
NmaResult tree() {
  NmaInput in;
  in.contrasts.push_back(NmaContrast{"s1", "A", "B", 3.0, 1.0, {}});
  in.contrasts.push_back(NmaContrast{"s2", "B", "C", 1.0, 1.0, {}});
  return network_meta_analysis(in);
}

TEST(League, OrientationAndFormatAsNetleagueHandDerived) {
  // netleague help page: "the results reported in the first row and second column as well as second
  // row and first column are from the pairwise comparison A versus B". The strings follow netleague's
  // source (netmeta 3.4-0 R/netleague.R: round(), meta formatN(), formatCI() = format() of the whole
  // limit matrix), derived by hand and checked with those base-R steps in R 4.2.2:
  //   [1,] "A"                   "3.00 [ 1.04;  4.96]" "."
  //   [2,] "3.00 [ 1.04;  4.96]" "B"                   "1.00 [-0.96;  2.96]"
  //   [3,] "4.00 [ 1.23;  6.77]" "1.00 [-0.96;  2.96]" "C"
  const NmaResult nma = tree();
  ASSERT_TRUE(nma.ok());
  LeagueOptions o;
  o.model = NmaModelKind::common;
  const LeagueTable t = league_table(nma, o);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t.cells[0][1].treat1, "A");
  EXPECT_EQ(t.cells[0][1].treat2, "B");
  EXPECT_EQ(t.cells[1][0].treat1, "A");
  EXPECT_EQ(t.cells[1][0].treat2, "B");
  EXPECT_EQ(t.cells[0][1].kind, LeagueCellKind::direct);
  EXPECT_EQ(t.cells[1][0].kind, LeagueCellKind::network);
  EXPECT_EQ(t.cells[0][2].kind, LeagueCellKind::empty);
  EXPECT_REL(4.0, t.cells[2][0].estimate, 1e-12);  // A vs C, column vs row
  LeagueFormat f;
  f.digits = 2;
  const auto s = format_league(t, f);
  const std::vector<std::vector<std::string>> expected = {{"A", "3.00 [ 1.04;  4.96]", "."},
                                                          {"3.00 [ 1.04;  4.96]", "B", "1.00 [-0.96;  2.96]"},
                                                          {"4.00 [ 1.23;  6.77]", "1.00 [-0.96;  2.96]", "C"}};
  EXPECT_EQ(s, expected);
  EXPECT_EQ(league_csv(t, f),
            "\"A\",\"3.00 [ 1.04;  4.96]\",\".\"\n"
            "\"3.00 [ 1.04;  4.96]\",\"B\",\"1.00 [-0.96;  2.96]\"\n"
            "\"4.00 [ 1.23;  6.77]\",\"1.00 [-0.96;  2.96]\",\"C\"\n");
  EXPECT_EQ(league_text(t, f),
            "                   A 3.00 [ 1.04;  4.96]                   .\n"
            " 3.00 [ 1.04;  4.96]                   B 1.00 [-0.96;  2.96]\n"
            " 4.00 [ 1.23;  6.77] 1.00 [-0.96;  2.96]                   C\n");
  f.ci = false;
  f.text_na = "-";
  EXPECT_EQ(format_league(t, f)[0], (std::vector<std::string>{"A", "3.00", "-"}));
  f.ci = true;
  f.bracket = "(";
  f.separator = " to ";
  f.pad_limits = false;
  EXPECT_EQ(format_league(t, f)[1][0], "3.00 (1.04 to 4.96)");

  // netleague(x, x): upper triangle reciprocal (column vs row): [0, 1] is B versus A
  o.layout = LeagueLayout::network_network;
  const LeagueTable tt = league_table(nma, o);
  EXPECT_EQ(tt.cells[0][1].treat1, "B");
  EXPECT_REL(-3.0, tt.cells[0][1].estimate, 1e-12);
  EXPECT_EQ(tt.cells[0][1].kind, LeagueCellKind::network);
  // seq changes rows and columns only: with seq C, B, A the lower [1, 0] is C versus B
  o.layout = LeagueLayout::network_direct;
  o.seq = {"C", "b", "A"};
  const LeagueTable ts = league_table(nma, o);
  EXPECT_EQ(ts.treatments, (std::vector<std::string>{"C", "B", "A"}));
  EXPECT_EQ(ts.cells[1][0].treat1, "C");
  EXPECT_REL(-1.0, ts.cells[1][0].estimate, 1e-12);
  EXPECT_EQ(ts.cells[0][1].treat1, "C");  // direct C vs B
  EXPECT_REL(-1.0, ts.cells[0][1].estimate, 1e-12);
}

TEST(League, RatioMeasuresAreBacktransformed) {
  const NmaResult nma = tree();
  LeagueOptions o;
  o.model = NmaModelKind::common;
  o.ratio_measure = true;
  const LeagueTable t = league_table(nma, o);
  EXPECT_REL(std::exp(3.0), t.cells[1][0].estimate, 1e-12);
  EXPECT_REL(std::exp(3.0 - 1.959963984540054), t.cells[1][0].lower, 1e-12);
  o.backtransf = false;
  EXPECT_REL(3.0, league_table(nma, o).cells[1][0].estimate, 1e-12);
}

TEST(League, TwoOutcomes) {
  // netleague(x, y): lower from x (column vs row), upper from y (row vs column)
  const nlohmann::json ref = load_reference("nma_Senn2013_MD.json");
  const NmaResult x = nma_of(ref);
  NmaOptions reml = options_for(ref.at("netmeta_DL"));
  reml.tau2_method = Tau2Method::REML;
  const NmaResult y = network_meta_analysis(nma_input_of(ref), reml);
  ASSERT_TRUE(x.ok() && y.ok());
  LeagueOptions o;
  o.layout = LeagueLayout::network_network;
  const LeagueTable t = league_table(x, y, o);
  EXPECT_TRUE(t.two_outcomes);
  expect_cells(t, x, y, false, false, false, false);
  o.layout = LeagueLayout::direct_direct;
  expect_cells(league_table(x, y, o), x, y, false, true, true, false);

  NmaInput other;
  other.contrasts.push_back(NmaContrast{"s", "acar", "X", 1.0, 1.0, {}});
  const LeagueTable bad = league_table(x, network_meta_analysis(other), o);
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.diagnostics.items().at(0).code, "league-different-treatments");
}

TEST(League, BadSeqIsAnError) {
  const NmaResult nma = tree();
  LeagueOptions o;
  o.seq = {"A", "B"};
  EXPECT_EQ(league_table(nma, o).diagnostics.items().at(0).code, "seq-incomplete");
  o.seq = {"A", "B", "D"};
  EXPECT_EQ(league_table(nma, o).diagnostics.items().at(0).code, "seq-unknown-treatment");
  EXPECT_FALSE(league_table(NmaResult{}).ok());
  EXPECT_TRUE(format_league(league_table(NmaResult{})).empty());
}

TEST(League, JsonHasDocumentedFieldsAndNullForEmptyCells) {
  const LeagueTable t = league_table(tree(), LeagueOptions{});
  const nlohmann::json j = to_json(t);
  for (const char* key : {"model", "layout", "two_outcomes", "backtransformed", "treatments", "lower_triangle",
                          "upper_triangle", "cells", "diagnostics"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j.at("cells").at(0).at(2).at("kind"), "empty");
  EXPECT_TRUE(j.at("cells").at(0).at(2).at("estimate").is_null());
  EXPECT_EQ(j.at("cells").at(0).at(0).at("kind"), "treatment");
  EXPECT_EQ(j.at("cells").at(1).at(0).at("kind"), "network");
  EXPECT_EQ(j.at("lower_triangle"), "network estimates (column vs row)");
  EXPECT_EQ(j.at("upper_triangle"), "direct estimates (row vs column)");
}

}  // namespace
}  // namespace evident
