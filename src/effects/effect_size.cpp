// evident: effect sizes from arm-level and contrast-level data.
//
// compute_effects() turns one outcome into contrasts (treat1 versus treat2, TE, seTE) the way R's
// netmeta::pairwise() (meta 8.3-0), meta::metabin / metacont / metainc and metafor::escalc (3.8-1)
// do. Formulas (a, c events and n1, n2 participants in arms 1 and 2, b = n1 - a, d = n2 - c; k1, k2
// the continuity corrections; m = means, s = SDs):
//
// Binary (Cooper & Hedges 1994, Handbook of Research Synthesis, pp. 246-252; meta::metabin):
//   OR  log((a+k1)(d+k2) / ((b+k1)(c+k2)));  var = 1/(a+k1) + 1/(b+k1) + 1/(c+k2) + 1/(d+k2)
//   RR  meta:    log(((a+k1)/(n1+k1)) / ((c+k2)/(n2+k2)));
//                var = 1/(a+k1 [0 if a=n1 and c=n2]) - 1/(n1+k1) + 1/(c+k2 [same]) - 1/(n2+k2)
//                (Hartung & Knapp 2001, Stat Med 20:1771, doi:10.1002/sim.791, eq. 18)
//       metafor: log(((a+k1)/(n1+2k1)) / ((c+k2)/(n2+2k2))); var = 1/(a+k1) - 1/(n1+2k1) + 1/(c+k2) - 1/(n2+2k2)
//   RD  p = (a+k1)/(n1+2k1) etc.; var = p1(1-p1)/(n1+2k1) + p2(1-p2)/(n2+2k2) (both packages);
//       estimate a/n1 - c/n2 (meta) or p1 - p2 (metafor).
//   Double-zero pairs (no events in both arms; for the OR also only events in both arms) are
//   left out unless include_all_zero, as metabin(allstudies = FALSE).
// Continuity corrections: a study is "sparse" when any of its arms has a zero cell (no events or
// only events; rates: no events). netmeta::pairwise() then corrects every arm of the study, so a
// multi-arm study gets the same correction in all its contrasts; for two arms this is metabin's
// and escalc's "only0". Amounts: constant k1 = k2 = value; treatment arm (Sweeting, Sutton &
// Lambert 2004, Stat Med 23:1351, doi:10.1002/sim.1761, section 3.2) k1 = K/(R+1), k2 = K R/(R+1)
// with R = n2/n1 and K = 2 value (so K = 1, Sweeting's choice, for the default 0.5; = meta's
// incr = "TACC"); empirical (section 3.3) k1 = K psi/(R+psi), k2 = K R/(R+psi), psi the
// Mantel-Haenszel odds ratio (risk ratio for RR) of the same comparison in the pairs without zero
// cells.
// Rates (events x, person-time t; Rothman & Greenland 1998; meta::metainc, escalc "IRR"/"IRD"):
//   IRR log((x1+k1)/t1) - log((x2+k2)/t2); var = 1/(x1+k1) + 1/(x2+k2)
//   IRD x1/t1 - x2/t2 (meta) or (x1+k1)/t1 - (x2+k2)/t2 (metafor); var = (x1+k1)/t1^2 + (x2+k2)/t2^2
// Continuous:
//   MD  m1 - m2; var = s1^2/n1 + s2^2/n2 (escalc "MD", metacont)
//   SMD d = (m1 - m2)/S, S^2 = ((n1-1)s1^2 + (n2-1)s2^2)/(n1+n2-2) (Hedges 1981, J Educ Stat 6:107,
//       doi:10.3102/10769986006002107; Hedges & Olkin 1985 ch. 5; Borenstein et al. 2009 ch. 4);
//       g = J(m) d with m = n1 + n2 - 2 and, per SmdCorrection,
//       exact  J = Gamma(m/2)/(sqrt(m/2) Gamma((m-1)/2)) (Hedges 1981; Hedges & Olkin 1985 p. 104),
//              var = 1/n1 + 1/n2 + g^2 (1 - (m-2)/(m J^2))   [metacont default; escalc vtype "UB"]
//       exact_ls  same J, var = 1/n1 + 1/n2 + g^2/(2N)     [escalc "SMD", vtype "LS"]
//       approx J = 1 - 3/(4m-1) (Borenstein 2009 p. 27), var = 1/n1 + 1/n2 + g^2/(2(N-3.94)) [metacont exact.smd =
//       FALSE] none   d, var = 1/n1 + 1/n2 + d^2/(2N)             [Borenstein 2009 pp. 26-27; metacont "Cohen"]
//       Multi-arm studies (netmeta::pairwise(); Crippa & Orsini 2016, BMC Med Res Methodol 16:91,
//       doi:10.1186/s12874-016-0189-0, eqs. 4-5): S pooled over all arms, Cohen's d,
//       var = 1/n1 + 1/n2 + d^2/(2 N_study).
//   GLASS d = (m1 - m2)/s2, m = n2 - 1; exact: escalc "SMD1" vtype "UB"; exact_ls: "SMD1" "LS"
//       (var 1/n1 + 1/n2 + g^2/(2 n2)); approx: approximate J, LS variance; none: meta's Glass
//       (Cooper & Hedges 1994 p. 238), var = 1/n1 + 1/n2 + d^2/(2(n2-1)).
//   ROM log(m1/m2); var = s1^2/(n1 m1^2) + s2^2/(n2 m2^2): the log response ratio and its
//       large-sample variance (Hedges, Gurevitch & Curtis 1999, Ecology 80:1150,
//       doi:10.1890/0012-9658(1999)080[1150:TMAORR]2.0.CO;2; escalc "ROM" vtype "LS");
//       arms with a mean <= 0 are left out (as metacont).
// Single-group (escalc): PR p, var p(1-p)/n; PLN log p, var 1/x - 1/n; PLO log(p/(1-p)),
//   var 1/x + 1/(n-x); PAS asin(sqrt(p)), var 1/(4n); with x, n corrected (x+k, n+2k) except PAS.
// Contrast-level records: the estimate (log of a ratio given on the natural scale) and its SE,
//   or sqrt(variance), or (upper - lower)/(2 z) with z = Phi^-1((1 + level)/2) on the analysis
//   scale, or |estimate| / Phi^-1(1 - p/2) (Altman & Bland 2011, BMJ 343:d2090).
//
// Checked against: the reference files in tests/reference (metafor 3.8-1 escalc, meta 8.3-0,
// netmeta 3.4-0 pairwise) to 1e-10 relative; see tests/unit/effects/effect_size_*_test.cpp and
// docs/methods/effect-sizes.md.
#include "evident/effects/effect_size.hpp"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace evident {
namespace {

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

std::string fmt_num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

bool finite(double v) {
  return std::isfinite(v);
}

std::optional<double> finite_or_none(const std::optional<double>& v) {
  return v && std::isfinite(*v) ? v : std::nullopt;
}

enum class Family { binary, rate, continuous, single_group, contrast_only };

Family family_of(Measure m) {
  switch (m) {
    case Measure::OR:
    case Measure::RR:
    case Measure::RD:
      return Family::binary;
    case Measure::IRR:
    case Measure::IRD:
      return Family::rate;
    case Measure::MD:
    case Measure::SMD:
    case Measure::GLASS:
    case Measure::ROM:
      return Family::continuous;
    case Measure::PR:
    case Measure::PLN:
    case Measure::PLO:
    case Measure::PAS:
      return Family::single_group;
    case Measure::HR:
    case Measure::GEN:
      return Family::contrast_only;
  }
  return Family::contrast_only;
}

const char* family_data(Family f) {
  switch (f) {
    case Family::binary:
      return "binary data (events and n per arm)";
    case Family::rate:
      return "rate data (events and person-time per arm)";
    case Family::continuous:
      return "continuous data (mean, SD and n per arm)";
    case Family::single_group:
      return "binary data (events and n per arm)";
    case Family::contrast_only:
      return "contrast-level data (an estimate and its SE, CI or p-value)";
  }
  return "";
}

/// Does an outcome of this type fit the measure's family? Contrast and time-to-event outcomes
/// accept any measure (their studies give contrasts on the measure's scale).
bool outcome_fits(OutcomeType t, Family f) {
  switch (t) {
    case OutcomeType::binary:
      return f == Family::binary || f == Family::single_group || f == Family::contrast_only;
    case OutcomeType::continuous:
      return f == Family::continuous || f == Family::contrast_only;
    case OutcomeType::rate:
      return f == Family::rate || f == Family::contrast_only;
    case OutcomeType::contrast:
    case OutcomeType::time_to_event:
      return true;
  }
  return true;
}

// Boost.Math reports trouble through errno and a NaN / Inf result instead of throwing: the library
// never throws on user input, and every result is checked for finiteness.
using NoThrow =
    boost::math::policies::policy<boost::math::policies::domain_error<boost::math::policies::errno_on_error>,
                                  boost::math::policies::pole_error<boost::math::policies::errno_on_error>,
                                  boost::math::policies::overflow_error<boost::math::policies::errno_on_error>,
                                  boost::math::policies::evaluation_error<boost::math::policies::errno_on_error>>;

/// Hedges' exact small-sample factor J(m) = Gamma(m/2) / (sqrt(m/2) Gamma((m-1)/2)), m > 1
/// (Hedges 1981; Hedges & Olkin 1985 p. 104), from Boost's accurate Gamma(a) / Gamma(a + delta).
double hedges_j_exact(double m) {
  return boost::math::tgamma_delta_ratio(m / 2.0, -0.5, NoThrow()) / std::sqrt(m / 2.0);
}

double hedges_j_approx(double m) {
  return 1.0 - 3.0 / (4.0 * m - 1.0);
}

/// z with P(Z > z) = upper_tail, from the upper tail so that tiny p-values keep their precision.
double normal_upper_quantile(double upper_tail) {
  return boost::math::quantile(
      boost::math::complement(boost::math::normal_distribution<double, NoThrow>(), upper_tail));
}

// ---------------------------------------------------------------------------------------------
// A usable arm, after checks
// ---------------------------------------------------------------------------------------------

struct UsableArm {
  const Arm* arm = nullptr;
  double n = 0, events = 0, mean = 0, sd = 0, time = 0;
};

/// One study's arms ready for computation.
struct StudyWork {
  std::size_t data_index = 0;  ///< index into outcome.data
  std::string label;
  std::vector<UsableArm> arms;
  bool sparse = false;  ///< some arm has a zero cell (binary: no events or only events; rate: no events)
};

/// Result of one pair (or one arm, for single-group measures).
struct Computed {
  bool ok = false;
  double te = 0, se = 0;
  std::string code;    ///< diagnostic code when !ok
  std::string reason;  ///< why it cannot be computed
  std::string hint;
  std::vector<std::string> notes;
};

Computed fail(std::string code, std::string reason, std::string hint = {}) {
  Computed c;
  c.code = std::move(code);
  c.reason = std::move(reason);
  c.hint = std::move(hint);
  return c;
}

Computed success(double te, double var) {
  Computed c;
  if (!finite(te) || !finite(var)) return fail("effect-not-finite", "the estimate or its variance is not finite");
  if (var <= 0.0)
    return fail("effect-zero-variance", "the standard error is zero",
                "a continuity correction (ContinuityWhere::only_zero or all) makes it positive for sparse counts");
  c.ok = true;
  c.te = te;
  c.se = std::sqrt(var);
  return c;
}

// ---------------------------------------------------------------------------------------------
// Formulas (pure)
// ---------------------------------------------------------------------------------------------

Computed binary_pair(Measure m, double a, double n1, double c, double n2, double k1, double k2,
                     CorrectionConvention conv, bool include_all_zero) {
  const double b = n1 - a, d = n2 - c;
  const bool no_events = a == 0.0 && c == 0.0;
  const bool all_events = b == 0.0 && d == 0.0;
  if (!include_all_zero) {
    if ((m == Measure::OR || m == Measure::RR) && no_events)
      return fail("double-zero", "no events in either arm: the " + std::string(to_string(m)) + " is not estimable",
                  "set include_all_zero to keep such studies (R: allstudies = TRUE)");
    if (m == Measure::OR && all_events)
      return fail("double-zero", "only events in both arms: the OR is not estimable",
                  "set include_all_zero to keep such studies (R: allstudies = TRUE)");
  }
  const std::string zero_hint = "use a continuity correction (ContinuityWhere::only_zero, the default)";
  switch (m) {
    case Measure::OR: {
      const double A = a + k1, B = b + k1, C = c + k2, D = d + k2;
      if (A <= 0 || B <= 0 || C <= 0 || D <= 0)
        return fail("zero-cell", "a zero cell and no continuity correction: the OR is not defined", zero_hint);
      return success(std::log(A * D / (B * C)), 1 / A + 1 / B + 1 / C + 1 / D);
    }
    case Measure::RR: {
      if (a + k1 <= 0 || c + k2 <= 0)
        return fail("zero-cell", "no events in one arm and no continuity correction: the RR is not defined", zero_hint);
      if (conv == CorrectionConvention::meta) {
        const double te = std::log(((a + k1) / (n1 + k1)) / ((c + k2) / (n2 + k2)));
        const double ka = all_events ? 0.0 : k1, kc = all_events ? 0.0 : k2;
        return success(te, 1 / (a + ka) - 1 / (n1 + k1) + 1 / (c + kc) - 1 / (n2 + k2));
      }
      const double N1 = n1 + 2 * k1, N2 = n2 + 2 * k2;
      return success(std::log((a + k1) / N1) - std::log((c + k2) / N2), 1 / (a + k1) - 1 / N1 + 1 / (c + k2) - 1 / N2);
    }
    case Measure::RD: {
      const double N1 = n1 + 2 * k1, N2 = n2 + 2 * k2;
      const double p1 = (a + k1) / N1, p2 = (c + k2) / N2;
      const double var = p1 * (1 - p1) / N1 + p2 * (1 - p2) / N2;
      const double te = conv == CorrectionConvention::meta ? a / n1 - c / n2 : p1 - p2;
      return success(te, var);
    }
    default:
      break;
  }
  return fail("internal", "not a binary measure");
}

Computed rate_pair(Measure m, double x1, double t1, double x2, double t2, double k1, double k2,
                   CorrectionConvention conv) {
  if (m == Measure::IRR) {
    if (x1 + k1 <= 0 || x2 + k2 <= 0)
      return fail("zero-cell", "no events in one arm and no continuity correction: the IRR is not defined",
                  "use a continuity correction (ContinuityWhere::only_zero, the default)");
    return success(std::log((x1 + k1) / t1) - std::log((x2 + k2) / t2), 1 / (x1 + k1) + 1 / (x2 + k2));
  }
  const double te = conv == CorrectionConvention::meta ? x1 / t1 - x2 / t2 : (x1 + k1) / t1 - (x2 + k2) / t2;
  return success(te, (x1 + k1) / (t1 * t1) + (x2 + k2) / (t2 * t2));
}

Computed single_group(Measure m, double x, double n, double k) {
  const double X = x + k, N = n + 2 * k, p = X / N;
  switch (m) {
    case Measure::PR:
      return success(p, p * (1 - p) / N);
    case Measure::PLN:
      if (X <= 0) return fail("zero-cell", "no events and no continuity correction: log(proportion) is not defined");
      return success(std::log(p), 1 / X - 1 / N);
    case Measure::PLO:
      if (X <= 0 || N - X <= 0)
        return fail("zero-cell", "no events (or only events) and no continuity correction: the logit is not defined");
      return success(std::log(p / (1 - p)), 1 / X + 1 / (N - X));
    case Measure::PAS:
      return success(std::asin(std::sqrt(p)), 1 / (4 * N));
    default:
      break;
  }
  return fail("internal", "not a single-group measure");
}

/// Two-arm continuous contrast (MD, ROM, SMD, GLASS without multi-arm pooling).
Computed continuous_pair(Measure m, const UsableArm& g1, const UsableArm& g2, SmdCorrection corr) {
  const double n1 = g1.n, n2 = g2.n, m1 = g1.mean, m2 = g2.mean, s1 = g1.sd, s2 = g2.sd;
  switch (m) {
    case Measure::MD:
      return success(m1 - m2, s1 * s1 / n1 + s2 * s2 / n2);
    case Measure::ROM:
      return success(std::log(m1 / m2), s1 * s1 / (n1 * m1 * m1) + s2 * s2 / (n2 * m2 * m2));
    case Measure::SMD: {
      const double N = n1 + n2, df = N - 2;
      if (df <= 0) return fail("too-few-participants", "n1 + n2 must be greater than 2 for the SMD");
      const double S = std::sqrt(((n1 - 1) * s1 * s1 + (n2 - 1) * s2 * s2) / df);
      if (!(S > 0)) return fail("zero-sd", "the pooled SD is 0: the SMD is not defined");
      const double d = (m1 - m2) / S;
      const double base = 1 / n1 + 1 / n2;
      switch (corr) {
        case SmdCorrection::none:
          return success(d, base + d * d / (2 * N));
        case SmdCorrection::hedges_exact:
        case SmdCorrection::hedges_exact_ls: {
          if (df <= 1)
            return fail("too-few-participants", "n1 + n2 - 2 must be greater than 1 for Hedges' correction",
                        "use SmdCorrection::none (Cohen's d)");
          const double J = hedges_j_exact(df), g = J * d;
          if (corr == SmdCorrection::hedges_exact_ls) return success(g, base + g * g / (2 * N));
          return success(g, base + g * g * (1 - (df - 2) / (df * J * J)));
        }
        case SmdCorrection::hedges_approx: {
          if (N - 3.94 <= 0)
            return fail("too-few-participants", "n1 + n2 must be at least 4 for the approximate Hedges' correction",
                        "use SmdCorrection::none (Cohen's d)");
          const double g = hedges_j_approx(df) * d;
          return success(g, base + g * g / (2 * (N - 3.94)));
        }
      }
      break;
    }
    case Measure::GLASS: {
      const double d = (m1 - m2) / s2, base = 1 / n1 + 1 / n2, df = n2 - 1;
      switch (corr) {
        case SmdCorrection::none:
          if (df <= 0)
            return fail("too-few-participants", "the second arm needs more than 1 participant for Glass's delta");
          return success(d, base + d * d / (2 * df));
        case SmdCorrection::hedges_exact:
        case SmdCorrection::hedges_exact_ls: {
          if (df <= 1)
            return fail("too-few-participants", "the second arm needs more than 2 participants for the correction",
                        "use SmdCorrection::none");
          const double J = hedges_j_exact(df), g = J * d;
          if (corr == SmdCorrection::hedges_exact_ls) return success(g, base + g * g / (2 * n2));
          return success(g, base + g * g * (1 - (df - 2) / (df * J * J)));
        }
        case SmdCorrection::hedges_approx: {
          if (df <= 0.25) return fail("too-few-participants", "the second arm is too small for the correction");
          const double g = hedges_j_approx(df) * d;
          return success(g, base + g * g / (2 * n2));
        }
      }
      break;
    }
    default:
      break;
  }
  return fail("internal", "not a continuous measure");
}

// ---------------------------------------------------------------------------------------------
// The computation context
// ---------------------------------------------------------------------------------------------

/// Notes on arms whose mean or SD were converted or imputed before the effect sizes were computed.
using ArmNotes = std::unordered_map<const Arm*, std::vector<std::string>>;

class Builder {
 public:
  Builder(const Dataset& data, const Outcome& outcome, const EffectOptions& options, EffectSet& out,
          const ArmNotes* arm_notes = nullptr)
      : data_(data),
        outcome_(outcome),
        opt_(options),
        out_(out),
        family_(family_of(options.measure)),
        arm_notes_(arm_notes) {}

