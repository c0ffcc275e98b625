// evident: the CSV reader - long, wide, contrast-level, two-group and single-group tables, with
// the column conventions of netmeta, metafor, CINeMA and MetaInsight (docs/methods/input-formats.md).
//
// The reader works in passes over the tokenized table: (1) give each header column a role
// (mappings first, then aliases; unknown columns become study covariates), (2) decide the
// layout from the roles, (3) check that every outcome has the columns its type needs, (4) read
// the rows into studies, arms and contrasts, keeping each value's line and column, (5) leave out
// studies that report nothing for an outcome, and (6) run the shared validation with the column
// names at hand. Every problem becomes a Diagnostic; nothing is dropped silently.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "evident/data/csv.hpp"
#include "evident/data/read.hpp"

namespace evident {

namespace {

using csv::Field;
using csv::FieldRole;

bool is_arm_value(Field f) {
  switch (f) {
    case Field::events:
    case Field::nonevents:
    case Field::n:
    case Field::mean:
    case Field::sd:
    case Field::sd_baseline:
    case Field::time:
    case Field::median:
    case Field::q1:
    case Field::q3:
    case Field::min:
    case Field::max:
    case Field::arm_se:
    case Field::se_any:
      return true;
    default:
      return false;
  }
}

/// Fields whose presence means "this outcome is reported" (n, time and treatment are shared).
bool is_outcome_value(Field f, bool contrast) {
  if (contrast)
    return f == Field::estimate || f == Field::ratio_estimate || f == Field::se || f == Field::variance ||
           f == Field::ci_lower || f == Field::ci_upper || f == Field::p_value;
  switch (f) {
    case Field::events:
    case Field::nonevents:
    case Field::mean:
    case Field::sd:
    case Field::median:
    case Field::q1:
    case Field::q3:
    case Field::min:
    case Field::max:
    case Field::arm_se:
      return true;
    default:
      return false;
  }
}

bool is_contrast_field(Field f) {
  return f == Field::estimate || f == Field::ratio_estimate || f == Field::se || f == Field::variance ||
         f == Field::ci_lower || f == Field::ci_upper || f == Field::p_value;
}

/// "a hazard ratio", "an odds ratio", ... for a measure named by a column ("" = not named).
std::string ratio_words(const std::string& measure) {
  if (measure == "HR") return "a hazard ratio";
  if (measure == "OR") return "an odds ratio";
  if (measure == "RR") return "a risk ratio";
  if (measure == "IRR") return "an incidence rate ratio";
  return "a ratio";
}

/// Hint for a natural-scale ratio (or a limit of its CI) <= 0: the column may hold log ratios.
std::string log_ratio_hint(const std::string& measure, bool ci_limit) {
  std::string logs = "log ratios", name;
  if (measure == "HR") logs = "log hazard ratios", name = "loghr";
  if (measure == "OR") logs = "log odds ratios", name = "logor";
  if (measure == "RR") logs = "log risk ratios", name = "logrr";
  if (measure == "IRR") logs = "log rate ratios", name = "logirr";
  if (ci_limit)
    return "the confidence limits of " + ratio_words(measure) + " must be > 0; if the columns hold " + logs + ", " +
           (name.empty() ? "" : "name the estimate column " + name + " or ") + "map it to TE";
  return ratio_words(measure) + " must be > 0; if the column holds " + logs + ", " +
         (name.empty() ? "" : "name it " + name + " or ") + "map it to TE";
}

bool is_study_level(Field f) {
  return f == Field::year || f == Field::rob_overall || f == Field::rob_domain || f == Field::indirectness ||
         f == Field::covariate;
}

std::string quote(std::string_view s) {
  return "'" + std::string(s) + "'";
}

std::string join_quoted(const std::vector<std::string>& names, std::size_t limit = 12) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < limit; ++i) {
    if (i) out += ", ";
    out += quote(names[i]);
  }
  if (names.size() > limit) out += ", ... (" + std::to_string(names.size()) + " columns)";
  return out;
}

std::string file_stem(const std::string& filename) {
  std::string base = filename;
  if (const auto slash = base.find_last_of("/\\"); slash != std::string::npos) base = base.substr(slash + 1);
  if (const auto dot = base.find_last_of('.'); dot != std::string::npos && dot > 0) base = base.substr(0, dot);
  return base.empty() ? "outcome" : base;
}

enum class Layout { long_arm, wide_arm, contrast, single_group };

struct Column {
  std::string name;
  int index = 0;  // 0-based
  Field field = Field::none;
  int arm = 0;
  int domain = 0;
  int priority = 0;
  std::string outcome;    // outcome named by a mapping
  std::string covariate;  // covariate name (Field::covariate)
  std::string measure;    // effect measure the name (or mapping) implies: "HR", "OR", ... (estimates only)
  bool mapped = false;
  bool unknown = false;        // not understood: report "read as a study covariate"
  std::string demoted_reason;  // understood, but not usable here: report why it is a covariate
};

/// Columns (0-based, -1 = none) of one arm slot of one outcome.
struct ArmSpec {
  int treatment = -1, events = -1, nonevents = -1, n = -1, mean = -1, sd = -1, sd_baseline = -1, time = -1;
  int median = -1, q1 = -1, q3 = -1, min = -1, max = -1, se = -1;
};

struct ContrastSpec {
  int treat1 = -1, treat2 = -1, estimate = -1, se = -1, variance = -1, ci_lower = -1, ci_upper = -1, p_value = -1;
  int n1 = -1, n2 = -1, events1 = -1, events2 = -1;
  bool natural = false;  // the estimate column is a ratio on its natural scale (so is the CI)
  std::string measure;   // measure the estimate column names ("" = none)
};

struct OutcomeSpec {
  std::string tag;
  OutcomeType type = OutcomeType::continuous;
  std::vector<ArmSpec> arms;  // long / single group: arms[0]; wide: arms[k - 1]
  ContrastSpec contrast;
  std::vector<int> value_columns;
};

struct OutcomeState {
  std::size_t spec = 0;
  std::vector<std::size_t> data_of_study;  // per study index: its StudyData, or npos
  std::vector<int> reported;               // per StudyData: number of reported arms / contrasts
};

class CsvReader {
 public:
  CsvReader(std::string_view text, const std::string& filename, const ReadOptions& options)
      : text_(text), file_(filename), options_(options) {}

  ReadResult run();

 private:
  // passes
  bool read_header();
  void apply_mappings();
  void resolve_priorities(Field field);
  bool decide_layout();
  void demote_for_layout();
  bool check_duplicates();
  bool build_specs();
  void read_rows();
  void finish_outcomes();
  void apply_treatment_labels();

  // helpers
  [[nodiscard]] int find(Field f, int arm, const std::string& tag, bool shared) const;
  [[nodiscard]] std::vector<std::string> header_names() const;
  [[nodiscard]] std::string suggest_column() const;
  [[nodiscard]] bool arm_data_complete() const;
  [[nodiscard]] std::string_view cell(const csv::Row& row, int col) const {
    return col < 0 ? std::string_view{} : csv::trim(table_.cell(row, static_cast<std::size_t>(col)));
  }
  [[nodiscard]] bool present(const csv::Row& row, int col) const {
    return col >= 0 && !csv::is_missing(cell(row, col));
  }
  std::optional<double> number(const csv::Row& row, int col, const std::string& study, bool& bad);
  [[nodiscard]] SourceLocation loc(int line, int col0) const { return {file_, line, col0 < 0 ? 0 : col0 + 1}; }
  /// " in column 'name'" for a column index, "" for -1.
  [[nodiscard]] std::string in_column(int col) const {
    return col < 0 ? std::string() : " in column " + quote(cols_[static_cast<std::size_t>(col)].name);
  }
  std::size_t study_for(const std::string& label, const csv::Row& row);
  void set_study_fields(std::size_t study, const csv::Row& row, bool first);
  std::size_t outcome_for(std::size_t spec, const csv::Row& row);
  std::size_t data_for(std::size_t outcome, std::size_t study);
  void read_arm(const csv::Row& row, std::size_t outcome, std::size_t study, const ArmSpec& spec,
                const std::string& treatment, bool wide_slot);
  void read_contrast(const csv::Row& row, std::size_t outcome, std::size_t study, const ContrastSpec& spec);
  void exclude_row(const csv::Row& row, const std::string& study, const std::string& reason);
  std::vector<std::string> one_row_labels();

