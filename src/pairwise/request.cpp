// evident: one analysis request (format and rules in evident/pairwise/request.hpp and docs/methods/batch.md).
#include "evident/pairwise/request.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <functional>
#include <initializer_list>
#include <utility>

#include "evident/core/diagnostic_json.hpp"
#include "evident/core/line_map.hpp"
#include "evident/pairwise/meta_analysis_json.hpp"

namespace evident {
namespace {

using json = nlohmann::json;

std::string quoted(const std::string& s) {
  return "'" + s + "'";
}

/// "a, b or c"
std::string one_of(std::initializer_list<const char*> names) {
  std::string out;
  std::size_t i = 0;
  for (const char* n : names) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += n;
    ++i;
  }
  return out;
}

bool is_one_of(const std::string& value, std::initializer_list<const char*> names) {
  return std::any_of(names.begin(), names.end(), [&](const char* n) { return value == n; });
}

Diagnostic& invalid(Diagnostics& ds, const std::string& field, std::string message, std::string hint = {}) {
  Diagnostic& d = ds.error("invalid-option", {}, std::move(message), std::move(hint));
  d.field = field;
  return d;
}

/// Checks a string option against its valid values.
void check_member(Diagnostics& ds, const std::string& field, const std::string& what, const std::string& value,
                  std::initializer_list<const char*> names) {
  if (!is_one_of(value, names))
    invalid(ds, field, "unknown " + what + " " + quoted(value), "expected " + one_of(names));
}

std::string number_text(double v) {
  return json(v).dump();
}

}  // namespace

// ---- settings -> options ----

ReadOptions make_read_options(const ReadSettings& s, Diagnostics& ds) {
  ReadOptions o;
  for (const auto& spec : s.maps) {
    std::string error;
    if (auto m = parse_column_mapping(spec, error))
      o.mappings.push_back(*m);
    else
      invalid(ds, "map", error);
  }
  check_member(ds, "format", "input format", s.format, {"auto", "csv", "json", "revman5"});
  if (s.format == "csv") o.format = InputFormat::csv;
  if (s.format == "json") o.format = InputFormat::json;
  if (s.format == "revman5") o.format = InputFormat::revman5;
  if (!s.type.empty()) {
    if (auto t = parse_outcome_type(s.type))
      o.outcome_type = *t;
    else
      invalid(ds, "type", "unknown outcome type " + quoted(s.type),
              "expected binary, continuous, contrast, time-to-event or rate");
  }
  o.outcome_name = s.outcome_name;
  if (!s.treatment_labels.empty()) o.treatment_labels_file = s.treatment_labels;
  if (!s.small_values.empty())
    check_member(ds, "small_values", "value of small_values", s.small_values, {"desirable", "undesirable"});
  if (s.small_values == "desirable") o.direction = Direction::small_values_desirable;
  if (s.small_values == "undesirable") o.direction = Direction::large_values_desirable;
  if (s.mid && !(std::isfinite(*s.mid) && *s.mid > 0.0))
    invalid(ds, "mid", "the minimally important difference must be a number > 0, got " + number_text(*s.mid));
  o.mid = s.mid;
  return o;
}

