// evident: numbers in result JSON. JSON has no NaN or infinity: a non-finite value (or an empty
// optional) is written as null, which every front-end reads as "not available".
#pragma once

#include <cmath>
#include <optional>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

namespace evident {

inline nlohmann::json json_number(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

inline nlohmann::json json_number(const std::optional<double>& v) {
  return v ? json_number(*v) : nlohmann::json(nullptr);
}

/// A matrix as an array of rows, non-finite cells null.
inline nlohmann::json json_matrix_rows(const Eigen::MatrixXd& m) {
  nlohmann::json rows = nlohmann::json::array();
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    nlohmann::json row = nlohmann::json::array();
    for (Eigen::Index j = 0; j < m.cols(); ++j) row.push_back(json_number(m(i, j)));
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace evident
