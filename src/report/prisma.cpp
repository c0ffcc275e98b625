// PRISMA 2020 flow diagram: JSON reader, arithmetic checks, SVG. See include/evident/report/prisma.hpp.
#include "evident/report/prisma.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "evident/report/svg.hpp"

namespace evident::report {
namespace {

using nlohmann::json;

std::string show(const json& v) {
  std::string s = v.dump();
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return s;
}

void bad_field(Diagnostics& d, const std::string& field, const std::string& message, const std::string& hint = {}) {
  Diagnostic& x = d.error("prisma-bad-count", {}, message, hint);
  x.field = field;
}

/// A non-negative whole number, or an error naming the field.
std::optional<std::int64_t> count_value(const json& v, const std::string& field, Diagnostics& d) {
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(INT64_MAX)) {
      bad_field(d, field, "field '" + field + "' is too large, got " + show(v));
      return std::nullopt;
    }
    return static_cast<std::int64_t>(u);
  }
  if (v.is_number_integer()) {
    const auto i = v.get<std::int64_t>();
    if (i < 0) {
      bad_field(d, field, "field '" + field + "' must be >= 0, got " + show(v),
                "counts of records, reports and studies cannot be negative");
      return std::nullopt;
    }
    return i;
  }
  if (v.is_number_float()) {
    const double x = v.get<double>();
    if (!std::isfinite(x) || x < 0 || x != std::floor(x) || x > 9.0e18) {
      bad_field(d, field, "field '" + field + "' must be a non-negative whole number, got " + show(v));
      return std::nullopt;
    }
    return static_cast<std::int64_t>(x);
  }
  bad_field(d, field, "field '" + field + "' must be a number, got " + show(v),
            "write counts as JSON numbers, e.g. 120");
  return std::nullopt;
}

std::optional<std::int64_t> read_count(const json& obj, const std::string& key, const std::string& prefix,
                                       Diagnostics& d) {
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  return count_value(*it, prefix + key, d);
}

void require(const std::optional<std::int64_t>& v, const json& obj, const std::string& key, const std::string& prefix,
             Diagnostics& d) {
  if (v || obj.contains(key)) return;  // present but bad: already reported
  Diagnostic& x = d.error("prisma-missing-count", {}, "field '" + prefix + key + "' is missing",
                          "the PRISMA 2020 flow diagram needs this count");
  x.field = prefix + key;
}

/// {"label": n, ...} or [{"<label_key>": ..., "n": ...}, ...].
std::vector<PrismaItem> read_items(const json& obj, const std::string& key, const std::string& label_key,
                                   const std::string& prefix, Diagnostics& d) {
  std::vector<PrismaItem> out;
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return out;
  const std::string field = prefix + key;
  if (it->is_object()) {
    for (const auto& [label, v] : it->items()) {
      const auto n = count_value(v, field + "." + label, d);
      if (n) out.push_back({label, *n});
    }
  } else if (it->is_array()) {
    for (std::size_t i = 0; i < it->size(); ++i) {
      const json& e = it->at(i);
      const std::string f = field + "[" + std::to_string(i) + "]";
      if (!e.is_object() || !e.contains(label_key) || !e.at(label_key).is_string() || !e.contains("n")) {
        bad_field(d, f,
                  "field '" + f + "' must be an object {\"" + label_key + "\": text, \"n\": count}, got " + show(e));
        continue;
      }
      const auto n = count_value(e.at("n"), f + ".n", d);
      if (n) out.push_back({e.at(label_key).get<std::string>(), *n});
    }
  } else {
    bad_field(
        d, field,
        "field '" + field + "' must be an object {\"" + label_key + "\": count, ...} or an array, got " + show(*it));
  }
  return out;
}

void unknown_fields(const json& obj, const std::set<std::string>& known, const std::string& prefix, Diagnostics& d) {
  for (const auto& [key, v] : obj.items()) {
    (void)v;
    if (known.count(key)) continue;
    Diagnostic& x =
        d.warning("prisma-unknown-field", {}, "field '" + prefix + key + "' is not a PRISMA count and is ignored",
                  "check the spelling of the field name");
    x.field = prefix + key;
  }
}

