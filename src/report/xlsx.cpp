// Excel workbooks of report tables with libxlsxwriter (see include/evident/report/xlsx.hpp).
#include "evident/report/xlsx.hpp"

#include <xlsxwriter.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <string_view>
#include <tuple>

#include "evident/report/svg.hpp"

namespace evident::report {

namespace {

constexpr std::size_t kMaxSheetName = 31;
constexpr std::size_t kMaxRows = 1048576;
constexpr std::size_t kMaxColumns = 16384;

/// UTF-8 code points of `s` (continuation bytes not counted).
std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (const char ch : s)
    if ((static_cast<unsigned char>(ch) & 0xC0U) != 0x80U) ++n;
  return n;
}

/// The first `count` code points of `s`.
std::string utf8_prefix(std::string_view s, std::size_t count) {
  std::size_t seen = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0U) != 0x80U) {
      if (seen == count) break;
      ++seen;
    }
  }
  return std::string(s.substr(0, i));
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

std::string clean_sheet_name(std::string name) {
  for (char& ch : name)
    if (std::string_view("[]:*?/\\").find(ch) != std::string_view::npos || ch == '\r' || ch == '\n' || ch == '\t')
      ch = '_';
  while (!name.empty() && name.front() == '\'') name.erase(0, 1);
  name = utf8_prefix(name, kMaxSheetName);
  while (!name.empty() && (name.back() == '\'' || name.back() == ' ')) name.pop_back();
  if (lower_ascii(name) == "history") name += "_";  // reserved by Excel
  return name;
}

lxw_color_t colour_of(const char* hex) {
  // "#rrggbb"
  return static_cast<lxw_color_t>(std::stoul(std::string(hex + 1), nullptr, 16));
}

/// 0 none, 1 green, 2 amber, 3 red.
int light_of(std::string_view kind) {
  if (has_token(kind, "rob-low") || has_token(kind, "certainty-high")) return 1;
  if (has_token(kind, "rob-some") || has_token(kind, "certainty-moderate")) return 2;
  if (has_token(kind, "rob-high") || has_token(kind, "certainty-low") || has_token(kind, "certainty-very-low"))
    return 3;
  return 0;
}

/// Formats of one workbook, created on first use (libxlsxwriter owns them).
class Formats {
 public:
  explicit Formats(lxw_workbook* wb) : wb_(wb) {}

  lxw_format* title() {
    if (title_ == nullptr) {
      title_ = workbook_add_format(wb_);
      format_set_bold(title_);
      format_set_font_size(title_, 12);
    }
    return title_;
  }
  lxw_format* header(bool centre) {
    lxw_format*& f = centre ? header_centre_ : header_;
    if (f == nullptr) {
      f = workbook_add_format(wb_);
      format_set_bold(f);
      format_set_bottom(f, LXW_BORDER_THIN);
      if (centre) format_set_align(f, LXW_ALIGN_CENTER);
    }
    return f;
  }
  /// decimals < 0: General; light 0-3; right-aligned numbers.
  lxw_format* cell(int decimals, int light, bool number) {
    const auto key = std::make_tuple(decimals, light, number);
    const auto it = cells_.find(key);
    if (it != cells_.end()) return it->second;
    lxw_format* f = workbook_add_format(wb_);
    if (decimals >= 0) {
      std::string code = "0";
      if (decimals > 0) {
        code.push_back('.');
        code.append(static_cast<std::size_t>(std::min(decimals, 15)), '0');
      }
      format_set_num_format(f, code.c_str());
    }
    if (number) format_set_align(f, LXW_ALIGN_RIGHT);
    if (light != 0) {
      const char* colour = light == 1   ? svg::colour::low_risk
                           : light == 2 ? svg::colour::some_risk
                                        : svg::colour::high_risk;
      format_set_pattern(f, LXW_PATTERN_SOLID);
      format_set_bg_color(f, colour_of(colour));
      format_set_font_color(f, light == 2 ? LXW_COLOR_BLACK : LXW_COLOR_WHITE);
      format_set_bold(f);
      format_set_align(f, LXW_ALIGN_CENTER);
    }
    cells_.emplace(key, f);
    return f;
  }
  lxw_format* note() {
    if (note_ == nullptr) {
      note_ = workbook_add_format(wb_);
      format_set_italic(note_);
    }
    return note_;
  }

 private:
  lxw_workbook* wb_;
  lxw_format *title_ = nullptr, *header_ = nullptr, *header_centre_ = nullptr, *note_ = nullptr;
  std::map<std::tuple<int, int, bool>, lxw_format*> cells_;
};

void check(lxw_error e, Diagnostics& out, const std::string& path, const std::string& sheet, const char* what) {
  if (e == LXW_NO_ERROR) return;
  out.warning("xlsx-cell", SourceLocation{path, 0, 0},
              "sheet '" + sheet + "': " + what + ": " + lxw_strerror(e) + " (left out)");
}

lxw_row_t row_index(std::size_t r) {
  return static_cast<lxw_row_t>(r);
}
lxw_col_t col_index(std::size_t c) {
  return static_cast<lxw_col_t>(c);
}

