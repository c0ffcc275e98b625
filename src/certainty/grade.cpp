// evident: GRADE domains for a pairwise meta-analysis (see grade.hpp for the rules and their sources).
#include "evident/certainty/grade.hpp"

#include <fmt/format.h>

#include <cmath>

#include "evident/core/diagnostic_json.hpp"
#include "evident/core/json_number.hpp"

namespace evident {
namespace {

std::string num(double v) {
  return std::isfinite(v) ? fmt::format("{:.3g}", v) : std::string("NA");
}
std::string pct(double share) {
  return fmt::format("{:.0f}%", 100.0 * share);
}
std::string interval(double lo, double hi) {
  return fmt::format("({} to {})", num(lo), num(hi));
}
const char* grade_words(Concern c) {
  return c == Concern::no ? "not serious" : c == Concern::some ? "serious" : "very serious";
}
const char* crossings_words(int n) {
  return n == 0 ? "none" : n == 1 ? "one" : "both";
}

/// Shares of the random-effects weight by study level; `weights` in percent.
LevelShares weight_shares(const std::vector<std::string>& studies, const std::vector<double>& weights,
                          const Dataset& data, bool indirectness, MissingJudgement missing,
                          std::vector<std::string>& without) {
  LevelShares s;
  double total = 0.0;
  for (std::size_t i = 0; i < studies.size() && i < weights.size(); ++i) {
    const double w = std::max(0.0, weights[i]) / 100.0;
    const std::size_t idx = data.find_study(studies[i]);
    std::optional<Judgement> j;
    if (idx != Dataset::npos) j = indirectness ? data.studies[idx].indirectness : data.studies[idx].rob.overall;
    if (!j) {
      without.push_back(studies[i]);
      s.missing += w;
      if (missing == MissingJudgement::exclude) continue;
      j = Judgement::some_concerns;
    }
    total += w;
    if (*j == Judgement::low)
      s.low += w;
    else if (*j == Judgement::some_concerns)
      s.some += w;
    else
      s.high += w;
  }
  if (total > 0.0) {
    s.low /= total;
    s.some /= total;
    s.high /= total;
  }
  s.average = s.low + 2.0 * s.some + 3.0 * s.high;
  return s;
}

DomainJudgement share_domain(const char* name, const char* what, const LevelShares& s, const GradeOptions& o) {
  DomainJudgement j;
  j.domain = name;
  if (s.low + s.some + s.high <= 0.0) {
    j.needs_reviewer = true;
    j.reason = fmt::format("no study has a {} judgement", what);
    return j;
  }
  if (s.high > o.very_serious_share)
    j.concern = Concern::major;
  else if (s.some + s.high > o.serious_share)
    j.concern = Concern::some;
  else
    j.concern = Concern::no;
  j.reason = fmt::format(
      "{} of the random-effects weight from studies at low, {} at some concerns, {} at high {} ({}: high > {} very "
      "serious, not low > {} serious)",
      pct(s.low), pct(s.some), pct(s.high), what, grade_words(j.concern), pct(o.very_serious_share),
      pct(o.serious_share));
  if (s.missing > 0.0)
    j.reason += fmt::format("; {} of the weight from studies without a judgement, {}", pct(s.missing),
                            o.missing == MissingJudgement::some_concerns ? "counted as some concerns" : "left out");
  return j;
}

}  // namespace

const DomainJudgement* GradeResult::domain(const std::string& name) const {
  for (const auto& d : domains)
    if (d.domain == name) return &d;
  return nullptr;
}

GradeResult grade(const PairwiseAnalysis& analysis, const Dataset& data, const GradeOptions& options) {
  GradeResult out;
  out.outcome = analysis.outcome;
  out.treat1 = analysis.comparison.treat1;
  out.treat2 = analysis.comparison.treat2;
  out.measure = analysis.measure;
  out.start = options.start;
  const MetaResult& m = analysis.result;
  if (!m.ok()) {
    out.diagnostics.error("grade-no-meta-analysis", {}, "the meta-analysis has errors; GRADE cannot be applied");
    return out;
  }
  out.k = m.k;
  out.estimate = m.random.pooled.estimate;
  out.ci_lower = m.random.pooled.ci_lower;
  out.ci_upper = m.random.pooled.ci_upper;
  if (m.random.prediction) {
    out.pi_lower = m.random.prediction->lower;
    out.pi_upper = m.random.prediction->upper;
  }
  if (options.range)
    out.range = options.range;
  else if (options.mid)
    out.range = EquivalenceRange{-std::fabs(*options.mid), std::fabs(*options.mid)};
  else if (const Outcome* o = data.find_outcome(analysis.outcome); o != nullptr && o->mid)
    out.range = EquivalenceRange{-std::fabs(*o->mid), std::fabs(*o->mid)};
  if (out.range && !(out.range->lower < out.range->upper)) {
    out.diagnostics.error("grade-bad-range", {},
                          fmt::format("the range of equivalence must have lower < upper, got {}",
                                      interval(out.range->lower, out.range->upper)));
    return out;
  }
  const int level_pct = static_cast<int>(std::lround(100.0 * m.options.level));

  std::vector<std::string> no_rob, no_ind;
  out.rob = weight_shares(m.study, m.random.weights, data, false, options.missing, no_rob);
  out.indirectness = weight_shares(m.study, m.random.weights, data, true, options.missing, no_ind);
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
  };
  if (!no_rob.empty())
    out.diagnostics.note("grade-rob-missing", {},
                         fmt::format("{} stud{} without an overall risk-of-bias judgement: {}", no_rob.size(),
                                     no_rob.size() == 1 ? "y" : "ies", join(no_rob)));
  if (!no_ind.empty())
    out.diagnostics.note("grade-indirectness-missing", {},
                         fmt::format("{} stud{} without an indirectness judgement: {}", no_ind.size(),
                                     no_ind.size() == 1 ? "y" : "ies", join(no_ind)));

