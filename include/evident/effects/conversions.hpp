// evident: conversions of reported summary statistics to the mean and SD a meta-analysis needs.
//
// Trials often report a median with an interquartile range (IQR) and/or range, a standard error,
// a confidence interval, or a t statistic / p-value instead of a mean and SD. The functions here
// turn those into means and SDs, and impute SDs for arms that report none. All are pure: no I/O,
// no globals, no exceptions on user input; every result says which method (enum + text + paper)
// produced it, and a result that cannot be computed carries a reason instead of a NaN.
//
// Median / quartiles / range to mean and SD (the "five-number summary", Wan et al. 2014 scenarios):
//   S1 = {min, median, max, n}          metafor conv.fivenum "case 1"
//   S2 = {min, q1, median, q3, max, n}  metafor conv.fivenum "case 3"
//   S3 = {q1, median, q3, n}            metafor conv.fivenum "case 2"
//   xi(n)  = 2 Phi^-1((n - 0.375) / (n + 0.25))          Wan 2014 eq. (9) denominator
//   eta(n) = 2 Phi^-1((0.75 n - 0.125) / (n + 0.25))     Wan 2014 eq. (16) denominator
//   Mean, Luo et al. 2018 (Stat Methods Med Res 27:1785, doi:10.1177/0962280216669183):
//     S1 eq. (7):  w = 4 / (4 + n^0.75);            mean = w (min + max)/2 + (1 - w) median
//     S3 eq. (11): w = 0.7 + 0.39 / n;              mean = w (q1 + q3)/2 + (1 - w) median
//     S2 eq. (15): w1 = 2.2 / (2.2 + n^0.75), w2 = 0.7 - 0.72 / n^0.55;
//                  mean = w1 (min + max)/2 + w2 (q1 + q3)/2 + (1 - w1 - w2) median
//   Mean, Wan et al. 2014 (BMC Med Res Methodol 14:135, doi:10.1186/1471-2288-14-135):
//     S1: (min + 2 median + max) / 4 (eq. (2) without its (min - 2 median + max)/(4n) term, as metafor);
//     S2 eq. (10): (min + 2 q1 + 2 median + 2 q3 + max) / 8;   S3 eq. (14): (q1 + median + q3) / 3
//   SD, Wan 2014: S1 eq. (9): (max - min) / xi(n);  S3 eq. (16): (q3 - q1) / eta(n);
//     S2 eq. (13): ((max - min) / xi(n) + (q3 - q1) / eta(n)) / 2
//   SD, Shi et al. 2020 (Res Synth Methods 11:641, doi:10.1002/jrsm.1429) eq. (10), S2 only:
//     w = 1 / (1 + 0.07 n^0.6);  sd = w (max - min) / xi(n) + (1 - w) (q3 - q1) / eta(n)
//   Hozo et al. 2005 (BMC Med Res Methodol 5:13, doi:10.1186/1471-2288-5-13), S1 only, the
//     paper's recommendations by sample size: mean = (min + 2 median + max)/4 for n <= 25, else the
//     median; sd = sqrt(((min - 2 median + max)^2 / 4 + (max - min)^2) / 12) for n <= 15,
//     (max - min)/4 for 15 < n <= 70, (max - min)/6 for n > 70. The paper's estimates that use n
//     are hozo2005_mean_with_n() and hozo2005_variance_with_n().
//   Skewness test, Shi et al. 2023 (Stat Methods Med Res, doi:10.1177/09622802231172043),
//     with the constants metafor uses: S1 T = |min + max - 2 median| / (max - min), critical value
//     1/ln(n + 9) + 2.5/(n + 1); S3 T = |q1 + q3 - 2 median| / (q3 - q1), critical 2.65/sqrt(n) - 6/n^2;
//     S2 T = max(2.65 ln(0.6 n)/sqrt(n) * T_S1, T_S3), critical 3/sqrt(n) - 40/n^3. Significant when
//     T >= critical value.
//   The recommended choice is metafor's conv.fivenum(method = "luo/wan/shi") default: Luo for the
//   mean in all scenarios, Wan for the SD in S1 and S3, Shi for the SD in S2; n >= 5; arms whose
//   skewness test is significant are not converted (metafor's test = TRUE).
//   Checked: metafor 3.8-1 (the version installed here) has no conv.fivenum (it arrived in metafor
//   4.0-0), so the reference values in tests/reference/conversions_conv_fivenum.json are these
//   formulas evaluated in R 4.2.2 with stats::qnorm, following metafor >= 4.0's conv.fivenum choices;
//   evident matches them to 1e-12 relative (tests/unit/effects/conversions_test.cpp).
//
// SD from other statistics (Cochrane Handbook for Systematic Reviews of Interventions, version 6,
// sections 6.5.2.2 and 6.5.2.3):
//   SE of a mean:  sd = se * sqrt(n)
//   CI of a mean:  sd = sqrt(n) (upper - lower) / (2 q), q = t quantile with n - 1 df when n < 60,
//                  else the normal quantile (1.96 for 95%); t or normal can be forced.
//   CI of a mean difference: se = (upper - lower) / (2 q), q from t with n1 + n2 - 2 df when either
//                  group has fewer than 60 participants, else normal; sd = se / sqrt(1/n1 + 1/n2).
//   t statistic of a two-sample comparison: se = |MD / t|; sd = se / sqrt(1/n1 + 1/n2).
//   two-sided p-value of a two-sample t test: t = t quantile (1 - p/2, n1 + n2 - 2 df), then as above.
//   The sd of the last three is the within-group SD, assumed equal in both groups.
//   Quantiles from Boost.Math; checked against R 4.2.2 qt()/qnorm() (conversions_sd_from_statistics.json)
//   to 1e-12 relative.
//
// SD imputation (the approach of e.g. Goudman et al. 2025, Commun Med): for arms
// that report no SD and no statistic it can be derived from, in this order: (a) the SD of the same
// arm at baseline / another time point, carried over; (b) a user-given value, when set; (c) the SD
// of the other studies of the outcome, either pooled, sqrt(sum((n_i - 1) sd_i^2) / sum(n_i - 1))
// (the default: it is the estimate of a common within-group SD, and weights each SD by its degrees
// of freedom so a 10-patient trial does not count as much as a 500-patient one), or the plain mean.
// Each imputation carries a note for output, e.g. "SD imputed: pooled SD of 7 other studies (1.23)".
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "evident/core/diagnostic.hpp"
#include "evident/data/dataset.hpp"

