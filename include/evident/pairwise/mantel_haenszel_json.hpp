// evident: JSON form of Mantel-Haenszel and Peto meta-analyses, shared by every front-end.
//
// Layout (same field names as meta_analysis_json.hpp; non-finite numbers and absent values are null):
//   {"method": "MH" | "Peto", "measure": "OR" | "RR" | "RD", "k", "k_yi", "level",
//    "common": {"estimate", "se", "statistic", "df", "ci_lower", "ci_upper", "p_value"},
//    "Q", "Q_df", "Q_p_value", "I2_common", "H2_common", "H_common",
//    "cmh": {"statistic", "df", "p_value"} | null,          (MH OR only)
//    "breslow_day": {...} | null, "tarone": {...} | null,    (MH OR only)
//    "studies": [...],                                       (tables used)
//    "warnings": [diagnostics as evident/core/diagnostic_json.hpp]}
// The estimate is on the log scale for OR and RR (and for Peto, whose measure is "OR").
#pragma once

#include <nlohmann/json.hpp>

#include "evident/pairwise/mantel_haenszel.hpp"

namespace evident {

nlohmann::json to_json(const ChiSquareTest& test);
nlohmann::json to_json(const MantelHaenszelResult& result);
nlohmann::json to_json(const PetoResult& result);

}  // namespace evident
