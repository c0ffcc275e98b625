// evident: common-effect meta-analysis of 2x2 tables by the Mantel-Haenszel and Peto methods.
//
// mantel_haenszel() and peto() are pure functions from the 2x2 tables of one comparison (events a
// of n1 in group 1, events c of n2 in group 2, one table per study; b = n1 - a, d = n2 - c,
// N = n1 + n2) to a named result. No I/O, no globals; problems become Diagnostics in the result.
//
// Mantel-Haenszel (Mantel & Haenszel 1959, doi:10.1093/jnci/22.4.719):
//   OR_MH = sum R / sum S, R = a d / N, S = b c / N; estimate log OR_MH with the variance of
//     Robins, Breslow & Greenland 1986 (doi:10.2307/2531160), P = (a + d)/N,
//     Q = (b + c)/N: var = [sum PR / R+^2 + sum (PS + QR) / (R+ S+) + sum QS / S+^2] / 2.
//   RR_MH = sum a n2/N / sum c n1/N; estimate log RR_MH with the variance of Greenland & Robins
//     1985 (doi:10.2307/2530848): sum (n1 n2 (a + c)/N^2 - a c/N) / (sum a n2/N sum c n1/N).
//   RD_MH = sum (a n2 - c n1)/N / sum n1 n2/N with the variance of Sato, Greenland & Robins 1989
//     (Biometrics 45:1323-1324; as metafor, consistent in sparse data and in large strata, unlike
//     the simpler large-strata variance of Greenland & Robins 1985, doi:10.2307/2530848): [RD sum P + sum Q] / (sum n1
//     n2/N)^2, P = (n2^2 a - n1^2 c + n1 n2 (n2 - n1)/2)/N^2, Q = (a (n2 - c) + c (n1 - a))/(2N).
//   The pooled estimate uses the uncorrected counts (no continuity correction; double-zero tables
//   are kept, where they add to the RD denominator only).
//   Cochran-Mantel-Haenszel test (OR only; Mantel & Haenszel 1959, with the optional 1/2
//     continuity correction): (|sum a - n1 (a+c)/N| - 1/2)^2 / sum n1 n2 (a+c)(b+d) / (N^2 (N-1)).
//   Breslow-Day test (Breslow & Day 1980, Statistical Methods in Cancer Research I,
//     IARC Sci Publ 32) with Tarone's correction
//     (Tarone 1985, doi:10.1093/biomet/72.1.91): the expected a under the common OR_MH is the
//     admissible root of the quadratic; tables with expected a <= 0, a + c = 0 or b + d = 0 are
//     left out; df = (tables used) - 1.
//   Heterogeneity (as metafor::rma.mh): Cochran's Q = sum w_i (y_i - estimate)^2 with the study's own
//     estimate y_i (log OR, log RR or RD, metafor::escalc) and w_i = 1/v_i, where 1/2 is added to
//     every cell of tables with a zero cell and tables with no events or only events in both groups
//     have no y_i; df = k_yi - 1, I2 = max(0, 100 (Q - df)/Q), H2 = Q/df (Higgins & Thompson 2002,
//     doi:10.1002/sim.1186).
//
// Peto (Yusuf, Peto, Lewis, Collins & Sleight 1985, doi:10.1016/S0033-0620(85)80003-7): per table
//   O - E = a - n1 (a+c)/N, V = n1 n2 (a+c)(b+d) / (N^2 (N-1)); log OR = sum (O-E) / sum V,
//   se = 1/sqrt(sum V) (uncorrected counts); Q = sum (O-E)^2/V - (sum (O-E))^2 / sum V over the
//   tables with V > 0, df = k_yi - 1 with k_yi the tables that are not double-zero (metafor::rma.peto).
//
// Checked against metafor 3.8-1 rma.mh (OR, RR, RD, with CMH, Tarone and Breslow-Day) and rma.peto
// with their defaults (add = c(1/2, 0), to = c("only0", "none"), drop00 = c(TRUE, FALSE),
// correct = TRUE) on dat.bcg, dat.collins1985a (three outcomes, with zero-cell and double-zero
// tables) and dat.egger2001, to 1e-10 relative (absolute below 1); tests/unit/pairwise/mantel_haenszel_test.cpp.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "evident/core/diagnostic.hpp"
#include "evident/effects/effect_size.hpp"
#include "evident/pairwise/meta_analysis.hpp"

