// Binary effect sizes (OR, RR, RD), continuity corrections and netmeta::pairwise() for multi-arm
// studies; single-group proportions (PR, PLN, PLO, PAS).
//
// References (all R 4.2.2): metafor 3.8-1 escalc() `data` yi/vi and meta 8.3-0 metabin() TE/seTE
// in tests/reference/pairwise_*.json; netmeta 3.4-0 pairwise() in nma_*.json; extra escalc() runs
// in escalc_*.json (README.md, "Added here"). Tolerance: 1e-10 relative (absolute below 1) for every
// value, as the formulas are closed-form.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "effects_fixtures.hpp"
#include "evident/effects/effect_size.hpp"
#include "evident_test.hpp"

namespace evident {
namespace {

using namespace evident::test;  // NOLINT: fixtures

constexpr double kTol = 1e-10;

// ---- a small CSV reader for the datasets in tests/data (quoted fields, empty = missing) ----
struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  [[nodiscard]] std::size_t col(const std::string& name) const {
    auto it = std::find(header.begin(), header.end(), name);
    EXPECT_NE(it, header.end()) << "no column " << name;
    return static_cast<std::size_t>(it - header.begin());
  }
  [[nodiscard]] std::string str(std::size_t r, const std::string& c) const { return rows[r][col(c)]; }
  [[nodiscard]] std::optional<double> num(std::size_t r, const std::string& c) const {
    const std::string s = str(r, c);
    if (s.empty()) return std::nullopt;
    return std::stod(s);
  }
};

Csv read_csv(const std::string& name) {
  std::ifstream in(test::data_path(name));
  EXPECT_TRUE(in.good()) << name;
  Csv csv;
  std::string line;
  if (std::getline(in, line)) csv.header = split_csv_line(line);
  while (std::getline(in, line))
    if (!line.empty()) csv.rows.push_back(split_csv_line(line));
  return csv;
}

/// Two-arm studies from event/n columns; rows with a missing count are skipped (the reference
/// files drop them too).
Built two_arm(const Csv& csv, const std::string& label_col, const std::string& ai, const std::string& n1i,
              const std::string& ci, const std::string& n2i) {
  Built b = make(OutcomeType::binary);
  for (std::size_t r = 0; r < csv.rows.size(); ++r) {
    auto a = csv.num(r, ai), n1 = csv.num(r, n1i), c = csv.num(r, ci), n2 = csv.num(r, n2i);
    if (!a || !n1 || !c || !n2) continue;
    add_study(b, csv.str(r, label_col), {bin_arm("T", *a, *n1), bin_arm("C", *c, *n2)});
  }
  return b;
}

const EffectContrast* find(const EffectSet& s, const std::string& study, const std::string& t1 = "T",
                           const std::string& t2 = "C") {
  for (const auto& c : s.contrasts)
    if (c.study == study && c.treat1 == t1 && c.treat2 == t2) return &c;
  return nullptr;
}

std::vector<double> nums(const nlohmann::json& arr) {
  std::vector<double> v;
  for (const auto& x : arr) v.push_back(test::ref_number(x));
  return v;
}

/// Compare a two-arm result (one contrast per kept study, in order) with reference yi / vi
/// (variances); NA in the reference = the study must be left out.
void expect_matches(const EffectSet& s, const Built& b, const std::vector<double>& yi, const std::vector<double>& vi,
                    bool vi_is_se = false) {
  ASSERT_EQ(yi.size(), b.data.outcomes.front().data.size());
  std::size_t expected_kept = 0;
  for (std::size_t i = 0; i < yi.size(); ++i) {
    const std::string& label = b.data.studies[b.data.outcomes.front().data[i].study].label;
    const EffectContrast* c = find(s, label);
    if (std::isnan(yi[i]) || std::isnan(vi[i])) {
      EXPECT_EQ(c, nullptr) << label << " should be left out";
      continue;
    }
    ++expected_kept;
    ASSERT_NE(c, nullptr) << label;
    EXPECT_REL(yi[i], c->te, kTol) << label;
    if (vi_is_se)
      EXPECT_REL(vi[i], c->se, kTol) << label;
    else
      EXPECT_REL(vi[i], c->se * c->se, kTol) << label;
  }
  EXPECT_EQ(s.contrasts.size(), expected_kept);
  for (const auto& c : s.contrasts) {
    EXPECT_TRUE(std::isfinite(c.te));
    EXPECT_TRUE(std::isfinite(c.se));
    EXPECT_GT(c.se, 0.0);
  }
}

Built bcg() {
  Csv csv = read_csv("dat.bcg.csv");
  Built b = make(OutcomeType::binary);
  for (std::size_t r = 0; r < csv.rows.size(); ++r) {
    const double tpos = *csv.num(r, "tpos"), tneg = *csv.num(r, "tneg"), cpos = *csv.num(r, "cpos"),
                 cneg = *csv.num(r, "cneg");
    add_study(b, csv.str(r, "author") + " " + csv.str(r, "year"),
              {bin_arm("T", tpos, tpos + tneg), bin_arm("C", cpos, cpos + cneg)});
  }
  return b;
}

// ---------------------------------------------------------------------------------------------
// Two-arm data against metafor::escalc (`data`) and meta::metabin (`meta`)
// ---------------------------------------------------------------------------------------------

TEST(EffectSizeBinary, BcgMatchesEscalcAndMetabin) {
  // pairwise_dat.bcg_{OR,RR,RD}.json (metafor 3.8-1, meta 8.3-0); 1e-10 relative.
  for (Measure m : {Measure::OR, Measure::RR, Measure::RD}) {
    SCOPED_TRACE(to_string(m));
    Built b = bcg();
    const auto ref = test::load_reference(std::string("pairwise_dat.bcg_") + to_string(m) + ".json");
    const EffectSet s = run(b, m);
    expect_matches(s, b, nums(ref["data"]["yi"]), nums(ref["data"]["vi"]));
    expect_matches(s, b, nums(ref["meta"]["TE"]), nums(ref["meta"]["seTE"]), true);
    EXPECT_TRUE(s.excluded.empty());
    EXPECT_TRUE(s.diagnostics.empty());
  }
}

TEST(EffectSizeBinary, Collins1985ZeroCellsMetaExcludesDoubleZeroEscalcKeepsIt) {
  // pairwise_dat.collins1985a_{bleeding,death,operation}_OR.json: escalc (drop00 = FALSE) keeps a
  // study without events in both arms (yi = 0 after adding 1/2), metabin (allstudies = FALSE)
  // leaves it out; 1e-10 relative.
  const Csv csv = read_csv("dat.collins1985a.csv");
  for (const char* outcome : {"bleeding", "death", "operation"}) {
    SCOPED_TRACE(outcome);
    const std::string p = std::string(1, outcome[0]);
    Built b = two_arm(csv, "trial", p + ".xti", "nti", p + ".xci", "nci");
    // study labels as in the reference: "trial year"
    for (std::size_t i = 0, r = 0; r < csv.rows.size(); ++r) {
      if (!csv.num(r, p + ".xti") || !csv.num(r, p + ".xci")) continue;
      b.data.studies[b.outcome().data[i++].study].label = csv.str(r, "trial") + " " + csv.str(r, "year");
    }
    const auto ref = test::load_reference(std::string("pairwise_dat.collins1985a_") + outcome + "_OR.json");
    // escalc lists every row (NA for rows with missing counts); keep the rows we built
    std::vector<double> yi, vi;
    const auto ryi = nums(ref["data"]["yi"]), rvi = nums(ref["data"]["vi"]);
    for (std::size_t r = 0; r < csv.rows.size(); ++r)
      if (csv.num(r, p + ".xti") && csv.num(r, p + ".xci")) {
        yi.push_back(ryi[r]);
        vi.push_back(rvi[r]);
      }
    EffectOptions keep;
    keep.include_all_zero = true;
    expect_matches(run(b, Measure::OR, keep), b, yi, vi);
    // meta's TE list is over the same rows (subset = complete counts)
    const EffectSet s = run(b, Measure::OR);
    expect_matches(s, b, nums(ref["meta"]["TE"]), nums(ref["meta"]["seTE"]), true);
    for (const auto& e : s.excluded) {
      EXPECT_NE(e.reason.find("no events in either arm"), std::string::npos) << e.reason;
      EXPECT_EQ(e.outcome, "y");
    }
    EXPECT_EQ(s.excluded.size(), s.diagnostics.size());
  }
}

TEST(EffectSizeBinary, Egger2001RiskRatioBothConventions) {
  // pairwise_dat.egger2001_RR.json: with a zero cell metabin divides by n + incr (Hartung & Knapp
  // 2001), escalc by n + 2 incr (= RR.Cochrane). 1e-10 relative.
  const Csv csv = read_csv("dat.egger2001.csv");
  Built b = two_arm(csv, "study", "ai", "n1i", "ci", "n2i");
  for (std::size_t i = 0; i < b.data.studies.size(); ++i) b.data.studies[i].label = cat("s", i);
  const auto ref = test::load_reference("pairwise_dat.egger2001_RR.json");
  expect_matches(run(b, Measure::RR), b, nums(ref["meta"]["TE"]), nums(ref["meta"]["seTE"]), true);
  EffectOptions mf;
  mf.correction.convention = CorrectionConvention::metafor;
  expect_matches(run(b, Measure::RR, mf), b, nums(ref["data"]["yi"]), nums(ref["data"]["vi"]));
  const auto ref_or = test::load_reference("pairwise_dat.egger2001_OR.json");
  expect_matches(run(b, Measure::OR), b, nums(ref_or["data"]["yi"]), nums(ref_or["data"]["vi"]));
  expect_matches(run(b, Measure::OR), b, nums(ref_or["meta"]["TE"]), nums(ref_or["meta"]["seTE"]), true);
  // the corrected study carries the correction and a note
  const EffectSet corrected = run(b, Measure::OR);
  const EffectContrast* c = find(corrected, "s7");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->incr1, 0.5);
  EXPECT_EQ(c->incr2, 0.5);
  ASSERT_FALSE(c->notes.empty());
  EXPECT_NE(c->notes.front().find("continuity correction"), std::string::npos);
}

