// evident: reading and writing the evident JSON dataset format (schema version 1).
//
// Format: docs/methods/json-schema.md, schema: docs/schema/dataset.schema.json (JSON Schema draft
// 2020-12). Parsing uses nlohmann::json's SAX interface (RFC 8259 JSON, strict: no comments, no
// trailing text) over an iterator that counts the bytes handed to the parser, so that every value's
// byte offset is known; offsets become 1-based line:column (columns count UTF-8 code points).
// Because the parser reads one character past a number before it reports it, the start of a value is
// found by skipping whitespace, ',' and ':' from the end of the previous token.
//
// Reading collects every problem: malformed JSON (error at line:column, nothing else read), values of
// the wrong type (error naming the JSON path and line:column; the value is ignored), unknown keys
// (warning naming the path, with a "did you mean" hint), missing required keys (error at the object).
// validate_dataset() then applies the value checks shared by every reader.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "evident/core/line_map.hpp"
#include "evident/data/json_io.hpp"
#include "evident/data/read.hpp"
#include "evident/data/validate.hpp"

namespace evident {
namespace {

using nlohmann::json;

// ------------------------------------------------------------------------------------------------
// Byte offsets -> line:column: evident::LineMap (core/line_map.hpp)


// ------------------------------------------------------------------------------------------------
// JSON paths: outcomes[0].data[3].arms[1].n

bool plain_key(const std::string& k) {
  if (k.empty() || (k[0] >= '0' && k[0] <= '9')) return false;
  return std::all_of(k.begin(), k.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
  });
}

std::string member_path(const std::string& parent, const std::string& key) {
  if (plain_key(key)) return parent.empty() ? key : parent + "." + key;
  return parent + "[" + json(key).dump(-1, ' ', false, json::error_handler_t::replace) + "]";
}

std::string index_path(const std::string& parent, std::size_t i) {
  return parent + "[" + std::to_string(i) + "]";
}

std::string shown(const std::string& path) {
  return path.empty() ? "the top level" : path;
}

// ------------------------------------------------------------------------------------------------
// Parsing with positions

/// An input iterator over the text that records how many bytes the parser has taken.
class CountingIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  CountingIterator() = default;
  CountingIterator(const char* p, const char* base, std::size_t* consumed) : p_(p), base_(base), consumed_(consumed) {}
  reference operator*() const { return *p_; }
  CountingIterator& operator++() {
    ++p_;
    if (consumed_ != nullptr) *consumed_ = static_cast<std::size_t>(p_ - base_);
    return *this;
  }
  CountingIterator operator++(int) {
    CountingIterator old = *this;
    ++*this;
    return old;
  }
  friend bool operator==(const CountingIterator& a, const CountingIterator& b) { return a.p_ == b.p_; }

 private:
  const char* p_ = nullptr;
  const char* base_ = nullptr;
  std::size_t* consumed_ = nullptr;
};

struct ParsedJson {
  json root;
  std::unordered_map<std::string, std::size_t> value_offset;  ///< path -> offset of the value's first byte
  std::unordered_map<std::string, std::size_t> key_offset;    ///< member path -> offset of its key
  std::unordered_map<std::string, std::string> raw_number;    ///< path -> token text of non-integer numbers
};

constexpr std::size_t kMaxDepth = 64;  // the schema needs 7 levels

/// nlohmann SAX handler that builds the DOM and records where every value starts.
class PositionedBuilder {
 public:
  PositionedBuilder(std::string_view text, const std::size_t& consumed, ParsedJson& out, Diagnostics& diags,
                    const LineMap& lines, const std::string& file)
      : text_(text), consumed_(consumed), out_(out), diags_(diags), lines_(lines), file_(file) {}

  bool null() { return add(json(nullptr)); }
  bool boolean(bool b) { return add(json(b)); }
  bool number_integer(json::number_integer_t v) { return add(json(v)); }
  bool number_unsigned(json::number_unsigned_t v) { return add(json(v)); }
  bool number_float(json::number_float_t v, const json::string_t& raw) {
    std::string path;
    if (!add(json(v), &path)) return false;
    out_.raw_number[path] = raw;
    return true;
  }
  bool string(json::string_t& s) { return add(json(std::move(s))); }
  bool binary(json::binary_t& /*unused*/) { return add(json(nullptr)); }  // never produced by JSON text
  bool start_object(std::size_t /*elements*/) { return open(json::object()); }
  bool start_array(std::size_t /*elements*/) { return open(json::array()); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }

