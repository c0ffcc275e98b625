// evident: forest plots (see forest.hpp).
#include "evident/report/forest.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>

#include "evident/core/distributions.hpp"

namespace evident::report {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const std::string kMinus = "\xE2\x88\x92";
const std::string kSup2 = "\xC2\xB2";
const std::string kTau = "\xCF\x84";
const std::string kChi = "\xCF\x87";

bool finite(double x) {
  return std::isfinite(x);
}

std::string with_minus(std::string s) {
  if (!s.empty() && s[0] == '-') s = kMinus + s.substr(1);
  return s;
}

/// Counts and inputs: up to 2 decimals, trailing zeros dropped ("119", "12.5", "−1.7").
std::string num(const std::optional<double>& x) {
  if (!x || !finite(*x)) return "";
  return with_minus(svg::fixed(*x, 2));
}

std::string fixed_digits(double x, int digits) {
  if (!finite(x)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  return with_minus(buf);
}

std::string p_text(double p) {
  if (!finite(p)) return "";
  if (p < 0.0001) return "p < 0.0001";
  return "p = " + fixed_digits(p, 4);
}

/// Axis tick labels: as short as possible ("0.1", "1", "10", "−2").
std::string tick_label(double v) {
  return with_minus(svg::fixed(v, 3));
}

// ---------------------------------------------------------------------------------------------
// A generic forest layout: text columns left and right of the plot, one row per line.

struct Column {
  std::string group;   ///< spanning header above (e.g. a treatment name); equal neighbours share it
  std::string header;  ///< column header
  bool right_align = true;
};

enum class MarkKind { none, square, diamond, bar };

struct Mark {
  MarkKind kind = MarkKind::none;
  double te = kNaN, lower = kNaN, upper = kNaN;  ///< analysis scale
  double size = 1.0;                             ///< squares: relative area in (0, 1]
  const char* colour = svg::colour::ink;
};

struct Row {
  std::vector<std::string> cells;  ///< left columns then right columns; missing cells are empty
  bool bold = false;
  std::string span;  ///< text drawn from the first column across the figure instead of cells
  Mark mark;
  svg::Attrs attrs;  ///< group attributes (class, data-*); empty: no group
};

struct Layout {
  std::vector<Column> left, right;
  std::vector<Row> rows;
  bool log = false;
  std::optional<std::pair<double, double>> xlim;  ///< display scale
  double null_value = 0.0;                        ///< analysis scale
  std::optional<double> pooled_line;              ///< dashed vertical line (analysis scale)
  std::string left_label, right_label;
  std::string title, heading;
  double plot_width = 260.0, row_height = 18.0, font = 12.0;
  std::string figure_class;
};

double to_display(double x, bool log) {
  return log ? std::exp(x) : x;
}
double to_analysis(double x, bool log) {
  return log ? std::log(x) : x;
}

/// Domain (analysis scale) and ticks (analysis scale) of the plot.
void plot_domain(const Layout& L, double& d0, double& d1, std::vector<double>& tick_values) {
  if (L.xlim && finite(L.xlim->first) && finite(L.xlim->second) && L.xlim->first < L.xlim->second &&
      (!L.log || L.xlim->first > 0.0)) {
    d0 = to_analysis(L.xlim->first, L.log);
    d1 = to_analysis(L.xlim->second, L.log);
  } else {
    d0 = L.null_value;
    d1 = L.null_value;
    for (const Row& r : L.rows)
      for (const double v : {r.mark.lower, r.mark.upper, r.mark.te})
        if (r.mark.kind != MarkKind::none && finite(v)) {
          d0 = std::min(d0, v);
          d1 = std::max(d1, v);
        }
    if (d1 - d0 < 1e-9) {
      d0 -= L.log ? std::log(2.0) : 1.0;
      d1 += L.log ? std::log(2.0) : 1.0;
    }
    // widen to the neighbouring "nice" values (1-2-5 x 10^k on a log scale)
    if (L.log) {
      double lo = std::exp(d0), hi = std::exp(d1), nlo = 0.0, nhi = 0.0;
      for (int e = -12; e <= 12; ++e)
        for (const double m : {1.0, 2.0, 5.0}) {
          const double v = m * std::pow(10.0, e);
          if (v <= lo * (1 + 1e-12)) nlo = v;
          if (v >= hi * (1 - 1e-12) && nhi == 0.0) nhi = v;
        }
      if (nlo > 0.0) d0 = std::log(nlo);
      if (nhi > 0.0) d1 = std::log(nhi);
    } else {
      const auto t = svg::ticks(d0, d1, 5, false);
      if (t.size() >= 2) {
        const double step = t[1] - t[0];
        d0 = std::floor(d0 / step + 1e-9) * step;
        d1 = std::ceil(d1 / step - 1e-9) * step;
      }
    }
  }
  tick_values.clear();
  if (L.log) {
    for (const double t : svg::ticks(std::exp(d0), std::exp(d1), 5, true)) tick_values.push_back(std::log(t));
    if (tick_values.size() > 9) {  // thin long decade lists
      std::vector<double> thin;
      for (std::size_t i = 0; i < tick_values.size(); i += 2) thin.push_back(tick_values[i]);
      tick_values = thin;
    }
  } else {
    tick_values = svg::ticks(d0, d1, 5, false);
  }
}

double column_width(const Column& c, const std::vector<Row>& rows, std::size_t index, double font) {
  // Helvetica widths, plus a margin for the wider fallback fonts (DejaVu Sans, Arial) browsers may use
  constexpr double kFallback = 1.22;
  double w = svg::text_width(c.header, font, true);
  for (const Row& r : rows)
    if (r.span.empty() && index < r.cells.size()) w = std::max(w, svg::text_width(r.cells[index], font, r.bold));
  return w * kFallback;
}

svg::Svg render(const Layout& L) {
  const double pad = 14.0, margin = 10.0, rh = L.row_height, font = L.font;
  const std::size_t nl = L.left.size(), nr = L.right.size();
  std::vector<double> width(nl + nr), x(nl + nr);
  for (std::size_t i = 0; i < nl; ++i) width[i] = column_width(L.left[i], L.rows, i, font);
  for (std::size_t i = 0; i < nr; ++i) width[nl + i] = column_width(L.right[i], L.rows, nl + i, font);
  // group headers may be wider than their columns: widen the last column of the group
  auto widen_groups = [&](std::size_t from, std::size_t to, const std::vector<Column>& cols) {
    std::size_t i = from;
    while (i < to) {
      std::size_t j = i;
      while (j + 1 < to && cols[j + 1 - from].group == cols[i - from].group) ++j;
      if (!cols[i - from].group.empty()) {
        double span = 0.0;
        for (std::size_t c = i; c <= j; ++c) span += width[c] + (c > i ? pad : 0.0);
        const double need = 1.12 * svg::text_width(cols[i - from].group, font, true);
        if (need > span) width[j] += need - span;
      }
      i = j + 1;
    }
  };
  widen_groups(0, nl, L.left);
  widen_groups(nl, nl + nr, L.right);

  double cx = margin;
  for (std::size_t i = 0; i < nl; ++i) {
    x[i] = cx;
    cx += width[i] + pad;
  }
  const double plot_x0 = cx + 4.0, plot_x1 = plot_x0 + L.plot_width;
  cx = plot_x1 + pad + 4.0;
  for (std::size_t i = 0; i < nr; ++i) {
    x[nl + i] = cx;
    cx += width[nl + i] + pad;
  }
  double fig_w = cx - pad + margin;
  for (const Row& r : L.rows)
    if (!r.span.empty()) fig_w = std::max(fig_w, margin + 1.12 * svg::text_width(r.span, font, r.bold) + margin);
  if (!L.heading.empty()) fig_w = std::max(fig_w, 2 * margin + 1.12 * svg::text_width(L.heading, font));

  double y = margin;
  const double title_h = L.title.empty() ? 0.0 : rh * 1.4;
  const double heading_h = L.heading.empty() ? 0.0 : rh;
  bool any_group = false;
  for (const auto& c : L.left) any_group = any_group || !c.group.empty();
  for (const auto& c : L.right) any_group = any_group || !c.group.empty();
  const double header_h = (any_group ? 2.0 : 1.0) * rh + 6.0;
  const double rows_top = y + title_h + heading_h + header_h;
  const double rows_h = static_cast<double>(L.rows.size()) * rh;
  const double axis_y = rows_top + rows_h + 6.0;
  const bool favours = !L.left_label.empty() || !L.right_label.empty();
  const double fig_h = axis_y + 6.0 + font + 6.0 + (favours ? font + 8.0 : 0.0) + margin;

  svg::Svg s(std::ceil(fig_w), std::ceil(fig_h));
  s.title(L.title.empty() ? L.heading : L.title);
  s.open_group({{"class", L.figure_class}, {"font-size", svg::fixed(font)}});
  if (!L.title.empty())
    s.text(margin, y + rh, L.title, {{"font-weight", "bold"}, {"font-size", svg::fixed(font * 1.2)}});
  y += title_h;
  if (!L.heading.empty()) s.text(margin, y + rh * 0.75, L.heading, {{"fill", svg::colour::ink}});
  y += heading_h;

  // headers
  auto anchor_x = [&](std::size_t i, bool right) { return right ? x[i] + width[i] : x[i]; };
  auto column = [&](std::size_t i) -> const Column& { return i < nl ? L.left[i] : L.right[i - nl]; };
  s.open_group({{"class", "header"}, {"font-weight", "bold"}});
  if (any_group) {
    std::size_t i = 0;
    while (i < nl + nr) {
      std::size_t j = i;
      while (j + 1 < nl + nr && (j + 1 < nl) == (i < nl) && column(j + 1).group == column(i).group) ++j;
      if (!column(i).group.empty())
        s.text((x[i] + x[j] + width[j]) / 2.0, y + rh * 0.75, column(i).group, {{"text-anchor", "middle"}});
      i = j + 1;
    }
    y += rh;
  }
  for (std::size_t i = 0; i < nl + nr; ++i) {
    const bool right = column(i).right_align;
    s.text(anchor_x(i, right), y + rh * 0.75, column(i).header, {{"text-anchor", right ? "end" : "start"}});
  }
  s.close_group();
  y += rh + 6.0;
  s.line(margin, y - 3.0, fig_w - margin, y - 3.0, {{"stroke", svg::colour::light}});

  double d0 = 0.0, d1 = 1.0;
  std::vector<double> tick_values;
  plot_domain(L, d0, d1, tick_values);
  const svg::Scale sc{d0, d1, plot_x0, plot_x1, false};
  auto inside = [&](double v) { return finite(v) && v >= d0 - 1e-12 && v <= d1 + 1e-12; };

  // null line and pooled line, behind the marks
  if (inside(L.null_value))
    s.line(sc(L.null_value), rows_top, sc(L.null_value), axis_y,
           {{"class", "null-line"}, {"stroke", svg::colour::grey}});
  if (L.pooled_line && inside(*L.pooled_line))
    s.line(sc(*L.pooled_line), rows_top, sc(*L.pooled_line), axis_y,
           {{"class", "pooled-line"}, {"stroke", svg::colour::grey}, {"stroke-dasharray", "3,3"}});

  const double max_square = rh * 0.8;
  for (std::size_t ri = 0; ri < L.rows.size(); ++ri) {
    const Row& r = L.rows[ri];
    const double top = rows_top + static_cast<double>(ri) * rh;
    const double mid = top + rh / 2.0, base = top + rh * 0.72;
    if (!r.attrs.empty()) {
      svg::Attrs a = r.attrs;
      a.emplace_back("data-row", std::to_string(ri));
      s.open_group(a);
    }
    svg::Attrs text_attrs;
    if (r.bold) text_attrs.emplace_back("font-weight", "bold");
    if (!r.span.empty()) {
      s.text(margin, base, r.span, text_attrs);
    } else {
      for (std::size_t i = 0; i < nl + nr && i < r.cells.size(); ++i) {
        if (r.cells[i].empty()) continue;
        const bool right = column(i).right_align;
        svg::Attrs a = text_attrs;
        a.emplace_back("text-anchor", right ? "end" : "start");
        s.text(anchor_x(i, right), base, r.cells[i], a);
      }
    }
    const Mark& m = r.mark;
    if (m.kind == MarkKind::square && finite(m.te) && finite(m.lower) && finite(m.upper)) {
      const double lo = std::max(m.lower, d0), hi = std::min(m.upper, d1);
      if (lo < hi) s.line(sc(lo), mid, sc(hi), mid, {{"stroke", m.colour}, {"class", "ci"}});
      if (m.lower < d0 && m.upper > d0)
        s.polygon({{sc(d0), mid}, {sc(d0) + 5, mid - 3}, {sc(d0) + 5, mid + 3}},
                  {{"fill", m.colour}, {"class", "arrow"}});
      if (m.upper > d1 && m.lower < d1)
        s.polygon({{sc(d1), mid}, {sc(d1) - 5, mid - 3}, {sc(d1) - 5, mid + 3}},
                  {{"fill", m.colour}, {"class", "arrow"}});
      if (inside(m.te)) {
        const double side = std::max(3.0, max_square * std::sqrt(std::clamp(m.size, 0.0, 1.0)));
        s.rect(sc(m.te) - side / 2, mid - side / 2, side, side, {{"fill", m.colour}, {"class", "square"}});
      }
    } else if (m.kind == MarkKind::diamond && finite(m.te) && finite(m.lower) && finite(m.upper)) {
      const double lo = std::clamp(m.lower, d0, d1), hi = std::clamp(m.upper, d0, d1), te = std::clamp(m.te, d0, d1);
      const double h = rh * 0.36;
      s.polygon({{sc(lo), mid}, {sc(te), mid - h}, {sc(hi), mid}, {sc(te), mid + h}},
                {{"fill", m.colour}, {"stroke", m.colour}, {"class", "shape"}});
    } else if (m.kind == MarkKind::bar && finite(m.lower) && finite(m.upper)) {
      const double lo = std::clamp(m.lower, d0, d1), hi = std::clamp(m.upper, d0, d1);
      s.rect(sc(lo), mid - 3, std::max(0.0, sc(hi) - sc(lo)), 6,
             {{"fill", m.colour}, {"fill-opacity", "0.35"}, {"stroke", m.colour}, {"class", "bar"}});
    }
    if (!r.attrs.empty()) s.close_group();
  }

  // axis
  s.open_group({{"class", "axis"}, {"data-scale", L.log ? "log" : "linear"}});
  s.line(plot_x0, axis_y, plot_x1, axis_y, {{"stroke", svg::colour::ink}});
  for (const double t : tick_values) {
    const double px = sc(t);
    s.line(px, axis_y, px, axis_y + 4, {{"stroke", svg::colour::ink}});
    s.text(px, axis_y + 6 + font, tick_label(to_display(t, L.log)),
           {{"class", "tick"}, {"text-anchor", "middle"}, {"data-value", svg::full(to_display(t, L.log))}});
  }
  if (favours) {
    const double fy = axis_y + 6 + font + 6 + font;
    const double nx = inside(L.null_value) ? sc(L.null_value) : (plot_x0 + plot_x1) / 2;
    if (!L.left_label.empty()) s.text(nx - 6, fy, L.left_label, {{"class", "favours-left"}, {"text-anchor", "end"}});
    if (!L.right_label.empty())
      s.text(nx + 6, fy, L.right_label, {{"class", "favours-right"}, {"text-anchor", "start"}});
  }
  s.close_group();
  s.close_group();
  return s;
}

// ---------------------------------------------------------------------------------------------
// Pairwise forest plot

struct StudyRow {
  std::string study;
  double te = kNaN, se = kNaN, lower = kNaN, upper = kNaN;
  double w_common = kNaN, w_random = kNaN;
  std::optional<double> e1, n1, e2, n2, m1, sd1, m2, sd2, t1, t2;
  std::optional<int> year;
  std::string subgroup;
  std::size_t order = 0;  ///< input order
};

enum class ArmKind { none, binary, continuous, rate };

std::string estimate_text(double te, double lo, double hi, bool log, int digits) {
  if (!finite(te)) return "";
  std::string s = svg::label(to_display(te, log), digits);
  if (finite(lo) && finite(hi))
    s += " [" + svg::label(to_display(lo, log), digits) + "; " + svg::label(to_display(hi, log), digits) + "]";
  return s;
}

std::string weight_text(double w) {
  if (!finite(w)) return "";
  return svg::label(w, 1) + "%";
}

std::string measure_name(Measure m) {
  switch (m) {
    case Measure::MD:
      return "Mean difference";
    case Measure::SMD:
      return "Standardised mean difference";
    case Measure::GLASS:
      return "Glass's delta";
    case Measure::ROM:
      return "Ratio of means";
    case Measure::OR:
      return "Odds ratio";
    case Measure::RR:
      return "Risk ratio";
    case Measure::RD:
      return "Risk difference";
    case Measure::IRR:
      return "Incidence rate ratio";
    case Measure::IRD:
      return "Incidence rate difference";
    case Measure::HR:
      return "Hazard ratio";
    case Measure::GEN:
      return "Estimate";
    case Measure::PR:
      return "Proportion";
    case Measure::PLN:
      return "Log proportion";
    case Measure::PLO:
      return "Logit proportion";
    case Measure::PAS:
      return "Arcsine proportion";
  }
  return "Estimate";
}

std::string heterogeneity_text(const Heterogeneity& h, const HeterogeneityCI& ci, double tau2, int digits_tau2,
                               bool with_tau2) {
  std::string s = "Heterogeneity: I" + kSup2 + " = " + svg::label(h.I2, 0) + "%";
  if (ci.defined && finite(ci.I2_lower) && finite(ci.I2_upper))
    s += " [" + svg::label(ci.I2_lower, 0) + "%; " + svg::label(ci.I2_upper, 0) + "%]";
  if (with_tau2 && finite(tau2)) s += ", " + kTau + kSup2 + " = " + fixed_digits(tau2, digits_tau2);
  s += ", Q = " + fixed_digits(h.Q, 2) + " (df = " + svg::fixed(h.df, 0) + ")";
  if (h.df > 0) s += ", " + p_text(h.p_value);
  return s;
}

svg::Attrs heterogeneity_attrs(const Heterogeneity& h, const HeterogeneityCI& ci, double tau2,
                               const std::string& subgroup) {
  svg::Attrs a{{"class", "heterogeneity"},
               {"data-I2", svg::full(h.I2)},
               {"data-I2-lower", ci.defined ? svg::full(ci.I2_lower) : ""},
               {"data-I2-upper", ci.defined ? svg::full(ci.I2_upper) : ""},
               {"data-tau2", svg::full(tau2)},
               {"data-Q", svg::full(h.Q)},
               {"data-df", svg::full(h.df)},
               {"data-p", svg::full(h.p_value)}};
  if (!subgroup.empty()) a.emplace_back("data-subgroup", subgroup);
  return a;
}

void favours_labels(const std::string& treat1, const std::string& treat2, bool small_desirable, FavoursSide side,
                    const std::optional<std::string>& left, const std::optional<std::string>& right, Layout& L) {
  if (side == FavoursSide::automatic && !treat1.empty() && !treat2.empty()) {
    L.left_label = "Favours " + (small_desirable ? treat1 : treat2);
    L.right_label = "Favours " + (small_desirable ? treat2 : treat1);
  }
  if (left) L.left_label = *left;
  if (right) L.right_label = *right;
}

}  // namespace

svg::Svg forest_plot(const PairwiseAnalysis& analysis, const EffectSet& set, const ForestOptions& options,
                     const Dataset* data) {
  const MetaResult& res = analysis.result;
  const bool log = is_ratio(analysis.measure);
  const double level = res.options.level > 0 && res.options.level < 1 ? res.options.level : 0.95;
  const double z = stats::normal_upper_quantile((1.0 - level) / 2.0);
  const std::string& t1 = analysis.comparison.treat1;
  const std::string& t2 = analysis.comparison.treat2;

  // study rows from the contrasts of this comparison, in the analysis' order
  std::vector<StudyRow> rows;
  ArmKind arms = ArmKind::none;
  for (const EffectContrast& c : set.contrasts) {
    bool flip = false;
    if (t1.empty() && t2.empty()) {
      // no comparison named: every contrast (as the analysis of a single comparison)
    } else if (c.treat1 == t1 && c.treat2 == t2) {
    } else if (c.treat1 == t2 && c.treat2 == t1) {
      flip = true;
    } else {
      continue;
    }
    StudyRow r;
    r.study = c.study;
    r.te = flip ? -c.te : c.te;
    r.se = c.se;
    r.order = rows.size();
    if (finite(r.te) && finite(r.se) && r.se >= 0) {
      r.lower = r.te - z * r.se;
      r.upper = r.te + z * r.se;
    }
    auto pick = [flip](const std::optional<double>& a, const std::optional<double>& b) { return flip ? b : a; };
    r.e1 = pick(c.events1, c.events2);
    r.e2 = pick(c.events2, c.events1);
    r.n1 = pick(c.n1, c.n2);
    r.n2 = pick(c.n2, c.n1);
    r.m1 = pick(c.mean1, c.mean2);
    r.m2 = pick(c.mean2, c.mean1);
    r.sd1 = pick(c.sd1, c.sd2);
    r.sd2 = pick(c.sd2, c.sd1);
    r.t1 = pick(c.time1, c.time2);
    r.t2 = pick(c.time2, c.time1);
    if (arms == ArmKind::none) {
      if ((c.time1 || c.time2) && (c.events1 || c.events2))
        arms = ArmKind::rate;
      else if (c.events1 || c.events2)
        arms = ArmKind::binary;
      else if (c.mean1 || c.mean2)
        arms = ArmKind::continuous;
    }
    if (data) {
      const std::size_t i = c.study_index < data->studies.size() && data->studies[c.study_index].label == c.study
                                ? c.study_index
                                : data->find_study(c.study);
      if (i < data->studies.size()) r.year = data->studies[i].year;
    }
    rows.push_back(std::move(r));
  }
  // weights from the result when it matches the rows
  const bool matches = res.study.size() == rows.size() &&
                       std::equal(res.study.begin(), res.study.end(), rows.begin(),
                                  [](const std::string& a, const StudyRow& b) { return a == b.study; });
  if (matches) {
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (i < res.common_weights.size()) rows[i].w_common = res.common_weights[i];
      if (i < res.random.weights.size()) rows[i].w_random = res.random.weights[i];
    }
  }
  if (!options.arm_inputs) arms = ArmKind::none;

