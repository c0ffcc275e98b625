// `evident review`: the living-review store (evident issue 7, first part; docs/methods/store.md).
//
//   evident review init FILE.evident --title T [--population P] [--intervention I] [--comparison C] [--outcomes O]
//   evident review import FILE.evident DATA [--map ...] [--format F] [--type T] [--outcome-name N] [--small-values S]
//                                            [--mid X] [--time T]
//   evident review add-study FILE.evident DATA [reading options as import] [--time T]
//   evident review edit FILE.evident [STUDY] [--data DATA] [--set FIELD=VALUE ...] [--class TREATMENT=CLASS ...]
//   evident review run FILE.evident [--json] [--time T] [--measure M] [--reference T] [--method-tau E] [--nsim N]
//                                   [--seed S]
//   evident review diff FILE.evident RUN_A RUN_B [--json]
//   evident review export FILE.evident [-o review.json]
//   evident review import-json FILE.evident REVIEW.json
//
// --time sets the time recorded for the change or run (default: the current UTC time, ISO 8601). Options given to
// `run` are stored as the review's settings before it runs. Exit codes: 0 success, 1 data errors (diagnostics
// printed), 2 usage and I/O errors.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>

namespace evident_cli {

struct ReviewArgs;

/// Registers the `review` subcommand on `app`; after app.parse(), `if (review.parsed()) return review.run();`.
class ReviewCommand {
 public:
  explicit ReviewCommand(CLI::App& app);
  [[nodiscard]] bool parsed() const;
  [[nodiscard]] int run() const;

 private:
  CLI::App* command_ = nullptr;
  std::shared_ptr<ReviewArgs> args_;
};

}  // namespace evident_cli
