// Network meta-analysis benchmarks (issue 4 asks for netmeta parity at interactive speed for big networks).
// Inputs: the synthetic arm-level networks in tests/data (300 studies / 30 treatments and 1,500 studies / 80
// treatments, continuous outcome, MD) and Senn2013 (26 studies, 10 treatments), read and turned into contrasts
// once; the benchmark times the NMA itself (common + random, DL or REML) and the P-scores / rankogram.
#include <benchmark/benchmark.h>

#include <string>

#include "bench_support.hpp"
#include "evident/network/analysis.hpp"

namespace {

const evident::NmaInput& input_of(const std::string& file) { return evident_bench::prepared(file).input; }

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

/// Issue 4's bundle: NMA common + random, P-scores, netsplit, decomposition, 1000-draw rankogram
/// (`everything` adds evidence flow, net heat, random-walk contributions, league tables and the funnel).
void bundle(benchmark::State& state, const std::string& file, bool everything) {
  const evident_bench::Prepared& p = evident_bench::prepared(file);
  evident::NetworkOptions o;
  o.small_values = evident::SmallValues::desirable;
  o.evidence_flow = o.net_heat = o.contribution = o.league = o.funnel = everything;
  for (auto _ : state) {
    auto a = evident::analyse_network(p.outcome, p.set, o);
    if (!a.nma.ok() || !a.rankogram_random || (a.nma.designs > 1 && !a.netsplit)) state.SkipWithError("failed");
    benchmark::DoNotOptimize(a.nma.tau2);
  }
}

void BM_Bundle_Senn2013(benchmark::State& s) { bundle(s, "Senn2013.csv", false); }
void BM_Bundle_300s_30t(benchmark::State& s) { bundle(s, "synthetic_nma_300s_30t.csv", false); }
void BM_Bundle_1500s_80t(benchmark::State& s) { bundle(s, "synthetic_nma_1500s_80t.csv", false); }
void BM_Everything_Senn2013(benchmark::State& s) { bundle(s, "Senn2013.csv", true); }
void BM_Everything_300s_30t(benchmark::State& s) { bundle(s, "synthetic_nma_300s_30t.csv", true); }
void BM_Everything_1500s_80t(benchmark::State& s) { bundle(s, "synthetic_nma_1500s_80t.csv", true); }

void flow(benchmark::State& state, const std::string& file, bool heat) {
  const evident::NmaResult r = evident::network_meta_analysis(input_of(file), {});
  for (auto _ : state) {
    if (heat) {
      auto h = evident::net_heat(r, {});
      benchmark::DoNotOptimize(h.change.data());
    } else {
      auto f = evident::evidence_flow(r, true);
      benchmark::DoNotOptimize(f.H_tilde.data());
    }
  }
}
void part(benchmark::State& state, const std::string& file, int which) {
  const evident::NmaResult r = evident::network_meta_analysis(input_of(file), {});
  for (auto _ : state) {
    if (which == 0) {
      auto x = evident::netsplit(r, evident::NetsplitMethod::back_calculation);
      benchmark::DoNotOptimize(x.ok());
    } else if (which == 1) {
      auto x = evident::decompose_designs(r);
      benchmark::DoNotOptimize(x.ok());
    } else {
      auto x = evident::p_scores(r.treatments, r.random.TE, r.random.seTE, evident::SmallValues::desirable);
      benchmark::DoNotOptimize(x.pscore.data());
    }
  }
}
void BM_Netsplit_300s_30t(benchmark::State& s) { part(s, "synthetic_nma_300s_30t.csv", 0); }
void BM_Decomposition_300s_30t(benchmark::State& s) { part(s, "synthetic_nma_300s_30t.csv", 1); }
void BM_PScores_300s_30t(benchmark::State& s) { part(s, "synthetic_nma_300s_30t.csv", 2); }
void BM_Netsplit_1500s_80t(benchmark::State& s) { part(s, "synthetic_nma_1500s_80t.csv", 0); }
void BM_Decomposition_1500s_80t(benchmark::State& s) { part(s, "synthetic_nma_1500s_80t.csv", 1); }

void BM_EvidenceFlow_1500s_80t(benchmark::State& s) { flow(s, "synthetic_nma_1500s_80t.csv", false); }
void BM_NetHeat_1500s_80t(benchmark::State& s) { flow(s, "synthetic_nma_1500s_80t.csv", true); }

}  // namespace

BENCHMARK(BM_Nma_Senn2013_DL)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Nma_300s_30t_DL)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Nma_1500s_80t_DL)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Nma_1500s_80t_REML)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Rankogram_1500s_80t_1000sim)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Bundle_Senn2013)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Bundle_300s_30t)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Bundle_1500s_80t)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Everything_Senn2013)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Everything_300s_30t)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Everything_1500s_80t)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Netsplit_300s_30t)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Decomposition_300s_30t)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PScores_300s_30t)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Netsplit_1500s_80t)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Decomposition_1500s_80t)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EvidenceFlow_1500s_80t)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NetHeat_1500s_80t)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
