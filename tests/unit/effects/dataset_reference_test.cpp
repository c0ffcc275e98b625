// End-to-end reference tests: the real dataset files in tests/data/ are read by the CSV reader (with
// at most a column mapping, as a user would) and turned into effect sizes, which must equal what R
// computed on the same files: metafor::escalc (yi, vi), meta::metabin/metacont (TE, seTE) and
// netmeta::pairwise() (TE, seTE). Tolerance: 1e-10 relative (absolute below 1) everywhere.
//
// Reference files: tests/reference/pairwise_*.json, nma_*.json (R 4.2.2, metafor 3.8-1, meta 8.3-0,
// netmeta 3.4-0) and escalc_*.json (metafor 3.8-1, tests/reference/scripts/escalc_extra.R).
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "evident/data/read.hpp"
#include "evident/effects/effect_size.hpp"
#include "evident_test.hpp"

using namespace evident;

namespace {

constexpr double kTol = 1e-10;

ReadResult load(const std::string& file, const std::vector<std::string>& maps = {}) {
  ReadOptions opts;
  for (const auto& spec : maps) {
    std::string err;
    auto m = parse_column_mapping(spec, err);
    EXPECT_TRUE(m.has_value()) << spec << ": " << err;
    if (m) opts.mappings.push_back(*m);
  }
  ReadResult r = read_file(test::data_path(file), opts);
  EXPECT_TRUE(r.ok()) << file;
  for (const auto& d : r.diagnostics.items())
    if (d.severity == Severity::error) ADD_FAILURE() << format_diagnostic(d);
  return r;
}

const Outcome& outcome_named(const ReadResult& r, const std::string& name) {
  if (name.empty()) return r.dataset.outcomes.at(0);
  for (const auto& o : r.dataset.outcomes)
    if (o.name == name) return o;
  ADD_FAILURE() << "no outcome " << name;
  return r.dataset.outcomes.at(0);
}

/// escalc-style options (metafor::escalc defaults: add 0.5 to = "only0", drop00 = FALSE, vtype "LS").
EffectOptions escalc_options(Measure m) {
  EffectOptions o;
  o.measure = m;
  o.correction.convention = CorrectionConvention::metafor;
  o.include_all_zero = true;
  o.smd_correction = SmdCorrection::hedges_exact_ls;
  return o;
}

/// meta-style options (meta::metabin / metacont defaults).
EffectOptions meta_options(Measure m) {
  EffectOptions o;
  o.measure = m;
  return o;
}

/// The contrasts of a two-group (one contrast per study) file equal the reference rows in file order;
/// rows the reference marks NA are the ones evident left out.
void expect_rows(const EffectSet& s, const nlohmann::json& est, const nlohmann::json& unc, bool unc_is_variance,
                 const std::string& what) {
  std::vector<double> te, se;
  std::size_t na = 0;
  for (std::size_t i = 0; i < est.size(); ++i) {
    const double e = test::ref_number(est[i]);
    if (std::isnan(e)) {
      ++na;
      continue;
    }
    te.push_back(e);
    const double u = test::ref_number(unc[i]);
    se.push_back(unc_is_variance ? std::sqrt(u) : u);
  }
  ASSERT_EQ(s.contrasts.size(), te.size()) << what;
  EXPECT_EQ(s.excluded.size(), na) << what << ": every row R could not compute is listed as excluded";
  for (std::size_t i = 0; i < te.size(); ++i) {
    EXPECT_REL(te[i], s.contrasts[i].te, kTol) << what << " row " << i << " (" << s.contrasts[i].study << ")";
    EXPECT_REL(se[i], s.contrasts[i].se, kTol) << what << " row " << i << " (" << s.contrasts[i].study << ")";
  }
}

struct PairwiseCase {
  std::string file;
  std::vector<std::string> maps;
  std::string outcome;
  Measure measure;
  std::string reference;
};

}  // namespace

