// Design-based decomposition of Q against R netmeta 3.4-0 decomp.design() (tests/reference/nma_*.json,
// key `decomp.design`).
#include <cmath>
#include <string>
#include <vector>

#include "evident/network/decomposition.hpp"
#include "evident/network/nma.hpp"
#include "evident_test.hpp"
#include "network_fixtures.hpp"

namespace evident {
namespace {

using namespace evident::test;  // NOLINT: fixtures

// netmeta 3.4-0 (R 4.2) decomp.design() on netmeta(..., method.tau = "DL"): closed-form linear
// algebra, agreement to rounding: 1e-10 relative (absolute below 1).
constexpr double kTol = 1e-10;

void expect_designs(const nlohmann::json& ref, const std::vector<DesignQ>& got, const std::string& what) {
  ASSERT_EQ(got.size(), ref.at("design").size()) << what;
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].design, ref.at("design").at(i).get<std::string>()) << what;
    EXPECT_REL(ref_number(ref.at("Q").at(i)), got[i].Q, kTol) << what << " " << got[i].design;
    EXPECT_REL(ref_number(ref.at("df").at(i)), got[i].df, 0.0) << what << " " << got[i].design;
    EXPECT_REL(ref_number(ref.at("pval").at(i)), got[i].p_value, kTol) << what << " " << got[i].design;
  }
}

TEST(DesignDecomposition, MatchesNetmetaOnEveryReference) {
  int checked = 0;
  for (const std::string& file : nma_reference_files()) {
    const nlohmann::json ref = load_reference(file);
    if (!ref.contains("decomp.design")) continue;
    SCOPED_TRACE(file);
    const nlohmann::json& dd = ref.at("decomp.design");
    const NmaResult nma = network_meta_analysis(nma_input_of(ref), options_for(ref.at("netmeta_DL")));
    ASSERT_TRUE(nma.ok());
    const DesignDecomposition r = decompose_designs(nma);
    ASSERT_TRUE(r.ok()) << to_json(r).dump(2);
    for (const auto& d : r.diagnostics.items()) EXPECT_NE(d.severity, Severity::warning) << format_diagnostic(d);

    const nlohmann::json& qd = dd.at("Q.decomp");
    const NmaHeterogeneityPart* parts[] = {&r.total, &r.within, &r.between};
    for (std::size_t i = 0; i < 3; ++i) {
      EXPECT_REL(ref_number(qd.at("Q").at(i)), parts[i]->Q, kTol) << i;
      EXPECT_REL(ref_number(qd.at("df").at(i)), parts[i]->df, 0.0) << i;
      EXPECT_REL(ref_number(qd.at("pval").at(i)), parts[i]->p_value, kTol) << i;
    }
    expect_designs(dd.at("Q.het.design"), r.within_by_design, file + " Q.het.design");
    expect_designs(dd.at("Q.inc.detach"), r.between_after_detach, file + " Q.inc.detach");
    const nlohmann::json& qr = dd.at("Q.inc.random");
    EXPECT_REL(ref_number(qr.at("Q").at(0)), r.between_random.Q, kTol);
    EXPECT_REL(ref_number(qr.at("df").at(0)), r.between_random.df, 0.0);
    EXPECT_REL(ref_number(qr.at("pval").at(0)), r.between_random.p_value, kTol);
    EXPECT_REL(ref_number(qr.at("tau.within").at(0)), r.tau_within, kTol);
    ++checked;
  }
  EXPECT_EQ(checked, 3);  // Senn2013, Linde2016, Woods2010
}

// Within-design Q parts add up to the NMA's Q_heterogeneity; study order does not matter.
TEST(DesignDecomposition, PartsAddUpAndStudyOrderDoesNotMatter) {
  const nlohmann::json ref = load_reference("nma_Linde2016_OR.json");
  NmaInput in = nma_input_of(ref);
  const NmaOptions o = options_for(ref.at("netmeta_DL"));
  const DesignDecomposition a = decompose_designs(network_meta_analysis(in, o));
  double sum = 0.0;
  for (const DesignQ& d : a.within_by_design) sum += d.Q;
  EXPECT_REL(a.within.Q, sum, 1e-10);
  std::reverse(in.contrasts.begin(), in.contrasts.end());
  const DesignDecomposition b = decompose_designs(network_meta_analysis(in, o));
  ASSERT_EQ(a.between_after_detach.size(), b.between_after_detach.size());
  for (std::size_t i = 0; i < a.between_after_detach.size(); ++i) {
    EXPECT_EQ(a.between_after_detach[i].design, b.between_after_detach[i].design);
    EXPECT_REL(a.between_after_detach[i].Q, b.between_after_detach[i].Q, 1e-9);
  }
  EXPECT_REL(a.between_random.Q, b.between_random.Q, 1e-9);
}

TEST(DesignDecomposition, SingleDesignIsAnError) {
  NmaInput in;
  in.contrasts = {{"s1", "A", "B", 0.1, 0.2, {}}, {"s2", "A", "B", 0.3, 0.25, {}}};
  const DesignDecomposition r = decompose_designs(network_meta_analysis(in));
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(to_json(r).at("diagnostics").at(0).at("code"), "decomposition-single-design");
}

}  // namespace
}  // namespace evident
