// `evident report`: the whole analysis of a data file as one self-contained HTML page (evident issue 5).
//
//   evident report FILE [--measure M] [--outcome NAME] [--small-values S] [--mid X] [--reference T]
//                       [--method-tau E] [--nma-method-tau E] [--nsim N] [--seed S] [--prisma COUNTS.json]
//                       [--figures DIR] [--xlsx FILE] [-o report.html]
//
// Runs the pairwise meta-analysis of every comparison and, for outcomes with three or more treatments or more
// than one comparison, the network meta-analysis (and CINeMA when a MID is known), then writes the page built by
// evident::report::html_report() (standard output without -o), each figure as DIR/NAME.svg with --figures, and
// every table as one sheet of an XLSX workbook with --xlsx. Exit codes: 0 report written, 1 data errors (nothing
// could be analysed; diagnostics printed), 2 usage and I/O errors.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>

namespace evident_cli {

struct ReportArgs;

/// Registers the `report` subcommand on `app`; after app.parse(), `if (report.parsed()) return report.run();`.
class ReportCommand {
 public:
  explicit ReportCommand(CLI::App& app);
  [[nodiscard]] bool parsed() const;
  /// Runs the analyses, writes the report and returns the exit code.
  [[nodiscard]] int run() const;

 private:
  CLI::App* command_ = nullptr;
  std::shared_ptr<ReportArgs> args_;
};

}  // namespace evident_cli
