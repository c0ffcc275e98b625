// Direct / indirect evidence (netsplit) against R netmeta 3.4-0 netsplit() (tests/reference/nma_*.json,
// key `netsplit`), plus invariants.
#include <cmath>
#include <string>
#include <vector>

#include "evident/network/netsplit.hpp"
#include "evident/network/nma.hpp"
#include "evident_test.hpp"
#include "network_fixtures.hpp"

namespace evident {
namespace {

using namespace evident::test;  // NOLINT: fixtures

// netmeta 3.4-0 (R 4.2) netsplit() on netmeta(..., method.tau = "DL"); closed-form linear algebra
// (SIDDE: refits of the network), so agreement is to rounding: 1e-10 relative (absolute below 1).
constexpr double kTol = 1e-10;

void expect_model(const nlohmann::json& ns, const std::string& model, const NetsplitModel& got,
                  const std::string& what) {
  const nlohmann::json& dir = ns.at("direct." + model);
  const nlohmann::json& ind = ns.at("indirect." + model);
  const nlohmann::json& cmp = ns.at("compare." + model);
  const nlohmann::json& prop = ns.at("prop." + model);
  const nlohmann::json& comparison = ns.at("comparison");
  ASSERT_EQ(got.rows.size(), comparison.size()) << what;
  for (std::size_t i = 0; i < got.rows.size(); ++i) {
    const NetsplitRow& r = got.rows[i];
    const std::string w = what + " " + model + " " + r.comparison;
    EXPECT_EQ(r.comparison, comparison.at(i).get<std::string>()) << w;
    EXPECT_EQ(r.k, ns.at("k").at(i).get<std::size_t>()) << w;
    EXPECT_REL(ref_number(prop.at(i)), r.direct_proportion, kTol) << w;
    EXPECT_REL(ref_number(dir.at("TE").at(i)), r.direct, kTol) << w << " direct";
    EXPECT_REL(ref_number(dir.at("seTE").at(i)), r.direct_se, kTol) << w << " direct_se";
    EXPECT_REL(ref_number(ind.at("TE").at(i)), r.indirect, kTol) << w << " indirect";
    EXPECT_REL(ref_number(ind.at("seTE").at(i)), r.indirect_se, kTol) << w << " indirect_se";
    EXPECT_REL(ref_number(cmp.at("TE").at(i)), r.difference, kTol) << w << " difference";
    EXPECT_REL(ref_number(cmp.at("seTE").at(i)), r.difference_se, kTol) << w << " difference_se";
    EXPECT_REL(ref_number(cmp.at("z").at(i)), r.z, kTol) << w << " z";
    EXPECT_REL(ref_number(cmp.at("p").at(i)), r.p_value, kTol) << w << " p";
  }
}

TEST(Netsplit, MatchesNetmetaOnEveryReference) {
  int checked = 0;
  for (const std::string& file : nma_reference_files()) {
    const nlohmann::json ref = load_reference(file);
    if (!ref.contains("netsplit")) continue;
    SCOPED_TRACE(file);
    const nlohmann::json& net = ref.at("netmeta_DL");
    const NmaResult nma = network_meta_analysis(nma_input_of(ref), options_for(net));
    ASSERT_TRUE(nma.ok());
    for (const auto& [name, method] :
         {std::pair{"Back-calculation", NetsplitMethod::back_calculation}, std::pair{"SIDDE", NetsplitMethod::sidde}}) {
      const nlohmann::json& ns = ref.at("netsplit").at(name);
      const NetsplitResult r = netsplit(nma, method);
      ASSERT_TRUE(r.ok());
      for (const auto& d : r.diagnostics.items()) EXPECT_NE(d.severity, Severity::warning) << format_diagnostic(d);
      EXPECT_REL(ref_number(ns.at("tau")), std::sqrt(r.tau2), kTol);
      expect_model(ns, "common", r.common, file + " " + name);
      expect_model(ns, "random", r.random, file + " " + name);
      ++checked;
    }
  }
  EXPECT_EQ(checked, 6);  // Senn2013, Linde2016, Woods2010 x two methods
}

// The k x k direct matrices against netmeta's TE.direct / seTE.direct as returned by netsplit (both
// orientations of each comparison).
TEST(Netsplit, DirectMatrixIsAntisymmetricAndMatchesRows) {
  const nlohmann::json ref = load_reference("nma_Senn2013_MD.json");
  const NmaResult nma = network_meta_analysis(nma_input_of(ref), options_for(ref.at("netmeta_DL")));
  const NetsplitResult r = netsplit(nma);
  ASSERT_TRUE(r.ok());
  const DirectEstimates& d = r.common.direct;
  for (const NetsplitRow& row : r.common.rows) {
    const auto a = static_cast<Eigen::Index>(nma.treatment_index(row.treat1));
    const auto b = static_cast<Eigen::Index>(nma.treatment_index(row.treat2));
    EXPECT_EQ(static_cast<std::size_t>(d.k(a, b)), row.k);
    if (row.k == 0) {
      EXPECT_TRUE(std::isnan(d.TE(a, b)) && std::isnan(d.TE(b, a)));
      continue;
    }
    EXPECT_REL(row.direct, d.TE(a, b), 1e-15);
    EXPECT_REL(-row.direct, d.TE(b, a), 1e-15);
    EXPECT_REL(d.seTE(a, b), d.seTE(b, a), 1e-15);
  }
}

// Back-calculation identity: the network estimate is the inverse-variance combination of the direct
// and indirect estimates (Dias et al. 2010), for every comparison with both.
TEST(Netsplit, NetworkIsInverseVarianceMixOfDirectAndIndirect) {
  const nlohmann::json ref = load_reference("nma_Linde2016_OR.json");
  const NmaResult nma = network_meta_analysis(nma_input_of(ref), options_for(ref.at("netmeta_DL")));
  const NetsplitResult r = netsplit(nma);
  int both = 0;
  for (const NetsplitModel* m : {&r.common, &r.random})
    for (const NetsplitRow& row : m->rows) {
      if (!std::isfinite(row.direct) || !std::isfinite(row.indirect)) continue;
      ++both;
      const double wd = 1.0 / (row.direct_se * row.direct_se), wi = 1.0 / (row.indirect_se * row.indirect_se);
      EXPECT_REL(row.nma, (wd * row.direct + wi * row.indirect) / (wd + wi), 1e-10) << row.comparison;
      EXPECT_REL(row.nma_se, 1.0 / std::sqrt(wd + wi), 1e-10) << row.comparison;
    }
  EXPECT_GT(both, 10);
}

// Reversing the input contrasts changes nothing (netmeta orientation is restored).
TEST(Netsplit, ReversedContrastsGiveTheSameSplit) {
  const nlohmann::json ref = load_reference("nma_Senn2013_MD.json");
  NmaInput in = nma_input_of(ref);
  const NmaOptions o = options_for(ref.at("netmeta_DL"));
  const NetsplitResult a = netsplit(network_meta_analysis(in, o), NetsplitMethod::sidde);
  for (NmaContrast& c : in.contrasts) {
    std::swap(c.treat1, c.treat2);
    c.te = -c.te;
  }
  const NetsplitResult b = netsplit(network_meta_analysis(in, o), NetsplitMethod::sidde);
  ASSERT_EQ(a.random.rows.size(), b.random.rows.size());
  for (std::size_t i = 0; i < a.random.rows.size(); ++i) {
    EXPECT_EQ(a.random.rows[i].comparison, b.random.rows[i].comparison);
    EXPECT_REL(a.random.rows[i].indirect, b.random.rows[i].indirect, 1e-12);
    EXPECT_REL(a.random.rows[i].difference, b.random.rows[i].difference, 1e-12);
  }
}

TEST(Netsplit, FailedNetworkGivesAnError) {
  const NmaResult bad = network_meta_analysis(NmaInput{});
  const NetsplitResult r = netsplit(bad);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(r.common.rows.empty());
  EXPECT_EQ(to_json(r).at("diagnostics").at(0).at("code"), "netsplit-no-network");
}

TEST(Netsplit, JsonHasIssueFourNames) {
  const nlohmann::json ref = load_reference("nma_Woods2010_OR.json");
  const NmaResult nma = network_meta_analysis(nma_input_of(ref), options_for(ref.at("netmeta_DL")));
  const nlohmann::json j = to_json(netsplit(nma));
  for (const char* model : {"common", "random"}) {
    ASSERT_EQ(j.at(model).at("rows").size(), 6u) << model;
    for (const auto& row : j.at(model).at("rows"))
      for (const char* key :
           {"comparison", "direct", "direct_se", "indirect", "indirect_se", "difference", "difference_se", "p_value"})
        EXPECT_TRUE(row.contains(key)) << model << " " << key;
  }
  EXPECT_EQ(j.at("common").at("rows").at(0).at("comparison"), "Placebo:Fluticasone");
}

}  // namespace
}  // namespace evident
