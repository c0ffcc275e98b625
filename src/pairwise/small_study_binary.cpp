// Small-study tests for 2x2 tables (Harbord, Peters) and R meta's conventions for Begg's test and
// trim-and-fill; see include/evident/pairwise/small_study_binary.hpp for the definitions and checks.
#include "evident/pairwise/small_study_binary.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "evident/core/diagnostic_json.hpp"
#include "evident/core/distributions.hpp"
#include "evident/core/json_number.hpp"
#include "evident/pairwise/meta_analysis_json.hpp"
#include "evident/pairwise/meta_regression.hpp"
#include "kendall_internal.hpp"

namespace evident {

namespace {

std::string fmt_number(double x) {
  std::ostringstream ss;
  ss.precision(15);
  ss << x;
  return ss.str();
}

/// Checks every table (all problems, not only the first); true when all are valid.
bool validate_tables(const std::vector<TwoByTwo>& tables, Diagnostics& out) {
  bool ok = true;
  for (const TwoByTwo& t : tables) {
    const auto bad = [&](const char* field, double value, const std::string& what, const std::string& hint) {
      Diagnostic& d =
          out.error("invalid-count", {},
                    std::string(field) + " of study '" + t.study + "' " + what + ", got " + fmt_number(value), hint);
      d.study = t.study;
      d.field = field;
      ok = false;
    };
    const std::pair<const char*, double> counts[] = {
        {"events1", t.events1}, {"n1", t.n1}, {"events2", t.events2}, {"n2", t.n2}};
    bool counts_ok = true;
    for (const auto& [field, value] : counts) {
      if (!std::isfinite(value) || value < 0.0) {
        bad(field, value, "must be a finite count >= 0", "check the 2x2 table");
        counts_ok = false;
      }
    }
    if (!counts_ok) continue;
    if (t.n1 <= 0.0) bad("n1", t.n1, "must be > 0", "a study needs participants in both arms");
    if (t.n2 <= 0.0) bad("n2", t.n2, "must be > 0", "a study needs participants in both arms");
    if (t.events1 > t.n1)
      bad("events1", t.events1, "must not exceed n1 = " + fmt_number(t.n1), "events are counted among the n1");
    if (t.events2 > t.n2)
      bad("events2", t.events2, "must not exceed n2 = " + fmt_number(t.n2), "events are counted among the n2");
  }
  return ok;
}

/// R meta's k.min = 10 (Sterne et al. 2011, BMJ 343:d4002): meta does not test with fewer studies; evident
/// does, with this note.
void few_studies_note(std::size_t k, const char* what, Diagnostics& out) {
  out.note("fewer-than-10-studies", {},
           std::string(what) + " with " + std::to_string(k) +
               " studies: tests for funnel-plot asymmetry have low power with fewer than 10 studies (R meta "
               "does not run them, k.min = 10)",
           "interpret with caution");
}

bool need_studies(std::size_t k, const char* what, Diagnostics& out) {
  if (k >= 10) return true;
  if (k >= 3) {
    few_studies_note(k, what, out);
    return true;
  }
  out.error("too-few-studies", {},
            std::string(what) + " needs at least 3 studies with events and non-events, got " + std::to_string(k),
            "add studies");
  return false;
}

/// No events, or no non-events, in both arms: the table carries no information on the odds ratio.
bool uninformative(const TwoByTwo& t) {
  return t.events1 + t.events2 <= 0.0 || (t.n1 - t.events1) + (t.n2 - t.events2) <= 0.0;
}

void note_left_out(const TwoByTwo& t, const char* what, Diagnostics& out) {
  Diagnostic& d =
      out.warning("study-left-out", {},
                  "study '" + t.study + "' has no events or no non-events in both arms and is left out of " + what,
                  "its odds ratio is undefined");
  d.study = t.study;
}

// ---- weighted least squares with design X = [1, x] ----

struct Wls {
  double b0 = 0.0, b1 = 0.0;
  double a00 = 0.0, a01 = 0.0, a11 = 0.0;  ///< (X'WX)^-1
  double rss = 0.0;                        ///< sum w (y - Xb)^2
  std::vector<double> resid;
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
  if (!(det > 1e-12 * s0 * s11)) {
    f.full_rank = false;
    return f;
  }
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

std::vector<double> inverse(const std::vector<double>& v) {
  std::vector<double> w(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) w[i] = 1.0 / v[i];
  return w;
}

/// Fills the coefficients, the test of `bias` and the CI of `effect` from a fit: bias = b[bias_index].
void fill_from_fit(const Wls& f, bool bias_is_intercept, double scale, bool t_test, double level,
                   BinaryRegtestResult& r) {
  const double kd = static_cast<double>(r.k);
  const double var_b0 = scale * f.a00;
  const double var_b1 = scale * f.a11;
  r.bias = bias_is_intercept ? f.b0 : f.b1;
  r.bias_se = std::sqrt(bias_is_intercept ? var_b0 : var_b1);
  r.effect = bias_is_intercept ? f.b1 : f.b0;
  r.effect_se = std::sqrt(bias_is_intercept ? var_b1 : var_b0);
  r.statistic = r.bias / r.bias_se;
  const double alpha_half = (1.0 - level) / 2.0;
  double c = 0.0;
  if (t_test) {
    r.df = kd - 2.0;
    r.p_value = stats::t_two_sided_p(r.statistic, kd - 2.0);
    c = stats::t_upper_quantile(alpha_half, kd - 2.0);
  } else {
    r.p_value = stats::normal_two_sided_p(r.statistic);
    c = stats::normal_upper_quantile(alpha_half);
  }
  r.effect_ci_lower = r.effect - c * r.effect_se;
  r.effect_ci_upper = r.effect + c * r.effect_se;
}

bool check_fit(const Wls& f, const char* what, BinaryRegtestResult& r) {
  if (!f.full_rank) {
    r.diagnostics.error("collinear-predictor", {},
                        std::string("the predictor of ") + what +
                            " is (nearly) the same in every study: the regression cannot be fitted",
                        "the test needs studies of different sizes");
    return false;
  }
  return true;
}

bool check_residuals(const Wls& f, BinaryRegtestResult& r) {
  if (f.rss > 0.0) return true;
  r.diagnostics.error("zero-residual-variance", {},
                      "the studies lie exactly on the regression line: the residual variance is 0 and the test "
                      "is undefined");
  return false;
}

bool level_ok(double level, Diagnostics& out) {
  if (level > 0.0 && level < 1.0) return true;
  out.error("invalid-level", {}, "the confidence level must lie strictly between 0 and 1, got " + fmt_number(level));
  return false;
}

}  // namespace

const char* to_string(PetersVariant v) {
  switch (v) {
    case PetersVariant::meta:
      return "meta";
    case PetersVariant::metafor:
      return "metafor";
  }
  return "?";
}

TwoByTwoSet two_by_two_from_effects(const EffectSet& set, const std::string& treat1, const std::string& treat2) {
  TwoByTwoSet out;
  std::string t1 = treat1, t2 = treat2;
  if (t1.empty() && t2.empty() && !set.contrasts.empty()) {
    t1 = set.contrasts.front().treat1;
    t2 = set.contrasts.front().treat2;
  }
  for (const EffectContrast& c : set.contrasts) {
    const bool same = c.treat1 == t1 && c.treat2 == t2;
    const bool reversed = c.treat1 == t2 && c.treat2 == t1;
    if (!same && !reversed) {
      Diagnostic& d = out.diagnostics.note("other-comparison", c.source,
                                           "contrast " + c.treat1 + " vs " + c.treat2 + " of study '" + c.study +
                                               "' is not the comparison " + t1 + " vs " + t2 + " and is left out");
      d.study = c.study;
      continue;
    }
    if (!c.events1 || !c.n1 || !c.events2 || !c.n2) {
      Diagnostic& d = out.diagnostics.error("missing-counts", c.source,
                                            "study '" + c.study + "' has no 2x2 counts (events and n of both arms)",
                                            "Harbord's and Peters' tests need binary outcome data");
      d.study = c.study;
      continue;
    }
    if (same) {
      out.tables.push_back({c.study, *c.events1, *c.n1, *c.events2, *c.n2});
    } else {
      out.tables.push_back({c.study, *c.events2, *c.n2, *c.events1, *c.n1});
    }
  }
  return out;
}

BinaryRegtestResult harbord_test(const std::vector<TwoByTwo>& tables, const HarbordOptions& options) {
  BinaryRegtestResult r;
  r.method = "Harbord";
  if (!validate_tables(tables, r.diagnostics) || !level_ok(options.level, r.diagnostics)) return r;
  std::vector<double> y, x;
  for (const TwoByTwo& t : tables) {
    if (uninformative(t)) {
      note_left_out(t, "Harbord's test", r.diagnostics);
      continue;
    }
    const double a = t.events1, c = t.events2;
    const double b = t.n1 - a, d = t.n2 - c;
    const double n = t.n1 + t.n2;
    const double z = a - (a + c) * t.n1 / n;
    const double v = t.n1 * t.n2 * (a + c) * (b + d) / (n * n * (n - 1.0));
    const double sv = std::sqrt(v);
    y.push_back(z / sv);
    x.push_back(sv);
    r.studies.push_back(t.study);
  }
  r.k = y.size();
  if (!need_studies(r.k, "Harbord's test", r.diagnostics)) return r;
  const Wls f = wls(y, x, std::vector<double>(r.k, 1.0));
  if (!check_fit(f, "Harbord's test (sqrt of the score variance)", r) || !check_residuals(f, r)) return r;
  const double scale = f.rss / (static_cast<double>(r.k) - 2.0);
  r.residual_sd = std::sqrt(scale);
  fill_from_fit(f, true, scale, true, options.level, r);
  return r;
}

BinaryRegtestResult peters_test(const std::vector<TwoByTwo>& tables, const PetersOptions& options) {
  BinaryRegtestResult r;
  const bool meta = options.variant == PetersVariant::meta;
  r.method = meta ? "Peters (meta)" : "Peters (metafor, predictor ninv)";
  if (!validate_tables(tables, r.diagnostics) || !level_ok(options.level, r.diagnostics)) return r;
  if (!(std::isfinite(options.increment) && options.increment >= 0.0)) {
    r.diagnostics.error("invalid-increment", {},
                        "the continuity correction must be a finite number >= 0, got " + fmt_number(options.increment));
    return r;
  }
  std::vector<const TwoByTwo*> used;
  for (const TwoByTwo& t : tables) {
    if (meta && uninformative(t)) {
      note_left_out(t, "Peters' test", r.diagnostics);
      continue;
    }
    used.push_back(&t);
  }
  const auto has_zero = [](const TwoByTwo& t) {
    return t.events1 <= 0.0 || t.events2 <= 0.0 || t.events1 >= t.n1 || t.events2 >= t.n2;
  };
  const bool any_zero = std::any_of(used.begin(), used.end(), [&](const TwoByTwo* t) { return has_zero(*t); });
  std::vector<double> y, x, v, w;
  bool cells_ok = true;
  for (const TwoByTwo* t : used) {
    bool correct = false;
    switch (options.where) {
      case ContinuityWhere::only_zero:
        correct = has_zero(*t);
        break;
      case ContinuityWhere::all:
        correct = true;
        break;
      case ContinuityWhere::if_any_zero:
        correct = any_zero;
        break;
      case ContinuityWhere::none:
        correct = false;
        break;
    }
    const double inc = correct ? options.increment : 0.0;
    const double a = t->events1 + inc, c = t->events2 + inc;
    const double b = t->n1 - t->events1 + inc, d = t->n2 - t->events2 + inc;
    if (a <= 0.0 || b <= 0.0 || c <= 0.0 || d <= 0.0) {
      Diagnostic& dg = r.diagnostics.error("zero-cell", {},
                                           "study '" + t->study +
                                               "' has a zero cell and no continuity correction: its log odds ratio "
                                               "is undefined",
                                           "use a continuity correction (increment > 0, where = only0)");
      dg.study = t->study;
      cells_ok = false;
      continue;
    }
    y.push_back(std::log(a * d / (b * c)));
    x.push_back(1.0 / (t->n1 + t->n2));
    v.push_back(1.0 / a + 1.0 / b + 1.0 / c + 1.0 / d);
    // Peters' weight: inverse variance of the average event rate, from the raw counts
    const double events = t->events1 + t->events2;
    const double non_events = t->n1 - t->events1 + t->n2 - t->events2;
    w.push_back(1.0 / (1.0 / events + 1.0 / non_events));
    r.studies.push_back(t->study);
  }
  if (!cells_ok) return r;
  r.k = y.size();
  if (!need_studies(r.k, "Peters' test", r.diagnostics)) return r;
  const double kd = static_cast<double>(r.k);

  if (meta || options.model == RegtestModel::lm) {
    const Wls f = wls(y, x, meta ? w : inverse(v));
    if (!check_fit(f, "Peters' test (1/N)", r) || !check_residuals(f, r)) return r;
    const double scale = f.rss / (kd - 2.0);
    r.residual_sd = std::sqrt(scale);
    fill_from_fit(f, false, scale, true, options.level, r);
    return r;
  }
  // metafor regtest(model = "rma", predictor = "ninv"): rma.uni(yi, vi, mods = 1/N) with the fit's method
  MetaRegressionInput mi;
  mi.study = r.studies;
  mi.yi = y;
  mi.vi = v;
  mi.moderators.push_back({"ninv", false, x, {}, std::nullopt});
  MetaOptions mo = options.fit.meta;
  mo.level = options.level;
  const MetaRegressionResult fit = meta_regression(mi, mo, options.fit.common_effect);
  for (const Diagnostic& d : fit.diagnostics.items())
    if (d.severity != Severity::note) r.diagnostics.add(d);
  if (!fit.ok()) return r;
  const Coefficient& b0 = fit.coefficients.at(0);
  const Coefficient& b1 = fit.coefficients.at(1);
  r.bias = b1.estimate;
  r.bias_se = b1.se;
  r.statistic = b1.statistic;
  r.df = b1.df;
  r.p_value = b1.p_value;
  r.effect = b0.estimate;
  r.effect_se = b0.se;
  r.effect_ci_lower = b0.ci_lower;
  r.effect_ci_upper = b0.ci_upper;
  r.tau2 = fit.tau2;
  r.residual_sd = std::sqrt(fit.tau2);
  r.iterations = fit.iterations;
  r.converged = fit.converged;
  return r;
}

BeggMetaResult begg_test_meta(const MetaInput& input, const BeggMetaOptions& options) {
  BeggMetaResult r;
  r.options = options;
  r.k = input.yi.size();
  {
    MetaOptions o;
    o.tau2_ci = false;
    o.tau2_method = Tau2Method::DL;
    const MetaResult full = meta_analysis(input, o);
    for (const Diagnostic& d : full.diagnostics.items())
      if (d.severity == Severity::error) r.diagnostics.add(d);
    if (!full.ok()) return r;
  }
  if (r.k < 3) {
    r.diagnostics.error("too-few-studies", {},
                        "the rank correlation test needs at least 3 studies, got " + std::to_string(r.k),
                        "add studies");
    return r;
  }
  if (std::all_of(input.vi.begin(), input.vi.end(), [&](double x) { return x == input.vi.front(); })) {
    r.diagnostics.error("same-precision", {},
                        "all studies have the same standard error: the rank correlation test is not feasible",
                        "the test needs studies of different precision");
    return r;
  }
  if (r.k < 10) few_studies_note(r.k, "the rank correlation test", r.diagnostics);
  const std::size_t n = r.k;
  const std::vector<double> xs = detail::begg_deviates(input.yi, input.vi);
  const std::vector<double>& ys = input.vi;
  const detail::Kendall kt = detail::kendall(xs, ys);
  const double s = kt.S;
  r.tau_b = kt.tau_b;
  r.se_ks = std::sqrt(kt.var_S);
  r.ks = options.continuity_correction ? s - detail::sign_of(s) : s;
  r.statistic = r.ks / r.se_ks;
  r.p_value = stats::normal_two_sided_p(r.statistic);
  if (options.continuity_correction) {
    std::map<double, int> distinct_x, distinct_y;
    for (std::size_t i = 0; i < n; ++i) {
      distinct_x[xs[i]] = 1;
      distinct_y[ys[i]] = 1;
    }
    if (distinct_x.size() == 2 || distinct_y.size() == 2)
      r.diagnostics.warning("continuity-correction-inappropriate", {},
                            "a variable takes only two distinct values: the continuity-corrected statistic may be "
                            "inappropriate (Kendall & Gibbons 1990, p. 67)");
  }
  return r;
}

MetaTrimfillResult trim_and_fill_meta(const MetaInput& input, const MetaTrimfillOptions& options) {
  MetaTrimfillResult r;
  RegtestOptions eo;
  eo.model = RegtestModel::lm;
  const RegtestResult egger = egger_test(input, eo);
  if (!egger.ok()) {
    r.diagnostics.append(egger.diagnostics);
    return r;
  }
  r.side = egger.slope > 0.0 ? TrimfillSide::left : TrimfillSide::right;
  TrimfillOptions to;
  to.estimator = options.estimator;
  to.side = r.side;
  to.fit.common_effect = true;
  to.fit.meta = options.model;
  to.fit.meta.tau2_ci = false;
  const TrimfillResult tf = trim_and_fill(input, to);
  r.diagnostics.append(tf.diagnostics);
  if (!tf.ok()) return r;
  r.k0 = tf.k0;
  r.filled_yi = tf.filled_yi;
  r.filled_vi = tf.filled_vi;
  MetaInput all = input;
  if (all.study.size() != all.yi.size()) {
    all.study.clear();
    for (std::size_t i = 0; i < input.yi.size(); ++i) all.study.push_back("study " + std::to_string(i + 1));
  }
  for (std::size_t j = 0; j < r.k0; ++j) {
    all.study.push_back("Filled " + std::to_string(j + 1));
    all.yi.push_back(r.filled_yi[j]);
    all.vi.push_back(r.filled_vi[j]);
  }
  r.adjusted = meta_analysis(all, options.model);
  for (const Diagnostic& d : r.adjusted.diagnostics.items())
    if (d.severity == Severity::error) r.diagnostics.add(d);
  return r;
}

nlohmann::json to_json(const BinaryRegtestResult& r) {
  nlohmann::json j;
  j["method"] = r.method;
  j["k"] = r.k;
  j["studies"] = r.studies;
  j["bias"] = json_number(r.bias);
  j["bias_se"] = json_number(r.bias_se);
  j["statistic"] = json_number(r.statistic);
  j["df"] = r.df ? json_number(*r.df) : nlohmann::json(nullptr);
  j["p_value"] = json_number(r.p_value);
  j["effect"] = json_number(r.effect);
  j["effect_se"] = json_number(r.effect_se);
  j["effect_ci_lower"] = json_number(r.effect_ci_lower);
  j["effect_ci_upper"] = json_number(r.effect_ci_upper);
  j["residual_sd"] = json_number(r.residual_sd);
  j["tau2"] = json_number(r.tau2);
  j["iterations"] = r.iterations;
  j["converged"] = r.converged;
  j["diagnostics"] = to_json(r.diagnostics);
  return j;
}

nlohmann::json to_json(const BeggMetaResult& r) {
  nlohmann::json j;
  j["k"] = r.k;
  j["ks"] = json_number(r.ks);
  j["se_ks"] = json_number(r.se_ks);
  j["statistic"] = json_number(r.statistic);
  j["p_value"] = json_number(r.p_value);
  j["tau_b"] = json_number(r.tau_b);
  j["continuity_correction"] = r.options.continuity_correction;
  j["diagnostics"] = to_json(r.diagnostics);
  return j;
}

nlohmann::json to_json(const MetaTrimfillResult& r) {
  nlohmann::json j;
  j["side"] = to_string(r.side);
  j["k0"] = r.k0;
  nlohmann::json fy = nlohmann::json::array(), fv = nlohmann::json::array();
  for (const double y : r.filled_yi) fy.push_back(json_number(y));
  for (const double v : r.filled_vi) fv.push_back(json_number(v));
  j["filled_yi"] = fy;
  j["filled_vi"] = fv;
  j["adjusted"] = r.ok() ? to_json(r.adjusted) : nlohmann::json(nullptr);
  j["diagnostics"] = to_json(r.diagnostics);
  return j;
}

}  // namespace evident