TEST(DatasetReference, TwoGroupFilesMatchMetaforEscalcAndMeta) {
  const std::vector<std::string> bcg = {"tpos=ai", "tneg=bi", "cpos=ci", "cneg=di"};
  const std::vector<std::string> collins = {"nti=n1",
                                            "nci=n2",
                                            "b.xti=event1:bleeding",
                                            "b.xci=event2:bleeding",
                                            "o.xti=event1:operation",
                                            "o.xci=event2:operation",
                                            "d.xti=event1:death",
                                            "d.xci=event2:death"};
  const std::vector<PairwiseCase> cases = {
      {"dat.bcg.csv", bcg, "", Measure::OR, "pairwise_dat.bcg_OR.json"},
      {"dat.bcg.csv", bcg, "", Measure::RR, "pairwise_dat.bcg_RR.json"},
      {"dat.bcg.csv", bcg, "", Measure::RD, "pairwise_dat.bcg_RD.json"},
      {"dat.collins1985a.csv", collins, "bleeding", Measure::OR, "pairwise_dat.collins1985a_bleeding_OR.json"},
      {"dat.collins1985a.csv", collins, "operation", Measure::OR, "pairwise_dat.collins1985a_operation_OR.json"},
      {"dat.collins1985a.csv", collins, "death", Measure::OR, "pairwise_dat.collins1985a_death_OR.json"},
      {"dat.egger2001.csv", {}, "", Measure::OR, "pairwise_dat.egger2001_OR.json"},
      {"dat.egger2001.csv", {}, "", Measure::RR, "pairwise_dat.egger2001_RR.json"},
      {"dat.normand1999.csv", {}, "", Measure::MD, "pairwise_dat.normand1999_MD.json"},
      {"dat.normand1999.csv", {}, "", Measure::SMD, "pairwise_dat.normand1999_SMD.json"},
      {"dat.normand1999.csv", {}, "", Measure::ROM, "pairwise_dat.normand1999_ROM.json"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.reference);
    const ReadResult r = load(c.file, c.maps);
    ASSERT_FALSE(r.dataset.outcomes.empty());
    const Outcome& o = outcome_named(r, c.outcome);
    const auto ref = test::load_reference(c.reference);
    // metafor: every row with counts, double-zero studies included (drop00 = FALSE). Rows the
    // reader excluded for missing counts are NA in yi.
    const EffectSet es = compute_effects(r.dataset, o, escalc_options(c.measure));
    std::vector<double> yi, vi;
    nlohmann::json ref_yi = nlohmann::json::array(), ref_vi = nlohmann::json::array();
    for (std::size_t i = 0; i < ref["data"]["yi"].size(); ++i) {
      if (std::isnan(test::ref_number(ref["data"]["yi"][i]))) continue;  // missing counts: dropped by the reader
      ref_yi.push_back(ref["data"]["yi"][i]);
      ref_vi.push_back(ref["data"]["vi"][i]);
    }
    expect_rows(es, ref_yi, ref_vi, true, "escalc");
    // meta: TE/seTE of the rows meta analysed (double-zero studies NA for OR/RR).
    const EffectSet ms = compute_effects(r.dataset, o, meta_options(c.measure));
    expect_rows(ms, ref["meta"]["TE"], ref["meta"]["seTE"], false, "meta");
  }
}

TEST(DatasetReference, ContrastFilesPassThroughAsMeta) {
  // yi/vi study-level files: TE = yi, seTE = sqrt(vi), as meta::metagen(TE = yi, seTE = sqrt(vi)).
  for (const auto& [file, refname] : std::vector<std::pair<std::string, std::string>>{
           {"dat.hackshaw1998.csv", "pairwise_dat.hackshaw1998_OR.json"},
           {"dat.raudenbush1985.csv", "pairwise_dat.raudenbush1985_SMD.json"}}) {
    SCOPED_TRACE(file);
    const ReadResult r = load(file);
    ASSERT_FALSE(r.dataset.outcomes.empty());
    EffectOptions o;
    o.measure = Measure::GEN;
    const EffectSet s = compute_effects(r.dataset, r.dataset.outcomes[0], o);
    const auto ref = test::load_reference(refname);
    expect_rows(s, ref["meta"]["TE"], ref["meta"]["seTE"], false, "metagen");
  }
}

