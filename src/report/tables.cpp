// The tables of a review as report::Table values (see include/evident/report/tables.hpp).
#include "evident/report/tables.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <numeric>
#include <set>

#include "evident/core/distributions.hpp"

namespace evident::report {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const char* model_words(NmaModelKind m) {
  return m == NmaModelKind::common ? "common effect model" : "random effects model";
}

std::vector<HeaderCell> header_row(const std::vector<std::string>& names) {
  std::vector<HeaderCell> row;
  for (const auto& n : names) row.push_back({n, 1});
  return row;
}

/// A count or size as people write it: integers without decimals, others as %g.
std::string plain(double x) {
  if (std::isnan(x)) return {};
  char buf[64];
  if (std::fabs(x) < 1e15 && x == std::floor(x))
    std::snprintf(buf, sizeof buf, "%.0f", x);
  else
    std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}

TableCell count_cell(double x) {
  TableCell c = text_cell(plain(x), "number");
  if (!std::isnan(x)) {
    c.value = x;
    c.decimals = x == std::floor(x) ? 0 : -1;
  }
  return c;
}

double maybe_exp(double x, bool e) {
  return e ? std::exp(x) : x;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// League table

Table make_league_table(const LeagueTable& league, const LeagueTableOptions& options) {
  Table t;
  t.kind = "league-table";
  t.stub_columns = 0;
  t.name = options.name.empty() ? std::string("league-") + to_string(league.model) : options.name;
  t.title = options.title.empty() ? std::string("League table (") + model_words(league.model) + ")" : options.title;
  t.header.push_back(header_row(league.treatments));
  const std::size_t k = league.treatments.size();
  for (std::size_t r = 0; r < k && r < league.cells.size(); ++r) {
    std::vector<TableCell> row;
    for (std::size_t c = 0; c < k && c < league.cells[r].size(); ++c) {
      const LeagueCell& cell = league.cells[r][c];
      const std::string side = r > c ? " lower-triangle" : " upper-triangle";
      switch (cell.kind) {
        case LeagueCellKind::treatment:
          row.push_back(text_cell(cell.treat1, "diagonal"));
          break;
        case LeagueCellKind::empty:
          row.push_back(text_cell(".", "empty" + side));
          break;
        case LeagueCellKind::network:
        case LeagueCellKind::direct: {
          TableCell tc = interval_cell(cell.estimate, cell.lower, cell.upper, options.digits,
                                       std::string(to_string(cell.kind)) + side + " number");
          row.push_back(std::move(tc));
          break;
        }
      }
    }
    t.rows.push_back(std::move(row));
  }
  t.footnotes.push_back({"", "Lower triangle: " + league.lower_triangle + "; upper triangle: " + league.upper_triangle +
                                 ". The treatments are on the diagonal."});
  t.footnotes.push_back({"", std::string(league.backtransformed ? "Ratios" : "Estimates") + " with " +
                                 "confidence intervals; '.' marks comparisons without direct evidence."});
  for (const auto& d : league.diagnostics.items()) t.footnotes.push_back({"", d.message});
  return t;
}

// ---------------------------------------------------------------------------------------------
// Ranking

Table make_ranking_table(const NetworkAnalysis& a, const RankingTableOptions& options) {
  Table t;
  t.kind = "ranking-table";
  t.name = options.name;
  t.title = options.title;
  const std::vector<std::string>& treatments = a.nma.treatments;
  const std::size_t n = treatments.size();
  const auto lookup = [&](const std::vector<std::string>& names, const std::vector<double>& values) {
    std::vector<double> out(n, kNaN);
    for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) {
      const auto it = std::find(treatments.begin(), treatments.end(), names[i]);
      if (it != treatments.end()) out[static_cast<std::size_t>(it - treatments.begin())] = values[i];
    }
    return out;
  };
  const std::vector<double> pc =
      a.pscore_common ? lookup(a.pscore_common->treatments, a.pscore_common->pscore) : std::vector<double>(n, kNaN);
  const std::vector<double> pr =
      a.pscore_random ? lookup(a.pscore_random->treatments, a.pscore_random->pscore) : std::vector<double>(n, kNaN);
  const bool rankogram = a.rankogram_random.has_value() && a.rankogram_random->ok();
  const std::vector<double> sucra =
      rankogram ? lookup(a.rankogram_random->treatments, a.rankogram_random->sucra) : std::vector<double>(n, kNaN);
  const std::vector<double> mean_rank =
      rankogram ? lookup(a.rankogram_random->treatments, a.rankogram_random->mean_rank) : std::vector<double>(n, kNaN);

  std::vector<std::string> names = {"Treatment", "P-score (common)", "P-score (random)"};
  if (rankogram) {
    names.emplace_back("SUCRA");
    names.emplace_back("Mean rank");
  }
  t.header.push_back(header_row(names));

  const std::vector<double>& key = a.pscore_random ? pr : pc;
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) {
    const double x = key[i], y = key[j];
    if (std::isnan(y)) return !std::isnan(x);
    if (std::isnan(x)) return false;
    return x > y;
  });
  for (const std::size_t i : order) {
    std::vector<TableCell> row = {text_cell(treatments[i]), number_cell(pc[i], options.digits),
                                  number_cell(pr[i], options.digits)};
    if (rankogram) {
      row.push_back(number_cell(sucra[i], options.digits));
      row.push_back(number_cell(mean_rank[i], options.digits));
    }
    t.rows.push_back(std::move(row));
  }
  t.footnotes.push_back({"", std::string("Sorted by the P-score of the ") +
                                 (a.pscore_random ? "random effects model" : "common effect model") +
                                 "; small values are " +
                                 (a.small_values == SmallValues::desirable ? "desirable" : "undesirable") + "."});
  if (rankogram)
    t.footnotes.push_back({"", "SUCRA and mean rank from " + std::to_string(a.rankogram_random->nsim) +
                                   " simulations of the random effects model (seed " +
                                   std::to_string(a.rankogram_random->seed) + ")."});
  return t;
}

