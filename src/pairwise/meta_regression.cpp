// evident: meta-regression as metafor 3.8-1 rma.uni(mods = ...) (formulas and sources in
// evident/pairwise/meta_regression.hpp).
#include "evident/pairwise/meta_regression.hpp"
#include "evident/core/json_number.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <boost/math/distributions/fisher_f.hpp>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <numbers>
#include <numeric>
#include <set>
#include <string>
#include <utility>

#include "evident/core/diagnostic_json.hpp"
#include "evident/core/distributions.hpp"
#include "tau2_internal.hpp"

namespace evident {
namespace {

using Mat = Eigen::MatrixXd;
using Vec = Eigen::VectorXd;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double chisq_p(double q, double df) {
  return df <= 0.0 ? kNaN : stats::chisq_upper_tail(q, df);
}

double f_upper_p(double f, double df1, double df2) {
  if (!(df1 > 0.0 && df2 > 0.0) || std::isnan(f)) return kNaN;
  if (f <= 0.0) return 1.0;
  if (std::isinf(f)) return 0.0;
  const boost::math::fisher_f_distribution<double> dist(df1, df2);
  return boost::math::cdf(boost::math::complement(dist, f));
}

// ---- weighted least squares pieces for a design X and weights w ----

/// For weights w: A = (X'WX)^-1 (from the QR decomposition of W^1/2 X, as metafor's .invcalc()),
/// b = A X'W y, the residuals r = y - Xb, rss = r'Wr = y'Py and h_i = x_i' A x_i.
struct Wls {
  Vec w;
  Mat A;
  Vec b;
  Vec r;
  double rss = 0.0;
  Vec h;
};

Wls wls(const Mat& X, const Vec& y, const Vec& w) {
  Wls f;
  f.w = w;
  const Vec sw = w.array().sqrt();
  const Mat sx = sw.asDiagonal() * X;
  const Eigen::HouseholderQR<Mat> qr(sx);
  const auto p = X.cols();
  const Mat R = qr.matrixQR().topLeftCorner(p, p).triangularView<Eigen::Upper>();
  const Mat Rinv = R.triangularView<Eigen::Upper>().solve(Mat::Identity(p, p));
  f.A = Rinv * Rinv.transpose();
  f.b = qr.solve(Vec(sw.cwiseProduct(y)));
  f.r = y - X * f.b;
  f.rss = (f.r.array().square() * w.array()).sum();
  f.h = (X * f.A).cwiseProduct(X).rowwise().sum();
  return f;
}

/// X' diag(a) X.
Mat cross(const Mat& X, const Vec& a) {
  return X.transpose() * a.asDiagonal() * X;
}

/// tr(P diag(a)) with P = W - W X A X' W.
double trace_pa(const Wls& f, const Vec& a) {
  return (f.w.array() * a.array() - f.w.array().square() * f.h.array() * a.array()).sum();
}

/// sum_ij P_ij^2 a_i b_j for P = W - W X A X' W (P_ij = w_i delta_ij - w_i w_j x_i'Ax_j).
double sum_p2(const Mat& X, const Wls& f, const Vec& a, const Vec& b) {
  const Vec w2 = f.w.array().square();
  const double diag = ((w2.array() - 2.0 * f.w.array().cube() * f.h.array()) * a.array() * b.array()).sum();
  const Mat Ca = f.A * cross(X, Vec(w2.cwiseProduct(a)));
  const Mat Cb = f.A * cross(X, Vec(w2.cwiseProduct(b)));
  return diag + (Ca * Cb).trace();
}

Vec inverse_weights(const Vec& v, double tau2) {
  return (v.array() + tau2).inverse();
}

/// log det(X'WX) from A = (X'WX)^-1.
double logdet_xwx(const Wls& f) {
  const Eigen::LDLT<Mat> ldlt(f.A);
  return -ldlt.vectorD().array().log().sum();
}

/// (Restricted) log-likelihood of the centred data at tau2, as metafor's ll0check.
double log_likelihood(const Mat& X, const Vec& ymc, const Vec& v, double tau2, bool reml) {
  const Wls f = wls(X, ymc, inverse_weights(v, tau2));
  const auto k = static_cast<double>(X.rows());
  const auto p = static_cast<double>(X.cols());
  const double slog = (v.array() + tau2).log().sum();
  if (!reml) return -0.5 * k * std::log(2.0 * std::numbers::pi) - 0.5 * slog - 0.5 * f.rss;
  return -0.5 * (k - p) * std::log(2.0 * std::numbers::pi) - 0.5 * slog - 0.5 * logdet_xwx(f) - 0.5 * f.rss;
}

struct Tau2Fit {
  double tau2 = 0.0;
  double se = kNaN;
  int iterations = 0;
  bool converged = true;
  bool ll0_reset = false;  ///< ML/REML: set to 0 by metafor's ll0check
  bool pm_bound = false;   ///< PM: root beyond the search interval
};

/// tau2 of the model y = Xb + u + e by `method` (see the header), with metafor's se(tau2).
Tau2Fit estimate_tau2_x(const Mat& X, const Vec& y, const Vec& v, Tau2Method method, const MetaOptions& o) {
  Tau2Fit t;
  const auto k = static_cast<double>(X.rows());
  const auto p = static_cast<double>(X.cols());
  const Vec ymc = y.array() - y.mean();
  const Vec ones = Vec::Ones(X.rows());
  double tau2 = 0.0;
  switch (method) {
    case Tau2Method::HS: {
      const Wls f = wls(X, ymc, inverse_weights(v, 0.0));
      const double sw = f.w.sum();
      tau2 = std::max(0.0, (f.rss - k) / sw);
      t.se = std::sqrt(1.0 / (sw * sw) *
                       (2.0 * (k - p) + 4.0 * tau2 * trace_pa(f, ones) + 2.0 * tau2 * tau2 * sum_p2(X, f, ones, ones)));
      break;
    }
    case Tau2Method::DL: {
      const Wls f = wls(X, ymc, inverse_weights(v, 0.0));
      const double trp = trace_pa(f, ones);
      tau2 = std::max(0.0, (f.rss - (k - p)) / trp);
      t.se = std::sqrt(1.0 / (trp * trp) *
                       (2.0 * (k - p) + 4.0 * tau2 * trp + 2.0 * tau2 * tau2 * sum_p2(X, f, ones, ones)));
      break;
    }
    case Tau2Method::SJ: {
      const double tau0 = ymc.squaredNorm() / k;
      const Wls f = wls(X, ymc, inverse_weights(v, tau0));
      tau2 = std::max(0.0, tau0 * f.rss / (k - p));
      t.se = std::sqrt(tau0 * tau0 / ((k - p) * (k - p)) *
                       (2.0 * sum_p2(X, f, v, v) + 4.0 * tau2 * sum_p2(X, f, ones, v) +
                        2.0 * tau2 * tau2 * sum_p2(X, f, ones, ones)));
      break;
    }
    case Tau2Method::PM: {
      std::vector<double> yv(y.data(), y.data() + y.size());
      const double m = detail::mad(yv);
      const double upper = std::max(100.0, 10.0 * m * m);
      const auto q = [&](double t2) { return wls(X, ymc, inverse_weights(v, t2)).rss; };
      const detail::RootResult r = detail::decreasing_root(q, k - p, upper, o.root_finder, o.max_iterations);
      tau2 = r.root;
      t.iterations = r.evaluations;
      t.converged = r.converged;
      t.pm_bound = !r.converged;
      const double sw = inverse_weights(v, tau2).sum();
      t.se = std::sqrt(2.0 * k * k / (k - p) / (sw * sw));
      break;
    }
    case Tau2Method::HE:
    case Tau2Method::ML:
    case Tau2Method::REML:
    case Tau2Method::EB: {
      const Wls u = wls(X, ymc, ones);
      const double trpv = trace_pa(u, v);
      tau2 = (u.rss - trpv) / (k - p);
      if (method == Tau2Method::HE) {
        tau2 = std::max(0.0, tau2);
        t.se = std::sqrt(1.0 / ((k - p) * (k - p)) *
                         (2.0 * sum_p2(X, u, v, v) + 4.0 * tau2 * trpv + 2.0 * tau2 * tau2 * (k - p)));
        break;
      }
      tau2 = std::max(0.0, tau2);
      double change = o.threshold + 1.0;
      while (change > o.threshold) {
        ++t.iterations;
        const double old = tau2;
        const Wls f = wls(X, ymc, inverse_weights(v, tau2));
        double adj = 0.0;
        if (method == Tau2Method::EB) {
          adj = (f.rss * k / (k - p) - k) / f.w.sum();
        } else {
          const double ypppy = (f.w.array() * f.r.array()).square().sum();
          if (method == Tau2Method::ML) {
            adj = (ypppy - f.w.sum()) / f.w.squaredNorm();
          } else {
            adj = (ypppy - trace_pa(f, ones)) / sum_p2(X, f, ones, ones);
          }
        }
        if (std::isnan(adj)) adj = 0.0;
        while (tau2 + adj < 0.0) adj /= 2.0;
        tau2 += adj;
        change = std::fabs(old - tau2);
        if (t.iterations > o.max_iterations) {
          t.converged = false;
          break;
        }
      }
      if (t.converged && method != Tau2Method::EB) {
        const bool reml = method == Tau2Method::REML;
        const double ll0 = log_likelihood(X, ymc, v, 0.0, reml);
        const double ll = log_likelihood(X, ymc, v, tau2, reml);
        if (ll0 - ll > std::pow(std::numeric_limits<double>::epsilon(), 0.25) && tau2 > o.threshold) {
          tau2 = 0.0;
          t.ll0_reset = true;
        }
      }
      tau2 = std::max(0.0, tau2);
      const Wls f = wls(X, ymc, inverse_weights(v, tau2));
      if (method == Tau2Method::ML) {
        t.se = std::sqrt(2.0 / f.w.squaredNorm());
      } else if (method == Tau2Method::REML) {
        t.se = std::sqrt(2.0 / sum_p2(X, f, ones, ones));
      } else {
        const double sw = f.w.sum();
        t.se = std::sqrt(2.0 * k * k / (k - p) / (sw * sw));
      }
      break;
    }
  }
  t.tau2 = std::max(0.0, tau2);
  return t;
}

// ---- the design matrix ----

bool parse_number(const std::string& s, double& out) {
  if (s.empty()) return false;
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && std::isfinite(out);
}

/// Levels of a categorical moderator in R's factor() order: numeric when all are numbers, else byte order.
std::vector<std::string> sorted_levels(const std::vector<std::string>& values) {
  std::set<std::string> uniq;
  for (const std::string& s : values)
    if (!s.empty()) uniq.insert(s);
  std::vector<std::string> levels(uniq.begin(), uniq.end());
  bool numeric = true;
  double dummy = 0.0;
  for (const std::string& s : levels) numeric = numeric && parse_number(s, dummy);
  if (numeric) {
    std::stable_sort(levels.begin(), levels.end(), [](const std::string& a, const std::string& b) {
      double x = 0.0, y = 0.0;
      parse_number(a, x);
      parse_number(b, y);
      return x < y;
    });
  }
  return levels;
}

struct Column {
  std::string name;
  std::string moderator;  ///< owning moderator ("" for the intercept)
  std::string level;      ///< categorical level, "" otherwise
};

/// Columns j of X that are (numerically) linear combinations of the columns before them: Gram-Schmidt
/// with re-orthogonalisation and relative tolerance 1e-7 (R's lm() QR tolerance).
std::vector<std::size_t> redundant_columns(const Mat& X) {
  std::vector<std::size_t> redundant;
  std::vector<Vec> basis;
  for (Eigen::Index j = 0; j < X.cols(); ++j) {
    Vec c = X.col(j);
    const double norm = c.norm();
    for (int pass = 0; pass < 2; ++pass)
      for (const Vec& q : basis) c -= q.dot(c) * q;
    const double rest = c.norm();
    if (norm == 0.0 || rest <= 1e-7 * norm) {
      redundant.push_back(static_cast<std::size_t>(j));
      continue;
    }
    basis.push_back(c / rest);
  }
  return redundant;
}

void add_error(MetaRegressionResult& r, const std::string& code, const std::string& message,
               const std::string& hint = {}, const std::string& field = {}) {
  Diagnostic& d = r.diagnostics.error(code, {}, message, hint);
  d.field = field;
}

}  // namespace

MetaRegressionResult meta_regression(const MetaRegressionInput& input, const MetaOptions& options, bool common_effect) {
  MetaRegressionResult r;
  r.options = options;
  r.common_effect = common_effect;
  const std::size_t n = input.yi.size();

  // ---- validation ----
  if (n == 0) add_error(r, "no-studies", "no studies for the meta-regression", "give at least one study");
  if (input.vi.size() != n)
    add_error(r, "size-mismatch",
              "yi has " + std::to_string(n) + " values but vi has " + std::to_string(input.vi.size()));
  if (!input.study.empty() && input.study.size() != n)
    add_error(r, "size-mismatch",
              "yi has " + std::to_string(n) + " values but there are " + std::to_string(input.study.size()) +
                  " study labels");
  if (!(options.level > 0.0 && options.level < 1.0))
    add_error(r, "bad-level",
              "confidence level must lie strictly between 0 and 1, got " + std::to_string(options.level));
  std::vector<std::string> names(input.moderators.size());
  for (std::size_t j = 0; j < input.moderators.size(); ++j) {
    const Moderator& m = input.moderators[j];
    names[j] = m.name.empty() ? "mod" + std::to_string(j + 1) : m.name;
    const std::size_t size = m.categorical ? m.levels.size() : m.values.size();
    if (size != n)
      add_error(
          r, "size-mismatch",
          "moderator '" + names[j] + "' has " + std::to_string(size) + " values for " + std::to_string(n) + " studies",
          "give one value per study (NaN or \"\" for a missing value)", names[j]);
    for (std::size_t q = 0; q < j; ++q)
      if (names[q] == names[j])
        add_error(r, "duplicate-moderator", "two moderators are named '" + names[j] + "'",
                  "give every moderator its own name", names[j]);
    if (m.reference_level && !m.categorical)
      add_error(r, "bad-reference-level", "moderator '" + names[j] + "' is continuous but has a reference level",
                "set categorical = true or drop reference_level", names[j]);
  }
  std::vector<std::string> label(n);
  for (std::size_t i = 0; i < n; ++i)
    label[i] = input.study.size() == n ? input.study[i] : "study " + std::to_string(i + 1);
  if (r.ok()) {
    for (std::size_t i = 0; i < n; ++i) {
      if (!std::isfinite(input.yi[i])) {
        Diagnostic& d = r.diagnostics.error("nonfinite-effect", {}, "effect size of " + label[i] + " is not finite");
        d.study = label[i];
        d.field = "yi";
      }
      if (!(std::isfinite(input.vi[i]) && input.vi[i] > 0.0)) {
        Diagnostic& d = r.diagnostics.error(
            "nonpositive-variance", {},
            "sampling variance of " + label[i] + " must be finite and > 0, got " + std::to_string(input.vi[i]),
            "check the standard error or the arm-level data of this study");
        d.study = label[i];
        d.field = "vi";
      }
      for (std::size_t j = 0; j < input.moderators.size(); ++j) {
        const Moderator& m = input.moderators[j];
        if (!m.categorical && std::isinf(m.values[i])) {
          Diagnostic& d = r.diagnostics.error("nonfinite-moderator", {},
                                              "moderator '" + names[j] + "' of " + label[i] + " is infinite");
          d.study = label[i];
          d.field = names[j];
        }
      }
    }
  }
  if (!r.ok()) return r;

  // ---- studies with missing moderator values are left out ----
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<std::string> missing;
    for (std::size_t j = 0; j < input.moderators.size(); ++j) {
      const Moderator& m = input.moderators[j];
      if (m.categorical ? m.levels[i].empty() : std::isnan(m.values[i])) missing.push_back(names[j]);
    }
    if (missing.empty()) {
      rows.push_back(i);
      continue;
    }
    std::string reason = missing.size() == 1 ? "missing value of moderator " : "missing values of moderators ";
    for (std::size_t q = 0; q < missing.size(); ++q) reason += (q > 0 ? ", '" : "'") + missing[q] + "'";
    r.excluded.push_back({label[i], reason});
    Diagnostic& d = r.diagnostics.warning("excluded-missing-moderator", {}, label[i] + " left out: " + reason);
    d.study = label[i];
    d.field = missing.front();
  }

