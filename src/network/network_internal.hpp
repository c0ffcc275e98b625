// evident: small helpers shared by the network sources (nma.cpp, netsplit.cpp, decomposition.cpp).
// Not installed; include only from src/network.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <numeric>
#include <vector>

namespace evident::detail {

inline Eigen::Index ix(std::size_t i) {
  return static_cast<Eigen::Index>(i);
}

/// Disjoint sets with path halving (connected parts of a network).
struct UnionFind {
  std::vector<std::size_t> parent;
  explicit UnionFind(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), std::size_t{0}); }
  std::size_t find(std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void unite(std::size_t a, std::size_t b) { parent[find(a)] = find(b); }
};

}  // namespace evident::detail
