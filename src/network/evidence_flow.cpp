// evident: evidence flow measures and the net heat matrix (netmeta netmeasures() / netheat() parity).
// See evidence_flow.hpp for the formulas and references.
#include "evident/network/evidence_flow.hpp"

#include "network_internal.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "evident/core/diagnostic_json.hpp"
#include "evident/core/json_number.hpp"
#include "evident/network/decomposition.hpp"

namespace evident {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
using Index = Eigen::Index;
using detail::ix;

/// One study of the two-stage model: arms in model order (baseline first), effects against the
/// baseline and their covariance.
struct KStudy {
  std::string label;
  std::vector<std::size_t> arms;  // model positions, ascending
  std::vector<std::size_t> rows;  // comparisons_data indices
  Eigen::VectorXd y;
  Eigen::MatrixXd V;
  std::size_t design = 0;
};

struct KDesign {
  std::string name;
  std::vector<std::size_t> arms;  // model positions, ascending
  std::vector<std::size_t> studies;
  Eigen::VectorXd y;
  Eigen::MatrixXd W;          // sum of the studies' inverse covariances
  std::size_t first_row = 0;  // first row in X (rows first_row .. first_row + arms - 2)
};

/// The design-aggregated model of Krahn, Binder & König 2013 (netmeta nma.krahn()).
struct KrahnModel {
  std::vector<std::size_t> order;  // model position -> treatment index
  std::vector<std::size_t> pos;    // treatment index -> model position
  std::vector<KStudy> studies;
  std::vector<KDesign> designs;         // in row order
  std::vector<std::size_t> row_design;  // X row -> design
  std::vector<std::size_t> row_arm;     // X row -> model position of the non-baseline arm
  Eigen::MatrixXd X;                    // rows x (n-1)
  Eigen::VectorXd y;
  Eigen::MatrixXd M;  // (X' W X)^-1
  bool ok = false;
  std::string problem;
};

/// The row of X (or X_full) of the contrast a:b (model positions a < b): effect of b versus a.
Eigen::RowVectorXd contrast_row(std::size_t a, std::size_t b, std::size_t n) {
  Eigen::RowVectorXd x = Eigen::RowVectorXd::Zero(ix(n - 1));
  if (b > 0) x(ix(b - 1)) += 1.0;
  if (a > 0) x(ix(a - 1)) -= 1.0;
  return x;
}

std::string join_arms(const std::vector<std::size_t>& arms, const std::vector<std::size_t>& order,
                      const NmaResult& nma) {
  std::string name;
  for (const std::size_t a : arms) name += (name.empty() ? "" : ":") + nma.treatments[order[a]];
  return name;
}

/// W B for the block-diagonal W of the model (one block per design), without touching the zeros.
Eigen::MatrixXd w_times(const KrahnModel& m, const Eigen::MatrixXd& B) {
  Eigen::MatrixXd out(B.rows(), B.cols());
  for (const KDesign& d : m.designs) {
    const Index f = ix(d.first_row), q = d.W.rows();
    out.middleRows(f, q).noalias() = d.W * B.middleRows(f, q);
  }
  return out;
}

/// The rows x_i M of every pair i < j of model positions (contrast j versus i), in pair order.
Eigen::MatrixXd pair_rows_times_M(const Eigen::MatrixXd& M, std::size_t n) {
  Eigen::MatrixXd out(ix(n * (n - 1) / 2), M.cols());
  Index row = 0;
  for (std::size_t i = 0; i + 1 < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j, ++row) {
      out.row(row) = M.row(ix(j - 1));
      if (i > 0) out.row(row) -= M.row(ix(i - 1));
    }
  return out;
}

/// Builds the model with `first` (a treatment index, or npos) moved to the front of the treatment
/// order and `tau2` added to every contrast variance.
KrahnModel krahn_model(const NmaResult& nma, std::size_t first, double tau2) {
  KrahnModel m;
  const std::size_t n = nma.treatments.size();
  if (first != NmaResult::npos) m.order.push_back(first);
  for (std::size_t t = 0; t < n; ++t)
    if (t != first) m.order.push_back(t);
  m.pos.assign(n, 0);
  for (std::size_t p = 0; p < n; ++p) m.pos[m.order[p]] = p;

  // studies
  std::map<std::string, std::size_t> study_index;
  for (std::size_t r = 0; r < nma.comparisons_data.size(); ++r) {
    const NmaComparison& c = nma.comparisons_data[r];
    const std::size_t t1 = nma.treatment_index(c.treat1), t2 = nma.treatment_index(c.treat2);
    if (t1 == NmaResult::npos || t2 == NmaResult::npos) continue;
    auto it = study_index.find(c.study);
    if (it == study_index.end()) {
      it = study_index.emplace(c.study, m.studies.size()).first;
      m.studies.push_back(KStudy{c.study, {}, {}, {}, {}, 0});
    }
    KStudy& s = m.studies[it->second];
    s.rows.push_back(r);
    s.arms.push_back(m.pos[t1]);
    s.arms.push_back(m.pos[t2]);
  }
  // variance and effect (b versus a, model positions) of a study's contrast; NaN when absent
  auto lookup = [&](const KStudy& s, std::size_t a, std::size_t b, double& te, double& var) {
    te = var = kNaN;
    for (const std::size_t r : s.rows) {
      const NmaComparison& c = nma.comparisons_data[r];
      const std::size_t p1 = m.pos[nma.treatment_index(c.treat1)], p2 = m.pos[nma.treatment_index(c.treat2)];
      if ((p1 == a && p2 == b) || (p1 == b && p2 == a)) {
        te = p1 == b ? c.te : -c.te;
        var = c.se * c.se + tau2;
        return;
      }
    }
  };
  std::map<std::string, std::size_t> design_index;
  std::vector<KDesign> designs;
  for (std::size_t si = 0; si < m.studies.size(); ++si) {
    KStudy& s = m.studies[si];
    std::sort(s.arms.begin(), s.arms.end());
    s.arms.erase(std::unique(s.arms.begin(), s.arms.end()), s.arms.end());
    const std::size_t q = s.arms.size() - 1, b = s.arms.front();
    s.y.resize(ix(q));
    s.V.resize(ix(q), ix(q));
    std::vector<double> vb(q);
    for (std::size_t i = 0; i < q; ++i) {
      double te = 0.0;
      lookup(s, b, s.arms[i + 1], te, vb[i]);
      s.y(ix(i)) = te;
    }
    for (std::size_t i = 0; i < q; ++i)
      for (std::size_t j = 0; j < q; ++j) {
        if (i == j) {
          s.V(ix(i), ix(i)) = vb[i];
          continue;
        }
        double te = 0.0, vij = 0.0;
        lookup(s, s.arms[i + 1], s.arms[j + 1], te, vij);
        s.V(ix(i), ix(j)) = (vb[i] + vb[j] - vij) / 2.0;
      }
    if (!s.y.allFinite() || !s.V.allFinite()) {
      m.problem = "study " + s.label + " does not give every pair of its arms with a finite standard error";
      return m;
    }
    const std::string name = join_arms(s.arms, m.order, nma);
    auto it = design_index.find(name);
    if (it == design_index.end()) {
      it = design_index.emplace(name, designs.size()).first;
      designs.push_back(KDesign{name, s.arms, {}, {}, {}, 0});
    }
    designs[it->second].studies.push_back(si);
  }

  // designs in netmeta's row order: two-arm designs, then multi-arm designs, each sorted by name
  std::vector<std::size_t> dorder(designs.size());
  std::iota(dorder.begin(), dorder.end(), std::size_t{0});
  std::sort(dorder.begin(), dorder.end(), [&](std::size_t a, std::size_t b) {
    const bool ma = designs[a].arms.size() > 2, mb = designs[b].arms.size() > 2;
    if (ma != mb) return !ma;
    return treatment_less(designs[a].name, designs[b].name);
  });
  std::size_t rows = 0;
  for (const std::size_t i : dorder) {
    m.designs.push_back(std::move(designs[i]));
    KDesign& d = m.designs.back();
    const Index q = ix(d.arms.size() - 1);
    d.W = Eigen::MatrixXd::Zero(q, q);
    Eigen::VectorXd wy = Eigen::VectorXd::Zero(q);
    for (const std::size_t si : d.studies) {
      KStudy& s = m.studies[si];
      s.design = m.designs.size() - 1;
      const Eigen::MatrixXd Ws = s.V.ldlt().solve(Eigen::MatrixXd::Identity(q, q));
      d.W += Ws;
      wy += Ws * s.y;
    }
    d.y = d.W.ldlt().solve(wy);
    d.first_row = rows;
    rows += d.arms.size() - 1;
  }
  m.X = Eigen::MatrixXd::Zero(ix(rows), ix(n - 1));
  m.y.resize(ix(rows));
  for (std::size_t di = 0; di < m.designs.size(); ++di) {
    const KDesign& d = m.designs[di];
    const std::size_t q = d.arms.size() - 1;
    for (std::size_t i = 0; i < q; ++i) {
      m.X.row(ix(d.first_row + i)) = contrast_row(d.arms.front(), d.arms[i + 1], n);
      m.row_design.push_back(di);
      m.row_arm.push_back(d.arms[i + 1]);
    }
    m.y.segment(ix(d.first_row), ix(q)) = d.y;
  }
  const Eigen::MatrixXd info = m.X.transpose() * w_times(m, m.X);
  Eigen::FullPivLU<Eigen::MatrixXd> lu(info);
  if (lu.rank() < info.rows()) {
    m.problem = "the design-aggregated model is not identifiable (the network is not connected)";
    return m;
  }
  m.M = lu.inverse();
  m.ok = true;
  return m;
}

/// (|sum h| + sum |h|) / 2.
double absolute_flow(const Eigen::RowVectorXd& h) {
  return 0.5 * (std::fabs(h.sum()) + h.cwiseAbs().sum());
}

}  // namespace

