// Evidence flow (netmeasures) and net heat (netheat) against (a) R netmeta 3.4-0 output stored in
// tests/reference/nma_*.json (netsplit prop.common / prop.random; decomp.design Q.inc.design and
// residuals.inc.detach) and (b) the base-R implementation of the papers' formulas in
// tests/reference/scripts/nma_flow.R (tests/reference/nma_flow_*.json), plus invariants.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "evident/network/evidence_flow.hpp"
#include "evident/network/netsplit.hpp"
#include "evident/network/nma.hpp"
#include "evident_test.hpp"
#include "network_fixtures.hpp"

namespace evident {
namespace {

using namespace evident::test;  // NOLINT: fixtures

// Closed-form linear algebra on both sides: agreement to rounding, 1e-10 relative (absolute below 1).
constexpr double kTol = 1e-10;

const std::vector<std::string> kDatasets = {"Senn2013_MD", "Linde2016_OR", "Woods2010_OR"};

NmaResult nma_of(const std::string& dataset) {
  const nlohmann::json ref = load_reference("nma_" + dataset + ".json");
  return network_meta_analysis(nma_input_of(ref), options_for(ref.at("netmeta_DL")));
}

void expect_matrix_rows(const nlohmann::json& ref, const Eigen::MatrixXd& got, const std::string& what) {
  ASSERT_EQ(static_cast<std::size_t>(got.rows()), ref.size()) << what;
  for (std::size_t i = 0; i < ref.size(); ++i) {
    ASSERT_EQ(static_cast<std::size_t>(got.cols()), ref.at(i).size()) << what;
    for (std::size_t j = 0; j < ref.at(i).size(); ++j)
      EXPECT_REL(ref_number(ref.at(i).at(j)), got(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)), kTol)
          << what << " [" << i << ", " << j << "]";
  }
}

void expect_vector(const nlohmann::json& ref, const std::vector<double>& got, const std::string& what) {
  ASSERT_EQ(got.size(), ref.size()) << what;
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_REL(ref_number(ref.at(i)), got[i], kTol) << what << " " << i;
}

// (a) netmeta: the direct evidence proportion is netsplit's prop.common / prop.random (netsplit turns
// comparisons holding the reference; netmeasures does not, so match by the pair of treatments).
TEST(EvidenceFlow, ProportionEqualsNetmetaNetsplit) {
  for (const std::string& name : kDatasets) {
    SCOPED_TRACE(name);
    const nlohmann::json ns = load_reference("nma_" + name + ".json").at("netsplit").at("Back-calculation");
    const NmaResult nma = nma_of(name);
    ASSERT_TRUE(nma.ok());
    for (const bool random : {false, true}) {
      const EvidenceFlow f = evidence_flow(nma, random);
      ASSERT_TRUE(f.ok());
      const nlohmann::json& prop = ns.at(random ? "prop.random" : "prop.common");
      std::map<std::set<std::string>, double> want;
      for (std::size_t i = 0; i < prop.size(); ++i) {
        const std::string c = ns.at("comparison").at(i).get<std::string>();
        const std::size_t colon = c.find(':');  // no treatment name of these datasets holds ':'
        want[{c.substr(0, colon), c.substr(colon + 1)}] = ref_number(prop.at(i));
      }
      ASSERT_EQ(f.rows.size(), want.size());
      for (const EvidenceFlowRow& r : f.rows)
        EXPECT_REL(want.at({r.treat1, r.treat2}), r.direct_proportion, kTol) << r.comparison << " random " << random;
    }
  }
}

// (b) the base-R implementation (nma_flow.R): every measure and H.tilde, both models.
TEST(EvidenceFlow, MatchesIndependentImplementation) {
  for (const std::string& name : kDatasets) {
    SCOPED_TRACE(name);
    const nlohmann::json ref = load_reference("nma_flow_" + name + ".json");
    const NmaResult nma = nma_of(name);
    for (const bool random : {false, true}) {
      const nlohmann::json& nm = ref.at("netmeasures").at(random ? "random" : "common");
      const EvidenceFlow f = evidence_flow(nma, random);
      ASSERT_TRUE(f.ok());
      EXPECT_REL(ref_number(nm.at("tau2")), f.tau2, kTol);
      ASSERT_EQ(f.rows.size(), nm.at("comparison").size());
      for (std::size_t i = 0; i < f.rows.size(); ++i) {
        const EvidenceFlowRow& r = f.rows[i];
        EXPECT_EQ(r.comparison, nm.at("comparison").at(i).get<std::string>());
        EXPECT_REL(ref_number(nm.at("proportion").at(i)), r.direct_proportion, kTol) << r.comparison;
        EXPECT_REL(ref_number(nm.at("meanpath").at(i)), r.mean_path_length, kTol) << r.comparison;
        EXPECT_REL(ref_number(nm.at("minpar").at(i)), r.minimal_parallelism, kTol) << r.comparison;
        EXPECT_REL(ref_number(nm.at("minpar.study").at(i)), r.minimal_parallelism_study, kTol) << r.comparison;
      }
      // column order: netmeta's sorted design names (netmeta_DL$designs)
      EXPECT_EQ(f.designs, nm.at("designs").get<std::vector<std::string>>());
      expect_matrix_rows(nm.at("H.tilde"), f.H_tilde, name + " H.tilde");
    }
  }
}

// (a) netmeta decomp.design(): Q.inc.design and residuals.inc.detach (common-effect model), row names.
TEST(NetHeat, IntermediatesMatchNetmetaDecompDesign) {
  for (const std::string& name : kDatasets) {
    SCOPED_TRACE(name);
    const nlohmann::json dd = load_reference("nma_" + name + ".json").at("decomp.design");
    const NetHeat h = net_heat(nma_of(name));
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(h.all_designs, dd.at("Q.inc.design").at("design").get<std::vector<std::string>>());
    EXPECT_EQ(h.all_designs, dd.at("residuals.inc.detach").at("rownames").get<std::vector<std::string>>());
    expect_vector(dd.at("Q.inc.design").at("Q"), h.Q_inconsistency_all, "Q.inc.design");
    expect_matrix_rows(dd.at("residuals.inc.detach").at("data"), h.residuals, "residuals.inc.detach");
  }
}

// (b) the base-R implementation: the displayed matrices, both models (random: tau_within).
TEST(NetHeat, MatchesIndependentImplementation) {
  for (const std::string& name : kDatasets) {
    SCOPED_TRACE(name);
    const nlohmann::json ref = load_reference("nma_flow_" + name + ".json");
    const NmaResult nma = nma_of(name);
    for (const bool random : {false, true}) {
      const nlohmann::json& nh = ref.at("netheat").at(random ? "random" : "common");
      NetHeatOptions o;
      o.random = random;
      const NetHeat h = net_heat(nma, o);
      ASSERT_TRUE(h.ok());
      EXPECT_REL(ref_number(nh.at("tau")), h.tau, kTol);
      expect_vector(nh.at("Q_inconsistency_all"), h.Q_inconsistency_all, "Q_inconsistency_all");
      expect_matrix_rows(nh.at("residuals"), h.residuals, "residuals");
      EXPECT_EQ(h.all_comparisons, nh.at("all_comparisons").get<std::vector<std::string>>());
      ASSERT_EQ(h.available, nh.at("available").get<bool>());
      if (!h.available) {
        EXPECT_EQ(h.change.size(), 0);
        continue;
      }
      EXPECT_EQ(h.designs, nh.at("designs").get<std::vector<std::string>>());
      EXPECT_EQ(h.comparisons, nh.at("comparisons").get<std::vector<std::string>>());
      EXPECT_EQ(h.labels, nh.at("labels").get<std::vector<std::string>>());
      EXPECT_EQ(h.dropped_designs, nh.at("dropped_designs").get<std::vector<std::string>>());
      expect_vector(nh.at("Q_inconsistency"), h.Q_inconsistency, "Q_inconsistency");
      expect_matrix_rows(nh.at("change"), h.change, "change");
      expect_matrix_rows(nh.at("size"), h.size, "size");
    }
  }
}

// Woods2010 has two designs: netheat() draws nothing (a warning says why).
TEST(NetHeat, TwoDesignsAreNotAvailable) {
  const NetHeat h = net_heat(nma_of("Woods2010_OR"));
  ASSERT_TRUE(h.ok());
  EXPECT_FALSE(h.available);
  ASSERT_FALSE(h.diagnostics.empty());
  EXPECT_EQ(h.diagnostics.items().front().code, "netheat-few-designs");
  EXPECT_EQ(h.change.size(), 0);
}

// The diagonal of the colour matrix is minus the row's inconsistency contribution (detaching a design
// frees its own residuals), and the sizes of a row's own column equal the hat matrix diagonal.
TEST(NetHeat, DiagonalIsMinusOwnContribution) {
  const NetHeat h = net_heat(nma_of("Senn2013_MD"));
  ASSERT_TRUE(h.available);
  for (Eigen::Index i = 0; i < h.change.rows(); ++i)
    EXPECT_REL(-h.Q_inconsistency[static_cast<std::size_t>(i)], h.change(i, i), 1e-12)
        << h.labels[static_cast<std::size_t>(i)];
}

NmaInput make_input(const std::vector<std::tuple<std::string, std::string, std::string, double, double>>& rows) {
  NmaInput in;
  for (const auto& [s, a, b, te, se] : rows) in.contrasts.push_back(NmaContrast{s, a, b, te, se, {}});
  return in;
}

// One comparison: all evidence is direct and flows through one design.
TEST(EvidenceFlow, SingleComparison) {
  const NmaResult nma = network_meta_analysis(
      make_input({{"s1", "A", "B", 0.3, 0.2}, {"s2", "A", "B", 0.1, 0.3}, {"s3", "A", "B", -0.2, 0.25}}));
  ASSERT_TRUE(nma.ok());
  for (const bool random : {false, true}) {
    const EvidenceFlow f = evidence_flow(nma, random);
    ASSERT_TRUE(f.ok());
    ASSERT_EQ(f.rows.size(), 1u);
    EXPECT_REL(1.0, f.rows[0].direct_proportion, 1e-12);
    EXPECT_REL(1.0, f.rows[0].mean_path_length, 1e-12);
    EXPECT_REL(1.0, f.rows[0].minimal_parallelism, 1e-12);
    // three parallel studies: the most influential one (s1, se 0.2) carries its inverse-variance share
    const double t2 = random ? nma.tau2 : 0.0;
    const double w[3] = {1 / (0.04 + t2), 1 / (0.09 + t2), 1 / (0.0625 + t2)};
    EXPECT_REL((w[0] + w[1] + w[2]) / w[0], f.rows[0].minimal_parallelism_study, 1e-12);
  }
}

// A tree (no loop): every comparison with direct evidence is all direct (proportion 1, path 1); the
// others are serial chains (proportion 0, mean path = number of edges, minimal parallelism 1).
TEST(EvidenceFlow, TreeNetwork) {
  const NmaResult nma = network_meta_analysis(make_input({{"s1", "A", "B", 0.3, 0.2},
                                                          {"s2", "B", "C", 0.1, 0.3},
                                                          {"s3", "B", "C", 0.2, 0.4},
                                                          {"s4", "C", "D", -0.2, 0.25}}));
  ASSERT_TRUE(nma.ok());
  const EvidenceFlow f = evidence_flow(nma);
  ASSERT_TRUE(f.ok());
  const std::map<std::string, double> path = {{"A:B", 1}, {"A:C", 2}, {"A:D", 3}, {"B:C", 1}, {"B:D", 2}, {"C:D", 1}};
  ASSERT_EQ(f.rows.size(), 6u);
  for (const EvidenceFlowRow& r : f.rows) {
    const double p = path.at(r.comparison);
    EXPECT_REL(p == 1 ? 1.0 : 0.0, r.direct_proportion, 1e-12) << r.comparison;
    EXPECT_REL(p, r.mean_path_length, 1e-12) << r.comparison;
    EXPECT_REL(1.0, r.minimal_parallelism, 1e-12) << r.comparison;
  }
  // no loop: no net heat matrix
  const NetHeat h = net_heat(nma);
  ASSERT_TRUE(h.ok());
  EXPECT_FALSE(h.available);
  EXPECT_TRUE(h.designs.empty());
  EXPECT_EQ(h.change.size(), 0);
  for (const double q : h.Q_inconsistency_all) EXPECT_NEAR(0.0, q, 1e-20);
}

// A network with inconsistency df = 0 on more than two designs (a tree of designs) and a single loop
// (df = 1): netheat() gives nothing.
TEST(NetHeat, NoInconsistencyDfGivesNothing) {
  const NmaResult loop = network_meta_analysis(make_input({{"s1", "A", "B", 0.3, 0.2},
                                                           {"s2", "B", "C", 0.1, 0.3},
                                                           {"s3", "A", "C", 0.2, 0.4},
                                                           {"s4", "C", "D", -0.2, 0.25}}));
  ASSERT_TRUE(loop.ok());
  EXPECT_EQ(loop.Q_inconsistency_df, 1.0);
  const NetHeat h = net_heat(loop);
  EXPECT_FALSE(h.available);
  EXPECT_EQ(h.diagnostics.items().front().code, "netheat-no-loops-after-detaching");
  EXPECT_EQ(to_json(h).at("change").size(), 0u);
}

// Relabelling treatments permutes the rows (and renames the designs) but changes no number.
TEST(EvidenceFlow, RelabellingPermutesResults) {
  const nlohmann::json ref = load_reference("nma_Senn2013_MD.json");
  NmaInput in = nma_input_of(ref);
  const NmaResult a = network_meta_analysis(in);
  const std::map<std::string, std::string> rename = {{"acar", "zz_acar"}, {"plac", "aa_plac"}, {"metf", "mm"}};
  for (NmaContrast& c : in.contrasts) {
    if (rename.count(c.treat1)) c.treat1 = rename.at(c.treat1);
    if (rename.count(c.treat2)) c.treat2 = rename.at(c.treat2);
  }
  const NmaResult b = network_meta_analysis(in);
  const EvidenceFlow fa = evidence_flow(a, true), fb = evidence_flow(b, true);
  ASSERT_TRUE(fa.ok() && fb.ok());
  auto back = [&](const std::string& t) {
    for (const auto& [from, to] : rename)
      if (to == t) return from;
    return t;
  };
  std::map<std::set<std::string>, const EvidenceFlowRow*> rows_b;
  for (const EvidenceFlowRow& r : fb.rows) rows_b[{back(r.treat1), back(r.treat2)}] = &r;
  ASSERT_EQ(rows_b.size(), fa.rows.size());
  for (const EvidenceFlowRow& r : fa.rows) {
    const EvidenceFlowRow& o = *rows_b.at({r.treat1, r.treat2});
    EXPECT_REL(r.direct_proportion, o.direct_proportion, 1e-10) << r.comparison;
    EXPECT_REL(r.mean_path_length, o.mean_path_length, 1e-10) << r.comparison;
    EXPECT_REL(r.minimal_parallelism, o.minimal_parallelism, 1e-10) << r.comparison;
    EXPECT_REL(r.minimal_parallelism_study, o.minimal_parallelism_study, 1e-10) << r.comparison;
  }
  // H.tilde sums per row are path lengths; total flow through each design (a column sum) is invariant
  std::vector<double> ca(static_cast<std::size_t>(fa.H_tilde.cols())), cb = ca;
  for (Eigen::Index j = 0; j < fa.H_tilde.cols(); ++j) {
    ca[static_cast<std::size_t>(j)] = fa.H_tilde.col(j).sum();
    cb[static_cast<std::size_t>(j)] = fb.H_tilde.col(j).sum();
  }
  std::sort(ca.begin(), ca.end());
  std::sort(cb.begin(), cb.end());
  for (std::size_t j = 0; j < ca.size(); ++j) EXPECT_REL(ca[j], cb[j], 1e-10);
}

// Study order (and the orientation of each contrast) does not matter.
TEST(EvidenceFlow, StudyOrderDoesNotMatter) {
  const nlohmann::json ref = load_reference("nma_Linde2016_OR.json");
  NmaInput in = nma_input_of(ref);
  const NmaOptions o = options_for(ref.at("netmeta_DL"));
  const NmaResult a = network_meta_analysis(in, o);
  std::reverse(in.contrasts.begin(), in.contrasts.end());
  for (std::size_t i = 0; i < in.contrasts.size(); i += 2) {
    std::swap(in.contrasts[i].treat1, in.contrasts[i].treat2);
    in.contrasts[i].te = -in.contrasts[i].te;
  }
  const NmaResult b = network_meta_analysis(in, o);
  const EvidenceFlow fa = evidence_flow(a), fb = evidence_flow(b);
  ASSERT_EQ(fa.rows.size(), fb.rows.size());
  for (std::size_t i = 0; i < fa.rows.size(); ++i) {
    EXPECT_EQ(fa.rows[i].comparison, fb.rows[i].comparison);
    EXPECT_REL(fa.rows[i].mean_path_length, fb.rows[i].mean_path_length, 1e-10);
    EXPECT_REL(fa.rows[i].minimal_parallelism_study, fb.rows[i].minimal_parallelism_study, 1e-10);
  }
  EXPECT_EQ(fa.designs, fb.designs);
  const NetHeat ha = net_heat(a), hb = net_heat(b);
  ASSERT_TRUE(ha.available && hb.available);
  EXPECT_EQ(ha.labels, hb.labels);
  for (Eigen::Index i = 0; i < ha.change.rows(); ++i)
    for (Eigen::Index j = 0; j < ha.change.cols(); ++j) {
      EXPECT_REL(ha.change(i, j), hb.change(i, j), 1e-9);
      EXPECT_REL(ha.size(i, j), hb.size(i, j), 1e-10);
    }
}

TEST(EvidenceFlow, FailedNetworkGivesAnError) {
  const NmaResult bad = network_meta_analysis(NmaInput{});
  const EvidenceFlow f = evidence_flow(bad);
  EXPECT_FALSE(f.ok());
  EXPECT_EQ(to_json(f).at("diagnostics").at(0).at("code"), "flow-no-network");
  const NetHeat h = net_heat(bad);
  EXPECT_FALSE(h.ok());
  EXPECT_EQ(to_json(h).at("diagnostics").at(0).at("code"), "netheat-no-network");
  NetHeatOptions o;
  o.tau_preset = -1.0;
  EXPECT_EQ(net_heat(nma_of("Senn2013_MD"), o).diagnostics.items().front().code, "netheat-invalid-tau");
}

// tau_preset = 0 is the common-effect matrix (labelled random).
TEST(NetHeat, TauPresetZeroIsCommon) {
  const NmaResult nma = nma_of("Senn2013_MD");
  NetHeatOptions o;
  o.tau_preset = 0.0;
  const NetHeat r = net_heat(nma, o), c = net_heat(nma);
  EXPECT_TRUE(r.random);
  ASSERT_EQ(r.change.rows(), c.change.rows());
  EXPECT_LT((r.change - c.change).cwiseAbs().maxCoeff(), 1e-12);
}

TEST(EvidenceFlow, JsonNames) {
  const NmaResult nma = nma_of("Senn2013_MD");
  const nlohmann::json f = to_json(evidence_flow(nma));
  ASSERT_EQ(f.at("rows").size(), 45u);
  for (const char* key : {"comparison", "treat1", "treat2", "direct_proportion", "mean_path_length",
                          "minimal_parallelism", "minimal_parallelism_study"})
    EXPECT_TRUE(f.at("rows").at(0).contains(key)) << key;
  EXPECT_EQ(f.at("H_tilde").size(), 45u);
  EXPECT_EQ(f.at("H_tilde").at(0).size(), f.at("designs").size());
  const nlohmann::json h = to_json(net_heat(nma));
  for (const char* key : {"random", "tau", "available", "all_designs", "residuals", "designs", "labels", "change",
                          "size", "dropped_designs", "diagnostics"})
    EXPECT_TRUE(h.contains(key)) << key;
}

}  // namespace
}  // namespace evident
