// evident: comparison-adjusted funnel plot and its asymmetry tests (netmeta funnel.netmeta parity). See
// funnel.hpp for the method and references.
#include "evident/network/funnel.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "evident/core/diagnostic_json.hpp"
#include "evident/core/json_number.hpp"
#include "evident/network/league.hpp"
#include "evident/network/netsplit.hpp"
#include "evident/pairwise/results_json.hpp"

namespace evident {

FunnelResult comparison_adjusted_funnel(const NmaResult& nma, const FunnelOptions& options) {
  FunnelResult res;
  res.pooled = options.pooled;
  if (!nma.ok() || nma.treatments.size() < 2) {
    res.diagnostics.error("funnel-no-network", {}, "there is no analysed network for the funnel plot",
                          "fix the errors of the network meta-analysis first");
    return res;
  }
  if (options.order.empty()) {
    res.diagnostics.error("funnel-order-missing", {},
                          "the comparison-adjusted funnel plot needs an order of the treatments",
                          "give the treatments in a meaningful order, e.g. oldest to newest or placebo first "
                          "(netmeta funnel(order = ...))");
    return res;
  }
  const std::vector<std::size_t> named = match_treatment_names(options.order, nma.treatments, "order", res.diagnostics);
  if (named.size() != options.order.size()) return res;

  // netmeta order.all: the treatments not named first (in netmeta's order), then the named ones
  const std::size_t n = nma.treatments.size();
  std::vector<bool> is_named(n, false);
  for (std::size_t t : named) is_named[t] = true;
  std::vector<std::size_t> full;
  for (std::size_t t = 0; t < n; ++t)
    if (!is_named[t]) full.push_back(t);
  full.insert(full.end(), named.begin(), named.end());
  std::vector<std::size_t> position(n, 0);
  for (std::size_t p = 0; p < full.size(); ++p) position[full[p]] = p;
  for (std::size_t t : full) res.order.push_back(nma.treatments[t]);

  const double tau2 = options.pooled == NmaModelKind::random && std::isfinite(nma.tau2) ? nma.tau2 : 0.0;
  const DirectEstimates direct = direct_estimates(nma, tau2);

  struct Row {
    FunnelPoint point;
    std::size_t p1 = 0, p2 = 0;
  };
  std::vector<Row> rows;
  for (const NmaComparison& c : nma.comparisons_data) {
    std::size_t a = nma.treatment_index(c.treat1), b = nma.treatment_index(c.treat2);
    if (a == NmaResult::npos || b == NmaResult::npos) continue;
    if (!is_named[a] && !is_named[b]) continue;  // partial order: comparisons of the named treatments only
    Row r;
    r.point.study = c.study;
    r.point.te = c.te;
    r.point.se = c.se;
    if (position[a] > position[b]) {
      std::swap(a, b);
      r.point.te = -c.te;
      r.point.flipped = true;
    }
    r.point.treat1 = nma.treatments[a];
    r.point.treat2 = nma.treatments[b];
    r.point.comparison = r.point.treat1 + ":" + r.point.treat2;
    const Eigen::Index ia = static_cast<Eigen::Index>(a), ib = static_cast<Eigen::Index>(b);
    // one study contrast: the direct estimate is that contrast, exactly (pooling may round it)
    r.point.te_direct = direct.k(ia, ib) == 1 ? r.point.te : direct.TE(ia, ib);
    r.point.te_adj = r.point.te - r.point.te_direct;
    r.p1 = position[a];
    r.p2 = position[b];
    rows.push_back(std::move(r));
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const Row& x, const Row& y) { return x.p1 != y.p1 ? x.p1 < y.p1 : x.p2 < y.p2; });
  for (Row& r : rows) res.points.push_back(std::move(r.point));

  if (!(options.egger || options.begg || options.thompson)) return res;
  const std::size_t k_min = std::max<std::size_t>(3, options.k_min);
  if (res.points.size() < k_min) {
    res.diagnostics.warning("funnel-too-few-contrasts", {},
                            "the tests for funnel-plot asymmetry were not run: " + std::to_string(res.points.size()) +
                                " contrasts, fewer than " + std::to_string(k_min),
                            "meta::metabias() needs k.min = 10 by default; lower FunnelOptions::k_min (at least 3) "
                            "to test anyway");
    return res;
  }
  std::vector<std::string> studies;
  std::vector<double> yi, sei;
  for (const FunnelPoint& p : res.points) {
    studies.push_back(p.study);
    yi.push_back(p.te_adj);
    sei.push_back(p.se);
  }
  const MetaInput input = meta_input_from_se(studies, yi, sei);
  if (options.egger) {
    RegtestOptions o;
    o.model = RegtestModel::lm;
    o.fit.meta.level = nma.level;
    res.egger = egger_test(input, o);
  }
  if (options.begg) {
    RanktestOptions o;
    o.exact = false;
    res.begg = rank_correlation_test(input, o);
    // Common pooling: the inverse-variance mean of the centred points is 0 analytically (within a
    // comparison, sum w (te - te_direct) = 0 with the same weights), so the standardised deviates of
    // single-study comparisons (te_adj = 0) are 0 / 0-like rounding noise and their mutual ranks, hence
    // tau and p, depend on the sign of a ~1e-17 residue (in meta::metabias() as here).
    std::size_t zeros = 0;
    for (const FunnelPoint& p : res.points) zeros += p.te_adj == 0.0 ? 1 : 0;
    if (options.pooled == NmaModelKind::common && zeros >= 2)
      res.diagnostics.warning("funnel-begg-rounding", {},
                              "the rank correlation test depends on rounding here: " + std::to_string(zeros) +
                                  " contrasts are the only study of their comparison (centred effect 0) and the "
                                  "common-effect mean of the centred effects is 0 up to rounding",
                              "use the random-effects centring or Egger's test");
  }
  if (options.thompson) {
    MetaOptions o;
    o.tau2_method = Tau2Method::DL;
    o.level = nma.level;
    res.thompson = thompson_sharp_test(input, o);
  }
  return res;
}

nlohmann::json to_json(const FunnelResult& r) {
  nlohmann::json j;
  j["pooled"] = to_string(r.pooled);
  j["order"] = r.order;
  nlohmann::json points = nlohmann::json::array();
  for (const FunnelPoint& p : r.points)
    points.push_back({{"study", p.study},
                      {"treat1", p.treat1},
                      {"treat2", p.treat2},
                      {"comparison", p.comparison},
                      {"te", json_number(p.te)},
                      {"te_direct", json_number(p.te_direct)},
                      {"te_adj", json_number(p.te_adj)},
                      {"se", json_number(p.se)},
                      {"flipped", p.flipped}});
  j["points"] = std::move(points);
  j["egger"] = r.egger ? to_json(*r.egger) : nlohmann::json(nullptr);
  j["begg"] = r.begg ? to_json(*r.begg) : nlohmann::json(nullptr);
  j["thompson"] = r.thompson ? to_json(*r.thompson) : nlohmann::json(nullptr);
  j["diagnostics"] = to_json(r.diagnostics);
  return j;
}

}  // namespace evident