TEST(EffectSizeBinary, ContinuityCorrectionVariantsMatchEscalc) {
  // escalc_binary_zero_cells.json (metafor 3.8-1): to = "all", "if0all", "none"; RR to = "all";
  // RD (add = 1/2: metafor's estimate from corrected counts; add = 0: the raw difference meta
  // uses, with meta's SE = escalc's corrected SE). 1e-10 relative.
  const auto ref = test::load_reference("escalc_binary_zero_cells.json");
  const auto& e = ref["egger2001"];
  const Csv csv = read_csv("dat.egger2001.csv");
  Built b = two_arm(csv, "study", "ai", "n1i", "ci", "n2i");
  for (std::size_t i = 0; i < b.data.studies.size(); ++i) b.data.studies[i].label = cat("s", i);
  auto with = [](ContinuityWhere w, CorrectionConvention conv = CorrectionConvention::meta) {
    EffectOptions o;
    o.correction.where = w;
    o.correction.convention = conv;
    return o;
  };
  expect_matches(run(b, Measure::OR, with(ContinuityWhere::all)), b, nums(e["OR_all"]["yi"]), nums(e["OR_all"]["vi"]));
  expect_matches(run(b, Measure::OR, with(ContinuityWhere::if_any_zero)), b, nums(e["OR_if0all"]["yi"]),
                 nums(e["OR_if0all"]["vi"]));
  const EffectSet none = run(b, Measure::OR, with(ContinuityWhere::none));
  expect_matches(none, b, nums(e["OR_none"]["yi"]), nums(e["OR_none"]["vi"]));
  ASSERT_EQ(none.excluded.size(), 1u);
  EXPECT_EQ(none.excluded[0].treatment, "T vs C");
  expect_matches(run(b, Measure::RR, with(ContinuityWhere::all, CorrectionConvention::metafor)), b,
                 nums(e["RR_all"]["yi"]), nums(e["RR_all"]["vi"]));
  expect_matches(run(b, Measure::RD, with(ContinuityWhere::only_zero, CorrectionConvention::metafor)), b,
                 nums(e["RD_only0"]["yi"]), nums(e["RD_only0"]["vi"]));
  // meta convention: raw difference, corrected SE
  expect_matches(run(b, Measure::RD), b, nums(e["RD_add0"]["yi"]), nums(e["RD_only0"]["vi"]));

  const auto& cb = ref["collins1985a_bleeding"];
  Built c = two_arm(read_csv("dat.collins1985a.csv"), "trial", "b.xti", "nti", "b.xci", "nci");
  for (std::size_t i = 0; i < c.data.studies.size(); ++i) c.data.studies[i].label = cat("s", i);
  EffectOptions all_keep = with(ContinuityWhere::all);
  all_keep.include_all_zero = true;
  expect_matches(run(c, Measure::OR, all_keep), c, nums(cb["OR_all"]["yi"]), nums(cb["OR_all"]["vi"]));
  expect_matches(run(c, Measure::OR), c, nums(cb["OR_drop00"]["yi"]), nums(cb["OR_drop00"]["vi"]));
  EffectOptions rr_keep = with(ContinuityWhere::only_zero, CorrectionConvention::metafor);
  rr_keep.include_all_zero = true;
  expect_matches(run(c, Measure::RR, rr_keep), c, nums(cb["RR_only0"]["yi"]), nums(cb["RR_only0"]["vi"]));
  // RD keeps the double-zero study without include_all_zero (as R)
  expect_matches(run(c, Measure::RD, with(ContinuityWhere::only_zero, CorrectionConvention::metafor)), c,
                 nums(cb["RD_only0"]["yi"]), nums(cb["RD_only0"]["vi"]));
}

