// evident: the tables of a review (evident issue 5), built as report::Table values (table.hpp) so that
// every table goes through the same CSV / Markdown / HTML / XLSX writers.
//
// Nothing is computed here that the analyses have not computed: every number in a table is a field of a
// result struct (or exp() of it for ratio measures, or a Wald interval TE +/- z se where the result
// gives only TE and se), and cells keep those numbers in full precision (TableCell::value / lower /
// upper) next to their rounded text.
//  - League table (make_league_table): netmeta netleague()'s layout (league.hpp: network estimates below
//    the diagonal, column versus row; direct or network estimates above it, as the layout says;
//    treatments on the diagonal). A cell reads "TE (lower to upper)" rounded to `digits`; its value,
//    lower and upper are exactly the LeagueTable cell's (already back-transformed for ratio measures).
//  - Ranking (make_ranking_table): P-scores of the common and random effects models (Rücker & Schwarzer
//    2015, doi:10.1186/s12874-015-0060-8), SUCRA and mean rank of the rankogram (Salanti et al. 2011,
//    doi:10.1016/j.jclinepi.2010.03.016) when one was computed, sorted by the random-effects P-score
//    (the common-effect one when there is no random-effects ranking), highest first, ties in treatment order.
//  - Netsplit (make_netsplit_table): one row per comparison of netsplit() (netmeta netsplit's print
//    layout: comparison, k, direct evidence proportion, direct, indirect and network estimates with CI,
//    difference (ratio of ratios for ratio measures, netmeta's "RoR") with CI, p-value), CIs
//    TE +/- z_{(1+level)/2} se as netmeta ci().
//  - Pairwise results (make_pairwise_table): per comparison the number of studies, participants (from
//    the dataset's arms when given and known for every study), common and random effects estimates with
//    CI, tau2, I2 with its test-based CI (Higgins & Thompson 2002, doi:10.1002/sim.1186, meta's
//    isquared()), prediction interval and Egger's test p-value (metafor regtest()).
//  - Study characteristics and risk of bias (make_study_table): study, year, treatments, n per arm,
//    every study covariate as a column, RoB 2 domains D1-D5 and overall (Sterne et al. 2019, BMJ
//    366:l4898, doi:10.1136/bmj.l4898) as traffic lights, and indirectness.
// Checked: the tests compare every number cell with the result struct it came from exactly
// (tests/unit/report/tables_test.cpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "evident/data/dataset.hpp"
#include "evident/certainty/summary_of_findings.hpp"
#include "evident/network/analysis.hpp"
#include "evident/network/league.hpp"
#include "evident/network/netsplit.hpp"
#include "evident/pairwise/analysis.hpp"
#include "evident/report/table.hpp"

namespace evident::report {

struct LeagueTableOptions {
  int digits = 2;
  std::string title;  ///< empty: "League table (random effects model)" etc.
  std::string name;   ///< empty: "league-common" / "league-random"
};

/// The league table as a Table: one header row of the treatments (in seq order), the diagonal cells
/// "diagonal", the lower triangle "network", the upper "network" or "direct" (as the layout), missing
/// cells "." ("empty"). Footnotes say what each triangle shows and the scale.
Table make_league_table(const LeagueTable& league, const LeagueTableOptions& options = {});

struct RankingTableOptions {
  int digits = 3;
  std::string title = "Treatment ranking";
  std::string name = "ranking";
};

/// Ranking table of an NMA (P-scores from pscore_common / pscore_random, SUCRA and mean rank from
/// rankogram_random when present). Columns: Treatment, P-score (common), P-score (random)[, SUCRA, Mean rank].
Table make_ranking_table(const NetworkAnalysis& analysis, const RankingTableOptions& options = {});

struct NetsplitTableOptions {
  NmaModelKind model = NmaModelKind::random;
  int digits = 2;
  int p_digits = 4;
  double level = 0.95;
  bool ratio_measure = false;  ///< the estimates are logs of ratios
  bool backtransf = true;      ///< with ratio_measure: show exp() of estimates and limits
  std::string title;           ///< empty: "Direct and indirect evidence (random effects model)"
  std::string name;            ///< empty: "netsplit-random" / "netsplit-common"
};

Table make_netsplit_table(const NetsplitResult& netsplit, const NetsplitTableOptions& options = {});
/// The same from a NetworkAnalysis (its netsplit, level and measure); an empty table with a footnote
/// when no netsplit was computed.
Table make_netsplit_table(const NetworkAnalysis& analysis, NetsplitTableOptions options = {});

struct PairwiseTableOptions {
  int digits = 2;
  int p_digits = 4;
  bool backtransf = true;  ///< ratio measures: exp() of estimates, limits and prediction interval
  std::string title;       ///< empty: "Pairwise meta-analyses: OUTCOME"
  std::string name = "pairwise";
};

/// One row per analysis. `data`, when given, supplies participant numbers (sum of the arm sizes of the
/// two treatments over the comparison's studies, or n1 + n2 of contrasts; blank when any is unknown).
Table make_pairwise_table(const std::vector<PairwiseAnalysis>& analyses, const PairwiseTableOptions& options = {},
                          const Dataset* data = nullptr);

struct StudyTableOptions {
  /// Outcome whose arms give the treatments and n per arm; empty: for each study the first outcome
  /// holding it.
  std::string outcome;
  std::string title = "Characteristics of included studies";
  std::string name = "studies";
  bool covariates = true;
  /// Risk-of-bias and indirectness columns: shown when any study has a judgement (never when false).
  bool risk_of_bias = true;
};

/// One row per study of `data` (in dataset order): Study, Year, Treatments ("; "-joined), n per arm (in
/// the same order), covariates (sorted by name; numbers as numbers), then under a "Risk of bias" header
/// D1..D5 and Overall (cells "rob-low", "rob-some", "rob-high" with texts "Low", "Some concerns",
/// "High"), and Indirectness.
Table make_study_table(const Dataset& data, const StudyTableOptions& options = {});

/// Summary of findings (GRADE SoF layout): one row per outcome - Outcome (time point), Studies
/// (participants), Relative effect (95% CI), Anticipated absolute effects, Certainty (cells
/// "certainty-high" ... "certainty-very-low" with the footnote marks of its reasons), What happens (the
/// GRADE statement); the SoF footnotes as table footnotes (marks 1, 2, ...).
Table make_sof_table(const SummaryOfFindings& sof, const std::string& name = "sof");

}  // namespace evident::report