  // ---- design matrix ----
  std::vector<Column> cols;
  if (input.intercept) cols.push_back({"intrcpt", "", ""});
  bool full_coding_used = input.intercept;
  std::vector<std::vector<std::string>> mod_levels(input.moderators.size());
  for (std::size_t j = 0; j < input.moderators.size(); ++j) {
    const Moderator& m = input.moderators[j];
    if (!m.categorical) {
      cols.push_back({names[j], names[j], ""});
      continue;
    }
    std::vector<std::string> lv = sorted_levels(m.levels);
    if (lv.empty()) {
      add_error(r, "empty-moderator", "moderator '" + names[j] + "' has no value in any study", "", names[j]);
      continue;
    }
    if (m.reference_level) {
      const auto it = std::find(lv.begin(), lv.end(), *m.reference_level);
      if (it == lv.end()) {
        add_error(r, "bad-reference-level",
                  "reference level '" + *m.reference_level + "' of moderator '" + names[j] + "' occurs in no study", "",
                  names[j]);
        continue;
      }
      std::rotate(lv.begin(), it, it + 1);  // reference first, the rest in sorted order
    }
    mod_levels[j] = lv;
    for (std::size_t l = full_coding_used ? 1 : 0; l < lv.size(); ++l)
      cols.push_back({names[j] + lv[l], names[j], lv[l]});
    full_coding_used = true;
  }
  if (!r.ok()) return r;
  const std::size_t k = rows.size();
  const std::size_t p = cols.size();
  r.k = k;
  r.p = p;
  if (p == 0) {
    add_error(r, "empty-model", "the model has neither an intercept nor a moderator",
              "add an intercept or a moderator");
    return r;
  }
  if (k <= p) {
    add_error(r, "too-few-studies",
              "the meta-regression has " + std::to_string(p) + " coefficients but only " + std::to_string(k) +
                  " studies" + (r.excluded.empty() ? std::string() : " with complete moderators") +
                  "; it needs at least p + 1 = " + std::to_string(p + 1),
              "use fewer moderators or levels");
    return r;
  }
  Mat X(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(p));
  Vec y(static_cast<Eigen::Index>(k)), v(static_cast<Eigen::Index>(k));
  for (std::size_t a = 0; a < k; ++a) {
    const std::size_t i = rows[a];
    const auto ai = static_cast<Eigen::Index>(a);
    y(ai) = input.yi[i];
    v(ai) = input.vi[i];
    r.study.push_back(label[i]);
    for (std::size_t c = 0; c < p; ++c) {
      const Column& col = cols[c];
      double x = 1.0;
      if (!col.moderator.empty()) {
        const auto j = static_cast<std::size_t>(std::find(names.begin(), names.end(), col.moderator) - names.begin());
        const Moderator& m = input.moderators[j];
        x = m.categorical ? (m.levels[i] == col.level ? 1.0 : 0.0) : m.values[i];
      }
      X(ai, static_cast<Eigen::Index>(c)) = x;
    }
  }
  const std::vector<std::size_t> redundant = redundant_columns(X);
  if (!redundant.empty()) {
    for (const std::size_t c : redundant) {
      const Column& col = cols[c];
      std::string what;
      std::string hint;
      if (col.moderator.empty()) {
        what = "the intercept is a combination of the moderators";
        hint = "drop the intercept or a level";
      } else if (!col.level.empty() && X.col(static_cast<Eigen::Index>(c)).isZero()) {
        what = "level '" + col.level + "' of moderator '" + col.moderator + "' occurs in no study" +
               (r.excluded.empty() ? std::string() : " left after the exclusions");
        hint = "drop the level or choose another reference level";
      } else if (col.level.empty() &&
                 X.col(static_cast<Eigen::Index>(c)).maxCoeff() == X.col(static_cast<Eigen::Index>(c)).minCoeff()) {
        what = "moderator '" + col.moderator + "' is constant across the studies used";
        hint = "drop the moderator";
      } else {
        what = "column '" + col.name + "' of moderator '" + col.moderator +
               "' is a linear combination of the columns before it";
        hint = "drop one of the collinear moderators";
      }
      add_error(r, "rank-deficient-design", "the design matrix is not of full rank: " + what, hint, col.moderator);
    }
    return r;
  }
  const Mat xtx = X.transpose() * X;
  if (Eigen::SelfAdjointEigenSolver<Mat>(xtx, Eigen::EigenvaluesOnly).eigenvalues().minCoeff() <= 1e-7) {
    add_error(r, "rank-deficient-design",
              "the design matrix is not of full rank (an eigenvalue of X'X is below 1e-7, metafor's limit)",
              "rescale or drop nearly collinear moderators");
    return r;
  }

