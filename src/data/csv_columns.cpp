// evident: what CSV header names mean (aliases of R packages, CINeMA and MetaInsight; see
// docs/methods/input-formats.md for the full list).
#include <string>
#include <unordered_map>

#include "evident/data/csv.hpp"

namespace evident::csv {

namespace {

struct Alias {
  const char* name;
  Field field;
  int arm;
  int priority;
  const char* measure = nullptr;  ///< effect measure the name implies (ratio estimates)
};

// Whole names (after normalize_name). Study columns carry a priority: when a file has several,
// the lowest wins and the others become covariates (dat.hasselblad1998: `study` beats `id`).
constexpr Alias kWholeNames[] = {
    {"study", Field::study, 0, 0},
    {"studlab", Field::study, 0, 1},
    {"studyid", Field::study, 0, 2},
    {"studyname", Field::study, 0, 3},
    {"studylabel", Field::study, 0, 3},
    {"trial", Field::study, 0, 4},
    {"trialname", Field::study, 0, 4},
    {"trialid", Field::study, 0, 4},
    {"id", Field::study, 0, 5},
    {"author", Field::study, 0, 6},
    {"authors", Field::study, 0, 6},
    {"firstauthor", Field::study, 0, 6},

    {"treatment", Field::treatment, 0, 0},
    {"treat", Field::treatment, 0, 1},
    {"trt", Field::treatment, 0, 2},
    {"intervention", Field::treatment, 0, 3},
    {"int", Field::treatment, 0, 4},
    {"t", Field::treatment, 0, 5},

    {"events", Field::events, 0, 0},
    {"event", Field::events, 0, 0},
    {"r", Field::events, 0, 0},
    {"x", Field::events, 0, 0},
    {"xi", Field::events, 0, 0},
    {"resp", Field::events, 0, 0},
    {"responders", Field::events, 0, 0},
    {"nonevents", Field::nonevents, 0, 0},
    {"nonevent", Field::nonevents, 0, 0},
    {"n", Field::n, 0, 0},
    {"ni", Field::n, 0, 0},
    {"total", Field::n, 0, 0},
    {"samplesize", Field::n, 0, 0},
    {"mean", Field::mean, 0, 0},
    {"y", Field::mean, 0, 0},
    {"mi", Field::mean, 0, 0},
    {"m", Field::mean, 0, 0},
    {"sd", Field::sd, 0, 0},
    {"sdi", Field::sd, 0, 0},
    {"s", Field::sd, 0, 0},
    {"stdev", Field::sd, 0, 0},
    {"stddev", Field::sd, 0, 0},
    {"sdbaseline", Field::sd_baseline, 0, 0},
    {"baselinesd", Field::sd_baseline, 0, 0},
    {"time", Field::time, 0, 0},
    {"persontime", Field::time, 0, 0},
    {"personyears", Field::time, 0, 0},
    {"years", Field::time, 0, 0},
    {"exposure", Field::time, 0, 0},
    {"ti", Field::time, 0, 0},
    {"median", Field::median, 0, 0},
    {"q1", Field::q1, 0, 0},
    {"iqrlower", Field::q1, 0, 0},
    {"lowerquartile", Field::q1, 0, 0},
    {"q3", Field::q3, 0, 0},
    {"iqrupper", Field::q3, 0, 0},
    {"upperquartile", Field::q3, 0, 0},
    {"min", Field::min, 0, 0},
    {"minimum", Field::min, 0, 0},
    {"rangelower", Field::min, 0, 0},
    {"max", Field::max, 0, 0},
    {"maximum", Field::max, 0, 0},
    {"rangeupper", Field::max, 0, 0},

    {"se", Field::se_any, 0, 0},
    {"te", Field::estimate, 0, 0},
    {"effect", Field::estimate, 0, 0},
    {"yi", Field::estimate, 0, 0},
    {"estimate", Field::estimate, 0, 0},
    {"est", Field::estimate, 0, 0},
    // Ratios on the natural scale (HR 0.62, 95% CI 0.45 to 0.85): logged by the effects layer.
    {"hr", Field::ratio_estimate, 0, 0, "HR"},
    {"hazardratio", Field::ratio_estimate, 0, 0, "HR"},
    {"or", Field::ratio_estimate, 0, 0, "OR"},
    {"oddsratio", Field::ratio_estimate, 0, 0, "OR"},
    {"rr", Field::ratio_estimate, 0, 0, "RR"},
    {"riskratio", Field::ratio_estimate, 0, 0, "RR"},
    {"irr", Field::ratio_estimate, 0, 0, "IRR"},
    {"ratio", Field::ratio_estimate, 0, 0, nullptr},
    // Their logs: estimates on the analysis scale that name the measure.
    {"loghr", Field::estimate, 0, 0, "HR"},
    {"lnhr", Field::estimate, 0, 0, "HR"},
    {"logor", Field::estimate, 0, 0, "OR"},
    {"lnor", Field::estimate, 0, 0, "OR"},
    {"logrr", Field::estimate, 0, 0, "RR"},
    {"lnrr", Field::estimate, 0, 0, "RR"},
    {"logirr", Field::estimate, 0, 0, "IRR"},
    {"lnirr", Field::estimate, 0, 0, "IRR"},
    {"sete", Field::se, 0, 0},
    {"selnor", Field::se, 0, 0},
    {"selogor", Field::se, 0, 0},
    {"selnhr", Field::se, 0, 0},
    {"seloghr", Field::se, 0, 0},
    {"selnrr", Field::se, 0, 0},
    {"selogrr", Field::se, 0, 0},
    {"sei", Field::se, 0, 0},
    {"stderr", Field::se, 0, 0},
    {"standarderror", Field::se, 0, 0},
    {"vi", Field::variance, 0, 0},
    {"var", Field::variance, 0, 0},
    {"variance", Field::variance, 0, 0},
    {"lower", Field::ci_lower, 0, 0},
    {"cilb", Field::ci_lower, 0, 0},
    {"cilower", Field::ci_lower, 0, 0},
    {"lowerci", Field::ci_lower, 0, 0},
    {"lci", Field::ci_lower, 0, 0},
    {"upper", Field::ci_upper, 0, 0},
    {"ciub", Field::ci_upper, 0, 0},
    {"ciupper", Field::ci_upper, 0, 0},
    {"upperci", Field::ci_upper, 0, 0},
    {"uci", Field::ci_upper, 0, 0},
    {"p", Field::p_value, 0, 0},
    {"pval", Field::p_value, 0, 0},
    {"pvalue", Field::p_value, 0, 0},

    {"year", Field::year, 0, 0},
    {"rob", Field::rob_overall, 0, 0},
    {"overall", Field::rob_overall, 0, 0},
    {"roboverall", Field::rob_overall, 0, 0},
    {"overallrob", Field::rob_overall, 0, 0},
    {"riskofbias", Field::rob_overall, 0, 0},
    {"indirectness", Field::indirectness, 0, 0},
    {"outcome", Field::outcome, 0, 0},
    {"timepoint", Field::time_point, 0, 0},
    {"followup", Field::time_point, 0, 0},

    // metafor escalc() two-group names: group 1 (experimental) and group 2 (control).
    {"ai", Field::events, 1, 0},
    {"bi", Field::nonevents, 1, 0},
    {"ci", Field::events, 2, 0},
    {"di", Field::nonevents, 2, 0},
    {"n1i", Field::n, 1, 0},
    {"n2i", Field::n, 2, 0},
    {"m1i", Field::mean, 1, 0},
    {"m2i", Field::mean, 2, 0},
    {"sd1i", Field::sd, 1, 0},
    {"sd2i", Field::sd, 2, 0},
    {"x1i", Field::events, 1, 0},
    {"x2i", Field::events, 2, 0},
    {"t1i", Field::time, 1, 0},
    {"t2i", Field::time, 2, 0},
};

// Stems of numbered arm columns: treat1, T.1, event2, N.3, Mean.1, years2 ...
constexpr Alias kArmStems[] = {
    {"treatment", Field::treatment, 0, 0},
    {"treat", Field::treatment, 0, 1},
    {"trt", Field::treatment, 0, 2},
    {"intervention", Field::treatment, 0, 3},
    {"int", Field::treatment, 0, 4},
    {"t", Field::treatment, 0, 5},
    {"event", Field::events, 0, 0},
    {"events", Field::events, 0, 0},
    {"r", Field::events, 0, 0},
    {"x", Field::events, 0, 0},
    {"resp", Field::events, 0, 0},
    {"nonevent", Field::nonevents, 0, 0},
    {"nonevents", Field::nonevents, 0, 0},
    {"n", Field::n, 0, 0},
    {"total", Field::n, 0, 0},
    {"samplesize", Field::n, 0, 0},
    {"mean", Field::mean, 0, 0},
    {"y", Field::mean, 0, 0},
    {"m", Field::mean, 0, 0},
    {"sd", Field::sd, 0, 0},
    {"s", Field::sd, 0, 0},
    {"sdbaseline", Field::sd_baseline, 0, 0},
    {"time", Field::time, 0, 0},
    {"years", Field::time, 0, 0},
    {"persontime", Field::time, 0, 0},
    {"personyears", Field::time, 0, 0},
    {"exposure", Field::time, 0, 0},
    {"median", Field::median, 0, 0},
    {"q1", Field::q1, 0, 0},
    {"q3", Field::q3, 0, 0},
    {"min", Field::min, 0, 0},
    {"max", Field::max, 0, 0},
    {"se", Field::arm_se, 0, 0},
};

using AliasMap = std::unordered_map<std::string, FieldRole>;

const AliasMap& whole_names() {
  static const AliasMap map = [] {
    AliasMap m;
    for (const auto& a : kWholeNames) m.emplace(a.name, FieldRole{a.field, a.arm, 0, a.priority, a.measure});
    // RoB 2 domains: rob.d1, rob_d1, RoB_D1, rob.1, D1, domain1 ...
    for (int d = 1; d <= 5; ++d) {
      const std::string k = std::to_string(d);
      for (const char* prefix : {"robd", "rob", "d", "robdomain", "domain"})
        m.emplace(std::string(prefix) + k, FieldRole{Field::rob_domain, 0, d, 0, nullptr});
    }
    return m;
  }();
  return map;
}

const AliasMap& arm_stems() {
  static const AliasMap map = [] {
    AliasMap m;
    for (const auto& a : kArmStems) m.emplace(a.name, FieldRole{a.field, 0, 0, a.priority, nullptr});
    return m;
  }();
  return map;
}

}  // namespace

std::string normalize_name(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (const char c : name) {
    if (c == '.' || c == '_' || c == '-' || c == ' ' || c == '\t') continue;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

std::optional<FieldRole> recognize_column(std::string_view name) {
  const std::string key = normalize_name(name);
  if (key.empty()) return std::nullopt;
  if (auto it = whole_names().find(key); it != whole_names().end()) return it->second;
  // Numbered arm column: the longest known stem followed by an arm number >= 1.
  std::size_t digits = key.size();
  while (digits > 0 && key[digits - 1] >= '0' && key[digits - 1] <= '9') --digits;
  if (digits == key.size() || digits == 0) return std::nullopt;
  for (std::size_t split = key.size() - 1; split >= digits; --split) {
    const std::string stem = key.substr(0, split);
    const std::string number = key.substr(split);
    if (number[0] == '0' || number.size() > 3) continue;
    if (auto it = arm_stems().find(stem); it != arm_stems().end()) {
      FieldRole role = it->second;
      role.arm = std::stoi(number);
      return role;
    }
    if (split == digits) break;
  }
  return std::nullopt;
}

std::optional<FieldRole> recognize_field(std::string_view name) {
  const std::string key = normalize_name(name);
  if (key == "covariate" || key == "covar") return FieldRole{Field::covariate, 0, 0, 0, nullptr};
  if (key == "ignore" || key == "skip") return FieldRole{Field::ignore, 0, 0, 0, nullptr};
  if (key == "treat1" || key == "treat2") return FieldRole{Field::treatment, key == "treat1" ? 1 : 2, 0, 0, nullptr};
  return recognize_column(name);
}

const char* field_name(Field f) {
  switch (f) {
    case Field::none:
      return "none";
    case Field::study:
      return "study";
    case Field::treatment:
      return "treatment";
    case Field::events:
      return "events";
    case Field::nonevents:
      return "nonevents";
    case Field::n:
      return "n";
    case Field::mean:
      return "mean";
    case Field::sd:
      return "sd";
    case Field::sd_baseline:
      return "sd_baseline";
    case Field::time:
      return "time";
    case Field::median:
      return "median";
    case Field::q1:
      return "q1";
    case Field::q3:
      return "q3";
    case Field::min:
      return "min";
    case Field::max:
      return "max";
    case Field::se_any:
      return "se";
    case Field::arm_se:
      return "se";
    case Field::estimate:
      return "TE";
    case Field::ratio_estimate:
      return "ratio";
    case Field::se:
      return "seTE";
    case Field::variance:
      return "vi";
    case Field::ci_lower:
      return "ci.lb";
    case Field::ci_upper:
      return "ci.ub";
    case Field::p_value:
      return "pval";
    case Field::year:
      return "year";
    case Field::rob_overall:
      return "rob";
    case Field::rob_domain:
      return "rob.d";
    case Field::indirectness:
      return "indirectness";
    case Field::outcome:
      return "outcome";
    case Field::time_point:
      return "timepoint";
    case Field::covariate:
      return "covariate";
    case Field::ignore:
      return "ignore";
  }
  return "none";
}

}  // namespace evident::csv
