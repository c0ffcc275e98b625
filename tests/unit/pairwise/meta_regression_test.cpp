// Meta-regression (meta_regression()).
//   - Reference: metafor 3.8-1 rma.uni(yi, vi, mods = ..., method = m, test = "z"/"knha") for EE, DL, HE,
//     HS, SJ, ML, REML, EB and PM on dat.bcg (log RR; ablat, year, alloc, ablat + year, ablat + alloc,
//     ablat without intercept; also test = "adhoc") and dat.bangertdrowns2004 (length, grade, wic, meta, length + grade
//     + meta, with studies dropped for missing moderators): tests/reference/metareg_bcg.json and
//     metareg_bangertdrowns2004.json (scripts/metareg.R). Every number to kTol = 1e-8 relative (absolute
//     below 1), EXPECT_REL; ML/REML/EB repeat metafor's Fisher scoring and PM its uniroot() search.
//   - Invariants: study order, the subgroup analysis' common-tau2 QM (subgroup.hpp), intercept-only
//     model = meta_analysis().
//   - Errors: size mismatch, vi <= 0, k <= p, rank-deficient designs naming the moderator.
//   - thompson_sharp_test() (small_study.hpp): R meta's metabias(method.bias = "Thompson") computation, i.e.
//     metafor 3.8-1 regtest(rma(yi, vi, method = m, test = "t"), model = "rma", predictor = "sei"), on
//     dat.bcg, dat.hackshaw1998, dat.bangertdrowns2004 for DL, REML, PM, ML, HS, SJ, HE, EB
//     (tests/reference/metareg_thompson_sharp.json), kTol.
#include "evident/pairwise/meta_regression.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "evident/pairwise/small_study.hpp"
#include "evident/pairwise/subgroup.hpp"
#include "evident_test.hpp"

using namespace evident;
using nlohmann::json;

