// The tables of a review (issue 5): every number cell is exactly the number of the result it came from.
// Data: Senn2013 (netmeta, MD; tests/data/Senn2013.csv), smokingcessation (netmeta, OR, arm level),
// dat.bcg (metafor, RR, arm level) and the MetaInsight wide file with RoB 2 domains
// (tests/data/formats/metainsight_continuous_wide.csv; see tests/data/SOURCES.md and formats/README.md).
#include "evident/report/tables.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "evident/core/distributions.hpp"
#include "evident/data/read.hpp"
#include "evident_test.hpp"

using namespace evident;
using namespace evident::report;

namespace {

NetworkAnalysis network_of(const std::string& file, Measure measure, std::size_t nsim) {
  const ReadResult r = read_file(test::data_path(file), ReadOptions{});
  EXPECT_TRUE(r.ok()) << file;
  EffectOptions eo;
  eo.measure = measure;
  const Outcome& outcome = r.dataset.outcomes.at(0);
  NetworkOptions o;
  o.nsim = nsim;
  return analyse_network(outcome, compute_effects(r.dataset, outcome, eo), o);
}

const NetworkAnalysis& senn() {
  static const NetworkAnalysis a = network_of("Senn2013.csv", Measure::MD, 2000);
  return a;
}

const NetworkAnalysis& smoking() {
  static const NetworkAnalysis a = network_of("smokingcessation.csv", Measure::OR, 0);
  return a;
}

std::size_t column(const Table& t, const std::string& name) {
  const auto names = t.column_names();
  const auto it = std::find(names.begin(), names.end(), name);
  EXPECT_NE(it, names.end()) << name;
  return static_cast<std::size_t>(it - names.begin());
}

/// Every cell of the table equals the LeagueTable's cell, bit for bit.
void expect_league(const Table& t, const LeagueTable& league, int digits) {
  const std::size_t k = league.treatments.size();
  ASSERT_EQ(k, t.rows.size());
  ASSERT_EQ(1u, t.header.size());
  for (std::size_t c = 0; c < k; ++c) EXPECT_EQ(league.treatments[c], t.header[0][c].text);
  for (std::size_t r = 0; r < k; ++r) {
    ASSERT_EQ(k, t.rows[r].size());
    for (std::size_t c = 0; c < k; ++c) {
      const LeagueCell& l = league.cells[r][c];
      const TableCell& cell = t.rows[r][c];
      if (l.kind == LeagueCellKind::treatment) {
        EXPECT_EQ(l.treat1, cell.text);
        EXPECT_EQ("diagonal", cell.kind);
        EXPECT_FALSE(cell.value);
      } else if (l.kind == LeagueCellKind::empty) {
        EXPECT_EQ(".", cell.text);
        EXPECT_FALSE(cell.value);
      } else {
        ASSERT_TRUE(cell.value && cell.lower && cell.upper) << r << "," << c;
        EXPECT_EQ(l.estimate, *cell.value) << r << "," << c;
        EXPECT_EQ(l.lower, *cell.lower) << r << "," << c;
        EXPECT_EQ(l.upper, *cell.upper) << r << "," << c;
        EXPECT_EQ(format_interval(l.estimate, l.lower, l.upper, digits), cell.text);
        EXPECT_NE(std::string::npos, cell.kind.find(to_string(l.kind))) << cell.kind;
      }
    }
  }
}

}  // namespace

TEST(Tables, LeagueTableCellsAreTheNetworkEstimatesSenn2013) {
  const NetworkAnalysis& a = senn();
  ASSERT_TRUE(a.nma.ok());
  ASSERT_TRUE(a.league_random && a.league_common);
  const Table t = make_league_table(*a.league_random);
  EXPECT_EQ("league-random", t.name);
  expect_league(t, *a.league_random, 2);
  expect_league(make_league_table(*a.league_common, {3, "", ""}), *a.league_common, 3);
  // Independently of the LeagueTable: the lower triangle is the NMA's column-versus-row estimate.
  const std::vector<std::string>& tr = a.league_random->treatments;
  std::size_t network_cells = 0, direct_cells = 0;
  for (std::size_t r = 0; r < tr.size(); ++r)
    for (std::size_t c = 0; c < r; ++c) {
      const auto i = static_cast<Eigen::Index>(a.nma.treatment_index(tr[c]));
      const auto j = static_cast<Eigen::Index>(a.nma.treatment_index(tr[r]));
      EXPECT_EQ(a.nma.random.TE(i, j), *t.rows[r][c].value);
      EXPECT_EQ(a.nma.random.lower(i, j), *t.rows[r][c].lower);
      EXPECT_EQ(a.nma.random.upper(i, j), *t.rows[r][c].upper);
      ++network_cells;
      if (t.rows[c][r].value) ++direct_cells;
    }
  EXPECT_EQ(45u, network_cells);  // 10 treatments in Senn2013.csv
  // Direct cells: one per pair of treatments compared in a study (15 distinct treat1/treat2 pairs in
  // Senn2013.csv).
  EXPECT_EQ(15u, direct_cells);
}

