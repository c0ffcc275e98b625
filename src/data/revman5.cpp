// evident: reading RevMan 5 review files (.rm5, Cochrane Review Manager 5 XML).
//
// What is read (the element and attribute names of RevMan 5.x; see docs/methods/json-schema.md,
// "RevMan 5 files", and the constructed examples in tests/data/revman/):
//   COCHRANE_REVIEW/STUDIES_AND_REFERENCES/STUDIES/INCLUDED_STUDIES/STUDY (ID, NAME, YEAR) -> studies
//     (label = NAME, year = YEAR, covariate "revman_id" = ID);
//   COCHRANE_REVIEW/ANALYSES_AND_DATA/COMPARISON (NAME) holding DICH_OUTCOME, CONT_OUTCOME, IV_OUTCOME and
//     IPD_OUTCOME ("O - E and variance") elements, each with NAME, GROUP_LABEL_1, GROUP_LABEL_2,
//     EFFECT_MEASURE and data rows <X>_DATA (STUDY_ID, ...) either directly or inside <X>_SUBGROUP (NAME).
//     One evident Outcome per (comparison, outcome, subgroup), named "Comparison / Outcome [/ Subgroup]";
//     group 1 is the experimental arm (treatment = GROUP_LABEL_1, default "Experimental"), group 2 the
//     control (GROUP_LABEL_2, default "Control"); the subgroup name is also the study covariate "subgroup".
//       DICH_DATA EVENTS_1 TOTAL_1 EVENTS_2 TOTAL_2   -> binary arms
//       CONT_DATA MEAN_1 SD_1 TOTAL_1 MEAN_2 SD_2 TOTAL_2 -> continuous arms
//       IV_DATA   EFFECT_SIZE SE (generic inverse variance) -> a contrast group 1 versus group 2. For
//                 ratio measures the analysis scale is the natural log (Cochrane Handbook 5.1, sections
//                 7.7.7.3 and 9.4.3.2): RevMan's LOG_EFFECT_SIZE is log10 of the ratio, EFFECT_SIZE is
//                 the ratio itself, or its natural log when the user entered log data (outcome
//                 attribute LOG_DATA="YES"); the reader tells the two apart by comparing EFFECT_SIZE with
//                 LOG_EFFECT_SIZE and falls back on LOG_DATA. SE is the SE of the natural log.
//       IPD_DATA  O_E VAR -> Peto one-step estimate log(ratio) = (O - E) / V with SE 1 / sqrt(V)
//                 (Yusuf S, Peto R, Lewis J, Collins R, Sleight P 1985, Prog Cardiovasc Dis 27:335-371,
//                 doi:10.1016/S0033-0620(85)80003-7; Cochrane Handbook 5.1, section 9.4.4.2).
//   Rows with no data (both totals 0 or empty; IV rows with EFFECT_SIZE and SE 0) and rows RevMan marks
//   ESTIMABLE="NO" are moved to Dataset::excluded with the reason - except binary rows with no events
//   (or only events) in both groups, whose counts are kept (other measures can use them) with a note.
//   Footnotes (FOOTNOTE elements, referenced by ID from a data row's FOOTNOTE/FOOTNOTES attribute or
//   given inside the row) become notes on the study. QUALITY_ITEMS (risk of bias, RevMan's RoB 1 items)
//   become covariates "rob: <item name>" (LOW/YES -> low, HIGH/NO -> high, UNKNOWN/UNCLEAR -> some
//   concerns) and, where an item names a RoB 2 domain (sequence generation / allocation concealment ->
//   D1, blinding of participants -> D2, incomplete outcome data -> D3, blinding of outcome assessment ->
//   D4, selective reporting -> D5), Study::rob (the worst judgement per domain; overall = the worst
//   domain when all five are known).
//
// Encoding: RevMan writes ISO-8859-1 (declared in the XML prolog). Such files, and files whose bytes are
// not valid UTF-8, are transcoded from Windows-1252 (the superset of ISO-8859-1 that the WHATWG encoding
// standard uses for both labels) to UTF-8 before pugixml parses them - unless a file declared ISO-8859-1
// has non-ASCII bytes that are valid UTF-8 (edited after RevMan saved it): that is read as UTF-8, with a
// warning. UTF-16 is refused.
//
// Checked against: the structure of the public RevMan 5 example guido-s/meta inst/extdata/Fleiss1993.rm5
// and meta's reader (R/read.rm5-internal.R); the constructed files in tests/data/revman/ hold published
// numbers (dat.li2007, dat.normand1999, dat.hackshaw1998) and the unit tests compare the arms and
// contrasts read from them with the CSV values exactly.
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <pugixml.hpp>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "evident/core/line_map.hpp"
#include "evident/data/read.hpp"
#include "evident/data/validate.hpp"

