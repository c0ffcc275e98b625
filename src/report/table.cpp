// Table model and its CSV / Markdown / HTML writers (see include/evident/report/table.hpp).
#include "evident/report/table.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "evident/report/svg.hpp"

namespace evident::report {

std::size_t Table::columns() const {
  std::size_t n = 0;
  for (const auto& row : header) {
    std::size_t w = 0;
    for (const auto& h : row) w += std::max<std::size_t>(1, h.span);
    n = std::max(n, w);
  }
  for (const auto& row : rows) n = std::max(n, row.size());
  return n;
}

std::vector<std::string> Table::column_names() const {
  const std::size_t n = columns();
  std::vector<std::string> names(n);
  for (const auto& row : header) {
    std::size_t c = 0;
    for (const auto& h : row) {
      const std::size_t span = std::max<std::size_t>(1, h.span);
      for (std::size_t j = 0; j < span && c < n; ++j, ++c) {
        if (h.text.empty()) continue;
        // A spanning cell names a group: "Group: column".
        if (names[c].empty())
          names[c] = h.text;
        else
          names[c] += ": " + h.text;
      }
    }
  }
  return names;
}

std::string full_precision(double x) {
  if (std::isnan(x)) return {};
  if (std::isinf(x)) return x > 0 ? "Inf" : "-Inf";
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);  // shortest representation that round-trips
  return std::string(buf, r.ptr);
}

std::string format_number(double x, int digits) {
  if (std::isnan(x)) return {};
  if (std::isinf(x)) return x > 0 ? "Inf" : "-Inf";
  digits = std::clamp(digits, 0, 17);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  std::string s = buf;
  // "-0.00": a negative number that rounds to zero is shown as zero.
  if (s.front() == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

std::string format_interval(double estimate, double lower, double upper, int digits) {
  if (std::isnan(estimate)) return {};
  std::string s = format_number(estimate, digits);
  if (std::isnan(lower) && std::isnan(upper)) return s;
  return s + " (" + format_number(lower, digits) + " to " + format_number(upper, digits) + ")";
}

std::string format_p(double p, int digits) {
  if (std::isnan(p)) return {};
  digits = std::clamp(digits, 1, 17);
  const double smallest = std::pow(10.0, -digits);
  if (p < smallest) return "< " + format_number(smallest, digits);
  return format_number(p, digits);
}

TableCell text_cell(std::string text, std::string kind) {
  TableCell c;
  c.text = std::move(text);
  c.kind = std::move(kind);
  return c;
}

TableCell number_cell(double x, int digits, std::string kind) {
  TableCell c;
  c.kind = std::move(kind);
  if (std::isnan(x)) return c;
  c.text = format_number(x, digits);
  c.value = x;
  c.decimals = std::isinf(x) ? -1 : digits;
  return c;
}

TableCell interval_cell(double estimate, double lower, double upper, int digits, std::string kind) {
  TableCell c;
  c.kind = std::move(kind);
  if (std::isnan(estimate)) return c;
  c.text = format_interval(estimate, lower, upper, digits);
  c.value = estimate;
  c.lower = lower;
  c.upper = upper;
  return c;
}

// ---------------------------------------------------------------------------------------------
// CSV

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (const char ch : text) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
  return out;
}

namespace {

std::string marks_suffix(const std::vector<std::string>& marks, std::string_view before) {
  std::string s;
  for (const auto& m : marks) s += std::string(before) + m;
  return s;
}

std::string csv_text(const TableCell& cell, const CsvOptions& o) {
  std::string s = cell.text;
  if (o.full_precision && cell.value) {
    s = full_precision(*cell.value);
    if (cell.lower || cell.upper)
      s += " (" + full_precision(cell.lower.value_or(NAN)) + " to " + full_precision(cell.upper.value_or(NAN)) + ")";
  }
  if (o.footnotes) s += marks_suffix(cell.marks, "^");
  return s;
}

void csv_record(std::string& out, const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    out += csv_field(fields[i]);
  }
  out += "\r\n";
}

std::string footnote_text(const Footnote& f) {
  return f.mark.empty() ? f.text : f.mark + ". " + f.text;
}

}  // namespace