TEST(EffectSizeBinary, Li2007AndYusuf1985MatchEscalc) {
  // escalc_dat.li2007_{OR,RR,RD}.json and escalc_dat.yusuf1985_*.json (metafor 3.8-1,
  // tests/reference/scripts/escalc_extra.R); metafor conventions; 1e-10 relative.
  Built li = two_arm(read_csv("dat.li2007.csv"), "study", "ai", "n1i", "ci", "n2i");
  for (std::size_t i = 0; i < li.data.studies.size(); ++i) li.data.studies[i].label = cat("s", i);
  EffectOptions mf;
  mf.correction.convention = CorrectionConvention::metafor;
  mf.include_all_zero = true;  // escalc: drop00 = FALSE
  for (Measure m : {Measure::OR, Measure::RR, Measure::RD}) {
    SCOPED_TRACE(to_string(m));
    const auto ref = test::load_reference(std::string("escalc_dat.li2007_") + to_string(m) + ".json");
    expect_matches(run(li, m, mf), li, nums(ref["yi"]), nums(ref["vi"]));
  }
  const Csv y = read_csv("dat.yusuf1985.csv");
  Built yu = two_arm(y, "trial", "ai", "n1i", "ci", "n2i");
  for (std::size_t i = 0; i < yu.data.studies.size(); ++i) yu.data.studies[i].label = cat("s", i);
  expect_matches(run(yu, Measure::OR, mf), yu, nums(test::load_reference("escalc_dat.yusuf1985_OR.json")["yi"]),
                 nums(test::load_reference("escalc_dat.yusuf1985_OR.json")["vi"]));
  EffectOptions all = mf;
  all.correction.where = ContinuityWhere::all;
  const auto ra = test::load_reference("escalc_dat.yusuf1985_OR_toall.json");
  expect_matches(run(yu, Measure::OR, all), yu, nums(ra["yi"]), nums(ra["vi"]));
  EffectOptions if0 = mf;
  if0.correction.where = ContinuityWhere::if_any_zero;
  const auto ri = test::load_reference("escalc_dat.yusuf1985_RR_if0all.json");
  expect_matches(run(yu, Measure::RR, if0), yu, nums(ri["yi"]), nums(ri["vi"]));
}

