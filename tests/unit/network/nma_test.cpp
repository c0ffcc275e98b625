// Network meta-analysis (graph-theoretical method) against R netmeta 3.4-0 (tests/reference/nma_*.json),
// plus invariances and connectivity.
#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "effects_fixtures.hpp"
#include "evident/network/nma.hpp"
#include "evident_test.hpp"
#include "network_fixtures.hpp"

namespace evident {
namespace {

using namespace evident::test;  // NOLINT: fixtures

// netmeta 3.4-0 (R 4.2) reference values; everything here is closed-form linear algebra, so the
// agreement is to rounding: 1e-10 relative (absolute below 1); the largest error seen is 3e-12.
constexpr double kTol = 1e-10;

void expect_model(const nlohmann::json& block, const char* suffix, const NmaModel& got, const NmaResult& r,
                  const std::string& file) {
  const std::string s = suffix;
  expect_matrix(block.at("TE." + s), got.TE, r, kTol, file + " TE." + s);
  expect_matrix(block.at("seTE." + s), got.seTE, r, kTol, file + " seTE." + s);
  expect_matrix(block.at("lower." + s), got.lower, r, kTol, file + " lower." + s);
  expect_matrix(block.at("upper." + s), got.upper, r, kTol, file + " upper." + s);
  if (block.contains("statistic." + s))
    expect_matrix(block.at("statistic." + s), got.statistic, r, kTol, file + " statistic." + s);
  expect_matrix(block.at("pval." + s), got.p_value, r, kTol, file + " pval." + s);
}

TEST(NetworkMetaAnalysis, MatchesNetmetaOnEveryReference) {
  const auto files = nma_reference_files();
  ASSERT_GE(files.size(), 4u);
  for (const std::string& file : files) {
    SCOPED_TRACE(file);
    const nlohmann::json ref = load_reference(file);
    const nlohmann::json& net = ref.at("netmeta_DL");
    const NmaResult r = network_meta_analysis(nma_input_of(ref), options_for(net));
    ASSERT_TRUE(r.ok()) << to_json(r).dump(2);
    for (const auto& d : r.diagnostics.items()) EXPECT_NE(d.severity, Severity::warning) << format_diagnostic(d);
    if (net.contains("trts")) {
      EXPECT_EQ(r.treatments, net.at("trts").get<std::vector<std::string>>());
    }
    EXPECT_EQ(r.studies, net.at("k").get<std::size_t>());
    EXPECT_EQ(r.comparisons, net.at("m").get<std::size_t>());
    EXPECT_EQ(r.treatments.size(), net.at("n").get<std::size_t>());
    if (net.contains("d")) {
      EXPECT_EQ(r.designs, net.at("d").get<std::size_t>());
    }
    if (net.contains("designs")) {
      EXPECT_EQ(r.design_names, net.at("designs").get<std::vector<std::string>>());
    }

    expect_model(net.at("common"), "common", r.common, r, file);
    expect_model(net.at("random"), "random", r.random, r, file);
    // prediction intervals (netmeta method.predict = "V": t with df.Q degrees of freedom)
    if (net.at("random").contains("seTE.predict")) {
      expect_matrix(net.at("random").at("seTE.predict"), r.prediction.seTE, r, kTol, file + " seTE.predict");
      expect_matrix(net.at("random").at("lower.predict"), r.prediction.lower, r, kTol, file + " lower.predict");
      expect_matrix(net.at("random").at("upper.predict"), r.prediction.upper, r, kTol, file + " upper.predict");
    }

    EXPECT_REL(ref_number(net.at("Q")), r.Q, kTol);
    EXPECT_EQ(ref_number(net.at("df.Q")), r.Q_df);
    EXPECT_REL(ref_number(net.at("pval.Q")), r.Q_p, kTol);
    EXPECT_REL(ref_number(net.at("tau2")), r.tau2, kTol);
    EXPECT_REL(ref_number(net.at("tau")), r.tau, kTol);
    // netmeta reports I2 as a proportion; evident in percent
    EXPECT_REL(100.0 * ref_number(net.at("I2")), r.I2, kTol);
    EXPECT_REL(100.0 * ref_number(net.at("lower.I2")), r.I2_lower, kTol);
    EXPECT_REL(100.0 * ref_number(net.at("upper.I2")), r.I2_upper, kTol);
    EXPECT_REL(ref_number(net.at("Q.heterogeneity")), r.Q_heterogeneity, kTol);
    EXPECT_EQ(ref_number(net.at("df.Q.heterogeneity")), r.Q_heterogeneity_df);
    EXPECT_REL(ref_number(net.at("Q.inconsistency")), r.Q_inconsistency, kTol);
    EXPECT_EQ(ref_number(net.at("df.Q.inconsistency")), r.Q_inconsistency_df);
    if (net.contains("pval.Q.heterogeneity")) {
      EXPECT_REL(ref_number(net.at("pval.Q.heterogeneity")), r.Q_heterogeneity_p, kTol);
      EXPECT_REL(ref_number(net.at("pval.Q.inconsistency")), r.Q_inconsistency_p, kTol);
    }

    if (!net.contains("comparisons_data")) continue;
    const auto& cd = net.at("comparisons_data");
    ASSERT_EQ(r.comparisons_data.size(), cd.at("TE").size());
    for (std::size_t i = 0; i < r.comparisons_data.size(); ++i) {
      SCOPED_TRACE(i);
      const NmaComparison& c = r.comparisons_data[i];
      EXPECT_EQ(c.study, label_of(cd.at("studlab").at(i)));
      EXPECT_EQ(c.treat1, cd.at("treat1").at(i).get<std::string>());
      EXPECT_EQ(c.treat2, cd.at("treat2").at(i).get<std::string>());
      EXPECT_EQ(c.design, cd.at("design").at(i).get<std::string>());
      EXPECT_REL(ref_number(cd.at("seTE.adj.common").at(i)), c.se_adj_common, kTol);
      EXPECT_REL(ref_number(cd.at("seTE.adj.random").at(i)), c.se_adj_random, kTol);
      EXPECT_REL(ref_number(cd.at("TE.nma.common").at(i)), c.te_nma_common, kTol);
      EXPECT_REL(ref_number(cd.at("seTE.nma.common").at(i)), c.se_nma_common, kTol);
      EXPECT_REL(ref_number(cd.at("leverage.common").at(i)), c.leverage_common, kTol);
      EXPECT_REL(ref_number(cd.at("w.common").at(i)), c.w_common, kTol);
      EXPECT_REL(ref_number(cd.at("Q.common").at(i)), c.Q_common, kTol);
      EXPECT_REL(ref_number(cd.at("TE.nma.random").at(i)), c.te_nma_random, kTol);
      EXPECT_REL(ref_number(cd.at("seTE.nma.random").at(i)), c.se_nma_random, kTol);
      EXPECT_REL(ref_number(cd.at("w.random").at(i)), c.w_random, kTol);
    }
  }
}

TEST(NetworkMetaAnalysis, DesignDecompositionMatchesDecompDesign) {
  // decomp.design()$Q.decomp (netmeta 3.4-0): rows total / within designs / between designs.
  for (const std::string& file : nma_reference_files()) {
    const nlohmann::json ref = load_reference(file);
    if (!ref.contains("decomp.design")) continue;
    SCOPED_TRACE(file);
    const auto& qd = ref.at("decomp.design").at("Q.decomp");
    const NmaResult r = network_meta_analysis(nma_input_of(ref), options_for(ref.at("netmeta_DL")));
    ASSERT_TRUE(r.ok());
    EXPECT_REL(ref_number(qd.at("Q").at(0)), r.Q, kTol);
    EXPECT_REL(ref_number(qd.at("Q").at(1)), r.Q_heterogeneity, kTol);
    EXPECT_REL(ref_number(qd.at("Q").at(2)), r.Q_inconsistency, kTol);
    EXPECT_EQ(ref_number(qd.at("df").at(1)), r.Q_heterogeneity_df);
    EXPECT_EQ(ref_number(qd.at("df").at(2)), r.Q_inconsistency_df);
  }
}

TEST(NetworkMetaAnalysis, ConnectivityMatchesNetconnection) {
  for (const std::string& file : nma_reference_files()) {
    const nlohmann::json ref = load_reference(file);
    if (!ref.contains("netconnection")) continue;
    SCOPED_TRACE(file);
    const NmaResult r = network_meta_analysis(nma_input_of(ref), options_for(ref.at("netmeta_DL")));
    EXPECT_EQ(r.subnetworks.size(), ref.at("netconnection").at("n.subnets").get<std::size_t>());
    EXPECT_TRUE(r.excluded.empty());
  }
}

TEST(NetworkMetaAnalysis, RemlMatchesNetmetaOnContrastLevelInput) {
  // netmeta_REML (netmeta 3.4-0 via metafor 3.8-1 rma.mv, whose optimiser stops at its own
  // tolerance): tau2 and the random-effects matrices to 1e-7 relative (measured: 1.6e-9 and 1e-8). Senn2013 and
  // Linde2016 are contrast-level input (netmeta uses V = diag(seTE^2) as evident does); Woods2010 (arm-level in
  // netmeta) has tau2 ~ 0 in both.
  for (const std::string file : {"nma_Senn2013_MD.json", "nma_Linde2016_OR.json", "nma_Woods2010_OR.json"}) {
    SCOPED_TRACE(file);
    const nlohmann::json ref = load_reference(file);
    const nlohmann::json& net = ref.at("netmeta_REML");
    NmaOptions o = options_for(net);
    o.tau2_method = Tau2Method::REML;
    const NmaResult r = network_meta_analysis(nma_input_of(ref), o);
    ASSERT_TRUE(r.ok()) << to_json(r)["diagnostics"].dump();
    EXPECT_REL(ref_number(net.at("tau2")), r.tau2, 1e-7);
    const auto& rnd = net.at("random");
    for (const char* k : {"TE", "seTE", "lower", "upper"}) {
      const std::string key = std::string(k) + ".random";
      const Eigen::MatrixXd& got = std::string(k) == "TE"      ? r.random.TE
                                   : std::string(k) == "seTE"  ? r.random.seTE
                                   : std::string(k) == "lower" ? r.random.lower
                                                               : r.random.upper;
      expect_matrix(rnd.at(key), got, r, 1e-7, file + " " + key);
    }
    EXPECT_REL(ref_number(net.at("Q")), r.Q, kTol);  // Q does not depend on tau2
  }
}

// ---- invariances --------------------------------------------------------------------------------

NmaResult fit_file(const std::string& file, NmaInput* out = nullptr) {
  const nlohmann::json ref = load_reference(file);
  NmaInput in = nma_input_of(ref);
  if (out) *out = in;
  return network_meta_analysis(in, options_for(ref.at("netmeta_DL")));
}

void expect_same(const NmaResult& a, const NmaResult& b, double tol) {
  ASSERT_EQ(a.treatments, b.treatments);
  for (const auto& [ma, mb] : {std::pair{&a.common, &b.common}, std::pair{&a.random, &b.random}}) {
    for (Eigen::Index i = 0; i < ma->TE.rows(); ++i)
      for (Eigen::Index j = 0; j < ma->TE.cols(); ++j) {
        EXPECT_REL(ma->TE(i, j), mb->TE(i, j), tol);
        EXPECT_REL(ma->seTE(i, j), mb->seTE(i, j), tol);
      }
  }
  EXPECT_REL(a.Q, b.Q, tol);
  EXPECT_REL(a.tau2, b.tau2, tol);
  EXPECT_REL(a.Q_heterogeneity, b.Q_heterogeneity, tol);
  EXPECT_REL(a.Q_inconsistency, b.Q_inconsistency, tol);
  EXPECT_EQ(a.designs, b.designs);
}

TEST(NetworkMetaAnalysisInvariance, InputOrderDoesNotMatter) {
  // Linde2016 (22 treatments, multi-arm studies): shuffled contrasts give the same results.
  NmaInput in;
  const NmaResult base = fit_file("nma_Linde2016_OR.json", &in);
  std::mt19937 rng(20261121);
  std::shuffle(in.contrasts.begin(), in.contrasts.end(), rng);
  NmaOptions o;
  o.reference = "Placebo";
  const NmaResult shuffled = network_meta_analysis(in, o);
  ASSERT_TRUE(shuffled.ok());
  expect_same(base, shuffled, 1e-10);
}

TEST(NetworkMetaAnalysisInvariance, SwappingTreat1AndTreat2FlipsTheContrastOnly) {
  NmaInput in;
  const NmaResult base = fit_file("nma_Senn2013_MD.json", &in);
  for (std::size_t i = 0; i < in.contrasts.size(); i += 2) {
    std::swap(in.contrasts[i].treat1, in.contrasts[i].treat2);
    in.contrasts[i].te = -in.contrasts[i].te;
  }
  const NmaResult swapped = network_meta_analysis(in);
  ASSERT_TRUE(swapped.ok());
  expect_same(base, swapped, 1e-10);
  // comparisons data keeps netmeta's orientation and records the flip
  EXPECT_TRUE(swapped.comparisons_data[0].flipped);
  EXPECT_EQ(swapped.comparisons_data[0].treat1, base.comparisons_data[0].treat1);
  EXPECT_EQ(swapped.comparisons_data[0].te, base.comparisons_data[0].te);
}

TEST(NetworkMetaAnalysisInvariance, RelabellingTreatmentsPermutesResults) {
  NmaInput in;
  const NmaResult base = fit_file("nma_Senn2013_MD.json", &in);
  // prefix names so that the sorted order reverses
  std::map<std::string, std::string> rename;
  for (std::size_t t = 0; t < base.treatments.size(); ++t)
    rename[base.treatments[t]] = std::string(1, static_cast<char>('z' - t)) + base.treatments[t];
  for (auto& c : in.contrasts) {
    c.treat1 = rename[c.treat1];
    c.treat2 = rename[c.treat2];
  }
  const NmaResult r = network_meta_analysis(in);
  ASSERT_TRUE(r.ok());
  for (std::size_t i = 0; i < base.treatments.size(); ++i)
    for (std::size_t j = 0; j < base.treatments.size(); ++j) {
      const auto a = static_cast<Eigen::Index>(r.treatment_index(rename[base.treatments[i]]));
      const auto b = static_cast<Eigen::Index>(r.treatment_index(rename[base.treatments[j]]));
      const auto bi = static_cast<Eigen::Index>(i), bj = static_cast<Eigen::Index>(j);
      EXPECT_REL(base.random.TE(bi, bj), r.random.TE(a, b), 1e-10);
      EXPECT_REL(base.random.seTE(bi, bj), r.random.seTE(a, b), 1e-10);
    }
  EXPECT_REL(base.tau2, r.tau2, 1e-10);
}

TEST(NetworkMetaAnalysisInvariance, RandomEqualsCommonWhenTau2IsZero) {
  // Woods2010: netmeta's DL tau2 is 0 (Q = 0.569 < df = 2).
  const NmaResult r = fit_file("nma_Woods2010_OR.json");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.tau2, 0.0);
  EXPECT_TRUE(r.random.TE.isApprox(r.common.TE, 1e-12));
  EXPECT_TRUE(r.random.seTE.isApprox(r.common.seTE, 1e-12));
}

TEST(NetworkMetaAnalysisInvariance, OneStudyAndOneDesignBehaveSensibly) {
  // one two-arm study: the NMA is the study itself, df = 0 (no tau2, I2 or Q test, with a note)
  NmaInput one;
  one.contrasts = {{"Only", "B", "A", 0.4, 0.2, {}}};
  const NmaResult r1 = network_meta_analysis(one);
  ASSERT_TRUE(r1.ok());
  EXPECT_EQ(r1.treatments, (std::vector<std::string>{"A", "B"}));
  EXPECT_REL(0.4, r1.common.TE(1, 0), 1e-14);
  EXPECT_REL(0.2, r1.common.seTE(1, 0), 1e-14);
  EXPECT_REL(0.4, r1.random.TE(1, 0), 1e-14);
  EXPECT_EQ(r1.Q_df, 0.0);
  EXPECT_TRUE(std::isnan(r1.tau2) && std::isnan(r1.I2) && std::isnan(r1.Q_p));
  EXPECT_TRUE(r1.comparisons_data[0].flipped);
  EXPECT_EQ(r1.comparisons_data[0].te, -0.4);
  // two studies of one design: the pairwise inverse-variance meta-analysis; Q is not split (as netmeta)
  NmaInput two = one;
  two.contrasts.push_back({"Second", "A", "B", -0.1, 0.1, {}});
  const NmaResult r2 = network_meta_analysis(two);
  ASSERT_TRUE(r2.ok());
  const double w1 = 1 / 0.04, w2 = 1 / 0.01, est = (w1 * 0.4 + w2 * 0.1) / (w1 + w2);
  EXPECT_REL(est, r2.common.TE(1, 0), 1e-14);
  EXPECT_REL(w1 * (0.4 - est) * (0.4 - est) + w2 * (0.1 - est) * (0.1 - est), r2.Q, 1e-14);
  EXPECT_EQ(r2.designs, 1u);
  EXPECT_TRUE(std::isnan(r2.Q_heterogeneity) && std::isnan(r2.Q_inconsistency));
  bool noted = false;
  for (const auto& d : r2.diagnostics.items()) noted = noted || d.code == "nma-single-design";
  EXPECT_TRUE(noted);
}

// ---- connectivity -----------------------------------------------------------------------------

TEST(NetworkMetaAnalysisConnectivity, DisconnectedPartIsReportedAndLeftOut) {
  NmaInput in;
  const NmaResult base = fit_file("nma_Senn2013_MD.json", &in);
  NmaInput more = in;
  more.contrasts.push_back({"Island2020", "xdrug", "ydrug", 0.3, 0.2, {"island.csv", 7, 1}});
  more.contrasts.push_back({"Island2021", "ydrug", "zdrug", -0.1, 0.25, {}});
  const NmaResult r = network_meta_analysis(more);
  ASSERT_TRUE(r.ok());
  expect_same(base, r, 1e-12);
  ASSERT_EQ(r.subnetworks.size(), 2u);
  EXPECT_TRUE(r.subnetworks[0].analysed);
  EXPECT_FALSE(r.subnetworks[1].analysed);
  EXPECT_EQ(r.subnetworks[1].treatments, (std::vector<std::string>{"xdrug", "ydrug", "zdrug"}));
  EXPECT_EQ(r.subnetworks[1].studies, (std::vector<std::string>{"Island2020", "Island2021"}));
  ASSERT_EQ(r.excluded.size(), 2u);
  EXPECT_EQ(r.excluded[0].study, "Island2020");
  EXPECT_EQ(r.excluded[0].source.line, 7);
  EXPECT_EQ(r.excluded[0].reason, "not connected to the analysed network (subnetwork 2 of 2: xdrug, ydrug, zdrug)");
  EXPECT_EQ(r.excluded[1].study, "Island2021");
  bool warned = false;
  for (const auto& d : r.diagnostics.items())
    if (d.code == "nma-disconnected") {
      warned = true;
      EXPECT_EQ(d.severity, Severity::warning);
      EXPECT_NE(d.message.find("xdrug, ydrug, zdrug (studies Island2020, Island2021)"), std::string::npos) << d.message;
    }
  EXPECT_TRUE(warned);

  // the reference chooses the other part
  NmaOptions o;
  o.reference = "ydrug";
  const NmaResult small = network_meta_analysis(more, o);
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(small.treatments, (std::vector<std::string>{"xdrug", "ydrug", "zdrug"}));
  EXPECT_EQ(small.reference, "ydrug");
  EXPECT_EQ(small.excluded.size(), in.contrasts.size());
  EXPECT_EQ(small.studies, 2u);
  // two studies, three treatments: df = 0, no tau2
  EXPECT_EQ(small.Q_df, 0.0);
  EXPECT_TRUE(std::isnan(small.tau2));
  EXPECT_REL(0.3 + (-0.1), small.common.TE(0, 2), 1e-12);  // x vs z = (x vs y) + (y vs z)
}

TEST(NetworkMetaAnalysisConnectivity, UnknownReferenceIsAnError) {
  NmaInput in;
  fit_file("nma_Senn2013_MD.json", &in);
  NmaOptions o;
  o.reference = "nosuchdrug";
  const NmaResult r = network_meta_analysis(in, o);
  EXPECT_FALSE(r.ok());
  ASSERT_FALSE(r.diagnostics.empty());
  EXPECT_EQ(r.diagnostics.items()[0].code, "nma-unknown-reference");
  o.reference = "PLAC";  // case-insensitive match, as netmeta's setref
  EXPECT_TRUE(network_meta_analysis(in, o).ok());
}

// ---- bad input --------------------------------------------------------------------------------

TEST(NetworkMetaAnalysisInput, InconsistentMultiArmVariancesAreNamed) {
  // A three-arm study whose variances violate the triangle inequality (v_AC > v_AB + v_BC by far)
  // gives negative reduced weights.
  NmaInput in;
  in.contrasts = {{"Odd", "A", "B", 0.1, 0.1, {}},
                  {"Odd", "A", "C", 0.3, 1.0, {}},
                  {"Odd", "B", "C", 0.2, 0.1, {}},
                  {"S2", "A", "B", 0.2, 0.3, {}},
                  {"S3", "B", "C", 0.1, 0.3, {}}};
  const NmaResult r = network_meta_analysis(in);
  bool named = false;
  for (const auto& d : r.diagnostics.items())
    if (d.code == "nma-multiarm-negative-variance") {
      named = true;
      EXPECT_EQ(d.study, "Odd");
    }
  EXPECT_TRUE(named);
}

TEST(NetworkMetaAnalysisInput, InconsistentMultiArmEffectsAreNamed) {
  // A-B = 0.1, B-C = 0.2 but A-C = 0.9 (should be 0.3)
  NmaInput in;
  in.contrasts = {{"Tri", "A", "B", 0.1, 0.2, {}},
                  {"Tri", "A", "C", 0.9, 0.2, {}},
                  {"Tri", "B", "C", 0.2, 0.2, {}},
                  {"S2", "A", "B", 0.2, 0.3, {}}};
  const NmaResult r = network_meta_analysis(in);
  std::size_t named = 0;
  for (const auto& d : r.diagnostics.items())
    if (d.code == "nma-multiarm-inconsistent-effects") {
      ++named;
      EXPECT_EQ(d.study, "Tri");
    }
  EXPECT_EQ(named, 1u);
  // consistent multi-arm data give no such warning
  in.contrasts[1].te = 0.3;
  const NmaResult fine = network_meta_analysis(in);
  for (const auto& d : fine.diagnostics.items()) EXPECT_NE(d.code, "nma-multiarm-inconsistent-effects");
}

TEST(NetworkMetaAnalysisInput, IncompleteMultiArmStudyAndBadContrastsAreLeftOutWithReason) {
  NmaInput in;
  in.contrasts = {{"Tri", "A", "B", 0.1, 0.2, {}}, {"Tri", "A", "C", 0.3, 0.2, {}},  // B-C missing
                  {"S2", "A", "B", 0.2, 0.3, {}},  {"S3", "B", "C", 0.1, 0.3, {}},
                  {"S4", "A", "C", 0.1, 0.0, {}},  {"S5", "A", "A", 0.1, 0.3, {}}};
  const NmaResult r = network_meta_analysis(in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.studies, 2u);
  ASSERT_EQ(r.excluded.size(), 4u);
  std::map<std::string, std::string> reason;
  for (const auto& e : r.excluded) reason[e.study] = e.reason;
  EXPECT_EQ(reason["Tri"], "the study has 3 treatments but 2 contrasts; a multi-arm study needs all 3 pairs");
  EXPECT_EQ(reason["S4"], "missing or non-finite effect, or standard error not > 0");
  EXPECT_EQ(reason["S5"], "the same treatment 'A' on both sides of the contrast");
}

TEST(NetworkMetaAnalysisInput, UnsupportedTau2MethodIsNotSilentlyReplaced) {
  NmaInput in;
  fit_file("nma_Senn2013_MD.json", &in);
  NmaOptions o;
  o.tau2_method = Tau2Method::PM;
  const NmaResult r = network_meta_analysis(in, o);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.diagnostics.items().at(0).code, "unsupported-tau2-method");
  EXPECT_FALSE(network_meta_analysis(NmaInput{}).ok());
}

