// evident: one table model for every table of a report (league table, rankings, netsplit, pairwise
// results, study characteristics and risk of bias, and the summary-of-findings table of the certainty
// area), and its writers: CSV, Markdown, an HTML fragment (xlsx.hpp writes workbooks).
//
// A Table is what a reader sees: a title, one or more header rows (cells may span columns), body rows of
// cells and footnotes. A cell carries its display text and, when it shows a number, that number in full
// precision (`value`, with `lower` / `upper` when the cell shows an interval such as "0.50 (0.31 to
// 0.80)"), so the CSV (optionally), the HTML (data-value attributes) and the XLSX writers carry numbers
// and tests compare them exactly. A cell's `kind` is a list of space-separated style tokens that the
// writers understand:
//   "network", "direct", "diagonal", "empty"       league-table triangles (HTML classes)
//   "rob-low", "rob-some", "rob-high"              risk-of-bias traffic lights
//   "certainty-high", "certainty-moderate", "certainty-low", "certainty-very-low"
//   "number"                                       right-aligned number
// Traffic lights are drawn as coloured circles holding the letter L / S / H (HTML) - the letter keeps them
// readable without colour - and as filled cells in XLSX; the colours are svg::colour::low_risk,
// some_risk and high_risk, as in the figures.
//
// Formats:
//  - CSV: RFC 4180 (https://www.rfc-editor.org/rfc/rfc4180): fields with a comma, double quote, CR or LF
//    are quoted and their quotes doubled; records end with CRLF; UTF-8 without a byte-order mark. A
//    header cell spanning n columns is written as its text followed by n - 1 empty fields.
//  - Markdown: a GitHub-flavoured pipe table (https://github.github.com/gfm/#tables-extension-); with
//    several header rows the column names are joined top to bottom ("Common effect: estimate"); | and
//    the Markdown specials \ ` * _ [ ] are backslash-escaped, < > & written as entities, line breaks as
//    <br>.
//  - HTML: a <table class="evident-table ..."> fragment for the HTML report (& < > " ' escaped).
// Nothing here does I/O.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace evident::report {

struct TableCell {
  std::string text;                    ///< as displayed
  std::optional<double> value;         ///< the number shown, full precision
  std::optional<double> lower, upper;  ///< the interval shown with it, when any
  std::string kind;                    ///< space-separated style tokens (see above)
  std::vector<std::string> marks;      ///< footnote marks ("a", "b", ...)
  /// Decimals of `text` when it is `value` alone (XLSX number format "0.00"); -1: general.
  int decimals = -1;
};

struct HeaderCell {
  std::string text;
  std::size_t span = 1;  ///< columns covered
};

struct Footnote {
  std::string mark;  ///< empty for a general note
  std::string text;
};

struct Table {
  std::string name;   ///< short name: XLSX sheet name, HTML id suffix (e.g. "league-random")
  std::string title;  ///< caption
  std::string kind;   ///< extra HTML class of the table (e.g. "league-table")
  /// Header rows, top to bottom; each row's spans add up to columns().
  std::vector<std::vector<HeaderCell>> header;
  std::vector<std::vector<TableCell>> rows;
  std::vector<Footnote> footnotes;
  /// Leading columns that label their row (HTML <th scope="row">, XLSX frozen panes).
  std::size_t stub_columns = 1;

  /// Number of columns: the widest of the header rows and body rows.
  [[nodiscard]] std::size_t columns() const;
  /// The column names of the last header row with the names above joined in ("Risk of bias: D1").
  [[nodiscard]] std::vector<std::string> column_names() const;
};

/// A number with `digits` decimals (round half away from zero as printf), "-0.00" shown as "0.00",
/// "" for NaN, "Inf" / "-Inf" for infinities. ASCII hyphen-minus for negatives.
std::string format_number(double x, int digits);
/// "estimate (lower to upper)" with `digits` decimals ("to" keeps negative limits readable).
std::string format_interval(double estimate, double lower, double upper, int digits);
/// A p-value: `digits` decimals, "< 0.0001" (for digits = 4) below the smallest shown value, "" for NaN.
std::string format_p(double p, int digits = 4);
/// A number in full precision: the shortest decimal that reads back as the same double (std::to_chars),
/// "" for NaN, "Inf" / "-Inf".
std::string full_precision(double x);

/// A text cell.
TableCell text_cell(std::string text, std::string kind = {});
/// A number cell with `digits` decimals (text "" and no value for NaN).
TableCell number_cell(double x, int digits, std::string kind = "number");
/// An estimate-with-interval cell (value, lower, upper set; text "" for a NaN estimate).
TableCell interval_cell(double estimate, double lower, double upper, int digits, std::string kind = "number");

struct CsvOptions {
  bool title = false;      ///< first record: the title alone
  bool footnotes = false;  ///< after the rows, one record per footnote ("a. text"); marks appended as "^a"
  /// Write numbers in full precision instead of the display text: `value` for number cells, "value
  /// (lower to upper)" for interval cells.
  bool full_precision = false;
};

/// RFC 4180 field quoting: quoted when the field holds , " CR or LF (quotes doubled).
std::string csv_field(std::string_view text);
std::string to_csv(const Table& table, const CsvOptions& options = {});

/// Escapes text for a Markdown table cell (see the header comment).
std::string markdown_escape(std::string_view text);
/// "**title**", a blank line, the pipe table, and the footnotes as a list below.
std::string to_markdown(const Table& table);

/// Escapes & < > " ' for HTML text and attribute values.
std::string html_escape(std::string_view text);
/// True when the space-separated style tokens `kind` (TableCell::kind) hold `token`.
bool has_token(std::string_view kind, std::string_view token);
/// <table class="evident-table KIND" id="evident-table-NAME"> with <caption>, <thead>, <tbody>
/// (<td class="KIND" data-value=".." data-lower=".." data-upper="..">) and a <tfoot> of footnotes.
std::string to_html(const Table& table);
/// The CSS the HTML report includes once for every table (traffic lights, triangles, numbers).
std::string table_css();

}  // namespace evident::report