// ---------------------------------------------------------------------------------------------
// Multi-arm studies: netmeta::pairwise()
// ---------------------------------------------------------------------------------------------

TEST(EffectSizeBinary, Woods2010PairwiseMatchesNetmeta) {
  // nma_Woods2010_OR.json `pairwise` (netmeta 3.4-0): TE, seTE, incr1, incr2 by (study, treat1,
  // treat2); treat1 is the earlier arm of the study. 1e-10 relative.
  const Csv csv = read_csv("Woods2010.csv");
  Built b = make(OutcomeType::binary);
  std::vector<std::string> order;
  std::map<std::string, std::vector<Arm>> arms;
  for (std::size_t r = 0; r < csv.rows.size(); ++r) {
    const std::string s = csv.str(r, "author");
    if (!arms.count(s)) order.push_back(s);
    arms[s].push_back(bin_arm(csv.str(r, "treatment"), *csv.num(r, "r"), *csv.num(r, "N")));
  }
  for (const auto& s : order) add_study(b, s, arms[s]);
  const EffectSet set = run(b, Measure::OR);
  const auto p = test::load_reference("nma_Woods2010_OR.json")["pairwise"];
  ASSERT_EQ(set.contrasts.size(), p["TE"].size());
  for (std::size_t i = 0; i < p["TE"].size(); ++i) {
    const EffectContrast* c = find(set, p["studlab"][i], p["treat1"][i], p["treat2"][i]);
    ASSERT_NE(c, nullptr) << p["studlab"][i] << " " << p["treat1"][i] << " vs " << p["treat2"][i];
    EXPECT_REL(test::ref_number(p["TE"][i]), c->te, kTol);
    EXPECT_REL(test::ref_number(p["seTE"][i]), c->se, kTol);
    EXPECT_REL(test::ref_number(p["incr1"][i]), c->incr1, kTol);
    EXPECT_REL(test::ref_number(p["incr2"][i]), c->incr2, kTol);
    EXPECT_EQ(*c->events1, test::ref_number(p["event1"][i]));
    EXPECT_EQ(*c->n2, test::ref_number(p["n2"][i]));
  }
}

Built smokingcessation() {
  // tests/data/smokingcessation.csv: wide, arms 1-3; netmeta numbers the studies 1..24
  const Csv csv = read_csv("smokingcessation.csv");
  Built b = make(OutcomeType::binary);
  for (std::size_t r = 0; r < csv.rows.size(); ++r) {
    std::vector<Arm> arms;
    for (std::size_t j = 1; j <= 3; ++j) {
      const std::string t = csv.str(r, cat("treat", j));
      if (t.empty()) continue;
      arms.push_back(bin_arm(t, *csv.num(r, cat("event", j)), *csv.num(r, cat("n", j))));
    }
    add_study(b, std::to_string(r + 1), arms);
  }
  return b;
}

