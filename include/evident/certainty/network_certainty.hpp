// evident: the certainty step of a network meta-analysis as `evident nma --certainty` and the living-review store
// run it - CINeMA judgements of every comparison (cinema.hpp; Nikolakopoulou et al. 2020, PLoS Med 17:e1003082,
// doi:10.1371/journal.pmed.1003082), the summary-of-findings table of every treatment versus the reference
// (network_sof.hpp; Yepes-Nuñez et al. 2019, doi:10.1016/j.jclinepi.2019.04.018) and, for the store, a draft
// recommendation per table from the SoF alone (recommendation.hpp with default EtdInputs, i.e. no panel input;
// Andrews et al. 2013, doi:10.1016/j.jclinepi.2013.02.003). Nothing new is estimated here: one implementation shared
// by the CLI and the store so that both write the same object.
//
// Option strings (as `evident nma --rob-rule --incoherence-rule`): rob rule "majority" | "highest" | "average"
// (used for both within-study bias and indirectness), incoherence rule "ci-agreement" | "side-p".
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evident/certainty/cinema.hpp"
#include "evident/certainty/recommendation.hpp"
#include "evident/certainty/summary_of_findings.hpp"
#include "evident/data/dataset.hpp"
#include "evident/network/analysis.hpp"

namespace evident {

const char* to_string(IncoherenceRule r);  ///< "ci-agreement", "side-p"
std::optional<IncoherenceRule> parse_incoherence_rule(const std::string& s);

/// CinemaOptions from the option strings (rob_rule also sets indirectness_rule, as `evident nma`). Unknown values
/// give an error "certainty-bad-rule" naming the allowed values (the defaults are then used).
CinemaOptions cinema_options(const std::string& rob_rule, const std::string& incoherence_rule,
                             Diagnostics& diagnostics);

struct NetworkCertainty {
  CinemaResult cinema;
  /// One table per non-reference treatment versus the reference; empty when CINeMA failed.
  std::vector<SummaryOfFindings> summary_of_findings;
};

/// cinema(analysis, data, options) and, when it succeeded, network_summary_of_findings().
NetworkCertainty network_certainty(const NetworkAnalysis& analysis, const Dataset& data, const Outcome& outcome,
                                   const CinemaOptions& options);

/// to_json(CinemaResult) plus "method": "CINeMA" and "summary_of_findings": [to_json(SummaryOfFindings)] - the
/// "certainty" object of `evident nma --certainty --json`.
nlohmann::json to_json(const NetworkCertainty& certainty);

/// {comparison ("treat1:treat2", CinemaComparison::comparison): overall rating ("high", ...)}.
nlohmann::json overall_ratings(const CinemaResult& cinema);

/// Draft recommendations, one per SoF table, with no panel input (EtdInputs{}): the defaults from the SoF.
std::vector<RecommendationDraft> draft_recommendations(const NetworkCertainty& certainty);

}  // namespace evident
