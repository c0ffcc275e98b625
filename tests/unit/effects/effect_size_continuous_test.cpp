// Continuous effect sizes (MD, SMD, GLASS, ROM) and incidence rates (IRR, IRD).
//
// References (R 4.2.2): metafor 3.8-1 escalc() `data` and meta 8.3-0 metacont() `meta` in
// tests/reference/pairwise_dat.normand1999_*.json; escalc_normand1999_smd.json,
// escalc_dat.curtis1998_*.json and escalc_dietaryfat_rates.json (metafor 3.8-1; code in
// tests/reference/README.md and scripts/escalc_extra.R). Tolerance 1e-10 relative (absolute below 1).
#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "effects_fixtures.hpp"
#include "evident/effects/effect_size.hpp"
#include "evident_test.hpp"

namespace evident {
namespace {

using namespace evident::test;  // NOLINT: fixtures

constexpr double kTol = 1e-10;

void expect_values(const EffectSet& s, const nlohmann::json& te, const nlohmann::json& var, bool is_se = false) {
  ASSERT_EQ(s.contrasts.size(), te.size());
  for (std::size_t i = 0; i < te.size(); ++i) {
    EXPECT_REL(test::ref_number(te[i]), s.contrasts[i].te, kTol) << "row " << i;
    const double v = is_se ? s.contrasts[i].se : s.contrasts[i].se * s.contrasts[i].se;
    EXPECT_REL(test::ref_number(var[i]), v, kTol) << "row " << i;
  }
}

Built two_group(const std::string& file, const std::string& label) {
  auto c = read_columns(file);
  Built b = make(OutcomeType::continuous);
  for (std::size_t i = 0; i < c["n1i"].size(); ++i)
    add_study(b, c[label][i],
              {cont_arm("T", std::stod(c["n1i"][i]), std::stod(c["m1i"][i]), std::stod(c["sd1i"][i])),
               cont_arm("C", std::stod(c["n2i"][i]), std::stod(c["m2i"][i]), std::stod(c["sd2i"][i]))});
  return b;
}

// ---------------------------------------------------------------------------------------------

TEST(EffectSizeContinuous, Normand1999MeanDifferenceAndRatioOfMeans) {
  // pairwise_dat.normand1999_{MD,ROM}.json: escalc `data` and metacont `meta`; 1e-10 relative.
  Built b = two_group("dat.normand1999.csv", "source");
  for (Measure m : {Measure::MD, Measure::ROM}) {
    SCOPED_TRACE(to_string(m));
    const auto ref = test::load_reference(std::string("pairwise_dat.normand1999_") + to_string(m) + ".json");
    const EffectSet s = run(b, m);
    expect_values(s, ref["data"]["yi"], ref["data"]["vi"]);
    expect_values(s, ref["meta"]["TE"], ref["meta"]["seTE"], true);
    EXPECT_TRUE(s.excluded.empty());
  }
}

TEST(EffectSizeContinuous, Normand1999StandardisedMeanDifferenceConventions) {
  // meta::metacont (exact J, "UB" variance)  = SmdCorrection::hedges_exact    [pairwise_dat.normand1999_SMD.json
  // `meta`] metafor::escalc "SMD" (exact J, vtype LS) = SmdCorrection::hedges_exact_ls [same file, `data`] escalc "SMD"
  // vtype "UB", "SMD1" (Glass) LS / UB [escalc_normand1999_smd.json]. 1e-10 relative.
  Built b = two_group("dat.normand1999.csv", "source");
  const auto ref = test::load_reference("pairwise_dat.normand1999_SMD.json");
  const auto ext = test::load_reference("escalc_normand1999_smd.json");
  auto with = [](SmdCorrection c) {
    EffectOptions o;
    o.smd_correction = c;
    return o;
  };
  expect_values(run(b, Measure::SMD), ref["meta"]["TE"], ref["meta"]["seTE"], true);
  expect_values(run(b, Measure::SMD), ext["SMD_UB"]["yi"], ext["SMD_UB"]["vi"]);
  expect_values(run(b, Measure::SMD, with(SmdCorrection::hedges_exact_ls)), ref["data"]["yi"], ref["data"]["vi"]);
  expect_values(run(b, Measure::GLASS), ext["SMD1_UB"]["yi"], ext["SMD1_UB"]["vi"]);
  expect_values(run(b, Measure::GLASS, with(SmdCorrection::hedges_exact_ls)), ext["SMD1_LS"]["yi"],
                ext["SMD1_LS"]["vi"]);
  // Cohen's d = g / J with metafor's own J (.cmicalc)
  const EffectSet d = run(b, Measure::SMD, with(SmdCorrection::none));
  const EffectSet g = run(b, Measure::SMD);
  const EffectSet dg = run(b, Measure::GLASS, with(SmdCorrection::none));
  for (std::size_t i = 0; i < d.contrasts.size(); ++i) {
    EXPECT_REL(test::ref_number(ext["cmi_SMD"][i]) * d.contrasts[i].te, g.contrasts[i].te, kTol);
    EXPECT_REL(test::ref_number(ext["cmi_SMD1"][i]) * dg.contrasts[i].te, test::ref_number(ext["SMD1_UB"]["yi"][i]),
               kTol);
    // Borenstein et al. 2009, pp. 26-27: var(d) = (n1 + n2)/(n1 n2) + d^2 / (2 (n1 + n2))
    const double n1 = *d.contrasts[i].n1, n2 = *d.contrasts[i].n2, dd = d.contrasts[i].te;
    EXPECT_REL((n1 + n2) / (n1 * n2) + dd * dd / (2 * (n1 + n2)), d.contrasts[i].se * d.contrasts[i].se, 1e-14);
  }
  // The approximate correction (meta exact.smd = FALSE; no R reference here: meta is not installed
  // on this machine): g = (1 - 3/(4m - 1)) d, within 1e-4 of the exact g for these sample sizes.
  const EffectSet a = run(b, Measure::SMD, with(SmdCorrection::hedges_approx));
  for (std::size_t i = 0; i < a.contrasts.size(); ++i) {
    const double m = *a.contrasts[i].n1 + *a.contrasts[i].n2 - 2;
    EXPECT_REL((1 - 3 / (4 * m - 1)) * d.contrasts[i].te, a.contrasts[i].te, 1e-14);
    EXPECT_NEAR(g.contrasts[i].te, a.contrasts[i].te, 1e-4);
  }
}

TEST(EffectSizeContinuous, Curtis1998MatchesEscalc) {
  // escalc_dat.curtis1998_{ROM,MD,SMD}.json (metafor 3.8-1, vtype "LS"); 1e-10 relative.
  Built b = two_group("dat.curtis1998.csv", "id");
  const std::map<Measure, std::string> files = {{Measure::ROM, "ROM"}, {Measure::MD, "MD"}, {Measure::SMD, "SMD"}};
  for (const auto& [m, name] : files) {
    SCOPED_TRACE(name);
    EffectOptions o;
    o.smd_correction = SmdCorrection::hedges_exact_ls;
    const auto ref = test::load_reference("escalc_dat.curtis1998_" + name + ".json");
    expect_values(run(b, m, o), ref["yi"], ref["vi"]);
  }
}

TEST(EffectSizeContinuous, MultiArmSmdPoolsTheSdAsNetmeta) {
  // netmeta::pairwise() (Crippa & Orsini 2016, eqs. 4-5): one SD pooled over the three arms,
  // Cohen's d, var = 1/n1 + 1/n2 + d^2/(2 N). The contrasts of the study are then consistent:
  // d(A,C) = d(A,B) + d(B,C). (netmeta is not installed here; the formula is checked, not R.)
  Built b = make(OutcomeType::continuous);
  add_study(b, "Three", {cont_arm("A", 50, 10, 4), cont_arm("B", 60, 8, 5), cont_arm("C", 45, 7, 3.5)});
  add_study(b, "Two", {cont_arm("A", 30, 10, 4), cont_arm("B", 35, 9, 4.5)});
  const EffectSet s = run(b, Measure::SMD);
  ASSERT_EQ(s.contrasts.size(), 4u);
  const double sp = std::sqrt((49 * 16.0 + 59 * 25.0 + 44 * 12.25) / (49 + 59 + 44));
  const double N = 155;
  const auto& ab = s.contrasts[0];
  const auto& ac = s.contrasts[1];
  const auto& bc = s.contrasts[2];
  EXPECT_EQ(ab.treat2, "B");
  EXPECT_EQ(ac.treat2, "C");
  EXPECT_EQ(bc.treat1, "B");
  EXPECT_REL(2 / sp, ab.te, 1e-14);
  EXPECT_REL(ab.te + bc.te, ac.te, 1e-14);
  EXPECT_REL(1.0 / 50 + 1.0 / 60 + ab.te * ab.te / (2 * N), ab.se * ab.se, 1e-14);
  EXPECT_REL(sp, *ab.sd1, 1e-14);
  EXPECT_FALSE(ab.notes.empty());
  // the two-arm study uses the chosen correction (default: Hedges' g, exact)
  EffectOptions cohen;
  cohen.smd_correction = SmdCorrection::none;
  cohen.smd_multiarm_pooled = false;
  const EffectSet separate = run(b, Measure::SMD, cohen);
  ASSERT_EQ(separate.contrasts.size(), 4u);
  EXPECT_TRUE(separate.contrasts[0].notes.empty());
  EXPECT_GT(std::fabs(separate.contrasts[0].te + separate.contrasts[2].te - separate.contrasts[1].te), 1e-3);
  EXPECT_LT(std::fabs(s.contrasts[3].te), std::fabs(separate.contrasts[3].te));  // J < 1
}

TEST(EffectSizeContinuous, SwappingArmsFlipsTheSign) {
  for (Measure m : {Measure::MD, Measure::SMD, Measure::ROM}) {
    SCOPED_TRACE(to_string(m));
    Built a = two_group("dat.normand1999.csv", "source");
    Built b = two_group("dat.normand1999.csv", "source");
    for (auto& sd : b.outcome().data) std::reverse(sd.arms.begin(), sd.arms.end());
    const EffectSet sa = run(a, m), sb = run(b, m);
    ASSERT_EQ(sa.contrasts.size(), sb.contrasts.size());
    for (std::size_t i = 0; i < sa.contrasts.size(); ++i) {
      EXPECT_EQ(sa.contrasts[i].treat1, sb.contrasts[i].treat2);
      EXPECT_REL(-sa.contrasts[i].te, sb.contrasts[i].te, 1e-14);
      EXPECT_REL(sa.contrasts[i].se, sb.contrasts[i].se, 1e-14);
    }
  }
}

TEST(EffectSizeContinuous, StudyOrderDoesNotMatter) {
  Built a = two_group("dat.curtis1998.csv", "id");
  Built b = two_group("dat.curtis1998.csv", "id");
  std::mt19937 rng(3);
  std::shuffle(b.outcome().data.begin(), b.outcome().data.end(), rng);
  const EffectSet sa = run(a, Measure::SMD), sb = run(b, Measure::SMD);
  ASSERT_EQ(sa.contrasts.size(), sb.contrasts.size());
  std::map<std::string, double> te;
  for (const auto& c : sa.contrasts) te[c.study] = c.te;
  for (const auto& c : sb.contrasts) EXPECT_EQ(te.at(c.study), c.te);
}

TEST(EffectSizeContinuous, UnusableArmsAreListedNeverNaN) {
  Built b = make(OutcomeType::continuous);
  add_study(b, "ZeroSD", {cont_arm("T", 20, 5, 0), cont_arm("C", 20, 4, 1)});
  Arm med;
  med.treatment = "C";
  med.n = 20;
  med.median = 4;
  med.q1 = 3;
  med.q3 = 6;
  add_study(b, "Median", {cont_arm("T", 20, 5, 1), med});
  add_study(b, "Negative", {cont_arm("T", 20, -5, 1), cont_arm("C", 20, 4, 1)});
  add_study(b, "Ok", {cont_arm("T", 20, 5, 1), cont_arm("C", 20, 4, 1)});
  EffectOptions no_conversion;
  no_conversion.convert_summaries = false;  // the median arm stays unusable
  for (Measure m : {Measure::MD, Measure::SMD, Measure::ROM, Measure::GLASS}) {
    SCOPED_TRACE(to_string(m));
    const EffectSet s = run(b, m, no_conversion);
    const std::size_t expect = m == Measure::ROM ? 1u : 2u;  // ROM needs positive means
    ASSERT_EQ(s.contrasts.size(), expect);
    for (const auto& c : s.contrasts) {
      EXPECT_TRUE(std::isfinite(c.te) && std::isfinite(c.se) && c.se > 0);
    }
    EXPECT_EQ(s.excluded[0].reason, "the SD must be > 0, got 0");
    EXPECT_EQ(s.excluded[2].treatment, "C");
    EXPECT_EQ(s.excluded[2].reason, std::string("no mean given (needed for ") + to_string(m) + ")");
    EXPECT_NE(s.diagnostics.items()[2].hint.find("complete_mean_sd"), std::string::npos);
    if (m == Measure::ROM) {
      EXPECT_EQ(s.excluded[4].reason, "the ratio of means needs a positive mean, got -5");
    }
  }
}

TEST(EffectSizeContinuous, MedianAndQuartilesAreConvertedByDefaultWithANote) {
  // Wan 2014 scenario S3 (q1, median, q3, n): mean by Luo 2018 eq. 11, SD by Wan 2014 eq. 16;
  // the converted arm enters the MD exactly as if its mean and SD had been reported.
  Built b = make(OutcomeType::continuous);
  Arm med;
  med.treatment = "C";
  med.n = 20;
  med.median = 4;
  med.q1 = 3;
  med.q3 = 6;
  add_study(b, "Median", {cont_arm("T", 20, 5, 1), med});
  const EffectSet s = run(b, Measure::MD);
  ASSERT_EQ(s.contrasts.size(), 1u);
  const ArmConversion conv = complete_mean_sd(med);
  ASSERT_TRUE(conv.complete());
  EXPECT_REL(5.0 - *conv.mean, s.contrasts[0].te, 1e-15);
  EXPECT_REL(std::sqrt(1.0 / 20 + *conv.sd * *conv.sd / 20), s.contrasts[0].se, 1e-15);
  ASSERT_FALSE(s.contrasts[0].notes.empty());
  EXPECT_EQ(s.contrasts[0].notes[0].rfind("arm 'C': ", 0), 0u) << s.contrasts[0].notes[0];
}

TEST(EffectSizeContinuous, MissingSdIsImputedOnlyWhenAsked) {
  // Pooled SD of the other studies: sqrt(sum((n-1) sd^2) / sum(n-1)) over the donor arms.
  Built b = make(OutcomeType::continuous);
  add_study(b, "A", {cont_arm("T", 21, 5, 1), cont_arm("C", 21, 4, 2)});
  Arm no_sd;
  no_sd.treatment = "C";
  no_sd.n = 30;
  no_sd.mean = 3;
  add_study(b, "B", {cont_arm("T", 30, 4, 1.5), no_sd});
  EXPECT_EQ(run(b, Measure::MD).contrasts.size(), 1u);
  EffectOptions o;
  o.impute_missing_sd = true;
  const EffectSet s = run(b, Measure::MD, o);
  ASSERT_EQ(s.contrasts.size(), 2u);
  const double pooled = std::sqrt((20 * 1.0 + 20 * 4.0) / 40);  // donors: study A's two arms
  EXPECT_REL(std::sqrt(1.5 * 1.5 / 30 + pooled * pooled / 30), s.contrasts[1].se, 1e-14);
  bool noted = false;
  for (const auto& n : s.contrasts[1].notes) noted = noted || n.find("SD imputed") != std::string::npos;
  EXPECT_TRUE(noted);
}

// ---------------------------------------------------------------------------------------------
// Incidence rates
// ---------------------------------------------------------------------------------------------

TEST(EffectSizeRates, DietaryFatMatchesEscalcForEveryPair) {
  // escalc_dietaryfat_rates.json (metafor 3.8-1 "IRR"/"IRD"), every pair of arms in study order;
  // the three-arm study gives three contrasts. 1e-10 relative.
  auto c = read_columns("dietaryfat.csv");
  Built b = make(OutcomeType::rate);
  for (std::size_t i = 0; i < c["ID"].size(); ++i) {
    std::vector<Arm> arms;
    for (std::size_t j = 1; j <= 3; ++j) {
      const std::string t = c[cat("treat", j)][i];
      if (t.empty()) continue;
      arms.push_back(rate_arm(t, std::stod(c[cat("d", j)][i]), std::stod(c[cat("years", j)][i])));
    }
    add_study(b, c["ID"][i], arms);
  }
  const auto ref = test::load_reference("escalc_dietaryfat_rates.json");
  for (Measure m : {Measure::IRR, Measure::IRD}) {
    SCOPED_TRACE(to_string(m));
    const EffectSet s = run(b, m);
    expect_values(s, ref[to_string(m)]["yi"], ref[to_string(m)]["vi"]);
    for (std::size_t i = 0; i < s.contrasts.size(); ++i) {
      EXPECT_EQ(s.contrasts[i].study, ref["pairs"]["study"][i].get<std::string>());
      EXPECT_EQ(s.contrasts[i].treat1, ref["pairs"]["treat1"][i].get<std::string>());
      EXPECT_EQ(s.contrasts[i].treat2, ref["pairs"]["treat2"][i].get<std::string>());
    }
  }
}

TEST(EffectSizeRates, ZeroEventsBothConventions) {
  // escalc_dietaryfat_rates.json `zero_rows` (metafor 3.8-1, add 1/2, to "only0"): the IRR agrees
  // in both packages (a study without events in either arm is kept, as metainc and escalc do);
  // for the IRD meta takes the raw difference (= escalc add = 0) with the corrected SE.
  const auto z = test::load_reference("escalc_dietaryfat_rates.json")["zero_rows"];
  Built b = make(OutcomeType::rate);
  for (std::size_t i = 0; i < z["x1i"].size(); ++i)
    add_study(b, cat("z", i),
              {rate_arm("T", z["x1i"][i].get<double>(), z["t1i"][i].get<double>()),
               rate_arm("C", z["x2i"][i].get<double>(), z["t2i"][i].get<double>())});
  expect_values(run(b, Measure::IRR), z["IRR"]["yi"], z["IRR"]["vi"]);
  expect_values(run(b, Measure::IRD), z["IRD_add0"]["yi"], z["IRD"]["vi"]);
  EffectOptions mf;
  mf.correction.convention = CorrectionConvention::metafor;
  expect_values(run(b, Measure::IRD, mf), z["IRD"]["yi"], z["IRD"]["vi"]);
  const EffectSet s = run(b, Measure::IRR);
  EXPECT_EQ(s.contrasts[0].incr1, 0.5);
  EXPECT_EQ(s.contrasts[2].incr1, 0.0);
  EXPECT_EQ(s.contrasts[0].notes.size(), 2u);  // correction + "no events in either arm (kept ...)"
}

}  // namespace
}  // namespace evident