  const auto kd = static_cast<double>(k);
  const auto pd = static_cast<double>(p);
  const bool intercept_only = p == 1 && input.intercept;

  // ---- residual heterogeneity ----
  if (!common_effect) {
    const Tau2Fit t = estimate_tau2_x(X, y, v, options.tau2_method, options);
    r.tau2 = t.tau2;
    r.tau2_se = t.se;
    r.iterations = t.iterations;
    r.converged = t.converged;
    if (!t.converged)
      r.diagnostics.warning("tau2-not-converged", {},
                            std::string("the ") + to_string(options.tau2_method) +
                                " estimator of tau2 did not converge (" + std::to_string(t.iterations) +
                                (options.tau2_method == Tau2Method::PM ? " function evaluations" : " iterations") +
                                "); the last value is reported",
                            options.tau2_method == Tau2Method::PM
                                ? "the root lies beyond metafor's search interval; use MetaOptions::root_finder = exact"
                                : "raise max_iterations, or try another tau2 estimator (e.g. DL or PM)");
    if (t.ll0_reset)
      r.diagnostics.warning("tau2-local-maximum", {},
                            std::string("the ") + to_string(options.tau2_method) +
                                " Fisher scoring may have stopped at a local maximum: tau2 set to 0 (as metafor)",
                            "check the profile likelihood of tau2");
  } else {
    r.tau2_se = kNaN;
  }

