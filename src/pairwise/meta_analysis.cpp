// evident: pairwise meta-analysis (see evident/pairwise/meta_analysis.hpp for formulas and sources).
#include "evident/pairwise/meta_analysis.hpp"

#include "evident/core/distributions.hpp"
#include "tau2_internal.hpp"

#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/tools/roots.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <utility>

namespace evident {
namespace {

using detail::decreasing_root;
using detail::mad;
using detail::RootResult;

/// Upper chi-square tail with this file's edge rule: no degrees of freedom gives p = 1.
double chisq_p(double q, double df) {
  return df <= 0.0 ? 1.0 : stats::chisq_upper_tail(q, df);
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Sums over the studies of the random-effects weights w = 1/(v + tau2).
struct WeightedFit {
  double sw = 0.0;   // sum w
  double sw2 = 0.0;  // sum w^2
  double sw3 = 0.0;  // sum w^3
  double mu = 0.0;   // sum w y / sum w
  double rss = 0.0;  // y'Py = sum w (y - mu)^2
  double rpp = 0.0;  // y'PPy = sum w^2 (y - mu)^2
};

WeightedFit weighted_fit(const std::vector<double>& yi, const std::vector<double>& vi, double tau2) {
  WeightedFit f;
  double swy = 0.0;
  for (std::size_t i = 0; i < yi.size(); ++i) {
    const double w = 1.0 / (vi[i] + tau2);
    f.sw += w;
    f.sw2 += w * w;
    f.sw3 += w * w * w;
    swy += w * yi[i];
  }
  f.mu = swy / f.sw;
  for (std::size_t i = 0; i < yi.size(); ++i) {
    const double w = 1.0 / (vi[i] + tau2);
    const double r = yi[i] - f.mu;
    f.rss += w * r * r;
    f.rpp += w * w * r * r;
  }
  return f;
}

std::vector<double> percent_weights(const std::vector<double>& vi, double tau2) {
  std::vector<double> w(vi.size());
  double sw = 0.0;
  for (std::size_t i = 0; i < vi.size(); ++i) {
    w[i] = 1.0 / (vi[i] + tau2);
    sw += w[i];
  }
  for (double& x : w) x = 100.0 * x / sw;
  return w;
}

double closed_form_start(const std::vector<double>& yi, const std::vector<double>& vi) {
  // Hedges' estimator, the starting value metafor uses for ML, REML and EB.
  const auto k = static_cast<double>(yi.size());
  const double ybar = std::accumulate(yi.begin(), yi.end(), 0.0) / k;
  double ss = 0.0;
  for (double y : yi) ss += (y - ybar) * (y - ybar);
  const double sv = std::accumulate(vi.begin(), vi.end(), 0.0);
  return (ss - sv * (k - 1.0) / k) / (k - 1.0);
}

/// Log-likelihood (ML) or restricted log-likelihood (REML) up to a constant (Viechtbauer 2005, eq. 9, 11).
double log_likelihood(const std::vector<double>& yi, const std::vector<double>& vi, double tau2, bool reml) {
  const WeightedFit f = weighted_fit(yi, vi, tau2);
  double slog = 0.0;
  for (double v : vi) slog += std::log(v + tau2);
  double ll = -0.5 * slog - 0.5 * f.rss;
  if (reml) ll -= 0.5 * std::log(f.sw);
  return ll;
}

Tau2Estimate fisher_scoring(const std::vector<double>& yi, const std::vector<double>& vi, Tau2Method method,
                            const MetaOptions& options) {
  const auto k = static_cast<double>(yi.size());
  Tau2Estimate e;
  double tau2 = std::max(0.0, closed_form_start(yi, vi));
  double change = options.threshold + 1.0;
  int iter = 0;
  while (change > options.threshold) {
    ++iter;
    const double old = tau2;
    const WeightedFit f = weighted_fit(yi, vi, tau2);
    double adj = 0.0;
    if (method == Tau2Method::ML) {
      adj = (f.rpp - f.sw) / f.sw2;
    } else if (method == Tau2Method::REML) {
      const double tr_p = f.sw - f.sw2 / f.sw;
      const double tr_pp = f.sw2 - 2.0 * f.sw3 / f.sw + (f.sw2 * f.sw2) / (f.sw * f.sw);
      adj = (f.rpp - tr_p) / tr_pp;
    } else {  // EB
      adj = (f.rss * k / (k - 1.0) - k) / f.sw;
    }
    if (!std::isfinite(adj)) adj = 0.0;
    while (tau2 + adj < 0.0) adj /= 2.0;  // step halving keeps tau2 >= 0
    tau2 += adj;
    change = std::fabs(old - tau2);
    if (iter > options.max_iterations) {
      e.converged = false;
      break;
    }
  }
  e.iterations = iter;
  if (e.converged && method != Tau2Method::EB) {
    // metafor's ll0check: if the (restricted) likelihood at tau2 = 0 is higher, the scoring got stuck.
    const bool reml = method == Tau2Method::REML;
    const double ll0 = log_likelihood(yi, vi, 0.0, reml);
    const double ll = log_likelihood(yi, vi, tau2, reml);
    if (ll0 - ll > std::pow(std::numeric_limits<double>::epsilon(), 0.25) && tau2 > options.threshold) tau2 = 0.0;
  }
  e.tau2 = std::max(0.0, tau2);
  return e;
}

void add_error(MetaResult& r, std::string code, std::string message, std::string hint = {}) {
  r.diagnostics.error(std::move(code), {}, std::move(message), std::move(hint));
}

void add_warning(MetaResult& r, std::string code, std::string message, std::string hint = {}) {
  r.diagnostics.warning(std::move(code), {}, std::move(message), std::move(hint));
}

void fill_nan(MetaResult& r) {
  PooledEstimate nan_est{kNaN, kNaN, kNaN, std::nullopt, kNaN, kNaN, kNaN};
  r.common = nan_est;
  r.random.pooled = nan_est;
  r.heterogeneity = {kNaN, kNaN, kNaN, kNaN, kNaN, kNaN};
  r.random.tau2 = r.random.tau = r.random.I2 = r.random.H2 = r.random.s2 = kNaN;
}

}  // namespace

const char* to_string(Tau2Method m) {
  switch (m) {
    case Tau2Method::DL:
      return "DL";
    case Tau2Method::REML:
      return "REML";
    case Tau2Method::ML:
      return "ML";
    case Tau2Method::PM:
      return "PM";
    case Tau2Method::SJ:
      return "SJ";
    case Tau2Method::HE:
      return "HE";
    case Tau2Method::HS:
      return "HS";
    case Tau2Method::EB:
      return "EB";
  }
  return "?";
}

std::optional<Tau2Method> parse_tau2_method(const std::string& name) {
  for (Tau2Method m : {Tau2Method::DL, Tau2Method::REML, Tau2Method::ML, Tau2Method::PM, Tau2Method::SJ, Tau2Method::HE,
                       Tau2Method::HS, Tau2Method::EB}) {
    if (name == to_string(m)) return m;
  }
  return std::nullopt;
}

const char* to_string(PredictionMethod m) {
  switch (m) {
    case PredictionMethod::metafor:
      return "metafor";
    case PredictionMethod::higgins2009:
      return "higgins2009";
    case PredictionMethod::meta:
      return "meta";
  }
  return "?";
}

MetaInput meta_input_from_se(std::vector<std::string> study, std::vector<double> yi, const std::vector<double>& sei) {
  MetaInput in;
  in.study = std::move(study);
  in.yi = std::move(yi);
  in.vi.reserve(sei.size());
  for (double s : sei) in.vi.push_back(s * s);
  return in;
}

MetaInput meta_input_from_effects(const EffectSet& set, const std::string& treat1, const std::string& treat2) {
  MetaInput in;
  std::string t1 = treat1, t2 = treat2;
  if (t1.empty() && t2.empty() && !set.contrasts.empty()) {
    t1 = set.contrasts.front().treat1;
    t2 = set.contrasts.front().treat2;
  }
  for (const EffectContrast& c : set.contrasts) {
    double sign = 0.0;
    if (c.treat1 == t1 && c.treat2 == t2) sign = 1.0;
    if (c.treat1 == t2 && c.treat2 == t1) sign = -1.0;
    if (sign == 0.0) {
      Diagnostic& d =
          in.diagnostics.note("other-comparison", c.source,
                              "contrast " + c.treat1 + " vs " + c.treat2 + " left out: not " + t1 + " vs " + t2);
      d.study = c.study;
      continue;
    }
    in.study.push_back(c.study);
    in.yi.push_back(sign * c.te);
    in.vi.push_back(c.se * c.se);
  }
  return in;
}

double generalised_q(const std::vector<double>& yi, const std::vector<double>& vi, double tau2) {
  return weighted_fit(yi, vi, tau2).rss;
}

Tau2Estimate estimate_tau2(const std::vector<double>& yi, const std::vector<double>& vi, Tau2Method method,
                           const MetaOptions& options) {
  const auto k = static_cast<double>(yi.size());
  Tau2Estimate e;
  switch (method) {
    case Tau2Method::DL: {
      const WeightedFit f = weighted_fit(yi, vi, 0.0);
      e.tau2 = std::max(0.0, (f.rss - (k - 1.0)) / (f.sw - f.sw2 / f.sw));
      break;
    }
    case Tau2Method::HS: {
      const WeightedFit f = weighted_fit(yi, vi, 0.0);
      e.tau2 = std::max(0.0, (f.rss - k) / f.sw);
      break;
    }
    case Tau2Method::HE:
      e.tau2 = std::max(0.0, closed_form_start(yi, vi));
      break;
    case Tau2Method::SJ: {
      const double ybar = std::accumulate(yi.begin(), yi.end(), 0.0) / k;
      double tau0 = 0.0;
      for (double y : yi) tau0 += (y - ybar) * (y - ybar);
      tau0 /= k;
      const WeightedFit f = weighted_fit(yi, vi, tau0);
      e.tau2 = std::max(0.0, tau0 * f.rss / (k - 1.0));
      break;
    }
    case Tau2Method::PM: {
      // metafor's search interval: [0, max(100, 10 mad(y)^2)].
      const double upper = std::max(100.0, 10.0 * mad(yi) * mad(yi));
      const RootResult r = decreasing_root([&](double t) { return generalised_q(yi, vi, t); }, k - 1.0, upper,
                                           options.root_finder, options.max_iterations);
      e.tau2 = r.root;
      e.iterations = r.evaluations;
      e.converged = r.converged;
      break;
    }
    case Tau2Method::REML:
    case Tau2Method::ML:
    case Tau2Method::EB:
      e = fisher_scoring(yi, vi, method, options);
      break;
  }
  return e;
}

Tau2Interval qprofile_tau2_ci(const std::vector<double>& yi, const std::vector<double>& vi, double s2, double level,
                              double tau2_estimate, RootFinder finder) {
  const double df = static_cast<double>(yi.size()) - 1.0;
  const boost::math::chi_squared_distribution<double> chi(df);
  const double alpha_half = (1.0 - level) / 2.0;
  const double crit_upper = boost::math::quantile(boost::math::complement(chi, alpha_half));
  const double crit_lower = boost::math::quantile(chi, alpha_half);
  const auto q = [&](double t) { return generalised_q(yi, vi, t); };
  // metafor confint(): search interval [0, max(100, 10 tau2)], uniroot(maxiter = 1000).
  const double upper = std::max(100.0, 10.0 * tau2_estimate);
  Tau2Interval ci;
  const RootResult lo = decreasing_root(q, crit_upper, upper, finder, 1000);
  const RootResult hi = decreasing_root(q, crit_lower, upper, finder, 1000);
  ci.tau2_lower = lo.root;
  ci.tau2_upper = hi.root;
  ci.converged = lo.converged && hi.converged;
  ci.tau_lower = std::sqrt(ci.tau2_lower);
  ci.tau_upper = std::sqrt(ci.tau2_upper);
  ci.I2_lower = 100.0 * ci.tau2_lower / (ci.tau2_lower + s2);
  ci.I2_upper = 100.0 * ci.tau2_upper / (ci.tau2_upper + s2);
  ci.H2_lower = 1.0 + ci.tau2_lower / s2;
  ci.H2_upper = 1.0 + ci.tau2_upper / s2;
  return ci;
}

MetaResult meta_analysis(const MetaInput& input, const MetaOptions& options) {
  MetaResult r;
  r.options = options;
  r.study = input.study;
  r.random.method = options.tau2_method;
  r.diagnostics.append(input.diagnostics);
  const std::size_t k = input.yi.size();
  r.k = k;

  // ---- validation: every problem is reported, none is fatal to the caller ----
  if (k == 0) add_error(r, "no-studies", "no studies to pool", "give at least one study with yi and vi");
  if (input.vi.size() != k)
    add_error(r, "size-mismatch",
              "yi has " + std::to_string(k) + " values but vi has " + std::to_string(input.vi.size()));
  if (!input.study.empty() && input.study.size() != k)
    add_error(r, "size-mismatch",
              "yi has " + std::to_string(k) + " values but there are " + std::to_string(input.study.size()) +
                  " study labels");
  if (!(options.level > 0.0 && options.level < 1.0))
    add_error(r, "bad-level",
              "confidence level must lie strictly between 0 and 1, got " + std::to_string(options.level));
  if (r.ok()) {
    for (std::size_t i = 0; i < k; ++i) {
      const std::string who = i < input.study.size() ? input.study[i] : "study " + std::to_string(i + 1);
      if (!std::isfinite(input.yi[i])) {
        Diagnostic& d = r.diagnostics.error("nonfinite-effect", {}, "effect size of " + who + " is not finite");
        d.study = who;
        d.field = "yi";
      }
      if (!(std::isfinite(input.vi[i]) && input.vi[i] > 0.0)) {
        Diagnostic& d = r.diagnostics.error(
            "nonpositive-variance", {},
            "sampling variance of " + who + " must be finite and > 0, got " + std::to_string(input.vi[i]),
            "check the standard error or the arm-level data of this study");
        d.study = who;
        d.field = "vi";
      }
    }
  }
  if (r.study.size() != k) {
    r.study.clear();
    for (std::size_t i = 0; i < k; ++i) r.study.push_back("study " + std::to_string(i + 1));
  }
  if (!r.ok()) {
    fill_nan(r);
    return r;
  }

  const std::vector<double>& yi = input.yi;
  const std::vector<double>& vi = input.vi;
  const double level = options.level;
  const auto kd = static_cast<double>(k);

  // ---- common effect (inverse variance) and Cochran's Q ----
  const WeightedFit fe = weighted_fit(yi, vi, 0.0);
  r.common = wald_estimate(fe.mu, 1.0 / std::sqrt(fe.sw), level);
  r.common_weights = percent_weights(vi, 0.0);
  Heterogeneity& h = r.heterogeneity;
  h.df = kd - 1.0;
  h.Q = k > 1 ? std::max(0.0, fe.rss) : 0.0;
  h.p_value = chisq_p(h.Q, h.df);
  if (k > 1) {
    h.H2 = h.Q / h.df;
    h.I2 = h.Q > 0.0 ? std::max(0.0, 100.0 * (h.Q - h.df) / h.Q) : 0.0;  // metafor: NaN for Q = 0
  }
  h.H = std::sqrt(h.H2);

  RandomEffects& re = r.random;
  if (k == 1) {
    add_warning(r, "single-study",
                "only one study: heterogeneity (tau2, I2, Q) cannot be estimated; random effects equal the "
                "study's own estimate",
                "the pooled result is the single study's result");
    re.pooled = r.common;
    re.weights = r.common_weights;
    re.s2 = vi[0];
    return r;
  }

  // ---- random effects ----
  const Tau2Estimate t2 = estimate_tau2(yi, vi, options.tau2_method, options);
  re.tau2 = t2.tau2;
  re.tau = std::sqrt(re.tau2);
  re.iterations = t2.iterations;
  re.converged = t2.converged;
  if (!t2.converged)
    add_warning(r, "tau2-not-converged",
                std::string("the ") + to_string(options.tau2_method) + " estimator of tau2 did not converge (" +
                    std::to_string(t2.iterations) +
                    (options.tau2_method == Tau2Method::PM ? " function evaluations" : " iterations") +
                    "); the last value is reported",
                options.tau2_method == Tau2Method::PM
                    ? "the root lies beyond metafor's search interval; use MetaOptions::root_finder = exact"
                    : "raise max_iterations, or try another tau2 estimator (e.g. DL or PM)");
  re.s2 = h.df * fe.sw / (fe.sw * fe.sw - fe.sw2);
  re.I2 = 100.0 * re.tau2 / (re.tau2 + re.s2);
  re.H2 = 1.0 + re.tau2 / re.s2;
  re.weights = percent_weights(vi, re.tau2);

  const WeightedFit rf = weighted_fit(yi, vi, re.tau2);
  double var_mu = 1.0 / rf.sw;
  if (options.hartung_knapp) {
    double q = rf.rss <= std::numeric_limits<double>::epsilon() ? 0.0 : rf.rss / h.df;
    if (options.hartung_knapp_adhoc && q < 1.0) q = 1.0;
    re.hk_scale = q;
    var_mu *= q;
    re.pooled = t_estimate(rf.mu, std::sqrt(var_mu), h.df, level);
  } else {
    re.pooled = wald_estimate(rf.mu, std::sqrt(var_mu), level);
  }

  // ---- prediction interval ----
  const double alpha_half = (1.0 - level) / 2.0;
  const double pred_sd = std::sqrt(re.tau2 + var_mu);
  // Degrees of freedom of the t quantile (none: normal) and the studies each method needs.
  std::optional<double> pi_df;
  std::size_t pi_min_k = 1;
  const char* too_few = "";
  const char* too_few_hint = "add studies";
  switch (options.prediction) {
    case PredictionMethod::metafor:
      if (options.hartung_knapp) pi_df = h.df;
      break;
    case PredictionMethod::meta:
      pi_df = kd - 1.0;
      pi_min_k = 2;
      too_few = "the prediction interval (t with k-1 df) needs at least 2 studies";
      break;
    case PredictionMethod::higgins2009:
      pi_df = kd - 2.0;
      pi_min_k = 3;
      too_few = "the prediction interval of Higgins et al. 2009 needs at least 3 studies (t with k-2 df)";
      too_few_hint = "use the metafor prediction interval or add studies";
      break;
  }
  if (k >= pi_min_k) {
    PredictionInterval pi;
    pi.method = options.prediction;
    pi.df = pi_df;
    const double c = pi_df ? stats::t_upper_quantile(alpha_half, *pi_df) : stats::normal_upper_quantile(alpha_half);
    pi.lower = rf.mu - c * pred_sd;
    pi.upper = rf.mu + c * pred_sd;
    re.prediction = pi;
  } else {
    add_warning(r, "no-prediction-interval", too_few, too_few_hint);
  }

  // ---- Q-profile CI of tau2 ----
  if (options.tau2_ci) {
    re.tau2_ci = qprofile_tau2_ci(yi, vi, re.s2, level, re.tau2, options.root_finder);
    if (!re.tau2_ci->converged)
      add_warning(r, "tau2-ci-bound-at-limit",
                  "a Q-profile bound of tau2 was not found within the search interval; the limit of the interval "
                  "is reported",
                  "use MetaOptions::root_finder = exact, which widens the interval");
  }
  return r;
}

PooledEstimate wald_estimate(double estimate, double se, double level) {
  PooledEstimate p;
  p.estimate = estimate;
  p.se = se;
  p.statistic = estimate / se;
  p.p_value = stats::normal_two_sided_p(p.statistic);
  const double z = stats::normal_upper_quantile((1.0 - level) / 2.0);
  p.ci_lower = estimate - z * se;
  p.ci_upper = estimate + z * se;
  return p;
}

PooledEstimate t_estimate(double estimate, double se, double df, double level) {
  PooledEstimate p;
  p.estimate = estimate;
  p.se = se;
  p.df = df;
  if (se > 0.0) {
    p.statistic = estimate / se;
    p.p_value = stats::t_two_sided_p(p.statistic, df);
  } else {
    p.statistic = estimate == 0.0 ? 0.0 : std::copysign(std::numeric_limits<double>::infinity(), estimate);
    p.p_value = estimate == 0.0 ? 1.0 : 0.0;
  }
  const double c = stats::t_upper_quantile((1.0 - level) / 2.0, df);
  p.ci_lower = estimate - c * se;
  p.ci_upper = estimate + c * se;
  return p;
}

}  // namespace evident
