#include "cli_output.hpp"

#include <iostream>
#include <ctime>
#include <chrono>

#include <fmt/format.h>
#include <sstream>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "evident/core/diagnostic_json.hpp"
#include "evident/core/version.hpp"
#include "evident/data/json_io.hpp"
#include "evident/effects/effects_json.hpp"

namespace evident_cli {

namespace {

std::string plural(std::size_t n, const std::string& word) {
  if (n == 1) return fmt::format("{} {}", n, word);
  if (word.size() > 1 && word.back() == 'y') return fmt::format("{} {}ies", n, word.substr(0, word.size() - 1));
  return fmt::format("{} {}s", n, word);
}

std::string pair_text(const std::optional<double>& a, const std::optional<double>& b) {
  auto f = [](const std::optional<double>& v) { return v ? fmt::format("{:g}", *v) : std::string("-"); };
  return f(a) + "/" + f(b);
}

std::string inputs_text(const evident::EffectContrast& c) {
  std::string s;
  auto add = [&s](const std::string& part) {
    if (!s.empty()) s += ", ";
    s += part;
  };
  if (c.events1 || c.events2) add("events " + pair_text(c.events1, c.events2));
  if (c.time1 || c.time2) add("time " + pair_text(c.time1, c.time2));
  if (c.n1 || c.n2) add("n " + pair_text(c.n1, c.n2));
  if (c.mean1 || c.mean2) add("mean " + pair_text(c.mean1, c.mean2));
  if (c.sd1 || c.sd2) add("sd " + pair_text(c.sd1, c.sd2));
  if (c.incr1 > 0 || c.incr2 > 0) add(fmt::format("incr {:g}/{:g}", c.incr1, c.incr2));
  return s;
}

std::size_t count_studies(const evident::EffectSet& set) {
  std::set<std::size_t> ids;
  for (const auto& c : set.contrasts) ids.insert(c.study_index);
  return ids.size();
}

}  // namespace

std::string now_utc() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

int error_exit_code(const evident::Diagnostics& ds) {
  for (const auto& d : ds.items())
    if (d.severity == evident::Severity::error && (d.code == "measure-not-applicable" || d.code == "invalid-option"))
      return kExitUsage;
  return kExitDataError;
}

bool options_ok(const evident::Diagnostics& ds) {
  for (const auto& d : ds.items())
    if (d.severity == evident::Severity::error)
      std::cerr << "evident: error: " << d.message << (d.hint.empty() ? "" : " (" + d.hint + ")") << "\n";
  return !ds.has_errors();
}

void print_diagnostics(std::ostream& os, const evident::Diagnostics& ds) {
  for (const auto& d : ds.items()) os << evident::format_diagnostic(d) << "\n";
}

void print_error_summary(std::ostream& os, const evident::Diagnostics& ds) {
  std::size_t errors = 0, warnings = 0;
  for (const auto& d : ds.items()) {
    if (d.severity == evident::Severity::error) ++errors;
    if (d.severity == evident::Severity::warning) ++warnings;
  }
  os << "evident: " << plural(errors, "error") << ", " << plural(warnings, "warning")
     << "; nothing was computed (fix the errors above and run again)\n";
}

void write_effects_text(std::ostream& os, const evident::ReadResult& read,
                        const std::vector<evident::EffectSet>& sets) {
  const auto& data = read.dataset;
  os << fmt::format("evident {} - effect sizes\n", evident::kVersion);
  os << fmt::format("File: {} ({}), {}, {}\n", data.source_file, data.format, plural(data.studies.size(), "study"),
                    plural(data.outcomes.size(), "outcome"));
  for (const auto& set : sets) {
    const evident::Outcome* outcome = data.find_outcome(set.outcome);
    os << "\n"
       << fmt::format("Outcome '{}' ({}), measure {}{}: {} from {}\n", set.outcome,
                      outcome ? evident::to_string(outcome->type) : "?", evident::to_string(set.measure),
                      evident::is_ratio(set.measure) ? " (log scale)" : "", plural(set.contrasts.size(), "contrast"),
                      plural(count_studies(set), "study"));
    std::size_t w_study = 5, w_t1 = 6, w_t2 = 6;
    for (const auto& c : set.contrasts) {
      w_study = std::max(w_study, c.study.size());
      w_t1 = std::max(w_t1, c.treat1.size());
      w_t2 = std::max(w_t2, c.treat2.size());
    }
    w_study = std::min<std::size_t>(w_study, 40);
    os << fmt::format("  {:<{}}  {:<{}}  {:<{}}  {:>10}  {:>9}  {}\n", "study", w_study, "treat1", w_t1, "treat2", w_t2,
                      "TE", "seTE", "inputs");
    for (const auto& c : set.contrasts) {
      os << fmt::format("  {:<{}}  {:<{}}  {:<{}}  {:>10.4f}  {:>9.4f}  {}\n", c.study, w_study, c.treat1, w_t1,
                        c.treat2, w_t2, c.te, c.se, inputs_text(c));
      for (const auto& note : c.notes) os << "      note: " << note << "\n";
    }
    if (!set.excluded.empty()) {
      os << fmt::format("  Excluded ({}):\n", set.excluded.size());
      for (const auto& e : set.excluded)
        os << "    " << e.study << (e.treatment.empty() ? "" : " / " + e.treatment) << ": " << e.reason << "\n";
    }
  }
  if (!data.excluded.empty()) {
    os << "\n" << fmt::format("Excluded while reading ({}):\n", data.excluded.size());
    for (const auto& e : data.excluded)
      os << "  " << (e.outcome.empty() ? "" : e.outcome + ": ") << e.study
         << (e.treatment.empty() ? "" : " / " + e.treatment) << ": " << e.reason << "\n";
  }
  std::size_t warnings = 0;
  for (const auto& d : read.diagnostics.items()) warnings += d.severity == evident::Severity::warning ? 1 : 0;
  for (const auto& s : sets)
    for (const auto& d : s.diagnostics.items()) warnings += d.severity == evident::Severity::warning ? 1 : 0;
  os << "\n"
     << fmt::format("Data checks: no errors, {}{}\n", plural(warnings, "warning"),
                    warnings > 0 ? " (listed on standard error)" : "");
}

namespace {

/// Appends a CSV field, quoted when needed.
void put_field(fmt::memory_buffer& buf, const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) {
    buf.append(s.data(), s.data() + s.size());
    return;
  }
  buf.push_back('"');
  for (char c : s) {
    if (c == '"') buf.push_back('"');
    buf.push_back(c);
  }
  buf.push_back('"');
}

/// ",value" with the shortest round-trip text, or "," for a missing value.
void put_number(fmt::memory_buffer& buf, const std::optional<double>& v) {
  buf.push_back(',');
  if (v) fmt::format_to(std::back_inserter(buf), "{}", *v);
}

}  // namespace

