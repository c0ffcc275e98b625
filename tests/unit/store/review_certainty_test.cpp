// Certainty inside stored runs and progress of long runs (evident issue 7): a review store built from Senn2013
// (netmeta, MD; tests/data/Senn2013.csv) with study RoB set gives runs whose CINeMA judgements are those of
// cinema() called directly on the same analysis, with summary-of-findings tables and draft recommendations; the
// certainty settings round-trip and bad rule names are diagnosed; editing one study's RoB to high changes a
// CINeMA rating and diff_runs() reports it; progress reports are monotone, end with ("done", 1) and leave the
// numbers unchanged.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "evident/certainty/cinema.hpp"
#include "evident/data/read.hpp"
#include "evident/network/request.hpp"
#include "evident/pairwise/request.hpp"
#include "evident/store/review_run.hpp"
#include "evident/store/review_store.hpp"
#include "evident_test.hpp"
#include "temp_dir.hpp"

namespace evident::store {
namespace {

namespace fs = std::filesystem;

/// A temporary folder removed at the end of the test.
class TempPath : public test::TempDir {
 public:
  explicit TempPath(const std::string& name) : test::TempDir("certainty-test", name) {}
};

bool has_code(const Diagnostics& ds, const std::string& code) {
  for (const auto& d : ds.items())
    if (d.code == code) return true;
  return false;
}

std::string first_message(const Diagnostics& ds, const std::string& code) {
  for (const auto& d : ds.items())
    if (d.code == code) return d.message + " / " + d.hint;
  return {};
}

Dataset senn() {
  ReadOptions ro;
  ro.mid = 0.5;  // HbA1c, % points: a range of equivalence so that imprecision and incoherence are rated
  const ReadResult r = read_file(test::data_path("Senn2013.csv"), ro);
  EXPECT_TRUE(r.ok());
  return r.dataset;
}

/// The store with RoB low, some concerns, high in turn (by study order).
std::unique_ptr<ReviewStore> senn_store(const std::string& path, std::size_t nsim, bool all_low = false) {
  OpenResult o = create_review(path, "Diabetes review");
  EXPECT_TRUE(o.store);
  ReviewStore& s = *o.store;
  const Dataset d = senn();
  EXPECT_FALSE(s.add_studies(d, "t0", "imported").has_errors());
  const char* levels[] = {"low", "some concerns", "high"};
  for (std::size_t i = 0; i < d.studies.size(); ++i)
    EXPECT_FALSE(s.set_study_field(d.studies[i].label, "rob", all_low ? "low" : levels[i % 3], "t0").has_errors());
  ReviewSettings settings;
  settings.network.nsim = nsim;
  EXPECT_FALSE(s.set_settings(settings, "t0").has_errors());
  return std::move(o.store);
}

/// The analysis run_review() makes, rebuilt here from the store through the public API.
NetworkAnalysis analysis_of(const ReviewStore& store) {
  Diagnostics ds;
  const ReviewSettings settings = store.settings(ds);
  const Dataset data = store.dataset(ds);
  EffectSettings es;
  es.measure = settings.measure;
  const Outcome& o = data.outcomes.at(0);
  const EffectSet set = compute_effects(data, o, make_effect_options(es, o, ds));
  const auto as = analyse_network_outcome(o, set, make_network_options(settings.network, ds));
  EXPECT_FALSE(ds.has_errors());
  EXPECT_EQ(as.size(), 1U);
  return as.at(0);
}

const nlohmann::json& only_outcome(const RunResult& r) {
  return r.record.results.at("outcomes").at(0);
}

void expect_same_cinema(const CinemaResult& direct, const nlohmann::json& stored) {
  ASSERT_TRUE(direct.ok());
  const auto& comps = stored.at("certainty").at("comparisons");
  ASSERT_EQ(comps.size(), direct.comparisons.size());
  for (std::size_t i = 0; i < comps.size(); ++i) {
    const CinemaComparison& c = direct.comparisons[i];
    SCOPED_TRACE(c.comparison);
    EXPECT_EQ(comps[i].at("comparison").get<std::string>(), c.comparison);
    EXPECT_EQ(comps[i].at("overall").get<std::string>(), to_string(c.overall));
    EXPECT_EQ(stored.at("cinema").at(c.comparison).get<std::string>(), to_string(c.overall));
    ASSERT_EQ(comps[i].at("domains").size(), c.domains.size());
    for (std::size_t k = 0; k < c.domains.size(); ++k) {
      EXPECT_EQ(comps[i]["domains"][k].at("domain").get<std::string>(), c.domains[k].domain);
      EXPECT_EQ(comps[i]["domains"][k].at("judgement").get<std::string>(), to_string(c.domains[k].concern));
    }
  }
}

TEST(ReviewCertainty, RunHoldsTheCinemaOfTheSameAnalysis) {
  TempPath tmp("direct");
  auto store = senn_store(tmp.file(), 0);
  const RunResult run = run_review(*store, "2026-01-01", "test");
  ASSERT_TRUE(run.ok());
  const nlohmann::json& o = only_outcome(run);
  ASSERT_TRUE(o.contains("certainty"));
  EXPECT_EQ(o["certainty"].at("method"), "CINeMA");
  EXPECT_EQ(o["certainty"].at("rob_rule"), "majority");

  const NetworkAnalysis a = analysis_of(*store);
  Diagnostics ds;
  const Dataset data = store->dataset(ds);
  CinemaOptions co;  // the defaults: majority, ci-agreement
  const CinemaResult direct = cinema(a, data, co);
  expect_same_cinema(direct, o);
  // The RoB pattern gives more than one within-study-bias judgement (the check is not vacuous).
  std::set<Concern> seen;
  for (const auto& c : direct.comparisons) seen.insert(c.domain(kWithinStudyBias)->concern);
  EXPECT_GT(seen.size(), 1U);

  const std::string summary = render_run_summary(run.record);
  const std::string t1 = a.nma.treatments[1], ref = a.nma.reference;
  const CinemaComparison* c1 = direct.find(t1, ref);
  ASSERT_NE(c1, nullptr);
  EXPECT_NE(summary.find("CINeMA versus '" + ref + "': "), std::string::npos) << summary;
  EXPECT_NE(summary.find(t1 + " " + to_string(c1->overall)), std::string::npos) << summary;

  // One SoF table and one draft recommendation per treatment other than the reference.
  const std::size_t others = a.nma.treatments.size() - 1;
  ASSERT_EQ(o["certainty"].at("summary_of_findings").size(), others);
  ASSERT_EQ(o.at("recommendations").size(), others);
  for (std::size_t i = 0; i < others; ++i) {
    const auto& sof = o["certainty"]["summary_of_findings"][i];
    EXPECT_EQ(sof.at("comparator"), a.nma.reference);
    EXPECT_EQ(o["recommendations"][i].at("intervention"), sof.at("intervention"));
    EXPECT_FALSE(sof.at("rows").empty());
  }
}

TEST(ReviewCertainty, StoredRulesAreThoseUsed) {
  TempPath tmp("rules");
  auto store = senn_store(tmp.file(), 0);
  Diagnostics ds;
  ReviewSettings settings = store->settings(ds);
  settings.rob_rule = "highest";
  settings.incoherence_rule = "side-p";
  ASSERT_FALSE(store->set_settings(settings, "t1").has_errors());
  const RunResult run = run_review(*store, "2026-01-01", "test");
  ASSERT_TRUE(run.ok());
  CinemaOptions co;
  co.rob_rule = co.indirectness_rule = RobRule::highest;
  co.incoherence_rule = IncoherenceRule::side_p;
  const CinemaResult direct = cinema(analysis_of(*store), store->dataset(ds), co);
  expect_same_cinema(direct, only_outcome(run));
  // "highest" differs from the default "majority" on this RoB pattern.
  const CinemaResult majority = cinema(analysis_of(*store), store->dataset(ds), CinemaOptions{});
  bool differs = false;
  for (std::size_t i = 0; i < direct.comparisons.size(); ++i)
    differs = differs || direct.comparisons[i].domain(kWithinStudyBias)->concern !=
                             majority.comparisons[i].domain(kWithinStudyBias)->concern;
  EXPECT_TRUE(differs);
}

TEST(ReviewCertainty, CertaintyOffLeavesItOut) {
  TempPath tmp("off");
  auto store = senn_store(tmp.file(), 0);
  Diagnostics ds;
  ReviewSettings settings = store->settings(ds);
  settings.certainty = false;
  ASSERT_FALSE(store->set_settings(settings, "t1").has_errors());
  const RunResult run = run_review(*store, "2026-01-01", "test");
  ASSERT_TRUE(run.ok());
  EXPECT_FALSE(only_outcome(run).contains("certainty"));
  EXPECT_FALSE(only_outcome(run).contains("cinema"));
}

TEST(ReviewCertainty, CertaintyThatCannotRunDoesNotFailTheRun) {
  TempPath tmp("nocontrib");
  auto store = senn_store(tmp.file(), 0);
  Diagnostics ds;
  ReviewSettings settings = store->settings(ds);
  settings.network.skip = {"contribution"};  // CINeMA needs the contribution matrix
  ASSERT_FALSE(store->set_settings(settings, "t1").has_errors());
  const RunResult run = run_review(*store, "2026-01-01", "test");
  ASSERT_TRUE(run.ok());
  EXPECT_FALSE(run.diagnostics.has_errors());
  bool warned = false;
  for (const auto& d : run.diagnostics.items())
    warned = warned || (d.code == "cinema-no-contribution" && d.severity == Severity::warning &&
                        d.message.rfind("certainty not rated: ", 0) == 0);
  EXPECT_TRUE(warned);
  const nlohmann::json& o = only_outcome(run);
  EXPECT_TRUE(o.at("ok").get<bool>());
  EXPECT_TRUE(o.at("certainty").at("summary_of_findings").empty());
  EXPECT_TRUE(o.at("cinema").empty());
  EXPECT_TRUE(o.at("recommendations").empty());
}

TEST(ReviewCertainty, SettingsRoundTripThroughJson) {
  ReviewSettings s;
  s.certainty = false;
  s.rob_rule = "average";
  s.incoherence_rule = "side-p";
  const nlohmann::json j = to_json(s);
  EXPECT_EQ(j.at("certainty"),
            (nlohmann::json{{"on", false}, {"rob_rule", "average"}, {"incoherence_rule", "side-p"}}));
  Diagnostics ds;
  const ReviewSettings back = settings_from_json(j, ds);
  EXPECT_FALSE(ds.has_errors());
  EXPECT_FALSE(back.certainty);
  EXPECT_EQ(back.rob_rule, "average");
  EXPECT_EQ(back.incoherence_rule, "side-p");
  EXPECT_EQ(to_json(back), j);

  // A store written before the "certainty" key: the defaults.
  nlohmann::json old = j;
  old.erase("certainty");
  const ReviewSettings defaults = settings_from_json(old, ds);
  EXPECT_FALSE(ds.has_errors());
  EXPECT_TRUE(defaults.certainty);
  EXPECT_EQ(defaults.rob_rule, "majority");
  EXPECT_EQ(defaults.incoherence_rule, "ci-agreement");

  TempPath tmp("roundtrip");
  OpenResult o = create_review(tmp.file(), "x");
  ASSERT_TRUE(o.store);
  ASSERT_FALSE(o.store->set_settings(s, "t1").has_errors());
  const ReviewSettings stored = o.store->settings(ds);
  EXPECT_FALSE(ds.has_errors());
  EXPECT_EQ(to_json(stored), j);
}

TEST(ReviewCertainty, BadRuleNamesAreDiagnosed) {
  nlohmann::json j = to_json(ReviewSettings{});
  j["certainty"]["rob_rule"] = "mostly";
  Diagnostics ds;
  (void)settings_from_json(j, ds);
  ASSERT_TRUE(has_code(ds, "store-bad-settings"));
  EXPECT_NE(first_message(ds, "store-bad-settings").find("'mostly'"), std::string::npos);
  EXPECT_NE(first_message(ds, "store-bad-settings").find("majority, highest, average"), std::string::npos);

  j = to_json(ReviewSettings{});
  j["certainty"]["incoherence_rule"] = "bucher";
  Diagnostics ds2;
  (void)settings_from_json(j, ds2);
  ASSERT_TRUE(has_code(ds2, "store-bad-settings"));
  EXPECT_NE(first_message(ds2, "store-bad-settings").find("ci-agreement, side-p"), std::string::npos);

  j = to_json(ReviewSettings{});
  j["certainty"]["on"] = "yes";
  Diagnostics ds3;
  (void)settings_from_json(j, ds3);
  EXPECT_TRUE(has_code(ds3, "store-bad-settings"));

  // set_settings() stores nothing with a bad rule.
  TempPath tmp("bad");
  OpenResult o = create_review(tmp.file(), "x");
  ASSERT_TRUE(o.store);
  ReviewSettings bad;
  bad.rob_rule = "mostly";
  EXPECT_TRUE(has_code(o.store->set_settings(bad, "t1"), "store-bad-settings"));
  Diagnostics ds4;
  EXPECT_EQ(o.store->settings(ds4).rob_rule, "majority");
  EXPECT_FALSE(ds4.has_errors());
}

TEST(ReviewCertainty, DiffReportsTheRatingChangedByOneStudysRob) {
  TempPath tmp("diff");
  auto store = senn_store(tmp.file(), 0, /*all_low=*/true);
  // Find a study whose RoB set to high changes some comparison's overall rating, by calling cinema() directly.
  Diagnostics ds;
  const Dataset data = store->dataset(ds);
  const NetworkAnalysis a = analysis_of(*store);
  const CinemaResult before = cinema(a, data, {});
  std::string label;
  for (const Study& s : data.studies) {
    Dataset edited = data;
    edited.studies[edited.find_study(s.label)].rob.overall = Judgement::high;
    const CinemaResult after = cinema(a, edited, {});
    for (std::size_t i = 0; i < after.comparisons.size() && label.empty(); ++i)
      if (after.comparisons[i].overall != before.comparisons[i].overall) label = s.label;
    if (!label.empty()) break;
  }
  ASSERT_FALSE(label.empty()) << "no single study changes a rating";

  const RunResult r1 = run_review(*store, "2026-01-01", "test");
  ASSERT_TRUE(r1.ok());
  ASSERT_FALSE(store->set_study_field(label, "rob", "high", "t1").has_errors());
  const RunResult r2 = run_review(*store, "2026-02-01", "test");
  ASSERT_TRUE(r2.ok());
  const auto diff = diff_stored_runs(*store, r1.id, r2.id, ds);
  ASSERT_TRUE(diff);
  EXPECT_TRUE(diff->inputs_changed);
  ASSERT_EQ(diff->changes.size(), 1U);
  EXPECT_EQ(diff->changes[0].study, label);
  ASSERT_EQ(diff->outcomes.size(), 1U);
  const auto& ratings = diff->outcomes[0].ratings;
  ASSERT_FALSE(ratings.empty());
  const nlohmann::json& c1 = only_outcome(r1).at("cinema");
  const nlohmann::json& c2 = only_outcome(r2).at("cinema");
  for (const RatingChange& rc : ratings) {
    EXPECT_EQ(rc.rating_a, c1.at(rc.comparison).get<std::string>());
    EXPECT_EQ(rc.rating_b, c2.at(rc.comparison).get<std::string>());
    EXPECT_NE(rc.rating_a, rc.rating_b);
  }
  // Every comparison whose rating changed is listed.
  std::size_t changed = 0;
  for (const auto& item : c1.items())
    if (item.value() != c2.at(item.key())) ++changed;
  EXPECT_EQ(ratings.size(), changed);
  const std::string text = render_text(*diff);
  EXPECT_NE(text.find("CINeMA " + ratings[0].comparison + ": " + ratings[0].rating_a + " -> " + ratings[0].rating_b),
            std::string::npos)
      << text;
}

TEST(ReviewCertainty, RecommendationChangesAreListed) {
  RunRecord a, b;
  a.results = nlohmann::json::parse(R"({"outcomes": [{"outcome": "o", "recommendations": [
      {"intervention": "B", "comparator": "A", "direction": "for", "strength": "conditional"},
      {"intervention": "C", "comparator": "A", "direction": "for", "strength": "strong"}]}]})");
  b.results = nlohmann::json::parse(R"({"outcomes": [{"outcome": "o", "recommendations": [
      {"intervention": "B", "comparator": "A", "direction": "for", "strength": "strong"},
      {"intervention": "C", "comparator": "A", "direction": "for", "strength": "strong"}]}]})");
  const RunDiff d = diff_runs(a, b, {});
  ASSERT_EQ(d.outcomes.size(), 1U);
  ASSERT_EQ(d.outcomes[0].recommendations.size(), 1U);
  const RecommendationChange& c = d.outcomes[0].recommendations[0];
  EXPECT_EQ(c.comparison, "B:A");
  EXPECT_EQ(c.strength_a, "conditional");
  EXPECT_EQ(c.strength_b, "strong");
  EXPECT_EQ(to_json(d)["outcomes"][0]["recommendations"][0]["b"]["strength"], "strong");
  EXPECT_NE(render_text(d).find("draft recommendation B:A: conditional for -> strong for"), std::string::npos)
      << render_text(d);
}

