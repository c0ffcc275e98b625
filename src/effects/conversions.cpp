// evident: conversions of summary statistics to means and SDs, and SD imputation.
// Formulas, papers and the reference values each was checked against: see
// include/evident/effects/conversions.hpp and docs/methods/conversions.md.
#include "evident/effects/conversions.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>
#include <set>
#include <string_view>
#include <utility>

namespace evident {

namespace {

// Quantiles never throw: a domain error gives NaN, which the callers rule out beforehand.
using QuietPolicy =
    boost::math::policies::policy<boost::math::policies::domain_error<boost::math::policies::ignore_error>,
                                  boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
                                  boost::math::policies::evaluation_error<boost::math::policies::ignore_error>>;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double normal_quantile(double p) {
  if (!(p > 0.0 && p < 1.0)) return kNaN;
  const boost::math::normal_distribution<double, QuietPolicy> dist(0.0, 1.0);
  return boost::math::quantile(dist, p);
}

double t_quantile(double p, double df) {
  if (!(p > 0.0 && p < 1.0) || !(df > 0.0)) return kNaN;
  const boost::math::students_t_distribution<double, QuietPolicy> dist(df);
  return boost::math::quantile(dist, p);
}

/// Short number for notes: 4 significant digits ("1.234", "12.35", "0.0123").
std::string num(double x) {
  return fmt::format("{:.4g}", x);
}

constexpr const char* kLuoDoi = "doi:10.1177/0962280216669183";
constexpr const char* kWanDoi = "doi:10.1186/1471-2288-14-135";
constexpr const char* kShiDoi = "doi:10.1002/jrsm.1429";
constexpr const char* kHozoDoi = "doi:10.1186/1471-2288-5-13";
constexpr const char* kShi2023Doi = "doi:10.1177/09622802231172043";

const char* inputs_text(FiveNumberScenario s, bool with_median) {
  switch (s) {
    case FiveNumberScenario::S1:
      return with_median ? "median and range" : "range";
    case FiveNumberScenario::S2:
      return with_median ? "median, quartiles and range" : "quartiles and range";
    case FiveNumberScenario::S3:
      return with_median ? "median and quartiles" : "quartiles";
    case FiveNumberScenario::none:
      break;
  }
  return "nothing";
}

bool mean_method_defined(MeanMethod m, FiveNumberScenario s) {
  if (s == FiveNumberScenario::none) return false;
  return m != MeanMethod::hozo2005 || s == FiveNumberScenario::S1;
}

bool sd_method_defined(SdMethod m, FiveNumberScenario s) {
  switch (m) {
    case SdMethod::wan2014:
      return s != FiveNumberScenario::none;
    case SdMethod::shi2020:
      return s == FiveNumberScenario::S2;
    case SdMethod::hozo2005:
      return s == FiveNumberScenario::S1;
  }
  return false;
}

const char* scenario_needs(SdMethod m) {
  return m == SdMethod::shi2020 ? "S2 (min, q1, median, q3, max)" : "S1 (min, median, max)";
}

MeanSdEstimate fail(MeanSdEstimate r, std::string code, std::string reason, bool invalid) {
  r.mean.reset();
  r.sd.reset();
  r.reason_code = std::move(code);
  r.reason = std::move(reason);
  r.invalid_input = invalid;
  return r;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

const char* to_string(FiveNumberScenario s) {
  switch (s) {
    case FiveNumberScenario::none:
      return "none";
    case FiveNumberScenario::S1:
      return "S1";
    case FiveNumberScenario::S2:
      return "S2";
    case FiveNumberScenario::S3:
      return "S3";
  }
  return "none";
}

const char* to_string(MeanMethod m) {
  switch (m) {
    case MeanMethod::luo2018:
      return "luo2018";
    case MeanMethod::wan2014:
      return "wan2014";
    case MeanMethod::hozo2005:
      return "hozo2005";
  }
  return "luo2018";
}

const char* to_string(SdMethod m) {
  switch (m) {
    case SdMethod::wan2014:
      return "wan2014";
    case SdMethod::shi2020:
      return "shi2020";
    case SdMethod::hozo2005:
      return "hozo2005";
  }
  return "wan2014";
}

const char* to_string(SkewnessPolicy p) {
  switch (p) {
    case SkewnessPolicy::exclude:
      return "exclude";
    case SkewnessPolicy::warn:
      return "warn";
    case SkewnessPolicy::ignore:
      return "ignore";
  }
  return "exclude";
}

const char* to_string(CiDistribution d) {
  switch (d) {
    case CiDistribution::automatic:
      return "automatic";
    case CiDistribution::t:
      return "t";
    case CiDistribution::normal:
      return "normal";
  }
  return "automatic";
}

const char* to_string(SdSource s) {
  switch (s) {
    case SdSource::standard_error:
      return "standard error";
    case SdSource::ci_of_mean:
      return "confidence interval of the mean";
    case SdSource::ci_of_mean_difference:
      return "confidence interval of the mean difference";
    case SdSource::t_statistic:
      return "t statistic";
    case SdSource::p_value:
      return "p-value";
  }
  return "standard error";
}

const char* to_string(SdPoolMethod m) {
  return m == SdPoolMethod::pooled ? "pooled" : "mean";
}

const char* to_string(SdImputationSource s) {
  switch (s) {
    case SdImputationSource::other_time_point:
      return "other time point";
    case SdImputationSource::user_value:
      return "user value";
    case SdImputationSource::other_studies:
      return "other studies";
  }
  return "other studies";
}

std::string method_citation(MeanMethod m, FiveNumberScenario s) {
  switch (m) {
    case MeanMethod::luo2018:
      if (s == FiveNumberScenario::S1) return "Luo et al. 2018, eq. (7)";
      if (s == FiveNumberScenario::S2) return "Luo et al. 2018, eq. (15)";
      if (s == FiveNumberScenario::S3) return "Luo et al. 2018, eq. (11)";
      return "Luo et al. 2018";
    case MeanMethod::wan2014:
      if (s == FiveNumberScenario::S1) return "Wan et al. 2014, (min + 2 median + max)/4";
      if (s == FiveNumberScenario::S2) return "Wan et al. 2014, eq. (10)";
      if (s == FiveNumberScenario::S3) return "Wan et al. 2014, eq. (14)";
      return "Wan et al. 2014";
    case MeanMethod::hozo2005:
      return "Hozo et al. 2005";
  }
  return {};
}

std::string method_citation(SdMethod m, FiveNumberScenario s) {
  switch (m) {
    case SdMethod::wan2014:
      if (s == FiveNumberScenario::S1) return "Wan et al. 2014, eq. (9)";
      if (s == FiveNumberScenario::S2) return "Wan et al. 2014, eq. (13)";
      if (s == FiveNumberScenario::S3) return "Wan et al. 2014, eq. (16)";
      return "Wan et al. 2014";
    case SdMethod::shi2020:
      return "Shi et al. 2020, eq. (10)";
    case SdMethod::hozo2005:
      return "Hozo et al. 2005";
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// Median, quartiles and range
// ---------------------------------------------------------------------------------------------

double wan_xi(double n) {
  return 2.0 * normal_quantile((n - 0.375) / (n + 0.25));
}

double wan_eta(double n) {
  return 2.0 * normal_quantile((0.75 * n - 0.125) / (n + 0.25));
}

FiveNumberScenario five_number_scenario(const FiveNumberSummary& s) {
  const bool range = s.min.has_value() && s.max.has_value();
  const bool quartiles = s.q1.has_value() && s.q3.has_value();
  if (range && quartiles) return FiveNumberScenario::S2;
  if (range) return FiveNumberScenario::S1;
  if (quartiles) return FiveNumberScenario::S3;
  return FiveNumberScenario::none;
}

SkewnessTest skewness_test(const FiveNumberSummary& s) {
  SkewnessTest t;
  const FiveNumberScenario sc = five_number_scenario(s);
  if (sc == FiveNumberScenario::none) {
    t.note = "skewness test not computed: neither the range nor the quartiles are given";
    return t;
  }
  if (!s.median) {
    t.note = "skewness test not computed: it needs the median";
    return t;
  }
  if (!s.n || !(*s.n > 1.0)) {
    t.note = "skewness test not computed: it needs n > 1";
    return t;
  }
  const double n = *s.n, m = *s.median;
  double range_stat = kNaN, iqr_stat = kNaN;
  if (s.min && s.max && *s.max > *s.min) range_stat = std::fabs((*s.min + *s.max - 2.0 * m) / (*s.max - *s.min));
  if (s.q1 && s.q3 && *s.q3 > *s.q1) iqr_stat = std::fabs((*s.q1 + *s.q3 - 2.0 * m) / (*s.q3 - *s.q1));
  switch (sc) {
    case FiveNumberScenario::S1:
      if (std::isnan(range_stat)) {
        t.note = "skewness test not computed: the range is zero";
        return t;
      }
      t.statistic = range_stat;
      t.critical = 1.0 / std::log(n + 9.0) + 2.5 / (n + 1.0);
      break;
    case FiveNumberScenario::S3:
      if (std::isnan(iqr_stat)) {
        t.note = "skewness test not computed: the interquartile range is zero";
        return t;
      }
      t.statistic = iqr_stat;
      t.critical = 2.65 / std::sqrt(n) - 6.0 / (n * n);
      break;
    case FiveNumberScenario::S2:
      if (std::isnan(range_stat) || std::isnan(iqr_stat)) {
        t.note = "skewness test not computed: the range or the interquartile range is zero";
        return t;
      }
      t.statistic = std::max(2.65 * std::log(0.6 * n) / std::sqrt(n) * range_stat, iqr_stat);
      t.critical = 3.0 / std::sqrt(n) - 40.0 / (n * n * n);
      break;
    case FiveNumberScenario::none:
      return t;
  }
  t.computed = true;
  t.significant = t.statistic >= t.critical;
  return t;
}

MeanSdEstimate estimate_mean_sd(const FiveNumberSummary& s, const FiveNumberOptions& options) {
  MeanSdEstimate r;
  r.scenario = five_number_scenario(s);

  // Every value given must be a finite number.
  const std::array<std::pair<const char*, const std::optional<double>*>, 6> fields{
      {{"min", &s.min}, {"q1", &s.q1}, {"median", &s.median}, {"q3", &s.q3}, {"max", &s.max}, {"n", &s.n}}};
  for (const auto& [name, value] : fields) {
    if (value->has_value() && !std::isfinite(**value))
      return fail(std::move(r), "not-finite", fmt::format("{} is not a finite number", name), true);
  }

  // Order: min <= q1 <= median <= q3 <= max, most telling violation first.
  auto out_of_order = [&](const char* a_name, const std::optional<double>& a, const char* b_name,
                          const std::optional<double>& b) -> std::optional<std::string> {
    if (a && b && *a > *b) return fmt::format("{} ({}) is greater than {} ({})", a_name, num(*a), b_name, num(*b));
    return std::nullopt;
  };
  if (auto msg = out_of_order("min", s.min, "max", s.max))
    return fail(std::move(r), "quantiles-out-of-order", *msg, true);
  if (auto msg = out_of_order("q1", s.q1, "q3", s.q3)) return fail(std::move(r), "quantiles-out-of-order", *msg, true);
  if (s.median && s.min && s.max && (*s.median < *s.min || *s.median > *s.max))
    return fail(std::move(r), "quantiles-out-of-order",
                fmt::format("median ({}) is outside the range {} to {}", num(*s.median), num(*s.min), num(*s.max)),
                true);
  if (s.median && s.q1 && s.q3 && (*s.median < *s.q1 || *s.median > *s.q3))
    return fail(
        std::move(r), "quantiles-out-of-order",
        fmt::format("median ({}) is outside the interquartile range {} to {}", num(*s.median), num(*s.q1), num(*s.q3)),
        true);
  for (const auto& pair :
       {std::pair{"q1", "median"}, std::pair{"median", "q3"}, std::pair{"min", "q1"}, std::pair{"min", "median"},
        std::pair{"min", "q3"}, std::pair{"q1", "max"}, std::pair{"median", "max"}, std::pair{"q3", "max"}}) {
    auto get = [&](const char* name) -> const std::optional<double>& {
      for (const auto& [fname, value] : fields)
        if (std::string_view(fname) == name) return *value;
      return s.n;  // unreachable: every name above is a field
    };
    if (auto msg = out_of_order(pair.first, get(pair.first), pair.second, get(pair.second)))
      return fail(std::move(r), "quantiles-out-of-order", *msg, true);
  }

  if (r.scenario == FiveNumberScenario::none) {
    return fail(std::move(r), "insufficient-summaries",
                "neither the range (min and max) nor the quartiles (q1 and q3) are given", false);
  }

  // A quartile or an extreme without its partner cannot be used (metafor then converts nothing;
  // evident uses the pair that is complete and says so).
  if (s.q1.has_value() != s.q3.has_value())
    r.warnings.push_back(fmt::format("{} is given without {} and is not used", s.q1 ? "q1" : "q3", s.q1 ? "q3" : "q1"));
  if (s.min.has_value() != s.max.has_value())
    r.warnings.push_back(
        fmt::format("{} is given without {} and is not used", s.min ? "min" : "max", s.min ? "max" : "min"));

  // Sample size.
  const double min_n = std::max(options.min_n, 2.0);
  if (!s.n) return fail(std::move(r), "n-missing", "the sample size n is missing (the conversions need it)", false);
  if (*s.n < min_n) {
    return fail(std::move(r), "n-too-small",
                fmt::format("n = {} is below {}, the smallest sample size the median-based conversions accept",
                            num(*s.n), num(min_n)),
                false);
  }
  const double n = *s.n;

  // Spread.
  if ((r.scenario == FiveNumberScenario::S1 || r.scenario == FiveNumberScenario::S2) && *s.max == *s.min) {
    return fail(std::move(r), "zero-spread",
                fmt::format("the range is zero (min = max = {}): no SD can be estimated", num(*s.min)), false);
  }
  if (r.scenario == FiveNumberScenario::S3 && *s.q3 == *s.q1) {
    return fail(std::move(r), "zero-spread",
                fmt::format("the interquartile range is zero (q1 = q3 = {}): no SD can be estimated", num(*s.q1)),
                false);
  }

  // Methods: the recommended ones unless asked otherwise; never switch silently.
  const MeanMethod mean_method = options.mean_method.value_or(MeanMethod::luo2018);
  const SdMethod sd_method =
      options.sd_method.value_or(r.scenario == FiveNumberScenario::S2 ? SdMethod::shi2020 : SdMethod::wan2014);
  if (!mean_method_defined(mean_method, r.scenario)) {
    return fail(std::move(r), "method-not-applicable",
                fmt::format("the {} mean is defined only for scenario S1 (min, median, max); the data give {}",
                            method_citation(mean_method, r.scenario), inputs_text(r.scenario, s.median.has_value())),
                false);
  }
  if (!sd_method_defined(sd_method, r.scenario)) {
    return fail(std::move(r), "method-not-applicable",
                fmt::format("the {} SD is defined only for scenario {}; the data give {}",
                            method_citation(sd_method, r.scenario), scenario_needs(sd_method),
                            inputs_text(r.scenario, s.median.has_value())),
                false);
  }

  // Skewness (Shi et al. 2023).
  r.skewness = skewness_test(s);
  if (r.skewness.computed && r.skewness.significant) {
    const std::string msg = fmt::format(
        "the skewness test of Shi et al. 2023 ({}) is significant (T = {} >= critical value {}): the data look "
        "skewed and the normal-theory conversions would be inaccurate",
        kShi2023Doi, num(r.skewness.statistic), num(r.skewness.critical));
    if (options.skewness == SkewnessPolicy::exclude) return fail(std::move(r), "skewed", msg, false);
    if (options.skewness == SkewnessPolicy::warn) r.warnings.push_back(msg + "; converted anyway");
  } else if (!r.skewness.computed && options.skewness != SkewnessPolicy::ignore) {
    r.warnings.push_back(r.skewness.note);
  }

  // SD.
  const double range = (r.scenario != FiveNumberScenario::S3) ? *s.max - *s.min : kNaN;
  const double iqr = (r.scenario != FiveNumberScenario::S1) ? *s.q3 - *s.q1 : kNaN;
  double sd = kNaN;
  std::string sd_detail;
  switch (sd_method) {
    case SdMethod::wan2014:
      if (r.scenario == FiveNumberScenario::S1) sd = range / wan_xi(n);
      if (r.scenario == FiveNumberScenario::S3) sd = iqr / wan_eta(n);
      if (r.scenario == FiveNumberScenario::S2) sd = 0.5 * (range / wan_xi(n) + iqr / wan_eta(n));
      break;
    case SdMethod::shi2020: {
      const double w = 1.0 / (1.0 + 0.07 * std::pow(n, 0.6));
      sd = w * range / wan_xi(n) + (1.0 - w) * iqr / wan_eta(n);
      break;
    }
    case SdMethod::hozo2005:
      if (n <= 15.0) {
        if (!s.median) {
          return fail(std::move(r), "insufficient-summaries",
                      "the Hozo et al. 2005 SD for n <= 15 needs the median, which is not given", false);
        }
        const double skew = *s.min - 2.0 * *s.median + *s.max;
        sd = std::sqrt((skew * skew / 4.0 + range * range) / 12.0);
        sd_detail = ", sqrt(((min - 2 median + max)^2/4 + (max - min)^2)/12) for n <= 15";
      } else if (n <= 70.0) {
        sd = range / 4.0;
        sd_detail = ", range/4 for 15 < n <= 70";
      } else {
        sd = range / 6.0;
        sd_detail = ", range/6 for n > 70";
      }
      break;
  }
  r.sd = sd;
  r.sd_method = sd_method;
  r.sd_method_text = method_citation(sd_method, r.scenario) + sd_detail + ", " +
                     (sd_method == SdMethod::wan2014   ? kWanDoi
                      : sd_method == SdMethod::shi2020 ? kShiDoi
                                                       : kHozoDoi);

  // Mean (needs the median).
  if (!s.median) {
    r.warnings.push_back("no median given: the mean is not estimated (the SD does not need it)");
    return r;
  }
  const double m = *s.median;
  double mean = kNaN;
  std::string mean_detail;
  switch (mean_method) {
    case MeanMethod::luo2018:
      if (r.scenario == FiveNumberScenario::S1) {
        const double w = 4.0 / (4.0 + std::pow(n, 0.75));
        mean = w * (*s.min + *s.max) / 2.0 + (1.0 - w) * m;
      } else if (r.scenario == FiveNumberScenario::S3) {
        const double w = 0.7 + 0.39 / n;
        mean = w * (*s.q1 + *s.q3) / 2.0 + (1.0 - w) * m;
      } else {
        const double w1 = 2.2 / (2.2 + std::pow(n, 0.75));
        const double w2 = 0.7 - 0.72 / std::pow(n, 0.55);
        mean = w1 * (*s.min + *s.max) / 2.0 + w2 * (*s.q1 + *s.q3) / 2.0 + (1.0 - w1 - w2) * m;
      }
      break;
    case MeanMethod::wan2014:
      if (r.scenario == FiveNumberScenario::S1) mean = (*s.min + 2.0 * m + *s.max) / 4.0;
      if (r.scenario == FiveNumberScenario::S3) mean = (*s.q1 + m + *s.q3) / 3.0;
      if (r.scenario == FiveNumberScenario::S2) mean = (*s.min + 2.0 * *s.q1 + 2.0 * m + 2.0 * *s.q3 + *s.max) / 8.0;
      break;
    case MeanMethod::hozo2005:
      if (n <= 25.0) {
        mean = (*s.min + 2.0 * m + *s.max) / 4.0;
        mean_detail = ", (min + 2 median + max)/4 for n <= 25";
      } else {
        mean = m;
        mean_detail = ", the median for n > 25";
      }
      break;
  }
  r.mean = mean;
  r.mean_method = mean_method;
  r.mean_method_text = method_citation(mean_method, r.scenario) + mean_detail + ", " +
                       (mean_method == MeanMethod::luo2018   ? kLuoDoi
                        : mean_method == MeanMethod::wan2014 ? kWanDoi
                                                             : kHozoDoi);
  return r;
}

std::optional<double> hozo2005_mean_with_n(double min, double median, double max, double n) {
  if (!std::isfinite(min) || !std::isfinite(median) || !std::isfinite(max) || !std::isfinite(n) || !(n > 0.0))
    return std::nullopt;
  return (min + 2.0 * median + max) / 4.0 + (min - 2.0 * median + max) / (4.0 * n);
}

std::optional<double> hozo2005_variance_with_n(double min, double median, double max, double n) {
  if (!(n > 1.0)) return std::nullopt;
  const auto mean = hozo2005_mean_with_n(min, median, max, n);
  if (!mean) return std::nullopt;
  const double a = min, m = median, b = max;
  return (a * a + m * m + b * b + (n - 3.0) / 2.0 * ((a + m) * (a + m) + (m + b) * (m + b)) / 4.0 - n * *mean * *mean) /
         (n - 1.0);
}

// ---------------------------------------------------------------------------------------------
// SD from SE, CI, t, p
// ---------------------------------------------------------------------------------------------

namespace {

SdFromStatistic sd_fail(SdFromStatistic r, std::string reason) {
  r.sd.reset();
  r.se.reset();
  r.reason = std::move(reason);
  return r;
}

bool finite_all(std::initializer_list<double> xs) {
  return std::all_of(xs.begin(), xs.end(), [](double x) { return std::isfinite(x); });
}

/// Quantile 1 - alpha/2 of t(df) or N(0, 1); sets quantile/df/distribution of r.
double two_sided_quantile(SdFromStatistic& r, double level, bool use_t, double df) {
  const double p = 1.0 - (1.0 - level) / 2.0;
  r.distribution = use_t ? CiDistribution::t : CiDistribution::normal;
  const double q = use_t ? t_quantile(p, df) : normal_quantile(p);
  r.quantile = q;
  if (use_t) r.df = df;
  return q;
}

std::string quantile_text(const SdFromStatistic& r, double level) {
  const double p = 1.0 - (1.0 - level) / 2.0;
  if (r.distribution == CiDistribution::t) return fmt::format("t({:g}, {:g} df) = {}", p, *r.df, num(*r.quantile));
  return fmt::format("z({:g}) = {}", p, num(*r.quantile));
}

}  // namespace

SdFromStatistic sd_from_se(double se, double n) {
  SdFromStatistic r;
  r.source = SdSource::standard_error;
  if (!finite_all({se, n})) return sd_fail(std::move(r), "the SE or n is not a finite number");
  if (se < 0.0) return sd_fail(std::move(r), fmt::format("the SE must be >= 0, got {}", num(se)));
  if (n < 2.0) return sd_fail(std::move(r), fmt::format("n must be at least 2, got {}", num(n)));
  r.se = se;
  r.sd = se * std::sqrt(n);
  r.method =
      fmt::format("SD = SE * sqrt(n) = {} * sqrt({}) = {} (Cochrane Handbook 6.5.2.2)", num(se), num(n), num(*r.sd));
  return r;
}

SdFromStatistic sd_from_mean_ci(double lower, double upper, double n, double level, CiDistribution distribution) {
  SdFromStatistic r;
  r.source = SdSource::ci_of_mean;
  if (!finite_all({lower, upper, n, level})) return sd_fail(std::move(r), "a CI limit, n or the level is not finite");
  if (lower > upper)
    return sd_fail(std::move(r),
                   fmt::format("the lower CI limit ({}) is greater than the upper one ({})", num(lower), num(upper)));
  if (!(level > 0.0 && level < 1.0))
    return sd_fail(std::move(r), fmt::format("the confidence level must be between 0 and 1, got {}", num(level)));
  if (n < 2.0) return sd_fail(std::move(r), fmt::format("n must be at least 2, got {}", num(n)));
  const bool use_t = distribution == CiDistribution::t || (distribution == CiDistribution::automatic && n < 60.0);
  const double q = two_sided_quantile(r, level, use_t, n - 1.0);
  r.se = (upper - lower) / (2.0 * q);
  r.sd = *r.se * std::sqrt(n);
  r.method = fmt::format(
      "SD = sqrt(n) * (upper - lower) / (2 * {}) = {} (Cochrane Handbook 6.5.2.2{})", quantile_text(r, level),
      num(*r.sd),
      distribution == CiDistribution::automatic ? (use_t ? "; t because n < 60" : "; z because n >= 60") : "");
  return r;
}

SdFromStatistic sd_from_mean_difference_ci(double lower, double upper, double n1, double n2, double level,
                                           CiDistribution distribution) {
  SdFromStatistic r;
  r.source = SdSource::ci_of_mean_difference;
  if (!finite_all({lower, upper, n1, n2, level}))
    return sd_fail(std::move(r), "a CI limit, a group size or the level is not finite");
  if (lower > upper)
    return sd_fail(std::move(r),
                   fmt::format("the lower CI limit ({}) is greater than the upper one ({})", num(lower), num(upper)));
  if (!(level > 0.0 && level < 1.0))
    return sd_fail(std::move(r), fmt::format("the confidence level must be between 0 and 1, got {}", num(level)));
  if (n1 < 1.0 || n2 < 1.0 || n1 + n2 < 3.0)
    return sd_fail(
        std::move(r),
        fmt::format("the group sizes must be at least 1 and add up to at least 3, got {} and {}", num(n1), num(n2)));
  const bool use_t =
      distribution == CiDistribution::t || (distribution == CiDistribution::automatic && std::min(n1, n2) < 60.0);
  const double q = two_sided_quantile(r, level, use_t, n1 + n2 - 2.0);
  r.se = (upper - lower) / (2.0 * q);
  r.sd = *r.se / std::sqrt(1.0 / n1 + 1.0 / n2);
  r.method =
      fmt::format("SE(MD) = (upper - lower) / (2 * {}), SD = SE / sqrt(1/n1 + 1/n2) = {} (Cochrane Handbook 6.5.2.3{})",
                  quantile_text(r, level), num(*r.sd),
                  distribution == CiDistribution::automatic
                      ? (use_t ? "; t because a group has fewer than 60" : "; z because both groups have at least 60")
                      : "");
  return r;
}

SdFromStatistic sd_from_t_statistic(double mean_difference, double t, double n1, double n2) {
  SdFromStatistic r;
  r.source = SdSource::t_statistic;
  if (!finite_all({mean_difference, t, n1, n2}))
    return sd_fail(std::move(r), "the mean difference, t or a group size is not finite");
  if (t == 0.0) return sd_fail(std::move(r), "t = 0: the SE of the mean difference cannot be recovered from it");
  if (mean_difference == 0.0)
    return sd_fail(std::move(r), "the mean difference is 0: the SE cannot be recovered from it and t");
  if ((mean_difference > 0.0) != (t > 0.0))
    return sd_fail(std::move(r), fmt::format("the mean difference ({}) and t ({}) have opposite signs",
                                             num(mean_difference), num(t)));
  if (n1 < 1.0 || n2 < 1.0) return sd_fail(std::move(r), "the group sizes must be at least 1");
  r.quantile = t;
  r.se = std::fabs(mean_difference / t);
  r.sd = *r.se / std::sqrt(1.0 / n1 + 1.0 / n2);
  r.method = fmt::format("SE(MD) = |MD / t| = {}, SD = SE / sqrt(1/n1 + 1/n2) = {} (Cochrane Handbook 6.5.2.3)",
                         num(*r.se), num(*r.sd));
  return r;
}

SdFromStatistic sd_from_p_value(double mean_difference, double p, double n1, double n2, CiDistribution distribution) {
  SdFromStatistic r;
  r.source = SdSource::p_value;
  if (!finite_all({mean_difference, p, n1, n2}))
    return sd_fail(std::move(r), "the mean difference, p or a group size is not finite");
  if (!(p > 0.0 && p < 1.0))
    return sd_fail(std::move(r), fmt::format("the p-value must be strictly between 0 and 1, got {}", num(p)));
  if (mean_difference == 0.0)
    return sd_fail(std::move(r), "the mean difference is 0: the SE cannot be recovered from it and p");
  if (n1 < 1.0 || n2 < 1.0 || n1 + n2 < 3.0)
    return sd_fail(
        std::move(r),
        fmt::format("the group sizes must be at least 1 and add up to at least 3, got {} and {}", num(n1), num(n2)));
  const bool use_t = distribution != CiDistribution::normal;
  r.distribution = use_t ? CiDistribution::t : CiDistribution::normal;
  const double tv = use_t ? t_quantile(1.0 - p / 2.0, n1 + n2 - 2.0) : normal_quantile(1.0 - p / 2.0);
  r.quantile = tv;
  if (use_t) r.df = n1 + n2 - 2.0;
  r.se = std::fabs(mean_difference) / tv;
  r.sd = *r.se / std::sqrt(1.0 / n1 + 1.0 / n2);
  r.method = fmt::format(
      "{} = {} from two-sided p = {}, SE(MD) = |MD| / {} = {}, SD = SE / sqrt(1/n1 + 1/n2) = {} (Cochrane "
      "Handbook 6.5.2.3)",
      use_t ? fmt::format("t({:g} df)", n1 + n2 - 2.0) : std::string("z"), num(tv), fmt::format("{:g}", p),
      use_t ? "t" : "z", num(*r.se), num(*r.sd));
  return r;
}

// ---------------------------------------------------------------------------------------------
// SD imputation
// ---------------------------------------------------------------------------------------------

ImputedSd impute_sd_carry_over(double sd, const std::string& from) {
  ImputedSd r;
  r.source = SdImputationSource::other_time_point;
  if (!std::isfinite(sd) || sd <= 0.0) {
    r.reason = fmt::format("the SD at {} is not a positive number", from);
    return r;
  }
  r.sd = sd;
  r.note = fmt::format("SD imputed: carried over from {} ({})", from, num(sd));
  return r;
}

ImputedSd impute_sd_user_value(double sd) {
  ImputedSd r;
  r.source = SdImputationSource::user_value;
  if (!std::isfinite(sd) || sd <= 0.0) {
    r.reason = fmt::format("the user-given SD must be a positive number, got {}", num(sd));
    return r;
  }
  r.sd = sd;
  r.note = fmt::format("SD imputed: user-given value ({})", num(sd));
  return r;
}

ImputedSd impute_sd_from_donors(std::span<const SdDonor> donors, SdPoolMethod method) {
  ImputedSd r;
  r.source = SdImputationSource::other_studies;
  double num_sum = 0.0, den_sum = 0.0;
  std::set<std::size_t> studies;
  for (const SdDonor& d : donors) {
    if (!std::isfinite(d.sd) || d.sd <= 0.0) continue;
    if (method == SdPoolMethod::pooled) {
      if (!std::isfinite(d.n) || d.n < 2.0) continue;
      num_sum += (d.n - 1.0) * d.sd * d.sd;
      den_sum += d.n - 1.0;
    } else {
      num_sum += d.sd;
      den_sum += 1.0;
    }
    ++r.donor_arms;
    studies.insert(d.study);
  }
  r.donor_studies = studies.size();
  if (r.donor_arms == 0) {
    r.reason = method == SdPoolMethod::pooled ? "no other study reports an SD with a group size of at least 2 to pool"
                                              : "no other study reports an SD to average";
    return r;
  }
  r.sd = method == SdPoolMethod::pooled ? std::sqrt(num_sum / den_sum) : num_sum / den_sum;
  r.note = fmt::format("SD imputed: {} SD of {} other {} ({})", method == SdPoolMethod::pooled ? "pooled" : "mean",
                       r.donor_studies, r.donor_studies == 1 ? "study" : "studies", num(*r.sd));
  return r;
}

// ---------------------------------------------------------------------------------------------
// Drivers
// ---------------------------------------------------------------------------------------------

namespace {

SourceLocation at_column(const Arm& arm, int column) {
  SourceLocation loc = arm.source;
  if (column > 0) loc.column = column;
  return loc;
}

void append_reason(std::string& reason, const std::string& more) {
  if (more.empty()) return;
  if (!reason.empty()) reason += "; ";
  reason += more;
}

}  // namespace

ArmConversion complete_mean_sd(const Arm& arm, const ConversionOptions& options) {
  ArmConversion r;
  const std::string who = arm.treatment.empty() ? std::string("arm") : "arm '" + arm.treatment + "'";

  // Reported values are kept when they are usable.
  if (arm.mean) {
    if (std::isfinite(*arm.mean)) {
      r.mean = arm.mean;
    } else {
      auto& d = r.diagnostics.error("conversion-not-finite", at_column(arm, arm.columns.mean),
                                    who + ": the mean is not a finite number");
      d.field = "mean";
    }
  }
  if (arm.sd) {
    if (std::isfinite(*arm.sd) && *arm.sd >= 0.0) {
      r.sd = arm.sd;
    } else {
      auto& d = r.diagnostics.error("conversion-invalid-sd", at_column(arm, arm.columns.sd),
                                    fmt::format("{}: the SD must be a number >= 0, got {}", who, num(*arm.sd)));
      d.field = "sd";
    }
  }
  if (r.complete()) return r;
  // Only values not reported at all are converted: an invalid reported value stays an error.
  const bool need_mean = !arm.mean;
  const bool need_sd = !arm.sd;
  if (arm.mean && !r.mean) append_reason(r.reason, "the reported mean is invalid");
  if (arm.sd && !r.sd) append_reason(r.reason, "the reported SD is invalid");
  if (!need_mean && !need_sd) return r;

  const bool has_summaries = arm.median || arm.q1 || arm.q3 || arm.min || arm.max;
  const bool sd_from_se_possible = need_sd && arm.se.has_value();
  if (!has_summaries && !sd_from_se_possible) {
    if (need_mean) append_reason(r.reason, "no mean, and no median to estimate it from");
    if (need_sd) append_reason(r.reason, "no SD, and no SE, quartiles or range to derive it from");
    return r;
  }

  // Sample size.
  if (!arm.n || !std::isfinite(*arm.n) || *arm.n < 2.0) {
    const std::string msg = !arm.n ? "the group size n is missing"
                                   : fmt::format("the group size n must be at least 2, got {}", num(*arm.n));
    auto& d = r.diagnostics.warning("conversion-n", at_column(arm, arm.columns.n),
                                    fmt::format("{}: cannot convert to mean and SD: {}", who, msg),
                                    "the conversions from SE, quartiles and range need the group size");
    d.field = "n";
    append_reason(r.reason, "cannot convert: " + msg);
    return r;
  }
  const double n = *arm.n;

  // SD from the SE of the mean (an identity, preferred to any estimate).
  if (need_sd && arm.se) {
    const SdFromStatistic s = sd_from_se(*arm.se, n);
    if (s.ok()) {
      r.sd = s.sd;
      r.sd_converted = true;
      r.notes.push_back("SD from SE: " + s.method);
    } else {
      auto& d = r.diagnostics.error("conversion-invalid-se", at_column(arm, arm.columns.se),
                                    fmt::format("{}: SD not derived from the SE: {}", who, s.reason));
      d.field = "se";
    }
  }

  // Mean and/or SD from median, quartiles and range.
  if (((need_mean && !r.mean) || (need_sd && !r.sd)) && has_summaries) {
    const FiveNumberSummary summary{arm.min, arm.q1, arm.median, arm.q3, arm.max, arm.n};
    const MeanSdEstimate e = estimate_mean_sd(summary, options.five_number);
    if (e.ok()) {
      const std::string inputs = fmt::format("{} (n = {})", inputs_text(e.scenario, arm.median.has_value()), num(n));
      if (need_mean && e.mean) {
        r.mean = e.mean;
        r.mean_converted = true;
        r.notes.push_back(fmt::format("mean {} estimated from {}: {}", num(*e.mean), inputs, e.mean_method_text));
      }
      if (need_sd && !r.sd && e.sd) {
        r.sd = e.sd;
        r.sd_converted = true;
        r.notes.push_back(fmt::format("SD {} estimated from {}: {}", num(*e.sd), inputs, e.sd_method_text));
      }
      for (const std::string& w : e.warnings) {
        if (w.rfind("no median given", 0) == 0 && r.mean) continue;  // the mean was reported: nothing missing
        r.notes.push_back(w);
        r.diagnostics.warning("conversion-warning", arm.source, fmt::format("{}: {}", who, w));
      }
    } else {
      const int column = e.reason_code == "n-too-small" || e.reason_code == "n-missing" ? arm.columns.n
                         : arm.columns.median > 0                                       ? arm.columns.median
                         : arm.columns.q1 > 0                                           ? arm.columns.q1
                                                                                        : arm.columns.min;
      const std::string msg =
          fmt::format("{}: mean and SD not estimated from median/quartiles/range: {}", who, e.reason);
      if (e.invalid_input) {
        r.diagnostics.error("conversion-" + e.reason_code, at_column(arm, column), msg);
      } else {
        r.diagnostics.warning("conversion-" + e.reason_code, at_column(arm, column), msg,
                              e.reason_code == "skewed" ? "set the skewness policy to 'warn' to convert anyway" : "");
      }
      append_reason(r.reason, e.reason);
    }
  }

  if (need_mean && !r.mean && !arm.median) append_reason(r.reason, "no mean, and no median to estimate it from");
  if (need_sd && !r.sd && r.reason.empty()) append_reason(r.reason, "no SD could be derived");
  if (r.complete()) r.reason.clear();
  return r;
}

namespace {

const Outcome* find_outcome(const Dataset& data, const std::string& name, const std::optional<std::string>& time_point,
                            const Outcome* not_this) {
  for (const Outcome& o : data.outcomes) {
    if (&o == not_this || o.name != name) continue;
    if (time_point && o.time_point != time_point) continue;
    return &o;
  }
  return nullptr;
}

std::string study_label(const Dataset& data, std::size_t study) {
  return study < data.studies.size() ? data.studies[study].label : fmt::format("study #{}", study + 1);
}

}  // namespace

ImputationResult impute_missing_sds(const Dataset& data, const Outcome& outcome, const ImputationOptions& options) {
  ImputationResult result;

  // Completed mean/SD of every arm, and the donors.
  std::vector<std::vector<ArmConversion>> conv(outcome.data.size());
  std::vector<SdDonor> donors;
  for (std::size_t i = 0; i < outcome.data.size(); ++i) {
    const StudyData& sd = outcome.data[i];
    for (const Arm& arm : sd.arms) {
      conv[i].push_back(complete_mean_sd(arm, options.conversion));
      const ArmConversion& c = conv[i].back();
      const bool reported = arm.sd && c.sd && !c.sd_converted;
      if (c.sd && (reported || options.donors_include_converted))
        donors.push_back({*c.sd, arm.n.value_or(0.0), sd.study});
    }
  }

  const Outcome* carry_from = nullptr;
  std::string carry_name;
  if (options.carry_over_outcome) {
    carry_from = find_outcome(data, *options.carry_over_outcome, options.carry_over_time_point, &outcome);
    carry_name = *options.carry_over_outcome;
    if (options.carry_over_time_point) carry_name += " (" + *options.carry_over_time_point + ")";
    if (!carry_from) {
      result.diagnostics.warning("sd-carry-over-outcome", {data.source_file, 0, 0},
                                 fmt::format("outcome '{}' to carry SDs over from was not found", carry_name));
    }
  }

  for (std::size_t i = 0; i < outcome.data.size(); ++i) {
    const StudyData& sdata = outcome.data[i];
    const std::string study = study_label(data, sdata.study);
    for (std::size_t a = 0; a < sdata.arms.size(); ++a) {
      const Arm& arm = sdata.arms[a];
      const ArmConversion& c = conv[i][a];
      if (c.sd || arm.sd) continue;  // has an SD, or an invalid one that validation reports
      auto leave = [&](const std::string& reason) {
        result.not_imputed.push_back({outcome.name, study, arm.treatment, reason, arm.source});
        auto& d = result.diagnostics.warning(
            "sd-missing", arm.source, fmt::format("arm '{}': no SD, and none imputed: {}", arm.treatment, reason));
        d.study = study;
        d.field = "sd";
      };
      if (!c.mean) {
        leave("the arm has no mean either (" + c.reason + ")");
        continue;
      }

      ImputedSd imp;
      // (a) the same arm at baseline or at another time point.
      if (arm.sd_baseline) imp = impute_sd_carry_over(*arm.sd_baseline, "baseline");
      if (!imp.ok() && carry_from) {
        for (const StudyData& other : carry_from->data) {
          if (other.study != sdata.study) continue;
          for (const Arm& oarm : other.arms) {
            if (oarm.treatment != arm.treatment) continue;
            const ArmConversion oc = complete_mean_sd(oarm, options.conversion);
            if (oc.sd) imp = impute_sd_carry_over(*oc.sd, carry_name + (oc.sd_converted ? ", converted" : ""));
          }
        }
      }
      // (b) a user-given value.
      if (!imp.ok() && options.user_sd) imp = impute_sd_user_value(*options.user_sd);
      // (c) the other studies.
      if (!imp.ok() && !options.user_sd) {
        std::vector<SdDonor> others;
        for (const SdDonor& d : donors)
          if (d.study != sdata.study) others.push_back(d);
        imp = impute_sd_from_donors(others, options.pool);
      }

      if (!imp.ok()) {
        leave(imp.reason.empty() ? "no SD to impute from" : imp.reason);
        continue;
      }
      result.imputed.push_back({i, a, study, arm.treatment, *imp.sd, imp.source, imp.note, arm.source});
      auto& d = result.diagnostics.note("sd-imputed", at_column(arm, arm.columns.sd),
                                        fmt::format("arm '{}': {}", arm.treatment, imp.note));
      d.study = study;
      d.field = "sd";
    }
  }
  return result;
}

void apply_imputations(Outcome& outcome, const ImputationResult& result) {
  for (const ArmImputation& imp : result.imputed) {
    if (imp.data_index >= outcome.data.size()) continue;
    auto& arms = outcome.data[imp.data_index].arms;
    if (imp.arm_index >= arms.size()) continue;
    arms[imp.arm_index].sd = imp.sd;
  }
}

}  // namespace evident