namespace {

constexpr double kTol = 1e-8;

bool has_code(const Diagnostics& diags, const std::string& code) {
  for (const auto& d : diags.items())
    if (d.code == code) return true;
  return false;
}

const Diagnostic* find_code(const Diagnostics& diags, const std::string& code) {
  for (const auto& d : diags.items())
    if (d.code == code) return &d;
  return nullptr;
}

/// The input of one reference fit: the dataset's yi, vi and the named moderator columns.
MetaRegressionInput input_for(const json& ref, const json& fit) {
  const json& d = ref.at("data");
  MetaRegressionInput in;
  for (std::size_t i = 0; i < d.at("yi").size(); ++i) {
    in.study.push_back(d.at("study").at(i).get<std::string>());
    in.yi.push_back(test::ref_number(d.at("yi").at(i)));
    in.vi.push_back(test::ref_number(d.at("vi").at(i)));
  }
  const json names = fit.at("moderators").is_array() ? fit.at("moderators") : json::array({fit.at("moderators")});
  const json cat = fit.at("categorical").is_array() ? fit.at("categorical") : json::array({fit.at("categorical")});
  for (std::size_t j = 0; j < names.size(); ++j) {
    Moderator m;
    m.name = names.at(j).get<std::string>();
    m.categorical = cat.at(j).get<bool>();
    for (const json& x : d.at(m.name)) {
      if (m.categorical)
        m.levels.push_back(x.is_string() && x.get<std::string>() != "NA" ? x.get<std::string>() : std::string());
      else
        m.values.push_back(test::ref_number(x));
    }
    in.moderators.push_back(m);
  }
  in.intercept = fit.at("intercept").get<bool>();
  return in;
}

MetaRegressionResult fit_like(const json& ref, const json& fit) {
  MetaOptions o;
  const std::string method = fit.at("method").get<std::string>();
  const bool ee = method == "EE";
  if (!ee) o.tau2_method = *parse_tau2_method(method);
  o.hartung_knapp = fit.at("test").get<std::string>() != "z";
  o.hartung_knapp_adhoc = fit.at("test").get<std::string>() == "adhoc";
  return meta_regression(input_for(ref, fit), o, ee);
}

void expect_vector(const json& expected, const std::vector<double>& got, const std::string& what) {
  ASSERT_EQ(expected.size(), got.size()) << what;
  for (std::size_t i = 0; i < got.size(); ++i)
    EXPECT_REL(test::ref_number(expected.at(i)), got[i], kTol) << what << "[" << i << "]";
}

void check_against_metafor(const std::string& file) {
  const json ref = test::load_reference(file);
  int checked = 0;
  for (const json& fit : ref.at("fits")) {
    const std::string what = fit.at("model").get<std::string>() + " " + fit.at("method").get<std::string>() + " " +
                             fit.at("test").get<std::string>();
    SCOPED_TRACE(file + ": " + what);
    ASSERT_FALSE(fit.contains("error")) << "metafor failed on this fit";
    const MetaRegressionResult r = fit_like(ref, fit);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r.converged);
    // studies used
    const json& rows = fit.at("rows");
    ASSERT_EQ(rows.size(), r.k);
    for (std::size_t i = 0; i < r.k; ++i)
      EXPECT_EQ(ref.at("data").at("study").at(rows.at(i).get<std::size_t>() - 1).get<std::string>(), r.study[i]);
    const std::size_t n = ref.at("data").at("yi").size();
    EXPECT_EQ(n - r.k, r.excluded.size());
    // coefficients
    const json names = fit.at("coef_names").is_array() ? fit.at("coef_names") : json::array({fit.at("coef_names")});
    ASSERT_EQ(names.size(), r.p);
    const bool knha = fit.at("test").get<std::string>() != "z";  // knha or adhoc
    for (std::size_t c = 0; c < r.p; ++c) {
      const Coefficient& co = r.coefficients[c];
      EXPECT_EQ(names.at(c).get<std::string>(), co.name);
      EXPECT_REL(test::ref_number(fit.at("b").at(c)), co.estimate, kTol) << co.name;
      EXPECT_REL(test::ref_number(fit.at("se").at(c)), co.se, kTol) << co.name;
      EXPECT_REL(test::ref_number(fit.at("zval").at(c)), co.statistic, kTol) << co.name;
      EXPECT_REL(test::ref_number(fit.at("pval").at(c)), co.p_value, kTol) << co.name;
      EXPECT_REL(test::ref_number(fit.at("ci_lb").at(c)), co.ci_lower, kTol) << co.name;
      EXPECT_REL(test::ref_number(fit.at("ci_ub").at(c)), co.ci_upper, kTol) << co.name;
      EXPECT_EQ(knha, co.df.has_value());
      for (std::size_t c2 = 0; c2 < r.p; ++c2)
        EXPECT_REL(test::ref_number(fit.at("vb").at(c).at(c2)), r.vcov[c][c2], kTol) << "vb " << c << "," << c2;
    }
    EXPECT_REL(test::ref_number(fit.at("tau2")), r.tau2, kTol);
    EXPECT_REL(test::ref_number(fit.at("se_tau2")), r.tau2_se, kTol);
    EXPECT_REL(test::ref_number(fit.at("I2")), r.I2, kTol);
    EXPECT_REL(test::ref_number(fit.at("H2")), r.H2, kTol);
    if (fit.at("R2").is_null()) {
      EXPECT_FALSE(r.R2.has_value());
    } else {
      ASSERT_TRUE(r.R2.has_value());
      EXPECT_REL(test::ref_number(fit.at("R2")), *r.R2, kTol);
    }
    EXPECT_REL(test::ref_number(fit.at("QE")), r.QE, kTol);
    EXPECT_REL(test::ref_number(fit.at("QEp")), r.QE_p, kTol);
    EXPECT_REL(test::ref_number(fit.at("QM")), r.QM, kTol);
    EXPECT_REL(test::ref_number(fit.at("QMp")), r.QM_p, kTol);
    EXPECT_EQ(test::ref_number(fit.at("QMdf").at(0)), r.QM_df);
    EXPECT_EQ(knha, r.QM_df2.has_value());
    if (knha) {
      EXPECT_EQ(test::ref_number(fit.at("QMdf").at(1)), *r.QM_df2);
    }
    expect_vector(fit.at("weights"), r.weights, "weights");
    expect_vector(fit.at("fitted"), r.fitted, "fitted");
    expect_vector(fit.at("resid"), r.residuals, "resid");
    ++checked;
  }
  EXPECT_GE(checked, 90);
}

/// dat.bcg (log RR) with moderators ablat and alloc, from the reference file.
MetaRegressionInput bcg_ablat_alloc() {
  const json ref = test::load_reference("metareg_bcg.json");
  for (const json& fit : ref.at("fits"))
    if (fit.at("model") == "ablat_alloc") return input_for(ref, fit);
  return {};
}

}  // namespace

TEST(MetaRegression, MatchesMetaforOnBcg) {
  check_against_metafor("metareg_bcg.json");
}

TEST(MetaRegression, MatchesMetaforOnBangertDrowns2004WithMissingModerators) {
  check_against_metafor("metareg_bangertdrowns2004.json");
}

