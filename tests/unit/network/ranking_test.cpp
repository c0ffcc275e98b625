// Treatment ranking: P-scores against R netmeta 3.4.0 netrank() (tests/reference/nma_*.json), and the
// statistical properties of simulated rankograms / SUCRA.
#include "evident/network/ranking.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "evident_test.hpp"

namespace {

using evident::SmallValues;
using evident::test::load_reference;
using evident::test::ref_number;

/// A k x k matrix stored as {"rownames", "colnames", "data"} in the reference files.
Eigen::MatrixXd ref_matrix(const nlohmann::json& m) {
  const auto& data = m.at("data");
  const auto k = static_cast<Eigen::Index>(data.size());
  Eigen::MatrixXd out(k, k);
  for (Eigen::Index i = 0; i < k; ++i) {
    const auto& row = data.at(static_cast<std::size_t>(i));
    if (static_cast<Eigen::Index>(row.size()) != k) throw std::runtime_error("reference matrix is not square");
    for (Eigen::Index j = 0; j < k; ++j) out(i, j) = ref_number(row.at(static_cast<std::size_t>(j)));
  }
  return out;
}

std::vector<std::string> names(const nlohmann::json& m) {
  return m.at("rownames").get<std::vector<std::string>>();
}

SmallValues parse_small_values(const std::string& s) {
  if (s == "desirable" || s == "good") return SmallValues::desirable;
  if (s == "undesirable" || s == "bad") return SmallValues::undesirable;
  throw std::runtime_error("unknown small.values " + s);
}

struct Fit {
  std::vector<std::string> trts;
  Eigen::MatrixXd TE;
  Eigen::MatrixXd seTE;
};

/// pooled = "common" or "random" matrices of a netmeta fit ("netmeta_DL" / "netmeta_REML").
Fit load_fit(const nlohmann::json& ref, const std::string& fit, const std::string& pooled) {
  const auto& block = ref.at(fit).at(pooled);
  Fit f;
  f.trts = names(block.at("TE." + pooled));
  f.TE = ref_matrix(block.at("TE." + pooled));
  f.seTE = ref_matrix(block.at("seTE." + pooled));
  if (names(block.at("seTE." + pooled)) != f.trts) throw std::runtime_error("TE and seTE rows differ");
  return f;
}

/// Effects versus the first treatment and their covariance, from the k x k network estimates:
/// Var(d_i1) = seTE[i,1]^2, Cov(d_i1, d_j1) = (seTE[i,1]^2 + seTE[j,1]^2 - seTE[i,j]^2) / 2.
void versus_first(const Fit& f, Eigen::VectorXd& mean, Eigen::MatrixXd& cov) {
  const Eigen::Index k = f.TE.rows();
  mean = f.TE.col(0);
  cov.resize(k, k);
  for (Eigen::Index i = 0; i < k; ++i) {
    for (Eigen::Index j = 0; j < k; ++j) {
      const double vi = i == 0 ? 0.0 : f.seTE(i, 0) * f.seTE(i, 0);
      const double vj = j == 0 ? 0.0 : f.seTE(j, 0) * f.seTE(j, 0);
      const double vij = i == j ? 0.0 : f.seTE(i, j) * f.seTE(i, j);
      cov(i, j) = 0.5 * (vi + vj - vij);
    }
  }
}

bool has_code(const evident::Diagnostics& ds, const std::string& code) {
  for (const auto& d : ds.items())
    if (d.code == code) return true;
  return false;
}

const std::vector<std::string> kNetrankFiles = {"nma_Senn2013_MD.json", "nma_Woods2010_OR.json",
                                                "nma_Linde2016_OR.json", "nma_smokingcessation_OR.json"};

// ---------------------------------------------------------------------------------------------
// P-scores against netmeta netrank() (netmeta 3.4.0; netrank was run on the DerSimonian-Laird fit).
// Tolerance 1e-10 absolute (P-scores and P-matrix entries are in [0, 1]).

void check_against_netrank(const std::string& file, const std::string& fit_name, bool check_random) {
  SCOPED_TRACE(file + " " + fit_name);
  const nlohmann::json ref = load_reference(file);
  const auto& netrank = ref.at("netrank");
  const SmallValues sv = parse_small_values(netrank.at("small.values").get<std::string>());
  for (const std::string pooled : {"common", "random"}) {
    if (pooled == "random" && !check_random) continue;
    SCOPED_TRACE(pooled);
    const Fit f = load_fit(ref, fit_name, pooled);
    const evident::PScoreResult r = evident::p_scores(f.trts, f.TE, f.seTE, sv);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r.pscore.size(), f.trts.size());

    const auto& expected = netrank.at("Pscore." + pooled);
    const auto expected_names = expected.at("names").get<std::vector<std::string>>();
    ASSERT_EQ(expected_names.size(), f.trts.size());
    for (std::size_t e = 0; e < expected_names.size(); ++e) {
      const auto it = std::find(f.trts.begin(), f.trts.end(), expected_names[e]);
      ASSERT_NE(it, f.trts.end()) << expected_names[e];
      const auto i = static_cast<std::size_t>(it - f.trts.begin());
      EXPECT_REL(ref_number(expected.at("values").at(e)), r.pscore[i], 1e-10) << expected_names[e];
    }

    if (netrank.contains("Pmatrix." + pooled)) {
      const auto& pm = netrank.at("Pmatrix." + pooled);
      ASSERT_EQ(names(pm), f.trts);
      const Eigen::MatrixXd P = ref_matrix(pm);
      for (Eigen::Index i = 0; i < P.rows(); ++i) {
        for (Eigen::Index j = 0; j < P.cols(); ++j) {
          if (i == j) {
            EXPECT_TRUE(std::isnan(r.P(i, j)));  // netmeta: NA on the diagonal
            continue;
          }
          EXPECT_REL(P(i, j), r.P(i, j), 1e-10)
              << f.trts[static_cast<std::size_t>(i)] << " vs " << f.trts[static_cast<std::size_t>(j)];
        }
      }
    }
  }
}

