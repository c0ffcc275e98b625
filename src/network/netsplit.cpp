// evident: direct and indirect evidence in network meta-analysis (netmeta netsplit parity). See
// netsplit.hpp for the formulas and references.
#include "evident/network/netsplit.hpp"

#include "network_internal.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
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

/// netmeta sets the direct estimate to 0 (|p| < sqrt(eps)) and the proportion to NA (|p - 1| <
/// sqrt(eps)) before the back-calculation.
const double kSqrtEps = std::sqrt(std::numeric_limits<double>::epsilon());

struct Pair {
  std::size_t a = 0, b = 0;  // row treatment indices: a versus b
};

/// netmeta's comparison order: pairs i < j, turned when the first is the reference.
std::vector<Pair> comparison_pairs(const NmaResult& nma) {
  const std::size_t n = nma.treatments.size();
  const std::size_t ref = nma.treatment_index(nma.reference);
  std::vector<Pair> pairs;
  pairs.reserve(n * (n - 1) / 2);
  for (std::size_t i = 0; i + 1 < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) pairs.push_back(i == ref ? Pair{j, i} : Pair{i, j});
  return pairs;
}

/// Indirect estimates by SIDDE for the model `random` (false: common): k x k, NaN where unavailable.
void sidde_indirect(const NmaResult& nma, const DirectEstimates& dir, Eigen::MatrixXd& te_c, Eigen::MatrixXd& se_c,
                    Eigen::MatrixXd& te_r, Eigen::MatrixXd& se_r) {
  const Index n = ix(nma.treatments.size());
  te_c = se_c = te_r = se_r = Eigen::MatrixXd::Constant(n, n, kNaN);
  NmaOptions options;
  options.tau2_method = nma.tau2_method;
  options.level = nma.level;
  for (Index i = 0; i + 1 < n; ++i)
    for (Index j = i + 1; j < n; ++j) {
      if (dir.k(i, j) == 0) continue;
      const std::string& ti = nma.treatments[static_cast<std::size_t>(i)];
      const std::string& tj = nma.treatments[static_cast<std::size_t>(j)];
      std::vector<std::string> dropped;
      for (const NmaComparison& c : nma.comparisons_data)
        if ((c.treat1 == ti && c.treat2 == tj) || (c.treat1 == tj && c.treat2 == ti)) dropped.push_back(c.study);
      NmaInput in;
      for (const NmaComparison& c : nma.comparisons_data) {
        bool drop = false;
        for (const std::string& s : dropped) drop = drop || s == c.study;
        if (!drop) in.contrasts.push_back(NmaContrast{c.study, c.treat1, c.treat2, c.te, c.se, {}});
      }
      if (in.contrasts.empty()) continue;
      const NmaResult sub = network_meta_analysis(in, options);
      // netmeta: only when what is left is one connected network holding both treatments
      if (!sub.ok() || sub.subnetworks.size() != 1) continue;
      const std::size_t a = sub.treatment_index(ti), b = sub.treatment_index(tj);
      if (a == NmaResult::npos || b == NmaResult::npos) continue;
      const Index ia = ix(a), ib = ix(b);
      te_c(i, j) = sub.common.TE(ia, ib);
      te_c(j, i) = sub.common.TE(ib, ia);
      se_c(i, j) = se_c(j, i) = sub.common.seTE(ia, ib);
      te_r(i, j) = sub.random.TE(ia, ib);
      te_r(j, i) = sub.random.TE(ib, ia);
      se_r(i, j) = se_r(j, i) = sub.random.seTE(ia, ib);
    }
}

