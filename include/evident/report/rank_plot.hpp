// evident: rankograms as SVG - bars of the probability of each rank per treatment and the cumulative
// ranking curve with SUCRA in each panel title, one small panel per treatment (Salanti, Ades &
// Ioannidis 2011, J Clin Epidemiol 64:163-171, doi:10.1016/j.jclinepi.2010.03.016, Fig. 2-3;
// R netmeta plot.rankogram(), which draws the same bars / cumulative curves per treatment).
//
// A pure function from a RankogramResult (network/ranking.hpp) to an svg::Svg document (svg.hpp
// conventions): each panel is a <g class="panel" data-treatment data-sucra data-mean-rank>, each bar a
// <g class="bar" data-treatment data-rank data-probability> with the probability in full precision, and
// the cumulative curve a <g class="cumulative" data-treatment data-values="p1 p1+p2 ..."> (the running
// sums of the rank probabilities, the only arithmetic done here). Rank 1 is the best treatment. Checked
// (tests/unit/report/rank_plot_test.cpp) on Senn2013: probabilities and SUCRA equal the RankogramResult exactly,
// the running sums end at 1 within 1e-12.
#pragma once

#include <cstddef>
#include <string>

#include "evident/network/ranking.hpp"
#include "evident/report/svg.hpp"

namespace evident::report {

enum class RankPlotSort {
  as_given,  ///< the order of RankogramResult::treatments
  sucra,     ///< decreasing SUCRA
};

struct RankPlotOptions {
  bool bars = true;        ///< rank probability bars (rankogram)
  bool cumulative = true;  ///< cumulative ranking curve (SUCRA plot)
  RankPlotSort sort = RankPlotSort::sucra;
  std::size_t columns = 0;  ///< panels per row; 0 = about the square root of the number of treatments
  double panel_width = 170.0, panel_height = 130.0;
  double font_size = 11.0;
  std::string title;
};

/// Small multiples: one panel per treatment with its rank probabilities (bars) and cumulative ranking
/// probabilities (line), titled "name (SUCRA = 0.83)".
svg::Svg rankogram_plot(const RankogramResult& rankogram, const RankPlotOptions& options = {});

}  // namespace evident::report