EffectOptions make_effect_options(const EffectSettings& s, const Outcome& outcome, Diagnostics& ds) {
  EffectOptions o;
  if (s.measure.empty()) {
    o.measure = default_measure(outcome);
  } else if (auto m = parse_measure(s.measure)) {
    o.measure = *m;
  } else {
    invalid(ds, "measure", "unknown measure " + quoted(s.measure),
            "expected MD, SMD, GLASS, ROM, OR, RR, RD, IRR, IRD, HR or GEN");
  }
  if (!(std::isfinite(s.cc) && s.cc >= 0.0))
    invalid(ds, "cc", "the continuity correction must be a number >= 0, got " + number_text(s.cc));
  o.correction.value = s.cc;
  check_member(ds, "cc_where", "continuity correction rule", s.cc_where, {"only0", "all", "if0all", "none"});
  if (s.cc_where == "all") o.correction.where = ContinuityWhere::all;
  if (s.cc_where == "if0all") o.correction.where = ContinuityWhere::if_any_zero;
  if (s.cc_where == "none") o.correction.where = ContinuityWhere::none;
  check_member(ds, "cc_method", "continuity correction method", s.cc_method,
               {"constant", "treatment-arm", "empirical"});
  if (s.cc_method == "treatment-arm") o.correction.method = ContinuityMethod::treatment_arm;
  if (s.cc_method == "empirical") o.correction.method = ContinuityMethod::empirical;
  o.include_all_zero = s.include_all_zero;
  check_member(ds, "smd_correction", "SMD correction", s.smd, {"exact", "exact-ls", "approx", "none"});
  if (s.smd == "exact-ls") o.smd_correction = SmdCorrection::hedges_exact_ls;
  if (s.smd == "approx") o.smd_correction = SmdCorrection::hedges_approx;
  if (s.smd == "none") o.smd_correction = SmdCorrection::none;
  check_member(ds, "convention", "zero-cell convention", s.convention, {"meta", "metafor"});
  if (s.convention == "metafor") o.correction.convention = CorrectionConvention::metafor;
  o.smd_multiarm_pooled = !s.smd_pairwise;
  o.convert_summaries = !s.no_convert;
  o.impute_missing_sd = s.impute_sd || s.impute_value.has_value() || !s.carry_over.empty();
  check_member(ds, "impute_sd_method", "SD imputation method", s.impute_method, {"pooled", "mean"});
  o.imputation.pool = s.impute_method == "mean" ? SdPoolMethod::mean : SdPoolMethod::pooled;
  if (s.impute_value && !(std::isfinite(*s.impute_value) && *s.impute_value > 0.0))
    invalid(ds, "impute_sd_value", "the imputed SD must be a number > 0, got " + number_text(*s.impute_value));
  o.imputation.user_sd = s.impute_value;
  if (!s.carry_over.empty()) o.imputation.carry_over_outcome = s.carry_over;
  return o;
}

MetaOptions make_meta_options(const MetaSettings& s, Diagnostics& ds) {
  MetaOptions o;
  if (auto t = parse_tau2_method(s.method_tau))
    o.tau2_method = *t;
  else
    invalid(ds, "method_tau", "unknown tau2 estimator " + quoted(s.method_tau),
            "expected DL, REML, ML, PM, SJ, HE, HS or EB");
  o.hartung_knapp = s.hk || s.hk_adhoc;
  o.hartung_knapp_adhoc = s.hk_adhoc;
  check_member(ds, "prediction", "prediction interval", s.prediction, {"metafor", "meta", "higgins", "higgins2009"});
  o.prediction = s.prediction == "meta"      ? PredictionMethod::meta
                 : s.prediction == "metafor" ? PredictionMethod::metafor
                                             : PredictionMethod::higgins2009;
  if (!(s.level > 0.0 && s.level < 1.0))
    invalid(ds, "level", "the confidence level must lie strictly between 0 and 1, got " + number_text(s.level));
  o.level = s.level;
  o.tau2_ci = s.tau2_ci;
  return o;
}

PairwiseOptions make_pairwise_options(const MetaSettings& meta, const PairwiseSettings& s, Diagnostics& ds) {
  PairwiseOptions o;
  o.meta = make_meta_options(meta, ds);
  if (!s.subgroup.empty()) o.subgroup = s.subgroup;
  o.moderators = s.moderators;
  o.leave_one_out = s.leave_one_out;
  if (!s.cumulative.empty()) o.cumulative_by = s.cumulative;
  o.small_study = !s.no_small_study;
  o.mantel_haenszel = !s.no_mh;
  check_member(ds, "baseline", "comparator risk source", s.baseline, {"median", "pooled"});
  if (auto b = parse_baseline_risk_source(s.baseline)) o.baseline_source = *b;
  if (s.baseline_risk && !(*s.baseline_risk >= 0.0 && *s.baseline_risk <= 1.0))
    invalid(ds, "baseline_risk",
            "the comparator risk must be a proportion in [0, 1], got " + number_text(*s.baseline_risk));
  o.baseline_risk = s.baseline_risk;
  if (!(std::isfinite(s.per) && s.per > 0.0))
    invalid(ds, "per", "absolute effects need a number of participants > 0, got " + number_text(s.per));
  o.absolute_per = s.per;
  return o;
}

