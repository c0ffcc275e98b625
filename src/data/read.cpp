// evident: read_file / read_text - format detection and dispatch (see evident/data/read.hpp).
//
// Every format reader runs the shared checks (validate_dataset) on what it read, so read_text only
// chooses the reader.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "evident/data/csv.hpp"
#include "evident/data/read.hpp"

namespace evident {

namespace {

std::string lower_extension(const std::string& path) {
  const std::filesystem::path p(path);
  return csv::to_lower(p.extension().string());
}

InputFormat detect(std::string_view text, const std::string& filename) {
  const std::string ext = lower_extension(filename);
  if (ext == ".json") return InputFormat::json;
  if (ext == ".rm5") return InputFormat::revman5;
  if (ext == ".csv" || ext == ".tsv" || ext == ".txt") return InputFormat::csv;
  std::string_view t = text;
  if (t.size() >= 3 && t.substr(0, 3) == "\xEF\xBB\xBF") t.remove_prefix(3);
  const std::size_t first = t.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos) {
    const char c = t[first];
    if (c == '{' || c == '[') return InputFormat::json;
    if (c == '<') return InputFormat::revman5;
  }
  return InputFormat::csv;
}

}  // namespace

namespace {
ReadResult read_by_format(std::string_view text, const std::string& filename, const ReadOptions& options) {
  const InputFormat format = options.format == InputFormat::auto_detect ? detect(text, filename) : options.format;
  switch (format) {
    case InputFormat::json:
      return read_json(text, filename, options);
    case InputFormat::revman5:
      return read_revman5(text, filename, options);
    case InputFormat::csv:
    case InputFormat::auto_detect:
      break;
  }
  return read_csv(text, filename, options);
}
}  // namespace

ReadResult read_text(std::string_view text, const std::string& filename, const ReadOptions& options) {
  ReadResult r = read_by_format(text, filename, options);
  for (auto& o : r.dataset.outcomes) {
    if (options.direction && o.direction == Direction::unspecified) o.direction = *options.direction;
    if (options.mid && !o.mid) o.mid = options.mid;
  }
  return r;
}

ReadResult read_file(const std::string& path, const ReadOptions& options) {
  ReadResult r;
  r.dataset.source_file = path;
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    r.diagnostics.error("cannot-open", {path, 0, 0}, "cannot open file: no such file", "check the path");
    return r;
  }
  if (std::filesystem::is_directory(status)) {
    r.diagnostics.error("cannot-open", {path, 0, 0}, "cannot read a directory as a data file",
                        "give the path of a CSV, JSON or RevMan 5 (.rm5) file");
    return r;
  }
  if (std::filesystem::is_regular_file(status)) {
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec && size > options.max_file_bytes) {
      r.diagnostics.error("file-too-large", {path, 0, 0},
                          "file is " + std::to_string(size) + " bytes, more than the limit of " +
                              std::to_string(options.max_file_bytes) + " bytes",
                          "raise the limit (ReadOptions::max_file_bytes) if this file is meant to be read");
      return r;
    }
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    r.diagnostics.error("cannot-open", {path, 0, 0}, std::string("cannot open file: ") + std::strerror(errno),
                        "check the path and the file's permissions");
    return r;
  }
  std::string content;
  if (const auto size = std::filesystem::file_size(path, ec); !ec) content.reserve(static_cast<std::size_t>(size));
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    content.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (content.size() > options.max_file_bytes) {
      r.diagnostics.error("file-too-large", {path, 0, 0},
                          "file is more than the limit of " + std::to_string(options.max_file_bytes) + " bytes",
                          "raise the limit (ReadOptions::max_file_bytes) if this file is meant to be read");
      return r;
    }
  }
  return read_text(content, path, options);
}

std::optional<ColumnMapping> parse_column_mapping(const std::string& spec, std::string& error) {
  const std::string usage = "expected COLUMN=FIELD or COLUMN=FIELD:OUTCOME (e.g. exac=events, resp=events:response)";
  const auto eq = spec.rfind('=');
  if (eq == std::string::npos) {
    error = "mapping '" + spec + "': no '=': " + usage;
    return std::nullopt;
  }
  ColumnMapping m;
  m.column = std::string(csv::trim(std::string_view(spec).substr(0, eq)));
  std::string rest = std::string(csv::trim(std::string_view(spec).substr(eq + 1)));
  if (const auto colon = rest.find(':'); colon != std::string::npos) {
    m.outcome = std::string(csv::trim(std::string_view(rest).substr(colon + 1)));
    rest = std::string(csv::trim(std::string_view(rest).substr(0, colon)));
    if (m.outcome.empty()) {
      error = "mapping '" + spec + "': empty outcome name after ':': " + usage;
      return std::nullopt;
    }
  }
  m.field = rest;
  if (m.column.empty() || m.field.empty()) {
    error = "mapping '" + spec + "': " + usage;
    return std::nullopt;
  }
  if (!csv::recognize_field(m.field)) {
    error = "mapping '" + spec + "': unknown field '" + m.field +
            "' (known: study, treatment, events, nonevents, n, mean, sd, time, median, q1, q3, min, max, se, TE, "
            "seTE, vi, lower, upper, pval, year, rob, rob.d1 .. rob.d5, indirectness, outcome, timepoint, covariate, "
            "ignore; add a number for one arm: event1, n2, treat1)";
    return std::nullopt;
  }
  return m;
}

}  // namespace evident
