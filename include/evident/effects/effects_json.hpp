// evident: JSON form of effect sizes, shared by every front-end (CLI --json, HTTP API).
//
// Field names follow netmeta::pairwise(): a contrast is
//   {"study", "study_index", "treat1", "treat2", "TE", "seTE",
//    "n1", "n2", "event1", "event2", "mean1", "mean2", "sd1", "sd2", "time1", "time2",  (those given)
//    "incr1", "incr2", "notes": [...], "source": {"file", "line", "column"}}
// and an effect set is
//   {"outcome", "measure", "scale": "log" | "identity", "options": {...}, "contrasts": [...],
//    "excluded": [{"outcome", "study", "treatment", "reason", "file", "line", "column"}],
//    "diagnostics": [...]}   (diagnostics as evident/core/diagnostic_json.hpp)
// TE and seTE are always finite numbers (compute_effects() leaves out what it cannot compute).
#pragma once

#include <nlohmann/json.hpp>

#include "evident/effects/effect_size.hpp"

namespace evident {

/// {"measure", "continuity_correction": {"value", "where", "method", "convention"},
///  "include_all_zero", "smd_correction", "smd_multiarm_pooled"}
nlohmann::json to_json(const EffectOptions& options);
nlohmann::json to_json(const EffectContrast& contrast);
nlohmann::json to_json(const EffectSet& set);

}  // namespace evident