TEST(PScores, MatchNetrankOnEveryReferenceNetwork) {
  for (const auto& file : kNetrankFiles) check_against_netrank(file, "netmeta_DL", true);
}

TEST(PScores, CommonEffectFromRemlFitMatchesNetrank) {
  // The common-effect estimates do not depend on the tau2 estimator, so netrank's Pscore.common holds
  // for the REML fit's matrices too.
  for (const auto& file : kNetrankFiles) {
    const nlohmann::json ref = load_reference(file);
    if (!ref.contains("netmeta_REML")) continue;
    check_against_netrank(file, "netmeta_REML", false);
  }
}

TEST(PScores, SmokingCessationUsesSmallValuesUndesirable) {
  // netrank(small.values = "undesirable"): the more quitters the better, so D (largest OR vs A) is
  // first. Reversing the direction turns every P[i, j] into P[j, i] and every P-score into 1 - P-score.
  const nlohmann::json ref = load_reference("nma_smokingcessation_OR.json");
  ASSERT_EQ(ref.at("netrank").at("small.values").get<std::string>(), "undesirable");
  const Fit f = load_fit(ref, "netmeta_DL", "random");
  const auto up = evident::p_scores(f.trts, f.TE, f.seTE, SmallValues::undesirable);
  const auto down = evident::p_scores(f.trts, f.TE, f.seTE, SmallValues::desirable);
  ASSERT_TRUE(up.ok());
  ASSERT_TRUE(down.ok());
  for (std::size_t i = 0; i < f.trts.size(); ++i) EXPECT_REL(1.0 - up.pscore[i], down.pscore[i], 1e-14);
  // Pscore.random from netrank: D 0.8375827418402236, A 0.047887187049314245
  EXPECT_REL(0.8375827418402236, up.pscore[3], 1e-10);
  EXPECT_REL(0.047887187049314245, up.pscore[0], 1e-10);
}