// ---- from a CSV through compute_effects -------------------------------------------------------

TEST(NetworkMetaAnalysis, Woods2010FromCsvThroughComputeEffects) {
  // tests/data/Woods2010.csv (arm level) -> compute_effects(OR) -> NMA; netmeta 3.4-0 ran
  // netmeta(pairwise(treatment, r, N, studlab = author, sm = "OR")): nma_Woods2010_OR.json netmeta_DL.
  const auto cols = read_columns("Woods2010.csv");
  Built b = make(OutcomeType::binary);
  std::vector<std::string> order;
  std::map<std::string, std::vector<Arm>> arms;
  for (std::size_t i = 0; i < cols.at("author").size(); ++i) {
    const std::string s = cols.at("author")[i];
    if (!arms.count(s)) order.push_back(s);
    arms[s].push_back(bin_arm(cols.at("treatment")[i], std::stod(cols.at("r")[i]), std::stod(cols.at("N")[i])));
  }
  for (const auto& s : order) add_study(b, s, arms[s]);
  const EffectSet set = run(b, Measure::OR);
  const nlohmann::json ref = load_reference("nma_Woods2010_OR.json");
  const auto& net = ref.at("netmeta_DL");
  const NmaResult r = network_meta_analysis(nma_input_from_effects(set));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.treatments, net.at("trts").get<std::vector<std::string>>());
  expect_model(net.at("common"), "common", r.common, r, "Woods2010.csv");
  expect_model(net.at("random"), "random", r.random, r, "Woods2010.csv");
  EXPECT_REL(ref_number(net.at("Q")), r.Q, kTol);
  EXPECT_REL(ref_number(net.at("Q.inconsistency")), r.Q_inconsistency, kTol);
}