void write_effects_csv(std::ostream& os, const std::vector<evident::EffectSet>& sets) {
  fmt::memory_buffer buf;
  const std::string header =
      "outcome,measure,study,treat1,treat2,TE,seTE,n1,n2,event1,event2,mean1,mean2,sd1,sd2,time1,time2,incr1,incr2,"
      "notes\n";
  buf.append(header.data(), header.data() + header.size());
  for (const auto& set : sets) {
    const std::string measure = evident::to_string(set.measure);
    for (const auto& c : set.contrasts) {
      put_field(buf, set.outcome);
      buf.push_back(',');
      put_field(buf, measure);
      buf.push_back(',');
      put_field(buf, c.study);
      buf.push_back(',');
      put_field(buf, c.treat1);
      buf.push_back(',');
      put_field(buf, c.treat2);
      for (const auto& v :
           {std::optional<double>(c.te), std::optional<double>(c.se), c.n1, c.n2, c.events1, c.events2, c.mean1,
            c.mean2, c.sd1, c.sd2, c.time1, c.time2, std::optional<double>(c.incr1), std::optional<double>(c.incr2)})
        put_number(buf, v);
      buf.push_back(',');
      std::string notes;
      for (const auto& n : c.notes) notes += (notes.empty() ? "" : "; ") + n;
      put_field(buf, notes);
      buf.push_back('\n');
      if (buf.size() > (std::size_t{1} << 16)) {
        os.write(buf.data(), static_cast<std::streamsize>(buf.size()));
        buf.clear();
      }
    }
  }
  os.write(buf.data(), static_cast<std::streamsize>(buf.size()));
}