TEST(Tables, LeagueTableOfARatioMeasureShowsRatios) {
  const NetworkAnalysis& a = smoking();
  ASSERT_TRUE(a.nma.ok());
  ASSERT_TRUE(a.league_random);
  ASSERT_TRUE(a.league_random->backtransformed);
  const Table t = make_league_table(*a.league_random);
  expect_league(t, *a.league_random, 2);
  const std::vector<std::string>& tr = a.league_random->treatments;
  const auto i = static_cast<Eigen::Index>(a.nma.treatment_index(tr[0]));
  const auto j = static_cast<Eigen::Index>(a.nma.treatment_index(tr[1]));
  EXPECT_REL(std::exp(a.nma.random.TE(i, j)), *t.rows[1][0].value, 1e-15);
}

TEST(Tables, RankingSortedByRandomEffectsPScore) {
  const NetworkAnalysis& a = senn();
  ASSERT_TRUE(a.pscore_random && a.pscore_common && a.rankogram_random);
  const Table t = make_ranking_table(a);
  ASSERT_EQ(a.nma.treatments.size(), t.rows.size());
  const std::size_t pc = column(t, "P-score (common)"), pr = column(t, "P-score (random)");
  const std::size_t su = column(t, "SUCRA"), mr = column(t, "Mean rank");
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const std::string& name = t.rows[r][0].text;
    const auto at = [&](const std::vector<std::string>& names) {
      return static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
    };
    EXPECT_EQ(a.pscore_random->pscore.at(at(a.pscore_random->treatments)), *t.rows[r][pr].value);
    EXPECT_EQ(a.pscore_common->pscore.at(at(a.pscore_common->treatments)), *t.rows[r][pc].value);
    EXPECT_EQ(a.rankogram_random->sucra.at(at(a.rankogram_random->treatments)), *t.rows[r][su].value);
    EXPECT_EQ(a.rankogram_random->mean_rank.at(at(a.rankogram_random->treatments)), *t.rows[r][mr].value);
    if (r > 0) {
      EXPECT_GE(*t.rows[r - 1][pr].value, *t.rows[r][pr].value) << r;
    }
  }
  // Without a rankogram there are no SUCRA columns.
  NetworkAnalysis b = a;
  b.rankogram_random.reset();
  EXPECT_EQ(3u, make_ranking_table(b).columns());
}

TEST(Tables, NetsplitRowsAreNetsplitResult) {
  const NetworkAnalysis& a = senn();
  ASSERT_TRUE(a.netsplit);
  const double z = stats::normal_upper_quantile(0.025);
  for (const NmaModelKind model : {NmaModelKind::common, NmaModelKind::random}) {
    NetsplitTableOptions o;
    o.model = model;
    const Table t = make_netsplit_table(a, o);
    const NetsplitModel& m = model == NmaModelKind::common ? a.netsplit->common : a.netsplit->random;
    ASSERT_EQ(m.rows.size(), t.rows.size());
    EXPECT_EQ("Difference", t.header[0][6].text);
    for (std::size_t i = 0; i < m.rows.size(); ++i) {
      const NetsplitRow& r = m.rows[i];
      const std::vector<TableCell>& row = t.rows[i];
      EXPECT_EQ(r.comparison, row[0].text);
      EXPECT_EQ(static_cast<double>(r.k), *row[1].value);
      EXPECT_EQ(r.direct_proportion, *row[2].value);
      const auto expect_ci = [&](const TableCell& cell, double est, double se) {
        if (std::isnan(est)) {
          EXPECT_FALSE(cell.value);
          EXPECT_EQ("", cell.text);
          return;
        }
        ASSERT_TRUE(cell.value);
        EXPECT_EQ(est, *cell.value);
        EXPECT_REL(est - z * se, *cell.lower, 1e-15);
        EXPECT_REL(est + z * se, *cell.upper, 1e-15);
      };
      expect_ci(row[3], r.direct, r.direct_se);
      expect_ci(row[4], r.indirect, r.indirect_se);
      expect_ci(row[5], r.nma, r.nma_se);
      expect_ci(row[6], r.difference, r.difference_se);
      if (std::isnan(r.p_value)) {
        EXPECT_FALSE(row[7].value);
      } else {
        EXPECT_EQ(r.p_value, *row[7].value);
      }
    }
  }
}

