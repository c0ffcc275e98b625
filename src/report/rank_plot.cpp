// evident: rankograms (see rank_plot.hpp).
#include "evident/report/rank_plot.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

namespace evident::report {

svg::Svg rankogram_plot(const RankogramResult& rankogram, const RankPlotOptions& options) {
  const std::size_t n = rankogram.treatments.size();
  const auto rows_p = static_cast<std::size_t>(rankogram.rank_probability.rows());
  const auto ranks = static_cast<std::size_t>(rankogram.rank_probability.cols());
  const bool usable = rows_p == n;
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  auto sucra_of = [&](std::size_t i) {
    return i < rankogram.sucra.size() ? rankogram.sucra[i] : std::numeric_limits<double>::quiet_NaN();
  };
  if (options.sort == RankPlotSort::sucra)
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      const double sa = sucra_of(a), sb = sucra_of(b);
      if (!std::isfinite(sa)) return false;
      if (!std::isfinite(sb)) return true;
      return sa > sb;
    });

  std::size_t cols = options.columns;
  if (cols == 0)
    cols = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(n)))));
  cols = std::max<std::size_t>(1, std::min(cols, std::max<std::size_t>(1, n)));
  const std::size_t grid_rows = n == 0 ? 1 : (n + cols - 1) / cols;
  const double margin = 10.0, font = options.font_size;
  const double title_h = options.title.empty() ? 0.0 : font * 2.2;
  const double legend_h = font + 10.0;
  const double pw = options.panel_width, ph = options.panel_height;
  const double width = 2 * margin + static_cast<double>(cols) * pw;
  const double height = 2 * margin + title_h + legend_h + static_cast<double>(grid_rows) * ph;

  svg::Svg s(std::ceil(width), std::ceil(height));
  s.title(options.title.empty() ? "Rankogram" : options.title);
  s.open_group(
      {{"class", "rankogram"}, {"font-size", svg::fixed(font)}, {"data-nsim", std::to_string(rankogram.nsim)}});
  double y0 = margin;
  if (!options.title.empty()) {
    s.text(margin, y0 + font * 1.3, options.title, {{"font-weight", "bold"}, {"font-size", svg::fixed(font * 1.2)}});
    y0 += title_h;
  }
  // legend
  {
    double lx = margin;
    s.open_group({{"class", "legend"}});
    if (options.bars) {
      s.rect(lx, y0 + 2, 10, 10, {{"fill", svg::colour::sky}});
      s.text(lx + 14, y0 + font, "Probability of rank");
      lx += 24 + svg::text_width("Probability of rank", font);
    }
    if (options.cumulative) {
      s.line(lx, y0 + 7, lx + 14, y0 + 7, {{"stroke", svg::colour::red}, {"stroke-width", "1.5"}});
      s.text(lx + 18, y0 + font, "Cumulative probability");
    }
    s.close_group();
    y0 += legend_h;
  }

  for (std::size_t k = 0; k < order.size(); ++k) {
    const std::size_t t = order[k];
    const double px = margin + static_cast<double>(k % cols) * pw;
    const double py = y0 + static_cast<double>(k / cols) * ph;
    // plot area inside the panel
    const double ax0 = px + 34, ax1 = px + pw - 8, ay0 = py + font + 10, ay1 = py + ph - font - 14;
    const double sucra = sucra_of(t);
    const double mean_rank =
        t < rankogram.mean_rank.size() ? rankogram.mean_rank[t] : std::numeric_limits<double>::quiet_NaN();
    s.open_group({{"class", "panel"},
                  {"data-treatment", rankogram.treatments[t]},
                  {"data-sucra", svg::full(sucra)},
                  {"data-mean-rank", svg::full(mean_rank)}});
    std::string head = rankogram.treatments[t];
    if (std::isfinite(sucra)) head += " (SUCRA = " + svg::label(sucra, 2) + ")";
    s.text((ax0 + ax1) / 2, py + font + 2, head, {{"text-anchor", "middle"}, {"font-weight", "bold"}});
    s.rect(ax0, ay0, ax1 - ax0, ay1 - ay0, {{"fill", "none"}, {"stroke", svg::colour::light}});
    const svg::Scale sy{0.0, 1.0, ay1, ay0, false};
    for (const double v : {0.0, 0.5, 1.0}) {
      s.line(ax0 - 3, sy(v), ax0, sy(v), {{"stroke", svg::colour::ink}});
      s.text(ax0 - 5, sy(v) + font * 0.35, svg::fixed(v, 1), {{"text-anchor", "end"}, {"class", "ytick"}});
    }
    const double slot = ranks > 0 ? (ax1 - ax0) / static_cast<double>(ranks) : 0.0;
    std::vector<std::pair<double, double>> curve;
    std::string cum_values;
    double cum = 0.0;
    for (std::size_t r = 0; r < ranks && usable; ++r) {
      const double p = rankogram.rank_probability(static_cast<Eigen::Index>(t), static_cast<Eigen::Index>(r));
      const double cx = ax0 + (static_cast<double>(r) + 0.5) * slot;
      if (options.bars) {
        s.open_group({{"class", "bar"},
                      {"data-treatment", rankogram.treatments[t]},
                      {"data-rank", std::to_string(r + 1)},
                      {"data-probability", svg::full(p)}});
        if (std::isfinite(p)) {
          const double h = std::clamp(p, 0.0, 1.0);
          s.rect(cx - slot * 0.4, sy(h), slot * 0.8, sy(0.0) - sy(h), {{"fill", svg::colour::sky}});
        }
        s.close_group();
      }
      if (std::isfinite(p)) cum += p;
      if (!cum_values.empty()) cum_values += ' ';
      cum_values += svg::full(cum);
      curve.emplace_back(cx, sy(std::clamp(cum, 0.0, 1.0)));
      // rank labels on the x axis (all when few, else every other)
      if (ranks <= 10 || r % 2 == 0 || r + 1 == ranks)
        s.text(cx, ay1 + font + 2, std::to_string(r + 1), {{"text-anchor", "middle"}, {"class", "xtick"}});
    }
    if (options.cumulative && usable && !curve.empty()) {
      s.open_group({{"class", "cumulative"}, {"data-treatment", rankogram.treatments[t]}, {"data-values", cum_values}});
      s.polyline(curve, {{"stroke", svg::colour::red}, {"stroke-width", "1.5"}});
      s.close_group();
    }
    s.text((ax0 + ax1) / 2, py + ph - 2, "Rank", {{"text-anchor", "middle"}, {"fill", svg::colour::grey}});
    s.close_group();
  }
  s.close_group();
  return s;
}

}  // namespace evident::report