// ---------------------------------------------------------------------------------------------
// Netsplit

Table make_netsplit_table(const NetsplitResult& ns, const NetsplitTableOptions& options) {
  Table t;
  t.kind = "netsplit-table";
  const char* model = to_string(options.model);
  t.name = options.name.empty() ? std::string("netsplit-") + model : options.name;
  t.title = options.title.empty() ? std::string("Direct and indirect evidence (") + model_words(options.model) + ")"
                                  : options.title;
  const bool e = options.ratio_measure && options.backtransf;
  const double z = stats::normal_upper_quantile((1.0 - options.level) / 2.0);
  t.header.push_back(header_row({"Comparison", "k", "Direct proportion", "Direct estimate", "Indirect estimate",
                                 "Network estimate", e ? "Ratio of ratios" : "Difference", "p-value"}));
  const auto ci = [&](double est, double se) {
    return interval_cell(maybe_exp(est, e), maybe_exp(est - z * se, e), maybe_exp(est + z * se, e), options.digits);
  };
  const NetsplitModel& m = options.model == NmaModelKind::common ? ns.common : ns.random;
  for (const NetsplitRow& r : m.rows) {
    std::vector<TableCell> row;
    row.push_back(text_cell(r.comparison));
    row.push_back(count_cell(static_cast<double>(r.k)));
    row.push_back(number_cell(r.direct_proportion, options.digits));
    row.push_back(ci(r.direct, r.direct_se));
    row.push_back(ci(r.indirect, r.indirect_se));
    row.push_back(ci(r.nma, r.nma_se));
    row.push_back(ci(r.difference, r.difference_se));
    TableCell p = number_cell(r.p_value, options.p_digits);
    if (!std::isnan(r.p_value)) p.text = format_p(r.p_value, options.p_digits);
    row.push_back(std::move(p));
    t.rows.push_back(std::move(row));
  }
  const std::string level = plain(100.0 * options.level);
  t.footnotes.push_back({"", "Estimates of the first treatment of a comparison versus the second with " + level +
                                 "% confidence intervals" + (e ? ", as ratios" : "") +
                                 "; method: " + to_string(ns.method) + "; k: studies with direct evidence."});
  t.footnotes.push_back({"", std::string(e ? "Ratio of ratios: direct / indirect" : "Difference: direct - indirect") +
                                 "; the p-value tests it (two-sided z test)."});
  for (const auto& d : ns.diagnostics.items()) t.footnotes.push_back({"", d.message});
  return t;
}

