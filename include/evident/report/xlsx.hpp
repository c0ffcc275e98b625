// evident: Excel workbooks of report tables (libxlsxwriter, https://libxlsxwriter.github.io/).
//
// One worksheet per Table: the title in bold in A1, the header rows in bold below it (cells spanning
// columns merged), then the rows: a cell with a number and no interval is written as a number with the
// number format of its decimals ("0.00"; General when TableCell::decimals < 0), every other cell as text
// (an interval cell shows its text; its numbers are in the CSV / HTML / JSON outputs). Risk-of-bias and
// certainty cells get the traffic-light fill (svg::colour::low_risk, some_risk, high_risk) with white bold
// text. Footnotes follow the rows after a blank row. Columns are as wide as their longest text (in
// characters, 8 to 60); panes are frozen below the header and right of the stub columns.
//
// Sheet names follow Excel's rules (as libxlsxwriter checks them in workbook_validate_sheet_name()):
// 1 to 31 characters, none of [ ] : * ? / \, not starting or ending with an apostrophe, unique
// (case-insensitively); sanitise_sheet_names() replaces forbidden characters by '_', trims to 31
// characters (whole UTF-8 characters) and makes names unique by appending " (2)", " (3)", ...
//
// Errors never throw: a file that cannot be written (e.g. a missing directory) or a libxlsxwriter error
// comes back as an error Diagnostic (code "xlsx-write-failed", location = the path).
#pragma once

#include <string>
#include <vector>

#include "evident/core/diagnostic.hpp"
#include "evident/report/table.hpp"

namespace evident::report {

/// Excel-safe, unique sheet names for the tables (from Table::name, else the title, else "Table N").
std::vector<std::string> sanitise_sheet_names(const std::vector<Table>& tables);

struct XlsxOptions {
  /// Directory for libxlsxwriter's temporary files (empty: the system's).
  std::string tmpdir;
};

/// Writes the tables, one sheet each, to `path`. Returns the diagnostics (empty on success).
Diagnostics write_xlsx(const std::vector<Table>& tables, const std::string& path, const XlsxOptions& options = {});

}  // namespace evident::report
