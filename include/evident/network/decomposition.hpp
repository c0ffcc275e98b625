// evident: design-based decomposition of Cochran's Q in network meta-analysis (netmeta decomp.design
// parity).
//
// Method: Krahn, Binder & König 2013, "A graphical tool for locating inconsistency in network
// meta-analyses", BMC Med Res Methodol 13:35, doi:10.1186/1471-2288-13-35. A design d is the set of
// treatments of a study; each study s of d gives the vector y_s of its arms' effects against the
// design's baseline arm (the reference treatment when the design holds it, else its first treatment)
// with covariance V_s (V_s[i,i] = v(b,a_i), V_s[i,j] = (v(b,a_i) + v(b,a_j) - v(a_i,a_j)) / 2 from
// the contrasts' variances v = se^2).
//   Q per design (eq. 5): Q_d = sum_s (y_s - y_d)' V_s^-1 (y_s - y_d), y_d the GLS mean of the design,
//     df_d = (studies_d - 1)(p_d - 1);  Q_within = sum_d Q_d, Q_between = Q - Q_within (eq. 7-8).
//   Q after detaching design d (Sect. "Detaching"): the between-designs Q of the network without the
//     studies of d, df = sum_d' (p_d' - 1) - (n - 1) - (p_d - 1); only for designs whose removal leaves
//     all treatments connected (as netmeta, others are left out).
//   Full design-by-treatment interaction random-effects test (Higgins et al. 2012, Res Synth Methods
//     3:98-110, doi:10.1002/jrsm.1044; Jackson, White & Riley 2012, Stat Med 31:3805-3820,
//     doi:10.1002/sim.5453): tau2_within by the method of moments on the model with one parameter per
//     design and comparison, tau2 = max(0, (Q_within - df_within) / sum_d [sum_s tr(W_s M_s) -
//     tr((sum_s W_s)^-1 sum_s W_s M_s W_s)]), W_s = V_s^-1, M_s = 1 on the diagonal and 1/2 off it
//     (netmeta's tau.within()); then Q_between of the network with every contrast's variance
//     increased by tau2_within.
//
// Checked against R netmeta 3.4-0 decomp.design() on Senn2013 (MD), Linde2016 (OR) and Woods2010
// (OR): Q per design, Q after detaching (designs, Q, df, p), Q_between of the random-effects model
// and tau.within to 1e-10 relative (absolute below 1); see tests/unit/network/decomposition_test.cpp.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "evident/core/diagnostic.hpp"
#include "evident/network/nma.hpp"

namespace evident {

struct DesignQ {
  std::string design;  ///< baseline first, then the other treatments in sorted order (netmeta's label)
  double Q = 0.0, df = 0.0, p_value = 0.0;  ///< p NaN when df = 0
};

struct DesignDecomposition {
  NmaHeterogeneityPart total, within, between;  ///< netmeta Q.decomp (common-effect model)
  std::vector<DesignQ> within_by_design;        ///< netmeta Q.het.design: two-arm designs, then multi-arm
  std::vector<DesignQ> between_after_detach;    ///< netmeta Q.inc.detach (same order, detachable only)
  NmaHeterogeneityPart between_random;          ///< netmeta Q.inc.random
  double tau_within = 0.0;                      ///< sqrt(tau2_within)
  Diagnostics diagnostics;
  [[nodiscard]] bool ok() const { return !diagnostics.has_errors(); }
};

/// Design-based decomposition of the NMA's Q (which must be ok() and have more than one design).
DesignDecomposition decompose_designs(const NmaResult& nma);

/// JSON: Q_decomp {total, within, between: {Q, df, p_value}}, Q_het_design / Q_inc_detach (arrays of
/// {design, Q, df, p_value}), Q_inc_random {Q, df, p_value, tau_within}, diagnostics.
nlohmann::json to_json(const DesignDecomposition& result);

}  // namespace evident