TEST(EffectSizeBinary, SmokingCessationPairwiseMatchesNetmetaInOrder) {
  // nma_smokingcessation_OR.json `pairwise` (netmeta 3.4-0, wide data with two three-arm studies
  // and two studies with a zero cell): same rows in the same order. 1e-10 relative.
  Built b = smokingcessation();
  const EffectSet set = run(b, Measure::OR);
  const auto p = test::load_reference("nma_smokingcessation_OR.json")["pairwise"];
  ASSERT_EQ(set.contrasts.size(), p["TE"].size());
  for (std::size_t i = 0; i < set.contrasts.size(); ++i) {
    const auto& c = set.contrasts[i];
    EXPECT_EQ(c.study, std::to_string(p["studlab"][i].get<int>()));
    EXPECT_EQ(c.treat1, p["treat1"][i].get<std::string>());
    EXPECT_EQ(c.treat2, p["treat2"][i].get<std::string>());
    EXPECT_REL(test::ref_number(p["TE"][i]), c.te, kTol) << i;
    EXPECT_REL(test::ref_number(p["seTE"][i]), c.se, kTol) << i;
  }
  EXPECT_TRUE(set.excluded.empty());
}

TEST(EffectSizeBinary, MultiArmZeroCellCorrectsEveryArmOfTheStudy) {
  // escalc_binary_zero_cells.json `three_arm` (metafor 3.8-1, to = "all" per pair): as
  // netmeta::pairwise(), the A-vs-B pair (no zero cell itself) gets 1/2 too because arm C has no
  // events. 1e-10 relative.
  const auto t = test::load_reference("escalc_binary_zero_cells.json")["three_arm"];
  Built b = make(OutcomeType::binary);
  add_study(b, "S", {bin_arm("A", 10, 50), bin_arm("B", 15, 55), bin_arm("C", 0, 40)});
  struct Case {
    Measure m;
    CorrectionConvention conv;
    const char* key;
  };
  for (const Case& k : {Case{Measure::OR, CorrectionConvention::meta, "OR_all"},
                        Case{Measure::RR, CorrectionConvention::metafor, "RR_all"},
                        Case{Measure::RD, CorrectionConvention::metafor, "RD_all"}}) {
    SCOPED_TRACE(k.key);
    EffectOptions o;
    o.correction.convention = k.conv;
    const EffectSet s = run(b, k.m, o);
    ASSERT_EQ(s.contrasts.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
      EXPECT_EQ(s.contrasts[i].treat1, t["treat1"][i].get<std::string>());
      EXPECT_EQ(s.contrasts[i].treat2, t["treat2"][i].get<std::string>());
      EXPECT_REL(test::ref_number(t[k.key]["yi"][i]), s.contrasts[i].te, kTol);
      EXPECT_REL(test::ref_number(t[k.key]["vi"][i]), s.contrasts[i].se * s.contrasts[i].se, kTol);
      EXPECT_EQ(s.contrasts[i].incr1, 0.5);
    }
  }
}

TEST(EffectSizeBinary, Dong2013MultiArmDoubleZeroPairsLeftOut) {
  // escalc_binary_zero_cells.json `dong2013_multiarm` (metafor 3.8-1): every pair of Dong2013
  // studies 33, 37, 41; pairs without events in both arms are left out of the OR (metabin,
  // allstudies = FALSE) but kept for the RD. 1e-10 relative.
  const auto q = test::load_reference("escalc_binary_zero_cells.json")["dong2013_multiarm"];
  const Csv csv = read_csv("Dong2013.csv");
  Built b = make(OutcomeType::binary);
  for (const char* id : {"33", "37", "41"}) {
    std::vector<Arm> arms;
    for (std::size_t r = 0; r < csv.rows.size(); ++r)
      if (csv.str(r, "id") == id)
        arms.push_back(bin_arm(csv.str(r, "treatment"), *csv.num(r, "death"), *csv.num(r, "randomized")));
    add_study(b, id, arms);
  }
  const EffectSet s = run(b, Measure::OR);
  EffectOptions mf;
  mf.correction.convention = CorrectionConvention::metafor;
  const EffectSet rd = run(b, Measure::RD, mf);
  std::size_t kept = 0;
  ASSERT_EQ(rd.contrasts.size(), q["study"].size());
  for (std::size_t i = 0; i < q["study"].size(); ++i) {
    const std::string st = std::to_string(q["study"][i].get<int>());
    const std::string t1 = q["treat1"][i], t2 = q["treat2"][i];
    const EffectContrast* c = find(s, st, t1, t2);
    const bool double_zero = q["ai"][i].get<double>() == 0 && q["ci"][i].get<double>() == 0;
    if (double_zero) {
      EXPECT_EQ(c, nullptr) << st << " " << t1 << " vs " << t2;
    } else {
      ++kept;
      ASSERT_NE(c, nullptr);
      EXPECT_REL(test::ref_number(q["OR_only0"]["yi"][i]), c->te, kTol);
      EXPECT_REL(test::ref_number(q["OR_only0"]["vi"][i]), c->se * c->se, kTol);
    }
    const EffectContrast* r = find(rd, st, t1, t2);
    ASSERT_NE(r, nullptr);
    EXPECT_REL(test::ref_number(q["RD_only0"]["yi"][i]), r->te, kTol);
    EXPECT_REL(test::ref_number(q["RD_only0"]["vi"][i]), r->se * r->se, kTol);
  }
  EXPECT_EQ(s.contrasts.size(), kept);
  EXPECT_EQ(s.excluded.size(), q["study"].size() - kept);
  // study 37 has no events at all: all six pairs are listed, none silently dropped
  EXPECT_EQ(std::count_if(s.excluded.begin(), s.excluded.end(), [](const Exclusion& e) { return e.study == "37"; }), 6);
}

