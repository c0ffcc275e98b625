// evident: the pairwise analyses of a review - one per outcome x time point x comparison, each with
// its meta-analysis and the checks a systematic review reports next to it.
//
// A review runs a meta-analysis for every comparison of every outcome at every time point (the
// Dataset keeps each outcome x time point as one Outcome). The comparisons of an EffectSet are the
// distinct unordered treatment pairs, oriented as first seen; contrasts given the other way round
// enter with their sign flipped (meta_input_from_effects). analyse_outcome() adds, per comparison and
// as the options ask: Mantel-Haenszel and Peto pooling (binary data with counts), the test-based CI of
// I2, small-study checks (Egger, Begg, trim-and-fill), leave-one-out and cumulative meta-analysis,
// a subgroup analysis on a study covariate, a meta-regression on study covariates, and absolute
// effects per 1000 for binary outcomes. Each method's formulas, paper and checks are in its own header.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "evident/data/dataset.hpp"
#include "evident/effects/effect_size.hpp"
#include "evident/pairwise/absolute_effects.hpp"
#include "evident/pairwise/mantel_haenszel.hpp"
#include "evident/pairwise/meta_analysis.hpp"
#include "evident/pairwise/meta_regression.hpp"
#include "evident/pairwise/sensitivity.hpp"
#include "evident/pairwise/small_study.hpp"
#include "evident/pairwise/small_study_binary.hpp"
#include "evident/pairwise/subgroup.hpp"

namespace evident {

struct Comparison {
  std::string treat1, treat2;
  std::size_t studies = 0;  ///< contrasts of this comparison in the effect set
};

/// Distinct comparisons of `set` in order of first appearance (treat1 vs treat2 as first seen).
std::vector<Comparison> comparisons(const EffectSet& set);

/// What analyse_outcome() computes besides the meta-analysis.
struct PairwiseOptions {
  MetaOptions meta;
  /// Mantel-Haenszel (OR, RR, RD) and, for OR, Peto pooling when every study has 2x2 counts.
  bool mantel_haenszel = true;
  /// Egger's test (metafor's default model: the random-effects meta-regression on sei with
  /// meta.tau2_method), Begg's rank test, trim-and-fill (L0) and Thompson-Sharp's test when k >= 3, and
  /// for odds ratios from 2x2 tables Harbord's and Peters' tests; with k < 10 a note says the tests have
  /// little power (Cochrane Handbook v6.4, section 13.3.5.4).
  bool small_study = true;
  bool leave_one_out = false;
  /// Cumulative meta-analysis ordered by this study field: "year", or a study covariate (numbers in
  /// increasing order; ties and missing values keep the input order, missing last, with a warning).
  std::optional<std::string> cumulative_by;
  /// Subgroup analysis by this study covariate (or "year", "rob" for the overall risk of bias);
  /// studies without a value are left out of it, with a warning naming them.
  std::optional<std::string> subgroup;
  /// Meta-regression on these study covariates: a covariate whose values all read as numbers is
  /// continuous, any other categorical (reference level: the first in sorted order).
  std::vector<std::string> moderators;
  /// Absolute effects for binary outcomes analysed as RR, OR or RD: comparator risk from the
  /// comparator arms (median by default), or `baseline_risk` when given.
  bool absolute_effects = true;
  BaselineRiskSource baseline_source = BaselineRiskSource::median_control;
  std::optional<double> baseline_risk;
  double absolute_per = 1000.0;
};

struct AbsoluteEffects {
  AbsoluteEffect common, random;
};

struct PairwiseAnalysis {
  std::string outcome;
  std::optional<std::string> time_point;
  Measure measure = Measure::MD;
  Comparison comparison;
  MetaResult result;
  HeterogeneityCI I2_test_based;  ///< the test-based CI of H and I2 that meta and netmeta print
  std::optional<MantelHaenszelResult> mantel_haenszel;
  std::optional<PetoResult> peto;
  std::optional<RegtestResult> egger;
  std::optional<RanktestResult> begg;
  std::optional<TrimfillResult> trimfill;
  std::optional<RegtestResult> thompson_sharp;
  std::optional<BinaryRegtestResult> harbord;  ///< OR with 2x2 tables
  std::optional<BinaryRegtestResult> peters;   ///< OR with 2x2 tables (R meta's variant)
  std::optional<LeaveOneOutResult> leave_one_out;
  std::optional<CumulativeResult> cumulative;
  std::optional<SubgroupResult> subgroups;
  std::optional<std::string> subgroup_by;
  std::optional<MetaRegressionResult> meta_regression;
  std::optional<AbsoluteEffects> absolute;
  /// Notes and warnings about the extra analyses (e.g. small-study tests with k < 10, studies left
  /// out of a subgroup analysis); the meta-analysis' own are in result.diagnostics.
  Diagnostics diagnostics;
};

/// Meta-analyses of every comparison of `set` with `options` (the meta-analysis only).
std::vector<PairwiseAnalysis> analyse_comparisons(const EffectSet& set, const MetaOptions& options);

/// Every comparison of one outcome (`set` = compute_effects(data, outcome, ...)) with the extra
/// analyses `options` asks for. Study covariates, years and risk of bias come from `data`.
std::vector<PairwiseAnalysis> analyse_outcome(const Dataset& data, const Outcome& outcome, const EffectSet& set,
                                              const PairwiseOptions& options);

/// JSON of one analysis: outcome, time_point, comparison, measure, scale, the MetaResult fields
/// (to_json), "I2_test_based", and for ratio measures (log scale) the back-transformed values under
/// "exp": common / random estimate and CI, prediction interval. Extra analyses, when run, under
/// "mantel_haenszel", "peto", "small_study" {"egger", "begg", "trimfill", "thompson_sharp", "harbord", "peters"},
/// "leave_one_out", "cumulative", "subgroups" (with "by"), "meta_regression", "absolute_effects" {"common", "random"};
/// "warnings" holds the meta-analysis' diagnostics followed by those of the extra analyses.
nlohmann::json to_json(const PairwiseAnalysis& analysis);

}  // namespace evident
