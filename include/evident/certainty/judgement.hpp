// evident: the vocabulary of certainty-of-evidence judgements shared by CINeMA (network), GRADE
// (pairwise), summary-of-findings tables and recommendation drafts.
//
// Levels and domains:
//  - GRADE: certainty high / moderate / low / very low; rating down by one level for "serious" and two
//    for "very serious" concerns in each of risk of bias, inconsistency, indirectness, imprecision and
//    publication bias (Guyatt et al. 2011, GRADE guidelines 1, J Clin Epidemiol 64:383-394,
//    doi:10.1016/j.jclinepi.2010.04.026; Balshem et al. 2011, GRADE guidelines 3, J Clin Epidemiol 64:401-406,
//    doi:10.1016/j.jclinepi.2010.07.015).
//  - CINeMA: each of six domains (within-study bias, reporting bias, indirectness, imprecision,
//    heterogeneity, incoherence) judged "no concerns", "some concerns" or "major concerns"
//    (Nikolakopoulou et al. 2020, PLoS Med 17:e1003082, doi:10.1371/journal.pmed.1003082;
//    Papakonstantinou et al. 2020, Campbell Syst Rev 16:e1080, doi:10.1002/cl2.1080).
// Both map onto one Concern scale: no = not serious, some = serious (-1 level), major = very serious
// (-2 levels).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace evident {

/// One domain's judgement: CINeMA's no / some / major concerns = GRADE's not serious / serious / very serious.
enum class Concern { no, some, major };

/// Certainty of the evidence (GRADE) = confidence in the estimate (CINeMA).
enum class Certainty { high, moderate, low, very_low };

/// A judgement word as the parsers compare it: lower case, '_' read as a space ("Very_Low" -> "very low").
std::string normalise_word(std::string text);

/// "no concerns", "some concerns", "major concerns".
const char* to_string(Concern c);
/// "high", "moderate", "low", "very low".
const char* to_string(Certainty c);
/// Parses the to_string names, and also "none", "no", "some", "major", "not serious", "serious",
/// "very serious" (case-insensitive); nullopt when unknown.
std::optional<Concern> parse_concern(const std::string& text);
/// Parses "high", "moderate", "low", "very low" / "very_low" (case-insensitive); nullopt when unknown.
std::optional<Certainty> parse_certainty(const std::string& text);

/// Levels rated down for a concern: 0, 1 or 2.
int levels_down(Concern c);
/// `start` rated down by `levels` (floored at very low).
Certainty rate_down(Certainty start, int levels);

/// A judgement with its reason in words and, when a reviewer changed it, the computed judgement and
/// the reviewer's reason (both kept in the output).
struct DomainJudgement {
  std::string domain;   ///< e.g. "within-study bias", "imprecision"
  Concern concern = Concern::no;
  std::string reason;   ///< why, in words a panel can read ("the 95% CI (-0.5 to 1.2) crosses both MID bounds")
  bool overridden = false;
  std::optional<Concern> computed;  ///< the rule's judgement when overridden
  std::string override_reason;
  /// Judgements that cannot be computed (e.g. reporting bias needs the reviewer) are marked so.
  bool needs_reviewer = false;
};

/// Applies a reviewer's override: keeps the computed judgement and the reason. An empty reason is
/// allowed by the function but the front-ends require one.
void override_judgement(DomainJudgement& j, Concern concern, const std::string& reason);

/// Overrides the judgement of `domain` among `domains`; false when no judgement has that name.
bool override_domain(std::vector<DomainJudgement>& domains, const std::string& domain, Concern concern,
                     const std::string& reason);

/// The overall rating from `start` rated down by every domain (levels_down), and the reason in words
/// ("rated down from high by 2 levels: imprecision (some concerns, -1); ..."); `words` names a concern
/// (CINeMA's "some concerns" or GRADE's "serious").
struct OverallRating {
  Certainty certainty = Certainty::high;
  int levels = 0;
  std::string reason;
};
OverallRating rate_domains(const std::vector<DomainJudgement>& domains, Certainty start,
                           const char* (*words)(Concern) = to_string);

nlohmann::json to_json(const DomainJudgement& j);

}  // namespace evident
