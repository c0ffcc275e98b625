// evident: one pairwise meta-analysis per outcome x comparison, from effect sizes.
//
// A review runs a meta-analysis for every comparison of every outcome (and time point). The
// comparisons of an EffectSet are the distinct unordered treatment pairs, oriented as first seen;
// contrasts given the other way round enter with their sign flipped (meta_input_from_effects).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "evident/effects/effect_size.hpp"
#include "evident/pairwise/meta_analysis.hpp"

namespace evident {

struct Comparison {
  std::string treat1, treat2;
  std::size_t studies = 0;  ///< contrasts of this comparison in the effect set
};

/// Distinct comparisons of `set` in order of first appearance (treat1 vs treat2 as first seen).
std::vector<Comparison> comparisons(const EffectSet& set);

struct PairwiseAnalysis {
  std::string outcome;
  Measure measure = Measure::MD;
  Comparison comparison;
  MetaResult result;
};

/// Meta-analyses of every comparison of `set` with `options`.
std::vector<PairwiseAnalysis> analyse_comparisons(const EffectSet& set, const MetaOptions& options);

/// JSON of one analysis: outcome, comparison, measure, scale, the MetaResult fields (to_json), and
/// for ratio measures (log scale) the back-transformed values under "exp": common / random
/// estimate and CI, prediction interval.
nlohmann::json to_json(const PairwiseAnalysis& analysis);

}  // namespace evident