  // ---- coefficients ----
  const Wls fit = wls(X, y, inverse_weights(v, r.tau2));
  Mat vb = fit.A;
  const bool t_test = options.hartung_knapp;
  if (t_test) {
    if (common_effect)
      r.diagnostics.warning("knapp-hartung-common-effect", {},
                            "the Knapp-Hartung method is not meant for the common-effect model");
    double s2 = fit.rss <= std::numeric_limits<double>::epsilon() ? 0.0 : fit.rss / (kd - pd);
    if (options.hartung_knapp_adhoc && s2 < 1.0) s2 = 1.0;
    r.hk_scale = s2;
    vb *= s2;
  }
  const double df = kd - pd;
  for (std::size_t c = 0; c < p; ++c) {
    const auto ci = static_cast<Eigen::Index>(c);
    const double est = fit.b(ci);
    const double se = std::sqrt(vb(ci, ci));
    const PooledEstimate e = t_test ? t_estimate(est, se, df, options.level) : wald_estimate(est, se, options.level);
    r.coefficients.push_back({cols[c].name, e.estimate, e.se, e.statistic, e.df, e.p_value, e.ci_lower, e.ci_upper});
  }
  r.vcov.assign(p, std::vector<double>(p));
  for (std::size_t a = 0; a < p; ++a)
    for (std::size_t b = 0; b < p; ++b) r.vcov[a][b] = vb(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b));

  // ---- omnibus test of the moderators ----
  std::vector<Eigen::Index> btt;
  for (std::size_t c = (input.intercept && p > 1) ? 1 : 0; c < p; ++c) btt.push_back(static_cast<Eigen::Index>(c));
  const auto m = static_cast<Eigen::Index>(btt.size());
  Vec bm(m);
  Mat vm(m, m);
  for (Eigen::Index a = 0; a < m; ++a) {
    bm(a) = fit.b(btt[static_cast<std::size_t>(a)]);
    for (Eigen::Index b = 0; b < m; ++b)
      vm(a, b) = vb(btt[static_cast<std::size_t>(a)], btt[static_cast<std::size_t>(b)]);
  }
  const Eigen::LLT<Mat> llt(vm);
  r.QM_df = static_cast<double>(m);
  r.QM = llt.info() == Eigen::Success ? bm.dot(llt.solve(bm)) : kNaN;
  if (t_test) {
    r.QM /= static_cast<double>(m);
    r.QM_df2 = df;
    r.QM_p = f_upper_p(r.QM, r.QM_df, df);
  } else {
    r.QM_p = std::isnan(r.QM) ? kNaN : stats::chisq_upper_tail(r.QM, r.QM_df);
  }

  // ---- residual heterogeneity test, I2, H2 ----
  const Vec ymc = y.array() - y.mean();
  const Wls fe = wls(X, ymc, inverse_weights(v, 0.0));
  r.QE = std::max(0.0, fe.rss);
  r.QE_df = df;
  r.QE_p = chisq_p(r.QE, df);
  const double vt = df / trace_pa(fe, Vec::Ones(static_cast<Eigen::Index>(k)));
  if (common_effect) {
    r.I2 = r.QE > 0.0 ? std::max(0.0, 100.0 * (r.QE - df) / r.QE) : 0.0;
    r.H2 = r.QE / df;
  } else {
    r.I2 = 100.0 * r.tau2 / (vt + r.tau2);
    r.H2 = r.tau2 / vt + 1.0;
  }

  // ---- R2 ----
  if (input.intercept && !intercept_only) {
    if (common_effect) {
      const double ybar = y.mean();
      if ((y.array() - ybar).abs().maxCoeff() == 0.0) {
        r.R2 = 0.0;
      } else {
        const Vec w = fe.w;
        const double ywbar = w.dot(y) / w.sum();
        const double tss = (w.array() * (y.array() - ywbar).square()).sum();
        const Wls raw = wls(X, y, w);
        const double r2 = 1.0 - raw.rss / tss;
        const double adj = 1.0 - (1.0 - r2) * (kd - 1.0) / (kd - pd);
        r.R2 = std::max(0.0, 100.0 * adj);
      }
    } else {
      const Mat ones = Mat::Ones(static_cast<Eigen::Index>(k), 1);
      const Tau2Fit t0 = estimate_tau2_x(ones, y, v, options.tau2_method, options);
      if (t0.converged) {
        r.R2 = t0.tau2 == 0.0 ? 0.0 : std::max(0.0, 100.0 * (t0.tau2 - r.tau2) / t0.tau2);
      } else {
        r.diagnostics.note("no-R2", {}, "R2 not computed: the intercept-only model did not converge");
      }
    }
  }

  // ---- per-study figures ----
  const double sw = fit.w.sum();
  for (std::size_t a = 0; a < k; ++a) {
    const auto ai = static_cast<Eigen::Index>(a);
    r.weights.push_back(100.0 * fit.w(ai) / sw);
    r.fitted.push_back(y(ai) - fit.r(ai));
    r.residuals.push_back(fit.r(ai));
  }
  return r;
}

