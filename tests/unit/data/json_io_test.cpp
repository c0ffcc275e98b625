// The evident JSON format: round trip of every field of the model, diagnostics with JSON paths and
// line:column, source locations of studies, arms and contrasts (evident issue #2).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "evident/data/json_io.hpp"
#include "evident/data/read.hpp"
#include "evident_test.hpp"

namespace {

using evident::Arm;
using evident::ContrastRecord;
using evident::CovariateValue;
using evident::Dataset;
using evident::Diagnostic;
using evident::Judgement;
using evident::Outcome;
using evident::OutcomeType;
using evident::ReadResult;
using evident::Severity;
using evident::Study;
using evident::StudyData;

const Diagnostic* find_code(const ReadResult& r, const std::string& code) {
  for (const auto& d : r.diagnostics.items())
    if (d.code == code) return &d;
  return nullptr;
}

std::string all_messages(const ReadResult& r) {
  std::string s;
  for (const auto& d : r.diagnostics.items()) s += evident::format_diagnostic(d) + "\n";
  return s;
}

// ---- equality of two datasets in every field of the model except where the data were read from

void expect_same_number(const std::optional<double>& a, const std::optional<double>& b, const std::string& what) {
  ASSERT_EQ(a.has_value(), b.has_value()) << what;
  if (!a) return;
  if (std::isnan(*a)) {
    EXPECT_TRUE(std::isnan(*b)) << what;
  } else {
    EXPECT_EQ(*a, *b) << what;  // exact: the writer keeps every bit of the double
  }
}

void expect_same(const Dataset& a, const Dataset& b) {
  ASSERT_EQ(a.studies.size(), b.studies.size());
  for (std::size_t i = 0; i < a.studies.size(); ++i) {
    const Study& x = a.studies[i];
    const Study& y = b.studies[i];
    EXPECT_EQ(x.label, y.label);
    EXPECT_EQ(x.year, y.year) << x.label;
    EXPECT_EQ(x.rob.domains, y.rob.domains) << x.label;
    EXPECT_EQ(x.rob.overall, y.rob.overall) << x.label;
    EXPECT_EQ(x.indirectness, y.indirectness) << x.label;
    ASSERT_EQ(x.covariates.size(), y.covariates.size()) << x.label;
    for (const auto& [k, v] : x.covariates) {
      ASSERT_TRUE(y.covariates.count(k)) << x.label << " covariate " << k;
      EXPECT_EQ(v.text, y.covariates.at(k).text) << x.label << " covariate " << k;
      expect_same_number(v.number, y.covariates.at(k).number, x.label + " covariate " + k);
    }
  }
  ASSERT_EQ(a.outcomes.size(), b.outcomes.size());
  for (std::size_t i = 0; i < a.outcomes.size(); ++i) {
    const Outcome& x = a.outcomes[i];
    const Outcome& y = b.outcomes[i];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.type, y.type) << x.name;
    EXPECT_EQ(x.direction, y.direction) << x.name;
    EXPECT_EQ(x.time_point, y.time_point) << x.name;
    expect_same_number(x.mid, y.mid, x.name + " mid");
    EXPECT_EQ(x.measure, y.measure) << x.name;
    ASSERT_EQ(x.data.size(), y.data.size()) << x.name;
    for (std::size_t j = 0; j < x.data.size(); ++j) {
      const StudyData& p = x.data[j];
      const StudyData& q = y.data[j];
      EXPECT_EQ(p.study, q.study) << x.name;
      ASSERT_EQ(p.arms.size(), q.arms.size()) << x.name;
      for (std::size_t k = 0; k < p.arms.size(); ++k) {
        const Arm& s = p.arms[k];
        const Arm& t = q.arms[k];
        const std::string w = x.name + " / " + a.studies[p.study].label + " / " + s.treatment;
        EXPECT_EQ(s.treatment, t.treatment) << w;
        expect_same_number(s.n, t.n, w + " n");
        expect_same_number(s.events, t.events, w + " events");
        expect_same_number(s.mean, t.mean, w + " mean");
        expect_same_number(s.sd, t.sd, w + " sd");
        expect_same_number(s.time, t.time, w + " time");
        expect_same_number(s.median, t.median, w + " median");
        expect_same_number(s.q1, t.q1, w + " q1");
        expect_same_number(s.q3, t.q3, w + " q3");
        expect_same_number(s.min, t.min, w + " min");
        expect_same_number(s.max, t.max, w + " max");
        expect_same_number(s.se, t.se, w + " se");
        expect_same_number(s.sd_baseline, t.sd_baseline, w + " sd_baseline");
      }
      ASSERT_EQ(p.contrasts.size(), q.contrasts.size()) << x.name;
      for (std::size_t k = 0; k < p.contrasts.size(); ++k) {
        const ContrastRecord& s = p.contrasts[k];
        const ContrastRecord& t = q.contrasts[k];
        const std::string w = x.name + " / " + a.studies[p.study].label + " / " + s.treat1 + " vs " + s.treat2;
        EXPECT_EQ(s.treat1, t.treat1) << w;
        EXPECT_EQ(s.treat2, t.treat2) << w;
        expect_same_number(s.estimate, t.estimate, w + " estimate");
        expect_same_number(s.se, t.se, w + " se");
        expect_same_number(s.variance, t.variance, w + " variance");
        expect_same_number(s.ci_lower, t.ci_lower, w + " ci_lower");
        expect_same_number(s.ci_upper, t.ci_upper, w + " ci_upper");
        EXPECT_EQ(s.ci_level, t.ci_level) << w;
        expect_same_number(s.p_value, t.p_value, w + " p_value");
        EXPECT_EQ(s.log_scale, t.log_scale) << w;
        expect_same_number(s.n1, t.n1, w + " n1");
        expect_same_number(s.n2, t.n2, w + " n2");
        expect_same_number(s.events1, t.events1, w + " events1");
        expect_same_number(s.events2, t.events2, w + " events2");
      }
    }
  }
  ASSERT_EQ(a.excluded.size(), b.excluded.size());
  for (std::size_t i = 0; i < a.excluded.size(); ++i) {
    EXPECT_EQ(a.excluded[i].outcome, b.excluded[i].outcome);
    EXPECT_EQ(a.excluded[i].study, b.excluded[i].study);
    EXPECT_EQ(a.excluded[i].treatment, b.excluded[i].treatment);
    EXPECT_EQ(a.excluded[i].reason, b.excluded[i].reason);
  }
}