TEST(MetaRegression, StudyOrderDoesNotMatter) {
  const MetaRegressionInput in = bcg_ablat_alloc();
  MetaRegressionInput rev = in;
  std::reverse(rev.study.begin(), rev.study.end());
  std::reverse(rev.yi.begin(), rev.yi.end());
  std::reverse(rev.vi.begin(), rev.vi.end());
  for (Moderator& m : rev.moderators) {
    std::reverse(m.values.begin(), m.values.end());
    std::reverse(m.levels.begin(), m.levels.end());
  }
  for (const Tau2Method method : {Tau2Method::REML, Tau2Method::PM, Tau2Method::DL}) {
    MetaOptions o;
    o.tau2_method = method;
    const MetaRegressionResult a = meta_regression(in, o);
    const MetaRegressionResult b = meta_regression(rev, o);
    ASSERT_TRUE(a.ok());
    ASSERT_TRUE(b.ok());
    EXPECT_REL(a.tau2, b.tau2, 1e-9);
    EXPECT_REL(a.QM, b.QM, 1e-9);
    EXPECT_REL(a.QE, b.QE, 1e-9);
    ASSERT_EQ(a.p, b.p);
    for (std::size_t c = 0; c < a.p; ++c) {
      EXPECT_EQ(a.coefficients[c].name, b.coefficients[c].name);
      EXPECT_REL(a.coefficients[c].estimate, b.coefficients[c].estimate, 1e-9);
      EXPECT_REL(a.coefficients[c].se, b.coefficients[c].se, 1e-9);
    }
    for (std::size_t i = 0; i < a.k; ++i) EXPECT_REL(a.fitted[i], b.fitted[a.k - 1 - i], 1e-9);
  }
}

TEST(MetaRegression, CategoricalModeratorMatchesSubgroupCommonTau2) {
  MetaRegressionInput in = bcg_ablat_alloc();
  in.moderators.erase(in.moderators.begin());  // alloc only
  MetaInput mi;
  mi.study = in.study;
  mi.yi = in.yi;
  mi.vi = in.vi;
  for (const Tau2Method method : {Tau2Method::REML, Tau2Method::DL, Tau2Method::ML, Tau2Method::HE}) {
    SubgroupOptions so;
    so.meta.tau2_method = method;
    const SubgroupResult s = subgroup_analysis(mi, in.moderators[0].levels, so);
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE(s.common_tau2.has_value());
    const MetaRegressionResult r = meta_regression(in, so.meta);
    ASSERT_TRUE(r.ok());
    EXPECT_REL(s.common_tau2->tau2, r.tau2, 1e-9);
    EXPECT_REL(s.common_tau2->test.Q, r.QM, 1e-9);
    EXPECT_REL(s.common_tau2->test.p_value, r.QM_p, 1e-9);
    EXPECT_EQ(s.common_tau2->test.df, r.QM_df);
    EXPECT_REL(s.common_tau2->QE, r.QE, 1e-9);
  }
}

TEST(MetaRegression, InterceptOnlyModelIsTheRandomEffectsModel) {
  MetaRegressionInput in = bcg_ablat_alloc();
  in.moderators.clear();
  MetaInput mi;
  mi.yi = in.yi;
  mi.vi = in.vi;
  for (const Tau2Method method : {Tau2Method::REML, Tau2Method::PM, Tau2Method::SJ, Tau2Method::EB}) {
    MetaOptions o;
    o.tau2_method = method;
    o.hartung_knapp = method == Tau2Method::SJ;
    const MetaResult m = meta_analysis(mi, o);
    const MetaRegressionResult r = meta_regression(in, o);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(1u, r.p);
    EXPECT_EQ("intrcpt", r.coefficients[0].name);
    EXPECT_REL(m.random.tau2, r.tau2, 1e-12);
    EXPECT_REL(m.random.pooled.estimate, r.coefficients[0].estimate, 1e-12);
    EXPECT_REL(m.random.pooled.se, r.coefficients[0].se, 1e-12);
    EXPECT_REL(m.random.pooled.p_value, r.coefficients[0].p_value, 1e-12);
    EXPECT_REL(m.random.I2, r.I2, 1e-12);
    EXPECT_REL(m.heterogeneity.Q, r.QE, 1e-12);
    EXPECT_FALSE(r.R2.has_value());
  }
}

TEST(MetaRegression, ExcludedStudiesNameTheMissingModerator) {
  const json ref = test::load_reference("metareg_bangertdrowns2004.json");
  const json* spec = nullptr;
  for (const json& fit : ref.at("fits"))
    if (fit.at("model") == "length_grade_meta") spec = &fit;
  ASSERT_NE(nullptr, spec);
  const MetaRegressionResult r = meta_regression(input_for(ref, *spec));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(4u, r.excluded.size());
  for (const RegressionExclusion& e : r.excluded) {
    EXPECT_FALSE(e.study.empty());
    const bool names_moderator =
        e.reason.find("'length'") != std::string::npos || e.reason.find("'meta'") != std::string::npos;
    EXPECT_TRUE(names_moderator) << e.reason;
  }
  EXPECT_TRUE(has_code(r.diagnostics, "excluded-missing-moderator"));
}