PrismaRetrieval read_retrieval(const json& obj, const std::string& prefix, Diagnostics& d) {
  PrismaRetrieval r;
  r.reports_sought = read_count(obj, "reports_sought", prefix, d);
  r.reports_not_retrieved = read_count(obj, "reports_not_retrieved", prefix, d);
  r.reports_assessed = read_count(obj, "reports_assessed", prefix, d);
  r.reports_excluded = read_count(obj, "reports_excluded", prefix, d);
  r.reports_excluded_reasons = read_items(obj, "reports_excluded_reasons", "reason", prefix, d);
  require(r.reports_sought, obj, "reports_sought", prefix, d);
  require(r.reports_not_retrieved, obj, "reports_not_retrieved", prefix, d);
  require(r.reports_assessed, obj, "reports_assessed", prefix, d);
  if (!r.reports_excluded && !obj.contains("reports_excluded") && !obj.contains("reports_excluded_reasons")) {
    Diagnostic& x = d.error("prisma-missing-count", {}, "field '" + prefix + "reports_excluded' is missing",
                            "give the number of reports excluded, or the reasons with their counts "
                            "(reports_excluded_reasons)");
    x.field = prefix + "reports_excluded";
  }
  return r;
}

std::int64_t sum(const std::vector<PrismaItem>& items) {
  std::int64_t s = 0;
  for (const PrismaItem& i : items) s += i.n;
  return s;
}

/// The total excluded: as given, else the sum of the reasons.
std::optional<std::int64_t> excluded_total(const PrismaRetrieval& r) {
  if (r.reports_excluded) return r.reports_excluded;
  if (!r.reports_excluded_reasons.empty()) return sum(r.reports_excluded_reasons);
  return std::nullopt;
}

void inconsistent(Diagnostics& d, const std::string& field, const std::string& message) {
  Diagnostic& x = d.warning("prisma-inconsistent", {}, message, "check the counts of the flow diagram");
  x.field = field;
}

std::string num(std::int64_t n) {
  return std::to_string(n);
}

void check_retrieval(const PrismaRetrieval& r, std::optional<std::int64_t> feeding, const std::string& feeding_name,
                     const std::string& prefix, Diagnostics& d) {
  if (feeding && r.reports_sought && *r.reports_sought != *feeding)
    inconsistent(
        d, prefix + "reports_sought",
        prefix + "reports_sought (" + num(*r.reports_sought) + ") is not " + feeding_name + " (" + num(*feeding) + ")");
  if (r.reports_sought && r.reports_not_retrieved && r.reports_assessed &&
      *r.reports_assessed != *r.reports_sought - *r.reports_not_retrieved)
    inconsistent(d, prefix + "reports_assessed",
                 prefix + "reports_assessed (" + num(*r.reports_assessed) +
                     ") is not reports_sought - reports_not_retrieved (" + num(*r.reports_sought) + " - " +
                     num(*r.reports_not_retrieved) + " = " + num(*r.reports_sought - *r.reports_not_retrieved) + ")");
  if (r.reports_excluded && !r.reports_excluded_reasons.empty() &&
      sum(r.reports_excluded_reasons) != *r.reports_excluded)
    inconsistent(d, prefix + "reports_excluded_reasons",
                 "the reasons for excluding reports sum to " + num(sum(r.reports_excluded_reasons)) + ", not to " +
                     prefix + "reports_excluded (" + num(*r.reports_excluded) + ")");
  const auto ex = excluded_total(r);
  if (r.reports_assessed && ex && *ex > *r.reports_assessed)
    inconsistent(d, prefix + "reports_excluded",
                 prefix + "reports_excluded (" + num(*ex) + ") exceeds " + prefix + "reports_assessed (" +
                     num(*r.reports_assessed) + ")");
}

// ---- drawing --------------------------------------------------------------------------------------

struct Line {
  std::string text;
  std::string key;  ///< empty: plain text
  std::optional<std::int64_t> n;
  std::string reason;
  bool bold = false;
};

struct BoxSpec {
  std::string key;
  std::optional<std::int64_t> n;
  std::vector<Line> lines;
};

std::string with_n(const std::string& text, const std::optional<std::int64_t>& n) {
  return text + " (n = " + (n ? num(*n) : std::string("?")) + ")";
}

