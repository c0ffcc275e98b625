// evident: CINeMA domains for network comparisons (see cinema.hpp for the rules and their sources).
#include "evident/certainty/cinema.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <set>

#include "evident/core/diagnostic_json.hpp"
#include "evident/core/distributions.hpp"
#include "evident/core/json_number.hpp"

namespace evident {
namespace {

constexpr double kShareEps = 1e-10;  // shares below this are rounding noise of the contribution matrix
const double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string num(double v) {
  return std::isfinite(v) ? fmt::format("{:.3g}", v) : std::string("NA");
}
std::string pct(double share) {
  return fmt::format("{:.0f}%", 100.0 * share);
}
std::string interval(double lo, double hi) {
  return fmt::format("({} to {})", num(lo), num(hi));
}

/// Looks up "a:b" or "b:a" in a map keyed by comparison labels.
template <class Map>
auto find_pair(const Map& m, const std::string& a, const std::string& b) {
  auto it = m.find(a + ":" + b);
  if (it == m.end()) it = m.find(b + ":" + a);
  return it;
}

int level_of(Judgement j) {
  return j == Judgement::low ? 1 : j == Judgement::some_concerns ? 2 : 3;
}
Concern concern_of_level(int level) {
  return level <= 1 ? Concern::no : level == 2 ? Concern::some : Concern::major;
}

const char* rule_words(RobRule r) {
  switch (r) {
    case RobRule::majority:
      return "majority rule";
    case RobRule::highest:
      return "highest rule";
    case RobRule::average:
      return "average rule";
  }
  return "";
}

/// Shares of one comparison row by study level (1-3, 0 = missing).
LevelShares shares_of(const Eigen::MatrixXd& study_contribution, Eigen::Index row, const std::vector<int>& level,
                      MissingJudgement missing) {
  LevelShares s;
  for (std::size_t c = 0; c < level.size(); ++c) {
    const double share = std::max(0.0, study_contribution(row, static_cast<Eigen::Index>(c)));
    if (share < kShareEps) continue;
    switch (level[c]) {
      case 1:
        s.low += share;
        break;
      case 2:
        s.some += share;
        break;
      case 3:
        s.high += share;
        break;
      default:
        s.missing += share;
        if (missing == MissingJudgement::some_concerns) s.some += share;
        break;
    }
  }
  const double total = s.low + s.some + s.high;
  if (total > 0.0) {
    s.low /= total;
    s.some /= total;
    s.high /= total;
  }
  s.average = s.low + 2.0 * s.some + 3.0 * s.high;
  return s;
}

DomainJudgement level_domain(const char* name, const char* what, const LevelShares& s, RobRule rule,
                             MissingJudgement missing) {
  DomainJudgement j;
  j.domain = name;
  if (s.low + s.some + s.high <= 0.0) {
    j.concern = Concern::no;
    j.needs_reviewer = true;
    j.reason = fmt::format("no study contributing to this estimate has a {} judgement", what);
    return j;
  }
  j.concern = summarise_levels(s, rule);
  std::string detail = fmt::format("{} of the information from studies at low, {} at some concerns, {} at high {}",
                                   pct(s.low), pct(s.some), pct(s.high), what);
  if (rule == RobRule::average) detail += fmt::format(" (average score {} on 1-3)", num(s.average));
  if (s.missing > kShareEps)
    detail += fmt::format("; {} from studies without a judgement, {}", pct(s.missing),
                          missing == MissingJudgement::some_concerns ? "counted as some concerns" : "left out");
  j.reason = fmt::format("{}: {}", rule_words(rule), detail);
  return j;
}

Concern concern_of_reporting(ReportingBias r) {
  return r == ReportingBias::undetected ? Concern::no : r == ReportingBias::suspected ? Concern::some : Concern::major;
}

Concern global_test_concern(double p) {
  return p > 0.10 ? Concern::no : p >= 0.01 ? Concern::some : Concern::major;
}

struct Areas {
  bool a = false, b = false, c = false;
};
Areas areas_of(double lo, double hi, const EquivalenceRange& r) {
  return Areas{lo < r.lower, lo <= r.upper && hi >= r.lower, hi > r.upper};
}
std::string areas_words(const Areas& x) {
  std::string s;
  auto add = [&](bool on, const char* w) {
    if (!on) return;
    if (!s.empty()) s += ", ";
    s += w;
  };
  add(x.a, "below the range");
  add(x.b, "in the range");
  add(x.c, "above the range");
  return s;
}

const char* crossings_words(int n) {
  return n == 0 ? "none" : n == 1 ? "one" : "both";
}

}  // namespace

const char* to_string(RobRule r) {
  switch (r) {
    case RobRule::majority:
      return "majority";
    case RobRule::highest:
      return "highest";
    case RobRule::average:
      return "average";
  }
  return "";
}

std::optional<RobRule> parse_rob_rule(const std::string& s) {
  const std::string t = normalise_word(s);
  if (t == "majority") return RobRule::majority;
  if (t == "highest" || t == "max" || t == "maximum") return RobRule::highest;
  if (t == "average" || t == "mean") return RobRule::average;
  return std::nullopt;
}

const char* to_string(ReportingBias r) {
  switch (r) {
    case ReportingBias::undetected:
      return "undetected";
    case ReportingBias::suspected:
      return "suspected";
    case ReportingBias::strongly_suspected:
      return "strongly suspected";
  }
  return "";
}

std::optional<ReportingBias> parse_reporting_bias(const std::string& s) {
  const std::string t = normalise_word(s);
  if (t == "undetected" || t == "not detected" || t == "no") return ReportingBias::undetected;
  if (t == "suspected" || t == "some") return ReportingBias::suspected;
  if (t == "strongly suspected" || t == "major") return ReportingBias::strongly_suspected;
  return std::nullopt;
}

const DomainJudgement* CinemaComparison::domain(const std::string& name) const {
  for (const auto& d : domains)
    if (d.domain == name) return &d;
  return nullptr;
}

const CinemaComparison* CinemaResult::find(const std::string& a, const std::string& b) const {
  for (const auto& c : comparisons)
    if ((c.treat1 == a && c.treat2 == b) || (c.treat1 == b && c.treat2 == a)) return &c;
  return nullptr;
}

int range_crossings(double lower, double upper, const EquivalenceRange& range) {
  int n = 0;
  if (lower < range.lower && range.lower < upper) ++n;
  if (lower < range.upper && range.upper < upper) ++n;
  return n;
}

Concern heterogeneity_concern(int ci_crossings, int pi_crossings) {
  // CINeMA documentation, "Heterogeneity": rows CI crossings, columns PI crossings; the cells below the
  // diagonal cannot occur (the PI contains the CI) and are read as no concerns.
  const int d = pi_crossings - ci_crossings;
  return d <= 0 ? Concern::no : d == 1 ? Concern::some : Concern::major;
}

Concern summarise_levels(const LevelShares& s, RobRule rule) {
  switch (rule) {
    case RobRule::majority: {
      // The level with the largest share; ties go to the higher level.
      if (s.high >= s.some && s.high >= s.low) return Concern::major;
      if (s.some >= s.low) return Concern::some;
      return Concern::no;
    }
    case RobRule::highest:
      if (s.high > kShareEps) return Concern::major;
      if (s.some > kShareEps) return Concern::some;
      return Concern::no;
    case RobRule::average: {
      const double a = s.average;
      return a < 1.5 ? Concern::no : a < 2.5 ? Concern::some : Concern::major;
    }
  }
  return Concern::no;
}

CinemaResult cinema(const NetworkAnalysis& analysis, const Dataset& data, const CinemaOptions& options) {
  CinemaResult out;
  out.outcome = analysis.outcome;
  out.measure = analysis.measure;
  out.model = options.model;
  out.rob_rule = options.rob_rule;
  out.indirectness_rule = options.indirectness_rule;
  const NmaResult& nma = analysis.nma;
  if (!nma.ok()) {
    out.diagnostics.error("cinema-no-network", {}, "the network meta-analysis has errors; CINeMA cannot be applied");
    return out;
  }
  if (!analysis.contribution || !analysis.contribution->ok() || analysis.contribution->study_contribution.size() == 0) {
    out.diagnostics.error("cinema-no-contribution", {},
                          "the network analysis has no study contribution matrix; within-study bias and indirectness "
                          "need it",
                          "run the network analysis with the contribution matrix (NetworkOptions::contribution)");
    return out;
  }
  const ContributionResult& contrib = *analysis.contribution;
  if (contrib.model != options.model)
    out.diagnostics.note("cinema-contribution-model", {},
                         fmt::format("the contribution matrix is of the {} model, the estimates of the {} model",
                                     to_string(contrib.model), to_string(options.model)));

  // Range of equivalence.
  if (options.range) {
    out.range = options.range;
  } else if (options.mid) {
    out.range = EquivalenceRange{-std::fabs(*options.mid), std::fabs(*options.mid)};
  } else if (const Outcome* o = data.find_outcome(analysis.outcome); o != nullptr && o->mid) {
    out.range = EquivalenceRange{-std::fabs(*o->mid), std::fabs(*o->mid)};
  }
  if (out.range && !(out.range->lower < out.range->upper)) {
    out.diagnostics.error("cinema-bad-range", {},
                          fmt::format("the range of equivalence must have lower < upper, got {}",
                                      interval(out.range->lower, out.range->upper)));
    return out;
  }
  if (!out.range)
    out.diagnostics.warning("cinema-no-range", {},
                            "no range of equivalence (MID) given: imprecision and heterogeneity need the reviewer",
                            "give the outcome's minimally important difference on the analysis scale");

  // Study levels, in contribution-matrix column order.
  std::vector<int> rob(contrib.studies.size(), 0), ind(contrib.studies.size(), 0);
  std::vector<std::string> no_rob, no_ind;
  for (std::size_t c = 0; c < contrib.studies.size(); ++c) {
    const std::size_t s = data.find_study(contrib.studies[c]);
    const Study* st = s == Dataset::npos ? nullptr : &data.studies[s];
    if (st != nullptr && st->rob.overall)
      rob[c] = level_of(*st->rob.overall);
    else
      no_rob.push_back(contrib.studies[c]);
    if (st != nullptr && st->indirectness)
      ind[c] = level_of(*st->indirectness);
    else
      no_ind.push_back(contrib.studies[c]);
  }
  const char* treat_missing =
      options.missing == MissingJudgement::some_concerns ? "counted as some concerns" : "left out of the weighting";
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
  };
  if (!no_rob.empty())
    out.diagnostics.note("cinema-rob-missing", {},
                         fmt::format("{} stud{} without an overall risk-of-bias judgement ({}): {}", no_rob.size(),
                                     no_rob.size() == 1 ? "y" : "ies", treat_missing, join(no_rob)));
  if (!no_ind.empty())
    out.diagnostics.note("cinema-indirectness-missing", {},
                         fmt::format("{} stud{} without an indirectness judgement ({}): {}", no_ind.size(),
                                     no_ind.size() == 1 ? "y" : "ies", treat_missing, join(no_ind)));

