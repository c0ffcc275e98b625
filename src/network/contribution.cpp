// evident: contribution matrix of direct comparisons and studies to network estimates (netmeta
// netcontrib() parity). See contribution.hpp for the formulas and references.
#include "evident/network/contribution.hpp"

#include "network_internal.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <map>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

#include "evident/core/diagnostic_json.hpp"
#include "evident/core/json_number.hpp"

namespace evident {
namespace {

using Index = Eigen::Index;
using detail::ix;

constexpr double kEps = std::numeric_limits<double>::epsilon();

/// The aggregated network of one model: edges (distinct pairs, sorted), their weights, L+.
struct AggregatedNetwork {
  std::size_t n = 0;
  std::vector<TreatmentPair> edges;
  std::vector<double> W;
  std::vector<std::size_t> edge_of_contrast;  // comparisons_data index -> edge
  Eigen::MatrixXd Lplus;
  bool ok = false;
};

AggregatedNetwork aggregate(const NmaResult& nma, NmaModelKind model) {
  AggregatedNetwork g;
  g.n = nma.treatments.size();
  std::map<std::string, std::size_t> tindex;
  for (std::size_t t = 0; t < g.n; ++t) tindex[nma.treatments[t]] = t;
  std::map<std::pair<std::size_t, std::size_t>, std::size_t> pair_index;
  std::vector<std::pair<std::size_t, std::size_t>> pair_of_contrast;
  for (const NmaComparison& c : nma.comparisons_data) {
    const auto i1 = tindex.find(c.treat1), i2 = tindex.find(c.treat2);
    if (i1 == tindex.end() || i2 == tindex.end()) return g;  // not from this NMA: a bug
    const std::size_t a = std::min(i1->second, i2->second), b = std::max(i1->second, i2->second);
    pair_of_contrast.emplace_back(a, b);
    pair_index.emplace(std::make_pair(a, b), 0);
  }
  std::size_t e = 0;
  for (auto& [p, idx] : pair_index) {
    idx = e++;
    g.edges.push_back(TreatmentPair{p.first, p.second, nma.treatments[p.first] + ":" + nma.treatments[p.second]});
  }
  g.W.assign(g.edges.size(), 0.0);
  for (std::size_t k = 0; k < nma.comparisons_data.size(); ++k) {
    const std::size_t edge = pair_index.at(pair_of_contrast[k]);
    g.edge_of_contrast.push_back(edge);
    const NmaComparison& c = nma.comparisons_data[k];
    const double w = model == NmaModelKind::common ? c.w_common : c.w_random;
    if (std::isfinite(w) && w > 0.0) g.W[edge] += w;
  }
  // L+ = (L + J/n)^-1 - J/n (L is singular with null space 1 for a connected network)
  const Index k = ix(g.n);
  const double jn = 1.0 / static_cast<double>(g.n);
  Eigen::MatrixXd M = Eigen::MatrixXd::Constant(k, k, jn);
  for (std::size_t i = 0; i < g.edges.size(); ++i) {
    const Index a = ix(g.edges[i].t1), b = ix(g.edges[i].t2);
    const double w = g.W[i];
    M(a, a) += w;
    M(b, b) += w;
    M(a, b) -= w;
    M(b, a) -= w;
  }
  const Eigen::LLT<Eigen::MatrixXd> llt(M);
  if (llt.info() != Eigen::Success) return g;
  g.Lplus = llt.solve(Eigen::MatrixXd::Identity(k, k));
  g.Lplus.array() -= jn;
  g.ok = g.Lplus.allFinite();
  return g;
}

/// Gauss-Legendre nodes and weights on [0, 1] with K points (Newton on P_K).
struct Quadrature {
  std::vector<double> t, w;
};

Quadrature gauss_legendre01(std::size_t K) {
  Quadrature q;
  q.t.resize(K);
  q.w.resize(K);
  const double kd = static_cast<double>(K);
  for (std::size_t i = 0; i < K; ++i) {
    double x = std::cos(std::numbers::pi * (static_cast<double>(i) + 0.75) / (kd + 0.5));
    double dp = 1.0;
    for (int it = 0; it < 100; ++it) {
      double p0 = 1.0, p1 = x;
      for (std::size_t j = 2; j <= K; ++j) {
        const double jd = static_cast<double>(j);
        const double p2 = ((2.0 * jd - 1.0) * x * p1 - (jd - 1.0) * p0) / jd;
        p0 = p1;
        p1 = p2;
      }
      dp = kd * (x * p1 - p0) / (x * x - 1.0);
      const double dx = p1 / dp;
      x -= dx;
      if (std::fabs(dx) < 1e-16) break;
    }
    if (K == 1) {
      x = 0.0;
      dp = 1.0;
    }
    q.t[i] = (1.0 + x) / 2.0;
    q.w[i] = 1.0 / ((1.0 - x * x) * dp * dp);  // 2 / ((1 - x^2) P'^2), halved for [0, 1]
  }
  return q;
}

struct Arc {
  std::size_t from = 0, to = 0, edge = 0;
  double value = 0.0;  // flow, or transition probability
};

/// One row of the random-walk contribution matrix (see contribution.hpp). `x` = potentials
/// (L+ e_a - L+ e_b), `h` = the row of the hat matrix.
void random_walk_row(std::size_t n, std::size_t a, std::size_t b, const std::vector<TreatmentPair>& edges,
                     const Eigen::VectorXd& x, const Eigen::VectorXd& h, std::vector<Quadrature>& quad, double* out) {
  // flow network: arcs along the flow, out of every vertex but the sink
  std::vector<Arc> arcs;
  std::vector<double> outflow(n, 0.0);
  for (std::size_t e = 0; e < edges.size(); ++e) {
    const double he = h(ix(e));
    if (he == 0.0) continue;
    Arc arc{he > 0.0 ? edges[e].t1 : edges[e].t2, he > 0.0 ? edges[e].t2 : edges[e].t1, e, std::fabs(he)};
    outflow[arc.from] += arc.value;
    arcs.push_back(arc);
  }
  // transition probabilities as netmeta: P = ginv(diag(outflow)) Q (outflows below sqrt(eps) x the
  // largest count as 0), P[sink, ] = 0, |P| < 1000 eps set to 0
  const double max_out = *std::max_element(outflow.begin(), outflow.end());
  const double ginv_tol = std::sqrt(kEps) * max_out;
  std::vector<Arc> live;
  live.reserve(arcs.size());
  for (Arc arc : arcs) {
    if (arc.from == b || !(outflow[arc.from] > ginv_tol)) continue;
    arc.value /= outflow[arc.from];
    if (arc.value < 1000.0 * kEps) continue;
    live.push_back(arc);
  }
  // topological order: potentials strictly decrease along the flow; arcs grouped by their tail in
  // that order (counting sort)
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return x(ix(i)) > x(ix(j)); });
  std::vector<std::size_t> start(n + 1, 0);
  for (const Arc& arc : live) ++start[arc.from + 1];
  for (std::size_t v = 0; v < n; ++v) start[v + 1] += start[v];
  std::vector<Arc> by_tail(live.size());
  {
    std::vector<std::size_t> fill(start.begin(), start.end() - 1);
    for (const Arc& arc : live) by_tail[fill[arc.from]++] = arc;
  }
  // longest path from the source (for the quadrature order)
  std::vector<long> depth(n, -1);
  depth[a] = 0;
  for (const std::size_t v : order)
    if (depth[v] >= 0)
      for (std::size_t k = start[v]; k < start[v + 1]; ++k)
        depth[by_tail[k].to] = std::max(depth[by_tail[k].to], depth[v] + 1);
  const auto D = static_cast<std::size_t>(std::max(depth[b], 1L));
  const std::size_t K = (D + 1) / 2;  // exact for the integrands, of degree <= D - 1 <= 2K - 1
  if (quad.size() <= K) quad.resize(K + 1);
  if (quad[K].t.empty()) quad[K] = gauss_legendre01(K);
  const double* t = quad[K].t.data();
  const double* w = quad[K].w.data();
  // A_v(t_q) (paths from the source, forward) and B_v(t_q) (paths to the sink, backward), n x K
  std::vector<double> A(n * K, 0.0), B(n * K, 0.0), tmp(K);
  for (std::size_t q = 0; q < K; ++q) A[a * K + q] = 1.0;
  for (const std::size_t v : order) {
    if (start[v] == start[v + 1]) continue;
    for (std::size_t q = 0; q < K; ++q) tmp[q] = t[q] * A[v * K + q];
    for (std::size_t k = start[v]; k < start[v + 1]; ++k) {
      double* dst = &A[by_tail[k].to * K];
      const double p = by_tail[k].value;
      for (std::size_t q = 0; q < K; ++q) dst[q] += p * tmp[q];
    }
  }
  // B is kept premultiplied by t: tB_v = t o B_v
  for (std::size_t q = 0; q < K; ++q) B[b * K + q] = t[q];
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const std::size_t v = *it;
    if (start[v] == start[v + 1]) continue;
    double* dst = &B[v * K];
    for (std::size_t k = start[v]; k < start[v + 1]; ++k) {
      const double* src = &B[by_tail[k].to * K];
      const double p = by_tail[k].value;
      for (std::size_t q = 0; q < K; ++q) dst[q] += p * src[q];
    }
    for (std::size_t q = 0; q < K; ++q) dst[q] *= t[q];
  }
  // p_(v->u) = P_vu sum_q w_q A_v(t_q) B_u(t_q) = P_vu sum_q (w_q / t_q) A_v(t_q) tB_u(t_q)
  for (const std::size_t v : order) {
    if (start[v] == start[v + 1]) continue;
    for (std::size_t q = 0; q < K; ++q) tmp[q] = w[q] / t[q] * A[v * K + q];
    for (std::size_t k = start[v]; k < start[v + 1]; ++k) {
      const double* src = &B[by_tail[k].to * K];
      double integral = 0.0;
      for (std::size_t q = 0; q < K; ++q) integral += tmp[q] * src[q];
      out[by_tail[k].edge] += by_tail[k].value * integral;
    }
  }
}