/// Greedy word wrap to `width` px.
std::vector<std::string> wrap(const std::string& raw, double width, double fs, bool bold) {
  // keep "(n = 12)" on one line: its spaces are \x01 while wrapping
  std::string text = raw;
  for (std::size_t p = text.find("(n = "); p != std::string::npos; p = text.find("(n = ", p + 1)) {
    text[p + 2] = '\x01';
    text[p + 4] = '\x01';
  }
  std::vector<std::string> out;
  std::string cur;
  std::size_t i = 0;
  while (i <= text.size()) {
    const std::size_t j = std::min(text.find(' ', i), text.size());
    const std::string word = text.substr(i, j - i);
    const std::string trial = cur.empty() ? word : cur + " " + word;
    // 12% slack: text_width() is Helvetica's; fallback fonts (DejaVu, Liberation) run wider
    if (!cur.empty() && 1.12 * svg::text_width(trial, fs, bold) > width) {
      out.push_back(cur);
      cur = word;
    } else {
      cur = trial;
    }
    i = j + 1;
  }
  if (!cur.empty() || out.empty()) out.push_back(cur);
  for (std::string& line : out) std::replace(line.begin(), line.end(), '\x01', ' ');
  return out;
}

struct Layout {
  double fs, lh, pad, w;
};

double box_height(const BoxSpec& b, const Layout& L) {
  std::size_t lines = 0;
  for (const Line& l : b.lines) lines += wrap(l.text, L.w - 2 * L.pad, L.fs, l.bold).size();
  return 2 * L.pad + static_cast<double>(lines) * L.lh;
}

void draw_box(svg::Svg& s, const BoxSpec& b, double x, double y, double h, const Layout& L) {
  s.open_group({{"class", "prisma-box"}, {"data-key", b.key}, {"data-n", b.n ? num(*b.n) : ""}});
  s.rect(x, y, L.w, h, {{"fill", "#ffffff"}, {"stroke", svg::colour::ink}, {"stroke-width", "1"}});
  double ty = y + L.pad + 0.8 * L.fs;
  for (const Line& l : b.lines) {
    const bool counted = !l.key.empty();
    if (counted) {
      svg::Attrs a{{"class", "prisma-count"}, {"data-key", l.key}, {"data-n", l.n ? num(*l.n) : ""}};
      if (!l.reason.empty()) a.emplace_back("data-reason", l.reason);
      s.open_group(a);
    }
    for (const std::string& part : wrap(l.text, L.w - 2 * L.pad, L.fs, l.bold)) {
      svg::Attrs t{{"font-size", svg::fixed(L.fs)}, {"fill", svg::colour::ink}};
      if (l.bold) t.emplace_back("font-weight", "bold");
      s.text(x + L.pad, ty, part, t);
      ty += L.lh;
    }
    if (counted) s.close_group();
  }
  s.close_group();
}

void arrow(svg::Svg& s, const std::vector<std::pair<double, double>>& pts) {
  s.polyline(pts, {{"stroke", svg::colour::ink}, {"stroke-width", "1.2"}, {"class", "prisma-arrow"}});
  const auto [x1, y1] = pts[pts.size() - 2];
  const auto [x2, y2] = pts.back();
  const double len = std::hypot(x2 - x1, y2 - y1);
  if (len <= 0) return;
  const double ux = (x2 - x1) / len, uy = (y2 - y1) / len;
  const double hl = 8, hw = 4;
  s.polygon(
      {{x2, y2}, {x2 - ux * hl - uy * hw, y2 - uy * hl + ux * hw}, {x2 - ux * hl + uy * hw, y2 - uy * hl - ux * hw}},
      {{"fill", svg::colour::ink}});
}

BoxSpec retrieval_box(const std::string& key, const std::string& text, const std::optional<std::int64_t>& n) {
  return {key, n, {{with_n(text, n), key, n, "", false}}};
}

BoxSpec excluded_box(const std::string& key, const PrismaRetrieval& r) {
  BoxSpec b{key, excluded_total(r), {}};
  if (r.reports_excluded_reasons.empty()) {
    b.lines.push_back({with_n("Reports excluded", excluded_total(r)), key, excluded_total(r), "", false});
  } else {
    b.lines.push_back({"Reports excluded:", "", std::nullopt, "", false});
    for (const PrismaItem& it : r.reports_excluded_reasons)
      b.lines.push_back({with_n(it.label, it.n), "reason", it.n, it.label, false});
  }
  return b;
}

}  // namespace

