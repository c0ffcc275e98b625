// evident: P-scores, rankograms and SUCRA; see include/evident/network/ranking.hpp for the formulas,
// papers and checks.
#include "evident/network/ranking.hpp"

#include "evident/core/json_number.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <set>

#include <fmt/format.h>

#include "evident/core/diagnostic_json.hpp"

namespace evident {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kSymmetryTolerance = 1e-8;

/// Standard normal cdf, accurate in both tails.
double normal_cdf(double z) {
  return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

bool nearly_equal(double a, double b) {
  return std::fabs(a - b) <= kSymmetryTolerance * std::max({1.0, std::fabs(a), std::fabs(b)});
}

/// Names: one per treatment, non-empty, distinct. Returns false (after adding errors) when not.
bool check_treatments(const std::vector<std::string>& treatments, Eigen::Index n, const std::string& what,
                      Diagnostics& diagnostics) {
  bool ok = true;
  if (static_cast<Eigen::Index>(treatments.size()) != n) {
    diagnostics.error("ranking-size-mismatch", {},
                      fmt::format("{} treatment names given for {} of size {}", treatments.size(), what, n),
                      "give one name per row of the matrices, in the same order");
    ok = false;
  }
  std::set<std::string> seen;
  for (const std::string& t : treatments) {
    if (t.empty()) {
      diagnostics.error("ranking-empty-treatment", {}, "a treatment name is empty", "name every treatment");
      ok = false;
    } else if (!seen.insert(t).second) {
      diagnostics.error("ranking-duplicate-treatment", {}, fmt::format("treatment '{}' is given twice", t),
                        "treatment names must be distinct");
      ok = false;
    }
  }
  return ok;
}

std::string cell(const std::vector<std::string>& treatments, Eigen::Index i, Eigen::Index j) {
  const auto name = [&](Eigen::Index k) {
    return k < static_cast<Eigen::Index>(treatments.size()) ? treatments[static_cast<std::size_t>(k)]
                                                            : std::to_string(k + 1);
  };
  return fmt::format("[{}, {}] ({} vs {})", i + 1, j + 1, name(i), name(j));
}

nlohmann::json matrix_json(const Eigen::MatrixXd& m, const std::vector<std::string>& rownames,
                           const std::vector<std::string>& colnames) {
  return {{"rownames", rownames}, {"colnames", colnames}, {"data", json_matrix_rows(m)}};
}

nlohmann::json named_values(const std::vector<std::string>& names, const std::vector<double>& values) {
  nlohmann::json out = nlohmann::json::object();
  for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) out[names[i]] = json_number(values[i]);
  return out;
}

/// Standard normal deviates by the Box-Muller transform from 53-bit uniforms of mt19937_64: the same
/// sequence with every conforming standard library (up to the last bits of log/sin/cos).
class NormalStream {
 public:
  explicit NormalStream(std::uint64_t seed) : engine_(seed) {}
  double next() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    constexpr double two_pi = 6.283185307179586476925286766559;
    const double u1 = uniform_open_closed();  // (0, 1]: log(u1) finite
    const double u2 = uniform_closed_open();  // [0, 1)
    const double r = std::sqrt(-2.0 * std::log(u1));
    spare_ = r * std::sin(two_pi * u2);
    has_spare_ = true;
    return r * std::cos(two_pi * u2);
  }

 private:
  static constexpr double kTwoPow53Inv = 1.0 / 9007199254740992.0;
  double uniform_closed_open() { return static_cast<double>(engine_() >> 11) * kTwoPow53Inv; }
  double uniform_open_closed() { return static_cast<double>((engine_() >> 11) + 1) * kTwoPow53Inv; }