/// A dataset that sets every field of the model at least once (values are arbitrary but valid).
Dataset every_field() {
  Dataset d;
  Study a;
  a.label = "M\u00fcller 2001";
  a.year = 2001;
  a.rob.domains = {Judgement::low, Judgement::some_concerns, Judgement::high, std::nullopt, Judgement::low};
  a.rob.overall = Judgement::high;
  a.indirectness = Judgement::some_concerns;
  a.covariates["dose"] = CovariateValue{"40", 40.0};
  a.covariates["dose as typed"] = CovariateValue{"55.0", 55.0};
  a.covariates["fraction"] = CovariateValue{"0.30000000000000004", 0.1 + 0.2};
  a.covariates["country"] = CovariateValue{"Deutschland", std::nullopt};
  a.covariates["blinded"] = CovariateValue{"true", std::nullopt};
  Study b;
  b.label = "Smith \"B\" 1999";
  b.indirectness = Judgement::low;
  Study c;
  c.label = "Trial C";
  c.year = 2010;
  c.rob.overall = Judgement::low;
  d.studies = {a, b, c};

  Outcome bin;
  bin.name = "response";
  bin.type = OutcomeType::binary;
  bin.direction = evident::Direction::large_values_desirable;
  bin.time_point = "8 weeks";
  bin.mid = 0.05;
  bin.measure = "OR";
  StudyData three;  // multi-arm study
  three.study = 0;
  for (const char* t : {"placebo", "drug A", "drug B"}) {
    Arm arm;
    arm.treatment = t;
    arm.n = 100;
    arm.events = 17;
    three.arms.push_back(arm);
  }
  three.arms[1].events = 20;
  bin.data.push_back(three);
  StudyData two;
  two.study = 2;
  Arm p1;
  p1.treatment = "placebo";
  p1.n = 1234567;
  p1.events = 0;
  Arm p2 = p1;
  p2.treatment = "drug A";
  two.arms = {p1, p2};
  bin.data.push_back(two);
  d.outcomes.push_back(bin);

  Outcome cont;
  cont.name = "pain";
  cont.type = OutcomeType::continuous;
  cont.direction = evident::Direction::small_values_desirable;
  StudyData summaries;
  summaries.study = 1;
  Arm s1;
  s1.treatment = "placebo";
  s1.n = 20;
  s1.median = 4.5;
  s1.q1 = 3.25;
  s1.q3 = 6.0;
  s1.min = 0.5;
  s1.max = 9.75;
  Arm s2;
  s2.treatment = "drug A";
  s2.n = 21;
  s2.mean = -1.2345678901234567;
  s2.se = 0.123;
  s2.sd = 2.5e-7;
  s2.sd_baseline = 3.0;
  s2.time = 1e-300;
  summaries.arms = {s1, s2};
  cont.data.push_back(summaries);
  d.outcomes.push_back(cont);

  Outcome contrast;
  contrast.name = "pain";  // same name, another time point
  contrast.time_point = "1 year";
  contrast.type = OutcomeType::contrast;
  contrast.measure = "MD";
  StudyData cs;
  cs.study = 2;
  ContrastRecord r1;
  r1.treat1 = "drug A";
  r1.treat2 = "placebo";
  r1.estimate = -0.7;
  r1.se = 0.2;
  r1.variance = 0.04000000000000001;
  r1.ci_lower = -1.0289707253902945;
  r1.ci_upper = -0.3710292746097055;
  r1.ci_level = 0.9;
  r1.p_value = 0.00046;
  r1.log_scale = false;
  r1.n1 = 50;
  r1.n2 = 51;
  r1.events1 = 10;
  r1.events2 = 12;
  ContrastRecord r2;
  r2.treat1 = "drug B";
  r2.treat2 = "placebo";
  r2.estimate = 0.25;
  r2.ci_lower = 0.01;
  r2.ci_upper = 2.5;
  cs.contrasts = {r1, r2};
  contrast.data.push_back(cs);
  d.outcomes.push_back(contrast);

  Outcome tte;
  tte.name = "survival";
  tte.type = OutcomeType::time_to_event;
  StudyData hr;
  hr.study = 0;
  ContrastRecord r3;
  r3.treat1 = "drug A";
  r3.treat2 = "placebo";
  r3.estimate = 0.8;  // HR on the natural scale
  r3.log_scale = false;
  r3.ci_lower = 0.6;
  r3.ci_upper = 1.1;
  hr.contrasts = {r3};
  tte.data.push_back(hr);
  d.outcomes.push_back(tte);

  Outcome rate;
  rate.name = "deaths per person-year";
  rate.type = OutcomeType::rate;
  StudyData rt;
  rt.study = 1;
  Arm t1;
  t1.treatment = "control";
  t1.events = 11;
  t1.time = 1103.5;
  Arm t2 = t1;
  t2.treatment = "diet";
  t2.events = 9;
  rt.arms = {t1, t2};
  rate.data.push_back(rt);
  d.outcomes.push_back(rate);

  d.excluded.push_back({"response", "Trial X", "", "no data", {}});
  d.excluded.push_back({"pain", "Trial Y", "drug C", "SD missing", {}});
  return d;
}

