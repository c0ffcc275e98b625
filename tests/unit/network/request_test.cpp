// Network meta-analysis requests of `evident batch` (evident/network/request.hpp).
// Numbers: a CSV request holding the contrasts of Senn2013 (netmeta's comparisons data in
// tests/reference/nma_Senn2013_MD.json) gives netmeta 3.4-0's tau2, Q and random-effects estimates
// (netmeta(sm = "MD"), DL), to 1e-10 relative - the same network_meta_analysis() as `evident nma`.
// Errors: options of the other analysis, yi requests for an NMA, unknown estimators and bad values are
// error records naming the option.
#include "evident/network/request.hpp"

#include <gtest/gtest.h>

#include <string>

#include "evident_test.hpp"
#include "network_fixtures.hpp"

using namespace evident;
using nlohmann::json;

namespace {

constexpr double kTol = 1e-10;

json answer(const std::string& line, std::size_t number = 1) {
  const RequestLine r = process_batch_line(line, number, "in.jsonl");
  json j = json::parse(r.json);
  EXPECT_EQ(r.ok, j.at("ok").get<bool>());
  return j;
}

/// Contrast CSV text of a reference file's comparisons.
std::string contrast_csv(const json& ref) {
  const NmaInput in = test::nma_input_of(ref);
  std::string csv = "study,treat1,treat2,TE,seTE\n";
  for (const auto& c : in.contrasts)
    csv += "\"" + c.study + "\"," + c.treat1 + "," + c.treat2 + "," + json(c.te).dump() + "," + json(c.se).dump() + "\n";
  return csv;
}

bool has_error(const json& record, const std::string& code, const std::string& field = {}) {
  for (const auto& d : record.at("diagnostics"))
    if (d.at("severity") == "error" && d.at("code") == code && (field.empty() || d.at("field") == field)) return true;
  return false;
}

}  // namespace

TEST(NetworkRequest, CsvRequestGivesNetmetaSenn2013) {
  const json ref = test::load_reference("nma_Senn2013_MD.json");
  const json& net = ref.at("netmeta_DL");
  const json req = {{"id", "senn"},
                    {"analysis", "nma"},
                    {"csv", contrast_csv(ref)},
                    {"options", {{"reference", "plac"}, {"nsim", 0}, {"small_values", "desirable"}}}};
  const json rec = answer(req.dump(), 3);
  ASSERT_TRUE(rec.at("ok").get<bool>()) << rec.dump();
  EXPECT_EQ(rec.at("line"), 3);
  EXPECT_EQ(rec.at("id"), "senn");
  ASSERT_EQ(rec.at("analyses").size(), 1u);
  const json& a = rec.at("analyses").at(0);
  EXPECT_EQ(a.at("reference"), "plac");
  EXPECT_REL(test::ref_number(net.at("tau2")), a.at("tau2").get<double>(), kTol);
  EXPECT_REL(test::ref_number(net.at("Q")), a.at("Q").get<double>(), kTol);
  EXPECT_REL(test::ref_number(net.at("Q.inconsistency")), a.at("Q_inconsistency").at("Q").get<double>(), kTol);
  // random-effects TE, every cell, matched by treatment name
  const json& te = net.at("random").at("TE.random");
  const auto& trts = a.at("treatments");
  for (std::size_t i = 0; i < te.at("rownames").size(); ++i)
    for (std::size_t j = 0; j < te.at("colnames").size(); ++j) {
      std::size_t r = 0, c = 0;
      for (std::size_t t = 0; t < trts.size(); ++t) {
        if (trts[t] == te.at("rownames")[i]) r = t;
        if (trts[t] == te.at("colnames")[j]) c = t;
      }
      EXPECT_REL(test::ref_number(te.at("data")[i][j]), a.at("random").at("TE")[r][c].get<double>(), kTol);
    }
  EXPECT_FALSE(a.at("ranking").contains("rankogram"));  // nsim 0
  EXPECT_TRUE(a.contains("netsplit"));
  EXPECT_TRUE(a.contains("decomposition"));
}

TEST(NetworkRequest, MetaAndNmaRequestsShareTheBatch) {
  // A pairwise request still goes to the pairwise layer: the same record as process_request_line().
  const std::string line = R"({"id": 1, "yi": [0.1, 0.3, 0.2], "vi": [0.01, 0.02, 0.015]})";
  EXPECT_EQ(process_batch_line(line, 4, "f").json, process_request_line(line, 4, "f").json);
  // and an explicit "analysis": "meta" is the same request
  const std::string meta = R"({"id": 1, "analysis": "meta", "yi": [0.1, 0.3, 0.2], "vi": [0.01, 0.02, 0.015]})";
  EXPECT_EQ(process_batch_line(meta, 4, "f").json, process_request_line(line, 4, "f").json);
}

