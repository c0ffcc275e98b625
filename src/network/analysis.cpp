// evident: the network meta-analysis of one outcome with its rankings (layout in analysis.hpp).
#include "evident/network/analysis.hpp"

#include <cmath>
#include <set>
#include <string>

#include "evident/core/diagnostic_json.hpp"
#include "evident/core/json_number.hpp"

namespace evident {

void estimates_against(const NmaModel& model, std::size_t reference, Eigen::VectorXd& mean, Eigen::MatrixXd& cov) {
  const Eigen::Index n = model.TE.rows();
  const auto r = static_cast<Eigen::Index>(reference);
  mean.resize(n);
  cov.resize(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    mean(i) = model.TE(i, r);
    for (Eigen::Index j = 0; j < n; ++j) {
      const double vir = model.seTE(i, r) * model.seTE(i, r);
      const double vjr = model.seTE(j, r) * model.seTE(j, r);
      const double vij = model.seTE(i, j) * model.seTE(i, j);
      cov(i, j) = 0.5 * (vir + vjr - vij);
    }
  }
}

NetworkAnalysis analyse_network(const Outcome& outcome, const EffectSet& set, const NetworkOptions& options) {
  NetworkAnalysis a;
  a.outcome = set.outcome;
  a.time_point = outcome.time_point;
  a.measure = set.measure;
  if (options.progress) options.progress("network meta-analysis", 0.0);
  a.nma = network_meta_analysis(nma_input_from_effects(set), options.nma);
  if (options.small_values) {
    a.small_values = *options.small_values;
  } else if (outcome.direction == Direction::large_values_desirable) {
    a.small_values = SmallValues::undesirable;
  } else {
    a.small_values = SmallValues::desirable;
    if (outcome.direction != Direction::small_values_desirable)
      a.diagnostics.note("direction-assumed", {},
                         "outcome '" + set.outcome +
                             "' does not say whether small values are desirable: ranked with small values "
                             "desirable (netmeta's default)",
                         "give --small-values desirable or undesirable");
  }
  if (!a.nma.ok() || a.nma.treatments.size() < 2) return a;
  a.pscore_common = p_scores(a.nma.treatments, a.nma.common.TE, a.nma.common.seTE, a.small_values);
  a.pscore_random = p_scores(a.nma.treatments, a.nma.random.TE, a.nma.random.seTE, a.small_values);
  if (a.nma.designs > 1) {
    if (options.netsplit) a.netsplit = netsplit(a.nma, options.netsplit_method);
    if (options.decomposition) a.decomposition = decompose_designs(a.nma);
  }
  // size guard for the per-comparison matrices (NetworkOptions::matrix_cells_limit)
  const std::size_t n = a.nma.treatments.size(), pairs = n * (n - 1) / 2;
  std::set<std::string> studies;
  for (const NmaComparison& c : a.nma.comparisons_data) studies.insert(c.study);
  const std::size_t contrasts = a.nma.comparisons_data.size();  // bounds the design contrasts of net heat
  auto too_big = [&](std::size_t cells, const std::string& what, const std::string& code) {
    if (options.matrix_cells_limit == 0 || cells <= options.matrix_cells_limit) return false;
    a.diagnostics.note(code, {},
                       what + " left out: " + std::to_string(cells) + " cells, above the " +
                           std::to_string(options.matrix_cells_limit) + " shown by default for big networks",
                       "give --full (request key \"full\": true) to compute it anyway");
    return true;
  };
  if (options.evidence_flow) {
    a.evidence_flow = a.netsplit && a.netsplit->method == NetsplitMethod::back_calculation
                          ? evidence_flow(a.nma, *a.netsplit, true)
                          : evidence_flow(a.nma, true);
    if (too_big(pairs * static_cast<std::size_t>(a.evidence_flow->H_tilde.cols()),
                "the evidence-flow matrix H_tilde (comparisons x designs) was", "flow-matrix-omitted"))
      a.evidence_flow->H_tilde.resize(0, 0);
  }
  if (options.net_heat && a.nma.Q_inconsistency_df > 0.0 &&
      !too_big(3 * contrasts * contrasts, "the net heat matrix was", "netheat-omitted"))
    a.net_heat = net_heat(a.nma, {});
  if (options.contribution &&
      !too_big(pairs * (studies.size() + contrasts), "the contribution matrix was",
               "contribution-omitted")) {
    ContributionOptions co;
    co.method = options.contribution_method;
    a.contribution = contribution_matrix(a.nma, co);
  }
  if (options.league) {
    LeagueOptions lo;
    lo.ratio_measure = is_ratio(a.measure);
    lo.model = NmaModelKind::common;
    a.league_common = league_table(a.nma, lo);
    lo.model = NmaModelKind::random;
    a.league_random = league_table(a.nma, lo);
  }
  if (options.funnel) {
    FunnelOptions fo;
    fo.order = options.funnel_order;
    if (fo.order.empty()) {
      fo.order.push_back(a.nma.reference);
      for (const std::string& t : a.nma.treatments)
        if (t != a.nma.reference) fo.order.push_back(t);
      a.diagnostics.note("funnel-order-assumed", {},
                         "the comparison-adjusted funnel plot orders treatments with the reference '" +
                             a.nma.reference + "' first, then the others in the order of 'treatments'",
                         "give the order that makes sense for asymmetry (e.g. placebo, then oldest to newest) with "
                         "--funnel-order");
    }
    a.funnel = comparison_adjusted_funnel(a.nma, fo);
  }
  if (options.nsim > 0) {
    std::size_t ref = a.nma.treatment_index(a.nma.reference);
    if (ref == NmaResult::npos) ref = 0;
    Eigen::VectorXd mean;
    Eigen::MatrixXd cov;
    estimates_against(a.nma.random, ref, mean, cov);
    a.rankogram_random =
        rankogram(a.nma.treatments, mean, cov, a.small_values, options.nsim, options.seed, options.progress);
  }
  return a;
}

std::vector<NetworkAnalysis> analyse_network_outcome(const Outcome& outcome, const EffectSet& set,
                                                     const NetworkOptions& options) {
  std::vector<NetworkAnalysis> out;
  out.push_back(analyse_network(outcome, set, options));
  const auto& parts = out.front().nma.subnetworks;
  if (!options.each_subnetwork || parts.size() < 2 || !out.front().nma.ok()) return out;
  const std::size_t count = parts.size();
  // Each part is refitted with its index, so that every analysis says the same about the others.
  out.clear();
  for (std::size_t s = 0; s < count; ++s) {
    NetworkOptions o = options;
    o.nma.subnetwork = s;
    if (options.progress)
      o.progress = [&options, s, count](std::string_view stage, double f) {
        options.progress(stage, (static_cast<double>(s) + f) / static_cast<double>(count));
      };
    out.push_back(analyse_network(outcome, set, o));
    out.back().subnetwork = s;
  }
  return out;
}

namespace {

nlohmann::json exp_matrix(const Eigen::MatrixXd& m) {
  return json_matrix_rows(m.array().exp().matrix());
}

}  // namespace

nlohmann::json to_json(const NetworkAnalysis& a) {
  nlohmann::json j = to_json(a.nma);
  j["outcome"] = a.outcome;
  j["time_point"] = a.time_point ? nlohmann::json(*a.time_point) : nlohmann::json(nullptr);
  j["measure"] = to_string(a.measure);
  j["scale"] = is_ratio(a.measure) ? "log" : "identity";
  j["small_values"] = to_string(a.small_values);
  if (a.subnetwork) j["subnetwork"] = *a.subnetwork + 1;
  nlohmann::json pscore = nlohmann::json::object();
  nlohmann::json ranking = nlohmann::json::object();
  if (a.pscore_common) {
    pscore["common"] = to_json(*a.pscore_common).at("pscore");
    ranking["common"] = to_json(*a.pscore_common);
  }
  if (a.pscore_random) {
    pscore["random"] = to_json(*a.pscore_random).at("pscore");
    ranking["random"] = to_json(*a.pscore_random);
  }
  if (a.rankogram_random) ranking["rankogram"] = to_json(*a.rankogram_random);
  j["pscore"] = pscore;
  j["ranking"] = ranking;
  if (is_ratio(a.measure) && a.nma.ok()) {
    nlohmann::json e;
    for (const auto& [name, model] : {std::pair<const char*, const NmaModel*>{"common", &a.nma.common},
                                      std::pair<const char*, const NmaModel*>{"random", &a.nma.random}})
      e[name] = {
          {"TE", exp_matrix(model->TE)}, {"lower", exp_matrix(model->lower)}, {"upper", exp_matrix(model->upper)}};
    j["exp"] = e;
  }
  if (a.netsplit) j["netsplit"] = to_json(*a.netsplit);
  if (a.decomposition) j["decomposition"] = to_json(*a.decomposition);
  if (a.evidence_flow) j["evidence_flow"] = to_json(*a.evidence_flow);
  if (a.net_heat) j["net_heat"] = to_json(*a.net_heat);
  if (a.contribution) j["contribution"] = to_json(*a.contribution);
  if (a.league_common && a.league_random)
    j["league_table"] = {{"common", to_json(*a.league_common)}, {"random", to_json(*a.league_random)}};
  if (a.funnel) j["funnel"] = to_json(*a.funnel);
  Diagnostics all = a.nma.diagnostics;
  all.append(a.diagnostics);
  if (a.pscore_random) all.append(a.pscore_random->diagnostics);
  if (a.rankogram_random) all.append(a.rankogram_random->diagnostics);
  if (a.netsplit) all.append(a.netsplit->diagnostics);
  if (a.decomposition) all.append(a.decomposition->diagnostics);
  if (a.evidence_flow) all.append(a.evidence_flow->diagnostics);
  if (a.net_heat) all.append(a.net_heat->diagnostics);
  if (a.contribution) all.append(a.contribution->diagnostics);
  if (a.league_random) all.append(a.league_random->diagnostics);
  if (a.funnel) all.append(a.funnel->diagnostics);
  j["warnings"] = to_json(all);
  return j;
}

}  // namespace evident
