// evident: CINeMA - confidence in the results of a network meta-analysis, six domains per comparison.
//
// Framework: Nikolakopoulou, Higgins, Papakonstantinou, Chaimani, Del Giovane, Egger & Salanti 2020,
// "CINeMA: An approach for assessing confidence in the results of a network meta-analysis", PLoS Med
// 17:e1003082, doi:10.1371/journal.pmed.1003082; software: Papakonstantinou, Nikolakopoulou, Higgins, Egger &
// Salanti 2020, "CINeMA: Software for semiautomated assessment of the confidence in the results of network
// meta-analysis", Campbell Syst Rev 16:e1080, doi:10.1002/cl2.1080, and the CINeMA web application's
// documentation (github.com/esm-ispm-unibe-ch/cinema, docs/documentation.md). Every comparison of the
// network (all pairs a < b of NmaResult::treatments, the rows of the contribution matrix; CINeMA's "mixed"
// and "indirect" comparisons together) gets one judgement per domain (no / some / major concerns) with
// its reason, and an overall confidence rating.
//
// Rules (docs/methods/certainty.md states each with its source):
//  1. Within-study bias: study RoB (Study::rob.overall; low = 1, some concerns = 2, high = 3) weighted by
//     the study's share of the comparison's estimate (ContributionResult::study_contribution row, the
//     CINeMA bar chart). Majority: the level with the largest total share (ties: the higher level);
//     highest: the highest level among studies with a share > 0; average: sum share x score, rounded to the
//     nearest level (1.5 -> 2, 2.5 -> 3). Level 1/2/3 -> no/some/major concerns.
//  2. Reporting bias: the reviewer's judgement per comparison or for all ("undetected" -> no, "suspected" ->
//     some, "strongly suspected" -> major concerns; Nikolakopoulou 2020, "Reporting bias"). Without it,
//     a default from the comparison-adjusted funnel plot (Chaimani et al. 2013): Egger's test p < 0.10 ->
//     "suspected" (some concerns), else "undetected"; always marked needs_reviewer (CINeMA leaves the call
//     to the reviewer); no test (fewer than 10 points) -> no concerns, needs_reviewer.
//  3. Indirectness: as 1. with Study::indirectness.
//  4. Imprecision: the number of bounds of the range of equivalence (lower, upper) that the 95% CI of the
//     network estimate crosses (strictly inside the CI): 0 -> no, 1 -> some, 2 -> major concerns (CINeMA
//     documentation "Imprecision"; webapp Imprecision/Rules.purs numberOfCrosses).
//  5. Heterogeneity: crossings of the CI (c) and of the prediction interval (p, NmaPrediction) with the
//     range: table [c][p] = (0,0) no, (0,1) some, (0,2) major, (1,1) no, (1,2) some, (2,2) no concerns
//     (CINeMA documentation "Heterogeneity"); the PI always contains the CI, so p >= c. No PI (df = 0):
//     no concerns, needs_reviewer (tau2 cannot be estimated).
//  6. Incoherence (CINeMA documentation "Incoherence"): only direct evidence -> no concerns; only indirect
//     evidence -> the random-effects design-by-treatment interaction test (DesignDecomposition::
//     between_random, CINeMA's "pv_dbt"): p > 0.10 no, 0.01 <= p <= 0.10 some, p < 0.01 major concerns;
//     direct and indirect evidence (mixed) -> the direct and indirect 95% CIs (netsplit, SIDE) are each
//     placed in the areas left of the range (A), in it (B) and right of it (C); the number of the three areas
//     on which they agree (both touch or both miss it): 3 no, 2 some, 0 or 1 major concerns. The SIDE p
//     value is reported in the reason. IncoherenceRule::side_p instead applies the p thresholds of the global
//     test to the SIDE p (an evident option, for users without a range of equivalence).
// Overall confidence: CINeMA leaves it to the reviewer (Papakonstantinou 2020, "Report"); evident's default
// is the GRADE convention (start high, one level down per domain with some concerns, two per major concerns,
// floor very low; Balshem et al. 2011, doi:10.1016/j.jclinepi.2010.07.015; judgement.hpp rate_down), which
// the reviewer can override (with a reason, kept in the output). Any domain can be overridden the same way.
//
// Range of equivalence: CinemaOptions::range, else the symmetric (-mid, mid) from CinemaOptions::mid, else
// from Outcome::mid; all on the analysis scale (log scale for ratio measures), for treat1 versus treat2 of
// each comparison. Without one, imprecision and heterogeneity are "no concerns" with needs_reviewer and
// mixed incoherence falls back to the SIDE p rule, with a warning.
//
// Not checked against the CINeMA web application (it cannot run here); the rules are tested on networks
// where the answer is known by construction (tests/unit/certainty/cinema_test.cpp).
#pragma once

#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "evident/certainty/judgement.hpp"
#include "evident/core/diagnostic.hpp"
#include "evident/data/dataset.hpp"
#include "evident/network/analysis.hpp"

