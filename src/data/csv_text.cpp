// evident: CSV text handling - encoding checks and RFC 4180 tokenizing (see evident/data/csv.hpp).
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "evident/data/csv.hpp"

namespace evident::csv {

namespace {

// Windows-1252 code points for bytes 0x80..0x9F (the rest of the upper half is Latin-1). The five
// bytes Windows-1252 leaves undefined map to the C1 control with the same number, as Latin-1 does.
constexpr std::array<char16_t, 32> kCp1252High = {0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                                  0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
                                                  0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                                  0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

/// Offset of the first byte that breaks UTF-8, or npos when the text is valid UTF-8.
std::size_t first_invalid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    if (i + 8 <= n) {  // ASCII fast path, eight bytes at a time
      std::uint64_t word = 0;
      std::memcpy(&word, p + i, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    char32_t min = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      min = 0x10000;
    } else {
      return i;
    }
    if (i + len > n) return i;
    char32_t cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
    for (std::size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::string_view::npos;
}

int line_of_offset(std::string_view s, std::size_t offset) {
  return 1 + static_cast<int>(std::count(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

constexpr const char* kSaveAsCsvHint =
    "open it in a spreadsheet program and save the sheet as \"CSV UTF-8 (comma delimited)\"";

}  // namespace

DecodedText decode_text(std::string_view text, const std::string& filename, std::size_t max_bytes, Diagnostics& diags) {
  DecodedText out;
  out.text = text;
  const SourceLocation file_loc{filename, 0, 0};
  if (text.size() > max_bytes) {
    diags.error("file-too-large", file_loc,
                "input is " + std::to_string(text.size()) + " bytes, more than the limit of " +
                    std::to_string(max_bytes) + " bytes",
                "raise the limit (ReadOptions::max_file_bytes) if this file is meant to be read");
    out.ok = false;
    return out;
  }
  if (text.size() >= 2 && ((text[0] == '\xFF' && text[1] == '\xFE') || (text[0] == '\xFE' && text[1] == '\xFF'))) {
    diags.error("not-utf8", file_loc, "file is UTF-16 encoded; only UTF-8 (or Latin-1) text can be read",
                "save the file again as \"CSV UTF-8\"");
    out.ok = false;
    return out;
  }
  if (text.size() >= 4 && text.substr(0, 4) == std::string_view("PK\x03\x04", 4)) {
    diags.error("binary-file", file_loc, "file is a ZIP archive (an Excel .xlsx workbook?), not a CSV text file",
                kSaveAsCsvHint);
    out.ok = false;
    return out;
  }
  if (text.size() >= 4 && text.substr(0, 4) == std::string_view("\xD0\xCF\x11\xE0", 4)) {
    diags.error("binary-file", file_loc,
                "file is a binary Office document (an Excel .xls workbook?), not a CSV text file", kSaveAsCsvHint);
    out.ok = false;
    return out;
  }
  if (const void* nul = std::memchr(text.data(), '\0', text.size()); nul != nullptr) {
    const auto offset = static_cast<std::size_t>(static_cast<const char*>(nul) - text.data());
    diags.error("binary-file", {filename, line_of_offset(text, offset), 0},
                "file contains NUL bytes (first at byte " + std::to_string(offset + 1) +
                    "): it is binary data, not a CSV text file",
                kSaveAsCsvHint);
    out.ok = false;
    return out;
  }
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") out.text = text.substr(3);

  const std::size_t bad = first_invalid_utf8(out.text);
  if (bad != std::string_view::npos) {
    const auto byte = static_cast<unsigned char>(out.text[bad]);
    constexpr char kHex[] = "0123456789ABCDEF";
    const std::string hex{kHex[byte >> 4], kHex[byte & 0xF]};
    const int line = line_of_offset(out.text, bad);
    out.owned.reserve(out.text.size() + out.text.size() / 8);
    for (const char ch : out.text) {
      const auto c = static_cast<unsigned char>(ch);
      if (c < 0x80)
        out.owned += ch;
      else if (c < 0xA0)
        append_utf8(out.owned, kCp1252High[c - 0x80]);
      else
        append_utf8(out.owned, c);
    }
    out.text = out.owned;
    out.converted_from_latin1 = true;
    diags.note("latin1", {filename, line, 0},
               "file is not valid UTF-8 (byte 0x" + hex + " on line " + std::to_string(line) +
                   "); it was read as Latin-1 (Windows-1252)",
               "save the file as UTF-8 to be sure names are read as intended");
  }
  return out;
}

namespace {

char guess_separator(std::string_view text) {
  std::size_t commas = 0, semicolons = 0, tabs = 0;
  bool quoted = false;
  for (const char c : text.substr(0, std::min(text.size(), kMaxRowBytes))) {
    if (c == '"') {
      quoted = !quoted;
    } else if (!quoted) {
      if (c == '\n' || c == '\r') break;
      if (c == ',') ++commas;
      if (c == ';') ++semicolons;
      if (c == '\t') ++tabs;
    }
  }
  if (commas > 0) return ',';
  if (semicolons > 0) return ';';
  if (tabs > 0) return '\t';
  return ',';
}

}  // namespace

Table tokenize(std::string_view text, const std::string& filename, Diagnostics& diags) {
  Table t;
  t.separator = guess_separator(text);
  t.decimal_comma = t.separator == ';';
  const char sep = t.separator;
  const std::size_t n = text.size();
  t.cells.reserve(n / 6 + 16);
  std::size_t i = 0;
  int line = 1;

  auto skip_to_line_end = [&](std::size_t from) {
    if (from >= n) return n;
    const char* p = text.data() + from;
    const std::size_t len = n - from;
    const void* lf = std::memchr(p, '\n', len);
    const std::size_t until = lf ? static_cast<std::size_t>(static_cast<const char*>(lf) - p) : len;
    const void* cr = std::memchr(p, '\r', until);
    return from + (cr ? static_cast<std::size_t>(static_cast<const char*>(cr) - p) : until);
  };

  while (i < n) {
    const std::size_t row_start = i;
    const int row_line = line;
    const std::size_t first = t.cells.size();
    bool row_done = false;
    bool too_long = false;
    std::size_t row_end = 0;  // end of an over-long row (before its line break)
    bool unterminated = false;
    while (!row_done) {
      std::string_view cell;
      if (i < n && text[i] == '"') {
        // Quoted field: "" inside stands for one quote; separators and line ends are data.
        std::size_t seg = i + 1;
        std::string* buf = nullptr;
        while (true) {
          const void* q = seg < n ? std::memchr(text.data() + seg, '"', n - seg) : nullptr;
          const std::size_t k = q ? static_cast<std::size_t>(static_cast<const char*>(q) - text.data()) : n;
          for (std::size_t m = seg; m < k; ++m)
            if (text[m] == '\n' || (text[m] == '\r' && (m + 1 >= n || text[m + 1] != '\n'))) ++line;
          if (k >= n) {
            unterminated = true;
            i = n;
            break;
          }
          if (k + 1 < n && text[k + 1] == '"') {
            if (!buf) buf = &t.storage.emplace_back();
            buf->append(text.substr(seg, k + 1 - seg));
            seg = k + 2;
            continue;
          }
          if (buf) {
            buf->append(text.substr(seg, k - seg));
            cell = *buf;
          } else {
            cell = text.substr(i + 1, k - i - 1);
          }
          i = k + 1;
          break;
        }
        if (unterminated) break;
        // Text between the closing quote and the separator is kept (liberal reading of `"a"b`).
        std::size_t k = i;
        while (k < n && text[k] != sep && text[k] != '\n' && text[k] != '\r') ++k;
        if (k > i && !trim(text.substr(i, k - i)).empty()) {
          if (!buf) {
            buf = &t.storage.emplace_back(cell);
          }
          buf->append(text.substr(i, k - i));
          cell = *buf;
        }
        i = k;
      } else {
        std::size_t k = i;
        const std::size_t limit = std::min(n, row_start + kMaxRowBytes + 1);
        while (k < limit && text[k] != sep && text[k] != '\n' && text[k] != '\r') ++k;
        cell = text.substr(i, k - i);
        i = k;
      }
      t.cells.push_back(cell);
      if (i - row_start > kMaxRowBytes) {
        too_long = true;
        i = skip_to_line_end(i);
        row_end = i;
      }
      if (i >= n) {
        row_done = true;
      } else if (text[i] == sep) {
        ++i;
        if (i >= n) {
          t.cells.emplace_back();
          row_done = true;
        }
      } else {
        if (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') ++i;
        ++i;
        ++line;
        row_done = true;
      }
    }
    if (unterminated) {
      const int column = static_cast<int>(t.cells.size() - first) + 1;
      t.cells.resize(first);
      diags.error("unterminated-quote", {filename, row_line, column},
                  "a quoted cell starting on line " + std::to_string(row_line) +
                      " has no closing quote; the rest of the file was not read",
                  "check the cell for a stray \" character (a quote inside a quoted cell is written \"\")");
      if (t.rows.empty()) t.fatal = true;
      break;
    }
    if (too_long) {
      t.cells.resize(first);
      const std::size_t length = row_end - row_start;
      diags.error("line-too-long", {filename, row_line, 0},
                  "line " + std::to_string(row_line) + " is " + std::to_string(length) +
                      " bytes long, more than the limit of " + std::to_string(kMaxRowBytes) + " bytes; it was skipped",
                  "this does not look like a CSV file with one table row per line");
      if (t.rows.empty()) {
        t.fatal = true;
        break;
      }
      continue;
    }
    const std::size_t count = t.cells.size() - first;
    bool blank = true;
    for (std::size_t c = first; c < t.cells.size() && blank; ++c)
      if (!trim(t.cells[c]).empty()) blank = false;
    if (blank) {
      t.cells.resize(first);
      continue;
    }
    t.rows.push_back({row_line, first, count});
  }
  return t;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool is_missing(std::string_view cell) {
  const std::string_view s = trim(cell);
  if (s.empty() || s == ".") return true;
  if (s.size() > 3) return false;
  const std::string l = to_lower(s);
  return l == "na" || l == "n/a" || l == "nan";
}

std::optional<double> parse_number(std::string_view cell, bool decimal_comma) {
  std::string_view s = trim(cell);
  if (!s.empty() && s[0] == '+') {
    s.remove_prefix(1);
    if (s.empty() || s[0] == '-' || s[0] == '+') return std::nullopt;
  }
  if (s.empty()) return std::nullopt;
  std::array<char, 64> buf{};
  if (decimal_comma && s.find(',') != std::string_view::npos) {
    if (s.size() >= buf.size() || s.find('.') != std::string_view::npos || std::count(s.begin(), s.end(), ',') != 1)
      return std::nullopt;
    std::copy(s.begin(), s.end(), buf.begin());
    std::replace(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(s.size()), ',', '.');
    s = std::string_view(buf.data(), s.size());
  }
  double v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v, std::chars_format::general);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string format_number(double v) {
  std::array<char, 64> buf{};
  const auto [ptr, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  if (ec != std::errc()) return "?";
  return std::string(buf.data(), ptr);
}

}  // namespace evident::csv