  std::mt19937_64 engine_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace

const char* to_string(SmallValues s) {
  switch (s) {
    case SmallValues::desirable:
      return "desirable";
    case SmallValues::undesirable:
      return "undesirable";
  }
  return "desirable";
}

PScoreResult p_scores(const std::vector<std::string>& treatments, const Eigen::MatrixXd& TE,
                      const Eigen::MatrixXd& seTE, SmallValues small_values) {
  PScoreResult r;
  r.treatments = treatments;
  r.small_values = small_values;
  Diagnostics& d = r.diagnostics;

  if (TE.rows() != TE.cols() || seTE.rows() != seTE.cols()) {
    d.error("ranking-not-square", {},
            fmt::format("TE is {} x {} and seTE is {} x {}; both must be square", TE.rows(), TE.cols(), seTE.rows(),
                        seTE.cols()),
            "give the k x k matrices of network estimates (treatment i versus j) and their standard errors");
    return r;
  }
  if (TE.rows() != seTE.rows()) {
    d.error("ranking-size-mismatch", {},
            fmt::format("TE is {} x {} but seTE is {} x {}", TE.rows(), TE.cols(), seTE.rows(), seTE.cols()),
            "TE and seTE must describe the same treatments");
    return r;
  }
  const Eigen::Index n = TE.rows();
  if (n == 0) {
    d.error("ranking-no-treatments", {}, "no treatments to rank", "give at least two treatments");
    return r;
  }
  if (!check_treatments(treatments, n, "matrices", d)) return r;

  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < n; ++j) {
      if (i == j) continue;
      const double te = TE(i, j);
      const double se = seTE(i, j);
      if (!std::isfinite(te)) {
        d.error("ranking-non-finite", {}, fmt::format("TE{} is {}", cell(treatments, i, j), te),
                "P-scores need a network estimate for every pair of treatments (a connected network)");
      }
      if (!std::isfinite(se) || !(se > 0.0)) {
        d.error("ranking-bad-se", {},
                fmt::format("seTE{} is {}; it must be finite and > 0", cell(treatments, i, j), se),
                "P-scores need a positive standard error for every pair of treatments");
      }
      if (j > i && std::isfinite(te) && std::isfinite(TE(j, i)) && !nearly_equal(te, -TE(j, i))) {
        d.error("ranking-te-not-antisymmetric", {},
                fmt::format("TE{} = {} but TE{} = {}; TE[j, i] must equal -TE[i, j]", cell(treatments, i, j), te,
                            cell(treatments, j, i), TE(j, i)),
                "give TE with entry [i, j] = treatment i versus treatment j for every pair");
      }
      if (j > i && std::isfinite(se) && std::isfinite(seTE(j, i)) && !nearly_equal(se, seTE(j, i))) {
        d.error("ranking-se-not-symmetric", {},
                fmt::format("seTE{} = {} but seTE{} = {}; seTE must be symmetric", cell(treatments, i, j), se,
                            cell(treatments, j, i), seTE(j, i)),
                "");
      }
    }
  }
  if (d.has_errors()) return r;

  r.P = Eigen::MatrixXd::Constant(n, n, kNaN);
  r.pscore.assign(static_cast<std::size_t>(n), kNaN);
  for (Eigen::Index i = 0; i < n; ++i) {
    double sum = 0.0;
    for (Eigen::Index j = 0; j < n; ++j) {
      if (i == j) continue;
      const double z = TE(i, j) / seTE(i, j);
      r.P(i, j) = normal_cdf(small_values == SmallValues::desirable ? -z : z);
      sum += r.P(i, j);
    }
    if (n > 1) r.pscore[static_cast<std::size_t>(i)] = sum / static_cast<double>(n - 1);
  }
  if (n == 1) {
    d.warning("ranking-one-treatment", {}, "only one treatment: there is nothing to rank it against",
              "the P-score is not defined (NaN)");
  }
  return r;
}

