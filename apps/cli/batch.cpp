// `evident batch`: see batch.hpp.
#include "batch.hpp"
#include "cli_output.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <fstream>
#include <iostream>
#include <istream>
#include <ostream>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "evident/network/request.hpp"

namespace evident_cli {
namespace {


/// The answer to a line whose processing threw (a bug: the library does not throw on user input).
evident::RequestLine internal_error(std::size_t line, const std::string& what) {
  nlohmann::json d = {{"code", "internal-error"}, {"severity", "error"}, {"message", what}};
  evident::RequestLine r;
  r.json = "{\"line\":" + std::to_string(line) + ",\"id\":null,\"ok\":false,\"diagnostics\":[" +
           d.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "]}";
  return r;
}

/// Answers lines[i] into answers[i] on `threads` threads (the calling thread is one of them).
void answer_chunk(const std::vector<std::string>& lines, const std::vector<std::size_t>& numbers,
                  std::vector<evident::RequestLine>& answers, const std::string& input_name, unsigned threads) {
  answers.assign(lines.size(), {});
  std::atomic<std::size_t> next{0};
  constexpr std::size_t kGrain = 8;  // lines taken at a time: small requests are a few microseconds each
  const auto work = [&] {
    for (;;) {
      const std::size_t begin = next.fetch_add(kGrain);
      if (begin >= lines.size()) return;
      const std::size_t end = std::min(lines.size(), begin + kGrain);
      for (std::size_t i = begin; i < end; ++i) {
        try {
          answers[i] = evident::process_batch_line(lines[i], numbers[i], input_name);
        } catch (const std::exception& e) {
          answers[i] = internal_error(numbers[i], e.what());
        }
      }
    }
  };
  const unsigned helpers =
      static_cast<unsigned>(std::min<std::size_t>(threads, (lines.size() + kGrain - 1) / kGrain)) - 1;
  std::vector<std::thread> pool;
  pool.reserve(helpers);
  for (unsigned t = 0; t < helpers; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
}

}  // namespace

void run_batch(std::istream& in, std::ostream& out, const std::string& input_name, const BatchArgs& args,
               std::size_t& failed, std::size_t& total) {
  failed = 0;
  total = 0;
  const unsigned threads = args.threads > 0 ? args.threads : std::max(1U, std::thread::hardware_concurrency());
  const std::size_t chunk = std::max<std::size_t>(1, args.chunk);
  std::vector<std::string> lines;
  std::vector<std::size_t> numbers;
  std::vector<evident::RequestLine> answers;
  std::string line;
  std::size_t number = 0;
  bool more = true;
  while (more) {
    lines.clear();
    numbers.clear();
    while (lines.size() < chunk) {
      if (!std::getline(in, line)) {
        more = false;
        break;
      }
      ++number;
      if (evident::is_blank_line(line)) continue;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      lines.push_back(std::move(line));
      numbers.push_back(number);
      line = std::string();
    }
    if (lines.empty()) continue;
    answer_chunk(lines, numbers, answers, input_name, threads);
    for (const auto& a : answers) {
      out.write(a.json.data(), static_cast<std::streamsize>(a.json.size()));
      out.put('\n');
      if (!a.ok) ++failed;
    }
    total += answers.size();
  }
  out.flush();
}

BatchCommand::BatchCommand(CLI::App& app) : args_(std::make_shared<BatchArgs>()) {
  command_ = app.add_subcommand(
      "batch",
      "Many meta-analyses from JSON Lines: one request per line ({\"yi\", \"vi\"} or {\"data\"} or {\"csv\"}, "
      "with \"options\"), one JSON result per line in input order");
  command_->add_option("file", args_->input, "JSON Lines input; - or absent = standard input");
  command_->add_option("-o,--output", args_->output, "Write to this file instead of standard output");
  command_->add_option("--threads", args_->threads, "Worker threads (default: all cores)")
      ->check(CLI::Range(1U, 1024U));
  command_->add_option("--chunk", args_->chunk, "Lines read, answered and written at a time (default 4096)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 24));
}

bool BatchCommand::parsed() const {
  return command_->parsed();
}

int BatchCommand::run() const {
  const BatchArgs& a = *args_;
  std::ios::sync_with_stdio(false);
  std::ifstream file;
  std::istream* in = &std::cin;
  std::string name = "<stdin>";
  if (a.input != "-") {
    file.open(a.input, std::ios::binary);
    if (!file) {
      std::cerr << "evident: error: cannot read '" << a.input << "'\n";
      return kExitUsage;
    }
    in = &file;
    name = a.input;
  }
  std::ofstream out_file;
  std::ostream* out = &std::cout;
  if (!a.output.empty()) {
    out_file.open(a.output, std::ios::binary);
    if (!out_file) {
      std::cerr << "evident: error: cannot write '" << a.output << "'\n";
      return kExitUsage;
    }
    out = &out_file;
  }
  std::size_t failed = 0, total = 0;
  run_batch(*in, *out, name, a, failed, total);
  if (in->bad()) {
    std::cerr << "evident: error: error reading '" << name << "'\n";
    return kExitUsage;
  }
  if (!*out) {
    std::cerr << "evident: error: cannot write '" << (a.output.empty() ? "<stdout>" : a.output) << "'\n";
    return kExitUsage;
  }
  if (failed > 0) {
    std::cerr << "evident: " << failed << " of " << total << (total == 1 ? " request" : " requests")
              << " failed (their lines have \"ok\": false and the diagnostics)\n";
    return kExitDataError;
  }
  return kExitOk;
}

}  // namespace evident_cli