  bool key(json::string_t& k) {
    const std::size_t start = token_start();
    Frame& f = stack_.back();
    pending_path_ = member_path(f.path, k);
    if (f.value->contains(k)) {
      auto& d = diags_.warning("json-duplicate-key", lines_.at(start, file_),
                               "key \"" + k + "\" appears twice in " + shown(f.path) + "; the last value is used");
      d.field = k;
    }
    pending_key_ = k;
    out_.key_offset[pending_path_] = start;
    return true;
  }

  bool parse_error(std::size_t position, const std::string& /*last_token*/, const nlohmann::detail::exception& ex) {
    const std::size_t offset = position > 0 ? position - 1 : 0;
    std::string what = ex.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ..." -> "syntax error ..."
    const auto col = what.find("column ");
    if (col != std::string::npos) {
      const auto colon = what.find(": ", col);
      if (colon != std::string::npos) what = what.substr(colon + 2);
    } else if (const auto bracket = what.find("] "); bracket != std::string::npos) {
      what = what.substr(bracket + 2);
    }
    diags_.error("json-syntax", lines_.at(offset, file_), "malformed JSON: " + what,
                 "check the brackets, quotes and commas near this position");
    return false;
  }

 private:
  struct Frame {
    json* value;
    std::string path;
  };

  /// Offset of the first byte of the token the parser has just read.
  std::size_t token_start() {
    std::size_t i = last_end_;
    const std::size_t end = std::min(consumed_, text_.size());
    while (i < end) {
      const char c = text_[i];
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != ',' && c != ':') break;
      ++i;
    }
    last_end_ = consumed_;
    return i;
  }

  json* place(json&& v, std::string& path) {
    if (stack_.empty()) {
      out_.root = std::move(v);
      path.clear();
      return &out_.root;
    }
    Frame& f = stack_.back();
    if (f.value->is_array()) {
      path = index_path(f.path, f.value->size());
      f.value->push_back(std::move(v));
      return &f.value->back();
    }
    path = pending_path_;
    json& slot = (*f.value)[pending_key_];
    slot = std::move(v);
    return &slot;
  }

  bool add(json&& v, std::string* path_out = nullptr) {
    const std::size_t start = token_start();
    std::string path;
    place(std::move(v), path);
    out_.value_offset[path] = start;
    if (path_out != nullptr) *path_out = std::move(path);
    return true;
  }

  bool open(json&& v) {
    const std::size_t start = token_start();
    if (stack_.size() >= kMaxDepth) {
      diags_.error("json-too-deep", lines_.at(start, file_),
                   "JSON nested more than " + std::to_string(kMaxDepth) + " levels deep",
                   "an evident dataset needs at most 7 levels");
      return false;
    }
    std::string path;
    json* slot = place(std::move(v), path);
    out_.value_offset[path] = start;
    stack_.push_back({slot, std::move(path)});
    return true;
  }

  bool close() {
    last_end_ = consumed_;
    if (!stack_.empty()) stack_.pop_back();
    return true;
  }

  std::string_view text_;
  const std::size_t& consumed_;
  ParsedJson& out_;
  Diagnostics& diags_;
  const LineMap& lines_;
  const std::string& file_;
  std::vector<Frame> stack_;
  std::string pending_key_;
  std::string pending_path_;
  std::size_t last_end_ = 0;
};

// ------------------------------------------------------------------------------------------------
// Small helpers

std::optional<double> parse_full_number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  double v = 0.0;
  const auto* first = s.data();
  const auto* last = s.data() + s.size();
  const auto res = std::from_chars(first, last, v);
  if (res.ec != std::errc() || res.ptr != last || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<double> non_finite_word(const std::string& s) {
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (s == "Inf") return std::numeric_limits<double>::infinity();
  if (s == "-Inf") return -std::numeric_limits<double>::infinity();
  return std::nullopt;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t subst = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string preview(const json& v) {
  std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return s;
}

std::string article_type(const json& v) {
  switch (v.type()) {
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "an array";
    case json::value_t::string:
      return "a string";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::null:
      return "null";
    default:
      return "a number";
  }
}

std::optional<Direction> parse_direction(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return c == '_' || c == ' ' ? '-' : static_cast<char>(std::tolower(c)); });
  if (s == "small-values-desirable" || s == "lower-is-better") return Direction::small_values_desirable;
  if (s == "large-values-desirable" || s == "higher-is-better") return Direction::large_values_desirable;
  if (s == "unspecified" || s.empty()) return Direction::unspecified;
  return std::nullopt;
}

