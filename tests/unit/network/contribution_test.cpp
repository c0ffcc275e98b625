// Contribution matrix (netmeta netcontrib parity): the aggregated hat matrix, random-walk and
// shortest-path contributions and study contributions against tests/reference/netcontrib_*.json, plus
// hand-derived examples and invariants.
#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "evident/core/diagnostic_json.hpp"
#include "evident/network/contribution.hpp"
#include "evident/network/nma.hpp"
#include "evident_test.hpp"
#include "network_fixtures.hpp"

namespace evident {
namespace {

using namespace evident::test;  // NOLINT: fixtures

// Reference: tests/reference/scripts/nma_contrib.R, an independent base-R implementation of the papers'
// definitions (all paths enumerated for the random walk; netmeta's greedy shortest-path algorithm),
// on netmeta 3.4-0's comparisons data. Closed-form linear algebra on both sides: 1e-10 (all values are
// proportions, so this is an absolute tolerance).
constexpr double kTol = 1e-10;

NmaContrast contrast(const std::string& study, const std::string& t1, const std::string& t2, double te, double se) {
  NmaContrast c;
  c.study = study;
  c.treat1 = t1;
  c.treat2 = t2;
  c.te = te;
  c.se = se;
  return c;
}

void expect_rows(const nlohmann::json& ref, const Eigen::MatrixXd& got, const std::string& what) {
  ASSERT_EQ(static_cast<std::size_t>(got.rows()), ref.size()) << what;
  for (std::size_t i = 0; i < ref.size(); ++i) {
    ASSERT_EQ(static_cast<std::size_t>(got.cols()), ref.at(i).size()) << what;
    for (std::size_t j = 0; j < ref.at(i).size(); ++j)
      EXPECT_REL(ref_number(ref.at(i).at(j)), got(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)), kTol)
          << what << " [" << i << ", " << j << "]";
  }
}

double row_sum_error(const Eigen::MatrixXd& m) {
  double worst = 0.0;
  for (Eigen::Index i = 0; i < m.rows(); ++i) worst = std::max(worst, std::fabs(m.row(i).sum() - 1.0));
  return worst;
}

TEST(Contribution, MatchesReferenceOnEveryDataset) {
  int checked = 0;
  for (const std::string ds : {"Senn2013_MD", "Linde2016_OR", "Woods2010_OR"}) {
    SCOPED_TRACE(ds);
    const nlohmann::json nref = load_reference("nma_" + ds + ".json");
    const nlohmann::json cref = load_reference("netcontrib_" + ds + ".json");
    const NmaResult nma = network_meta_analysis(nma_input_of(nref), options_for(nref.at("netmeta_DL")));
    ASSERT_TRUE(nma.ok());
    for (const auto& [model_name, model] :
         {std::pair{"common", NmaModelKind::common}, std::pair{"random", NmaModelKind::random}}) {
      const nlohmann::json& ref = cref.at(model_name);
      for (const auto& [key, method] : {std::pair{"random_walk", ContributionMethod::random_walk},
                                        std::pair{"shortest_path", ContributionMethod::shortest_path}}) {
        const std::string what = std::string(ds) + " " + model_name + " " + key;
        ContributionOptions o;
        o.method = method;
        o.model = model;
        const ContributionResult r = contribution_matrix(nma, o);
        ASSERT_TRUE(r.ok()) << what;
        EXPECT_TRUE(r.diagnostics.empty()) << to_json(r.diagnostics).dump();
        ASSERT_EQ(r.comparisons.size(), ref.at("comparisons").size());
        for (std::size_t i = 0; i < r.comparisons.size(); ++i)
          EXPECT_EQ(r.comparisons[i].label, ref.at("comparisons").at(i).get<std::string>());
        ASSERT_EQ(r.edges.size(), ref.at("edges").size());
        for (std::size_t i = 0; i < r.edges.size(); ++i)
          EXPECT_EQ(r.edges[i].label, ref.at("edges").at(i).get<std::string>());
        expect_rows(ref.at("hat_matrix"), r.hat, what + " hat");
        expect_rows(ref.at(key), r.contribution, what + " contribution");
        EXPECT_LT(row_sum_error(r.contribution), 1e-12) << what;
        if (method == ContributionMethod::random_walk) {
          ASSERT_EQ(r.studies.size(), ref.at("studies").size());
          for (std::size_t i = 0; i < r.studies.size(); ++i) EXPECT_EQ(r.studies[i], label_of(ref.at("studies").at(i)));
          expect_rows(ref.at("study_random_walk"), r.study_contribution, what + " study");
          EXPECT_LT(row_sum_error(r.study_contribution), 1e-12) << what;
        }
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 12);
}

// Triangle A-B-C with equal weights (hand-derived): the flow of A vs B is 2/3 on A-B and 1/3 on A-C-B;
// paths AB (probability 2/3, length 1) and ACB (1/3, length 2) give A:B 2/3, A:C 1/6, B:C 1/6 for
// both methods.
TEST(Contribution, TriangleByHand) {
  NmaInput in;
  in.contrasts = {contrast("s1", "A", "B", 0.1, 1.0), contrast("s2", "A", "C", 0.2, 1.0),
                  contrast("s3", "B", "C", -0.3, 1.0)};
  const NmaResult nma = network_meta_analysis(in);
  ASSERT_TRUE(nma.ok());
  for (const ContributionMethod method : {ContributionMethod::random_walk, ContributionMethod::shortest_path}) {
    ContributionOptions o;
    o.method = method;
    o.model = NmaModelKind::common;
    const ContributionResult r = contribution_matrix(nma, o);
    ASSERT_TRUE(r.ok());
    const auto row = static_cast<Eigen::Index>(r.row_of("A", "B"));
    EXPECT_REL(2.0 / 3.0, r.contribution(row, static_cast<Eigen::Index>(r.edge_of("A", "B"))), 1e-14);
    EXPECT_REL(1.0 / 6.0, r.contribution(row, static_cast<Eigen::Index>(r.edge_of("A", "C"))), 1e-14);
    EXPECT_REL(1.0 / 6.0, r.contribution(row, static_cast<Eigen::Index>(r.edge_of("B", "C"))), 1e-14);
    EXPECT_REL(2.0 / 3.0, r.hat(row, static_cast<Eigen::Index>(r.edge_of("A", "B"))), 1e-14);
    EXPECT_REL(1.0 / 3.0, r.hat(row, static_cast<Eigen::Index>(r.edge_of("A", "C"))), 1e-14);
    EXPECT_REL(-1.0 / 3.0, r.hat(row, static_cast<Eigen::Index>(r.edge_of("B", "C"))), 1e-14);
  }
}

// One direct comparison: contribution 1; the studies share it by their weights.
TEST(Contribution, SingleComparison) {
  NmaInput in;
  in.contrasts = {contrast("s1", "B", "A", 0.1, 1.0), contrast("s2", "A", "B", 0.3, 0.5)};
  const NmaResult nma = network_meta_analysis(in);
  ASSERT_TRUE(nma.ok());
  for (const ContributionMethod method : {ContributionMethod::random_walk, ContributionMethod::shortest_path}) {
    ContributionOptions o;
    o.method = method;
    o.model = NmaModelKind::common;
    const ContributionResult r = contribution_matrix(nma, o);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r.contribution.rows(), 1);
    ASSERT_EQ(r.contribution.cols(), 1);
    EXPECT_EQ(r.contribution(0, 0), 1.0);
    ASSERT_EQ(r.studies, (std::vector<std::string>{"s1", "s2"}));
    EXPECT_REL(1.0 / 5.0, r.study_contribution(0, 0), 1e-14);  // weights 1 and 4
    EXPECT_REL(4.0 / 5.0, r.study_contribution(0, 1), 1e-14);
  }
}

// A tree (no loops): every estimate rests on the edges of its unique path, 1/L each, for both methods.
TEST(Contribution, TreeNetworkGivesEqualSharesAlongThePath) {
  NmaInput in;
  in.contrasts = {contrast("s1", "A", "B", 0.1, 0.4), contrast("s2", "B", "C", 0.2, 1.3),
                  contrast("s3", "C", "D", 0.3, 0.7), contrast("s4", "B", "E", -0.2, 2.0),
                  contrast("s5", "B", "C", 0.25, 0.9)};
  const NmaResult nma = network_meta_analysis(in);
  ASSERT_TRUE(nma.ok());
  const std::map<std::string, std::vector<std::string>> path = {{"A:B", {"A:B"}},
                                                                {"A:C", {"A:B", "B:C"}},
                                                                {"A:D", {"A:B", "B:C", "C:D"}},
                                                                {"A:E", {"A:B", "B:E"}},
                                                                {"B:C", {"B:C"}},
                                                                {"B:D", {"B:C", "C:D"}},
                                                                {"B:E", {"B:E"}},
                                                                {"C:D", {"C:D"}},
                                                                {"C:E", {"B:C", "B:E"}},
                                                                {"D:E", {"B:C", "B:E", "C:D"}}};
  for (const ContributionMethod method : {ContributionMethod::random_walk, ContributionMethod::shortest_path})
    for (const NmaModelKind model : {NmaModelKind::common, NmaModelKind::random}) {
      ContributionOptions o;
      o.method = method;
      o.model = model;
      const ContributionResult r = contribution_matrix(nma, o);
      ASSERT_TRUE(r.ok());
      ASSERT_EQ(r.comparisons.size(), path.size());
      for (std::size_t i = 0; i < r.comparisons.size(); ++i) {
        const std::vector<std::string>& on = path.at(r.comparisons[i].label);
        for (std::size_t e = 0; e < r.edges.size(); ++e) {
          const bool in_path = std::find(on.begin(), on.end(), r.edges[e].label) != on.end();
          const double expected = in_path ? 1.0 / static_cast<double>(on.size()) : 0.0;
          EXPECT_REL(expected, r.contribution(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(e)), 1e-13)
              << to_string(method) << " " << r.comparisons[i].label << " " << r.edges[e].label;
        }
      }
    }
}

NmaInput senn_input() {
  const nlohmann::json ref = load_reference("nma_Senn2013_MD.json");
  return nma_input_of(ref);
}

// Renaming treatments (which reorders them) permutes rows and columns; the random walk is invariant
// (the shortest path may not be when two paths tie, since ties follow the column order).
TEST(Contribution, RelabellingPermutes) {
  const NmaInput in = senn_input();
  NmaInput renamed = in;
  auto rename = [](const std::string& t) {
    std::string r = t == "plac" ? "a_" : "z_";
    r.append(t);
    return r;
  };
  for (NmaContrast& c : renamed.contrasts) {
    c.treat1 = rename(c.treat1);
    c.treat2 = rename(c.treat2);
  }
  const NmaResult n1 = network_meta_analysis(in), n2 = network_meta_analysis(renamed);
  ASSERT_TRUE(n1.ok() && n2.ok());
  const ContributionResult r1 = contribution_matrix(n1), r2 = contribution_matrix(n2);
  ASSERT_TRUE(r1.ok() && r2.ok());
  ASSERT_EQ(r1.edges.size(), r2.edges.size());
  for (const TreatmentPair& row : r1.comparisons) {
    const std::size_t i2 = r2.row_of(rename(r1.treatments[row.t1]), rename(r1.treatments[row.t2]));
    ASSERT_NE(i2, ContributionResult::npos);
    const std::size_t i1 = r1.row_of(r1.treatments[row.t1], r1.treatments[row.t2]);
    for (const TreatmentPair& e : r1.edges) {
      const std::size_t e1 = r1.edge_of(r1.treatments[e.t1], r1.treatments[e.t2]);
      const std::size_t e2 = r2.edge_of(rename(r1.treatments[e.t1]), rename(r1.treatments[e.t2]));
      ASSERT_NE(e2, ContributionResult::npos);
      EXPECT_REL(r1.contribution(static_cast<Eigen::Index>(i1), static_cast<Eigen::Index>(e1)),
                 r2.contribution(static_cast<Eigen::Index>(i2), static_cast<Eigen::Index>(e2)), 1e-12)
          << row.label << " " << e.label;
      // the hat matrix changes sign when the orientation of its row or of its column flips
      const bool flip_row = r2.treatments[r2.comparisons[i2].t1] != rename(r1.treatments[row.t1]);
      const bool flip_col = r2.treatments[r2.edges[e2].t1] != rename(r1.treatments[e.t1]);
      const double sign = flip_row != flip_col ? -1.0 : 1.0;
      EXPECT_REL(r1.hat(static_cast<Eigen::Index>(i1), static_cast<Eigen::Index>(e1)),
                 sign * r2.hat(static_cast<Eigen::Index>(i2), static_cast<Eigen::Index>(e2)), 1e-12)
          << row.label << " " << e.label;
    }
  }
}

// The order of the contrasts (and so of the studies) does not change any contribution.
TEST(Contribution, StudyOrderDoesNotMatter) {
  const NmaInput in = senn_input();
  NmaInput reversed = in;
  std::reverse(reversed.contrasts.begin(), reversed.contrasts.end());
  const NmaResult n1 = network_meta_analysis(in), n2 = network_meta_analysis(reversed);
  ASSERT_TRUE(n1.ok() && n2.ok());
  for (const ContributionMethod method : {ContributionMethod::random_walk, ContributionMethod::shortest_path}) {
    ContributionOptions o;
    o.method = method;
    const ContributionResult r1 = contribution_matrix(n1, o), r2 = contribution_matrix(n2, o);
    ASSERT_TRUE(r1.ok() && r2.ok());
    ASSERT_EQ(r1.contribution.rows(), r2.contribution.rows());
    ASSERT_EQ(r1.contribution.cols(), r2.contribution.cols());
    EXPECT_LT((r1.contribution - r2.contribution).cwiseAbs().maxCoeff(), 1e-12);
    ASSERT_EQ(r1.studies.size(), r2.studies.size());
    for (std::size_t s1 = 0; s1 < r1.studies.size(); ++s1) {
      const auto it = std::find(r2.studies.begin(), r2.studies.end(), r1.studies[s1]);
      ASSERT_NE(it, r2.studies.end());
      const auto s2 = static_cast<Eigen::Index>(it - r2.studies.begin());
      EXPECT_LT((r1.study_contribution.col(static_cast<Eigen::Index>(s1)) - r2.study_contribution.col(s2))
                    .cwiseAbs()
                    .maxCoeff(),
                1e-12)
          << r1.studies[s1];
    }
  }
}

// Consistent effects (tau2 = 0): the random-effects contributions equal the common-effect ones.
TEST(Contribution, RandomEqualsCommonWhenTau2IsZero) {
  const std::map<std::string, double> d = {{"A", 0.0}, {"B", 0.3}, {"C", -0.2}, {"D", 0.5}};
  NmaInput in;
  int s = 0;
  for (const auto& [t1, t2, se] : {std::tuple{"A", "B", 0.3}, std::tuple{"A", "C", 0.5}, std::tuple{"B", "C", 0.4},
                                   std::tuple{"C", "D", 0.2}, std::tuple{"A", "D", 0.7}, std::tuple{"B", "D", 0.6}})
    in.contrasts.push_back(contrast(std::to_string(++s), t1, t2, d.at(t1) - d.at(t2), se));
  const NmaResult nma = network_meta_analysis(in);
  ASSERT_TRUE(nma.ok());
  ASSERT_EQ(nma.tau2, 0.0);
  for (const ContributionMethod method : {ContributionMethod::random_walk, ContributionMethod::shortest_path}) {
    ContributionOptions c, r;
    c.method = r.method = method;
    c.model = NmaModelKind::common;
    r.model = NmaModelKind::random;
    const ContributionResult rc = contribution_matrix(nma, c), rr = contribution_matrix(nma, r);
    EXPECT_LT((rc.contribution - rr.contribution).cwiseAbs().maxCoeff(), 1e-14);
    EXPECT_LT(row_sum_error(rc.contribution), 1e-13);
  }
}

TEST(Contribution, NetworkWithErrorsGivesAnError) {
  NmaInput in;
  in.contrasts = {contrast("s1", "A", "A", 0.1, 1.0)};
  const NmaResult nma = network_meta_analysis(in);
  ASSERT_FALSE(nma.ok());
  const ContributionResult r = contribution_matrix(nma);
  EXPECT_FALSE(r.ok());
  ASSERT_FALSE(r.diagnostics.empty());
  EXPECT_EQ(r.diagnostics.items().front().code, "contribution-no-network");
  EXPECT_EQ(r.contribution.size(), 0);
}

TEST(Contribution, Json) {
  const NmaResult nma = network_meta_analysis(senn_input());
  ContributionOptions o;
  o.hat_matrix = false;
  o.study = false;
  const nlohmann::json j = to_json(contribution_matrix(nma, o));
  EXPECT_EQ(j.at("method"), "random_walk");
  EXPECT_EQ(j.at("model"), "random");
  EXPECT_EQ(j.at("scale"), "proportion");
  EXPECT_TRUE(j.at("hat_matrix").is_null());
  EXPECT_TRUE(j.at("study_contribution").is_null());
  EXPECT_EQ(j.at("comparisons").size(), 45u);
  EXPECT_EQ(j.at("contribution").size(), 45u);
  EXPECT_EQ(j.at("contribution").at(0).size(), j.at("edges").size());
  EXPECT_EQ(j.at("edge_weight").size(), j.at("edges").size());
  EXPECT_TRUE(j.at("diagnostics").is_array());
}

}  // namespace
}  // namespace evident