namespace evident {
namespace {

// ------------------------------------------------------------------------------------------------
// Byte offsets -> line:column: evident::LineMap (core/line_map.hpp)


// ------------------------------------------------------------------------------------------------
// Encoding

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

/// The encoding named in the XML declaration (lower case), or "" when there is none.
std::string declared_encoding(std::string_view text) {
  if (text.substr(0, 5) != "<?xml") return {};
  const auto end = text.find("?>");
  const std::string_view decl =
      text.substr(0, end == std::string_view::npos ? std::min<std::size_t>(text.size(), 200) : end);
  const auto pos = decl.find("encoding");
  if (pos == std::string_view::npos) return {};
  std::size_t i = pos + 8;
  while (i < decl.size() && (decl[i] == ' ' || decl[i] == '=' || decl[i] == '\t')) ++i;
  if (i >= decl.size() || (decl[i] != '"' && decl[i] != '\'')) return {};
  const char quote = decl[i++];
  const auto close = decl.find(quote, i);
  if (close == std::string_view::npos) return {};
  return lower(std::string(decl.substr(i, close - i)));
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    char32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xE0U) == 0xC0U) {
      len = 2;
      cp = c & 0x1FU;
    } else if ((c & 0xF0U) == 0xE0U) {
      len = 3;
      cp = c & 0x0FU;
    } else if ((c & 0xF8U) == 0xF0U) {
      len = 4;
      cp = c & 0x07U;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0U) != 0x80U) return false;
      cp = (cp << 6U) | (cc & 0x3FU);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += len;
  }
  return true;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0U | (cp >> 6U));
    out += static_cast<char>(0x80U | (cp & 0x3FU));
  } else {
    out += static_cast<char>(0xE0U | (cp >> 12U));
    out += static_cast<char>(0x80U | ((cp >> 6U) & 0x3FU));
    out += static_cast<char>(0x80U | (cp & 0x3FU));
  }
}

/// Windows-1252 (and so ISO-8859-1) to UTF-8; the five unassigned bytes map to U+0081 etc. (WHATWG).
std::string cp1252_to_utf8(std::string_view in) {
  static constexpr char16_t kHigh[32] = {0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                         0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
                                         0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                         0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};
  std::string out;
  out.reserve(in.size() + in.size() / 8);
  for (const char ch : in) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x80)
      out += ch;
    else if (c < 0xA0)
      append_utf8(out, kHigh[c - 0x80]);
    else
      append_utf8(out, c);
  }
  return out;
}

// ------------------------------------------------------------------------------------------------
// Text and numbers

