// evident: JSON of the pairwise sensitivity, small-study and subgroup results (the meta-analysis
// itself is in meta_analysis_json.hpp, Mantel-Haenszel/Peto in mantel_haenszel_json.hpp).
//
// Keys are snake_case and name the struct fields of the headers sensitivity.hpp, small_study.hpp and
// subgroup.hpp; non-finite numbers are null; every object with diagnostics carries "warnings" (the
// diagnostics array as in diagnostic_json.hpp). Estimates are on the analysis scale (log for ratios).
//   fit summary:    {k, estimate, se, statistic, df, p_value, ci_lower, ci_upper, tau2, I2, H2, Q, Q_df,
//                    Q_p_value, converged}
//   leave_one_out:  {model, steps: [{study, index, <fit summary>, warnings}], warnings}
//   cumulative:     {model, order: [...], steps: [...], warnings}
//   egger:          {model, k, slope, slope_se, statistic, df, p_value, limit_estimate, limit_se,
//                    limit_ci_lower, limit_ci_upper, tau2, warnings}
//   begg:           {k, tau, exact, statistic, p_value, warnings}
//   trimfill:       {estimator, side, k0, se_k0, p_k0, filled: [{yi, vi}], adjusted: <fit summary>, warnings}
//   subgroups:      {k, subgroups: [{name, k, studies, result: <meta_analysis JSON>, common_tau2_estimate}],
//                    test_common {Q, df, p_value}, Q_within, test_random_separate_tau2, common_tau2 {...},
//                    warnings}
//   heterogeneity_ci (test-based I2/H): {defined, H, H_lower, H_upper, I2, I2_lower, I2_upper}
#pragma once

#include <nlohmann/json.hpp>

#include "evident/pairwise/sensitivity.hpp"
#include "evident/pairwise/small_study.hpp"
#include "evident/pairwise/subgroup.hpp"

namespace evident {

nlohmann::json to_json(const FitSummary& fit);
nlohmann::json to_json(const LeaveOneOutResult& result);
nlohmann::json to_json(const CumulativeResult& result);
nlohmann::json to_json(const RegtestResult& result);
nlohmann::json to_json(const RanktestResult& result);
nlohmann::json to_json(const TrimfillResult& result);
nlohmann::json to_json(const SubgroupResult& result);
nlohmann::json to_json(const HeterogeneityCI& ci);
nlohmann::json to_json(const InteractionTest& test);

}  // namespace evident
