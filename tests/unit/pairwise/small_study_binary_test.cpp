// Small-study tests for 2x2 tables and R meta's conventions (include/evident/pairwise/small_study_binary.hpp).
//
// References:
//   - tests/reference/small_study_binary_<dataset>.json (R 4.2.2, metafor 3.8-1; scripts/small_study_binary.R):
//     Harbord's and Peters' tests as R meta 8.3-0 metabias() defines them, written out with lm() (meta is not
//     installed on the reference machine), and metafor regtest(predictor = "ninv") with rma (REML, DL, EE) and
//     lm, on dat.egger2001, dat.li2007, dat.bcg and dat.collins1985a (bleeding). Tolerance kTol = 1e-10
//     relative (absolute below 1): closed-form least squares; REML repeats metafor's Fisher scoring (all pass
//     at 1e-12 with GCC on x86-64; the margin is for other compilers and floating-point contraction).
//   - ["meta"]["bias"] of every tests/reference/pairwise_*.json (meta 8.3-0 metabias "Egger" and "Begg",
//     trimfill()), computed there from meta's own TE/seTE (["meta"]["TE"], ["seTE"], NA rows dropped as meta
//     does). Tolerance kMetaTol = 1e-8 relative, as asked for this work (all pass at 1e-10 with GCC on x86-64).
// Invariants: Harbord's statistic equals the OLS intercept test of Z/sqrt(V) on sqrt(V) (the paper's form), study
// order does not matter, swapping the arms (or events and non-events) flips the sign of the bias, bad input gives
// error diagnostics that name the study.
#include "evident/pairwise/small_study_binary.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "evident_test.hpp"
#include "pairwise_fixtures.hpp"

using namespace evident;
using nlohmann::json;

namespace {

constexpr double kTol = 1e-10;
constexpr double kMetaTol = 1e-8;

const std::vector<std::string> kBinaryDatasets = {"dat.egger2001", "dat.li2007", "dat.bcg",
                                                  "dat.collins1985a_bleeding"};

/// A number or a one-element array.
double scalar(const json& v) {
  if (v.is_array()) return test::ref_number(v.at(0));
  return test::ref_number(v);
}

json load_binary(const std::string& dataset) {
  return test::load_reference("small_study_binary_" + dataset + ".json");
}

std::vector<TwoByTwo> tables_of(const json& ref) {
  const json& d = ref.at("data");
  std::vector<TwoByTwo> out;
  for (std::size_t i = 0; i < d.at("study").size(); ++i) {
    out.push_back({d.at("study").at(i).get<std::string>(), test::ref_number(d.at("events1").at(i)),
                   test::ref_number(d.at("n1").at(i)), test::ref_number(d.at("events2").at(i)),
                   test::ref_number(d.at("n2").at(i))});
  }
  return out;
}

std::size_t count_code(const Diagnostics& ds, const std::string& code) {
  return static_cast<std::size_t>(
      std::count_if(ds.items().begin(), ds.items().end(), [&](const Diagnostic& d) { return d.code == code; }));
}

/// meta's TE / seTE (the rows meta used: NA rows dropped, as metabias() and trimfill() drop them).
MetaInput meta_input_of_meta(const json& ref) {
  const json& m = ref.at("meta");
  MetaInput in;
  for (std::size_t i = 0; i < m.at("TE").size(); ++i) {
    const double te = test::ref_number(m.at("TE").at(i));
    const double se = test::ref_number(m.at("seTE").at(i));
    if (std::isnan(te) || std::isnan(se)) continue;
    in.study.push_back("study " + std::to_string(i + 1));
    in.yi.push_back(te);
    in.vi.push_back(se * se);
  }
  return in;
}

std::vector<std::string> files_with_meta_bias() {
  std::vector<std::string> out;
  for (const auto& name : test::pairwise_reference_files("meta")) {
    const json ref = test::load_reference(name);
    if (ref.at("meta").contains("bias")) out.push_back(name);
  }
  return out;
}

void expect_lm_row(const json& row, double estimate, double se, const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_REL(scalar(row.at("estimate")), estimate, kTol);
  EXPECT_REL(scalar(row.at("se")), se, kTol);
}

}  // namespace

