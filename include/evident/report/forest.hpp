// evident: forest plots as SVG - a pairwise meta-analysis (R meta forest.meta()), network estimates
// against a reference treatment (netmeta forest.netmeta()) and direct / indirect / network estimates
// per comparison (netmeta forest.netsplit()).
//
// Pure functions from result structs to an svg::Svg document (svg.hpp conventions): every datum is a
// <g> with a class and data-* attributes holding the numbers in full precision, on the analysis scale
// (log scale for ratio measures; the axis and the printed numbers are back-transformed):
//  - pairwise: <g class="study" data-study data-te data-se data-lower data-upper data-weight-common
//    data-weight-random data-subgroup>, <g class="diamond" data-model="common"|"random" data-te
//    data-lower data-upper [data-subgroup]>, <g class="prediction" data-lower data-upper>,
//    <g class="heterogeneity" ...>, <g class="subgroup-test" data-model data-Q data-df data-p>;
//  - NMA: <g class="treatment" data-treatment data-te data-lower data-upper data-pscore>;
//  - netsplit: <g class="estimate" data-comparison data-kind="direct"|"indirect"|"network" data-te
//    data-lower data-upper data-k data-proportion>.
// Numbers drawn are those of the results; the only arithmetic here is the study confidence interval
// yi -/+ z_{1-(1-level)/2} sei (meta's ci(), Wald) and exp() for labels of ratio measures. Rows that
// cannot be drawn (NaN estimate or se) keep their label with empty cells.
//
// Layout follows forest.meta()'s default "meta" layout (R meta 8.x; Schwarzer, Carpenter & Rücker
// 2015, Meta-Analysis with R, ch. 2): study label, per-arm inputs (events / total, or mean / SD /
// total), the plot, "estimate [lower; upper]", weight columns (common, random); squares with area
// proportional to the weight of the model shown (random when both); diamonds for pooled estimates;
// the prediction interval as a bar; the heterogeneity line "Heterogeneity: I² = ..% [..; ..],
// τ² = .., Q = .. (df = ..), p = .." with meta's test-based I² CI (PairwiseAnalysis::I2_test_based).
// The figure sizes itself: height is linear in the number of rows, column widths come from
// svg::text_width() of their longest cell.
//
// Checked (tests/unit/report/forest_test.cpp): on dat.bcg (log RR, REML, subgroups by allocation) and Senn2013
// (MD) every data-* number equals the analysis value exactly (17 significant digits round-trip); study CIs equal
// yi +- 1.959963984540054 sei to 1e-12; weights sum to 100 within 1e-9.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "evident/data/dataset.hpp"
#include "evident/effects/effect_size.hpp"
#include "evident/network/analysis.hpp"
#include "evident/pairwise/analysis.hpp"
#include "evident/report/svg.hpp"

namespace evident::report {

/// Row order of a forest plot (within each subgroup when there are subgroups).
enum class ForestSort {
  as_given,  ///< the order of the analysis (input order)
  effect,    ///< increasing estimate (meta: sortvar = TE)
  weight,    ///< decreasing weight of the model drawn (random when shown, else common)
  year,      ///< increasing study year (needs the Dataset; studies without a year last, input order kept)
};

/// Which side of the null line is labelled as favouring which treatment.
enum class FavoursSide {
  automatic,  ///< from small_values: small values desirable -> treat1 (experimental) favoured on the left
  none,       ///< no "Favours" labels
};

struct ForestOptions {
  bool common = true;      ///< common-effect diamond and weight column (meta: common)
  bool random = true;      ///< random-effects diamond and weight column (meta: random)
  bool prediction = true;  ///< prediction interval bar (meta: prediction), when the result has one
  bool heterogeneity = true;
  bool arm_inputs = true;  ///< events / total or mean / SD / total per arm, when the effect set has them
  ForestSort sort = ForestSort::as_given;
  /// Small values of the effect are desirable (e.g. events of harm); decides the "Favours" labels.
  bool small_values_desirable = true;
  FavoursSide favours = FavoursSide::automatic;
  /// Explicit "Favours" labels (meta label.left / label.right); override the automatic ones.
  std::optional<std::string> label_left, label_right;
  /// Axis limits on the display scale (ratios for ratio measures; meta xlim); CIs beyond them end in
  /// arrows. Default: the range of the study CIs, pooled CIs and prediction interval, widened to ticks.
  std::optional<std::pair<double, double>> xlim;
  int digits = 2;  ///< decimals of estimates (meta digits)
  int digits_tau2 = 4;
  double plot_width = 260.0;  ///< px of the plot column
  double row_height = 18.0;
  double font_size = 12.0;
  std::string title;  ///< optional figure title (default none; the <title> element names the outcome)
};

/// Forest plot of one pairwise analysis. `set` is the effect set the analysis was computed from (its
/// contrasts of analysis.comparison give yi, sei and the per-arm inputs, in the analysis' order);
/// `data` (optional) gives study years for ForestSort::year. Subgroups (analysis.subgroups) are drawn
/// as blocks with their own diamonds and heterogeneity, and the tests for subgroup differences at the end.
svg::Svg forest_plot(const PairwiseAnalysis& analysis, const EffectSet& set, const ForestOptions& options = {},
                     const Dataset* data = nullptr);

enum class NmaForestSort {
  as_given,  ///< netmeta's treatment order
  pscore,    ///< decreasing P-score of the model shown (netmeta forest(sortvar = -Pscore))
};

struct NmaForestOptions {
  /// Reference treatment; empty = the analysis' reference (netmeta reference.group).
  std::string reference;
  bool random = true;  ///< random-effects estimates (netmeta's default when both are fitted); false = common
  NmaForestSort sort = NmaForestSort::pscore;
  bool pscore_column = true;
  bool drop_reference = false;  ///< netmeta drop.reference.group
  /// "Favours" labels from NetworkAnalysis::small_values (automatic) or none; label_left / label_right override.
  FavoursSide favours = FavoursSide::automatic;
  std::optional<std::string> label_left, label_right;
  std::optional<std::pair<double, double>> xlim;
  int digits = 2;
  double plot_width = 260.0;
  double row_height = 18.0;
  double font_size = 12.0;
  std::string title;
};

/// Forest plot of the network estimates of every treatment versus the reference (TE[i, ref]) with
/// CIs and P-scores. The "Favours" sides follow analysis.small_values (netmeta small.values).
svg::Svg nma_forest_plot(const NetworkAnalysis& analysis, const NmaForestOptions& options = {});

struct NetsplitForestOptions {
  bool random = true;  ///< random-effects split (netmeta's default when shown); false = common
  bool show_direct = true, show_indirect = true, show_network = true;
  bool only_with_both = false;  ///< only comparisons with direct and indirect evidence (netmeta show = "both")
  double level = 0.95;
  int digits = 2;
  std::optional<std::pair<double, double>> xlim;
  double plot_width = 260.0;
  double row_height = 18.0;
  double font_size = 12.0;
  std::string title;
};

/// Forest plot of a netsplit: per comparison a heading and rows "Direct estimate", "Indirect
/// estimate", "Network estimate" (netmeta forest.netsplit()) with the number of studies, the direct
/// evidence proportion and, on the heading, the p-value of the difference. `measure` decides the scale.
svg::Svg netsplit_forest_plot(const NetsplitResult& split, Measure measure, const NetsplitForestOptions& options = {});

}  // namespace evident::report
