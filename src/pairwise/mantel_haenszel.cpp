// evident: Mantel-Haenszel and Peto common-effect meta-analysis of 2x2 tables (see
// evident/pairwise/mantel_haenszel.hpp for formulas and sources).
#include "evident/pairwise/mantel_haenszel.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include "evident/core/distributions.hpp"

namespace evident {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// One 2x2 table: a, b events and non-events in group 1; c, d in group 2.
struct Table {
  double a = 0.0, b = 0.0, c = 0.0, d = 0.0;
  [[nodiscard]] double n1() const { return a + b; }
  [[nodiscard]] double n2() const { return c + d; }
  [[nodiscard]] double total() const { return a + b + c + d; }
  /// No events, or only events, in both groups (metafor drop00).
  [[nodiscard]] bool double_zero() const { return (a == 0.0 && c == 0.0) || (b == 0.0 && d == 0.0); }
};

/// Validated tables of the input; tables with missing counts are left out with a warning.
struct Tables {
  std::vector<Table> tables;
  std::vector<std::string> study;
};

Tables validate(const TwoByTwoInput& in, double level, Diagnostics& diags) {
  Tables out;
  const std::size_t k = in.events1.size();
  if (in.n1.size() != k || in.events2.size() != k || in.n2.size() != k) {
    diags.error("size-mismatch", {},
                "events1, n1, events2 and n2 have different lengths (" + std::to_string(k) + ", " +
                    std::to_string(in.n1.size()) + ", " + std::to_string(in.events2.size()) + ", " +
                    std::to_string(in.n2.size()) + ")",
                "give one count of each kind per study");
    return out;
  }
  if (!in.study.empty() && in.study.size() != k) {
    diags.error("size-mismatch", {},
                "there are " + std::to_string(in.study.size()) + " study labels for " + std::to_string(k) + " tables",
                "give one label per table, or none");
    return out;
  }
  if (!(level > 0.0 && level < 1.0))
    diags.error("bad-level", {}, "confidence level must be strictly between 0 and 1, got " + std::to_string(level),
                "use e.g. 0.95");
  for (std::size_t i = 0; i < k; ++i) {
    const std::string who = in.study.empty() ? std::to_string(i + 1) : in.study[i];
    const double e1 = in.events1[i], n1 = in.n1[i], e2 = in.events2[i], n2 = in.n2[i];
    if (std::isnan(e1) || std::isnan(n1) || std::isnan(e2) || std::isnan(n2)) {
      Diagnostic& d =
          diags.warning("table-missing-counts", {}, "table of study " + who + " has missing counts and is left out");
      d.study = who;
      continue;
    }
    const bool finite = std::isfinite(e1) && std::isfinite(n1) && std::isfinite(e2) && std::isfinite(n2);
    if (!finite || e1 < 0.0 || e2 < 0.0 || n1 <= 0.0 || n2 <= 0.0 || e1 > n1 || e2 > n2) {
      Diagnostic& d = diags.error("bad-table", {},
                                  "table of study " + who + " is not valid (events1 = " + std::to_string(e1) +
                                      ", n1 = " + std::to_string(n1) + ", events2 = " + std::to_string(e2) +
                                      ", n2 = " + std::to_string(n2) + ")",
                                  "counts must be finite with 0 <= events <= n and n > 0");
      d.study = who;
      continue;
    }
    out.tables.push_back({e1, n1 - e1, e2, n2 - e2});
    out.study.push_back(who);
  }
  if (out.tables.empty() && !diags.has_errors())
    diags.error("no-studies", {}, "no 2x2 table to pool", "give at least one study with events and sample sizes");
  return out;
}

/// Q, I2, H2, H from a Q statistic on k_yi estimates (metafor: Q = 0, I2 = 0, H2 = 1 for k_yi <= 1).
Heterogeneity heterogeneity_from_q(double q, std::size_t k_yi) {
  Heterogeneity h;
  if (k_yi <= 1) return h;
  const double df = static_cast<double>(k_yi - 1);
  h.Q = std::max(0.0, q);
  h.df = df;
  h.p_value = stats::chisq_upper_tail(h.Q, df);
  h.I2 = h.Q > 0.0 ? std::max(0.0, 100.0 * (h.Q - df) / h.Q) : 0.0;
  h.H2 = h.Q / df;
  h.H = std::sqrt(h.H2);
  return h;
}

/// The study's own estimate (log OR, log RR or RD) and variance as metafor::escalc with to = "only0"
/// and drop00 = TRUE; nullopt for a double-zero table.
struct StudyEstimate {
  double yi = 0.0, vi = 0.0;
};
std::optional<StudyEstimate> study_estimate(Table t, Measure m, double add) {
  if (t.double_zero()) return std::nullopt;
  if (t.a == 0.0 || t.b == 0.0 || t.c == 0.0 || t.d == 0.0) {
    t.a += add;
    t.b += add;
    t.c += add;
    t.d += add;
  }
  const double n1 = t.n1(), n2 = t.n2();
  StudyEstimate e;
  switch (m) {
    case Measure::OR:
      e.yi = std::log(t.a * t.d / (t.b * t.c));
      e.vi = 1.0 / t.a + 1.0 / t.b + 1.0 / t.c + 1.0 / t.d;
      break;
    case Measure::RR:
      e.yi = std::log(t.a / n1) - std::log(t.c / n2);
      e.vi = 1.0 / t.a - 1.0 / n1 + 1.0 / t.c - 1.0 / n2;
      break;
    default: {  // RD
      const double p1 = t.a / n1, p2 = t.c / n2;
      e.yi = p1 - p2;
      e.vi = p1 * (1.0 - p1) / n1 + p2 * (1.0 - p2) / n2;
      break;
    }
  }
  return e;
}

void add_undefined(Diagnostics& diags, const std::string& what, const std::string& hint) {
  diags.error("estimate-undefined", {}, what, hint);
}

}  // namespace

