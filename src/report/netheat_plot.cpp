// Net heat plot. See include/evident/report/netheat_plot.hpp.
#include "evident/report/netheat_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "evident/report/svg.hpp"

namespace evident::report {
namespace {

// White -> blue (t > 0) or white -> red (t < 0), |t| <= 1.
std::string diverging(double t) {
  const double a = std::clamp(std::fabs(t), 0.0, 1.0);
  // end colours: netheat's blue and red ends (ColorBrewer RdBu)
  const int r1 = t < 0 ? 0xb2 : 0x21, g1 = t < 0 ? 0x18 : 0x66, b1 = t < 0 ? 0x2b : 0xac;
  const auto mix = [a](int end) { return static_cast<int>(std::lround(255.0 + (end - 255.0) * a)); };
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", mix(r1), mix(g1), mix(b1));
  return buf;
}

// Greedy word wrap to `width` px (12% slack: fallback fonts run wider than Helvetica's metrics).
std::vector<std::string> wrap(const std::string& text, double width, double fs) {
  std::vector<std::string> out;
  std::string cur;
  std::size_t i = 0;
  while (i <= text.size()) {
    const std::size_t j = std::min(text.find(' ', i), text.size());
    const std::string word = text.substr(i, j - i);
    const std::string trial = cur.empty() ? word : cur + " " + word;
    if (!cur.empty() && 1.12 * svg::text_width(trial, fs) > width) {
      out.push_back(cur);
      cur = word;
    } else {
      cur = trial;
    }
    i = j + 1;
  }
  if (!cur.empty() || out.empty()) out.push_back(cur);
  return out;
}

NetHeatPlot unavailable(const NetHeat& heat, const NetHeatPlotOptions& options) {
  NetHeatPlot out;
  const double fs = options.font_size;
  std::vector<std::string> reasons, lines;
  for (const Diagnostic& d : heat.diagnostics.items()) reasons.push_back(d.message);
  if (reasons.empty()) reasons.push_back("the net heat matrix was not computed");
  for (const std::string& r : reasons)
    for (const std::string& part : wrap(r, 560, fs)) lines.push_back(part);
  double w = 1.12 * svg::text_width("Net heat plot not available", fs * 1.2, true);
  for (const std::string& l : lines) w = std::max(w, 1.12 * svg::text_width(l, fs));
  const double width = w + 40, height = 50 + 1.6 * fs * static_cast<double>(lines.size());
  svg::Svg s(width, height);
  s.title("Net heat plot not available");
  s.open_group({{"class", "unavailable"}});
  s.text(20, 28, "Net heat plot not available", {{"font-size", svg::fixed(fs * 1.2)}, {"font-weight", "bold"}});
  double y = 28 + 1.8 * fs;
  for (const std::string& l : lines) {
    s.text(20, y, l, {{"class", "reason"}, {"font-size", svg::fixed(fs)}, {"fill", svg::colour::ink}});
    y += 1.6 * fs;
  }
  s.close_group();
  out.svg = s.str();
  out.diagnostics.warning("netheat-plot-unavailable", {}, "net heat plot not drawn: " + reasons.front());
  return out;
}

}  // namespace

NetHeatPlot net_heat_plot(const NetHeat& heat, const NetHeatPlotOptions& options) {
  const auto k = static_cast<std::size_t>(heat.change.rows());
  if (!heat.available || k == 0 || heat.change.cols() != heat.change.rows() || heat.size.rows() != heat.change.rows() ||
      heat.size.cols() != heat.change.cols() || heat.labels.size() != k)
    return unavailable(heat, options);

  NetHeatPlot out;
  const double fs = options.font_size;
  const double cell = options.cell > 0 ? options.cell : std::clamp(560.0 / static_cast<double>(k), 14.0, 40.0);
  double label_w = 0;
  for (const std::string& l : heat.labels) label_w = std::max(label_w, svg::text_width(l, fs));
  const double left = 20 + label_w + 8;
  const std::string title = !options.title.empty() ? options.title
                            : heat.random ? "Net heat plot (random effects, tau = " + svg::label(heat.tau, 3) + ")"
                                          : std::string("Net heat plot (common effect)");
  const double top = 20 + 2 * fs + label_w + 8;
  const double grid = cell * static_cast<double>(k);
  const double legend_w = 60;
  const double width = left + grid + 30 + legend_w + 40;
  const double lh = std::min(200.0, std::max(grid, 120.0));
  const double height = std::max(top + grid, top + lh + 2 * fs) + 4.5 * fs + 20;
  const std::string note1 =
      "Colour: change in the row's Q when the column's design is detached (red: falls, blue: rises).";
  const std::string note2 = "Grey square: contribution of the column's direct estimate to the row's network estimate.";
  const double width_all =
      std::max(width, 40 + std::max(svg::text_width(note1, fs * 0.9), svg::text_width(note2, fs * 0.9)));

  double cmax = 0, smin = std::numeric_limits<double>::infinity(), smax = -smin;
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j < k; ++j) {
      const double c = heat.change(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
      const double z = heat.size(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
      if (std::isfinite(c)) cmax = std::max(cmax, std::fabs(c));
      if (std::isfinite(z)) {
        smin = std::min(smin, z);
        smax = std::max(smax, z);
      }
    }

  svg::Svg s(width_all, height);
  s.title(title);
  s.text(20, 20 + fs, title, {{"font-size", svg::fixed(fs * 1.2)}, {"font-weight", "bold"}});

  // labels
  for (std::size_t i = 0; i < k; ++i) {
    const double y = top + cell * (static_cast<double>(i) + 0.5);
    s.text(left - 6, y + 0.35 * fs, heat.labels[i],
           {{"class", "row-label"}, {"text-anchor", "end"}, {"font-size", svg::fixed(fs)}});
    const double x = left + cell * (static_cast<double>(i) + 0.5);
    s.text(x + 0.35 * fs, top - 6, heat.labels[i],
           {{"class", "col-label"},
            {"text-anchor", "start"},
            {"font-size", svg::fixed(fs)},
            {"transform", "rotate(-90 " + svg::fixed(x + 0.35 * fs) + " " + svg::fixed(top - 6) + ")"}});
  }

  // cells
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j < k; ++j) {
      const double c = heat.change(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
      const double z = heat.size(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
      const double x = left + cell * static_cast<double>(j), y = top + cell * static_cast<double>(i);
      s.open_group({{"class", "cell"},
                    {"data-row", std::to_string(i)},
                    {"data-col", std::to_string(j)},
                    {"data-row-label", heat.labels[i]},
                    {"data-col-label", heat.labels[j]},
                    {"data-change", svg::full(c)},
                    {"data-size", svg::full(z)}});
      if (std::isfinite(c)) {
        s.rect(x, y, cell, cell, {{"fill", diverging(cmax > 0 ? c / cmax : 0.0)}, {"stroke", "none"}});
      } else {
        s.rect(x, y, cell, cell, {{"fill", "#f0f0f0"}, {"stroke", "none"}});
        s.line(x, y + cell, x + cell, y, {{"stroke", svg::colour::light}, {"stroke-width", "1"}});
      }
      if (std::isfinite(z)) {
        const double frac = smax > smin ? (std::sqrt((z - smin) / (smax - smin)) + 0.1) / 1.4 : 1.1 / 1.4;
        const double side = cell * frac;
        s.rect(x + (cell - side) / 2, y + (cell - side) / 2, side, side,
               {{"fill", "#8c8c8c"}, {"fill-opacity", "0.9"}, {"stroke", "none"}});
      }
      s.element("title", {},
                heat.labels[i] + " | detaching " + heat.labels[j] + ": change in Q " + svg::label(c, 3) +
                    ", contribution " + svg::label(z, 3));
      s.close_group();
    }

  // grid: thin cell lines, thick design boundaries
  for (std::size_t i = 0; i <= k; ++i) {
    const bool boundary = i == 0 || i == k || heat.designs.size() != k || heat.designs[i] != heat.designs[i - 1];
    const double p = cell * static_cast<double>(i);
    const svg::Attrs a{{"stroke", boundary ? svg::colour::ink : "#ffffff"}, {"stroke-width", boundary ? "1.2" : "0.5"}};
    s.line(left, top + p, left + grid, top + p, a);
    s.line(left + p, top, left + p, top + grid, a);
  }

  // legend: colour bar from -max to +max
  const double lx = left + grid + 30, ly = top;
  s.open_group({{"class", "legend"}, {"data-max-change", svg::full(cmax)}});
  const int steps = 40;
  for (int t = 0; t < steps; ++t) {
    const double v = 1.0 - 2.0 * (t + 0.5) / steps;  // top: +max (blue), bottom: -max (red)
    s.rect(lx, ly + lh * t / steps, 14, lh / steps + 0.5, {{"fill", diverging(v)}, {"stroke", "none"}});
  }
  s.rect(lx, ly, 14, lh, {{"fill", "none"}, {"stroke", svg::colour::ink}, {"stroke-width", "0.8"}});
  for (const double v : {cmax, 0.0, -cmax})
    s.text(lx + 18, ly + lh * (1 - (cmax > 0 ? v / cmax : 0.0)) / 2 + 0.35 * fs, svg::label(v, 2),
           {{"font-size", svg::fixed(fs * 0.9)}});
  s.text(lx, ly + lh + 1.4 * fs, "change in Q", {{"font-size", svg::fixed(fs * 0.8)}});
  s.close_group();
  const double ny = std::max(top + grid, top + lh + 2 * fs) + 1.8 * fs;
  s.text(20, ny, note1, {{"font-size", svg::fixed(fs * 0.9)}});
  s.text(20, ny + 1.5 * fs, note2, {{"font-size", svg::fixed(fs * 0.9)}});
  out.svg = s.str();
  return out;
}

}  // namespace evident::report
