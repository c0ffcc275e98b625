// evident: funnel plots (see funnel_plot.hpp).
#include "evident/report/funnel_plot.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <vector>

#include "evident/core/distributions.hpp"

namespace evident::report {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const std::string kMinus = "\xE2\x88\x92";

bool finite(double x) {
  return std::isfinite(x);
}

std::string tick_label(double v) {
  std::string s = svg::fixed(v, 3);
  if (!s.empty() && s[0] == '-') s = kMinus + s.substr(1);
  return s;
}

std::string axis_name(Measure m) {
  switch (m) {
    case Measure::OR:
      return "Odds ratio";
    case Measure::RR:
      return "Risk ratio";
    case Measure::ROM:
      return "Ratio of means";
    case Measure::IRR:
      return "Incidence rate ratio";
    case Measure::HR:
      return "Hazard ratio";
    case Measure::MD:
      return "Mean difference";
    case Measure::SMD:
      return "Standardised mean difference";
    case Measure::RD:
      return "Risk difference";
    default:
      return to_string(m);
  }
}

/// The plot frame: x on the analysis scale (log for ratios, ticks back-transformed), y = se inverted.
struct Frame {
  bool log = false;
  double d0 = -1, d1 = 1, se_max = 1;
  double px0 = 0, px1 = 1, py0 = 0, py1 = 1;  ///< plot area: py0 top (se = 0), py1 bottom
  svg::Scale sx, sy;
  std::vector<double> xticks, yticks;
};

Frame make_frame(bool log, double lo, double hi, double se_max, const std::optional<std::pair<double, double>>& xlim,
                 double px0, double px1, double py0, double py1) {
  Frame f;
  f.log = log;
  if (xlim && finite(xlim->first) && finite(xlim->second) && xlim->first < xlim->second && (!log || xlim->first > 0)) {
    lo = log ? std::log(xlim->first) : xlim->first;
    hi = log ? std::log(xlim->second) : xlim->second;
  } else {
    if (!(finite(lo) && finite(hi))) lo = -1, hi = 1;
    if (hi - lo < 1e-9) lo -= 0.5, hi += 0.5;
    const double pad = (hi - lo) * 0.04;
    lo -= pad;
    hi += pad;
  }
  f.d0 = lo;
  f.d1 = hi;
  if (!(finite(se_max) && se_max > 0)) se_max = 1.0;
  const auto yt = svg::ticks(0.0, se_max, 5, false);
  double step = yt.size() >= 2 ? yt[1] - yt[0] : se_max;
  f.se_max = std::ceil(se_max / step - 1e-9) * step;
  if (f.se_max <= 0) f.se_max = se_max;
  f.yticks = svg::ticks(0.0, f.se_max, 5, false);
  f.px0 = px0, f.px1 = px1, f.py0 = py0, f.py1 = py1;
  f.sx = svg::Scale{f.d0, f.d1, px0, px1, false};
  f.sy = svg::Scale{0.0, f.se_max, py0, py1, false};
  if (log) {
    auto t = svg::ticks(std::exp(f.d0), std::exp(f.d1), 5, true);
    if (t.size() > 9) {
      std::vector<double> thin;
      for (std::size_t i = 0; i < t.size(); i += 2) thin.push_back(t[i]);
      t = thin;
    }
    for (const double v : t) f.xticks.push_back(std::log(v));
  } else {
    f.xticks = svg::ticks(f.d0, f.d1, 6, false);
  }
  return f;
}

void draw_axes(svg::Svg& s, const Frame& f, const std::string& xname, double font) {
  s.open_group({{"class", "axis"}, {"data-scale", f.log ? "log" : "linear"}});
  s.rect(f.px0, f.py0, f.px1 - f.px0, f.py1 - f.py0, {{"fill", "none"}, {"stroke", svg::colour::light}});
  s.line(f.px0, f.py1, f.px1, f.py1, {{"stroke", svg::colour::ink}});
  s.line(f.px0, f.py0, f.px0, f.py1, {{"stroke", svg::colour::ink}});
  for (const double t : f.xticks) {
    const double x = f.sx(t);
    s.line(x, f.py1, x, f.py1 + 4, {{"stroke", svg::colour::ink}});
    const double shown = f.log ? std::exp(t) : t;
    s.text(x, f.py1 + 6 + font, tick_label(shown),
           {{"class", "tick"}, {"text-anchor", "middle"}, {"data-value", svg::full(shown)}});
  }
  for (const double t : f.yticks) {
    const double y = f.sy(t);
    s.line(f.px0 - 4, y, f.px0, y, {{"stroke", svg::colour::ink}});
    s.text(f.px0 - 6, y + font * 0.35, tick_label(t), {{"class", "ytick"}, {"text-anchor", "end"}});
  }
  s.text((f.px0 + f.px1) / 2, f.py1 + 6 + 2 * font + 8, xname, {{"text-anchor", "middle"}});
  const double yx = f.px0 - 44, yy = (f.py0 + f.py1) / 2;
  s.text(yx, yy, "Standard error",
         {{"text-anchor", "middle"}, {"transform", "rotate(-90 " + svg::fixed(yx) + " " + svg::fixed(yy) + ")"}});
  s.close_group();
}

/// The part of x = a + b se with se in [0, se_max] inside the x domain, as two points; false if none.
bool clip_line(const Frame& f, double a, double b, std::pair<double, double>& p, std::pair<double, double>& q) {
  if (!(finite(a) && finite(b))) return false;
  double s0 = 0.0, s1 = f.se_max;
  if (b != 0.0) {
    double sa = (f.d0 - a) / b, sb = (f.d1 - a) / b;
    if (sa > sb) std::swap(sa, sb);
    s0 = std::max(s0, sa);
    s1 = std::min(s1, sb);
  } else if (a < f.d0 || a > f.d1) {
    return false;
  }
  if (!(s0 < s1)) return false;
  p = {f.sx(a + b * s0), f.sy(s0)};
  q = {f.sx(a + b * s1), f.sy(s1)};
  return true;
}

void draw_pseudo(svg::Svg& s, const Frame& f, double centre, double z, double level) {
  if (!finite(centre)) return;
  s.open_group({{"class", "pseudo-ci"}, {"data-level", svg::full(level)}, {"data-centre", svg::full(centre)}});
  std::pair<double, double> p, q;
  const svg::Attrs a{{"stroke", svg::colour::grey}, {"stroke-dasharray", "4,3"}, {"fill", "none"}};
  if (clip_line(f, centre, -z, p, q)) s.line(p.first, p.second, q.first, q.second, a);
  if (clip_line(f, centre, z, p, q)) s.line(p.first, p.second, q.first, q.second, a);
  s.close_group();
}

/// A point marker: circle, square, triangle or diamond (shape cycles after the 8 palette colours, so that
/// comparisons sharing a colour still differ).
void marker(svg::Svg& s, double x, double y, std::size_t shape, const char* fill) {
  const svg::Attrs a{{"fill", fill}, {"stroke", svg::colour::ink}, {"stroke-width", "0.5"}};
  const double r = 3.8;
  switch (shape % 4) {
    case 0:
      s.circle(x, y, r, a);
      break;
    case 1:
      s.rect(x - r * 0.9, y - r * 0.9, 1.8 * r, 1.8 * r, a);
      break;
    case 2:
      s.polygon({{x, y - r * 1.1}, {x + r, y + r * 0.8}, {x - r, y + r * 0.8}}, a);
      break;
    default:
      s.polygon({{x, y - r * 1.2}, {x + r, y}, {x, y + r * 1.2}, {x - r, y}}, a);
      break;
  }
}

void draw_vertical(svg::Svg& s, const Frame& f, double x, const svg::Attrs& group, const svg::Attrs& style) {
  if (!finite(x) || x < f.d0 || x > f.d1) return;
  s.open_group(group);
  s.line(f.sx(x), f.py0, f.sx(x), f.py1, style);
  s.close_group();
}

}  // namespace