// ---- parsing a request ----

namespace {

enum class ValueType { string, boolean, number, string_list };
// Which requests an option belongs to: any (every request), data (data / csv requests, meta or nma),
// meta (meta-analysis requests only), meta_data (meta-analysis of data / csv only), nma (nma only).
enum class Scope { any, data, meta, meta_data, nma };

struct OptionKey {
  const char* name;
  ValueType type;
  Scope scope;
};

constexpr OptionKey kOptionKeys[] = {
    {"method_tau", ValueType::string, Scope::any},
    {"hk", ValueType::boolean, Scope::meta},
    {"hk_adhoc", ValueType::boolean, Scope::meta},
    {"prediction", ValueType::string, Scope::meta},
    {"level", ValueType::number, Scope::any},
    {"tau2_ci", ValueType::boolean, Scope::meta},
    {"measure", ValueType::string, Scope::data},
    {"outcome", ValueType::string, Scope::data},
    {"cc", ValueType::number, Scope::data},
    {"cc_where", ValueType::string, Scope::data},
    {"cc_method", ValueType::string, Scope::data},
    {"include_all_zero", ValueType::boolean, Scope::data},
    {"smd_correction", ValueType::string, Scope::data},
    {"convention", ValueType::string, Scope::data},
    {"smd_pairwise", ValueType::boolean, Scope::data},
    {"no_convert", ValueType::boolean, Scope::data},
    {"impute_sd", ValueType::boolean, Scope::data},
    {"impute_sd_method", ValueType::string, Scope::data},
    {"impute_sd_value", ValueType::number, Scope::data},
    {"impute_sd_from", ValueType::string, Scope::data},
    {"subgroup", ValueType::string, Scope::meta_data},
    {"moderator", ValueType::string_list, Scope::meta_data},
    {"leave_one_out", ValueType::boolean, Scope::meta_data},
    {"cumulative", ValueType::string, Scope::meta_data},
    {"no_small_study", ValueType::boolean, Scope::meta_data},
    {"no_mh", ValueType::boolean, Scope::meta_data},
    {"baseline", ValueType::string, Scope::meta_data},
    {"baseline_risk", ValueType::number, Scope::meta_data},
    {"per", ValueType::number, Scope::meta_data},
    {"map", ValueType::string_list, Scope::data},
    {"type", ValueType::string, Scope::data},
    {"outcome_name", ValueType::string, Scope::data},
    {"small_values", ValueType::string, Scope::data},
    {"mid", ValueType::number, Scope::data},
    {"reference", ValueType::string, Scope::nma},
    {"nsim", ValueType::number, Scope::nma},
    {"seed", ValueType::number, Scope::nma},
    {"netsplit", ValueType::string, Scope::nma},
    {"each_subnetwork", ValueType::boolean, Scope::nma},
    {"funnel_order", ValueType::string_list, Scope::nma},
    {"contribution", ValueType::string, Scope::nma},
    {"skip", ValueType::string_list, Scope::nma},
    {"full", ValueType::boolean, Scope::nma},
};

/// Whether an option of `scope` belongs to a request of this kind and analysis.
bool applies(Scope scope, bool data, bool nma) {
  switch (scope) {
    case Scope::any:
      return true;
    case Scope::data:
      return data;
    case Scope::meta:
      return !nma;
    case Scope::meta_data:
      return data && !nma;
    case Scope::nma:
      return nma;
  }
  return false;
}

std::string valid_option_keys(bool data, bool nma) {
  std::string out;
  for (const auto& k : kOptionKeys) {
    if (!applies(k.scope, data, nma)) continue;
    if (!out.empty()) out += ", ";
    out += k.name;
  }
  return out;
}

constexpr const char* kTopKeys[] = {"id", "analysis", "yi", "vi", "sei", "study", "data", "csv", "options"};

const char* type_name(ValueType t) {
  switch (t) {
    case ValueType::string:
      return "a string";
    case ValueType::boolean:
      return "true or false";
    case ValueType::number:
      return "a number";
    case ValueType::string_list:
      return "a string or an array of strings";
  }
  return "?";
}

class RequestParser {
 public:
  RequestParser(ParsedRequest& out, const SourceLocation& where) : out_(out), where_(where) {}