TEST(PScores, Invariants) {
  const nlohmann::json ref = load_reference("nma_Senn2013_MD.json");
  const Fit f = load_fit(ref, "netmeta_DL", "random");
  const auto r = evident::p_scores(f.trts, f.TE, f.seTE, SmallValues::desirable);
  ASSERT_TRUE(r.ok());
  const auto n = static_cast<Eigen::Index>(f.trts.size());
  // P[i, j] + P[j, i] = 1, so the P-scores sum to n / 2.
  double total = 0.0;
  for (Eigen::Index i = 0; i < n; ++i) {
    total += r.pscore[static_cast<std::size_t>(i)];
    for (Eigen::Index j = 0; j < n; ++j)
      if (i != j) {
        EXPECT_NEAR(1.0, r.P(i, j) + r.P(j, i), 1e-14);
      }
  }
  EXPECT_NEAR(static_cast<double>(n) / 2.0, total, 1e-12);

  // Relabelling (permuting) the treatments permutes the P-scores (up to the order of summation).
  std::vector<Eigen::Index> perm;
  for (Eigen::Index i = n - 1; i >= 0; --i) perm.push_back((i * 3) % n);  // 3 and 10 coprime: a permutation
  std::vector<std::string> names2;
  Eigen::MatrixXd TE2(n, n);
  Eigen::MatrixXd se2(n, n);
  for (Eigen::Index a = 0; a < n; ++a) {
    names2.push_back(f.trts[static_cast<std::size_t>(perm[static_cast<std::size_t>(a)])]);
    for (Eigen::Index b = 0; b < n; ++b) {
      TE2(a, b) = f.TE(perm[static_cast<std::size_t>(a)], perm[static_cast<std::size_t>(b)]);
      se2(a, b) = f.seTE(perm[static_cast<std::size_t>(a)], perm[static_cast<std::size_t>(b)]);
    }
  }
  const auto r2 = evident::p_scores(names2, TE2, se2, SmallValues::desirable);
  ASSERT_TRUE(r2.ok());
  for (Eigen::Index a = 0; a < n; ++a)
    EXPECT_NEAR(r.pscore[static_cast<std::size_t>(perm[static_cast<std::size_t>(a)])],
                r2.pscore[static_cast<std::size_t>(a)], 1e-15);
}

TEST(PScores, TwoTreatmentsIsOneSidedPValue) {
  // Two treatments: P-score of A = Phi(-TE_AB / se) with small values desirable. TE = -1.959963984540054,
  // se = 1: P = 0.975 (the 97.5% normal quantile, R qnorm(0.975)).
  Eigen::MatrixXd TE(2, 2);
  TE << 0, -1.959963984540054, 1.959963984540054, 0;
  Eigen::MatrixXd se(2, 2);
  se << 0, 1, 1, 0;
  const auto r = evident::p_scores({"A", "B"}, TE, se, SmallValues::desirable);
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(0.975, r.pscore[0], 1e-15);
  EXPECT_NEAR(0.025, r.pscore[1], 1e-15);
}

TEST(PScores, OneTreatmentWarnsAndGivesNaN) {
  const auto r =
      evident::p_scores({"A"}, Eigen::MatrixXd::Zero(1, 1), Eigen::MatrixXd::Zero(1, 1), SmallValues::desirable);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(has_code(r.diagnostics, "ranking-one-treatment"));
  ASSERT_EQ(r.pscore.size(), 1u);
  EXPECT_TRUE(std::isnan(r.pscore[0]));
}