/// One row of the shortest-path (stream) contribution matrix, with igraph's tie-breaking.
void shortest_path_row(std::size_t n, std::size_t a, std::size_t b, const std::vector<TreatmentPair>& edges,
                       const Eigen::VectorXd& h, double* out) {
  const std::size_t m = edges.size();
  std::vector<std::size_t> from(m), to(m);
  std::vector<double> flow(m);
  std::vector<std::size_t> vid(n, n);
  std::size_t next_id = 0;
  for (std::size_t e = 0; e < m; ++e) {
    const bool forward = h(ix(e)) > 0.0;
    from[e] = forward ? edges[e].t1 : edges[e].t2;
    to[e] = forward ? edges[e].t2 : edges[e].t1;
    flow[e] = std::fabs(h(ix(e)));
    if (vid[from[e]] == n) vid[from[e]] = next_id++;
    if (vid[to[e]] == n) vid[to[e]] = next_id++;
  }
  // out-edges of each vertex in igraph's order: by the target's number, then by edge
  std::vector<std::vector<std::size_t>> adj(n);
  for (std::size_t e = 0; e < m; ++e) adj[from[e]].push_back(e);
  for (auto& list : adj)
    std::sort(list.begin(), list.end(),
              [&](std::size_t p, std::size_t q) { return vid[to[p]] != vid[to[q]] ? vid[to[p]] < vid[to[q]] : p < q; });
  std::vector<char> alive(m, 1);
  std::vector<std::size_t> parent(n), queue;
  std::vector<char> seen(n);
  std::vector<std::size_t> path;
  queue.reserve(n);
  for (;;) {
    std::fill(seen.begin(), seen.end(), 0);
    queue.clear();
    queue.push_back(a);
    seen[a] = 1;
    for (std::size_t head = 0; head < queue.size() && !seen[b]; ++head) {
      const std::size_t v = queue[head];
      std::vector<std::size_t>& list = adj[v];
      std::size_t kept = 0;  // deleted edges are dropped from the list as it is scanned (order kept)
      for (std::size_t k = 0; k < list.size(); ++k) {
        const std::size_t e = list[k];
        if (!alive[e]) continue;
        list[kept++] = e;
        if (seen[to[e]]) continue;
        seen[to[e]] = 1;
        parent[to[e]] = e;
        queue.push_back(to[e]);
      }
      list.resize(kept);
    }
    if (!seen[b]) break;
    path.clear();
    for (std::size_t v = b; v != a; v = from[parent[v]]) path.push_back(parent[v]);
    double phi = std::numeric_limits<double>::infinity();
    for (const std::size_t e : path) phi = std::min(phi, flow[e]);
    const double share = phi / static_cast<double>(path.size());
    for (const std::size_t e : path) {
      flow[e] -= phi;
      out[e] += share;
      if (flow[e] == 0.0) alive[e] = 0;
    }
  }
}

}  // namespace

