// Network graph: data from an NMA, layouts (circle with crossing reduction, stress majorisation),
// label placement and the SVG. See include/evident/report/network_graph.hpp.
#include "evident/report/network_graph.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <queue>
#include <set>
#include <utility>

#include "evident/report/svg.hpp"

namespace evident::report {
namespace {

constexpr double kPi = 3.14159265358979323846;

int rating_rank(Judgement j) {
  switch (j) {
    case Judgement::low:
      return 0;
    case Judgement::some_concerns:
      return 1;
    case Judgement::high:
      return 2;
  }
  return 2;
}

EdgeRating rating_of_rank(int r) {
  return r <= 0 ? EdgeRating::low : r == 1 ? EdgeRating::some : EdgeRating::high;
}

EdgeRating rating_of_certainty(Certainty c) {
  switch (c) {
    case Certainty::high:
      return EdgeRating::low;
    case Certainty::moderate:
      return EdgeRating::some;
    case Certainty::low:
    case Certainty::very_low:
      return EdgeRating::high;
  }
  return EdgeRating::high;
}

const char* rating_colour(const std::optional<EdgeRating>& r) {
  if (!r) return svg::colour::ink;
  switch (*r) {
    case EdgeRating::low:
      return svg::colour::low_risk;
    case EdgeRating::some:
      return svg::colour::some_risk;
    case EdgeRating::high:
      return svg::colour::high_risk;
  }
  return svg::colour::ink;
}

const char* rating_name(const std::optional<EdgeRating>& r) {
  if (!r) return "";
  switch (*r) {
    case EdgeRating::low:
      return "low";
    case EdgeRating::some:
      return "some";
    case EdgeRating::high:
      return "high";
  }
  return "";
}

// ---- layouts ------------------------------------------------------------------------------------

using Adjacency = std::vector<std::vector<std::size_t>>;

// Connected components (node lists in index order), ordered: analysed first, then by size, then index.
std::vector<std::vector<std::size_t>> components(std::size_t n, const Adjacency& adj,
                                                 const std::vector<GraphNode>& nodes) {
  std::vector<std::size_t> comp(n, n);
  std::vector<std::vector<std::size_t>> out;
  for (std::size_t s = 0; s < n; ++s) {
    if (comp[s] != n) continue;
    std::vector<std::size_t> members;
    std::vector<std::size_t> stack{s};
    comp[s] = out.size();
    while (!stack.empty()) {
      const std::size_t v = stack.back();
      stack.pop_back();
      members.push_back(v);
      for (const std::size_t w : adj[v])
        if (comp[w] == n) {
          comp[w] = out.size();
          stack.push_back(w);
        }
    }
    std::sort(members.begin(), members.end());
    out.push_back(std::move(members));
  }
  std::stable_sort(out.begin(), out.end(), [&](const auto& a, const auto& b) {
    const bool aa = nodes[a.front()].analysed, ba = nodes[b.front()].analysed;
    if (aa != ba) return aa;
    return a.size() > b.size();
  });
  return out;
}

// Hop distances within one component (local indices).
Eigen::MatrixXd hop_distances(const std::vector<std::size_t>& members, const Adjacency& adj) {
  const auto m = static_cast<Eigen::Index>(members.size());
  std::map<std::size_t, Eigen::Index> local;
  for (Eigen::Index i = 0; i < m; ++i) local[members[static_cast<std::size_t>(i)]] = i;
  Eigen::MatrixXd d = Eigen::MatrixXd::Constant(m, m, -1.0);
  for (Eigen::Index s = 0; s < m; ++s) {
    std::queue<std::size_t> q;
    q.push(members[static_cast<std::size_t>(s)]);
    d(s, s) = 0;
    while (!q.empty()) {
      const std::size_t v = q.front();
      q.pop();
      const double dv = d(s, local[v]);
      for (const std::size_t w : adj[v]) {
        const Eigen::Index lw = local[w];
        if (d(s, lw) < 0) {
          d(s, lw) = dv + 1;
          q.push(w);
        }
      }
    }
  }
  return d;
}

// Classical MDS (Torgerson) of a distance matrix into 2 dimensions; deterministic (eigenvector signs
// fixed so that the largest-magnitude entry is positive).
Eigen::MatrixXd classical_mds(const Eigen::MatrixXd& d) {
  const Eigen::Index m = d.rows();
  Eigen::MatrixXd x = Eigen::MatrixXd::Zero(m, 2);
  if (m < 2) return x;
  const Eigen::MatrixXd j =
      Eigen::MatrixXd::Identity(m, m) - Eigen::MatrixXd::Constant(m, m, 1.0 / static_cast<double>(m));
  const Eigen::MatrixXd b = -0.5 * j * d.cwiseProduct(d) * j;
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(b);
  for (int k = 0; k < 2 && k < m; ++k) {
    const Eigen::Index col = m - 1 - k;
    const double lambda = es.eigenvalues()(col);
    if (!(lambda > 1e-12)) continue;
    Eigen::VectorXd v = es.eigenvectors().col(col);
    Eigen::Index arg = 0;
    v.cwiseAbs().maxCoeff(&arg);
    if (v(arg) < 0) v = -v;
    x.col(k) = v * std::sqrt(lambda);
  }
  // a degenerate embedding (all points on a line, e.g. a path): spread the second axis a little so
  // stress majorisation can leave the line when that lowers the stress
  if (x.col(1).cwiseAbs().maxCoeff() < 1e-9)
    for (Eigen::Index i = 0; i < m; ++i) x(i, 1) = 0.05 * std::sin(static_cast<double>(i) * 1.7);
  return x;
}

double stress_of(const Eigen::MatrixXd& x, const Eigen::MatrixXd& d) {
  double s = 0.0;
  for (Eigen::Index i = 0; i < d.rows(); ++i)
    for (Eigen::Index j = i + 1; j < d.rows(); ++j) {
      const double dist = (x.row(i) - x.row(j)).norm();
      s += (dist - d(i, j)) * (dist - d(i, j)) / (d(i, j) * d(i, j));
    }
  return s;
}

// Stress majorisation (SMACOF) with w_ij = d_ij^-2 from the start x.
Eigen::MatrixXd stress_majorisation(const Eigen::MatrixXd& d, Eigen::MatrixXd x, std::size_t max_iter, double tol,
                                    std::size_t& iterations, double& stress) {
  const Eigen::Index m = d.rows();
  iterations = 0;
  stress = 0.0;
  if (m < 3) return x;
  Eigen::MatrixXd w = Eigen::MatrixXd::Zero(m, m);
  for (Eigen::Index i = 0; i < m; ++i)
    for (Eigen::Index j = 0; j < m; ++j)
      if (i != j) w(i, j) = 1.0 / (d(i, j) * d(i, j));
  Eigen::MatrixXd lw = -w;
  for (Eigen::Index i = 0; i < m; ++i) lw(i, i) = w.row(i).sum();
  // L_w is a Laplacian: its pseudoinverse acts as (L_w + J/m)^-1 on centred right-hand sides
  const Eigen::LDLT<Eigen::MatrixXd> solver(lw + Eigen::MatrixXd::Constant(m, m, 1.0 / static_cast<double>(m)));
  stress = stress_of(x, d);
  for (std::size_t it = 0; it < max_iter; ++it) {
    Eigen::MatrixXd lz = Eigen::MatrixXd::Zero(m, m);
    for (Eigen::Index i = 0; i < m; ++i)
      for (Eigen::Index j = 0; j < m; ++j) {
        if (i == j) continue;
        const double dist = (x.row(i) - x.row(j)).norm();
        if (dist > 1e-12) lz(i, j) = -w(i, j) * d(i, j) / dist;
      }
    for (Eigen::Index i = 0; i < m; ++i) lz(i, i) = -lz.row(i).sum();
    Eigen::MatrixXd next = solver.solve(lz * x);
    next.rowwise() -= next.colwise().mean();
    const double s = stress_of(next, d);
    x = next;
    iterations = it + 1;
    const double old = stress;
    stress = s;
    if (old - s <= tol * std::max(old, 1e-300)) break;
  }
  return x;
}

// Two chords of a circle cross iff exactly one endpoint of one lies strictly between the other's.
bool chords_cross(std::size_t a1, std::size_t b1, std::size_t a2, std::size_t b2) {
  if (a1 == a2 || a1 == b2 || b1 == a2 || b1 == b2) return false;
  if (a1 > b1) std::swap(a1, b1);
  const bool in2 = a2 > a1 && a2 < b1;
  const bool in3 = b2 > a1 && b2 < b1;
  return in2 != in3;
}

struct LocalEdge {
  std::size_t a, b;
};

std::size_t circle_crossings(const std::vector<LocalEdge>& edges, const std::vector<std::size_t>& pos) {
  std::size_t c = 0;
  for (std::size_t i = 0; i < edges.size(); ++i)
    for (std::size_t j = i + 1; j < edges.size(); ++j)
      c += chords_cross(pos[edges[i].a], pos[edges[i].b], pos[edges[j].a], pos[edges[j].b]) ? 1 : 0;
  return c;
}

// Crossings of the chords at node u or v with all chords.
std::size_t crossings_at(const std::vector<LocalEdge>& edges, const std::vector<std::vector<std::size_t>>& inc,
                         const std::vector<std::size_t>& pos, std::size_t u, std::size_t v) {
  std::size_t c = 0;
  auto count = [&](std::size_t e, bool skip_v) {
    for (std::size_t f = 0; f < edges.size(); ++f) {
      if (f == e) continue;
      if (skip_v && (edges[f].a == v || edges[f].b == v)) continue;  // counted from v's side
      c += chords_cross(pos[edges[e].a], pos[edges[e].b], pos[edges[f].a], pos[edges[f].b]) ? 1 : 0;
    }
  };
  for (const std::size_t e : inc[u]) count(e, false);
  for (const std::size_t e : inc[v])
    if (edges[e].a != u && edges[e].b != u) count(e, true);
  return c;
}

// Circle order (local indices) reducing crossings: best start of `starts`, then improving swaps.
std::vector<std::size_t> circle_order(std::size_t m, const std::vector<LocalEdge>& edges,
                                      const std::vector<std::vector<std::size_t>>& starts) {
  std::vector<std::size_t> best;
  std::size_t best_c = std::numeric_limits<std::size_t>::max();
  for (const auto& order : starts) {
    std::vector<std::size_t> pos(m);
    for (std::size_t i = 0; i < m; ++i) pos[order[i]] = i;
    const std::size_t c = circle_crossings(edges, pos);
    if (c < best_c) {
      best_c = c;
      best = order;
    }
  }
  if (m < 4 || best_c == 0) return best;
  std::vector<std::vector<std::size_t>> inc(m);
  for (std::size_t e = 0; e < edges.size(); ++e) {
    inc[edges[e].a].push_back(e);
    inc[edges[e].b].push_back(e);
  }
  std::vector<std::size_t> pos(m);
  for (std::size_t i = 0; i < m; ++i) pos[best[i]] = i;
  // work budget: about 4e7 chord tests, so an 80-treatment network stays well under a second
  double budget = 4e7;
  bool improved = true;
  while (improved && budget > 0) {
    improved = false;
    for (std::size_t u = 0; u < m && budget > 0; ++u)
      for (std::size_t v = u + 1; v < m && budget > 0; ++v) {
        const double cost = 2.0 * static_cast<double>((inc[u].size() + inc[v].size()) * edges.size());
        budget -= cost;
        const std::size_t before = crossings_at(edges, inc, pos, u, v);
        std::swap(pos[u], pos[v]);
        const std::size_t after = crossings_at(edges, inc, pos, u, v);
        if (after < before) {
          improved = true;
        } else {
          std::swap(pos[u], pos[v]);
        }
      }
  }
  std::vector<std::size_t> order(m);
  for (std::size_t i = 0; i < m; ++i) order[pos[i]] = i;
  return order;
}

// ---- geometry ------------------------------------------------------------------------------------

struct Box {
  double x0, y0, x1, y1;
};

bool boxes_overlap(const Box& a, const Box& b, double pad) {
  return a.x0 < b.x1 + pad && b.x0 < a.x1 + pad && a.y0 < b.y1 + pad && b.y0 < a.y1 + pad;
}

bool circle_box_overlap(double cx, double cy, double r, const Box& b) {
  const double nx = std::clamp(cx, b.x0, b.x1), ny = std::clamp(cy, b.y0, b.y1);
  return (nx - cx) * (nx - cx) + (ny - cy) * (ny - cy) < r * r;
}

bool segments_cross(double ax, double ay, double bx, double by, double cx, double cy, double dx, double dy) {
  auto orient = [](double px, double py, double qx, double qy, double rx, double ry) {
    const double v = (qx - px) * (ry - py) - (qy - py) * (rx - px);
    return v > 1e-9 ? 1 : v < -1e-9 ? -1 : 0;
  };
  const int o1 = orient(ax, ay, bx, by, cx, cy), o2 = orient(ax, ay, bx, by, dx, dy);
  const int o3 = orient(cx, cy, dx, dy, ax, ay), o4 = orient(cx, cy, dx, dy, bx, by);
  return o1 * o2 < 0 && o3 * o4 < 0;
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

}  // namespace

std::size_t count_crossings(const std::vector<GraphEdge>& edges, const std::vector<double>& x,
                            const std::vector<double>& y) {
  std::size_t c = 0;
  for (std::size_t i = 0; i < edges.size(); ++i)
    for (std::size_t j = i + 1; j < edges.size(); ++j) {
      const GraphEdge& e = edges[i];
      const GraphEdge& f = edges[j];
      if (e.a == f.a || e.a == f.b || e.b == f.a || e.b == f.b) continue;
      c += segments_cross(x[e.a], y[e.a], x[e.b], y[e.b], x[f.a], y[f.a], x[f.b], y[f.b]) ? 1 : 0;
    }
  return c;
}

// ---- data from an NMA ------------------------------------------------------------------------------

NetworkGraphData network_graph_data(const NmaResult& nma, const GraphBuildOptions& options) {
  NetworkGraphData g;
  // nodes: the analysed treatments in NMA order, then those of the subnetworks left out
  std::map<std::string, std::size_t> index;
  auto add_node = [&](const std::string& name, bool analysed) {
    if (index.count(name)) return;
    index[name] = g.nodes.size();
    GraphNode n;
    n.name = name;
    n.analysed = analysed;
    g.nodes.push_back(n);
  };
  for (const std::string& t : nma.treatments) add_node(t, true);
  std::set<std::string> dropped_treatments;
  for (const NmaSubnetwork& s : nma.subnetworks)
    if (!s.analysed)
      for (const std::string& t : s.treatments) {
        add_node(t, false);
        dropped_treatments.insert(t);
      }

  // contrasts per study: analysed ones and the contrasts of subnetworks left out
  struct Pair {
    std::string study, t1, t2;
  };
  std::vector<Pair> pairs;
  for (const NmaComparison& c : nma.comparisons_data) pairs.push_back({c.study, c.treat1, c.treat2});
  for (const NmaExclusion& e : nma.excluded)
    if (!e.treat1.empty() && dropped_treatments.count(e.treat1) && dropped_treatments.count(e.treat2))
      pairs.push_back({e.study, e.treat1, e.treat2});

  std::map<std::pair<std::size_t, std::size_t>, std::set<std::string>> edge_studies;
  std::map<std::string, std::set<std::size_t>> study_treatments;
  std::vector<std::string> study_order;
  for (const Pair& p : pairs) {
    if (!index.count(p.t1) || !index.count(p.t2) || p.t1 == p.t2) continue;
    std::size_t a = index[p.t1], b = index[p.t2];
    if (a > b) std::swap(a, b);
    edge_studies[{a, b}].insert(p.study);
    if (!study_treatments.count(p.study)) study_order.push_back(p.study);
    study_treatments[p.study].insert(a);
    study_treatments[p.study].insert(b);
  }
  for (const auto& [study, ts] : study_treatments)
    for (const std::size_t t : ts) ++g.nodes[t].studies;

  // multi-arm designs
  std::map<std::vector<std::size_t>, std::size_t> design_index;
  for (const std::string& s : study_order) {
    const auto& ts = study_treatments[s];
    if (ts.size() < 3) continue;
    std::vector<std::size_t> key(ts.begin(), ts.end());
    if (!design_index.count(key)) {
      design_index[key] = g.multiarm.size();
      GraphMultiArm m;
      m.nodes = key;
      std::vector<std::string> names;
      for (const std::size_t t : key) names.push_back(g.nodes[t].name);
      std::sort(names.begin(), names.end(), treatment_less);
      m.design = join(names, ":");
      g.multiarm.push_back(m);
    }
    ++g.multiarm[design_index[key]].studies;
  }

  // data: participants and risk of bias
  const Dataset* data = options.data;
  const Outcome* outcome = options.outcome;
  if (data && !outcome && data->outcomes.size() == 1) outcome = &data->outcomes.front();
  if (data && outcome) {
    std::vector<double> sum(g.nodes.size(), 0.0);
    std::vector<bool> known(g.nodes.size(), true), seen(g.nodes.size(), false);
    for (const StudyData& sd : outcome->data) {
      if (sd.study >= data->studies.size()) continue;
      const std::string& label = data->studies[sd.study].label;
      if (!study_treatments.count(label)) continue;
      if (!sd.arms.empty()) {
        for (const Arm& arm : sd.arms) {
          const auto it = index.find(arm.treatment);
          if (it == index.end()) continue;
          seen[it->second] = true;
          if (arm.n)
            sum[it->second] += *arm.n;
          else
            known[it->second] = false;
        }
      } else if (sd.contrasts.size() == 1) {
        const ContrastRecord& c = sd.contrasts.front();
        for (const auto& [name, n] : {std::pair{c.treat1, c.n1}, std::pair{c.treat2, c.n2}}) {
          const auto it = index.find(name);
          if (it == index.end()) continue;
          seen[it->second] = true;
          if (n)
            sum[it->second] += *n;
          else
            known[it->second] = false;
        }
      } else {
        for (const ContrastRecord& c : sd.contrasts)
          for (const std::string& name : {c.treat1, c.treat2}) {
            const auto it = index.find(name);
            if (it != index.end()) known[it->second] = false;
          }
      }
    }
    std::vector<std::string> unknown;
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
      if (known[i] && seen[i])
        g.nodes[i].participants = sum[i];
      else
        unknown.push_back(g.nodes[i].name);
    }
    if (!unknown.empty())
      g.diagnostics.note("graph-participants-unknown", {}, "number of participants unknown for " + join(unknown, ", "),
                         "give the arm sizes (n) of every arm to size nodes by participants");
  }

