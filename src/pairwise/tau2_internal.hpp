// evident: internal helpers shared by the pairwise tau2 estimators (meta_analysis.cpp,
// meta_regression.cpp): metafor's uniroot() emulation (Brent's zeroin), the exact TOMS 748 root
// search and R's median()/mad(). Not installed; include only from src/pairwise.
#pragma once

#include <algorithm>
#include <boost/math/tools/roots.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "evident/pairwise/meta_analysis.hpp"

namespace evident::detail {

struct RootResult {
  double root = 0.0;
  int evaluations = 0;
  bool converged = true;
};

/// Brent's zeroin (Brent 1973, Algorithms for Minimization without Derivatives, ch. 4), the
/// algorithm of R's uniroot(), with its stopping rule |c - b|/2 <= 2 eps |b| + tol/2. Requires
/// f(a) and f(b) of opposite signs. `evaluations` counts the function calls made here.
template <class F>
RootResult brent_zeroin(F&& f, double a, double b, double fa, double fb, double tol, int max_iter) {
  RootResult r;
  if (fa == 0.0) {
    r.root = a;
    return r;
  }
  if (fb == 0.0) {
    r.root = b;
    return r;
  }
  constexpr double eps = std::numeric_limits<double>::epsilon();
  double c = a, fc = fa;
  for (int it = 0; it <= max_iter; ++it) {
    const double prev_step = b - a;
    if (std::fabs(fc) < std::fabs(fb)) {  // keep b the best approximation
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const double tol_act = 2.0 * eps * std::fabs(b) + tol / 2.0;
    double new_step = (c - b) / 2.0;
    if (std::fabs(new_step) <= tol_act || fb == 0.0) {
      r.root = b;
      return r;
    }
    if (std::fabs(prev_step) >= tol_act && std::fabs(fa) > std::fabs(fb)) {
      // secant (two distinct points) or inverse quadratic interpolation, step p/q
      double p = 0.0, q = 0.0;
      const double cb = c - b;
      if (a == c) {
        const double t1 = fb / fa;
        p = cb * t1;
        q = 1.0 - t1;
      } else {
        const double qa = fa / fc, t1 = fb / fc, t2 = fb / fa;
        p = t2 * (cb * qa * (qa - t1) - (b - a) * (t1 - 1.0));
        q = (qa - 1.0) * (t1 - 1.0) * (t2 - 1.0);
      }
      if (p > 0.0)
        q = -q;
      else
        p = -p;
      if (p < (0.75 * cb * q - std::fabs(tol_act * q) / 2.0) && p < std::fabs(prev_step * q / 2.0)) new_step = p / q;
    }
    if (std::fabs(new_step) < tol_act) new_step = new_step > 0.0 ? tol_act : -tol_act;
    a = b;
    fa = fb;
    b += new_step;
    fb = f(b);
    ++r.evaluations;
    if ((fb > 0.0 && fc > 0.0) || (fb < 0.0 && fc < 0.0)) {
      c = a;
      fc = fa;
    }
  }
  r.root = b;
  r.converged = false;
  return r;
}

/// Root of the decreasing function f(tau2) - target on [0, inf): 0 when f(0) <= target.
/// exact: TOMS 748 to full double precision, the upper end of the bracket starting at `upper` and
/// doubled (up to 1e12) until f(upper) < target. metafor: Brent's zeroin with tol = eps^0.25 on
/// [0, upper] as metafor's uniroot() calls; when f(upper) > target the root is reported as
/// `upper` and converged = false (metafor stops with an error (PM) or returns upper (confint)).
template <class F>
RootResult decreasing_root(F&& f, double target, double upper, RootFinder finder, int max_iter) {
  RootResult r;
  const auto g = [&](double x) { return f(x) - target; };
  const double f0 = g(0.0);
  r.evaluations = 1;
  if (f0 <= 0.0) return r;
  double fu = g(upper);
  ++r.evaluations;
  if (finder == RootFinder::metafor) {
    if (fu > 0.0) {
      r.root = upper;
      r.converged = false;
      return r;
    }
    RootResult z =
        brent_zeroin(g, 0.0, upper, f0, fu, std::pow(std::numeric_limits<double>::epsilon(), 0.25), max_iter);
    z.evaluations += r.evaluations;
    return z;
  }
  while (fu > 0.0) {
    if (upper > 1e12) {
      r.converged = false;
      r.root = upper;
      return r;
    }
    upper *= 2.0;
    fu = g(upper);
    ++r.evaluations;
  }
  if (fu == 0.0) {
    r.root = upper;
    return r;
  }
  std::uintmax_t iters = static_cast<std::uintmax_t>(std::max(max_iter, 1));
  const auto bracket =
      boost::math::tools::toms748_solve(g, 0.0, upper, f0, fu, boost::math::tools::eps_tolerance<double>(52), iters);
  r.evaluations += static_cast<int>(iters);
  r.root = 0.5 * (bracket.first + bracket.second);
  r.converged = iters < static_cast<std::uintmax_t>(std::max(max_iter, 1));
  return r;
}

inline double median(std::vector<double> x) {
  std::sort(x.begin(), x.end());
  const std::size_t n = x.size();
  return n % 2 == 1 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

/// R's mad(): 1.4826 median |x - median(x)|.
inline double mad(const std::vector<double>& x) {
  const double m = median(x);
  std::vector<double> d;
  d.reserve(x.size());
  for (double v : x) d.push_back(std::fabs(v - m));
  return 1.4826 * median(d);
}

}  // namespace evident::detail
