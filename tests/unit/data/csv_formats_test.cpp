// CSV dialects and the CINeMA / MetaInsight layouts (files in tests/data/formats, described in its
// README.md), encodings, separators, quoting, mappings and format detection.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "evident/data/read.hpp"
#include "evident_test.hpp"

namespace {

using evident::Judgement;
using evident::OutcomeType;
using evident::ReadOptions;
using evident::ReadResult;

std::string all_diagnostics(const ReadResult& r) {
  std::string out;
  for (const auto& d : r.diagnostics.items()) out += evident::format_diagnostic(d) + "\n";
  return out;
}

ReadResult load_format(const std::string& name, ReadOptions options = {}) {
  return evident::read_file(evident::test::data_path("formats/" + name), options);
}

const evident::Arm* find_arm(const ReadResult& r, std::size_t outcome, const std::string& study,
                             const std::string& treatment) {
  const std::size_t s = r.dataset.find_study(study);
  for (const auto& sd : r.dataset.outcomes.at(outcome).data)
    if (sd.study == s)
      for (const auto& a : sd.arms)
        if (a.treatment == treatment) return &a;
  return nullptr;
}

const evident::Study& study(const ReadResult& r, const std::string& label) {
  const std::size_t s = r.dataset.find_study(label);
  EXPECT_NE(s, evident::Dataset::npos) << label;
  return r.dataset.studies.at(s);
}

// ---------------------------------------------------------------------------------------------
// CINeMA

TEST(CsvFormats, CinemaBinaryLong) {
  const auto r = load_format("cinema_binary_long.csv");
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  EXPECT_TRUE(r.diagnostics.empty()) << all_diagnostics(r);
  EXPECT_EQ(r.dataset.format, "csv-long-arm");
  const auto& o = r.dataset.outcomes.at(0);
  EXPECT_EQ(o.type, OutcomeType::binary);
  EXPECT_EQ(o.data.size(), 4u);
  // 1,A,9,140,2,1 (smokingcessation.csv line 2)
  const auto* a = find_arm(r, 0, "1", "A");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->events, 9.0);
  EXPECT_EQ(a->n, 140.0);
  EXPECT_EQ(study(r, "1").rob.overall, Judgement::some_concerns);  // rob 2
  EXPECT_EQ(study(r, "1").indirectness, Judgement::low);           // indirectness 1
  EXPECT_EQ(study(r, "3").rob.overall, Judgement::high);
  EXPECT_EQ(study(r, "3").indirectness, Judgement::some_concerns);
}

TEST(CsvFormats, CinemaContinuousLong) {
  const auto r = load_format("cinema_continuous_long.csv");
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  const auto& o = r.dataset.outcomes.at(0);
  EXPECT_EQ(o.type, OutcomeType::continuous);
  EXPECT_EQ(o.data.size(), 4u);
  // Willms1999,Acarbose,-2.3,1.782,31,H,M (dat.senn2013.csv line 7)
  const auto* a = find_arm(r, 0, "Willms1999", "Acarbose");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->mean, -2.3);
  EXPECT_EQ(a->sd, 1.782);
  EXPECT_EQ(a->n, 31.0);
  EXPECT_EQ(study(r, "Willms1999").rob.overall, Judgement::high);
  EXPECT_EQ(study(r, "Willms1999").indirectness, Judgement::some_concerns);
  EXPECT_EQ(study(r, "Davidson2007").indirectness, Judgement::high);
}

TEST(CsvFormats, CinemaBinaryWide) {
  const auto r = load_format("cinema_binary_wide.csv");
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  EXPECT_EQ(r.dataset.format, "csv-wide-arm");
  const auto& o = r.dataset.outcomes.at(0);
  EXPECT_EQ(o.data.size(), 5u);
  std::size_t arms = 0;
  for (const auto& sd : o.data) arms += sd.arms.size();
  EXPECT_EQ(arms, 12u);
  // 5,A,58,549,C,237,1561,,,,2,3
  const auto* a = find_arm(r, 0, "5", "C");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->events, 237.0);
  EXPECT_EQ(a->n, 1561.0);
  EXPECT_EQ(a->source.line, 6);
  EXPECT_EQ(a->source.column, 5);  // t2
  EXPECT_EQ(study(r, "5").indirectness, Judgement::high);
}

