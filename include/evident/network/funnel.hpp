// evident: comparison-adjusted funnel plot for network meta-analysis, and tests for its asymmetry
// (netmeta funnel.netmeta() parity).
//
// Method: Chaimani, Higgins, Mavridis, Spyridonos & Salanti 2013, "Graphical tools for network
// meta-analysis in STATA", PLoS One 8:e76654, doi:10.1371/journal.pone.0076654 (section
// "Comparison-adjusted funnel plot"; Chaimani & Salanti 2012, Res Synth Methods 3:161-176,
// doi:10.1002/jrsm.57). Given an order of the treatments (e.g. oldest to newest, or placebo first),
// each study contrast i of comparison XY is turned so that X comes before Y in the order, and plotted
// as (y_iXY - mu_XY, se_iXY): y_iXY the study's estimate of X versus Y, se_iXY its own standard error
// (netmeta seTE, NOT the multi-arm adjusted seTE.adj), and mu_XY the comparison-specific summary. As
// netmeta (R/funnel.netmeta.R), mu_XY is the DIRECT pairwise estimate of XY (netmeta
// TE.direct.common / TE.direct.random, i.e. netsplit.hpp's direct_estimates(): inverse-variance pooling
// of the XY contrasts, the random model with the network's tau2), not the network estimate. Without
// small-study effects the points scatter symmetrically around the vertical line at 0.
// Rows are sorted by (position of treat1, position of treat2) in the order, ties in input order (R's
// stable order()).
//
// A PARTIAL order is allowed as in netmeta: the treatments not named are put before the named ones
// (netmeta order.all), and only contrasts involving at least one named treatment are kept (e.g. order =
// {"Placebo"}: every comparison with placebo, placebo second). netmeta's lump.comparator is not offered.
// Names match exactly, else case-insensitively, else as a unique case-insensitive prefix (netmeta
// setseq()/setchar() accept abbreviations such as "pl" for "plac").
//
// Tests for funnel-plot asymmetry on the points (x = TE_adj, se), as funnel.netmeta(method.bias = ...)
// runs meta::metabias() on metagen(TE.adj, seTE, method.tau = "DL"):
//  - "Egger" (Egger et al. 1997, doi:10.1136/bmj.315.7109.629; metabias method "linreg"): lm of
//    TE_adj/se on 1/se; the intercept ("bias") is tested with t, k - 2 df. Computed by
//    pairwise egger_test(model = lm), whose slope (coefficient of se in lm(TE_adj ~ se, weights =
//    1/se^2)) IS that intercept.
//  - "Begg" (Begg & Mazumdar 1994, doi:10.2307/2533446; metabias "rank"): Kendall's tau between
//    (TE_adj - mu_common)/sqrt(se^2 - 1/sum w) and se^2, normal approximation with the tie-corrected
//    variance and no continuity correction (meta kentau()): rank_correlation_test(exact = false).
//  - "Thompson" (Thompson & Sharp 1999; metabias "mm", meta >= 4.17 via metafor rma.uni(sei, test =
//    "t") + regtest(model = "rma")): thompson_sharp_test() with DL (funnel.netmeta's metagen() uses DL).
// meta::metabias() refuses to test fewer than k.min = 10 points; FunnelOptions::k_min does the same.
// Caveat (found while checking against R): with common pooling the inverse-variance mean of the centred
// effects is 0 analytically, so for comparisons with a single study (centred effect exactly 0) the
// standardised deviates of the rank test are rounding noise (~1e-17) and the Begg tau/p depend on the sign
// of that noise, in R as here (Linde2016: p = 0.095 in R, 0.049 with exact ties, 0.024 with the opposite
// sign). A warning "funnel-begg-rounding" is then recorded; Egger and Thompson are not affected.
//
// Checked against netmeta 3.4-0 output (TE.direct matrices, comparisons data of
// tests/reference/nma_*.json) with funnel.netmeta()'s steps and the three tests redone in R 4.2.2 (lm(),
// cor.test(), metafor 3.8-1 regtest()), tests/reference/scripts/nma_funnel.R, on Senn2013 (MD), Woods2010
// (OR) and Linde2016 (OR), common and random: every point and test statistic to 1e-10 relative (absolute
// below 1), except the Begg test with common pooling (see the caveat); see
// tests/unit/network/funnel_test.cpp.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "evident/core/diagnostic.hpp"
#include "evident/network/nma.hpp"
#include "evident/pairwise/small_study.hpp"

namespace evident {



struct FunnelOptions {
  /// Treatment order (netmeta `order`, mandatory): all treatments, or some of them (see above).
  std::vector<std::string> order;
  NmaModelKind pooled = NmaModelKind::random;  ///< netmeta's default when the random model is shown
  bool egger = true;                           ///< metabias "Egger"
  bool begg = true;                            ///< metabias "Begg"
  bool thompson = true;                        ///< metabias "Thompson"
  /// Fewest points for which the tests are run (meta::metabias k.min); at least 3.
  std::size_t k_min = 10;
};

/// One study contrast as plotted.
struct FunnelPoint {
  std::string study;
  std::string treat1, treat2;  ///< turned so that treat1 comes before treat2 in the order
  std::string comparison;      ///< "treat1:treat2"
  double te = 0.0;             ///< treat1 versus treat2 (log scale for ratio measures)
  double te_direct = 0.0;      ///< direct estimate of treat1 versus treat2 (pooled model)
  double te_adj = 0.0;         ///< te - te_direct: the x coordinate
  double se = 0.0;             ///< the contrast's standard error: the y coordinate
  bool flipped = false;        ///< turned relative to NmaResult::comparisons_data
};

struct FunnelResult {
  NmaModelKind pooled = NmaModelKind::random;
  std::vector<std::string> order;  ///< the full order used (unnamed treatments first), matched names
  std::vector<FunnelPoint> points;
  std::optional<RegtestResult> egger;     ///< slope = metabias' "bias" (intercept of TE/se on 1/se)
  std::optional<RanktestResult> begg;     ///< normal approximation
  std::optional<RegtestResult> thompson;  ///< Thompson & Sharp, DL
  Diagnostics diagnostics;
  [[nodiscard]] bool ok() const { return !diagnostics.has_errors(); }
};

/// Comparison-adjusted funnel plot of an NMA (which must be ok()), with the asymmetry tests asked for.
FunnelResult comparison_adjusted_funnel(const NmaResult& nma, const FunnelOptions& options);

/// JSON: pooled, order, points [{study, treat1, treat2, comparison, te, te_direct, te_adj, se, flipped}],
/// egger / begg / thompson (the pairwise results_json.hpp objects, null when not run), diagnostics.
nlohmann::json to_json(const FunnelResult& result);

}  // namespace evident