  void run();

 private:
  const Dataset& data_;
  const Outcome& outcome_;
  const EffectOptions& opt_;
  EffectSet& out_;
  Family family_;
  const ArmNotes* arm_notes_;
  std::set<std::string> warned_once_;

  void add_arm_notes(const Arm* arm, std::vector<std::string>& notes) const {
    if (arm_notes_ == nullptr) return;
    auto it = arm_notes_->find(arm);
    if (it == arm_notes_->end()) return;
    for (const auto& n : it->second) notes.push_back("arm '" + arm->treatment + "': " + n);
  }

  std::string study_label(std::size_t idx) const {
    if (idx < data_.studies.size() && !data_.studies[idx].label.empty()) return data_.studies[idx].label;
    return "study #" + std::to_string(idx + 1);
  }
  SourceLocation study_source(std::size_t idx) const {
    return idx < data_.studies.size() ? data_.studies[idx].source : SourceLocation{};
  }

  void exclude(const std::string& study, const std::string& treatment, const std::string& reason,
               const SourceLocation& loc, const std::string& code, const std::string& field = {},
               const std::string& hint = {}) {
    out_.excluded.push_back(Exclusion{outcome_.name, study, treatment, reason, loc});
    Diagnostic d;
    d.code = code;
    d.severity = Severity::warning;
    d.location = loc;
    d.study = study;
    d.field = field;
    std::string what = treatment.empty() ? "study '" + study + "'" : "'" + treatment + "' of study '" + study + "'";
    d.message = "outcome '" + outcome_.name + "': " + what + " left out: " + reason;
    d.hint = hint;
    out_.diagnostics.add(std::move(d));
  }

