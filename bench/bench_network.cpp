// Network meta-analysis benchmarks (issue 4 asks for netmeta parity at interactive speed for big networks).
// Inputs: the synthetic arm-level networks in tests/data (300 studies / 30 treatments and 1,500 studies / 80
// treatments, continuous outcome, MD) and Senn2013 (26 studies, 10 treatments), read and turned into contrasts
// once; the benchmark times the NMA itself (common + random, DL or REML) and the P-scores / rankogram.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <map>
#include <string>

#include "evident/data/read.hpp"
#include "evident/effects/effect_size.hpp"
#include "evident/network/analysis.hpp"

namespace {

const evident::NmaInput& input_of(const std::string& file) {
  static std::map<std::string, evident::NmaInput> cache;
  auto it = cache.find(file);
  if (it != cache.end()) return it->second;
  const evident::ReadResult r = evident::read_file(std::string(EVIDENT_TEST_DATA_DIR) + "/" + file, {});
  if (!r.ok()) std::abort();
  evident::EffectOptions eo;
  eo.measure = evident::Measure::MD;
  const evident::Outcome& o = r.dataset.outcomes.at(0);
  return cache.emplace(file, evident::nma_input_from_effects(evident::compute_effects(r.dataset, o, eo))).first->second;
}

void nma(benchmark::State& state, const std::string& file, evident::Tau2Method method) {
  const evident::NmaInput& in = input_of(file);
  evident::NmaOptions o;
  o.tau2_method = method;
  for (auto _ : state) {
    auto r = evident::network_meta_analysis(in, o);
    if (!r.ok()) state.SkipWithError("NMA failed");
    benchmark::DoNotOptimize(r.tau2);
  }
  state.counters["contrasts"] = static_cast<double>(in.contrasts.size());
}

void BM_Nma_Senn2013_DL(benchmark::State& s) { nma(s, "Senn2013.csv", evident::Tau2Method::DL); }
void BM_Nma_300s_30t_DL(benchmark::State& s) { nma(s, "synthetic_nma_300s_30t.csv", evident::Tau2Method::DL); }
void BM_Nma_1500s_80t_DL(benchmark::State& s) { nma(s, "synthetic_nma_1500s_80t.csv", evident::Tau2Method::DL); }
void BM_Nma_1500s_80t_REML(benchmark::State& s) { nma(s, "synthetic_nma_1500s_80t.csv", evident::Tau2Method::REML); }

void BM_Rankogram_1500s_80t_1000sim(benchmark::State& state) {
  const evident::NmaResult r = evident::network_meta_analysis(input_of("synthetic_nma_1500s_80t.csv"), {});
  Eigen::VectorXd mean;
  Eigen::MatrixXd cov;
  evident::estimates_against(r.random, 0, mean, cov);
  for (auto _ : state) {
    auto g = evident::rankogram(r.treatments, mean, cov, evident::SmallValues::desirable, 1000, 1);
    benchmark::DoNotOptimize(g.sucra.data());
  }
}

}  // namespace

BENCHMARK(BM_Nma_Senn2013_DL)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Nma_300s_30t_DL)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Nma_1500s_80t_DL)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Nma_1500s_80t_REML)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Rankogram_1500s_80t_1000sim)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
