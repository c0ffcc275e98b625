// Printing for the evident CLI: diagnostics, effect tables (text/CSV/JSON), data summaries.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "evident/core/diagnostic.hpp"
#include "evident/data/read.hpp"
#include "evident/effects/effect_size.hpp"
#include "evident/network/analysis.hpp"
#include "evident/pairwise/analysis.hpp"

namespace evident_cli {

/// Exit codes of every subcommand: 0 success, 1 data errors, 2 usage errors.
inline constexpr int kExitOk = 0;
inline constexpr int kExitDataError = 1;
inline constexpr int kExitUsage = 2;

/// Exit code for diagnostics with errors: an option that does not fit the data (e.g. --measure OR for means)
/// is a usage error, anything else a data error.
int error_exit_code(const evident::Diagnostics& ds);
/// Prints the errors of option settings ("evident: error: MESSAGE (HINT)"); true when there are none.
bool options_ok(const evident::Diagnostics& ds);
/// The current time in UTC as ISO 8601 ("2026-11-21T23:25:00Z"): the front-ends read the clock, the library never.
std::string now_utc();

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
