// evident: subgroup analysis, interaction test, test-based CI of H and I2 (see subgroup.hpp).
#include "evident/pairwise/subgroup.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>
#include "evident/core/distributions.hpp"
#include "evident/pairwise/meta_regression.hpp"

namespace evident {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double chi2_upper(double q, double df) {
  if (!(df > 0.0) || !std::isfinite(q)) return kNaN;
  return stats::chisq_upper_tail(q, df);
}

bool valid_level(double level) {
  return std::isfinite(level) && level > 0.0 && level < 1.0;
}

SubgroupTest make_test(double q, double df) {
  return {q, df, chi2_upper(q, df)};
}

/// Sums of one subgroup at a given tau2: W = sum w, S2 = sum w^2, S3 = sum w^3, mu = sum w y / W,
/// RSS = sum w (y - mu)^2, RPP = sum w^2 (y - mu)^2 (= y'PPy of the subgroup block), sum log(v + tau2).
/// One subgroup at a given tau2: sum of weights W, weighted mean mu and sum w (y - mu)^2.
struct GroupSums {
  double W = 0.0, mu = 0.0, rss = 0.0;
};

GroupSums group_sums(const MetaInput& in, const std::vector<std::size_t>& rows, double tau2) {
  GroupSums s;
  double swy = 0.0;
  for (std::size_t i : rows) {
    const double w = 1.0 / (in.vi[i] + tau2);
    s.W += w;
    swy += w * in.yi[i];
  }
  s.mu = swy / s.W;
  for (std::size_t i : rows) {
    const double w = 1.0 / (in.vi[i] + tau2);
    const double r = in.yi[i] - s.mu;
    s.rss += w * r * r;
  }
  return s;
}

/// The random-effects model with one tau2 for all subgroups: the meta-regression on the subgroup factor
/// (meta_regression.hpp; metafor rma(yi, vi, mods = ~ factor(group))). Its QM tests that all subgroup
/// means are equal; QE is the residual heterogeneity.
std::optional<CommonTau2Model> fit_common_tau2(const MetaInput& in, const std::vector<Subgroup>& groups,
                                               const MetaOptions& options, Diagnostics& diags) {
  const Tau2Method method = options.tau2_method;
  if (method != Tau2Method::DL && method != Tau2Method::REML && method != Tau2Method::ML && method != Tau2Method::HE) {
    diags.warning("subgroup-common-tau2-method", {},
                  std::string("a tau2 common to all subgroups is not available with the ") + to_string(method) +
                      " estimator; the common-tau2 model is left out",
                  "use DL, REML, ML or HE");
    return std::nullopt;
  }
  if (in.yi.size() <= groups.size()) {
    diags.warning("subgroup-common-tau2-df", {},
                  "every subgroup has a single study, so a common tau2 cannot be estimated; the common-tau2 "
                  "model is left out");
    return std::nullopt;
  }
  MetaRegressionInput mi;
  mi.study = in.study;
  mi.yi = in.yi;
  mi.vi = in.vi;
  Moderator factor;
  factor.name = "subgroup";
  factor.categorical = true;
  factor.levels.resize(in.yi.size());
  for (const Subgroup& g : groups)
    for (std::size_t i : g.rows) factor.levels[i] = g.name;
  mi.moderators.push_back(std::move(factor));
  MetaOptions mo = options;
  mo.hartung_knapp = false;  // the test for subgroup differences is a chi-square test
  mo.hartung_knapp_adhoc = false;
  const MetaRegressionResult fit = meta_regression(mi, mo);
  if (!fit.ok()) {
    for (const Diagnostic& d : fit.diagnostics.items())
      if (d.severity == Severity::error)
        diags.warning(d.code, d.location, d.message + "; the common-tau2 model is left out", d.hint);
    return std::nullopt;
  }
  CommonTau2Model model;
  model.method = method;
  model.tau2 = fit.tau2;
  model.iterations = fit.iterations;
  model.converged = fit.converged;
  if (!fit.converged)
    diags.warning("subgroup-common-tau2-no-convergence", {},
                  "Fisher scoring for the common tau2 did not converge in " + std::to_string(options.max_iterations) +
                      " iterations",
                  "raise max_iterations, or use the DL estimator");
  model.test = make_test(fit.QM, fit.QM_df);
  model.QE = fit.QE;
  model.QE_df = fit.QE_df;
  model.QE_p_value = fit.QE_p;
  return model;
}

}  // namespace

