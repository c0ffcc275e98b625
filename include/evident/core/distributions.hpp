// evident: the tail probabilities and quantiles every test statistic needs (Boost.Math), computed
// from the upper tail so that small p-values keep their precision.
#pragma once

namespace evident::stats {

/// z with P(Z > z) = upper_tail.
double normal_upper_quantile(double upper_tail);
/// 2 P(Z > |z|).
double normal_two_sided_p(double z);
/// t with P(T_df > t) = upper_tail.
double t_upper_quantile(double upper_tail, double df);
/// 2 P(T_df > |t|).
double t_two_sided_p(double t, double df);
/// P(X > q) for X ~ chi-square(df), df > 0; q <= 0 gives 1.
double chisq_upper_tail(double q, double df);

}  // namespace evident::stats