Table make_netsplit_table(const NetworkAnalysis& a, NetsplitTableOptions options) {
  options.level = a.nma.level;
  options.ratio_measure = is_ratio(a.measure);
  if (a.netsplit) return make_netsplit_table(*a.netsplit, options);
  NetsplitResult empty;
  Table t = make_netsplit_table(empty, options);
  t.footnotes.push_back({"", "No direct/indirect split was computed for this network."});
  return t;
}

// ---------------------------------------------------------------------------------------------
// Pairwise results

namespace {

/// Participants of one study in a comparison, NaN when unknown.
double participants(const Dataset& data, const PairwiseAnalysis& a, const std::string& study) {
  const std::size_t s = data.find_study(study);
  if (s == Dataset::npos) return kNaN;
  for (const Outcome& o : data.outcomes) {
    if (o.name != a.outcome || o.time_point != a.time_point) continue;
    for (const StudyData& sd : o.data) {
      if (sd.study != s) continue;
      const std::string& t1 = a.comparison.treat1;
      const std::string& t2 = a.comparison.treat2;
      if (!sd.arms.empty()) {
        double n = 0.0;
        int found = 0;
        for (const Arm& arm : sd.arms) {
          if (arm.treatment != t1 && arm.treatment != t2) continue;
          if (!arm.n) return kNaN;
          n += *arm.n;
          ++found;
        }
        return found == 2 ? n : kNaN;
      }
      for (const ContrastRecord& c : sd.contrasts) {
        const bool same = (c.treat1 == t1 && c.treat2 == t2) || (c.treat1 == t2 && c.treat2 == t1);
        if (same) return c.n1 && c.n2 ? *c.n1 + *c.n2 : kNaN;
      }
    }
  }
  return kNaN;
}

}  // namespace

Table make_pairwise_table(const std::vector<PairwiseAnalysis>& analyses, const PairwiseTableOptions& options,
                          const Dataset* data) {
  Table t;
  t.kind = "pairwise-table";
  t.name = options.name;
  std::string outcome = analyses.empty() ? std::string() : analyses.front().outcome;
  if (!analyses.empty() && analyses.front().time_point) outcome += " (" + *analyses.front().time_point + ")";
  t.title = options.title.empty() ? "Pairwise meta-analyses" + (outcome.empty() ? std::string() : ": " + outcome)
                                  : options.title;
  t.header.push_back(header_row({"Comparison", "Studies", "Participants", "Common effect (CI)", "Random effects (CI)",
                                 "tau2", "I2 % (CI)", "Prediction interval", "Egger p"}));
  bool any_ratio = false;
  for (const PairwiseAnalysis& a : analyses) {
    const MetaResult& m = a.result;
    const bool e = is_ratio(a.measure) && options.backtransf;
    any_ratio = any_ratio || e;
    std::vector<TableCell> row;
    row.push_back(text_cell(a.comparison.treat1 + " vs " + a.comparison.treat2));
    row.push_back(count_cell(static_cast<double>(m.k)));
    double n = data != nullptr && !m.study.empty() ? 0.0 : kNaN;
    if (data != nullptr)
      for (const std::string& s : m.study) n += participants(*data, a, s);
    row.push_back(count_cell(n));
    if (!m.ok()) {
      row.resize(9);
      row[3] = text_cell("not estimable");
      t.rows.push_back(std::move(row));
      continue;
    }
    const auto est = [&](const PooledEstimate& p) {
      return interval_cell(maybe_exp(p.estimate, e), maybe_exp(p.ci_lower, e), maybe_exp(p.ci_upper, e),
                           options.digits);
    };
    row.push_back(est(m.common));
    row.push_back(est(m.random.pooled));
    row.push_back(number_cell(m.random.tau2, options.digits + 2));
    const HeterogeneityCI& h = a.I2_test_based;
    if (m.k >= 2 && !std::isnan(h.I2)) {
      TableCell c = h.defined ? interval_cell(h.I2, h.I2_lower, h.I2_upper, 1) : number_cell(h.I2, 1);
      c.kind = "number";
      row.push_back(std::move(c));
    } else {
      row.push_back(text_cell({}, "number"));
    }
    if (m.random.prediction) {
      const PredictionInterval& pi = *m.random.prediction;
      TableCell c;
      c.kind = "number";
      c.lower = maybe_exp(pi.lower, e);
      c.upper = maybe_exp(pi.upper, e);
      c.text = format_number(*c.lower, options.digits) + " to " + format_number(*c.upper, options.digits);
      row.push_back(std::move(c));
    } else {
      row.push_back(text_cell({}, "number"));
    }
    if (a.egger && !std::isnan(a.egger->p_value)) {
      TableCell p = number_cell(a.egger->p_value, options.p_digits);
      p.text = format_p(a.egger->p_value, options.p_digits);
      row.push_back(std::move(p));
    } else {
      row.push_back(text_cell({}, "number"));
    }
    t.rows.push_back(std::move(row));
  }
  if (!analyses.empty()) {
    const PairwiseAnalysis& a = analyses.front();
    t.footnotes.push_back(
        {"", std::string("Effect measure: ") + to_string(a.measure) + (any_ratio ? " (ratios)" : "") + "; " +
                 plain(100.0 * a.result.options.level) + "% confidence intervals; tau2 estimator: " +
                 to_string(a.result.options.tau2_method) + (any_ratio ? " (tau2 on the log scale)" : "") +
                 "; I2 with the test-based interval (Higgins & Thompson 2002)."});
  }
  if (data == nullptr)
    t.footnotes.push_back({"", "Participants are not shown: no dataset was given."});
  else
    t.footnotes.push_back({"", "Participants: blank when a study's arm sizes are not all known."});
  return t;
}

