// The methods paragraph names what was run and nothing else, and every citation mark points to a
// reference with a DOI.
#include "evident/report/methods_text.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>

using namespace evident;

namespace {

bool contains(const MethodsText& m, const std::string& needle) {
  for (const auto& p : m.paragraphs)
    if (p.find(needle) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST(MethodsText, FollowsTheOptions) {
  MethodsInput in;
  in.measures = {Measure::OR};
  in.pairwise = PairwiseOptions{};
  in.pairwise->meta.tau2_method = Tau2Method::PM;
  in.pairwise->meta.hartung_knapp = true;
  MethodsText m = methods_text(in);
  EXPECT_TRUE(contains(m, "odds ratios"));
  EXPECT_TRUE(contains(m, "Paule-Mandel"));
  EXPECT_TRUE(contains(m, "Hartung-Knapp"));
  EXPECT_TRUE(contains(m, "Mantel-Haenszel"));
  EXPECT_FALSE(contains(m, "Network meta-analysis"));
  in.pairwise->meta.tau2_method = Tau2Method::REML;
  in.pairwise->meta.hartung_knapp = false;
  in.pairwise->small_study = false;
  in.network = NetworkOptions{};
  in.network->nsim = 0;
  in.network->contribution_method = ContributionMethod::shortest_path;
  m = methods_text(in);
  EXPECT_FALSE(contains(m, "Paule-Mandel"));
  EXPECT_FALSE(contains(m, "Hartung-Knapp"));
  EXPECT_FALSE(contains(m, "Egger's regression test where"));
  EXPECT_TRUE(contains(m, "restricted maximum likelihood"));
  EXPECT_TRUE(contains(m, "graph-theoretical"));
  EXPECT_TRUE(contains(m, "shortest-path"));
  EXPECT_FALSE(contains(m, "SUCRA"));
  in.network->nsim = 1000;
  in.network->seed = 7;
  EXPECT_TRUE(contains(methods_text(in), "1000 simulations of the random-effects estimates (seed 7)"));
}

TEST(MethodsText, EveryCitationHasAReference) {
  MethodsInput in;
  in.measures = {Measure::SMD, Measure::RR};
  in.pairwise = PairwiseOptions{};
  in.network = NetworkOptions{};
  const MethodsText m = methods_text(in);
  const std::regex mark(R"(\[(\d+)(?:, (\d+))?\])");
  std::set<int> used;
  for (const auto& p : m.paragraphs)
    for (std::sregex_iterator it(p.begin(), p.end(), mark), end; it != end; ++it) {
      used.insert(std::stoi((*it)[1]));
      if ((*it)[2].matched) used.insert(std::stoi((*it)[2]));
    }
  ASSERT_FALSE(used.empty());
  EXPECT_EQ(1, *used.begin());
  EXPECT_EQ(m.references.size(), static_cast<std::size_t>(*used.rbegin()));
  EXPECT_EQ(m.references.size(), used.size());
  for (const auto& r : m.references) EXPECT_FALSE(r.doi.empty()) << r.key;
  EXPECT_NE(std::string::npos, to_text(m).find("References\n1. "));
}
