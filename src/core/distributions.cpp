#include "evident/core/distributions.hpp"

#include <cmath>
#include <limits>

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>

namespace evident::stats {

double normal_upper_quantile(double upper_tail) {
  return boost::math::quantile(boost::math::complement(boost::math::normal_distribution<double>(), upper_tail));
}

// NaN in, NaN out (Boost's default policy would throw on NaN: a degenerate statistic such as 0/0 must not
// end an analysis); an infinite statistic has p = 0.
double normal_two_sided_p(double z) {
  if (std::isnan(z)) return std::numeric_limits<double>::quiet_NaN();
  if (std::isinf(z)) return 0.0;
  return 2.0 * boost::math::cdf(boost::math::complement(boost::math::normal_distribution<double>(), std::fabs(z)));
}

double t_upper_quantile(double upper_tail, double df) {
  if (!(df > 0.0) || !(upper_tail > 0.0 && upper_tail < 1.0)) return std::numeric_limits<double>::quiet_NaN();
  return boost::math::quantile(boost::math::complement(boost::math::students_t_distribution<double>(df), upper_tail));
}

double t_two_sided_p(double t, double df) {
  if (std::isnan(t) || !(df > 0.0)) return std::numeric_limits<double>::quiet_NaN();
  if (std::isinf(t)) return 0.0;
  return 2.0 *
         boost::math::cdf(boost::math::complement(boost::math::students_t_distribution<double>(df), std::fabs(t)));
}

double chisq_upper_tail(double q, double df) {
  if (std::isnan(q)) return q;
  if (q <= 0.0) return 1.0;
  if (!(df > 0.0)) return std::numeric_limits<double>::quiet_NaN();
  if (std::isinf(q)) return 0.0;
  return boost::math::cdf(boost::math::complement(boost::math::chi_squared_distribution<double>(df), q));
}

}  // namespace evident::stats