TEST(PScores, BadInputGivesErrorDiagnosticsNotExceptions) {
  Eigen::MatrixXd TE(3, 3);
  TE << 0, 1, 2, -1, 0, 1, -2, -1, 0;
  Eigen::MatrixXd se = Eigen::MatrixXd::Constant(3, 3, 0.5);
  se.diagonal().setZero();
  const std::vector<std::string> abc = {"A", "B", "C"};
  ASSERT_TRUE(evident::p_scores(abc, TE, se, SmallValues::desirable).ok());

  const auto expect_error = [](const evident::PScoreResult& r, const std::string& code) {
    EXPECT_FALSE(r.ok()) << code;
    EXPECT_TRUE(has_code(r.diagnostics, code)) << code;
    EXPECT_TRUE(r.pscore.empty()) << code;
  };
  EXPECT_NO_THROW(expect_error(evident::p_scores(abc, Eigen::MatrixXd::Zero(3, 2), se, SmallValues::desirable),
                               "ranking-not-square"));
  EXPECT_NO_THROW(expect_error(evident::p_scores(abc, TE, Eigen::MatrixXd::Ones(2, 2), SmallValues::desirable),
                               "ranking-size-mismatch"));
  EXPECT_NO_THROW(expect_error(evident::p_scores({"A", "B"}, TE, se, SmallValues::desirable), "ranking-size-mismatch"));
  EXPECT_NO_THROW(
      expect_error(evident::p_scores({"A", "B", "A"}, TE, se, SmallValues::desirable), "ranking-duplicate-treatment"));
  EXPECT_NO_THROW(
      expect_error(evident::p_scores({}, Eigen::MatrixXd(0, 0), Eigen::MatrixXd(0, 0), SmallValues::desirable),
                   "ranking-no-treatments"));
  Eigen::MatrixXd nan_te = TE;
  nan_te(0, 2) = std::nan("");
  EXPECT_NO_THROW(expect_error(evident::p_scores(abc, nan_te, se, SmallValues::desirable), "ranking-non-finite"));
  Eigen::MatrixXd zero_se = se;
  zero_se(1, 2) = zero_se(2, 1) = 0.0;
  EXPECT_NO_THROW(expect_error(evident::p_scores(abc, TE, zero_se, SmallValues::desirable), "ranking-bad-se"));
  Eigen::MatrixXd skew = TE;
  skew(1, 0) = 1.0;  // should be -1
  EXPECT_NO_THROW(
      expect_error(evident::p_scores(abc, skew, se, SmallValues::desirable), "ranking-te-not-antisymmetric"));
  Eigen::MatrixXd asym_se = se;
  asym_se(0, 1) = 0.6;
  EXPECT_NO_THROW(
      expect_error(evident::p_scores(abc, TE, asym_se, SmallValues::desirable), "ranking-se-not-symmetric"));
}

TEST(PScores, Json) {
  const nlohmann::json ref = load_reference("nma_Woods2010_OR.json");
  const Fit f = load_fit(ref, "netmeta_DL", "common");
  const auto j = evident::to_json(evident::p_scores(f.trts, f.TE, f.seTE, SmallValues::desirable));
  EXPECT_EQ(j.at("method"), "P-score");
  EXPECT_EQ(j.at("small_values"), "desirable");
  // netrank Pscore.common SFC = 0.796288026001356
  EXPECT_REL(0.796288026001356, j.at("pscore").at("SFC").get<double>(), 1e-10);
  EXPECT_TRUE(j.at("P").at("data").at(0).at(0).is_null());
  EXPECT_EQ(j.at("P").at("rownames"), nlohmann::json(f.trts));
  EXPECT_TRUE(j.at("diagnostics").empty());
}

// ---------------------------------------------------------------------------------------------
// Rankograms and SUCRA by simulation.

TEST(Rankogram, SucraApproachesPScoreOnSenn2013) {
  // SUCRA of the exact joint normal distribution equals the P-score (E[rank] = 1 + sum_j P(j better));
  // with 200000 draws the Monte Carlo SE of a SUCRA is below 1e-3, so 3e-3 is a 3-sigma bound. Random
  // and common effects.
  const nlohmann::json ref = load_reference("nma_Senn2013_MD.json");
  for (const std::string pooled : {"random", "common"}) {
    SCOPED_TRACE(pooled);
    const Fit f = load_fit(ref, "netmeta_DL", pooled);
    Eigen::VectorXd mean;
    Eigen::MatrixXd cov;
    versus_first(f, mean, cov);
    const auto rank = evident::rankogram(f.trts, mean, cov, SmallValues::desirable, 200000, 20151);
    ASSERT_TRUE(rank.ok());
    const auto ps = evident::p_scores(f.trts, f.TE, f.seTE, SmallValues::desirable);
    ASSERT_TRUE(ps.ok());
    for (std::size_t i = 0; i < f.trts.size(); ++i) {
      EXPECT_NEAR(ps.pscore[i], rank.sucra[i], 3e-3) << f.trts[i];
      const double n = static_cast<double>(f.trts.size());
      EXPECT_NEAR((n - rank.mean_rank[i]) / (n - 1.0), rank.sucra[i], 1e-12) << f.trts[i];
    }
  }
}

