// Helpers shared by the benchmarks.
#pragma once

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "evident/data/read.hpp"
#include "evident/effects/effect_size.hpp"
#include "evident/network/nma.hpp"

namespace evident_bench {

/// The bytes of a file in tests/data.
inline std::string slurp(const std::string& name) {
  std::ifstream in(std::string(EVIDENT_TEST_DATA_DIR) + "/" + name, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// The first outcome of a file in tests/data and its mean differences (read once per file and cached),
/// the input of the network benchmarks.
struct Prepared {
  evident::Outcome outcome;
  evident::EffectSet set;
  evident::NmaInput input;
};

inline const Prepared& prepared(const std::string& file) {
  static std::map<std::string, Prepared> cache;
  auto it = cache.find(file);
  if (it != cache.end()) return it->second;
  const evident::ReadResult r = evident::read_file(std::string(EVIDENT_TEST_DATA_DIR) + "/" + file, {});
  if (!r.ok()) std::abort();
  evident::EffectOptions eo;
  eo.measure = evident::Measure::MD;
  const evident::Outcome& o = r.dataset.outcomes.at(0);
  evident::EffectSet set = evident::compute_effects(r.dataset, o, eo);
  evident::NmaInput in = evident::nma_input_from_effects(set);
  return cache.emplace(file, Prepared{o, std::move(set), std::move(in)}).first->second;
}

}  // namespace evident_bench
