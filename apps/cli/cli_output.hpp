// Printing for the evident CLI: diagnostics, effect tables (text/CSV/JSON), data summaries.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <vector>

#include "evident/core/diagnostic.hpp"
#include "evident/data/read.hpp"
#include "evident/effects/effect_size.hpp"
#include "evident/network/analysis.hpp"
#include "evident/pairwise/analysis.hpp"

namespace evident_cli {

/// One compiler-style line per diagnostic.
void print_diagnostics(std::ostream& os, const evident::Diagnostics& ds);
/// "trials.csv: 3 errors, 1 warning; nothing was computed" style closing line.
void print_error_summary(std::ostream& os, const evident::Diagnostics& ds);

void write_effects_text(std::ostream& os, const evident::ReadResult& read, const std::vector<evident::EffectSet>& sets);
void write_effects_csv(std::ostream& os, const std::vector<evident::EffectSet>& sets);
void write_effects_json(std::ostream& os, const evident::ReadResult& read, const std::vector<evident::EffectSet>& sets);

void write_meta_text(std::ostream& os, const evident::ReadResult& read,
                     const std::vector<evident::PairwiseAnalysis>& analyses);
/// `certainty` (aligned with `analyses`, null entries skipped) adds a "certainty" object to each analysis.
void write_meta_json(std::ostream& os, const evident::ReadResult& read,
                     const std::vector<evident::PairwiseAnalysis>& analyses,
                     const std::vector<nlohmann::json>* certainty = nullptr);

void write_nma_text(std::ostream& os, const evident::ReadResult& read,
                    const std::vector<evident::NetworkAnalysis>& analyses);
void write_nma_json(std::ostream& os, const evident::ReadResult& read,
                    const std::vector<evident::NetworkAnalysis>& analyses,
                    const std::vector<nlohmann::json>* certainty = nullptr);

void write_dataset_summary(std::ostream& os, const evident::ReadResult& read);
void write_check_json(std::ostream& os, const evident::ReadResult& read);

}  // namespace evident_cli