  void parse(std::string_view line) {
    json j;
    try {
      j = json::parse(line.begin(), line.end());
    } catch (const json::parse_error& e) {
      malformed(line, e);
      return;
    } catch (const json::exception& e) {  // e.g. out_of_range 406: a number too large for a double
      std::string what = e.what();
      if (const auto bracket = what.find("] "); bracket != std::string::npos) what = what.substr(bracket + 2);
      out_.diagnostics.error("malformed-json", where_, "malformed JSON: " + what,
                             "numbers must be finite and within the range of a double (about 1.8e308)");
      return;
    }
    if (!j.is_object()) {
      error("request-not-object", "", std::string("a request must be a JSON object, got ") + j.type_name(),
            "write one object per line: {\"yi\": [...], \"vi\": [...]}, {\"data\": {...}} or {\"csv\": \"...\"}");
      return;
    }
    if (auto it = j.find("id"); it != j.end()) out_.id = *it;
    for (const auto& item : j.items()) {
      const std::string& key = item.key();
      if (std::none_of(std::begin(kTopKeys), std::end(kTopKeys), [&](const char* k) { return key == k; }))
        error("unknown-key", key, "unknown key " + quoted(key) + " in the request",
              "valid keys: id, analysis, yi, vi, sei, study, data, csv, options");
    }
    AnalysisRequest req;
    if (auto it = j.find("analysis"); it != j.end()) {
      if (!it->is_string() || (*it != "meta" && *it != "nma"))
        error("invalid-option", "analysis", "\"analysis\" must be \"meta\" or \"nma\", got " + describe(*it),
              "\"meta\" (the default) for a pairwise meta-analysis, \"nma\" for a network meta-analysis");
      else if (*it == "nma")
        req.analysis = AnalysisKind::nma;
    }
    const bool has_yi = j.contains("yi"), has_data = j.contains("data"), has_csv = j.contains("csv");
    const int kinds = int{has_yi} + int{has_data} + int{has_csv};
    if (kinds == 0) {
      error("missing-field", "yi",
            "the request has no data: give \"yi\" with \"vi\" or \"sei\", or \"data\", or \"csv\"");
    } else if (kinds > 1) {
      error("conflicting-fields", "", "give only one of \"yi\", \"data\" and \"csv\" in a request");
    }
    if (has_data) {
      req.kind = RequestKind::data;
      if (!j["data"].is_object())
        type_error("data", "an evident dataset JSON object (docs/schema/dataset.schema.json)", j["data"]);
      else
        req.text = j["data"].dump();
      req.name = where_.file + ":" + std::to_string(where_.line) + ":data";
      req.read.format = "json";
    } else if (has_csv) {
      req.kind = RequestKind::csv;
      if (!j["csv"].is_string())
        type_error("csv", "a string of CSV text", j["csv"]);
      else
        req.text = j["csv"].get<std::string>();
      req.name = where_.file + ":" + std::to_string(where_.line) + ":csv";
      req.read.format = "csv";
      req.read.outcome_name = "outcome";
    } else {
      req.kind = RequestKind::effects;
    }
    const bool effects = req.kind == RequestKind::effects;
    if (effects && has_yi && req.analysis == AnalysisKind::nma)
      error("conflicting-fields", "yi",
            "a network meta-analysis request needs trial data: give \"data\" or \"csv\" (contrast CSV text "
            "holds effect sizes), not \"yi\"");
    if (effects && has_yi) parse_effects(j, req);
    if (!effects) {
      for (const char* k : {"vi", "sei", "study"})
        if (j.contains(k))
          error("conflicting-fields", k,
                std::string("\"") + k + "\" belongs to yi/vi requests, not to requests with \"data\" or \"csv\"");
    }
    if (auto it = j.find("options"); it != j.end()) parse_options(*it, req);
    if (!out_.diagnostics.has_errors()) out_.request = std::move(req);
  }