std::string to_csv(const Table& table, const CsvOptions& options) {
  std::string out;
  const std::size_t n = table.columns();
  if (options.title && !table.title.empty()) csv_record(out, {table.title});
  for (const auto& row : table.header) {
    std::vector<std::string> f;
    for (const auto& h : row) {
      f.push_back(h.text);
      for (std::size_t j = 1; j < h.span; ++j) f.emplace_back();
    }
    f.resize(n);
    csv_record(out, f);
  }
  for (const auto& row : table.rows) {
    std::vector<std::string> f;
    for (const auto& cell : row) f.push_back(csv_text(cell, options));
    f.resize(n);
    csv_record(out, f);
  }
  if (options.footnotes)
    for (const auto& fn : table.footnotes) csv_record(out, {footnote_text(fn)});
  return out;
}

// ---------------------------------------------------------------------------------------------
// Markdown

std::string markdown_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    switch (ch) {
      case '\\':
      case '|':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
        out += '\\';
        out += ch;
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '\r':
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        out += "<br>";
        break;
      case '\n':
        out += "<br>";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

std::string to_markdown(const Table& table) {
  std::string out;
  if (!table.title.empty()) out += "**" + markdown_escape(table.title) + "**\n\n";
  const std::size_t n = table.columns();
  if (n == 0) return out;
  const std::vector<std::string> names = table.column_names();
  const auto line = [&](const std::vector<std::string>& cells) {
    out += '|';
    for (std::size_t c = 0; c < n; ++c) {
      out += ' ';
      out += c < cells.size() ? cells[c] : std::string();
      out += " |";
    }
    out += '\n';
  };
  std::vector<std::string> head;
  for (const auto& s : names) head.push_back(markdown_escape(s));
  line(head);
  std::vector<std::string> rule;
  for (std::size_t c = 0; c < n; ++c) rule.emplace_back(c < table.stub_columns ? "---" : "---:");
  line(rule);
  for (const auto& row : table.rows) {
    std::vector<std::string> cells;
    for (const auto& cell : row) {
      std::string s = markdown_escape(cell.text);
      for (const auto& m : cell.marks) s += "<sup>" + markdown_escape(m) + "</sup>";
      cells.push_back(std::move(s));
    }
    line(cells);
  }
  if (!table.footnotes.empty()) {
    out += '\n';
    for (const auto& f : table.footnotes) out += "- " + markdown_escape(footnote_text(f)) + "\n";
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// HTML

bool has_token(std::string_view kind, std::string_view token) {
  std::size_t pos = 0;
  while (pos <= kind.size()) {
    std::size_t end = kind.find(' ', pos);
    if (end == std::string_view::npos) end = kind.size();
    if (kind.substr(pos, end - pos) == token) return true;
    pos = end + 1;
  }
  return false;
}

std::string html_escape(std::string_view text) {
  return svg::escape(text);
}

namespace {

struct Light {
  const char* colour;
  const char* letter;
  const char* words;
};

/// The traffic light of a cell, or nullptr.
const Light* traffic_light(std::string_view kind) {
  static const Light low{svg::colour::low_risk, "L", "Low risk of bias"};
  static const Light some{svg::colour::some_risk, "S", "Some concerns"};
  static const Light high{svg::colour::high_risk, "H", "High risk of bias"};
  static const Light c_high{svg::colour::low_risk, "H", "High certainty"};
  static const Light c_mod{svg::colour::some_risk, "M", "Moderate certainty"};
  static const Light c_low{svg::colour::high_risk, "L", "Low certainty"};
  static const Light c_vlow{svg::colour::high_risk, "VL", "Very low certainty"};
  if (has_token(kind, "rob-low")) return &low;
  if (has_token(kind, "rob-some")) return &some;
  if (has_token(kind, "rob-high")) return &high;
  if (has_token(kind, "certainty-high")) return &c_high;
  if (has_token(kind, "certainty-moderate")) return &c_mod;
  if (has_token(kind, "certainty-low")) return &c_low;
  if (has_token(kind, "certainty-very-low")) return &c_vlow;
  return nullptr;
}

std::string html_marks(const std::vector<std::string>& marks) {
  std::string s;
  for (const auto& m : marks) s += "<sup>" + html_escape(m) + "</sup>";
  return s;
}

std::string id_token(std::string_view name) {
  std::string s;
  for (const char ch : name) {
    const auto u = static_cast<unsigned char>(ch);
    s += (std::isalnum(u) || ch == '-' || ch == '_') ? ch : '-';
  }
  return s;
}

}  // namespace

std::string to_html(const Table& table) {
  std::string out = "<table class=\"evident-table";
  if (!table.kind.empty()) out += ' ' + html_escape(table.kind);
  out += '"';
  if (!table.name.empty()) out += " id=\"evident-table-" + html_escape(id_token(table.name)) + '"';
  out += ">\n";
  if (!table.title.empty()) out += "<caption>" + html_escape(table.title) + "</caption>\n";
  const std::size_t n = table.columns();
  if (!table.header.empty()) {
    out += "<thead>\n";
    for (const auto& row : table.header) {
      out += "<tr>";
      for (const auto& h : row) {
        out += h.span > 1 ? "<th scope=\"colgroup\" colspan=\"" + std::to_string(h.span) + "\">" : "<th scope=\"col\">";
        out += html_escape(h.text) + "</th>";
      }
      out += "</tr>\n";
    }
    out += "</thead>\n";
  }
  out += "<tbody>\n";
  for (const auto& row : table.rows) {
    out += "<tr>";
    for (std::size_t c = 0; c < n; ++c) {
      const TableCell empty;
      const TableCell& cell = c < row.size() ? row[c] : empty;
      const bool stub = c < table.stub_columns;
      std::string tag = stub ? "th" : "td";
      out += '<' + tag;
      if (stub) out += " scope=\"row\"";
      if (!cell.kind.empty()) out += " class=\"" + html_escape(cell.kind) + '"';
      if (cell.value) out += " data-value=\"" + html_escape(full_precision(*cell.value)) + '"';
      if (cell.lower) out += " data-lower=\"" + html_escape(full_precision(*cell.lower)) + '"';
      if (cell.upper) out += " data-upper=\"" + html_escape(full_precision(*cell.upper)) + '"';
      out += '>';
      if (const Light* light = traffic_light(cell.kind)) {
        const std::string words = cell.text.empty() ? light->words : cell.text;
        out += "<span class=\"traffic-light\" style=\"background-color:" + std::string(light->colour) + "\" title=\"" +
               html_escape(words) + "\" aria-label=\"" + html_escape(words) + "\">" + light->letter + "</span>";
      } else {
        out += html_escape(cell.text);
      }
      out += html_marks(cell.marks);
      out += "</" + tag + '>';
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n";
  if (!table.footnotes.empty()) {
    out += "<tfoot>\n";
    for (const auto& f : table.footnotes) {
      out += "<tr><td colspan=\"" + std::to_string(std::max<std::size_t>(1, n)) + "\">";
      if (!f.mark.empty()) out += "<sup>" + html_escape(f.mark) + "</sup> ";
      out += html_escape(f.text) + "</td></tr>\n";
    }
    out += "</tfoot>\n";
  }
  out += "</table>\n";
  return out;
}

std::string table_css() {
  std::ostringstream css;
  css << "table.evident-table{border-collapse:collapse;font-size:0.9em;margin:1em 0}\n"
      << "table.evident-table caption{font-weight:bold;text-align:left;padding:0.3em 0}\n"
      << "table.evident-table th,table.evident-table td{border:1px solid " << svg::colour::light
      << ";padding:0.2em 0.5em;vertical-align:top}\n"
      << "table.evident-table thead th{background:#f4f4f4}\n"
      << "table.evident-table td.number{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
      << "table.evident-table td.diagonal,table.evident-table th.diagonal{font-weight:bold;background:#f4f4f4}\n"
      << "table.evident-table td.network{background:#eef5fb}\n"
      << "table.evident-table td.direct{background:#fdf6e8}\n"
      << "table.evident-table td.empty{color:" << svg::colour::grey << "}\n"
      << "table.evident-table tfoot td{border:none;font-size:0.9em;color:#444}\n"
      << "table.evident-table .traffic-light{display:inline-block;width:1.6em;height:1.6em;line-height:1.6em;"
      << "border-radius:50%;text-align:center;color:#fff;font-weight:bold;font-size:0.85em}\n";
  return css.str();
}

}  // namespace evident::report