  // subgroup membership (subgroup rows index the studies that have a value, in the same order)
  const SubgroupResult* sg = analysis.subgroups && analysis.subgroups->ok() ? &*analysis.subgroups : nullptr;
  std::vector<std::string> group_order;
  if (sg) {
    std::vector<std::pair<std::size_t, std::string>> sub;  // sub row -> subgroup name
    for (const Subgroup& g : sg->subgroups) {
      group_order.push_back(g.name);
      for (const std::size_t r : g.rows) sub.emplace_back(r, g.name);
    }
    std::sort(sub.begin(), sub.end());
    std::vector<std::string> sub_names = sg->overall.study;
    std::size_t next = 0;
    for (std::size_t j = 0; j < sub_names.size(); ++j) {
      while (next < rows.size() && rows[next].study != sub_names[j]) ++next;
      if (next == rows.size()) break;
      for (const auto& [r, name] : sub)
        if (r == j) rows[next].subgroup = name;
      ++next;
    }
  }

  // sort
  const bool by_random = options.random;
  auto weight_of = [by_random](const StudyRow& r) { return by_random ? r.w_random : r.w_common; };
  auto key_less = [&](const StudyRow& a, const StudyRow& b) {
    switch (options.sort) {
      case ForestSort::as_given:
        return false;
      case ForestSort::effect: {
        if (!finite(a.te)) return false;
        if (!finite(b.te)) return true;
        return a.te < b.te;
      }
      case ForestSort::weight: {
        const double wa = weight_of(a), wb = weight_of(b);
        if (!finite(wa)) return false;
        if (!finite(wb)) return true;
        return wa > wb;
      }
      case ForestSort::year: {
        if (!a.year) return false;
        if (!b.year) return true;
        return *a.year < *b.year;
      }
    }
    return false;
  };
  std::stable_sort(rows.begin(), rows.end(), key_less);

