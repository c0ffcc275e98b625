// evident: CSV building blocks shared by the readers (internal to the data area).
//
// decode_text() checks that a byte buffer is text (no NUL bytes, not UTF-16, not a spreadsheet)
// and returns it as UTF-8 (a UTF-8 byte-order mark is dropped; text that is not valid UTF-8 is
// read as Windows-1252 / Latin-1 and converted). tokenize_csv() splits the text into rows of
// cells following RFC 4180 (quoted fields, doubled quotes, CRLF / LF / CR line ends), guessing
// the separator from the header line (comma; semicolon when the header has no comma; tab when
// it has neither). Both report problems as Diagnostics and never throw.
//
// validate_dataset_tabular() is validate_dataset() for a dataset read from a table: it can name
// the columns of the cells it complains about.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "evident/core/diagnostic.hpp"
#include "evident/data/dataset.hpp"

namespace evident::csv {

/// Text known to be UTF-8: a view of the input, or of `owned` after a conversion.
struct DecodedText {
  std::string_view text;
  std::string owned;
  bool converted_from_latin1 = false;
  bool ok = true;  ///< false: not text at all (diagnostic written); nothing more to read
};

/// `text` must outlive the result (the result may view it).
DecodedText decode_text(std::string_view text, const std::string& filename, std::size_t max_bytes, Diagnostics& diags);

struct Row {
  int line = 0;           ///< physical line (1-based) where the row starts
  std::size_t first = 0;  ///< index of its first cell in Table::cells
  std::size_t count = 0;  ///< number of cells
};

struct Table {
  char separator = ',';
  bool decimal_comma = false;  ///< ';'-separated files use "1,5" for 1.5
  bool fatal = false;          ///< the header itself could not be read (diagnostic written)
  std::vector<std::string_view> cells;
  std::vector<Row> rows;            ///< rows[0] is the header (when the file has any row)
  std::deque<std::string> storage;  ///< unescaped quoted cells that `cells` view
  [[nodiscard]] std::string_view cell(const Row& r, std::size_t i) const {
    return i < r.count ? cells[r.first + i] : std::string_view{};
  }
};

/// Longest accepted row, in bytes; longer rows are reported and skipped.
inline constexpr std::size_t kMaxRowBytes = std::size_t{1} << 20;

/// Split UTF-8 text into rows. Blank rows (no cells, or only empty cells) are skipped.
Table tokenize(std::string_view text, const std::string& filename, Diagnostics& diags);

/// Cells that mean "no value": empty, NA, N/A, NaN, "." (case-insensitive), after trimming.
bool is_missing(std::string_view cell);
inline std::string_view trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return s.substr(b, e - b);
}
std::string to_lower(std::string_view s);

/// A finite number (std::from_chars; a leading '+' and surrounding blanks allowed; with
/// `decimal_comma` a single ',' is read as the decimal point). nullopt when not a number.
std::optional<double> parse_number(std::string_view cell, bool decimal_comma);

/// Shortest decimal text that reads back as `v` ("12", "0.5", "-3").
std::string format_number(double v);

/// What a column (or a `--map` target) means. `se_any` is a plain "se": the SE of an arm mean in
/// arm-level files, the SE of the estimate in contrast-level files.
enum class Field {
  none,
  study,
  treatment,
  events,
  nonevents,
  n,
  mean,
  sd,
  sd_baseline,
  time,
  median,
  q1,
  q3,
  min,
  max,
  se_any,
  arm_se,
  estimate,
  ratio_estimate,  ///< a ratio (HR, OR, RR, IRR) on its natural scale, e.g. 0.62; its CI is then natural too
  se,
  variance,
  ci_lower,
  ci_upper,
  p_value,
  year,
  rob_overall,
  rob_domain,
  indirectness,
  outcome,
  time_point,
  covariate,
  ignore,
};

struct FieldRole {
  Field field = Field::none;
  int arm = 0;       ///< 1, 2, ... for numbered (wide / two-group) columns, 0 otherwise
  int domain = 0;    ///< RoB 2 domain 1..5 for Field::rob_domain
  int priority = 0;  ///< among several study (or treatment) columns the lowest wins
  /// The effect measure the name implies ("HR" for hr, loghr, hazard_ratio; "OR" for or, lnOR ...),
  /// else nullptr. Set for Field::estimate (log scale) and Field::ratio_estimate (natural scale).
  const char* measure = nullptr;
};

/// The role of a header name (case-insensitive; '.', '_', '-' and blanks are ignored), or nullopt.
/// A ratio named on its natural scale (hr, or, rr, irr, ratio, hazard_ratio, odds_ratio,
/// risk_ratio) is Field::ratio_estimate; its log (loghr, lnhr, logor, lnor, logrr, lnrr, logirr,
/// lnirr) is Field::estimate; both carry the measure they name in FieldRole::measure.
std::optional<FieldRole> recognize_column(std::string_view name);
/// The role a `--map` target names: the header aliases plus "covariate" and "ignore".
std::optional<FieldRole> recognize_field(std::string_view name);
/// Canonical name of a field, as used in messages ("events", "n", "TE", ...).
const char* field_name(Field f);
/// Lower-case, without '.', '_', '-' and blanks.
std::string normalize_name(std::string_view name);

/// Columns of one contrast-level outcome read from a table (1-based, 0 = none).
struct ContrastColumns {
  int treat1 = 0, treat2 = 0, estimate = 0, se = 0, variance = 0, ci_lower = 0, ci_upper = 0, p_value = 0;
  int n1 = 0, n2 = 0, events1 = 0, events2 = 0;
};

/// What validation may know about a tabular source, to name columns in its messages.
struct TabularContext {
  std::vector<std::string> header;                ///< column c (1-based) is header[c - 1]
  std::vector<ContrastColumns> contrast_columns;  ///< per outcome index (may be shorter)
};

}  // namespace evident::csv

namespace evident {

/// validate_dataset() with the column names of a tabular source (see evident/data/validate.hpp).
void validate_dataset_tabular(Dataset& data, Diagnostics& diagnostics, const csv::TabularContext* context);

}  // namespace evident