TEST(CsvFormats, CinemaInverseVariance) {
  const auto r = load_format("cinema_iv.csv");
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  EXPECT_EQ(r.dataset.format, "csv-contrast");
  const auto& o = r.dataset.outcomes.at(0);
  EXPECT_EQ(o.type, OutcomeType::contrast);
  EXPECT_EQ(o.data.size(), 4u);
  // Willms1999,acar,plac,-1,0.4669,H,M (Senn2013.csv line 29)
  const std::size_t s = r.dataset.find_study("Willms1999");
  for (const auto& sd : o.data) {
    if (sd.study != s) continue;
    ASSERT_EQ(sd.contrasts.size(), 3u);
    EXPECT_EQ(sd.contrasts[2].treat1, "acar");
    EXPECT_EQ(sd.contrasts[2].treat2, "plac");
    EXPECT_EQ(sd.contrasts[2].estimate, -1.0);
    EXPECT_EQ(sd.contrasts[2].se, 0.4669);
  }
  EXPECT_EQ(study(r, "Willms1999").rob.overall, Judgement::high);
}

// ---------------------------------------------------------------------------------------------
// MetaInsight

TEST(CsvFormats, MetaInsightContinuousLongWithLabels) {
  ReadOptions o;
  o.treatment_labels_file = evident::test::data_path("formats/metainsight_labels.csv");
  const auto r = load_format("metainsight_continuous_long.csv", o);
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  // StudyID loses to Study and becomes a covariate (one note)
  ASSERT_EQ(r.diagnostics.size(), 1u) << all_diagnostics(r);
  EXPECT_EQ(r.diagnostics.items()[0].message,
            "column 'StudyID' read as a study covariate (the study label is taken from 'Study')");
  EXPECT_EQ(r.dataset.outcomes.at(0).data.size(), 3u);
  // 3,Willms 1999,3,31,-2.3,1.782,14,high,high,some concerns,high,low,low
  const auto* a = find_arm(r, 0, "Willms 1999", "Acarbose");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->n, 31.0);
  EXPECT_EQ(a->mean, -2.3);
  const auto& s = study(r, "Willms 1999");
  EXPECT_EQ(s.covariates.at("duration").number, 14.0);
  EXPECT_EQ(s.covariates.at("StudyID").text, "3");
  EXPECT_EQ(s.rob.overall, Judgement::high);
  EXPECT_EQ(s.rob.domains[0], Judgement::high);
  EXPECT_EQ(s.rob.domains[1], Judgement::some_concerns);
  EXPECT_EQ(s.rob.domains[4], Judgement::low);
  EXPECT_NE(find_arm(r, 0, "Lewin 2007", "Placebo"), nullptr);
}

TEST(CsvFormats, MetaInsightContinuousWide) {
  ReadOptions o;
  o.treatment_labels_file = evident::test::data_path("formats/metainsight_labels.csv");
  const auto r = load_format("metainsight_continuous_wide.csv", o);
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  const auto& out = r.dataset.outcomes.at(0);
  EXPECT_EQ(out.type, OutcomeType::continuous);
  EXPECT_EQ(out.data.size(), 3u);
  // 3,Willms 1999,1,29,-2.5,0.862,3,31,-2.3,1.782,2,29,-1.3,1.831,14,H,M,H,L,L,H
  const auto* a = find_arm(r, 0, "Willms 1999", "Placebo");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->sd, 1.831);
  EXPECT_EQ(a->columns.sd, 14);
  const auto& s = study(r, "Willms 1999");
  EXPECT_EQ(s.rob.domains[0], Judgement::high);
  EXPECT_EQ(s.rob.domains[1], Judgement::some_concerns);
  EXPECT_EQ(s.rob.overall, Judgement::high);
  EXPECT_EQ(s.covariates.at("duration").number, 14.0);
  // "NA" cells are an absent third arm
  EXPECT_EQ(out.data.at(0).arms.size(), 2u);
}

TEST(CsvFormats, MetaInsightBinaryLongAndWideAgree) {
  ReadOptions o;
  o.treatment_labels_file = evident::test::data_path("formats/metainsight_binary_labels.csv");
  const auto l = load_format("metainsight_binary_long.csv", o);
  const auto w = load_format("metainsight_binary_wide.csv", o);
  ASSERT_TRUE(l.ok()) << all_diagnostics(l);
  ASSERT_TRUE(w.ok()) << all_diagnostics(w);
  for (const auto* r : {&l, &w}) {
    EXPECT_EQ(r->dataset.outcomes.at(0).type, OutcomeType::binary);
    EXPECT_EQ(r->dataset.outcomes.at(0).data.size(), 3u);
    // Cottraux 1983, treatment 4 = group counselling: 10 / 138 (dat.hasselblad1998.csv line 6)
    const auto* a = find_arm(*r, 0, "Cottraux 1983", "Group counselling");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->events, 10.0);
    EXPECT_EQ(a->n, 138.0);
  }
}