void write_sheet(lxw_worksheet* ws, Formats& fmt, const Table& t, const std::string& sheet, const std::string& path,
                 Diagnostics& out) {
  const std::size_t n = t.columns();
  std::vector<std::size_t> width(n, 0);
  std::size_t r = 0;
  if (!t.title.empty()) {
    check(worksheet_write_string(ws, 0, 0, t.title.c_str(), fmt.title()), out, path, sheet, "title");
    r = 2;
  }
  for (const auto& hrow : t.header) {
    std::size_t c = 0;
    for (const auto& h : hrow) {
      const std::size_t span = std::max<std::size_t>(1, h.span);
      if (span > 1 && c + span <= n) {
        check(worksheet_merge_range(ws, row_index(r), col_index(c), row_index(r), col_index(c + span - 1),
                                    h.text.c_str(), fmt.header(true)),
              out, path, sheet, "header");
      } else if (c < n) {
        check(worksheet_write_string(ws, row_index(r), col_index(c), h.text.c_str(), fmt.header(false)), out, path,
              sheet, "header");
        width[c] = std::max(width[c], utf8_length(h.text));
      }
      c += span;
    }
    ++r;
  }
  const std::size_t first_body = r;
  for (const auto& row : t.rows) {
    for (std::size_t c = 0; c < row.size() && c < n; ++c) {
      const TableCell& cell = row[c];
      const int light = light_of(cell.kind);
      const bool is_number = cell.value && !cell.lower && !cell.upper && std::isfinite(*cell.value) && light == 0;
      if (is_number) {
        check(worksheet_write_number(ws, row_index(r), col_index(c), *cell.value, fmt.cell(cell.decimals, 0, true)),
              out, path, sheet, "number");
      } else if (!cell.text.empty()) {
        check(worksheet_write_string(ws, row_index(r), col_index(c), cell.text.c_str(),
                                     fmt.cell(-1, light, has_token(cell.kind, "number"))),
              out, path, sheet, "text");
      } else if (light != 0) {
        check(worksheet_write_blank(ws, row_index(r), col_index(c), fmt.cell(-1, light, false)), out, path, sheet,
              "blank");
      }
      width[c] = std::max(width[c], utf8_length(cell.text));
    }
    ++r;
  }
  if (!t.footnotes.empty()) ++r;
  for (const auto& f : t.footnotes) {
    const std::string text = f.mark.empty() ? f.text : f.mark + ". " + f.text;
    check(worksheet_write_string(ws, row_index(r), 0, text.c_str(), fmt.note()), out, path, sheet, "footnote");
    ++r;
  }
  for (std::size_t c = 0; c < n; ++c) {
    const double w = static_cast<double>(std::clamp<std::size_t>(width[c] + 2, 8, 60));
    check(worksheet_set_column(ws, col_index(c), col_index(c), w, nullptr), out, path, sheet, "column width");
  }
  if (first_body > 0 || t.stub_columns > 0)
    worksheet_freeze_panes(ws, row_index(first_body), col_index(std::min(t.stub_columns, n)));
}

}  // namespace

std::vector<std::string> sanitise_sheet_names(const std::vector<Table>& tables) {
  std::vector<std::string> names;
  std::set<std::string> used;  // lower-cased
  for (std::size_t i = 0; i < tables.size(); ++i) {
    std::string base = clean_sheet_name(!tables[i].name.empty() ? tables[i].name : tables[i].title);
    if (base.empty()) base = "Table " + std::to_string(i + 1);
    std::string name = base;
    for (int k = 2; used.count(lower_ascii(name)) != 0; ++k) {
      const std::string suffix = " (" + std::to_string(k) + ")";
      name = utf8_prefix(base, kMaxSheetName - suffix.size()) + suffix;
    }
    used.insert(lower_ascii(name));
    names.push_back(name);
  }
  return names;
}

Diagnostics write_xlsx(const std::vector<Table>& tables, const std::string& path, const XlsxOptions& options) {
  Diagnostics out;
  const SourceLocation where{path, 0, 0};
  if (tables.empty()) {
    out.error("xlsx-no-tables", where, "no tables to write to " + path);
    return out;
  }
  for (const Table& t : tables) {
    std::size_t rows = t.rows.size() + t.header.size() + t.footnotes.size() + 3;
    if (rows > kMaxRows || t.columns() > kMaxColumns) {
      out.error("xlsx-too-large", where,
                "table '" + t.title + "' has more rows or columns than an Excel sheet holds (1048576 x 16384)",
                "write it as CSV instead");
      return out;
    }
  }
  std::string tmpdir = options.tmpdir;
  lxw_workbook_options wo{};
  wo.constant_memory = LXW_FALSE;
  wo.tmpdir = tmpdir.empty() ? nullptr : tmpdir.data();
  wo.use_zip64 = LXW_FALSE;
  lxw_workbook* wb = workbook_new_opt(path.c_str(), &wo);
  if (wb == nullptr) {
    out.error("xlsx-write-failed", where, "cannot create the workbook " + path);
    return out;
  }
  Formats fmt(wb);
  const std::vector<std::string> names = sanitise_sheet_names(tables);
  for (std::size_t i = 0; i < tables.size(); ++i) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, names[i].c_str());
    if (ws == nullptr) {
      out.error("xlsx-write-failed", where, "cannot add the sheet '" + names[i] + "'");
      continue;
    }
    write_sheet(ws, fmt, tables[i], names[i], path, out);
  }
  const lxw_error e = workbook_close(wb);  // frees the workbook in every case
  if (e != LXW_NO_ERROR)
    out.error("xlsx-write-failed", where, "cannot write " + path + ": " + lxw_strerror(e),
              "check that the directory exists and is writable");
  return out;
}

}  // namespace evident::report