  if (!options.certainty.empty()) {
    g.rating_title = "Certainty of the evidence";
    g.rating_labels = {"High", "Moderate", "Low or very low"};
  } else if (options.colour_by_rob) {
    g.rating_title = options.rob_summary == RobSummary::majority ? "Risk of bias (majority of studies)"
                                                                 : "Risk of bias (average of studies)";
    g.rating_labels = {"Low", "Some concerns", "High"};
    if (!data)
      g.diagnostics.warning("graph-rob-no-data", {}, "edges cannot be coloured by risk of bias without the data",
                            "pass the dataset with the studies' risk of bias");
  }
  for (const auto& [key, studies] : edge_studies) {
    GraphEdge e;
    e.a = key.first;
    e.b = key.second;
    e.studies = studies.size();
    if (!options.certainty.empty()) {
      const std::string& n1 = g.nodes[e.a].name;
      const std::string& n2 = g.nodes[e.b].name;
      auto it = options.certainty.find(n1 + ":" + n2);
      if (it == options.certainty.end()) it = options.certainty.find(n2 + ":" + n1);
      if (it != options.certainty.end()) e.rating = rating_of_certainty(it->second);
    } else if (options.colour_by_rob && data) {
      std::vector<int> ranks;
      for (const std::string& s : studies) {
        const std::size_t si = data->find_study(s);
        if (si != Dataset::npos && data->studies[si].rob.overall)
          ranks.push_back(rating_rank(*data->studies[si].rob.overall));
      }
      if (!ranks.empty()) {
        if (options.rob_summary == RobSummary::majority) {
          int counts[3] = {0, 0, 0};
          for (const int r : ranks) ++counts[r];
          int best = 0;
          for (int r = 1; r < 3; ++r)
            if (counts[r] >= counts[best]) best = r;  // ties go to the worse judgement
          e.rating = rating_of_rank(best);
        } else {
          const double mean = std::accumulate(ranks.begin(), ranks.end(), 0.0) / static_cast<double>(ranks.size());
          e.rating = rating_of_rank(static_cast<int>(std::floor(mean + 0.5)));
        }
      }
    }
    g.edges.push_back(e);
  }
  return g;
}

// ---- the figure ------------------------------------------------------------------------------------

NetworkGraphFigure network_graph(const NetworkGraphData& data, const NetworkGraphOptions& options) {
  NetworkGraphFigure fig;
  const std::size_t n = data.nodes.size();
  const double fs = options.font_size > 0 ? options.font_size : 12.0;
  Adjacency adj(n);
  for (const GraphEdge& e : data.edges) {
    if (e.a >= n || e.b >= n || e.a == e.b) continue;
    adj[e.a].push_back(e.b);
    adj[e.b].push_back(e.a);
  }
  for (auto& a : adj) {
    std::sort(a.begin(), a.end());
    a.erase(std::unique(a.begin(), a.end()), a.end());
  }

  // node sizes
  NodeSizeBy size_by = options.node_size;
  if (size_by == NodeSizeBy::participants)
    for (const GraphNode& node : data.nodes)
      if (!node.participants) {
        size_by = NodeSizeBy::studies;
        fig.diagnostics.note("graph-size-by-studies", {},
                             "nodes sized by the number of studies: participants are not known for every treatment");
        break;
      }
  const double r_max = n <= 12 ? 18.0 : n <= 30 ? 13.0 : 9.0;
  const double r_min = r_max * 0.35;
  double vmax = 0.0;
  auto value_of = [&](const GraphNode& node) {
    return size_by == NodeSizeBy::participants ? node.participants.value_or(0.0)
           : size_by == NodeSizeBy::studies    ? static_cast<double>(node.studies)
                                               : 1.0;
  };
  for (const GraphNode& node : data.nodes) vmax = std::max(vmax, value_of(node));
  fig.radius.assign(n, r_max);
  for (std::size_t i = 0; i < n; ++i)
    fig.radius[i] = vmax > 0 ? std::max(r_min, r_max * std::sqrt(value_of(data.nodes[i]) / vmax)) : r_min;

  double max_label = 0.0;
  std::vector<double> label_widths;
  for (const GraphNode& node : data.nodes) {
    label_widths.push_back(svg::text_width(node.name, fs));
    max_label = std::max(max_label, label_widths.back());
  }
  std::sort(label_widths.begin(), label_widths.end());
  const double median_label = label_widths.empty() ? 0.0 : label_widths[label_widths.size() / 2];
  const double min_sep = 2 * r_max + fs + 6;  // centre distance keeping circles and a label line apart

  // layout of each component, in px, then packed on shelves
  fig.x.assign(n, 0.0);
  fig.y.assign(n, 0.0);
  const auto comps = components(n, adj, data.nodes);
  struct Placed {
    double w, h;
  };
  std::vector<Placed> sizes;
  for (const auto& members : comps) {
    const std::size_t m = members.size();
    std::map<std::size_t, std::size_t> local;
    for (std::size_t i = 0; i < m; ++i) local[members[i]] = i;
    std::vector<double> lx(m, 0.0), ly(m, 0.0);
    if (m == 2) {
      lx = {-0.5 * std::max(min_sep, 80.0), 0.5 * std::max(min_sep, 80.0)};
    } else if (m > 2) {
      const Eigen::MatrixXd d = hop_distances(members, adj);
      const Eigen::MatrixXd start = classical_mds(d);
      if (options.layout == GraphLayout::circle) {
        std::vector<LocalEdge> ledges;
        for (const GraphEdge& e : data.edges)
          if (local.count(e.a) && local.count(e.b) && e.a != e.b) ledges.push_back({local[e.a], local[e.b]});
        std::vector<std::size_t> given(m), angular(m);
        std::iota(given.begin(), given.end(), 0);
        std::iota(angular.begin(), angular.end(), 0);
        std::vector<double> ang(m);
        for (std::size_t i = 0; i < m; ++i)
          ang[i] = std::atan2(start(static_cast<Eigen::Index>(i), 1), start(static_cast<Eigen::Index>(i), 0));
        std::stable_sort(angular.begin(), angular.end(), [&](std::size_t a, std::size_t b) { return ang[a] < ang[b]; });
        const auto order = circle_order(m, ledges, {given, angular});
        const double step = 2 * kPi / static_cast<double>(m);
        // room for the nodes along the circle and, growing with the number of treatments, for the labels
        const double radius = std::max(
            {120.0, 8.0 * static_cast<double>(m) + 40.0, (min_sep + 2) / (2 * std::sin(kPi / static_cast<double>(m)))});
        for (std::size_t k = 0; k < m; ++k) {
          // netgraph starts at the top and runs clockwise
          const double a = -kPi / 2 + step * static_cast<double>(k);
          lx[order[k]] = radius * std::cos(a);
          ly[order[k]] = radius * std::sin(a);
          fig.circle_order.push_back(members[order[k]]);
        }
      } else {
        std::size_t it = 0;
        double stress = 0.0;
        const Eigen::MatrixXd x = stress_majorisation(d, start, options.max_iterations, options.tolerance, it, stress);
        fig.iterations += it;
        fig.stress += stress;
        // scale: hop length so that the typical nearest neighbour leaves room for a label
        std::vector<double> nn(m, std::numeric_limits<double>::infinity());
        for (std::size_t i = 0; i < m; ++i)
          for (std::size_t j = 0; j < m; ++j)
            if (i != j)
              nn[i] =
                  std::min(nn[i], (x.row(static_cast<Eigen::Index>(i)) - x.row(static_cast<Eigen::Index>(j))).norm());
        std::sort(nn.begin(), nn.end());
        const double median_nn = std::max(nn[m / 2], 1e-6);
        const double target_nn = 2 * r_max + 0.6 * median_label + 12;
        double spread = 0;  // largest distance from the centre, in hop units
        for (std::size_t i = 0; i < m; ++i) spread = std::max(spread, x.row(static_cast<Eigen::Index>(i)).norm());
        const double circle_r = (min_sep + 2) / (2 * std::sin(kPi / static_cast<double>(m)));
        const double scale = std::max({90.0, target_nn / median_nn, 0.9 * circle_r / std::max(spread, 1e-6)});
        for (std::size_t i = 0; i < m; ++i) {
          lx[i] = scale * x(static_cast<Eigen::Index>(i), 0);
          ly[i] = scale * x(static_cast<Eigen::Index>(i), 1);
        }
        // push apart nodes closer than min_sep (deterministic relaxation)
        for (int pass = 0; pass < 500; ++pass) {
          bool moved = false;
          for (std::size_t i = 0; i < m; ++i)
            for (std::size_t j = i + 1; j < m; ++j) {
              double dx = lx[j] - lx[i], dy = ly[j] - ly[i];
              double dist = std::hypot(dx, dy);
              if (dist >= min_sep) continue;
              if (dist < 1e-9) {
                dx = std::cos(static_cast<double>(i + j));
                dy = std::sin(static_cast<double>(i + j));
                dist = 1.0;
              } else {
                dx /= dist;
                dy /= dist;
              }
              const double push = (min_sep - dist) / 2 + 0.01;
              lx[i] -= dx * push;
              ly[i] -= dy * push;
              lx[j] += dx * push;
              ly[j] += dy * push;
              moved = true;
            }
          if (!moved) break;
        }
      }
    }
    // bounding box of the component with room for labels
    double x0 = 0, x1 = 0, y0 = 0, y1 = 0;
    for (std::size_t i = 0; i < m; ++i) {
      x0 = std::min(x0, lx[i]);
      x1 = std::max(x1, lx[i]);
      y0 = std::min(y0, ly[i]);
      y1 = std::max(y1, ly[i]);
    }
    for (std::size_t i = 0; i < m; ++i) {
      fig.x[members[i]] = lx[i] - x0;
      fig.y[members[i]] = ly[i] - y0;
    }
    sizes.push_back({x1 - x0, y1 - y0});
  }
  // shelf packing: the first (analysed) component at the top left, others to the right, wrapping
  {
    const double pad = 2 * r_max + 2 * max_label + 3 * fs;
    double shelf_w = 0;
    for (const Placed& p : sizes) shelf_w = std::max(shelf_w, p.w);
    shelf_w = std::max(shelf_w, 600.0);
    double cx = 0, cy = 0, shelf_h = 0;
    for (std::size_t c = 0; c < comps.size(); ++c) {
      if (cx > 0 && cx + sizes[c].w > shelf_w) {
        cx = 0;
        cy += shelf_h + pad;
        shelf_h = 0;
      }
      for (const std::size_t v : comps[c]) {
        fig.x[v] += cx;
        fig.y[v] += cy;
      }
      cx += sizes[c].w + pad;
      shelf_h = std::max(shelf_h, sizes[c].h);
    }
  }
  fig.crossings = count_crossings(data.edges, fig.x, fig.y);

  // labels: greedy placement outside the nodes, outward first
  std::vector<Box> label_box(n);
  {
    std::vector<double> ccx(comps.size()), ccy(comps.size());
    std::vector<std::size_t> comp_of(n);
    for (std::size_t c = 0; c < comps.size(); ++c) {
      for (const std::size_t v : comps[c]) {
        ccx[c] += fig.x[v] / static_cast<double>(comps[c].size());
        ccy[c] += fig.y[v] / static_cast<double>(comps[c].size());
        comp_of[v] = c;
      }
    }
    const double h = 1.1 * fs;
    std::vector<Box> placed;
    for (std::size_t v = 0; v < n; ++v) {
      const double w = svg::text_width(data.nodes[v].name, fs);
      const double ox = fig.x[v] - ccx[comp_of[v]], oy = fig.y[v] - ccy[comp_of[v]];
      const double base = std::hypot(ox, oy) > 1e-6 ? std::atan2(oy, ox) : -kPi / 2;
      Box best{};
      std::size_t best_bad = std::numeric_limits<std::size_t>::max();
      for (int ring = 0; ring < 3 && best_bad > 0; ++ring)
        for (int k = 0; k <= 16 && best_bad > 0; ++k) {
          const int step = (k + 1) / 2 * (k % 2 == 1 ? 1 : -1);  // 0, +1, -1, +2, -2, ... (outward first)
          const double a = base + step * kPi / 8;
          const double ca = std::cos(a), sa = std::sin(a);
          const double reach = fig.radius[v] + 3 + ring * fs + std::fabs(ca) * w / 2 + std::fabs(sa) * h / 2;
          const double bx = fig.x[v] + reach * ca, by = fig.y[v] + reach * sa;
          const Box b{bx - w / 2, by - h / 2, bx + w / 2, by + h / 2};
          std::size_t bad = 0;
          for (std::size_t u = 0; u < n; ++u)
            if (circle_box_overlap(fig.x[u], fig.y[u], fig.radius[u] + 1, b)) ++bad;
          for (const Box& o : placed)
            if (boxes_overlap(o, b, 1)) ++bad;
          if (bad < best_bad) {
            best_bad = bad;
            best = b;
          }
        }
      if (best_bad > 0)
        fig.diagnostics.note("graph-label-overlap", {},
                             "the label of " + data.nodes[v].name + " overlaps another element");
      label_box[v] = best;
      placed.push_back(best);
    }
  }

  // canvas: bounding box of nodes and labels, margins, title and legend
  double x0 = std::numeric_limits<double>::infinity(), y0 = x0, x1 = -x0, y1 = -x0;
  for (std::size_t v = 0; v < n; ++v) {
    x0 = std::min({x0, fig.x[v] - fig.radius[v], label_box[v].x0});
    x1 = std::max({x1, fig.x[v] + fig.radius[v], label_box[v].x1});
    y0 = std::min({y0, fig.y[v] - fig.radius[v], label_box[v].y0});
    y1 = std::max({y1, fig.y[v] + fig.radius[v], label_box[v].y1});
  }
  if (n == 0) x0 = y0 = x1 = y1 = 0;
  const double margin = 20;
  const double title_h = options.title.empty() ? 0 : 2 * fs;
  bool any_dropped = false;
  for (const GraphNode& node : data.nodes) any_dropped = any_dropped || !node.analysed;
  const std::size_t legend_lines =
      (data.rating_title.empty() ? 0 : 1 + data.rating_labels.size() + 1) + (any_dropped ? 1 : 0) + 1;
  const double legend_h = static_cast<double>(legend_lines) * 1.5 * fs + fs;
  const std::string size_text = std::string(size_by == NodeSizeBy::participants ? "Node area: number of participants"
                                            : size_by == NodeSizeBy::studies    ? "Node area: number of studies"
                                                                                : "Nodes: equal size") +
                                "; line width: number of studies" +
                                (options.multiarm && !data.multiarm.empty() ? "; shaded: multi-arm designs" : "");
  const std::string dropped_text = "Grey: subnetworks not connected to the analysed network (left out of the analysis)";
  double legend_w = svg::text_width(size_text, fs * 0.9);
  if (any_dropped) legend_w = std::max(legend_w, svg::text_width(dropped_text, fs * 0.9));
  legend_w = 1.12 * legend_w;  // fallback fonts run wider than Helvetica
  const double dx = margin - x0, dy = margin + title_h - y0;
  for (std::size_t v = 0; v < n; ++v) {
    fig.x[v] += dx;
    fig.y[v] += dy;
    label_box[v] = {label_box[v].x0 + dx, label_box[v].y0 + dy, label_box[v].x1 + dx, label_box[v].y1 + dy};
  }
  const double width = std::max({x1 - x0 + 2 * margin, 360.0, legend_w + 2 * margin});
  const double height = y1 - y0 + 2 * margin + title_h + legend_h;

  svg::Svg s(width, height);
  s.title(options.title.empty() ? "Network graph" : options.title);
  if (!options.title.empty())
    s.text(width / 2, margin + fs, options.title,
           {{"text-anchor", "middle"}, {"font-size", svg::fixed(fs * 1.2)}, {"font-weight", "bold"}});

  // multi-arm polygons
  if (options.multiarm)
    for (std::size_t k = 0; k < data.multiarm.size(); ++k) {
      const GraphMultiArm& ma = data.multiarm[k];
      double mx = 0, my = 0;
      bool analysed = true;
      for (const std::size_t v : ma.nodes) {
        mx += fig.x[v] / static_cast<double>(ma.nodes.size());
        my += fig.y[v] / static_cast<double>(ma.nodes.size());
        analysed = analysed && data.nodes[v].analysed;
      }
      std::vector<std::size_t> around = ma.nodes;
      std::sort(around.begin(), around.end(), [&](std::size_t a, std::size_t b) {
        return std::atan2(fig.y[a] - my, fig.x[a] - mx) < std::atan2(fig.y[b] - my, fig.x[b] - mx);
      });
      std::vector<std::pair<double, double>> pts;
      for (const std::size_t v : around) pts.emplace_back(fig.x[v], fig.y[v]);
      s.open_group({{"class", "multiarm"}, {"data-design", ma.design}, {"data-studies", std::to_string(ma.studies)}});
      s.polygon(pts,
                {{"fill", analysed ? svg::colour::sky : svg::colour::light},
                 {"fill-opacity", svg::fixed(std::clamp(2.5 / static_cast<double>(data.multiarm.size()), 0.06, 0.25))},
                 {"stroke", "none"}});
      s.element("title", {},
                ma.design + ": " + std::to_string(ma.studies) + " multi-arm stud" + (ma.studies == 1 ? "y" : "ies"));
      s.close_group();
    }

  // edges
  std::size_t smax = 1;
  for (const GraphEdge& e : data.edges) smax = std::max(smax, e.studies);
  // dense networks: lighter lines so that crossings stay legible
  const std::string edge_opacity = svg::fixed(std::clamp(
      (data.rating_title.empty() ? 0.75 : 0.9) * 60.0 / std::max(60.0, static_cast<double>(data.edges.size())), 0.25,
      0.9));
  for (const GraphEdge& e : data.edges) {
    if (e.a >= n || e.b >= n) continue;
    const bool analysed = data.nodes[e.a].analysed && data.nodes[e.b].analysed;
    const double lw = std::max(1.0, 10.0 * static_cast<double>(e.studies) / static_cast<double>(smax));
    svg::Attrs g{{"class", "edge"},
                 {"data-treat1", data.nodes[e.a].name},
                 {"data-treat2", data.nodes[e.b].name},
                 {"data-studies", std::to_string(e.studies)},
                 {"data-analysed", analysed ? "true" : "false"}};
    if (e.rating) g.emplace_back("data-rating", rating_name(e.rating));
    s.open_group(g);
    s.line(fig.x[e.a], fig.y[e.a], fig.x[e.b], fig.y[e.b],
           {{"stroke", analysed ? rating_colour(e.rating) : svg::colour::light},
            {"stroke-width", svg::fixed(lw)},
            {"stroke-linecap", "round"},
            {"stroke-opacity", edge_opacity}});
    s.element("title", {},
              data.nodes[e.a].name + " vs " + data.nodes[e.b].name + ": " + std::to_string(e.studies) +
                  (e.studies == 1 ? " study" : " studies"));
    if (options.edge_labels) {
      const double mx = (fig.x[e.a] + fig.x[e.b]) / 2, my = (fig.y[e.a] + fig.y[e.b]) / 2;
      const std::string t = std::to_string(e.studies);
      const double tw = svg::text_width(t, fs * 0.9) + 4;
      s.rect(mx - tw / 2, my - 0.55 * fs, tw, 1.1 * fs, {{"fill", "#ffffff"}, {"fill-opacity", "0.85"}});
      s.text(mx, my + 0.35 * fs, t,
             {{"text-anchor", "middle"}, {"font-size", svg::fixed(fs * 0.9)}, {"fill", svg::colour::ink}});
    }
    s.close_group();
  }

  // nodes and labels
  for (std::size_t v = 0; v < n; ++v) {
    const GraphNode& node = data.nodes[v];
    svg::Attrs g{{"class", "node"},
                 {"data-treatment", node.name},
                 {"data-studies", std::to_string(node.studies)},
                 {"data-n", node.participants ? svg::full(*node.participants) : ""},
                 {"data-analysed", node.analysed ? "true" : "false"},
                 {"data-x", svg::full(fig.x[v])},
                 {"data-y", svg::full(fig.y[v])},
                 {"data-r", svg::full(fig.radius[v])}};
    s.open_group(g);
    s.circle(fig.x[v], fig.y[v], fig.radius[v],
             {{"fill", node.analysed ? svg::colour::blue : svg::colour::light},
              {"stroke", node.analysed ? "#ffffff" : svg::colour::grey},
              {"stroke-width", "1.5"}});
    std::string tip = node.name + ": " + std::to_string(node.studies) + (node.studies == 1 ? " study" : " studies");
    if (node.participants) tip += ", " + svg::fixed(*node.participants, 0) + " participants";
    if (!node.analysed) tip += " (not connected to the analysed network)";
    s.element("title", {}, tip);
    const Box& b = label_box[v];
    s.text((b.x0 + b.x1) / 2, b.y0 + 0.8 * fs, node.name,
           {{"class", "label"},
            {"text-anchor", "middle"},
            {"font-size", svg::fixed(fs)},
            {"fill", node.analysed ? svg::colour::ink : svg::colour::grey},
            {"stroke", "#ffffff"},
            {"stroke-width", "3"},
            {"stroke-linejoin", "round"},
            {"paint-order", "stroke"},
            {"data-x0", svg::full(b.x0)},
            {"data-y0", svg::full(b.y0)},
            {"data-x1", svg::full(b.x1)},
            {"data-y1", svg::full(b.y1)}});
    s.close_group();
  }

  // legend
  double ly = height - legend_h + fs;
  const double lx = margin;
  s.open_group({{"class", "legend"}});
  s.text(lx, ly, size_text, {{"font-size", svg::fixed(fs * 0.9)}, {"fill", svg::colour::ink}});
  ly += 1.5 * fs;
  if (any_dropped) {
    s.text(lx, ly, dropped_text, {{"font-size", svg::fixed(fs * 0.9)}, {"fill", svg::colour::grey}});
    ly += 1.5 * fs;
  }
  if (!data.rating_title.empty()) {
    s.text(lx, ly, data.rating_title, {{"font-size", svg::fixed(fs * 0.9)}, {"font-weight", "bold"}});
    ly += 1.5 * fs;
    const char* colours[] = {svg::colour::low_risk, svg::colour::some_risk, svg::colour::high_risk};
    for (std::size_t k = 0; k < data.rating_labels.size() && k < 3; ++k) {
      s.line(lx, ly - 0.35 * fs, lx + 24, ly - 0.35 * fs, {{"stroke", colours[k]}, {"stroke-width", "4"}});
      s.text(lx + 30, ly, data.rating_labels[k], {{"font-size", svg::fixed(fs * 0.9)}});
      ly += 1.5 * fs;
    }
    s.line(lx, ly - 0.35 * fs, lx + 24, ly - 0.35 * fs, {{"stroke", svg::colour::ink}, {"stroke-width", "4"}});
    s.text(lx + 30, ly, "Not assessed", {{"font-size", svg::fixed(fs * 0.9)}});
  }
  s.close_group();
  fig.svg = s.str();
  return fig;
}

}  // namespace evident::report
