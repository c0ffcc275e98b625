#include "cli_output.hpp"

#include <fmt/format.h>

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

void write_meta_text(std::ostream& os, const evident::ReadResult& read,
                     const std::vector<evident::PairwiseAnalysis>& analyses) {
  os << fmt::format("evident {} - pairwise meta-analysis\n", evident::kVersion);
  os << fmt::format("File: {} ({})\n", read.dataset.source_file, read.dataset.format);
  for (const auto& a : analyses) {
    const auto& r = a.result;
    const bool ratio = evident::is_ratio(a.measure);
    const int pct = static_cast<int>(std::lround(r.options.level * 100));
    os << "\n"
       << fmt::format("Outcome '{}': {} vs {}, {}{}, k = {}\n", a.outcome, a.comparison.treat1, a.comparison.treat2,
                      evident::to_string(a.measure), ratio ? " (shown exponentiated)" : "", r.k);
    os << fmt::format("  {:<24} {:<32} {:>9} {:>10}\n", "",
                      fmt::format("{} [{}% CI]", evident::to_string(a.measure), pct), "z/t", "p-value");
    os << fmt::format("  {:<24} {:<32} {:>9.4f} {:>10}\n", "Common effect model",
                      ci_text(r.common.estimate, r.common.ci_lower, r.common.ci_upper, ratio), r.common.statistic,
                      p_text(r.common.p_value));
    const auto& re = r.random.pooled;
    os << fmt::format("  {:<24} {:<32} {:>9.4f} {:>10}\n",
                      fmt::format("Random effects ({}{})", evident::to_string(r.random.method),
                                  r.options.hartung_knapp ? ", HK" : ""),
                      ci_text(re.estimate, re.ci_lower, re.ci_upper, ratio), re.statistic, p_text(re.p_value));
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
  }
}

void write_meta_json(std::ostream& os, const evident::ReadResult& read,
                     const std::vector<evident::PairwiseAnalysis>& analyses) {
  nlohmann::json j = result_header(read);
  j["diagnostics"] = evident::to_json(read.diagnostics);
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& a : analyses) arr.push_back(evident::to_json(a));
  j["analyses"] = arr;
  os << j.dump(2) << "\n";
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
