// evident: network meta-analysis (graph-theoretical method, netmeta parity). See nma.hpp for the
// formulas and references.
#include "evident/network/nma.hpp"

#include "network_internal.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "evident/core/diagnostic_json.hpp"
#include "evident/core/distributions.hpp"
#include "evident/core/json_number.hpp"
#include "evident/pairwise/subgroup.hpp"

namespace evident {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
using Index = Eigen::Index;

using detail::ix;

std::string lower(const std::string& s) {
  std::string r = s;
  for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

// First collation level, after glibc >= 2.28 en_US.UTF-8 (ISO 14651): punctuation is not ignored;
// space and punctuation sort before digits, digits before letters, letters case-folded. The
// punctuation order is that of the ISO 14651 common table for ASCII; other bytes come last.
std::vector<int> primary_key(const std::string& s) {
  static const std::string punct = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$";
  std::vector<int> r;
  r.reserve(s.size());
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    const std::size_t p = punct.find(c);
    if (u < 0x80 && p != std::string::npos)
      r.push_back(1 + static_cast<int>(p));
    else if (std::isdigit(u) != 0)
      r.push_back(100 + (u - '0'));
    else if (std::isalpha(u) != 0)
      r.push_back(200 + (std::tolower(u) - 'a'));
    else
      r.push_back(300 + u);
  }
  return r;
}

// Third level: lower case before upper case at the first difference.
std::string case_key(const std::string& s) {
  std::string r = s;
  for (char& c : r) {
    const auto u = static_cast<unsigned char>(c);
    if (std::islower(u) != 0)
      c = static_cast<char>(std::toupper(u));
    else if (std::isupper(u) != 0)
      c = static_cast<char>(std::tolower(u));
  }
  return r;
}

// --- the analysis data -------------------------------------------------------------------------

struct NetEdge {
  std::size_t input = 0;       // index into NmaInput::contrasts
  std::size_t study = 0;       // index into studies
  std::size_t t1 = 0, t2 = 0;  // treatment indices (analysed network), t1 sorts before t2
  double y = 0.0;
  double var = 0.0;  // se^2
  bool flipped = false;
};

struct ArmStudy {
  std::string label;
  std::vector<std::size_t> edges;
  std::vector<std::size_t> arms;  // treatment indices, ascending
};

/// Rücker & Schwarzer 2014 reduced weights of one study from its contrast variances `var`
/// (indexed by edge). Returns false when negative weights remain (inconsistent variances).
bool reduced_weights(const ArmStudy& s, const std::vector<NetEdge>& edges, const std::vector<double>& var,
                     std::vector<double>& w) {
  const std::size_t p = s.arms.size();
  if (p == 2) {
    const std::size_t e = s.edges.front();
    w[e] = 1.0 / var[e];
    return true;
  }
  auto pos = [&](std::size_t t) {
    return static_cast<std::size_t>(std::lower_bound(s.arms.begin(), s.arms.end(), t) - s.arms.begin());
  };
  const Index k = ix(p);
  Eigen::MatrixXd R = Eigen::MatrixXd::Zero(k, k);
  for (const std::size_t e : s.edges) {
    const Index a = ix(pos(edges[e].t1)), b = ix(pos(edges[e].t2));
    R(a, b) = R(b, a) = var[e];
  }
  const double kd = static_cast<double>(p);
  const Eigen::MatrixXd J = Eigen::MatrixXd::Constant(k, k, 1.0 / kd);
  const Eigen::MatrixXd C = Eigen::MatrixXd::Identity(k, k) - J;
  const Eigen::MatrixXd Lt = -0.5 * C * R * C;
  const Eigen::MatrixXd L = Eigen::MatrixXd(Lt - J).partialPivLu().inverse() + J;
  Eigen::MatrixXd W = -L;
  W.diagonal().setZero();
  double total = 0.0;
  for (Index a = 1; a < k; ++a)
    for (Index b = 0; b < a; ++b) total += std::fabs(W(a, b));
  bool ok = true;
  for (Index a = 0; a < k; ++a)
    for (Index b = 0; b < k; ++b) {
      if (W(a, b) < 0.0 && std::fabs(W(a, b)) / total < 0.001) W(a, b) = 0.0;
      if (W(a, b) < 0.0) ok = false;
    }
  for (const std::size_t e : s.edges) w[e] = W(ix(pos(edges[e].t1)), ix(pos(edges[e].t2)));
  return ok;
}

struct Fit {
  Eigen::VectorXd theta;
  Eigen::MatrixXd Lplus;
  std::vector<double> nma, nma_var;  // per edge (of the edges given)
  double Q = 0.0;
};

/// Common-effect fit of `sel` edges over n treatments with weights w (indexed by edge).
/// NetEdge treatment indices are mapped through `local` (global index -> 0..n-1).
Fit fit_network(std::size_t n, const std::vector<NetEdge>& edges, const std::vector<std::size_t>& sel,
                const std::vector<double>& w, const std::vector<std::size_t>& local) {
  const Index k = ix(n);
  Eigen::MatrixXd L = Eigen::MatrixXd::Zero(k, k);
  Eigen::VectorXd g = Eigen::VectorXd::Zero(k);
  for (const std::size_t e : sel) {
    const Index a = ix(local[edges[e].t1]), b = ix(local[edges[e].t2]);
    const double we = w[e];
    L(a, a) += we;
    L(b, b) += we;
    L(a, b) -= we;
    L(b, a) -= we;
    g(a) += we * edges[e].y;
    g(b) -= we * edges[e].y;
  }
  const Eigen::MatrixXd J = Eigen::MatrixXd::Constant(k, k, 1.0 / static_cast<double>(n));
  Fit f;
  f.Lplus = Eigen::MatrixXd(L - J).partialPivLu().inverse() + J;
  f.theta = f.Lplus * g;
  f.nma.reserve(sel.size());
  f.nma_var.reserve(sel.size());
  for (const std::size_t e : sel) {
    const Index a = ix(local[edges[e].t1]), b = ix(local[edges[e].t2]);
    const double est = f.theta(a) - f.theta(b);
    f.nma.push_back(est);
    f.nma_var.push_back(f.Lplus(a, a) + f.Lplus(b, b) - 2.0 * f.Lplus(a, b));
    const double r = edges[e].y - est;
    if (w[e] != 0.0) f.Q += w[e] * r * r;
  }
  return f;
}

NmaModel model_of(const Fit& f, double level) {
  const Index k = f.theta.size();
  NmaModel m;
  m.TE.resize(k, k);
  m.seTE.resize(k, k);
  m.lower.resize(k, k);
  m.upper.resize(k, k);
  m.statistic.resize(k, k);
  m.p_value.resize(k, k);
  const double z = stats::normal_upper_quantile((1.0 - level) / 2.0);
  for (Index i = 0; i < k; ++i)
    for (Index j = 0; j < k; ++j) {
      if (i == j) {
        m.TE(i, j) = m.seTE(i, j) = m.lower(i, j) = m.upper(i, j) = 0.0;
        m.statistic(i, j) = m.p_value(i, j) = kNaN;
        continue;
      }
      const double te = f.theta(i) - f.theta(j);
      const double se = std::sqrt(std::max(0.0, f.Lplus(i, i) + f.Lplus(j, j) - 2.0 * f.Lplus(i, j)));
      m.TE(i, j) = te;
      m.seTE(i, j) = se;
      m.lower(i, j) = te - z * se;
      m.upper(i, j) = te + z * se;
      m.statistic(i, j) = te / se;
      m.p_value(i, j) = stats::normal_two_sided_p(te / se);
    }
  return m;
}

/// REML tau2 as netmeta 3.x for contrast-level input (metafor rma.mv): per study the contrasts of
/// every arm against the study's baseline (the reference treatment when the study has it, else its
/// last treatment in sorted order), V = diag(se^2), random effects ~ comparison | study with
/// compound symmetry rho = 1/2 (Var = V + tau2 M, M = 1 on the diagonal, 1/2 within a study).
/// Fisher scoring on the restricted likelihood (Harville 1977, doi:10.1080/01621459.1977.10480998):
/// tau2 += (r'PMPr - tr PM) / tr(PMPM), step halving below 0, until the change is <= 1e-12 (relative).
struct RemlFit {
  double tau2 = 0.0;
  int iterations = 0;
  bool converged = false;
};

RemlFit reml_tau2(std::size_t n, const std::vector<NetEdge>& edges, const std::vector<ArmStudy>& studies,
                  std::size_t ref, double start) {
  std::vector<double> y, v;
  std::vector<std::size_t> study_of, other_of, base_of;
  for (std::size_t s = 0; s < studies.size(); ++s) {
    const ArmStudy& st = studies[s];
    const std::size_t base = std::binary_search(st.arms.begin(), st.arms.end(), ref) ? ref : st.arms.back();
    for (const std::size_t e : st.edges) {
      const NetEdge& ed = edges[e];
      if (ed.t1 != base && ed.t2 != base) continue;
      const bool base_second = ed.t2 == base;
      y.push_back(base_second ? ed.y : -ed.y);
      v.push_back(ed.var);
      study_of.push_back(s);
      other_of.push_back(base_second ? ed.t1 : ed.t2);
      base_of.push_back(base);
    }
  }
  // rows of one study are contiguous: blocks of Sigma = V + tau2 M
  struct Block {
    Index start = 0, size = 0;
  };
  std::vector<Block> blocks;
  for (std::size_t r = 0; r < y.size(); ++r)
    if (r == 0 || study_of[r] != study_of[r - 1])
      blocks.push_back({ix(r), 1});
    else
      ++blocks.back().size;
  const Index N = ix(y.size());
  const Index p = ix(n - 1);
  Eigen::MatrixXd X = Eigen::MatrixXd::Zero(N, p);
  Eigen::VectorXd Y(N);
  for (Index r = 0; r < N; ++r) {
    const auto ur = static_cast<std::size_t>(r);
    Y(r) = y[ur];
    if (other_of[ur] + 1 < n) X(r, ix(other_of[ur])) += 1.0;
    if (base_of[ur] + 1 < n) X(r, ix(base_of[ur])) -= 1.0;
  }
  RemlFit fit;
  double tau2 = std::max(0.0, start);
  // Score and Fisher information of the restricted likelihood, block by block:
  // P = S^-1 - G A^-1 G' with G = S^-1 X, A = X'S^-1 X; with F = S^-1 M (block diagonal),
  // B = G'MG and C = G'MFG: y'PMPy = e'Me (e = S^-1 (y - X beta)), tr PM = tr F - tr A^-1 B,
  // tr PMPM = tr FF - 2 tr A^-1 C + tr A^-1 B A^-1 B.
  auto score_info = [&](double t2, double& score, double& info) {
    std::vector<Eigen::MatrixXd> Si(blocks.size()), Mb(blocks.size());
    Eigen::MatrixXd A = Eigen::MatrixXd::Zero(p, p), B = Eigen::MatrixXd::Zero(p, p), C = Eigen::MatrixXd::Zero(p, p);
    Eigen::VectorXd bvec = Eigen::VectorXd::Zero(p);
    double trF = 0.0, trFF = 0.0;
    for (std::size_t k = 0; k < blocks.size(); ++k) {
      const Index st = blocks[k].start, sz = blocks[k].size;
      Eigen::MatrixXd Mk = Eigen::MatrixXd::Constant(sz, sz, 0.5);
      Mk.diagonal().setOnes();
      Eigen::MatrixXd S = t2 * Mk;
      for (Index r = 0; r < sz; ++r) S(r, r) += v[static_cast<std::size_t>(st + r)];
      Si[k] = S.ldlt().solve(Eigen::MatrixXd::Identity(sz, sz));
      const Eigen::MatrixXd Xk = X.middleRows(st, sz);
      const Eigen::MatrixXd Gk = Si[k] * Xk;
      const Eigen::MatrixXd Fk = Si[k] * Mk;
      A.noalias() += Xk.transpose() * Gk;
      bvec.noalias() += Gk.transpose() * Y.segment(st, sz);
      const Eigen::MatrixXd MG = Mk * Gk;
      B.noalias() += Gk.transpose() * MG;
      C.noalias() += MG.transpose() * Fk * Gk;
      trF += Fk.trace();
      trFF += (Fk * Fk).trace();
      Mb[k] = std::move(Mk);
    }
    const Eigen::LDLT<Eigen::MatrixXd> Al = A.ldlt();
    const Eigen::VectorXd beta = Al.solve(bvec);
    double quad = 0.0;
    for (std::size_t k = 0; k < blocks.size(); ++k) {
      const Index st = blocks[k].start, sz = blocks[k].size;
      const Eigen::VectorXd e = Si[k] * (Y.segment(st, sz) - X.middleRows(st, sz) * beta);
      quad += e.dot(Mb[k] * e);
    }
    const Eigen::MatrixXd AiB = Al.solve(B);
    score = quad - (trF - AiB.trace());
    info = trFF - 2.0 * Al.solve(C).trace() + (AiB * AiB).trace();
  };
  for (int it = 1; it <= 200; ++it) {
    fit.iterations = it;
    double score = 0.0, info = 0.0;
    score_info(tau2, score, info);
    double step = score / info;
    if (!std::isfinite(step)) break;
    double next = tau2 + step;
    while (next < 0.0 && step > 1e-300) {
      step /= 2.0;
      next = tau2 + step;
    }
    if (tau2 == 0.0 && score <= 0.0) next = 0.0;
    if (next < 1e-14) next = 0.0;
    const double change = std::fabs(next - tau2);
    tau2 = next;
    if (change <= 1e-12 * std::max(1.0, tau2) || (tau2 == 0.0 && score <= 0.0)) {
      fit.converged = true;
      break;
    }
  }
  fit.tau2 = tau2;
  return fit;
}

double chisq_p(double q, double df) {
  return df > 0.0 ? stats::chisq_upper_tail(q, df) : kNaN;
}

using detail::UnionFind;

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string r;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i > 0) r += sep;
    r += v[i];
  }
  return r;
}

}  // namespace