  // columns
  Layout L;
  L.figure_class = "forest";
  L.log = log;
  L.null_value = 0.0;
  L.xlim = options.xlim;
  L.plot_width = options.plot_width;
  L.row_height = options.row_height;
  L.font = options.font_size;
  L.title = options.title;
  L.left.push_back({"", "Study", false});
  const std::string g1 = t1.empty() ? "Experimental" : t1, g2 = t2.empty() ? "Control" : t2;
  switch (arms) {
    case ArmKind::binary:
      L.left.insert(L.left.end(),
                    {{g1, "Events", true}, {g1, "Total", true}, {g2, "Events", true}, {g2, "Total", true}});
      break;
    case ArmKind::rate:
      L.left.insert(L.left.end(), {{g1, "Events", true}, {g1, "Time", true}, {g2, "Events", true}, {g2, "Time", true}});
      break;
    case ArmKind::continuous:
      L.left.insert(L.left.end(), {{g1, "Mean", true},
                                   {g1, "SD", true},
                                   {g1, "Total", true},
                                   {g2, "Mean", true},
                                   {g2, "SD", true},
                                   {g2, "Total", true}});
      break;
    case ArmKind::none:
      break;
  }
  const std::string ci_header =
      std::string(to_string(analysis.measure)) + " [" + svg::fixed(level * 100.0, 1) + "% CI]";
  L.right.push_back({"", ci_header, true});
  if (options.common) L.right.push_back({"", "Weight (common)", true});
  if (options.random) L.right.push_back({"", "Weight (random)", true});
  const std::size_t nl = L.left.size();
  const std::size_t ncols = nl + L.right.size();
  const std::size_t col_ci = nl, col_wc = nl + 1, col_wr = nl + (options.common ? 2 : 1);