  std::string_view text_;
  std::string file_;
  const ReadOptions& options_;
  ReadResult result_;
  Diagnostics& diags_ = result_.diagnostics;
  Dataset& data_ = result_.dataset;
  csv::DecodedText decoded_;
  csv::Table table_;
  std::vector<Column> cols_;
  Layout layout_ = Layout::long_arm;
  bool has_treatment_columns_ = false;
  int max_arm_ = 0;
  int study_col_ = -1, outcome_col_ = -1, time_point_col_ = -1;
  std::vector<int> study_level_cols_;
  std::vector<OutcomeSpec> specs_;
  std::vector<OutcomeState> states_;
  std::unordered_map<std::string, std::size_t> outcome_index_;
  std::unordered_map<std::string, std::size_t> study_index_;
  std::vector<std::string_view> first_values_;          // study x study-level column: first text seen
  std::vector<char> varying_reported_;                  // per study-level column
  std::vector<csv::ContrastColumns> contrast_columns_;  // per outcome index
  bool multi_outcome_ = false;
  std::string default_outcome_name_;
  std::vector<std::size_t> fixed_outcome_;  // per spec, when there is no outcome / time point column
};

// ---------------------------------------------------------------------------------------------
// Header

bool CsvReader::read_header() {
  const csv::Row& header = table_.rows[0];
  cols_.resize(header.count);
  std::unordered_map<std::string, int> seen;
  for (std::size_t i = 0; i < header.count; ++i) {
    Column& c = cols_[i];
    c.index = static_cast<int>(i);
    c.name = std::string(csv::trim(table_.cell(header, i)));
    if (c.name.empty()) {
      c.field = Field::ignore;
      for (std::size_t r = 1; r < table_.rows.size(); ++r) {
        if (csv::is_missing(table_.cell(table_.rows[r], i))) continue;
        diags_.warning("unnamed-column", loc(header.line, c.index),
                       "column " + std::to_string(i + 1) + " has no name in the header; its values (e.g. \"" +
                           std::string(csv::trim(table_.cell(table_.rows[r], i))) + "\" on line " +
                           std::to_string(table_.rows[r].line) + ") are ignored",
                       "give the column a name");
        break;
      }
      continue;
    }
    if (auto [it, inserted] = seen.emplace(csv::to_lower(c.name), c.index); !inserted) {
      diags_.warning("duplicate-column", loc(header.line, c.index),
                     "column name " + quote(c.name) + " is used twice (columns " + std::to_string(it->second + 1) +
                         " and " + std::to_string(c.index + 1) + ")",
                     "rename one of them; `--map` refers to the first");
    }
  }
  const std::size_t errors_before = diags_.error_count();
  apply_mappings();
  const bool mappings_ok = diags_.error_count() == errors_before;
  for (Column& c : cols_) {
    if (c.mapped || c.field == Field::ignore) continue;
    const std::string lower = csv::to_lower(c.name);
    if (lower.size() > 6 && (lower.rfind("covar.", 0) == 0 || lower.rfind("covar_", 0) == 0)) {
      c.field = Field::covariate;
      c.covariate = c.name.substr(6);
      continue;
    }
    if (auto role = csv::recognize_column(c.name)) {
      c.field = role->field;
      c.arm = role->arm;
      c.domain = role->domain;
      c.priority = role->priority;
      if (role->measure) c.measure = role->measure;
    } else {
      c.field = Field::covariate;
      c.covariate = c.name;
      c.unknown = true;
    }
  }
  return mappings_ok;
}