  const NmaModel& model = options.model == NmaModelKind::random ? nma.random : nma.common;
  const NetsplitModel* split = nullptr;
  if (analysis.netsplit && analysis.netsplit->ok())
    split = options.model == NmaModelKind::random ? &analysis.netsplit->random : &analysis.netsplit->common;
  const double z = stats::normal_upper_quantile((1.0 - nma.level) / 2.0);
  const int level_pct = static_cast<int>(std::lround(100.0 * nma.level));

  // Reporting bias default from the comparison-adjusted funnel plot.
  std::optional<double> egger_p;
  if (analysis.funnel && analysis.funnel->ok() && analysis.funnel->egger && analysis.funnel->egger->ok())
    egger_p = analysis.funnel->egger->p_value;

  std::set<std::string> used_overrides, used_overall;

  for (std::size_t r = 0; r < contrib.comparisons.size(); ++r) {
    const TreatmentPair& pair = contrib.comparisons[r];
    CinemaComparison cmp;
    cmp.treat1 = nma.treatments[pair.t1];
    cmp.treat2 = nma.treatments[pair.t2];
    cmp.comparison = cmp.treat1 + ":" + cmp.treat2;
    const auto i = static_cast<Eigen::Index>(pair.t1), k = static_cast<Eigen::Index>(pair.t2);
    cmp.direct = contrib.edge_of(cmp.treat1, cmp.treat2) != ContributionResult::npos;
    cmp.estimate = model.TE(i, k);
    cmp.ci_lower = model.lower(i, k);
    cmp.ci_upper = model.upper(i, k);
    cmp.pi_lower = nma.prediction.lower.size() > 0 ? nma.prediction.lower(i, k) : kNaN;
    cmp.pi_upper = nma.prediction.upper.size() > 0 ? nma.prediction.upper(i, k) : kNaN;
    const auto row = static_cast<Eigen::Index>(r);
    cmp.rob = shares_of(contrib.study_contribution, row, rob, options.missing);
    cmp.indirectness = shares_of(contrib.study_contribution, row, ind, options.missing);

    // 1. Within-study bias.
    cmp.domains.push_back(level_domain(kWithinStudyBias, "risk of bias", cmp.rob, options.rob_rule, options.missing));

    // 2. Reporting bias.
    {
      DomainJudgement j;
      j.domain = kReportingBias;
      const auto it = find_pair(options.reporting_bias, cmp.treat1, cmp.treat2);
      if (it != options.reporting_bias.end()) {
        j.concern = concern_of_reporting(it->second);
        j.reason = fmt::format("reviewer's judgement for this comparison: reporting bias {}", to_string(it->second));
      } else if (options.reporting_bias_all) {
        j.concern = concern_of_reporting(*options.reporting_bias_all);
        j.reason = fmt::format("reviewer's judgement for all comparisons: reporting bias {}",
                               to_string(*options.reporting_bias_all));
      } else if (egger_p) {
        const bool suspected = *egger_p < options.reporting_bias_alpha;
        j.concern = suspected ? Concern::some : Concern::no;
        j.needs_reviewer = true;
        j.reason = fmt::format(
            "comparison-adjusted funnel plot, Egger's test p = {} ({} {}): reporting bias {}; the reviewer should "
            "confirm",
            num(*egger_p), suspected ? "<" : ">=", num(options.reporting_bias_alpha),
            suspected ? "suspected" : "undetected");
      } else {
        j.concern = Concern::no;
        j.needs_reviewer = true;
        j.reason =
            "no test for small-study effects (fewer than 10 studies in the comparison-adjusted funnel plot); "
            "the reviewer should judge reporting bias";
      }
      cmp.domains.push_back(std::move(j));
    }

    // 3. Indirectness.
    cmp.domains.push_back(
        level_domain(kIndirectness, "indirectness", cmp.indirectness, options.indirectness_rule, options.missing));

    // 4. Imprecision.
    {
      DomainJudgement j;
      j.domain = kImprecision;
      if (!out.range) {
        j.needs_reviewer = true;
        j.reason = fmt::format("no range of equivalence given; the {}% CI is {}", level_pct,
                               interval(cmp.ci_lower, cmp.ci_upper));
      } else {
        const int n = range_crossings(cmp.ci_lower, cmp.ci_upper, *out.range);
        j.concern = concern_of_level(n + 1);
        j.reason = fmt::format("the {}% CI {} crosses {} of the bounds of the range of equivalence {}", level_pct,
                               interval(cmp.ci_lower, cmp.ci_upper), crossings_words(n),
                               interval(out.range->lower, out.range->upper));
      }
      cmp.domains.push_back(std::move(j));
    }

    // 5. Heterogeneity.
    {
      DomainJudgement j;
      j.domain = kHeterogeneity;
      const bool has_pi = std::isfinite(cmp.pi_lower) && std::isfinite(cmp.pi_upper);
      if (!has_pi) {
        j.needs_reviewer = true;
        j.reason = "no prediction interval (the network has no degrees of freedom for heterogeneity)";
      } else if (!out.range) {
        j.needs_reviewer = true;
        j.reason = fmt::format("no range of equivalence given; tau2 = {}, the prediction interval is {}", num(nma.tau2),
                               interval(cmp.pi_lower, cmp.pi_upper));
      } else {
        const int c = range_crossings(cmp.ci_lower, cmp.ci_upper, *out.range);
        const int p = range_crossings(cmp.pi_lower, cmp.pi_upper, *out.range);
        j.concern = heterogeneity_concern(c, p);
        j.reason = fmt::format(
            "tau2 = {}; the {}% CI {} crosses {} and the prediction interval {} crosses {} of the bounds of the "
            "range of equivalence{}",
            num(nma.tau2), level_pct, interval(cmp.ci_lower, cmp.ci_upper), crossings_words(c),
            interval(cmp.pi_lower, cmp.pi_upper), crossings_words(p),
            j.concern == Concern::no ? ": heterogeneity does not change the conclusion"
                                     : ": heterogeneity could change the conclusion");
      }
      cmp.domains.push_back(std::move(j));
    }

    // 6. Incoherence.
    {
      DomainJudgement j;
      j.domain = kIncoherence;
      const NetsplitRow* srow = nullptr;
      bool flip = false;
      if (split != nullptr)
        for (const auto& sr : split->rows) {
          if (sr.treat1 == cmp.treat1 && sr.treat2 == cmp.treat2)
            srow = &sr;
          else if (sr.treat1 == cmp.treat2 && sr.treat2 == cmp.treat1) {
            srow = &sr;
            flip = true;
          }
          if (srow != nullptr) break;
        }
      const bool has_direct = srow != nullptr ? std::isfinite(srow->direct) : cmp.direct;
      const bool has_indirect = srow != nullptr && std::isfinite(srow->indirect);
      const std::optional<double> global_p = analysis.decomposition && analysis.decomposition->ok() &&
                                                     std::isfinite(analysis.decomposition->between_random.p_value)
                                                 ? std::optional<double>(analysis.decomposition->between_random.p_value)
                                                 : std::nullopt;
      if (has_direct && !has_indirect && (srow != nullptr || nma.designs <= 1)) {
        j.concern = Concern::no;
        j.reason = "only direct evidence: incoherence cannot arise";
      } else if (!has_direct) {
        if (global_p) {
          j.concern = global_test_concern(*global_p);
          j.reason = fmt::format(
              "only indirect evidence; design-by-treatment interaction test (random effects) Q = {}, df = {}, "
              "p = {}",
              num(analysis.decomposition->between_random.Q), num(analysis.decomposition->between_random.df),
              num(*global_p));
        } else {
          j.needs_reviewer = true;
          j.reason = "only indirect evidence and no design-by-treatment interaction test available";
        }
      } else if (srow == nullptr) {
        j.needs_reviewer = true;
        j.reason = "direct and indirect evidence, but no netsplit (SIDE) results are available";
      } else {
        const double sgn = flip ? -1.0 : 1.0;
        const double d = sgn * srow->direct, ind_est = sgn * srow->indirect;
        const double dl = d - z * srow->direct_se, du = d + z * srow->direct_se;
        const double il = ind_est - z * srow->indirect_se, iu = ind_est + z * srow->indirect_se;
        const std::string side = fmt::format("direct {} {}, indirect {} {}, SIDE p = {}", num(d), interval(dl, du),
                                             num(ind_est), interval(il, iu), num(srow->p_value));
        if (options.incoherence_rule == IncoherenceRule::ci_agreement && out.range) {
          const Areas a = areas_of(dl, du, *out.range), b = areas_of(il, iu, *out.range);
          const int agree = (a.a == b.a ? 1 : 0) + (a.b == b.b ? 1 : 0) + (a.c == b.c ? 1 : 0);
          j.concern = agree == 3 ? Concern::no : agree == 2 ? Concern::some : Concern::major;
          j.reason = fmt::format(
              "{}; against the range of equivalence {} the direct CI lies {} and the indirect CI {} (agree on {} of 3 "
              "areas)",
              side, interval(out.range->lower, out.range->upper), areas_words(a), areas_words(b), agree);
        } else {
          j.concern = global_test_concern(srow->p_value);
          j.reason = fmt::format("{} (SIDE p rule: > 0.10 no, 0.01-0.10 some, < 0.01 major concerns){}", side,
                                 options.incoherence_rule == IncoherenceRule::ci_agreement
                                     ? "; no range of equivalence for CINeMA's CI rule"
                                     : "");
          if (options.incoherence_rule == IncoherenceRule::ci_agreement) j.needs_reviewer = true;
        }
      }
      cmp.domains.push_back(std::move(j));
    }

    // Overrides.
    if (const auto it = find_pair(options.overrides, cmp.treat1, cmp.treat2); it != options.overrides.end()) {
      used_overrides.insert(it->first);
      for (const auto& [name, ov] : it->second) {
        if (!override_domain(cmp.domains, name, ov.concern, ov.reason))
          out.diagnostics.warning(
              "cinema-unknown-domain", {},
              fmt::format("override for comparison {} names an unknown domain '{}'", cmp.comparison, name),
              "domains: within-study bias, reporting bias, indirectness, imprecision, "
              "heterogeneity, incoherence");
      }
    }

    // Overall confidence.
    const OverallRating rating = rate_domains(cmp.domains, Certainty::high);
    cmp.computed_overall = rating.certainty;
    cmp.overall = cmp.computed_overall;
    cmp.overall_reason = rating.levels == 0 ? std::string("no concerns in any domain: high confidence") : rating.reason;
    if (const auto it = find_pair(options.overall_overrides, cmp.treat1, cmp.treat2);
        it != options.overall_overrides.end()) {
      used_overall.insert(it->first);
      cmp.overall = it->second.certainty;
      cmp.overall_overridden = true;
      cmp.overall_override_reason = it->second.reason;
    }
    out.comparisons.push_back(std::move(cmp));
  }

