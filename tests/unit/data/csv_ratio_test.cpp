// Contrast-level CSV files that give a ratio on its natural scale (HR 0.62, 95% CI 0.45 to 0.85):
// the column names that say so (hr, or, rr, irr, ratio, hazard_ratio ...) and their logs (loghr,
// lnOR ...), Outcome::measure, ContrastRecord::log_scale, `--map` to `ratio`, files that give both a
// ratio and a log-scale estimate (metadat's dat.hackshaw1998), and the diagnostics for ratios <= 0.
//
// Expected effect sizes are those of meta::metagen(TE = log(hr), lower = log(lower), upper =
// log(upper)) (meta 8.3-0): TE = log(hr), seTE = (log(upper) - log(lower)) / (2 qnorm(0.975)), with
// qnorm(0.975) = 1.959963984540054 (R 4.2.2); 1e-12 relative (absolute below 1).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "evident/data/csv.hpp"
#include "evident/data/read.hpp"
#include "evident/effects/effect_size.hpp"
#include "evident_test.hpp"

namespace {

using evident::OutcomeType;
using evident::ReadOptions;
using evident::ReadResult;
using evident::csv::Field;

constexpr double kZ975 = 1.959963984540054;  // R 4.2.2: sprintf("%.17g", qnorm(0.975))
constexpr double kTol = 1e-12;

ReadResult read(const std::string& text, ReadOptions options = {}) {
  return evident::read_text(text, "hr.csv", options);
}

ReadOptions with_mappings(const std::vector<std::string>& specs) {
  ReadOptions o;
  for (const std::string& spec : specs) {
    std::string error;
    auto m = evident::parse_column_mapping(spec, error);
    EXPECT_TRUE(m.has_value()) << error;
    if (m) o.mappings.push_back(*m);
  }
  return o;
}

std::vector<std::string> lines(const ReadResult& r) {
  std::vector<std::string> out;
  for (const auto& d : r.diagnostics.items()) out.push_back(evident::format_diagnostic(d));
  return out;
}

std::string all_diagnostics(const ReadResult& r) {
  std::string out;
  for (const auto& l : lines(r)) out += l + "\n";
  return out;
}

const evident::ContrastRecord& only_contrast(const ReadResult& r, std::size_t study_data) {
  const auto& sd = r.dataset.outcomes.at(0).data.at(study_data);
  EXPECT_EQ(sd.contrasts.size(), 1u);
  return sd.contrasts.at(0);
}

const char* const kHrFile =
    "study,treat1,treat2,hr,lower,upper\n"
    "S1,A,B,0.62,0.45,0.85\n"
    "S2,A,C,0.8,0.6,1.1\n"
    "S3,B,C,1.35,1.02,1.79\n";

TEST(CsvRatio, HazardRatioFileIsReadOnTheNaturalScaleAndLogged) {
  const auto r = read(kHrFile);
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  EXPECT_TRUE(r.diagnostics.empty()) << all_diagnostics(r);
  EXPECT_EQ(r.dataset.format, "csv-contrast");
  ASSERT_EQ(r.dataset.outcomes.size(), 1u);
  const auto& o = r.dataset.outcomes[0];
  EXPECT_EQ(o.type, OutcomeType::contrast);
  ASSERT_TRUE(o.measure.has_value());
  EXPECT_EQ(*o.measure, "HR");
  ASSERT_EQ(o.data.size(), 3u);
  for (const auto& sd : o.data)
    for (const auto& c : sd.contrasts) EXPECT_FALSE(c.log_scale);
  const auto& c1 = only_contrast(r, 0);  // stored as given
  EXPECT_EQ(c1.estimate, 0.62);
  EXPECT_EQ(c1.ci_lower, 0.45);
  EXPECT_EQ(c1.ci_upper, 0.85);
  EXPECT_TRUE(r.dataset.studies.at(0).covariates.empty());  // hr is not a covariate any more

  // effect sizes with the default measure of the outcome
  EXPECT_EQ(evident::default_measure(o), evident::Measure::HR);
  evident::EffectOptions eo;
  eo.measure = evident::default_measure(o);
  const auto s = evident::compute_effects(r.dataset, o, eo);
  EXPECT_FALSE(s.diagnostics.has_errors());
  ASSERT_EQ(s.contrasts.size(), 3u);
  const double hr[] = {0.62, 0.8, 1.35}, lo[] = {0.45, 0.6, 1.02}, hi[] = {0.85, 1.1, 1.79};
  for (std::size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    EXPECT_REL(std::log(hr[i]), s.contrasts[i].te, kTol);
    EXPECT_REL((std::log(hi[i]) - std::log(lo[i])) / (2 * kZ975), s.contrasts[i].se, kTol);
  }
}

TEST(CsvRatio, CiWithoutARatioGivesTheGeometricMidpoint) {
  // S2 has no hazard ratio: the estimate is the midpoint of the CI on the log scale, i.e. the log
  // of sqrt(lower x upper)
  const auto r = read("study,treat1,treat2,hr,lower,upper\nS1,A,B,0.62,0.45,0.85\nS2,A,C,NA,0.7,1.4\n");
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  const auto& c = only_contrast(r, 1);
  EXPECT_FALSE(c.estimate.has_value());
  EXPECT_FALSE(c.log_scale);
  evident::EffectOptions eo;
  eo.measure = evident::default_measure(r.dataset.outcomes[0]);
  const auto s = evident::compute_effects(r.dataset, r.dataset.outcomes[0], eo);
  ASSERT_EQ(s.contrasts.size(), 2u);
  EXPECT_REL(std::log(std::sqrt(0.7 * 1.4)), s.contrasts[1].te, kTol);
  EXPECT_REL((std::log(1.4) - std::log(0.7)) / (2 * kZ975), s.contrasts[1].se, kTol);
  EXPECT_EQ(s.contrasts[1].notes.at(1), "estimate taken as the midpoint of the CI on the log scale");
}

TEST(CsvRatio, ColumnNamesThatNameARatio) {
  struct Case {
    const char* name;
    Field field;
    const char* measure;
  };
  for (const Case& c : {Case{"hr", Field::ratio_estimate, "HR"}, Case{"HR", Field::ratio_estimate, "HR"},
                        Case{"Hazard_Ratio", Field::ratio_estimate, "HR"}, Case{"OR", Field::ratio_estimate, "OR"},
                        Case{"odds.ratio", Field::ratio_estimate, "OR"}, Case{"rr", Field::ratio_estimate, "RR"},
                        Case{"risk ratio", Field::ratio_estimate, "RR"}, Case{"IRR", Field::ratio_estimate, "IRR"},
                        Case{"ratio", Field::ratio_estimate, nullptr}, Case{"logHR", Field::estimate, "HR"},
                        Case{"ln_hr", Field::estimate, "HR"}, Case{"log.or", Field::estimate, "OR"},
                        Case{"lnOR", Field::estimate, "OR"}, Case{"logRR", Field::estimate, "RR"},
                        Case{"lnrr", Field::estimate, "RR"}, Case{"TE", Field::estimate, nullptr}}) {
    SCOPED_TRACE(c.name);
    const auto role = evident::csv::recognize_column(c.name);
    ASSERT_TRUE(role.has_value());
    EXPECT_EQ(role->field, c.field);
    EXPECT_EQ(role->arm, 0);
    EXPECT_EQ(role->measure == nullptr, c.measure == nullptr);
    if (role->measure && c.measure) {
      EXPECT_STREQ(role->measure, c.measure);
    }
  }
  EXPECT_EQ(evident::csv::recognize_field("ratio")->field, Field::ratio_estimate);
  EXPECT_STREQ(evident::csv::field_name(Field::ratio_estimate), "ratio");

  // the measure of the outcome follows the column
  for (const auto& [column, measure] : std::vector<std::pair<std::string, std::string>>{
           {"or", "OR"}, {"RR", "RR"}, {"irr", "IRR"}, {"hazard.ratio", "HR"}}) {
    SCOPED_TRACE(column);
    const auto r = read("study,treat1,treat2," + column + ",ci.lb,ci.ub\nS1,A,B,1.5,1.1,2.0\n");
    ASSERT_TRUE(r.ok()) << all_diagnostics(r);
    EXPECT_EQ(r.dataset.outcomes.at(0).measure, measure);
    EXPECT_FALSE(only_contrast(r, 0).log_scale);
  }
}

TEST(CsvRatio, PlainRatioColumnNeedsTheMeasure) {
  const char* text = "study,treat1,treat2,ratio,lower,upper\nS1,A,B,0.62,0.45,0.85\n";
  const auto r = read(text);
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  EXPECT_FALSE(r.dataset.outcomes.at(0).measure.has_value());
  EXPECT_FALSE(only_contrast(r, 0).log_scale);
  EXPECT_EQ(lines(r), (std::vector<std::string>{
                          "hr.csv:1:4: warning: column 'ratio' of outcome 'hr' holds ratios on the natural scale but "
                          "does not say which ratio; they are put on the log scale only when a ratio measure (OR, RR, "
                          "HR, IRR, ROM) is chosen (hint: say which ratio it is, e.g. --map ratio=HR (or OR, RR, "
                          "IRR), or choose the measure (--measure OR); a time-to-event outcome type means hazard "
                          "ratios)"}));
  // a time-to-event outcome: hazard ratios
  ReadOptions tte;
  tte.outcome_type = OutcomeType::time_to_event;
  const auto t = read(text, tte);
  ASSERT_TRUE(t.ok()) << all_diagnostics(t);
  EXPECT_TRUE(t.diagnostics.empty()) << all_diagnostics(t);
  EXPECT_EQ(t.dataset.outcomes.at(0).type, OutcomeType::time_to_event);
  EXPECT_EQ(t.dataset.outcomes.at(0).measure, "HR");
  // --map ratio=HR names the measure
  const auto m = read(text, with_mappings({"ratio=HR"}));
  ASSERT_TRUE(m.ok()) << all_diagnostics(m);
  EXPECT_TRUE(m.diagnostics.empty()) << all_diagnostics(m);
  EXPECT_EQ(m.dataset.outcomes.at(0).measure, "HR");
  EXPECT_FALSE(only_contrast(m, 0).log_scale);
}

TEST(CsvRatio, MappingToRatio) {
  // --map HR=ratio on a column already named HR changes nothing
  const std::string text = "study,treat1,treat2,HR,lower,upper\nS1,A,B,0.62,0.45,0.85\n";
  const auto plain = read(text);
  const auto mapped = read(text, with_mappings({"HR=ratio"}));
  for (const ReadResult* r : {&plain, &mapped}) {
    ASSERT_TRUE(r->ok()) << all_diagnostics(*r);
    EXPECT_TRUE(r->diagnostics.empty()) << all_diagnostics(*r);
    EXPECT_EQ(r->dataset.outcomes.at(0).measure, "HR");
    const auto& c = only_contrast(*r, 0);
    EXPECT_FALSE(c.log_scale);
    EXPECT_EQ(c.estimate, 0.62);
  }
  // an unknown column mapped to ratio, the measure from the outcome type
  ReadOptions o = with_mappings({"hazard=ratio"});
  o.outcome_type = OutcomeType::time_to_event;
  const auto r = read("study,treat1,treat2,hazard,lower,upper\nS1,A,B,0.62,0.45,0.85\n", o);
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  EXPECT_TRUE(r.diagnostics.empty()) << all_diagnostics(r);
  EXPECT_EQ(r.dataset.outcomes.at(0).measure, "HR");
  EXPECT_FALSE(only_contrast(r, 0).log_scale);
  evident::EffectOptions eo;
  eo.measure = evident::default_measure(r.dataset.outcomes[0]);
  const auto s = evident::compute_effects(r.dataset, r.dataset.outcomes[0], eo);
  ASSERT_EQ(s.contrasts.size(), 1u);
  EXPECT_REL(std::log(0.62), s.contrasts[0].te, kTol);
  EXPECT_REL((std::log(0.85) - std::log(0.45)) / (2 * kZ975), s.contrasts[0].se, kTol);
  // --map hr=TE: the column holds log hazard ratios (taken as given)
  const auto l = read("study,treat1,treat2,hr,se\nS1,A,B,-0.478,0.16\n", with_mappings({"hr=TE"}));
  ASSERT_TRUE(l.ok()) << all_diagnostics(l);
  EXPECT_TRUE(only_contrast(l, 0).log_scale);
  EXPECT_EQ(only_contrast(l, 0).estimate, -0.478);
  EXPECT_EQ(l.dataset.outcomes.at(0).measure, "HR");
}

TEST(CsvRatio, LogHazardRatioWithSe) {
  const auto r = read("study,treat1,treat2,loghr,se\nS1,A,B,-0.478,0.162\nS2,A,C,-0.223,0.155\n");
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  EXPECT_TRUE(r.diagnostics.empty()) << all_diagnostics(r);
  const auto& o = r.dataset.outcomes.at(0);
  EXPECT_EQ(o.type, OutcomeType::contrast);
  EXPECT_EQ(o.measure, "HR");
  const auto& c = only_contrast(r, 0);
  EXPECT_TRUE(c.log_scale);
  EXPECT_EQ(c.estimate, -0.478);
  EXPECT_EQ(c.se, 0.162);
  evident::EffectOptions eo;
  eo.measure = evident::default_measure(o);
  EXPECT_EQ(eo.measure, evident::Measure::HR);
  const auto s = evident::compute_effects(r.dataset, o, eo);
  ASSERT_EQ(s.contrasts.size(), 2u);
  EXPECT_EQ(s.contrasts[0].te, -0.478);  // as given
  EXPECT_EQ(s.contrasts[0].se, 0.162);
  EXPECT_EQ(s.contrasts[1].te, -0.223);
  EXPECT_TRUE(s.contrasts[0].notes.empty());
}

TEST(CsvRatio, Hackshaw1998LogScaleEstimateWins) {
  // metadat dat.hackshaw1998: or, or.lb, or.ub and yi = log(or), vi. yi/vi are used as before; or
  // is a covariate, or.lb / or.ub stay unrecognised covariates.
  // line 2: 1,"Garfinkel",1981,"USA","cohort",153,1.18,0.9,1.54,0.16551443847757333,0.01877688548506811
  const auto r = evident::read_file(evident::test::data_path("dat.hackshaw1998.csv"));
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  for (const auto& d : r.diagnostics.items()) EXPECT_EQ(d.severity, evident::Severity::note) << d.message;
  const auto& o = r.dataset.outcomes.at(0);
  EXPECT_EQ(o.type, OutcomeType::contrast);
  EXPECT_FALSE(o.measure.has_value());
  EXPECT_EQ(o.data.size(), 37u);
  const auto& c = only_contrast(r, 0);
  EXPECT_TRUE(c.log_scale);
  EXPECT_EQ(c.estimate, 0.16551443847757333);
  EXPECT_EQ(c.variance, 0.01877688548506811);
  EXPECT_FALSE(c.ci_lower.has_value());
  EXPECT_FALSE(c.ci_upper.has_value());
  const auto& cov = r.dataset.studies.at(0).covariates;
  EXPECT_EQ(cov.at("or").number, 1.18);
  EXPECT_EQ(cov.at("or.lb").number, 0.9);
  EXPECT_EQ(cov.at("or.ub").number, 1.54);
  const std::string file = evident::test::data_path("dat.hackshaw1998.csv");
  const auto l = lines(r);
  EXPECT_NE(std::find(l.begin(), l.end(),
                      file + ":1:7: note: column 'or' read as a study covariate (the estimate is taken from 'yi', on "
                             "the log scale)"),
            l.end())
      << all_diagnostics(r);
  EXPECT_NE(std::find(l.begin(), l.end(),
                      file + ":1:8: note: column 'or.lb' read as a study covariate (hint: if it holds trial data, "
                             "say which field with --map or.lb=FIELD)"),
            l.end())
      << all_diagnostics(r);
}

TEST(CsvRatio, RatioAndLogEstimateBothMappedIsAnError) {
  const auto r = read("study,treat1,treat2,TE,seTE,HR\nS1,A,B,-0.478,0.16,0.62\n", with_mappings({"HR=ratio"}));
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(lines(r), (std::vector<std::string>{
                          "hr.csv:1:6: error: columns 'TE' (column 4) and 'HR' (column 6) are both read as the "
                          "estimate (one as TE, one as a ratio) (hint: say which one to use, e.g. --map HR=ignore)"}));
}

TEST(CsvRatio, RatioNotAboveZeroIsAnError) {
  const auto r = read(
      "study,treat1,treat2,hr,lower,upper\n"
      "S1,A,B,0.62,0.45,0.85\n"
      "S2,A,C,-0.36,-0.6,-0.1\n"
      "S3,B,C,0.9,0,1.2\n");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(
      lines(r),
      (std::vector<std::string>{
          "hr.csv:3:4: error: column 'hr' must be > 0 (a hazard ratio on the natural scale), got \"-0.36\" "
          "(comparison 'A' vs 'C' of study 'S2'); the comparison is excluded (hint: a hazard ratio must be > 0; if "
          "the column holds log hazard ratios, name it loghr or map it to TE)",
          "hr.csv:3:5: error: column 'lower' must be > 0 (a confidence limit of a hazard ratio on the natural scale), "
          "got \"-0.6\" (comparison 'A' vs 'C' of study 'S2'); the comparison is excluded (hint: the confidence "
          "limits of a hazard ratio must be > 0; if the columns hold log hazard ratios, name the estimate column "
          "loghr or map it to TE)",
          "hr.csv:3:6: error: column 'upper' must be > 0 (a confidence limit of a hazard ratio on the natural scale), "
          "got \"-0.1\" (comparison 'A' vs 'C' of study 'S2'); the comparison is excluded (hint: the confidence "
          "limits of a hazard ratio must be > 0; if the columns hold log hazard ratios, name the estimate column "
          "loghr or map it to TE)",
          "hr.csv:4:5: error: column 'lower' must be > 0 (a confidence limit of a hazard ratio on the natural scale), "
          "got \"0\" (comparison 'B' vs 'C' of study 'S3'); the comparison is excluded (hint: the confidence limits "
          "of a hazard ratio must be > 0; if the columns hold log hazard ratios, name the estimate column loghr or "
          "map it to TE)"}));
  const auto& d = r.diagnostics.items().at(0);
  EXPECT_EQ(d.code, "non-positive-ratio");
  EXPECT_EQ(d.study, "S2");
  EXPECT_EQ(d.field, "hr");
  ASSERT_EQ(r.dataset.excluded.size(), 2u);
  EXPECT_EQ(r.dataset.excluded[0].study, "S2");
  EXPECT_EQ(r.dataset.excluded[0].treatment, "A vs C");
  EXPECT_EQ(r.dataset.excluded[0].reason, "a hazard ratio on the natural scale must be > 0");
  EXPECT_EQ(r.dataset.excluded[0].source.line, 3);
  EXPECT_EQ(r.dataset.outcomes.at(0).data.size(), 1u);  // S1 is kept
  // an odds ratio of 0
  const auto z = read("study,treat1,treat2,or,se\nS1,A,B,0,0.2\n");
  EXPECT_EQ(lines(z).at(0),
            "hr.csv:2:4: error: column 'or' must be > 0 (an odds ratio on the natural scale), got \"0\" (comparison "
            "'A' vs 'B' of study 'S1'); the comparison is excluded (hint: an odds ratio must be > 0; if the column "
            "holds log odds ratios, name it logor or map it to TE)");
}

TEST(CsvRatio, RatioColumnInAnArmLevelFileIsNotUsed) {
  // arm-level data take precedence over a given ratio, as over a given TE
  const auto r = read("study,treatment,events,n,or\nA,x,3,10,1.5\nA,y,4,12,1.5\n");
  ASSERT_TRUE(r.ok()) << all_diagnostics(r);
  EXPECT_EQ(r.dataset.format, "csv-long-arm");
  EXPECT_EQ(r.dataset.outcomes.at(0).type, OutcomeType::binary);
  EXPECT_FALSE(r.dataset.outcomes.at(0).measure.has_value());
  EXPECT_EQ(lines(r), (std::vector<std::string>{
                          "hr.csv:1:5: note: column 'or' was not used: the arm-level data ('events', 'n') take "
                          "precedence (hint: to analyse the given effect sizes instead, set the outcome type to "
                          "'contrast')"}));
}

}  // namespace