TEST(EffectSizeBinary, AllEventsInBothArmsOrLeftOutRrKept) {
  // Baker2009 "DalNegro 2003": 6/6 in all three arms. metabin leaves the OR out (allstudies =
  // FALSE) but computes the RR (TE 0, Hartung-Knapp SE with the correction on n only).
  Built b = make(OutcomeType::binary);
  add_study(b, "DalNegro 2003",
            {bin_arm("Fluticasone+Salmeterol", 6, 6), bin_arm("Salmeterol", 6, 6), bin_arm("Placebo", 6, 6)});
  const EffectSet o = run(b, Measure::OR);
  EXPECT_TRUE(o.contrasts.empty());
  EXPECT_EQ(o.excluded.size(), 3u);
  const EffectSet r = run(b, Measure::RR);
  ASSERT_EQ(r.contrasts.size(), 3u);
  for (const auto& c : r.contrasts) {
    EXPECT_EQ(c.te, 0.0);
    EXPECT_REL(std::sqrt(2 * (1.0 / 6 - 1.0 / 6.5)), c.se, 1e-14);
  }
}

// ---------------------------------------------------------------------------------------------
// Sweeting et al. (2004) corrections
// ---------------------------------------------------------------------------------------------

TEST(EffectSizeBinary, TreatmentArmCorrectionSplitsByGroupSize) {
  // Sweeting 2004, section 3.2: k1 = 1/(R+1), k2 = R/(R+1), R = n2/n1 (sum 1 = 2 x 0.5).
  Built b = make(OutcomeType::binary);
  add_study(b, "S", {bin_arm("T", 0, 100), bin_arm("C", 5, 300)});
  add_study(b, "Equal", {bin_arm("T", 0, 50), bin_arm("C", 3, 50)});
  EffectOptions o;
  o.correction.method = ContinuityMethod::treatment_arm;
  const EffectSet s = run(b, Measure::OR, o);
  ASSERT_EQ(s.contrasts.size(), 2u);
  EXPECT_REL(0.25, s.contrasts[0].incr1, 1e-15);
  EXPECT_REL(0.75, s.contrasts[0].incr2, 1e-15);
  EXPECT_REL(std::log(0.25 * 295.75 / (100.25 * 5.75)), s.contrasts[0].te, 1e-14);
  // equal arms: the same as the constant correction
  const EffectSet c = run(b, Measure::OR);
  EXPECT_REL(c.contrasts[1].te, s.contrasts[1].te, 1e-14);
  EXPECT_REL(c.contrasts[1].se, s.contrasts[1].se, 1e-14);
}