// ------------------------------------------------------------------------------------------------
// DOM -> Dataset

class DatasetReader {
 public:
  DatasetReader(const ParsedJson& parsed, const LineMap& lines, const std::string& file, Diagnostics& diags,
                Dataset& out)
      : p_(parsed), lines_(lines), file_(file), diags_(diags), ds_(out) {}

  void read() {
    const json& root = p_.root;
    if (!root.is_object()) {
      diags_.error("json-not-dataset", at(""), "the top-level JSON value must be an object, not " + article_type(root),
                   "an evident dataset looks like {\"evident_dataset\": 1, \"studies\": [...], \"outcomes\": [...]}");
      return;
    }
    check_keys(root, "", {"evident_dataset", "$schema", "studies", "outcomes", "excluded"}, {});

    if (!root.contains("evident_dataset")) {
      diags_.warning("json-no-version", at(""), "no \"evident_dataset\" schema version; reading as version 1",
                     "start the file with \"evident_dataset\": 1");
    } else {
      const json& v = root["evident_dataset"];
      if (!v.is_number_integer()) {
        type_error("evident_dataset", v, "an integer", {});
        return;
      }
      if (v.get<std::int64_t>() != kJsonSchemaVersion) {
        diags_.error("json-version", at("evident_dataset"),
                     "unsupported evident_dataset version " + preview(v) + " (this build reads version " +
                         std::to_string(kJsonSchemaVersion) + ")",
                     "update evident or write the file with version " + std::to_string(kJsonSchemaVersion));
        return;
      }
    }

    if (const json* studies = member(root, "", "studies", json::value_t::array, false, {})) {
      for (std::size_t i = 0; i < studies->size(); ++i) {
        const std::string path = index_path("studies", i);
        if (expect_object((*studies)[i], path, {})) read_study((*studies)[i], path);
      }
    }
    const json* outcomes = member(root, "", "outcomes", json::value_t::array, false, {});
    if (!root.contains("outcomes")) {
      diags_.error("json-no-outcomes", at(""), "the dataset has no \"outcomes\"",
                   "add \"outcomes\": [{\"name\": ..., \"type\": ..., \"data\": [...]}]");
    } else if (outcomes != nullptr) {
      if (outcomes->empty()) diags_.warning("json-no-outcomes", at("outcomes"), "\"outcomes\" is empty");
      for (std::size_t i = 0; i < outcomes->size(); ++i) {
        const std::string path = index_path("outcomes", i);
        if (expect_object((*outcomes)[i], path, {})) read_outcome((*outcomes)[i], path);
      }
    }
    if (const json* excluded = member(root, "", "excluded", json::value_t::array, false, {})) {
      for (std::size_t i = 0; i < excluded->size(); ++i) {
        const std::string path = index_path("excluded", i);
        if (expect_object((*excluded)[i], path, {})) read_exclusion((*excluded)[i], path);
      }
    }
  }

 private:
  // -- locations and diagnostics

  [[nodiscard]] SourceLocation at(const std::string& path) const {
    const auto it = p_.value_offset.find(path);
    if (it == p_.value_offset.end()) return {file_, 0, 0};
    return lines_.at(it->second, file_);
  }

  [[nodiscard]] SourceLocation key_at(const std::string& path) const {
    const auto it = p_.key_offset.find(path);
    if (it == p_.key_offset.end()) return at(path);
    return lines_.at(it->second, file_);
  }

  static std::string last_key(const std::string& path) {
    const auto dot = path.find_last_of(".[");
    std::string k = dot == std::string::npos ? path : path.substr(dot + 1);
    if (!k.empty() && k.back() == ']') k.pop_back();
    return k;
  }

  void type_error(const std::string& path, const json& got, const std::string& expected, const std::string& study) {
    std::string hint;
    if (got.is_string() && expected.find("number") != std::string::npos && parse_full_number(got.get<std::string>()))
      hint = "write numbers without quotes";
    auto& d = diags_.error(
        "json-type", at(path),
        shown(path) + " must be " + expected + ", not " + article_type(got) + " (" + preview(got) + ")", hint);
    d.study = study;
    d.field = last_key(path);
  }

