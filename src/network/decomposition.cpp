// evident: design-based decomposition of Q (netmeta decomp.design parity). See decomposition.hpp for
// the formulas and references.
#include "evident/network/decomposition.hpp"

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
#include "evident/core/distributions.hpp"
#include "evident/core/json_number.hpp"

namespace evident {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
using Index = Eigen::Index;

using detail::ix;

double chisq_p(double q, double df) {
  return df > 0.0 ? stats::chisq_upper_tail(q, df) : kNaN;
}

struct DesignStudy {
  std::string label;
  std::vector<std::size_t> arms;  // treatment indices, baseline first, then ascending
  std::vector<std::size_t> rows;  // comparisons_data indices
  Eigen::VectorXd y;              // arms[i] versus baseline, i >= 1
  Eigen::MatrixXd V;
};

struct DesignGroup {
  std::string name;
  std::vector<std::size_t> studies;
  std::size_t arms = 0;
  double Q = 0.0, df = 0.0, trace_term = 0.0;
};

/// Variance of the contrast a-b of a study (se^2 of its row), NaN when absent.
double contrast_var(const NmaResult& nma, const DesignStudy& s, std::size_t a, std::size_t b) {
  for (const std::size_t r : s.rows) {
    const NmaComparison& c = nma.comparisons_data[r];
    const std::size_t t1 = nma.treatment_index(c.treat1), t2 = nma.treatment_index(c.treat2);
    if ((t1 == a && t2 == b) || (t1 == b && t2 == a)) return c.se * c.se;
  }
  return kNaN;
}

/// Effect of a versus b in a study.
double contrast_te(const NmaResult& nma, const DesignStudy& s, std::size_t a, std::size_t b) {
  for (const std::size_t r : s.rows) {
    const NmaComparison& c = nma.comparisons_data[r];
    const std::size_t t1 = nma.treatment_index(c.treat1), t2 = nma.treatment_index(c.treat2);
    if (t1 == a && t2 == b) return c.te;
    if (t1 == b && t2 == a) return -c.te;
  }
  return kNaN;
}

using detail::UnionFind;

}  // namespace

