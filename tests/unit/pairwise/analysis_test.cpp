// One meta-analysis per comparison: comparisons are found in order of first appearance, reversed
// contrasts enter with their sign flipped, and the result equals a direct meta_analysis() call.
#include <gtest/gtest.h>

#include "effects_fixtures.hpp"
#include "evident/pairwise/analysis.hpp"

using namespace evident;
using namespace evident::test;

TEST(PairwiseAnalysis, ComparisonsInOrderAndReversedContrastsFlipped) {
  Built b = make(OutcomeType::continuous);
  add_study(b, "S1", {cont_arm("A", 50, 1.0, 2.0), cont_arm("B", 50, 0.0, 2.0)});
  add_study(b, "S2", {cont_arm("B", 40, 0.5, 1.5), cont_arm("A", 40, 1.2, 1.5)});  // B vs A
  add_study(b, "S3", {cont_arm("A", 30, 2.0, 1.0), cont_arm("C", 30, 1.0, 1.0), cont_arm("B", 30, 0.0, 1.0)});
  const EffectSet set = run(b, Measure::MD);
  const auto ks = comparisons(set);
  ASSERT_EQ(ks.size(), 3u);
  EXPECT_EQ(ks[0].treat1, "A");
  EXPECT_EQ(ks[0].treat2, "B");
  EXPECT_EQ(ks[0].studies, 3u);
  EXPECT_EQ(ks[1].treat1, "A");
  EXPECT_EQ(ks[1].treat2, "C");
  EXPECT_EQ(ks[2].treat1, "C");
  EXPECT_EQ(ks[2].treat2, "B");

  const auto analyses = analyse_comparisons(set, MetaOptions{});
  ASSERT_EQ(analyses.size(), 3u);
  // A vs B by hand: yi = 1.0, 0.7 (S2 flipped), 2.0; vi = 8/50, 4.5/40, 2/30.
  MetaInput direct;
  direct.study = {"S1", "S2", "S3"};
  direct.yi = {1.0, 1.2 - 0.5, 2.0};
  direct.vi = {4.0 / 50 + 4.0 / 50, 2.25 / 40 + 2.25 / 40, 1.0 / 30 + 1.0 / 30};
  const MetaResult expected = meta_analysis(direct, MetaOptions{});
  EXPECT_REL(expected.common.estimate, analyses[0].result.common.estimate, 1e-14);
  EXPECT_REL(expected.random.pooled.estimate, analyses[0].result.random.pooled.estimate, 1e-12);
  EXPECT_REL(expected.random.tau2, analyses[0].result.random.tau2, 1e-12);
  EXPECT_EQ(analyses[1].result.k, 1u);  // A vs C: one study, a warning, no crash
  EXPECT_FALSE(analyses[1].result.diagnostics.empty());
  const auto j = to_json(analyses[0]);
  EXPECT_EQ(j["comparison"]["treat1"], "A");
  EXPECT_EQ(j["scale"], "identity");
  EXPECT_FALSE(j.contains("exp"));
}