TEST(DatasetReference, EscalcExtrasMatch) {
  struct Case {
    std::string file;
    Measure measure;
    std::string reference;
    ContinuityWhere where = ContinuityWhere::only_zero;
  };
  const std::vector<Case> cases = {
      {"dat.li2007.csv", Measure::OR, "escalc_dat.li2007_OR.json"},
      {"dat.li2007.csv", Measure::RR, "escalc_dat.li2007_RR.json"},
      {"dat.li2007.csv", Measure::RD, "escalc_dat.li2007_RD.json"},
      {"dat.curtis1998.csv", Measure::ROM, "escalc_dat.curtis1998_ROM.json"},
      {"dat.curtis1998.csv", Measure::MD, "escalc_dat.curtis1998_MD.json"},
      {"dat.curtis1998.csv", Measure::SMD, "escalc_dat.curtis1998_SMD.json"},
      {"dat.pritz1997.csv", Measure::PR, "escalc_dat.pritz1997_PR.json"},
      {"dat.pritz1997.csv", Measure::PLO, "escalc_dat.pritz1997_PLO.json"},
      {"dat.pritz1997.csv", Measure::PLN, "escalc_dat.pritz1997_PLN.json"},
      {"dat.pritz1997.csv", Measure::PAS, "escalc_dat.pritz1997_PAS.json"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.reference);
    const ReadResult r = load(c.file);
    ASSERT_FALSE(r.dataset.outcomes.empty());
    EffectOptions o = escalc_options(c.measure);
    o.correction.where = c.where;
    const EffectSet s = compute_effects(r.dataset, r.dataset.outcomes[0], o);
    const auto ref = test::load_reference(c.reference);
    expect_rows(s, ref["yi"], ref["vi"], true, "escalc");
  }
}

TEST(DatasetReference, Yusuf1985SixMetaAnalysesFromOneFile) {
  // `--map table=outcome` splits the file into its six meta-analyses; rows with missing counts are
  // excluded by the reader (the reference drops them too). Reference rows are "table id", in file order.
  const ReadResult r = load("dat.yusuf1985.csv", {"table=outcome"});
  ASSERT_EQ(r.dataset.outcomes.size(), 6u);
  for (const auto& [refname, where] : std::vector<std::pair<std::string, ContinuityWhere>>{
           {"escalc_dat.yusuf1985_OR.json", ContinuityWhere::only_zero},
           {"escalc_dat.yusuf1985_OR_toall.json", ContinuityWhere::all}}) {
    SCOPED_TRACE(refname);
    const auto ref = test::load_reference(refname);
    // reference rows per table, in file order (rows with missing counts already dropped)
    std::map<std::string, std::vector<std::pair<double, double>>> expected;
    for (std::size_t i = 0; i < ref["rows"].size(); ++i) {
      const std::string row = ref["rows"][i].get<std::string>();
      expected[row.substr(0, row.find(' '))].emplace_back(test::ref_number(ref["yi"][i]),
                                                          test::ref_number(ref["vi"][i]));
    }
    std::size_t matched = 0;
    for (const auto& o : r.dataset.outcomes) {
      EffectOptions opts = escalc_options(Measure::OR);
      opts.correction.where = where;
      const EffectSet s = compute_effects(r.dataset, o, opts);
      const auto& rows = expected[o.name];
      ASSERT_EQ(s.contrasts.size(), rows.size()) << "table " << o.name;
      for (std::size_t i = 0; i < rows.size(); ++i) {
        EXPECT_REL(rows[i].first, s.contrasts[i].te, kTol) << "table " << o.name << " " << s.contrasts[i].study;
        EXPECT_REL(std::sqrt(rows[i].second), s.contrasts[i].se, kTol)
            << "table " << o.name << " " << s.contrasts[i].study;
        ++matched;
      }
    }
    EXPECT_EQ(matched, ref["rows"].size());
  }
}

TEST(DatasetReference, NetmetaPairwiseFromLongAndWideFiles) {
  // netmeta::pairwise(): every pair of arms of every study; a continuity correction of 0.5 goes to
  // all arms of a study with a zero cell. Rows are matched by (study, treat1, treat2); evident keeps
  // the arms' order within a study, so a pair may come reversed (then TE flips sign).
  for (const auto& [file, refname] : std::vector<std::pair<std::string, std::string>>{
           {"Woods2010.csv", "nma_Woods2010_OR.json"}, {"smokingcessation.csv", "nma_smokingcessation_OR.json"}}) {
    SCOPED_TRACE(file);
    const ReadResult r = load(file);
    ASSERT_FALSE(r.dataset.outcomes.empty());
    const EffectSet s = compute_effects(r.dataset, r.dataset.outcomes[0], meta_options(Measure::OR));
    const auto pw = test::load_reference(refname)["pairwise"];
    ASSERT_EQ(s.contrasts.size(), pw["TE"].size());
    EXPECT_TRUE(s.excluded.empty());
    for (std::size_t i = 0; i < pw["TE"].size(); ++i) {
      const std::string study = pw["studlab"][i].is_string() ? pw["studlab"][i].get<std::string>()
                                                             : std::to_string(pw["studlab"][i].get<int>());
      const std::string t1 = pw["treat1"][i], t2 = pw["treat2"][i];
      const EffectContrast* found = nullptr;
      double sign = 1;
      for (const auto& c : s.contrasts) {
        if (c.study != study) continue;
        if (c.treat1 == t1 && c.treat2 == t2) found = &c;
        if (c.treat1 == t2 && c.treat2 == t1) {
          found = &c;
          sign = -1;
        }
      }
      ASSERT_NE(found, nullptr) << study << " " << t1 << " vs " << t2;
      EXPECT_REL(test::ref_number(pw["TE"][i]), sign * found->te, kTol) << study << " " << t1 << " vs " << t2;
      EXPECT_REL(test::ref_number(pw["seTE"][i]), found->se, kTol) << study << " " << t1 << " vs " << t2;
    }
  }
}