namespace {
/// The fields every JSON result starts with: evident version and input file.
nlohmann::json result_header(const evident::ReadResult& read) {
  nlohmann::json j;
  j["evident_version"] = evident::kVersion;
  j["input"] = {{"file", read.dataset.source_file}, {"format", read.dataset.format}};
  return j;
}

nlohmann::json exclusions_json(const std::vector<evident::Exclusion>& ex) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& e : ex)
    arr.push_back({{"outcome", e.outcome},
                   {"study", e.study},
                   {"treatment", e.treatment},
                   {"reason", e.reason},
                   {"file", e.source.file},
                   {"line", e.source.line}});
  return arr;
}
}  // namespace

void write_effects_json(std::ostream& os, const evident::ReadResult& read,
                        const std::vector<evident::EffectSet>& sets) {
  nlohmann::json j = result_header(read);
  j["diagnostics"] = evident::to_json(read.diagnostics);
  j["excluded"] = exclusions_json(read.dataset.excluded);
  nlohmann::json outs = nlohmann::json::array();
  for (const auto& s : sets) outs.push_back(evident::to_json(s));
  j["outcomes"] = outs;
  os << j.dump(2) << "\n";
}

namespace {
/// "estimate [lower; upper]" on the reporting scale (exp for ratio measures).
std::string ci_text(double est, double lo, double hi, bool ratio) {
  if (ratio) return fmt::format("{:.4f} [{:.4f}; {:.4f}]", std::exp(est), std::exp(lo), std::exp(hi));
  return fmt::format("{:.4f} [{:.4f}; {:.4f}]", est, lo, hi);
}
std::string p_text(double p) {
  return p < 1e-4 ? fmt::format("{:.2e}", p) : fmt::format("{:.4f}", p);
}
}  // namespace

