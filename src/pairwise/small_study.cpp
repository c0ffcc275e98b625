// Small-study effects: Egger's regression test, Begg & Mazumdar's rank correlation test and
// Duval & Tweedie's trim-and-fill, as metafor 3.8-1 regtest(), ranktest() and trimfill().
#include "evident/pairwise/small_study.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <map>
#include <numbers>
#include <numeric>
#include <string>
#include <vector>
#include "evident/core/distributions.hpp"

namespace evident {

namespace {

/// Validates the input through meta_analysis() and copies its errors into `out`.
bool validate(const MetaInput& input, const MetaOptions& meta, Diagnostics& out) {
  MetaOptions o = meta;
  o.tau2_ci = false;
  const MetaResult full = meta_analysis(input, o);
  for (const Diagnostic& d : full.diagnostics.items())
    if (d.severity == Severity::error) out.add(d);
  return full.ok();
}

bool need_studies(std::size_t k, std::size_t minimum, const char* what, Diagnostics& out) {
  if (k >= minimum) return true;
  out.error("too-few-studies", {},
            std::string(what) + " needs at least " + std::to_string(minimum) + " studies, got " + std::to_string(k),
            "add studies");
  return false;
}

// ---- weighted least squares with design X = [1, x] ----

struct Wls {
  double b0 = 0.0, b1 = 0.0;
  double a00 = 0.0, a01 = 0.0, a11 = 0.0;  ///< (X'WX)^-1
  double rss = 0.0;                        ///< sum w (y - Xb)^2
  std::vector<double> resid;               ///< y - Xb
  bool full_rank = true;
};

Wls wls(const std::vector<double>& y, const std::vector<double>& x, const std::vector<double>& w) {
  Wls f;
  double s0 = 0.0, s1 = 0.0, s11 = 0.0, t0 = 0.0, t1 = 0.0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    s0 += w[i];
    s1 += w[i] * x[i];
    s11 += w[i] * x[i] * x[i];
    t0 += w[i] * y[i];
    t1 += w[i] * x[i] * y[i];
  }
  const double det = s0 * s11 - s1 * s1;
  if (!(det > 1e-12 * s0 * s11)) f.full_rank = false;
  f.a00 = s11 / det;
  f.a01 = -s1 / det;
  f.a11 = s0 / det;
  f.b0 = f.a00 * t0 + f.a01 * t1;
  f.b1 = f.a01 * t0 + f.a11 * t1;
  f.resid.resize(y.size());
  for (std::size_t i = 0; i < y.size(); ++i) {
    f.resid[i] = y[i] - f.b0 - f.b1 * x[i];
    f.rss += w[i] * f.resid[i] * f.resid[i];
  }
  return f;
}

/// tr(P) for P = W - W X (X'WX)^-1 X'W.
double trace_p(const Wls& f, const std::vector<double>& x, const std::vector<double>& w) {
  double sw = 0.0, b00 = 0.0, b01 = 0.0, b11 = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double w2 = w[i] * w[i];
    sw += w[i];
    b00 += w2;
    b01 += w2 * x[i];
    b11 += w2 * x[i] * x[i];
  }
  return sw - (f.a00 * b00 + 2.0 * f.a01 * b01 + f.a11 * b11);
}

/// tr(PP) = sum_ij P_ij^2 (P symmetric).
double trace_pp(const Wls& f, const std::vector<double>& x, const std::vector<double>& w) {
  double s = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    for (std::size_t j = 0; j < x.size(); ++j) {
      const double h = f.a00 + f.a01 * (x[i] + x[j]) + f.a11 * x[i] * x[j];
      const double pij = (i == j ? w[i] : 0.0) - w[i] * w[j] * h;
      s += pij * pij;
    }
  }
  return s;
}

std::vector<double> weights_for(const std::vector<double>& v, double tau2) {
  std::vector<double> w(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) w[i] = 1.0 / (v[i] + tau2);
  return w;
}

