// evident: funnel plots as SVG - the funnel plot of a pairwise meta-analysis (R meta funnel.meta(),
// metafor funnel()) and the comparison-adjusted funnel plot of a network meta-analysis (netmeta
// funnel.netmeta(); Chaimani & Salanti 2012, Res Synth Methods 3:161-176, doi:10.1002/jrsm.57).
//
// Pure functions from result structs to an svg::Svg document (svg.hpp conventions). The x axis is the
// effect on the analysis scale (log scale for ratio measures, labels back-transformed), the y axis the
// standard error, inverted (se = 0 on top) as in meta and metafor. Data groups:
//  - pairwise: <g class="study" data-study data-te data-se>, <g class="filled" data-te data-se> for the
//    studies trim-and-fill adds (open circles), <g class="pooled" data-model data-te> for the pooled line,
//    <g class="pseudo-ci" data-level data-centre> for the pseudo confidence region centre +- z se
//    (Sterne & Egger 2001, J Clin Epidemiol 54:1046-1055, doi:10.1016/S0895-4356(01)00377-8),
//    <g class="egger" data-intercept data-slope> for Egger's regression line x = b0 + b1 se (the
//    RegtestResult's limit estimate and slope; metafor regtest() parametrisation);
//  - network: <g class="point" data-study data-comparison data-te-adj data-se>, coloured by
//    comparison, with a legend <g class="legend-item" data-comparison>, the zero line, the pseudo 95%
//    region around 0 and, when the Egger test was run, its line.
// The only arithmetic here is the pseudo region (z quantile times se) and the straight lines. Checked
// (tests/unit/report/funnel_plot_test.cpp): points, filled points, pooled line and Egger coefficients equal
// the analysis values exactly on dat.bcg (log RR) and Senn2013 (comparison-adjusted).
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "evident/effects/effect_size.hpp"
#include "evident/network/funnel.hpp"
#include "evident/pairwise/analysis.hpp"
#include "evident/report/svg.hpp"

namespace evident::report {

struct FunnelPlotOptions {
  /// Pooled line and centre of the pseudo region: the random-effects estimate; false = common effect
  /// (meta funnel.meta()'s default when the common-effect model is shown).
  bool random = false;
  bool pseudo_ci = true;
  double level = 0.95;                            ///< level of the pseudo confidence region
  bool egger = true;                              ///< draw Egger's regression line when the analysis has one
  bool trimfill = true;                           ///< draw the studies trim-and-fill adds, and the adjusted estimate
  std::optional<std::pair<double, double>> xlim;  ///< display scale (ratios for ratio measures)
  double width = 520.0, height = 420.0;
  double font_size = 12.0;
  std::string title;
};

/// Funnel plot of one pairwise analysis; `set` gives yi and sei (the contrasts of analysis.comparison,
/// oriented as the analysis).
svg::Svg funnel_plot(const PairwiseAnalysis& analysis, const EffectSet& set, const FunnelPlotOptions& options = {});

struct NetworkFunnelPlotOptions {
  bool pseudo_ci = true;
  double level = 0.95;
  bool egger = true;  ///< Egger's line when funnel.egger was computed (netmeta linreg = TRUE)
  bool legend = true;
  std::optional<std::pair<double, double>> xlim;
  double width = 560.0, height = 420.0;
  double font_size = 12.0;
  std::string title;
};

/// Comparison-adjusted funnel plot: te - te_direct against se, one colour per comparison.
svg::Svg funnel_plot(const FunnelResult& funnel, Measure measure, const NetworkFunnelPlotOptions& options = {});

}  // namespace evident::report
