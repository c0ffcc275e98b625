// Requests of `evident batch` (evident/pairwise/request.hpp).
// Numbers: a yi/vi request on dat.bcg (log risk ratios) against metafor 3.8-1 rma() / confint() /
// predict() in tests/reference/pairwise_dat.bcg_RR.json, to kTol = 1e-10 (relative, absolute below 1;
// the tolerance of meta_analysis_test.cpp, as a request runs the same meta_analysis()). The CSV and
// dataset-JSON forms of the same trials give metafor's numbers too (escalc("RR") then rma(REML)).
// Invariants: sei = sqrt(vi) gives the vi result, the same line gives the same text, option names
// with '-' equal those with '_'. Errors: every bad line becomes one error record naming what is wrong.
#include "evident/pairwise/request.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "evident/data/json_io.hpp"
#include "evident/data/read.hpp"
#include "evident_test.hpp"
#include "pairwise_fixtures.hpp"

using namespace evident;
using nlohmann::json;

namespace {

constexpr double kTol = 1e-10;

json answer(const std::string& line, std::size_t number = 1) {
  const RequestLine r = process_request_line(line, number, "in.jsonl");
  json j = json::parse(r.json);
  EXPECT_EQ(r.ok, j.at("ok").get<bool>());
  return j;
}

/// The yi/vi request of a metafor reference file's data.
json yivi_request(const json& ref, const json& options = json::object()) {
  const MetaInput in = test::meta_input_of(ref);
  return {{"id", "bcg"}, {"study", in.study}, {"yi", in.yi}, {"vi", in.vi}, {"options", options}};
}

/// The first diagnostic of an error record, after checking the record failed.
json first_error(const json& record) {
  EXPECT_FALSE(record.at("ok").get<bool>()) << record.dump();
  EXPECT_FALSE(record.contains("analyses"));
  for (const auto& d : record.at("diagnostics"))
    if (d.at("severity") == "error") return d;
  ADD_FAILURE() << "no error in " << record.dump();
  return json::object();
}

bool has_error(const json& record, const std::string& code, const std::string& field = {}) {
  for (const auto& d : record.at("diagnostics"))
    if (d.at("severity") == "error" && d.at("code") == code && (field.empty() || d.at("field") == field)) return true;
  return false;
}

void expect_metafor_rma(const json& rma, const json& a) {
  EXPECT_REL(test::ref_number(rma.at("estimate")), a.at("random").at("estimate").get<double>(), kTol);
  EXPECT_REL(test::ref_number(rma.at("se")), a.at("random").at("se").get<double>(), kTol);
  EXPECT_REL(test::ref_number(rma.at("ci.lb")), a.at("random").at("ci_lower").get<double>(), kTol);
  EXPECT_REL(test::ref_number(rma.at("ci.ub")), a.at("random").at("ci_upper").get<double>(), kTol);
  EXPECT_REL(test::ref_number(rma.at("pval")), a.at("random").at("p_value").get<double>(), kTol);
  EXPECT_REL(test::ref_number(rma.at("tau2")), a.at("tau2").get<double>(), kTol);
  EXPECT_REL(test::ref_number(rma.at("I2")), a.at("I2").get<double>(), kTol);
  EXPECT_REL(test::ref_number(rma.at("H2")), a.at("H2").get<double>(), kTol);
  EXPECT_REL(test::ref_number(rma.at("QE")), a.at("Q").get<double>(), kTol);
  EXPECT_REL(test::ref_number(rma.at("predict").at("pi.lb")), a.at("prediction").at("lower").get<double>(), kTol);
  EXPECT_REL(test::ref_number(rma.at("predict").at("pi.ub")), a.at("prediction").at("upper").get<double>(), kTol);
  EXPECT_EQ(rma.at("k").get<std::size_t>(), a.at("k").get<std::size_t>());
}

std::string bcg_csv() {
  return test::slurp(test::data_path("dat.bcg.csv"));
}

const json kBcgCsvOptions = {{"measure", "RR"}, {"map", {"tpos=ai", "tneg=bi", "cpos=ci", "cneg=di"}}};

}  // namespace