namespace evident {

// ---------------------------------------------------------------------------------------------
// Median, quartiles and range to mean and SD
// ---------------------------------------------------------------------------------------------

/// Which summaries are available (Wan et al. 2014 scenario names).
enum class FiveNumberScenario {
  none,  ///< neither {min, max} nor {q1, q3} available
  S1,    ///< min, median, max (median needed only for the mean)
  S2,    ///< min, q1, median, q3, max
  S3,    ///< q1, median, q3
};

enum class MeanMethod {
  luo2018,   ///< Luo et al. 2018 optimal weights (S1, S2, S3); metafor's default
  wan2014,   ///< Wan et al. 2014 (S1, S2, S3)
  hozo2005,  ///< Hozo et al. 2005 recommendation by n (S1 only)
};

enum class SdMethod {
  wan2014,   ///< Wan et al. 2014 (S1, S2, S3); metafor's default for S1 and S3
  shi2020,   ///< Shi et al. 2020 (S2 only); metafor's default for S2
  hozo2005,  ///< Hozo et al. 2005 recommendation by n (S1 only)
};

/// What to do when the Shi et al. 2023 skewness test is significant.
enum class SkewnessPolicy {
  exclude,  ///< do not convert; the result carries a reason (metafor's test = TRUE, the default)
  warn,     ///< convert, with a warning
  ignore,   ///< convert; the test is still reported in the result
};

const char* to_string(FiveNumberScenario s);
const char* to_string(MeanMethod m);
const char* to_string(SdMethod m);
const char* to_string(SkewnessPolicy p);
/// "Luo et al. 2018, eq. (11)" and the like, for the given scenario.
std::string method_citation(MeanMethod m, FiveNumberScenario s);
std::string method_citation(SdMethod m, FiveNumberScenario s);

/// The reported summaries of one group. Only the fields given are set.
struct FiveNumberSummary {
  std::optional<double> min, q1, median, q3, max;
  std::optional<double> n;
};

struct FiveNumberOptions {
  std::optional<MeanMethod> mean_method;  ///< empty = recommended (Luo 2018)
  std::optional<SdMethod> sd_method;      ///< empty = recommended (Wan 2014 for S1/S3, Shi 2020 for S2)
  SkewnessPolicy skewness = SkewnessPolicy::exclude;
  double min_n = 5.0;  ///< smallest sample size converted (metafor: 5)
};

/// Shi et al. 2023 test for skewness from the reported summaries.
struct SkewnessTest {
  bool computed = false;  ///< false when the summaries do not allow it (e.g. no median)
  double statistic = 0.0;
  double critical = 0.0;
  bool significant = false;
  std::string note;  ///< why it was not computed, when it was not
};

struct MeanSdEstimate {
  FiveNumberScenario scenario = FiveNumberScenario::none;
  std::optional<double> mean;  ///< empty when not estimable (e.g. no median)
  std::optional<double> sd;
  std::optional<MeanMethod> mean_method;
  std::optional<SdMethod> sd_method;
  std::string mean_method_text;  ///< e.g. "Luo et al. 2018, eq. (11), doi:10.1177/0962280216669183"
  std::string sd_method_text;
  SkewnessTest skewness;
  std::vector<std::string> warnings;
  std::string reason;          ///< why nothing could be estimated (empty when mean or sd is set)
  std::string reason_code;     ///< stable code for `reason`, e.g. "quantiles-out-of-order", "skewed", "n-too-small"
  bool invalid_input = false;  ///< the reason is an inconsistency in the data (not merely too little of it)
  [[nodiscard]] bool ok() const { return mean.has_value() || sd.has_value(); }
};

/// Wan 2014 xi(n) = 2 Phi^-1((n - 0.375)/(n + 0.25)); NaN for n <= 0.375 (the callers below
/// require n >= 2 first).
double wan_xi(double n);
/// Wan 2014 eta(n) = 2 Phi^-1((0.75 n - 0.125)/(n + 0.25)); NaN for n <= 1/6.
double wan_eta(double n);

/// Which scenario the available summaries form (S2 when all four of min, q1, q3, max are given).
FiveNumberScenario five_number_scenario(const FiveNumberSummary& s);

/// Shi et al. 2023 skewness test for the scenario the summaries form.
SkewnessTest skewness_test(const FiveNumberSummary& s);

/// Mean and SD from a median with quartiles and/or range. Invalid or insufficient input
/// (n missing or < options.min_n, min > q1 > median > q3 > max out of order, zero range or IQR,
/// non-finite values, a method not defined for the scenario) gives a reason, never a NaN.
MeanSdEstimate estimate_mean_sd(const FiveNumberSummary& s, const FiveNumberOptions& options = {});

/// Hozo et al. 2005 mean estimate that uses n: (min + 2 median + max)/4 + (min - 2 median + max)/(4 n)
/// (also Wan 2014 eq. (2)). Empty when n <= 0 or an input is not finite.
std::optional<double> hozo2005_mean_with_n(double min, double median, double max, double n);
/// Hozo et al. 2005 variance estimate that uses n:
/// (min^2 + median^2 + max^2 + (n - 3)/2 * ((min + median)^2 + (median + max)^2)/4 - n mean^2) / (n - 1),
/// mean = hozo2005_mean_with_n(). Empty when n <= 1 or an input is not finite.
std::optional<double> hozo2005_variance_with_n(double min, double median, double max, double n);

// ---------------------------------------------------------------------------------------------
// SD from a standard error, a confidence interval, a t statistic or a p-value
// ---------------------------------------------------------------------------------------------

/// The distribution a confidence interval or p-value was computed with.
enum class CiDistribution {
  automatic,  ///< Cochrane Handbook rule: t when a group has fewer than 60 participants, else normal
  t,          ///< Student t (n - 1 df for one group, n1 + n2 - 2 df for two)
  normal,     ///< standard normal
};
const char* to_string(CiDistribution d);

enum class SdSource { standard_error, ci_of_mean, ci_of_mean_difference, t_statistic, p_value };
const char* to_string(SdSource s);

struct SdFromStatistic {
  std::optional<double> sd;
  std::optional<double> se;        ///< SE of the mean (one group) or of the mean difference (two)
  std::optional<double> quantile;  ///< the t or normal quantile used (the t statistic for p-values)
  std::optional<double> df;        ///< degrees of freedom of the t distribution, when used
  SdSource source = SdSource::standard_error;
  CiDistribution distribution = CiDistribution::automatic;  ///< what was used: t or normal
  std::string method;  ///< formula, quantile and result, e.g. "... / (2 * t(0.975, 24 df) = 2.064) = 4.724 ..."
  std::string reason;  ///< why sd is empty
  [[nodiscard]] bool ok() const { return sd.has_value(); }
};

/// sd = se * sqrt(n). Needs se >= 0 and n >= 2.
SdFromStatistic sd_from_se(double se, double n);
/// SD of one group from the confidence interval of its mean. level in (0, 1), e.g. 0.95.
SdFromStatistic sd_from_mean_ci(double lower, double upper, double n, double level = 0.95,
                                CiDistribution distribution = CiDistribution::automatic);
/// Within-group SD from the confidence interval of a mean difference of two groups of n1 and n2.
SdFromStatistic sd_from_mean_difference_ci(double lower, double upper, double n1, double n2, double level = 0.95,
                                           CiDistribution distribution = CiDistribution::automatic);
/// Within-group SD from a mean difference and its two-sample t statistic.
SdFromStatistic sd_from_t_statistic(double mean_difference, double t, double n1, double n2);
/// Within-group SD from a mean difference and the two-sided p-value of its two-sample test.
/// `automatic` means t with n1 + n2 - 2 df (the Handbook: p-values come from t tests).
SdFromStatistic sd_from_p_value(double mean_difference, double p, double n1, double n2,
                                CiDistribution distribution = CiDistribution::automatic);

// ---------------------------------------------------------------------------------------------
// SD imputation
// ---------------------------------------------------------------------------------------------

enum class SdPoolMethod {
  pooled,  ///< sqrt(sum((n_i - 1) sd_i^2) / sum(n_i - 1)) (default)
  mean,    ///< plain mean of the SDs
};
const char* to_string(SdPoolMethod m);

enum class SdImputationSource {
  other_time_point,  ///< the same arm's SD at baseline or another time point
  user_value,        ///< a value given by the user
  other_studies,     ///< pooled or mean SD of the other studies of the outcome
};
const char* to_string(SdImputationSource s);

struct ImputedSd {
  std::optional<double> sd;
  SdImputationSource source = SdImputationSource::other_studies;
  std::size_t donor_studies = 0;  ///< other_studies: how many studies gave an SD
  std::size_t donor_arms = 0;
  std::string note;    ///< e.g. "SD imputed: pooled SD of 7 other studies (1.23)"
  std::string reason;  ///< why sd is empty
  [[nodiscard]] bool ok() const { return sd.has_value(); }
};

/// An SD that can be used for imputation: its value, the group size and the study it belongs to.
struct SdDonor {
  double sd = 0.0;
  double n = 0.0;
  std::size_t study = 0;  ///< any study identifier (distinct studies are counted for the note)
};

/// (a) carry over the SD of the same arm from another time point; `from` names it ("baseline").
ImputedSd impute_sd_carry_over(double sd, const std::string& from);
/// (b) a user-given SD.
ImputedSd impute_sd_user_value(double sd);
/// (c) the pooled or mean SD of donors (the other studies). Donors whose SD is not a positive
/// number, or (pooled) whose n is below 2, are skipped; no usable donor gives a reason.
ImputedSd impute_sd_from_donors(std::span<const SdDonor> donors, SdPoolMethod method = SdPoolMethod::pooled);

// ---------------------------------------------------------------------------------------------
// Drivers on the data model
// ---------------------------------------------------------------------------------------------

struct ConversionOptions {
  FiveNumberOptions five_number;
};

/// The mean and SD of one arm, completed from what it reports.
struct ArmConversion {
  std::optional<double> mean, sd;
  bool mean_converted = false;     ///< mean estimated from median/quartiles/range
  bool sd_converted = false;       ///< SD derived from SE or estimated from quartiles/range
  std::vector<std::string> notes;  ///< one per conversion: method and inputs used
  std::string reason;              ///< why mean and/or SD are still missing (empty when both are set)
  Diagnostics diagnostics;         ///< invalid inputs (errors) and skipped conversions (warnings)
  [[nodiscard]] bool complete() const { return mean.has_value() && sd.has_value(); }
};

/// Fill the mean and SD of `arm` when it reports other statistics instead: SD from the SE
/// (sd = se sqrt(n)) first, then mean and/or SD from median/quartiles/range (estimate_mean_sd).
/// Reported values are never replaced; an invalid one (negative SD, non-finite mean) is an error
/// diagnostic and is not replaced by a derived value either. Needs n >= 2 (n >=
/// options.five_number.min_n for the median-based conversions).
ArmConversion complete_mean_sd(const Arm& arm, const ConversionOptions& options = {});

struct ImputationOptions {
  SdPoolMethod pool = SdPoolMethod::pooled;
  /// Use this SD for every arm without one (after carry-over), instead of the other studies' SD.
  std::optional<double> user_sd;
  /// Carry over the SD of the same study and treatment from this outcome (e.g. the baseline or an
  /// earlier time point), matched by name and, when given, time point. Arm::sd_baseline, when
  /// set, is carried over first.
  std::optional<std::string> carry_over_outcome;
  std::optional<std::string> carry_over_time_point;
  /// Let SDs estimated by complete_mean_sd (from SE, quartiles, range) act as donors; by default
  /// only reported SDs do.
  bool donors_include_converted = false;
  ConversionOptions conversion;
};

struct ArmImputation {
  std::size_t data_index = 0;  ///< index into Outcome::data
  std::size_t arm_index = 0;   ///< index into StudyData::arms
  std::string study, treatment;
  double sd = 0.0;
  SdImputationSource source = SdImputationSource::other_studies;
  std::string note;
  SourceLocation location;
};

struct ImputationResult {
  std::vector<ArmImputation> imputed;
  std::vector<Exclusion> not_imputed;  ///< arms that still have no SD, with the reason
  Diagnostics diagnostics;             ///< one note per imputation, one warning per arm left without SD
};

/// SDs for the arms of `outcome` that report none and from which complete_mean_sd cannot derive
/// one. Arms without a mean (even after conversion) are not imputed; an arm with an invalid
/// reported SD (e.g. negative) is left alone for validation to report. Donors exclude the arm's own
/// study. The conversions' own diagnostics are those of complete_mean_sd (not repeated here).
/// Does not modify the data: apply the result with apply_imputations().
ImputationResult impute_missing_sds(const Dataset& data, const Outcome& outcome, const ImputationOptions& options = {});

/// Set Arm::sd of the imputed arms of `outcome` (which must be the outcome the result was computed for).
void apply_imputations(Outcome& outcome, const ImputationResult& result);

}  // namespace evident
