// evident: JSON form of a pairwise meta-analysis, shared by every front-end (CLI --json, batch, HTTP).
//
// Layout (field names as evident issue #3 asks; non-finite numbers and absent values are null):
//   {"k", "method_tau2", "hartung_knapp", "level",
//    "common": {"estimate", "se", "statistic", "df", "ci_lower", "ci_upper", "p_value"},
//    "random": {same fields},
//    "tau2", "tau", "tau2_ci_lower", "tau2_ci_upper", "tau_ci_lower", "tau_ci_upper",
//    "I2", "I2_ci_lower", "I2_ci_upper", "H2", "H2_ci_lower", "H2_ci_upper", "H",
//    "I2_common", "H_common",
//    "Q", "Q_df", "Q_p_value",
//    "prediction": {"lower", "upper", "df", "method"},
//    "weights": [{"study", "common", "random"}],            (percent)
//    "iterations", "converged",
//    "warnings": [diagnostics as evident/core/diagnostic_json.hpp]}
// "I2", "H2" and "H" are the random-effects model's (metafor: I2 = 100 tau2/(tau2 + s2), H = sqrt(H2));
// "I2_common" and "H_common" are Higgins & Thompson's (Q - df)/Q and sqrt(Q/df).
#pragma once

#include <nlohmann/json.hpp>

#include "evident/pairwise/meta_analysis.hpp"

namespace evident {

nlohmann::json to_json(const PooledEstimate& estimate);
nlohmann::json to_json(const MetaResult& result);

}  // namespace evident