namespace {

void write_estimate_row(std::ostream& os, const std::string& label, const evident::PooledEstimate& e, bool ratio) {
  os << fmt::format("  {:<24} {:<32} {:>9.4f} {:>10}\n", label, ci_text(e.estimate, e.ci_lower, e.ci_upper, ratio),
                    e.statistic, p_text(e.p_value));
}

void write_steps(std::ostream& os, const char* title, const std::vector<evident::SensitivityStep>& steps, bool ratio,
                 const char* verb) {
  os << fmt::format("  {}:\n", title);
  for (const auto& s : steps)
    os << fmt::format("    {} {:<28} {:<32} tau^2 = {:.4f}, I^2 = {:.1f}%\n", verb, s.study,
                      ci_text(s.fit.pooled.estimate, s.fit.pooled.ci_lower, s.fit.pooled.ci_upper, ratio), s.fit.tau2,
                      s.fit.I2);
}

void write_extras(std::ostream& os, const evident::PairwiseAnalysis& a, bool ratio) {
  const std::string m = evident::to_string(a.measure);
  if (a.mantel_haenszel && a.mantel_haenszel->ok())
    write_estimate_row(os, "Mantel-Haenszel (common)", a.mantel_haenszel->pooled, ratio);
  if (a.peto && a.peto->ok()) write_estimate_row(os, "Peto (common)", a.peto->pooled, ratio);
  if (a.I2_test_based.defined)
    os << fmt::format("  I^2 test-based CI (as meta): {:.1f}% [{:.1f}%; {:.1f}%]\n", a.I2_test_based.I2,
                      a.I2_test_based.I2_lower, a.I2_test_based.I2_upper);
  if (a.absolute) {
    const auto& e = a.absolute->random;
    if (e.ok())
      os << fmt::format(
          "  Absolute effect (random effects) per {:g}: comparator {:.0f} ({}), intervention {:.0f} [{:.0f}; {:.0f}], "
          "difference {:.0f} [{:.0f}; {:.0f}]\n",
          e.per, e.risk_comparator, evident::to_string(e.baseline.source), e.risk_intervention,
          e.risk_intervention_lower, e.risk_intervention_upper, e.difference, e.difference_lower, e.difference_upper);
  }
  if (a.egger && a.egger->ok())
    os << fmt::format("  Egger's test ({}): {} = {:.4f}, p = {}; limit estimate {}\n",
                      a.egger->options.model == evident::RegtestModel::lm ? "lm" : "meta-regression on se",
                      a.egger->df ? "t" : "z", a.egger->statistic, p_text(a.egger->p_value),
                      ci_text(a.egger->limit_estimate, a.egger->limit_ci_lower, a.egger->limit_ci_upper, ratio));
  if (a.begg && a.begg->ok())
    os << fmt::format("  Begg's rank correlation: Kendall's tau = {:.4f}, p = {}{}\n", a.begg->tau,
                      p_text(a.begg->p_value), a.begg->exact ? " (exact)" : "");
  if (a.thompson_sharp && a.thompson_sharp->ok())
    os << fmt::format("  Thompson-Sharp test: t = {:.4f}, df = {:g}, p = {}\n", a.thompson_sharp->statistic,
                      a.thompson_sharp->df.value_or(0.0), p_text(a.thompson_sharp->p_value));
  for (const auto* t : {&a.harbord, &a.peters})
    if (*t && (*t)->ok())
      os << fmt::format("  {} test: bias = {:.4f} (se {:.4f}), t = {:.4f}, df = {:g}, p = {}\n", (*t)->method,
                        (*t)->bias, (*t)->bias_se, (*t)->statistic, (*t)->df.value_or(0.0), p_text((*t)->p_value));
  if (a.trimfill && a.trimfill->ok()) {
    const auto& t = *a.trimfill;
    os << fmt::format(
        "  Trim-and-fill ({}): {} filled on the {} side; adjusted {}\n", evident::to_string(t.options.estimator), t.k0,
        evident::to_string(t.side),
        m + " " + ci_text(t.adjusted.pooled.estimate, t.adjusted.pooled.ci_lower, t.adjusted.pooled.ci_upper, ratio));
  }
  if (a.subgroups && a.subgroups->ok()) {
    const auto& g = *a.subgroups;
    os << fmt::format("  Subgroups by '{}':\n", a.subgroup_by.value_or(""));
    for (const auto& sg : g.subgroups) {
      const auto& re = sg.result.random.pooled;
      os << fmt::format("    {:<20} k = {:<3} {:<32} tau^2 = {:.4f}, I^2 = {:.1f}%\n", sg.name, sg.rows.size(),
                        ci_text(re.estimate, re.ci_lower, re.ci_upper, ratio), sg.result.random.tau2,
                        sg.result.random.I2);
    }
    os << fmt::format("    Test for subgroup differences (common effect):  Q = {:.2f}, df = {:g}, p = {}\n", g.common.Q,
                      g.common.df, p_text(g.common.p_value));
    os << fmt::format("    Test for subgroup differences (random effects): Q = {:.2f}, df = {:g}, p = {}\n",
                      g.random_separate_tau2.Q, g.random_separate_tau2.df, p_text(g.random_separate_tau2.p_value));
  }
  if (a.meta_regression) {
    const auto& mr = *a.meta_regression;
    if (mr.ok()) {
      os << fmt::format("  Meta-regression (k = {}; tau^2 = {:.4f}, I^2 = {:.1f}%{}):\n", mr.k, mr.tau2, mr.I2,
                        mr.R2 ? fmt::format(", R^2 = {:.1f}%", *mr.R2) : std::string());
      for (const auto& c : mr.coefficients)
        os << fmt::format("    {:<22} {:>10.4f} [{:.4f}; {:.4f}] se {:.4f}  {} = {:.3f}, p = {}\n", c.name, c.estimate,
                          c.ci_lower, c.ci_upper, c.se, c.df ? "t" : "z", c.statistic, p_text(c.p_value));
      os << fmt::format(
          "    Test of moderators: {} = {:.3f}, df = {:g}{}, p = {}; residual heterogeneity QE = {:.2f}, "
          "df = {:g}, p = {}\n",
          mr.QM_df2 ? "F" : "QM", mr.QM, mr.QM_df, mr.QM_df2 ? fmt::format(", {:g}", *mr.QM_df2) : "", p_text(mr.QM_p),
          mr.QE, mr.QE_df, p_text(mr.QE_p));
      for (const auto& x : mr.excluded) os << fmt::format("    left out: {} ({})\n", x.study, x.reason);
    }
  }
  if (a.leave_one_out && a.leave_one_out->ok())
    write_steps(os, "Leave-one-out", a.leave_one_out->steps, ratio, "without");
  if (a.cumulative && a.cumulative->ok())
    write_steps(os, "Cumulative meta-analysis", a.cumulative->steps, ratio, "adding ");
}

}  // namespace

