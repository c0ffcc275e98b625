#include "evident/core/diagnostic_json.hpp"

namespace evident {

nlohmann::json to_json(const Diagnostic& d) {
  nlohmann::json j;
  j["code"] = d.code;
  j["severity"] = severity_name(d.severity);
  j["file"] = d.location.file;
  j["line"] = d.location.line;
  j["column"] = d.location.column;
  j["study"] = d.study;
  j["field"] = d.field;
  j["message"] = d.message;
  j["hint"] = d.hint;
  j["text"] = format_diagnostic(d);
  return j;
}

nlohmann::json to_json(const Diagnostics& ds) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& d : ds.items()) arr.push_back(to_json(d));
  return arr;
}

}  // namespace evident