NetsplitModel split_model(const NmaResult& nma, const NmaModel& model, const DirectEstimates& dir,
                          const Eigen::MatrixXd* sidde_te, const Eigen::MatrixXd* sidde_se, double tol_direct,
                          Diagnostics& diag, const char* label) {
  NetsplitModel out;
  out.direct = dir;
  bool warned = false;
  for (const Pair& pr : comparison_pairs(nma)) {
    const Index a = ix(pr.a), b = ix(pr.b);
    NetsplitRow r;
    r.treat1 = nma.treatments[pr.a];
    r.treat2 = nma.treatments[pr.b];
    r.comparison = r.treat1 + ":" + r.treat2;
    r.k = static_cast<std::size_t>(dir.k(a, b));
    r.nma = model.TE(a, b);
    r.nma_se = model.seTE(a, b);
    const double var_nma = r.nma_se * r.nma_se;
    const double p = r.k > 0 ? var_nma / (dir.seTE(a, b) * dir.seTE(a, b)) : 0.0;
    r.direct_proportion = p;
    if (p > 1.0 + kSqrtEps && !warned) {
      warned = true;
      diag.warning("netsplit-proportion-above-one", {},
                   std::string("in the ") + label + " model the network estimate of " + r.comparison +
                       " is less precise than its direct estimate (direct evidence proportion " + std::to_string(p) +
                       "): its back-calculated indirect estimate is not available",
                   "this happens with multi-arm studies, whose direct estimates use the unadjusted standard errors");
    }

    // direct (missing when |p| < tol_direct, as netmeta netsplit)
    if (r.k > 0 && std::fabs(p) >= tol_direct) {
      r.direct = dir.TE(a, b);
      r.direct_se = dir.seTE(a, b);
    } else {
      r.direct = r.direct_se = kNaN;
    }

    // indirect
    if (r.k == 0) {
      r.indirect = r.nma;
      r.indirect_se = r.nma_se;
    } else if (sidde_te != nullptr) {  // SIDDE: the refit without the comparison's studies
      r.indirect = (*sidde_te)(a, b);
      r.indirect_se = (*sidde_se)(a, b);
    } else if (std::fabs(p - 1.0) < std::max(tol_direct, kSqrtEps)) {
      r.indirect = r.indirect_se = kNaN;
    } else {
      const double te_dir = std::fabs(p) < kSqrtEps ? 0.0 : dir.TE(a, b);
      r.indirect = (r.nma - p * te_dir) / (1.0 - p);
      r.indirect_se = std::sqrt(var_nma / (1.0 - p));
    }

    // difference (direct - indirect)
    if (std::isfinite(r.direct) && std::isfinite(r.indirect) && std::isfinite(r.indirect_se)) {
      r.difference = r.direct - r.indirect;
      r.difference_se = std::sqrt(r.direct_se * r.direct_se + r.indirect_se * r.indirect_se);
      r.z = r.difference / r.difference_se;
      r.p_value = stats::normal_two_sided_p(r.z);
    } else {
      r.difference = r.difference_se = r.z = r.p_value = kNaN;
    }
    out.rows.push_back(std::move(r));
  }
  return out;
}

nlohmann::json model_json(const NetsplitModel& m) {
  nlohmann::json rows = nlohmann::json::array();
  for (const NetsplitRow& r : m.rows)
    rows.push_back({{"comparison", r.comparison},
                    {"treat1", r.treat1},
                    {"treat2", r.treat2},
                    {"k", r.k},
                    {"nma", json_number(r.nma)},
                    {"nma_se", json_number(r.nma_se)},
                    {"direct", json_number(r.direct)},
                    {"direct_se", json_number(r.direct_se)},
                    {"indirect", json_number(r.indirect)},
                    {"indirect_se", json_number(r.indirect_se)},
                    {"difference", json_number(r.difference)},
                    {"difference_se", json_number(r.difference_se)},
                    {"z", json_number(r.z)},
                    {"p_value", json_number(r.p_value)},
                    {"direct_proportion", json_number(r.direct_proportion)}});
  return {
      {"rows", rows}, {"direct_TE", json_matrix_rows(m.direct.TE)}, {"direct_seTE", json_matrix_rows(m.direct.seTE)}};
}

}  // namespace