  double wmax = 0.0;
  for (const StudyRow& r : rows)
    if (finite(weight_of(r))) wmax = std::max(wmax, weight_of(r));

  auto study_row = [&](const StudyRow& r) {
    Row row;
    row.cells.assign(ncols, "");
    row.cells[0] = r.study;
    switch (arms) {
      case ArmKind::binary:
        row.cells[1] = num(r.e1), row.cells[2] = num(r.n1), row.cells[3] = num(r.e2), row.cells[4] = num(r.n2);
        break;
      case ArmKind::rate:
        row.cells[1] = num(r.e1), row.cells[2] = num(r.t1), row.cells[3] = num(r.e2), row.cells[4] = num(r.t2);
        break;
      case ArmKind::continuous:
        row.cells[1] = num(r.m1), row.cells[2] = num(r.sd1), row.cells[3] = num(r.n1);
        row.cells[4] = num(r.m2), row.cells[5] = num(r.sd2), row.cells[6] = num(r.n2);
        break;
      case ArmKind::none:
        break;
    }
    row.cells[col_ci] = estimate_text(r.te, r.lower, r.upper, log, options.digits);
    if (options.common) row.cells[col_wc] = weight_text(r.w_common);
    if (options.random) row.cells[col_wr] = weight_text(r.w_random);
    row.mark.kind = MarkKind::square;
    row.mark.te = r.te;
    row.mark.lower = r.lower;
    row.mark.upper = r.upper;
    row.mark.size = wmax > 0 && finite(weight_of(r)) ? weight_of(r) / wmax : 0.3;
    row.mark.colour = svg::colour::grey;
    row.attrs = {{"class", "study"},
                 {"data-study", r.study},
                 {"data-te", svg::full(r.te)},
                 {"data-se", svg::full(r.se)},
                 {"data-lower", svg::full(r.lower)},
                 {"data-upper", svg::full(r.upper)},
                 {"data-weight-common", svg::full(r.w_common)},
                 {"data-weight-random", svg::full(r.w_random)}};
    if (r.year) row.attrs.emplace_back("data-year", std::to_string(*r.year));
    if (!r.subgroup.empty()) row.attrs.emplace_back("data-subgroup", r.subgroup);
    L.rows.push_back(std::move(row));
  };
  auto diamond_row = [&](const std::string& label, const char* model, const PooledEstimate& p, double weight,
                         const std::string& subgroup) {
    Row row;
    row.cells.assign(ncols, "");
    row.bold = true;
    row.cells[0] = label;
    row.cells[col_ci] = estimate_text(p.estimate, p.ci_lower, p.ci_upper, log, options.digits);
    const bool is_common = std::string(model) == "common";
    if (is_common && options.common) row.cells[col_wc] = weight_text(weight);
    if (!is_common && options.random) row.cells[col_wr] = weight_text(weight);
    row.mark.kind = MarkKind::diamond;
    row.mark.te = p.estimate;
    row.mark.lower = p.ci_lower;
    row.mark.upper = p.ci_upper;
    row.mark.colour = is_common ? svg::colour::blue : svg::colour::red;
    row.attrs = {{"class", "diamond"},
                 {"data-model", model},
                 {"data-te", svg::full(p.estimate)},
                 {"data-se", svg::full(p.se)},
                 {"data-lower", svg::full(p.ci_lower)},
                 {"data-upper", svg::full(p.ci_upper)},
                 {"data-p", svg::full(p.p_value)}};
    if (!subgroup.empty()) row.attrs.emplace_back("data-subgroup", subgroup);
    L.rows.push_back(std::move(row));
  };
  auto text_row = [&](const std::string& text, svg::Attrs attrs, bool bold = false) {
    Row row;
    row.span = text;
    row.bold = bold;
    row.attrs = std::move(attrs);
    L.rows.push_back(std::move(row));
  };
  auto sum_weights = [&](const std::vector<const StudyRow*>& rs, bool common) {
    double s = 0.0;
    for (const StudyRow* r : rs) s += common ? r->w_common : r->w_random;
    return s;
  };
  auto pooled_block = [&](const MetaResult& m, const std::vector<const StudyRow*>& rs, const std::string& subgroup,
                          bool prediction) {
    if (!m.ok()) return;
    if (options.common) diamond_row("Common effect model", "common", m.common, sum_weights(rs, true), subgroup);
    if (options.random)
      diamond_row("Random effects model", "random", m.random.pooled, sum_weights(rs, false), subgroup);
    if (prediction && options.prediction && options.random && m.random.prediction) {
      Row row;
      row.cells.assign(ncols, "");
      row.cells[0] = "Prediction interval";
      const auto& pi = *m.random.prediction;
      row.cells[col_ci] = finite(pi.lower) ? "[" + svg::label(to_display(pi.lower, log), options.digits) + "; " +
                                                 svg::label(to_display(pi.upper, log), options.digits) + "]"
                                           : "";
      row.mark.kind = MarkKind::bar;
      row.mark.lower = pi.lower;
      row.mark.upper = pi.upper;
      row.mark.colour = svg::colour::red;
      row.attrs = {{"class", "prediction"}, {"data-lower", svg::full(pi.lower)}, {"data-upper", svg::full(pi.upper)}};
      if (!subgroup.empty()) row.attrs.emplace_back("data-subgroup", subgroup);
      L.rows.push_back(std::move(row));
    }
    if (options.heterogeneity && m.k >= 2) {
      const HeterogeneityCI ci = subgroup.empty()
                                     ? analysis.I2_test_based
                                     : i2_test_based_ci(m.heterogeneity.Q, static_cast<double>(m.k), level);
      text_row(heterogeneity_text(m.heterogeneity, ci, m.random.tau2, options.digits_tau2, options.random),
               heterogeneity_attrs(m.heterogeneity, ci, m.random.tau2, subgroup));
    }
  };