  void warn_once(const std::string& code, const std::string& message, const std::string& hint = {}) {
    if (!warned_once_.insert(code).second) return;
    out_.diagnostics.warning(code, SourceLocation{data_.source_file, 0, 0},
                             "outcome '" + outcome_.name + "': " + message, hint);
  }

  std::optional<StudyWork> usable_arms(std::size_t data_index);
  bool check_arm(const Arm& arm, const std::string& study, UsableArm& ua);
  void process_contrasts(std::size_t data_index);
  void emit_pairs(const StudyWork& sw);
  void emit_single_group(const StudyWork& sw);

  // continuity correction state
  bool any_sparse_ = false;
  std::map<std::pair<std::string, std::string>, double> psi_;  ///< empirical prior, ordered pair -> MH estimate
  void compute_empirical_priors(const std::vector<StudyWork>& studies);
  double prior_for(const std::string& t1, const std::string& t2);
  std::pair<double, double> increments(const StudyWork& sw, const UsableArm& g1, const UsableArm& g2,
                                       std::string& note);
};

bool Builder::check_arm(const Arm& arm, const std::string& study, UsableArm& ua) {
  const Measure m = opt_.measure;
  auto loc_of = [&arm](int column) {
    SourceLocation l = arm.source;
    if (column > 0) l.column = column;
    return l;
  };
  const std::string who = arm.treatment;
  if (arm.treatment.empty()) {
    exclude(study, "(unnamed arm)", "the arm has no treatment name", arm.source, "arm-missing-treatment", "treatment");
    return false;
  }
  auto missing = [&](const char* field, int column, const std::string& hint = {}) {
    exclude(study, who, std::string("no ") + field + " given (needed for " + to_string(m) + ")", loc_of(column),
            "arm-missing-data", field, hint);
    return false;
  };
  auto invalid = [&](const char* field, int column, const std::string& what) {
    exclude(study, who, what, loc_of(column), "arm-invalid-value", field);
    return false;
  };
  ua.arm = &arm;
  if (family_ == Family::binary || family_ == Family::single_group) {
    if (!arm.events) return missing("events", arm.columns.events);
    if (!arm.n) return missing("n", arm.columns.n);
    if (!finite(*arm.n) || *arm.n <= 0) return invalid("n", arm.columns.n, "n must be > 0, got " + fmt_num(*arm.n));
    if (!finite(*arm.events) || *arm.events < 0)
      return invalid("events", arm.columns.events, "events must be >= 0, got " + fmt_num(*arm.events));
    if (*arm.events > *arm.n)
      return invalid("events", arm.columns.events,
                     "more events (" + fmt_num(*arm.events) + ") than participants (" + fmt_num(*arm.n) + ")");
    ua.n = *arm.n;
    ua.events = *arm.events;
    return true;
  }
  if (family_ == Family::rate) {
    if (!arm.events) return missing("events", arm.columns.events);
    if (!arm.time) return missing("time", arm.columns.time);
    if (!finite(*arm.time) || *arm.time <= 0)
      return invalid("time", arm.columns.time, "person-time must be > 0, got " + fmt_num(*arm.time));
    if (!finite(*arm.events) || *arm.events < 0)
      return invalid("events", arm.columns.events, "events must be >= 0, got " + fmt_num(*arm.events));
    ua.events = *arm.events;
    ua.time = *arm.time;
    if (arm.n) ua.n = *arm.n;
    return true;
  }
  // continuous
  const bool has_summaries = arm.median || arm.q1 || arm.q3 || arm.min || arm.max || arm.se;
  const std::string conv_hint =
      has_summaries ? "the arm gives a median, quartiles, range or SE: convert them first (effects/conversions.hpp: "
                      "complete_mean_sd)"
                    : "SDs can be imputed from other studies (effects/conversions.hpp: impute_missing_sds)";
  if (!arm.mean) return missing("mean", arm.columns.mean, has_summaries ? conv_hint : std::string());
  if (!arm.sd) return missing("sd", arm.columns.sd, conv_hint);
  if (!arm.n) return missing("n", arm.columns.n);
  if (!finite(*arm.n) || *arm.n <= 0) return invalid("n", arm.columns.n, "n must be > 0, got " + fmt_num(*arm.n));
  if (!finite(*arm.mean)) return invalid("mean", arm.columns.mean, "the mean is not a finite number");
  if (!finite(*arm.sd) || *arm.sd <= 0)
    return invalid("sd", arm.columns.sd, "the SD must be > 0, got " + fmt_num(*arm.sd));
  if (m == Measure::ROM && *arm.mean <= 0)
    return invalid("mean", arm.columns.mean, "the ratio of means needs a positive mean, got " + fmt_num(*arm.mean));
  ua.n = *arm.n;
  ua.mean = *arm.mean;
  ua.sd = *arm.sd;
  return true;
}

std::optional<StudyWork> Builder::usable_arms(std::size_t data_index) {
  const StudyData& sd = outcome_.data[data_index];
  StudyWork sw;
  sw.data_index = data_index;
  sw.label = study_label(sd.study);
  const SourceLocation where = sd.arms.empty() ? study_source(sd.study) : sd.arms.front().source;
  if (family_ == Family::contrast_only) {
    exclude(sw.label, "",
            std::string("arm-level data cannot give the ") + to_string(opt_.measure) +
                " (it needs an estimate per comparison)",
            where, "arms-for-contrast-measure", "", "choose an arm-level measure (e.g. OR, MD) or give contrasts");
    return std::nullopt;
  }
  // a treatment repeated within the study makes the pairs ambiguous (netmeta stops here); studies
  // have few arms, so a pairwise scan is cheaper than a map
  for (std::size_t i = 0; i < sd.arms.size(); ++i) {
    const std::string& t = sd.arms[i].treatment;
    if (t.empty()) continue;
    bool seen_before = false;
    int k = 0;
    for (std::size_t j = 0; j < sd.arms.size(); ++j) {
      if (sd.arms[j].treatment != t) continue;
      ++k;
      seen_before = seen_before || j < i;
    }
    if (k > 1 && !seen_before) {
      exclude(sw.label, "", "treatment '" + t + "' appears in " + std::to_string(k) + " arms", where,
              "duplicate-treatment", "treatment", "merge the arms or give them distinct treatment names");
      return std::nullopt;
    }
  }
  for (const auto& arm : sd.arms) {
    UsableArm ua;
    if (check_arm(arm, sw.label, ua)) sw.arms.push_back(ua);
  }
  const std::size_t need = family_ == Family::single_group ? 1 : 2;
  if (sw.arms.size() < need) {
    exclude(sw.label, "",
            need == 1 ? std::string("no arm with usable data")
                      : "fewer than 2 arms with usable data (" + std::to_string(sw.arms.size()) + " of " +
                            std::to_string(sd.arms.size()) + ")",
            where, "study-too-few-arms");
    return std::nullopt;
  }
  for (const auto& a : sw.arms) {
    if (family_ == Family::binary || family_ == Family::single_group)
      sw.sparse = sw.sparse || a.events == 0 || a.events == a.n;
    if (family_ == Family::rate) sw.sparse = sw.sparse || a.events == 0;
  }
  return sw;
}

void Builder::compute_empirical_priors(const std::vector<StudyWork>& studies) {
  // Mantel-Haenszel OR (RR) per ordered pair (t1 < t2), from pairs without zero cells.
  struct Acc {
    double num = 0, den = 0;
  };
  std::map<std::pair<std::string, std::string>, Acc> acc;
  for (const auto& sw : studies)
    for (std::size_t i = 0; i < sw.arms.size(); ++i)
      for (std::size_t j = i + 1; j < sw.arms.size(); ++j) {
        const UsableArm* x = &sw.arms[i];
        const UsableArm* y = &sw.arms[j];
        if (y->arm->treatment < x->arm->treatment) std::swap(x, y);
        const double a = x->events, n1 = x->n, c = y->events, n2 = y->n, b = n1 - a, d = n2 - c;
        if (a == 0 || b == 0 || c == 0 || d == 0) continue;
        const double N = n1 + n2;
        auto& s = acc[{x->arm->treatment, y->arm->treatment}];
        if (opt_.measure == Measure::RR) {
          s.num += a * n2 / N;
          s.den += c * n1 / N;
        } else {
          s.num += a * d / N;
          s.den += b * c / N;
        }
      }
  for (const auto& [key, s] : acc)
    if (s.num > 0 && s.den > 0) psi_[key] = s.num / s.den;
}

double Builder::prior_for(const std::string& t1, const std::string& t2) {
  const bool flip = t2 < t1;
  auto it = psi_.find(flip ? std::make_pair(t2, t1) : std::make_pair(t1, t2));
  if (it == psi_.end()) {
    warn_once("empirical-correction-fallback",
              "the empirical continuity correction needs studies without zero cells for the same comparison; "
              "where there are none the treatment-arm correction is used (prior odds ratio 1)");
    return 1.0;
  }
  return flip ? 1.0 / it->second : it->second;
}

std::pair<double, double> Builder::increments(const StudyWork& sw, const UsableArm& g1, const UsableArm& g2,
                                              std::string& note) {
  const auto& cc = opt_.correction;
  bool apply = false;
  std::string why;
  switch (cc.where) {
    case ContinuityWhere::only_zero:
      apply = sw.sparse;
      why = "a zero cell in the study";
      break;
    case ContinuityWhere::all:
      apply = true;
      why = "added to all studies";
      break;
    case ContinuityWhere::if_any_zero:
      apply = any_sparse_;
      why = "a zero cell in some study of the outcome";
      break;
    case ContinuityWhere::none:
      apply = false;
      break;
  }
  if (!apply || cc.value == 0.0) return {0.0, 0.0};
  ContinuityMethod method = cc.method;
  if (family_ == Family::rate && method != ContinuityMethod::constant) {
    warn_once("continuity-method-fallback",
              "the treatment-arm and empirical continuity corrections are defined for binary data only; the "
              "constant correction is used for rates");
    method = ContinuityMethod::constant;
  }
  if (method == ContinuityMethod::empirical && opt_.measure == Measure::RD) {
    warn_once("continuity-method-fallback",
              "the empirical continuity correction needs a ratio measure; the treatment-arm correction is used for "
              "the RD");
    method = ContinuityMethod::treatment_arm;
  }
  double k1 = cc.value, k2 = cc.value;
  std::string how = fmt_num(cc.value) + " added to each cell";
  if (method != ContinuityMethod::constant) {
    const double K = 2 * cc.value, R = g2.n / g1.n;
    double psi = 1.0;
    if (method == ContinuityMethod::empirical) psi = prior_for(g1.arm->treatment, g2.arm->treatment);
    k1 = K * psi / (R + psi);
    k2 = K * R / (R + psi);
    how =
        std::string(method == ContinuityMethod::empirical ? "empirical" : "treatment-arm") +
        " correction (Sweeting 2004" +
        (method == ContinuityMethod::empirical ? ", prior " + std::string(to_string(opt_.measure)) + " " + fmt_num(psi)
                                               : std::string()) +
        "): " + fmt_num(k1) + " / " + fmt_num(k2) + " added to the cells of arm 1 / arm 2";
  }
  note = "continuity correction: " + how + " (" + why + ")";
  if (family_ == Family::rate)
    note = "continuity correction: " + fmt_num(cc.value) + " added to the events (" + why + ")";
  if (cc.convention == CorrectionConvention::meta && (opt_.measure == Measure::RD || opt_.measure == Measure::IRD))
    note += "; standard error only (meta convention)";
  return {k1, k2};
}

void Builder::emit_pairs(const StudyWork& sw) {
  const Measure m = opt_.measure;
  const auto& arms = sw.arms;
  // netmeta::pairwise(): SMD in a study with more than two arms uses the SD pooled over all arms
  // and Cohen's d (Crippa & Orsini 2016, eqs. 4 and 5).
  const bool pooled_smd = m == Measure::SMD && opt_.smd_multiarm_pooled && arms.size() > 2;
  double sd_pooled = 0, n_total = 0;
  if (pooled_smd) {
    double ss = 0, df = 0;
    for (const auto& a : arms) {
      ss += (a.n - 1) * a.sd * a.sd;
      df += a.n - 1;
      n_total += a.n;
    }
    sd_pooled = df > 0 ? std::sqrt(ss / df) : 0.0;
    if (!finite(sd_pooled) || !finite(n_total)) sd_pooled = 0.0;  // left out below
  }
  for (std::size_t i = 0; i < arms.size(); ++i)
    for (std::size_t j = i + 1; j < arms.size(); ++j) {
      const UsableArm& g1 = arms[i];
      const UsableArm& g2 = arms[j];
      EffectContrast ec;
      ec.study = sw.label;
      ec.study_index = outcome_.data[sw.data_index].study;
      ec.treat1 = g1.arm->treatment;
      ec.treat2 = g2.arm->treatment;
      ec.source = g1.arm->source;
      Computed r;
      if (family_ == Family::binary || family_ == Family::rate) {
        std::string note;
        auto [k1, k2] = increments(sw, g1, g2, note);
        if (family_ == Family::binary) {
          r = binary_pair(m, g1.events, g1.n, g2.events, g2.n, k1, k2, opt_.correction.convention,
                          opt_.include_all_zero);
          ec.events1 = g1.events;
          ec.events2 = g2.events;
          ec.n1 = g1.n;
          ec.n2 = g2.n;
        } else {
          r = rate_pair(m, g1.events, g1.time, g2.events, g2.time, k1, k2, opt_.correction.convention);
          ec.events1 = g1.events;
          ec.events2 = g2.events;
          ec.time1 = g1.time;
          ec.time2 = g2.time;
          ec.n1 = finite_or_none(g1.arm->n);
          ec.n2 = finite_or_none(g2.arm->n);
          if (r.ok && g1.events == 0 && g2.events == 0)
            r.notes.push_back("no events in either arm (kept, as meta::metainc and metafor::escalc do)");
        }
        ec.incr1 = k1;
        ec.incr2 = k2;
        if (!note.empty()) r.notes.insert(r.notes.begin(), note);
        if (r.ok && opt_.include_all_zero && (m == Measure::OR || m == Measure::RR) && g1.events == 0 && g2.events == 0)
          r.notes.push_back("no events in either arm (kept: include_all_zero)");
        if (r.ok && opt_.include_all_zero && m == Measure::OR && g1.events == g1.n && g2.events == g2.n)
          r.notes.push_back("only events in both arms (kept: include_all_zero)");
      } else {
        ec.n1 = g1.n;
        ec.n2 = g2.n;
        ec.mean1 = g1.mean;
        ec.mean2 = g2.mean;
        ec.sd1 = g1.sd;
        ec.sd2 = g2.sd;
        if (pooled_smd) {
          if (!(sd_pooled > 0)) {
            r = fail("invalid-sd", "the SD pooled over the study's arms is 0 or not finite");
          } else {
            const double d = (g1.mean - g2.mean) / sd_pooled;
            r = success(d, 1 / g1.n + 1 / g2.n + d * d / (2 * n_total));
            ec.sd1 = sd_pooled;
            ec.sd2 = sd_pooled;
            r.notes.push_back("SMD of a " + std::to_string(arms.size()) +
                              "-arm study: Cohen's d with the SD pooled over "
                              "all arms (" +
                              fmt_num(sd_pooled) + ", total n " + fmt_num(n_total) +
                              "), as netmeta::pairwise() (Crippa & Orsini 2016)");
          }
        } else {
          r = continuous_pair(m, g1, g2, opt_.smd_correction);
        }
      }
      if (!r.ok) {
        exclude(sw.label, ec.treat1 + " vs " + ec.treat2, r.reason, ec.source, "contrast-" + r.code, "", r.hint);
        continue;
      }
      ec.te = r.te;
      ec.se = r.se;
      ec.notes = std::move(r.notes);
      add_arm_notes(g1.arm, ec.notes);
      add_arm_notes(g2.arm, ec.notes);
      out_.contrasts.push_back(std::move(ec));
    }
}

void Builder::emit_single_group(const StudyWork& sw) {
  const Measure m = opt_.measure;
  const auto& cc = opt_.correction;
  if (cc.method != ContinuityMethod::constant)
    warn_once("continuity-method-fallback",
              "single-group measures use the constant continuity correction (the treatment-arm and empirical "
              "corrections need two arms)");
  for (const auto& g : sw.arms) {
    const bool zero = g.events == 0 || g.events == g.n;
    bool apply = false;
    std::string why;
    switch (cc.where) {
      case ContinuityWhere::only_zero:
        apply = zero;
        why = "no events or only events";
        break;
      case ContinuityWhere::all:
        apply = true;
        why = "added to all arms";
        break;
      case ContinuityWhere::if_any_zero:
        apply = any_sparse_;
        why = "some arm of the outcome has no events or only events";
        break;
      case ContinuityWhere::none:
        break;
    }
    // escalc's default for PAS adds nothing (the arcsine transform is defined at 0 and 1)
    const double k = (apply && m != Measure::PAS) ? cc.value : 0.0;
    Computed r = single_group(m, g.events, g.n, k);
    EffectContrast ec;
    ec.study = sw.label;
    ec.study_index = outcome_.data[sw.data_index].study;
    ec.treat1 = g.arm->treatment;
    ec.source = g.arm->source;
    ec.events1 = g.events;
    ec.n1 = g.n;
    ec.incr1 = k;
    if (!r.ok) {
      exclude(sw.label, ec.treat1, r.reason, ec.source, "arm-" + r.code, "", r.hint);
      continue;
    }
    if (k > 0)
      r.notes.insert(r.notes.begin(), "continuity correction: " + fmt_num(k) +
                                          " added to events and "
                                          "non-events (" +
                                          why + ")");
    ec.te = r.te;
    ec.se = r.se;
    ec.notes = std::move(r.notes);
    out_.contrasts.push_back(std::move(ec));
  }
}

// ---------------------------------------------------------------------------------------------
// Contrast-level records
// ---------------------------------------------------------------------------------------------

void Builder::process_contrasts(std::size_t data_index) {
  const StudyData& sd = outcome_.data[data_index];
  const std::string label = study_label(sd.study);
  const Measure m = opt_.measure;
  const bool ratio = is_ratio(m);
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& rec : sd.contrasts) {
    const std::string who = rec.treat1 + " vs " + rec.treat2;
    auto drop = [&](const std::string& reason, const std::string& code, const std::string& field = {},
                    const std::string& hint = {}) { exclude(label, who, reason, rec.source, code, field, hint); };
    if (rec.treat1.empty() || rec.treat2.empty()) {
      drop("a treatment name is missing", "contrast-missing-treatment", "treatment");
      continue;
    }
    if (rec.treat1 == rec.treat2) {
      drop("both sides of the comparison are '" + rec.treat1 + "'", "contrast-same-treatment", "treatment");
      continue;
    }
    const auto key =
        rec.treat1 < rec.treat2 ? std::make_pair(rec.treat1, rec.treat2) : std::make_pair(rec.treat2, rec.treat1);
    if (!seen.insert(key).second) {
      drop("the comparison is given twice in the study (the first is used)", "contrast-duplicate");
      continue;
    }
    EffectContrast ec;
    ec.study = label;
    ec.study_index = sd.study;
    ec.treat1 = rec.treat1;
    ec.treat2 = rec.treat2;
    ec.source = rec.source;
    ec.n1 = finite_or_none(rec.n1);  // informative only; never NaN in the output
    ec.n2 = finite_or_none(rec.n2);
    ec.events1 = finite_or_none(rec.events1);
    ec.events2 = finite_or_none(rec.events2);
    const bool to_log = ratio && !rec.log_scale;
    // the analysis scale: logs of ratios given on the natural scale
    auto scale = [&](double v, const char* what, std::string& problem) -> std::optional<double> {
      if (!finite(v)) {
        problem = std::string("the ") + what + " is not a finite number";
        return std::nullopt;
      }
      if (!to_log) return v;
      if (v <= 0) {
        problem = std::string("the ") + what + " of a ratio must be > 0 on the natural scale, got " + fmt_num(v);
        return std::nullopt;
      }
      return std::log(v);
    };
    std::string problem;
    std::optional<double> te, lo, hi;
    if (rec.estimate) {
      te = scale(*rec.estimate, "estimate", problem);
      if (!te) {
        drop(problem, "contrast-invalid-value", "estimate");
        continue;
      }
    }
    const bool has_ci = rec.ci_lower && rec.ci_upper;
    if (has_ci) {
      lo = scale(*rec.ci_lower, "lower CI limit", problem);
      if (lo) hi = scale(*rec.ci_upper, "upper CI limit", problem);
      if (!lo || !hi) {
        drop(problem, "contrast-invalid-value", "ci");
        continue;
      }
    }
    if (to_log) ec.notes.push_back("log of the ratio given on the natural scale");
    if (!te && lo && hi) {
      te = (*lo + *hi) / 2;
      ec.notes.push_back(std::string("estimate taken as the midpoint of the CI") + (to_log ? " on the log scale" : ""));
    }
    if (!te) {
      drop("no estimate given", "contrast-missing-estimate", "estimate");
      continue;
    }
    std::optional<double> se;
    if (rec.se) {
      if (!finite(*rec.se) || *rec.se <= 0) {
        drop("the SE must be > 0, got " + fmt_num(*rec.se), "contrast-invalid-value", "se");
        continue;
      }
      se = *rec.se;
    } else if (rec.variance) {
      if (!finite(*rec.variance) || *rec.variance <= 0) {
        drop("the variance must be > 0, got " + fmt_num(*rec.variance), "contrast-invalid-value", "variance");
        continue;
      }
      se = std::sqrt(*rec.variance);
      ec.notes.push_back("SE = sqrt(variance)");
    } else if (lo && hi) {
      if (!(rec.ci_level > 0 && rec.ci_level < 1)) {
        drop("the CI level must be between 0 and 1, got " + fmt_num(rec.ci_level), "contrast-invalid-value",
             "ci_level");
        continue;
      }
      if (!(*hi > *lo)) {
        drop("the upper CI limit must be above the lower one", "contrast-invalid-value", "ci");
        continue;
      }
      const double z = normal_upper_quantile((1 - rec.ci_level) / 2);
      se = (*hi - *lo) / (2 * z);
      ec.notes.push_back("SE from the " + fmt_num(100 * rec.ci_level) + "% CI" + (to_log ? " (log scale)" : "") +
                         ": (upper - lower) / (2 x " + fmt_num(z) + ")");
    } else if (rec.p_value) {
      const double p = *rec.p_value;
      if (!(p > 0 && p < 1)) {
        drop("the p-value must be between 0 and 1 (exclusive) to give an SE, got " + fmt_num(p),
             "contrast-invalid-value", "p_value");
        continue;
      }
      if (*te == 0) {
        drop("an estimate of 0 with a p-value gives no SE", "contrast-missing-se", "p_value");
        continue;
      }
      const double z = normal_upper_quantile(p / 2);
      se = std::fabs(*te) / z;
      ec.notes.push_back("SE from the two-sided p-value " + fmt_num(p) + ": |estimate| / " + fmt_num(z));
    } else {
      drop("no SE, variance, confidence interval or p-value given", "contrast-missing-se", "se",
           "give the SE, the variance, a confidence interval or a p-value");
      continue;
    }
    if (!finite(*te) || !finite(*se) || *se <= 0) {
      drop("the estimate or its SE is not a positive finite number", "contrast-not-finite");
      continue;
    }
    ec.te = *te;
    ec.se = *se;
    out_.contrasts.push_back(std::move(ec));
  }
}