std::string trim_collapse(std::string_view s) {
  std::string out;
  bool space = false;
  for (const char c : s) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

/// All text below `node` (iteratively, so deep nesting cannot exhaust the stack), whitespace collapsed.
std::string all_text(pugi::xml_node node) {
  std::string raw;
  pugi::xml_node cur = node.first_child();
  while (cur && cur != node) {
    if (cur.type() == pugi::node_pcdata || cur.type() == pugi::node_cdata) {
      raw += cur.value();
      raw += ' ';
    }
    if (cur.first_child()) {
      cur = cur.first_child();
      continue;
    }
    while (cur && cur != node && !cur.next_sibling()) cur = cur.parent();
    if (cur && cur != node) cur = cur.next_sibling();
  }
  return trim_collapse(raw);
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

/// RevMan writes IDs as XML names: "STD-ISIS_x002d_2" is "STD-ISIS-2".
std::string decode_xml_name(const std::string& id) {
  std::string out;
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (id[i] == '_' && i + 6 < id.size() && id[i + 1] == 'x' && id[i + 6] == '_') {
      unsigned int cp = 0;
      const auto res = std::from_chars(id.data() + i + 2, id.data() + i + 6, cp, 16);
      if (res.ec == std::errc() && res.ptr == id.data() + i + 6 && cp > 0 && cp < 0xD800) {
        append_utf8(out, static_cast<char32_t>(cp));
        i += 6;
        continue;
      }
    }
    out += id[i];
  }
  if (out.rfind("STD-", 0) == 0) out = out.substr(4);
  return out;
}

bool is_ratio_measure(const std::string& measure) {
  const std::string m = upper(measure);
  return m == "OR" || m == "RR" || m == "HR" || m == "PETO_OR" || m == "ROM" || m == "IRR" ||
         m.find("RATIO") != std::string::npos;
}

/// Long names used by old RevMan files in an <EFFECT_MEASURE> element.
std::string short_measure(const std::string& name) {
  const std::string m = upper(trim_collapse(name));
  if (m == "ODDS RATIO" || m == "ODDS RATIO (NON-EVENT)") return "OR";
  if (m == "PETO ODDS RATIO") return "PETO_OR";
  if (m == "RISK RATIO") return "RR";
  if (m == "RISK DIFFERENCE") return "RD";
  if (m == "MEAN DIFFERENCE") return "MD";
  if (m == "STD. MEAN DIFFERENCE" || m == "STANDARDIZED MEAN DIFFERENCE" || m == "STANDARDISED MEAN DIFFERENCE")
    return "SMD";
  if (m == "HAZARD RATIO") return "HR";
  return trim_collapse(name);
}

bool close_to(double a, double b) {
  return std::fabs(a - b) <= 1e-6 * std::max({1.0, std::fabs(a), std::fabs(b)});
}

std::optional<Judgement> judgement_of(const std::string& result) {
  const std::string r = upper(trim_collapse(result));
  if (r == "LOW" || r == "YES") return Judgement::low;
  if (r == "HIGH" || r == "NO") return Judgement::high;
  if (r == "UNKNOWN" || r == "UNCLEAR") return Judgement::some_concerns;
  return std::nullopt;
}

Judgement worse(Judgement a, Judgement b) {
  return static_cast<int>(a) >= static_cast<int>(b) ? a : b;
}

/// RoB 2 domains (0-based) that a RevMan risk-of-bias item speaks to.
std::vector<std::size_t> rob2_domains(const std::string& item_name) {
  const std::string n = lower(item_name);
  auto has = [&](const char* s) { return n.find(s) != std::string::npos; };
  if (has("sequence") || has("randomi") || has("allocation") || has("concealment")) return {0};
  if (has("blinding") || has("masking")) {
    if (has("outcome assess") || has("detection")) return {3};
    if (has("participant") || has("personnel") || has("performance")) return {1};
    return {1, 3};
  }
  if (has("incomplete outcome") || has("attrition") || has("missing")) return {2};
  if (has("selective") || has("reporting bias")) return {4};
  return {};
}

enum class Kind { dich, cont, iv, ipd };

// ------------------------------------------------------------------------------------------------

class RevmanReader {
 public:
  RevmanReader(pugi::xml_node root, const LineMap& lines, const std::string& file, Diagnostics& diags, Dataset& ds)
      : root_(root), lines_(lines), file_(file), diags_(diags), ds_(ds) {}

  void read() {
    read_studies();
    collect_footnotes();
    read_quality_items();
    const pugi::xml_node analyses = root_.child("ANALYSES_AND_DATA");
    if (!analyses) {
      diags_.error("revman-no-data", where(root_), "the review has no <ANALYSES_AND_DATA>: there are no data to read",
                   "add the outcome data in RevMan (Data and analyses) and save the file again");
      return;
    }
    int comparisons = 0;
    for (pugi::xml_node cmp : analyses.children("COMPARISON")) {
      ++comparisons;
      read_comparison(cmp);
    }
    if (comparisons == 0)
      diags_.error("revman-no-data", where(analyses), "<ANALYSES_AND_DATA> holds no <COMPARISON>: there are no data",
                   "add comparisons and outcomes in RevMan and save the file again");
  }

 private:
  [[nodiscard]] SourceLocation where(pugi::xml_node node) const {
    const std::ptrdiff_t off = node.offset_debug();
    if (off < 0) return {file_, 0, 0};
    // offset_debug() points at the element name; report the '<' before it.
    return lines_.at(static_cast<std::size_t>(off > 0 ? off - 1 : 0), file_);
  }

  // -- studies

  void read_studies() {
    const pugi::xml_node included = root_.child("STUDIES_AND_REFERENCES").child("STUDIES").child("INCLUDED_STUDIES");
    for (pugi::xml_node st : included.children("STUDY")) {
      const std::string id = st.attribute("ID").value();
      if (id.empty()) {
        diags_.warning("revman-study-id", where(st), "<STUDY> without an ID attribute (ignored)");
        continue;
      }
      if (study_by_id_.count(id) != 0U) {
        diags_.warning("revman-study-id", where(st), "study ID \"" + id + "\" is defined twice; the first is used");
        continue;
      }
      std::string label = trim_collapse(st.attribute("NAME").value());
      if (label.empty()) label = decode_xml_name(id);
      add_study(id, label, st.attribute("YEAR").value(), where(st));
    }
  }

  std::size_t add_study(const std::string& id, std::string label, const std::string& year, SourceLocation loc) {
    if (ds_.find_study(label) != Dataset::npos) {
      const std::string unique = label + " [" + decode_xml_name(id) + "]";
      auto& d =
          diags_.warning("revman-duplicate-name", loc,
                         "two studies are named \"" + label + "\"; this one (" + id + ") is called \"" + unique + "\"");
      d.study = unique;
      label = unique;
    }
    Study s;
    s.label = label;
    s.source = loc;
    const std::string y = trim_collapse(year);
    if (!y.empty()) {
      int v = 0;
      const auto res = std::from_chars(y.data(), y.data() + y.size(), v);
      if (res.ec == std::errc() && res.ptr != y.data() && v > 0 && v < 10000) {
        s.year = v;
        if (res.ptr != y.data() + y.size()) {
          auto& d = diags_.note("revman-year", loc,
                                "year \"" + y + "\" of study \"" + label + "\" read as " + std::to_string(v));
          d.study = label;
        }
      } else {
        auto& d =
            diags_.warning("revman-year", loc, "year \"" + y + "\" of study \"" + label + "\" is not a year (ignored)");
        d.study = label;
      }
    }
    s.covariates["revman_id"] = CovariateValue{id, std::nullopt};
    ds_.studies.push_back(std::move(s));
    study_by_id_[id] = ds_.studies.size() - 1;
    return ds_.studies.size() - 1;
  }

  std::size_t study_for(const std::string& id, SourceLocation loc) {
    if (const auto it = study_by_id_.find(id); it != study_by_id_.end()) return it->second;
    const std::size_t i = add_study(id, decode_xml_name(id), {}, loc);
    auto& d = diags_.warning("revman-unknown-study", loc,
                             "data refer to study \"" + id +
                                 "\", which is not among the included studies; it is added as \"" +
                                 ds_.studies[i].label + "\"");
    d.study = ds_.studies[i].label;
    return i;
  }

  // -- footnotes

  void collect_footnotes() {
    struct Walker : pugi::xml_tree_walker {
      std::map<std::string, std::string>* out = nullptr;
      bool for_each(pugi::xml_node& n) override {
        if (n.type() == pugi::node_element && std::string_view(n.name()) == "FOOTNOTE") {
          const std::string id = n.attribute("ID").value();
          if (!id.empty()) (*out)[id] = all_text(n);
        }
        return true;
      }
    } walker;
    walker.out = &footnotes_;
    root_.traverse(walker);
  }

  /// Footnote texts attached to a data row: FOOTNOTE* attributes naming IDs, and FOOTNOTE children.
  std::vector<std::string> footnotes_of(pugi::xml_node row) {
    std::vector<std::string> out;
    for (pugi::xml_attribute a : row.attributes()) {
      if (std::string_view(a.name()).rfind("FOOTNOTE", 0) != 0) continue;
      std::string ids = a.value();
      std::replace_if(
          ids.begin(), ids.end(), [](char c) { return c == ',' || c == ';' || c == '\t'; }, ' ');
      std::size_t i = 0;
      while (i < ids.size()) {
        while (i < ids.size() && ids[i] == ' ') ++i;
        std::size_t j = i;
        while (j < ids.size() && ids[j] != ' ') ++j;
        if (j > i) {
          const std::string id = ids.substr(i, j - i);
          used_footnotes_.insert(id);
          const auto it = footnotes_.find(id);
          if (it != footnotes_.end() && !it->second.empty())
            out.push_back(it->second);
          else if (it == footnotes_.end())
            out.push_back("(footnote " + id + " is not in the file)");
        }
        i = j;
      }
    }
    for (pugi::xml_node c : row.children()) {
      const std::string_view name = c.name();
      if (name == "FOOTNOTE") {
        if (const std::string id = c.attribute("ID").value(); !id.empty()) used_footnotes_.insert(id);
        if (const std::string t = all_text(c); !t.empty()) out.push_back(t);
      } else if (name == "FOOTNOTE_REF") {
        std::string id = c.attribute("ID").value();
        if (id.empty()) id = c.attribute("REF").value();
        used_footnotes_.insert(id);
        if (const auto it = footnotes_.find(id); it != footnotes_.end() && !it->second.empty())
          out.push_back(it->second);
      }
    }
    return out;
  }

  void outcome_footnotes(pugi::xml_node outcome_el, const std::string& outcome_name) {
    struct Walker : pugi::xml_tree_walker {
      std::vector<pugi::xml_node> found;
      bool for_each(pugi::xml_node& n) override {
        if (n.type() == pugi::node_element && std::string_view(n.name()) == "FOOTNOTE") found.push_back(n);
        return true;
      }
    } walker;
    outcome_el.traverse(walker);
    for (pugi::xml_node f : walker.found) {
      const std::string id = f.attribute("ID").value();
      const std::string parent = f.parent().name();
      if ((!id.empty() && used_footnotes_.count(id) != 0U) ||
          (parent.size() > 5 && parent.compare(parent.size() - 5, 5, "_DATA") == 0))
        continue;
      const std::string text = all_text(f);
      if (text.empty()) continue;
      diags_.note("revman-footnote", where(f), "footnote to outcome \"" + outcome_name + "\": " + text);
    }
  }

  // -- risk of bias

  void read_quality_items() {
    std::map<std::size_t, std::array<std::optional<Judgement>, 5>> domains;
    bool mapped = false;
    for (pugi::xml_node item : root_.child("QUALITY_ITEMS").children("QUALITY_ITEM")) {
      std::string name = all_text(item.child("NAME"));
      if (name.empty()) name = item.attribute("ID").value();
      const auto doms = rob2_domains(name);
      for (pugi::xml_node entry : item.child("QUALITY_ITEM_DATA").children("QUALITY_ITEM_DATA_ENTRY")) {
        const std::string sid = entry.attribute("STUDY_ID").value();
        const auto it = study_by_id_.find(sid);
        if (it == study_by_id_.end()) continue;
        const auto j = judgement_of(entry.attribute("RESULT").value());
        if (!j) continue;
        Study& s = ds_.studies[it->second];
        const std::string key = "rob: " + name;
        const auto prev = s.covariates.find(key);
        Judgement use = *j;
        if (prev != s.covariates.end()) {
          if (const auto pj = parse_judgement(prev->second.text)) use = worse(*pj, *j);
        }
        s.covariates[key] = CovariateValue{to_string(use), std::nullopt};
        for (const std::size_t d : doms) {
          auto& slot = domains[it->second][d];
          slot = slot ? worse(*slot, *j) : *j;
          mapped = true;
        }
      }
    }
    for (auto& [si, doms] : domains) {
      Study& s = ds_.studies[si];
      s.rob.domains = doms;
      bool all = true;
      Judgement overall = Judgement::low;
      for (const auto& d : doms) {
        if (!d)
          all = false;
        else
          overall = worse(overall, *d);
      }
      if (all) s.rob.overall = overall;
    }
    if (mapped)
      diags_.note("revman-rob", where(root_.child("QUALITY_ITEMS")),
                  "risk-of-bias items were mapped to RoB 2 domains (sequence generation and allocation concealment "
                  "-> D1, blinding of participants -> D2, incomplete outcome data -> D3, blinding of outcome "
                  "assessment -> D4, selective reporting -> D5; overall = worst domain when all five are known)",
                  "check the mapping; the item judgements are also kept as covariates \"rob: <item>\"");
  }

  // -- analyses

  void read_comparison(pugi::xml_node cmp) {
    std::string cname = all_text(cmp.child("NAME"));
    if (cname.empty()) cname = std::string("Comparison ") + cmp.attribute("NO").value();
    for (pugi::xml_node el : cmp.children()) {
      if (el.type() != pugi::node_element) continue;
      const std::string name = el.name();
      if (name == "DICH_OUTCOME")
        read_outcome(el, Kind::dich, "DICH", cname);
      else if (name == "CONT_OUTCOME")
        read_outcome(el, Kind::cont, "CONT", cname);
      else if (name == "IV_OUTCOME")
        read_outcome(el, Kind::iv, "IV", cname);
      else if (name == "IPD_OUTCOME")
        read_outcome(el, Kind::ipd, "IPD", cname);
      else if (name.size() > 8 && name.compare(name.size() - 8, 8, "_OUTCOME") == 0)
        diags_.note("revman-skipped-outcome", where(el),
                    "<" + name + "> \"" + all_text(el.child("NAME")) + "\" holds no numerical data (skipped)");
    }
  }

  struct OutcomeInfo {
    Kind kind = Kind::dich;
    std::string prefix;  // DICH, CONT, IV, IPD
    std::string name;    // "Comparison / Outcome"
    std::string measure;
    std::string label1, label2;
    std::optional<bool> log_data;
    double ci_level = 0.95;
    bool warned_scale = false;
  };

  void read_outcome(pugi::xml_node el, Kind kind, const std::string& prefix, const std::string& comparison) {
    OutcomeInfo info;
    info.kind = kind;
    info.prefix = prefix;
    std::string oname = all_text(el.child("NAME"));
    if (oname.empty()) oname = std::string("Outcome ") + el.attribute("NO").value();
    info.name = comparison + " / " + oname;
    info.measure = el.attribute("EFFECT_MEASURE").value();
    if (info.measure.empty()) info.measure = short_measure(all_text(el.child("EFFECT_MEASURE")));
    info.label1 = all_text(el.child("GROUP_LABEL_1"));
    info.label2 = all_text(el.child("GROUP_LABEL_2"));
    if (info.label1.empty()) info.label1 = "Experimental";
    if (info.label2.empty()) info.label2 = "Control";
    if (info.label1 == info.label2) {
      diags_.warning("revman-group-labels", where(el),
                     "both groups of outcome \"" + info.name + "\" are called \"" + info.label1 +
                         "\"; they are read as \"" + info.label1 + " (group 1)\" and \"" + info.label2 +
                         " (group 2)\"");
      info.label1 += " (group 1)";
      info.label2 += " (group 2)";
    }
    const std::string log_data = upper(el.attribute("LOG_DATA").value());
    if (log_data == "YES") info.log_data = true;
    if (log_data == "NO") info.log_data = false;
    if (const auto ci = el.attribute("CI_STUDY"); !ci.empty()) {
      const double level = ci.as_double(95.0);
      if (level > 0.0 && level < 100.0) info.ci_level = level / 100.0;
    }
    if (kind == Kind::dich && upper(el.attribute("SWAP_EVENTS").value()) == "YES")
      diags_.warning("revman-swap-events", where(el),
                     "RevMan analyses non-events for outcome \"" + info.name +
                         "\" (SWAP_EVENTS=\"YES\"); the events are read as given",
                     "analyse n - events to reproduce the RevMan analysis");

    const std::string data_name = prefix + "_DATA";
    const std::string sub_name = prefix + "_SUBGROUP";
    const bool direct = static_cast<bool>(el.child(data_name.c_str()));
    const bool subgroups = static_cast<bool>(el.child(sub_name.c_str()));
    if (direct || !subgroups) {
      Outcome& o = new_outcome(info, info.name, where(el));
      for (pugi::xml_node row : el.children(data_name.c_str())) read_row(row, info, o, {});
      if (o.data.empty() && !direct)
        diags_.warning("revman-empty-outcome", where(el), "outcome \"" + o.name + "\" has no study data");
    }
    for (pugi::xml_node sg : el.children(sub_name.c_str())) {
      std::string sname = all_text(sg.child("NAME"));
      if (sname.empty()) sname = std::string("Subgroup ") + sg.attribute("NO").value();
      Outcome& o = new_outcome(info, info.name + " / " + sname, where(sg));
      for (pugi::xml_node row : sg.children(data_name.c_str())) read_row(row, info, o, sname);
      if (!sg.child(data_name.c_str()))
        diags_.warning("revman-empty-outcome", where(sg), "outcome \"" + o.name + "\" has no study data");
    }
    outcome_footnotes(el, info.name);
  }

  Outcome& new_outcome(const OutcomeInfo& info, std::string name, SourceLocation loc) {
    if (ds_.find_outcome(name) != nullptr) {
      std::string unique;
      for (int k = 2;; ++k) {
        unique = name + " (" + std::to_string(k) + ")";
        if (ds_.find_outcome(unique) == nullptr) break;
      }
      diags_.warning("revman-duplicate-outcome", loc,
                     "a second outcome is called \"" + name + "\"; it is read as \"" + unique + "\"");
      name = unique;
    }
    Outcome o;
    o.name = std::move(name);
    o.measure = info.measure.empty() ? std::nullopt : std::optional<std::string>(info.measure);
    switch (info.kind) {
      case Kind::dich:
        o.type = OutcomeType::binary;
        break;
      case Kind::cont:
        o.type = OutcomeType::continuous;
        break;
      case Kind::iv:
      case Kind::ipd:
        o.type = upper(info.measure) == "HR" ? OutcomeType::time_to_event : OutcomeType::contrast;
        break;
    }
    ds_.outcomes.push_back(std::move(o));
    return ds_.outcomes.back();
  }

  void exclude(const Outcome& o, const std::string& study, const std::string& reason, const SourceLocation& loc) {
    ds_.excluded.push_back({o.name, study, {}, reason, loc});
    auto& d = diags_.warning("revman-excluded", loc,
                             "study \"" + study + "\" left out of outcome \"" + o.name + "\": " + reason);
    d.study = study;
  }

  /// A numeric attribute: nullopt when absent or empty; an error (and `bad`) when not a number.
  std::optional<double> number(pugi::xml_node row, const char* attr, const std::string& study, bool& bad) {
    const pugi::xml_attribute a = row.attribute(attr);
    const std::string v = trim_collapse(a.value());
    if (!a || v.empty()) return std::nullopt;
    double x = 0.0;
    const auto res = std::from_chars(v.data(), v.data() + v.size(), x);
    if (res.ec == std::errc() && res.ptr == v.data() + v.size() && std::isfinite(x)) return x;
    auto& d = diags_.error("revman-number", where(row),
                           std::string(row.name()) + " attribute " + attr + " of study \"" + study +
                               "\" must be a number, got \"" + v + "\"");
    d.study = study;
    d.field = attr;
    bad = true;
    return std::nullopt;
  }

  void read_row(pugi::xml_node row, OutcomeInfo& info, Outcome& o, const std::string& subgroup) {
    const SourceLocation loc = where(row);
    const std::string sid = row.attribute("STUDY_ID").value();
    if (sid.empty()) {
      diags_.warning("revman-study-id", loc,
                     std::string("<") + row.name() + "> without STUDY_ID in outcome \"" + o.name + "\" (ignored)");
      return;
    }
    const std::size_t si = study_for(sid, loc);
    const std::string label = ds_.studies[si].label;

    for (const std::string& note : footnotes_of(row)) {
      auto& d = diags_.note("revman-footnote", loc,
                            "footnote to study \"" + label + "\" in outcome \"" + o.name + "\": " + note);
      d.study = label;
    }
    if (!subgroup.empty()) {
      auto& cov = ds_.studies[si].covariates;
      const auto it = cov.find("subgroup");
      if (it == cov.end()) {
        cov["subgroup"] = CovariateValue{subgroup, std::nullopt};
      } else if (it->second.text != subgroup) {
        auto& d = diags_.warning("revman-subgroup", loc,
                                 "study \"" + label + "\" is in subgroup \"" + subgroup + "\" of outcome \"" + o.name +
                                     "\" but in subgroup \"" + it->second.text +
                                     "\" elsewhere; covariate \"subgroup\" keeps \"" + it->second.text + "\"");
        d.study = label;
      }
    }

    const bool estimable = upper(row.attribute("ESTIMABLE").value()) != "NO";
    bool bad = false;
    StudyData sd;
    sd.study = si;
    auto zero_or_missing = [](const std::optional<double>& v) { return !v || *v == 0.0; };

    if (info.kind == Kind::dich || info.kind == Kind::cont) {
      const bool dich = info.kind == Kind::dich;
      const auto n1 = number(row, "TOTAL_1", label, bad);
      const auto n2 = number(row, "TOTAL_2", label, bad);
      const auto e1 = dich ? number(row, "EVENTS_1", label, bad) : std::nullopt;
      const auto e2 = dich ? number(row, "EVENTS_2", label, bad) : std::nullopt;
      const auto m1 = dich ? std::nullopt : number(row, "MEAN_1", label, bad);
      const auto m2 = dich ? std::nullopt : number(row, "MEAN_2", label, bad);
      const auto s1 = dich ? std::nullopt : number(row, "SD_1", label, bad);
      const auto s2 = dich ? std::nullopt : number(row, "SD_2", label, bad);
      if (bad) return exclude(o, label, "numbers that could not be read (see the errors)", loc);
      if (zero_or_missing(n1) && zero_or_missing(n2))
        return exclude(o, label, "no data entered (TOTAL_1 and TOTAL_2 are 0 or empty)", loc);
      std::vector<std::string> absent;
      auto need = [&](const std::optional<double>& v, const char* name) {
        if (!v) absent.emplace_back(name);
      };
      need(n1, "TOTAL_1");
      need(n2, "TOTAL_2");
      if (dich) {
        need(e1, "EVENTS_1");
        need(e2, "EVENTS_2");
      } else {
        need(m1, "MEAN_1");
        need(s1, "SD_1");
        need(m2, "MEAN_2");
        need(s2, "SD_2");
      }
      if (!absent.empty()) {
        std::string list;
        for (const auto& a : absent) list += (list.empty() ? "" : ", ") + a;
        return exclude(o, label, "missing " + list, loc);
      }
      if (!estimable) {
        const bool double_zero = dich && *e1 == 0.0 && *e2 == 0.0;
        const bool double_all = dich && *e1 == *n1 && *e2 == *n2;
        if (!double_zero && !double_all)
          return exclude(o, label, "RevMan marks the result as not estimable (ESTIMABLE=\"NO\")", loc);
        auto& d = diags_.note("revman-not-estimable", loc,
                              "RevMan marks study \"" + label + "\" in outcome \"" + o.name + "\" as not estimable (" +
                                  (double_zero ? "no events" : "only events") +
                                  " in both groups); the counts are kept for measures that can use them");
        d.study = label;
      }
      Arm a1, a2;
      a1.treatment = info.label1;
      a2.treatment = info.label2;
      a1.n = n1;
      a2.n = n2;
      if (dich) {
        a1.events = e1;
        a2.events = e2;
      } else {
        a1.mean = m1;
        a1.sd = s1;
        a2.mean = m2;
        a2.sd = s2;
      }
      a1.source = loc;
      a2.source = loc;
      sd.arms.push_back(std::move(a1));
      sd.arms.push_back(std::move(a2));
      o.data.push_back(std::move(sd));
      return;
    }

    ContrastRecord c;
    c.treat1 = info.label1;
    c.treat2 = info.label2;
    c.source = loc;
    const bool ratio = is_ratio_measure(info.measure);
    const auto n1 = number(row, "TOTAL_1", label, bad);
    const auto n2 = number(row, "TOTAL_2", label, bad);

    if (info.kind == Kind::ipd) {
      const auto oe = number(row, "O_E", label, bad);
      const auto var = number(row, "VAR", label, bad);
      if (bad) return exclude(o, label, "numbers that could not be read (see the errors)", loc);
      if (zero_or_missing(var)) return exclude(o, label, "no data entered (VAR is 0 or empty)", loc);
      if (!oe) return exclude(o, label, "missing O_E", loc);
      if (*var < 0.0) return exclude(o, label, "negative variance VAR", loc);
      if (!estimable) return exclude(o, label, "RevMan marks the result as not estimable (ESTIMABLE=\"NO\")", loc);
      c.estimate = *oe / *var;
      c.se = 1.0 / std::sqrt(*var);
      c.log_scale = true;
    } else {
      const auto es = number(row, "EFFECT_SIZE", label, bad);
      const auto les = number(row, "LOG_EFFECT_SIZE", label, bad);
      const auto se = number(row, "SE", label, bad);
      const auto lo = number(row, "CI_START", label, bad);
      const auto hi = number(row, "CI_END", label, bad);
      const auto llo = number(row, "LOG_CI_START", label, bad);
      const auto lhi = number(row, "LOG_CI_END", label, bad);
      if (bad) return exclude(o, label, "numbers that could not be read (see the errors)", loc);
      if (zero_or_missing(es) && zero_or_missing(les) && zero_or_missing(se))
        return exclude(o, label, "no data entered (EFFECT_SIZE and SE are 0 or empty)", loc);
      if (!estimable) return exclude(o, label, "RevMan marks the result as not estimable (ESTIMABLE=\"NO\")", loc);
      const double ln10 = std::log(10.0);
      if (!ratio) {
        if (!es) return exclude(o, label, "missing EFFECT_SIZE", loc);
        c.estimate = es;
        c.log_scale = false;
      } else {
        std::optional<bool> natural;  // is EFFECT_SIZE the ratio itself?
        if (es && les) {
          if (*es > 0.0 && close_to(std::log10(*es), *les))
            natural = true;
          else if (close_to(*es, *les * ln10))
            natural = false;
          else {
            auto& d = diags_.warning("revman-log-scale", loc,
                                     "EFFECT_SIZE and LOG_EFFECT_SIZE of study \"" + label + "\" in outcome \"" +
                                         o.name + "\" disagree; EFFECT_SIZE is read as " +
                                         (info.log_data.value_or(true) ? "a natural log" : "a ratio"));
            d.study = label;
          }
        }
        if (!natural && es) {
          if (info.log_data) {
            natural = !*info.log_data;
          } else {
            natural = false;
            if (!info.warned_scale) {
              info.warned_scale = true;
              diags_.warning("revman-log-scale", loc,
                             "outcome \"" + o.name +
                                 "\" does not say whether EFFECT_SIZE is on the log scale; it is read "
                                 "as the natural log of the " +
                                 info.measure,
                             "RevMan's generic inverse variance data are entered as ln(ratio) and SE(ln(ratio))");
            }
          }
        }
        if (es && *natural) {
          if (*es <= 0.0) return exclude(o, label, "ratio EFFECT_SIZE is not positive", loc);
          c.estimate = std::log(*es);
        } else if (es) {
          c.estimate = es;
        } else if (les) {
          c.estimate = *les * ln10;
        } else {
          return exclude(o, label, "missing EFFECT_SIZE", loc);
        }
        c.log_scale = true;
      }
      if (se && *se > 0.0) {
        c.se = se;
      } else if (ratio && llo && lhi) {
        c.ci_lower = *llo * ln10;
        c.ci_upper = *lhi * ln10;
        c.ci_level = info.ci_level;
      } else if (lo && hi && (!ratio || (*lo > 0.0 && *hi > 0.0))) {
        c.ci_lower = ratio ? std::log(*lo) : *lo;
        c.ci_upper = ratio ? std::log(*hi) : *hi;
        c.ci_level = info.ci_level;
      } else {
        return exclude(o, label, "no standard error (SE is 0 or empty) and no confidence interval", loc);
      }
    }
    if (n1 && *n1 > 0.0) c.n1 = n1;
    if (n2 && *n2 > 0.0) c.n2 = n2;
    sd.contrasts.push_back(std::move(c));
    o.data.push_back(std::move(sd));
  }

  pugi::xml_node root_;
  const LineMap& lines_;
  const std::string& file_;
  Diagnostics& diags_;
  Dataset& ds_;
  std::map<std::string, std::size_t> study_by_id_;
  std::map<std::string, std::string> footnotes_;
  std::set<std::string> used_footnotes_;
};

std::string describe(const pugi::xml_parse_result& res) {
  std::string d = res.description();
  if (!d.empty()) d[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(d[0])));
  return d;
}

}  // namespace