  std::vector<const StudyRow*> all;
  for (const StudyRow& r : rows) all.push_back(&r);
  if (sg) {
    std::vector<std::string> groups = group_order;
    bool missing = false;
    for (const StudyRow& r : rows) missing = missing || r.subgroup.empty();
    if (missing) groups.push_back("");
    for (const std::string& g : groups) {
      const std::string heading =
          g.empty() ? "Not in the subgroup analysis" : (analysis.subgroup_by ? *analysis.subgroup_by + " = " : "") + g;
      text_row(heading, {{"class", "subgroup"}, {"data-subgroup", g}}, true);
      std::vector<const StudyRow*> members;
      for (const StudyRow& r : rows)
        if (r.subgroup == g) {
          study_row(r);
          members.push_back(&r);
        }
      if (!g.empty())
        for (const Subgroup& s : sg->subgroups)
          if (s.name == g) pooled_block(s.result, members, g, false);
      text_row("", {});
    }
  } else {
    for (const StudyRow& r : rows) study_row(r);
  }
  if (!rows.empty()) {
    pooled_block(res, all, "", true);
    if (res.ok() && options.random)
      L.pooled_line = res.random.pooled.estimate;
    else if (res.ok() && options.common)
      L.pooled_line = res.common.estimate;
  }
  if (sg && sg->subgroups.size() >= 2) {
    auto test_row = [&](const char* model, const char* name, const SubgroupTest& t) {
      text_row("Test for subgroup differences (" + std::string(name) + "): " + kChi + kSup2 + " = " +
                   fixed_digits(t.Q, 2) + ", df = " + svg::fixed(t.df, 0) + ", " + p_text(t.p_value),
               {{"class", "subgroup-test"},
                {"data-model", model},
                {"data-Q", svg::full(t.Q)},
                {"data-df", svg::full(t.df)},
                {"data-p", svg::full(t.p_value)}});
    };
    if (options.common) test_row("common", "common effect", sg->common);
    if (options.random) test_row("random", "random effects", sg->random_separate_tau2);
  }
  // figure heading
  std::string heading = measure_name(analysis.measure) + (t1.empty() ? "" : ": " + t1 + " vs " + t2);
  if (!analysis.outcome.empty()) heading = analysis.outcome + " - " + heading;
  L.heading = heading;
  favours_labels(t1, t2, options.small_values_desirable, options.favours, options.label_left, options.label_right, L);
  return render(L);
}