  // 1. Risk of bias.
  out.domains.push_back(share_domain(kRiskOfBias, "risk of bias", out.rob, options));

  // 2. Inconsistency.
  {
    DomainJudgement j;
    j.domain = kInconsistency;
    const Heterogeneity& h = m.heterogeneity;
    std::string stats = fmt::format("I2 = {}%", num(h.I2));
    if (analysis.I2_test_based.defined)
      stats += fmt::format(" (95% CI {}% to {}%)", num(analysis.I2_test_based.I2_lower),
                           num(analysis.I2_test_based.I2_upper));
    stats +=
        fmt::format(", Q = {} on {} df, p = {}, tau2 = {}", num(h.Q), num(h.df), num(h.p_value), num(m.random.tau2));
    if (m.k < 2) {
      j.needs_reviewer = true;
      j.reason = "a single study: inconsistency cannot be assessed";
    } else if (out.range && out.pi_lower && out.pi_upper && std::isfinite(*out.pi_lower) &&
               std::isfinite(*out.pi_upper)) {
      const int c = range_crossings(out.ci_lower, out.ci_upper, *out.range);
      const int p = range_crossings(*out.pi_lower, *out.pi_upper, *out.range);
      j.concern = heterogeneity_concern(c, p);
      j.reason = fmt::format(
          "{}; the {}% CI {} crosses {} and the prediction interval {} crosses {} of the bounds of the range of "
          "equivalence {}",
          stats, level_pct, interval(out.ci_lower, out.ci_upper), crossings_words(c),
          interval(*out.pi_lower, *out.pi_upper), crossings_words(p), interval(out.range->lower, out.range->upper));
    } else {
      const bool significant = h.p_value < 0.10;
      j.concern = significant && h.I2 >= 75.0   ? Concern::major
                  : significant && h.I2 >= 50.0 ? Concern::some
                                                : Concern::no;
      j.needs_reviewer = true;
      j.reason = fmt::format(
          "{} (no range of equivalence or prediction interval: I2 >= 75% with p < 0.10 very "
          "serious, I2 >= 50% with p < 0.10 serious)",
          stats);
    }
    out.domains.push_back(std::move(j));
  }

  // 3. Indirectness.
  out.domains.push_back(share_domain(kGradeIndirectness, "indirectness", out.indirectness, options));

  // 4. Imprecision.
  {
    DomainJudgement j;
    j.domain = kGradeImprecision;
    if (out.range) {
      const int n = range_crossings(out.ci_lower, out.ci_upper, *out.range);
      j.concern = n == 0 ? Concern::no : n == 1 ? Concern::some : Concern::major;
      j.reason = fmt::format("the {}% CI {} crosses {} of the bounds of the range of equivalence {}", level_pct,
                             interval(out.ci_lower, out.ci_upper), crossings_words(n),
                             interval(out.range->lower, out.range->upper));
    } else {
      const bool includes_null = out.ci_lower < 0.0 && out.ci_upper > 0.0;
      j.concern = includes_null ? Concern::some : Concern::no;
      j.needs_reviewer = true;
      j.reason = fmt::format("no range of equivalence given; the {}% CI {} {} the null effect{}", level_pct,
                             interval(out.ci_lower, out.ci_upper), includes_null ? "includes" : "excludes",
                             includes_null ? "" : " (the optimal information size was not checked)");
    }
    out.domains.push_back(std::move(j));
  }