TEST(Request, YiViRequestGivesMetaforRemlWithQprofileCi) {
  const json ref = test::load_reference("pairwise_dat.bcg_RR.json");
  const json out = answer(yivi_request(ref).dump(), 3);
  ASSERT_TRUE(out.at("ok").get<bool>()) << out.dump();
  EXPECT_EQ(out.at("line"), 3);
  EXPECT_EQ(out.at("id"), "bcg");
  ASSERT_EQ(out.at("analyses").size(), 1U);
  const json& a = out.at("analyses")[0];
  EXPECT_EQ(a.at("method_tau2"), "REML");
  expect_metafor_rma(ref.at("rma").at("REML"), a);
  const json& ci = ref.at("confint").at("REML");
  EXPECT_REL(test::ref_number(ci.at("tau2").at("ci.lb")), a.at("tau2_ci_lower").get<double>(), kTol);
  EXPECT_REL(test::ref_number(ci.at("tau2").at("ci.ub")), a.at("tau2_ci_upper").get<double>(), kTol);
  EXPECT_REL(test::ref_number(ci.at("I2").at("ci.ub")), a.at("I2_ci_upper").get<double>(), kTol);
  EXPECT_EQ(a.at("weights")[0].at("study"), "Aronson 1948");
}

TEST(Request, OptionsReachTheMetaAnalysis) {
  const json ref = test::load_reference("pairwise_dat.bcg_RR.json");
  const json out = answer(yivi_request(ref, {{"method_tau", "DL"}, {"hk", true}, {"tau2_ci", false}}).dump());
  ASSERT_TRUE(out.at("ok").get<bool>()) << out.dump();
  const json& a = out.at("analyses")[0];
  const json& knha = ref.at("rma_knha").at("DL");
  EXPECT_EQ(a.at("method_tau2"), "DL");
  EXPECT_TRUE(a.at("hartung_knapp").get<bool>());
  EXPECT_REL(test::ref_number(knha.at("estimate")), a.at("random").at("estimate").get<double>(), kTol);
  EXPECT_REL(test::ref_number(knha.at("se")), a.at("random").at("se").get<double>(), kTol);
  EXPECT_REL(test::ref_number(knha.at("ci.lb")), a.at("random").at("ci_lower").get<double>(), kTol);
  EXPECT_EQ(a.at("random").at("df"), 12.0);
  EXPECT_TRUE(a.at("tau2_ci_lower").is_null());  // tau2_ci: false
}

TEST(Request, HyphenatedOptionNamesAreTheSame) {
  const json ref = test::load_reference("pairwise_dat.bcg_RR.json");
  const std::string a = process_request_line(yivi_request(ref, {{"method-tau", "PM"}}).dump(), 1, "x").json;
  const std::string b = process_request_line(yivi_request(ref, {{"method_tau", "PM"}}).dump(), 1, "x").json;
  EXPECT_EQ(a, b);
  EXPECT_EQ(json::parse(a).at("analyses")[0].at("method_tau2"), "PM");
}

TEST(Request, StandardErrorsGiveTheVarianceResult) {
  const json ref = test::load_reference("pairwise_dat.bcg_RR.json");
  json with_vi = yivi_request(ref);
  json with_se = with_vi;
  with_se.erase("vi");
  json sei = json::array();
  for (const auto& v : with_vi.at("vi")) sei.push_back(std::sqrt(v.get<double>()));
  with_se["sei"] = sei;
  const json a = answer(with_vi.dump()).at("analyses")[0];
  const json b = answer(with_se.dump()).at("analyses")[0];
  // sqrt then square: a few ulps apart.
  EXPECT_REL(a.at("random").at("estimate").get<double>(), b.at("random").at("estimate").get<double>(), 1e-13);
  EXPECT_REL(a.at("tau2").get<double>(), b.at("tau2").get<double>(), 1e-12);
}

