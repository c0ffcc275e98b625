// Small-study effects: Egger's regression test, Begg & Mazumdar's rank correlation test and
// Duval & Tweedie's trim-and-fill, as metafor 3.8-1 regtest(), ranktest() and trimfill().
#include "evident/pairwise/small_study.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <map>
#include <numeric>
#include <string>
#include <utility>
#include <vector>
#include "evident/core/distributions.hpp"
#include "evident/pairwise/meta_regression.hpp"
#include "kendall_internal.hpp"

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

/// The meta-regression of yi on sei (metafor regtest(model = "rma", predictor = "sei")).
MetaRegressionResult regress_on_sei(const MetaInput& input, const MetaOptions& meta, bool common_effect) {
  MetaRegressionInput in;
  in.study = input.study;
  in.yi = input.yi;
  in.vi = input.vi;
  Moderator sei;
  sei.name = "sei";
  for (const double v : input.vi) sei.values.push_back(std::sqrt(v));
  in.moderators.push_back(std::move(sei));
  return meta_regression(in, meta, common_effect);
}

/// Copies the problems of the meta-regression into `out`; a rank-deficient design (every study with the
/// same standard error) becomes "collinear-predictor". Returns false on errors.
bool take_regression_diagnostics(const MetaRegressionResult& fit, Diagnostics& out) {
  for (const Diagnostic& d : fit.diagnostics.items()) {
    if (d.code == "rank-deficient-design") {
      out.error("collinear-predictor", {},
                "all studies have (nearly) the same standard error: the regression on sei cannot be fitted",
                "the test needs studies of different sizes");
    } else if (d.severity != Severity::note) {
      out.add(d);
    }
  }
  return fit.ok();
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

/// A coefficient's test as a PooledEstimate.
PooledEstimate pooled_of(const Coefficient& c) {
  return PooledEstimate{c.estimate, c.se, c.statistic, c.df, c.p_value, c.ci_lower, c.ci_upper};
}

/// The regression test's figures from the tests of the slope of sei and of the intercept (the limit
/// estimate), and the fit's tau2 and convergence.
void set_test(RegtestResult& r, const MetaRegressionResult& fit, const PooledEstimate& slope,
              const PooledEstimate& limit) {
  r.slope = slope.estimate;
  r.slope_se = slope.se;
  r.statistic = slope.statistic;
  r.df = slope.df;
  r.p_value = slope.p_value;
  r.limit_estimate = limit.estimate;
  r.limit_se = limit.se;
  r.limit_ci_lower = limit.ci_lower;
  r.limit_ci_upper = limit.ci_upper;
  r.tau2 = fit.tau2;
  r.iterations = fit.iterations;
  r.converged = fit.converged;
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
  const double kd = static_cast<double>(r.k);

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
  }
  MetaOptions meta = options.fit.meta;
  if (options.model == RegtestModel::lm) meta.hartung_knapp = false;
  const MetaRegressionResult fit = regress_on_sei(input, meta, !random);
  if (!take_regression_diagnostics(fit, r.diagnostics)) return r;
  const Coefficient& b0 = fit.coefficients[0];
  const Coefficient& b1 = fit.coefficients[1];
  if (options.model == RegtestModel::lm) {
    // lm(yi ~ sei, weights = 1/vi): the common-effect var(b) scaled by the residual variance, t with k - 2 df
    double rss = 0.0;
    for (std::size_t i = 0; i < r.k; ++i) rss += fit.residuals[i] * fit.residuals[i] / input.vi[i];
    const double scale = rss / (kd - 2.0);
    const double level = options.fit.meta.level;
    set_test(r, fit, t_estimate(b1.estimate, std::sqrt(scale * fit.vcov[1][1]), kd - 2.0, level),
             t_estimate(b0.estimate, std::sqrt(scale * fit.vcov[0][0]), kd - 2.0, level));
    return r;
  }
  set_test(r, fit, pooled_of(b1), pooled_of(b0));
  return r;
}

RegtestResult thompson_sharp_test(const MetaInput& input, const MetaOptions& options) {
  RegtestResult r;
  r.options.model = RegtestModel::rma;
  r.options.fit.meta = options;
  r.k = input.yi.size();
  if (!validate(input, options, r.diagnostics) || !need_studies(r.k, 3, "the Thompson-Sharp test", r.diagnostics))
    return r;
  MetaOptions meta = options;
  meta.hartung_knapp = false;  // meta's test = "t": t quantiles, var(b) not rescaled
  meta.hartung_knapp_adhoc = false;
  const MetaRegressionResult fit = regress_on_sei(input, meta, false);
  if (!take_regression_diagnostics(fit, r.diagnostics)) return r;
  const double df = static_cast<double>(r.k) - 2.0;
  set_test(r, fit, t_estimate(fit.coefficients[1].estimate, fit.coefficients[1].se, df, options.level),
           t_estimate(fit.coefficients[0].estimate, fit.coefficients[0].se, df, options.level));
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
  const detail::Kendall kt = detail::kendall(detail::begg_deviates(input.yi, input.vi), input.vi);
  r.tau = kt.tau_b;
  if (options.exact && kt.ties)
    r.diagnostics.note("kendall-ties", {},
                       "tied values: the p-value of the rank correlation test uses the normal "
                       "approximation instead of the exact distribution");
  if (options.exact && !kt.ties) {
    r.exact = true;
    const double q = std::nearbyint((r.tau + 1.0) * nd * (nd - 1.0) / 4.0);
    r.statistic = q;
    const double p = q > nd * (nd - 1.0) / 4.0 ? 1.0 - kendall_cdf(q - 1.0, n) : kendall_cdf(q, n);
    r.p_value = std::min(2.0 * p, 1.0);
    return r;
  }
  r.exact = false;
  if (!(kt.var_S > 0.0)) {  // e.g. every study has the same variance: Kendall's tau is undefined
    r.statistic = r.p_value = std::numeric_limits<double>::quiet_NaN();
    r.diagnostics.warning("rank-test-undefined", {},
                          "the rank correlation test is undefined: every study has the same variance (or the same "
                          "standardised effect), so there is nothing to rank",
                          "no test of funnel asymmetry is possible from these studies");
    return r;
  }
  r.statistic = kt.S / std::sqrt(kt.var_S);
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
      signed_rank[order[rank]] = detail::sign_of(c[order[rank]]) * static_cast<double>(rank + 1);

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
