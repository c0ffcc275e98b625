// analyse_network(): the NMA of one outcome from a data file with P-scores and the rankogram.
// Reference: netmeta 3.4-0 netmeta() + netrank() on smokingcessation (arm-level OR, three-arm studies,
// small values undesirable; tests/reference/nma_smokingcessation_OR.json), 1e-10 relative. The covariance
// used for the rankogram must reproduce every network variance (Var(TE_i,r - TE_j,r) = seTE_ij^2, 1e-10),
// and SUCRA approaches the P-score as the number of simulations grows (Rücker & Schwarzer 2015): within 5e-3
// at 100,000 simulations.
#include "evident/network/analysis.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "evident/data/read.hpp"
#include "evident_test.hpp"

using namespace evident;

namespace {

NetworkAnalysis smoking(const NetworkOptions& o) {
  static const ReadResult r = read_file(test::data_path("smokingcessation.csv"), ReadOptions{});
  EXPECT_TRUE(r.ok());
  EffectOptions eo;
  eo.measure = Measure::OR;
  const Outcome& outcome = r.dataset.outcomes.at(0);
  return analyse_network(outcome, compute_effects(r.dataset, outcome, eo), o);
}

TEST(NetworkAnalysis, SmokingCessationPScoresAndTau2AsNetmeta) {
  NetworkOptions o;
  o.small_values = SmallValues::undesirable;
  o.nsim = 0;
  const NetworkAnalysis a = smoking(o);
  ASSERT_TRUE(a.nma.ok());
  const nlohmann::json ref = test::load_reference("nma_smokingcessation_OR.json");
  EXPECT_REL(test::ref_number(ref.at("netmeta_DL").at("tau2")), a.nma.tau2, 1e-10);
  ASSERT_TRUE(a.pscore_random && a.pscore_common);
  const nlohmann::json& pr = ref.at("netrank").at("Pscore.random");
  const nlohmann::json& pc = ref.at("netrank").at("Pscore.common");
  for (std::size_t i = 0; i < a.nma.treatments.size(); ++i) {
    EXPECT_EQ(pr.at("names").at(i).get<std::string>(), a.nma.treatments[i]);
    EXPECT_REL(test::ref_number(pr.at("values").at(i)), a.pscore_random->pscore[i], 1e-10);
    EXPECT_REL(test::ref_number(pc.at("values").at(i)), a.pscore_common->pscore[i], 1e-10);
  }
  EXPECT_FALSE(a.rankogram_random.has_value());
  const nlohmann::json j = to_json(a);
  EXPECT_EQ("undesirable", j.at("small_values"));
  EXPECT_TRUE(j.at("pscore").at("random").contains("D"));
  EXPECT_TRUE(j.contains("exp"));
}

TEST(NetworkAnalysis, CovarianceReproducesEveryNetworkVariance) {
  NetworkOptions o;
  o.nsim = 0;
  const NetworkAnalysis a = smoking(o);
  ASSERT_TRUE(a.nma.ok());
  for (std::size_t ref = 0; ref < a.nma.treatments.size(); ++ref) {
    Eigen::VectorXd mean;
    Eigen::MatrixXd cov;
    estimates_against(a.nma.random, ref, mean, cov);
    for (Eigen::Index i = 0; i < mean.size(); ++i)
      for (Eigen::Index j = 0; j < mean.size(); ++j) {
        EXPECT_REL(a.nma.random.TE(i, j), mean(i) - mean(j), 1e-10);
        EXPECT_REL(a.nma.random.seTE(i, j) * a.nma.random.seTE(i, j), cov(i, i) + cov(j, j) - 2.0 * cov(i, j), 1e-10);
      }
  }
}

TEST(NetworkAnalysis, SucraApproachesThePScore) {
  NetworkOptions o;
  o.small_values = SmallValues::undesirable;
  o.nsim = 100000;
  o.seed = 20261121;
  const NetworkAnalysis a = smoking(o);
  ASSERT_TRUE(a.rankogram_random && a.rankogram_random->ok());
  for (std::size_t i = 0; i < a.nma.treatments.size(); ++i)
    EXPECT_NEAR(a.pscore_random->pscore[i], a.rankogram_random->sucra[i], 5e-3) << a.nma.treatments[i];
}

TEST(NetworkAnalysis, DirectionFromTheOutcomeOrANote) {
  NetworkOptions o;
  o.nsim = 0;
  const NetworkAnalysis a = smoking(o);  // the CSV says nothing about the direction
  EXPECT_EQ(SmallValues::desirable, a.small_values);
  ASSERT_FALSE(a.diagnostics.empty());
  EXPECT_EQ("direction-assumed", a.diagnostics.items().front().code);
}

TEST(NetworkAnalysis, BigMatricesLeftOutWithANoteAboveTheLimit) {
  NetworkOptions o;
  o.nsim = 0;
  o.small_values = SmallValues::undesirable;
  const NetworkAnalysis whole = smoking(o);
  ASSERT_TRUE(whole.evidence_flow && whole.contribution && whole.net_heat);
  EXPECT_GT(whole.evidence_flow->H_tilde.size(), 0);
  o.matrix_cells_limit = 5;  // smokingcessation: 4 treatments, 6 comparisons
  const NetworkAnalysis small = smoking(o);
  ASSERT_TRUE(small.evidence_flow);
  EXPECT_EQ(0, small.evidence_flow->H_tilde.size());
  EXPECT_EQ(whole.evidence_flow->rows.size(), small.evidence_flow->rows.size());  // the per-comparison measures stay
  EXPECT_FALSE(small.contribution.has_value());
  EXPECT_FALSE(small.net_heat.has_value());
  std::set<std::string> codes;
  for (const auto& d : small.diagnostics.items()) codes.insert(d.code);
  EXPECT_TRUE(codes.count("flow-matrix-omitted") && codes.count("contribution-omitted") && codes.count("netheat-omitted"));
  const nlohmann::json j = to_json(small);
  EXPECT_FALSE(j.contains("contribution"));
  EXPECT_FALSE(j.contains("net_heat"));
}

}  // namespace