TEST(SmallStudyBinary, HarbordMatchesMetaDefinition) {
  for (const auto& dataset : kBinaryDatasets) {
    SCOPED_TRACE(dataset);
    const json ref = load_binary(dataset);
    const json& h = ref.at("harbord_meta");
    const BinaryRegtestResult r = harbord_test(tables_of(ref));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(h.at("k").get<std::size_t>(), r.k);
    EXPECT_EQ(r.k < 10, count_code(r.diagnostics, "fewer-than-10-studies") == 1);
    const std::size_t dropped = static_cast<std::size_t>(
        std::count(ref.at("data").at("used_meta").begin(), ref.at("data").at("used_meta").end(), false));
    EXPECT_EQ(dropped, count_code(r.diagnostics, "study-left-out"));
    ASSERT_TRUE(r.df.has_value());
    EXPECT_EQ(h.at("df").get<double>(), *r.df);
    expect_lm_row(h.at("bias"), r.bias, r.bias_se, "bias");
    EXPECT_REL(scalar(h.at("bias").at("statistic")), r.statistic, kTol);
    EXPECT_REL(scalar(h.at("bias").at("pval")), r.p_value, kTol);
    expect_lm_row(h.at("intercept"), r.effect, r.effect_se, "effect (meta's intercept)");
    EXPECT_REL(scalar(h.at("sigma")), r.residual_sd, kTol);
    // the paper's form: OLS of Z/sqrt(V) on sqrt(V), intercept = bias, slope = effect
    expect_lm_row(h.at("ols_intercept"), r.bias, r.bias_se, "OLS intercept");
    expect_lm_row(h.at("ols_slope"), r.effect, r.effect_se, "OLS slope");
  }
}

TEST(SmallStudyBinary, PetersMatchesMetaDefinition) {
  for (const auto& dataset : kBinaryDatasets) {
    SCOPED_TRACE(dataset);
    const json ref = load_binary(dataset);
    const json& p = ref.at("peters_meta");
    const BinaryRegtestResult r = peters_test(tables_of(ref));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(p.at("k").get<std::size_t>(), r.k);
    ASSERT_TRUE(r.df.has_value());
    EXPECT_EQ(p.at("df").get<double>(), *r.df);
    expect_lm_row(p.at("bias"), r.bias, r.bias_se, "bias (slope of 1/N)");
    EXPECT_REL(scalar(p.at("bias").at("statistic")), r.statistic, kTol);
    EXPECT_REL(scalar(p.at("bias").at("pval")), r.p_value, kTol);
    expect_lm_row(p.at("intercept"), r.effect, r.effect_se, "effect (intercept)");
    EXPECT_REL(scalar(p.at("sigma")), r.residual_sd, kTol);
  }
}

TEST(SmallStudyBinary, PetersMetaforVariantMatchesRegtestNinv) {
  for (const auto& dataset : kBinaryDatasets) {
    const json ref = load_binary(dataset);
    const std::vector<TwoByTwo> tables = tables_of(ref);
    for (const auto& [key, rt] : ref.at("metafor_regtest_ninv").items()) {
      SCOPED_TRACE(dataset + " regtest ninv " + key);
      PetersOptions o;
      o.variant = PetersVariant::metafor;
      if (key == "lm") {
        o.model = RegtestModel::lm;
      } else {
        o.fit = test::fit_for(key);
      }
      const BinaryRegtestResult r = peters_test(tables, o);
      ASSERT_TRUE(r.ok());
      EXPECT_EQ(tables.size(), r.k);  // escalc's drop00 = FALSE: every study is used
      EXPECT_REL(scalar(rt.at("stat")), r.statistic, kTol);
      EXPECT_REL(scalar(rt.at("pval")), r.p_value, kTol);
      if (rt.at("df").is_null()) {
        EXPECT_FALSE(r.df.has_value());
      } else {
        ASSERT_TRUE(r.df.has_value());
        EXPECT_EQ(rt.at("df").get<double>(), *r.df);
      }
      EXPECT_REL(scalar(rt.at("slope")), r.bias, kTol);
      EXPECT_REL(scalar(rt.at("slope_se")), r.bias_se, kTol);
      EXPECT_REL(scalar(rt.at("limit_estimate")), r.effect, kTol);
      EXPECT_REL(scalar(rt.at("intercept_se")), r.effect_se, kTol);
      EXPECT_REL(scalar(rt.at("limit_ci.lb")), r.effect_ci_lower, kTol);
      EXPECT_REL(scalar(rt.at("limit_ci.ub")), r.effect_ci_upper, kTol);
      EXPECT_REL(scalar(rt.at("tau2")), r.tau2, kTol);
    }
  }
}

