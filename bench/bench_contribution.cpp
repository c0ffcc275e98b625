// Contribution-matrix benchmarks (netmeta netcontrib parity): random walk and shortest path on the
// synthetic arm-level networks in tests/data (300 studies / 30 treatments, 1,500 studies / 80
// treatments, MD) and Senn2013. The NMA is fitted once outside the timed loop; the benchmark times
// contribution_matrix() itself (with the hat matrix and the study contributions, the defaults).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <map>
#include <string>

#include "bench_support.hpp"
#include "evident/network/contribution.hpp"
#include "evident/network/nma.hpp"

namespace {

const evident::NmaResult& nma_of(const std::string& file) {
  static std::map<std::string, evident::NmaResult> cache;
  auto it = cache.find(file);
  if (it != cache.end()) return it->second;
  evident::NmaResult fit = evident::network_meta_analysis(evident_bench::prepared(file).input, {});
  if (!fit.ok()) std::abort();
  return cache.emplace(file, std::move(fit)).first->second;
}

void contrib(benchmark::State& state, const std::string& file, evident::ContributionMethod method) {
  const evident::NmaResult& nma = nma_of(file);
  evident::ContributionOptions o;
  o.method = method;
  for (auto _ : state) {
    auto r = evident::contribution_matrix(nma, o);
    if (!r.ok()) state.SkipWithError("contribution matrix failed");
    benchmark::DoNotOptimize(r.contribution.data());
  }
  state.counters["treatments"] = static_cast<double>(nma.treatments.size());
  state.counters["contrasts"] = static_cast<double>(nma.comparisons_data.size());
}

using evident::ContributionMethod;
void BM_Contrib_RandomWalk_Senn2013(benchmark::State& s) {
  contrib(s, "Senn2013.csv", ContributionMethod::random_walk);
}
void BM_Contrib_RandomWalk_300s_30t(benchmark::State& s) {
  contrib(s, "synthetic_nma_300s_30t.csv", ContributionMethod::random_walk);
}
void BM_Contrib_RandomWalk_1500s_80t(benchmark::State& s) {
  contrib(s, "synthetic_nma_1500s_80t.csv", ContributionMethod::random_walk);
}
void BM_Contrib_ShortestPath_300s_30t(benchmark::State& s) {
  contrib(s, "synthetic_nma_300s_30t.csv", ContributionMethod::shortest_path);
}
void BM_Contrib_ShortestPath_1500s_80t(benchmark::State& s) {
  contrib(s, "synthetic_nma_1500s_80t.csv", ContributionMethod::shortest_path);
}

}  // namespace

BENCHMARK(BM_Contrib_RandomWalk_Senn2013)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Contrib_RandomWalk_300s_30t)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Contrib_RandomWalk_1500s_80t)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Contrib_ShortestPath_300s_30t)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Contrib_ShortestPath_1500s_80t)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
