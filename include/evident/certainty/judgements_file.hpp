// evident: a reviewer's certainty inputs and overrides, read from a JSON file, for `evident nma
// --certainty` (CINeMA) and `evident meta --certainty` (GRADE).
//
// Format (every key optional):
//   {
//     "reporting_bias": "suspected",                       // all comparisons, or per comparison:
//     "reporting_bias": {"A:B": "undetected", "A:C": "strongly suspected"},
//     "overrides": [
//       {"comparison": "A:B", "domain": "imprecision", "judgement": "some concerns", "reason": "..."},
//       {"comparison": "A:B", "overall": "moderate", "reason": "..."}
//     ]
//   }
// Comparisons are "treat1:treat2" in either order; domains are CINeMA's (within-study bias, reporting bias,
// indirectness, imprecision, heterogeneity, incoherence) or GRADE's (risk of bias, inconsistency,
// indirectness, imprecision, publication bias); judgements use CINeMA's or GRADE's words (parse_concern),
// ratings parse_certainty. Every override needs a reason (an override without one is an error): the
// reason is kept in the output next to the computed judgement.
#pragma once

#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "evident/certainty/cinema.hpp"
#include "evident/certainty/grade.hpp"
#include "evident/core/diagnostic.hpp"

namespace evident {

struct CertaintyJudgements {
  std::optional<ReportingBias> reporting_bias_all;
  std::map<std::string, ReportingBias> reporting_bias;  ///< "a:b" -> judgement
  std::map<std::string, std::map<std::string, ConcernOverride>> overrides;  ///< "a:b" -> domain -> override
  std::map<std::string, CertaintyOverride> overall;                          ///< "a:b" -> rating
};

/// Reads the JSON text; problems are diagnostics naming `file` and the JSON path (field).
CertaintyJudgements read_certainty_judgements(const std::string& text, const std::string& file, Diagnostics& diagnostics);
/// Reads a file (an unreadable file is an error).
CertaintyJudgements read_certainty_judgements_file(const std::string& path, Diagnostics& diagnostics);

/// Puts the judgements into CINeMA options.
void apply(const CertaintyJudgements& j, CinemaOptions& options);
/// Puts the judgements of comparison "treat1:treat2" (either order) into GRADE options.
void apply(const CertaintyJudgements& j, const std::string& treat1, const std::string& treat2, GradeOptions& options);

}  // namespace evident
