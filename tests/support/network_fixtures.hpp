// Fixtures shared by the network meta-analysis tests: the netmeta reference files (nma_*.json).
#pragma once

#include <Eigen/Dense>
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "evident/network/nma.hpp"
#include "evident_test.hpp"

namespace evident::test {

/// The netmeta reference files: tests/reference/nma_*.json holding a `netmeta_DL` fit, sorted (other
/// nma_*.json files hold values derived from them, e.g. nma_flow_*).
inline std::vector<std::string> nma_reference_files() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(reference_path(""))) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("nma_", 0) == 0 && entry.path().extension() == ".json" &&
        load_reference(name).contains("netmeta_DL"))
      names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

/// A study label from the reference: a string, or a number (netmeta numbers unlabelled studies).
inline std::string label_of(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  return v.dump();
}

/// The contrasts netmeta analysed: `netmeta_DL.comparisons_data` when present, else `pairwise`
/// (studlab, treat1, treat2, TE, seTE), in the file's order.
/// NMA options of a netmeta block of a reference file (its reference group).
inline NmaOptions options_for(const nlohmann::json& net) {
  NmaOptions o;
  if (net.contains("reference.group")) o.reference = net.at("reference.group").get<std::string>();
  return o;
}

inline NmaInput nma_input_of(const nlohmann::json& ref) {
  const nlohmann::json& net = ref.at("netmeta_DL");
  const nlohmann::json& d = net.contains("comparisons_data") ? net.at("comparisons_data") : ref.at("pairwise");
  NmaInput in;
  for (std::size_t i = 0; i < d.at("TE").size(); ++i) {
    NmaContrast c;
    c.study = label_of(d.at("studlab").at(i));
    c.treat1 = d.at("treat1").at(i).get<std::string>();
    c.treat2 = d.at("treat2").at(i).get<std::string>();
    c.te = ref_number(d.at("TE").at(i));
    c.se = ref_number(d.at("seTE").at(i));
    in.contrasts.push_back(c);
  }
  return in;
}

/// Compare a netmeta k x k matrix ({rownames, colnames, data}) with ours, matching by name.
inline void expect_matrix(const nlohmann::json& ref, const Eigen::MatrixXd& got, const NmaResult& r, double tol,
                          const std::string& what) {
  const auto& rows = ref.at("rownames");
  const auto& cols = ref.at("colnames");
  ASSERT_EQ(static_cast<std::size_t>(got.rows()), rows.size()) << what;
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::size_t j = 0; j < cols.size(); ++j) {
      const std::size_t a = r.treatment_index(rows[i].get<std::string>());
      const std::size_t b = r.treatment_index(cols[j].get<std::string>());
      ASSERT_NE(a, NmaResult::npos) << what << ": " << rows[i];
      ASSERT_NE(b, NmaResult::npos) << what << ": " << cols[j];
      EXPECT_REL(ref_number(ref.at("data").at(i).at(j)),
                 got(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b)), tol)
          << what << " [" << rows[i] << ", " << cols[j] << "]";
    }
}

}  // namespace evident::test