MantelHaenszelResult mantel_haenszel(const TwoByTwoInput& input, const MantelHaenszelOptions& options) {
  MantelHaenszelResult r;
  r.options = options;
  const Measure m = options.measure;
  if (m != Measure::OR && m != Measure::RR && m != Measure::RD) {
    r.diagnostics.error("bad-measure", {},
                        std::string("the Mantel-Haenszel method pools OR, RR or RD, not ") + to_string(m),
                        "use measure OR, RR or RD");
    return r;
  }
  if (!(options.add >= 0.0 && std::isfinite(options.add)))
    r.diagnostics.error("bad-continuity-correction", {}, "continuity correction must be finite and >= 0",
                        "use the default 0.5");
  const Tables tabs = validate(input, options.level, r.diagnostics);
  if (r.diagnostics.has_errors()) return r;
  r.k = tabs.tables.size();
  r.study = tabs.study;

  // Pooled estimate from the uncorrected tables (double-zero tables kept).
  double estimate = kNaN, se = kNaN;
  if (m == Measure::OR) {
    double sR = 0.0, sS = 0.0, sPR = 0.0, sPSQR = 0.0, sQS = 0.0;
    for (const Table& t : tabs.tables) {
      const double n = t.total();
      const double P = (t.a + t.d) / n, Q = (t.b + t.c) / n, R = t.a * t.d / n, S = t.b * t.c / n;
      sR += R;
      sS += S;
      sPR += P * R;
      sPSQR += P * S + Q * R;
      sQS += Q * S;
    }
    if (sR == 0.0 || sS == 0.0) {
      add_undefined(r.diagnostics, "the Mantel-Haenszel odds ratio is undefined (sum of a d / N or of b c / N is 0)",
                    "no table has events in one group and non-events in the other; use the risk difference");
    } else {
      estimate = std::log(sR / sS);
      se = std::sqrt(0.5 * (sPR / (sR * sR) + sPSQR / (sR * sS) + sQS / (sS * sS)));
    }
  } else if (m == Measure::RR) {
    double sR = 0.0, sS = 0.0, sV = 0.0, sa = 0.0, sc = 0.0;
    for (const Table& t : tabs.tables) {
      const double n = t.total(), n1 = t.n1(), n2 = t.n2();
      sR += t.a * (n2 / n);
      sS += t.c * (n1 / n);
      sV += (n1 / n) * (n2 / n) * (t.a + t.c) - (t.a / n) * t.c;
      sa += t.a;
      sc += t.c;
    }
    if (sa == 0.0 || sc == 0.0) {
      add_undefined(r.diagnostics, "the Mantel-Haenszel risk ratio is undefined (no events in one group)",
                    "use the risk difference");
    } else {
      estimate = std::log(sR / sS);
      se = std::sqrt(sV / (sR * sS));
    }
  } else {
    double num = 0.0, den = 0.0, sP = 0.0, sQ = 0.0;
    for (const Table& t : tabs.tables) {
      const double n = t.total(), n1 = t.n1(), n2 = t.n2();
      num += t.a * (n2 / n) - t.c * (n1 / n);
      den += n1 * (n2 / n);
      sP += t.c * (n1 / n) * (n1 / n) - t.a * (n2 / n) * (n2 / n) + (n1 / n) * (n2 / n) * (n2 - n1) / 2.0;
      sQ += t.a * (n2 - t.c) / n + t.c * (n1 - t.a) / n;
    }
    estimate = num / den;
    se = std::sqrt((estimate * sP + sQ / 2.0) / (den * den));
  }
  if (!r.diagnostics.has_errors() && !(se > 0.0 && std::isfinite(se)))
    r.diagnostics.error("zero-variance", {}, "the variance of the pooled estimate is 0 or not finite",
                        "the tables carry no information on the effect (e.g. no events in any table)");
  if (!r.diagnostics.has_errors()) r.pooled = wald_estimate(estimate, se, options.level);

  // Heterogeneity: inverse-variance Q of the (corrected) study estimates around the MH estimate.
  double q = 0.0;
  std::size_t k_yi = 0;
  for (std::size_t i = 0; i < tabs.tables.size(); ++i) {
    const auto e = study_estimate(tabs.tables[i], m, options.add);
    if (!e) continue;
    if (!std::isfinite(e->yi) || !std::isfinite(e->vi) || e->vi <= 0.0) {
      Diagnostic& d =
          r.diagnostics.warning("study-estimate-undefined", {},
                                "study " + tabs.study[i] + " has no finite estimate of its own and is left out of Q",
                                "use a continuity correction > 0");
      d.study = tabs.study[i];
      continue;
    }
    ++k_yi;
    q += (e->yi - estimate) * (e->yi - estimate) / e->vi;
  }
  r.k_yi = k_yi;
  if (k_yi < r.k)
    r.diagnostics.note(
        "tables-without-estimate", {},
        std::to_string(r.k - k_yi) + " table(s) with no events or only events in both groups pooled but left out of Q");
  if (!r.diagnostics.has_errors()) r.heterogeneity = heterogeneity_from_q(q, k_yi);

  if (m != Measure::OR || r.diagnostics.has_errors()) return r;

  // Cochran-Mantel-Haenszel test.
  double sdiff = 0.0, svar = 0.0, sxt = 0.0, syt = 0.0;
  for (const Table& t : tabs.tables) {
    const double n = t.total(), n1 = t.n1(), n2 = t.n2(), xt = t.a + t.c, yt = t.b + t.d;
    sdiff += t.a - (n1 / n) * xt;
    svar += (n1 / n) * (n2 / n) * (xt * (yt / (n - 1.0)));
    sxt += xt;
    syt += yt;
  }
  if (sxt > 0.0 && syt > 0.0) {
    const double corr = options.cmh_correct ? 0.5 : 0.0;
    const double dev = std::max(0.0, std::fabs(sdiff) - corr);
    ChiSquareTest t;
    t.statistic = dev * dev / svar;
    t.df = 1.0;
    t.p_value = stats::chisq_upper_tail(t.statistic, 1.0);
    r.cmh = t;
  }

  // Breslow-Day and Tarone: expected a under the common OR_MH.
  const double psi = std::exp(estimate);
  double bd = 0.0, sdev = 0.0, sv = 0.0;
  std::size_t k_pos = 0;
  for (const Table& t : tabs.tables) {
    const double n = t.total(), n1 = t.n1(), n2 = t.n2(), xt = t.a + t.c, yt = t.b + t.d;
    double n11 = 0.0;
    if (psi == 1.0) {
      n11 = (n1 / n) * xt;
    } else {
      const double A = psi * (n1 + xt) + (n2 - xt);
      const double B = std::sqrt(A * A - 4.0 * n1 * xt * psi * (psi - 1.0));
      n11 = (A - B) / (2.0 * (psi - 1.0));
    }
    if (!(n11 > 0.0 && xt > 0.0 && yt > 0.0)) continue;
    ++k_pos;
    const double n12 = n1 - n11, n21 = xt - n11, n22 = n11 - n1 - xt + n;
    const double v = 1.0 / (1.0 / n11 + 1.0 / n12 + 1.0 / n21 + 1.0 / n22);
    bd += (t.a - n11) * (t.a - n11) / v;
    sdev += t.a - n11;
    sv += v;
  }
  ChiSquareTest bdt, tat;
  bdt.statistic = std::max(0.0, bd);
  tat.statistic = k_pos > 0 ? std::max(0.0, bd - sdev * sdev / sv) : 0.0;
  bdt.df = tat.df = static_cast<double>(k_pos) - 1.0;
  if (k_pos > 1) {
    bdt.p_value = stats::chisq_upper_tail(bdt.statistic, bdt.df);
    tat.p_value = stats::chisq_upper_tail(tat.statistic, tat.df);
  }
  r.breslow_day = bdt;
  r.tarone = tat;
  return r;
}