TEST(CsvFormats, MetaInsightWithoutLabelsKeepsNumbers) {
  const auto r = load_format("metainsight_binary_long.csv");
  ASSERT_TRUE(r.ok());
  EXPECT_NE(find_arm(r, 0, "Cottraux 1983", "4"), nullptr);
}

TEST(CsvFormats, TreatmentCodeMissingFromLabelsFile) {
  ReadOptions o;
  o.treatment_labels_file = evident::test::data_path("formats/metainsight_labels.csv");  // labels 1-3 only
  const auto r = evident::read_text("Study,T,R,N\nA,1,1,10\nA,7,2,10\n", "mi.csv", o);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(evident::format_diagnostic(r.diagnostics.items().back()),
            "mi.csv:3:1: warning: treatment '7' is not in the labels file '" + *o.treatment_labels_file +
                "'; it keeps its name (hint: add a line '7,LABEL' to the labels file)");
  EXPECT_NE(find_arm(r, 0, "A", "Metformin"), nullptr);
  EXPECT_NE(find_arm(r, 0, "A", "7"), nullptr);
}

// ---------------------------------------------------------------------------------------------
// Dialects and encodings

TEST(CsvFormats, BomCrlfSemicolonsAndDecimalCommas) {
  const auto r = evident::read_text(
      "\xEF\xBB\xBFstudy;treatment;mean;sd;n\r\n\"A\";x;1,5;0,9;10\r\nA;y;2,25;1,1;12\r\n\r\n", "semi.csv");
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  EXPECT_TRUE(r.diagnostics.empty()) << all_diagnostics(r);
  const auto* a = find_arm(r, 0, "A", "x");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->mean, 1.5);
  EXPECT_EQ(a->sd, 0.9);
  EXPECT_EQ(a->source.line, 2);
  EXPECT_EQ(find_arm(r, 0, "A", "y")->mean, 2.25);
}

TEST(CsvFormats, CarriageReturnLineEndsAndDoubledQuotes) {
  const auto r = evident::read_text(
      "study,treatment,events,n\r\"A \"\"quoted\"\" name\",x,3,10\r\"A \"\"quoted\"\" name\",y,4,12\r", "cr.csv");
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  const auto* a = find_arm(r, 0, "A \"quoted\" name", "y");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->source.line, 3);
}

TEST(CsvFormats, QuotedCommasAndLineBreaksInCells) {
  const auto r = evident::read_text(
      "study,treatment,events,n,note\n\"Smith, 2001\",\"drug, 10 mg\",3,10,\"two\nlines\"\n\"Smith, "
      "2001\",placebo,4,12,x\n",
      "q.csv");
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  const auto* a = find_arm(r, 0, "Smith, 2001", "drug, 10 mg");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->events, 3.0);
  EXPECT_EQ(study(r, "Smith, 2001").covariates.at("note").text, "two\nlines");
  EXPECT_EQ(find_arm(r, 0, "Smith, 2001", "placebo")->source.line, 4);  // the quoted line break counts
}

TEST(CsvFormats, Latin1IsConvertedWithANote) {
  const auto r =
      evident::read_text("study,treatment,events,n\nM\xfcller 2001,x,3,10\nM\xfcller 2001,y,4,12\n", "l1.csv");
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(evident::format_diagnostic(r.diagnostics.items()[0]),
            "l1.csv:2: note: file is not valid UTF-8 (byte 0xFC on line 2); it was read as Latin-1 (Windows-1252) "
            "(hint: save the file as UTF-8 to be sure names are read as intended)");
  EXPECT_NE(r.dataset.find_study("M\u00fcller 2001"), evident::Dataset::npos);
  // Windows-1252 quotes and the euro sign
  const auto w =
      evident::read_text("study,treatment,events,n\n\x93Q\x94 \x80,x,3,10\n\x93Q\x94 \x80,y,4,12\n", "w.csv");
  EXPECT_NE(w.dataset.find_study("\u201cQ\u201d \u20ac"), evident::Dataset::npos);
  // valid UTF-8 is left alone
  const auto u = evident::read_text("study,treatment,events,n\nM\u00fcller,x,3,10\nM\u00fcller,y,4,12\n", "u.csv");
  EXPECT_TRUE(u.diagnostics.empty());
}

