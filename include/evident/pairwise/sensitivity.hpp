// evident: sensitivity analyses of a pairwise meta-analysis: leave-one-out and cumulative.
//
// Both refit the model of meta_analysis() (evident/pairwise/meta_analysis.hpp) on subsets of the
// studies and report, per subset, the pooled estimate with its test and CI, tau2, I2, H2 and
// Cochran's Q, as metafor 3.8-1 leave1out() and cumul() do for rma.uni models:
//   - leave-one-out (e.g. Viechtbauer & Cheung 2010, doi:10.1002/jrsm.11, section 3.2): the model
//     fitted k times, each time without one study;
//   - cumulative meta-analysis (Lau et al. 1992, N Engl J Med 327:248-254,
//     doi:10.1056/NEJM199207233270406): the model fitted to the first 1, 2, ..., k studies of a
//     given order.
// For the common-effect model (FitOptions::common_effect, metafor method = "EE") tau2 = 0,
// I2 = 100 max(0, (Q - df)/Q) and H2 = Q/df (Higgins & Thompson 2002, doi:10.1002/sim.1186); for
// random effects tau2, I2 = 100 tau2/(tau2 + s2) and H2 = 1 + tau2/s2 as in RandomEffects.
//
// Checked against metafor 3.8-1 leave1out() (EE, DL, REML) on every tests/reference/pairwise_*.json
// dataset with study-level data to 1e-10 relative (absolute below 1), and against cumul() (REML, studies
// ordered by vi; tests/reference/small_study_extra.json) to the same tolerance
// (tests/unit/pairwise/sensitivity_test.cpp). Where metafor gives NA because rma() stopped (Fisher
// scoring did not converge), evident reports the last iterate with converged = false and a warning.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "evident/core/diagnostic.hpp"
#include "evident/pairwise/meta_analysis.hpp"

namespace evident {

/// Which pooled model a sensitivity or small-study method (re)fits.
struct FitOptions {
  /// true: the inverse-variance common-effect model (metafor method = "EE"); false: random effects
  /// with meta.tau2_method (and meta.hartung_knapp, if set).
  bool common_effect = false;
  MetaOptions meta;
};

/// The pooled estimate and heterogeneity of one model, as fields of the chosen model.
struct FitSummary {
  std::size_t k = 0;
  PooledEstimate pooled;
  double tau2 = 0.0;
  double I2 = 0.0;  ///< percent
  double H2 = 1.0;
  double Q = 0.0;  ///< Cochran's Q (inverse-variance weights)
  double Q_df = 0.0;
  double Q_p = 1.0;
  bool converged = true;
};

/// The summary of the chosen model in a fitted MetaResult.
FitSummary summarize_fit(const MetaResult& fit, bool common_effect);

struct SensitivityStep {
  /// Leave-one-out: the omitted study; cumulative: the study added at this step.
  std::string study;
  std::size_t index = 0;  ///< its position in the input
  FitSummary fit;
  Diagnostics diagnostics;  ///< warnings of this refit (e.g. k = 1, no convergence)
};

struct LeaveOneOutResult {
  FitOptions options;
  std::vector<SensitivityStep> steps;  ///< one per study, in input order
  Diagnostics diagnostics;
  [[nodiscard]] bool ok() const { return !diagnostics.has_errors(); }
};

/// Leave-one-out analysis (metafor leave1out()): step i is the model without study i. Needs valid
/// input (as meta_analysis()) with k >= 2; otherwise an error diagnostic and no steps.
LeaveOneOutResult leave_one_out(const MetaInput& input, const FitOptions& options = {});

struct CumulativeResult {
  FitOptions options;
  std::vector<std::size_t> order;      ///< input positions in the order the studies were added
  std::vector<SensitivityStep> steps;  ///< step j pools order[0..j]
  Diagnostics diagnostics;
  [[nodiscard]] bool ok() const { return !diagnostics.has_errors(); }
};

/// Cumulative meta-analysis (metafor cumul()) adding the studies in `order` (a permutation of
/// 0..k-1; empty = input order). A non-permutation or invalid input gives an error and no steps.
CumulativeResult cumulative_meta_analysis(const MetaInput& input, const std::vector<std::size_t>& order = {},
                                          const FitOptions& options = {});

}  // namespace evident