 private:
  void error(std::string code, const std::string& field, std::string message, std::string hint = {}) {
    Diagnostic& d = out_.diagnostics.error(std::move(code), where_, std::move(message), std::move(hint));
    d.field = field;
  }

  void type_error(const std::string& field, const std::string& expected, const json& got) {
    error("wrong-type", field, quoted(field) + " must be " + expected + ", got " + describe(got));
  }

  static std::string describe(const json& v) {
    std::string text = v.dump(-1, ' ', false, json::error_handler_t::replace);
    if (text.size() > 40) text = text.substr(0, 37) + "...";
    return std::string(v.type_name()) + " " + text;
  }

  void malformed(std::string_view line, const json::parse_error& e) {
    // nlohmann's message: "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ...".
    std::string what = e.what();
    if (const auto col = what.find("column "); col != std::string::npos) {
      if (const auto colon = what.find(": ", col); colon != std::string::npos) what = what.substr(colon + 2);
    } else if (const auto bracket = what.find("] "); bracket != std::string::npos) {
      what = what.substr(bracket + 2);
    }
    SourceLocation loc = where_;
    const std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
    loc.column = LineMap(line).at(std::min(offset, line.size()), where_.file).column;
    Diagnostic& d = out_.diagnostics.error("malformed-json", loc, "malformed JSON: " + what,
                                           "each line must be one complete JSON object");
    (void)d;
  }

  /// A JSON array of numbers; every bad element is an error naming its index.
  bool numbers(const json& j, const char* field, std::vector<double>& out) {
    if (!j.is_array()) {
      type_error(field, "an array of numbers", j);
      return false;
    }
    out.reserve(j.size());
    bool ok = true;
    for (std::size_t i = 0; i < j.size(); ++i) {
      const json& v = j[i];
      if (v.is_number()) {
        out.push_back(v.get<double>());
      } else {
        error("invalid-number", field,
              std::string(field) + "[" + std::to_string(i) + "] must be a number, got " + describe(v));
        ok = false;
      }
    }
    return ok;
  }

  void parse_effects(const json& j, AnalysisRequest& req) {
    MetaInput& in = req.input;
    const bool has_vi = j.contains("vi"), has_sei = j.contains("sei");
    if (!has_vi && !has_sei) error("missing-field", "vi", "the request has \"yi\" but neither \"vi\" nor \"sei\"");
    if (has_vi && has_sei) error("conflicting-fields", "sei", "give either \"vi\" or \"sei\", not both");
    numbers(j.at("yi"), "yi", in.yi);
    const char* vfield = has_sei && !has_vi ? "sei" : "vi";
    std::vector<double> v;
    if (has_vi || has_sei) {
      const json& yj = j.at("yi");
      const json& vj = j.at(vfield);
      numbers(vj, vfield, v);
      if (yj.is_array() && vj.is_array() && yj.size() != vj.size())
        error("size-mismatch", vfield,
              std::string("\"yi\" has ") + std::to_string(yj.size()) + " values but \"" + vfield + "\" has " +
                  std::to_string(vj.size()));
    }
    if (std::string(vfield) == "sei") {
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (!(std::isfinite(v[i]) && v[i] > 0.0))
          error("nonpositive-se", "sei",
                "sei[" + std::to_string(i) + "] must be finite and > 0, got " + number_text(v[i]),
                "a standard error is the square root of the sampling variance");
        v[i] = v[i] * v[i];
      }
    }
    in.vi = std::move(v);
    if (auto it = j.find("study"); it != j.end()) {
      if (!it->is_array()) {
        type_error("study", "an array of labels", *it);
      } else {
        for (std::size_t i = 0; i < it->size(); ++i) {
          const json& s = (*it)[i];
          if (s.is_string())
            in.study.push_back(s.get<std::string>());
          else if (s.is_number())
            in.study.push_back(s.dump());
          else
            error("wrong-type", "study",
                  "study[" + std::to_string(i) + "] must be a string or a number, got " + describe(s));
        }
        if (j.at("yi").is_array() && it->size() != j.at("yi").size())
          error("size-mismatch", "study",
                "\"yi\" has " + std::to_string(j.at("yi").size()) + " values but there are " +
                    std::to_string(it->size()) + " study labels");
      }
    }
  }