NmaInput synthetic_network(const std::string& name) {
  const auto cols = read_columns(name);
  Built b = make(OutcomeType::continuous);
  std::vector<std::string> order;
  std::map<std::string, std::vector<Arm>> arms;
  for (std::size_t i = 0; i < cols.at("study").size(); ++i) {
    const std::string s = cols.at("study")[i];
    if (!arms.count(s)) order.push_back(s);
    arms[s].push_back(cont_arm(cols.at("treatment")[i], std::stod(cols.at("n")[i]), std::stod(cols.at("mean")[i]),
                               std::stod(cols.at("sd")[i])));
  }
  for (const auto& s : order) add_study(b, s, arms[s]);
  const EffectSet set = run(b, Measure::MD);
  EXPECT_TRUE(set.excluded.empty());
  return nma_input_from_effects(set);
}

TEST(NetworkMetaAnalysis, SyntheticLargeNetworkRecoversTheGeneratingEffects) {
  // tests/data/synthetic_nma_1500s_80t.csv (1500 studies, 80 treatments, 284 three-arm studies; true
  // effects in synthetic_nma_1500s_80t_true_effects.csv, tau = 0.2 with rho = 0.5). No reference
  // software: checks that the 95% random-effects CIs versus T01 cover the true MD for at least 90%
  // of the 79 treatments, that tau is near 0.2, and that DL and REML both run on a large network.
  const NmaInput in = synthetic_network("synthetic_nma_1500s_80t.csv");
  const auto truth = read_columns("synthetic_nma_1500s_80t_true_effects.csv");
  for (const Tau2Method method : {Tau2Method::DL, Tau2Method::REML}) {
    SCOPED_TRACE(to_string(method));
    NmaOptions o;
    o.tau2_method = method;
    o.reference = "T01";
    const NmaResult r = network_meta_analysis(in, o);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r.treatments.size(), 80u);
    EXPECT_EQ(r.studies, 1500u);
    EXPECT_NEAR(r.tau, 0.2, 0.05);
    const auto ref = static_cast<Eigen::Index>(r.treatment_index("T01"));
    std::size_t covered = 0;
    for (std::size_t i = 0; i < truth.at("treatment").size(); ++i) {
      const auto t = static_cast<Eigen::Index>(r.treatment_index(truth.at("treatment")[i]));
      if (t == ref) continue;
      const double d = std::stod(truth.at("true_md_vs_T01")[i]);
      if (r.random.lower(t, ref) <= d && d <= r.random.upper(t, ref)) ++covered;
    }
    EXPECT_GE(covered, 72u);
  }
}