/// Restricted (reml = true) or full log-likelihood of the meta-regression at tau2 (metafor's ll0check).
double log_likelihood(const std::vector<double>& y, const std::vector<double>& x, const std::vector<double>& v,
                      double tau2, bool reml) {
  const std::vector<double> w = weights_for(v, tau2);
  const Wls f = wls(y, x, w);
  const auto k = static_cast<double>(y.size());
  double logv = 0.0;
  for (const double vi : v) logv += std::log(vi + tau2);
  if (!reml) return -0.5 * k * std::log(2.0 * std::numbers::pi) - 0.5 * logv - 0.5 * f.rss;
  const double logdet = -std::log(f.a00 * f.a11 - f.a01 * f.a01);  // log det(X'WX)
  return -0.5 * (k - 2.0) * std::log(2.0 * std::numbers::pi) - 0.5 * logv - 0.5 * logdet - 0.5 * f.rss;
}

struct RegressionTau2 {
  double tau2 = 0.0;
  int iterations = 0;
  bool converged = true;
};

/// tau2 of the meta-regression y = b0 + b1 x (p = 2) as metafor rma.uni(mods = x, method): DL and HS
/// from the weighted residual sum of squares, HE from the unweighted one, ML/REML/EB by Fisher scoring
/// from max(0, HE) with step halving, threshold and iteration limit of MetaOptions, and for ML/REML
/// metafor's check against tau2 = 0 (ll0check). Truncated at 0.
RegressionTau2 regression_tau2(const std::vector<double>& y_raw, const std::vector<double>& x,
                               const std::vector<double>& v, const MetaOptions& options) {
  RegressionTau2 r;
  const std::size_t k = y_raw.size();
  const auto kd = static_cast<double>(k);
  const double p = 2.0;
  const double ybar = std::accumulate(y_raw.begin(), y_raw.end(), 0.0) / kd;
  std::vector<double> y(k);
  for (std::size_t i = 0; i < k; ++i) y[i] = y_raw[i] - ybar;  // metafor centres y (Ymc)
  const std::vector<double> w0 = weights_for(v, 0.0);
  const Tau2Method m = options.tau2_method;
  double tau2 = 0.0;
  if (m == Tau2Method::DL || m == Tau2Method::HS) {
    const Wls f = wls(y, x, w0);
    if (m == Tau2Method::DL) {
      tau2 = (f.rss - (kd - p)) / trace_p(f, x, w0);
    } else {
      tau2 = (f.rss - kd) / std::accumulate(w0.begin(), w0.end(), 0.0);
    }
  } else {
    // Hedges (unweighted) estimator: (RSS - tr(P V)) / (k - p), P = I - X(X'X)^-1 X'.
    const std::vector<double> ones(k, 1.0);
    const Wls f = wls(y, x, ones);
    double tr_pv = 0.0;
    for (std::size_t i = 0; i < k; ++i) tr_pv += v[i] * (1.0 - (f.a00 + 2.0 * f.a01 * x[i] + f.a11 * x[i] * x[i]));
    tau2 = (f.rss - tr_pv) / (kd - p);
    if (m != Tau2Method::HE) {
      tau2 = std::max(0.0, tau2);
      double change = options.threshold + 1.0;
      while (change > options.threshold) {
        ++r.iterations;
        const double old = tau2;
        const std::vector<double> w = weights_for(v, tau2);
        const Wls g = wls(y, x, w);
        double adj = 0.0;
        if (m == Tau2Method::EB) {
          adj = (g.rss * kd / (kd - p) - kd) / std::accumulate(w.begin(), w.end(), 0.0);
        } else {
          double ypppy = 0.0;  // y'PPy = |Py|^2, Py = W (y - Xb)
          for (std::size_t i = 0; i < k; ++i) ypppy += w[i] * w[i] * g.resid[i] * g.resid[i];
          if (m == Tau2Method::ML) {
            double sw = 0.0, sw2 = 0.0;
            for (const double wi : w) {
              sw += wi;
              sw2 += wi * wi;
            }
            adj = (ypppy - sw) / sw2;
          } else {
            adj = (ypppy - trace_p(g, x, w)) / trace_pp(g, x, w);
          }
        }
        if (std::isnan(adj)) adj = 0.0;
        while (tau2 + adj < 0.0) adj /= 2.0;
        tau2 += adj;
        change = std::fabs(old - tau2);
        if (r.iterations > options.max_iterations) {
          r.converged = false;
          break;
        }
      }
      if (r.converged && (m == Tau2Method::ML || m == Tau2Method::REML)) {
        const bool reml = m == Tau2Method::REML;
        const double ll0 = log_likelihood(y, x, v, 0.0, reml);
        const double ll = log_likelihood(y, x, v, tau2, reml);
        if (ll0 - ll > std::pow(std::numeric_limits<double>::epsilon(), 0.25) && tau2 > options.threshold) tau2 = 0.0;
      }
    }
  }
  r.tau2 = std::max(0.0, tau2);
  return r;
}