svg::Svg funnel_plot(const PairwiseAnalysis& analysis, const EffectSet& set, const FunnelPlotOptions& options) {
  const bool log = is_ratio(analysis.measure);
  const double level = options.level > 0 && options.level < 1 ? options.level : 0.95;
  const double z = stats::normal_upper_quantile((1.0 - level) / 2.0);
  const MetaInput in = meta_input_from_effects(set, analysis.comparison.treat1, analysis.comparison.treat2);
  std::vector<double> sei(in.vi.size());
  for (std::size_t i = 0; i < in.vi.size(); ++i) sei[i] = in.vi[i] >= 0 ? std::sqrt(in.vi[i]) : kNaN;

  const MetaResult& res = analysis.result;
  const double centre = res.ok() ? (options.random ? res.random.pooled.estimate : res.common.estimate) : kNaN;
  const TrimfillResult* tf =
      options.trimfill && analysis.trimfill && analysis.trimfill->ok() ? &*analysis.trimfill : nullptr;
  const RegtestResult* eg = options.egger && analysis.egger && analysis.egger->ok() ? &*analysis.egger : nullptr;

  double lo = finite(centre) ? centre : kNaN, hi = lo, se_max = 0.0;
  auto extend = [&](double x) {
    if (!finite(x)) return;
    lo = finite(lo) ? std::min(lo, x) : x;
    hi = finite(hi) ? std::max(hi, x) : x;
  };
  for (std::size_t i = 0; i < in.yi.size(); ++i)
    if (finite(in.yi[i]) && finite(sei[i])) {
      extend(in.yi[i]);
      se_max = std::max(se_max, sei[i]);
    }
  if (tf)
    for (std::size_t i = 0; i < tf->filled_yi.size() && i < tf->filled_vi.size(); ++i)
      if (finite(tf->filled_yi[i]) && tf->filled_vi[i] >= 0) {
        extend(tf->filled_yi[i]);
        se_max = std::max(se_max, std::sqrt(tf->filled_vi[i]));
      }
  if (options.pseudo_ci && finite(centre) && se_max > 0) {
    extend(centre - z * se_max);
    extend(centre + z * se_max);
  }

  const double font = options.font_size, margin = 10.0;
  const double title_h = options.title.empty() ? 0.0 : font * 2.0;
  svg::Svg s(options.width, options.height);
  const Frame f = make_frame(log, lo, hi, se_max, options.xlim, margin + 62, options.width - margin - 10,
                             margin + title_h + 8, options.height - margin - 2 * font - 22);
  s.title(options.title.empty() ? "Funnel plot" + (analysis.outcome.empty() ? "" : ": " + analysis.outcome)
                                : options.title);
  s.open_group({{"class", "funnel"}, {"font-size", svg::fixed(font)}});
  if (!options.title.empty()) s.text(margin, margin + font * 1.2, options.title, {{"font-weight", "bold"}});
  draw_axes(s, f, axis_name(analysis.measure), font);
  if (options.pseudo_ci) draw_pseudo(s, f, centre, z, level);
  draw_vertical(
      s, f, centre,
      {{"class", "pooled"}, {"data-model", options.random ? "random" : "common"}, {"data-te", svg::full(centre)}},
      {{"stroke", svg::colour::ink}});
  if (tf)
    draw_vertical(s, f, tf->adjusted.pooled.estimate,
                  {{"class", "pooled-adjusted"}, {"data-te", svg::full(tf->adjusted.pooled.estimate)}},
                  {{"stroke", svg::colour::orange}, {"stroke-dasharray", "2,2"}});
  if (eg) {
    std::pair<double, double> p, q;
    s.open_group({{"class", "egger"},
                  {"data-intercept", svg::full(eg->limit_estimate)},
                  {"data-slope", svg::full(eg->slope)},
                  {"data-p", svg::full(eg->p_value)}});
    if (clip_line(f, eg->limit_estimate, eg->slope, p, q))
      s.line(p.first, p.second, q.first, q.second, {{"stroke", svg::colour::red}, {"stroke-width", "1.5"}});
    s.close_group();
  }
  auto inside = [&](double x, double se) {
    return finite(x) && finite(se) && x >= f.d0 && x <= f.d1 && se <= f.se_max;
  };
  for (std::size_t i = 0; i < in.yi.size(); ++i) {
    s.open_group({{"class", "study"},
                  {"data-study", in.study[i]},
                  {"data-te", svg::full(in.yi[i])},
                  {"data-se", svg::full(sei[i])}});
    if (inside(in.yi[i], sei[i]))
      s.circle(f.sx(in.yi[i]), f.sy(sei[i]), 3.5,
               {{"fill", svg::colour::blue}, {"stroke", svg::colour::ink}, {"stroke-width", "0.5"}});
    s.element("title", {}, in.study[i]);
    s.close_group();
  }
  if (tf)
    for (std::size_t i = 0; i < tf->filled_yi.size() && i < tf->filled_vi.size(); ++i) {
      const double se = tf->filled_vi[i] >= 0 ? std::sqrt(tf->filled_vi[i]) : kNaN;
      s.open_group({{"class", "filled"}, {"data-te", svg::full(tf->filled_yi[i])}, {"data-se", svg::full(se)}});
      if (inside(tf->filled_yi[i], se))
        s.circle(f.sx(tf->filled_yi[i]), f.sy(se), 3.5,
                 {{"fill", "white"}, {"stroke", svg::colour::orange}, {"stroke-width", "1.2"}});
      s.close_group();
    }
  s.close_group();
  return s;
}