PetoResult peto(const TwoByTwoInput& input, const PetoOptions& options) {
  PetoResult r;
  r.options = options;
  const Tables tabs = validate(input, options.level, r.diagnostics);
  if (r.diagnostics.has_errors()) return r;
  r.k = tabs.tables.size();
  r.study = tabs.study;
  double soe = 0.0, sv = 0.0, sq = 0.0;
  for (const Table& t : tabs.tables) {
    const double n = t.total(), n1 = t.n1(), n2 = t.n2(), xt = t.a + t.c, yt = t.b + t.d;
    const double oe = t.a - xt * n1 / n;
    const double v = xt * yt * (n1 / n) * (n2 / n) / (n - 1.0);
    r.o_minus_e.push_back(oe);
    r.v.push_back(v);
    soe += oe;
    sv += v;
    if (v > 0.0) sq += oe * oe / v;
    if (!t.double_zero()) ++r.k_yi;
  }
  if (!(sv > 0.0)) {
    add_undefined(r.diagnostics, "Peto's odds ratio is undefined (the sum of the variances V is 0)",
                  "no table has both events and non-events; use the risk difference");
    return r;
  }
  if (r.k_yi < r.k)
    r.diagnostics.note("tables-without-estimate", {},
                       std::to_string(r.k - r.k_yi) +
                           " table(s) with no events or only events in both groups add nothing to the estimate");
  r.pooled = wald_estimate(soe / sv, 1.0 / std::sqrt(sv), options.level);
  r.heterogeneity = heterogeneity_from_q(sq - soe * soe / sv, r.k_yi);
  return r;
}

}  // namespace evident