// ---------------------------------------------------------------------------------------------
// Study characteristics and risk of bias

namespace {

TableCell judgement_cell(const std::optional<Judgement>& j) {
  if (!j) return text_cell({}, "rob");
  switch (*j) {
    case Judgement::low:
      return text_cell("Low", "rob rob-low");
    case Judgement::some_concerns:
      return text_cell("Some concerns", "rob rob-some");
    case Judgement::high:
      return text_cell("High", "rob rob-high");
  }
  return text_cell({}, "rob");
}

/// Treatments and sizes of a study in one outcome, in order of appearance.
bool study_arms(const Outcome& o, std::size_t s, std::vector<std::string>& treatments, std::vector<double>& n) {
  for (const StudyData& sd : o.data) {
    if (sd.study != s) continue;
    for (const Arm& arm : sd.arms) {
      treatments.push_back(arm.treatment);
      n.push_back(arm.n.value_or(kNaN));
    }
    for (const ContrastRecord& c : sd.contrasts) {
      const auto add = [&](const std::string& t, const std::optional<double>& size) {
        const auto it = std::find(treatments.begin(), treatments.end(), t);
        if (it == treatments.end()) {
          treatments.push_back(t);
          n.push_back(size.value_or(kNaN));
        } else if (size && std::isnan(n[static_cast<std::size_t>(it - treatments.begin())])) {
          n[static_cast<std::size_t>(it - treatments.begin())] = *size;
        }
      };
      add(c.treat1, c.n1);
      add(c.treat2, c.n2);
    }
    return true;
  }
  return false;
}

}  // namespace