const char* to_string(ContributionMethod method) {
  switch (method) {
    case ContributionMethod::random_walk:
      return "random_walk";
    case ContributionMethod::shortest_path:
      return "shortest_path";
  }
  return "?";
}

std::size_t ContributionResult::row_of(const std::string& a, const std::string& b) const {
  for (std::size_t r = 0; r < comparisons.size(); ++r) {
    const TreatmentPair& p = comparisons[r];
    if ((treatments[p.t1] == a && treatments[p.t2] == b) || (treatments[p.t1] == b && treatments[p.t2] == a)) return r;
  }
  return npos;
}

std::size_t ContributionResult::edge_of(const std::string& a, const std::string& b) const {
  for (std::size_t e = 0; e < edges.size(); ++e) {
    const TreatmentPair& p = edges[e];
    if ((treatments[p.t1] == a && treatments[p.t2] == b) || (treatments[p.t1] == b && treatments[p.t2] == a)) return e;
  }
  return npos;
}

Eigen::MatrixXd aggregated_hat_matrix(const NmaResult& nma, NmaModelKind model) {
  if (!nma.ok() || nma.treatments.size() < 2) return {};
  const AggregatedNetwork g = aggregate(nma, model);
  if (!g.ok) return {};
  const std::size_t n = g.n;
  Eigen::MatrixXd H(ix(n * (n - 1) / 2), ix(g.edges.size()));
  Index r = 0;
  for (std::size_t i = 0; i + 1 < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j, ++r)
      for (std::size_t e = 0; e < g.edges.size(); ++e) {
        const Index c = ix(g.edges[e].t1), d = ix(g.edges[e].t2);
        H(r, ix(e)) = (g.Lplus(ix(i), c) - g.Lplus(ix(j), c) - g.Lplus(ix(i), d) + g.Lplus(ix(j), d)) * g.W[e];
      }
  return H;
}

