// evident: internal helpers shared by the rank correlation tests (small_study.cpp: metafor's
// ranktest(); small_study_binary.cpp: R meta's Begg test): Begg & Mazumdar's standardised deviates
// and Kendall's S, tau-b and the tie-corrected variance of S. Not installed; include only from
// src/pairwise.
#pragma once

#include <cmath>
#include <cstddef>
#include <map>
#include <vector>

namespace evident::detail {

inline double sign_of(double d) {
  return d > 0.0 ? 1.0 : (d < 0.0 ? -1.0 : 0.0);
}

/// Begg & Mazumdar 1994 (doi:10.2307/2533446): (y_i - mu_EE) / sqrt(v_i - 1/sum w), mu_EE the
/// inverse-variance common-effect estimate.
inline std::vector<double> begg_deviates(const std::vector<double>& yi, const std::vector<double>& vi) {
  double sw = 0.0, swy = 0.0;
  for (std::size_t i = 0; i < yi.size(); ++i) {
    sw += 1.0 / vi[i];
    swy += yi[i] / vi[i];
  }
  const double theta = swy / sw;
  const double vb = 1.0 / sw;
  std::vector<double> d(yi.size());
  for (std::size_t i = 0; i < yi.size(); ++i) d[i] = (yi[i] - theta) / std::sqrt(vi[i] - vb);
  return d;
}

struct Kendall {
  double S = 0.0;      ///< concordant minus discordant pairs
  double tau_b = 0.0;  ///< S / sqrt((n0 - n1)(n0 - n2)), as R cor(method = "kendall")
  double var_S = 0.0;  ///< variance of S under independence, corrected for ties
  bool ties = false;
};

/// Kendall's statistics of x and y (equal sizes, n >= 3). Variance of S with ties: Kendall 1970,
/// Rank Correlation Methods, 4th ed., eq. 4.3:
///   [n(n-1)(2n+5) - sum t(t-1)(2t+5) - sum u(u-1)(2u+5)] / 18
///   + sum t(t-1)(t-2) sum u(u-1)(u-2) / (9 n(n-1)(n-2)) + sum t(t-1) sum u(u-1) / (2 n(n-1)),
/// t and u the sizes of the groups of tied x and tied y.
inline Kendall kendall(const std::vector<double>& x, const std::vector<double>& y) {
  Kendall k;
  const std::size_t n = x.size();
  const auto nd = static_cast<double>(n);
  double nx = 0.0, ny = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      const double sx = sign_of(x[i] - x[j]);
      const double sy = sign_of(y[i] - y[j]);
      k.S += sx * sy;
      nx += sx * sx;
      ny += sy * sy;
    }
  }
  k.tau_b = k.S / std::sqrt(nx * ny);
  struct TieSums {
    double v = 0.0, a1 = 0.0, a2 = 0.0;
    bool any = false;
  };
  auto tie_sums = [](const std::vector<double>& a) {
    std::map<double, double> count;
    for (const double value : a) count[value] += 1.0;
    TieSums s;
    for (const auto& entry : count) {
      const double t = entry.second;
      if (t < 2.0) continue;
      s.any = true;
      s.v += t * (t - 1.0) * (2.0 * t + 5.0);
      s.a1 += t * (t - 1.0);
      s.a2 += t * (t - 1.0) * (t - 2.0);
    }
    return s;
  };
  const TieSums tx = tie_sums(x), ty = tie_sums(y);
  k.ties = tx.any || ty.any;
  k.var_S = (nd * (nd - 1.0) * (2.0 * nd + 5.0) - tx.v - ty.v) / 18.0 +
            tx.a2 * ty.a2 / (9.0 * nd * (nd - 1.0) * (nd - 2.0)) + tx.a1 * ty.a1 / (2.0 * nd * (nd - 1.0));
  return k;
}

}  // namespace evident::detail