EvidenceFlow evidence_flow(const NmaResult& nma, bool random) {
  return evidence_flow(nma, netsplit(nma), random);
}

EvidenceFlow evidence_flow(const NmaResult& nma, const NetsplitResult& split, bool random) {
  EvidenceFlow res;
  res.random = random;
  res.treatments = nma.treatments;
  if (!nma.ok() || nma.treatments.size() < 2) {
    res.diagnostics.error("flow-no-network", {}, "there is no analysed network to measure",
                          "fix the errors of the network meta-analysis first");
    return res;
  }
  if (!split.ok() || split.treatments != nma.treatments) {
    res.diagnostics.error("flow-netsplit-mismatch", {},
                          "the netsplit result does not belong to this network meta-analysis",
                          "pass netsplit() of the same NmaResult");
    return res;
  }
  res.tau2 = random && std::isfinite(nma.tau2) ? nma.tau2 : 0.0;
  const std::size_t n = nma.treatments.size();
  const KrahnModel m = krahn_model(nma, NmaResult::npos, res.tau2);
  if (!m.ok) {
    res.diagnostics.error("flow-model-failed", {}, m.problem);
    return res;
  }

  // H.tilde columns: design names sorted as R's sort()
  std::vector<std::size_t> cols(m.designs.size());
  std::iota(cols.begin(), cols.end(), std::size_t{0});
  std::sort(cols.begin(), cols.end(),
            [&](std::size_t a, std::size_t b) { return treatment_less(m.designs[a].name, m.designs[b].name); });
  for (const std::size_t c : cols) res.designs.push_back(m.designs[c].name);

  // direct evidence proportions from netsplit (symmetric in the two treatments)
  const NetsplitModel& sm = random ? split.random : split.common;
  Eigen::MatrixXd prop = Eigen::MatrixXd::Zero(ix(n), ix(n));
  for (const NetsplitRow& r : sm.rows) {
    const Index a = ix(nma.treatment_index(r.treat1)), b = ix(nma.treatment_index(r.treat2));
    prop(a, b) = prop(b, a) = r.direct_proportion;
  }

  // H = x M X' W for every pair (design level) and x M X_s' V_s^-1 for every study, in chunks of
  // pairs so that memory stays bounded on big networks.
  const Eigen::MatrixXd XtW = w_times(m, m.X).transpose();  // (n-1) x rows
  Index study_rows = 0;
  for (const KStudy& s : m.studies) study_rows += ix(s.arms.size() - 1);
  Eigen::MatrixXd A(study_rows, m.X.cols());  // stacked V_s^-1 X_s
  std::vector<Index> study_first;
  {
    Index at = 0;
    for (const KStudy& s : m.studies) {
      const KDesign& d = m.designs[s.design];
      const Index q = ix(s.arms.size() - 1);
      study_first.push_back(at);
      A.middleRows(at, q) = s.V.ldlt().solve(m.X.middleRows(ix(d.first_row), q));
      at += q;
    }
  }
  const Eigen::MatrixXd XM = pair_rows_times_M(m.M, n);
  const Index pairs = XM.rows(), chunk = 256;
  res.H_tilde.resize(pairs, ix(m.designs.size()));
  std::vector<std::pair<std::size_t, std::size_t>> pair_of;
  for (std::size_t i = 0; i + 1 < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) pair_of.emplace_back(i, j);
  for (Index c0 = 0; c0 < pairs; c0 += chunk) {
    const Index len = std::min(chunk, pairs - c0);
    const Eigen::MatrixXd H = XM.middleRows(c0, len) * XtW;
    const Eigen::MatrixXd HS = XM.middleRows(c0, len) * A.transpose();
    for (Index p = 0; p < len; ++p) {
      const Index row = c0 + p;
      double sum = 0.0, mx = 0.0;
      for (std::size_t c = 0; c < cols.size(); ++c) {
        const KDesign& d = m.designs[cols[c]];
        const double f = absolute_flow(H.row(p).segment(ix(d.first_row), ix(d.arms.size() - 1)));
        res.H_tilde(row, ix(c)) = f;
        sum += f;
        mx = std::max(mx, f);
      }
      double mx_study = 0.0;
      for (std::size_t si = 0; si < m.studies.size(); ++si)
        mx_study = std::max(mx_study, absolute_flow(HS.row(p).segment(study_first[si],
                                                                       ix(m.studies[si].arms.size() - 1))));
      const auto [i, j] = pair_of[static_cast<std::size_t>(row)];
      EvidenceFlowRow r;
      r.treat1 = nma.treatments[i];
      r.treat2 = nma.treatments[j];
      r.comparison = r.treat1 + ":" + r.treat2;
      r.direct_proportion = prop(ix(i), ix(j));
      r.mean_path_length = sum;
      r.minimal_parallelism = mx > 0.0 ? 1.0 / mx : kNaN;
      r.minimal_parallelism_study = mx_study > 0.0 ? 1.0 / mx_study : kNaN;
      res.rows.push_back(std::move(r));
    }
  }
  return res;
}