TEST(Rankogram, SucraApproachesPScoreSmallValuesUndesirable) {
  const nlohmann::json ref = load_reference("nma_smokingcessation_OR.json");
  const Fit f = load_fit(ref, "netmeta_DL", "random");
  Eigen::VectorXd mean;
  Eigen::MatrixXd cov;
  versus_first(f, mean, cov);
  const auto rank = evident::rankogram(f.trts, mean, cov, SmallValues::undesirable, 200000, 7);
  ASSERT_TRUE(rank.ok());
  const auto& expected = ref.at("netrank").at("Pscore.random").at("values");  // netrank, undesirable
  for (std::size_t i = 0; i < f.trts.size(); ++i) EXPECT_NEAR(ref_number(expected.at(i)), rank.sucra[i], 3e-3);
}

TEST(Rankogram, ProbabilitiesAreDistributions) {
  const nlohmann::json ref = load_reference("nma_Linde2016_OR.json");
  const Fit f = load_fit(ref, "netmeta_DL", "random");
  Eigen::VectorXd mean;
  Eigen::MatrixXd cov;
  versus_first(f, mean, cov);
  const auto r = evident::rankogram(f.trts, mean, cov, SmallValues::desirable, 1000, 3);
  ASSERT_TRUE(r.ok());
  const auto n = static_cast<Eigen::Index>(f.trts.size());
  ASSERT_EQ(r.rank_probability.rows(), n);
  ASSERT_EQ(r.rank_probability.cols(), n);
  EXPECT_GE(r.rank_probability.minCoeff(), 0.0);
  for (Eigen::Index t = 0; t < n; ++t) EXPECT_NEAR(1.0, r.rank_probability.row(t).sum(), 1e-12);  // each treatment
  for (Eigen::Index k = 0; k < n; ++k) EXPECT_NEAR(1.0, r.rank_probability.col(k).sum(), 1e-12);  // each rank
  for (std::size_t i = 0; i < f.trts.size(); ++i) {
    EXPECT_GE(r.sucra[i], 0.0);
    EXPECT_LE(r.sucra[i], 1.0);
  }
  // The reference (first) treatment has zero variance: the covariance is singular and the fallback
  // factorisation is recorded.
  EXPECT_TRUE(has_code(r.diagnostics, "ranking-cov-semidefinite"));
  EXPECT_EQ(r.nsim, 1000u);
  EXPECT_EQ(r.seed, 3u);
}

TEST(Rankogram, SameSeedSameResultDifferentSeedDifferent) {
  const nlohmann::json ref = load_reference("nma_Senn2013_MD.json");
  const Fit f = load_fit(ref, "netmeta_DL", "random");
  Eigen::VectorXd mean;
  Eigen::MatrixXd cov;
  versus_first(f, mean, cov);
  const auto a = evident::rankogram(f.trts, mean, cov, SmallValues::desirable, 2000, 42);
  const auto b = evident::rankogram(f.trts, mean, cov, SmallValues::desirable, 2000, 42);
  const auto c = evident::rankogram(f.trts, mean, cov, SmallValues::desirable, 2000, 43);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a.rank_probability, b.rank_probability);
  EXPECT_EQ(a.sucra, b.sucra);
  EXPECT_NE(a.rank_probability, c.rank_probability);
  EXPECT_NE(a.sucra, c.sucra);
  // Default arguments: nsim = 1000, seed = 1.
  const auto d = evident::rankogram(f.trts, mean, cov, SmallValues::desirable);
  EXPECT_EQ(d.nsim, 1000u);
  EXPECT_EQ(d.seed, 1u);
}