void write_meta_text(std::ostream& os, const evident::ReadResult& read,
                     const std::vector<evident::PairwiseAnalysis>& analyses) {
  os << fmt::format("evident {} - pairwise meta-analysis\n", evident::kVersion);
  os << fmt::format("File: {} ({})\n", read.dataset.source_file, read.dataset.format);
  for (const auto& a : analyses) {
    const auto& r = a.result;
    const bool ratio = evident::is_ratio(a.measure);
    const int pct = static_cast<int>(std::lround(r.options.level * 100));
    os << "\n"
       << fmt::format("Outcome '{}'{}: {} vs {}, {}{}, k = {}\n", a.outcome,
                      a.time_point ? " (" + *a.time_point + ")" : std::string(), a.comparison.treat1,
                      a.comparison.treat2, evident::to_string(a.measure), ratio ? " (shown exponentiated)" : "", r.k);
    os << fmt::format("  {:<24} {:<32} {:>9} {:>10}\n", "",
                      fmt::format("{} [{}% CI]", evident::to_string(a.measure), pct), "z/t", "p-value");
    write_estimate_row(os, "Common effect model", r.common, ratio);
    write_estimate_row(os,
                       fmt::format("Random effects ({}{})", evident::to_string(r.random.method),
                                   r.options.hartung_knapp ? ", HK" : ""),
                       r.random.pooled, ratio);
    if (r.random.prediction) {
      const auto& pi = *r.random.prediction;
      const double lo = ratio ? std::exp(pi.lower) : pi.lower, hi = ratio ? std::exp(pi.upper) : pi.upper;
      os << fmt::format("  {:<24} [{:.4f}; {:.4f}]\n", "Prediction interval", lo, hi);
    }
    const auto& h = r.heterogeneity;
    std::string tau_ci, i2_ci;
    if (r.random.tau2_ci) {
      tau_ci = fmt::format(" [{:.4f}; {:.4f}]", r.random.tau2_ci->tau2_lower, r.random.tau2_ci->tau2_upper);
      i2_ci = fmt::format(" [{:.1f}%; {:.1f}%]", r.random.tau2_ci->I2_lower, r.random.tau2_ci->I2_upper);
    }
    os << fmt::format("  Heterogeneity: tau^2 = {:.4f}{}; tau = {:.4f}; I^2 = {:.1f}%{}; H = {:.2f}\n", r.random.tau2,
                      tau_ci, r.random.tau, r.random.I2, i2_ci, h.H);
    os << fmt::format("  Test of heterogeneity: Q = {:.2f}, df = {:g}, p = {}\n", h.Q, h.df, p_text(h.p_value));
    write_extras(os, a, ratio);
  }
}

namespace {

/// The result header, the data's diagnostics and one JSON object per analysis.
template <class Analysis>
void write_analyses_json(std::ostream& os, const evident::ReadResult& read, const std::vector<Analysis>& analyses,
                         const std::vector<nlohmann::json>* certainty = nullptr) {
  nlohmann::json j = result_header(read);
  j["diagnostics"] = evident::to_json(read.diagnostics);
  nlohmann::json arr = nlohmann::json::array();
  for (std::size_t i = 0; i < analyses.size(); ++i) {
    arr.push_back(evident::to_json(analyses[i]));
    if (certainty && i < certainty->size() && !(*certainty)[i].is_null()) arr.back()["certainty"] = (*certainty)[i];
  }
  j["analyses"] = arr;
  os << j.dump(2) << "\n";
}

}  // namespace

void write_meta_json(std::ostream& os, const evident::ReadResult& read,
                     const std::vector<evident::PairwiseAnalysis>& analyses, const std::vector<nlohmann::json>* certainty) {
  write_analyses_json(os, read, analyses, certainty);
}