namespace evident {

/// 2x2 tables of one comparison: events1[i] of n1[i] (group 1, "treatment") and events2[i] of n2[i]
/// (group 2, "control") in study[i]. A NaN count marks a table with missing data; it is left out
/// with a warning (metafor: "Tables with NAs omitted").
struct TwoByTwoInput {
  std::vector<std::string> study;
  std::vector<double> events1, n1, events2, n2;
};

struct MantelHaenszelOptions {
  Measure measure = Measure::OR;  ///< OR, RR or RD; anything else is an error
  double level = 0.95;            ///< confidence level of the interval
  /// Continuity correction of the study estimates used for Q (added to every cell of tables with a
  /// zero cell; metafor add[1] with to[1] = "only0"). The pooled estimate is never corrected.
  double add = 0.5;
  /// 1/2 continuity correction in the Cochran-Mantel-Haenszel statistic (metafor correct = TRUE).
  bool cmh_correct = true;
};

/// A chi-square test statistic with its df and upper-tail p-value.
struct ChiSquareTest {
  double statistic = 0.0;
  double df = 1.0;
  std::optional<double> p_value;  ///< empty when df < 1 (metafor NA)
};

struct MantelHaenszelResult {
  MantelHaenszelOptions options;
  std::size_t k = 0;               ///< tables used (after tables with missing counts are left out)
  std::size_t k_yi = 0;            ///< tables with a study estimate (not double-zero), the Q df + 1
  std::vector<std::string> study;  ///< the tables used, in input order
  /// Pooled estimate: log OR, log RR or RD, with Wald z test and CI (estimate +- z se).
  PooledEstimate pooled;
  Heterogeneity heterogeneity;               ///< Q with the inverse-variance weights of the study estimates
  std::optional<ChiSquareTest> cmh;          ///< OR only; empty when no events or no non-events at all
  std::optional<ChiSquareTest> breslow_day;  ///< OR only; empty when the pooled OR is undefined
  std::optional<ChiSquareTest> tarone;       ///< OR only; Breslow-Day with Tarone's correction
  /// Errors (then no numbers are meaningful: ok() is false) and warnings (tables left out, ...).
  Diagnostics diagnostics;
  [[nodiscard]] bool ok() const { return !diagnostics.has_errors(); }
};

/// Mantel-Haenszel common-effect meta-analysis (formulas above). Never throws on user input: no
/// tables, sizes that differ, negative or non-finite counts, events > n or n <= 0 give an error;
/// an undefined pooled ratio (no events, or no events in one group, e.g. sum R = 0 or sum S = 0
/// for the OR) gives an error diagnostic.
MantelHaenszelResult mantel_haenszel(const TwoByTwoInput& input, const MantelHaenszelOptions& options = {});

struct PetoOptions {
  double level = 0.95;
};

struct PetoResult {
  PetoOptions options;
  std::size_t k = 0;
  std::size_t k_yi = 0;  ///< tables that are not double-zero (Q df + 1)
  std::vector<std::string> study;
  std::vector<double> o_minus_e;  ///< O - E per table used
  std::vector<double> v;          ///< hypergeometric variance V per table used
  PooledEstimate pooled;          ///< log odds ratio
  Heterogeneity heterogeneity;
  Diagnostics diagnostics;
  [[nodiscard]] bool ok() const { return !diagnostics.has_errors(); }
};

/// Peto's one-step odds ratio (formulas above); same input checks as mantel_haenszel(); sum V = 0
/// (no table with both events and non-events) is an error.
PetoResult peto(const TwoByTwoInput& input, const PetoOptions& options = {});

}  // namespace evident
