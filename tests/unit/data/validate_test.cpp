// validate_dataset() on hand-built datasets (no tabular source: messages name the fields).
#include "evident/data/validate.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "evident_test.hpp"

namespace {

using evident::Arm;
using evident::ContrastRecord;
using evident::Dataset;
using evident::Diagnostics;
using evident::Outcome;
using evident::OutcomeType;
using evident::StudyData;

Arm arm(const std::string& treatment, std::optional<double> events, std::optional<double> n, int line) {
  Arm a;
  a.treatment = treatment;
  a.events = events;
  a.n = n;
  a.source = {"hand.json", line, 3};
  return a;
}

Arm cont(const std::string& treatment, double mean, std::optional<double> sd, double n, int line) {
  Arm a;
  a.treatment = treatment;
  a.mean = mean;
  a.sd = sd;
  a.n = n;
  a.source = {"hand.json", line, 3};
  return a;
}

ContrastRecord contrast(const std::string& t1, const std::string& t2, std::optional<double> est,
                        std::optional<double> se, int line) {
  ContrastRecord c;
  c.treat1 = t1;
  c.treat2 = t2;
  c.estimate = est;
  c.se = se;
  c.source = {"hand.json", line, 5};
  return c;
}

/// A dataset with studies S1..Sk and one outcome of the given type holding `data` (study i = Si).
Dataset dataset(std::size_t k, OutcomeType type, std::vector<StudyData> data) {
  Dataset d;
  d.source_file = "hand.json";
  for (std::size_t i = 1; i <= k; ++i) {
    evident::Study s;
    s.label = "S" + std::to_string(i);
    s.source = {"hand.json", static_cast<int>(i), 1};
    d.studies.push_back(s);
  }
  Outcome o;
  o.name = "y";
  o.type = type;
  o.data = std::move(data);
  d.outcomes.push_back(std::move(o));
  return d;
}

StudyData sd(std::size_t study, std::vector<Arm> arms) {
  StudyData s;
  s.study = study;
  s.arms = std::move(arms);
  return s;
}

StudyData sdc(std::size_t study, std::vector<ContrastRecord> contrasts) {
  StudyData s;
  s.study = study;
  s.contrasts = std::move(contrasts);
  return s;
}

std::vector<std::string> lines(const Diagnostics& diags) {
  std::vector<std::string> out;
  for (const auto& d : diags.items()) out.push_back(evident::format_diagnostic(d));
  return out;
}

std::vector<std::string> exclusions(const Dataset& d) {
  std::vector<std::string> out;
  for (const auto& e : d.excluded) out.push_back(e.study + " | " + e.treatment + " | " + e.reason);
  return out;
}

TEST(Validate, CleanDataGivesNoDiagnostics) {
  Dataset d = dataset(2, OutcomeType::binary,
                      {sd(0, {arm("A", 1, 10, 1), arm("B", 0, 12, 2), arm("C", 12, 12, 3)}),
                       sd(1, {arm("A", 5, 50, 4), arm("B", 7, 50, 5)})});
  Diagnostics diags;
  evident::validate_dataset(d, diags);
  EXPECT_TRUE(diags.empty()) << lines(diags).at(0);
  EXPECT_TRUE(d.excluded.empty());
  EXPECT_EQ(d.outcomes[0].data.size(), 2u);
  EXPECT_EQ(d.outcomes[0].data[0].arms.size(), 3u);
  // validating again changes nothing
  evident::validate_dataset(d, diags);
  EXPECT_TRUE(diags.empty());
}

TEST(Validate, BinaryValues) {
  Dataset d = dataset(4, OutcomeType::binary,
                      {sd(0, {arm("A", 11, 10, 1), arm("B", -1, 10, 2), arm("C", 1, 10, 3)}),
                       sd(1, {arm("A", 1, 0, 4), arm("B", 1, 10, 5), arm("C", 1, 10, 6)}),
                       sd(2, {arm("A", 1.5, 10, 7), arm("B", std::nullopt, 10, 8), arm("C", 1, 10, 9)}),
                       sd(3, {arm("A", 1, 10, 10), arm("B", 2, 10, 11)})});
  Diagnostics diags;
  evident::validate_dataset(d, diags);
  EXPECT_EQ(
      lines(diags),
      (std::vector<std::string>{
          "hand.json:1:3: error: more events than participants in arm 'A' of study 'S1': events is \"11\", n is "
          "\"10\" (hint: events must not exceed n; are the two columns swapped?)",
          "hand.json:2:3: error: events must be >= 0, got \"-1\" (arm 'B' of study 'S1') (hint: an event count "
          "cannot be negative)",
          "hand.json:3:3: warning: study 'S1' has only one usable arm left in outcome 'y'; the study is excluded "
          "(hint: see the messages about its other arms)",
          "hand.json:4:3: error: n must be > 0, got \"0\" (arm 'A' of study 'S2') (hint: an arm needs at least one "
          "participant)",
          "hand.json:7:3: warning: events should be a whole number, got \"1.5\" (arm 'A' of study 'S3') (hint: "
          "counts are whole numbers; the value is used as given)",
          "hand.json:8:3: warning: arm 'B' of study 'S3' has no events; the arm is excluded (hint: a binary "
          "outcome needs events and n for every arm)"}));
  EXPECT_EQ(exclusions(d),
            (std::vector<std::string>{"S1 | A | events > n", "S1 | B | events must be >= 0", "S1 |  | only one arm",
                                      "S2 | A | n must be > 0", "S3 | B | missing events"}));
  ASSERT_EQ(d.outcomes[0].data.size(), 3u);
  EXPECT_EQ(d.outcomes[0].data[0].arms.size(), 2u);  // S2: B, C
  EXPECT_EQ(d.outcomes[0].data[0].arms[0].treatment, "B");
  EXPECT_EQ(d.outcomes[0].data[1].arms.size(), 2u);  // S3: A (kept, 1.5 events), C
  EXPECT_EQ(d.outcomes[0].data[1].arms[1].treatment, "C");
  EXPECT_EQ(diags.items()[0].study, "S1");
  EXPECT_EQ(diags.items()[0].field, "events");
}

TEST(Validate, ContinuousValues) {
  Arm no_spread = cont("B", 1, std::nullopt, 10, 4);
  Arm from_iqr = cont("C", 1, std::nullopt, 10, 5);
  from_iqr.mean.reset();
  from_iqr.median = 2;
  from_iqr.q1 = 1;
  from_iqr.q3 = 3;
  Dataset d = dataset(2, OutcomeType::continuous,
                      {sd(0, {cont("A", 1, -3, 10, 1), cont("B", 1, 0, 10, 2), cont("C", 1, 1, 10, 3)}),
                       sd(1, {cont("A", 1, 1, 10, 6), no_spread, from_iqr})});
  Diagnostics diags;
  evident::validate_dataset(d, diags);
  EXPECT_EQ(
      lines(diags),
      (std::vector<std::string>{
          "hand.json:1:3: error: sd must be > 0, got \"-3\" (arm 'A' of study 'S1') (hint: a standard deviation "
          "cannot be negative; check the sign (was a mean change entered in the SD column?))",
          "hand.json:2:3: error: sd must be > 0, got \"0\" (arm 'B' of study 'S1') (hint: an SD of 0 would give the "
          "arm infinite weight; check the value, or leave the cell empty if it is not known)",
          "hand.json:3:3: warning: study 'S1' has only one usable arm left in outcome 'y'; the study is excluded "
          "(hint: see the messages about its other arms)",
          "hand.json:4:3: warning: arm 'B' of study 'S2' has no sd; the arm is excluded (hint: a continuous "
          "outcome needs a mean (or median), an SD (or SE, IQR or range) and n for every arm)"}));
  ASSERT_EQ(d.outcomes[0].data.size(), 1u);
  EXPECT_EQ(d.outcomes[0].data[0].arms.size(), 2u);  // A and the median / IQR arm
  EXPECT_EQ(d.outcomes[0].data[0].arms[1].treatment, "C");
}

TEST(Validate, RatesAndNonFiniteValues) {
  Arm a = arm("A", 1, std::nullopt, 1);
  a.time = 100;
  Arm b = arm("B", 2, std::nullopt, 2);
  b.time = 0;
  Arm c = arm("C", 3, std::nullopt, 3);
  c.time = std::numeric_limits<double>::quiet_NaN();
  Arm e = arm("E", 3, std::nullopt, 4);
  e.time = 50;
  Dataset d = dataset(1, OutcomeType::rate, {sd(0, {a, b, c, e})});
  Diagnostics diags;
  evident::validate_dataset(d, diags);
  EXPECT_EQ(lines(diags), (std::vector<std::string>{
                              "hand.json:2:3: error: time must be > 0, got \"0\" (arm 'B' of study 'S1') (hint: "
                              "person-time at risk must be positive)",
                              "hand.json:3:3: error: time must be a finite number (arm 'C' of study 'S1')"}));
  EXPECT_EQ(d.outcomes[0].data[0].arms.size(), 2u);
}

TEST(Validate, DuplicateTreatmentExcludesTheStudy) {
  Dataset d = dataset(2, OutcomeType::binary,
                      {sd(0, {arm("A", 1, 10, 1), arm("B", 1, 10, 2), arm("A", 2, 10, 3)}),
                       sd(1, {arm("A", 1, 10, 4), arm("B", 1, 10, 5)})});
  Diagnostics diags;
  evident::validate_dataset(d, diags);
  EXPECT_EQ(lines(diags), (std::vector<std::string>{
                              "hand.json:3:3: error: treatment 'A' appears twice in study 'S1' (lines 1 and 3); the "
                              "study is excluded (hint: each arm of a study needs its own treatment; merge the arms or "
                              "correct the label)"}));
  EXPECT_EQ(exclusions(d), (std::vector<std::string>{"S1 |  | treatment 'A' given twice"}));
  ASSERT_EQ(d.outcomes[0].data.size(), 1u);
  EXPECT_EQ(d.outcomes[0].data[0].study, 1u);
}

TEST(Validate, OneArmStudiesAreExcludedUnlessTheOutcomeIsSingleGroup) {
  Dataset d =
      dataset(2, OutcomeType::binary, {sd(0, {arm("A", 1, 10, 1), arm("B", 1, 10, 2)}), sd(1, {arm("A", 1, 10, 3)})});
  Diagnostics diags;
  evident::validate_dataset(d, diags);
  EXPECT_EQ(lines(diags),
            (std::vector<std::string>{
                "hand.json:3:3: warning: study 'S2' has only one arm in outcome 'y'; the study is excluded "
                "(hint: a comparison needs at least two arms; check that all arms of the study use the "
                "same study label)"}));
  EXPECT_EQ(d.outcomes[0].data.size(), 1u);

  // every study has one arm: single-group data, kept with a warning each (never an error)
  Dataset single = dataset(2, OutcomeType::binary, {sd(0, {arm("A", 1, 10, 1)}), sd(1, {arm("A", 3, 10, 2)})});
  Diagnostics sdiags;
  evident::validate_dataset(single, sdiags);
  EXPECT_FALSE(sdiags.has_errors());
  EXPECT_EQ(lines(sdiags), (std::vector<std::string>{
                               "hand.json:1:3: warning: study 'S1' has only one arm (outcome 'y' holds single-group "
                               "data) (hint: single-group data can be summarised (proportions, means) but not compared "
                               "between treatments)",
                               "hand.json:2:3: warning: study 'S2' has only one arm (outcome 'y' holds single-group "
                               "data) (hint: single-group data can be summarised (proportions, means) but not compared "
                               "between treatments)"}));
  EXPECT_EQ(single.outcomes[0].data.size(), 2u);
  EXPECT_TRUE(single.excluded.empty());
}

TEST(Validate, StructuralProblems) {
  Dataset d = dataset(3, OutcomeType::binary,
                      {sd(0, {arm("A", 1, 10, 1), arm("B", 1, 10, 2)}), sd(0, {arm("C", 1, 10, 3), arm("D", 1, 10, 4)}),
                       sd(7, {arm("A", 1, 10, 5), arm("B", 1, 10, 6)}),
                       [] {
                         StudyData s = sd(1, {arm("A", 1, 10, 7), arm("B", 1, 10, 8)});
                         s.contrasts.push_back(contrast("A", "B", 0.1, 0.2, 9));
                         return s;
                       }(),
                       sd(2, {})});
  d.studies[2].label = "S1";  // duplicate label
  Diagnostics diags;
  evident::validate_dataset(d, diags);
  EXPECT_EQ(
      lines(diags),
      (std::vector<std::string>{
          "hand.json:3:1: error: study label 'S1' is used by two studies (hint: give each study its own label)",
          "hand.json:3:3: error: study 'S1' appears twice in outcome 'y'; its second entry is excluded (hint: give "
          "all arms (or comparisons) of a study for an outcome together)",
          "hand.json: error: outcome 'y' refers to study #7, which does not exist (hint: every study of an outcome "
          "must be listed in the dataset's studies)",
          "hand.json:7:3: error: study 'S2' gives both arm-level data and comparisons for outcome 'y'; the study "
          "is excluded (hint: give either the arms or the comparisons of a study)",
          "hand.json:3:1: warning: study 'S1' has no arms or comparisons in outcome 'y'; it is left out of this "
          "outcome"}));
  EXPECT_EQ(d.outcomes[0].data.size(), 1u);
}

TEST(Validate, Contrasts) {
  ContrastRecord ci_only = contrast("A", "C", std::nullopt, std::nullopt, 4);
  ci_only.ci_lower = 0.5;
  ci_only.ci_upper = 1.5;
  ContrastRecord p_only = contrast("B", "C", 0.3, std::nullopt, 5);
  p_only.p_value = 0.04;
  ContrastRecord bad_var = contrast("A", "B", 0.3, std::nullopt, 6);
  bad_var.variance = -0.1;
  ContrastRecord nan_est = contrast("A", "B", std::numeric_limits<double>::infinity(), 0.1, 8);
  Dataset d = dataset(
      4, OutcomeType::contrast,
      {sdc(0, {contrast("A", "B", 0.1, 0.2, 1), contrast("A", "C", 0.1, 0, 2), contrast("B", "B", 0.1, 0.2, 3)}),
       sdc(1, {ci_only, p_only}), sdc(2, {bad_var, contrast("A", "C", 0.1, std::nullopt, 7)}), sdc(3, {nan_est})});
  Diagnostics diags;
  evident::validate_dataset(d, diags);
  EXPECT_EQ(lines(diags),
            (std::vector<std::string>{
                "hand.json:2:5: error: seTE must be > 0, got \"0\" (comparison 'A' vs 'C' of study 'S1') (hint: a "
                "standard error must be positive)",
                "hand.json:3:5: error: comparison of 'B' with itself in study 'S1' (hint: the two treatments of a "
                "comparison must differ)",
                "hand.json:6:5: error: vi must be > 0, got \"-0.1\" (comparison 'A' vs 'B' of study 'S3') (hint: a "
                "sampling variance must be positive)",
                "hand.json:7:5: warning: comparison 'A' vs 'C' of study 'S3' has no standard error, variance, "
                "confidence interval or p-value; the comparison is excluded (hint: a comparison needs a standard "
                "error, a variance, a confidence interval or a p-value)",
                "hand.json:6:5: warning: study 'S3' has no usable comparison left in outcome 'y'; the study is "
                "excluded (hint: see the messages about its comparisons)",
                "hand.json:8:5: error: TE must be a finite number (comparison 'A' vs 'B' of study 'S4')",
                "hand.json:8:5: warning: study 'S4' has no usable comparison left in outcome 'y'; the study is "
                "excluded (hint: see the messages about its comparisons)"}));
  ASSERT_EQ(d.outcomes[0].data.size(), 2u);
  EXPECT_EQ(d.outcomes[0].data[0].contrasts.size(), 1u);
  EXPECT_EQ(d.outcomes[0].data[1].contrasts.size(), 2u);  // CI only and p only are usable
}

TEST(Validate, ArmsInAContrastOutcome) {
  Dataset d = dataset(1, OutcomeType::time_to_event, {sd(0, {arm("A", 1, 10, 1), arm("B", 1, 10, 2)})});
  Diagnostics diags;
  evident::validate_dataset(d, diags);
  EXPECT_EQ(lines(diags),
            (std::vector<std::string>{
                "hand.json:1:3: error: outcome 'y' is time-to-event (contrast-level) but study 'S1' gives arm-level "
                "data; the study is excluded (hint: give the study's comparisons (estimate and standard error) "
                "instead)",
                "hand.json: warning: no usable study data: every study was excluded (see the messages above) (hint: "
                "fix the problems reported above)"}));
}

TEST(Validate, EmptyDataset) {
  Dataset d;
  d.source_file = "e.json";
  Diagnostics diags;
  evident::validate_dataset(d, diags);
  EXPECT_EQ(lines(diags),
            (std::vector<std::string>{"e.json: warning: the dataset has no outcomes (hint: a dataset needs "
                                      "at least one outcome with study data)"}));
}

TEST(Validate, StudyOrderDoesNotChangeWhatIsExcluded) {
  auto build = [](bool reversed) {
    std::vector<StudyData> data = {sd(0, {arm("A", 1, 10, 1), arm("B", 20, 10, 2)}),
                                   sd(1, {arm("A", 1, 10, 3), arm("B", 1, 10, 4)}), sd(2, {arm("A", 1, 10, 5)})};
    if (reversed) std::reverse(data.begin(), data.end());
    return dataset(3, OutcomeType::binary, std::move(data));
  };
  Dataset a = build(false), b = build(true);
  Diagnostics da, db;
  evident::validate_dataset(a, da);
  evident::validate_dataset(b, db);
  auto ea = exclusions(a), eb = exclusions(b);
  std::sort(ea.begin(), ea.end());
  std::sort(eb.begin(), eb.end());
  EXPECT_EQ(ea, eb);
  ASSERT_EQ(a.outcomes[0].data.size(), 1u);
  ASSERT_EQ(b.outcomes[0].data.size(), 1u);
  EXPECT_EQ(a.outcomes[0].data[0].study, b.outcomes[0].data[0].study);
}

}  // namespace