void write_nma_text(std::ostream& os, const evident::ReadResult& read,
                    const std::vector<evident::NetworkAnalysis>& analyses) {
  os << fmt::format("evident {} - network meta-analysis\n", evident::kVersion);
  os << fmt::format("File: {} ({})\n", read.dataset.source_file, read.dataset.format);
  for (const auto& a : analyses) {
    const auto& r = a.nma;
    const bool ratio = evident::is_ratio(a.measure);
    os << "\n"
       << fmt::format("Outcome '{}'{}: {}{}, {} studies, {} treatments, {} comparisons, {} designs\n", a.outcome,
                      a.time_point ? " (" + *a.time_point + ")" : std::string(), evident::to_string(a.measure),
                      ratio ? " (shown exponentiated)" : "", r.studies, r.treatments.size(), r.comparisons, r.designs);
    if (a.subnetwork)
      os << fmt::format("  Subnetwork {} of {}: {}\n", *a.subnetwork + 1, r.subnetworks.size(),
                        fmt::join(r.treatments, ", "));
    if (!r.ok()) continue;
    const std::size_t ref = r.treatment_index(r.reference);
    const int pct = static_cast<int>(std::lround(r.level * 100));
    os << fmt::format("  Treatment vs '{}'         {:<30} {:<30} P-score (common / random, small values {})\n",
                      r.reference, fmt::format("common [{}% CI]", pct), fmt::format("random [{}% CI]", pct),
                      evident::to_string(a.small_values));
    for (std::size_t i = 0; i < r.treatments.size(); ++i) {
      const auto ii = static_cast<Eigen::Index>(i), rr = static_cast<Eigen::Index>(ref);
      const std::string common =
          i == ref ? "." : ci_text(r.common.TE(ii, rr), r.common.lower(ii, rr), r.common.upper(ii, rr), ratio);
      const std::string random =
          i == ref ? "." : ci_text(r.random.TE(ii, rr), r.random.lower(ii, rr), r.random.upper(ii, rr), ratio);
      const double pc = a.pscore_common ? a.pscore_common->pscore[i] : NAN;
      const double pr = a.pscore_random ? a.pscore_random->pscore[i] : NAN;
      os << fmt::format("    {:<26} {:<30} {:<30} {:.3f} / {:.3f}\n", r.treatments[i], common, random, pc, pr);
    }
    os << fmt::format(
        "  Heterogeneity / inconsistency: tau^2 = {:.4f}; tau = {:.4f}; I^2 = {:.1f}% [{:.1f}%; {:.1f}%] ({})\n",
        r.tau2, r.tau, r.I2, r.I2_lower, r.I2_upper, evident::to_string(r.tau2_method));
    os << fmt::format(
        "  Q total = {:.2f}, df = {:g}, p = {}; within designs = {:.2f}, df = {:g}, p = {}; between designs = "
        "{:.2f}, df = {:g}, p = {}\n",
        r.Q, r.Q_df, p_text(r.Q_p), r.Q_heterogeneity, r.Q_heterogeneity_df, p_text(r.Q_heterogeneity_p),
        r.Q_inconsistency, r.Q_inconsistency_df, p_text(r.Q_inconsistency_p));
    if (a.rankogram_random && a.rankogram_random->ok()) {
      const auto& g = *a.rankogram_random;
      os << fmt::format("  SUCRA (random effects, {} simulations, seed {}):", g.nsim, g.seed);
      for (std::size_t i = 0; i < g.treatments.size(); ++i)
        os << fmt::format("{} {} {:.3f}", i == 0 ? "" : ";", g.treatments[i], g.sucra[i]);
      os << "\n";
    }
    if (a.netsplit && a.netsplit->ok()) {
      os << fmt::format("  Direct vs indirect evidence (random effects, {}):\n",
                        evident::to_string(a.netsplit->method));
      os << fmt::format("    {:<28} {:>3} {:>10} {:>10} {:>10} {:>10} {:>8}\n", "comparison", "k", "network", "direct",
                        "indirect", "difference", "p");
      for (const auto& row : a.netsplit->random.rows) {
        if (row.k == 0) continue;  // no direct evidence: nothing to split
        const auto shown = [ratio](double x) {
          return std::isfinite(x) ? fmt::format("{:.4f}", ratio ? std::exp(x) : x) : std::string(".");
        };
        os << fmt::format("    {:<28} {:>3} {:>10} {:>10} {:>10} {:>10} {:>8}\n", row.comparison, row.k,
                          shown(row.nma), shown(row.direct), shown(row.indirect), shown(row.difference),
                          std::isfinite(row.p_value) ? p_text(row.p_value) : std::string("."));
      }
    }
    if (a.decomposition && a.decomposition->ok()) {
      const auto& d = a.decomposition->between_random;
      os << fmt::format("  Design-by-treatment interaction (random effects): Q = {:.2f}, df = {:g}, p = {}\n", d.Q,
                        d.df, p_text(d.p_value));
    }
    if (a.funnel && a.funnel->ok() && a.funnel->egger && a.funnel->egger->ok()) {
      const auto& e = *a.funnel->egger;
      os << fmt::format(
          "  Comparison-adjusted funnel plot ({} contrasts, order {}): Egger test bias = {:.4f} (se {:.4f}), "
          "t = {:.2f}, df = {:g}, p = {}\n",
          a.funnel->points.size(), fmt::join(a.funnel->order, " < "), e.slope, e.slope_se, e.statistic,
          e.df ? *e.df : 0.0, p_text(e.p_value));
    }
    if (a.league_random && a.league_random->ok()) {
      evident::LeagueFormat lf;
      lf.digits = 2;
      os << "  League table (random effects; lower triangle: network estimate of the column versus the row; upper "
            "triangle: direct estimate of the row versus the column):\n";
      std::istringstream text(evident::league_text(*a.league_random, lf));
      for (std::string line; std::getline(text, line);) os << "    " << line << "\n";
    }
    if (r.subnetworks.size() > 1 && a.subnetwork)
      os << fmt::format("  The network has {} subnetworks, each analysed on its own; studies of the others:\n",
                        r.subnetworks.size());
    else if (r.subnetworks.size() > 1)
      os << fmt::format("  The network has {} subnetworks; only the one with '{}' was analysed.\n",
                        r.subnetworks.size(), r.reference);
    for (const auto& x : r.excluded)
      os << fmt::format("  left out: {}{}: {}\n", x.study,
                        x.treat1.empty() ? std::string() : " (" + x.treat1 + " vs " + x.treat2 + ")", x.reason);
  }
}