TEST(EffectSizeBinary, EmpiricalCorrectionUsesMantelHaenszelPrior) {
  // Sweeting 2004, section 3.3: k1 = psi/(R+psi), k2 = R/(R+psi); psi = MH odds ratio of the
  // zero-free studies of the comparison. With one zero-free study psi is its own odds ratio.
  Built b = make(OutcomeType::binary);
  add_study(b, "Full", {bin_arm("T", 10, 40), bin_arm("C", 20, 40)});  // OR = (10*20)/(30*20) = 1/3
  add_study(b, "Zero", {bin_arm("T", 0, 20), bin_arm("C", 4, 40)});
  EffectOptions o;
  o.correction.method = ContinuityMethod::empirical;
  const EffectSet s = run(b, Measure::OR, o);
  ASSERT_EQ(s.contrasts.size(), 2u);
  const double psi = 1.0 / 3, R = 2.0;
  EXPECT_REL(psi / (R + psi), s.contrasts[1].incr1, 1e-14);
  EXPECT_REL(R / (R + psi), s.contrasts[1].incr2, 1e-14);
  EXPECT_EQ(s.contrasts[0].incr1, 0.0);
  // swapping the arms of every study swaps the corrections and flips the sign
  Built w = make(OutcomeType::binary);
  add_study(w, "Full", {bin_arm("C", 20, 40), bin_arm("T", 10, 40)});
  add_study(w, "Zero", {bin_arm("C", 4, 40), bin_arm("T", 0, 20)});
  const EffectSet sw = run(w, Measure::OR, o);
  EXPECT_REL(s.contrasts[1].incr1, sw.contrasts[1].incr2, 1e-14);
  EXPECT_REL(-s.contrasts[1].te, sw.contrasts[1].te, 1e-14);
  EXPECT_REL(s.contrasts[1].se, sw.contrasts[1].se, 1e-14);
}

// ---------------------------------------------------------------------------------------------
// Invariants
// ---------------------------------------------------------------------------------------------

TEST(EffectSizeBinary, StudyOrderDoesNotMatter) {
  for (Measure m : {Measure::OR, Measure::RR, Measure::RD}) {
    Built a = smokingcessation();
    Built b = smokingcessation();
    std::mt19937 rng(7);
    std::shuffle(b.outcome().data.begin(), b.outcome().data.end(), rng);
    EffectOptions o;
    o.correction.where = ContinuityWhere::if_any_zero;  // depends on the whole outcome, not on order
    const EffectSet sa = run(a, m, o), sb = run(b, m, o);
    ASSERT_EQ(sa.contrasts.size(), sb.contrasts.size());
    for (const auto& c : sa.contrasts) {
      const EffectContrast* d = find(sb, c.study, c.treat1, c.treat2);
      ASSERT_NE(d, nullptr);
      EXPECT_EQ(c.te, d->te);
      EXPECT_EQ(c.se, d->se);
    }
  }
}

TEST(EffectSizeBinary, SwappingArmsFlipsTheSign) {
  for (auto conv : {CorrectionConvention::meta, CorrectionConvention::metafor})
    for (Measure m : {Measure::OR, Measure::RR, Measure::RD}) {
      SCOPED_TRACE(to_string(m));
      Built a = smokingcessation();
      Built b = smokingcessation();
      for (auto& sd : b.outcome().data) std::reverse(sd.arms.begin(), sd.arms.end());
      EffectOptions o;
      o.correction.convention = conv;
      const EffectSet sa = run(a, m, o), sb = run(b, m, o);
      ASSERT_EQ(sa.contrasts.size(), sb.contrasts.size());
      for (const auto& c : sa.contrasts) {
        const EffectContrast* d = find(sb, c.study, c.treat2, c.treat1);
        ASSERT_NE(d, nullptr);
        EXPECT_REL(-c.te, d->te, 1e-14);
        EXPECT_REL(c.se, d->se, 1e-14);
      }
    }
}

TEST(EffectSizeBinary, RelabellingTreatmentsPermutesResults) {
  Built a = smokingcessation();
  Built b = smokingcessation();
  const std::map<std::string, std::string> rename = {
      {"A", "none"}, {"B", "self-help"}, {"C", "individual"}, {"D", "group"}};
  for (auto& sd : b.outcome().data)
    for (auto& arm : sd.arms) arm.treatment = rename.at(arm.treatment);
  const EffectSet sa = run(a, Measure::OR), sb = run(b, Measure::OR);
  ASSERT_EQ(sa.contrasts.size(), sb.contrasts.size());
  for (std::size_t i = 0; i < sa.contrasts.size(); ++i) {
    EXPECT_EQ(rename.at(sa.contrasts[i].treat1), sb.contrasts[i].treat1);
    EXPECT_EQ(rename.at(sa.contrasts[i].treat2), sb.contrasts[i].treat2);
    EXPECT_EQ(sa.contrasts[i].te, sb.contrasts[i].te);
    EXPECT_EQ(sa.contrasts[i].se, sb.contrasts[i].se);
  }
}

// ---------------------------------------------------------------------------------------------
// Unusable data: listed, never silently dropped, never NaN
// ---------------------------------------------------------------------------------------------

