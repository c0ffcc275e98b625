// Helpers shared by the benchmarks.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace evident_bench {

/// The bytes of a file in tests/data.
inline std::string slurp(const std::string& name) {
  std::ifstream in(std::string(EVIDENT_TEST_DATA_DIR) + "/" + name, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace evident_bench