// ---- Kendall's tau (R cor.test(method = "kendall")) ----

/// P(T <= q) for T the number of concordant pairs among n observations without ties under
/// independence (the Mahonian distribution of inversions; R's pkendall()).
double kendall_cdf(double q, std::size_t n) {
  const std::size_t max_t = n * (n - 1) / 2;
  if (q < 0.0) return 0.0;
  if (q >= static_cast<double>(max_t)) return 1.0;
  std::vector<double> prob{1.0};
  for (std::size_t m = 2; m <= n; ++m) {
    const std::size_t size = prob.size() + m - 1;
    std::vector<double> prefix(prob.size() + 1, 0.0);
    for (std::size_t i = 0; i < prob.size(); ++i) prefix[i + 1] = prefix[i] + prob[i];
    std::vector<double> next(size, 0.0);
    const auto md = static_cast<double>(m);
    for (std::size_t t = 0; t < size; ++t) {
      const std::size_t hi = std::min(t, prob.size() - 1);
      const std::size_t lo = t >= m - 1 ? t - (m - 1) : 0;
      if (lo > hi) continue;
      next[t] = (prefix[hi + 1] - prefix[lo]) / md;
    }
    prob.swap(next);
  }
  double s = 0.0;
  const auto qi = static_cast<std::size_t>(q);
  for (std::size_t t = 0; t <= qi; ++t) s += prob[t];
  return s;
}

double sign_of(double d) {
  return d > 0.0 ? 1.0 : (d < 0.0 ? -1.0 : 0.0);
}

/// Sizes of the groups of tied values (only groups of size >= 2).
std::vector<double> tie_groups(const std::vector<double>& a) {
  std::map<double, double> count;
  for (const double x : a) count[x] += 1.0;
  std::vector<double> groups;
  for (const auto& [value, c] : count)
    if (c > 1.0) groups.push_back(c);
  return groups;
}

}  // namespace

const char* to_string(RegtestModel m) {
  switch (m) {
    case RegtestModel::rma:
      return "rma";
    case RegtestModel::lm:
      return "lm";
  }
  return "?";
}

const char* to_string(TrimfillEstimator e) {
  switch (e) {
    case TrimfillEstimator::L0:
      return "L0";
    case TrimfillEstimator::R0:
      return "R0";
  }
  return "?";
}

const char* to_string(TrimfillSide s) {
  switch (s) {
    case TrimfillSide::automatic:
      return "automatic";
    case TrimfillSide::left:
      return "left";
    case TrimfillSide::right:
      return "right";
  }
  return "?";
}

