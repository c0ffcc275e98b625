// evident: numbers in result JSON. JSON has no NaN or infinity: a non-finite value (or an empty
// optional) is written as null, which every front-end reads as "not available".
#pragma once

#include <cmath>
#include <optional>

#include <nlohmann/json.hpp>

namespace evident {

inline nlohmann::json json_number(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

inline nlohmann::json json_number(const std::optional<double>& v) {
  return v ? json_number(*v) : nlohmann::json(nullptr);
}

}  // namespace evident