// ---------------------------------------------------------------------------------------------

TEST(JsonRoundTrip, EveryFieldOfTheModelSurvives) {
  const Dataset d = every_field();
  const std::string text = evident::write_json(d);
  const ReadResult r = evident::read_json(text, "roundtrip.json");
  EXPECT_FALSE(r.diagnostics.has_errors()) << all_messages(r) << text;
  EXPECT_EQ(r.dataset.format, "json");
  EXPECT_EQ(r.dataset.source_file, "roundtrip.json");
  // validate_dataset may add exclusions of its own only for bad data; every_field() has none.
  expect_same(d, r.dataset);
  // And a second trip writes the same text.
  EXPECT_EQ(evident::write_json(r.dataset), text);
}

TEST(JsonRoundTrip, CompactAndDomFormsAgree) {
  const Dataset d = every_field();
  const std::string compact = evident::write_json(d, -1);
  EXPECT_EQ(compact.find('\n'), std::string::npos);
  // to_json() holds the same content (keys sorted instead of in schema order).
  EXPECT_EQ(nlohmann::json::parse(compact), nlohmann::json::parse(evident::to_json(d).dump()));
  const ReadResult r = evident::read_json(compact, "compact.json");
  EXPECT_FALSE(r.diagnostics.has_errors()) << all_messages(r);
  expect_same(d, r.dataset);
}

