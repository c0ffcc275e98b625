// evident: the one-file HTML report of a review (evident issue 5) - every figure and table of the analyses
// of a data file in one self-contained page: inline CSS and SVG, no script, no network access needed.
//
// Sections (each an <h2 id=...> listed in the table of contents): Summary (what was analysed; per outcome the
// network estimates against the reference with P-scores, tau2 and I2, or the pooled pairwise estimates),
// Data and diagnostics (studies, arms, treatments, study characteristics and risk of bias, everything excluded
// with its reason, the diagnostics with file:line:column), PRISMA flow (when counts are given), Network
// (graph, league table, NMA forest plot, ranking table and rankogram, heterogeneity and inconsistency: Q and its
// parts, the design-based decomposition, netsplit table and forest plot, net heat plot, comparison-adjusted
// funnel plot), Pairwise meta-analyses (per comparison: forest plot, results, funnel plot and small-study tests),
// Certainty (CINeMA judgements with the certainty colours when the outcome has a MID or range of equivalence),
// Methods (methods_text(): paragraphs and numbered references), Software and settings.
//
// Nothing is computed here: every number shown comes from the result structs (the figures and tables of
// forest.hpp, funnel_plot.hpp, rank_plot.hpp, network_graph.hpp, netheat_plot.hpp, prisma.hpp and tables.hpp
// keep their full-precision data-* attributes). analyse_for_report() only runs the library's analyses
// (compute_effects, analyse_outcome, analyse_network_outcome, cinema) as `evident meta` and `evident nma` do.
// Output is XHTML-compatible markup (every element closed, attributes quoted) so that tests can parse it with an
// XML parser. No I/O: the CLI (`evident report`, apps/cli/report.cpp) writes the files.
// Checked (tests/unit/report/html_report_test.cpp): on Senn2013, dat.bcg and stowe2010 the page parses as XML,
// has one forest plot per comparison, league-table cells equal the NMA values exactly, every <svg> is well
// formed, no external URL is referenced; tests/render/render_report.sh opens it in headless Chromium.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "evident/certainty/cinema.hpp"
#include "evident/core/diagnostic.hpp"
#include "evident/data/dataset.hpp"
#include "evident/effects/effect_size.hpp"
#include "evident/network/analysis.hpp"
#include "evident/pairwise/analysis.hpp"
#include "evident/pairwise/request.hpp"
#include "evident/report/methods_text.hpp"
#include "evident/report/prisma.hpp"
#include "evident/report/table.hpp"

namespace evident::report {

/// The analyses of one outcome (x time point).
struct ReportOutcome {
  const Outcome* source = nullptr;  ///< the outcome in ReportInput::data
  std::string name;
  std::optional<std::string> time_point;
  OutcomeType type = OutcomeType::continuous;
  std::optional<double> mid;
  EffectSet effects;
  std::vector<PairwiseAnalysis> pairwise;  ///< one per comparison
  std::vector<NetworkAnalysis> network;    ///< empty: no NMA (two treatments and one comparison)
  std::vector<CinemaResult> cinema;        ///< one per network analysis when a MID or range is known
};

/// Everything the report shows.
struct ReportInput {
  std::string title;              ///< empty: "evident report: FILE"
  const Dataset* data = nullptr;  ///< the data read (studies, arms, exclusions); required
  Diagnostics diagnostics;        ///< of reading, options, effect sizes and the analyses
  std::vector<ReportOutcome> outcomes;
  std::optional<PrismaCounts> prisma;
  MethodsInput methods;
  /// Run settings shown in the last section (option name, value), e.g. {"--measure", "OR"}.
  std::vector<std::pair<std::string, std::string>> settings;
  std::string command_line;  ///< shown verbatim when not empty
};

struct ReportOptions {
  int digits = 2;
  /// Pairwise forest and funnel plots only for comparisons with at least this many studies (their results
  /// rows are always shown).
  std::size_t pairwise_min_studies = 1;
  /// Funnel plots and small-study tests shown for comparisons with at least this many studies.
  std::size_t funnel_min_studies = 3;
  /// The generator line ("evident 0.1.0"); empty: from evident::kVersion.
  std::string generator;
  /// Date printed under the title (the library does not read the clock); empty: none.
  std::string date;
};

/// A figure of the report, also available as a separate SVG file.
struct ReportFigure {
  std::string name;   ///< file-name safe: "network-graph", "forest-plac-vs-metf", ... (unique)
  std::string title;  ///< caption
  std::string svg;    ///< <svg ...>...</svg>
};

struct HtmlReport {
  std::string html;                   ///< the whole page
  std::vector<ReportFigure> figures;  ///< in page order
  std::vector<Table> tables;          ///< in page order (for write_xlsx / CSV)
  Diagnostics diagnostics;            ///< notes of the figure builders
};

/// The page and its figures and tables.
HtmlReport html_report(const ReportInput& input, const ReportOptions& options = {});

/// What analyse_for_report() runs, as the CLI options give it.
struct ReportSettings {
  EffectSettings effects;  ///< measure, outcome filter, continuity correction, ...
  PairwiseOptions pairwise;
  NetworkOptions network;
  bool run_pairwise = true;
  bool run_network = true;
  CinemaOptions cinema;  ///< range / mid here override the outcome's MID
};

/// Effect sizes, pairwise analyses of every comparison and, for outcomes with at least three treatments or more
/// than one comparison, the network analysis (and CINeMA when the outcome has a MID or `settings.cinema` a range)
/// of every outcome of `data` (or the one named in settings.effects.outcome). Problems go to the result's
/// diagnostics (an unknown outcome or an option that does not fit the data is an "invalid-option" /
/// "measure-not-applicable" error). `data` must outlive the result (ReportInput::data points to it).
ReportInput analyse_for_report(const Dataset& data, const ReportSettings& settings);

}  // namespace evident::report