TEST(CsvFormats, TabSeparated) {
  const auto r = evident::read_text("study\ttreatment\tevents\tn\nA\tx\t1\t10\nA\ty\t2\t10\n", "t.tsv");
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  EXPECT_EQ(find_arm(r, 0, "A", "y")->events, 2.0);
}

TEST(CsvFormats, MissingValueSpellings) {
  for (const char* na : {"", "NA", "na", "N/A", ".", "NaN", " "}) {
    const auto r = evident::read_text(
        std::string("study,treatment,mean,sd,n,median\nA,x,1,1,10,") + na + "\nA,y,2,1,10,3\n", "na.csv");
    EXPECT_TRUE(r.ok()) << na << "\n" << all_diagnostics(r);
    EXPECT_FALSE(find_arm(r, 0, "A", "x")->median.has_value()) << na;
  }
}

TEST(CsvFormats, OutcomeAndTimePointColumns) {
  const auto r = evident::read_text(
      "study,treatment,events,n,outcome,timepoint\n"
      "A,x,1,10,death,6 months\nA,y,2,10,death,6 months\n"
      "A,x,3,10,death,12 months\nA,y,4,10,death,12 months\n"
      "B,x,3,10,stroke,12 months\nB,y,4,10,stroke,12 months\n",
      "o.csv");
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  ASSERT_EQ(r.dataset.outcomes.size(), 3u);
  EXPECT_EQ(r.dataset.outcomes[0].name, "death");
  EXPECT_EQ(r.dataset.outcomes[0].time_point, "6 months");
  EXPECT_EQ(r.dataset.outcomes[1].name, "death");
  EXPECT_EQ(r.dataset.outcomes[1].time_point, "12 months");
  EXPECT_EQ(r.dataset.outcomes[2].name, "stroke");
  EXPECT_EQ(find_arm(r, 1, "A", "y")->events, 4.0);
}

TEST(CsvFormats, RiskOfBiasColumnsAreLiberal) {
  const auto r = evident::read_text(
      "study,treatment,events,n,overall,D1,rob.d2,RoB_D3,rob_d4,rob.5,indirectness\n"
      "A,x,1,10,high,L,some concerns,M,3,1,major concerns\nA,y,2,10,high,L,some concerns,M,3,1,major concerns\n",
      "rob.csv");
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  EXPECT_TRUE(r.diagnostics.empty()) << all_diagnostics(r);
  const auto& s = study(r, "A");
  EXPECT_EQ(s.rob.overall, Judgement::high);
  EXPECT_EQ(s.rob.domains[0], Judgement::low);
  EXPECT_EQ(s.rob.domains[1], Judgement::some_concerns);
  EXPECT_EQ(s.rob.domains[2], Judgement::some_concerns);
  EXPECT_EQ(s.rob.domains[3], Judgement::high);
  EXPECT_EQ(s.rob.domains[4], Judgement::low);
  EXPECT_EQ(s.indirectness, Judgement::high);
}

TEST(CsvFormats, MedianAndRangeSummaries) {
  const auto r = evident::read_text(
      "study,treatment,n,median,q1,q3,min,max\nA,x,20,4.5,3.25,6,0.5,9.75\nA,y,21,5,4,7,1,10\n", "m.csv");
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  EXPECT_EQ(r.dataset.outcomes.at(0).type, OutcomeType::continuous);
  const auto* a = find_arm(r, 0, "A", "x");
  EXPECT_EQ(a->median, 4.5);
  EXPECT_EQ(a->q1, 3.25);
  EXPECT_EQ(a->q3, 6.0);
  EXPECT_EQ(a->min, 0.5);
  EXPECT_EQ(a->max, 9.75);
  EXPECT_EQ(a->columns.q3, 6);
}

TEST(CsvFormats, ForcedOutcomeTypeAndName) {
  ReadOptions o;
  o.outcome_type = OutcomeType::time_to_event;
  o.outcome_name = "overall survival";
  const auto r = evident::read_text("study,treat1,treat2,logHR,se\nA,x,y,-0.2,0.1\n", "hr.csv", [&] {
    ReadOptions with = o;
    with.mappings.push_back({"logHR", "TE", ""});
    return with;
  }());
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  EXPECT_EQ(r.dataset.outcomes.at(0).name, "overall survival");
  EXPECT_EQ(r.dataset.outcomes.at(0).type, OutcomeType::time_to_event);
  EXPECT_EQ(r.dataset.outcomes.at(0).data.at(0).contrasts.at(0).se, 0.1);
}