InteractionTest interaction_test(double est1, double lo1, double hi1, double est2, double lo2, double hi2, double level,
                                 bool ratio) {
  InteractionTest r;
  r.ratio = ratio;
  r.level = level;
  const double values[] = {est1, lo1, hi1, est2, lo2, hi2};
  bool bad = false;
  for (double v : values) {
    if (!std::isfinite(v)) {
      r.diagnostics.error("interaction-nonfinite", {}, "estimates and confidence limits must be finite numbers");
      bad = true;
      break;
    }
  }
  if (!bad && ratio) {
    for (double v : values) {
      if (v <= 0.0) {
        r.diagnostics.error("interaction-nonpositive-ratio", {},
                            "ratio estimates and their confidence limits must be > 0",
                            "give ratio = false for estimates on a difference or log scale");
        bad = true;
        break;
      }
    }
  }
  if (!bad && (lo1 >= hi1 || lo2 >= hi2)) {
    r.diagnostics.error("interaction-ci-order", {}, "each lower confidence limit must be below its upper limit");
    bad = true;
  }
  if (!valid_level(level)) {
    r.diagnostics.error("interaction-level", {},
                        "level must be strictly between 0 and 1, got " + std::to_string(level));
    bad = true;
  }
  if (!bad && (est1 < lo1 || est1 > hi1 || est2 < lo2 || est2 > hi2)) {
    r.diagnostics.warning("interaction-estimate-outside-ci", {}, "an estimate lies outside its confidence interval",
                          "check the numbers; the standard errors come from the interval widths alone");
  }
  if (bad) {
    r.se1 = r.se2 = r.difference = r.se = r.statistic = r.p_value = r.ci_lower = r.ci_upper = kNaN;
    r.ratio_estimate = r.ratio_ci_lower = r.ratio_ci_upper = kNaN;
    return r;
  }
  const auto tr = [ratio](double x) { return ratio ? std::log(x) : x; };
  const double z = stats::normal_upper_quantile((1.0 - level) / 2.0);
  r.se1 = (tr(hi1) - tr(lo1)) / (2.0 * z);
  r.se2 = (tr(hi2) - tr(lo2)) / (2.0 * z);
  r.difference = tr(est1) - tr(est2);
  r.se = std::sqrt(r.se1 * r.se1 + r.se2 * r.se2);
  r.statistic = r.difference / r.se;
  r.p_value = stats::normal_two_sided_p(r.statistic);
  r.ci_lower = r.difference - z * r.se;
  r.ci_upper = r.difference + z * r.se;
  if (ratio) {
    r.ratio_estimate = std::exp(r.difference);
    r.ratio_ci_lower = std::exp(r.ci_lower);
    r.ratio_ci_upper = std::exp(r.ci_upper);
  } else {
    r.ratio_estimate = r.difference;
    r.ratio_ci_lower = r.ci_lower;
    r.ratio_ci_upper = r.ci_upper;
  }
  return r;
}

HeterogeneityCI i2_test_based_ci(double Q, double k, double level) {
  HeterogeneityCI r;
  r.se_log_H = r.H = r.H_lower = r.H_upper = r.I2 = r.I2_lower = r.I2_upper = kNaN;
  if (!std::isfinite(Q) || Q < 0.0 || !std::isfinite(k) || k < 2.0 || !valid_level(level)) return r;
  double se = kNaN;
  if (Q > k)
    se = 0.5 * (std::log(Q) - std::log(k - 1.0)) / (std::sqrt(2.0 * Q) - std::sqrt(2.0 * k - 3.0));
  else if (k > 2.0)
    se = std::sqrt(1.0 / (2.0 * (k - 2.0)) * (1.0 - 1.0 / (3.0 * (k - 2.0) * (k - 2.0))));
  // H and I2 themselves are defined whenever Q is; the CI needs the SE (meta: NA bounds otherwise).
  const auto i2 = [](double h) { return 100.0 * (h * h - 1.0) / (h * h); };
  const double logH = std::log(std::max(std::sqrt(Q / (k - 1.0)), 1.0));
  r.H = std::exp(logH);
  r.I2 = i2(r.H);
  if (!std::isfinite(se)) return r;
  r.defined = true;
  r.se_log_H = se;
  const double z = stats::normal_upper_quantile((1.0 - level) / 2.0);
  r.H_lower = std::max(std::exp(logH - z * se), 1.0);
  r.H_upper = std::max(std::exp(logH + z * se), 1.0);
  r.I2_lower = i2(r.H_lower);
  r.I2_upper = i2(r.H_upper);
  return r;
}

