// evident: the trial data model.
//
// A Dataset holds the studies (study-level information: label, year, risk of bias,
// indirectness, covariates) and one or more outcomes. Each outcome holds, per study, either
// arm-level data (one Arm per treatment group; multi-arm studies are first-class) or
// contrast-level data (one ContrastRecord per reported comparison).
//
// Values are stored as given by the user (nothing converted here); the effects layer turns
// them into effect sizes. Every arm and contrast remembers where it came from so later
// stages can name the file, line and column of a problem.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "evident/core/diagnostic.hpp"

namespace evident {

enum class OutcomeType {
  binary,         ///< events / n per arm
  continuous,     ///< mean, SD, n per arm (or summaries convertible to them)
  contrast,       ///< generic contrast: estimate and SE (or CI / p) per comparison
  time_to_event,  ///< contrast on the log hazard ratio scale
  rate,           ///< events / person-time per arm
};

/// Is a small value of the outcome good for patients (e.g. pain, mortality)?
enum class Direction { unspecified, small_values_desirable, large_values_desirable };

/// RoB 2 judgement (low / some concerns / high); also used for indirectness (low / some / high).
enum class Judgement { low, some_concerns, high };

/// RoB 2: five domains (D1 randomisation, D2 deviations from intended interventions,
/// D3 missing outcome data, D4 measurement of the outcome, D5 selection of the reported
/// result) and the overall judgement.
struct RiskOfBias {
  std::array<std::optional<Judgement>, 5> domains{};
  std::optional<Judgement> overall;
  [[nodiscard]] bool empty() const {
    if (overall) return false;
    for (const auto& d : domains)
      if (d) return false;
    return true;
  }
};

/// A free study-level covariate: its text as given and, when it parses as a number, the number.
struct CovariateValue {
  std::string text;
  std::optional<double> number;
};

struct Study {
  std::string label;
  std::optional<int> year;
  RiskOfBias rob;
  std::optional<Judgement> indirectness;
  std::map<std::string, CovariateValue> covariates;
  SourceLocation source;  ///< first row / element that defined the study
};

/// Columns (1-based, 0 = unknown) of an arm's fields in a tabular source, so that later
/// checks can point at the exact cell.
struct ArmColumns {
  int treatment = 0, n = 0, events = 0, mean = 0, sd = 0, time = 0;
  int median = 0, q1 = 0, q3 = 0, min = 0, max = 0, se = 0, sd_baseline = 0;
};

/// One treatment group of a study for one outcome. Only the fields the source gave are set.
struct Arm {
  std::string treatment;
  std::optional<double> n;       ///< participants analysed
  std::optional<double> events;  ///< binary / rate outcomes
  std::optional<double> mean;    ///< continuous outcomes
  std::optional<double> sd;
  std::optional<double> time;    ///< person-time at risk (rate outcomes)
  // Summaries some reports give instead of mean and SD (converted by effects/conversions).
  std::optional<double> median, q1, q3, min, max;
  std::optional<double> se;      ///< standard error of the arm mean
  std::optional<double> sd_baseline;  ///< SD at baseline (used to impute a missing follow-up SD)
  SourceLocation source;         ///< the row (line) the arm came from; column = first cell
  ArmColumns columns;
};

/// A comparison reported as an effect estimate (treat1 versus treat2). For ratio measures the
/// estimate may be on the natural scale (e.g. HR 0.8, 95% CI 0.6 to 1.1) or on the log scale;
/// `log_scale` says which.
struct ContrastRecord {
  std::string treat1, treat2;
  std::optional<double> estimate;
  std::optional<double> se;
  std::optional<double> variance;
  std::optional<double> ci_lower, ci_upper;
  double ci_level = 0.95;
  std::optional<double> p_value;
  bool log_scale = true;
  // Arm summaries that sometimes travel with a contrast (e.g. netmeta's Linde2016 resp1/n1).
  std::optional<double> n1, n2, events1, events2;
  SourceLocation source;
};

/// One study's data for one outcome: arms or contrasts (never both).
struct StudyData {
  std::size_t study = 0;  ///< index into Dataset::studies
  std::vector<Arm> arms;
  std::vector<ContrastRecord> contrasts;
};

struct Outcome {
  std::string name;
  OutcomeType type = OutcomeType::continuous;
  Direction direction = Direction::unspecified;
  std::optional<std::string> time_point;  ///< e.g. "short term", "6 months"
  std::optional<double> mid;              ///< minimally important difference, on the analysis scale
  std::optional<std::string> measure;     ///< effect measure named by the source (e.g. RevMan "OR")
  std::vector<StudyData> data;
};

/// Something the reader or a later stage left out, with the reason. Nothing is dropped silently.
struct Exclusion {
  std::string outcome;
  std::string study;
  std::string treatment;  ///< empty when the whole study is excluded
  std::string reason;
  SourceLocation source;
};

struct Dataset {
  std::string source_file;
  std::string format;  ///< detected input format, e.g. "csv-long-arm", "revman5"
  std::vector<Study> studies;
  std::vector<Outcome> outcomes;
  std::vector<Exclusion> excluded;

  /// Index of the study with this label, or npos.
  [[nodiscard]] std::size_t find_study(const std::string& label) const;
  /// Pointer to the outcome with this name (and time point, when given), or nullptr.
  [[nodiscard]] const Outcome* find_outcome(const std::string& name) const;
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
};

const char* to_string(OutcomeType t);
const char* to_string(Direction d);
const char* to_string(Judgement j);
std::optional<OutcomeType> parse_outcome_type(const std::string& s);
/// Accepts low/some concerns/high and the usual spellings (L/M/H, 1/2/3 as CINeMA codes them,
/// "some", "unclear", "moderate", "no concerns", "major concerns"), case-insensitive.
std::optional<Judgement> parse_judgement(const std::string& s);

}  // namespace evident