  void missing(const std::string& path, const char* key, const std::string& study) {
    auto& d = diags_.error("json-missing-key", at(path), shown(path) + " has no \"" + std::string(key) + "\"");
    d.study = study;
    d.field = key;
  }

  void check_keys(const json& obj, const std::string& path, std::initializer_list<const char*> known,
                  const std::string& study) {
    for (const auto& item : obj.items()) {
      const std::string& k = item.key();
      bool ok = false;
      std::string best;
      std::size_t best_distance = 3;
      for (const char* kk : known) {
        if (k == kk) {
          ok = true;
          break;
        }
        const std::size_t dist = edit_distance(k, kk);
        if (dist < best_distance) {
          best_distance = dist;
          best = kk;
        }
      }
      if (ok) continue;
      const std::string kpath = member_path(path, k);
      auto& d = diags_.warning("json-unknown-key", key_at(kpath),
                               "unknown key \"" + k + "\" in " + shown(path) + " (ignored)",
                               best.empty() ? std::string() : "did you mean \"" + best + "\"?");
      d.study = study;
      d.field = k;
    }
  }

  bool expect_object(const json& v, const std::string& path, const std::string& study) {
    if (v.is_object()) return true;
    type_error(path, v, "an object", study);
    return false;
  }

  /// The member `key` of `obj` if present and of `type` (null counts as absent); reports a wrong type.
  const json* member(const json& obj, const std::string& path, const char* key, json::value_t type, bool required,
                     const std::string& study) {
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
      if (required) missing(path, key, study);
      return nullptr;
    }
    const bool ok = type == json::value_t::number_float ? it->is_number() : it->type() == type;
    if (!ok) {
      const char* expected = "a value of another type";
      switch (type) {
        case json::value_t::array:
          expected = "an array";
          break;
        case json::value_t::object:
          expected = "an object";
          break;
        case json::value_t::string:
          expected = "a string";
          break;
        case json::value_t::boolean:
          expected = "true or false";
          break;
        default:
          expected = "a number";
          break;
      }
      type_error(member_path(path, key), *it, expected, study);
      return nullptr;
    }
    return &*it;
  }

  std::optional<std::string> string_field(const json& obj, const std::string& path, const char* key, bool required,
                                          const std::string& study) {
    const json* v = member(obj, path, key, json::value_t::string, required, study);
    if (v == nullptr) return std::nullopt;
    return v->get<std::string>();
  }

  /// A number (or "NaN", "Inf", "-Inf"); null or absent gives nullopt.
  std::optional<double> number_field(const json& obj, const std::string& path, const char* key,
                                     const std::string& study) {
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return std::nullopt;
    if (it->is_number()) return it->get<double>();
    if (it->is_string()) {
      if (auto w = non_finite_word(it->get<std::string>())) return w;
    }
    type_error(member_path(path, key), *it, "a number", study);
    return std::nullopt;
  }

  std::optional<Judgement> judgement_field(const json& obj, const std::string& path, const char* key,
                                           const std::string& study) {
    const auto s = string_field(obj, path, key, false, study);
    if (!s) return std::nullopt;
    const auto j = parse_judgement(*s);
    if (!j) {
      auto& d =
          diags_.error("json-bad-value", at(member_path(path, key)),
                       member_path(path, key) + " must be \"low\", \"some concerns\" or \"high\", not \"" + *s + "\"");
      d.study = study;
      d.field = key;
    }
    return j;
  }

  // -- studies

  void read_study(const json& obj, const std::string& path) {
    const auto label = string_field(obj, path, "label", true, {});
    const std::string lbl = label.value_or("");
    check_keys(obj, path, {"label", "year", "rob", "indirectness", "covariates"}, lbl);
    if (!label) return;
    if (label->empty()) {
      auto& d = diags_.error("json-bad-value", at(member_path(path, "label")), "study label is empty");
      d.field = "label";
      return;
    }
    if (const auto it = study_index_.find(*label); it != study_index_.end()) {
      const SourceLocation first = ds_.studies[it->second].source;
      auto& d =
          diags_.error("json-duplicate-study", at(path),
                       "study \"" + *label + "\" is listed twice (first at line " + std::to_string(first.line) + ")",
                       "give every study a unique label");
      d.study = *label;
      return;
    }
    Study s;
    s.label = *label;
    s.source = at(path);
    if (const auto it = obj.find("year"); it != obj.end() && !it->is_null()) {
      const double y = it->is_number() ? it->get<double>() : std::nan("");
      if (!it->is_number() || y != std::floor(y) || std::fabs(y) > 1e6) {
        type_error(member_path(path, "year"), *it, "an integer", s.label);
      } else {
        s.year = static_cast<int>(y);
      }
    }
    if (const json* rob = member(obj, path, "rob", json::value_t::object, false, s.label)) {
      const std::string rpath = member_path(path, "rob");
      check_keys(*rob, rpath, {"d1", "d2", "d3", "d4", "d5", "overall"}, s.label);
      static const char* const kDomains[5] = {"d1", "d2", "d3", "d4", "d5"};
      for (std::size_t i = 0; i < 5; ++i) s.rob.domains[i] = judgement_field(*rob, rpath, kDomains[i], s.label);
      s.rob.overall = judgement_field(*rob, rpath, "overall", s.label);
    }
    s.indirectness = judgement_field(obj, path, "indirectness", s.label);
    if (const json* cov = member(obj, path, "covariates", json::value_t::object, false, s.label)) {
      const std::string cpath = member_path(path, "covariates");
      for (const auto& item : cov->items()) {
        const std::string vpath = member_path(cpath, item.key());
        const json& v = item.value();
        CovariateValue cv;
        if (v.is_null()) continue;
        if (v.is_number_integer()) {
          cv.text = v.dump();
          cv.number = v.get<double>();
        } else if (v.is_number()) {
          const auto raw = p_.raw_number.find(vpath);
          cv.text = raw != p_.raw_number.end() ? raw->second : v.dump();
          cv.number = v.get<double>();
        } else if (v.is_string()) {
          cv.text = v.get<std::string>();
          cv.number = parse_full_number(cv.text);
        } else if (v.is_boolean()) {
          cv.text = v.get<bool>() ? "true" : "false";
        } else {
          type_error(vpath, v, "a number, a string or true/false", s.label);
          continue;
        }
        s.covariates[item.key()] = std::move(cv);
      }
    }
    study_index_[s.label] = ds_.studies.size();
    ds_.studies.push_back(std::move(s));
  }

  std::size_t study_for(const std::string& label, const std::string& path) {
    if (const auto it = study_index_.find(label); it != study_index_.end()) return it->second;
    Study s;
    s.label = label;
    s.source = at(path);
    auto& d = diags_.note("json-implicit-study", at(path),
                          "study \"" + label + "\" is not listed in \"studies\"; added with no study-level data");
    d.study = label;
    study_index_[label] = ds_.studies.size();
    ds_.studies.push_back(std::move(s));
    return ds_.studies.size() - 1;
  }

  // -- outcomes

  void read_outcome(const json& obj, const std::string& path) {
    check_keys(obj, path, {"name", "type", "direction", "time_point", "mid", "measure", "data"}, {});
    Outcome o;
    const auto name = string_field(obj, path, "name", true, {});
    if (name && name->empty()) {
      auto& d = diags_.error("json-bad-value", at(member_path(path, "name")), "outcome name is empty");
      d.field = "name";
    }
    o.name = name.value_or("");
    if (const auto type = string_field(obj, path, "type", true, {})) {
      if (const auto t = parse_outcome_type(*type)) {
        o.type = *t;
      } else {
        auto& d =
            diags_.error("json-bad-value", at(member_path(path, "type")), "unknown outcome type \"" + *type + "\"",
                         "use \"binary\", \"continuous\", \"contrast\", \"time-to-event\" or \"rate\"");
        d.field = "type";
      }
    }
    if (const auto dir = string_field(obj, path, "direction", false, {})) {
      if (const auto d = parse_direction(*dir)) {
        o.direction = *d;
      } else {
        auto& diag =
            diags_.error("json-bad-value", at(member_path(path, "direction")), "unknown direction \"" + *dir + "\"",
                         "use \"small-values-desirable\", \"large-values-desirable\" or \"unspecified\"");
        diag.field = "direction";
      }
    }
    o.time_point = string_field(obj, path, "time_point", false, {});
    o.mid = number_field(obj, path, "mid", {});
    o.measure = string_field(obj, path, "measure", false, {});

    for (const auto& other : ds_.outcomes) {
      if (other.name == o.name && other.time_point == o.time_point && name) {
        auto& d = diags_.error("json-duplicate-outcome", at(path),
                               "outcome \"" + o.name + "\" is given twice" +
                                   (o.time_point ? " for time point \"" + *o.time_point + "\"" : std::string()),
                               "merge the two outcomes or give them different names or time points");
        d.field = "name";
        break;
      }
    }

    if (const json* data = member(obj, path, "data", json::value_t::array, false, {})) {
      const std::string dpath = member_path(path, "data");
      for (std::size_t i = 0; i < data->size(); ++i) {
        const std::string epath = index_path(dpath, i);
        if (expect_object((*data)[i], epath, {})) read_study_data((*data)[i], epath, o);
      }
    } else if (!obj.contains("data")) {
      diags_.warning("json-no-data", at(path), "outcome \"" + o.name + "\" has no \"data\"");
    }
    ds_.outcomes.push_back(std::move(o));
  }

  void read_study_data(const json& obj, const std::string& path, Outcome& o) {
    const auto label = string_field(obj, path, "study", true, {});
    const std::string lbl = label.value_or("");
    check_keys(obj, path, {"study", "arms", "contrasts"}, lbl);
    if (!label) return;
    if (label->empty()) {
      auto& d = diags_.error("json-bad-value", at(member_path(path, "study")), "study label is empty");
      d.field = "study";
      return;
    }
    const bool has_arms = obj.contains("arms") && !obj["arms"].is_null();
    const bool has_contrasts = obj.contains("contrasts") && !obj["contrasts"].is_null();
    if (has_arms && has_contrasts) {
      auto& d =
          diags_.error("json-arms-and-contrasts", at(path),
                       "study \"" + lbl + "\" in outcome \"" + o.name + "\" gives both \"arms\" and \"contrasts\"",
                       "give arm-level data or contrasts for a study, not both");
      d.study = lbl;
      return;
    }
    if (!has_arms && !has_contrasts) {
      auto& d =
          diags_.error("json-no-arms", at(path),
                       "study \"" + lbl + "\" in outcome \"" + o.name + "\" has neither \"arms\" nor \"contrasts\"");
      d.study = lbl;
      return;
    }
    StudyData sd;
    sd.study = study_for(lbl, path);
    if (const json* arms = member(obj, path, "arms", json::value_t::array, false, lbl)) {
      const std::string apath = member_path(path, "arms");
      for (std::size_t i = 0; i < arms->size(); ++i) {
        const std::string p = index_path(apath, i);
        if (expect_object((*arms)[i], p, lbl)) read_arm((*arms)[i], p, lbl, sd);
      }
    }
    if (const json* cs = member(obj, path, "contrasts", json::value_t::array, false, lbl)) {
      const std::string cpath = member_path(path, "contrasts");
      for (std::size_t i = 0; i < cs->size(); ++i) {
        const std::string p = index_path(cpath, i);
        if (expect_object((*cs)[i], p, lbl)) read_contrast((*cs)[i], p, lbl, sd);
      }
    }
    o.data.push_back(std::move(sd));
  }

  void read_arm(const json& obj, const std::string& path, const std::string& study, StudyData& sd) {
    check_keys(
        obj, path,
        {"treatment", "n", "events", "mean", "sd", "time", "median", "q1", "q3", "min", "max", "se", "sd_baseline"},
        study);
    const auto treatment = string_field(obj, path, "treatment", true, study);
    if (!treatment) return;
    Arm a;
    a.treatment = *treatment;
    a.n = number_field(obj, path, "n", study);
    a.events = number_field(obj, path, "events", study);
    a.mean = number_field(obj, path, "mean", study);
    a.sd = number_field(obj, path, "sd", study);
    a.time = number_field(obj, path, "time", study);
    a.median = number_field(obj, path, "median", study);
    a.q1 = number_field(obj, path, "q1", study);
    a.q3 = number_field(obj, path, "q3", study);
    a.min = number_field(obj, path, "min", study);
    a.max = number_field(obj, path, "max", study);
    a.se = number_field(obj, path, "se", study);
    a.sd_baseline = number_field(obj, path, "sd_baseline", study);
    a.source = at(path);
    sd.arms.push_back(std::move(a));
  }

  void read_contrast(const json& obj, const std::string& path, const std::string& study, StudyData& sd) {
    check_keys(obj, path,
               {"treat1", "treat2", "estimate", "se", "variance", "ci_lower", "ci_upper", "ci_level", "p_value",
                "log_scale", "n1", "n2", "events1", "events2"},
               study);
    const auto t1 = string_field(obj, path, "treat1", true, study);
    const auto t2 = string_field(obj, path, "treat2", true, study);
    if (!t1 || !t2) return;
    ContrastRecord c;
    c.treat1 = *t1;
    c.treat2 = *t2;
    c.estimate = number_field(obj, path, "estimate", study);
    c.se = number_field(obj, path, "se", study);
    c.variance = number_field(obj, path, "variance", study);
    c.ci_lower = number_field(obj, path, "ci_lower", study);
    c.ci_upper = number_field(obj, path, "ci_upper", study);
    if (const auto level = number_field(obj, path, "ci_level", study)) {
      if (*level > 0.0 && *level < 1.0) {
        c.ci_level = *level;
      } else {
        auto& d =
            diags_.error("json-bad-value", at(member_path(path, "ci_level")),
                         member_path(path, "ci_level") + " must lie between 0 and 1, got " + preview(obj["ci_level"]),
                         *level > 1.0 && *level < 100.0 ? "give the level as a fraction, e.g. 0.95" : std::string());
        d.study = study;
        d.field = "ci_level";
      }
    }
    c.p_value = number_field(obj, path, "p_value", study);
    if (const json* ls = member(obj, path, "log_scale", json::value_t::boolean, false, study))
      c.log_scale = ls->get<bool>();
    c.n1 = number_field(obj, path, "n1", study);
    c.n2 = number_field(obj, path, "n2", study);
    c.events1 = number_field(obj, path, "events1", study);
    c.events2 = number_field(obj, path, "events2", study);
    c.source = at(path);
    sd.contrasts.push_back(std::move(c));
  }

  void read_exclusion(const json& obj, const std::string& path) {
    check_keys(obj, path, {"outcome", "study", "treatment", "reason"}, {});
    Exclusion e;
    e.outcome = string_field(obj, path, "outcome", false, {}).value_or("");
    e.study = string_field(obj, path, "study", false, {}).value_or("");
    e.treatment = string_field(obj, path, "treatment", false, {}).value_or("");
    e.reason = string_field(obj, path, "reason", true, {}).value_or("");
    e.source = at(path);
    ds_.excluded.push_back(std::move(e));
  }

  const ParsedJson& p_;
  const LineMap& lines_;
  const std::string& file_;
  Diagnostics& diags_;
  Dataset& ds_;
  std::map<std::string, std::size_t> study_index_;
};