const char* to_string(NetsplitMethod method) {
  switch (method) {
    case NetsplitMethod::back_calculation:
      return "back-calculation";
    case NetsplitMethod::sidde:
      return "SIDDE";
  }
  return "?";
}

DirectEstimates direct_estimates(const NmaResult& nma, double tau2) {
  const std::size_t n = nma.treatments.size();
  const Index k = ix(n);
  Eigen::MatrixXd sw = Eigen::MatrixXd::Zero(k, k), swy = Eigen::MatrixXd::Zero(k, k);
  DirectEstimates d;
  d.k = Eigen::MatrixXi::Zero(k, k);
  const double t2 = std::isfinite(tau2) ? tau2 : 0.0;
  for (const NmaComparison& c : nma.comparisons_data) {
    const std::size_t a = nma.treatment_index(c.treat1), b = nma.treatment_index(c.treat2);
    if (a == NmaResult::npos || b == NmaResult::npos) continue;
    const Index ia = ix(a), ib = ix(b);
    const double w = 1.0 / (c.se * c.se + t2);
    sw(ia, ib) += w;
    sw(ib, ia) += w;
    swy(ia, ib) += w * c.te;
    swy(ib, ia) -= w * c.te;
    ++d.k(ia, ib);
    ++d.k(ib, ia);
  }
  d.TE = d.seTE = Eigen::MatrixXd::Constant(k, k, kNaN);
  for (Index i = 0; i < k; ++i)
    for (Index j = 0; j < k; ++j)
      if (d.k(i, j) > 0) {
        d.TE(i, j) = swy(i, j) / sw(i, j);
        d.seTE(i, j) = 1.0 / std::sqrt(sw(i, j));
      }
  return d;
}

NetsplitResult netsplit(const NmaResult& nma, NetsplitMethod method) {
  NetsplitOptions o;
  o.method = method;
  return netsplit(nma, o);
}

NetsplitResult netsplit(const NmaResult& nma, const NetsplitOptions& options) {
  NetsplitResult res;
  res.method = options.method;
  res.treatments = nma.treatments;
  res.reference = nma.reference;
  if (!nma.ok() || nma.treatments.size() < 2) {
    res.diagnostics.error("netsplit-no-network", {}, "there is no analysed network to split",
                          "fix the errors of the network meta-analysis first");
    return res;
  }
  if (!(options.tol_direct >= 0.0 && options.tol_direct < 0.5)) {
    res.diagnostics.error("netsplit-invalid-tolerance", {},
                          "tol_direct must be in [0, 0.5), got " + std::to_string(options.tol_direct));
    return res;
  }
  res.tau2 = std::isfinite(nma.tau2) ? nma.tau2 : 0.0;
  const DirectEstimates dc = direct_estimates(nma, 0.0);
  const DirectEstimates dr = direct_estimates(nma, res.tau2);
  if (options.method == NetsplitMethod::sidde) {
    Eigen::MatrixXd te_c, se_c, te_r, se_r;
    sidde_indirect(nma, dc, te_c, se_c, te_r, se_r);
    res.common = split_model(nma, nma.common, dc, &te_c, &se_c, options.tol_direct, res.diagnostics, "common");
    res.random = split_model(nma, nma.random, dr, &te_r, &se_r, options.tol_direct, res.diagnostics, "random");
  } else {
    res.common = split_model(nma, nma.common, dc, nullptr, nullptr, options.tol_direct, res.diagnostics, "common");
    res.random = split_model(nma, nma.random, dr, nullptr, nullptr, options.tol_direct, res.diagnostics, "random");
  }
  return res;
}

nlohmann::json to_json(const NetsplitResult& r) {
  nlohmann::json j;
  j["method"] = to_string(r.method);
  j["treatments"] = r.treatments;
  j["reference"] = r.reference;
  j["tau2"] = json_number(r.tau2);
  j["common"] = model_json(r.common);
  j["random"] = model_json(r.random);
  j["diagnostics"] = to_json(r.diagnostics);
  return j;
}

}  // namespace evident