RegtestResult egger_test(const MetaInput& input, const RegtestOptions& options) {
  RegtestResult r;
  r.options = options;
  r.k = input.yi.size();
  if (!validate(input, options.fit.meta, r.diagnostics) || !need_studies(r.k, 3, "the regression test", r.diagnostics))
    return r;
  const std::vector<double>& y = input.yi;
  const std::vector<double>& v = input.vi;
  std::vector<double> sei(r.k);
  for (std::size_t i = 0; i < r.k; ++i) sei[i] = std::sqrt(v[i]);
  const double kd = static_cast<double>(r.k);
  const double alpha_half = (1.0 - options.fit.meta.level) / 2.0;

  const bool random = options.model == RegtestModel::rma && !options.fit.common_effect;
  if (random) {
    const Tau2Method m = options.fit.meta.tau2_method;
    if (m == Tau2Method::PM || m == Tau2Method::SJ) {
      r.diagnostics.error("unsupported-tau2-method", {},
                          std::string("the ") + to_string(m) +
                              " estimator of tau2 is not available for the regression test (meta-regression)",
                          "use REML, ML, DL, HE, HS or EB");
      return r;
    }
    const RegressionTau2 t2 = regression_tau2(y, sei, v, options.fit.meta);
    r.tau2 = t2.tau2;
    r.iterations = t2.iterations;
    r.converged = t2.converged;
    if (!t2.converged)
      r.diagnostics.warning("tau2-not-converged", {},
                            std::string("the ") + to_string(m) + " estimator of tau2 did not converge (" +
                                std::to_string(t2.iterations) + " iterations); the last value is used",
                            "raise max_iterations, or try another tau2 estimator (e.g. DL)");
  }
  const Wls f = wls(y, sei, weights_for(v, r.tau2));
  if (!f.full_rank) {
    r.diagnostics.error("collinear-predictor", {},
                        "all studies have (nearly) the same standard error: the "
                        "regression on sei cannot be fitted",
                        "the test needs studies of different sizes");
    return r;
  }
  double scale = 1.0;
  bool t_test = false;
  if (options.model == RegtestModel::lm) {
    scale = f.rss / (kd - 2.0);
    t_test = true;
  } else if (options.fit.meta.hartung_knapp) {
    scale = f.rss <= std::numeric_limits<double>::epsilon() ? 0.0 : f.rss / (kd - 2.0);
    if (options.fit.meta.hartung_knapp_adhoc && scale < 1.0) scale = 1.0;
    t_test = true;
  }
  r.slope = f.b1;
  r.slope_se = std::sqrt(scale * f.a11);
  r.statistic = r.slope / r.slope_se;
  r.limit_estimate = f.b0;
  r.limit_se = std::sqrt(scale * f.a00);
  double c = 0.0;
  if (t_test) {
    r.df = kd - 2.0;
    r.p_value = stats::t_two_sided_p(r.statistic, kd - 2.0);
    c = stats::t_upper_quantile(alpha_half, kd - 2.0);
  } else {
    r.p_value = stats::normal_two_sided_p(r.statistic);
    c = stats::normal_upper_quantile(alpha_half);
  }
  r.limit_ci_lower = r.limit_estimate - c * r.limit_se;
  r.limit_ci_upper = r.limit_estimate + c * r.limit_se;
  return r;
}