RankogramResult rankogram(const std::vector<std::string>& treatments, const Eigen::VectorXd& mean,
                          const Eigen::MatrixXd& cov, SmallValues small_values, std::size_t nsim, std::uint64_t seed,
                          const ProgressFn& progress) {
  RankogramResult r;
  r.treatments = treatments;
  r.small_values = small_values;
  r.nsim = nsim;
  r.seed = seed;
  Diagnostics& d = r.diagnostics;

  if (nsim == 0) {
    d.error("ranking-nsim-zero", {}, "nsim is 0; at least one simulation is needed",
            "use nsim = 1000 (netmeta's default) or more; 100000 or more for stable SUCRAs");
  }
  const Eigen::Index n = mean.size();
  if (cov.rows() != cov.cols()) {
    d.error("ranking-not-square", {},
            fmt::format("the covariance matrix is {} x {}; it must be square", cov.rows(), cov.cols()),
            "give the covariance matrix of the effects versus the reference treatment");
    return r;
  }
  if (cov.rows() != n) {
    d.error(
        "ranking-size-mismatch", {},
        fmt::format("the mean vector has {} entries but the covariance matrix is {} x {}", n, cov.rows(), cov.cols()),
        "mean and covariance must describe the same treatments");
    return r;
  }
  if (n == 0) {
    d.error("ranking-no-treatments", {}, "no treatments to rank", "give at least two treatments");
    return r;
  }
  check_treatments(treatments, n, "mean and covariance", d);
  for (Eigen::Index i = 0; i < n; ++i) {
    if (!std::isfinite(mean(i))) {
      d.error("ranking-non-finite", {}, fmt::format("mean[{}] is {}", i + 1, mean(i)),
              "every treatment needs a finite effect estimate");
    }
    for (Eigen::Index j = 0; j < n; ++j) {
      if (!std::isfinite(cov(i, j))) {
        d.error("ranking-non-finite", {}, fmt::format("cov[{}, {}] is {}", i + 1, j + 1, cov(i, j)),
                "the covariance matrix must be finite");
      } else if (j > i && std::isfinite(cov(j, i)) && !nearly_equal(cov(i, j), cov(j, i))) {
        d.error("ranking-cov-not-symmetric", {},
                fmt::format("cov[{}, {}] = {} but cov[{}, {}] = {}; the covariance must be symmetric", i + 1, j + 1,
                            cov(i, j), j + 1, i + 1, cov(j, i)),
                "");
      }
    }
    if (std::isfinite(cov(i, i)) && cov(i, i) < 0.0) {
      d.error("ranking-negative-variance", {},
              fmt::format("cov[{}, {}] = {} is a negative variance", i + 1, i + 1, cov(i, i)), "");
    }
  }
  if (d.has_errors()) return r;

  // Factor cov = L L^T: Cholesky, or for a semi-definite matrix the eigendecomposition
  // L = V diag(sqrt(max(lambda, 0))).
  const Eigen::MatrixXd sym = 0.5 * (cov + cov.transpose());
  Eigen::MatrixXd L;
  Eigen::LLT<Eigen::MatrixXd> llt(sym);
  if (llt.info() == Eigen::Success) {
    L = llt.matrixL();
  } else {
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(sym);
    if (eig.info() != Eigen::Success) {
      d.error("ranking-cov-decomposition", {}, "the eigendecomposition of the covariance matrix failed", "");
      return r;
    }
    const Eigen::VectorXd lambda = eig.eigenvalues();
    const double scale = std::max(1.0, lambda.cwiseAbs().maxCoeff());
    const double tol = 1e-10 * scale * static_cast<double>(n);
    if (lambda.minCoeff() < -tol) {
      d.error("ranking-cov-not-psd", {},
              fmt::format("the covariance matrix is not positive semi-definite (smallest eigenvalue {})",
                          lambda.minCoeff()),
              "give the covariance matrix of the network estimates");
      return r;
    }
    L = eig.eigenvectors() * lambda.cwiseMax(0.0).cwiseSqrt().asDiagonal();
    d.note("ranking-cov-semidefinite", {},
           "the covariance matrix is singular (e.g. a zero-variance reference treatment); draws use its "
           "eigendecomposition instead of a Cholesky factor",
           "");
  }

  const double sign = small_values == SmallValues::desirable ? 1.0 : -1.0;  // rank ascending in sign * theta
  const auto nn = static_cast<std::size_t>(n);
  Eigen::MatrixXd counts = Eigen::MatrixXd::Zero(n, n);
  NormalStream normals(seed);
  Eigen::VectorXd z(n);
  Eigen::VectorXd theta(n);
  std::vector<std::size_t> order(nn);
  // Progress: at most ~100 reports, checked by one comparison per draw (no call per draw).
  const std::size_t report_every = std::max<std::size_t>(1, (nsim + 99) / 100);
  std::size_t next_report = progress ? report_every : nsim + 1;
  if (progress) progress("rankogram", 0.0);
  for (std::size_t s = 0; s < nsim; ++s) {
    if (s == next_report) {
      progress("rankogram", static_cast<double>(s) / static_cast<double>(nsim));
      next_report += report_every;
    }
    for (Eigen::Index i = 0; i < n; ++i) z(i) = normals.next();
    theta.noalias() = L * z;
    theta += mean;
    theta *= sign;
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      const double ta = theta(static_cast<Eigen::Index>(a));
      const double tb = theta(static_cast<Eigen::Index>(b));
      return ta < tb || (ta == tb && a < b);
    });
    // Ties share their ranks equally.
    for (std::size_t first = 0; first < nn;) {
      std::size_t last = first + 1;
      while (last < nn &&
             theta(static_cast<Eigen::Index>(order[last])) == theta(static_cast<Eigen::Index>(order[first])))
        ++last;
      const double share = 1.0 / static_cast<double>(last - first);
      for (std::size_t a = first; a < last; ++a)
        for (std::size_t rank = first; rank < last; ++rank)
          counts(static_cast<Eigen::Index>(order[a]), static_cast<Eigen::Index>(rank)) += share;
      first = last;
    }
  }

  if (progress) progress("rankogram", 1.0);
  r.rank_probability = counts / static_cast<double>(nsim);
  r.sucra.assign(nn, kNaN);
  r.mean_rank.assign(nn, 0.0);
  for (Eigen::Index t = 0; t < n; ++t) {
    double mean_rank = 0.0;
    for (Eigen::Index k = 0; k < n; ++k) mean_rank += static_cast<double>(k + 1) * r.rank_probability(t, k);
    r.mean_rank[static_cast<std::size_t>(t)] = mean_rank;
    if (n > 1) {
      double cumulative = 0.0;
      double area = 0.0;
      for (Eigen::Index k = 0; k + 1 < n; ++k) {
        cumulative += r.rank_probability(t, k);
        area += cumulative;
      }
      r.sucra[static_cast<std::size_t>(t)] = area / static_cast<double>(n - 1);
    }
  }
  if (n == 1) {
    d.warning("ranking-one-treatment", {}, "only one treatment: there is nothing to rank it against",
              "SUCRA is not defined (NaN)");
  }
  return r;
}

