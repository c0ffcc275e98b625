// evident: evidence profiles - per question (population, intervention, comparator) the outcomes'
// pooled estimates with CIs, thresholds and certainty, as entered from an analysis or a publication,
// and the panel's evidence-to-decision inputs; read from JSON, turned into a summary of findings and
// a recommendation draft.
//
// Format (schema version 1; every key except those marked required is optional):
//   {"evident_profile": 1, "title": "...",
//    "questions": [{"id", "population" (required), "intervention" (required), "comparator" (required),
//       "setting",
//       "outcomes": [{"name" (required), "time_point", "scale", "measure" (required: MD, SMD, RR, OR, HR, RD),
//          "estimate", "ci_lower", "ci_upper" (required; ratios on their natural scale, RD as a proportion),
//          "direction": "small_values_desirable" | "large_values_desirable",
//          "importance": "critical" | "important" | "not important",
//          "mid": number | "thresholds": {"small", "moderate", "large"},
//          "studies", "participants" (integers), "comparator_risk" (proportion),
//          "comparator_risk_source": "median" | "pooled" | "given", "comparator_mean",
//          "reexpress": {"sd", "scale"},
//          "certainty": "high" | "moderate" | "low" | "very low",
//          "domains": [{"domain", "concern" (no/some/major concerns or not serious/serious/very serious),
//                       "reason"}],
//          "reasons": [strings], "source", "published_statement"}],
//       "decision": {"desirable" | "undesirable" | "burden": {"magnitude", "certainty", "note"},
//          "catastrophic_harm": {"certainty"}, "life_threatening", "harm_reduced" (booleans),
//          "values_variability": "none" | "possibly important" | "important",
//          "values", "cost", "acceptability", "feasibility", "equity",
//          "panel": {"direction": "for" | "against" | "either", "strength": "strong" | "conditional", "reason"}},
//       "published": {"recommendation", "source"}}]}
// Certainty: as given; without it, from the domains (GRADE: start high for randomised evidence, rate
// down one level per serious and two per very serious concern; judgement.hpp); when both are given and
// differ, the given certainty is kept and a warning says so. The domains' reasons (concern > no) are the
// footnotes, after any "reasons".
//
// Bad input never throws: every problem is a Diagnostic whose field is the JSON path of the bad value
// ("questions[0].outcomes[2].ci_lower") and whose message names it; unknown keys are warnings; all
// problems of the file are collected. A question with errors gets no table.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evident/certainty/judgement.hpp"
#include "evident/certainty/recommendation.hpp"
#include "evident/certainty/summary_of_findings.hpp"
#include "evident/core/diagnostic.hpp"

namespace evident {

struct ProfileQuestion {
  std::string id, population, intervention, comparator, setting;
  std::vector<OutcomeEvidence> outcomes;
  std::vector<std::vector<DomainJudgement>> domains;  ///< per outcome (empty when not given)
  EtdInputs decision;
  std::string published_recommendation, published_source;
  bool ok = true;  ///< no error in this question
};

struct EvidenceProfile {
  std::string title;
  std::vector<ProfileQuestion> questions;
  Diagnostics diagnostics;
  [[nodiscard]] bool ok() const { return !diagnostics.has_errors(); }
};

/// Reads a profile from JSON text; `file` names it in the diagnostics.
EvidenceProfile read_profile(const std::string& text, const std::string& file = {});
/// Reads a profile file (an unreadable file is an error diagnostic).
EvidenceProfile read_profile_file(const std::string& path);

/// One question's summary of findings and recommendation draft.
struct QuestionReport {
  std::string id;
  SummaryOfFindings sof;
  RecommendationDraft draft;
  std::string published_recommendation, published_source;
};

/// Tables and drafts for every question without errors.
std::vector<QuestionReport> evaluate_profile(const EvidenceProfile& profile);

nlohmann::json to_json(const QuestionReport& r);
nlohmann::json to_json(const std::vector<QuestionReport>& reports);
/// Every question's table, then its draft, as plain text.
std::string render_text(const std::vector<QuestionReport>& reports);

}  // namespace evident