ContributionResult contribution_matrix(const NmaResult& nma, const ContributionOptions& options) {
  ContributionResult res;
  res.method = options.method;
  res.model = options.model;
  if (!nma.ok() || nma.treatments.size() < 2 || nma.comparisons_data.empty()) {
    res.diagnostics.error("contribution-no-network", {},
                          "the contribution matrix needs a fitted network meta-analysis; the analysis has errors",
                          "fix the errors of the network meta-analysis first");
    return res;
  }
  const AggregatedNetwork g = aggregate(nma, options.model);
  if (!g.ok) {
    res.diagnostics.error("contribution-singular", {},
                          "the aggregated network's Laplacian cannot be inverted (a treatment is connected only "
                          "through contrasts with zero weight)",
                          "check the standard errors of the multi-arm studies");
    return res;
  }
  const std::size_t n = g.n;
  res.treatments = nma.treatments;
  res.edges = g.edges;
  res.edge_weight = g.W;
  for (std::size_t e = 0; e < g.edges.size(); ++e)
    if (!(g.W[e] > 0.0)) {
      res.diagnostics.note("contribution-zero-weight-edge", {},
                           "direct comparison " + g.edges[e].label +
                               " has weight 0 in the model (only zero-weight contrasts of multi-arm studies): it "
                               "contributes nothing",
                           "netmeta's random-walk output drops such columns; evident keeps them as zeros");
    }
  const std::size_t rows = n * (n - 1) / 2, m = g.edges.size();
  res.comparisons.reserve(rows);
  // built row by row in row-major storage (each row is contiguous), copied out at the end
  using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  RowMatrix C = RowMatrix::Zero(ix(rows), ix(m));
  RowMatrix Hr;
  if (options.hat_matrix) Hr.resize(ix(rows), ix(m));

  // the hat row: h_e = (x_c - x_d) W_e with the potentials x = L+ (e_a - e_b)
  Eigen::VectorXd x(ix(n)), h(ix(m));
  std::vector<Quadrature> quad;
  std::size_t r = 0;
  for (std::size_t a = 0; a + 1 < n; ++a)
    for (std::size_t b = a + 1; b < n; ++b, ++r) {
      res.comparisons.push_back(TreatmentPair{a, b, nma.treatments[a] + ":" + nma.treatments[b]});
      x = g.Lplus.col(ix(a)) - g.Lplus.col(ix(b));
      for (std::size_t e = 0; e < m; ++e) h(ix(e)) = (x(ix(g.edges[e].t1)) - x(ix(g.edges[e].t2))) * g.W[e];
      if (options.hat_matrix) Hr.row(ix(r)) = h.transpose();
      double* out = C.data() + r * m;
      if (options.method == ContributionMethod::random_walk)
        random_walk_row(n, a, b, g.edges, x, h, quad, out);
      else
        shortest_path_row(n, a, b, g.edges, h, out);
      for (std::size_t e = 0; e < m; ++e)
        if (std::fabs(out[e]) < 10.0 * kEps) out[e] = 0.0;
    }
  res.contribution = C;
  if (options.hat_matrix) res.hat = Hr;

  double worst = 0.0;
  for (Index i = 0; i < res.contribution.rows(); ++i)
    worst = std::max(worst, std::fabs(res.contribution.row(i).sum() - 1.0));
  if (worst > 1e-8)
    res.diagnostics.warning("contribution-row-sum", {},
                            "a row of the contribution matrix sums to 1 only within " + std::to_string(worst) +
                                " (part of the evidence flow runs through treatments with a negligible share, "
                                "which netmeta's algorithm drops as well)");

  // studies: each edge's contribution shared by its contrasts' weights
  std::map<std::string, std::size_t> study_index;
  std::vector<std::size_t> study_of(nma.comparisons_data.size());
  for (std::size_t k = 0; k < nma.comparisons_data.size(); ++k) {
    const auto [it, inserted] = study_index.emplace(nma.comparisons_data[k].study, res.studies.size());
    if (inserted) res.studies.push_back(nma.comparisons_data[k].study);
    study_of[k] = it->second;
  }
  if (options.study) {
    res.study_contribution = Eigen::MatrixXd::Zero(ix(rows), ix(res.studies.size()));
    for (std::size_t k = 0; k < nma.comparisons_data.size(); ++k) {
      const NmaComparison& c = nma.comparisons_data[k];
      const double w = options.model == NmaModelKind::common ? c.w_common : c.w_random;
      const std::size_t e = g.edge_of_contrast[k];
      if (!(std::isfinite(w) && w > 0.0 && g.W[e] > 0.0)) continue;
      res.study_contribution.col(ix(study_of[k])) += res.contribution.col(ix(e)) * (w / g.W[e]);
    }
  }
  return res;
}

nlohmann::json to_json(const ContributionResult& r) {
  nlohmann::json j;
  j["method"] = to_string(r.method);
  j["model"] = to_string(r.model);
  j["scale"] = "proportion";
  j["treatments"] = r.treatments;
  nlohmann::json rows = nlohmann::json::array(), cols = nlohmann::json::array();
  for (const TreatmentPair& p : r.comparisons) rows.push_back(p.label);
  for (const TreatmentPair& p : r.edges) cols.push_back(p.label);
  j["comparisons"] = std::move(rows);
  j["edges"] = std::move(cols);
  nlohmann::json w = nlohmann::json::array();
  for (const double v : r.edge_weight) w.push_back(json_number(v));
  j["edge_weight"] = std::move(w);
  j["contribution"] = json_matrix_rows(r.contribution);
  j["hat_matrix"] = r.hat.size() > 0 ? json_matrix_rows(r.hat) : nlohmann::json(nullptr);
  j["studies"] = r.studies;
  j["study_contribution"] =
      r.study_contribution.size() > 0 ? json_matrix_rows(r.study_contribution) : nlohmann::json(nullptr);
  j["diagnostics"] = to_json(r.diagnostics);
  return j;
}

}  // namespace evident
