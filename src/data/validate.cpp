// evident: checks shared by every reader (see evident/data/validate.hpp).
//
// Invalid values (negative SD, events > n, n <= 0, SE <= 0, ...) are errors; missing values an
// analysis needs are warnings; both take the arm or comparison out of the outcome (into
// Dataset::excluded, with the reason). Non-integer counts are warnings and the value is kept.
// A study left with fewer than two arms is excluded with a warning, except in single-group
// outcomes (every study has one arm, e.g. metafor's dat.pritz1997), where each study is kept and
// reported once.
#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "evident/data/csv.hpp"
#include "evident/data/validate.hpp"

namespace evident {

namespace {

std::string quote(const std::string& s) {
  return "'" + s + "'";
}
std::string num(double v) {
  std::string out(1, '"');
  out += csv::format_number(v);
  out += '"';
  return out;
}

class Validator {
 public:
  Validator(Dataset& data, Diagnostics& diags, const csv::TabularContext* ctx)
      : data_(data), diags_(diags), ctx_(ctx) {}
  void run();

 private:
  [[nodiscard]] std::string column_name(int col) const {
    if (!ctx_ || col <= 0 || static_cast<std::size_t>(col) > ctx_->header.size()) return {};
    return ctx_->header[static_cast<std::size_t>(col - 1)];
  }
  /// "column 'total'" when the column is known, else the field name ("n").
  [[nodiscard]] std::string what(const char* field, int col) const {
    const std::string name = column_name(col);
    return name.empty() ? std::string(field) : "column " + quote(name);
  }
  static SourceLocation at(const SourceLocation& src, int col) {
    SourceLocation l = src;
    if (col > 0) l.column = col;
    return l;
  }
  Diagnostic& report(Severity sev, const char* code, SourceLocation loc, const std::string& study, const char* field,
                     int col, std::string message, std::string hint) {
    Diagnostic d;
    d.code = code;
    d.severity = sev;
    d.location = std::move(loc);
    d.study = study;
    const std::string name = column_name(col);
    d.field = name.empty() ? std::string(field) : name;
    d.message = std::move(message);
    d.hint = std::move(hint);
    return diags_.add(std::move(d));
  }

  bool check_arm(const Arm& arm, const Outcome& outcome, const std::string& study, std::string& reason);
  bool check_contrast(const ContrastRecord& c, const csv::ContrastColumns& cols, const Outcome& outcome,
                      const std::string& study, std::string& reason);
  void check_outcome(std::size_t index);