TEST(Rankogram, DeterministicAcrossThreads) {
  // No shared state: the same call on several threads at once gives the sequential result bit for bit.
  const nlohmann::json ref = load_reference("nma_Senn2013_MD.json");
  const Fit f = load_fit(ref, "netmeta_DL", "random");
  Eigen::VectorXd mean;
  Eigen::MatrixXd cov;
  versus_first(f, mean, cov);
  const auto expected = evident::rankogram(f.trts, mean, cov, SmallValues::desirable, 5000, 99);
  std::vector<evident::RankogramResult> results(4);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < results.size(); ++t)
    threads.emplace_back(
        [&, t] { results[t] = evident::rankogram(f.trts, mean, cov, SmallValues::desirable, 5000, 99); });
  for (auto& th : threads) th.join();
  for (const auto& r : results) {
    EXPECT_EQ(expected.rank_probability, r.rank_probability);
    EXPECT_EQ(expected.sucra, r.sucra);
  }
}

TEST(Rankogram, DegenerateDistributionAndTies) {
  // Zero covariance: every draw equals the mean. B < C < A with small values desirable; D ties with
  // B and they share ranks 1 and 2.
  const Eigen::VectorXd mean = (Eigen::VectorXd(4) << 0.0, -1.0, -0.5, -1.0).finished();
  const auto r =
      evident::rankogram({"A", "B", "C", "D"}, mean, Eigen::MatrixXd::Zero(4, 4), SmallValues::desirable, 10, 5);
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(0.5, r.rank_probability(1, 0));
  EXPECT_DOUBLE_EQ(0.5, r.rank_probability(1, 1));
  EXPECT_DOUBLE_EQ(0.5, r.rank_probability(3, 0));
  EXPECT_DOUBLE_EQ(1.0, r.rank_probability(2, 2));
  EXPECT_DOUBLE_EQ(1.0, r.rank_probability(0, 3));
  EXPECT_DOUBLE_EQ(1.0, r.sucra[2] * 3.0);  // rank 3 of 4: SUCRA 1/3
  EXPECT_DOUBLE_EQ(0.0, r.sucra[0]);        // last
  EXPECT_DOUBLE_EQ(1.5, r.mean_rank[1]);
  // Undesirable small values reverse the order.
  const auto u =
      evident::rankogram({"A", "B", "C", "D"}, mean, Eigen::MatrixXd::Zero(4, 4), SmallValues::undesirable, 10, 5);
  ASSERT_TRUE(u.ok());
  EXPECT_DOUBLE_EQ(1.0, u.rank_probability(0, 0));
  EXPECT_DOUBLE_EQ(1.0, u.sucra[0]);
}

TEST(Rankogram, IndependentTreatmentsAgainstNormalProbability) {
  // Two treatments, theta_A ~ N(0, 1), theta_B ~ N(1, 1) independent: P(A ranks first, small values
  // desirable) = P(theta_A < theta_B) = Phi(1 / sqrt(2)) = 0.76024993890652326 (R pnorm(1 / sqrt(2))).
  // 400000 draws: binomial SE 6.8e-4; tolerance 3e-3.
  const Eigen::VectorXd mean = (Eigen::VectorXd(2) << 0.0, 1.0).finished();
  const auto r =
      evident::rankogram({"A", "B"}, mean, Eigen::MatrixXd::Identity(2, 2), SmallValues::desirable, 400000, 11);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.diagnostics.empty());  // positive definite: Cholesky, no note
  EXPECT_NEAR(0.76024993890652326, r.rank_probability(0, 0), 3e-3);
  EXPECT_NEAR(r.rank_probability(0, 0), r.sucra[0], 1e-15);
}

