// evident: reviewer's certainty inputs and overrides from JSON (see judgements_file.hpp).
#include "evident/certainty/judgements_file.hpp"

#include <fstream>
#include <sstream>

namespace evident {
namespace {

/// "a:b" with the two names in sorted order, so that either order finds the same entry.
std::string pair_key(const std::string& a, const std::string& b) { return a < b ? a + ":" + b : b + ":" + a; }

std::string key_of(const std::string& comparison) {
  const auto colon = comparison.find(':');
  if (colon == std::string::npos) return comparison;
  return pair_key(comparison.substr(0, colon), comparison.substr(colon + 1));
}

class Reader {
 public:
  Reader(const std::string& file, Diagnostics& d) : file_(file), d_(d) {}

  void error(const std::string& field, const std::string& message, const std::string& hint) {
    Diagnostic& x =
        d_.error("certainty-input", SourceLocation{file_, 0, 0}, field.empty() ? message : field + ": " + message, hint);
    x.field = field;
  }

  std::optional<ReportingBias> bias(const nlohmann::json& v, const std::string& field) {
    const auto b = v.is_string() ? parse_reporting_bias(v.get<std::string>()) : std::nullopt;
    if (!b) error(field, "not a reporting-bias judgement: " + v.dump(), "use undetected, suspected or strongly suspected");
    return b;
  }

  void read(const nlohmann::json& root, CertaintyJudgements& out) {
    if (!root.is_object()) {
      error("", "the certainty judgements must be a JSON object", "see docs/methods/certainty.md for the format");
      return;
    }
    for (const auto& [key, v] : root.items()) {
      if (key == "reporting_bias") {
        if (v.is_object()) {
          for (const auto& [cmp, b] : v.items())
            if (auto x = bias(b, "reporting_bias." + cmp)) out.reporting_bias[key_of(cmp)] = *x;
        } else if (auto x = bias(v, "reporting_bias")) {
          out.reporting_bias_all = *x;
        }
      } else if (key == "overrides") {
        if (!v.is_array()) {
          error("overrides", "'overrides' must be an array of objects", "");
          continue;
        }
        for (std::size_t i = 0; i < v.size(); ++i) override_entry(v[i], "overrides[" + std::to_string(i) + "]", out);
      } else {
        Diagnostic& x = d_.warning("certainty-unknown-key", SourceLocation{file_, 0, 0}, "unknown key '" + key + "' ignored",
                                   "known keys: reporting_bias, overrides");
        x.field = key;
      }
    }
  }

 private:
  void override_entry(const nlohmann::json& e, const std::string& path, CertaintyJudgements& out) {
    auto text = [&](const char* k) -> std::optional<std::string> {
      if (!e.is_object() || !e.contains(k)) return std::nullopt;
      if (!e.at(k).is_string()) {
        error(path + "." + k, std::string("'") + k + "' must be text", "");
        return std::nullopt;
      }
      return e.at(k).get<std::string>();
    };
    const auto comparison = text("comparison");
    const auto reason = text("reason");
    if (!comparison || comparison->find(':') == std::string::npos) {
      error(path + ".comparison", "an override needs the comparison as \"treat1:treat2\"", "e.g. \"A:B\"");
      return;
    }
    if (!reason || reason->empty()) {
      error(path + ".reason", "an override needs a reason", "say why the judgement differs from the computed one");
      return;
    }
    const std::string k = key_of(*comparison);
    if (const auto overall = text("overall")) {
      const auto c = parse_certainty(*overall);
      if (!c) {
        error(path + ".overall", "not a certainty rating: '" + *overall + "'", "use high, moderate, low or very low");
        return;
      }
      out.overall[k] = CertaintyOverride{*c, *reason};
      return;
    }
    const auto domain = text("domain");
    const auto judgement = text("judgement");
    if (!domain || !judgement) {
      error(path, "an override gives either \"overall\" or both \"domain\" and \"judgement\"", "");
      return;
    }
    const auto c = parse_concern(*judgement);
    if (!c) {
      error(path + ".judgement", "not a judgement: '" + *judgement + "'",
            "use no concerns / some concerns / major concerns (or not serious / serious / very serious)");
      return;
    }
    out.overrides[k][*domain] = ConcernOverride{*c, *reason};
  }

  std::string file_;
  Diagnostics& d_;
};

}  // namespace

CertaintyJudgements read_certainty_judgements(const std::string& text, const std::string& file, Diagnostics& diagnostics) {
  CertaintyJudgements out;
  nlohmann::json root;
  try {  // allow_exceptions = false still throws out_of_range 406 for a number too large for a double
    root = nlohmann::json::parse(text, nullptr, false);
  } catch (const nlohmann::json::exception&) {
    root = nlohmann::json(nlohmann::json::value_t::discarded);
  }
  if (root.is_discarded()) {
    diagnostics.error("certainty-input", SourceLocation{file, 0, 0}, "the certainty judgements are not valid JSON",
                      "check the file with a JSON validator");
    return out;
  }
  Reader(file, diagnostics).read(root, out);
  return out;
}

CertaintyJudgements read_certainty_judgements_file(const std::string& path, Diagnostics& diagnostics) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diagnostics.error("certainty-input", SourceLocation{path, 0, 0}, "cannot open the certainty judgements file",
                      "check the path");
    return {};
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return read_certainty_judgements(ss.str(), path, diagnostics);
}

void apply(const CertaintyJudgements& j, CinemaOptions& options) {
  if (j.reporting_bias_all) options.reporting_bias_all = j.reporting_bias_all;
  for (const auto& [k, v] : j.reporting_bias) options.reporting_bias[k] = v;
  for (const auto& [k, v] : j.overrides) options.overrides[k] = v;
  for (const auto& [k, v] : j.overall) options.overall_overrides[k] = v;
}

void apply(const CertaintyJudgements& j, const std::string& treat1, const std::string& treat2, GradeOptions& options) {
  const std::string k = pair_key(treat1, treat2);
  if (auto it = j.reporting_bias.find(k); it != j.reporting_bias.end())
    options.publication_bias = it->second;
  else if (j.reporting_bias_all)
    options.publication_bias = j.reporting_bias_all;
  if (auto it = j.overrides.find(k); it != j.overrides.end())
    for (const auto& [domain, o] : it->second) options.overrides[domain] = o;
  if (auto it = j.overall.find(k); it != j.overall.end()) options.overall_override = it->second;
}

}  // namespace evident