// ------------------------------------------------------------------------------------------------
// Dataset -> JSON

template <class J>
J number_json(double x) {
  if (std::isnan(x)) return J("NaN");
  if (std::isinf(x)) return J(x > 0 ? "Inf" : "-Inf");
  if (x == std::floor(x) && std::fabs(x) < 9007199254740992.0) return J(static_cast<std::int64_t>(x));
  return J(x);
}

template <class J>
J covariate_json(const CovariateValue& v) {
  if (v.number) {
    J n = number_json<J>(*v.number);
    // A number whose text is exactly how the number is written round-trips as a number; any other
    // text (e.g. "55.0", "1e3") is kept as a string, which reads back to the same text and number.
    if (v.text.empty() || n.dump() == v.text || !parse_full_number(v.text)) return n;
  }
  return J(v.text);
}

template <class J>
void set_number(J& obj, const char* key, const std::optional<double>& v) {
  if (v) obj[key] = number_json<J>(*v);
}

template <class J>
J build(const Dataset& d) {
  J root = J::object();
  root["evident_dataset"] = kJsonSchemaVersion;

  J studies = J::array();
  for (const Study& s : d.studies) {
    J js = J::object();
    js["label"] = s.label;
    if (s.year) js["year"] = *s.year;
    if (!s.rob.empty()) {
      J rob = J::object();
      for (std::size_t i = 0; i < s.rob.domains.size(); ++i)
        if (s.rob.domains[i]) rob["d" + std::to_string(i + 1)] = to_string(*s.rob.domains[i]);
      if (s.rob.overall) rob["overall"] = to_string(*s.rob.overall);
      js["rob"] = std::move(rob);
    }
    if (s.indirectness) js["indirectness"] = to_string(*s.indirectness);
    if (!s.covariates.empty()) {
      J cov = J::object();
      for (const auto& [key, value] : s.covariates) cov[key] = covariate_json<J>(value);
      js["covariates"] = std::move(cov);
    }
    studies.push_back(std::move(js));
  }
  root["studies"] = std::move(studies);

  J outcomes = J::array();
  for (const Outcome& o : d.outcomes) {
    J jo = J::object();
    jo["name"] = o.name;
    jo["type"] = to_string(o.type);
    if (o.direction != Direction::unspecified) jo["direction"] = to_string(o.direction);
    if (o.time_point) jo["time_point"] = *o.time_point;
    set_number(jo, "mid", o.mid);
    if (o.measure) jo["measure"] = *o.measure;
    J data = J::array();
    for (const StudyData& sd : o.data) {
      J je = J::object();
      je["study"] = sd.study < d.studies.size() ? d.studies[sd.study].label : std::string();
      if (!sd.arms.empty() || sd.contrasts.empty()) {
        J arms = J::array();
        for (const Arm& a : sd.arms) {
          J ja = J::object();
          ja["treatment"] = a.treatment;
          set_number(ja, "n", a.n);
          set_number(ja, "events", a.events);
          set_number(ja, "mean", a.mean);
          set_number(ja, "sd", a.sd);
          set_number(ja, "time", a.time);
          set_number(ja, "median", a.median);
          set_number(ja, "q1", a.q1);
          set_number(ja, "q3", a.q3);
          set_number(ja, "min", a.min);
          set_number(ja, "max", a.max);
          set_number(ja, "se", a.se);
          set_number(ja, "sd_baseline", a.sd_baseline);
          arms.push_back(std::move(ja));
        }
        je["arms"] = std::move(arms);
      }
      if (!sd.contrasts.empty()) {
        J cs = J::array();
        for (const ContrastRecord& c : sd.contrasts) {
          J jc = J::object();
          jc["treat1"] = c.treat1;
          jc["treat2"] = c.treat2;
          set_number(jc, "estimate", c.estimate);
          set_number(jc, "se", c.se);
          set_number(jc, "variance", c.variance);
          set_number(jc, "ci_lower", c.ci_lower);
          set_number(jc, "ci_upper", c.ci_upper);
          if (c.ci_lower || c.ci_upper || c.ci_level != 0.95) jc["ci_level"] = number_json<J>(c.ci_level);
          set_number(jc, "p_value", c.p_value);
          jc["log_scale"] = c.log_scale;
          set_number(jc, "n1", c.n1);
          set_number(jc, "n2", c.n2);
          set_number(jc, "events1", c.events1);
          set_number(jc, "events2", c.events2);
          cs.push_back(std::move(jc));
        }
        je["contrasts"] = std::move(cs);
      }
      data.push_back(std::move(je));
    }
    jo["data"] = std::move(data);
    outcomes.push_back(std::move(jo));
  }
  root["outcomes"] = std::move(outcomes);

  if (!d.excluded.empty()) {
    J ex = J::array();
    for (const Exclusion& e : d.excluded) {
      J je = J::object();
      je["outcome"] = e.outcome;
      je["study"] = e.study;
      if (!e.treatment.empty()) je["treatment"] = e.treatment;
      je["reason"] = e.reason;
      ex.push_back(std::move(je));
    }
    root["excluded"] = std::move(ex);
  }
  return root;
}

}  // namespace

