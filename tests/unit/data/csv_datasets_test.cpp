// Every CSV dataset in tests/data (see tests/data/SOURCES.md) loads, with at most a column mapping,
// into the right numbers of studies, arms and contrasts; spot-checked cells are compared with the
// values in the file (quoted in the comments: line of the file, then the cells).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "evident/data/read.hpp"
#include "evident_test.hpp"

namespace {

using evident::ReadOptions;
using evident::ReadResult;

std::string all_diagnostics(const ReadResult& r) {
  std::string out;
  for (const auto& d : r.diagnostics.items()) out += evident::format_diagnostic(d) + "\n";
  return out;
}

ReadResult load(const std::string& name, const std::vector<std::string>& maps = {}, ReadOptions options = {}) {
  for (const auto& spec : maps) {
    std::string error;
    auto m = evident::parse_column_mapping(spec, error);
    EXPECT_TRUE(m.has_value()) << error;
    if (m) options.mappings.push_back(*m);
  }
  return evident::read_file(evident::test::data_path(name), options);
}

const evident::Outcome& outcome(const ReadResult& r, const std::string& name) {
  const auto* o = r.dataset.find_outcome(name);
  if (!o) {
    ADD_FAILURE() << "no outcome '" << name << "'";
    static const evident::Outcome none;
    return none;
  }
  return *o;
}

std::size_t arms(const evident::Outcome& o) {
  std::size_t n = 0;
  for (const auto& sd : o.data) n += sd.arms.size();
  return n;
}

std::size_t contrasts(const evident::Outcome& o) {
  std::size_t n = 0;
  for (const auto& sd : o.data) n += sd.contrasts.size();
  return n;
}

const evident::StudyData* study_data(const ReadResult& r, const evident::Outcome& o, const std::string& study) {
  const std::size_t index = r.dataset.find_study(study);
  for (const auto& sd : o.data)
    if (sd.study == index) return &sd;
  return nullptr;
}

const evident::Arm& arm(const ReadResult& r, const evident::Outcome& o, const std::string& study,
                        const std::string& treatment) {
  if (const auto* sd = study_data(r, o, study))
    for (const auto& a : sd->arms)
      if (a.treatment == treatment) return a;
  ADD_FAILURE() << "no arm '" << treatment << "' in study '" << study << "'";
  static const evident::Arm none;
  return none;
}

const evident::ContrastRecord& contrast(const ReadResult& r, const evident::Outcome& o, const std::string& study,
                                        const std::string& t1, const std::string& t2) {
  if (const auto* sd = study_data(r, o, study))
    for (const auto& c : sd->contrasts)
      if (c.treat1 == t1 && c.treat2 == t2) return c;
  ADD_FAILURE() << "no comparison '" << t1 << "' vs '" << t2 << "' in study '" << study << "'";
  static const evident::ContrastRecord none;
  return none;
}

bool has_code(const ReadResult& r, const std::string& code) {
  const auto& items = r.diagnostics.items();
  return std::any_of(items.begin(), items.end(), [&](const auto& d) { return d.code == code; });
}

// ---------------------------------------------------------------------------------------------
// netmeta datasets

TEST(CsvDatasets, Baker2009LongBinaryWithMapping) {
  const auto r = load("Baker2009.csv", {"exac=events", "total=n"});
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  EXPECT_EQ(r.dataset.format, "csv-long-arm");
  const auto& o = outcome(r, "Baker2009");
  EXPECT_EQ(o.type, evident::OutcomeType::binary);
  EXPECT_EQ(o.data.size(), 39u);
  EXPECT_EQ(arms(o), 94u);
  // line 2: "Llewellyn-Jones 1996",1996,1,"Fluticasone",0,8
  const auto& a = arm(r, o, "Llewellyn-Jones 1996", "Fluticasone");
  EXPECT_EQ(a.events, 0.0);
  EXPECT_EQ(a.n, 8.0);
  EXPECT_EQ(a.source.line, 2);
  EXPECT_EQ(a.columns.events, 5);
  EXPECT_EQ(a.columns.n, 6);
  // line 95: "DalNegro 2003",2008,39,"Placebo",6,6 (the label's year is not parsed)
  const auto& s = r.dataset.studies[r.dataset.find_study("DalNegro 2003")];
  EXPECT_EQ(s.year, 2008);
  EXPECT_EQ(s.covariates.at("id").number, 39.0);
}

TEST(CsvDatasets, Baker2009WithoutMappingNamesTheMissingFields) {
  const auto r = load("Baker2009.csv");
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(has_code(r, "missing-column"));
}

TEST(CsvDatasets, Dogliotti2014) {
  const auto r = load("Dogliotti2014.csv", {"stroke=events", "total=n"});
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  const auto& o = outcome(r, "Dogliotti2014");
  EXPECT_EQ(o.data.size(), 20u);
  EXPECT_EQ(arms(o), 44u);
  // line 45: "WASPO, 2007",20,"Aspirin",0,39 (quoted comma)
  const auto& a = arm(r, o, "WASPO, 2007", "Aspirin");
  EXPECT_EQ(a.events, 0.0);
  EXPECT_EQ(a.n, 39.0);
}

TEST(CsvDatasets, Dong2013AndDatDong2013) {
  for (const char* name : {"Dong2013.csv", "dat.dong2013.csv"}) {
    const auto r = load(name, {"death=events", "randomized=n"});
    ASSERT_TRUE(r.ok()) << name << "\n" << all_diagnostics(r);
    const auto& o = r.dataset.outcomes.at(0);
    EXPECT_EQ(o.data.size(), 41u) << name;
    EXPECT_EQ(arms(o), 99u) << name;
    // line 2: 1,"TIO-SMI",52,1989; line 100: 41,"Placebo",3,181
    EXPECT_EQ(arm(r, o, "1", "TIO-SMI").events, 52.0);
    EXPECT_EQ(arm(r, o, "1", "TIO-SMI").n, 1989.0);
    EXPECT_EQ(arm(r, o, "41", "Placebo").events, 3.0);
  }
}

TEST(CsvDatasets, Gurusamy2011) {
  const auto r = load("Gurusamy2011.csv", {"death=events"});
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  const auto& o = outcome(r, "Gurusamy2011");
  EXPECT_EQ(o.data.size(), 14u);
  EXPECT_EQ(arms(o), 29u);
  // line 30: "Ickx 2006","Tranexamic acid",2,27
  EXPECT_EQ(arm(r, o, "Ickx 2006", "Tranexamic acid").events, 2.0);
  EXPECT_EQ(arm(r, o, "Ickx 2006", "Tranexamic acid").n, 27.0);
}

TEST(CsvDatasets, Woods2010AutoDetected) {
  for (const char* name : {"Woods2010.csv", "dat.woods2010.csv"}) {
    const auto r = load(name);
    ASSERT_TRUE(r.ok()) << name << "\n" << all_diagnostics(r);
    EXPECT_TRUE(r.diagnostics.empty()) << all_diagnostics(r);
    const auto& o = r.dataset.outcomes.at(0);
    EXPECT_EQ(o.type, evident::OutcomeType::binary);
    EXPECT_EQ(o.data.size(), 3u);
    EXPECT_EQ(arms(o), 8u);
    // line 2: "Boyd 1997","Salmeterol",1,229; line 9: "Celli 2003","Placebo",2,270
    EXPECT_EQ(arm(r, o, "Boyd 1997", "Salmeterol").n, 229.0);
    EXPECT_EQ(arm(r, o, "Celli 2003", "Placebo").events, 2.0);
  }
}

TEST(CsvDatasets, Franchini2012WideContinuous) {
  const auto r = load("Franchini2012.csv");
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  EXPECT_EQ(r.dataset.format, "csv-wide-arm");
  const auto& o = outcome(r, "Franchini2012");
  EXPECT_EQ(o.type, evident::OutcomeType::continuous);
  EXPECT_EQ(o.data.size(), 7u);
  EXPECT_EQ(arms(o), 15u);
  // line 4: "Guttman 1997","Placebo",-0.3,4.4,76,"Pramipexole",-2.6,4.3,71,"Bromocriptine",-1.2,4.3,81
  const auto& a = arm(r, o, "Guttman 1997", "Bromocriptine");
  EXPECT_EQ(a.mean, -1.2);
  EXPECT_EQ(a.sd, 4.3);
  EXPECT_EQ(a.n, 81.0);
  EXPECT_EQ(a.source.line, 4);
  EXPECT_EQ(a.columns.treatment, 10);
  EXPECT_EQ(a.columns.mean, 11);
  EXPECT_EQ(study_data(r, o, "Gershanik 1994a")->arms.size(), 2u);  // line 8: third arm empty
}

TEST(CsvDatasets, ParkinsonNumericCodes) {
  const auto r = load("parkinson.csv");
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  const auto& o = outcome(r, "parkinson");
  EXPECT_EQ(o.data.size(), 7u);
  EXPECT_EQ(arms(o), 15u);
  // line 4: 3,1,-0.3,4.4,76,2,-2.6,4.3,71,4,-1.2,4.3,81
  EXPECT_EQ(arm(r, o, "3", "4").n, 81.0);
  EXPECT_EQ(arm(r, o, "3", "2").mean, -2.6);
}

TEST(CsvDatasets, Linde2015SeveralOutcomesFromMappings) {
  const auto r = load("Linde2015.csv", {"resp=events:response", "remi=events:remission", "loss=events:loss",
                                        "loss.ae=events:loss_ae", "ae=events:ae"});
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  ASSERT_EQ(r.dataset.outcomes.size(), 5u);
  EXPECT_EQ(r.dataset.studies.size(), 66u);
  // Studies (and arms) with events and n in at least two arms, counted in the file.
  const std::vector<std::tuple<std::string, std::size_t, std::size_t>> expected = {
      {"response", 59, 125}, {"remission", 54, 112}, {"loss", 59, 125}, {"loss_ae", 58, 123}, {"ae", 40, 84}};
  for (const auto& [name, studies, n_arms] : expected) {
    const auto& o = outcome(r, name);
    EXPECT_EQ(o.type, evident::OutcomeType::binary) << name;
    EXPECT_EQ(o.data.size(), studies) << name;
    EXPECT_EQ(arms(o), n_arms) << name;
  }
  // line 2: 1,"Lecrubier",1997,"TCA","SNRI","Placebo",75,49,,23,10,,78,60,,23,11,,76,48,,19,4,
  const auto& resp = outcome(r, "response");
  EXPECT_EQ(arm(r, resp, "1", "SNRI").events, 60.0);
  EXPECT_EQ(arm(r, resp, "1", "SNRI").n, 78.0);
  EXPECT_EQ(arm(r, outcome(r, "loss_ae"), "1", "Placebo").events, 4.0);
  EXPECT_EQ(study_data(r, outcome(r, "remission"), "1"), nullptr);  // remi1..3 empty
  // line 67: 135,"Wiles",2012,"SSRI","NRI","",298,117,60,44,93,,303,107,61,70,162,,...
  EXPECT_EQ(arm(r, outcome(r, "remission"), "135", "NRI").events, 61.0);
  EXPECT_EQ(r.dataset.studies[r.dataset.find_study("135")].covariates.at("author").text, "Wiles");
}

TEST(CsvDatasets, Linde2016ContrastWithArmCounts) {
  const auto r = load("Linde2016.csv", {"lnOR=TE", "selnOR=seTE"});
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  EXPECT_EQ(r.dataset.format, "csv-contrast");
  const auto& o = outcome(r, "Linde2016");
  EXPECT_EQ(o.type, evident::OutcomeType::contrast);
  EXPECT_EQ(o.data.size(), 93u);
  EXPECT_EQ(contrasts(o), 124u);
  // line 2: 1,"Lecrubier",1997,"SNRI","Placebo","SNRI","Placebo",0.664976303593249,0.35884514943056045,60,78,48,76
  const auto& c = contrast(r, o, "1", "SNRI", "Placebo");
  EXPECT_EQ(c.estimate, 0.664976303593249);
  EXPECT_EQ(c.se, 0.35884514943056045);
  EXPECT_EQ(c.events1, 60.0);
  EXPECT_EQ(c.n1, 78.0);
  EXPECT_EQ(c.events2, 48.0);
  EXPECT_EQ(c.n2, 76.0);
  // line 125: 206,"MacPherson",2013,"Other face-to-face","UC",...,0.3497909914515857,0.2397122519597947,...
  EXPECT_EQ(contrast(r, o, "206", "Other face-to-face", "UC").se, 0.2397122519597947);
}

TEST(CsvDatasets, Senn2013ContrastAuto) {
  const auto r = load("Senn2013.csv");
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  const auto& o = outcome(r, "Senn2013");
  EXPECT_EQ(o.data.size(), 26u);
  EXPECT_EQ(contrasts(o), 28u);
  // line 2: -1.9,0.1414,...,"metf","plac","DeFronzo1995"; line 29: -1,0.4669,...,"acar","plac","Willms1999"
  EXPECT_EQ(contrast(r, o, "DeFronzo1995", "metf", "plac").estimate, -1.9);
  EXPECT_EQ(contrast(r, o, "Willms1999", "acar", "plac").se, 0.4669);
  EXPECT_EQ(study_data(r, o, "Willms1999")->contrasts.size(), 3u);
}

TEST(CsvDatasets, Stowe2010WideAuto) {
  const auto r = load("Stowe2010.csv");
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  const auto& o = outcome(r, "Stowe2010");
  EXPECT_EQ(o.type, evident::OutcomeType::continuous);
  EXPECT_EQ(o.data.size(), 29u);
  // line 30: "MAOBI(ZS) USA",29,"MAOBI",-2.2,2.43,94,"Placebo",-0.6,2.49,46,"",,,
  const auto& a = arm(r, o, "MAOBI(ZS) USA", "Placebo");
  EXPECT_EQ(a.mean, -0.6);
  EXPECT_EQ(a.sd, 2.49);
  EXPECT_EQ(a.n, 46.0);
  EXPECT_EQ(study_data(r, o, "DA(pr/B) Int")->arms.size(), 2u);
}

TEST(CsvDatasets, DietaryfatRates) {
  const auto r = load("dietaryfat.csv", {"years=time", "d=events"});
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  const auto& o = outcome(r, "dietaryfat");
  EXPECT_EQ(o.type, evident::OutcomeType::rate);
  EXPECT_EQ(o.data.size(), 10u);
  EXPECT_EQ(arms(o), 21u);
  // line 3: 1,2,3,43.6,41.3,38,1,5,3,"10 London Corn /Olive"
  const auto& a = arm(r, o, "10 London Corn /Olive", "3");
  EXPECT_EQ(a.time, 38.0);
  EXPECT_EQ(a.events, 3.0);
}

TEST(CsvDatasets, DietaryfatWithoutMappingSuggestsOne) {
  const auto r = load("dietaryfat.csv");
  EXPECT_FALSE(r.ok());
  ASSERT_FALSE(r.diagnostics.empty());
  EXPECT_NE(r.diagnostics.items().back().hint.find("--map d=events"), std::string::npos) << all_diagnostics(r);
}

TEST(CsvDatasets, SmokingcessationNumbersTheRows) {
  const auto r = load("smokingcessation.csv");
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  EXPECT_TRUE(has_code(r, "no-study-column"));
  const auto& o = outcome(r, "smokingcessation");
  EXPECT_EQ(o.data.size(), 24u);
  EXPECT_EQ(arms(o), 50u);
  // line 3: 11,78,12,85,29,170,"B","C","D"; line 25: 9,55,3,26,,,"C","D",""
  EXPECT_EQ(arm(r, o, "2", "D").events, 29.0);
  EXPECT_EQ(arm(r, o, "2", "D").n, 170.0);
  EXPECT_EQ(study_data(r, o, "24")->arms.size(), 2u);
}

TEST(CsvDatasets, MetabookSenn2013LongAuto) {
  const auto r = load("metabook_Senn2013.csv");
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  const auto& o = outcome(r, "metabook_Senn2013");
  EXPECT_EQ(o.type, evident::OutcomeType::continuous);
  EXPECT_EQ(o.data.size(), 26u);
  EXPECT_EQ(arms(o), 53u);
  // line 54: "Moulin 2006","Placebo",156,0.19,1.374,"change","Moulin",2006
  EXPECT_EQ(arm(r, o, "Moulin 2006", "Placebo").sd, 1.374);
  EXPECT_EQ(r.dataset.studies[r.dataset.find_study("Moulin 2006")].year, 2006);
}

TEST(CsvDatasets, MetabookLinde2016) {
  const auto r = load("metabook_Linde2016.csv", {"resp=events", "int=treatment"});
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  const auto& o = outcome(r, "metabook_Linde2016");
  EXPECT_EQ(o.data.size(), 93u);
  EXPECT_EQ(arms(o), 201u);
  // line 202: 206,"MacPherson",2013,31,151,"UC","UC"
  EXPECT_EQ(arm(r, o, "206", "UC").events, 31.0);
}

// ---------------------------------------------------------------------------------------------
// metadat datasets

TEST(CsvDatasets, DatBcgWithEscalcNames) {
  for (const auto& maps :
       {std::vector<std::string>{"tpos=ai", "tneg=bi", "cpos=ci", "cneg=di"},
        std::vector<std::string>{"tpos=event1", "tneg=nonevent1", "cpos=event2", "cneg=nonevent2"}}) {
    const auto r = load("dat.bcg.csv", maps);
    ASSERT_TRUE(r.ok()) << all_diagnostics(r);
    EXPECT_EQ(r.dataset.format, "csv-two-group");
    const auto& o = outcome(r, "dat.bcg");
    EXPECT_EQ(o.data.size(), 13u);
    EXPECT_EQ(arms(o), 26u);
    // line 2: 1,"Aronson",1948,4,119,11,128,44,"random" - n = events + non-events
    const auto& e = arm(r, o, "1", "Experimental");
    EXPECT_EQ(e.events, 4.0);
    EXPECT_EQ(e.n, 123.0);
    const auto& c = arm(r, o, "1", "Control");
    EXPECT_EQ(c.events, 11.0);
    EXPECT_EQ(c.n, 139.0);
    const auto& s = r.dataset.studies[r.dataset.find_study("1")];
    EXPECT_EQ(s.covariates.at("ablat").number, 44.0);
    EXPECT_EQ(s.covariates.at("alloc").text, "random");
    EXPECT_EQ(s.covariates.at("author").text, "Aronson");
    EXPECT_EQ(s.year, 1948);
  }
}

TEST(CsvDatasets, DatCollins1985aThreeOutcomes) {
  const auto r = load("dat.collins1985a.csv",
                      {"nti=n1", "nci=n2", "b.xti=event1:bleeding", "b.xci=event2:bleeding", "o.xti=event1:operation",
                       "o.xci=event2:operation", "d.xti=event1:death", "d.xci=event2:death"});
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  EXPECT_EQ(r.dataset.studies.size(), 27u);
  // Studies used by metafor (tests/reference/pairwise_dat.collins1985a_*_OR.json, data.used).
  for (const auto& [name, k] :
       std::vector<std::pair<std::string, std::size_t>>{{"bleeding", 25}, {"operation", 22}, {"death", 24}}) {
    const auto ref = evident::test::load_reference("pairwise_dat.collins1985a_" + name + "_OR.json");
    std::size_t used = 0;
    for (const auto& u : ref["data"]["used"]) used += u.get<bool>() ? 1 : 0;
    EXPECT_EQ(used, k) << name;
    EXPECT_EQ(outcome(r, name).data.size(), k) << name;
  }
  // line 28: 27,"Foco",1984,28,"R","P",15,2,0,0,14,3,0,0 - "Foco" is used twice, told apart by year
  const auto& a = arm(r, outcome(r, "bleeding"), "Foco (1984)", "Control");
  EXPECT_EQ(a.events, 3.0);
  EXPECT_EQ(a.n, 14.0);
  EXPECT_TRUE(has_code(r, "duplicate-study"));
}

TEST(CsvDatasets, DatYusuf1985OutcomeColumn) {
  const auto r = load("dat.yusuf1985.csv", {"table=outcome"});
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  ASSERT_EQ(r.dataset.outcomes.size(), 6u);
  std::size_t studies = 0;
  for (const auto& o : r.dataset.outcomes) studies += o.data.size();
  // tests/reference/escalc_dat.yusuf1985_OR.json: 118 rows once the rows with missing counts are dropped
  EXPECT_EQ(studies, evident::test::load_reference("escalc_dat.yusuf1985_OR.json")["rows"].size());
  // 12 rows have no counts (e.g. line 9: "6","1.8","Snow 1",,,,): each excluded with its reason
  const auto& excluded = r.dataset.excluded;
  EXPECT_EQ(std::count_if(excluded.begin(), excluded.end(),
                          [](const auto& e) { return e.reason == "no data for this outcome"; }),
            12);
  const auto snow = std::find_if(excluded.begin(), excluded.end(), [](const auto& e) { return e.study == "Snow 1"; });
  ASSERT_NE(snow, excluded.end());
  EXPECT_EQ(snow->outcome, "6");
  EXPECT_EQ(snow->source.line, 9);
  // line 2: "6","1.1","Balcon",14,56,15,58
  const auto& o6 = outcome(r, "6");
  EXPECT_EQ(arm(r, o6, "Balcon", "Experimental").events, 14.0);
  EXPECT_EQ(arm(r, o6, "Balcon", "Control").n, 58.0);
}

TEST(CsvDatasets, DatLi2007AndEgger2001TwoGroupAuto) {
  for (const auto& [name, k] :
       std::vector<std::pair<std::string, std::size_t>>{{"dat.li2007.csv", 22}, {"dat.egger2001.csv", 16}}) {
    const auto r = load(name);
    ASSERT_TRUE(r.ok()) << all_diagnostics(r);
    const auto& o = r.dataset.outcomes.at(0);
    EXPECT_EQ(o.type, evident::OutcomeType::binary);
    EXPECT_EQ(o.data.size(), k) << name;
    EXPECT_EQ(arms(o), 2 * k) << name;
    // line 2 of both: 1,"Morton",1984,1,40,2,36
    EXPECT_EQ(arm(r, o, "Morton", "Experimental").n, 40.0);
    EXPECT_EQ(arm(r, o, "Morton", "Control").events, 2.0);
  }
  // dat.egger2001 line 17: 16,"ISIS-4",1995,2216,29011,2103,29039
  const auto r = load("dat.egger2001.csv");
  EXPECT_EQ(arm(r, r.dataset.outcomes.at(0), "ISIS-4", "Control").n, 29039.0);
  // dat.li2007 has three rows "Shechter" (lines 7, 10, 14): kept as three studies, with a warning
  const auto li = load("dat.li2007.csv");
  EXPECT_NE(li.dataset.find_study("Shechter (1995)"), evident::Dataset::npos);
}

TEST(CsvDatasets, DatNormand1999AndCurtis1998TwoGroupContinuous) {
  const auto r = load("dat.normand1999.csv");
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  const auto& o = outcome(r, "dat.normand1999");
  EXPECT_EQ(o.type, evident::OutcomeType::continuous);
  EXPECT_EQ(o.data.size(), 9u);
  // line 10: 9,"Uppsala",60,30,27,52,23,20
  EXPECT_EQ(arm(r, o, "9", "Experimental").mean, 30.0);
  EXPECT_EQ(arm(r, o, "9", "Control").sd, 20.0);

  const auto c = load("dat.curtis1998.csv");
  ASSERT_TRUE(c.ok()) << all_diagnostics(c);
  const auto& oc = outcome(c, "dat.curtis1998");
  EXPECT_EQ(oc.data.size(), 102u);
  EXPECT_EQ(arms(oc), 204u);
  // line 2: 21,44,...,47,"0.5",...,6.8168999999999995,1.769982,3,3.945,1.115797,5
  EXPECT_EQ(arm(c, oc, "21", "Experimental").mean, 6.8168999999999995);
  EXPECT_EQ(arm(c, oc, "21", "Control").n, 5.0);
  // `time` (days of exposure) has no arm number: a covariate, not person-time
  EXPECT_EQ(c.dataset.studies[c.dataset.find_study("21")].covariates.at("time").number, 47.0);
}

TEST(CsvDatasets, EffectSizeFilesAreContrastLevel) {
  struct Case {
    const char* file;
    std::size_t k;
    const char* study;
    double yi, vi;
  };
  // hackshaw line 38: 37,...,0.10436001532424286,0.06641950662197772
  // raudenbush line 20: 19,"Ginsburg",1970,7,"group","aware",65,67,-0.07,0.0303
  // bangertdrowns line 49: 48,"Youngberg",...,56,0.25,0.072
  for (const Case& t : {Case{"dat.hackshaw1998.csv", 37, "37", 0.10436001532424286, 0.06641950662197772},
                        Case{"dat.raudenbush1985.csv", 19, "19", -0.07, 0.0303},
                        Case{"dat.bangertdrowns2004.csv", 48, "48", 0.25, 0.072}}) {
    const auto r = load(t.file);
    ASSERT_TRUE(r.ok()) << t.file << "\n" << all_diagnostics(r);
    const auto& o = r.dataset.outcomes.at(0);
    EXPECT_EQ(o.type, evident::OutcomeType::contrast);
    EXPECT_EQ(o.data.size(), t.k) << t.file;
    EXPECT_EQ(contrasts(o), t.k) << t.file;
    const auto& c = contrast(r, o, t.study, "Experimental", "Control");
    EXPECT_EQ(c.estimate, t.yi) << t.file;
    EXPECT_EQ(c.variance, t.vi) << t.file;
    EXPECT_FALSE(c.se.has_value());
  }
  const auto r = load("dat.raudenbush1985.csv");
  const auto& c = contrast(r, r.dataset.outcomes.at(0), "19", "Experimental", "Control");
  EXPECT_EQ(c.n1, 65.0);
  EXPECT_EQ(c.n2, 67.0);
}

TEST(CsvDatasets, DatPritz1997SingleGroup) {
  const auto r = load("dat.pritz1997.csv");
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  EXPECT_EQ(r.dataset.format, "csv-single-group");
  const auto& o = outcome(r, "dat.pritz1997");
  EXPECT_EQ(o.type, evident::OutcomeType::binary);
  EXPECT_EQ(o.data.size(), 14u);
  EXPECT_EQ(arms(o), 14u);
  EXPECT_TRUE(r.dataset.excluded.empty());
  const auto& items = r.diagnostics.items();
  EXPECT_EQ(std::count_if(items.begin(), items.end(), [](const auto& d) { return d.code == "single-arm-study"; }), 14);
  // line 15: 14,"Solomon et al.",6,10
  const auto& a = o.data.back().arms.at(0);
  EXPECT_EQ(a.events, 6.0);
  EXPECT_EQ(a.n, 10.0);
}

TEST(CsvDatasets, DatHasselblad1998StudyColumnWinsOverId) {
  const auto r = load("dat.hasselblad1998.csv");
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  const auto& o = outcome(r, "dat.hasselblad1998");
  EXPECT_EQ(o.data.size(), 24u);
  EXPECT_EQ(arms(o), 50u);
  // lines 2-3: 1,1,"Reid et al.",1974,"no_contact",75,731 / 2,1,...,"ind_counseling",363,714
  EXPECT_EQ(arm(r, o, "1", "ind_counseling").events, 363.0);
  EXPECT_EQ(arm(r, o, "24", "ind_counseling").n, 888.0);  // line 51
  EXPECT_EQ(r.dataset.studies[0].covariates.at("id").text, "1");
}

TEST(CsvDatasets, DatSenn2013LongMetaforNames) {
  const auto r = load("dat.senn2013.csv");
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  const auto& o = outcome(r, "dat.senn2013");
  EXPECT_EQ(o.type, evident::OutcomeType::continuous);
  EXPECT_EQ(o.data.size(), 26u);
  EXPECT_EQ(arms(o), 53u);
  // line 2: "De Fronzo (1995)",213,"metformin","change",-1.7,1.459
  const auto& a = arm(r, o, "De Fronzo (1995)", "metformin");
  EXPECT_EQ(a.n, 213.0);
  EXPECT_EQ(a.mean, -1.7);
  EXPECT_EQ(a.sd, 1.459);
}

TEST(CsvDatasets, SyntheticNetworks) {
  struct Case {
    const char* file;
    std::size_t studies, arms;
  };
  for (const Case& t :
       {Case{"synthetic_nma_300s_30t.csv", 300, 652}, Case{"synthetic_nma_1500s_80t.csv", 1500, 3284}}) {
    const auto r = load(t.file);
    ASSERT_TRUE(r.ok()) << all_diagnostics(r);
    EXPECT_TRUE(r.diagnostics.empty()) << all_diagnostics(r);
    const auto& o = r.dataset.outcomes.at(0);
    EXPECT_EQ(o.data.size(), t.studies);
    EXPECT_EQ(arms(o), t.arms);
  }
  // synthetic_nma_1500s_80t.csv line 3285: "S1500","T29",82,1.7683,0.978
  const auto r = load("synthetic_nma_1500s_80t.csv");
  EXPECT_EQ(arm(r, r.dataset.outcomes.at(0), "S1500", "T29").mean, 1.7683);
}

TEST(CsvDatasets, SyntheticPairwiseArmDataWinsOverYiVi) {
  const auto r = load("synthetic_pairwise_5000.csv");
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  ASSERT_EQ(r.diagnostics.size(), 1u) << all_diagnostics(r);
  EXPECT_EQ(evident::format_diagnostic(r.diagnostics.items()[0]),
            evident::test::data_path("synthetic_pairwise_5000.csv") +
                ":1:8: note: columns 'yi', 'vi' were not used: the arm-level data ('n1i', 'm1i', 'sd1i', 'n2i', ... (6 "
                "columns)) take precedence (hint: to analyse the given effect sizes instead, set the outcome type to "
                "'contrast')");
  const auto& o = r.dataset.outcomes.at(0);
  EXPECT_EQ(o.type, evident::OutcomeType::continuous);
  EXPECT_EQ(o.data.size(), 5000u);
  EXPECT_EQ(arms(o), 10000u);
  // line 5001: "P05000",46,0.1888,0.9161,84,-0.2076,0.9674,0.3964,0.029385553985507247
  EXPECT_EQ(arm(r, o, "P05000", "Experimental").sd, 0.9161);
  EXPECT_EQ(arm(r, o, "P05000", "Control").n, 84.0);
  EXPECT_EQ(arm(r, o, "P05000", "Control").source.line, 5001);

  // Forcing the contrast-level reading uses yi / vi instead.
  ReadOptions options;
  options.outcome_type = evident::OutcomeType::contrast;
  const auto c = load("synthetic_pairwise_5000.csv", {}, options);
  ASSERT_TRUE(c.ok()) << all_diagnostics(c);
  EXPECT_EQ(contrast(c, c.dataset.outcomes.at(0), "P05000", "Experimental", "Control").variance, 0.029385553985507247);
}

TEST(CsvDatasets, TrueEffectsFilesAreNotTrialData) {
  for (const char* name : {"synthetic_nma_300s_30t_true_effects.csv", "synthetic_nma_1500s_80t_true_effects.csv"}) {
    const auto r = load(name);
    EXPECT_FALSE(r.ok()) << name;
    EXPECT_TRUE(r.dataset.outcomes.empty());
    ASSERT_FALSE(r.diagnostics.empty());
    const auto& last = r.diagnostics.items().back();
    EXPECT_EQ(last.code, "missing-column");
    EXPECT_EQ(last.message.rfind("no study column and no outcome data columns: found 'treatment', 'true_md_vs_T01'", 0),
              0u)
        << last.message;
  }
}

}  // namespace