  // 5. Publication bias.
  {
    DomainJudgement j;
    j.domain = kPublicationBias;
    if (options.publication_bias) {
      j.concern = *options.publication_bias == ReportingBias::undetected ? Concern::no : Concern::some;
      j.reason = fmt::format("reviewer's judgement: publication bias {}", to_string(*options.publication_bias));
    } else if (m.k < options.publication_bias_min_k) {
      j.needs_reviewer = true;
      j.reason = fmt::format("{} stud{}: fewer than {}, too few for a test of funnel-plot asymmetry", m.k,
                             m.k == 1 ? "y" : "ies", options.publication_bias_min_k);
    } else if (!analysis.egger || !analysis.egger->ok()) {
      j.needs_reviewer = true;
      j.reason = "no Egger test available";
    } else {
      const double p = analysis.egger->p_value;
      const bool suspected = p < options.publication_bias_alpha;
      j.concern = suspected ? Concern::some : Concern::no;
      j.needs_reviewer = true;
      j.reason = fmt::format("Egger's test p = {} ({} {}): publication bias {}", num(p),
                             suspected ? "<" : ">=", num(options.publication_bias_alpha),
                             suspected ? "strongly suspected" : "undetected");
      if (analysis.trimfill && analysis.trimfill->ok())
        j.reason += fmt::format("; trim-and-fill adds {} stud{}, estimate {} -> {}", analysis.trimfill->k0,
                                analysis.trimfill->k0 == 1 ? "y" : "ies", num(out.estimate),
                                num(analysis.trimfill->adjusted.pooled.estimate));
    }
    out.domains.push_back(std::move(j));
  }

  for (const auto& [name, ov] : options.overrides) {
    if (!override_domain(out.domains, name, ov.concern, ov.reason))
      out.diagnostics.warning("grade-unknown-domain", {}, fmt::format("override names an unknown domain '{}'", name),
                              "domains: risk of bias, inconsistency, indirectness, imprecision, publication bias");
  }

  const OverallRating rating = rate_domains(out.domains, options.start, grade_words);
  out.computed_overall = rating.certainty;
  out.overall = out.computed_overall;
  out.overall_reason =
      rating.levels == 0 ? fmt::format("no serious concerns: {} certainty", to_string(options.start)) : rating.reason;
  if (options.overall_override) {
    out.overall = options.overall_override->certainty;
    out.overall_overridden = true;
    out.overall_override_reason = options.overall_override->reason;
  }
  return out;
}

nlohmann::json to_json(const GradeResult& r) {
  auto shares = [](const LevelShares& s) {
    return nlohmann::json{{"low", json_number(s.low)},
                          {"some", json_number(s.some)},
                          {"high", json_number(s.high)},
                          {"missing", json_number(s.missing)}};
  };
  nlohmann::json domains = nlohmann::json::array();
  for (const auto& d : r.domains) domains.push_back(to_json(d));
  nlohmann::json range = nullptr;
  if (r.range) range = {{"lower", json_number(r.range->lower)}, {"upper", json_number(r.range->upper)}};
  return {{"outcome", r.outcome},
          {"treat1", r.treat1},
          {"treat2", r.treat2},
          {"measure", to_string(r.measure)},
          {"k", r.k},
          {"estimate", json_number(r.estimate)},
          {"ci_lower", json_number(r.ci_lower)},
          {"ci_upper", json_number(r.ci_upper)},
          {"pi_lower", json_number(r.pi_lower)},
          {"pi_upper", json_number(r.pi_upper)},
          {"range", range},
          {"rob_shares", shares(r.rob)},
          {"indirectness_shares", shares(r.indirectness)},
          {"domains", domains},
          {"start", to_string(r.start)},
          {"overall", to_string(r.overall)},
          {"computed_overall", to_string(r.computed_overall)},
          {"overall_reason", r.overall_reason},
          {"overall_overridden", r.overall_overridden},
          {"overall_override_reason", r.overall_override_reason},
          {"diagnostics", to_json(r.diagnostics)}};
}

}  // namespace evident