void CsvReader::apply_mappings() {
  const csv::Row& header = table_.rows[0];
  for (const ColumnMapping& m : options_.mappings) {
    const std::string spec = m.column + "=" + m.field + (m.outcome.empty() ? "" : ":" + m.outcome);
    const auto role = csv::recognize_field(m.field);
    if (!role) {
      diags_.error(
          "mapping-unknown-field", {file_, 0, 0}, "mapping " + quote(spec) + ": unknown field " + quote(m.field),
          "known fields: study, treatment, events, nonevents, n, mean, sd, time, median, q1, q3, min, max, se, "
          "TE, ratio (HR, OR, RR, IRR), seTE, vi, lower, upper, pval, year, rob, rob.d1 .. rob.d5, indirectness, "
          "outcome, timepoint, covariate, ignore; add a number for one arm (event1, n2, treat1)");
      continue;
    }
    // exact name, then the same name ignoring case and separators, then a stem of numbered columns
    std::vector<std::pair<int, int>> hits;  // column, arm from the stem
    const std::string want = csv::to_lower(csv::trim(m.column));
    for (const Column& c : cols_)
      if (hits.empty() && csv::to_lower(c.name) == want) hits.emplace_back(c.index, 0);
    const std::string want_norm = csv::normalize_name(m.column);
    if (hits.empty() && !want_norm.empty())
      for (const Column& c : cols_)
        if (hits.empty() && csv::normalize_name(c.name) == want_norm) hits.emplace_back(c.index, 0);
    if (hits.empty() && !want_norm.empty()) {
      for (const Column& c : cols_) {
        const std::string norm = csv::normalize_name(c.name);
        if (norm.size() <= want_norm.size() || norm.compare(0, want_norm.size(), want_norm) != 0) continue;
        const std::string digits = norm.substr(want_norm.size());
        if (digits.size() > 3 || digits[0] == '0' ||
            !std::all_of(digits.begin(), digits.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
          continue;
        hits.emplace_back(c.index, std::stoi(digits));
      }
      if (!hits.empty() && role->arm > 0) {
        diags_.error("mapping-arm", {file_, header.line, 0},
                     "mapping " + quote(spec) + ": " + quote(m.column) +
                         " is the stem of numbered columns, so the field must not carry an arm number",
                     "write " + m.column + "=" + csv::field_name(role->field) + " to map every numbered column");
        continue;
      }
    }
    if (hits.empty()) {
      diags_.error("mapping-no-column", {file_, header.line, 0},
                   "mapping " + quote(spec) + ": the file has no column " + quote(m.column),
                   "the columns are " + join_quoted(header_names()));
      continue;
    }
    for (const auto& [index, arm] : hits) {
      Column& c = cols_[static_cast<std::size_t>(index)];
      c.field = role->field;
      c.arm = arm > 0 ? arm : role->arm;
      c.domain = role->domain;
      c.priority = -1;
      c.outcome = m.outcome;
      c.mapped = true;
      c.unknown = false;
      if (c.field == Field::covariate) c.covariate = c.name;
      // the measure: named by the field (--map effect=HR), else by the column (--map HR=ratio,
      // --map lnOR=TE) when the column is mapped to an estimate
      c.measure.clear();
      if (c.field == Field::estimate || c.field == Field::ratio_estimate) {
        if (role->measure) {
          c.measure = role->measure;
        } else if (const auto own = csv::recognize_column(c.name); own && own->measure) {
          c.measure = own->measure;
        }
      }
    }
  }
}

std::vector<std::string> CsvReader::header_names() const {
  std::vector<std::string> out;
  out.reserve(cols_.size());
  for (const Column& c : cols_) out.push_back(c.name);
  return out;
}

/// A column the user may want to map: the first one not understood, else the stem of numbered
/// columns read as risk-of-bias domains ("d" of d1, d2, d3 in netmeta's dietaryfat).
std::string CsvReader::suggest_column() const {
  for (const Column& c : cols_)
    if (c.unknown) return c.name;
  for (const Column& c : cols_)
    if (c.field == Field::rob_domain && c.name.size() == 2) return c.name.substr(0, 1);
  return "COLUMN";
}

void CsvReader::resolve_priorities(Field field) {
  // per arm slot: the column with the lowest priority wins, the others become covariates
  std::unordered_map<int, int> winner;  // arm -> column
  for (const Column& c : cols_) {
    if (c.field != field) continue;
    auto it = winner.find(c.arm);
    if (it == winner.end() || c.priority < cols_[static_cast<std::size_t>(it->second)].priority)
      winner[c.arm] = c.index;
  }
  for (Column& c : cols_) {
    if (c.field != field) continue;
    const int w = winner[c.arm];
    if (w == c.index) continue;
    const Column& win = cols_[static_cast<std::size_t>(w)];
    if (c.priority == win.priority) continue;  // equal rank: reported as a duplicate later
    c.field = Field::covariate;
    c.covariate = c.name;
    c.demoted_reason =
        std::string(field == Field::study ? "the study label is taken from " : "the treatment is taken from ") +
        quote(win.name);
  }
}

// ---------------------------------------------------------------------------------------------
// Layout

int CsvReader::find(Field f, int arm, const std::string& tag, bool shared) const {
  for (const Column& c : cols_)
    if (c.field == f && c.arm == arm && c.outcome == tag) return c.index;
  if (shared && !tag.empty())
    for (const Column& c : cols_)
      if (c.field == f && c.arm == arm && c.outcome.empty()) return c.index;
  return -1;
}

/// Complete arm-level data for two groups (wide) or one arm per row (long), for some outcome.
bool CsvReader::arm_data_complete() const {
  std::unordered_set<std::string> tags;
  for (const Column& c : cols_)
    if (is_outcome_value(c.field, false)) tags.insert(c.outcome);
  const bool wide =
      std::any_of(cols_.begin(), cols_.end(), [](const Column& c) { return c.arm > 0 && is_arm_value(c.field); });
  for (const std::string& tag : tags) {
    bool all = true;
    for (int arm : wide ? std::vector<int>{1, 2} : std::vector<int>{0}) {
      const bool ev = find(Field::events, arm, tag, false) >= 0;
      const bool nonev = find(Field::nonevents, arm, tag, false) >= 0;
      const bool n = find(Field::n, arm, tag, true) >= 0;
      const bool time = find(Field::time, arm, tag, true) >= 0;
      const bool mean = find(Field::mean, arm, tag, false) >= 0 || find(Field::median, arm, tag, false) >= 0;
      const bool binary = ev && (n || nonev);
      const bool rate = ev && time;
      const bool cont = mean && n;
      if (!(binary || rate || cont)) all = false;
    }
    if (all) return true;
  }
  return false;
}

bool CsvReader::decide_layout() {
  resolve_priorities(Field::study);
  resolve_priorities(Field::treatment);
  auto any = [&](auto pred) { return std::any_of(cols_.begin(), cols_.end(), pred); };
  const bool numbered_values = any([](const Column& c) { return c.arm > 0 && is_arm_value(c.field); });
  const bool numbered_treat = any([](const Column& c) { return c.arm > 0 && c.field == Field::treatment; });
  const bool treat12 = find(Field::treatment, 1, "", true) >= 0 || find(Field::treatment, 2, "", true) >= 0;
  const bool long_treat = any([](const Column& c) { return c.arm == 0 && c.field == Field::treatment; });
  const bool estimate =
      any([](const Column& c) { return c.field == Field::estimate || c.field == Field::ratio_estimate; });
  const bool ci = any([](const Column& c) { return c.field == Field::ci_lower; }) &&
                  any([](const Column& c) { return c.field == Field::ci_upper; });
  const bool contrast_fields = estimate || ci;
  const auto forced = options_.outcome_type;
  const bool forced_contrast = forced && (*forced == OutcomeType::contrast || *forced == OutcomeType::time_to_event);
  const bool forced_arm = forced && !forced_contrast;

  if (forced_contrast) {
    if (!contrast_fields) {
      diags_.error("missing-column", {file_, table_.rows[0].line, 0},
                   std::string("outcome type '") + to_string(*forced) +
                       "' needs an estimate column (TE, yi, effect, estimate; or a ratio: hr, or, rr, irr) or a "
                       "confidence interval; found " +
                       join_quoted(header_names()),
                   "say which column holds the estimate, e.g. --map " + suggest_column() + "=TE");
      return false;
    }
    layout_ = Layout::contrast;
  } else if (contrast_fields && !forced_arm) {
    if (treat12)
      layout_ = Layout::contrast;
    else if ((numbered_values || long_treat) && arm_data_complete())
      layout_ = numbered_values ? Layout::wide_arm : Layout::long_arm;
    else
      layout_ = Layout::contrast;
  } else if (numbered_values || numbered_treat) {
    layout_ = Layout::wide_arm;
  } else if (long_treat) {
    layout_ = Layout::long_arm;
  } else {
    layout_ = Layout::single_group;
  }
  return true;
}

void CsvReader::demote_for_layout() {
  std::vector<std::string> unused;
  int first_unused = -1;
  for (Column& c : cols_) {
    auto demote = [&](const std::string& why) {
      c.field = Field::covariate;
      c.covariate = c.name;
      c.demoted_reason = why;
    };
    switch (layout_) {
      case Layout::wide_arm:
        if (c.field == Field::se_any && c.arm > 0) c.field = Field::arm_se;
        if (is_contrast_field(c.field) || (c.field == Field::se_any && c.arm == 0)) {
          unused.push_back(c.name);
          if (first_unused < 0) first_unused = c.index;
          c.field = Field::ignore;
        } else if (c.arm == 0 && (is_arm_value(c.field) || c.field == Field::treatment)) {
          demote("a column without an arm number in a file with one row per study");
        }
        break;
      case Layout::long_arm:
      case Layout::single_group:
        if (c.field == Field::se_any) c.field = Field::arm_se;
        if (is_contrast_field(c.field)) {
          unused.push_back(c.name);
          if (first_unused < 0) first_unused = c.index;
          c.field = Field::ignore;
        } else if (c.arm > 0 && (is_arm_value(c.field) || c.field == Field::treatment)) {
          demote("a numbered column in a file with one row per arm");
        }
        break;
      case Layout::contrast:
        if (c.field == Field::se_any) c.field = c.arm == 0 ? Field::se : Field::arm_se;
        if (c.field == Field::ratio_estimate && !c.mapped) {
          // a log-scale estimate of the same outcome wins (metadat's dat.hackshaw1998 gives or,
          // or.lb, or.ub and yi, vi): the ratio is kept as a covariate and nothing else changes
          const auto log_estimate = std::find_if(cols_.begin(), cols_.end(), [&](const Column& e) {
            return e.field == Field::estimate && e.outcome == c.outcome;
          });
          if (log_estimate != cols_.end()) {
            demote("the estimate is taken from " + quote(log_estimate->name) + ", on the log scale");
            break;
          }
        }
        if (c.arm == 0 && (is_arm_value(c.field) || c.field == Field::treatment)) {
          demote("an arm-level column in a file with one comparison per row");
        } else if (c.arm > 0 &&
                   !((c.field == Field::treatment || c.field == Field::n || c.field == Field::events) && c.arm <= 2)) {
          if (is_arm_value(c.field) || c.field == Field::treatment)
            demote("not used in a file with one comparison per row");
        }
        break;
    }
  }
  if (!unused.empty()) {
    std::vector<std::string> arm_cols;
    for (const Column& c : cols_)
      if (is_arm_value(c.field)) arm_cols.push_back(c.name);
    diags_.note("unused-columns", loc(table_.rows[0].line, first_unused),
                std::string(unused.size() == 1 ? "column " : "columns ") + join_quoted(unused) +
                    (unused.size() == 1 ? " was" : " were") + " not used: the arm-level data (" +
                    join_quoted(arm_cols, 4) + ") take precedence",
                "to analyse the given effect sizes instead, set the outcome type to 'contrast'");
  }
  for (const Column& c : cols_) {
    if (c.field != Field::covariate || c.mapped) continue;
    if (c.unknown)
      diags_.note("covariate-column", loc(table_.rows[0].line, c.index),
                  "column " + quote(c.name) + " read as a study covariate",
                  "if it holds trial data, say which field with --map " + c.name + "=FIELD");
    else if (!c.demoted_reason.empty())
      diags_.note("covariate-column", loc(table_.rows[0].line, c.index),
                  "column " + quote(c.name) + " read as a study covariate (" + c.demoted_reason + ")");
  }
}

bool CsvReader::check_duplicates() {
  bool ok = true;
  std::unordered_map<std::string, int> seen;
  for (Column& c : cols_) {
    if (c.field == Field::covariate || c.field == Field::ignore || c.field == Field::none) continue;
    // a ratio on the natural scale and a log-scale estimate both give the estimate (the ratio is
    // only left here when a mapping named it)
    const Field slot = c.field == Field::ratio_estimate ? Field::estimate : c.field;
    const std::string key = std::to_string(static_cast<int>(slot)) + "/" + std::to_string(c.arm) + "/" +
                            std::to_string(c.domain) + "/" + c.outcome;
    auto [it, inserted] = seen.emplace(key, c.index);
    if (inserted) continue;
    const Column& first = cols_[static_cast<std::size_t>(it->second)];
    std::string what = csv::field_name(c.field);
    if (c.field == Field::rob_domain) what = "rob.d" + std::to_string(c.domain);
    if (slot == Field::estimate && first.field != c.field) what = "the estimate (one as TE, one as a ratio)";
    if (c.arm > 0) what += " of arm " + std::to_string(c.arm);
    if (!c.outcome.empty()) what += " of outcome " + quote(c.outcome);
    diags_.error("duplicate-field", loc(table_.rows[0].line, c.index),
                 "columns " + quote(first.name) + " (column " + std::to_string(first.index + 1) + ") and " +
                     quote(c.name) + " (column " + std::to_string(c.index + 1) + ") are both read as " + what,
                 "say which one to use, e.g. --map " + c.name + "=ignore");
    ok = false;
  }
  return ok;
}

bool CsvReader::build_specs() {
  const int header_line = table_.rows[0].line;
  for (const Column& c : cols_) {
    if (c.field == Field::study) study_col_ = c.index;
    if (c.field == Field::outcome) outcome_col_ = c.index;
    if (c.field == Field::time_point) time_point_col_ = c.index;
    if (is_study_level(c.field)) study_level_cols_.push_back(c.index);
    if (c.arm > max_arm_ && (is_arm_value(c.field) || c.field == Field::treatment)) max_arm_ = c.arm;
    if (c.field == Field::treatment) has_treatment_columns_ = true;
  }
  const bool contrast = layout_ == Layout::contrast;
  std::vector<std::string> tags;
  for (const Column& c : cols_)
    if (is_outcome_value(c.field, contrast) && std::find(tags.begin(), tags.end(), c.outcome) == tags.end())
      tags.push_back(c.outcome);

  if (tags.empty()) {
    const bool numeric_header = std::all_of(cols_.begin(), cols_.end(), [](const Column& c) {
      return c.name.empty() || csv::parse_number(c.name, false).has_value();
    });
    diags_.error("missing-column", {file_, header_line, 0},
                 std::string(study_col_ < 0 ? "no study column and " : "") + "no outcome data columns: found " +
                     join_quoted(header_names()) +
                     "; arm-level data need events and n (binary), mean, sd and n (continuous) or events and time "
                     "(rate), contrast-level data an estimate (TE) and its standard error (seTE)",
                 numeric_header ? "the first row should hold the column names, not data"
                                : "say which column holds which field, e.g. --map " + suggest_column() +
                                      "=events (see docs/methods/input-formats.md)");
    return false;
  }
  multi_outcome_ = tags.size() > 1 || outcome_col_ >= 0;

  auto missing = [&](const std::string& what, const std::string& needs, const std::string& field) {
    diags_.error("missing-column", {file_, header_line, 0},
                 "no column for " + what + ": " + needs + "; found " + join_quoted(header_names()),
                 "say which column holds it, e.g. --map " + suggest_column() + "=" + field);
  };

  bool ok = true;
  if (layout_ == Layout::long_arm && study_col_ < 0) {
    missing("the study", "in a file with one row per arm the arms of a study share a study label", "study");
    ok = false;
  }
  if (layout_ == Layout::wide_arm && has_treatment_columns_) {
    for (int k = 1; k <= max_arm_; ++k) {
      if (find(Field::treatment, k, "", false) >= 0) continue;
      bool tagged = false;
      for (const Column& c : cols_)
        if (c.field == Field::treatment && c.arm == k) tagged = true;
      if (tagged) continue;
      missing("the treatment of arm " + std::to_string(k),
              "arm " + std::to_string(k) + " has data columns but no treatment column", "treat" + std::to_string(k));
      ok = false;
    }
  }
  if (layout_ == Layout::wide_arm && !has_treatment_columns_ && max_arm_ > 2) {
    missing("the treatments",
            "numbered arm columns go up to arm " + std::to_string(max_arm_) +
                ", so each arm needs a treatment column (treat1, treat2, ...)",
            "treat1");
    ok = false;
  }
  if (layout_ == Layout::contrast) {
    const bool t1 = find(Field::treatment, 1, "", false) >= 0, t2 = find(Field::treatment, 2, "", false) >= 0;
    if (t1 != t2) {
      missing(std::string("the ") + (t1 ? "second" : "first") + " treatment",
              "a comparison needs both treatments (treat1 and treat2)", t1 ? "treat2" : "treat1");
      ok = false;
    }
  }

  default_outcome_name_ = options_.outcome_name.empty() ? file_stem(file_) : options_.outcome_name;
  const std::string& default_name = default_outcome_name_;
  for (const std::string& tag : tags) {
    OutcomeSpec s;
    s.tag = tag;
    const std::string label = tag.empty() ? quote(default_name) : quote(tag);
    if (contrast) {
      ContrastSpec& c = s.contrast;
      c.treat1 = find(Field::treatment, 1, tag, true);
      c.treat2 = find(Field::treatment, 2, tag, true);
      c.estimate = find(Field::estimate, 0, tag, false);
      if (c.estimate < 0) {  // a ratio on its natural scale (its CI is then natural too)
        c.estimate = find(Field::ratio_estimate, 0, tag, false);
        c.natural = c.estimate >= 0;
      }
      if (c.estimate >= 0) c.measure = cols_[static_cast<std::size_t>(c.estimate)].measure;
      c.se = find(Field::se, 0, tag, false);
      c.variance = find(Field::variance, 0, tag, false);
      c.ci_lower = find(Field::ci_lower, 0, tag, false);
      c.ci_upper = find(Field::ci_upper, 0, tag, false);
      c.p_value = find(Field::p_value, 0, tag, false);
      c.n1 = find(Field::n, 1, tag, true);
      c.n2 = find(Field::n, 2, tag, true);
      c.events1 = find(Field::events, 1, tag, false);
      c.events2 = find(Field::events, 2, tag, false);
      s.type = options_.outcome_type && *options_.outcome_type == OutcomeType::time_to_event
                   ? OutcomeType::time_to_event
                   : OutcomeType::contrast;
      if (c.natural && c.measure.empty() && s.type == OutcomeType::time_to_event) c.measure = "HR";
      if (c.natural && c.measure.empty()) {
        const std::string& name = cols_[static_cast<std::size_t>(c.estimate)].name;
        diags_.warning("ratio-measure-unknown", loc(header_line, c.estimate),
                       "column " + quote(name) + " of outcome " + label +
                           " holds ratios on the natural scale but does not say which ratio; they are put on the "
                           "log scale only when a ratio measure (OR, RR, HR, IRR, ROM) is chosen",
                       "say which ratio it is, e.g. --map " + name +
                           "=HR (or OR, RR, IRR), or choose the measure (--measure OR); a time-to-event outcome "
                           "type means hazard ratios");
      }
      const bool ci = c.ci_lower >= 0 && c.ci_upper >= 0;
      if (c.estimate < 0 && !ci) {
        missing("the estimate of outcome " + label,
                "contrast-level data need an estimate (TE, yi, effect) or a confidence interval", "TE");
        ok = false;
      } else if (c.se < 0 && c.variance < 0 && !ci && c.p_value < 0) {
        missing("the standard error of outcome " + label,
                "contrast-level data need a standard error (seTE, sei, se), a variance (vi), a confidence "
                "interval or a p-value",
                "seTE");
        ok = false;
      }
      for (int col : {c.estimate, c.se, c.variance, c.ci_lower, c.ci_upper, c.p_value})
        if (col >= 0) s.value_columns.push_back(col);
    } else {
      const int slots = layout_ == Layout::wide_arm ? std::max(max_arm_, 1) : 1;
      for (int k = 1; k <= slots; ++k) {
        const int arm = layout_ == Layout::wide_arm ? k : 0;
        ArmSpec a;
        a.treatment = find(Field::treatment, arm, tag, true);
        a.events = find(Field::events, arm, tag, false);
        a.nonevents = find(Field::nonevents, arm, tag, false);
        a.n = find(Field::n, arm, tag, true);
        a.mean = find(Field::mean, arm, tag, false);
        a.sd = find(Field::sd, arm, tag, false);
        a.sd_baseline = find(Field::sd_baseline, arm, tag, true);
        a.time = find(Field::time, arm, tag, true);
        a.median = find(Field::median, arm, tag, false);
        a.q1 = find(Field::q1, arm, tag, false);
        a.q3 = find(Field::q3, arm, tag, false);
        a.min = find(Field::min, arm, tag, false);
        a.max = find(Field::max, arm, tag, false);
        a.se = find(Field::arm_se, arm, tag, false);
        for (int col : {a.events, a.nonevents, a.mean, a.sd, a.median, a.q1, a.q3, a.min, a.max, a.se})
          if (col >= 0) s.value_columns.push_back(col);
        s.arms.push_back(a);
      }
      // type: forced, else from the fields of the first two arm slots
      bool ev = false, time = false, cont = false;
      for (const ArmSpec& a : s.arms) {
        ev = ev || a.events >= 0 || a.nonevents >= 0;
        time = time || a.time >= 0;
        cont = cont || a.mean >= 0 || a.sd >= 0 || a.median >= 0 || a.q1 >= 0 || a.q3 >= 0 || a.min >= 0 ||
               a.max >= 0 || a.se >= 0;
      }
      if (options_.outcome_type)
        s.type = *options_.outcome_type;
      else if (ev)
        s.type = time ? OutcomeType::rate : OutcomeType::binary;
      else
        s.type = OutcomeType::continuous;
      // columns each arm slot needs (checked for the first two slots; later slots fall back to
      // per-arm "missing value" reports)
      const std::size_t check = std::min<std::size_t>(s.arms.size(), 2);
      for (std::size_t k = 0; k < check && ok; ++k) {
        const ArmSpec& a = s.arms[k];
        const std::string of_arm = layout_ == Layout::wide_arm ? " of arm " + std::to_string(k + 1) : "";
        const std::string suffix = layout_ == Layout::wide_arm ? std::to_string(k + 1) : "";
        const std::string type_words = std::string("a ") + to_string(s.type) + " outcome (" + label + ")";
        switch (s.type) {
          case OutcomeType::binary:
            if (a.events < 0 && !(a.nonevents >= 0 && a.n >= 0)) {
              missing("events" + of_arm, type_words + " needs events and n for each arm", "events" + suffix);
              ok = false;
            } else if (a.n < 0 && a.nonevents < 0) {
              missing("n" + of_arm, type_words + " needs events and n for each arm", "n" + suffix);
              ok = false;
            }
            break;
          case OutcomeType::rate:
            if (a.events < 0) {
              missing("events" + of_arm, type_words + " needs events and person-time for each arm", "events" + suffix);
              ok = false;
            } else if (a.time < 0) {
              missing("person-time" + of_arm, type_words + " needs events and person-time for each arm",
                      "time" + suffix);
              ok = false;
            }
            break;
          case OutcomeType::continuous:
            if (a.mean < 0 && a.median < 0) {
              missing("the mean" + of_arm, type_words + " needs mean, sd and n for each arm", "mean" + suffix);
              ok = false;
            } else if (a.sd < 0 && a.se < 0 && !(a.q1 >= 0 && a.q3 >= 0) && !(a.min >= 0 && a.max >= 0)) {
              missing("the SD" + of_arm, type_words + " needs mean, sd and n for each arm", "sd" + suffix);
              ok = false;
            } else if (a.n < 0) {
              missing("n" + of_arm, type_words + " needs mean, sd and n for each arm", "n" + suffix);
              ok = false;
            }
            break;
          case OutcomeType::contrast:
          case OutcomeType::time_to_event:
            break;
        }
      }
    }
    specs_.push_back(std::move(s));
  }
  return ok;
}

// ---------------------------------------------------------------------------------------------
// Rows

std::optional<double> CsvReader::number(const csv::Row& row, int col, const std::string& study, bool& bad) {
  if (col < 0) return std::nullopt;
  const std::string_view s = cell(row, col);
  if (s.empty()) return std::nullopt;
  if (!table_.decimal_comma && ((s[0] >= '0' && s[0] <= '9') || s[0] == '-')) {  // fast path: a plain number
    double v = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v, std::chars_format::general);
    if (ec == std::errc() && ptr == s.data() + s.size() && std::isfinite(v)) return v;
  }
  if (csv::is_missing(s)) return std::nullopt;
  if (auto v = csv::parse_number(s, table_.decimal_comma)) return v;
  const std::string& name = cols_[static_cast<std::size_t>(col)].name;
  const bool comma = s.find(',') != std::string_view::npos && !table_.decimal_comma;
  Diagnostic& d = diags_.error(
      "not-a-number", loc(row.line, col), "column " + quote(name) + " must be a number, got \"" + std::string(s) + "\"",
      comma ? "write decimals with a point (3.5), not a comma"
            : "write a plain number such as 12 or 3.5; leave the cell empty (or write NA) when the value is missing");
  d.study = study;
  d.field = name;
  bad = true;
  return std::nullopt;
}

void CsvReader::exclude_row(const csv::Row& row, const std::string& study, const std::string& reason) {
  data_.excluded.push_back({"", study, "", reason, {file_, row.line, 0}});
}

std::size_t CsvReader::study_for(const std::string& label, const csv::Row& row) {
  if (study_index_.empty()) {
    study_index_.reserve(table_.rows.size());
    data_.studies.reserve(table_.rows.size());
  }
  auto [it, inserted] = study_index_.emplace(label, data_.studies.size());
  if (inserted) {
    Study s;
    s.label = label;
    s.source = {file_, row.line, 1};
    data_.studies.push_back(std::move(s));
    first_values_.resize(data_.studies.size() * study_level_cols_.size());
    set_study_fields(it->second, row, true);
  } else {
    set_study_fields(it->second, row, false);
  }
  return it->second;
}

void CsvReader::set_study_fields(std::size_t index, const csv::Row& row, bool first) {
  Study& study = data_.studies[index];
  for (std::size_t j = 0; j < study_level_cols_.size(); ++j) {
    const int col = study_level_cols_[j];
    const Column& c = cols_[static_cast<std::size_t>(col)];
    const std::string_view s = cell(row, col);
    if (csv::is_missing(s)) continue;
    std::string_view& seen = first_values_[index * study_level_cols_.size() + j];
    if (!first && !seen.empty()) {
      if (seen != s && !varying_reported_[j]) {
        varying_reported_[j] = 1;
        Diagnostic& d =
            diags_.note("varying-study-value", loc(row.line, col),
                        "column " + quote(c.name) + " has different values within study " + quote(study.label) +
                            " (\"" + std::string(seen) + "\" and \"" + std::string(s) + "\" on line " +
                            std::to_string(row.line) + "); the first value is kept as the study's value",
                        "a study-level column should have one value per study");
        d.study = study.label;
        d.field = c.name;
      }
      continue;
    }
    seen = s;
    auto bad_judgement = [&](const char* what) {
      Diagnostic& d = diags_.warning("bad-judgement", loc(row.line, col),
                                     "column " + quote(c.name) + " must be a " + what +
                                         " judgement (low, some concerns, high; or L/M/H, 1/2/3), got \"" +
                                         std::string(s) + "\"; it is ignored",
                                     "use low, some concerns or high");
      d.study = study.label;
      d.field = c.name;
    };
    switch (c.field) {
      case Field::year: {
        const auto v = csv::parse_number(s, table_.decimal_comma);
        if (v && *v == std::floor(*v) && std::fabs(*v) < 1e6) {
          study.year = static_cast<int>(*v);
        } else {
          Diagnostic& d = diags_.warning("bad-year", loc(row.line, col),
                                         "column " + quote(c.name) + " must be a whole number (a year), got \"" +
                                             std::string(s) + "\"; it is kept as a covariate",
                                         "write the year as a number such as 1998");
          d.study = study.label;
          d.field = c.name;
          study.covariates[c.name] = {std::string(s), v};
        }
        break;
      }
      case Field::rob_overall:
        if (auto j2 = parse_judgement(std::string(s)))
          study.rob.overall = j2;
        else
          bad_judgement("risk-of-bias");
        break;
      case Field::rob_domain:
        if (auto j2 = parse_judgement(std::string(s)))
          study.rob.domains[static_cast<std::size_t>(c.domain - 1)] = j2;
        else
          bad_judgement("risk-of-bias");
        break;
      case Field::indirectness:
        if (auto j2 = parse_judgement(std::string(s)))
          study.indirectness = j2;
        else
          bad_judgement("indirectness");
        break;
      case Field::covariate:
        study.covariates[c.covariate] = {std::string(s), csv::parse_number(s, table_.decimal_comma)};
        break;
      default:
        break;
    }
  }
}

std::size_t CsvReader::outcome_for(std::size_t spec, const csv::Row& row) {
  const bool fixed = outcome_col_ < 0 && time_point_col_ < 0;
  if (fixed && spec < fixed_outcome_.size() && fixed_outcome_[spec] != Dataset::npos) return fixed_outcome_[spec];
  const OutcomeSpec& s = specs_[spec];
  std::string name = s.tag.empty() ? default_outcome_name_ : s.tag;
  std::string time_point;
  if (outcome_col_ >= 0) {
    const std::string value(cell(row, outcome_col_));
    name = s.tag.empty() ? value : value + " - " + s.tag;
  }
  if (time_point_col_ >= 0 && present(row, time_point_col_)) time_point = std::string(cell(row, time_point_col_));
  const std::string key = std::to_string(spec) + '\x1f' + name + '\x1f' + time_point;
  auto [it, inserted] = outcome_index_.emplace(key, data_.outcomes.size());
  if (inserted) {
    Outcome o;
    o.name = name;
    o.type = s.type;
    if (!s.contrast.measure.empty()) o.measure = s.contrast.measure;
    if (fixed) o.data.reserve(table_.rows.size());
    if (!time_point.empty()) o.time_point = time_point;
    data_.outcomes.push_back(std::move(o));
    OutcomeState st;
    st.spec = spec;
    states_.push_back(std::move(st));
    csv::ContrastColumns cc;
    const ContrastSpec& c = s.contrast;
    cc = {c.treat1 + 1,   c.treat2 + 1,  c.estimate + 1, c.se + 1, c.variance + 1, c.ci_lower + 1,
          c.ci_upper + 1, c.p_value + 1, c.n1 + 1,       c.n2 + 1, c.events1 + 1,  c.events2 + 1};
    contrast_columns_.push_back(cc);
  }
  if (fixed) {
    if (fixed_outcome_.size() <= spec) fixed_outcome_.resize(spec + 1, Dataset::npos);
    fixed_outcome_[spec] = it->second;
  }
  return it->second;
}

std::size_t CsvReader::data_for(std::size_t outcome, std::size_t study) {
  OutcomeState& st = states_[outcome];
  if (st.data_of_study.size() <= study) st.data_of_study.resize(data_.studies.size(), Dataset::npos);
  std::size_t& index = st.data_of_study[study];
  if (index == Dataset::npos) {
    index = data_.outcomes[outcome].data.size();
    StudyData sd;
    sd.study = study;
    if (layout_ == Layout::wide_arm) sd.arms.reserve(specs_[st.spec].arms.size());
    data_.outcomes[outcome].data.push_back(std::move(sd));
    st.reported.push_back(0);
  }
  return index;
}

void CsvReader::read_arm(const csv::Row& row, std::size_t outcome, std::size_t study, const ArmSpec& a,
                         const std::string& treatment, bool wide_slot) {
  const std::string& label = data_.studies[study].label;
  bool bad = false;
  Arm arm;
  arm.treatment = treatment;
  arm.events = number(row, a.events, label, bad);
  const auto nonevents = number(row, a.nonevents, label, bad);
  arm.n = number(row, a.n, label, bad);
  arm.mean = number(row, a.mean, label, bad);
  arm.sd = number(row, a.sd, label, bad);
  arm.sd_baseline = number(row, a.sd_baseline, label, bad);
  arm.time = number(row, a.time, label, bad);
  arm.median = number(row, a.median, label, bad);
  arm.q1 = number(row, a.q1, label, bad);
  arm.q3 = number(row, a.q3, label, bad);
  arm.min = number(row, a.min, label, bad);
  arm.max = number(row, a.max, label, bad);
  arm.se = number(row, a.se, label, bad);
  auto col1 = [](int c) { return c < 0 ? 0 : c + 1; };
  arm.columns.treatment = col1(a.treatment);
  arm.columns.events = col1(a.events);
  arm.columns.n = col1(a.n);
  arm.columns.mean = col1(a.mean);
  arm.columns.sd = col1(a.sd);
  arm.columns.sd_baseline = col1(a.sd_baseline);
  arm.columns.time = col1(a.time);
  arm.columns.median = col1(a.median);
  arm.columns.q1 = col1(a.q1);
  arm.columns.q3 = col1(a.q3);
  arm.columns.min = col1(a.min);
  arm.columns.max = col1(a.max);
  arm.columns.se = col1(a.se);
  // events / non-events (metafor ai, bi): n = ai + bi; events = n - bi
  if (nonevents) {
    if (!arm.n && arm.events) {
      arm.n = *arm.events + *nonevents;
      arm.columns.n = col1(a.nonevents);
    } else if (arm.n && !arm.events) {
      arm.events = *arm.n - *nonevents;
      arm.columns.events = col1(a.nonevents);
    }
  }
  int first_col = a.treatment;
  if (first_col < 0)
    for (int c : {a.events, a.nonevents, a.n, a.mean, a.sd, a.median, a.time})
      if (c >= 0 && (first_col < 0 || c < first_col)) first_col = c;
  arm.source = wide_slot ? loc(row.line, first_col) : SourceLocation{file_, row.line, 1};
  if (bad) {
    data_.excluded.push_back({data_.outcomes[outcome].name, label, treatment, "a cell is not a number", arm.source});
    return;
  }
  bool reported = false;
  for (int c : {a.events, a.nonevents, a.mean, a.sd, a.median, a.q1, a.q3, a.min, a.max, a.se})
    if (present(row, c)) reported = true;
  const std::size_t d = data_for(outcome, study);
  data_.outcomes[outcome].data[d].arms.push_back(std::move(arm));
  if (reported) ++states_[outcome].reported[d];
}

void CsvReader::read_contrast(const csv::Row& row, std::size_t outcome, std::size_t study, const ContrastSpec& c) {
  const std::string& label = data_.studies[study].label;
  ContrastRecord r;
  r.source = {file_, row.line, 1};
  if (c.treat1 >= 0 || c.treat2 >= 0) {
    r.treat1 = std::string(cell(row, c.treat1));
    r.treat2 = std::string(cell(row, c.treat2));
    if (csv::is_missing(r.treat1) || csv::is_missing(r.treat2)) {
      const int col = csv::is_missing(r.treat1) ? c.treat1 : c.treat2;
      Diagnostic& d = diags_.warning("missing-value", loc(row.line, col),
                                     "missing treatment" + in_column(col) + " for a comparison of study " +
                                         quote(label) + "; the comparison is excluded",
                                     "every comparison needs both treatment names");
      d.study = label;
      if (col >= 0) d.field = cols_[static_cast<std::size_t>(col)].name;
      data_.excluded.push_back({data_.outcomes[outcome].name, label, "", "missing treatment", r.source});
      return;
    }
  } else {
    r.treat1 = "Experimental";
    r.treat2 = "Control";
  }
  bool bad = false;
  r.estimate = number(row, c.estimate, label, bad);
  r.se = number(row, c.se, label, bad);
  r.variance = number(row, c.variance, label, bad);
  r.ci_lower = number(row, c.ci_lower, label, bad);
  r.ci_upper = number(row, c.ci_upper, label, bad);
  r.log_scale = !c.natural;
  bool not_positive = false;  // a ratio on the natural scale (or a limit of its CI) <= 0
  if (c.natural) {
    for (const auto& [value, col] :
         {std::pair{&r.estimate, c.estimate}, std::pair{&r.ci_lower, c.ci_lower}, std::pair{&r.ci_upper, c.ci_upper}}) {
      if (!*value || **value > 0) continue;
      const bool limit = col != c.estimate;
      const std::string& name = cols_[static_cast<std::size_t>(col)].name;
      Diagnostic& d =
          diags_.error("non-positive-ratio", loc(row.line, col),
                       "column " + quote(name) + " must be > 0 (" + (limit ? "a confidence limit of " : "") +
                           ratio_words(c.measure) + " on the natural scale), got \"" + std::string(cell(row, col)) +
                           "\" (comparison " + quote(r.treat1) + " vs " + quote(r.treat2) + " of study " +
                           quote(label) + "); the comparison is excluded",
                       log_ratio_hint(c.measure, limit));
      d.study = label;
      d.field = name;
      not_positive = true;
    }
  }
  r.p_value = number(row, c.p_value, label, bad);
  r.n1 = number(row, c.n1, label, bad);
  r.n2 = number(row, c.n2, label, bad);
  r.events1 = number(row, c.events1, label, bad);
  r.events2 = number(row, c.events2, label, bad);
  if (bad) {
    data_.excluded.push_back(
        {data_.outcomes[outcome].name, label, r.treat1 + " vs " + r.treat2, "a cell is not a number", r.source});
    return;
  }
  if (not_positive) {
    data_.excluded.push_back({data_.outcomes[outcome].name, label, r.treat1 + " vs " + r.treat2,
                              ratio_words(c.measure) + " on the natural scale must be > 0", r.source});
    return;
  }
  bool reported = false;
  for (int col : {c.estimate, c.se, c.variance, c.ci_lower, c.ci_upper, c.p_value})
    if (present(row, col)) reported = true;
  const std::size_t d = data_for(outcome, study);
  data_.outcomes[outcome].data[d].contrasts.push_back(std::move(r));
  if (reported) ++states_[outcome].reported[d];
}

/// Study labels of a file with one row per study: the study column, or row numbers (netmeta's
/// convention) when there is none; duplicate labels within an outcome are made unique.
std::vector<std::string> CsvReader::one_row_labels() {
  const std::size_t rows = table_.rows.size();
  std::vector<std::string> labels(rows);
  if (study_col_ < 0) {
    for (std::size_t r = 1; r < rows; ++r) labels[r] = std::to_string(r);
    diags_.note("no-study-column", {file_, table_.rows[0].line, 0},
                "no study column: the " + std::to_string(rows - 1) +
                    " rows are numbered 1, 2, ... as study labels (as netmeta does)",
                "add a column 'study' to name the studies");
    return labels;
  }
  // Rows sharing a label (within one value of the outcome column): a hash map of views into
  // `labels` (or `keys`), first row -> index of its group.
  std::vector<std::string> keys;  // label + outcome, only when there is an outcome column
  if (outcome_col_ >= 0) keys.resize(rows);
  std::unordered_map<std::string_view, std::size_t> first_row;
  first_row.reserve(rows);
  std::vector<std::vector<std::size_t>> groups;           // rows of each duplicated label, in file order
  std::unordered_map<std::size_t, std::size_t> group_of;  // first row -> group
  for (std::size_t r = 1; r < rows; ++r) {
    labels[r] = std::string(cell(table_.rows[r], study_col_));
    if (labels[r].empty() || csv::is_missing(labels[r])) continue;
    std::string_view key = labels[r];
    if (outcome_col_ >= 0) {
      keys[r] = labels[r] + '\x1f';
      keys[r] += cell(table_.rows[r], outcome_col_);
      key = keys[r];
    }
    auto [it, inserted] = first_row.emplace(key, r);
    if (inserted) continue;
    auto [g, added] = group_of.emplace(it->second, groups.size());
    if (added) groups.push_back({it->second});
    groups[g->second].push_back(r);
  }
  // candidates for telling duplicates apart: year, then other study-like columns, then the line
  int year_col = -1;
  std::vector<int> id_cols;
  for (const Column& c : cols_) {
    if (c.field == Field::year) year_col = c.index;
    if (c.field == Field::covariate && !c.demoted_reason.empty() && c.demoted_reason.rfind("the study label", 0) == 0)
      id_cols.push_back(c.index);
  }
  for (const std::vector<std::size_t>& g : groups) {
    const std::string base = labels[g[0]];
    auto distinct = [&](int col) {
      if (col < 0) return false;
      std::unordered_set<std::string_view> seen;
      for (std::size_t r : g) {
        const std::string_view v = cell(table_.rows[r], col);
        if (csv::is_missing(v) || !seen.insert(v).second) return false;
      }
      return true;
    };
    int by = -1;
    if (distinct(year_col)) by = year_col;
    for (std::size_t i = 0; by < 0 && i < id_cols.size(); ++i)
      if (distinct(id_cols[i])) by = id_cols[i];
    std::string lines, renamed;
    for (std::size_t i = 0; i < g.size(); ++i) {  // NOLINT(modernize-loop-convert)
      const csv::Row& row = table_.rows[g[i]];
      const std::string suffix = by >= 0 ? std::string(cell(row, by)) : "line " + std::to_string(row.line);
      labels[g[i]] = base + " (" + suffix + ")";
      if (i) {
        lines += ", ";
        renamed += ", ";
      }
      lines += std::to_string(row.line);
      renamed += quote(labels[g[i]]);
    }
    Diagnostic& d = diags_.warning(
        "duplicate-study", loc(table_.rows[g[1]].line, study_col_),
        "study label " + quote(base) + " is used by " + std::to_string(g.size()) + " rows (lines " + lines +
            ") of a file with one row per study; they are read as " + std::to_string(g.size()) + " studies: " + renamed,
        "give each study its own label; if these rows are arms of one study, use one row per arm");
    d.study = base;
  }
  return labels;
}

void CsvReader::read_rows() {
  const std::size_t ncols = cols_.size();
  varying_reported_.assign(study_level_cols_.size(), 0);
  std::vector<std::string> labels;
  const bool one_row_per_study =
      layout_ == Layout::wide_arm || layout_ == Layout::single_group || (layout_ == Layout::contrast && study_col_ < 0);
  if (one_row_per_study) labels = one_row_labels();

  std::string label;
  for (std::size_t r = 1; r < table_.rows.size(); ++r) {
    const csv::Row& row = table_.rows[r];
    const std::string study_text = study_col_ >= 0 ? std::string(cell(row, study_col_)) : std::string();
    if (row.count != ncols) {
      bool extra_empty = row.count > ncols;
      for (std::size_t i = ncols; i < row.count && extra_empty; ++i)
        if (!csv::trim(table_.cell(row, i)).empty()) extra_empty = false;
      if (!extra_empty) {
        const std::string reason =
            "row has " + std::to_string(row.count) + " cells, the header has " + std::to_string(ncols);
        Diagnostic& d = diags_.error("ragged-row", {file_, row.line, 0},
                                     "line " + std::to_string(row.line) + " has " + std::to_string(row.count) +
                                         " cells but the header has " + std::to_string(ncols) + "; the row is skipped",
                                     "check for a missing or extra separator (a value containing '" +
                                         std::string(1, table_.separator) + "' must be quoted)");
        d.study = study_text;
        exclude_row(row, study_text, reason);
        continue;
      }
    }
    label = one_row_per_study ? labels[r] : study_text;
    if (label.empty() || csv::is_missing(label)) {
      Diagnostic& d = diags_.warning("missing-value", loc(row.line, study_col_),
                                     "missing study label" + in_column(study_col_) + "; the row is skipped",
                                     "every row needs the label of its study");
      if (study_col_ >= 0) d.field = cols_[static_cast<std::size_t>(study_col_)].name;
      exclude_row(row, "", "missing study label");
      continue;
    }
    if (outcome_col_ >= 0 && !present(row, outcome_col_)) {
      Diagnostic& d = diags_.warning("missing-value", loc(row.line, outcome_col_),
                                     "missing outcome name" + in_column(outcome_col_) + "; the row is skipped",
                                     "every row needs the name of its outcome");
      d.study = label;
      exclude_row(row, label, "missing outcome name");
      continue;
    }
    std::string treatment;
    if (layout_ == Layout::long_arm) {
      const int tcol = specs_[0].arms[0].treatment;
      treatment = std::string(cell(row, tcol));
      if (csv::is_missing(treatment)) {
        Diagnostic& d = diags_.warning(
            "missing-value", loc(row.line, tcol),
            "missing treatment" + in_column(tcol) + " for study " + quote(label) + "; the row is skipped",
            "every arm needs the name of its treatment");
        d.study = label;
        exclude_row(row, label, "missing treatment");
        continue;
      }
    }
    const std::size_t study = study_for(label, row);
    for (std::size_t s = 0; s < specs_.size(); ++s) {
      const OutcomeSpec& spec = specs_[s];
      const std::size_t outcome = outcome_for(s, row);
      switch (layout_) {
        case Layout::long_arm:
          read_arm(row, outcome, study, spec.arms[0], treatment, false);
          break;
        case Layout::single_group:
          read_arm(row, outcome, study, spec.arms[0], "Single group", false);
          break;
        case Layout::contrast:
          read_contrast(row, outcome, study, spec.contrast);
          break;
        case Layout::wide_arm: {
          bool any_arm = false;
          for (std::size_t k = 0; k < spec.arms.size(); ++k) {
            const ArmSpec& a = spec.arms[k];
            std::string name;
            if (has_treatment_columns_) {
              name = std::string(cell(row, a.treatment));
              if (csv::is_missing(name)) {
                // values of this outcome (the shared n and person-time only count once, for the first)
                bool values = false;
                for (int c : {a.events, a.nonevents, a.mean, a.sd, a.median, a.q1, a.q3, a.min, a.max, a.se})
                  if (present(row, c)) values = true;
                if (s == 0 && (present(row, a.n) || present(row, a.time))) values = true;
                if (values) {
                  Diagnostic& d = diags_.warning("missing-value", loc(row.line, a.treatment),
                                                 "arm " + std::to_string(k + 1) + " of study " + quote(label) +
                                                     " has values but no treatment" + in_column(a.treatment) +
                                                     "; the arm is excluded",
                                                 "give the arm's treatment, or clear its cells");
                  d.study = label;
                  data_.excluded.push_back({data_.outcomes[outcome].name, label, "arm " + std::to_string(k + 1),
                                            "no treatment", loc(row.line, a.treatment)});
                }
                continue;
              }
            } else {
              name = k == 0 ? "Experimental" : k == 1 ? "Control" : "Arm " + std::to_string(k + 1);
            }
            any_arm = true;
            read_arm(row, outcome, study, a, name, true);
          }
          if (!any_arm && s == 0) {
            Diagnostic& d = diags_.warning(
                "no-arms", {file_, row.line, 0},
                "study " + quote(label) + " has no arms (all its treatment cells are empty); the row is skipped",
                "give the treatments of the study's arms");
            d.study = label;
            exclude_row(row, label, "no arms");
          }
          break;
        }
      }
    }
  }
}

void CsvReader::finish_outcomes() {
  for (std::size_t o = 0; o < data_.outcomes.size(); ++o) {
    Outcome& outcome = data_.outcomes[o];
    const OutcomeState& st = states_[o];
    std::vector<StudyData> kept;
    kept.reserve(outcome.data.size());
    for (std::size_t d = 0; d < outcome.data.size(); ++d) {
      StudyData& sd = outcome.data[d];
      if (st.reported[d] > 0) {
        kept.push_back(std::move(sd));
        continue;
      }
      if (sd.arms.empty() && sd.contrasts.empty()) continue;  // every arm excluded already
      const Study& study = data_.studies[sd.study];
      const SourceLocation where = !sd.arms.empty() ? SourceLocation{file_, sd.arms[0].source.line, 0}
                                                    : SourceLocation{file_, sd.contrasts[0].source.line, 0};
      Diagnostic diag;
      diag.code = "no-data";
      diag.severity = multi_outcome_ ? Severity::note : Severity::warning;
      diag.location = where;
      diag.study = study.label;
      diag.message = "study " + quote(study.label) + " has no data for outcome " + quote(outcome.name) +
                     " (its cells are empty); it is left out of this outcome";
      diags_.add(std::move(diag));
      data_.excluded.push_back({outcome.name, study.label, "", "no data for this outcome", where});
    }
    outcome.data = std::move(kept);
  }
}

void CsvReader::apply_treatment_labels() {
  if (!options_.treatment_labels_file) return;
  const std::string& path = *options_.treatment_labels_file;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags_.error("labels-file", {path, 0, 0}, "cannot open the treatment labels file " + quote(path),
                 "give a CSV file with the columns Number,Label");
    return;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string content = ss.str();
  Diagnostics local;
  const csv::DecodedText text = csv::decode_text(content, path, options_.max_file_bytes, local);
  std::unordered_map<std::string, std::string> labels;
  if (text.ok) {
    const csv::Table t = csv::tokenize(text.text, path, local);
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      const csv::Row& row = t.rows[r];
      const std::string key(csv::trim(t.cell(row, 0)));
      const std::string value(csv::trim(t.cell(row, 1)));
      if (r == 0 && !csv::parse_number(key, false)) continue;  // header "Number,Label"
      if (row.count < 2 || key.empty() || value.empty()) {
        local.warning("labels-file", {path, row.line, 0},
                      "line " + std::to_string(row.line) + " of the treatment labels file needs a number and a label");
        continue;
      }
      labels[key] = value;
    }
  }
  diags_.append(local);
  if (labels.empty()) {
    diags_.error("labels-file", {path, 0, 0}, "the treatment labels file " + quote(path) + " holds no labels",
                 "give one line per treatment: number,label");
    return;
  }
  std::unordered_set<std::string> unknown;
  auto relabel = [&](std::string& t, const SourceLocation& where) {
    auto it = labels.find(t);
    if (it == labels.end())
      if (auto v = csv::parse_number(t, false)) it = labels.find(csv::format_number(*v));
    if (it != labels.end()) {
      t = it->second;
    } else if (unknown.insert(t).second) {
      diags_.warning("unknown-treatment-code", where,
                     "treatment " + quote(t) + " is not in the labels file " + quote(path) + "; it keeps its name",
                     "add a line '" + t + ",LABEL' to the labels file");
    }
  };
  for (Outcome& o : data_.outcomes)
    for (StudyData& sd : o.data) {
      for (Arm& a : sd.arms) relabel(a.treatment, a.source);
      for (ContrastRecord& c : sd.contrasts) {
        relabel(c.treat1, c.source);
        relabel(c.treat2, c.source);
      }
    }
}