  Dataset& data_;
  Diagnostics& diags_;
  const csv::TabularContext* ctx_;
  std::unordered_set<std::string> arms_excluded_before_;  // outcome + '\x1f' + study
};

bool Validator::check_arm(const Arm& arm, const Outcome& outcome, const std::string& study, std::string& reason) {
  const ArmColumns& cols = arm.columns;
  std::string of_arm_text;
  auto of_arm = [&]() -> const std::string& {
    if (of_arm_text.empty()) of_arm_text = "arm " + quote(arm.treatment) + " of study " + quote(study);
    return of_arm_text;
  };
  bool usable = true;
  auto fail = [&](const std::string& why) {
    if (usable) reason = why;
    usable = false;
  };
  auto invalid = [&](const char* code, const char* field, int col, const std::string& message, const std::string& hint,
                     const std::string& why) {
    report(Severity::error, code, at(arm.source, col), study, field, col, message, hint);
    fail(why);
  };
  auto missing = [&](const char* field, int col, const char* needs) {
    const std::string name = column_name(col);
    const std::string message =
        name.empty() ? of_arm() + " has no " + field + "; the arm is excluded"
                     : "missing value in column " + quote(name) + " for " + of_arm() + "; the arm is excluded";
    report(Severity::warning, "missing-value", at(arm.source, col), study, field, col, message,
           std::string("a ") + to_string(outcome.type) + " outcome needs " + needs + " for every arm");
    fail(std::string("missing ") + field);
  };
  auto whole = [&](const std::optional<double>& v, const char* field, int col) {
    if (v && std::isfinite(*v) && *v != std::floor(*v))
      report(Severity::warning, "non-integer-count", at(arm.source, col), study, field, col,
             what(field, col) + " should be a whole number, got " + num(*v) + " (" + of_arm() + ")",
             "counts are whole numbers; the value is used as given");
  };
  // non-finite values (possible in hand-built datasets)
  const std::pair<const std::optional<double>*, std::pair<const char*, int>> all[] = {
      {&arm.n, {"n", cols.n}},          {&arm.events, {"events", cols.events}},
      {&arm.mean, {"mean", cols.mean}}, {&arm.sd, {"sd", cols.sd}},
      {&arm.time, {"time", cols.time}}, {&arm.median, {"median", cols.median}},
      {&arm.q1, {"q1", cols.q1}},       {&arm.q3, {"q3", cols.q3}},
      {&arm.min, {"min", cols.min}},    {&arm.max, {"max", cols.max}},
      {&arm.se, {"se", cols.se}},       {&arm.sd_baseline, {"sd_baseline", cols.sd_baseline}}};
  for (const auto& [value, field] : all)
    if (*value && !std::isfinite(**value))
      invalid("not-finite", field.first, field.second,
              what(field.first, field.second) + " must be a finite number (" + of_arm() + ")", "",
              std::string(field.first) + " is not finite");
  if (!usable) return false;

  auto check_n = [&](bool required, const char* needs) {
    if (!arm.n) {
      if (required) missing("n", cols.n, needs);
      return;
    }
    if (*arm.n <= 0)
      invalid("non-positive-n", "n", cols.n,
              what("n", cols.n) + " must be > 0, got " + num(*arm.n) + " (" + of_arm() + ")",
              "an arm needs at least one participant", "n must be > 0");
    else
      whole(arm.n, "n", cols.n);
  };
  auto check_events = [&](const char* needs) {
    if (!arm.events) {
      missing("events", cols.events, needs);
      return;
    }
    if (*arm.events < 0)
      invalid("negative-events", "events", cols.events,
              what("events", cols.events) + " must be >= 0, got " + num(*arm.events) + " (" + of_arm() + ")",
              "an event count cannot be negative", "events must be >= 0");
    else
      whole(arm.events, "events", cols.events);
  };

  switch (outcome.type) {
    case OutcomeType::binary: {
      const char* needs = "events and n";
      check_events(needs);
      check_n(true, needs);
      if (usable && arm.events && arm.n && *arm.events > *arm.n)
        invalid("events-exceed-n", "events", cols.events,
                "more events than participants in " + of_arm() + ": " + what("events", cols.events) + " is " +
                    num(*arm.events) + ", " + what("n", cols.n) + " is " + num(*arm.n),
                "events must not exceed n; are the two columns swapped?", "events > n");
      break;
    }
    case OutcomeType::rate: {
      const char* needs = "events and person-time";
      check_events(needs);
      if (!arm.time)
        missing("time", cols.time, needs);
      else if (*arm.time <= 0)
        invalid("non-positive-time", "time", cols.time,
                what("time", cols.time) + " must be > 0, got " + num(*arm.time) + " (" + of_arm() + ")",
                "person-time at risk must be positive", "person-time must be > 0");
      check_n(false, needs);
      break;
    }
    case OutcomeType::continuous: {
      const char* needs = "a mean (or median), an SD (or SE, IQR or range) and n";
      if (!arm.mean && !arm.median) missing("mean", cols.mean, needs);
      const bool spread = arm.sd || arm.se || (arm.q1 && arm.q3) || (arm.min && arm.max);
      if (!spread) missing("sd", cols.sd, needs);
      check_n(true, needs);
      if (arm.sd && *arm.sd <= 0)
        invalid(*arm.sd < 0 ? "negative-sd" : "zero-sd", "sd", cols.sd,
                what("sd", cols.sd) + " must be > 0, got " + num(*arm.sd) + " (" + of_arm() + ")",
                *arm.sd < 0 ? "a standard deviation cannot be negative; check the sign (was a mean change entered "
                              "in the SD column?)"
                            : "an SD of 0 would give the arm infinite weight; check the value, or leave the cell "
                              "empty if it is not known",
                "sd must be > 0");
      if (arm.se && *arm.se <= 0)
        invalid("non-positive-se", "se", cols.se,
                what("se", cols.se) + " must be > 0, got " + num(*arm.se) + " (" + of_arm() + ")",
                "a standard error must be positive", "se must be > 0");
      if (arm.sd_baseline && *arm.sd_baseline <= 0)
        invalid("non-positive-sd", "sd_baseline", cols.sd_baseline,
                what("sd_baseline", cols.sd_baseline) + " must be > 0, got " + num(*arm.sd_baseline) + " (" + of_arm() +
                    ")",
                "a standard deviation must be positive", "baseline sd must be > 0");
      if (arm.q1 && arm.q3 && *arm.q1 > *arm.q3)
        invalid("bad-quartiles", "q1", cols.q1,
                what("q1", cols.q1) + " (" + csv::format_number(*arm.q1) + ") is larger than " + what("q3", cols.q3) +
                    " (" + csv::format_number(*arm.q3) + ") for " + of_arm(),
                "the first quartile cannot exceed the third; are the columns swapped?", "q1 > q3");
      if (arm.min && arm.max && *arm.min > *arm.max)
        invalid("bad-range", "min", cols.min,
                what("min", cols.min) + " (" + csv::format_number(*arm.min) + ") is larger than " +
                    what("max", cols.max) + " (" + csv::format_number(*arm.max) + ") for " + of_arm(),
                "the minimum cannot exceed the maximum; are the columns swapped?", "min > max");
      break;
    }
    case OutcomeType::contrast:
    case OutcomeType::time_to_event:
      break;
  }
  return usable;
}

bool Validator::check_contrast(const ContrastRecord& c, const csv::ContrastColumns& cols, const Outcome& outcome,
                               const std::string& study, std::string& reason) {
  (void)outcome;
  const std::string of = "comparison " + quote(c.treat1) + " vs " + quote(c.treat2) + " of study " + quote(study);
  bool usable = true;
  auto invalid = [&](const char* code, const char* field, int col, const std::string& message, const std::string& hint,
                     const std::string& why) {
    report(Severity::error, code, at(c.source, col), study, field, col, message, hint);
    if (usable) reason = why;
    usable = false;
  };
  if (c.treat1.empty() || c.treat2.empty()) {
    invalid("missing-treatment", "treatment", c.treat1.empty() ? cols.treat1 : cols.treat2,
            "a comparison of study " + quote(study) + " has no treatment name", "every comparison needs two treatments",
            "missing treatment");
    return false;
  }
  if (c.treat1 == c.treat2) {
    invalid("self-comparison", "treatment", cols.treat2,
            "comparison of " + quote(c.treat1) + " with itself in study " + quote(study),
            "the two treatments of a comparison must differ", "treatment compared with itself");
    return false;
  }
  const std::pair<const std::optional<double>*, std::pair<const char*, int>> all[] = {
      {&c.estimate, {"TE", cols.estimate}},    {&c.se, {"seTE", cols.se}},
      {&c.variance, {"vi", cols.variance}},    {&c.ci_lower, {"ci.lb", cols.ci_lower}},
      {&c.ci_upper, {"ci.ub", cols.ci_upper}}, {&c.p_value, {"pval", cols.p_value}}};
  for (const auto& [value, field] : all)
    if (*value && !std::isfinite(**value))
      invalid("not-finite", field.first, field.second,
              what(field.first, field.second) + " must be a finite number (" + of + ")", "",
              std::string(field.first) + " is not finite");
  if (!usable) return false;
  const bool ci = c.ci_lower && c.ci_upper;
  if (!c.estimate && !ci) {
    const std::string name = column_name(cols.estimate);
    report(Severity::warning, "missing-value", at(c.source, cols.estimate), study, "TE", cols.estimate,
           (name.empty() ? of + " has no estimate" : "missing value in column " + quote(name) + " for " + of) +
               "; the comparison is excluded",
           "a comparison needs an estimate (or a confidence interval)");
    reason = "missing estimate";
    return false;
  }
  if (!c.se && !c.variance && !ci && !c.p_value) {
    const std::string name = column_name(cols.se > 0 ? cols.se : cols.variance);
    report(Severity::warning, "missing-value", at(c.source, cols.se > 0 ? cols.se : cols.variance), study, "seTE",
           cols.se > 0 ? cols.se : cols.variance,
           (name.empty() ? of + " has no standard error, variance, confidence interval or p-value"
                         : "missing value in column " + quote(name) + " for " + of) +
               "; the comparison is excluded",
           "a comparison needs a standard error, a variance, a confidence interval or a p-value");
    reason = "missing standard error";
    return false;
  }
  if (c.se && *c.se <= 0)
    invalid("non-positive-se", "seTE", cols.se,
            what("seTE", cols.se) + " must be > 0, got " + num(*c.se) + " (" + of + ")",
            "a standard error must be positive", "seTE must be > 0");
  if (c.variance && *c.variance <= 0)
    invalid("non-positive-variance", "vi", cols.variance,
            what("vi", cols.variance) + " must be > 0, got " + num(*c.variance) + " (" + of + ")",
            "a sampling variance must be positive", "variance must be > 0");
  if (ci && *c.ci_lower > *c.ci_upper)
    invalid("bad-ci", "ci.lb", cols.ci_lower,
            "the lower confidence limit " + num(*c.ci_lower) + " is above the upper limit " + num(*c.ci_upper) + " (" +
                of + ")",
            "are the two columns swapped?", "lower CI limit > upper");
  if (c.p_value && (*c.p_value <= 0 || *c.p_value > 1))
    invalid("bad-p-value", "pval", cols.p_value,
            what("pval", cols.p_value) + " must be in (0, 1], got " + num(*c.p_value) + " (" + of + ")",
            "a p-value lies between 0 and 1", "p-value outside (0, 1]");
  if (!(c.ci_level > 0 && c.ci_level < 1))
    invalid("bad-ci-level", "ci_level", 0,
            "the confidence level must be in (0, 1), got " + num(c.ci_level) + " (" + of + ")",
            "0.95 for a 95% interval", "confidence level outside (0, 1)");
  // arm summaries travelling with the comparison: checked, never a reason to drop it
  const std::pair<const std::optional<double>*, std::pair<const char*, int>> arms[] = {{&c.n1, {"n1", cols.n1}},
                                                                                       {&c.n2, {"n2", cols.n2}}};
  for (const auto& [value, field] : arms)
    if (*value && !(**value > 0))
      report(Severity::warning, "non-positive-n", at(c.source, field.second), study, field.first, field.second,
             what(field.first, field.second) + " must be > 0, got " + num(**value) + " (" + of + ")",
             "an arm needs at least one participant");
  if (c.events1 && c.n1 && (*c.events1 < 0 || *c.events1 > *c.n1))
    report(Severity::warning, "events-exceed-n", at(c.source, cols.events1), study, "events1", cols.events1,
           what("events1", cols.events1) + " must lie between 0 and n1 (" + csv::format_number(*c.n1) + "), got " +
               num(*c.events1) + " (" + of + ")",
           "check the arm counts");
  if (c.events2 && c.n2 && (*c.events2 < 0 || *c.events2 > *c.n2))
    report(Severity::warning, "events-exceed-n", at(c.source, cols.events2), study, "events2", cols.events2,
           what("events2", cols.events2) + " must lie between 0 and n2 (" + csv::format_number(*c.n2) + "), got " +
               num(*c.events2) + " (" + of + ")",
           "check the arm counts");
  return usable;
}

void Validator::check_outcome(std::size_t index) {
  Outcome& outcome = data_.outcomes[index];
  const bool contrast_type = outcome.type == OutcomeType::contrast || outcome.type == OutcomeType::time_to_event;
  const csv::ContrastColumns cols =
      ctx_ && index < ctx_->contrast_columns.size() ? ctx_->contrast_columns[index] : csv::ContrastColumns{};
  std::size_t arm_studies = 0, one_arm = 0;
  for (const StudyData& sd : outcome.data) {
    if (sd.arms.empty() || sd.study >= data_.studies.size()) continue;
    ++arm_studies;
    if (sd.arms.size() == 1 && !arms_excluded_before_.count(outcome.name + '\x1f' + data_.studies[sd.study].label))
      ++one_arm;
  }
  const bool single_group = arm_studies > 0 && one_arm == arm_studies;

  auto exclude = [&](const std::string& study, const std::string& treatment, const std::string& reason,
                     const SourceLocation& where) {
    data_.excluded.push_back({outcome.name, study, treatment, reason, where});
  };

  std::vector<char> seen(data_.studies.size(), 0);
  std::vector<StudyData> kept;
  kept.reserve(outcome.data.size());
  for (StudyData& sd : outcome.data) {
    if (sd.study >= data_.studies.size()) {
      diags_.error(
          "unknown-study", {data_.source_file, 0, 0},
          "outcome " + quote(outcome.name) + " refers to study #" + std::to_string(sd.study) + ", which does not exist",
          "every study of an outcome must be listed in the dataset's studies");
      continue;
    }
    const std::string& label = data_.studies[sd.study].label;
    const SourceLocation& where = !sd.arms.empty()        ? sd.arms[0].source
                                  : !sd.contrasts.empty() ? sd.contrasts[0].source
                                                          : data_.studies[sd.study].source;
    if (seen[sd.study]) {
      Diagnostic& d = diags_.error("duplicate-study", where,
                                   "study " + quote(label) + " appears twice in outcome " + quote(outcome.name) +
                                       "; its second entry is excluded",
                                   "give all arms (or comparisons) of a study for an outcome together");
      d.study = label;
      exclude(label, "", "study given twice in this outcome", where);
      continue;
    }
    seen[sd.study] = 1;
    if (!sd.arms.empty() && !sd.contrasts.empty()) {
      Diagnostic& d = diags_.error("mixed-data", where,
                                   "study " + quote(label) + " gives both arm-level data and comparisons for outcome " +
                                       quote(outcome.name) + "; the study is excluded",
                                   "give either the arms or the comparisons of a study");
      d.study = label;
      exclude(label, "", "both arms and comparisons given", where);
      continue;
    }
    if (!sd.arms.empty()) {
      if (contrast_type) {
        Diagnostic& d = diags_.error("arms-in-contrast-outcome", where,
                                     "outcome " + quote(outcome.name) + " is " + to_string(outcome.type) +
                                         " (contrast-level) but study " + quote(label) +
                                         " gives arm-level data; the study is excluded",
                                     "give the study's comparisons (estimate and standard error) instead");
        d.study = label;
        exclude(label, "", "arm-level data in a contrast-level outcome", where);
        continue;
      }
      const std::size_t given = sd.arms.size();
      // Keep the usable arms in place (most studies have no problem: no copy, no allocation).
      std::size_t kept_arms = 0;
      std::optional<SourceLocation> saved;  // `where` is the first arm's: copied before arms move
      for (std::size_t a = 0; a < given; ++a) {
        std::string reason;
        if (check_arm(sd.arms[a], outcome, label, reason)) {
          if (kept_arms != a) sd.arms[kept_arms] = std::move(sd.arms[a]);
          ++kept_arms;
        } else {
          if (!saved) saved = where;
          exclude(label, sd.arms[a].treatment, reason, sd.arms[a].source);
        }
      }
      std::vector<Arm> good = std::move(sd.arms);
      good.resize(kept_arms);
      const SourceLocation& study_where = saved ? *saved : where;
      const Arm* dup_first = nullptr;
      const Arm* dup_second = nullptr;
      for (std::size_t a = 1; a < good.size() && !dup_second; ++a)  // arms per study are few: pairwise scan
        for (std::size_t b = 0; b < a; ++b)
          if (good[a].treatment == good[b].treatment) {
            dup_first = &good[b];
            dup_second = &good[a];
            break;
          }
      if (dup_second) {
        const int col = dup_second->columns.treatment;
        Diagnostic& d =
            report(Severity::error, "duplicate-treatment", at(dup_second->source, col), label, "treatment", col,
                   "treatment " + quote(dup_second->treatment) + " appears twice in study " + quote(label) +
                       " (lines " + std::to_string(dup_first->source.line) + " and " +
                       std::to_string(dup_second->source.line) + "); the study is excluded",
                   "each arm of a study needs its own treatment; merge the arms or correct the label");
        (void)d;
        exclude(label, "", "treatment " + quote(dup_second->treatment) + " given twice", study_where);
        continue;
      }
      if (single_group && good.size() == 1) {
        Diagnostic& d = diags_.warning(
            "single-arm-study", good[0].source,
            "study " + quote(label) + " has only one arm (outcome " + quote(outcome.name) + " holds single-group data)",
            "single-group data can be summarised (proportions, means) but not compared "
            "between treatments");
        d.study = label;
      } else if (good.size() < 2) {
        const bool lost = good.size() < given || arms_excluded_before_.count(outcome.name + '\x1f' + label);
        std::string message, hint;
        if (good.empty()) {
          message = "study " + quote(label) + " has no usable arm in outcome " + quote(outcome.name) +
                    "; the study is excluded";
          hint = "see the messages about its arms";
        } else if (lost) {
          message = "study " + quote(label) + " has only one usable arm left in outcome " + quote(outcome.name) +
                    "; the study is excluded";
          hint = "see the messages about its other arms";
        } else {
          message = "study " + quote(label) + " has only one arm in outcome " + quote(outcome.name) +
                    "; the study is excluded";
          hint = "a comparison needs at least two arms; check that all arms of the study use the same study label";
        }
        Diagnostic& d = diags_.warning("single-arm-study", good.empty() ? study_where : good[0].source, message, hint);
        d.study = label;
        exclude(label, "", good.empty() ? "no usable arm" : "only one arm",
                good.empty() ? study_where : good[0].source);
        continue;
      }
      sd.arms = std::move(good);
      kept.push_back(std::move(sd));
    } else if (!sd.contrasts.empty()) {
      std::vector<ContrastRecord> good;
      for (ContrastRecord& c : sd.contrasts) {
        std::string reason;
        if (check_contrast(c, cols, outcome, label, reason))
          good.push_back(std::move(c));
        else
          exclude(label, c.treat1 + " vs " + c.treat2, reason, c.source);
      }
      std::unordered_map<std::string, const ContrastRecord*> pairs;
      const ContrastRecord* dup_first = nullptr;
      const ContrastRecord* dup_second = nullptr;
      for (const ContrastRecord& c : good) {
        const std::string key = c.treat1 < c.treat2 ? c.treat1 + '\x1f' + c.treat2 : c.treat2 + '\x1f' + c.treat1;
        auto [it, inserted] = pairs.emplace(key, &c);
        if (!inserted && !dup_second) {
          dup_first = it->second;
          dup_second = &c;
        }
      }
      if (dup_second) {
        Diagnostic& d = diags_.error("duplicate-comparison", dup_second->source,
                                     "comparison " + quote(dup_second->treat1) + " vs " + quote(dup_second->treat2) +
                                         " appears twice in study " + quote(label) + " (lines " +
                                         std::to_string(dup_first->source.line) + " and " +
                                         std::to_string(dup_second->source.line) + "); the study is excluded",
                                     "give each comparison of a study once");
        d.study = label;
        exclude(label, "", "comparison given twice", where);
        continue;
      }
      if (good.empty()) {
        Diagnostic& d = diags_.warning("no-usable-comparison", where,
                                       "study " + quote(label) + " has no usable comparison left in outcome " +
                                           quote(outcome.name) + "; the study is excluded",
                                       "see the messages about its comparisons");
        d.study = label;
        exclude(label, "", "no usable comparison", where);
        continue;
      }
      sd.contrasts = std::move(good);
      kept.push_back(std::move(sd));
    } else {
      Diagnostic& d = diags_.warning("no-data", where,
                                     "study " + quote(label) + " has no arms or comparisons in outcome " +
                                         quote(outcome.name) + "; it is left out of this outcome");
      d.study = label;
      exclude(label, "", "no data for this outcome", where);
    }
  }
  outcome.data = std::move(kept);
}

void Validator::run() {
  for (const Exclusion& e : data_.excluded)
    if (!e.treatment.empty()) arms_excluded_before_.insert(e.outcome + '\x1f' + e.study);
  std::unordered_set<std::string_view> labels;
  labels.reserve(data_.studies.size());
  for (std::size_t i = 0; i < data_.studies.size(); ++i) {
    const Study& s = data_.studies[i];
    if (s.label.empty())
      diags_.error("missing-study-label", s.source, "study #" + std::to_string(i + 1) + " has no label",
                   "every study needs a label");
    else if (!labels.insert(s.label).second)
      diags_.error("duplicate-study", s.source, "study label " + quote(s.label) + " is used by two studies",
                   "give each study its own label");
  }
  if (data_.outcomes.empty()) {
    diags_.warning("no-outcomes", {data_.source_file, 0, 0}, "the dataset has no outcomes",
                   "a dataset needs at least one outcome with study data");
    return;
  }
  bool any = false;
  for (std::size_t o = 0; o < data_.outcomes.size(); ++o) {
    check_outcome(o);
    if (!data_.outcomes[o].data.empty()) any = true;
  }
  if (!any)
    diags_.warning("no-usable-data", {data_.source_file, 0, 0},
                   "no usable study data: every study was excluded (see the messages above)",
                   "fix the problems reported above");
}

}  // namespace

void validate_dataset_tabular(Dataset& data, Diagnostics& diagnostics, const csv::TabularContext* context) {
  Validator(data, diagnostics, context).run();
}

void validate_dataset(Dataset& data, Diagnostics& diagnostics) {
  validate_dataset_tabular(data, diagnostics, nullptr);
}

}  // namespace evident