PrismaCounts prisma_from_json(const nlohmann::json& j, Diagnostics& d) {
  PrismaCounts c;
  if (!j.is_object()) {
    d.error("prisma-not-object", {}, "the PRISMA counts must be a JSON object, got " + show(j),
            "write {\"databases\": 120, \"records_screened\": 100, ...}");
    return c;
  }
  c.databases = read_count(j, "databases", "", d);
  c.registers = read_count(j, "registers", "", d);
  c.duplicates_removed = read_count(j, "duplicates_removed", "", d);
  c.automation_ineligible = read_count(j, "automation_ineligible", "", d);
  c.removed_other_reasons = read_count(j, "removed_other_reasons", "", d);
  c.records_screened = read_count(j, "records_screened", "", d);
  c.records_excluded = read_count(j, "records_excluded", "", d);
  c.retrieval = read_retrieval(j, "", d);
  c.studies_included = read_count(j, "studies_included", "", d);
  c.reports_included = read_count(j, "reports_included", "", d);
  c.studies_meta_analysis = read_count(j, "studies_meta_analysis", "", d);
  if (!c.databases && !c.registers && !j.contains("databases") && !j.contains("registers")) {
    Diagnostic& x = d.error("prisma-missing-count", {}, "field 'databases' is missing",
                            "give the records identified from databases and/or registers");
    x.field = "databases";
  }
  require(c.records_screened, j, "records_screened", "", d);
  require(c.records_excluded, j, "records_excluded", "", d);
  require(c.studies_included, j, "studies_included", "", d);
  if (const auto it = j.find("other_methods"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) {
      bad_field(d, "other_methods", "field 'other_methods' must be an object, got " + show(*it));
    } else {
      PrismaOtherMethods o;
      o.sources = read_items(*it, "sources", "source", "other_methods.", d);
      o.retrieval = read_retrieval(*it, "other_methods.", d);
      unknown_fields(*it,
                     {"sources", "reports_sought", "reports_not_retrieved", "reports_assessed", "reports_excluded",
                      "reports_excluded_reasons"},
                     "other_methods.", d);
      c.other_methods = std::move(o);
    }
  }
  unknown_fields(j,
                 {"databases", "registers", "duplicates_removed", "automation_ineligible", "removed_other_reasons",
                  "records_screened", "records_excluded", "reports_sought", "reports_not_retrieved", "reports_assessed",
                  "reports_excluded", "reports_excluded_reasons", "studies_included", "reports_included",
                  "studies_meta_analysis", "other_methods"},
                 "", d);
  return c;
}

Diagnostics check_prisma(const PrismaCounts& c) {
  Diagnostics d;
  if (c.databases || c.registers) {
    const std::int64_t identified = c.databases.value_or(0) + c.registers.value_or(0);
    const std::int64_t removed =
        c.duplicates_removed.value_or(0) + c.automation_ineligible.value_or(0) + c.removed_other_reasons.value_or(0);
    if (c.records_screened && *c.records_screened != identified - removed)
      inconsistent(d, "records_screened",
                   "records_screened (" + num(*c.records_screened) +
                       ") is not the records identified minus those removed before screening (" + num(identified) +
                       " - " + num(removed) + " = " + num(identified - removed) + ")");
  }
  std::optional<std::int64_t> to_retrieve;
  if (c.records_screened && c.records_excluded) {
    if (*c.records_excluded > *c.records_screened)
      inconsistent(d, "records_excluded",
                   "records_excluded (" + num(*c.records_excluded) + ") exceeds records_screened (" +
                       num(*c.records_screened) + ")");
    to_retrieve = *c.records_screened - *c.records_excluded;
  }
  check_retrieval(c.retrieval, to_retrieve, "records_screened - records_excluded", "", d);
  std::optional<std::int64_t> reports_in;
  auto add_included = [&](const PrismaRetrieval& r) {
    const auto ex = excluded_total(r);
    if (!r.reports_assessed || !ex) return false;
    reports_in = reports_in.value_or(0) + *r.reports_assessed - *ex;
    return true;
  };
  bool complete = add_included(c.retrieval);
  if (c.other_methods) {
    const auto& o = *c.other_methods;
    std::optional<std::int64_t> sources;
    if (!o.sources.empty()) sources = sum(o.sources);
    if (sources && o.retrieval.reports_sought && *o.retrieval.reports_sought > *sources)
      inconsistent(d, "other_methods.reports_sought",
                   "other_methods.reports_sought (" + num(*o.retrieval.reports_sought) +
                       ") exceeds the records identified by other methods (" + num(*sources) + ")");
    check_retrieval(o.retrieval, std::nullopt, "", "other_methods.", d);
    complete = add_included(o.retrieval) && complete;
  }
  if (complete && reports_in) {
    if (c.reports_included && *c.reports_included != *reports_in)
      inconsistent(d, "reports_included",
                   "reports_included (" + num(*c.reports_included) +
                       ") is not the reports assessed minus those excluded (" + num(*reports_in) + ")");
    const std::int64_t reports = c.reports_included.value_or(*reports_in);
    if (c.studies_included && *c.studies_included > reports)
      inconsistent(d, "studies_included",
                   "studies_included (" + num(*c.studies_included) + ") exceeds the reports of included studies (" +
                       num(reports) + ")");
  } else if (c.reports_included && c.studies_included && *c.studies_included > *c.reports_included) {
    inconsistent(d, "studies_included",
                 "studies_included (" + num(*c.studies_included) + ") exceeds reports_included (" +
                     num(*c.reports_included) + ")");
  }
  if (c.studies_meta_analysis && c.studies_included && *c.studies_meta_analysis > *c.studies_included)
    inconsistent(d, "studies_meta_analysis",
                 "studies_meta_analysis (" + num(*c.studies_meta_analysis) + ") exceeds studies_included (" +
                     num(*c.studies_included) + ")");
  return d;
}