TEST(JsonWrite, UsesSchemaOrderAndPlainIntegers) {
  Dataset d = every_field();
  d.outcomes[2].data[0].contrasts[1].ci_upper = std::numeric_limits<double>::infinity();
  const std::string text = evident::write_json(d);
  EXPECT_EQ(text.rfind("{\n  \"evident_dataset\": 1,\n  \"studies\": [", 0), 0U) << text.substr(0, 80);
  EXPECT_LT(text.find("\"studies\""), text.find("\"outcomes\""));
  EXPECT_LT(text.find("\"outcomes\""), text.find("\"excluded\""));
  EXPECT_NE(text.find("\"n\": 1234567"), std::string::npos);               // not 1234567.0
  EXPECT_NE(text.find("\"ci_upper\": \"Inf\""), std::string::npos);        // JSON has no infinity
  EXPECT_NE(text.find("\"dose\": 40"), std::string::npos);                 // numeric covariate as a number
  EXPECT_NE(text.find("\"dose as typed\": \"55.0\""), std::string::npos);  // text kept as typed
  EXPECT_NE(text.find("\"country\": \"Deutschland\""), std::string::npos);
  EXPECT_NE(text.find("\"M\u00fcller 2001\""), std::string::npos);  // UTF-8 written as is
  // "Inf" reads back as infinity, which validate_dataset() then reports (and nothing else does).
  const ReadResult r = evident::read_json(text, "inf.json");
  const Diagnostic* inf = find_code(r, "not-finite");
  ASSERT_NE(inf, nullptr) << all_messages(r);
  EXPECT_EQ(inf->study, "Trial C");
}

TEST(JsonRead, MinimalFileAndSourceLocations) {
  const std::string text =
      "{\"evident_dataset\": 1,\n"                                                              // line 1
      " \"studies\": [\n"                                                                       // line 2
      "   {\"label\": \"Ab\u00e7 1990\", \"year\": 1990},\n"                                    // line 3
      "   {\"label\": \"B\", \"covariates\": {\"dose\": 2.50, \"site\": \"x\", \"k\": 3}}],\n"  // line 4
      " \"outcomes\": [{\"name\": \"death\", \"type\": \"binary\", \"data\": [\n"               // line 5
      "   {\"study\": \"Ab\u00e7 1990\", \"arms\": [\n"                                         // line 6
      "      {\"treatment\": \"A\", \"events\": 3, \"n\": 10},\n"                               // line 7
      "      {\"treatment\": \"B\", \"events\": 5, \"n\": 12}]},\n"                             // line 8
      "   {\"study\": \"B\", \"contrasts\": [{\"treat1\": \"A\", \"treat2\": \"B\", \"estimate\": -0.5, \"se\": "
      "0.25}]}\n"
      " ]}]}\n";
  const ReadResult r = evident::read_json(text, "min.json");
  ASSERT_FALSE(r.diagnostics.has_errors()) << all_messages(r);
  ASSERT_EQ(r.dataset.studies.size(), 2U);
  const Study& s = r.dataset.studies[0];
  EXPECT_EQ(s.label, "Ab\u00e7 1990");
  EXPECT_EQ(s.year, 1990);
  EXPECT_EQ(s.source.file, "min.json");
  EXPECT_EQ(s.source.line, 3);
  EXPECT_EQ(s.source.column, 4);
  const auto& cov = r.dataset.studies[1].covariates;
  EXPECT_EQ(cov.at("dose").text, "2.50");  // the number as typed
  EXPECT_EQ(cov.at("dose").number, 2.5);
  EXPECT_EQ(cov.at("site").text, "x");
  EXPECT_FALSE(cov.at("site").number);
  EXPECT_EQ(cov.at("k").number, 3.0);
  ASSERT_EQ(r.dataset.outcomes.size(), 1U);
  const Outcome& o = r.dataset.outcomes[0];
  EXPECT_EQ(o.type, OutcomeType::binary);
  ASSERT_EQ(o.data.size(), 2U);
  ASSERT_EQ(o.data[0].arms.size(), 2U);
  EXPECT_EQ(o.data[0].arms[1].treatment, "B");
  EXPECT_EQ(o.data[0].arms[1].events, 5.0);
  EXPECT_EQ(o.data[0].arms[1].n, 12.0);
  EXPECT_EQ(o.data[0].arms[0].source.line, 7);
  EXPECT_EQ(o.data[0].arms[0].source.column, 7);
  EXPECT_EQ(o.data[0].arms[1].source.line, 8);
  ASSERT_EQ(o.data[1].contrasts.size(), 1U);
  const ContrastRecord& c = o.data[1].contrasts[0];
  EXPECT_EQ(c.estimate, -0.5);
  EXPECT_EQ(c.se, 0.25);
  EXPECT_TRUE(c.log_scale);  // default
  EXPECT_EQ(c.ci_level, 0.95);
  EXPECT_EQ(c.source.line, 9);
  EXPECT_EQ(c.source.column, 33);
}