TEST(DatasetReference, EveryDatasetLoadsWithAtMostAMapping) {
  // Each CSV in tests/data/ (SOURCES.md) with the mapping a user needs; the effect sizes are finite
  // and every study is either used or listed as excluded.
  struct Case {
    std::string file;
    std::vector<std::string> maps;
    Measure measure;
  };
  const std::vector<Case> cases = {
      {"Baker2009.csv", {"exac=events", "total=n"}, Measure::OR},
      {"Dogliotti2014.csv", {"stroke=events", "total=n"}, Measure::OR},
      {"Dong2013.csv", {"death=events", "randomized=n"}, Measure::OR},
      {"dat.dong2013.csv", {"death=events", "randomized=n"}, Measure::OR},
      {"Gurusamy2011.csv", {"death=events"}, Measure::OR},
      {"Woods2010.csv", {}, Measure::OR},
      {"dat.woods2010.csv", {}, Measure::OR},
      {"Franchini2012.csv", {}, Measure::MD},
      {"parkinson.csv", {}, Measure::MD},
      {"Stowe2010.csv", {}, Measure::SMD},
      {"Linde2016.csv", {}, Measure::OR},  // lnOR / selnOR are recognised names
      {"Senn2013.csv", {}, Measure::MD},
      {"dietaryfat.csv", {"years=time", "d=events"}, Measure::IRR},
      {"smokingcessation.csv", {}, Measure::OR},
      {"metabook_Senn2013.csv", {}, Measure::MD},
      {"metabook_Linde2016.csv", {"resp=events", "int=treatment"}, Measure::OR},
      {"dat.hasselblad1998.csv", {}, Measure::OR},
      {"dat.senn2013.csv", {}, Measure::MD},
      {"dat.bangertdrowns2004.csv", {}, Measure::GEN},
      {"synthetic_nma_300s_30t.csv", {}, Measure::MD},
      {"synthetic_nma_1500s_80t.csv", {}, Measure::MD},
      {"synthetic_pairwise_5000.csv", {}, Measure::MD},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    const ReadResult r = load(c.file, c.maps);
    ASSERT_FALSE(r.dataset.outcomes.empty());
    EffectOptions o;
    o.measure = c.measure;
    const EffectSet s = compute_effects(r.dataset, r.dataset.outcomes[0], o);
    EXPECT_FALSE(s.contrasts.empty());
    EXPECT_FALSE(s.diagnostics.has_errors());
    std::map<std::size_t, int> used;
    for (const auto& e : s.contrasts) {
      EXPECT_TRUE(std::isfinite(e.te) && std::isfinite(e.se) && e.se > 0) << e.study;
      used[e.study_index]++;
    }
    std::size_t excluded_studies = 0;
    for (const auto& ex : s.excluded) excluded_studies += ex.treatment.empty() ? 1 : 0;
    EXPECT_LE(used.size() + excluded_studies, r.dataset.outcomes[0].data.size());
    EXPECT_GE(used.size() + s.excluded.size(), r.dataset.outcomes[0].data.size()) << "a study vanished silently";
  }
}

TEST(DatasetReference, SyntheticPairwiseMatchesItsEscalcColumns) {
  // synthetic_pairwise_5000.csv carries yi/vi = metafor::escalc("MD") of its own arm columns.
  const ReadResult r = load("synthetic_pairwise_5000.csv");
  const EffectSet s = compute_effects(r.dataset, r.dataset.outcomes.at(0), meta_options(Measure::MD));
  ASSERT_EQ(s.contrasts.size(), 5000u);
  const std::string text = test::slurp(test::data_path("synthetic_pairwise_5000.csv"));
  std::size_t pos = text.find('\n') + 1, row = 0;
  while (pos < text.size() && row < 5000) {
    const std::size_t end = text.find('\n', pos);
    const std::string line = text.substr(pos, end - pos);
    const std::size_t c8 = line.rfind(','), c7 = line.rfind(',', c8 - 1);
    const double yi = std::stod(line.substr(c7 + 1, c8 - c7 - 1)), vi = std::stod(line.substr(c8 + 1));
    // yi in the file is rounded to 4 decimals (the difference of two 4-decimal means), vi is exact.
    EXPECT_NEAR(yi, s.contrasts[row].te, 1e-12) << row;
    EXPECT_REL(std::sqrt(vi), s.contrasts[row].se, kTol) << row;
    ++row;
    pos = end + 1;
  }
  EXPECT_EQ(row, 5000u);
}