TEST(EffectSizeBinary, UnusableArmsAndStudiesAreListedWithReasons) {
  Built b = make(OutcomeType::binary);
  Arm missing;
  missing.treatment = "C";
  missing.n = 40;  // no events
  add_study(b, "NoEvents", {bin_arm("T", 3, 40), missing});
  add_study(b, "TooMany", {bin_arm("T", 50, 40), bin_arm("C", 3, 40)});
  add_study(b, "ThreeArms", {bin_arm("A", 3, 40), bin_arm("B", 4, 40), missing});
  add_study(b, "Dup", {bin_arm("A", 3, 40), bin_arm("A", 4, 40)});
  add_study(b, "Ok", {bin_arm("T", 3, 40), bin_arm("C", 5, 40)});
  const EffectSet s = run(b, Measure::OR);
  ASSERT_EQ(s.contrasts.size(), 2u);  // ThreeArms A vs B, Ok
  EXPECT_EQ(s.contrasts[0].study, "ThreeArms");
  EXPECT_EQ(s.contrasts[1].study, "Ok");
  // NoEvents: arm C (no events) + the study (1 usable arm); TooMany: arm T + study; ThreeArms: arm C;
  // Dup: the study
  ASSERT_EQ(s.excluded.size(), 6u);
  EXPECT_EQ(s.excluded[0].study, "NoEvents");
  EXPECT_EQ(s.excluded[0].treatment, "C");
  EXPECT_EQ(s.excluded[0].reason, "no events given (needed for OR)");
  EXPECT_EQ(s.excluded[0].source.line, 2);
  EXPECT_EQ(s.excluded[1].treatment, "");
  EXPECT_EQ(s.excluded[1].reason, "fewer than 2 arms with usable data (1 of 2)");
  EXPECT_EQ(s.excluded[2].reason, "more events (50) than participants (40)");
  EXPECT_EQ(s.excluded[5].study, "Dup");
  EXPECT_EQ(s.excluded[5].reason, "treatment 'A' appears in 2 arms");
  ASSERT_EQ(s.diagnostics.size(), 6u);
  for (const auto& d : s.diagnostics.items()) EXPECT_EQ(d.severity, Severity::warning);
  EXPECT_EQ(s.diagnostics.items()[0].code, "arm-missing-data");
  EXPECT_EQ(s.diagnostics.items()[0].field, "events");
  EXPECT_EQ(s.diagnostics.items()[0].message,
            "outcome 'y': 'C' of study 'NoEvents' left out: no events given (needed for OR)");
}

TEST(EffectSizeBinary, WrongMeasureForOutcomeIsAnError) {
  Built b = make(OutcomeType::binary);
  add_study(b, "S", {bin_arm("T", 3, 40), bin_arm("C", 5, 40)});
  const EffectSet s = run(b, Measure::MD);
  EXPECT_TRUE(s.contrasts.empty());
  ASSERT_TRUE(s.diagnostics.has_errors());
  EXPECT_EQ(s.diagnostics.items()[0].code, "measure-not-applicable");
  EXPECT_EQ(s.diagnostics.items()[0].message,
            "outcome 'y' is binary; the measure MD needs continuous data (mean, SD and n per arm)");
  EffectOptions bad;
  bad.correction.value = -1;
  EXPECT_TRUE(run(b, Measure::OR, bad).diagnostics.has_errors());
}

// ---------------------------------------------------------------------------------------------
// Single-group proportions (escalc "PR", "PLN", "PLO", "PAS")
// ---------------------------------------------------------------------------------------------

TEST(EffectSizeBinary, Pritz1997SingleGroupMatchesEscalc) {
  // escalc_dat.pritz1997_{PR,PLN,PLO,PAS}.json (metafor 3.8-1; add 1/2 to xi and mi of rows with
  // xi = 0 or xi = ni, none for PAS). 1e-10 relative.
  const Csv csv = read_csv("dat.pritz1997.csv");
  Built b = make(OutcomeType::binary);
  for (std::size_t r = 0; r < csv.rows.size(); ++r)
    add_study(b, csv.str(r, "study"), {bin_arm("hyperdynamic therapy", *csv.num(r, "xi"), *csv.num(r, "ni"))});
  for (Measure m : {Measure::PR, Measure::PLN, Measure::PLO, Measure::PAS}) {
    SCOPED_TRACE(to_string(m));
    EXPECT_TRUE(is_single_group(m));
    const auto ref = test::load_reference(std::string("escalc_dat.pritz1997_") + to_string(m) + ".json");
    const EffectSet s = run(b, m);
    ASSERT_EQ(s.contrasts.size(), ref["yi"].size());
    for (std::size_t i = 0; i < s.contrasts.size(); ++i) {
      EXPECT_EQ(s.contrasts[i].treat2, "");
      EXPECT_REL(test::ref_number(ref["yi"][i]), s.contrasts[i].te, kTol) << i;
      EXPECT_REL(test::ref_number(ref["vi"][i]), s.contrasts[i].se * s.contrasts[i].se, kTol) << i;
    }
  }
}

}  // namespace
}  // namespace evident