TEST(JsonRead, UnknownKeysAreWarningsNamingThePath) {
  const std::string text =
      "{\"evident_dataset\": 1, \"outcomes\": [{\"name\": \"x\", \"type\": \"continuous\", \"data\": [\n"
      "  {\"study\": \"S\", \"arms\": [{\"treatment\": \"A\", \"mean\": 1, \"sd\": 2, \"men\": 2, \"n\": 5},\n"
      "                           {\"treatment\": \"B\", \"mean\": 2, \"sd\": 2, \"n\": 5}]}]}],\n"
      " \"comment\": \"hello\"}";
  const ReadResult r = evident::read_json(text, "u.json");
  EXPECT_FALSE(r.diagnostics.has_errors()) << all_messages(r);
  const Diagnostic* d = nullptr;
  for (const auto& x : r.diagnostics.items())
    if (x.code == "json-unknown-key" && x.field == "men") d = &x;
  ASSERT_NE(d, nullptr) << all_messages(r);
  EXPECT_EQ(d->severity, Severity::warning);
  EXPECT_EQ(d->message, "unknown key \"men\" in outcomes[0].data[0].arms[0] (ignored)");
  EXPECT_EQ(d->hint, "did you mean \"mean\"?");
  EXPECT_EQ(d->study, "S");
  EXPECT_EQ(d->location.line, 2);
  EXPECT_EQ(d->location.column, 66);
  bool top = false;
  for (const auto& x : r.diagnostics.items())
    if (x.code == "json-unknown-key" && x.message == "unknown key \"comment\" in the top level (ignored)") top = true;
  EXPECT_TRUE(top) << all_messages(r);
}

TEST(JsonRead, WrongTypesAreErrorsWithPathAndLineColumn) {
  const std::string text =
      "{\"evident_dataset\": 1,\n"
      " \"studies\": [{\"label\": \"S\", \"year\": \"1999\"}],\n"
      " \"outcomes\": [{\"name\": \"x\", \"type\": \"binary\", \"data\": [\n"
      "  {\"study\": \"S\", \"arms\": [{\"treatment\": \"A\", \"events\": \"3\", \"n\": 10},\n"
      "                           {\"treatment\": 7, \"events\": 1, \"n\": 10}]}]}]}";
  const ReadResult r = evident::read_json(text, "t.json");
  EXPECT_TRUE(r.diagnostics.has_errors());
  std::vector<std::string> lines;
  for (const auto& d : r.diagnostics.items())
    if (d.code == "json-type") lines.push_back(evident::format_diagnostic(d));
  ASSERT_EQ(lines.size(), 3U) << all_messages(r);
  EXPECT_EQ(lines[0], "t.json:2:37: error: studies[0].year must be an integer, not a string (\"1999\")");
  EXPECT_EQ(lines[1],
            "t.json:4:56: error: outcomes[0].data[0].arms[0].events must be a number, not a string (\"3\") "
            "(hint: write numbers without quotes)");
  EXPECT_EQ(lines[2], "t.json:5:42: error: outcomes[0].data[0].arms[1].treatment must be a string, not a number (7)");
}