nlohmann::json to_json(const PScoreResult& result) {
  nlohmann::json j;
  j["method"] = "P-score";
  j["small_values"] = to_string(result.small_values);
  j["treatments"] = result.treatments;
  j["pscore"] = named_values(result.treatments, result.pscore);
  j["P"] = result.P.size() > 0 ? matrix_json(result.P, result.treatments, result.treatments) : nlohmann::json(nullptr);
  j["diagnostics"] = to_json(result.diagnostics);
  return j;
}

nlohmann::json to_json(const RankogramResult& result) {
  nlohmann::json j;
  j["method"] = "rankogram";
  j["small_values"] = to_string(result.small_values);
  j["nsim"] = result.nsim;
  j["seed"] = result.seed;
  j["treatments"] = result.treatments;
  if (result.rank_probability.size() > 0) {
    std::vector<std::string> ranks;
    for (Eigen::Index k = 0; k < result.rank_probability.cols(); ++k) ranks.push_back(std::to_string(k + 1));
    j["rank_probability"] = matrix_json(result.rank_probability, result.treatments, ranks);
  } else {
    j["rank_probability"] = nullptr;
  }
  j["sucra"] = named_values(result.treatments, result.sucra);
  j["mean_rank"] = named_values(result.treatments, result.mean_rank);
  j["diagnostics"] = to_json(result.diagnostics);
  return j;
}

}  // namespace evident