TEST(Request, SameLineSameAnswer) {
  const json ref = test::load_reference("pairwise_dat.bcg_RR.json");
  const std::string line = yivi_request(ref).dump();
  EXPECT_EQ(process_request_line(line, 5, "in.jsonl").json, process_request_line(line, 5, "in.jsonl").json);
}

TEST(Request, RecordStartsWithLineIdAndOk) {
  const std::string out =
      process_request_line(R"({"id": {"review": "a", "n": [1, 2]}, "yi": [0.1, 0.2], "vi": [0.01, 0.02]})", 7, "f")
          .json;
  EXPECT_EQ(out.rfind(R"({"line":7,"id":{"n":[1,2],"review":"a"},"ok":true,"analyses":[)", 0), 0U) << out;
  EXPECT_EQ(out.find('\n'), std::string::npos);
  const std::string bad = process_request_line("[1, 2]", 8, "f").json;
  EXPECT_EQ(bad.rfind(R"({"line":8,"id":null,"ok":false,"diagnostics":[)", 0), 0U) << bad;
}

TEST(Request, CsvRequestIsTheMetaCommandOnThatFile) {
  // metafor 3.8-1: rma(escalc("RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg), method = "REML").
  const json ref = test::load_reference("pairwise_dat.bcg_RR.json");
  const json req = {{"id", 1}, {"csv", bcg_csv()}, {"options", kBcgCsvOptions}};
  const json out = answer(req.dump());
  ASSERT_TRUE(out.at("ok").get<bool>()) << out.dump();
  ASSERT_EQ(out.at("analyses").size(), 1U);
  const json& a = out.at("analyses")[0];
  EXPECT_EQ(a.at("measure"), "RR");
  EXPECT_EQ(a.at("outcome"), "outcome");  // CSV text has no file name to take the outcome's name from
  expect_metafor_rma(ref.at("rma").at("REML"), a);
  EXPECT_REL(std::exp(test::ref_number(ref.at("rma").at("REML").at("estimate"))),
             a.at("exp").at("random").at("estimate").get<double>(), kTol);
}

TEST(Request, DatasetJsonRequestGivesTheCsvResult) {
  ReadOptions ro;
  for (const char* m : {"tpos=ai", "tneg=bi", "cpos=ci", "cneg=di"}) {
    std::string err;
    ro.mappings.push_back(*parse_column_mapping(m, err));
  }
  ro.outcome_name = "outcome";
  const ReadResult read = read_csv(bcg_csv(), "dat.bcg.csv", ro);
  ASSERT_TRUE(read.ok());
  const json data = json::parse(write_json(read.dataset, -1));
  const json from_data = answer(json{{"data", data}, {"options", {{"measure", "RR"}}}}.dump());
  const json from_csv = answer(json{{"csv", bcg_csv()}, {"options", kBcgCsvOptions}}.dump());
  ASSERT_TRUE(from_data.at("ok").get<bool>()) << from_data.dump();
  ASSERT_TRUE(from_csv.at("ok").get<bool>());
  const json& a = from_data.at("analyses")[0];
  const json& b = from_csv.at("analyses")[0];
  for (const char* key : {"random", "common", "prediction", "weights"}) EXPECT_EQ(a.at(key), b.at(key)) << key;
  EXPECT_EQ(a.at("tau2"), b.at("tau2"));
}

TEST(Request, UnknownOptionIsNamedWithTheValidOnes) {
  const json out = answer(R"({"yi": [0.1, 0.2], "vi": [0.01, 0.02], "options": {"method_tua": "DL"}})", 4);
  const json d = first_error(out);
  EXPECT_EQ(d.at("code"), "unknown-option");
  EXPECT_EQ(d.at("field"), "options.method_tua");
  EXPECT_EQ(d.at("message"), "unknown option 'method_tua'");
  EXPECT_EQ(d.at("hint"), "valid options: method_tau, hk, hk_adhoc, prediction, level, tau2_ci");
  EXPECT_EQ(d.at("text"),
            "in.jsonl:4: error: unknown option 'method_tua' (hint: valid options: method_tau, hk, hk_adhoc, "
            "prediction, level, tau2_ci)");
}