TEST(Rankogram, BadInputGivesErrorDiagnosticsNotExceptions) {
  const std::vector<std::string> abc = {"A", "B", "C"};
  const Eigen::VectorXd mean = Eigen::VectorXd::Zero(3);
  const Eigen::MatrixXd cov = Eigen::MatrixXd::Identity(3, 3);
  ASSERT_TRUE(evident::rankogram(abc, mean, cov, SmallValues::desirable, 10).ok());

  const auto expect_error = [](const evident::RankogramResult& r, const std::string& code) {
    EXPECT_FALSE(r.ok()) << code;
    EXPECT_TRUE(has_code(r.diagnostics, code)) << code;
    EXPECT_EQ(r.rank_probability.size(), 0) << code;
  };
  EXPECT_NO_THROW(expect_error(evident::rankogram(abc, mean, cov, SmallValues::desirable, 0), "ranking-nsim-zero"));
  EXPECT_NO_THROW(expect_error(evident::rankogram(abc, mean, Eigen::MatrixXd::Identity(3, 2), SmallValues::desirable),
                               "ranking-not-square"));
  EXPECT_NO_THROW(expect_error(evident::rankogram(abc, Eigen::VectorXd::Zero(2), cov, SmallValues::desirable),
                               "ranking-size-mismatch"));
  EXPECT_NO_THROW(
      expect_error(evident::rankogram({"A", "B"}, mean, cov, SmallValues::desirable), "ranking-size-mismatch"));
  EXPECT_NO_THROW(
      expect_error(evident::rankogram({}, Eigen::VectorXd(0), Eigen::MatrixXd(0, 0), SmallValues::desirable),
                   "ranking-no-treatments"));
  Eigen::VectorXd nan_mean = mean;
  nan_mean(1) = std::nan("");
  EXPECT_NO_THROW(expect_error(evident::rankogram(abc, nan_mean, cov, SmallValues::desirable), "ranking-non-finite"));
  Eigen::MatrixXd inf_cov = cov;
  inf_cov(2, 2) = HUGE_VAL;
  EXPECT_NO_THROW(expect_error(evident::rankogram(abc, mean, inf_cov, SmallValues::desirable), "ranking-non-finite"));
  Eigen::MatrixXd asym = cov;
  asym(0, 1) = 0.5;
  EXPECT_NO_THROW(
      expect_error(evident::rankogram(abc, mean, asym, SmallValues::desirable), "ranking-cov-not-symmetric"));
  Eigen::MatrixXd indefinite(3, 3);
  indefinite << 1, 2, 0, 2, 1, 0, 0, 0, 1;  // eigenvalues 3, -1, 1
  EXPECT_NO_THROW(
      expect_error(evident::rankogram(abc, mean, indefinite, SmallValues::desirable), "ranking-cov-not-psd"));
  Eigen::MatrixXd negative = cov;
  negative(1, 1) = -1.0;
  EXPECT_NO_THROW(
      expect_error(evident::rankogram(abc, mean, negative, SmallValues::desirable), "ranking-negative-variance"));
}

TEST(Rankogram, Json) {
  const Eigen::VectorXd mean = (Eigen::VectorXd(3) << 0.0, -1.0, 1.0).finished();
  const auto r = evident::rankogram({"A", "B", "C"}, mean, Eigen::MatrixXd::Zero(3, 3), SmallValues::desirable, 5, 8);
  const auto j = evident::to_json(r);
  EXPECT_EQ(j.at("method"), "rankogram");
  EXPECT_EQ(j.at("nsim"), 5);
  EXPECT_EQ(j.at("seed"), 8);
  EXPECT_EQ(j.at("rank_probability").at("colnames"), nlohmann::json({"1", "2", "3"}));
  EXPECT_EQ(j.at("rank_probability").at("data").at(1).at(0).get<double>(), 1.0);  // B best
  EXPECT_EQ(j.at("sucra").at("B").get<double>(), 1.0);
  EXPECT_EQ(j.at("mean_rank").at("C").get<double>(), 3.0);
}

}  // namespace
