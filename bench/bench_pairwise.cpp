// In-process timings of pairwise meta-analysis and of `evident batch` requests (Google Benchmark).
// Run: build/bench/bench_pairwise   (whole-process timings: bench/whole_process.sh; figures: bench/README.md)
//
// Data: tests/data/synthetic_pairwise_5000.csv (5,000 studies; its yi/vi columns are metafor::escalc("MD"),
// see tests/data/SOURCES.md). Target of evident issue #3: REML random effects on 5,000 studies < 5 ms.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "evident/data/read.hpp"
#include "evident/effects/effect_size.hpp"
#include "evident/pairwise/meta_analysis.hpp"
#include "evident/pairwise/meta_analysis_json.hpp"
#include "evident/pairwise/request.hpp"

namespace {

using evident_bench::slurp;

/// yi, vi and study of the 5,000-study file, read with evident's own reader (the yi/vi columns as given).
const evident::MetaInput& input5000() {
  static const evident::MetaInput input = [] {
    evident::MetaInput in;
    const std::string text = slurp("synthetic_pairwise_5000.csv");
    std::istringstream ss(text);
    std::string line;
    std::getline(ss, line);  // header: study, n1i, m1i, sd1i, n2i, m2i, sd2i, yi, vi
    while (std::getline(ss, line)) {
      std::vector<std::string> f;
      std::stringstream ls(line);
      std::string cell;
      while (std::getline(ls, cell, ',')) f.push_back(cell);
      if (f.size() != 9) continue;
      in.study.push_back(f[0]);
      in.yi.push_back(std::strtod(f[7].c_str(), nullptr));
      in.vi.push_back(std::strtod(f[8].c_str(), nullptr));
    }
    if (in.yi.size() != 5000) std::abort();  // the benchmark would measure the wrong thing
    return in;
  }();
  return input;
}

void meta(benchmark::State& state, evident::Tau2Method method, bool tau2_ci) {
  const evident::MetaInput& in = input5000();
  evident::MetaOptions o;
  o.tau2_method = method;
  o.tau2_ci = tau2_ci;
  for (auto _ : state) {
    auto r = evident::meta_analysis(in, o);
    benchmark::DoNotOptimize(r.random.pooled.estimate);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * in.yi.size()));
}

// As `evident meta` runs it: REML with the Q-profile CI of tau2.
void BM_Meta5000_REML_QprofileCI(benchmark::State& s) {
  meta(s, evident::Tau2Method::REML, true);
}
void BM_Meta5000_REML(benchmark::State& s) {
  meta(s, evident::Tau2Method::REML, false);
}
void BM_Meta5000_DL(benchmark::State& s) {
  meta(s, evident::Tau2Method::DL, false);
}
void BM_Meta5000_PM(benchmark::State& s) {
  meta(s, evident::Tau2Method::PM, false);
}

void BM_Meta5000_REML_ToJson(benchmark::State& state) {
  const evident::MetaResult r = evident::meta_analysis(input5000(), {});
  for (auto _ : state) {
    std::string text = evident::to_json(r).dump();
    benchmark::DoNotOptimize(text.data());
  }
}

/// A yi/vi request line of k studies as bench/make_batch_input.py writes them.
std::string request_line(int k, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> u(0.0, 0.2);
  std::uniform_real_distribution<double> v(0.005, 0.1);
  std::ostringstream os;
  os.precision(6);
  os << "{\"id\":" << seed << ",\"yi\":[";
  std::vector<double> vi;
  for (int i = 0; i < k; ++i) {
    vi.push_back(v(rng));
    os << (i ? "," : "") << 0.3 + u(rng) + std::sqrt(vi.back()) * u(rng) / 0.2;
  }
  os << "],\"vi\":[";
  for (int i = 0; i < k; ++i) os << (i ? "," : "") << vi[static_cast<std::size_t>(i)];
  os << "]}";
  return os.str();
}

// One batch request end to end (parse, REML + Q-profile CI, JSON out), k = 10, 20, 30 studies.
void BM_BatchRequestLine(benchmark::State& state) {
  const std::string line = request_line(static_cast<int>(state.range(0)), 7);
  for (auto _ : state) {
    auto r = evident::process_request_line(line, 1, "bench.jsonl");
    benchmark::DoNotOptimize(r.json.data());
  }
}

}  // namespace

BENCHMARK(BM_Meta5000_REML_QprofileCI)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Meta5000_REML)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Meta5000_DL)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Meta5000_PM)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Meta5000_REML_ToJson)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BatchRequestLine)->Arg(10)->Arg(20)->Arg(30)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