svg::Svg funnel_plot(const FunnelResult& funnel, Measure measure, const NetworkFunnelPlotOptions& options) {
  const bool log = is_ratio(measure);
  const double level = options.level > 0 && options.level < 1 ? options.level : 0.95;
  const double z = stats::normal_upper_quantile((1.0 - level) / 2.0);
  const RegtestResult* eg = options.egger && funnel.egger && funnel.egger->ok() ? &*funnel.egger : nullptr;

  // comparisons in order of first appearance
  std::vector<std::string> comps;
  for (const FunnelPoint& p : funnel.points)
    if (std::find(comps.begin(), comps.end(), p.comparison) == comps.end()) comps.push_back(p.comparison);

  double lo = 0.0, hi = 0.0, se_max = 0.0;
  for (const FunnelPoint& p : funnel.points)
    if (finite(p.te_adj) && finite(p.se)) {
      lo = std::min(lo, p.te_adj);
      hi = std::max(hi, p.te_adj);
      se_max = std::max(se_max, p.se);
    }
  if (options.pseudo_ci && se_max > 0) {
    lo = std::min(lo, -z * se_max);
    hi = std::max(hi, z * se_max);
  }

  const double font = options.font_size, margin = 10.0;
  double legend_w = 0.0;
  if (options.legend)
    for (const std::string& c : comps) legend_w = std::max(legend_w, 18.0 + svg::text_width(c, font));
  if (legend_w > 0) legend_w += 16.0;
  const double width = options.width + legend_w;
  const double title_h = options.title.empty() ? 0.0 : font * 2.0;
  const double legend_h = static_cast<double>(comps.size()) * (font + 6) + 2 * margin + title_h + 8;
  const double height = std::max(options.height, options.legend ? legend_h : 0.0);
  svg::Svg s(std::ceil(width), std::ceil(height));
  const Frame f = make_frame(log, lo, hi, se_max, options.xlim, margin + 62, options.width - margin - 10,
                             margin + title_h + 8, options.height - margin - 2 * font - 22);
  s.title(options.title.empty() ? "Comparison-adjusted funnel plot" : options.title);
  s.open_group({{"class", "network-funnel"}, {"font-size", svg::fixed(font)}});
  if (!options.title.empty()) s.text(margin, margin + font * 1.2, options.title, {{"font-weight", "bold"}});
  draw_axes(s, f, axis_name(measure) + " centred at comparison-specific effect", font);
  if (options.pseudo_ci) draw_pseudo(s, f, 0.0, z, level);
  draw_vertical(s, f, 0.0, {{"class", "zero-line"}}, {{"stroke", svg::colour::ink}});
  if (eg) {
    std::pair<double, double> p, q;
    s.open_group({{"class", "egger"},
                  {"data-intercept", svg::full(eg->limit_estimate)},
                  {"data-slope", svg::full(eg->slope)},
                  {"data-p", svg::full(eg->p_value)}});
    if (clip_line(f, eg->limit_estimate, eg->slope, p, q))
      s.line(p.first, p.second, q.first, q.second, {{"stroke", svg::colour::red}, {"stroke-width", "1.5"}});
    s.close_group();
  }
  constexpr std::size_t kPalette = 8;  // svg::colour::categorical cycles after 8 colours
  auto index_of = [&](const std::string& c) {
    return static_cast<std::size_t>(std::find(comps.begin(), comps.end(), c) - comps.begin());
  };
  for (const FunnelPoint& p : funnel.points) {
    s.open_group({{"class", "point"},
                  {"data-study", p.study},
                  {"data-comparison", p.comparison},
                  {"data-te", svg::full(p.te)},
                  {"data-te-adj", svg::full(p.te_adj)},
                  {"data-se", svg::full(p.se)}});
    if (finite(p.te_adj) && finite(p.se) && p.te_adj >= f.d0 && p.te_adj <= f.d1 && p.se <= f.se_max)
      marker(s, f.sx(p.te_adj), f.sy(p.se), index_of(p.comparison) / kPalette,
             svg::colour::categorical(index_of(p.comparison)));
    s.element("title", {}, p.study + " (" + p.comparison + ")");
    s.close_group();
  }
  if (options.legend) {
    const double lx = options.width + 6, ly = f.py0;
    s.open_group({{"class", "legend"}});
    for (std::size_t i = 0; i < comps.size(); ++i) {
      const double y = ly + static_cast<double>(i) * (font + 6);
      s.open_group({{"class", "legend-item"}, {"data-comparison", comps[i]}});
      marker(s, lx + 5, y + font * 0.5, i / kPalette, svg::colour::categorical(i));
      s.text(lx + 14, y + font * 0.85, comps[i]);
      s.close_group();
    }
    s.close_group();
  }
  s.close_group();
  return s;
}

}  // namespace evident::report