NetHeat net_heat(const NmaResult& nma, const NetHeatOptions& options) {
  NetHeat res;
  Diagnostics& diag = res.diagnostics;
  res.random = options.random || options.tau_preset.has_value();
  if (!nma.ok() || nma.treatments.size() < 2) {
    diag.error("netheat-no-network", {}, "there is no analysed network for a net heat matrix",
               "fix the errors of the network meta-analysis first");
    return res;
  }
  if (options.tau_preset && !(*options.tau_preset >= 0.0 && std::isfinite(*options.tau_preset))) {
    diag.error("netheat-invalid-tau", {},
               "tau_preset must be a finite number >= 0, got " + std::to_string(*options.tau_preset));
    return res;
  }
  if (nma.designs < 2) {
    diag.warning("netheat-single-design", {}, "all studies share one design: there is no net heat matrix",
                 "as netmeta netheat()");
    return res;
  }
  if (options.tau_preset) {
    res.tau = *options.tau_preset;
  } else if (options.random) {
    const DesignDecomposition dd = decompose_designs(nma);
    if (!dd.ok()) {
      diag.append(dd.diagnostics);
      return res;
    }
    res.tau = dd.tau_within;
  }
  const std::size_t n = nma.treatments.size();
  const KrahnModel m = krahn_model(nma, nma.treatment_index(nma.reference), res.tau * res.tau);
  if (!m.ok) {
    diag.error("netheat-model-failed", {}, m.problem);
    return res;
  }
  const Index rows = m.X.rows();
  for (Index i = 0; i < rows; ++i) {
    const KDesign& d = m.designs[m.row_design[static_cast<std::size_t>(i)]];
    res.all_designs.push_back(d.name);
    res.all_comparisons.push_back(nma.treatments[m.order[d.arms.front()]] + ":" +
                                  nma.treatments[m.order[m.row_arm[static_cast<std::size_t>(i)]]]);
  }

  // consistency model: contributions to the between-designs Q
  // P = X M X' (the hat matrix is P W); r = y - X theta
  const Eigen::MatrixXd P = m.X * m.M * m.X.transpose();
  const Eigen::VectorXd theta = m.M * (w_times(m, m.y).transpose() * m.X).transpose();
  const Eigen::VectorXd r = m.y - m.X * theta;
  const Eigen::VectorXd Wr = w_times(m, r);
  Eigen::VectorXd qinc(rows);
  for (Index i = 0; i < rows; ++i) qinc(i) = r(i) * Wr(i);
  res.Q_inconsistency_all.assign(qinc.data(), qinc.data() + rows);

  // residuals after detaching each design (one column per design contrast)
  res.residuals = Eigen::MatrixXd::Constant(rows, rows, kNaN);
  std::vector<char> detachable(m.designs.size(), 0);
  for (std::size_t di = 0; di < m.designs.size(); ++di) {
    const KDesign& d = m.designs[di];
    const Index q = ix(d.arms.size() - 1), f = ix(d.first_row);
    detail::UnionFind uf(n);
    for (std::size_t o = 0; o < m.designs.size(); ++o)
      if (o != di)
        for (std::size_t a = 1; a < m.designs[o].arms.size(); ++a) uf.unite(m.designs[o].arms[0], m.designs[o].arms[a]);
    bool connected = true;
    for (std::size_t t = 1; t < n; ++t) connected = connected && uf.find(t) == uf.find(0);
    Eigen::VectorXd col = Eigen::VectorXd::Constant(rows, kNaN);
    if (connected) {
      // GLS block deletion: theta_(-d) = theta - M X_d' (V_d - X_d M X_d')^-1 e_d, so the residuals
      // are y - X theta_(-d) = r + P_{.,d} (V_d - P_dd)^-1 r_d (no refit per design).
      const Eigen::MatrixXd Vd = d.W.ldlt().solve(Eigen::MatrixXd::Identity(q, q));
      const Eigen::MatrixXd S = Vd - P.block(f, f, q, q);
      col = r + P.middleCols(f, q) * S.ldlt().solve(r.segment(f, q));
      detachable[di] = 1;
    }
    col.segment(f, q).setZero();
    for (Index c = f; c < f + q; ++c) res.residuals.col(c) = col;
  }

  // availability (netheat's checks, in its order)
  auto unavailable = [&](const std::string& code, const std::string& message) {
    diag.warning(code, {}, message, "as netmeta netheat()");
  };
  if (m.designs.size() <= 2) {
    unavailable("netheat-few-designs", "net heat matrix not available due to the small number of designs (" +
                                           std::to_string(m.designs.size()) + ")");
    return res;
  }
  if (nma.Q_inconsistency_df == 1.0) {
    unavailable("netheat-no-loops-after-detaching",
                "net heat matrix not available because detaching single designs leads to a network without loops");
    return res;
  }
  if (!(nma.Q_inconsistency_df > 1.0)) {
    unavailable("netheat-no-loops", "net heat matrix not available because the network does not contain any loop");
    return res;
  }
  if (std::none_of(detachable.begin(), detachable.end(), [](char c) { return c != 0; })) {
    unavailable("netheat-not-detachable",
                "net heat matrix not available because detaching single designs leads to an insufficiently "
                "connected network");
    return res;
  }

  // designs shown: drop those without inconsistency contribution, then those that cannot be detached
  const double small = std::sqrt(std::numeric_limits<double>::epsilon());
  std::vector<char> keep(m.designs.size(), 1);
  if (!options.show_all)
    for (Index i = 0; i < rows; ++i)
      if (std::fabs(qinc(i)) <= small) keep[m.row_design[static_cast<std::size_t>(i)]] = 0;
  bool any_kept_detachable = false;
  for (std::size_t di = 0; di < m.designs.size(); ++di)
    any_kept_detachable = any_kept_detachable || (keep[di] && detachable[di]);
  if (!any_kept_detachable) {
    unavailable("netheat-no-between-design-heterogeneity",
                "net heat matrix not available as no between-design heterogeneity exists");
    return res;
  }
  for (std::size_t di = 0; di < m.designs.size(); ++di) {
    if (keep[di] && !detachable[di]) keep[di] = 0;
    if (!keep[di]) res.dropped_designs.push_back(m.designs[di].name);
  }
  std::vector<Index> shown;
  for (Index i = 0; i < rows; ++i)
    if (keep[m.row_design[static_cast<std::size_t>(i)]]) shown.push_back(i);
  if (shown.size() <= 1) {
    res.dropped_designs.clear();
    unavailable("netheat-few-informative-designs",
                "net heat matrix not available due to the small number of informative designs");
    return res;
  }

  const Index k = ix(shown.size());
  const Eigen::MatrixXd WR = w_times(m, res.residuals);
  res.change.resize(k, k);
  res.size.resize(k, k);
  for (Index a = 0; a < k; ++a) {
    const Index i = shown[static_cast<std::size_t>(a)];
    const KDesign& d = m.designs[m.row_design[static_cast<std::size_t>(i)]];
    res.designs.push_back(d.name);
    res.comparisons.push_back(res.all_comparisons[static_cast<std::size_t>(i)]);
    res.labels.push_back(d.arms.size() > 2 ? res.comparisons.back() + "_" + d.name : res.comparisons.back());
    res.Q_inconsistency.push_back(qinc(i));
    for (Index b = 0; b < k; ++b) {
      const Index c = shown[static_cast<std::size_t>(b)];
      res.change(a, b) = res.residuals(i, c) * WR(i, c) - qinc(i);
      const KDesign& dc = m.designs[m.row_design[static_cast<std::size_t>(c)]];
      const Index fc = ix(dc.first_row);
      res.size(a, b) = std::fabs(P.row(i).segment(fc, dc.W.rows()).dot(dc.W.col(c - fc)));  // (P W)(i, c)
    }
  }
  res.available = true;
  return res;
}

