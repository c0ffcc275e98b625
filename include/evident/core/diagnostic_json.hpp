// JSON form of diagnostics, shared by every front-end (CLI --json, HTTP API).
#pragma once

#include <nlohmann/json.hpp>

#include "evident/core/diagnostic.hpp"

namespace evident {

/// {"code", "severity", "file", "line", "column", "study", "field", "message", "hint", "text"}; "text" is the
/// compiler-style line.
nlohmann::json to_json(const Diagnostic& d);
nlohmann::json to_json(const Diagnostics& ds);

}  // namespace evident