TEST(MetaRegression, ReferenceLevelAndNoInterceptCoding) {
  MetaRegressionInput in = bcg_ablat_alloc();
  in.moderators.erase(in.moderators.begin());
  in.moderators[0].reference_level = "random";
  const MetaRegressionResult a = meta_regression(in);
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(3u, a.p);
  EXPECT_EQ("allocalternate", a.coefficients[1].name);
  EXPECT_EQ("allocsystematic", a.coefficients[2].name);
  in.intercept = false;  // cell means: one column per level, reference level first
  const MetaRegressionResult b = meta_regression(in);
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(3u, b.p);
  EXPECT_EQ("allocrandom", b.coefficients[0].name);
  EXPECT_EQ("allocalternate", b.coefficients[1].name);
  // same model, reparametrised: same tau2 and fitted values; intercept + contrast = cell mean
  EXPECT_REL(a.tau2, b.tau2, 1e-9);
  EXPECT_REL(a.coefficients[0].estimate, b.coefficients[0].estimate, 1e-9);
  EXPECT_REL(a.coefficients[0].estimate + a.coefficients[1].estimate, b.coefficients[1].estimate, 1e-9);
  for (std::size_t i = 0; i < a.k; ++i) EXPECT_REL(a.fitted[i], b.fitted[i], 1e-9);
  EXPECT_FALSE(b.R2.has_value());
  EXPECT_EQ(3.0, b.QM_df);  // all coefficients tested without intercept
}

TEST(MetaRegression, BadInputGivesDiagnostics) {
  const MetaRegressionInput good = bcg_ablat_alloc();

  MetaRegressionInput mismatch = good;
  mismatch.moderators[0].values.pop_back();
  const MetaRegressionResult r1 = meta_regression(mismatch);
  EXPECT_FALSE(r1.ok());
  const Diagnostic* d1 = find_code(r1.diagnostics, "size-mismatch");
  ASSERT_NE(nullptr, d1);
  EXPECT_EQ("ablat", d1->field);

  MetaRegressionInput negative = good;
  negative.vi[2] = -0.1;
  const MetaRegressionResult r2 = meta_regression(negative);
  EXPECT_FALSE(r2.ok());
  const Diagnostic* d2 = find_code(r2.diagnostics, "nonpositive-variance");
  ASSERT_NE(nullptr, d2);
  EXPECT_EQ(good.study[2], d2->study);

  MetaRegressionInput few = good;  // 4 studies, 4 coefficients
  few.yi.resize(4);
  few.vi.resize(4);
  few.study.resize(4);
  few.moderators[0].values.resize(4);
  few.moderators[1].levels = {"random", "alternate", "systematic", "random"};
  EXPECT_TRUE(has_code(meta_regression(few).diagnostics, "too-few-studies"));

  MetaRegressionInput constant = good;
  std::fill(constant.moderators[0].values.begin(), constant.moderators[0].values.end(), 42.0);
  const MetaRegressionResult r3 = meta_regression(constant);
  const Diagnostic* d3 = find_code(r3.diagnostics, "rank-deficient-design");
  ASSERT_NE(nullptr, d3);
  EXPECT_EQ("ablat", d3->field);
  EXPECT_NE(std::string::npos, d3->message.find("constant")) << d3->message;

  MetaRegressionInput collinear = good;
  Moderator twice = collinear.moderators[0];
  twice.name = "ablat2";
  for (double& x : twice.values) x *= 2.0;
  collinear.moderators.push_back(twice);
  const MetaRegressionResult r4 = meta_regression(collinear);
  const Diagnostic* d4 = find_code(r4.diagnostics, "rank-deficient-design");
  ASSERT_NE(nullptr, d4);
  EXPECT_EQ("ablat2", d4->field);

  // the only 'systematic' studies lose their ablat value: the level is left without studies
  MetaRegressionInput empty_level = good;
  for (std::size_t i = 0; i < empty_level.yi.size(); ++i)
    if (empty_level.moderators[1].levels[i] == "systematic") empty_level.moderators[0].values[i] = std::nan("");
  const MetaRegressionResult r5 = meta_regression(empty_level);
  const Diagnostic* d5 = find_code(r5.diagnostics, "rank-deficient-design");
  ASSERT_NE(nullptr, d5);
  EXPECT_EQ("alloc", d5->field);
  EXPECT_NE(std::string::npos, d5->message.find("'systematic'")) << d5->message;
  EXPECT_FALSE(r5.excluded.empty());
}