// ---------------------------------------------------------------------------------------------
// Mappings, format detection, files

TEST(CsvFormats, ParseColumnMapping) {
  std::string error;
  auto m = evident::parse_column_mapping("resp=events:response", error);
  ASSERT_TRUE(m.has_value()) << error;
  EXPECT_EQ(m->column, "resp");
  EXPECT_EQ(m->field, "events");
  EXPECT_EQ(m->outcome, "response");
  m = evident::parse_column_mapping(" b.xti = event1 ", error);
  ASSERT_TRUE(m.has_value()) << error;
  EXPECT_EQ(m->column, "b.xti");
  EXPECT_EQ(m->field, "event1");
  EXPECT_TRUE(m->outcome.empty());
  EXPECT_FALSE(evident::parse_column_mapping("exac", error));
  EXPECT_EQ(error,
            "mapping 'exac': no '=': expected COLUMN=FIELD or COLUMN=FIELD:OUTCOME (e.g. exac=events, "
            "resp=events:response)");
  EXPECT_FALSE(evident::parse_column_mapping("=events", error));
  EXPECT_FALSE(evident::parse_column_mapping("x=events:", error));
  EXPECT_FALSE(evident::parse_column_mapping("x=evnts", error));
  EXPECT_EQ(error.rfind("mapping 'x=evnts': unknown field 'evnts' (known: study, treatment, events", 0), 0u) << error;
  for (const char* ok : {"x=ai", "x=nonevent2", "x=treat1", "x=TE", "x=seTE", "x=vi", "x=covariate", "x=ignore",
                         "x=rob.d3", "x=timepoint", "x=outcome", "x=ci.lb", "x=time", "x=sd_baseline"})
    EXPECT_TRUE(evident::parse_column_mapping(ok, error)) << ok << ": " << error;
}

TEST(CsvFormats, MappingToCovariateAndStemsWithSeparators) {
  ReadOptions o;
  o.mappings = {{"resp", "events", ""}, {"n", "covariate", ""}, {"size", "n", ""}};
  const auto r = evident::read_text("study,t.1,resp.1,size.1,t.2,resp.2,size.2,n\nS,a,1,10,b,2,10,7\n", "m.csv", o);
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  EXPECT_EQ(find_arm(r, 0, "S", "b")->events, 2.0);
  EXPECT_EQ(find_arm(r, 0, "S", "b")->n, 10.0);
  EXPECT_EQ(study(r, "S").covariates.at("n").number, 7.0);
}

TEST(CsvFormats, ReadTextDetectsTheFormat) {
  // JSON and RevMan go to their readers (whatever they answer, it is not a CSV diagnostic)
  for (const char* text : {"{\"evident_dataset\": 1}", "<?xml version=\"1.0\"?><COCHRANE_REVIEW/>"}) {
    const auto r = evident::read_text(text, "data");
    for (const auto& d : r.diagnostics.items()) EXPECT_NE(d.code, "missing-column") << text;
  }
  ReadOptions csv;
  csv.format = evident::InputFormat::csv;
  EXPECT_EQ(evident::read_text("{\"a\": 1}\n{\"b\": 2}\n", "x.json", csv).diagnostics.items().back().code,
            "missing-column");
}

TEST(CsvFormats, ReadFileProblems) {
  const auto missing = evident::read_file("/nonexistent/trials.csv");
  EXPECT_FALSE(missing.ok());
  EXPECT_EQ(evident::format_diagnostic(missing.diagnostics.items().at(0)),
            "/nonexistent/trials.csv: error: cannot open file: no such file (hint: check the path)");
  const auto dir = evident::read_file(evident::test::data_path("formats"));
  EXPECT_EQ(dir.diagnostics.items().at(0).code, "cannot-open");
  ReadOptions small;
  small.max_file_bytes = 100;
  const auto big = evident::read_file(evident::test::data_path("Baker2009.csv"), small);
  EXPECT_EQ(big.diagnostics.items().at(0).code, "file-too-large");
  EXPECT_EQ(big.diagnostics.items().at(0).message.rfind("file is ", 0), 0u);
}

}  // namespace