// ---------------------------------------------------------------------------------------------

void Builder::run() {
  const Measure m = opt_.measure;
  out_.outcome = outcome_.name;
  out_.measure = m;
  out_.options = opt_;
  if (!outcome_fits(outcome_.type, family_)) {
    out_.diagnostics.error("measure-not-applicable", SourceLocation{data_.source_file, 0, 0},
                           "outcome '" + outcome_.name + "' is " + to_string(outcome_.type) + "; the measure " +
                               to_string(m) + " needs " + family_data(family_),
                           std::string("the default for this outcome is ") + to_string(default_measure(outcome_)));
    return;
  }
  const auto& cc = opt_.correction;
  if (!finite(cc.value) || cc.value < 0) {
    out_.diagnostics.error("invalid-option", SourceLocation{},
                           "the continuity correction must be a number >= 0, got " + fmt_num(cc.value));
    return;
  }
  // pass 1: check arms (in study order); contrasts need nothing from other studies
  std::vector<StudyWork> work;
  std::vector<int> work_of(outcome_.data.size(), -1);
  for (std::size_t i = 0; i < outcome_.data.size(); ++i) {
    const StudyData& sd = outcome_.data[i];
    if (sd.arms.empty()) continue;
    for (const auto& rec : sd.contrasts)
      exclude(study_label(sd.study), rec.treat1 + " vs " + rec.treat2,
              "the study also gives arm-level data, which is used instead", rec.source, "contrast-and-arms");
    if (auto sw = usable_arms(i)) {
      work_of[i] = static_cast<int>(work.size());
      any_sparse_ = any_sparse_ || sw->sparse;
      work.push_back(std::move(*sw));
    }
  }
  if (cc.method == ContinuityMethod::empirical && family_ == Family::binary) compute_empirical_priors(work);
  // pass 2: contrasts in study order
  for (std::size_t i = 0; i < outcome_.data.size(); ++i) {
    const StudyData& sd = outcome_.data[i];
    if (!sd.arms.empty()) {
      if (work_of[i] < 0) continue;
      const StudyWork& sw = work[static_cast<std::size_t>(work_of[i])];
      if (family_ == Family::single_group)
        emit_single_group(sw);
      else
        emit_pairs(sw);
    } else if (!sd.contrasts.empty()) {
      process_contrasts(i);
    } else {
      exclude(study_label(sd.study), "", "no arms and no contrasts given", study_source(sd.study), "study-no-data");
    }
  }
}

}  // namespace