nlohmann::json to_json(const Dataset& data) {
  return build<nlohmann::json>(data);
}

std::string write_json(const Dataset& data, int indent) {
  return build<nlohmann::ordered_json>(data).dump(indent < 0 ? -1 : indent, ' ', false,
                                                  nlohmann::ordered_json::error_handler_t::replace);
}

ReadResult read_json(std::string_view text, const std::string& filename, const ReadOptions& /*options*/) {
  ReadResult r;
  r.dataset.source_file = filename;
  r.dataset.format = "json";
  try {
    const LineMap lines(text);
    ParsedJson parsed;
    std::size_t consumed = 0;
    PositionedBuilder builder(text, consumed, parsed, r.diagnostics, lines, filename);
    const char* base = text.data();
    const CountingIterator first(base, base, &consumed);
    const CountingIterator last(base + text.size(), base, nullptr);
    if (!json::sax_parse(first, last, &builder)) {
      if (!r.diagnostics.has_errors()) r.diagnostics.error("json-syntax", {filename, 0, 0}, "malformed JSON");
      return r;
    }
    DatasetReader reader(parsed, lines, filename, r.diagnostics, r.dataset);
    reader.read();
    validate_dataset(r.dataset, r.diagnostics);
  } catch (const std::exception& e) {
    r.diagnostics.error("json-internal", {filename, 0, 0}, std::string("could not read the JSON file: ") + e.what());
  }
  return r;
}

}  // namespace evident