const char* to_string(NmaModelKind model) {
  return model == NmaModelKind::common ? "common" : "random";
}

bool treatment_less(const std::string& a, const std::string& b) {
  const std::vector<int> pa = primary_key(a), pb = primary_key(b);
  if (pa != pb) return pa < pb;
  return case_key(a) < case_key(b);
}

std::size_t NmaResult::treatment_index(const std::string& name) const {
  const auto it = std::find(treatments.begin(), treatments.end(), name);
  return it == treatments.end() ? npos : static_cast<std::size_t>(it - treatments.begin());
}

NmaInput nma_input_from_effects(const EffectSet& effects) {
  NmaInput in;
  in.contrasts.reserve(effects.contrasts.size());
  for (const EffectContrast& c : effects.contrasts)
    in.contrasts.push_back(NmaContrast{c.study, c.treat1, c.treat2, c.te, c.se, c.source});
  return in;
}

NmaResult network_meta_analysis(const NmaInput& input, const NmaOptions& options) {
  NmaResult res;
  res.tau2_method = options.tau2_method;
  res.level = options.level;
  Diagnostics& diag = res.diagnostics;

  if (!(options.level > 0.0 && options.level < 1.0)) {
    diag.error("invalid-level", {}, "confidence level must be between 0 and 1, got " + std::to_string(options.level));
    return res;
  }
  if (options.tau2_method != Tau2Method::DL && options.tau2_method != Tau2Method::REML) {
    diag.error("unsupported-tau2-method", {},
               std::string("network meta-analysis supports the generalised DerSimonian-Laird and REML tau2 only, "
                           "not ") +
                   to_string(options.tau2_method),
               "use tau2 method DL (netmeta's default) or REML");
    return res;
  }

  // (1) contrasts that can be used at all
  std::vector<char> usable(input.contrasts.size(), 1);
  auto exclude = [&](std::size_t i, const std::string& reason) {
    const NmaContrast& c = input.contrasts[i];
    usable[i] = 0;
    res.excluded.push_back(NmaExclusion{c.study, c.treat1, c.treat2, reason, c.source});
  };
  for (std::size_t i = 0; i < input.contrasts.size(); ++i) {
    const NmaContrast& c = input.contrasts[i];
    if (c.treat1 == c.treat2) {
      exclude(i, "the same treatment '" + c.treat1 + "' on both sides of the contrast");
      Diagnostic& d =
          diag.warning("nma-self-contrast", c.source, "contrast of treatment '" + c.treat1 + "' with itself left out");
      d.study = c.study;
    } else if (!std::isfinite(c.te) || !std::isfinite(c.se) || !(c.se > 0.0)) {
      exclude(i, "missing or non-finite effect, or standard error not > 0");
      Diagnostic& d = diag.warning("nma-unusable-contrast", c.source,
                                   "contrast " + c.treat1 + " vs " + c.treat2 +
                                       " has a missing effect or a standard error that is not > 0; left out",
                                   "netmeta leaves such comparisons out as well");
      d.study = c.study;
    }
  }

  // (2) studies: every multi-arm study needs all pairs, each once
  std::vector<std::string> study_order;
  std::map<std::string, std::vector<std::size_t>> by_study;
  for (std::size_t i = 0; i < input.contrasts.size(); ++i) {
    if (!usable[i]) continue;
    const std::string& s = input.contrasts[i].study;
    if (!by_study.count(s)) study_order.push_back(s);
    by_study[s].push_back(i);
  }
  for (const std::string& s : study_order) {
    const auto& idx = by_study[s];
    std::set<std::string> arms;
    std::set<std::pair<std::string, std::string>> pairs;
    bool duplicate = false;
    for (const std::size_t i : idx) {
      const NmaContrast& c = input.contrasts[i];
      arms.insert(c.treat1);
      arms.insert(c.treat2);
      auto key = std::minmax(c.treat1, c.treat2);
      if (!pairs.insert({key.first, key.second}).second) duplicate = true;
    }
    const std::size_t p = arms.size();
    if (duplicate || idx.size() != p * (p - 1) / 2) {
      const std::string reason =
          duplicate ? "the study gives the same pair of treatments more than once"
                    : "the study has " + std::to_string(p) + " treatments but " + std::to_string(idx.size()) +
                          " contrasts; a multi-arm study needs all " + std::to_string(p * (p - 1) / 2) + " pairs";
      for (const std::size_t i : idx) exclude(i, reason);
      Diagnostic& d = diag.warning("nma-incomplete-multiarm", input.contrasts[idx.front()].source,
                                   "study '" + s + "' left out: " + reason,
                                   "give every pair of the study's arms once (compute_effects does)");
      d.study = s;
    }
  }

  // (3) connectivity (netconnection) over the usable contrasts
  std::vector<std::string> names;
  std::map<std::string, std::size_t> name_index;
  for (std::size_t i = 0; i < input.contrasts.size(); ++i) {
    if (!usable[i]) continue;
    for (const std::string* t : {&input.contrasts[i].treat1, &input.contrasts[i].treat2})
      if (!name_index.count(*t)) {
        name_index[*t] = names.size();
        names.push_back(*t);
      }
  }
  if (names.empty()) {
    diag.error("nma-no-data", {}, "no usable contrasts for a network meta-analysis");
    return res;
  }
  UnionFind uf(names.size());
  for (std::size_t i = 0; i < input.contrasts.size(); ++i)
    if (usable[i]) uf.unite(name_index[input.contrasts[i].treat1], name_index[input.contrasts[i].treat2]);
  std::map<std::size_t, std::size_t> root_to_net;
  std::vector<std::size_t> net_of_name(names.size());
  for (std::size_t t = 0; t < names.size(); ++t) {
    const std::size_t r = uf.find(t);
    if (!root_to_net.count(r)) {
      root_to_net[r] = res.subnetworks.size();
      res.subnetworks.emplace_back();
    }
    net_of_name[t] = root_to_net[r];
    res.subnetworks[net_of_name[t]].treatments.push_back(names[t]);
  }
  for (auto& sn : res.subnetworks) std::sort(sn.treatments.begin(), sn.treatments.end(), treatment_less);
  for (const std::string& s : study_order) {
    const auto& idx = by_study[s];
    if (!usable[idx.front()]) continue;
    res.subnetworks[net_of_name[name_index[input.contrasts[idx.front()].treat1]]].studies.push_back(s);
  }

  // reference treatment and the subnetwork analysed
  std::size_t chosen = 0;
  std::string reference;
  if (options.reference) {
    const std::string& want = *options.reference;
    std::size_t found = names.size();
    if (name_index.count(want)) {
      found = name_index[want];
    } else {
      std::size_t hits = 0;
      for (std::size_t t = 0; t < names.size(); ++t)
        if (lower(names[t]) == lower(want)) {
          found = t;
          ++hits;
        }
      if (hits > 1) found = names.size();
    }
    if (found == names.size()) {
      diag.error("nma-unknown-reference", {}, "reference treatment '" + want + "' is not in the network",
                 "use one of: " + join(names, ", "));
      return res;
    }
    chosen = net_of_name[found];
    reference = names[found];
  }
  if (options.subnetwork) {
    if (*options.subnetwork >= res.subnetworks.size()) {
      diag.error("nma-no-subnetwork", {},
                 "subnetwork " + std::to_string(*options.subnetwork + 1) + " asked for, but the network has " +
                     std::to_string(res.subnetworks.size()),
                 "number subnetworks from 1 to " + std::to_string(res.subnetworks.size()));
      return res;
    }
    if (chosen != *options.subnetwork) reference.clear();
    chosen = *options.subnetwork;
  } else if (!options.reference) {
    for (std::size_t s = 1; s < res.subnetworks.size(); ++s) {
      const auto& a = res.subnetworks[s];
      const auto& b = res.subnetworks[chosen];
      if (a.treatments.size() > b.treatments.size() ||
          (a.treatments.size() == b.treatments.size() && a.studies.size() > b.studies.size()))
        chosen = s;
    }
  }
  res.subnetworks[chosen].analysed = true;
  if (res.subnetworks.size() > 1) {
    for (std::size_t s = 0; s < res.subnetworks.size(); ++s) {
      if (s == chosen) continue;
      const auto& sn = res.subnetworks[s];
      const std::string reason = "not connected to the analysed network (subnetwork " + std::to_string(s + 1) + " of " +
                                 std::to_string(res.subnetworks.size()) + ": " + join(sn.treatments, ", ") + ")";
      for (std::size_t i = 0; i < input.contrasts.size(); ++i)
        if (usable[i] && net_of_name[name_index[input.contrasts[i].treat1]] == s) exclude(i, reason);
    }
    std::string left;
    for (std::size_t s = 0; s < res.subnetworks.size(); ++s)
      if (s != chosen)
        left += (left.empty() ? "" : "; ") + std::string("treatments ") + join(res.subnetworks[s].treatments, ", ") +
                " (studies " + join(res.subnetworks[s].studies, ", ") + ")";
    diag.warning("nma-disconnected", {},
                 "the network has " + std::to_string(res.subnetworks.size()) +
                     " separate subnetworks; analysed the one with treatments " +
                     join(res.subnetworks[chosen].treatments, ", ") + "; left out " + left,
                 options.subnetwork ? "each subnetwork is analysed on its own"
                 : options.reference
                     ? "the analysed subnetwork holds the reference treatment"
                     : "the largest subnetwork is analysed; set a reference treatment to choose another, or "
                       "analyse each subnetwork separately");
  }

  // (4) the analysed network
  res.treatments = res.subnetworks[chosen].treatments;
  const std::size_t n = res.treatments.size();
  if (n < 2) {
    diag.error("nma-no-data", {}, "the network has fewer than two treatments");
    return res;
  }
  if (reference.empty()) reference = res.treatments.front();
  res.reference = reference;
  std::map<std::string, std::size_t> tindex;
  for (std::size_t t = 0; t < n; ++t) tindex[res.treatments[t]] = t;

  std::vector<NetEdge> edges;
  std::vector<ArmStudy> studies;
  std::map<std::string, std::size_t> study_index;
  for (std::size_t i = 0; i < input.contrasts.size(); ++i) {
    if (!usable[i]) continue;
    const NmaContrast& c = input.contrasts[i];
    NetEdge e;
    e.input = i;
    std::size_t a = tindex.at(c.treat1), b = tindex.at(c.treat2);
    e.y = c.te;
    if (a > b) {
      std::swap(a, b);
      e.y = -e.y;
      e.flipped = true;
    }
    e.t1 = a;
    e.t2 = b;
    e.var = c.se * c.se;
    auto it = study_index.find(c.study);
    if (it == study_index.end()) {
      it = study_index.emplace(c.study, studies.size()).first;
      studies.push_back(ArmStudy{c.study, {}, {}});
    }
    e.study = it->second;
    studies[e.study].edges.push_back(edges.size());
    studies[e.study].arms.push_back(a);
    studies[e.study].arms.push_back(b);
    edges.push_back(e);
  }
  for (ArmStudy& s : studies) {
    std::sort(s.arms.begin(), s.arms.end());
    s.arms.erase(std::unique(s.arms.begin(), s.arms.end()), s.arms.end());
  }
  const std::size_t m = edges.size();
  res.studies = studies.size();
  res.comparisons = m;

  std::vector<std::string> design_of(studies.size());
  std::map<std::string, std::vector<std::size_t>> design_studies;
  for (std::size_t s = 0; s < studies.size(); ++s) {
    std::vector<std::string> t;
    for (const std::size_t a : studies[s].arms) t.push_back(res.treatments[a]);
    design_of[s] = join(t, ":");
    design_studies[design_of[s]].push_back(s);
  }
  for (const auto& kv : design_studies) res.design_names.push_back(kv.first);
  std::sort(res.design_names.begin(), res.design_names.end(), treatment_less);
  res.designs = res.design_names.size();

  std::vector<std::size_t> identity(n);
  std::iota(identity.begin(), identity.end(), std::size_t{0});
  std::vector<std::size_t> all_edges(m);
  std::iota(all_edges.begin(), all_edges.end(), std::size_t{0});

  std::set<std::string> warned_negative;
  auto weights_for = [&](double tau2) {
    std::vector<double> var(m), w(m);
    for (std::size_t e = 0; e < m; ++e) var[e] = edges[e].var + tau2;
    for (const ArmStudy& s : studies)
      if (!reduced_weights(s, edges, var, w) && warned_negative.insert(s.label).second) {
        Diagnostic& d = diag.warning(
            "nma-multiarm-negative-variance", input.contrasts[edges[s.edges.front()].input].source,
            "the standard errors of multi-arm study '" + s.label +
                "' are inconsistent: the reduced weights give negative variances",
            "check the study's standard errors; contrasts of one multi-arm study must come from the same arms "
            "(variances v_ac <= v_ab + v_bc)");
        d.study = s.label;
      }
    return w;
  };

  // multi-arm consistency of the effects (netmeta chkmultiarm, tol.multiarm = 0.001): the contrasts
  // of one study must satisfy y_ac = y_ab + y_bc; checked by the residuals of the unit-weight fit
  for (const ArmStudy& s : studies) {
    if (s.arms.size() < 3) continue;
    std::vector<std::size_t> local(n, 0);
    for (std::size_t a = 0; a < s.arms.size(); ++a) local[s.arms[a]] = a;
    const std::vector<double> unit(m, 1.0);
    const Fit fs = fit_network(s.arms.size(), edges, s.edges, unit, local);
    double worst = 0.0;
    for (std::size_t k = 0; k < s.edges.size(); ++k)
      worst = std::max(worst, std::fabs(edges[s.edges[k]].y - fs.nma[k]));
    if (worst > 0.001) {
      Diagnostic& d =
          diag.warning("nma-multiarm-inconsistent-effects", input.contrasts[edges[s.edges.front()].input].source,
                       "the effects of multi-arm study '" + s.label +
                           "' are not consistent (y_ac != y_ab + y_bc; largest residual " + std::to_string(worst) + ")",
                       "the contrasts of a multi-arm study must come from the same arms; netmeta refuses such data");
      d.study = s.label;
    }
  }

  // (5) common-effect model
  const std::vector<double> w_common = weights_for(0.0);
  const Fit fc = fit_network(n, edges, all_edges, w_common, identity);
  if (!fc.theta.allFinite()) {
    diag.error("nma-singular", {},
               "the network's weighted Laplacian cannot be inverted (a treatment is connected only through "
               "contrasts with zero weight)",
               "check the standard errors of the multi-arm studies");
    return res;
  }
  res.common = model_of(fc, options.level);
  res.Q = fc.Q;
  double df = 0.0;
  for (const ArmStudy& s : studies) df += static_cast<double>(s.arms.size() - 1);
  df -= static_cast<double>(n - 1);
  res.Q_df = df;
  res.Q_p = chisq_p(res.Q, df);

  // (6) generalised DerSimonian-Laird tau2: (Q - df) / tr((I - H) U W)
  if (df > 0.0) {
    double tr_uw = 0.0, tr_huw = 0.0;
    const Eigen::MatrixXd& Lp = fc.Lplus;
    for (const ArmStudy& s : studies) {
      for (const std::size_t k : s.edges) {
        tr_uw += w_common[k];
        for (const std::size_t l : s.edges) {
          const NetEdge& ek = edges[k];
          const NetEdge& el = edges[l];
          const auto a1 = ix(ek.t1), a2 = ix(ek.t2), b1 = ix(el.t1), b2 = ix(el.t2);
          const double g = Lp(a1, b1) - Lp(a1, b2) - Lp(a2, b1) + Lp(a2, b2);
          const double bb = (ek.t1 == el.t1 ? 1.0 : 0.0) - (ek.t1 == el.t2 ? 1.0 : 0.0) - (ek.t2 == el.t1 ? 1.0 : 0.0) +
                            (ek.t2 == el.t2 ? 1.0 : 0.0);
          tr_huw += g * w_common[l] * (bb / 2.0) * w_common[k];
        }
      }
    }
    res.tau2 = std::max(0.0, (res.Q - df) / (tr_uw - tr_huw));
    res.tau = std::sqrt(res.tau2);
    const HeterogeneityCI ci = i2_test_based_ci(res.Q, df + 1.0, options.level);
    res.I2 = ci.I2;
    res.I2_lower = ci.I2_lower;
    res.I2_upper = ci.I2_upper;
  } else {
    res.tau2 = res.tau = kNaN;
    res.I2 = res.I2_lower = res.I2_upper = kNaN;
    res.Q_p = kNaN;
    diag.note("nma-df-zero", {},
              "the network has no degrees of freedom for heterogeneity (df = 0): tau2, I2 and the Q test are not "
              "available; the random-effects model uses tau2 = 0",
              "as netmeta");
  }

  // (7) random-effects model (tau2 by REML when asked; Q, I2 stay those of the common-effect fit)
  if (options.tau2_method == Tau2Method::REML) {
    const RemlFit rf = reml_tau2(n, edges, studies, tindex.at(reference), std::isfinite(res.tau2) ? res.tau2 : 0.0);
    if (!rf.converged) {
      diag.warning("nma-reml-not-converged", {},
                   "REML estimation of tau2 did not converge in " + std::to_string(rf.iterations) +
                       " iterations; the last value is used",
                   "try tau2 method DL");
    }
    res.tau2 = rf.tau2;
    res.tau = std::sqrt(rf.tau2);
  }
  const double tau2_used = std::isfinite(res.tau2) ? res.tau2 : 0.0;
  const std::vector<double> w_random = weights_for(tau2_used);
  const Fit fr = fit_network(n, edges, all_edges, w_random, identity);
  res.random = model_of(fr, options.level);
  {
    const Index k = static_cast<Index>(n);
    NmaPrediction& pr = res.prediction;
    pr.df = df;
    pr.seTE.resize(k, k);
    pr.lower.resize(k, k);
    pr.upper.resize(k, k);
    const double t = df > 0.0 ? stats::t_upper_quantile((1.0 - options.level) / 2.0, df) : kNaN;
    for (Index i = 0; i < k; ++i)
      for (Index j = 0; j < k; ++j) {
        const double se = std::sqrt(res.random.seTE(i, j) * res.random.seTE(i, j) + tau2_used);
        pr.seTE(i, j) = se;
        pr.lower(i, j) = i == j ? 0.0 : res.random.TE(i, j) - t * se;
        pr.upper(i, j) = i == j ? 0.0 : res.random.TE(i, j) + t * se;
      }
  }

  // (8) design-based decomposition of Q (netmeta decomp.design, computed when d > 1)
  if (res.designs > 1) {
    double q_within = 0.0, df_within = 0.0;
    for (const auto& [name, members] : design_studies) {
      if (members.size() < 2) continue;
      std::vector<std::size_t> sel;
      for (const std::size_t s : members) sel.insert(sel.end(), studies[s].edges.begin(), studies[s].edges.end());
      const std::vector<std::size_t>& arms = studies[members.front()].arms;
      std::vector<std::size_t> local(n, 0);
      for (std::size_t a = 0; a < arms.size(); ++a) local[arms[a]] = a;
      const Fit fd = fit_network(arms.size(), edges, sel, w_common, local);
      q_within += fd.Q;
      df_within += static_cast<double>((members.size() - 1) * (arms.size() - 1));
    }
    res.Q_heterogeneity = q_within;
    res.Q_heterogeneity_df = df_within;
    res.Q_heterogeneity_p = chisq_p(q_within, df_within);
    res.Q_inconsistency = res.Q - q_within;
    res.Q_inconsistency_df = df - df_within;
    res.Q_inconsistency_p = chisq_p(res.Q_inconsistency, res.Q_inconsistency_df);
  } else {
    res.Q_heterogeneity = res.Q_heterogeneity_df = res.Q_heterogeneity_p = kNaN;
    res.Q_inconsistency = res.Q_inconsistency_df = res.Q_inconsistency_p = kNaN;
    diag.note("nma-single-design", {},
              "all studies share one design: Q is not split into within- and between-design parts", "as netmeta");
  }

  // (9) comparisons data, input order
  res.comparisons_data.reserve(m);
  for (std::size_t e = 0; e < m; ++e) {
    const NetEdge& ed = edges[e];
    const NmaContrast& c = input.contrasts[ed.input];
    NmaComparison cd;
    cd.study = c.study;
    cd.treat1 = res.treatments[ed.t1];
    cd.treat2 = res.treatments[ed.t2];
    cd.te = ed.y;
    cd.se = c.se;
    cd.flipped = ed.flipped;
    cd.arms = studies[ed.study].arms.size();
    cd.design = design_of[ed.study];
    cd.w_common = w_common[e];
    cd.w_random = w_random[e];
    cd.se_adj_common = w_common[e] > 0.0 ? 1.0 / std::sqrt(w_common[e]) : (w_common[e] == 0.0 ? kInf : kNaN);
    cd.se_adj_random = w_random[e] > 0.0 ? 1.0 / std::sqrt(w_random[e]) : (w_random[e] == 0.0 ? kInf : kNaN);
    cd.te_nma_common = fc.nma[e];
    cd.se_nma_common = std::sqrt(std::max(0.0, fc.nma_var[e]));
    cd.leverage_common = cd.arms > 2 ? kNaN : w_common[e] * fc.nma_var[e];
    const double r = ed.y - fc.nma[e];
    cd.Q_common = w_common[e] * r * r;
    cd.te_nma_random = fr.nma[e];
    cd.se_nma_random = std::sqrt(std::max(0.0, fr.nma_var[e]));
    res.comparisons_data.push_back(std::move(cd));
  }
  return res;
}