TEST(NetworkRequest, EachSubnetworkAndReml) {
  const std::string csv = "study,treat1,treat2,TE,seTE\\ns1,A,B,0.5,0.2\\ns2,B,C,0.3,0.25\\ns3,A,C,0.9,0.3\\n"
                          "s5,D,E,-0.2,0.15\\ns6,D,E,-0.35,0.18\\n";
  const json rec = answer(R"({"analysis": "nma", "csv": ")" + csv +
                          R"(", "options": {"each_subnetwork": true, "nsim": 0, "method_tau": "REML"}})");
  ASSERT_TRUE(rec.at("ok").get<bool>()) << rec.dump();
  ASSERT_EQ(rec.at("analyses").size(), 2u);
  EXPECT_EQ(rec.at("analyses")[0].at("subnetwork"), 1);
  EXPECT_EQ(rec.at("analyses")[1].at("subnetwork"), 2);
  EXPECT_EQ(rec.at("analyses")[1].at("tau2_method"), "REML");
  // D vs E: the inverse-variance pool of the two studies (arithmetic)
  const double w1 = 1 / (0.15 * 0.15), w2 = 1 / (0.18 * 0.18);
  EXPECT_REL((-0.2 * w1 - 0.35 * w2) / (w1 + w2), rec.at("analyses")[1].at("common").at("TE")[0][1].get<double>(),
             1e-12);
}

TEST(NetworkRequest, SkipLeavesPartsOut) {
  const std::string csv = "study,treat1,treat2,TE,seTE\\ns1,A,B,0.5,0.2\\ns2,B,C,0.3,0.25\\ns3,A,C,0.9,0.3\\n"
                          "s4,A,B,0.4,0.3\\n";
  const json all = answer(R"({"analysis": "nma", "csv": ")" + csv + R"(", "options": {"full": true}})");
  ASSERT_TRUE(all.at("ok").get<bool>()) << all.dump();
  for (const char* key : {"netsplit", "decomposition", "evidence_flow", "contribution", "league_table", "funnel"})
    EXPECT_TRUE(all.at("analyses")[0].contains(key)) << key;
  EXPECT_TRUE(all.at("analyses")[0].at("ranking").contains("rankogram"));
  const json some = answer(R"({"analysis": "nma", "csv": ")" + csv +
                           R"(", "options": {"skip": ["netsplit", "decomposition", "rankogram", "flow", "heat",
                           "contribution", "league", "funnel"]}})");
  ASSERT_TRUE(some.at("ok").get<bool>()) << some.dump();
  for (const char* key : {"netsplit", "decomposition", "evidence_flow", "net_heat", "contribution", "league_table",
                          "funnel"})
    EXPECT_FALSE(some.at("analyses")[0].contains(key)) << key;
  EXPECT_FALSE(some.at("analyses")[0].at("ranking").contains("rankogram"));
  EXPECT_TRUE(has_error(answer(R"({"analysis": "nma", "csv": ")" + csv + R"(", "options": {"skip": ["plots"]}})"),
                        "invalid-option", "skip"));
}

TEST(NetworkRequest, OptionsOfTheOtherAnalysisAreErrors) {
  const std::string csv = R"("study,treat1,treat2,TE,seTE\ns1,A,B,0.5,0.2\ns2,B,C,0.3,0.25\n")";
  EXPECT_TRUE(has_error(answer(R"({"analysis": "nma", "csv": )" + csv + R"(, "options": {"hk": true}})"),
                        "unknown-option", "options.hk"));
  EXPECT_TRUE(has_error(answer(R"({"analysis": "nma", "csv": )" + csv + R"(, "options": {"subgroup": "x"}})"),
                        "unknown-option", "options.subgroup"));
  EXPECT_TRUE(has_error(answer(R"({"csv": )" + csv + R"(, "options": {"reference": "A"}})"), "unknown-option",
                        "options.reference"));
  EXPECT_TRUE(
      has_error(answer(R"({"analysis": "nma", "csv": )" + csv + R"(, "options": {"method_tau": "PM"}})"),
                "invalid-option", "method_tau"));
  EXPECT_TRUE(
      has_error(answer(R"({"analysis": "nma", "csv": )" + csv + R"(, "options": {"netsplit": "both"}})"),
                "invalid-option", "netsplit"));
  EXPECT_TRUE(has_error(answer(R"({"analysis": "nma", "csv": )" + csv + R"(, "options": {"nsim": -3}})"),
                        "wrong-type", "options.nsim"));
  EXPECT_TRUE(has_error(answer(R"({"analysis": "nma", "csv": )" + csv + R"(, "options": {"nsim": 1.5}})"),
                        "wrong-type", "options.nsim"));
  EXPECT_TRUE(has_error(answer(R"({"analysis": "nma", "yi": [0.1], "vi": [0.01]})"), "conflicting-fields", "yi"));
  EXPECT_TRUE(has_error(answer(R"({"analysis": "network", "yi": [0.1], "vi": [0.01]})"), "invalid-option",
                        "analysis"));
  EXPECT_TRUE(has_error(answer(R"({"analysis": "nma", "csv": )" + csv + R"(, "options": {"reference": "Z"}})"),
                        "nma-unknown-reference"));
}