// The common-effect meta-regression with the Knapp-Hartung scale s2 = y'Py/(k - 2) and t(k - 2) is the weighted lm().
TEST(SmallStudyBinary, PetersMetaforCommonEffectKnappHartungEqualsLm) {
  const std::vector<TwoByTwo> tables = tables_of(load_binary("dat.li2007"));
  PetersOptions lm;
  lm.variant = PetersVariant::metafor;
  lm.model = RegtestModel::lm;
  PetersOptions kh = lm;
  kh.model = RegtestModel::rma;
  kh.fit.common_effect = true;
  kh.fit.meta.hartung_knapp = true;
  const BinaryRegtestResult a = peters_test(tables, lm);
  const BinaryRegtestResult b = peters_test(tables, kh);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_REL(a.bias, b.bias, 1e-12);
  EXPECT_REL(a.bias_se, b.bias_se, 1e-10);
  EXPECT_REL(a.p_value, b.p_value, 1e-10);
  ASSERT_TRUE(b.df.has_value());
  EXPECT_EQ(*a.df, *b.df);
  EXPECT_REL(a.effect_ci_lower, b.effect_ci_lower, 1e-10);
}

TEST(SmallStudyBinary, EggerMatchesMetaOnEveryReferenceFile) {
  const auto files = files_with_meta_bias();
  ASSERT_FALSE(files.empty());
  for (const auto& name : files) {
    SCOPED_TRACE(name);
    const json ref = test::load_reference(name);
    const json& e = ref.at("meta").at("bias").at("Egger");
    const MetaInput in = meta_input_of_meta(ref);
    // meta's k.min = 10: no test (null figures) with fewer studies
    ASSERT_EQ(in.yi.size() < 10, e.at("statistic").is_null());
    if (in.yi.size() < 10) continue;
    RegtestOptions o;
    o.model = RegtestModel::lm;  // meta's "Egger": metafor regtest(model = "lm"), the classic Egger test
    const RegtestResult r = egger_test(in, o);
    ASSERT_TRUE(r.ok());
    EXPECT_REL(test::ref_number(e.at("statistic")), r.statistic, kMetaTol);
    ASSERT_TRUE(r.df.has_value());
    EXPECT_EQ(test::ref_number(e.at("df")), *r.df);
    EXPECT_REL(test::ref_number(e.at("pval")), r.p_value, kMetaTol);
    EXPECT_REL(test::ref_number(e.at("estimate").at("bias")), r.slope, kMetaTol);
    EXPECT_REL(test::ref_number(e.at("estimate").at("se.bias")), r.slope_se, kMetaTol);
  }
}

TEST(SmallStudyBinary, BeggMatchesMetaOnEveryReferenceFile) {
  const auto files = files_with_meta_bias();
  ASSERT_FALSE(files.empty());
  for (const auto& name : files) {
    SCOPED_TRACE(name);
    const json ref = test::load_reference(name);
    const json& b = ref.at("meta").at("bias").at("Begg");
    const MetaInput in = meta_input_of_meta(ref);
    ASSERT_EQ(in.yi.size() < 10, b.at("statistic").is_null());  // meta's k.min = 10
    const BeggMetaResult r = begg_test_meta(in);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(in.yi.size() < 10, count_code(r.diagnostics, "fewer-than-10-studies") == 1);
    if (in.yi.size() < 10) continue;
    EXPECT_REL(test::ref_number(b.at("statistic")), r.statistic, kMetaTol);
    EXPECT_REL(test::ref_number(b.at("pval")), r.p_value, kMetaTol);
    EXPECT_REL(test::ref_number(b.at("estimate").at("ks")), r.ks, kMetaTol);
    EXPECT_REL(test::ref_number(b.at("estimate").at("se.ks")), r.se_ks, kMetaTol);
    EXPECT_EQ(std::nearbyint(r.ks), r.ks);  // S is an integer
  }
}