  void parse_options(const json& opts, AnalysisRequest& req) {
    if (!opts.is_object()) {
      type_error("options", "an object", opts);
      return;
    }
    const bool data = req.kind != RequestKind::effects;
    const bool nma = req.analysis == AnalysisKind::nma;
    for (const auto& [raw_key, value] : opts.items()) {
      std::string key = raw_key;
      std::replace(key.begin(), key.end(), '-', '_');
      const OptionKey* spec = nullptr;
      for (const auto& k : kOptionKeys)
        if (key == k.name) spec = &k;
      const std::string field = "options." + raw_key;
      if (spec == nullptr) {
        error("unknown-option", field, "unknown option " + quoted(raw_key),
              "valid options: " + valid_option_keys(data, nma));
        continue;
      }
      if (!applies(spec->scope, data, nma)) {
        std::string why = spec->scope == Scope::nma ? "network meta-analysis requests (\"analysis\": \"nma\")"
                          : nma                      ? "pairwise meta-analysis requests, not to \"analysis\": \"nma\""
                                                     : "requests with \"data\" or \"csv\", not to yi/vi";
        error("unknown-option", field, "option " + quoted(raw_key) + " applies only to " + why,
              "valid options: " + valid_option_keys(data, nma));
        continue;
      }
      if (key == "nsim" || key == "seed") {
        const bool whole = value.is_number_unsigned() ||
                           (value.is_number_integer() && value.get<long long>() >= 0);
        if (!whole) {
          error("wrong-type", field, "option " + quoted(raw_key) + " must be a whole number >= 0, got " +
                                         describe(value));
          continue;
        }
      }
      if (!has_type(value, spec->type)) {
        error("wrong-type", field,
              "option " + quoted(raw_key) + " must be " + type_name(spec->type) + ", got " + describe(value));
        continue;
      }
      assign(key, value, req);
    }
  }