TEST(Tables, NetsplitOfARatioMeasureShowsRatiosOfRatios) {
  const NetworkAnalysis& a = smoking();
  ASSERT_TRUE(a.netsplit);
  const Table t = make_netsplit_table(a);
  EXPECT_EQ("Ratio of ratios", t.header[0][6].text);
  ASSERT_EQ(a.netsplit->random.rows.size(), t.rows.size());
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    const NetsplitRow& r = a.netsplit->random.rows[i];
    EXPECT_REL(std::exp(r.nma), *t.rows[i][5].value, 1e-15);
    if (!std::isnan(r.difference)) {
      EXPECT_REL(std::exp(r.difference), *t.rows[i][6].value, 1e-15);
    }
  }
}

TEST(Tables, PairwiseResultsBcg) {
  ReadOptions opts;
  for (const char* spec : {"tpos=ai", "tneg=bi", "cpos=ci", "cneg=di"}) {
    std::string err;
    auto m = parse_column_mapping(spec, err);
    ASSERT_TRUE(m.has_value()) << err;
    opts.mappings.push_back(*m);
  }
  const ReadResult r = read_file(test::data_path("dat.bcg.csv"), opts);
  ASSERT_TRUE(r.ok());
  EffectOptions eo;
  eo.measure = Measure::RR;
  const Outcome& outcome = r.dataset.outcomes.at(0);
  const auto analyses = analyse_outcome(r.dataset, outcome, compute_effects(r.dataset, outcome, eo), PairwiseOptions{});
  ASSERT_EQ(1u, analyses.size());
  const PairwiseAnalysis& a = analyses.front();
  ASSERT_TRUE(a.result.ok() && a.egger && a.result.random.prediction);
  const Table t = make_pairwise_table(analyses, {}, &r.dataset);
  ASSERT_EQ(1u, t.rows.size());
  const std::vector<TableCell>& row = t.rows[0];
  EXPECT_EQ(a.comparison.treat1 + " vs " + a.comparison.treat2, row[0].text);
  EXPECT_EQ(13.0, *row[column(t, "Studies")].value);  // 13 trials in dat.bcg
  // Participants: every arm of dat.bcg (two arms per trial).
  double n = 0.0;
  for (const StudyData& sd : outcome.data)
    for (const Arm& arm : sd.arms) n += *arm.n;
  EXPECT_EQ(n, *row[column(t, "Participants")].value);
  const TableCell& common = row[column(t, "Common effect (CI)")];
  EXPECT_EQ(std::exp(a.result.common.estimate), *common.value);
  EXPECT_EQ(std::exp(a.result.common.ci_lower), *common.lower);
  EXPECT_EQ(std::exp(a.result.common.ci_upper), *common.upper);
  const TableCell& random = row[column(t, "Random effects (CI)")];
  EXPECT_EQ(std::exp(a.result.random.pooled.estimate), *random.value);
  EXPECT_EQ(a.result.random.tau2, *row[column(t, "tau2")].value);
  const TableCell& i2 = row[column(t, "I2 % (CI)")];
  EXPECT_EQ(a.I2_test_based.I2, *i2.value);
  EXPECT_EQ(a.I2_test_based.I2_lower, *i2.lower);
  const TableCell& pi = row[column(t, "Prediction interval")];
  EXPECT_EQ(std::exp(a.result.random.prediction->lower), *pi.lower);
  EXPECT_EQ(std::exp(a.result.random.prediction->upper), *pi.upper);
  EXPECT_EQ(a.egger->p_value, *row[column(t, "Egger p")].value);
  // Without the dataset the participants are blank.
  EXPECT_FALSE(make_pairwise_table(analyses).rows[0][2].value);
}