RanktestResult rank_correlation_test(const MetaInput& input, const RanktestOptions& options) {
  RanktestResult r;
  r.options = options;
  r.k = input.yi.size();
  if (!validate(input, MetaOptions{}, r.diagnostics) ||
      !need_studies(r.k, 3, "the rank correlation test", r.diagnostics))
    return r;
  const std::size_t n = r.k;
  const auto nd = static_cast<double>(n);
  double sw = 0.0, swy = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    sw += 1.0 / input.vi[i];
    swy += input.yi[i] / input.vi[i];
  }
  const double theta = swy / sw;
  const double vb = 1.0 / sw;
  std::vector<double> ystar(n);
  for (std::size_t i = 0; i < n; ++i) ystar[i] = (input.yi[i] - theta) / std::sqrt(input.vi[i] - vb);
  const std::vector<double>& x = ystar;
  const std::vector<double>& y = input.vi;

  // tau-b = sum sign(dx) sign(dy) / sqrt(sum sign(dx)^2 sum sign(dy)^2), as R cor(method = "kendall").
  double s = 0.0, nx = 0.0, ny = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      const double sx = sign_of(x[i] - x[j]);
      const double sy = sign_of(y[i] - y[j]);
      s += sx * sy;
      nx += sx * sx;
      ny += sy * sy;
    }
  }
  r.tau = s / std::sqrt(nx * ny);
  const std::vector<double> xties = tie_groups(x);
  const std::vector<double> yties = tie_groups(y);
  const bool ties = !xties.empty() || !yties.empty();
  if (options.exact && ties)
    r.diagnostics.note("kendall-ties", {},
                       "tied values: the p-value of the rank correlation test uses the normal "
                       "approximation instead of the exact distribution");
  if (options.exact && !ties) {
    r.exact = true;
    const double q = std::nearbyint((r.tau + 1.0) * nd * (nd - 1.0) / 4.0);
    r.statistic = q;
    const double p = q > nd * (nd - 1.0) / 4.0 ? 1.0 - kendall_cdf(q - 1.0, n) : kendall_cdf(q, n);
    r.p_value = std::min(2.0 * p, 1.0);
    return r;
  }
  r.exact = false;
  const double t0 = nd * (nd - 1.0) / 2.0;
  double t1 = 0.0, t2 = 0.0, vt = 0.0, vu = 0.0, v1x = 0.0, v1y = 0.0, v2x = 0.0, v2y = 0.0;
  for (const double t : xties) {
    t1 += t * (t - 1.0) / 2.0;
    vt += t * (t - 1.0) * (2.0 * t + 5.0);
    v1x += t * (t - 1.0);
    v2x += t * (t - 1.0) * (t - 2.0);
  }
  for (const double t : yties) {
    t2 += t * (t - 1.0) / 2.0;
    vu += t * (t - 1.0) * (2.0 * t + 5.0);
    v1y += t * (t - 1.0);
    v2y += t * (t - 1.0) * (t - 2.0);
  }
  const double stat_s = r.tau * std::sqrt((t0 - t1) * (t0 - t2));
  const double v0 = nd * (nd - 1.0) * (2.0 * nd + 5.0);
  const double var_s =
      (v0 - vt - vu) / 18.0 + v1x * v1y / (2.0 * nd * (nd - 1.0)) + v2x * v2y / (9.0 * nd * (nd - 1.0) * (nd - 2.0));
  r.statistic = stat_s / std::sqrt(var_s);
  r.p_value = stats::normal_two_sided_p(r.statistic);
  return r;
}

