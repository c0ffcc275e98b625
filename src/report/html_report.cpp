// evident: the one-file HTML report (see html_report.hpp).
#include "evident/report/html_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <map>
#include <numeric>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "evident/core/version.hpp"
#include "evident/report/forest.hpp"
#include "evident/report/funnel_plot.hpp"
#include "evident/report/netheat_plot.hpp"
#include "evident/report/network_graph.hpp"
#include "evident/report/rank_plot.hpp"
#include "evident/report/tables.hpp"

namespace evident::report {
namespace {

std::string esc(std::string_view s) {
  return html_escape(s);
}

/// File-name and id safe token: letters, digits and '-', lower case, runs of others collapsed.
std::string slug(std::string_view text) {
  std::string s;
  for (const char ch : text) {
    const auto u = static_cast<unsigned char>(ch);
    if (std::isalnum(u) != 0) {
      s += static_cast<char>(std::tolower(u));
    } else if (!s.empty() && s.back() != '-') {
      s += '-';
    }
  }
  while (!s.empty() && s.back() == '-') s.pop_back();
  return s.empty() ? std::string("x") : s;
}

std::string outcome_label(const ReportOutcome& o) {
  return o.time_point ? o.name + " (" + *o.time_point + ")" : o.name;
}

const char* measure_words(Measure m) {
  switch (m) {
    case Measure::MD:
      return "mean difference";
    case Measure::SMD:
      return "standardised mean difference";
    case Measure::OR:
      return "odds ratio";
    case Measure::RR:
      return "risk ratio";
    case Measure::RD:
      return "risk difference";
    case Measure::ROM:
      return "ratio of means";
    case Measure::HR:
      return "hazard ratio";
    case Measure::IRR:
      return "incidence rate ratio";
    case Measure::IRD:
      return "incidence rate difference";
    case Measure::GEN:
      return "effect as reported";
    default:
      return to_string(m);
  }
}

/// Builds the page: sections, a table of contents, figures and tables collected as they are added.
class Page {
 public:
  explicit Page(const ReportOptions& options) : options_(options) {}

  void h2(const std::string& id, const std::string& title) {
    body_ += "<h2 id=\"" + esc(id) + "\">" + esc(title) + "</h2>\n";
    toc_.push_back({2, id, title});
  }
  void h3(const std::string& id, const std::string& title) {
    body_ += "<h3 id=\"" + esc(id) + "\">" + esc(title) + "</h3>\n";
    toc_.push_back({3, id, title});
  }
  void h4(const std::string& title) { body_ += "<h4>" + esc(title) + "</h4>\n"; }
  void p(const std::string& text, const std::string& cls = {}) {
    body_ += cls.empty() ? "<p>" : "<p class=\"" + esc(cls) + "\">";
    body_ += esc(text) + "</p>\n";
  }
  void raw(const std::string& html) { body_ += html; }

  /// A figure: inline SVG with a caption; also listed in figures() under a unique name.
  void figure(std::string name, const std::string& title, const std::string& svg, const std::string& note = {}) {
    name = unique_name(name);
    body_ += "<figure class=\"figure\" id=\"fig-" + esc(name) + "\" data-figure=\"" + esc(name) +
             "\">\n<div class=\"figure-body\">\n" + svg + "</div>\n<figcaption>" + esc(title);
    if (!note.empty()) body_ += " <span class=\"note\">" + esc(note) + "</span>";
    body_ += "</figcaption>\n</figure>\n";
    figures_.push_back({std::move(name), title, svg});
  }

  void table(Table t) {
    t.name = unique_name(t.name.empty() ? "table" : t.name);
    body_ += "<div class=\"table-wrap\">\n" + to_html(t) + "</div>\n";
    tables_.push_back(std::move(t));
  }

  [[nodiscard]] std::string toc() const {
    std::string s = "<nav class=\"toc\" aria-label=\"Contents\">\n<h2 class=\"toc-title\">Contents</h2>\n<ol>\n";
    bool open = false;
    for (const auto& e : toc_) {
      if (e.level == 2) {
        if (open) s += "</ol></li>\n";
        s += "<li><a href=\"#" + esc(e.id) + "\">" + esc(e.title) + "</a>";
        open = false;
        // look ahead handled by the next entries
        s += "<ol>";
        open = true;
      } else {
        s += "<li><a href=\"#" + esc(e.id) + "\">" + esc(e.title) + "</a></li>";
      }
    }
    if (open) s += "</ol></li>\n";
    s += "</ol>\n</nav>\n";
    // empty sub-lists are harmless but untidy
    std::string out;
    out.reserve(s.size());
    const std::string empty = "<ol></ol>";
    for (std::size_t i = 0; i < s.size();) {
      if (s.compare(i, empty.size(), empty) == 0) {
        i += empty.size();
      } else {
        out += s[i++];
      }
    }
    return out;
  }

  std::string body_;
  std::vector<ReportFigure> figures_;
  std::vector<Table> tables_;
  const ReportOptions& options_;

 private:
  struct TocEntry {
    int level;
    std::string id, title;
  };
  std::vector<TocEntry> toc_;
  std::set<std::string> names_;

