// In-process timings of reading and converting trial data (Google Benchmark).
// Run: build/bench/bench_evident   (whole-process timings: bench/whole_process.sh)
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <string>

#include "bench_support.hpp"
#include "evident/data/read.hpp"
#include "evident/effects/effect_size.hpp"

namespace {

using evident_bench::slurp;

void read_only(benchmark::State& state, const char* file) {
  const std::string text = slurp(file);
  for (auto _ : state) {
    auto r = evident::read_csv(text, file);
    benchmark::DoNotOptimize(r.dataset.studies.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

void read_and_effects(benchmark::State& state, const char* file, evident::Measure measure) {
  const std::string text = slurp(file);
  evident::EffectOptions opts;
  opts.measure = measure;
  for (auto _ : state) {
    auto r = evident::read_csv(text, file);
    auto e = evident::compute_effects(r.dataset, r.dataset.outcomes.front(), opts);
    benchmark::DoNotOptimize(e.contrasts.data());
  }
}

void BM_ReadPairwise5000(benchmark::State& s) { read_only(s, "synthetic_pairwise_5000.csv"); }
void BM_ReadEffectsPairwise5000_MD(benchmark::State& s) {
  read_and_effects(s, "synthetic_pairwise_5000.csv", evident::Measure::MD);
}
void BM_ReadEffectsPairwise5000_SMD(benchmark::State& s) {
  read_and_effects(s, "synthetic_pairwise_5000.csv", evident::Measure::SMD);
}
void BM_ReadEffectsNma1500_MD(benchmark::State& s) {
  read_and_effects(s, "synthetic_nma_1500s_80t.csv", evident::Measure::MD);
}

}  // namespace

BENCHMARK(BM_ReadPairwise5000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadEffectsPairwise5000_MD)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadEffectsPairwise5000_SMD)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadEffectsNma1500_MD)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
