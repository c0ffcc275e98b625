// evident: summary-of-findings table - one row per outcome: participants and studies, relative
// effect, absolute effects, certainty with footnoted reasons, and the plain-language statement.
//
// Layout and content follow GRADE (Guyatt et al. 2013, GRADE guidelines 12: preparing summary of findings
// tables - binary outcomes, J Clin Epidemiol 66:158-172, doi:10.1016/j.jclinepi.2012.01.012; GRADE
// guidelines 13: ... continuous outcomes, J Clin Epidemiol 66:173-183, doi:10.1016/j.jclinepi.2012.05.011):
// for binary outcomes the risk with the comparator and with the intervention per 1000 and the
// difference with CI (absolute.hpp); for continuous outcomes the MD on the original scale, or an SMD
// re-expressed on a named instrument; certainty as one of four levels with the reasons for rating down
// as footnotes; the statement of GRADE guidelines 26 (contextualised.hpp) from the magnitude of the
// effect against the outcome's thresholds and the certainty.
//
// The thresholds are on the scale of the effect for MD and SMD (for an SMD re-expressed on an instrument:
// on the instrument's scale, where MIDs are known); for binary outcomes (RR, OR, HR, RD) they
// are absolute risk differences per 1000 (GRADE's minimally contextualised approach
// judges binary effects on the absolute scale); a binary outcome without a comparator risk (and not an RD)
// gets no magnitude and a warning. This is a presentation of the analysis; nothing here is estimated.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evident/certainty/absolute.hpp"
#include "evident/certainty/contextualised.hpp"
#include "evident/certainty/judgement.hpp"
#include "evident/core/diagnostic.hpp"
#include "evident/data/dataset.hpp"
#include "evident/effects/effect_size.hpp"

namespace evident {

enum class Importance { critical, important, not_important };
const char* to_string(Importance i);
std::optional<Importance> parse_importance(const std::string& text);

/// One outcome's evidence as a SoF row needs it (from an analysis or entered from a publication).
struct OutcomeEvidence {
  std::string name;        ///< "Pain intensity"
  std::string time_point;  ///< "short term (up to 1 month)"
  std::string scale;       ///< "0-100, higher = worse" (continuous) or empty
  Measure measure = Measure::MD;
  /// Point estimate and CI on the natural scale (a ratio as a ratio, RD as a proportion).
  double estimate = 0.0, ci_lower = 0.0, ci_upper = 0.0;
  Direction direction = Direction::unspecified;
  Importance importance = Importance::critical;
  std::optional<Thresholds> thresholds;  ///< absent: no magnitude (a warning)
  std::optional<int> studies, participants;
  std::optional<double> comparator_risk;  ///< binary: proportion
  BaselineRiskSource comparator_risk_source = BaselineRiskSource::given;
  std::optional<double> comparator_mean;  ///< continuous
  std::optional<double> reexpress_sd;     ///< SMD: SD of the instrument named in reexpress_scale
  std::string reexpress_scale;
  Certainty certainty = Certainty::very_low;
  std::vector<std::string> reasons;  ///< reasons for rating down (footnotes)
  std::string source;                ///< where the numbers come from
  std::string published_statement;   ///< a judgement the source states, to compare with (optional)
};

/// One row of the table.
struct SofRow {
  OutcomeEvidence evidence;
  std::optional<AbsoluteEffect> absolute;        ///< binary outcomes
  std::optional<ContinuousAbsolute> continuous;  ///< MD / SMD
  std::optional<EffectInterpretation> interpretation;
  std::vector<int> footnotes;  ///< numbers into SummaryOfFindings::footnotes
  std::string statement;       ///< GRADE 26 wording
  Diagnostics diagnostics;
};

struct SummaryOfFindings {
  std::string population, intervention, comparator, setting;
  std::vector<SofRow> rows;
  std::vector<std::string> footnotes;  ///< footnote i+1 = footnotes[i]; identical reasons share a number
  Diagnostics diagnostics;             ///< all rows' diagnostics, with the outcome as field
  [[nodiscard]] bool ok() const { return !diagnostics.has_errors(); }
};

/// Builds one row: absolute effect, magnitude against the thresholds, statement.
SofRow summary_row(const OutcomeEvidence& evidence, const std::string& intervention);

/// Builds the table for one question.
SummaryOfFindings summary_of_findings(const std::string& population, const std::string& intervention,
                                      const std::string& comparator, const std::vector<OutcomeEvidence>& outcomes,
                                      const std::string& setting = {});

/// "MD -8.73 (-15.67 to -1.78)", "RR 15.90 (6.70 to 37.74)".
std::string format_relative(const OutcomeEvidence& e);
/// "44 per 1000 vs 693 per 1000 (292 to 1000); 649 more per 1000 (248 more to 956 more)" etc.
std::string format_absolute(const SofRow& row);

nlohmann::json to_json(const OutcomeEvidence& e);
nlohmann::json to_json(const SofRow& row);
nlohmann::json to_json(const SummaryOfFindings& sof);

/// The table as plain text (one block per outcome, then the footnotes), for the terminal.
std::string render_text(const SummaryOfFindings& sof);

}  // namespace evident