PrismaFigure prisma_flow(const PrismaCounts& c, const PrismaOptions& options) {
  PrismaFigure fig;
  fig.diagnostics = check_prisma(c);
  const double fs = options.font_size > 0 ? options.font_size : 11.0;
  const Layout L{fs, 1.35 * fs, 8, 260};
  const bool other = c.other_methods.has_value();

  // boxes: columns A (main) and B (removed/excluded), C and D for other methods; rows 0-4 (+5)
  std::vector<Line> ident;
  ident.push_back({"Records identified from*:", "", std::nullopt, "", false});
  if (c.databases || !c.registers)
    ident.push_back({with_n("Databases", c.databases), "databases", c.databases, "", false});
  if (c.registers) ident.push_back({with_n("Registers", c.registers), "registers", c.registers, "", false});
  std::optional<std::int64_t> identified;
  if (c.databases || c.registers) identified = c.databases.value_or(0) + c.registers.value_or(0);
  const BoxSpec a0{"identified", identified, ident};
  std::vector<Line> removed{{"Records removed before screening:", "", std::nullopt, "", false},
                            {with_n("Duplicate records removed", c.duplicates_removed), "duplicates_removed",
                             c.duplicates_removed, "", false},
                            {with_n("Records marked as ineligible by automation tools", c.automation_ineligible),
                             "automation_ineligible", c.automation_ineligible, "", false},
                            {with_n("Records removed for other reasons", c.removed_other_reasons),
                             "removed_other_reasons", c.removed_other_reasons, "", false}};
  std::optional<std::int64_t> removed_n;
  if (c.duplicates_removed || c.automation_ineligible || c.removed_other_reasons)
    removed_n =
        c.duplicates_removed.value_or(0) + c.automation_ineligible.value_or(0) + c.removed_other_reasons.value_or(0);
  const BoxSpec b0{"removed_before_screening", removed_n, removed};
  const BoxSpec a1 = retrieval_box("records_screened", "Records screened", c.records_screened);
  const BoxSpec b1 = retrieval_box("records_excluded", "Records excluded**", c.records_excluded);
  const BoxSpec a2 = retrieval_box("reports_sought", "Reports sought for retrieval", c.retrieval.reports_sought);
  const BoxSpec b2 = retrieval_box("reports_not_retrieved", "Reports not retrieved", c.retrieval.reports_not_retrieved);
  const BoxSpec a3 =
      retrieval_box("reports_assessed", "Reports assessed for eligibility", c.retrieval.reports_assessed);
  const BoxSpec b3 = excluded_box("reports_excluded", c.retrieval);
  BoxSpec a4{"studies_included", c.studies_included, {}};
  a4.lines.push_back(
      {with_n("Studies included in review", c.studies_included), "studies_included", c.studies_included, "", false});
  if (c.reports_included)
    a4.lines.push_back(
        {with_n("Reports of included studies", c.reports_included), "reports_included", c.reports_included, "", false});
  std::optional<BoxSpec> a5;
  if (c.studies_meta_analysis)
    a5 = retrieval_box("studies_meta_analysis", "Studies included in meta-analysis", c.studies_meta_analysis);
  BoxSpec c0, c2, d2, c3, d3;
  if (other) {
    const auto& o = *c.other_methods;
    std::optional<std::int64_t> total;
    if (!o.sources.empty()) total = sum(o.sources);
    c0 = {"other_identified", total, {{"Records identified from:", "", std::nullopt, "", false}}};
    for (const PrismaItem& it : o.sources)
      c0.lines.push_back({with_n(it.label, it.n), "source", it.n, it.label, false});
    c2 = retrieval_box("other_reports_sought", "Reports sought for retrieval", o.retrieval.reports_sought);
    d2 = retrieval_box("other_reports_not_retrieved", "Reports not retrieved", o.retrieval.reports_not_retrieved);
    c3 = retrieval_box("other_reports_assessed", "Reports assessed for eligibility", o.retrieval.reports_assessed);
    d3 = excluded_box("other_reports_excluded", o.retrieval);
  }

  // geometry
  const double bar = 26, gap_x = 36, gap_y = 28;
  const double xa = 16 + bar + 14, xb = xa + L.w + gap_x;
  const double xc = xb + L.w + 2 * gap_x, xd = xc + L.w + gap_x;
  const double width = (other ? xd : xb) + L.w + 16;
  const double title_h = options.title.empty() ? 0 : 2 * fs;
  const double header_y = 12 + title_h, header_h = 2.4 * fs;
  std::vector<double> row_h(5, 0.0);
  row_h[0] = std::max({box_height(a0, L), box_height(b0, L), other ? box_height(c0, L) : 0.0});
  row_h[1] = std::max(box_height(a1, L), box_height(b1, L));
  row_h[2] = std::max(
      {box_height(a2, L), box_height(b2, L), other ? box_height(c2, L) : 0.0, other ? box_height(d2, L) : 0.0});
  row_h[3] = std::max(
      {box_height(a3, L), box_height(b3, L), other ? box_height(c3, L) : 0.0, other ? box_height(d3, L) : 0.0});
  row_h[4] = box_height(a4, L);
  std::vector<double> row_y(5);
  row_y[0] = header_y + header_h + gap_y * 0.8;
  for (std::size_t r = 1; r < 5; ++r) row_y[r] = row_y[r - 1] + row_h[r - 1] + gap_y;
  double bottom = row_y[4] + row_h[4];
  double y5 = 0, h5 = 0;
  if (a5) {
    y5 = bottom + gap_y;
    h5 = box_height(*a5, L);
    bottom = y5 + h5;
  }
  const std::vector<std::string> notes =
      options.footnotes
          ? std::vector<std::string>{"*Consider, if feasible to do so, reporting the number of records identified from each database or register searched (rather than the total number across all databases/registers).",
                                     "**If automation tools were used, indicate how many records were excluded by a human and how many were excluded by automation tools.",
                                     "From: Page MJ, McKenzie JE, Bossuyt PM, et al. The PRISMA 2020 statement: an updated guideline for reporting systematic reviews. BMJ 2021;372:n71. doi:10.1136/bmj.n71"}
          : std::vector<std::string>{};
  std::vector<std::string> note_lines;
  for (const std::string& n : notes)
    for (const std::string& part : wrap(n, width - 32, fs * 0.85, false)) note_lines.push_back(part);
  const double height = bottom + 16 + static_cast<double>(note_lines.size()) * 1.3 * fs * 0.85 + 12;

  svg::Svg s(width, height);
  s.title(options.title.empty() ? "PRISMA 2020 flow diagram" : options.title);
  if (!options.title.empty())
    s.text(width / 2, 12 + fs, options.title,
           {{"text-anchor", "middle"}, {"font-size", svg::fixed(fs * 1.2)}, {"font-weight", "bold"}});

  // headers
  const char* header_fill = "#fbe39b";
  s.rect(xa, header_y, xb + L.w - xa, header_h, {{"fill", header_fill}, {"stroke", svg::colour::ink}, {"rx", "6"}});
  s.text((xa + xb + L.w) / 2, header_y + header_h / 2 + 0.35 * fs,
         "Identification of studies via databases and registers",
         {{"text-anchor", "middle"}, {"font-size", svg::fixed(fs)}, {"font-weight", "bold"}});
  if (other) {
    s.rect(xc, header_y, xd + L.w - xc, header_h, {{"fill", "#e0e0e0"}, {"stroke", svg::colour::ink}, {"rx", "6"}});
    s.text((xc + xd + L.w) / 2, header_y + header_h / 2 + 0.35 * fs, "Identification of studies via other methods",
           {{"text-anchor", "middle"}, {"font-size", svg::fixed(fs)}, {"font-weight", "bold"}});
  }
  // phase bars
  auto phase = [&](double y0, double y1, const std::string& name) {
    s.rect(16, y0, bar, y1 - y0,
           {{"fill", "#a9cbe8"}, {"stroke", svg::colour::ink}, {"rx", "6"}, {"class", "prisma-phase"}});
    const double cx = 16 + bar / 2 + 0.35 * fs, cy = (y0 + y1) / 2;
    s.text(cx, cy, name,
           {{"text-anchor", "middle"},
            {"font-size", svg::fixed(fs)},
            {"font-weight", "bold"},
            {"transform", "rotate(-90 " + svg::fixed(cx) + " " + svg::fixed(cy) + ")"}});
  };
  phase(row_y[0], row_y[0] + row_h[0], "Identification");
  phase(row_y[1], row_y[3] + row_h[3], "Screening");
  phase(row_y[4], bottom, "Included");

  // boxes (each drawn at its row's height so the columns line up)
  draw_box(s, a0, xa, row_y[0], row_h[0], L);
  draw_box(s, b0, xb, row_y[0], row_h[0], L);
  draw_box(s, a1, xa, row_y[1], row_h[1], L);
  draw_box(s, b1, xb, row_y[1], row_h[1], L);
  draw_box(s, a2, xa, row_y[2], row_h[2], L);
  draw_box(s, b2, xb, row_y[2], row_h[2], L);
  draw_box(s, a3, xa, row_y[3], row_h[3], L);
  draw_box(s, b3, xb, row_y[3], row_h[3], L);
  draw_box(s, a4, xa, row_y[4], row_h[4], L);
  if (a5) draw_box(s, *a5, xa, y5, h5, L);
  if (other) {
    draw_box(s, c0, xc, row_y[0], row_h[0], L);
    draw_box(s, c2, xc, row_y[2], row_h[2], L);
    draw_box(s, d2, xd, row_y[2], row_h[2], L);
    draw_box(s, c3, xc, row_y[3], row_h[3], L);
    draw_box(s, d3, xd, row_y[3], row_h[3], L);
  }

  // arrows
  const double ma = xa + L.w / 2;
  for (std::size_t r = 0; r + 1 < 5; ++r) arrow(s, {{ma, row_y[r] + row_h[r]}, {ma, row_y[r + 1]}});
  if (a5) arrow(s, {{ma, row_y[4] + row_h[4]}, {ma, y5}});
  for (std::size_t r = 0; r < 4; ++r) arrow(s, {{xa + L.w, row_y[r] + row_h[r] / 2}, {xb, row_y[r] + row_h[r] / 2}});
  if (other) {
    const double mc = xc + L.w / 2;
    arrow(s, {{mc, row_y[0] + row_h[0]}, {mc, row_y[2]}});
    arrow(s, {{mc, row_y[2] + row_h[2]}, {mc, row_y[3]}});
    for (const std::size_t r : {std::size_t{2}, std::size_t{3}})
      arrow(s, {{xc + L.w, row_y[r] + row_h[r] / 2}, {xd, row_y[r] + row_h[r] / 2}});
    arrow(s, {{mc, row_y[3] + row_h[3]}, {mc, row_y[4] + row_h[4] / 2}, {xa + L.w, row_y[4] + row_h[4] / 2}});
  }

  double ny = bottom + 16 + 0.85 * fs;
  for (const std::string& l : note_lines) {
    s.text(16, ny, l, {{"font-size", svg::fixed(fs * 0.85)}, {"fill", svg::colour::ink}});
    ny += 1.3 * fs * 0.85;
  }
  fig.svg = s.str();
  return fig;
}

}  // namespace evident::report
