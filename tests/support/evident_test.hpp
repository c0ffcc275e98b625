// Test helpers: reference-value loading and tolerance-aware comparison.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace evident::test {

inline std::string reference_path(const std::string& name) {
  return std::string(EVIDENT_TEST_REFERENCE_DIR) + "/" + name;
}
inline std::string data_path(const std::string& name) {
  return std::string(EVIDENT_TEST_DATA_DIR) + "/" + name;
}

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline nlohmann::json load_reference(const std::string& name) {
  const std::string text = slurp(reference_path(name));
  return nlohmann::json::parse(text);
}

/// A reference number: JSON number or one of the strings "NA", "NaN", "Inf", "-Inf".
inline double ref_number(const nlohmann::json& v) {
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    const auto s = v.get<std::string>();
    if (s == "Inf") return std::numeric_limits<double>::infinity();
    if (s == "-Inf") return -std::numeric_limits<double>::infinity();
  }
  return std::numeric_limits<double>::quiet_NaN();
}

/// Relative error, falling back to absolute error when |expected| < 1 (so values near zero are
/// compared absolutely).
inline double rel_error(double expected, double got) {
  if (std::isnan(expected) && std::isnan(got)) return 0.0;
  if (std::isinf(expected) || std::isinf(got)) return expected == got ? 0.0 : std::numeric_limits<double>::infinity();
  const double denom = std::max(1.0, std::fabs(expected));
  return std::fabs(expected - got) / denom;
}

inline ::testing::AssertionResult close_rel(const char* expected_expr, const char* got_expr, const char* /*tol_expr*/,
                                            double expected, double got, double tol) {
  const double err = rel_error(expected, got);
  if (err <= tol) return ::testing::AssertionSuccess();
  std::ostringstream ss;
  ss.precision(17);
  ss << got_expr << " differs from " << expected_expr << ": expected " << expected << ", got " << got
     << ", relative error " << err << " > tolerance " << tol;
  return ::testing::AssertionFailure() << ss.str();
}

}  // namespace evident::test

/// EXPECT_REL(expected, got, tol): relative error (absolute below 1) within tol.
#define EXPECT_REL(expected, got, tol) EXPECT_PRED_FORMAT3(::evident::test::close_rel, expected, got, tol)
#define ASSERT_REL(expected, got, tol) ASSERT_PRED_FORMAT3(::evident::test::close_rel, expected, got, tol)