TEST(DatasetReference, MultiArmFilesMatchEscalcUnderPairwiseRules) {
  // tests/reference/pairwise_escalc_*.json: every pair of arms computed with metafor 3.8-1 escalc()
  // under netmeta::pairwise()'s documented rules (0.5 added to all arms of a study with a zero cell;
  // no OR for pairs with no events or only events in both arms), see scripts/pairwise_escalc.R.
  // Rows are matched by (study, treat1, treat2), a reversed pair flipping the sign; rows R marks NA
  // must be the pairs evident lists as excluded. 1e-10 relative.
  struct Case {
    std::string file;
    std::vector<std::string> maps;
    std::string outcome;
    Measure measure;
    std::string reference;
  };
  const std::vector<Case> cases = {
      {"Baker2009.csv", {"exac=events", "total=n"}, "", Measure::OR, "pairwise_escalc_Baker2009_OR.json"},
      {"Dong2013.csv", {"death=events", "randomized=n"}, "", Measure::OR, "pairwise_escalc_Dong2013_OR.json"},
      {"Gurusamy2011.csv", {"death=events"}, "", Measure::OR, "pairwise_escalc_Gurusamy2011_OR.json"},
      {"dat.hasselblad1998.csv", {}, "", Measure::OR, "pairwise_escalc_hasselblad1998_OR.json"},
      {"metabook_Linde2016.csv", {"resp=events", "int=treatment"}, "", Measure::OR,
       "pairwise_escalc_metabook_Linde2016_OR.json"},
      {"Linde2015.csv", {"resp=events:response", "remi=events:remission"}, "response", Measure::OR,
       "pairwise_escalc_Linde2015_resp_OR.json"},
      {"Stowe2010.csv", {}, "", Measure::MD, "pairwise_escalc_Stowe2010_MD.json"},
      {"Franchini2012.csv", {}, "", Measure::MD, "pairwise_escalc_Franchini2012_MD.json"},
      {"dat.senn2013.csv", {}, "", Measure::MD, "pairwise_escalc_senn2013_MD.json"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.reference);
    const ReadResult r = load(c.file, c.maps);
    ASSERT_FALSE(r.dataset.outcomes.empty());
    const EffectSet s = compute_effects(r.dataset, outcome_named(r, c.outcome), meta_options(c.measure));
    const auto ref = test::load_reference(c.reference);
    std::size_t na = 0, matched = 0;
    for (std::size_t i = 0; i < ref["yi"].size(); ++i) {
      const std::string study = ref["study"][i], t1 = ref["treat1"][i], t2 = ref["treat2"][i];
      const double yi = test::ref_number(ref["yi"][i]);
      const EffectContrast* found = nullptr;
      double sign = 1;
      for (const auto& e : s.contrasts) {
        if (e.study != study) continue;
        if (e.treat1 == t1 && e.treat2 == t2) found = &e;
        if (e.treat1 == t2 && e.treat2 == t1) {
          found = &e;
          sign = -1;
        }
      }
      if (std::isnan(yi)) {
        ++na;
        EXPECT_EQ(found, nullptr) << study << " " << t1 << " vs " << t2 << " has no OR in R";
        continue;
      }
      ASSERT_NE(found, nullptr) << study << " " << t1 << " vs " << t2;
      EXPECT_REL(yi, sign * found->te, kTol) << study << " " << t1 << " vs " << t2;
      EXPECT_REL(std::sqrt(test::ref_number(ref["vi"][i])), found->se, kTol) << study << " " << t1 << " vs " << t2;
      ++matched;
    }
    EXPECT_EQ(s.contrasts.size(), matched) << "evident gives a contrast R does not";
    std::size_t excluded_pairs = 0;
    for (const auto& e : s.excluded) excluded_pairs += e.treatment.find(" vs ") != std::string::npos ? 1 : 0;
    EXPECT_EQ(excluded_pairs, na);
  }
}
