// `evident batch`: many meta-analyses from JSON Lines, one request per line, answered in input order.
//
//   evident batch [FILE|-] [-o OUT] [--threads N] [--chunk LINES]
//
// Each non-blank input line is one request (evident/pairwise/request.hpp, docs/methods/batch.md); each
// gets one output line {"line", "id", "ok", "analyses" | "diagnostics"}. Requests run in parallel on N
// threads (default: all cores), LINES at a time (default 4096), so memory stays bounded and the output
// is the same whatever N is. Exit code: 0 when every line is ok, 1 when some line failed (with a count
// on standard error), 2 for usage and I/O errors.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

namespace evident_cli {

struct BatchArgs {
  std::string input = "-";
  std::string output;
  unsigned threads = 0;  ///< 0 = all cores
  std::size_t chunk = 4096;
};

/// Registers the `batch` subcommand on `app`; after app.parse(), `if (batch.parsed()) return batch.run();`.
class BatchCommand {
 public:
  explicit BatchCommand(CLI::App& app);
  [[nodiscard]] bool parsed() const;
  /// Runs the batch and returns the exit code.
  [[nodiscard]] int run() const;

 private:
  CLI::App* command_ = nullptr;
  std::shared_ptr<BatchArgs> args_;
};

/// The batch itself, for tests and other front-ends: reads `in`, writes `out`; `input_name` names the
/// input in diagnostics. Returns the number of failed lines in `failed` and of answered lines in `total`.
void run_batch(std::istream& in, std::ostream& out, const std::string& input_name, const BatchArgs& args,
               std::size_t& failed, std::size_t& total);

}  // namespace evident_cli
