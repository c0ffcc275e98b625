#include "evident/core/distributions.hpp"

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>

namespace evident::stats {

double normal_upper_quantile(double upper_tail) {
  return boost::math::quantile(boost::math::complement(boost::math::normal_distribution<double>(), upper_tail));
}

double normal_two_sided_p(double z) {
  return 2.0 * boost::math::cdf(boost::math::complement(boost::math::normal_distribution<double>(), std::fabs(z)));
}

double t_upper_quantile(double upper_tail, double df) {
  return boost::math::quantile(boost::math::complement(boost::math::students_t_distribution<double>(df), upper_tail));
}

double t_two_sided_p(double t, double df) {
  return 2.0 *
         boost::math::cdf(boost::math::complement(boost::math::students_t_distribution<double>(df), std::fabs(t)));
}

double chisq_upper_tail(double q, double df) {
  if (q <= 0.0) return 1.0;
  return boost::math::cdf(boost::math::complement(boost::math::chi_squared_distribution<double>(df), q));
}

}  // namespace evident::stats