Table make_study_table(const Dataset& data, const StudyTableOptions& options) {
  Table t;
  t.kind = "study-table";
  t.name = options.name;
  t.title = options.title;
  std::set<std::string> covariate_set;
  bool any_rob = false, any_indirectness = false, any_year = false;
  for (const Study& s : data.studies) {
    if (options.covariates)
      for (const auto& [name, value] : s.covariates) covariate_set.insert(name);
    any_rob = any_rob || !s.rob.empty();
    any_indirectness = any_indirectness || s.indirectness.has_value();
    any_year = any_year || s.year.has_value();
  }
  any_rob = any_rob && options.risk_of_bias;
  any_indirectness = any_indirectness && options.risk_of_bias;
  const std::vector<std::string> covariates(covariate_set.begin(), covariate_set.end());

  std::vector<std::string> names = {"Study", "Year", "Treatments", "n per arm"};
  names.insert(names.end(), covariates.begin(), covariates.end());
  const std::size_t before_rob = names.size();
  if (any_rob)
    for (const char* d : {"D1", "D2", "D3", "D4", "D5", "Overall"}) names.emplace_back(d);
  if (any_indirectness) names.emplace_back("Indirectness");
  if (any_rob) {
    std::vector<HeaderCell> top(before_rob, HeaderCell{});
    top.push_back({"Risk of bias", 6});
    if (any_indirectness) top.push_back({});
    t.header.push_back(std::move(top));
  }
  t.header.push_back(header_row(names));

  const Outcome* chosen = options.outcome.empty() ? nullptr : data.find_outcome(options.outcome);
  for (std::size_t s = 0; s < data.studies.size(); ++s) {
    const Study& st = data.studies[s];
    std::vector<std::string> treatments;
    std::vector<double> n;
    if (chosen != nullptr) {
      study_arms(*chosen, s, treatments, n);
    } else {
      for (const Outcome& o : data.outcomes)
        if (study_arms(o, s, treatments, n)) break;
    }
    std::string tr, sizes;
    for (std::size_t i = 0; i < treatments.size(); ++i) {
      if (i) {
        tr += "; ";
        sizes += "; ";
      }
      tr += treatments[i];
      sizes += std::isnan(n[i]) ? std::string("NA") : plain(n[i]);
    }
    std::vector<TableCell> row;
    row.push_back(text_cell(st.label));
    row.push_back(st.year ? count_cell(*st.year) : text_cell({}, "number"));
    row.push_back(text_cell(tr));
    row.push_back(text_cell(sizes));
    if (std::all_of(n.begin(), n.end(), [](double x) { return std::isnan(x); })) row.back().text.clear();
    for (const std::string& c : covariates) {
      const auto it = st.covariates.find(c);
      if (it == st.covariates.end()) {
        row.push_back(text_cell({}));
      } else if (it->second.number) {
        TableCell cell = text_cell(it->second.text, "number");
        cell.value = *it->second.number;
        row.push_back(std::move(cell));
      } else {
        row.push_back(text_cell(it->second.text));
      }
    }
    if (any_rob) {
      for (const auto& d : st.rob.domains) row.push_back(judgement_cell(d));
      row.push_back(judgement_cell(st.rob.overall));
    }
    if (any_indirectness) row.push_back(judgement_cell(st.indirectness));
    t.rows.push_back(std::move(row));
  }
  if (!any_year && !t.rows.empty()) {
    // No study has a year: drop the column rather than show it empty.
    for (auto& row : t.rows) row.erase(row.begin() + 1);
    for (auto& h : t.header) {
      if (h.size() > 1) h.erase(h.begin() + 1);
    }
  }
  if (any_rob)
    t.footnotes.push_back({"",
                           "Risk of bias (RoB 2): D1 randomisation process; D2 deviations from intended "
                           "interventions; D3 missing outcome data; D4 measurement of the outcome; D5 "
                           "selection of the reported result. L = low risk, S = some concerns, H = high risk."});
  if (chosen == nullptr && !options.outcome.empty())
    t.footnotes.push_back(
        {"", "Outcome '" + options.outcome + "' not found; arms are those of each study's first outcome."});
  return t;
}

Table make_sof_table(const SummaryOfFindings& sof, const std::string& name) {
  Table t;
  t.name = name;
  t.kind = "sof-table";
  t.title = "Summary of findings: " + sof.intervention + " compared with " + sof.comparator +
            (sof.population.empty() ? std::string() : " for " + sof.population);
  t.header = {{{"Outcome"}, {"Studies (participants)"}, {"Relative effect (95% CI)"},
               {"Anticipated absolute effects"}, {"Certainty"}, {"What happens"}}};
  for (const SofRow& row : sof.rows) {
    const OutcomeEvidence& e = row.evidence;
    std::vector<TableCell> r;
    r.push_back(text_cell(e.name + (e.time_point.empty() ? std::string() : ", " + e.time_point)));
    std::string sp = e.studies ? std::to_string(*e.studies) : std::string("-");
    if (e.participants) sp += " (" + std::to_string(*e.participants) + ")";
    r.push_back(text_cell(sp));
    TableCell rel = text_cell(format_relative(e), "number");
    rel.value = e.estimate;
    rel.lower = e.ci_lower;
    rel.upper = e.ci_upper;
    r.push_back(rel);
    r.push_back(text_cell(format_absolute(row)));
    std::string level = to_string(e.certainty);
    std::string kind = "certainty-" + level;
    std::replace(kind.begin(), kind.end(), ' ', '-');
    TableCell cert = text_cell(level, kind);
    for (const int f : row.footnotes) cert.marks.push_back(std::to_string(f));
    r.push_back(cert);
    r.push_back(text_cell(row.statement));
    t.rows.push_back(std::move(r));
  }
  for (std::size_t i = 0; i < sof.footnotes.size(); ++i) t.footnotes.push_back({std::to_string(i + 1), sof.footnotes[i]});
  return t;
}

}  // namespace evident::report