TEST(MetaRegression, NonConvergenceIsAWarningWithTheLastIterate) {
  MetaOptions o;
  o.tau2_method = Tau2Method::REML;
  o.max_iterations = 1;
  o.threshold = 1e-300;
  const MetaRegressionResult r = meta_regression(bcg_ablat_alloc(), o);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r.converged);
  EXPECT_TRUE(has_code(r.diagnostics, "tau2-not-converged"));
  EXPECT_TRUE(std::isfinite(r.tau2));
  EXPECT_EQ(2, r.iterations);
}

TEST(MetaRegression, DuplicateModeratorNamesAreAnError) {
  MetaRegressionInput in = bcg_ablat_alloc();
  in.moderators[1].name = "ablat";
  const MetaRegressionResult r = meta_regression(in);
  const Diagnostic* d = find_code(r.diagnostics, "duplicate-moderator");
  ASSERT_NE(nullptr, d);
  EXPECT_EQ("ablat", d->field);
}

TEST(MetaRegression, JsonHasTheDocumentedFields) {
  MetaOptions o;
  o.hartung_knapp = true;
  const json j = to_json(meta_regression(bcg_ablat_alloc(), o));
  for (const char* key :
       {"k",          "p",       "method_tau2", "coefficients", "vcov",       "tau2",      "tau2_se", "I2",
        "H2",         "R2",      "QE",          "QE_df",        "QE_p_value", "QM",        "QM_df",   "QM_df2",
        "QM_p_value", "QM_test", "studies",     "excluded",     "iterations", "converged", "warnings"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ("F", j.at("QM_test").get<std::string>());
  EXPECT_EQ("intrcpt", j.at("coefficients").at(0).at("name").get<std::string>());
  EXPECT_EQ(13u, j.at("studies").size());
}

TEST(ThompsonSharp, MatchesMetaforRegtestWithTTest) {
  const json ref = test::load_reference("metareg_thompson_sharp.json");
  int checked = 0;
  for (const json& set : ref.at("datasets")) {
    MetaInput in;
    for (std::size_t i = 0; i < set.at("yi").size(); ++i) {
      in.yi.push_back(test::ref_number(set.at("yi").at(i)));
      in.vi.push_back(test::ref_number(set.at("vi").at(i)));
    }
    for (const json& fit : set.at("fits")) {
      SCOPED_TRACE(set.at("dataset").get<std::string>() + " " + fit.at("method").get<std::string>());
      MetaOptions o;
      o.tau2_method = *parse_tau2_method(fit.at("method").get<std::string>());
      const RegtestResult r = thompson_sharp_test(in, o);
      ASSERT_TRUE(r.ok());
      EXPECT_REL(test::ref_number(fit.at("slope")), r.slope, kTol);
      EXPECT_REL(test::ref_number(fit.at("slope_se")), r.slope_se, kTol);
      EXPECT_REL(test::ref_number(fit.at("statistic")), r.statistic, kTol);
      ASSERT_TRUE(r.df.has_value());
      EXPECT_EQ(fit.at("df").get<double>(), *r.df);
      EXPECT_REL(test::ref_number(fit.at("pval")), r.p_value, kTol);
      EXPECT_REL(test::ref_number(fit.at("limit_estimate")), r.limit_estimate, kTol);
      EXPECT_REL(test::ref_number(fit.at("limit_se")), r.limit_se, kTol);
      EXPECT_REL(test::ref_number(fit.at("limit_ci_lb")), r.limit_ci_lower, kTol);
      EXPECT_REL(test::ref_number(fit.at("limit_ci_ub")), r.limit_ci_upper, kTol);
      EXPECT_REL(test::ref_number(fit.at("tau2")), r.tau2, kTol);
      ++checked;
    }
  }
  EXPECT_EQ(24, checked);
}

TEST(ThompsonSharp, TooFewStudiesAndEqualPrecision) {
  MetaInput two;
  two.yi = {0.1, 0.2};
  two.vi = {0.01, 0.02};
  EXPECT_TRUE(has_code(thompson_sharp_test(two).diagnostics, "too-few-studies"));
  MetaInput same;
  same.yi = {0.1, 0.2, 0.4, -0.1};
  same.vi = {0.04, 0.04, 0.04, 0.04};
  EXPECT_TRUE(has_code(thompson_sharp_test(same).diagnostics, "collinear-predictor"));
}
