// XLSX workbooks of report tables: the file is read back for real. An .xlsx file is a ZIP archive of XML
// parts, and libxlsxwriter always deflates them (it has no option to store them uncompressed), so this
// test carries a small ZIP reader (central directory, APPNOTE.TXT section 4.3) and DEFLATE decoder
// (RFC 1951, written for this test), checks every part's CRC-32, and parses the XML parts with pugixml:
// sheet names in xl/workbook.xml, numbers as numbers (<v>) with their number format, text as shared
// strings, bold headers, merged header cells, traffic-light fills.
#include "evident/report/xlsx.hpp"

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "evident/report/table.hpp"
#include "evident_test.hpp"

using namespace evident;
using namespace evident::report;

namespace {

// ---------------------------------------------------------------------------------------------
// DEFLATE (RFC 1951) decoder: stored, fixed and dynamic Huffman blocks.

class BitReader {
 public:
  BitReader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  unsigned bits(int count) {
    unsigned v = 0;
    for (int i = 0; i < count; ++i) v |= bit() << i;
    return v;
  }
  unsigned bit() {
    if (pos_ >= size_ * 8) throw std::runtime_error("deflate: out of input");
    const unsigned b = (data_[pos_ / 8] >> (pos_ % 8)) & 1U;
    ++pos_;
    return b;
  }
  void align() { pos_ = (pos_ + 7) / 8 * 8; }
  std::uint8_t byte() {
    if (pos_ / 8 >= size_) throw std::runtime_error("deflate: out of input");
    const std::uint8_t b = data_[pos_ / 8];
    pos_ += 8;
    return b;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

/// A canonical Huffman code from code lengths (RFC 1951 section 3.2.2).
struct Huffman {
  std::array<int, 16> count{};
  std::vector<int> symbols;  ///< ordered by code length, then symbol
  explicit Huffman(const std::vector<int>& lengths) {
    for (const int l : lengths) ++count[static_cast<std::size_t>(l)];
    count[0] = 0;
    for (int len = 1; len < 16; ++len)
      for (std::size_t s = 0; s < lengths.size(); ++s)
        if (lengths[s] == len) symbols.push_back(static_cast<int>(s));
  }
  int decode(BitReader& in) const {
    int code = 0, first = 0, index = 0;
    for (std::size_t len = 1; len < 16; ++len) {
      code |= static_cast<int>(in.bit());
      const int n = count[len];
      if (code - first < n) return symbols.at(static_cast<std::size_t>(index + code - first));
      index += n;
      first = (first + n) << 1;
      code <<= 1;
    }
    throw std::runtime_error("deflate: bad code");
  }
};

std::string inflate(const std::uint8_t* data, std::size_t size) {
  static const int len_base[] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
  static const int len_extra[] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                  2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
  static const int dist_base[] = {1,    2,    3,    4,    5,    7,    9,    13,    17,    25,
                                  33,   49,   65,   97,   129,  193,  257,  385,   513,   769,
                                  1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
  static const int dist_extra[] = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                   6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
  BitReader in(data, size);
  std::string out;
  bool last = false;
  while (!last) {
    last = in.bit() != 0;
    const unsigned type = in.bits(2);
    if (type == 0) {
      in.align();
      const unsigned len = in.byte() | (static_cast<unsigned>(in.byte()) << 8);
      in.byte();
      in.byte();  // NLEN
      for (unsigned i = 0; i < len; ++i) out += static_cast<char>(in.byte());
      continue;
    }
    if (type == 3) throw std::runtime_error("deflate: bad block type");
    std::vector<int> lit_len, dist_len;
    if (type == 1) {
      lit_len.assign(288, 8);
      for (int s = 144; s < 256; ++s) lit_len[static_cast<std::size_t>(s)] = 9;
      for (int s = 256; s < 280; ++s) lit_len[static_cast<std::size_t>(s)] = 7;
      dist_len.assign(30, 5);
    } else {
      const unsigned hlit = in.bits(5) + 257, hdist = in.bits(5) + 1, hclen = in.bits(4) + 4;
      static const int order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
      std::vector<int> cl(19, 0);
      for (unsigned i = 0; i < hclen; ++i) cl[static_cast<std::size_t>(order[i])] = static_cast<int>(in.bits(3));
      const Huffman clh(cl);
      std::vector<int> lengths;
      while (lengths.size() < hlit + hdist) {
        const int sym = clh.decode(in);
        if (sym < 16) {
          lengths.push_back(sym);
        } else if (sym == 16) {
          if (lengths.empty()) throw std::runtime_error("deflate: repeat without length");
          const int prev = lengths.back();
          for (unsigned r = 3 + in.bits(2); r > 0; --r) lengths.push_back(prev);
        } else {
          const unsigned r = sym == 17 ? 3 + in.bits(3) : 11 + in.bits(7);
          lengths.insert(lengths.end(), r, 0);
        }
      }
      lit_len.assign(lengths.begin(), lengths.begin() + hlit);
      dist_len.assign(lengths.begin() + hlit, lengths.begin() + hlit + hdist);
    }
    const Huffman lit(lit_len), dist(dist_len);
    for (;;) {
      const int sym = lit.decode(in);
      if (sym < 256) {
        out += static_cast<char>(sym);
      } else if (sym == 256) {
        break;
      } else {
        const auto li = static_cast<std::size_t>(sym - 257);
        if (li >= 29) throw std::runtime_error("deflate: bad length");
        const std::size_t len = static_cast<std::size_t>(len_base[li]) + in.bits(len_extra[li]);
        const auto di = static_cast<std::size_t>(dist.decode(in));
        if (di >= 30) throw std::runtime_error("deflate: bad distance");
        const std::size_t d = static_cast<std::size_t>(dist_base[di]) + in.bits(dist_extra[di]);
        if (d > out.size()) throw std::runtime_error("deflate: distance too far");
        for (std::size_t i = 0; i < len; ++i) out += out[out.size() - d];
      }
    }
  }
  return out;
}

std::uint32_t crc32(const std::string& s) {
  std::uint32_t c = 0xFFFFFFFFU;
  for (const char ch : s) {
    c ^= static_cast<std::uint8_t>(ch);
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320U & (0U - (c & 1U)));
  }
  return ~c;
}

// ---------------------------------------------------------------------------------------------
// ZIP reader (APPNOTE.TXT 4.3.12 central directory, 4.3.16 end of central directory).

std::uint32_t le(const std::string& s, std::size_t at, int bytes) {
  if (at + static_cast<std::size_t>(bytes) > s.size()) throw std::runtime_error("zip: truncated");
  std::uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<std::uint8_t>(s[at + static_cast<std::size_t>(i)]);
  return v;
}

/// Every part of the archive, inflated, with its CRC-32 checked.
std::map<std::string, std::string> unzip(const std::string& zip) {
  std::size_t eocd = std::string::npos;
  for (std::size_t i = zip.size() >= 22 ? zip.size() - 22 : 0;; --i) {
    if (le(zip, i, 4) == 0x06054b50U) {
      eocd = i;
      break;
    }
    if (i == 0) break;
  }
  if (eocd == std::string::npos) throw std::runtime_error("zip: no end of central directory");
  const std::uint32_t entries = le(zip, eocd + 10, 2);
  std::size_t p = le(zip, eocd + 16, 4);
  std::map<std::string, std::string> parts;
  for (std::uint32_t e = 0; e < entries; ++e) {
    if (le(zip, p, 4) != 0x02014b50U) throw std::runtime_error("zip: bad central directory");
    const std::uint32_t method = le(zip, p + 10, 2), crc = le(zip, p + 16, 4);
    const std::uint32_t csize = le(zip, p + 20, 4), usize = le(zip, p + 24, 4);
    const std::uint32_t nlen = le(zip, p + 28, 2), xlen = le(zip, p + 30, 2), clen = le(zip, p + 32, 2);
    const std::uint32_t local = le(zip, p + 42, 4);
    const std::string name = zip.substr(p + 46, nlen);
    if (le(zip, local, 4) != 0x04034b50U) throw std::runtime_error("zip: bad local header");
    const std::size_t data = local + 30 + le(zip, local + 26, 2) + le(zip, local + 28, 2);
    if (data + csize > zip.size()) throw std::runtime_error("zip: truncated data");
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(zip.data() + data);
    std::string content;
    if (method == 0)
      content = zip.substr(data, csize);
    else if (method == 8)
      content = inflate(bytes, csize);
    else
      throw std::runtime_error("zip: unknown method");
    if (content.size() != usize) throw std::runtime_error("zip: size mismatch in " + name);
    if (crc32(content) != crc) throw std::runtime_error("zip: CRC mismatch in " + name);
    parts[name] = content;
    p += 46 + nlen + xlen + clen;
  }
  return parts;
}

std::string temp_path(const std::string& stem) {
  std::random_device rd;
  return (std::filesystem::temp_directory_path() / (stem + "_" + std::to_string(rd()) + ".xlsx")).string();
}

Table results_table() {
  Table t;
  t.name = "Results [A]: 1/2?";
  t.title = "Results, \"quoted\" & <escaped>";
  t.header.push_back({{"", 1}, {"Risk of bias", 2}});
  t.header.push_back({{"Study", 1}, {"Estimate", 1}, {"Overall", 1}});
  t.rows.push_back(
      {text_cell("Smith, 2001 caf\xC3\xA9"), number_cell(0.123456789, 2), text_cell("Low", "rob rob-low")});
  t.rows.push_back({text_cell("Jones"), interval_cell(1.5, 1.0, 2.0, 2), text_cell("High", "rob rob-high")});
  t.footnotes.push_back({"a", "a footnote"});
  return t;
}

struct Workbook {
  std::map<std::string, std::string> parts;
  pugi::xml_document doc(const std::string& part) const {
    pugi::xml_document d;
    const auto it = parts.find(part);
    EXPECT_NE(it, parts.end()) << part;
    if (it != parts.end()) {
      EXPECT_TRUE(d.load_string(it->second.c_str())) << part;
    }
    return d;
  }
};

}  // namespace

TEST(Xlsx, InflateKnownStream) {
  // "hello hello hello\n" compressed by zlib (level 9, raw deflate): fixed Huffman with a back-reference.
  // Produced with Python: zlib.compressobj(9, zlib.DEFLATED, -15).
  const std::uint8_t data[] = {0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x57, 0xc8, 0x40, 0x90, 0x5c, 0x00};
  EXPECT_EQ("hello hello hello\n", inflate(data, sizeof data));
  EXPECT_EQ(0x3610A686U, crc32("hello"));  // CRC-32 of "hello" (zlib.crc32)
}

TEST(Xlsx, SheetNamesFollowExcelRules) {
  std::vector<Table> tables(6);
  tables[0].name = "Results [A]: 1/2?";
  tables[1].name = "results _a__ 1_2_";  // same as the first after cleaning, differs only in case
  tables[2].name = "A very long table name that goes past thirty-one characters";
  tables[3].name = "A very long table name that goes past thirty-one characters";
  tables[4].title = "'quoted'";
  tables[5].name = "";
  const std::vector<std::string> names = sanitise_sheet_names(tables);
  ASSERT_EQ(6u, names.size());
  EXPECT_EQ("Results _A__ 1_2_", names[0]);
  EXPECT_EQ("results _a__ 1_2_ (2)", names[1]);
  EXPECT_EQ("A very long table name that goe", names[2]);
  EXPECT_EQ(31u, names[2].size());
  EXPECT_EQ("A very long table name that (2)", names[3]);
  EXPECT_EQ("quoted", names[4]);
  EXPECT_EQ("Table 6", names[5]);
  std::vector<Table> history(1);
  history[0].name = "History";
  EXPECT_EQ("History_", sanitise_sheet_names(history)[0]);
  std::vector<Table> utf8(1);
  utf8[0].name = std::string(30, 'x') + "\xC3\xA9\xC3\xA9";  // 32 characters, 34 bytes
  EXPECT_EQ(std::string(30, 'x') + "\xC3\xA9", sanitise_sheet_names(utf8)[0]);
}

TEST(Xlsx, WorkbookReadBack) {
  Table second;
  second.name = "Results [A]: 1/2?";  // the same name again: made unique
  second.header.push_back({{"n", 1}});
  second.rows.push_back({number_cell(42, 0)});
  const std::vector<Table> tables = {results_table(), second};
  const std::string path = temp_path("evident_xlsx_test");
  const Diagnostics d = write_xlsx(tables, path);
  ASSERT_TRUE(d.empty()) << (d.empty() ? "" : d.items()[0].message);
  const std::string bytes = test::slurp(path);
  std::filesystem::remove(path);
  ASSERT_GT(bytes.size(), 4u);
  EXPECT_EQ("PK", bytes.substr(0, 2));
  Workbook wb;
  ASSERT_NO_THROW(wb.parts = unzip(bytes));
  for (const char* part : {"[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml",
                           "xl/worksheets/sheet2.xml", "xl/sharedStrings.xml", "xl/styles.xml"})
    EXPECT_EQ(1u, wb.parts.count(part)) << part;

  // Sheet names.
  const auto workbook = wb.doc("xl/workbook.xml");
  std::vector<std::string> sheets;
  for (const pugi::xml_node s : workbook.child("workbook").child("sheets").children("sheet"))
    sheets.emplace_back(s.attribute("name").value());
  EXPECT_EQ(sanitise_sheet_names(tables), sheets);
  EXPECT_EQ((std::vector<std::string>{"Results _A__ 1_2_", "Results _A__ 1_2_ (2)"}), sheets);

  // Shared strings and styles.
  const auto sst = wb.doc("xl/sharedStrings.xml");
  std::vector<std::string> strings;
  for (const pugi::xml_node si : sst.child("sst").children("si")) strings.emplace_back(si.child_value("t"));
  const auto styles = wb.doc("xl/styles.xml");
  const pugi::xml_node ss = styles.child("styleSheet");
  // Built-in number formats ECMA-376 Part 1, 18.8.30 (1 = "0", 2 = "0.00"), then the workbook's own.
  std::map<std::string, std::string> num_formats = {{"0", "General"}, {"1", "0"}, {"2", "0.00"}};
  for (const pugi::xml_node f : ss.child("numFmts").children("numFmt"))
    num_formats[f.attribute("numFmtId").value()] = f.attribute("formatCode").value();
  std::vector<pugi::xml_node> xfs, fonts, fills;
  for (const pugi::xml_node x : ss.child("cellXfs").children("xf")) xfs.push_back(x);
  for (const pugi::xml_node x : ss.child("fonts").children("font")) fonts.push_back(x);
  for (const pugi::xml_node x : ss.child("fills").children("fill")) fills.push_back(x);
  const auto xf_of = [&](const pugi::xml_node c) { return xfs.at(c.attribute("s").as_uint()); };

  const auto sheet = wb.doc("xl/worksheets/sheet1.xml");
  std::map<std::string, pugi::xml_node> cells;
  for (const pugi::xml_node row : sheet.child("worksheet").child("sheetData").children("row"))
    for (const pugi::xml_node c : row.children("c")) cells[c.attribute("r").value()] = c;
  const auto text_of = [&](const std::string& ref) -> std::string {
    const pugi::xml_node c = cells[ref];
    if (std::string(c.attribute("t").value()) != "s") return {};
    return strings.at(c.child("v").text().as_uint());
  };
  // A1 title; row 3: the "Risk of bias" group merged over B3:C3; row 4: column headers in bold.
  EXPECT_EQ("Results, \"quoted\" & <escaped>", text_of("A1"));
  EXPECT_EQ("Risk of bias", text_of("B3"));
  bool merged = false;
  for (const pugi::xml_node m : sheet.child("worksheet").child("mergeCells").children("mergeCell"))
    merged = merged || std::string(m.attribute("ref").value()) == "B3:C3";
  EXPECT_TRUE(merged);
  EXPECT_EQ("Estimate", text_of("B4"));
  EXPECT_TRUE(fonts.at(xf_of(cells["B4"]).attribute("fontId").as_uint()).child("b"));
  // Row 5: text as a shared string, the number as a number with format "0.00", the traffic light filled.
  EXPECT_EQ("Smith, 2001 caf\xC3\xA9", text_of("A5"));
  const pugi::xml_node num = cells["B5"];
  EXPECT_STREQ("", num.attribute("t").value());  // a number cell has no type attribute
  // libxlsxwriter writes numbers with 16 significant digits (%.16G), hence 1e-15.
  EXPECT_REL(0.123456789, num.child("v").text().as_double(), 1e-15);
  EXPECT_EQ("0.00", num_formats[xf_of(num).attribute("numFmtId").value()]);
  EXPECT_EQ("Low", text_of("C5"));
  const pugi::xml_node fill = fills.at(xf_of(cells["C5"]).attribute("fillId").as_uint()).child("patternFill");
  EXPECT_STREQ("solid", fill.attribute("patternType").value());
  EXPECT_STREQ("FF1A9641", fill.child("fgColor").attribute("rgb").value());  // svg::colour::low_risk
  const pugi::xml_node high = fills.at(xf_of(cells["C6"]).attribute("fillId").as_uint()).child("patternFill");
  EXPECT_STREQ("FFD7191C", high.child("fgColor").attribute("rgb").value());  // svg::colour::high_risk
  // Row 6: an interval cell is text.
  EXPECT_EQ("1.50 (1.00 to 2.00)", text_of("B6"));
  // Footnote after a blank row.
  EXPECT_EQ("a. a footnote", text_of("A8"));
  // Column widths set, panes frozen below the header and right of the stub column.
  EXPECT_TRUE(sheet.child("worksheet").child("cols").child("col"));
  EXPECT_STREQ(
      "B5",
      sheet.child("worksheet").child("sheetViews").child("sheetView").child("pane").attribute("topLeftCell").value());

  // Second sheet: no title, header in row 1, the number in A2 with format "0".
  const auto sheet2 = wb.doc("xl/worksheets/sheet2.xml");
  const pugi::xml_node a2 =
      sheet2.child("worksheet").child("sheetData").find_child_by_attribute("row", "r", "2").child("c");
  EXPECT_STREQ("A2", a2.attribute("r").value());
  EXPECT_EQ(42.0, a2.child("v").text().as_double());
  EXPECT_EQ("0", num_formats[xf_of(a2).attribute("numFmtId").value()]);
}

TEST(Xlsx, UnwritablePathIsADiagnostic) {
  const std::string path = "/nonexistent-evident-dir/sub/out.xlsx";
  const Diagnostics d = write_xlsx({results_table()}, path);
  ASSERT_TRUE(d.has_errors());
  EXPECT_EQ("xlsx-write-failed", d.items().back().code);
  EXPECT_EQ(path, d.items().back().location.file);
  EXPECT_FALSE(std::filesystem::exists(path));
  const Diagnostics none = write_xlsx({}, temp_path("evident_xlsx_empty"));
  ASSERT_TRUE(none.has_errors());
  EXPECT_EQ("xlsx-no-tables", none.items().front().code);
}
