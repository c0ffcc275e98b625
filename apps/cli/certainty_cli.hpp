// `--certainty` of `evident nma` (CINeMA per comparison) and `evident meta` (GRADE per comparison):
// options, reviewer's judgements file, and the JSON / text the commands add to each analysis.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "evident/certainty/judgements_file.hpp"
#include "evident/data/dataset.hpp"
#include "evident/network/analysis.hpp"
#include "evident/pairwise/analysis.hpp"

namespace evident_cli {

struct CertaintyArgs {
  bool on = false;
  std::string judgements;  ///< reviewer's inputs and overrides (JSON), empty = none
  std::string rob_rule = "majority";
  std::string incoherence = "ci-agreement";
};

/// Adds --certainty, --judgements, and for networks --rob-rule and --incoherence-rule.
void add_certainty_options(CLI::App& cmd, CertaintyArgs& args, bool network);

/// Reads the judgements file named by the args (nothing when none); false on errors (printed).
bool load_judgements(const CertaintyArgs& args, evident::CertaintyJudgements& out);

/// CINeMA judgements of every comparison of `a`: JSON, and notes/errors appended to `all`.
/// With them, "summary_of_findings": one SoF table per treatment versus the reference (network_sof.hpp).
/// The library's evident::network_certainty() computes it (the living-review store uses the same function).
nlohmann::json network_certainty(const evident::NetworkAnalysis& a, const evident::Dataset& data,
                                 const evident::Outcome& outcome, const CertaintyArgs& args,
                                 const evident::CertaintyJudgements& j, evident::Diagnostics& all);
/// GRADE judgements of one pairwise analysis.
nlohmann::json pairwise_certainty(const evident::PairwiseAnalysis& a, const evident::Dataset& data,
                                  const evident::CertaintyJudgements& j, evident::Diagnostics& all);

/// Text lines for a certainty JSON made by the two functions above.
void write_certainty_text(std::ostream& os, const nlohmann::json& certainty);

}  // namespace evident_cli
