// evident: splitting network estimates into direct and indirect evidence (netmeta netsplit parity).
//
// Direct estimates (netmeta nma.ruecker(), TE.direct.common / TE.direct.random): for each pair of
// treatments with direct evidence, the inverse-variance pooled estimate of the study contrasts of
// that pair, with each contrast's ORIGINAL standard error (netmeta uses seTE, not the multi-arm
// adjusted one, for this step): common w = 1/se^2; random w = 1/(se^2 + tau2), tau2 that of the
// network (netmeta's tau.preset = tau). TE_dir = sum w y / sum w, se_dir = 1/sqrt(sum w).
//
// Direct evidence proportion (König, Krahn & Binder 2013, "Visualizing the flow of evidence in network
// meta-analysis and characterizing mixed treatment comparisons", Stat Med 32:5414-5429,
// doi:10.1002/sim.6001, Sect. 3.1; netmeta netmeasures()$proportion): p = Var(TE_nma) / Var(TE_dir),
// 0 without direct evidence.
//
// Back-calculation (SIDE; Dias, Welton, Caldwell & Ades 2010, "Checking consistency in mixed treatment
// comparison meta-analysis", Stat Med 29:932-944, doi:10.1002/sim.3767, eq. 6-7, with König et al.'s
// proportion; netmeta netsplit(method = "Back-calculation")):
//   TE_ind = (TE_nma - p TE_dir) / (1 - p),  se_ind^2 = se_nma^2 / (1 - p)
//          (= 1 / (1/se_nma^2 - 1/se_dir^2)),
//   difference = TE_dir - TE_ind, se_diff = sqrt(se_dir^2 + se_ind^2), z = difference / se_diff,
//   p-value two-sided normal.
// As netmeta: the direct estimate is missing when |p| < tol_direct (0.0005), the indirect estimate is
// missing when |p - 1| < tol_direct, and a comparison without studies (k = 0) has the network
// estimate as its indirect estimate.
//
// SIDDE (separate indirect from direct design evidence; Efthimiou, Rücker, Schwarzer, Higgins, Egger &
// Salanti 2019, "A Mantel-Haenszel model for network meta-analysis of rare events", Stat Med
// 38:2992-3012, doi:10.1002/sim.8158, Sect. 4; netmeta netsplit(method = "SIDDE")): the indirect
// estimate of a comparison with direct evidence is the network estimate after removing every study
// (all arms of a multi-arm study) that compares the two treatments; missing when what is left does
// not connect them. The refits use the NMA's tau2 method (netmeta always refits with its default,
// DerSimonian-Laird; both agree for DL).
//
// Comparisons (rows) follow netmeta: all pairs i < j of NmaResult::treatments, named "t_i:t_j", and
// turned to "t_j:t_i" when t_i is the reference treatment (netmeta's baseline.reference = TRUE); the
// row's estimates are of its first treatment versus its second.
//
// Checked against R netmeta 3.4-0 netsplit() (both methods, common and random) on Senn2013 (MD),
// Linde2016 (OR) and Woods2010 (OR): every estimate, SE, z, p and proportion to 1e-10 relative
// (absolute below 1); see tests/unit/network/netsplit_test.cpp.
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "evident/core/diagnostic.hpp"
#include "evident/network/nma.hpp"

namespace evident {

enum class NetsplitMethod { back_calculation, sidde };

const char* to_string(NetsplitMethod method);

/// Direct (pairwise) estimates over NmaResult::treatments: [i, j] is treatment i versus j, NaN where
/// the two treatments were not compared in any study (netmeta TE.direct.*, seTE.direct.*).
struct DirectEstimates {
  Eigen::MatrixXd TE, seTE;
  Eigen::MatrixXi k;  ///< number of studies comparing i and j (netmeta A.matrix)
};

/// Direct estimates of the network's common-effect (tau2 = 0) or random-effects (tau2 = `tau2`)
/// model; netmeta's nma.ruecker() direct step.
DirectEstimates direct_estimates(const NmaResult& nma, double tau2);

struct NetsplitRow {
  std::string comparison;      ///< "treat1:treat2"
  std::string treat1, treat2;  ///< the row's estimates are treat1 versus treat2
  std::size_t k = 0;           ///< studies with direct evidence
  double nma = 0.0, nma_se = 0.0;
  double direct = 0.0, direct_se = 0.0;                                  ///< NaN without direct evidence
  double indirect = 0.0, indirect_se = 0.0;                              ///< NaN when only direct evidence exists
  double difference = 0.0, difference_se = 0.0, z = 0.0, p_value = 0.0;  ///< NaN unless both exist
  double direct_proportion = 0.0;
};

struct NetsplitModel {
  std::vector<NetsplitRow> rows;
  DirectEstimates direct;  ///< k x k, for league tables (netmeta netleague)
};

struct NetsplitOptions {
  NetsplitMethod method = NetsplitMethod::back_calculation;
  double tol_direct = 0.0005;  ///< netmeta's tol.direct
};

struct NetsplitResult {
  NetsplitMethod method = NetsplitMethod::back_calculation;
  std::vector<std::string> treatments;
  std::string reference;
  double tau2 = 0.0;  ///< of the network, used for the random-effects direct estimates
  NetsplitModel common, random;
  Diagnostics diagnostics;
  [[nodiscard]] bool ok() const { return !diagnostics.has_errors(); }
};

/// Direct and indirect evidence of every comparison of an NMA (which must be ok()).
/// SIDDE refits the network from nma.comparisons_data, so the input is not needed.
NetsplitResult netsplit(const NmaResult& nma, NetsplitMethod method = NetsplitMethod::back_calculation);
NetsplitResult netsplit(const NmaResult& nma, const NetsplitOptions& options);

/// JSON: method, treatments, reference, tau2, and per model ("common", "random") "rows": one object
/// per comparison {comparison, treat1, treat2, k, nma, nma_se, direct, direct_se, indirect,
/// indirect_se, difference, difference_se, z, p_value, direct_proportion} (NaN as null), plus
/// direct_TE / direct_seTE (k x k); diagnostics.
nlohmann::json to_json(const NetsplitResult& result);

}  // namespace evident