ReadResult read_revman5(std::string_view text, const std::string& filename, const ReadOptions& /*options*/) {
  ReadResult r;
  r.dataset.source_file = filename;
  r.dataset.format = "revman5";
  try {
    if (text.substr(0, 2) == "\xFF\xFE" || text.substr(0, 2) == "\xFE\xFF") {
      r.diagnostics.error("revman-encoding", {filename, 1, 1}, "UTF-16 encoded RevMan files are not supported",
                          "save the file as UTF-8 or ISO-8859-1");
      return r;
    }
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    const std::string enc = declared_encoding(text);
    const bool latin = enc == "iso-8859-1" || enc == "iso8859-1" || enc == "latin1" || enc == "latin-1" ||
                       enc == "l1" || enc == "windows-1252" || enc == "cp1252" || enc == "iso-8859-15" ||
                       enc == "us-ascii" || enc == "ascii";
    std::string utf8;
    const bool ascii =
        std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (latin && !ascii && valid_utf8(text)) {
      // Non-ASCII Latin-1 text is almost never valid UTF-8 by accident; this is a UTF-8 file whose
      // prolog was not updated (e.g. after editing it in a text editor).
      utf8 = std::string(text);
      r.diagnostics.warning("revman-encoding", {filename, 1, 1},
                            "the file declares \"" + enc + "\" but is valid UTF-8; it is read as UTF-8",
                            "correct the encoding in the XML prolog");
    } else if (latin) {
      utf8 = cp1252_to_utf8(text);
    } else if (valid_utf8(text)) {
      utf8 = std::string(text);
      if (!enc.empty() && enc != "utf-8" && enc != "utf8")
        r.diagnostics.warning(
            "revman-encoding", {filename, 1, 1},
            "unknown encoding \"" + enc + "\" in the XML declaration; the file is valid UTF-8 and read as such");
    } else {
      utf8 = cp1252_to_utf8(text);
      r.diagnostics.warning("revman-encoding", {filename, 1, 1},
                            std::string("the file is not valid UTF-8") +
                                (enc.empty() ? "" : " although it declares \"" + enc + "\"") +
                                "; it is read as Windows-1252 (ISO-8859-1)",
                            "declare encoding=\"ISO-8859-1\" in the XML prolog or save the file as UTF-8");
    }

    const LineMap lines(utf8);
    pugi::xml_document doc;
    const pugi::xml_parse_result res =
        doc.load_buffer(utf8.data(), utf8.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!res) {
      r.diagnostics.error("revman-xml",
                          lines.at(static_cast<std::size_t>(std::max<std::ptrdiff_t>(res.offset, 0)), filename),
                          "malformed XML: " + describe(res),
                          "the file is damaged or not a RevMan 5 file; open it in RevMan and save it again");
      return r;
    }
    const pugi::xml_node root = doc.document_element();
    if (std::string_view(root.name()) != "COCHRANE_REVIEW") {
      const std::ptrdiff_t off = root.offset_debug();
      r.diagnostics.error(
          "revman-not-review", lines.at(static_cast<std::size_t>(off > 0 ? off - 1 : 0), filename),
          std::string("not a RevMan 5 review: the root element is <") + root.name() + ">, expected <COCHRANE_REVIEW>");
      return r;
    }
    RevmanReader reader(root, lines, filename, r.diagnostics, r.dataset);
    reader.read();
    validate_dataset(r.dataset, r.diagnostics);
  } catch (const std::exception& e) {
    r.diagnostics.error("revman-internal", {filename, 0, 0},
                        std::string("could not read the RevMan file: ") + e.what());
  }
  return r;
}

}  // namespace evident
