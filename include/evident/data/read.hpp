// evident: reading trial data files.
//
// One entry point, read_file(), detects the format (CSV in its long / wide / contrast /
// two-group shapes, CINeMA and MetaInsight CSVs, evident JSON, RevMan 5 .rm5 XML) and returns
// the Dataset together with every diagnostic found. Readers never throw on bad input and never
// stop at the first problem.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "evident/core/diagnostic.hpp"
#include "evident/data/dataset.hpp"

namespace evident {

enum class InputFormat { auto_detect, csv, json, revman5 };

/// `--map column=field[:outcome]`: read `column` as `field` (e.g. "exac=events",
/// "tpos=event1", "resp=events:response"). For wide files a mapping of a stem applies to the
/// numbered columns (resp -> resp1, resp2, ...). An optional outcome name lets one file carry
/// several outcomes.
struct ColumnMapping {
  std::string column;
  std::string field;
  std::string outcome;
};

struct ReadOptions {
  InputFormat format = InputFormat::auto_detect;
  std::vector<ColumnMapping> mappings;
  std::optional<OutcomeType> outcome_type;            ///< force the outcome type instead of inferring it
  std::string outcome_name;                           ///< name of the single outcome (default: file stem)
  std::optional<std::string> treatment_labels_file;   ///< MetaInsight "Number,Label" file
  std::size_t max_file_bytes = std::size_t{1} << 30;  ///< refuse larger inputs with a diagnostic
  // Outcome metadata that CSV files have no place for: applied to every outcome read that does not
  // set it itself (a JSON file's own values win).
  std::optional<Direction> direction;  ///< are small values desirable (netmeta's small.values)
  std::optional<double> mid;           ///< minimally important difference, on the analysis scale
};

struct ReadResult {
  Dataset dataset;
  Diagnostics diagnostics;
  [[nodiscard]] bool ok() const { return !diagnostics.has_errors(); }
};

/// Read a file from disk (format from options, else from content and extension).
ReadResult read_file(const std::string& path, const ReadOptions& options = {});

/// Read from memory; `filename` is used only in diagnostics and for format detection.
ReadResult read_text(std::string_view text, const std::string& filename, const ReadOptions& options = {});

ReadResult read_csv(std::string_view text, const std::string& filename, const ReadOptions& options = {});
ReadResult read_json(std::string_view text, const std::string& filename, const ReadOptions& options = {});
ReadResult read_revman5(std::string_view text, const std::string& filename, const ReadOptions& options = {});

/// Parse "column=field[:outcome]"; nullopt (and a usage message in `error`) when malformed.
std::optional<ColumnMapping> parse_column_mapping(const std::string& spec, std::string& error);

}  // namespace evident
