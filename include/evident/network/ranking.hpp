// evident: treatment ranking for network meta-analysis - P-scores, rankograms and SUCRA.
//
// P-scores (Rücker G, Schwarzer G. Ranking treatments in frequentist network meta-analysis works
// without resampling methods. BMC Med Res Methodol 2015;15:58, doi:10.1186/s12874-015-0060-8,
// Methods, "frequentist analogue": P_ij = Phi((mu_i - mu_j) / s_ij) and its mean over j). With
// TE[i, j] the network estimate of treatment i versus treatment j (netmeta's orientation) and
// seTE[i, j] its standard error,
//   P[i, j] = Phi(TE[i, j] / seTE[i, j])   when large values are desirable,
//   P[i, j] = Phi(TE[j, i] / seTE[i, j])   when small values are desirable,
// the (one-sided) certainty that i is better than j, and the P-score of i is the mean of P[i, j]
// over the n - 1 treatments j != i. The diagonal of P is NaN, as in netmeta's Pmatrix. Checked
// against R netmeta 3.4.0 netrank() (Pscore.common, Pscore.random, Pmatrix.common, Pmatrix.random)
// on Senn2013, Woods2010, Linde2016 and smokingcessation (small values undesirable): 1e-10 absolute
// (tests/unit/network/ranking_test.cpp, tests/reference/nma_*.json).
//
// Rankograms and SUCRA (Salanti G, Ades AE, Ioannidis JPA. Graphical methods and numerical summaries
// for presenting results from multiple-treatment meta-analysis. J Clin Epidemiol 2011;64:163-171,
// doi:10.1016/j.jclinepi.2010.03.016, the SUCRA formula; netmeta rankogram()). Draws
// theta ~ N(mean, cov), where mean[i] is the effect of treatment i versus a reference (e.g. treatment
// 1, whose entry is then 0 with zero variance) and cov its covariance matrix, ranks the treatments
// in every draw (rank 1 = best), and reports
//   rank_probability[t, r] = share of draws in which t has rank r + 1,
//   mean_rank[t]           = sum_r (r + 1) rank_probability[t, r],
//   sucra[t]               = sum_{r=1}^{n-1} cumulative_probability[t, r] / (n - 1)
//                          = (n - mean_rank[t]) / (n - 1).
// Differences from netmeta rankogram() (R/rankogram.R, R/ranksampling.R, R/rankings.R, 3.x): netmeta
// samples with mvtnorm from R's RNG and, in samples_netmeta(), with a diagonal covariance of the
// effects versus the first treatment; here the caller gives the full covariance, so the draws follow
// the joint distribution of the estimates. Ties in a draw (only possible with degenerate covariance)
// share their ranks equally - the expectation of netmeta's ties.method = "random" - so the result is
// deterministic. R's random stream cannot be reproduced, so the tests check statistical properties,
// not R's numbers: SUCRA approaches the P-score as nsim grows (E[rank_i] = 1 + sum_{j != i} P(j better
// than i), so SUCRA of the exact joint normal distribution is the P-score; Rücker & Schwarzer 2015
// report the two "nearly identical"), within 3e-3 at nsim = 200000 on Senn2013; rows sum to 1; the
// same seed gives the same result.
//
// Random numbers: std::mt19937_64 seeded with `seed` (its output sequence is fixed by the C++
// standard), 53-bit uniforms and the Box-Muller transform (Box GEP, Muller ME. Ann Math Stat
// 1958;29:610-611, doi:10.1214/aoms/1177706645), not std::normal_distribution, whose algorithm differs
// between standard libraries. Computation is single-threaded, so results do not depend on the number
// of threads. The covariance is factored by Cholesky (Eigen LLT); when it is only positive
// semi-definite (e.g. a zero-variance reference entry) a symmetric eigendecomposition is used
// instead, with negative eigenvalues within rounding set to 0 (recorded as a note).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "evident/core/diagnostic.hpp"
#include "evident/core/progress.hpp"

namespace evident {

/// netmeta small.values = "desirable" ("good") / "undesirable" ("bad").
enum class SmallValues { desirable, undesirable };
const char* to_string(SmallValues s);  ///< "desirable", "undesirable"

struct PScoreResult {
  std::vector<std::string> treatments;
  std::vector<double> pscore;  ///< per treatment, in the order of `treatments`
  Eigen::MatrixXd P;           ///< P(i, j) = certainty that i is better than j; NaN on the diagonal
  SmallValues small_values = SmallValues::desirable;
  Diagnostics diagnostics;
  [[nodiscard]] bool ok() const { return !diagnostics.has_errors(); }
};

/// P-scores from the n x n matrices of network estimates TE (i versus j) and their standard errors.
/// Errors (no exception): n = 0, non-square or mismatched matrices, treatment names not matching n,
/// empty or duplicated names, non-finite values or seTE <= 0 off the diagonal, TE not antisymmetric or
/// seTE not symmetric (beyond 1e-8 relative). One treatment gives a P-score of NaN with a warning.
PScoreResult p_scores(const std::vector<std::string>& treatments, const Eigen::MatrixXd& TE,
                      const Eigen::MatrixXd& seTE, SmallValues small_values);

struct RankogramResult {
  std::vector<std::string> treatments;
  Eigen::MatrixXd rank_probability;  ///< (t, r) = P(t has rank r + 1); rank 1 = best
  std::vector<double> sucra;         ///< in [0, 1]
  std::vector<double> mean_rank;     ///< in [1, n]
  std::size_t nsim = 0;
  std::uint64_t seed = 0;
  SmallValues small_values = SmallValues::desirable;
  Diagnostics diagnostics;
  [[nodiscard]] bool ok() const { return !diagnostics.has_errors(); }
};

/// Rankogram and SUCRA by simulation from N(mean, cov) (see the header comment). mean has one entry
/// per treatment (the effect versus a common reference, 0 for the reference itself); cov is n x n,
/// symmetric, positive semi-definite. Errors (no exception): sizes not matching, non-finite values,
/// asymmetric or clearly indefinite covariance, nsim = 0, bad treatment names.
/// `progress`, when set, is called with ("rankogram", fraction of draws done) before the first draw, after every
/// ceil(nsim / 100)-th draw and at the end (at most about 100 calls; the draws do not depend on it).
RankogramResult rankogram(const std::vector<std::string>& treatments, const Eigen::VectorXd& mean,
                          const Eigen::MatrixXd& cov, SmallValues small_values, std::size_t nsim = 1000,
                          std::uint64_t seed = 1, const ProgressFn& progress = {});

/// {"method": "P-score", "small_values", "treatments", "pscore": {treatment: value},
///  "P": {"rownames", "colnames", "data"} (null on the diagonal), "diagnostics"}
nlohmann::json to_json(const PScoreResult& result);
/// {"method": "rankogram", "small_values", "nsim", "seed", "treatments", "rank_probability":
///  {"rownames", "colnames" ("1".."n"), "data"}, "sucra": {treatment: value}, "mean_rank":
///  {treatment: value}, "diagnostics"}
nlohmann::json to_json(const RankogramResult& result);

}  // namespace evident