TEST(Tables, StudyCharacteristicsAndRiskOfBias) {
  ReadOptions o;
  o.treatment_labels_file = test::data_path("formats/metainsight_labels.csv");
  const ReadResult r = read_file(test::data_path("formats/metainsight_continuous_wide.csv"), o);
  ASSERT_TRUE(r.ok());
  const Table t = make_study_table(r.dataset);
  ASSERT_EQ(3u, t.rows.size());
  ASSERT_EQ(2u, t.header.size());  // "Risk of bias" spans D1..Overall
  const std::size_t d1 = column(t, "Risk of bias: D1");
  EXPECT_EQ(d1 + 5, column(t, "Risk of bias: Overall"));
  // 3,Willms 1999,1,29,...,3,31,...,2,29,...,14,H,M,H,L,L,H (the file's last line)
  const std::vector<TableCell>& w = t.rows[2];
  EXPECT_EQ("Willms 1999", w[0].text);
  EXPECT_EQ("Metformin; Acarbose; Placebo", w[column(t, "Treatments")].text);
  EXPECT_EQ("29; 31; 29", w[column(t, "n per arm")].text);
  EXPECT_EQ(14.0, *w[column(t, "duration")].value);
  const char* kinds[] = {"rob rob-high", "rob rob-some", "rob rob-high", "rob rob-low", "rob rob-low", "rob rob-high"};
  const char* texts[] = {"High", "Some concerns", "High", "Low", "Low", "High"};
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(kinds[i], w[d1 + i].kind) << i;
    EXPECT_EQ(texts[i], w[d1 + i].text) << i;
  }
  // 1,De Fronzo 1995,...,29,L,L,M,L,L,M
  EXPECT_EQ("rob rob-some", t.rows[0][d1 + 2].kind);
  EXPECT_EQ("rob rob-some", t.rows[0][d1 + 5].kind);
  const std::string html = to_html(t);
  EXPECT_NE(std::string::npos, html.find(">H</span>"));
  EXPECT_NE(std::string::npos, html.find(">S</span>"));
}

TEST(Tables, StudyTableBuiltInCode) {
  Dataset d;
  Study a;
  a.label = "A, 2001";
  a.year = 2001;
  a.indirectness = Judgement::some_concerns;
  a.covariates["dose"] = {"10", 10.0};
  a.covariates["setting"] = {"primary care", std::nullopt};
  Study b;
  b.label = "B";
  d.studies = {a, b};
  Outcome o;
  o.name = "pain";
  StudyData s0;
  s0.study = 0;
  Arm x;
  x.treatment = "x";
  x.n = 50;
  Arm y;
  y.treatment = "y";
  s0.arms = {x, y};
  StudyData s1;
  s1.study = 1;
  ContrastRecord c;
  c.treat1 = "y";
  c.treat2 = "z";
  c.n1 = 10;
  c.n2 = 12;
  s1.contrasts = {c};
  o.data = {s0, s1};
  d.outcomes = {o};
  const Table t = make_study_table(d);
  // No RoB domains, but indirectness: no "Risk of bias" group, one header row.
  ASSERT_EQ(1u, t.header.size());
  const std::vector<std::string> names = t.column_names();
  const std::vector<std::string> expected = {"Study", "Year",    "Treatments",  "n per arm",
                                             "dose",  "setting", "Indirectness"};
  EXPECT_EQ(expected, names);
  EXPECT_EQ("x; y", t.rows[0][2].text);
  EXPECT_EQ("50; NA", t.rows[0][3].text);
  EXPECT_EQ(2001.0, *t.rows[0][1].value);
  EXPECT_EQ(10.0, *t.rows[0][4].value);
  EXPECT_EQ("primary care", t.rows[0][5].text);
  EXPECT_EQ("rob rob-some", t.rows[0][6].kind);
  EXPECT_EQ("y; z", t.rows[1][2].text);
  EXPECT_EQ("10; 12", t.rows[1][3].text);
  EXPECT_EQ("", t.rows[1][1].text);
  EXPECT_EQ("rob", t.rows[1][6].kind);
  EXPECT_EQ("\"A, 2001\"", to_csv(t).substr(to_csv(t).find("\r\n") + 2, 9));
}