svg::Svg nma_forest_plot(const NetworkAnalysis& analysis, const NmaForestOptions& options) {
  const NmaResult& nma = analysis.nma;
  const bool log = is_ratio(analysis.measure);
  const NmaModel& model = options.random ? nma.random : nma.common;
  const std::optional<PScoreResult>& ps = options.random ? analysis.pscore_random : analysis.pscore_common;
  const std::string ref_name = options.reference.empty() ? nma.reference : options.reference;
  const std::size_t ref = nma.treatment_index(ref_name);
  const auto n = static_cast<Eigen::Index>(nma.treatments.size());
  const bool usable = ref != NmaResult::npos && model.TE.rows() == n && model.TE.cols() == n &&
                      model.lower.rows() == n && model.upper.rows() == n;

  std::vector<std::size_t> order(nma.treatments.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  auto pscore_of = [&](std::size_t i) {
    if (!ps || !ps->ok()) return kNaN;
    for (std::size_t j = 0; j < ps->treatments.size() && j < ps->pscore.size(); ++j)
      if (ps->treatments[j] == nma.treatments[i]) return ps->pscore[j];
    return kNaN;
  };
  if (options.sort == NmaForestSort::pscore)
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      const double pa = pscore_of(a), pb = pscore_of(b);
      if (!finite(pa)) return false;
      if (!finite(pb)) return true;
      return pa > pb;
    });

  Layout L;
  L.figure_class = "nma-forest";
  L.log = log;
  L.xlim = options.xlim;
  L.plot_width = options.plot_width;
  L.row_height = options.row_height;
  L.font = options.font_size;
  L.title = options.title;
  L.left.push_back({"", "Treatment", false});
  L.right.push_back(
      {"", std::string(to_string(analysis.measure)) + " [" + svg::fixed(nma.level * 100.0, 1) + "% CI]", true});
  const bool show_p = options.pscore_column && ps && ps->ok();
  if (show_p) L.right.push_back({"", "P-score", true});
  L.heading =
      "Comparison: other vs '" + ref_name + "' (" + (options.random ? "random effects" : "common effect") + " model)";
  const std::size_t ncols = L.left.size() + L.right.size();

  for (const std::size_t i : order) {
    const bool is_ref = i == ref;
    if (is_ref && options.drop_reference) continue;
    const auto ii = static_cast<Eigen::Index>(i), rr = static_cast<Eigen::Index>(ref);
    double te = kNaN, lo = kNaN, hi = kNaN, se = kNaN;
    if (usable && !is_ref) {
      te = model.TE(ii, rr);
      lo = model.lower(ii, rr);
      hi = model.upper(ii, rr);
      if (model.seTE.rows() == n) se = model.seTE(ii, rr);
    }
    Row row;
    row.cells.assign(ncols, "");
    row.cells[0] = nma.treatments[i];
    row.cells[1] = estimate_text(te, lo, hi, log, options.digits);
    const double p = pscore_of(i);
    if (show_p) row.cells[2] = finite(p) ? svg::label(p, 2) : "";
    row.mark.kind = is_ref ? MarkKind::none : MarkKind::square;
    row.mark.te = te;
    row.mark.lower = lo;
    row.mark.upper = hi;
    row.mark.size = 0.45;
    row.mark.colour = svg::colour::ink;
    row.attrs = {{"class", "treatment"},       {"data-treatment", nma.treatments[i]}, {"data-te", svg::full(te)},
                 {"data-se", svg::full(se)},   {"data-lower", svg::full(lo)},         {"data-upper", svg::full(hi)},
                 {"data-pscore", svg::full(p)}};
    if (is_ref) row.attrs.emplace_back("data-reference", "true");
    L.rows.push_back(std::move(row));
  }
  const bool small = analysis.small_values == SmallValues::desirable;
  // TE[i, ref] is "other vs reference": small values favour the other treatment when small is good
  if (options.favours == FavoursSide::automatic) {
    L.left_label = small ? "Favours other" : "Favours " + ref_name;
    L.right_label = small ? "Favours " + ref_name : "Favours other";
  }
  if (options.label_left) L.left_label = *options.label_left;
  if (options.label_right) L.right_label = *options.label_right;
  return render(L);
}