void write_nma_json(std::ostream& os, const evident::ReadResult& read,
                    const std::vector<evident::NetworkAnalysis>& analyses, const std::vector<nlohmann::json>* certainty) {
  write_analyses_json(os, read, analyses, certainty);
}

void write_dataset_summary(std::ostream& os, const evident::ReadResult& read) {
  const auto& data = read.dataset;
  os << fmt::format("File: {} ({}), {}, {}\n", data.source_file, data.format.empty() ? "unknown format" : data.format,
                    plural(data.studies.size(), "study"), plural(data.outcomes.size(), "outcome"));
  for (const auto& o : data.outcomes) {
    std::size_t arms = 0, contrasts = 0, multi = 0;
    std::set<std::string> treatments;
    for (const auto& sd : o.data) {
      arms += sd.arms.size();
      contrasts += sd.contrasts.size();
      if (sd.arms.size() > 2) ++multi;
      for (const auto& a : sd.arms) treatments.insert(a.treatment);
      for (const auto& c : sd.contrasts) {
        treatments.insert(c.treat1);
        treatments.insert(c.treat2);
      }
    }
    os << fmt::format("  outcome '{}' ({}{}): {}, {}, {}", o.name, evident::to_string(o.type),
                      o.time_point ? ", " + *o.time_point : std::string(), plural(o.data.size(), "study"),
                      plural(treatments.size(), "treatment"),
                      arms > 0 ? plural(arms, "arm") : plural(contrasts, "contrast"));
    if (multi > 0) os << fmt::format(", {} multi-arm", multi);
    if (o.direction == evident::Direction::small_values_desirable) os << ", small values desirable";
    if (o.direction == evident::Direction::large_values_desirable) os << ", large values desirable";
    if (o.mid) os << fmt::format(", MID {:g}", *o.mid);
    os << "\n";
  }
  if (!data.excluded.empty()) {
    os << fmt::format("Excluded ({}):\n", data.excluded.size());
    for (const auto& e : data.excluded)
      os << "  " << (e.outcome.empty() ? "" : e.outcome + ": ") << e.study
         << (e.treatment.empty() ? "" : " / " + e.treatment) << ": " << e.reason << "\n";
  }
  os << fmt::format("Data checks: {}, {}\n", plural(read.diagnostics.error_count(), "error"),
                    plural(static_cast<std::size_t>(std::count_if(
                               read.diagnostics.items().begin(), read.diagnostics.items().end(),
                               [](const evident::Diagnostic& d) { return d.severity == evident::Severity::warning; })),
                           "warning"));
}

void write_check_json(std::ostream& os, const evident::ReadResult& read) {
  nlohmann::json j = result_header(read);
  j["ok"] = read.ok();
  j["diagnostics"] = evident::to_json(read.diagnostics);
  j["excluded"] = exclusions_json(read.dataset.excluded);
  j["dataset"] = evident::to_json(read.dataset);
  os << j.dump(2) << "\n";
}

}  // namespace evident_cli