TEST(JsonRead, MalformedJsonGivesLineAndColumn) {
  const std::string text = "{\"evident_dataset\": 1,\n \"outcomes\": [\n  {\"name\": \"x\",, \"type\": \"binary\"}]}";
  const ReadResult r = evident::read_json(text, "bad.json");
  ASSERT_EQ(r.diagnostics.size(), 1U) << all_messages(r);
  const Diagnostic& d = r.diagnostics.items()[0];
  EXPECT_EQ(d.code, "json-syntax");
  EXPECT_EQ(d.location.line, 3);
  EXPECT_EQ(d.location.column, 16);
  EXPECT_EQ(d.message,
            "malformed JSON: syntax error while parsing object key - unexpected ','; expected string literal");
  EXPECT_TRUE(r.dataset.outcomes.empty());
}

TEST(JsonRead, TruncatedAndEmptyInput) {
  const ReadResult t = evident::read_json("{\"evident_dataset\": 1, \"outcomes\": [", "trunc.json");
  ASSERT_NE(find_code(t, "json-syntax"), nullptr) << all_messages(t);
  EXPECT_EQ(find_code(t, "json-syntax")->location.line, 1);
  const ReadResult e = evident::read_json("", "empty.json");
  ASSERT_NE(find_code(e, "json-syntax"), nullptr) << all_messages(e);
  const ReadResult a = evident::read_json("[1, 2]", "array.json");
  ASSERT_NE(find_code(a, "json-not-dataset"), nullptr) << all_messages(a);
}

TEST(JsonRead, VersionAndStructureErrors) {
  const ReadResult v2 = evident::read_json("{\"evident_dataset\": 2, \"outcomes\": []}", "v2.json");
  ASSERT_NE(find_code(v2, "json-version"), nullptr) << all_messages(v2);
  EXPECT_EQ(find_code(v2, "json-version")->message,
            "unsupported evident_dataset version 2 (this build reads version 1)");

  const ReadResult nov = evident::read_json(
      "{\"outcomes\": [{\"name\": \"x\", \"type\": \"binary\", \"data\": [{\"study\": \"S\", \"arms\": ["
      "{\"treatment\": \"A\", \"events\": 1, \"n\": 10}, {\"treatment\": \"B\", \"events\": 2, \"n\": 10}]}]}]}",
      "nov.json");
  ASSERT_NE(find_code(nov, "json-no-version"), nullptr) << all_messages(nov);
  EXPECT_FALSE(nov.diagnostics.has_errors()) << all_messages(nov);

  const ReadResult noout = evident::read_json("{\"evident_dataset\": 1}", "noout.json");
  ASSERT_NE(find_code(noout, "json-no-outcomes"), nullptr);
  EXPECT_TRUE(noout.diagnostics.has_errors());

  const ReadResult both = evident::read_json(
      "{\"evident_dataset\": 1, \"outcomes\": [{\"name\": \"x\", \"type\": \"binary\", \"data\": ["
      "{\"study\": \"S\", \"arms\": [], \"contrasts\": []}]}]}",
      "both.json");
  ASSERT_NE(find_code(both, "json-arms-and-contrasts"), nullptr) << all_messages(both);

  const ReadResult dup = evident::read_json(
      "{\"evident_dataset\": 1, \"studies\": [{\"label\": \"S\"},\n{\"label\": \"S\"}], \"outcomes\": []}", "dup.json");
  ASSERT_NE(find_code(dup, "json-duplicate-study"), nullptr) << all_messages(dup);
  EXPECT_EQ(find_code(dup, "json-duplicate-study")->message, "study \"S\" is listed twice (first at line 1)");
  EXPECT_EQ(find_code(dup, "json-duplicate-study")->location.line, 2);

  const ReadResult missing = evident::read_json(
      "{\"evident_dataset\": 1, \"outcomes\": [{\"type\": \"binary\", \"data\": []}]}", "missing.json");
  ASSERT_NE(find_code(missing, "json-missing-key"), nullptr) << all_messages(missing);
  EXPECT_EQ(find_code(missing, "json-missing-key")->message, "outcomes[0] has no \"name\"");

  const ReadResult badtype = evident::read_json(
      "{\"evident_dataset\": 1, \"outcomes\": [{\"name\": \"x\", \"type\": \"ordinal\", \"data\": []}]}", "bt.json");
  ASSERT_NE(find_code(badtype, "json-bad-value"), nullptr) << all_messages(badtype);
  EXPECT_EQ(find_code(badtype, "json-bad-value")->message, "unknown outcome type \"ordinal\"");

  const ReadResult level = evident::read_json(
      "{\"evident_dataset\": 1, \"outcomes\": [{\"name\": \"x\", \"type\": \"contrast\", \"data\": [{\"study\": \"S\", "
      "\"contrasts\": [{\"treat1\": \"A\", \"treat2\": \"B\", \"estimate\": 1, \"ci_lower\": 0, \"ci_upper\": 2, "
      "\"ci_level\": 95}]}]}]}",
      "level.json");
  ASSERT_NE(find_code(level, "json-bad-value"), nullptr) << all_messages(level);
  EXPECT_EQ(find_code(level, "json-bad-value")->hint, "give the level as a fraction, e.g. 0.95");
}