  static bool has_type(const json& v, ValueType t) {
    switch (t) {
      case ValueType::string:
        return v.is_string();
      case ValueType::boolean:
        return v.is_boolean();
      case ValueType::number:
        return v.is_number();
      case ValueType::string_list:
        return v.is_string() ||
               (v.is_array() && std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_string(); }));
    }
    return false;
  }

  static std::vector<std::string> strings(const json& v) {
    if (v.is_string()) return {v.get<std::string>()};
    std::vector<std::string> out;
    for (const auto& e : v) out.push_back(e.get<std::string>());
    return out;
  }

  static void assign(const std::string& key, const json& v, AnalysisRequest& req) {
    MetaSettings& m = req.meta;
    EffectSettings& e = req.effects;
    ReadSettings& r = req.read;
    if (key == "method_tau") m.method_tau = v.get<std::string>();
    if (key == "hk") m.hk = v.get<bool>();
    if (key == "hk_adhoc") m.hk_adhoc = v.get<bool>();
    if (key == "prediction") m.prediction = v.get<std::string>();
    if (key == "level") m.level = v.get<double>();
    if (key == "tau2_ci") m.tau2_ci = v.get<bool>();
    if (key == "measure") e.measure = v.get<std::string>();
    if (key == "outcome") e.outcome = v.get<std::string>();
    if (key == "cc") e.cc = v.get<double>();
    if (key == "cc_where") e.cc_where = v.get<std::string>();
    if (key == "cc_method") e.cc_method = v.get<std::string>();
    if (key == "include_all_zero") e.include_all_zero = v.get<bool>();
    if (key == "smd_correction") e.smd = v.get<std::string>();
    if (key == "convention") e.convention = v.get<std::string>();
    if (key == "smd_pairwise") e.smd_pairwise = v.get<bool>();
    if (key == "no_convert") e.no_convert = v.get<bool>();
    if (key == "impute_sd") e.impute_sd = v.get<bool>();
    if (key == "impute_sd_method") e.impute_method = v.get<std::string>();
    if (key == "impute_sd_value") e.impute_value = v.get<double>();
    if (key == "impute_sd_from") e.carry_over = v.get<std::string>();
    PairwiseSettings& p = req.pairwise;
    if (key == "subgroup") p.subgroup = v.get<std::string>();
    if (key == "moderator") p.moderators = strings(v);
    if (key == "leave_one_out") p.leave_one_out = v.get<bool>();
    if (key == "cumulative") p.cumulative = v.get<std::string>();
    if (key == "no_small_study") p.no_small_study = v.get<bool>();
    if (key == "no_mh") p.no_mh = v.get<bool>();
    if (key == "baseline") p.baseline = v.get<std::string>();
    if (key == "baseline_risk") p.baseline_risk = v.get<double>();
    if (key == "per") p.per = v.get<double>();
    if (key == "map") r.maps = strings(v);
    if (key == "type") r.type = v.get<std::string>();
    if (key == "outcome_name") r.outcome_name = v.get<std::string>();
    if (key == "small_values") r.small_values = v.get<std::string>();
    if (key == "mid") r.mid = v.get<double>();
    NetworkSettings& n = req.network;
    if (key == "reference") n.reference = v.get<std::string>();
    if (key == "nsim") n.nsim = v.get<std::size_t>();
    if (key == "seed") n.seed = v.get<std::uint64_t>();
    if (key == "netsplit") n.netsplit = v.get<std::string>();
    if (key == "each_subnetwork") n.each_subnetwork = v.get<bool>();
    if (key == "funnel_order") n.funnel_order = strings(v);
    if (key == "contribution") n.contribution = v.get<std::string>();
    if (key == "skip") n.skip = strings(v);
    if (key == "full") n.full = v.get<bool>();
    if (key == "method_tau") n.method_tau = v.get<std::string>();
    if (key == "level") n.level = v.get<double>();
  }

  ParsedRequest& out_;
  const SourceLocation& where_;
};

/// Gives every diagnostic without a file the request's place.
void place(Diagnostics& ds, const SourceLocation& where) {
  for (auto& d : ds.items())
    if (d.location.file.empty()) d.location = where;
}

}  // namespace

ParsedRequest parse_request(std::string_view line, const SourceLocation& where) {
  ParsedRequest out;
  RequestParser(out, where).parse(line);
  return out;
}

// ---- running a request ----

bool for_each_request_outcome(const AnalysisRequest& req, const SourceLocation& where, Diagnostics& ds,
                              const std::function<void(const Dataset&, const Outcome&, const EffectSet&)>& analyse) {
  const ReadOptions ropts = make_read_options(req.read, ds);
  // Measure and effect options are checked once, before reading (the default measure needs an outcome).
  {
    Outcome any;
    Diagnostics probe;
    (void)make_effect_options(req.effects, any, probe);
    ds.append(probe);
  }
  if (ds.has_errors()) {
    place(ds, where);
    return false;
  }
  ReadResult read =
      req.kind == RequestKind::data ? read_json(req.text, req.name, ropts) : read_csv(req.text, req.name, ropts);
  ds.append(read.diagnostics);
  if (!read.ok()) {
    place(ds, where);
    return false;
  }
  bool any_outcome = false;
  for (const Outcome& o : read.dataset.outcomes) {
    if (!req.effects.outcome.empty() && o.name != req.effects.outcome) continue;
    any_outcome = true;
    Diagnostics unused;
    const EffectOptions eo = make_effect_options(req.effects, o, unused);
    const EffectSet set = compute_effects(read.dataset, o, eo);
    ds.append(set.diagnostics);
    analyse(read.dataset, o, set);
  }
  if (!any_outcome) {
    std::string names;
    for (const Outcome& o : read.dataset.outcomes) names += (names.empty() ? "" : ", ") + quoted(o.name);
    Diagnostic& d = ds.error("no-such-outcome", where, "no outcome named " + quoted(req.effects.outcome),
                             "outcomes: " + (names.empty() ? std::string("none") : names));
    d.field = "options.outcome";
  }
  place(ds, where);
  return any_outcome;
}