namespace evident {

/// How study-level judgements are summarised across a comparison's study contributions (CINeMA).
enum class RobRule { majority, highest, average };
const char* to_string(RobRule r);  ///< "majority", "highest", "average"
std::optional<RobRule> parse_rob_rule(const std::string& s);

/// CINeMA's reporting-bias levels.
enum class ReportingBias { undetected, suspected, strongly_suspected };
const char* to_string(ReportingBias r);  ///< "undetected", "suspected", "strongly suspected"
std::optional<ReportingBias> parse_reporting_bias(const std::string& s);

/// Studies without a judgement (RoB or indirectness).
enum class MissingJudgement {
  some_concerns,  ///< counted as "some concerns" (default: missing information is itself a concern)
  exclude,        ///< left out; the other studies' shares are rescaled to sum to 1
};

enum class IncoherenceRule {
  ci_agreement,  ///< CINeMA: direct and indirect CIs against the range of equivalence (default)
  side_p,        ///< SIDE p: > 0.10 no, 0.01-0.10 some, < 0.01 major concerns
};

/// A range of equivalence on the analysis scale (treat1 versus treat2): effects inside it are not
/// clinically important.
struct EquivalenceRange {
  double lower = 0.0, upper = 0.0;
};

/// A reviewer's change of one judgement, with the reason.
struct ConcernOverride {
  Concern concern = Concern::no;
  std::string reason;
};
struct CertaintyOverride {
  Certainty certainty = Certainty::high;
  std::string reason;
};

/// Domain names as used in CinemaComparison::domains and in overrides.
inline constexpr const char* kWithinStudyBias = "within-study bias";
inline constexpr const char* kReportingBias = "reporting bias";
inline constexpr const char* kIndirectness = "indirectness";
inline constexpr const char* kImprecision = "imprecision";
inline constexpr const char* kHeterogeneity = "heterogeneity";
inline constexpr const char* kIncoherence = "incoherence";

struct CinemaOptions {
  RobRule rob_rule = RobRule::majority;
  RobRule indirectness_rule = RobRule::majority;
  MissingJudgement missing = MissingJudgement::some_concerns;
  std::optional<EquivalenceRange> range;
  std::optional<double> mid;  ///< symmetric range (-mid, mid) when `range` is not given
  /// Reviewer's reporting-bias judgement: per comparison ("a:b", either order) or for all comparisons.
  std::map<std::string, ReportingBias> reporting_bias;
  std::optional<ReportingBias> reporting_bias_all;
  double reporting_bias_alpha = 0.10;  ///< funnel-plot Egger p below which bias is "suspected"
  IncoherenceRule incoherence_rule = IncoherenceRule::ci_agreement;
  NmaModelKind model = NmaModelKind::random;  ///< estimates, CIs and netsplit of this model
  /// Overrides: comparison "a:b" (either order) -> domain name -> judgement and reason.
  std::map<std::string, std::map<std::string, ConcernOverride>> overrides;
  /// Overall rating overrides: comparison "a:b" -> rating and reason.
  std::map<std::string, CertaintyOverride> overall_overrides;
};

/// The study shares behind a within-study-bias or indirectness judgement.
struct LevelShares {
  double low = 0.0, some = 0.0, high = 0.0, missing = 0.0;  ///< proportions of the estimate
  double average = 0.0;                                     ///< sum share x score (1-3)
};

struct CinemaComparison {
  std::string comparison;      ///< "treat1:treat2"
  std::string treat1, treat2;  ///< the estimates are treat1 versus treat2
  bool direct = false;         ///< at least one study compares treat1 and treat2
  double estimate = 0.0, ci_lower = 0.0, ci_upper = 0.0;
  double pi_lower = 0.0, pi_upper = 0.0;  ///< NaN without a prediction interval
  LevelShares rob, indirectness;
  std::vector<DomainJudgement> domains;  ///< the six domains, in CINeMA's order
  Certainty computed_overall = Certainty::high;
  Certainty overall = Certainty::high;
  std::string overall_reason;
  bool overall_overridden = false;
  std::string overall_override_reason;

  /// The judgement of a domain (by name), or nullptr.
  [[nodiscard]] const DomainJudgement* domain(const std::string& name) const;
};

struct CinemaResult {
  std::string outcome;
  Measure measure = Measure::MD;
  NmaModelKind model = NmaModelKind::random;
  RobRule rob_rule = RobRule::majority, indirectness_rule = RobRule::majority;
  std::optional<EquivalenceRange> range;
  std::vector<CinemaComparison> comparisons;
  Diagnostics diagnostics;  ///< notes (studies without RoB, no range of equivalence, ...) and errors
  [[nodiscard]] bool ok() const { return !diagnostics.has_errors(); }
  /// The comparison "a:b" in either order, or nullptr.
  [[nodiscard]] const CinemaComparison* find(const std::string& a, const std::string& b) const;
};

/// Bounds of [lower, upper] strictly inside the interval (CINeMA's number of crossings): 0, 1 or 2.
int range_crossings(double lower, double upper, const EquivalenceRange& range);

/// The CINeMA heterogeneity table for CI and PI crossings.
Concern heterogeneity_concern(int ci_crossings, int pi_crossings);

/// Summarises study judgements with their shares by a rule; `shares` sum to 1 over studies with a level.
Concern summarise_levels(const LevelShares& shares, RobRule rule);

/// CINeMA judgements for every comparison of an analysed network. `data` supplies the studies' RoB and
/// indirectness (matched by label) and, when the options give no range, the outcome's MID. Needs the
/// analysis' contribution matrix (NetworkOptions::contribution) and, for incoherence, its netsplit and
/// decomposition; what is missing gives an error (contribution) or a needs_reviewer judgement.
CinemaResult cinema(const NetworkAnalysis& analysis, const Dataset& data, const CinemaOptions& options = {});

/// JSON: outcome, measure, model, rob_rule, indirectness_rule, range {lower, upper} or null, comparisons
/// [{comparison, treat1, treat2, direct, estimate, ci_lower, ci_upper, pi_lower, pi_upper, rob_shares,
/// indirectness_shares {low, some, high, missing, average}, domains [to_json(DomainJudgement)], overall,
/// computed_overall, overall_reason, overall_overridden, overall_override_reason}], diagnostics.
nlohmann::json to_json(const CinemaResult& result);

}  // namespace evident