TEST(JsonRead, StudiesOnlyNamedInDataAreAddedWithANote) {
  const ReadResult r = evident::read_json(
      "{\"evident_dataset\": 1, \"outcomes\": [{\"name\": \"x\", \"type\": \"binary\", \"data\": ["
      "{\"study\": \"New\", \"arms\": [{\"treatment\": \"A\", \"events\": 1, \"n\": 10}, "
      "{\"treatment\": \"B\", \"events\": 2, \"n\": 10}]}]}]}",
      "implicit.json");
  ASSERT_EQ(r.dataset.studies.size(), 1U);
  EXPECT_EQ(r.dataset.studies[0].label, "New");
  const Diagnostic* d = find_code(r, "json-implicit-study");
  ASSERT_NE(d, nullptr) << all_messages(r);
  EXPECT_EQ(d->severity, Severity::note);
}

TEST(JsonRead, RiskOfBiasAndDirection) {
  const ReadResult r = evident::read_json(
      "{\"evident_dataset\": 1, \"studies\": [{\"label\": \"S\", \"rob\": {\"d1\": \"low\", \"d3\": \"some concerns\", "
      "\"overall\": \"high\"}, \"indirectness\": \"low\"}], \"outcomes\": [{\"name\": \"x\", \"type\": \"rate\", "
      "\"direction\": \"small-values-desirable\", \"mid\": 0.1, \"time_point\": \"1 y\", \"measure\": \"IRR\", "
      "\"data\": [{\"study\": \"S\", \"arms\": [{\"treatment\": \"A\", \"events\": 3, \"time\": 100.5}, "
      "{\"treatment\": \"B\", \"events\": 5, \"time\": 98}]}]}]}",
      "rob.json");
  EXPECT_FALSE(r.diagnostics.has_errors()) << all_messages(r);
  ASSERT_EQ(r.dataset.studies.size(), 1U);
  const auto& rob = r.dataset.studies[0].rob;
  EXPECT_EQ(rob.domains[0], Judgement::low);
  EXPECT_FALSE(rob.domains[1]);
  EXPECT_EQ(rob.domains[2], Judgement::some_concerns);
  EXPECT_EQ(rob.overall, Judgement::high);
  EXPECT_EQ(r.dataset.studies[0].indirectness, Judgement::low);
  ASSERT_EQ(r.dataset.outcomes.size(), 1U);
  EXPECT_EQ(r.dataset.outcomes[0].type, OutcomeType::rate);
  EXPECT_EQ(r.dataset.outcomes[0].direction, evident::Direction::small_values_desirable);
  EXPECT_EQ(r.dataset.outcomes[0].mid, 0.1);
  EXPECT_EQ(r.dataset.outcomes[0].time_point, "1 y");
  EXPECT_EQ(r.dataset.outcomes[0].measure, "IRR");

  const ReadResult bad = evident::read_json(
      "{\"evident_dataset\": 1, \"studies\": [{\"label\": \"S\", \"rob\": {\"d1\": \"great\"}}], \"outcomes\": []}",
      "badrob.json");
  ASSERT_NE(find_code(bad, "json-bad-value"), nullptr) << all_messages(bad);
  EXPECT_EQ(find_code(bad, "json-bad-value")->message,
            "studies[0].rob.d1 must be \"low\", \"some concerns\" or \"high\", not \"great\"");
}

TEST(JsonRead, DeepNestingIsRefused) {
  std::string text = "{\"evident_dataset\": 1, \"outcomes\": [], \"x\": ";
  for (int i = 0; i < 100000; ++i) text += '[';
  const ReadResult r = evident::read_json(text, "deep.json");
  ASSERT_NE(find_code(r, "json-too-deep"), nullptr) << all_messages(r);
}

}  // namespace