struct Call {
  std::string stage;
  double fraction;
};

TEST(ReviewProgress, ReportsAreMonotoneAndLeaveTheNumbersAlone) {
  TempPath tmp("progress");
  auto store = senn_store(tmp.file(), 20000);
  std::vector<Call> calls;
  const RunResult with = run_review(*store, "2026-01-01", "test", [&](std::string_view stage, double f) {
    calls.push_back({std::string(stage), f});
  });
  ASSERT_TRUE(with.ok());
  const RunResult without = run_review(*store, "2026-01-01", "test");
  ASSERT_TRUE(without.ok());
  EXPECT_EQ(with.record.results, without.record.results);
  EXPECT_EQ(with.record.input_hash, without.record.input_hash);

  ASSERT_FALSE(calls.empty());
  EXPECT_EQ(calls.front().stage, "reading data");
  EXPECT_EQ(calls.back().stage, "done");
  EXPECT_EQ(calls.back().fraction, 1.0);
  const std::string name = only_outcome(with).at("outcome").get<std::string>();
  std::size_t rankogram = 0;
  std::set<std::string> stages;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    EXPECT_GE(calls[i].fraction, 0.0);
    EXPECT_LE(calls[i].fraction, 1.0);
    if (i > 0) {
      EXPECT_GE(calls[i].fraction, calls[i - 1].fraction) << calls[i].stage;
    }
    if (calls[i].stage == "outcome " + name + ": rankogram") ++rankogram;
    stages.insert(calls[i].stage);
  }
  EXPECT_GT(rankogram, 10U);
  EXPECT_LE(rankogram, 110U);  // at most ~100 reports, not one per draw
  for (const char* s : {": effect sizes", ": network meta-analysis", ": certainty"})
    EXPECT_EQ(stages.count("outcome " + name + s), 1U) << s;
  EXPECT_EQ(stages.count("saving"), 1U);
}

TEST(ReviewProgress, ReportsDoneWhenNothingCanRun) {
  TempPath tmp("empty");
  OpenResult o = create_review(tmp.file(), "x");
  ASSERT_TRUE(o.store);
  std::vector<Call> calls;
  const RunResult r = run_review(*o.store, "t", "test", [&](std::string_view stage, double f) {
    calls.push_back({std::string(stage), f});
  });
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(has_code(r.diagnostics, "store-nothing-to-run"));
  ASSERT_FALSE(calls.empty());
  EXPECT_EQ(calls.back().stage, "done");
  EXPECT_EQ(calls.back().fraction, 1.0);
}

}  // namespace
}  // namespace evident::store