namespace {

nlohmann::json matrix_json(const Eigen::MatrixXd& M) {
  return json_matrix_rows(M);
}

nlohmann::json model_json(const NmaModel& m) {
  return {{"TE", matrix_json(m.TE)},       {"seTE", matrix_json(m.seTE)},           {"lower", matrix_json(m.lower)},
          {"upper", matrix_json(m.upper)}, {"statistic", matrix_json(m.statistic)}, {"pval", matrix_json(m.p_value)}};
}

nlohmann::json part_json(double q, double df, double p) {
  return {{"Q", json_number(q)}, {"df", json_number(df)}, {"p_value", json_number(p)}};
}

}  // namespace

nlohmann::json to_json(const NmaResult& r) {
  nlohmann::json j;
  j["treatments"] = r.treatments;
  j["reference"] = r.reference;
  j["studies"] = r.studies;
  j["comparisons"] = r.comparisons;
  j["designs"] = r.design_names;
  j["tau2_method"] = to_string(r.tau2_method);
  j["level"] = r.level;
  j["common"] = model_json(r.common);
  j["random"] = model_json(r.random);
  j["predict"] = {{"seTE", json_matrix_rows(r.prediction.seTE)},
                  {"lower", json_matrix_rows(r.prediction.lower)},
                  {"upper", json_matrix_rows(r.prediction.upper)},
                  {"df", r.prediction.df}};
  j["tau2"] = json_number(r.tau2);
  j["tau"] = json_number(r.tau);
  j["I2"] = json_number(r.I2);
  j["I2_lower"] = json_number(r.I2_lower);
  j["I2_upper"] = json_number(r.I2_upper);
  j["Q"] = json_number(r.Q);
  j["Q_df"] = json_number(r.Q_df);
  j["Q_p_value"] = json_number(r.Q_p);
  j["Q_heterogeneity"] = part_json(r.Q_heterogeneity, r.Q_heterogeneity_df, r.Q_heterogeneity_p);
  j["Q_inconsistency"] = part_json(r.Q_inconsistency, r.Q_inconsistency_df, r.Q_inconsistency_p);
  nlohmann::json cd = nlohmann::json::array();
  for (const NmaComparison& c : r.comparisons_data)
    cd.push_back({{"study", c.study},
                  {"treat1", c.treat1},
                  {"treat2", c.treat2},
                  {"TE", json_number(c.te)},
                  {"seTE", json_number(c.se)},
                  {"seTE_adj_common", json_number(c.se_adj_common)},
                  {"seTE_adj_random", json_number(c.se_adj_random)},
                  {"design", c.design},
                  {"TE_nma_common", json_number(c.te_nma_common)},
                  {"seTE_nma_common", json_number(c.se_nma_common)},
                  {"leverage_common", json_number(c.leverage_common)},
                  {"w_common", json_number(c.w_common)},
                  {"Q_common", json_number(c.Q_common)},
                  {"TE_nma_random", json_number(c.te_nma_random)},
                  {"seTE_nma_random", json_number(c.se_nma_random)},
                  {"w_random", json_number(c.w_random)},
                  {"flipped", c.flipped}});
  j["comparisons_data"] = std::move(cd);
  nlohmann::json sn = nlohmann::json::array();
  for (const NmaSubnetwork& s : r.subnetworks)
    sn.push_back({{"treatments", s.treatments}, {"studies", s.studies}, {"analysed", s.analysed}});
  j["subnetworks"] = std::move(sn);
  nlohmann::json ex = nlohmann::json::array();
  for (const NmaExclusion& e : r.excluded)
    ex.push_back({{"study", e.study}, {"treat1", e.treat1}, {"treat2", e.treat2}, {"reason", e.reason}});
  j["excluded"] = std::move(ex);
  j["diagnostics"] = to_json(r.diagnostics);
  return j;
}

}  // namespace evident
