// evident: GRADE domains for one pairwise meta-analysis (one comparison of one outcome).
//
// Certainty starts at high for randomised trials (low for observational studies) and is rated down one
// level per "serious" and two per "very serious" concern (Balshem et al. 2011, GRADE guidelines 3,
// doi:10.1016/j.jclinepi.2010.07.015), floored at very low; a reviewer can override any domain or the
// overall rating with a reason, which is kept in the output (judgement.hpp). The rules below turn the
// meta-analysis into default judgements; GRADE itself asks for judgement, so the thresholds are options and
// the rules that only screen are marked needs_reviewer. docs/methods/certainty.md states every rule
// with its source.
//
//  1. Risk of bias (Guyatt et al. 2011, GRADE guidelines 4, doi:10.1016/j.jclinepi.2010.07.017; Cochrane
//     Handbook v6.4 ch. 14.2.2 "most information from studies at low risk"): shares of the random-effects
//     weight (MetaResult::random.weights) from studies at high risk and at some concerns (RoB 2 overall).
//     share(high) > very_serious_share (default 0.5) -> very serious; else share(some) + share(high) >
//     serious_share (default 0.5) -> serious; else not serious. Missing RoB: as GradeOptions::missing.
//  2. Inconsistency (Guyatt et al. 2011, GRADE guidelines 7, doi:10.1016/j.jclinepi.2011.03.017): with a
//     range of equivalence (MID) and a prediction interval, CINeMA's CI-versus-PI table
//     (cinema.hpp heterogeneity_concern; the PI replaces "point estimates vary widely"); otherwise I2 with the
//     Q test: I2 >= 75% and Q p < 0.10 -> very serious, I2 >= 50% and Q p < 0.10 -> serious, else not
//     serious (Cochrane Handbook v6.4 10.10.2 bands, GRADE 7's p < 0.10), needs_reviewer. k = 1: not
//     serious, needs_reviewer (cannot be assessed).
//  3. Indirectness (Guyatt et al. 2011, GRADE guidelines 8, doi:10.1016/j.jclinepi.2011.04.014): as 1. with
//     Study::indirectness.
//  4. Imprecision (Guyatt et al. 2011, GRADE guidelines 6, doi:10.1016/j.jclinepi.2011.01.012, CI against
//     the decision thresholds; as CINeMA's imprecision rule): the random-effects CI against the
//     range of equivalence: crosses both bounds -> very serious, one -> serious, none -> not serious. Without
//     a range: the CI against the null (0 on the analysis scale): includes it -> serious, needs_reviewer;
//     excludes it -> not serious, needs_reviewer. The optimal information size is not computed (a note
//     says so when the CI excludes the null).
//  5. Publication bias (Guyatt et al. 2011, GRADE guidelines 5, doi:10.1016/j.jclinepi.2011.01.011; Sterne
//     et al. 2011, doi:10.1136/bmj.d4002, tests only with k >= 10): k >= min_k (10): Egger p < alpha (0.10)
//     -> serious ("strongly suspected"; GRADE rates publication bias down by at most one level), the
//     trim-and-fill estimate given in the reason; else not serious ("undetected"). k < 10: not serious,
//     needs_reviewer. Always needs_reviewer when the test is run (a screen, not a proof).
//
// Not checked against GRADEpro (judgements, not numbers); tested on constructed meta-analyses in
// tests/unit/certainty/grade_test.cpp.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "evident/certainty/cinema.hpp"
#include "evident/certainty/judgement.hpp"
#include "evident/core/diagnostic.hpp"
#include "evident/data/dataset.hpp"
#include "evident/pairwise/analysis.hpp"

namespace evident {

inline constexpr const char* kRiskOfBias = "risk of bias";
inline constexpr const char* kInconsistency = "inconsistency";
inline constexpr const char* kGradeIndirectness = "indirectness";
inline constexpr const char* kGradeImprecision = "imprecision";
inline constexpr const char* kPublicationBias = "publication bias";

struct GradeOptions {
  Certainty start = Certainty::high;  ///< high for randomised trials, low for observational studies
  double serious_share = 0.5;         ///< share of weight not at low risk above which: serious
  double very_serious_share = 0.5;    ///< share of weight at high risk above which: very serious
  MissingJudgement missing = MissingJudgement::some_concerns;
  std::optional<EquivalenceRange> range;
  std::optional<double> mid;  ///< symmetric range (-mid, mid); else Outcome::mid
  std::size_t publication_bias_min_k = 10;
  double publication_bias_alpha = 0.10;
  /// Reviewer's publication-bias judgement (overrides the test-based default, not marked as an override).
  std::optional<ReportingBias> publication_bias;
  /// Overrides: domain name -> judgement and reason.
  std::map<std::string, ConcernOverride> overrides;
  std::optional<CertaintyOverride> overall_override;
};

struct GradeResult {
  std::string outcome;
  std::string treat1, treat2;
  Measure measure = Measure::MD;
  std::size_t k = 0;
  double estimate = 0.0, ci_lower = 0.0, ci_upper = 0.0;  ///< random effects
  std::optional<double> pi_lower, pi_upper;
  std::optional<EquivalenceRange> range;
  LevelShares rob, indirectness;         ///< shares of the random-effects weight
  std::vector<DomainJudgement> domains;  ///< the five domains, in GRADE's order
  Certainty start = Certainty::high;
  Certainty computed_overall = Certainty::high;
  Certainty overall = Certainty::high;
  std::string overall_reason;
  bool overall_overridden = false;
  std::string overall_override_reason;
  Diagnostics diagnostics;
  [[nodiscard]] bool ok() const { return !diagnostics.has_errors(); }
  [[nodiscard]] const DomainJudgement* domain(const std::string& name) const;
};

/// GRADE judgements for one pairwise meta-analysis; `data` supplies RoB, indirectness and the MID.
GradeResult grade(const PairwiseAnalysis& analysis, const Dataset& data, const GradeOptions& options = {});

/// JSON: outcome, treat1, treat2, measure, k, estimate, ci_lower, ci_upper, pi_lower, pi_upper, range,
/// rob_shares, indirectness_shares, domains [to_json(DomainJudgement)], start, overall, computed_overall,
/// overall_reason, overall_overridden, overall_override_reason, diagnostics.
nlohmann::json to_json(const GradeResult& result);

}  // namespace evident