TEST(SmallStudyBinary, TrimfillMatchesMetaOnEveryReferenceFile) {
  const auto files = files_with_meta_bias();
  ASSERT_FALSE(files.empty());
  for (const auto& name : files) {
    SCOPED_TRACE(name);
    const json ref = test::load_reference(name);
    const json& m = ref.at("meta");
    const json& t = m.at("bias").at("trimfill");
    MetaTrimfillOptions o;
    o.model.tau2_method = *parse_tau2_method(m.at("method.tau").get<std::string>());
    ASSERT_EQ(m.at("method.random.ci").get<std::string>(), "classic");
    const MetaTrimfillResult r = trim_and_fill_meta(meta_input_of_meta(ref), o);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(t.at("k0").get<std::size_t>(), r.k0);
    EXPECT_REL(test::ref_number(t.at("TE.random")), r.adjusted.random.pooled.estimate, kMetaTol);
    EXPECT_REL(test::ref_number(t.at("seTE.random")), r.adjusted.random.pooled.se, kMetaTol);
    EXPECT_REL(test::ref_number(t.at("lower.random")), r.adjusted.random.pooled.ci_lower, kMetaTol);
    EXPECT_REL(test::ref_number(t.at("upper.random")), r.adjusted.random.pooled.ci_upper, kMetaTol);
    EXPECT_REL(test::ref_number(t.at("TE.common")), r.adjusted.common.estimate, kMetaTol);
    EXPECT_REL(test::ref_number(t.at("tau2")), r.adjusted.random.tau2, kMetaTol);
  }
}

TEST(SmallStudyBinary, BeggContinuityCorrection) {
  const json ref = test::load_reference("pairwise_dat.collins1985a_bleeding_OR.json");
  const MetaInput in = meta_input_of_meta(ref);
  const BeggMetaResult plain = begg_test_meta(in);
  BeggMetaOptions o;
  o.continuity_correction = true;
  const BeggMetaResult corrected = begg_test_meta(in, o);
  ASSERT_TRUE(plain.ok() && corrected.ok());
  // meta's kentau(correct = TRUE): ks - sign(ks), same se
  EXPECT_REL(plain.ks - (plain.ks > 0 ? 1.0 : -1.0), corrected.ks, 1e-15);
  EXPECT_REL(plain.se_ks, corrected.se_ks, 1e-15);
  EXPECT_REL(corrected.ks / corrected.se_ks, corrected.statistic, 1e-15);
  EXPECT_GT(corrected.p_value, plain.p_value);
}

TEST(SmallStudyBinary, StudyOrderDoesNotMatter) {
  std::vector<TwoByTwo> tables = tables_of(load_binary("dat.li2007"));
  const BinaryRegtestResult h = harbord_test(tables);
  const BinaryRegtestResult p = peters_test(tables);
  PetersOptions mo;
  mo.variant = PetersVariant::metafor;
  const BinaryRegtestResult pm = peters_test(tables, mo);
  std::reverse(tables.begin(), tables.end());
  EXPECT_REL(h.statistic, harbord_test(tables).statistic, 1e-12);
  EXPECT_REL(p.statistic, peters_test(tables).statistic, 1e-12);
  EXPECT_REL(pm.statistic, peters_test(tables, mo).statistic, 1e-8);
}