TEST(Request, DataOptionOnEffectSizesIsAnError) {
  const json out = answer(R"({"yi": [0.1, 0.2], "vi": [0.01, 0.02], "options": {"measure": "OR"}})");
  const json d = first_error(out);
  EXPECT_EQ(d.at("field"), "options.measure");
  EXPECT_EQ(d.at("message"), "option 'measure' applies only to requests with \"data\" or \"csv\", not to yi/vi");
}

TEST(Request, BadOptionValuesAreNamed) {
  const json out =
      answer(R"({"yi": [0.1, 0.2], "vi": [0.01, 0.02], "options": {"hk": "yes", "method_tau": "XX", "level": 95}})");
  ASSERT_FALSE(out.at("ok").get<bool>());
  const json& ds = out.at("diagnostics");
  ASSERT_EQ(ds.size(), 1U);  // the type error stops that option; the others are checked when run
  EXPECT_EQ(ds[0].at("message"), "option 'hk' must be true or false, got string \"yes\"");
  const json out2 = answer(R"({"yi": [0.1, 0.2], "vi": [0.01, 0.02], "options": {"method_tau": "XX", "level": 95}})");
  EXPECT_TRUE(has_error(out2, "invalid-option", "method_tau"));
  EXPECT_TRUE(has_error(out2, "invalid-option", "level"));
}

TEST(Request, MalformedJsonGivesItsColumn) {
  const json d = first_error(answer(R"({"yi": [1, 2,, 3]})", 12));
  EXPECT_EQ(d.at("code"), "malformed-json");
  EXPECT_EQ(d.at("line"), 12);
  EXPECT_EQ(d.at("column"), 14);  // the second comma
  EXPECT_EQ(d.at("text").get<std::string>().rfind("in.jsonl:12:14: error: malformed JSON: syntax error", 0), 0U)
      << d.at("text");
}

TEST(Request, EveryProblemOfALineIsReported) {
  const json out = answer(R"({"id": 9, "yi": [0.1, "x", 0.3], "vi": [0.01, 0.02], "extra": 1})");
  EXPECT_EQ(out.at("id"), 9);
  EXPECT_TRUE(has_error(out, "invalid-number", "yi"));
  EXPECT_TRUE(has_error(out, "size-mismatch", "vi"));
  EXPECT_TRUE(has_error(out, "unknown-key", "extra"));
  for (const auto& d : out.at("diagnostics"))
    if (d.at("code") == "invalid-number") {
      EXPECT_EQ(d.at("message"), "yi[1] must be a number, got string \"x\"");
    }
}

TEST(Request, MissingAndConflictingFields) {
  EXPECT_TRUE(has_error(answer(R"({"id": 1})"), "missing-field", "yi"));
  EXPECT_TRUE(has_error(answer(R"({"yi": [0.1]})"), "missing-field", "vi"));
  EXPECT_TRUE(has_error(answer(R"({"yi": [0.1], "vi": [0.01], "sei": [0.1]})"), "conflicting-fields", "sei"));
  EXPECT_TRUE(has_error(answer(R"({"yi": [0.1], "vi": [0.01], "csv": "a,b"})"), "conflicting-fields"));
  EXPECT_TRUE(has_error(answer(R"({"csv": 3})"), "wrong-type", "csv"));
  EXPECT_TRUE(has_error(answer(R"("just a string")"), "request-not-object"));
  EXPECT_TRUE(has_error(answer(R"({"yi": [0.1, 0.2], "sei": [0.1, 0]})"), "nonpositive-se", "sei"));
}