RequestResult run_request(const AnalysisRequest& req, const SourceLocation& where) {
  RequestResult res;
  res.kind = req.kind;
  if (req.analysis == AnalysisKind::nma) {
    res.diagnostics.error("unsupported-analysis", where,
                          "network meta-analysis requests are run by process_batch_line() "
                          "(evident/network/request.hpp), not by the pairwise layer",
                          "link the network area and call process_batch_line()");
    return res;
  }
  if (req.kind == RequestKind::effects) {
    const MetaOptions mopts = make_meta_options(req.meta, res.diagnostics);
    if (res.diagnostics.has_errors()) {
      place(res.diagnostics, where);
      return res;
    }
    PairwiseAnalysis a;
    a.result = meta_analysis(req.input, mopts);
    place(a.result.diagnostics, where);
    if (a.result.ok()) {
      res.analyses.push_back(std::move(a));
    } else {
      res.diagnostics.append(a.result.diagnostics);
    }
    place(res.diagnostics, where);
    return res;
  }

  const PairwiseOptions popts = make_pairwise_options(req.meta, req.pairwise, res.diagnostics);
  Diagnostics analysis_problems;
  const bool read_ok = for_each_request_outcome(
      req, where, res.diagnostics, [&](const Dataset& data, const Outcome& o, const EffectSet& set) {
        for (auto& a : analyse_outcome(data, o, set, popts)) {
          place(a.result.diagnostics, where);
          place(a.diagnostics, where);
          analysis_problems.append(a.result.diagnostics);
          analysis_problems.append(a.diagnostics);
          res.analyses.push_back(std::move(a));
        }
      });
  if (read_ok && res.analyses.empty() && !res.diagnostics.has_errors())
    res.diagnostics.error("nothing-to-analyse", where, "no comparison to analyse in the request's data",
                          "give at least one study comparing two treatments");
  if (res.diagnostics.has_errors() || analysis_problems.has_errors()) {
    res.diagnostics.append(analysis_problems);
    res.analyses.clear();
  }
  place(res.diagnostics, where);
  return res;
}

// ---- output ----

std::string format_request_record(std::size_t line, const nlohmann::json& id, const std::vector<nlohmann::json>* analyses,
                                  const Diagnostics& diagnostics) {
  const auto dump = [](const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); };
  std::string out = "{\"line\":" + std::to_string(line) + ",\"id\":" + dump(id);
  if (analyses != nullptr) {
    out += ",\"ok\":true,\"analyses\":[";
    for (std::size_t i = 0; i < analyses->size(); ++i) {
      if (i > 0) out += ',';
      out += dump((*analyses)[i]);
    }
    out += "]";
  } else {
    out += ",\"ok\":false";
  }
  out += ",\"diagnostics\":" + dump(to_json(diagnostics)) + "}";
  return out;
}

std::string format_request_result(const RequestResult& res, std::size_t line) {
  if (!res.ok()) return format_request_record(line, res.id, nullptr, res.diagnostics);
  std::vector<json> analyses;
  analyses.reserve(res.analyses.size());
  for (const auto& a : res.analyses)
    analyses.push_back(res.kind == RequestKind::effects ? to_json(a.result) : to_json(a));
  return format_request_record(line, res.id, &analyses, res.diagnostics);
}

bool is_blank_line(std::string_view line) {
  return std::all_of(line.begin(), line.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; });
}

RequestLine answer_request(ParsedRequest parsed, std::size_t line_number, const SourceLocation& where) {
  RequestResult res;
  if (parsed.request) {
    res = run_request(*parsed.request, where);
  } else {
    res.diagnostics = std::move(parsed.diagnostics);
  }
  res.id = std::move(parsed.id);
  RequestLine out;
  out.ok = res.ok();
  out.json = format_request_result(res, line_number);
  return out;
}

RequestLine process_request_line(std::string_view line, std::size_t line_number, const std::string& file) {
  const SourceLocation where{file, static_cast<int>(line_number), 0};
  return answer_request(parse_request(line, where), line_number, where);
}

}  // namespace evident
