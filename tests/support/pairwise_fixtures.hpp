// Fixtures shared by the pairwise meta-analysis tests: the metafor reference files and their data.
#pragma once

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "evident/pairwise/meta_analysis.hpp"
#include "evident/pairwise/sensitivity.hpp"
#include "evident_test.hpp"

namespace evident::test {

/// tests/reference/pairwise_*.json files that have study data (`data`) and, when given, `key`; sorted.
inline std::vector<std::string> pairwise_reference_files(const char* key = nullptr) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(reference_path(""))) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("pairwise_", 0) != 0 || entry.path().extension() != ".json") continue;
    const nlohmann::json ref = load_reference(name);
    if (!ref.contains("data") || (key != nullptr && !ref.contains(key))) continue;
    names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

/// The rows metafor used (`data.used`): labels, yi, vi.
inline MetaInput meta_input_of(const nlohmann::json& ref) {
  const nlohmann::json& d = ref.at("data");
  MetaInput in;
  for (std::size_t i = 0; i < d.at("yi").size(); ++i) {
    if (!d.at("used").at(i).get<bool>()) continue;
    in.study.push_back(d.at("slab").at(i).get<std::string>());
    in.yi.push_back(ref_number(d.at("yi").at(i)));
    in.vi.push_back(ref_number(d.at("vi").at(i)));
  }
  return in;
}

/// Fit options for a metafor method name: "EE" is the common-effect model, others a tau2 estimator.
inline FitOptions fit_for(const std::string& method) {
  FitOptions f;
  if (method == "EE") {
    f.common_effect = true;
  } else {
    f.meta.tau2_method = *parse_tau2_method(method);
  }
  return f;
}

}  // namespace evident::test