DesignDecomposition decompose_designs(const NmaResult& nma) {
  DesignDecomposition res;
  Diagnostics& diag = res.diagnostics;
  if (!nma.ok() || nma.treatments.size() < 2) {
    diag.error("decomposition-no-network", {}, "there is no analysed network to decompose",
               "fix the errors of the network meta-analysis first");
    return res;
  }
  res.total = {nma.Q, nma.Q_df, nma.Q_p};
  res.within = {nma.Q_heterogeneity, nma.Q_heterogeneity_df, nma.Q_heterogeneity_p};
  res.between = {nma.Q_inconsistency, nma.Q_inconsistency_df, nma.Q_inconsistency_p};
  if (nma.designs < 2) {
    diag.error("decomposition-single-design", {},
               "all studies share one design: there is no between-designs part to decompose", "as netmeta");
    return res;
  }
  const std::size_t n = nma.treatments.size();
  const std::size_t ref = nma.treatment_index(nma.reference);

  // (1) studies: arms with the baseline first, contrasts against it and their covariance
  std::vector<DesignStudy> studies;
  std::map<std::string, std::size_t> study_index;
  for (std::size_t r = 0; r < nma.comparisons_data.size(); ++r) {
    const NmaComparison& c = nma.comparisons_data[r];
    auto it = study_index.find(c.study);
    if (it == study_index.end()) {
      it = study_index.emplace(c.study, studies.size()).first;
      studies.push_back(DesignStudy{c.study, {}, {}, {}, {}});
    }
    DesignStudy& s = studies[it->second];
    s.rows.push_back(r);
    s.arms.push_back(nma.treatment_index(c.treat1));
    s.arms.push_back(nma.treatment_index(c.treat2));
  }
  for (DesignStudy& s : studies) {
    std::sort(s.arms.begin(), s.arms.end());
    s.arms.erase(std::unique(s.arms.begin(), s.arms.end()), s.arms.end());
    const auto rit = std::find(s.arms.begin(), s.arms.end(), ref);
    if (rit != s.arms.end()) std::rotate(s.arms.begin(), rit, rit + 1);
    const std::size_t q = s.arms.size() - 1;
    const std::size_t b = s.arms.front();
    s.y.resize(ix(q));
    s.V.resize(ix(q), ix(q));
    for (std::size_t i = 0; i < q; ++i) {
      s.y(ix(i)) = contrast_te(nma, s, s.arms[i + 1], b);
      for (std::size_t j = 0; j < q; ++j) {
        const double vi = contrast_var(nma, s, b, s.arms[i + 1]);
        s.V(ix(i), ix(j)) =
            i == j
                ? vi
                : (vi + contrast_var(nma, s, b, s.arms[j + 1]) - contrast_var(nma, s, s.arms[i + 1], s.arms[j + 1])) /
                      2.0;
      }
    }
  }

  // (2) designs: Q within, df, and the trace term of the moment estimator of tau2_within
  std::map<std::string, std::size_t> design_index;
  std::vector<DesignGroup> designs;
  for (std::size_t s = 0; s < studies.size(); ++s) {
    std::string name;
    for (const std::size_t a : studies[s].arms) name += (name.empty() ? "" : ":") + nma.treatments[a];
    auto it = design_index.find(name);
    if (it == design_index.end()) {
      it = design_index.emplace(name, designs.size()).first;
      designs.push_back(DesignGroup{name, {}, studies[s].arms.size(), 0.0, 0.0, 0.0});
    }
    designs[it->second].studies.push_back(s);
  }
  double q_within = 0.0, df_within = 0.0, trace = 0.0;
  for (DesignGroup& d : designs) {
    const Index q = ix(d.arms - 1);
    Eigen::MatrixXd sumW = Eigen::MatrixXd::Zero(q, q), sumWMW = Eigen::MatrixXd::Zero(q, q);
    Eigen::VectorXd sumWy = Eigen::VectorXd::Zero(q);
    Eigen::MatrixXd M = Eigen::MatrixXd::Constant(q, q, 0.5);
    M.diagonal().setOnes();
    double trWM = 0.0;
    std::vector<Eigen::MatrixXd> W(d.studies.size());
    for (std::size_t k = 0; k < d.studies.size(); ++k) {
      const DesignStudy& s = studies[d.studies[k]];
      W[k] = s.V.ldlt().solve(Eigen::MatrixXd::Identity(q, q));
      sumW += W[k];
      sumWy += W[k] * s.y;
      trWM += (W[k] * M).trace();
      sumWMW += W[k] * M * W[k];
    }
    const Eigen::LDLT<Eigen::MatrixXd> sw = sumW.ldlt();
    const Eigen::VectorXd yd = sw.solve(sumWy);
    for (std::size_t k = 0; k < d.studies.size(); ++k) {
      const Eigen::VectorXd r = studies[d.studies[k]].y - yd;
      d.Q += r.dot(W[k] * r);
    }
    d.df = static_cast<double>((d.studies.size() - 1) * (d.arms - 1));
    d.trace_term = trWM - sw.solve(sumWMW).trace();
    q_within += d.Q;
    df_within += d.df;
    trace += d.trace_term;
  }

  // netmeta order: two-arm designs, then multi-arm designs, each sorted by name
  std::vector<std::size_t> order(designs.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const bool ma = designs[a].arms > 2, mb = designs[b].arms > 2;
    if (ma != mb) return !ma;
    return treatment_less(designs[a].name, designs[b].name);
  });
  for (const std::size_t i : order)
    res.within_by_design.push_back(
        DesignQ{designs[i].name, designs[i].Q, designs[i].df, chisq_p(designs[i].Q, designs[i].df)});

  // (3) Q between designs after detaching each design. Refitting the network without the design's
  // studies would cost one NMA per design; the Q of the reduced fit follows from the full common-effect
  // fit by the deletion identity of generalised least squares (Cook & Weisberg 1982, "Residuals and
  // Influence in Regression", ch. 3; Belsley, Kuh & Welsch 1980, eq. 2.26, for a block of observations):
  //   Q_(-R) = Q - e_R' (V_R - C_R)^{-1} e_R,
  // with e_R the residuals of the design's basal contrasts (each arm versus the study's baseline), V_R
  // their block-diagonal covariance and C_R the covariance of their fitted values, read from the network
  // variances by the polarisation identity Cov(TE_ab, TE_ce) = (v_ae + v_bc - v_ac - v_be) / 2
  // (Rücker 2012, doi:10.1002/jrsm.1058: v = seTE^2 are the resistance distances). V_R - C_R is singular
  // exactly when the rest of the network is disconnected; those designs are skipped, as before.
  double rows_total = 0.0;
  for (const DesignGroup& d : designs) rows_total += static_cast<double>(d.arms - 1);
  const Eigen::MatrixXd& seC = nma.common.seTE;
  const auto v = [&seC](std::size_t a, std::size_t b) { return a == b ? 0.0 : seC(ix(a), ix(b)) * seC(ix(a), ix(b)); };
  const auto cov = [&v](std::size_t a, std::size_t b, std::size_t c, std::size_t e) {
    return 0.5 * (v(a, e) + v(b, c) - v(a, c) - v(b, e));
  };
  for (const std::size_t i : order) {
    const DesignGroup& d = designs[i];
    UnionFind uf(n);
    for (const DesignGroup& other : designs) {
      if (&other == &d) continue;
      for (const std::size_t s : other.studies)
        for (std::size_t a = 1; a < studies[s].arms.size(); ++a) uf.unite(studies[s].arms[0], studies[s].arms[a]);
    }
    bool connected = true;
    for (std::size_t t = 1; t < n; ++t) connected = connected && uf.find(t) == uf.find(0);
    if (!connected) continue;
    // basal contrasts of the design's studies: (study, arm a, baseline b)
    std::vector<std::pair<std::size_t, std::size_t>> rows;  // (study, position of the arm)
    for (const std::size_t s : d.studies)
      for (std::size_t a = 1; a < studies[s].arms.size(); ++a) rows.emplace_back(s, a);
    const Index m = ix(rows.size());
    Eigen::MatrixXd S = Eigen::MatrixXd::Zero(m, m);
    Eigen::VectorXd e(m);
    for (Index r = 0; r < m; ++r) {
      const DesignStudy& sr = studies[rows[static_cast<std::size_t>(r)].first];
      const std::size_t ar = sr.arms[rows[static_cast<std::size_t>(r)].second], br = sr.arms.front();
      e(r) = sr.y(ix(rows[static_cast<std::size_t>(r)].second - 1)) - nma.common.TE(ix(ar), ix(br));
      for (Index c = 0; c < m; ++c) {
        const DesignStudy& sc = studies[rows[static_cast<std::size_t>(c)].first];
        const std::size_t ac = sc.arms[rows[static_cast<std::size_t>(c)].second], bc = sc.arms.front();
        double value = -cov(ar, br, ac, bc);
        if (&sr == &sc)
          value += sr.V(ix(rows[static_cast<std::size_t>(r)].second - 1), ix(rows[static_cast<std::size_t>(c)].second - 1));
        S(r, c) = value;
      }
    }
    const Eigen::LDLT<Eigen::MatrixXd> ldlt = S.ldlt();
    if (ldlt.info() != Eigen::Success) continue;
    const double q_rest = nma.Q - e.dot(ldlt.solve(e));
    const double q = q_rest - (q_within - d.Q);
    double df = rows_total - static_cast<double>(n - 1) - static_cast<double>(d.arms - 1);
    if (df < 0.0) df = kNaN;
    res.between_after_detach.push_back(DesignQ{d.name, q, df, chisq_p(q, df)});
  }
  NmaOptions options;
  options.level = nma.level;
  options.reference = nma.reference;

  // (4) full design-by-treatment interaction random-effects model
  const double tau2 = trace > 0.0 ? std::max(0.0, (q_within - df_within) / trace) : 0.0;
  res.tau_within = std::sqrt(tau2);
  NmaInput inflated;
  for (const NmaComparison& c : nma.comparisons_data)
    inflated.contrasts.push_back(NmaContrast{c.study, c.treat1, c.treat2, c.te, std::sqrt(c.se * c.se + tau2), {}});
  const NmaResult rnd = network_meta_analysis(inflated, options);
  if (rnd.ok()) {
    res.between_random = {rnd.Q_inconsistency, rnd.Q_inconsistency_df, rnd.Q_inconsistency_p};
  } else {
    res.between_random = {kNaN, kNaN, kNaN};
    diag.warning("decomposition-random-failed", {},
                 "the random-effects between-designs Q could not be computed (the network with tau2_within added "
                 "failed)");
  }
  return res;
}

namespace {

nlohmann::json part_json(const NmaHeterogeneityPart& p) {
  return {{"Q", json_number(p.Q)}, {"df", json_number(p.df)}, {"p_value", json_number(p.p_value)}};
}

nlohmann::json designs_json(const std::vector<DesignQ>& v) {
  nlohmann::json a = nlohmann::json::array();
  for (const DesignQ& d : v)
    a.push_back({{"design", d.design},
                 {"Q", json_number(d.Q)},
                 {"df", json_number(d.df)},
                 {"p_value", json_number(d.p_value)}});
  return a;
}

}  // namespace

nlohmann::json to_json(const DesignDecomposition& r) {
  nlohmann::json j;
  j["Q_decomp"] = {{"total", part_json(r.total)}, {"within", part_json(r.within)}, {"between", part_json(r.between)}};
  j["Q_het_design"] = designs_json(r.within_by_design);
  j["Q_inc_detach"] = designs_json(r.between_after_detach);
  nlohmann::json rnd = part_json(r.between_random);
  rnd["tau_within"] = json_number(r.tau_within);
  j["Q_inc_random"] = std::move(rnd);
  j["diagnostics"] = to_json(r.diagnostics);
  return j;
}

}  // namespace evident