TEST(SmallStudyBinary, SwappingArmsOrOutcomesFlipsTheBias) {
  const std::vector<TwoByTwo> tables = tables_of(load_binary("dat.egger2001"));
  std::vector<TwoByTwo> arms, outcomes;
  for (const TwoByTwo& t : tables) {
    arms.push_back({t.study, t.events2, t.n2, t.events1, t.n1});
    outcomes.push_back({t.study, t.n1 - t.events1, t.n1, t.n2 - t.events2, t.n2});
  }
  const BinaryRegtestResult h = harbord_test(tables);
  const BinaryRegtestResult p = peters_test(tables);
  ASSERT_TRUE(h.ok() && p.ok());
  for (const auto* other : {&arms, &outcomes}) {
    const BinaryRegtestResult h2 = harbord_test(*other);
    const BinaryRegtestResult p2 = peters_test(*other);
    ASSERT_TRUE(h2.ok() && p2.ok());
    EXPECT_REL(-h.bias, h2.bias, 1e-12);
    EXPECT_REL(h.bias_se, h2.bias_se, 1e-12);
    EXPECT_REL(h.p_value, h2.p_value, 1e-12);
    EXPECT_REL(-p.bias, p2.bias, 1e-10);
    EXPECT_REL(p.p_value, p2.p_value, 1e-12);
  }
}

TEST(SmallStudyBinary, BadInputGivesDiagnosticsNamingTheStudy) {
  const std::vector<TwoByTwo> good = {{"A", 3, 50, 6, 50}, {"B", 10, 120, 14, 118}, {"C", 1, 20, 4, 22}};
  std::vector<TwoByTwo> bad = good;
  bad[0].events1 = -1;
  bad[1].events2 = 200;
  BinaryRegtestResult r = harbord_test(bad);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(2u, r.diagnostics.error_count());  // every problem, not only the first
  EXPECT_EQ("A", r.diagnostics.items().at(0).study);
  EXPECT_EQ("events1", r.diagnostics.items().at(0).field);
  EXPECT_EQ("B", r.diagnostics.items().at(1).study);
  EXPECT_EQ("events2", r.diagnostics.items().at(1).field);
  EXPECT_EQ("events2 of study 'B' must not exceed n2 = 118, got 200", r.diagnostics.items().at(1).message);
  EXPECT_FALSE(peters_test(bad).ok());

  bad = good;
  bad[2].n1 = std::nan("");
  EXPECT_EQ("C", peters_test(bad).diagnostics.items().at(0).study);
  bad = good;
  bad.push_back({"E", 0, 0, 0, 0});  // an all-zero row: no participants
  r = harbord_test(bad);
  EXPECT_EQ(2u, r.diagnostics.error_count());
  EXPECT_EQ("E", r.diagnostics.items().at(0).study);
  EXPECT_EQ("n1 of study 'E' must be > 0, got 0", r.diagnostics.items().at(0).message);

  // k < 3
  r = harbord_test({good[0], good[1]});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(1u, count_code(r.diagnostics, "too-few-studies"));

  // all-zero rows are left out with a warning naming them; with too few left, an error
  std::vector<TwoByTwo> zeros = good;
  zeros.push_back({"D", 0, 30, 0, 31});
  r = harbord_test(zeros);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(3u, r.k);
  ASSERT_EQ(1u, count_code(r.diagnostics, "study-left-out"));
  EXPECT_EQ("D", r.diagnostics.items().at(0).study);
  const std::vector<TwoByTwo> all_zero = {{"A", 0, 10, 0, 10}, {"B", 0, 20, 0, 20}, {"C", 5, 5, 7, 7}};
  r = harbord_test(all_zero);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(3u, count_code(r.diagnostics, "study-left-out"));
  EXPECT_EQ(1u, count_code(r.diagnostics, "too-few-studies"));
  EXPECT_FALSE(peters_test(all_zero).ok());

  // metafor's variant keeps double-zero rows; without a continuity correction their log OR is undefined
  PetersOptions o;
  o.variant = PetersVariant::metafor;
  o.where = ContinuityWhere::none;
  r = peters_test(zeros, o);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ("D", r.diagnostics.items().at(0).study);
  o.where = ContinuityWhere::only_zero;
  EXPECT_TRUE(peters_test(zeros, o).ok());

  // studies of the same size: the regression on 1/N cannot be fitted
  const std::vector<TwoByTwo> same = {{"A", 3, 50, 6, 50}, {"B", 10, 50, 14, 50}, {"C", 1, 50, 4, 50}};
  EXPECT_EQ(1u, count_code(peters_test(same).diagnostics, "collinear-predictor"));

  // Begg (meta): equal standard errors, k < 3
  MetaInput in;
  in.study = {"A", "B", "C"};
  in.yi = {0.1, 0.2, 0.3};
  in.vi = {0.04, 0.04, 0.04};
  EXPECT_EQ(1u, count_code(begg_test_meta(in).diagnostics, "same-precision"));
  in.vi = {0.04, 0.05, -1.0};
  EXPECT_FALSE(begg_test_meta(in).ok());
}