svg::Svg netsplit_forest_plot(const NetsplitResult& split, Measure measure, const NetsplitForestOptions& options) {
  const bool log = is_ratio(measure);
  const double level = options.level > 0 && options.level < 1 ? options.level : 0.95;
  const double z = stats::normal_upper_quantile((1.0 - level) / 2.0);
  const NetsplitModel& model = options.random ? split.random : split.common;

  Layout L;
  L.figure_class = "netsplit-forest";
  L.log = log;
  L.xlim = options.xlim;
  L.plot_width = options.plot_width;
  L.row_height = options.row_height;
  L.font = options.font_size;
  L.title = options.title;
  L.heading = std::string(options.random ? "Random effects" : "Common effect") + " model, " +
              (split.method == NetsplitMethod::sidde ? "SIDDE" : "back-calculation");
  L.left = {{"", "Comparison", false}, {"", "Studies", true}, {"", "Direct proportion", true}};
  L.right = {{"", std::string(to_string(measure)) + " [" + svg::fixed(level * 100.0, 1) + "% CI]", true}};
  for (const NetsplitRow& r : model.rows) {
    const bool both = finite(r.direct) && finite(r.indirect);
    if (options.only_with_both && !both) continue;
    Row head;
    head.cells = {r.treat1 + " vs " + r.treat2, "", "", both ? p_text(r.p_value) : ""};
    head.bold = true;
    head.attrs = {{"class", "comparison"},
                  {"data-comparison", r.comparison},
                  {"data-difference", svg::full(r.difference)},
                  {"data-difference-se", svg::full(r.difference_se)},
                  {"data-p", svg::full(r.p_value)}};
    L.rows.push_back(std::move(head));
    auto add = [&](const char* kind, const char* label, double te, double se, MarkKind mk, const char* colour) {
      Row row;
      const double lo = finite(te) && finite(se) ? te - z * se : kNaN;
      const double hi = finite(te) && finite(se) ? te + z * se : kNaN;
      const bool direct = std::string(kind) == "direct";
      row.cells = {std::string("  ") + label, direct ? std::to_string(r.k) : "",
                   direct && finite(r.direct_proportion) ? svg::label(r.direct_proportion, 2) : "",
                   estimate_text(te, lo, hi, log, options.digits)};
      row.mark.kind = mk;
      row.mark.te = te;
      row.mark.lower = lo;
      row.mark.upper = hi;
      row.mark.size = 0.45;
      row.mark.colour = colour;
      row.attrs = {{"class", "estimate"},        {"data-comparison", r.comparison}, {"data-kind", kind},
                   {"data-te", svg::full(te)},   {"data-se", svg::full(se)},        {"data-lower", svg::full(lo)},
                   {"data-upper", svg::full(hi)}};
      if (direct) {
        row.attrs.emplace_back("data-k", std::to_string(r.k));
        row.attrs.emplace_back("data-proportion", svg::full(r.direct_proportion));
      }
      L.rows.push_back(std::move(row));
    };
    if (options.show_direct)
      add("direct", "Direct estimate", r.direct, r.direct_se, MarkKind::square, svg::colour::blue);
    if (options.show_indirect)
      add("indirect", "Indirect estimate", r.indirect, r.indirect_se, MarkKind::square, svg::colour::orange);
    if (options.show_network) add("network", "Network estimate", r.nma, r.nma_se, MarkKind::diamond, svg::colour::ink);
  }
  return render(L);
}

}  // namespace evident::report