TEST(Request, InvalidNumbersFromTheMetaAnalysisArePlacedAtTheLine) {
  const json out = answer(R"({"yi": [0.1, 0.2], "vi": [0.01, -0.02]})", 21);
  const json d = first_error(out);
  EXPECT_EQ(d.at("code"), "nonpositive-variance");
  EXPECT_EQ(d.at("file"), "in.jsonl");
  EXPECT_EQ(d.at("line"), 21);
}

TEST(Request, SingleStudyIsAnswerWithItsWarning) {
  const json out = answer(R"({"yi": [0.4], "vi": [0.04]})");
  ASSERT_TRUE(out.at("ok").get<bool>());
  const json& a = out.at("analyses")[0];
  EXPECT_EQ(a.at("random").at("estimate"), 0.4);
  ASSERT_EQ(a.at("warnings").size(), 1U);
  EXPECT_EQ(a.at("warnings")[0].at("code"), "single-study");
}

TEST(Request, CsvErrorsNameThePlaceInTheText) {
  const json out = answer(json{{"csv", "study,treatment,events,n\nA,x,3,20\nA,y,-6,21\n"}}.dump(), 2);
  const json d = first_error(out);
  EXPECT_EQ(d.at("file"), "in.jsonl:2:csv");
  EXPECT_EQ(d.at("line"), 3);
}

TEST(Request, MissingOutcomeListsTheOutcomes) {
  const json out = answer(json{
      {"csv", bcg_csv()}, {"options", {{"map", {"tpos=ai", "tneg=bi", "cpos=ci", "cneg=di"}}, {"outcome", "death"}}}}
                              .dump());
  const json d = first_error(out);
  EXPECT_EQ(d.at("code"), "no-such-outcome");
  EXPECT_EQ(d.at("message"), "no outcome named 'death'");
  EXPECT_EQ(d.at("hint"), "outcomes: 'outcome'");
}

TEST(Request, SettingsMessagesMatchTheCli) {
  Diagnostics ds;
  MetaSettings m;
  m.method_tau = "XX";
  (void)make_meta_options(m, ds);
  ASSERT_EQ(ds.size(), 1U);
  EXPECT_EQ(ds.items()[0].message, "unknown tau2 estimator 'XX'");
  EXPECT_EQ(ds.items()[0].hint, "expected DL, REML, ML, PM, SJ, HE, HS or EB");
  Diagnostics de;
  EffectSettings e;
  e.measure = "XYZ";
  e.cc_where = "sometimes";
  (void)make_effect_options(e, Outcome{}, de);
  ASSERT_EQ(de.size(), 2U);
  EXPECT_EQ(de.items()[0].message, "unknown measure 'XYZ'");
  EXPECT_EQ(de.items()[0].hint, "expected MD, SMD, GLASS, ROM, OR, RR, RD, IRR, IRD, HR or GEN");
  EXPECT_EQ(de.items()[1].field, "cc_where");
  EXPECT_EQ(de.items()[1].hint, "expected only0, all, if0all or none");
}

TEST(Request, BlankLines) {
  EXPECT_TRUE(is_blank_line(""));
  EXPECT_TRUE(is_blank_line(" \t\r"));
  EXPECT_FALSE(is_blank_line(" {}"));
}

namespace {

// Found by fuzz_batch: a number beyond the range of a double made the JSON parser throw out_of_range
// (not parse_error), which escaped and aborted the run.
TEST(Request, NumberOverflowIsAnErrorRecordNotACrash) {
  const json j = answer(R"({"id": 1, "yi": [0.1, -1.58538e6572014306], "vi": [0.1, 0.2]})", 7);
  EXPECT_FALSE(j.at("ok").get<bool>());
  EXPECT_EQ(7, j.at("line").get<int>());
  ASSERT_FALSE(j.at("diagnostics").empty());
  EXPECT_EQ("malformed-json", j.at("diagnostics").at(0).at("code").get<std::string>());
}

}  // namespace