TEST(SmallStudyBinary, TablesFromEffectContrasts) {
  EffectSet set;
  const auto contrast = [](const std::string& study, const std::string& t1, const std::string& t2, double e1, double n1,
                           double e2, double n2) {
    EffectContrast c;
    c.study = study;
    c.treat1 = t1;
    c.treat2 = t2;
    c.events1 = e1;
    c.n1 = n1;
    c.events2 = e2;
    c.n2 = n2;
    c.incr1 = 0.5;  // corrections are not part of the raw counts
    c.incr2 = 0.5;
    return c;
  };
  set.contrasts = {contrast("A", "drug", "placebo", 0, 20, 3, 21), contrast("B", "placebo", "drug", 5, 40, 2, 38),
                   contrast("C", "drug", "other", 1, 10, 2, 10)};
  TwoByTwoSet t = two_by_two_from_effects(set);
  ASSERT_FALSE(t.diagnostics.has_errors());
  ASSERT_EQ(2u, t.tables.size());
  EXPECT_EQ("A", t.tables[0].study);
  EXPECT_EQ(0.0, t.tables[0].events1);
  EXPECT_EQ("B", t.tables[1].study);  // placebo vs drug: arms swapped
  EXPECT_EQ(2.0, t.tables[1].events1);
  EXPECT_EQ(38.0, t.tables[1].n1);
  EXPECT_EQ(5.0, t.tables[1].events2);
  EXPECT_EQ(1u, count_code(t.diagnostics, "other-comparison"));
  set.contrasts[1].events2.reset();
  t = two_by_two_from_effects(set, "drug", "placebo");
  ASSERT_EQ(1u, count_code(t.diagnostics, "missing-counts"));
  EXPECT_EQ("B", t.diagnostics.items().at(0).study);
}

TEST(SmallStudyBinary, JsonHasTheNamedFields) {
  const BinaryRegtestResult r = harbord_test(tables_of(load_binary("dat.bcg")));
  const json j = to_json(r);
  for (const char* key : {"method", "k", "studies", "bias", "bias_se", "statistic", "df", "p_value", "effect",
                          "effect_se", "effect_ci_lower", "effect_ci_upper", "residual_sd", "tau2", "diagnostics"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ("Harbord", j.at("method").get<std::string>());
  EXPECT_EQ(r.bias, j.at("bias").get<double>());
  EXPECT_EQ(11.0, j.at("df").get<double>());

  const json ref = test::load_reference("pairwise_dat.bcg_OR.json");
  const json jb = to_json(begg_test_meta(meta_input_of_meta(ref)));
  EXPECT_TRUE(jb.contains("ks") && jb.contains("se_ks") && jb.contains("p_value"));
  MetaTrimfillOptions o;
  const json jt = to_json(trim_and_fill_meta(meta_input_of_meta(ref), o));
  EXPECT_EQ(4u, jt.at("k0").get<std::size_t>());  // meta 8.3-0 trimfill: k0 = 4 (pairwise_dat.bcg_OR.json)
  EXPECT_EQ(4u, jt.at("filled_yi").size());
  EXPECT_TRUE(jt.at("adjusted").is_object());
}