TEST(NetworkMetaAnalysis, JsonHasTheIssueKeys) {
  const NmaResult r = fit_file("nma_Senn2013_MD.json");
  const nlohmann::json j = to_json(r);
  for (const char* k :
       {"treatments", "common", "random", "tau2", "tau", "I2", "I2_lower", "I2_upper", "Q", "Q_df", "Q_p_value",
        "Q_heterogeneity", "Q_inconsistency", "comparisons_data", "subnetworks", "excluded", "diagnostics"})
    EXPECT_TRUE(j.contains(k)) << k;
  for (const char* k : {"TE", "seTE", "lower", "upper", "pval"}) EXPECT_TRUE(j["common"].contains(k)) << k;
  EXPECT_TRUE(j["common"]["statistic"][0][0].is_null());  // NaN diagonal
  EXPECT_EQ(j["Q_heterogeneity"]["df"], 11.0);
  EXPECT_EQ(j["treatments"][0], "acar");
}

TEST(TreatmentOrder, FollowsRSortInAnEnglishLocale) {
  // netmeta trts of Woods2010 and Linde2016 (R sort(), en_US.UTF-8)
  std::vector<std::string> v = {"SFC", "Salmeterol", "Placebo", "Fluticasone"};
  std::sort(v.begin(), v.end(), treatment_less);
  EXPECT_EQ(v, (std::vector<std::string>{"Fluticasone", "Placebo", "Salmeterol", "SFC"}));
  v = {"rMAO-A", "Remote CBT", "NRI", "No contact CBT", "Face-to-face PST", "Face-to-face interpsy"};
  std::sort(v.begin(), v.end(), treatment_less);
  EXPECT_EQ(v, (std::vector<std::string>{"Face-to-face interpsy", "Face-to-face PST", "No contact CBT", "NRI",
                                         "Remote CBT", "rMAO-A"}));
}

}  // namespace
}  // namespace evident