SubgroupResult subgroup_analysis(const MetaInput& input, const std::vector<std::string>& group,
                                 const SubgroupOptions& options) {
  SubgroupResult r;
  r.options = options;
  r.k = input.yi.size();
  const SubgroupTest nan_test{kNaN, kNaN, kNaN};
  r.common = r.random_separate_tau2 = nan_test;
  r.Q_within = kNaN;
  if (group.size() != input.yi.size()) {
    r.diagnostics.error("subgroup-size-mismatch", {},
                        "the subgroup labels (" + std::to_string(group.size()) + ") and the effect sizes (" +
                            std::to_string(input.yi.size()) + ") differ in number");
    return r;
  }
  r.overall = meta_analysis(input, options.meta);
  if (!r.overall.ok()) {
    r.diagnostics.append(r.overall.diagnostics);
    return r;
  }

  std::map<std::string, std::vector<std::size_t>> rows;
  for (std::size_t i = 0; i < group.size(); ++i) rows[group[i]].push_back(i);
  for (auto& [name, idx] : rows) {
    Subgroup g;
    g.name = name;
    g.rows = idx;
    MetaInput sub;
    for (std::size_t i : idx) {
      sub.study.push_back(i < input.study.size() ? input.study[i] : std::to_string(i + 1));
      sub.yi.push_back(input.yi[i]);
      sub.vi.push_back(input.vi[i]);
    }
    g.result = meta_analysis(sub, options.meta);
    for (Diagnostic d : g.result.diagnostics.items()) {
      d.message = "subgroup '" + name + "': " + d.message;
      r.diagnostics.add(std::move(d));
    }
    r.subgroups.push_back(std::move(g));
  }
  if (!r.ok()) return r;

  const auto G = static_cast<double>(r.subgroups.size());
  if (r.subgroups.size() < 2)
    r.diagnostics.warning("subgroup-single", {},
                          "all studies are in one subgroup; there are no subgroup differences to test");
  if (options.meta.hartung_knapp)
    r.diagnostics.note("subgroup-test-hartung-knapp", {},
                       "the tests for subgroup differences are chi-square tests; with Hartung-Knapp the "
                       "separate-tau2 test uses each subgroup's Hartung-Knapp standard error");

  // Common effect: Q between = Q total - sum Q within.
  r.Q_within = 0.0;
  for (const Subgroup& g : r.subgroups) r.Q_within += group_sums(input, g.rows, 0.0).rss;
  r.common = make_test(std::max(0.0, r.overall.heterogeneity.Q - r.Q_within), G - 1.0);

  // Random effects, separate tau2: Q of the subgroup estimates around their weighted mean.
  double sw = 0.0, swy = 0.0;
  for (const Subgroup& g : r.subgroups) {
    const double w = 1.0 / (g.result.random.pooled.se * g.result.random.pooled.se);
    sw += w;
    swy += w * g.result.random.pooled.estimate;
  }
  const double mu = swy / sw;
  double qb = 0.0;
  for (const Subgroup& g : r.subgroups) {
    const double d = g.result.random.pooled.estimate - mu;
    qb += d * d / (g.result.random.pooled.se * g.result.random.pooled.se);
  }
  r.random_separate_tau2 = make_test(qb, G - 1.0);

  if (options.common_tau2) {
    r.common_tau2 = fit_common_tau2(input, r.subgroups, options.meta, r.diagnostics);
    if (r.common_tau2) {
      for (Subgroup& g : r.subgroups) {
        const GroupSums s = group_sums(input, g.rows, r.common_tau2->tau2);
        g.common_tau2_estimate = wald_estimate(s.mu, 1.0 / std::sqrt(s.W), options.meta.level);
      }
    }
  }
  return r;
}

}  // namespace evident