  for (const auto& [key, v] : options.overrides)
    if (used_overrides.count(key) == 0)
      out.diagnostics.warning("cinema-unknown-comparison", {},
                              fmt::format("override for comparison '{}', which is not in the network", key));
  for (const auto& [key, v] : options.overall_overrides)
    if (used_overall.count(key) == 0)
      out.diagnostics.warning("cinema-unknown-comparison", {},
                              fmt::format("overall override for comparison '{}', which is not in the network", key));
  return out;
}

nlohmann::json to_json(const CinemaResult& result) {
  auto shares = [](const LevelShares& s) {
    return nlohmann::json{{"low", json_number(s.low)},
                          {"some", json_number(s.some)},
                          {"high", json_number(s.high)},
                          {"missing", json_number(s.missing)},
                          {"average", json_number(s.average)}};
  };
  nlohmann::json comps = nlohmann::json::array();
  for (const auto& c : result.comparisons) {
    nlohmann::json domains = nlohmann::json::array();
    for (const auto& d : c.domains) domains.push_back(to_json(d));
    comps.push_back({{"comparison", c.comparison},
                     {"treat1", c.treat1},
                     {"treat2", c.treat2},
                     {"direct", c.direct},
                     {"estimate", json_number(c.estimate)},
                     {"ci_lower", json_number(c.ci_lower)},
                     {"ci_upper", json_number(c.ci_upper)},
                     {"pi_lower", json_number(c.pi_lower)},
                     {"pi_upper", json_number(c.pi_upper)},
                     {"rob_shares", shares(c.rob)},
                     {"indirectness_shares", shares(c.indirectness)},
                     {"domains", domains},
                     {"overall", to_string(c.overall)},
                     {"computed_overall", to_string(c.computed_overall)},
                     {"overall_reason", c.overall_reason},
                     {"overall_overridden", c.overall_overridden},
                     {"overall_override_reason", c.overall_override_reason}});
  }
  nlohmann::json range = nullptr;
  if (result.range) range = {{"lower", json_number(result.range->lower)}, {"upper", json_number(result.range->upper)}};
  return {{"outcome", result.outcome},
          {"measure", to_string(result.measure)},
          {"model", to_string(result.model)},
          {"rob_rule", to_string(result.rob_rule)},
          {"indirectness_rule", to_string(result.indirectness_rule)},
          {"range", range},
          {"comparisons", comps},
          {"diagnostics", to_json(result.diagnostics)}};
}

}  // namespace evident