ReadResult CsvReader::run() {
  data_.source_file = file_;
  decoded_ = csv::decode_text(text_, file_, options_.max_file_bytes, diags_);
  if (!decoded_.ok) return std::move(result_);
  table_ = csv::tokenize(decoded_.text, file_, diags_);
  if (table_.fatal) return std::move(result_);
  if (table_.rows.empty()) {
    diags_.error("empty-file", {file_, 0, 0}, "file is empty",
                 "a CSV file needs a header row and one row per arm or per study");
    return std::move(result_);
  }
  if (table_.rows.size() == 1) {
    diags_.error("header-only", {file_, table_.rows[0].line, 0}, "file has a header but no data rows",
                 "add one row per arm or per study below the header");
    return std::move(result_);
  }
  if (!read_header()) return std::move(result_);
  if (!decide_layout()) return std::move(result_);
  demote_for_layout();
  if (!check_duplicates()) return std::move(result_);
  if (!build_specs()) return std::move(result_);
  switch (layout_) {
    case Layout::long_arm:
      data_.format = "csv-long-arm";
      break;
    case Layout::wide_arm:
      data_.format = has_treatment_columns_ ? "csv-wide-arm" : "csv-two-group";
      break;
    case Layout::contrast:
      data_.format = "csv-contrast";
      break;
    case Layout::single_group:
      data_.format = "csv-single-group";
      break;
  }
  read_rows();
  finish_outcomes();
  apply_treatment_labels();
  csv::TabularContext context;
  context.header = header_names();
  context.contrast_columns = contrast_columns_;
  validate_dataset_tabular(data_, diags_, &context);
  return std::move(result_);
}

}  // namespace

ReadResult read_csv(std::string_view text, const std::string& filename, const ReadOptions& options) {
  CsvReader reader(text, filename, options);
  return reader.run();
}

}  // namespace evident