EffectSet compute_effects(const Dataset& data, const Outcome& outcome, const EffectOptions& options) {
  EffectSet out;
  const bool continuous = family_of(options.measure) == Family::continuous;
  auto needs_conversion = [](const Arm& a) {
    return !(a.mean && a.sd) && (a.median || a.q1 || a.q3 || a.min || a.max || a.se);
  };
  bool any_conversion = false;
  if (continuous && options.convert_summaries)
    for (const auto& sd : outcome.data)
      for (const auto& a : sd.arms) any_conversion = any_conversion || needs_conversion(a);
  if (!continuous || (!any_conversion && !options.impute_missing_sd) || outcome.type != OutcomeType::continuous) {
    Builder(data, outcome, options, out).run();
    return out;
  }
  // Complete means and SDs from reported summaries, then impute missing SDs, on a copy of the
  // outcome; the notes travel with the arms to the contrasts that use them.
  Outcome prepared = outcome;
  std::vector<std::vector<std::vector<std::string>>> notes(prepared.data.size());
  for (std::size_t i = 0; i < prepared.data.size(); ++i) {
    auto& arms = prepared.data[i].arms;
    notes[i].resize(arms.size());
    if (!options.convert_summaries) continue;
    for (std::size_t j = 0; j < arms.size(); ++j) {
      Arm& arm = arms[j];
      if (!needs_conversion(arm)) continue;
      ArmConversion conv = complete_mean_sd(arm, options.conversion);
      out.diagnostics.append(conv.diagnostics);
      if (conv.mean && !arm.mean) arm.mean = conv.mean;
      if (conv.sd && !arm.sd) arm.sd = conv.sd;
      for (auto& n : conv.notes) notes[i][j].push_back(std::move(n));
    }
  }
  if (options.impute_missing_sd) {
    ImputationResult imp = impute_missing_sds(data, prepared, options.imputation);
    out.diagnostics.append(imp.diagnostics);
    apply_imputations(prepared, imp);
    for (const auto& a : imp.imputed)
      if (a.data_index < notes.size() && a.arm_index < notes[a.data_index].size())
        notes[a.data_index][a.arm_index].push_back(a.note);
  }
  ArmNotes by_arm;
  for (std::size_t i = 0; i < prepared.data.size(); ++i)
    for (std::size_t j = 0; j < prepared.data[i].arms.size(); ++j)
      if (!notes[i][j].empty()) by_arm[&prepared.data[i].arms[j]] = notes[i][j];
  Builder(data, prepared, options, out, &by_arm).run();
  return out;
}

}  // namespace evident