TrimfillResult trim_and_fill(const MetaInput& input, const TrimfillOptions& options) {
  TrimfillResult r;
  r.options = options;
  const std::size_t k = input.yi.size();
  if (!validate(input, options.fit.meta, r.diagnostics)) return r;
  if (!need_studies(k, options.side == TrimfillSide::automatic ? 3 : 2, "trim-and-fill", r.diagnostics)) return r;
  MetaOptions meta = options.fit.meta;
  meta.tau2_ci = false;

  // ---- side ----
  if (options.side == TrimfillSide::automatic) {
    RegtestOptions ro;
    ro.model = RegtestModel::rma;
    ro.fit = options.fit;
    ro.fit.meta.hartung_knapp = false;
    const RegtestResult reg = egger_test(input, ro);
    if (!reg.ok()) {
      r.diagnostics.append(reg.diagnostics);
      r.diagnostics.error("trimfill-side", {}, "the side of the missing studies could not be estimated",
                          "give TrimfillOptions::side");
      return r;
    }
    r.side = reg.slope < 0.0 ? TrimfillSide::right : TrimfillSide::left;
  } else {
    r.side = options.side;
  }
  const double flip = r.side == TrimfillSide::right ? -1.0 : 1.0;

  // ---- studies sorted by (flipped) effect ----
  std::vector<std::size_t> idx(k);
  std::iota(idx.begin(), idx.end(), std::size_t{0});
  std::stable_sort(idx.begin(), idx.end(),
                   [&](std::size_t a, std::size_t b) { return flip * input.yi[a] < flip * input.yi[b]; });
  std::vector<double> y(k), v(k);
  for (std::size_t i = 0; i < k; ++i) {
    y[i] = flip * input.yi[idx[i]];
    v[i] = input.vi[idx[i]];
  }
  const auto kd = static_cast<double>(k);

  long k0_prev = -1;
  long k0 = 0;
  double beta = 0.0;
  while (k0 != k0_prev) {
    k0_prev = k0;
    ++r.iterations;
    if (r.iterations > options.max_iterations) {
      r.diagnostics.error("trimfill-not-converged", {},
                          "trim-and-fill did not converge in " + std::to_string(options.max_iterations) + " iterations",
                          "raise max_iterations or use another estimator");
      return r;
    }
    MetaInput trimmed;
    const auto keep = static_cast<std::size_t>(static_cast<long>(k) - k0);
    trimmed.yi.assign(y.begin(), y.begin() + static_cast<std::ptrdiff_t>(keep));
    trimmed.vi.assign(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(keep));
    const MetaResult fit = meta_analysis(trimmed, meta);
    if (!fit.ok()) {
      r.diagnostics.append(fit.diagnostics);
      return r;
    }
    beta = summarize_fit(fit, options.fit.common_effect).pooled.estimate;

    // signed ranks of |y - beta| (ties by position, as R rank(ties.method = "first"))
    std::vector<double> c(k);
    for (std::size_t i = 0; i < k; ++i) c[i] = y[i] - beta;
    std::vector<std::size_t> order(k);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return std::fabs(c[a]) < std::fabs(c[b]); });
    std::vector<double> signed_rank(k);
    for (std::size_t rank = 0; rank < k; ++rank)
      signed_rank[order[rank]] = sign_of(c[order[rank]]) * static_cast<double>(rank + 1);

    double k0_est = 0.0;
    double se = 0.0;
    if (options.estimator == TrimfillEstimator::L0) {
      double sr = 0.0;
      for (const double s : signed_rank)
        if (s > 0.0) sr += s;
      k0_est = (4.0 * sr - kd * (kd + 1.0)) / (2.0 * kd - 1.0);
      const double var_sr =
          (kd * (kd + 1.0) * (2.0 * kd + 1.0) + 10.0 * std::pow(k0_est, 3) + 27.0 * k0_est * k0_est + 17.0 * k0_est -
           18.0 * kd * k0_est * k0_est - 18.0 * kd * k0_est + 6.0 * kd * kd * k0_est) /
          24.0;
      se = 4.0 * std::sqrt(var_sr) / (2.0 * kd - 1.0);
    } else {
      double max_neg = 0.0;
      for (const double s : signed_rank)
        if (s < 0.0) max_neg = std::max(max_neg, -s);
      if (max_neg == 0.0) {
        r.diagnostics.error("trimfill-one-sided", {},
                            "every study lies on one side of the pooled estimate: the R0 estimator is undefined",
                            "use the L0 estimator");
        return r;
      }
      k0_est = kd - max_neg - 1.0;
      se = std::sqrt(2.0 * std::max(0.0, k0_est) + 2.0);
    }
    k0 = std::max(0L, static_cast<long>(std::nearbyint(k0_est)));
    r.se_k0 = std::isnan(se) ? se : std::max(0.0, se);  // NaN kept as metafor (var(S_r) < 0)
    if (k0 >= static_cast<long>(k)) {
      r.diagnostics.error("trimfill-too-many", {}, "trim-and-fill would trim every study", "use another estimator");
      return r;
    }
  }
  r.k0 = static_cast<std::size_t>(k0);
  if (std::isnan(r.se_k0))
    r.diagnostics.warning("trimfill-se-undefined", {},
                          "the standard error of the number of missing studies is undefined (negative variance "
                          "of the rank sum at this k0)");
  if (options.estimator == TrimfillEstimator::R0) r.p_k0 = std::pow(0.5, static_cast<double>(k0) + 1.0);

  MetaInput all = input;
  if (all.study.size() != k) {
    all.study.clear();
    for (std::size_t i = 0; i < k; ++i) all.study.push_back("study " + std::to_string(i + 1));
  }
  for (std::size_t j = k - r.k0; j < k; ++j) {
    // mirror image about the trimmed estimate, back on the original scale: 2 mu - y
    const double filled = flip * (2.0 * beta - y[j]);
    r.filled_yi.push_back(filled);
    r.filled_vi.push_back(v[j]);
    all.study.push_back("Filled " + std::to_string(j - (k - r.k0) + 1));
    all.yi.push_back(filled);
    all.vi.push_back(v[j]);
  }
  const MetaResult adjusted = meta_analysis(all, meta);
  r.adjusted = summarize_fit(adjusted, options.fit.common_effect);
  for (const Diagnostic& d : adjusted.diagnostics.items())
    if (d.severity != Severity::note) r.diagnostics.add(d);
  return r;
}

}  // namespace evident