  std::string unique_name(const std::string& name) {
    std::string n = name;
    for (int i = 2; names_.count(n) != 0; ++i) n = name + "-" + std::to_string(i);
    names_.insert(n);
    return n;
  }
};

std::string css() {
  return R"(:root{--ink:#222;--muted:#555;--rule:#ddd;--accent:#0072B2}
*{box-sizing:border-box}
body{font-family:Helvetica,Arial,sans-serif;color:var(--ink);line-height:1.45;margin:0 auto;padding:1.5em 2em 3em;max-width:1180px;background:#fff}
header.report-header{border-bottom:3px solid var(--accent);margin-bottom:1em;padding-bottom:0.5em}
header.report-header h1{margin:0 0 0.2em;font-size:1.7em}
header.report-header p{margin:0.1em 0;color:var(--muted)}
h2{font-size:1.35em;border-bottom:1px solid var(--rule);padding-bottom:0.2em;margin-top:2em}
h3{font-size:1.15em;margin-top:1.6em}
h4{font-size:1em;margin:1.2em 0 0.4em}
nav.toc{background:#f7f9fb;border:1px solid var(--rule);padding:0.6em 1.2em;margin:1em 0 1.5em;columns:2;column-gap:2em}
nav.toc h2.toc-title{font-size:1em;margin:0 0 0.3em;border:none;column-span:all}
nav.toc ol{margin:0;padding-left:1.3em}
nav.toc li{break-inside:avoid}
nav.toc a{color:var(--accent);text-decoration:none}
nav.toc a:hover{text-decoration:underline}
figure.figure{margin:1em 0 1.5em;break-inside:avoid}
figure.figure .figure-body{overflow-x:auto}
figure.figure svg{display:block;max-width:none}
figcaption{font-size:0.9em;color:var(--muted);margin-top:0.3em}
.note{color:var(--muted)}
p.key{background:#eef5fb;border-left:4px solid var(--accent);padding:0.4em 0.8em}
.table-wrap{overflow-x:auto}
table.evident-table.league-table{font-size:0.78em}
table.evident-table.league-table tbody td,table.evident-table.league-table tbody th{padding:0.15em 0.35em;white-space:normal;min-width:5.5em;text-align:center}
table.evident-table .traffic-light{width:auto;min-width:1.6em;padding:0 0.3em;border-radius:0.8em}
.figure-row{display:flex;flex-wrap:wrap;gap:0 2.5em;align-items:flex-start}
.figure-row figure.figure{display:table;margin-top:0.5em}
.figure-row figcaption{display:table-caption;caption-side:bottom}
dl.facts{display:grid;grid-template-columns:max-content auto;gap:0.15em 1em;margin:0.5em 0}
dl.facts dt{font-weight:bold}
dl.facts dd{margin:0}
table.diagnostics td.sev-error{color:#b00;font-weight:bold}
table.diagnostics td.sev-warning{color:#a60}
table.diagnostics td.loc{font-family:monospace;white-space:nowrap}
ol.references li{margin-bottom:0.3em}
.methods p{max-width:60em}
code,pre{font-family:monospace;background:#f4f4f4;padding:0.05em 0.3em}
pre{padding:0.5em;white-space:pre-wrap;word-break:break-all}
footer{margin-top:3em;color:var(--muted);font-size:0.85em;border-top:1px solid var(--rule);padding-top:0.5em}
@media print{
body{max-width:none;padding:0;font-size:10pt}
nav.toc{break-after:page}
h2{break-before:page;break-after:avoid}
h3,h4{break-after:avoid}
figure.figure .figure-body,.table-wrap{overflow:visible}
figure.figure svg{max-width:100%;height:auto}
a{color:inherit;text-decoration:none}
}
)";
}

/// The number of distinct treatments and the comparisons of an effect set.
std::size_t treatment_count(const EffectSet& set) {
  std::set<std::string> t;
  for (const auto& c : set.contrasts) {
    t.insert(c.treat1);
    if (!c.treat2.empty()) t.insert(c.treat2);
  }
  return t.size();
}

std::string num(double x, int digits) {
  return format_number(x, digits);
}

/// "p = 0.0123" or "p < 0.0001".
std::string p_is(double p) {
  const std::string s = format_p(p);
  return !s.empty() && s.front() == '<' ? "p " + s : "p = " + s;
}

/// Summary table of an NMA: every treatment versus the reference, random and common effects, P-scores.
Table nma_summary_table(const NetworkAnalysis& a, const std::string& name, int digits) {
  const NmaResult& nma = a.nma;
  const std::size_t r = nma.treatment_index(nma.reference);
  const bool ratio = is_ratio(a.measure);
  auto tr = [&](double x) { return ratio ? std::exp(x) : x; };
  Table t;
  t.name = name;
  t.kind = "summary-table";
  t.title = "Network estimates versus " + nma.reference + " (" + measure_words(a.measure) + ")";
  t.header = {{{"Treatment"},
               {"Random effects (95% CI)"},
               {"P-score (random)"},
               {"Common effect (95% CI)"},
               {"P-score (common)"}}};
  std::vector<std::size_t> order(nma.treatments.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  if (a.pscore_random && a.pscore_random->pscore.size() == order.size()) {
    const auto& ps = a.pscore_random->pscore;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return ps[i] > ps[j]; });
  }
  for (const std::size_t i : order) {
    std::vector<TableCell> row;
    row.push_back(text_cell(nma.treatments[i]));
    if (i == r) {
      row.push_back(text_cell("reference", "number"));
    } else {
      row.push_back(interval_cell(tr(nma.random.TE(Eigen::Index(i), Eigen::Index(r))),
                                  tr(nma.random.lower(Eigen::Index(i), Eigen::Index(r))),
                                  tr(nma.random.upper(Eigen::Index(i), Eigen::Index(r))), digits));
    }
    row.push_back(a.pscore_random && i < a.pscore_random->pscore.size() ? number_cell(a.pscore_random->pscore[i], 3)
                                                                        : text_cell(""));
    if (i == r) {
      row.push_back(text_cell("reference", "number"));
    } else {
      row.push_back(interval_cell(tr(nma.common.TE(Eigen::Index(i), Eigen::Index(r))),
                                  tr(nma.common.lower(Eigen::Index(i), Eigen::Index(r))),
                                  tr(nma.common.upper(Eigen::Index(i), Eigen::Index(r))), digits));
    }
    row.push_back(a.pscore_common && i < a.pscore_common->pscore.size() ? number_cell(a.pscore_common->pscore[i], 3)
                                                                        : text_cell(""));
    t.rows.push_back(std::move(row));
  }
  t.footnotes.push_back({"", "Estimates: each treatment versus " + nma.reference +
                                 (ratio ? " (ratios, back-transformed from the log scale)" : "") +
                                 "; P-scores: " + (a.small_values == SmallValues::desirable ? "small" : "large") +
                                 " values are better; sorted by the random-effects P-score."});
  return t;
}

/// Heterogeneity and inconsistency of an NMA as a table: Q total, within designs, between designs.
Table heterogeneity_table(const NetworkAnalysis& a, const std::string& name) {
  const NmaResult& n = a.nma;
  Table t;
  t.name = name;
  t.kind = "heterogeneity-table";
  t.title = "Heterogeneity and inconsistency (common effect model Q and its parts)";
  t.header = {{{"Source"}, {"Q"}, {"df"}, {"p-value"}}};
  auto row = [&](const std::string& label, double q, double df, double p) {
    TableCell pc = text_cell(format_p(p), "number");
    pc.value = p;
    t.rows.push_back({text_cell(label), number_cell(q, 2), number_cell(df, 0), pc});
  };
  row("Total", n.Q, n.Q_df, n.Q_p);
  row("Within designs (heterogeneity)", n.Q_heterogeneity, n.Q_heterogeneity_df, n.Q_heterogeneity_p);
  row("Between designs (inconsistency)", n.Q_inconsistency, n.Q_inconsistency_df, n.Q_inconsistency_p);
  if (a.decomposition && a.decomposition->ok())
    row("Between designs, random effects (full design-by-treatment interaction)", a.decomposition->between_random.Q,
        a.decomposition->between_random.df, a.decomposition->between_random.p_value);
  t.footnotes.push_back({"", "tau2 = " + num(n.tau2, 4) + ", tau = " + num(n.tau, 4) + " (" + to_string(n.tau2_method) +
                                 "); I2 = " + num(n.I2, 1) + "% [" + num(n.I2_lower, 1) + "%; " + num(n.I2_upper, 1) +
                                 "%]."});
  return t;
}

Table decomposition_table(const DesignDecomposition& d, const std::string& name) {
  Table t;
  t.name = name;
  t.kind = "decomposition-table";
  t.title = "Design-based decomposition of Q";
  t.header = {{{"Design"},
               {"Q within design"},
               {"df"},
               {"p-value"},
               {"Q between designs after detaching"},
               {"df"},
               {"p-value"}}};
  std::map<std::string, const DesignQ*> detach;
  for (const auto& q : d.between_after_detach) detach[q.design] = &q;
  auto p_cell = [](double p) {
    TableCell c = text_cell(format_p(p), "number");
    if (!std::isnan(p)) c.value = p;
    return c;
  };
  for (const auto& q : d.within_by_design) {
    std::vector<TableCell> row{text_cell(q.design), number_cell(q.Q, 2), number_cell(q.df, 0), p_cell(q.p_value)};
    const auto it = detach.find(q.design);
    if (it != detach.end()) {
      row.push_back(number_cell(it->second->Q, 2));
      row.push_back(number_cell(it->second->df, 0));
      row.push_back(p_cell(it->second->p_value));
    } else {
      row.push_back(text_cell(""));
      row.push_back(text_cell(""));
      row.push_back(text_cell(""));
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

std::string location_text(const SourceLocation& l) {
  if (l.file.empty()) return "";
  std::string s = l.file;
  if (l.line > 0) s += ":" + std::to_string(l.line);
  if (l.column > 0) s += ":" + std::to_string(l.column);
  return s;
}

std::string diagnostics_html(const Diagnostics& ds) {
  std::string s =
      "<div class=\"table-wrap\"><table class=\"evident-table diagnostics\" id=\"evident-table-diagnostics\">\n"
      "<caption>Diagnostics</caption>\n<thead><tr><th scope=\"col\">Severity</th><th scope=\"col\">Location</th>"
      "<th scope=\"col\">Study</th><th scope=\"col\">Field</th><th scope=\"col\">Code</th>"
      "<th scope=\"col\">Message</th></tr></thead>\n<tbody>\n";
  for (const auto& d : ds.items()) {
    const std::string sev = severity_name(d.severity);
    s += "<tr class=\"diagnostic\" data-code=\"" + esc(d.code) + "\"><td class=\"sev-" + esc(sev) + "\">" + esc(sev) +
         "</td><td class=\"loc\">" + esc(location_text(d.location)) + "</td><td>" + esc(d.study) + "</td><td>" +
         esc(d.field) + "</td><td><code>" + esc(d.code) + "</code></td><td>" + esc(d.message);
    if (!d.hint.empty()) s += " <span class=\"note\">(hint: " + esc(d.hint) + ")</span>";
    s += "</td></tr>\n";
  }
  s += "</tbody>\n</table></div>\n";
  return s;
}

Table cinema_table(const CinemaResult& c, const std::string& name, int digits) {
  const bool ratio = is_ratio(c.measure);
  auto tr = [&](double x) { return ratio ? std::exp(x) : x; };
  Table t;
  t.name = name;
  t.kind = "cinema-table";
  t.title = "Confidence in the network estimates (CINeMA): " + c.outcome;
  t.header = {{{"Comparison"}, {"Estimate (95% CI)"}, {"Domains", 6}, {"Confidence"}},
              {{""},
               {""},
               {"Within-study bias"},
               {"Reporting bias"},
               {"Indirectness"},
               {"Imprecision"},
               {"Heterogeneity"},
               {"Incoherence"},
               {""}}};
  const char* domains[] = {kWithinStudyBias, kReportingBias, kIndirectness, kImprecision, kHeterogeneity, kIncoherence};
  for (const auto& cmp : c.comparisons) {
    std::vector<TableCell> row;
    row.push_back(text_cell(cmp.treat1 + " vs " + cmp.treat2));
    row.push_back(interval_cell(tr(cmp.estimate), tr(cmp.ci_lower), tr(cmp.ci_upper), digits));
    for (const char* dn : domains) {
      const DomainJudgement* j = cmp.domain(dn);
      if (j == nullptr) {
        row.push_back(text_cell(""));
        continue;
      }
      const char* kind = j->concern == Concern::no ? "rob-low" : j->concern == Concern::some ? "rob-some" : "rob-high";
      std::string words = std::string(to_string(j->concern)) + ": " + j->reason;
      if (j->needs_reviewer) words += " (needs the reviewer's judgement)";
      row.push_back(text_cell(words, kind));
    }
    const char* ck = cmp.overall == Certainty::high       ? "certainty-high"
                     : cmp.overall == Certainty::moderate ? "certainty-moderate"
                     : cmp.overall == Certainty::low      ? "certainty-low"
                                                          : "certainty-very-low";
    row.push_back(text_cell(
        std::string(to_string(cmp.overall)) + (cmp.overall_reason.empty() ? "" : ": ") + cmp.overall_reason, ck));
    t.rows.push_back(std::move(row));
  }
  std::string range = "no range of equivalence";
  if (c.range)
    range = "range of equivalence " + num(tr(c.range->lower), digits) + " to " + num(tr(c.range->upper), digits);
  t.footnotes.push_back(
      {"", std::string("Traffic lights: L = no concerns, S = some concerns, H = major concerns; confidence H = high, "
                       "M = moderate, L = low, VL = very low (GRADE convention: one level down per domain with some "
                       "concerns, two per major concerns). ") +
               range + "; " + to_string(c.model) + " effects model; study judgements summarised by " +
               to_string(c.rob_rule) + ". Hover a light for the reason."});
  return t;
}

std::string small_study_text(const PairwiseAnalysis& a) {
  std::vector<std::string> parts;
  if (a.egger) parts.push_back("Egger's test " + p_is(a.egger->p_value));
  if (a.begg) parts.push_back("Begg's test " + p_is(a.begg->p_value));
  if (a.harbord) parts.push_back("Harbord's test " + p_is(a.harbord->p_value));
  if (a.peters) parts.push_back("Peters' test " + p_is(a.peters->p_value));
  if (a.trimfill) parts.push_back("trim-and-fill adds " + std::to_string(a.trimfill->k0) + " studies");
  std::string s;
  for (std::size_t i = 0; i < parts.size(); ++i) s += (i ? "; " : "") + parts[i];
  return s;
}

std::string network_funnel_text(const FunnelResult& f) {
  std::vector<std::string> parts;
  if (f.egger) parts.push_back("Egger's test " + p_is(f.egger->p_value));
  if (f.begg) parts.push_back("Begg's test " + p_is(f.begg->p_value));
  if (f.thompson) parts.push_back("Thompson-Sharp test " + p_is(f.thompson->p_value));
  std::string s;
  for (std::size_t i = 0; i < parts.size(); ++i) s += (i ? "; " : "") + parts[i];
  return s;
}

struct Counts {
  std::size_t studies = 0, arms = 0, contrasts = 0, treatments = 0;
};

Counts count_data(const Dataset& d, const std::vector<ReportOutcome>& outcomes) {
  Counts c;
  std::set<std::size_t> studies;
  std::set<std::string> treatments;
  for (const auto& ro : outcomes) {
    if (ro.source == nullptr) continue;
    for (const auto& sd : ro.source->data) {
      studies.insert(sd.study);
      c.arms += sd.arms.size();
      c.contrasts += sd.contrasts.size();
      for (const auto& a : sd.arms) treatments.insert(a.treatment);
      for (const auto& k : sd.contrasts) {
        treatments.insert(k.treat1);
        treatments.insert(k.treat2);
      }
    }
  }
  c.studies = studies.empty() ? d.studies.size() : studies.size();
  c.treatments = treatments.size();
  return c;
}

std::string exclusions_html(const Dataset& data, const std::vector<ReportOutcome>& outcomes) {
  struct Row {
    std::string outcome, study, what, reason, where;
  };
  std::vector<Row> rows;
  for (const auto& e : data.excluded)
    rows.push_back(
        {e.outcome, e.study, e.treatment.empty() ? "study" : "arm " + e.treatment, e.reason, location_text(e.source)});
  for (const auto& o : outcomes) {
    for (const auto& e : o.effects.excluded)
      rows.push_back({outcome_label(o), e.study, e.treatment.empty() ? "study" : "arm " + e.treatment, e.reason,
                      location_text(e.source)});
    for (const auto& a : o.network)
      for (const auto& e : a.nma.excluded)
        rows.push_back({outcome_label(o), e.study,
                        e.treat1.empty() ? "study (NMA)" : "comparison " + e.treat1 + " vs " + e.treat2 + " (NMA)",
                        e.reason, location_text(e.source)});
  }
  if (rows.empty()) return "<p class=\"excluded-none\">No study, arm or comparison was excluded.</p>\n";
  std::string s =
      "<div class=\"table-wrap\"><table class=\"evident-table excluded\" id=\"evident-table-excluded\">\n"
      "<caption>Excluded from the analyses</caption>\n<thead><tr><th scope=\"col\">Outcome</th>"
      "<th scope=\"col\">Study</th><th scope=\"col\">What</th><th scope=\"col\">Reason</th>"
      "<th scope=\"col\">Location</th></tr></thead>\n<tbody>\n";
  for (const auto& r : rows)
    s += "<tr class=\"exclusion\"><td>" + esc(r.outcome) + "</td><th scope=\"row\">" + esc(r.study) + "</th><td>" +
         esc(r.what) + "</td><td>" + esc(r.reason) + "</td><td class=\"loc\">" + esc(r.where) + "</td></tr>\n";
  s += "</tbody>\n</table></div>\n";
  return s;
}

std::string pooled_text(const PairwiseAnalysis& a, int digits) {
  const bool ratio = is_ratio(a.measure);
  auto tr = [&](double x) { return ratio ? std::exp(x) : x; };
  const auto& r = a.result.random.pooled;
  return a.comparison.treat1 + " vs " + a.comparison.treat2 + ": " + to_string(a.measure) + " " +
         format_interval(tr(r.estimate), tr(r.ci_lower), tr(r.ci_upper), digits) +
         " (random effects, k = " + std::to_string(a.result.k) + ", tau2 = " + num(a.result.random.tau2, 4) +
         ", I2 = " + num(a.result.heterogeneity.I2, 1) + "%)";
}

}  // namespace

HtmlReport html_report(const ReportInput& input, const ReportOptions& options) {
  HtmlReport out;
  Page page(options);
  const int digits = options.digits;
  const Dataset empty_data;
  const Dataset& data = input.data != nullptr ? *input.data : empty_data;
  const std::string generator =
      options.generator.empty() ? std::string("evident ") + evident::kVersion : options.generator;
  const std::string title = input.title.empty() ? "evident report: " + data.source_file : input.title;
  const bool several = input.outcomes.size() > 1;
  auto prefix = [&](const ReportOutcome& o) { return several ? slug(outcome_label(o)) + "-" : std::string(); };
  auto sub = [](const NetworkAnalysis& a) {
    return a.subnetwork ? "-sub" + std::to_string(*a.subnetwork + 1) : std::string();
  };
  bool any_network = false, any_pairwise = false;
  for (const auto& o : input.outcomes) {
    any_network = any_network || !o.network.empty();
    any_pairwise = any_pairwise || !o.pairwise.empty();
  }

  // ---- Summary ----
  page.h2("summary", "Summary");
  {
    std::string what = "Data: " + data.source_file + " (" + data.format + "), " + std::to_string(data.studies.size()) +
                       " studies, " + std::to_string(input.outcomes.size()) +
                       (input.outcomes.size() == 1 ? " outcome." : " outcomes.");
    page.p(what);
  }
  for (const auto& o : input.outcomes) {
    const std::string pre = prefix(o);
    page.h3("summary-" + pre + "outcome", "Outcome: " + outcome_label(o));
    page.p(std::to_string(o.effects.contrasts.size()) + " study contrasts, " +
           std::to_string(treatment_count(o.effects)) + " treatments, measure " + to_string(o.effects.measure) + " (" +
           measure_words(o.effects.measure) + ")" + (o.mid ? ", MID " + num(*o.mid, 3) : "") + ".");
    for (const auto& a : o.network) {
      if (!a.nma.ok()) {
        page.p("The network meta-analysis could not be run (see the diagnostics).", "key");
        continue;
      }
      const NmaResult& n = a.nma;
      page.p("Network meta-analysis" + (a.subnetwork ? " of subnetwork " + std::to_string(*a.subnetwork + 1) : "") +
                 ": " + std::to_string(n.studies) + " studies, " + std::to_string(n.treatments.size()) +
                 " treatments, " + std::to_string(n.comparisons) + " pairwise comparisons, " +
                 std::to_string(n.designs) + " designs. Heterogeneity: tau2 = " + num(n.tau2, 4) + " (" +
                 to_string(n.tau2_method) + "), I2 = " + num(n.I2, 1) + "% [" + num(n.I2_lower, 1) + "%; " +
                 num(n.I2_upper, 1) + "%]; Q = " + num(n.Q, 2) + " (df = " + num(n.Q_df, 0) + ", " + p_is(n.Q_p) +
                 "), inconsistency Q = " + num(n.Q_inconsistency, 2) + " (df = " + num(n.Q_inconsistency_df, 0) + ", " +
                 p_is(n.Q_inconsistency_p) + ").",
             "key");
      page.table(nma_summary_table(a, pre + "summary" + sub(a), digits));
    }
    if (o.network.empty()) {
      for (const auto& a : o.pairwise)
        if (a.result.ok()) page.p(pooled_text(a, digits), "key");
    }
  }

  // ---- Data and diagnostics ----
  page.h2("data", "Data and diagnostics");
  {
    const Counts c = count_data(data, input.outcomes);
    std::string dl = "<dl class=\"facts\">\n";
    auto fact = [&](const std::string& k, const std::string& v) {
      dl += "<dt>" + esc(k) + "</dt><dd>" + esc(v) + "</dd>\n";
    };
    fact("File", data.source_file);
    fact("Format", data.format);
    fact("Studies", std::to_string(c.studies));
    if (c.arms > 0) fact("Arms", std::to_string(c.arms));
    if (c.contrasts > 0) fact("Reported contrasts", std::to_string(c.contrasts));
    fact("Treatments", std::to_string(c.treatments));
    std::string outs;
    for (std::size_t i = 0; i < input.outcomes.size(); ++i)
      outs += (i ? "; " : "") + outcome_label(input.outcomes[i]) + " (" + to_string(input.outcomes[i].type) + ")";
    fact("Outcomes", outs);
    fact("Errors, warnings, notes",
         std::to_string(input.diagnostics.error_count()) + ", " +
             std::to_string(std::count_if(input.diagnostics.items().begin(), input.diagnostics.items().end(),
                                          [](const Diagnostic& d) { return d.severity == Severity::warning; })) +
             ", " +
             std::to_string(std::count_if(input.diagnostics.items().begin(), input.diagnostics.items().end(),
                                          [](const Diagnostic& d) { return d.severity == Severity::note; })));
    dl += "</dl>\n";
    page.raw(dl);
    page.h3("data-studies", "Included studies");
    if (!data.studies.empty()) page.table(make_study_table(data));
    page.h3("data-excluded", "Excluded");
    page.raw(exclusions_html(data, input.outcomes));
    page.h3("data-diagnostics", "Diagnostics");
    if (input.diagnostics.empty())
      page.p("No problems were found in the data or the analyses.", "diagnostics-none");
    else
      page.raw(diagnostics_html(input.diagnostics));
  }

  // ---- PRISMA ----
  if (input.prisma) {
    page.h2("prisma", "PRISMA flow");
    PrismaFigure f = prisma_flow(*input.prisma);
    out.diagnostics.append(f.diagnostics);
    page.figure("prisma", "PRISMA 2020 flow diagram (Page et al. 2021, doi:10.1136/bmj.n71).", f.svg);
    if (!f.diagnostics.empty()) page.raw(diagnostics_html(f.diagnostics));
  }

  // ---- Network ----
  if (any_network) {
    page.h2("network", "Network meta-analysis");
    for (const auto& o : input.outcomes) {
      for (const auto& a : o.network) {
        const std::string pre = prefix(o) + (a.subnetwork ? "sub" + std::to_string(*a.subnetwork + 1) + "-" : "");
        const std::string ol =
            outcome_label(o) + (a.subnetwork ? ", subnetwork " + std::to_string(*a.subnetwork + 1) : "");
        page.h3("network-" + pre + "outcome", "Network: " + ol);
        if (!a.nma.ok()) {
          page.p("The network meta-analysis could not be run: " +
                 (a.nma.diagnostics.items().empty() ? std::string("see the diagnostics")
                                                    : a.nma.diagnostics.items().front().message) +
                 ".");
          continue;
        }
        GraphBuildOptions gb;
        gb.data = input.data;
        gb.outcome = o.source;
        NetworkGraphData gd = network_graph_data(a.nma, gb);
        NetworkGraphOptions go;
        go.edge_labels = a.nma.treatments.size() <= 12;
        NetworkGraphFigure g = network_graph(gd, go);
        out.diagnostics.append(g.diagnostics);
        page.figure(pre + "network-graph",
                    "Network graph: " + ol +
                        ". Node area proportional to the number of participants (or studies), "
                        "line width to the number of studies; shaded: multi-arm designs.",
                    g.svg);

        page.h4("League table");
        if (a.league_random)
          page.table(make_league_table(*a.league_random, {digits, {}, pre + "league-random"}));
        else if (a.league_common)
          page.table(make_league_table(*a.league_common, {digits, {}, pre + "league-common"}));

        page.h4("Network estimates");
        page.figure(pre + "nma-forest", "Network estimates versus " + a.nma.reference + " (random effects model).",
                    nma_forest_plot(a).str());

        page.h4("Ranking");
        RankingTableOptions rto;
        rto.name = pre + "ranking";
        page.table(make_ranking_table(a, rto));
        if (a.rankogram_random && a.rankogram_random->ok())
          page.figure(pre + "rankogram",
                      "Rankograms (bars: probability of each rank; line: cumulative) of the random effects model, " +
                          std::to_string(a.rankogram_random->nsim) + " simulations, seed " +
                          std::to_string(a.rankogram_random->seed) + ".",
                      rankogram_plot(*a.rankogram_random).str());

        page.h4("Heterogeneity and inconsistency");
        page.table(heterogeneity_table(a, pre + "heterogeneity"));
        if (a.decomposition && a.decomposition->ok() && !a.decomposition->within_by_design.empty())
          page.table(decomposition_table(*a.decomposition, pre + "decomposition"));
        if (a.netsplit && a.netsplit->ok()) {
          NetsplitTableOptions nto;
          nto.digits = digits;
          nto.name = pre + "netsplit";
          page.table(make_netsplit_table(a, nto));
          NetsplitForestOptions nfo;
          nfo.only_with_both = true;
          nfo.level = a.nma.level;
          nfo.digits = digits;
          page.figure(pre + "netsplit-forest",
                      "Direct, indirect and network estimates of the comparisons with direct and indirect evidence "
                      "(random effects model, " +
                          std::string(to_string(a.netsplit->method)) + ").",
                      netsplit_forest_plot(*a.netsplit, a.measure, nfo).str());
        } else {
          page.p(
              "No direct versus indirect comparison: the network has no comparison with both kinds of evidence "
              "or netsplit was not run.");
        }
        if (a.net_heat) {
          NetHeatPlot h = net_heat_plot(*a.net_heat);
          out.diagnostics.append(h.diagnostics);
          page.figure(pre + "net-heat",
                      "Net heat plot (Krahn et al. 2013): grey squares show the contribution of the direct estimate "
                      "of a design (column) to a network estimate (row); red: detaching the column's design lowers "
                      "the inconsistency of the row, blue: raises it.",
                      h.svg);
        }
        if (a.funnel && a.funnel->ok() && !a.funnel->points.empty()) {
          page.h4("Small-study effects");
          const std::string tests = network_funnel_text(*a.funnel);
          page.figure(pre + "funnel-adjusted",
                      "Comparison-adjusted funnel plot (Chaimani & Salanti 2012)" +
                          (tests.empty() ? std::string(".") : ": " + tests + "."),
                      funnel_plot(*a.funnel, a.measure).str());
        }
      }
    }
  }

  // ---- Pairwise ----
  if (any_pairwise) {
    page.h2("pairwise", "Pairwise meta-analyses");
    for (const auto& o : input.outcomes) {
      if (o.pairwise.empty()) continue;
      const std::string pre = prefix(o);
      page.h3("pairwise-" + pre + "outcome", "Pairwise: " + outcome_label(o));
      PairwiseTableOptions pto;
      pto.digits = digits;
      pto.name = pre + "pairwise";
      page.table(make_pairwise_table(o.pairwise, pto, input.data));
      for (const auto& a : o.pairwise) {
        const std::string cmp = a.comparison.treat1 + " vs " + a.comparison.treat2;
        const std::string cslug = slug(a.comparison.treat1) + "-vs-" + slug(a.comparison.treat2);
        page.h4(cmp + " (" + std::to_string(a.result.k) + (a.result.k == 1 ? " study)" : " studies)"));
        if (!a.result.ok()) {
          page.p("Not analysed: " +
                 (a.result.diagnostics.items().empty() ? std::string("see the diagnostics")
                                                       : a.result.diagnostics.items().front().message) +
                 ".");
          continue;
        }
        if (a.result.k < options.pairwise_min_studies) continue;
        ForestOptions fo;
        fo.digits = digits;
        if (o.network.size() == 1 && o.network.front().nma.ok())
          fo.small_values_desirable = o.network.front().small_values == SmallValues::desirable;
        page.raw("<div class=\"figure-row\">\n");
        page.figure(pre + "forest-" + cslug, "Forest plot: " + cmp + " (" + measure_words(a.measure) + ").",
                    forest_plot(a, o.effects, fo, input.data).str());
        if (a.result.k >= options.funnel_min_studies) {
          const std::string tests = small_study_text(a);
          FunnelPlotOptions funnel_options;
          funnel_options.width = 400.0;
          funnel_options.height = 320.0;
          page.figure(pre + "funnel-" + cslug,
                      "Funnel plot: " + cmp + (tests.empty() ? std::string(".") : ". " + tests + "."),
                      funnel_plot(a, o.effects, funnel_options).str(),
                      a.result.k < 10 ? "With fewer than 10 studies the tests have little power." : "");
        }
        page.raw("</div>\n");
      }
    }
  }

  // ---- Certainty ----
  page.h2("certainty", "Certainty of the evidence");
  {
    bool any = false;
    for (const auto& o : input.outcomes) {
      for (std::size_t i = 0; i < o.cinema.size(); ++i) {
        any = true;
        const std::string pre = prefix(o);
        page.h3("certainty-" + pre + std::to_string(i + 1), "CINeMA: " + outcome_label(o));
        page.table(cinema_table(o.cinema[i], pre + "cinema" + (i ? "-" + std::to_string(i + 1) : ""), digits));
      }
    }
    if (!any) {
      std::string why = any_network
                            ? "CINeMA judgements (Nikolakopoulou et al. 2020, doi:10.1371/journal.pmed.1003082) need a "
                              "minimally important difference (MID) or range of equivalence for the imprecision, "
                              "heterogeneity and incoherence domains, and none was given. Run evident report with "
                              "--mid VALUE (on the analysis scale: log scale for ratio measures) to add them."
                            : "No network meta-analysis was run, so no CINeMA judgements were made; GRADE judgements "
                              "for pairwise comparisons can be made from an evidence profile with `evident profile`.";
      page.p(why, "certainty-missing");
    }
  }

  // ---- Methods ----
  page.h2("methods", "Methods");
  {
    const MethodsText m = methods_text(input.methods);
    std::string s = "<div class=\"methods\">\n";
    for (const auto& para : m.paragraphs) s += "<p>" + esc(para) + "</p>\n";
    s += "<h3 id=\"references\">References</h3>\n<ol class=\"references\">\n";
    for (const auto& r : m.references) {
      s += "<li id=\"ref-" + esc(slug(r.key)) + "\">" + esc(r.citation);
      if (!r.doi.empty()) s += " doi:" + esc(r.doi);
      s += "</li>\n";
    }
    s += "</ol>\n</div>\n";
    page.raw(s);
  }

  // ---- Software and settings ----
  page.h2("software", "Software and settings");
  {
    std::string s = "<dl class=\"facts\">\n<dt>Software</dt><dd>" + esc(generator) + "</dd>\n";
    if (!options.date.empty()) s += "<dt>Date</dt><dd>" + esc(options.date) + "</dd>\n";
    for (const auto& [k, v] : input.settings) s += "<dt>" + esc(k) + "</dt><dd>" + esc(v) + "</dd>\n";
    s += "</dl>\n";
    if (!input.command_line.empty())
      s += "<p>Command:</p>\n<pre class=\"command\">" + esc(input.command_line) + "</pre>\n";
    page.raw(s);
  }

  // ---- the page ----
  std::string html;
  html.reserve(page.body_.size() + 16384);
  html += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n";
  html += "<meta name=\"generator\" content=\"" + esc(generator) + "\"/>\n";
  html += "<title>" + esc(title) + "</title>\n<style>\n" + table_css() + css() + "</style>\n</head>\n<body>\n";
  html += "<header class=\"report-header\">\n<h1>" + esc(title) + "</h1>\n<p>Generated by " + esc(generator) +
          (options.date.empty() ? std::string() : " on " + esc(options.date)) + ".</p>\n</header>\n";
  html += page.toc();
  html += "<main>\n" + page.body_ + "</main>\n";
  html += "<footer>" + esc(generator) +
          ". Every number in this report is also in the data-* attributes of its "
          "figure or table cell, in full precision.</footer>\n</body>\n</html>\n";
  out.html = std::move(html);
  out.figures = std::move(page.figures_);
  out.tables = std::move(page.tables_);
  return out;
}

ReportInput analyse_for_report(const Dataset& data, const ReportSettings& settings) {
  ReportInput in;
  in.data = &data;
  bool matched = false;
  std::optional<EffectOptions> first_effects;
  for (const auto& o : data.outcomes) {
    if (!settings.effects.outcome.empty() && o.name != settings.effects.outcome) continue;
    matched = true;
    Diagnostics option_problems;
    const EffectOptions eo = make_effect_options(settings.effects, o, option_problems);
    in.diagnostics.append(option_problems);
    if (option_problems.has_errors()) continue;
    if (!first_effects) first_effects = eo;
    ReportOutcome ro;
    ro.source = &o;
    ro.name = o.name;
    ro.time_point = o.time_point;
    ro.type = o.type;
    ro.mid = o.mid;
    ro.effects = compute_effects(data, o, eo);
    in.diagnostics.append(ro.effects.diagnostics);
    if (ro.effects.diagnostics.has_errors() || ro.effects.contrasts.empty()) {
      in.outcomes.push_back(std::move(ro));
      continue;
    }
    if (std::find(in.methods.measures.begin(), in.methods.measures.end(), ro.effects.measure) ==
        in.methods.measures.end())
      in.methods.measures.push_back(ro.effects.measure);
    if (settings.run_pairwise) {
      ro.pairwise = analyse_outcome(data, o, ro.effects, settings.pairwise);
      for (const auto& a : ro.pairwise) {
        in.diagnostics.append(a.result.diagnostics);
        in.diagnostics.append(a.diagnostics);
      }
    }
    const bool network = treatment_count(ro.effects) >= 3 || comparisons(ro.effects).size() > 1;
    if (settings.run_network && network) {
      ro.network = analyse_network_outcome(o, ro.effects, settings.network);
      const bool has_range = settings.cinema.range || settings.cinema.mid || o.mid;
      for (const auto& a : ro.network) {
        in.diagnostics.append(a.nma.diagnostics);
        in.diagnostics.append(a.diagnostics);
        if (has_range && a.nma.ok() && a.contribution) {
          ro.cinema.push_back(cinema(a, data, settings.cinema));
          in.diagnostics.append(ro.cinema.back().diagnostics);
        }
      }
    }
    in.outcomes.push_back(std::move(ro));
  }
  if (!matched) {
    std::string names;
    for (const auto& o : data.outcomes) names += (names.empty() ? "'" : ", '") + o.name + "'";
    Diagnostic& d = in.diagnostics.error("invalid-option", {}, "no outcome named '" + settings.effects.outcome + "'",
                                         "outcomes: " + names);
    d.field = "outcome";
  }
  if (first_effects) in.methods.effects = *first_effects;
  bool any_pairwise = false, any_network = false;
  for (const auto& o : in.outcomes) {
    any_pairwise = any_pairwise || !o.pairwise.empty();
    any_network = any_network || !o.network.empty();
  }
  if (any_pairwise) in.methods.pairwise = settings.pairwise;
  if (any_network) in.methods.network = settings.network;
  return in;
}

}  // namespace evident::report
