// evident: running a stored review and comparing two runs (evident issue 7, first part).
//
// run_review() rebuilds the Dataset from the store, computes the effect sizes of every outcome with the stored
// measure, runs the network meta-analysis of each outcome with the stored NetworkSettings exactly as `evident nma`
// (analyse_network_outcome(), evident/network/analysis.hpp; for an outcome with two treatments this is the
// pairwise inverse-variance analysis with netmeta's DL tau2, as netmeta itself) and stores one run: the
// caller's time, the input hash (fnv1a64_hex of write_json(dataset, -1)), the settings, the software version
// and the results. The numbers are those of analyse_network() (checked against netmeta there); nothing new is
// estimated here.
//
// Results JSON of a run: {"outcomes": [{"outcome", "measure", "ratio", "reference", "mid", "small_values", "ok",
//   "estimates": [{"treatment", "te", "lower", "upper", "crosses_null", "crosses_mid"}]  (random effects versus
//   the reference, log scale for ratio measures), "rank": [treatments by random-effects P-score, best first],
//   "pscore": {treatment: value}, "diagnostics": [...], "analysis": to_json(NetworkAnalysis)}]}.
// crosses_null: lower <= 0 <= upper (0 on the analysis scale, i.e. a ratio of 1). crosses_mid (when the outcome
// has a MID): the interval holds +MID or -MID (MID on the analysis scale, as ReadOptions::mid).
//
// Certainty (ReviewSettings::certainty, on by default), for each outcome whose NMA succeeded, as
// `evident nma --certainty --json` with the stored rob_rule (within-study bias and indirectness) and
// incoherence_rule (evident/certainty/network_certainty.hpp, one implementation for both):
//   "certainty": to_json(CinemaResult) + {"method": "CINeMA", "summary_of_findings": [to_json(SummaryOfFindings)
//                one per treatment versus the reference]},
//   "cinema": {comparison: overall rating}, the comparison named as CinemaComparison::comparison, "treat1:treat2"
//             with treat1 before treat2 in the NMA's treatment order (e.g. "acar:benf"); ratings "high",
//             "moderate", "low", "very low",
//   "recommendations": [to_json(RecommendationDraft)], one draft per SoF table from the SoF alone (no panel input:
//             EtdInputs{}; recommendation.hpp), in the order of the tables.
//
// Progress (evident/core/progress.hpp): run_review() reports "reading data" (0), per outcome "outcome NAME: effect
// sizes", "outcome NAME: network meta-analysis", "outcome NAME: rankogram" (about 100 times while simulating) and
// "outcome NAME: certainty", each outcome taking an equal slice of [0.02, 0.97] (within it: effect sizes 0-5%, NMA
// 5-30%, rankogram 30-85%, certainty 85-100%), then "saving" (0.97) and ("done", 1.0) last, also when nothing is
// stored. Fractions never decrease. The results do not depend on whether a callback is given.
//
// diff_runs() compares two runs per outcome: estimates that moved, intervals that started or stopped crossing
// the null or the MID, rank order changes, CINeMA overall ratings when a run holds them ("cinema" of an outcome:
// {comparison: rating}), the direction or strength of draft recommendations ("recommendations", matched by
// "intervention:comparator"), whether inputs or settings changed, and the studies added or edited between the runs
// (from the change log).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evident/core/diagnostic.hpp"
#include "evident/core/progress.hpp"
#include "evident/store/review_store.hpp"

namespace evident::store {

struct RunResult {
  std::int64_t id = 0;  ///< 0 when nothing was stored
  RunRecord record;
  Diagnostics diagnostics;  ///< reading, effect sizes and the analyses
  [[nodiscard]] bool ok() const { return id != 0; }
};

/// Runs every outcome and stores the run (nothing stored when the data cannot be rebuilt or no outcome could be
/// analysed; outcomes whose analysis failed are stored with "ok": false and their diagnostics).
RunResult run_review(ReviewStore& store, const std::string& time, const std::string& software_version,
                     const ProgressFn& progress = {});

struct EstimateChange {
  std::string treatment;                                                 ///< versus the outcome's reference
  std::optional<double> te_a, lower_a, upper_a, te_b, lower_b, upper_b;  ///< empty when absent from a run
  bool crosses_null_a = false, crosses_null_b = false;
  bool crosses_mid_a = false, crosses_mid_b = false;
  [[nodiscard]] bool null_changed() const { return te_a && te_b && crosses_null_a != crosses_null_b; }
  [[nodiscard]] bool mid_changed() const { return te_a && te_b && crosses_mid_a != crosses_mid_b; }
};

struct RatingChange {
  std::string comparison;
  std::string rating_a, rating_b;  ///< empty when absent
};

/// A draft recommendation whose direction or strength differs between the runs.
struct RecommendationChange {
  std::string comparison;                ///< "intervention:comparator"
  std::string direction_a, direction_b;  ///< "for", "against", "either"; empty when absent
  std::string strength_a, strength_b;    ///< "strong", "conditional"; empty when absent
};

struct OutcomeDiff {
  std::string outcome;
  std::string measure;
  bool ratio = false;
  std::string reference_a, reference_b;
  bool in_a = false, in_b = false;
  std::vector<EstimateChange> estimates;  ///< every treatment of either run, in run B's order then A's
  std::vector<std::string> rank_a, rank_b;
  [[nodiscard]] bool rank_changed() const { return rank_a != rank_b; }
  std::vector<RatingChange> ratings;                  ///< only ratings that differ
  std::vector<RecommendationChange> recommendations;  ///< only drafts whose direction or strength differ
};

struct RunDiff {
  std::int64_t run_a = 0, run_b = 0;
  bool inputs_changed = false, settings_changed = false;
  std::vector<OutcomeDiff> outcomes;
  std::vector<Change> changes;  ///< change-log entries after run A up to run B
};

RunDiff diff_runs(const RunRecord& a, const RunRecord& b, const std::vector<Change>& changes);
/// Loads both runs and the changes between them ("store-no-run" for an unknown id).
std::optional<RunDiff> diff_stored_runs(const ReviewStore& store, std::int64_t a, std::int64_t b,
                                        Diagnostics& diagnostics);

nlohmann::json to_json(const RunDiff& diff);
/// Plain-text report of the diff (what the CLI prints).
std::string render_text(const RunDiff& diff);
/// Plain-text summary of a run: per outcome the estimates versus the reference and the rank order.
std::string render_run_summary(const RunRecord& run);

}  // namespace evident::store