nlohmann::json to_json(const MetaRegressionResult& r) {
  nlohmann::json j;
  j["k"] = r.k;
  j["p"] = r.p;
  j["method_tau2"] = r.common_effect ? "EE" : to_string(r.options.tau2_method);
  j["hartung_knapp"] = r.options.hartung_knapp;
  j["level"] = r.options.level;
  nlohmann::json coefs = nlohmann::json::array();
  for (const Coefficient& c : r.coefficients)
    coefs.push_back({{"name", c.name},
                     {"estimate", json_number(c.estimate)},
                     {"se", json_number(c.se)},
                     {"statistic", json_number(c.statistic)},
                     {"df", json_number(c.df)},
                     {"p_value", json_number(c.p_value)},
                     {"ci_lower", json_number(c.ci_lower)},
                     {"ci_upper", json_number(c.ci_upper)}});
  j["coefficients"] = coefs;
  nlohmann::json vcov = nlohmann::json::array();
  for (const std::vector<double>& row : r.vcov) {
    nlohmann::json jr = nlohmann::json::array();
    for (const double x : row) jr.push_back(json_number(x));
    vcov.push_back(jr);
  }
  j["vcov"] = vcov;
  j["tau2"] = json_number(r.tau2);
  j["tau2_se"] = json_number(r.tau2_se);
  j["I2"] = json_number(r.I2);
  j["H2"] = json_number(r.H2);
  j["R2"] = json_number(r.R2);
  j["QE"] = json_number(r.QE);
  j["QE_df"] = json_number(r.QE_df);
  j["QE_p_value"] = json_number(r.QE_p);
  j["QM"] = json_number(r.QM);
  j["QM_df"] = json_number(r.QM_df);
  j["QM_df2"] = json_number(r.QM_df2);
  j["QM_p_value"] = json_number(r.QM_p);
  j["QM_test"] = r.QM_df2 ? "F" : "chisq";
  nlohmann::json studies = nlohmann::json::array();
  for (std::size_t i = 0; i < r.study.size(); ++i)
    studies.push_back({{"study", r.study[i]},
                       {"weight", i < r.weights.size() ? json_number(r.weights[i]) : nlohmann::json(nullptr)},
                       {"fitted", i < r.fitted.size() ? json_number(r.fitted[i]) : nlohmann::json(nullptr)},
                       {"residual", i < r.residuals.size() ? json_number(r.residuals[i]) : nlohmann::json(nullptr)}});
  j["studies"] = studies;
  nlohmann::json ex = nlohmann::json::array();
  for (const RegressionExclusion& e : r.excluded) ex.push_back({{"study", e.study}, {"reason", e.reason}});
  j["excluded"] = ex;
  j["iterations"] = r.iterations;
  j["converged"] = r.converged;
  j["warnings"] = to_json(r.diagnostics);
  return j;
}

}  // namespace evident