nlohmann::json to_json(const EvidenceFlow& r) {
  nlohmann::json j;
  j["random"] = r.random;
  j["tau2"] = json_number(r.tau2);
  j["treatments"] = r.treatments;
  nlohmann::json rows = nlohmann::json::array();
  for (const EvidenceFlowRow& row : r.rows)
    rows.push_back({{"comparison", row.comparison},
                    {"treat1", row.treat1},
                    {"treat2", row.treat2},
                    {"direct_proportion", json_number(row.direct_proportion)},
                    {"mean_path_length", json_number(row.mean_path_length)},
                    {"minimal_parallelism", json_number(row.minimal_parallelism)},
                    {"minimal_parallelism_study", json_number(row.minimal_parallelism_study)}});
  j["rows"] = std::move(rows);
  j["designs"] = r.designs;
  j["H_tilde"] = json_matrix_rows(r.H_tilde);
  j["diagnostics"] = to_json(r.diagnostics);
  return j;
}

nlohmann::json to_json(const NetHeat& r) {
  nlohmann::json j;
  j["random"] = r.random;
  j["tau"] = json_number(r.tau);
  j["available"] = r.available;
  j["all_designs"] = r.all_designs;
  j["all_comparisons"] = r.all_comparisons;
  nlohmann::json q = nlohmann::json::array();
  for (const double v : r.Q_inconsistency_all) q.push_back(json_number(v));
  j["Q_inconsistency_all"] = std::move(q);
  j["residuals"] = json_matrix_rows(r.residuals);
  j["designs"] = r.designs;
  j["comparisons"] = r.comparisons;
  j["labels"] = r.labels;
  nlohmann::json qs = nlohmann::json::array();
  for (const double v : r.Q_inconsistency) qs.push_back(json_number(v));
  j["Q_inconsistency"] = std::move(qs);
  j["change"] = json_matrix_rows(r.change);
  j["size"] = json_matrix_rows(r.size);
  j["dropped_designs"] = r.dropped_designs;
  j["diagnostics"] = to_json(r.diagnostics);
  return j;
}

}  // namespace evident
