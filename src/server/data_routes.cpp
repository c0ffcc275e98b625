// evident: POST /api/columns and POST /api/read - the column-mapping step and the dry run of an import of the web
// app; see evident/server/api.hpp. The reading is the data area's (read_text, the CSV tokenizer and its header
// recognition); nothing is computed here.
#include <algorithm>
#include <string>

#include <nlohmann/json.hpp>

#include "api_internal.hpp"
#include "evident/core/diagnostic_json.hpp"
#include "evident/data/csv.hpp"
#include "evident/pairwise/request.hpp"

namespace evident::server::detail {

using nlohmann::json;

namespace {

/// The fields a column can be mapped to (`--map column=field`; evident/data/read.hpp), in the order the web app
/// offers them.
const std::vector<std::string>& mappable_fields() {
  static const std::vector<std::string> f = {
      "study", "treatment", "treat1", "treat2", "events", "nonevents", "n",     "mean",         "sd",
      "time",  "median",    "q1",     "q3",     "min",    "max",       "se",    "TE",           "seTE",
      "vi",    "ci.lb",     "ci.ub",  "pval",   "year",   "rob",       "indirectness", "outcome", "covariate",
      "ignore"};
  return f;
}

/// "csv", "json" or "revman5" from the file name, else from the first non-blank character.
std::string guess_format(const std::string& text, const std::string& filename) {
  const std::string ext = lower_extension(filename);
  if (ext == "json") return "json";
  if (ext == "rm5" || ext == "xml") return "revman5";
  if (ext == "csv" || ext == "tsv" || ext == "txt") return "csv";
  const auto first = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (first != std::string::npos && text[first] == '{') return "json";
  if (first != std::string::npos && text[first] == '<') return "revman5";
  return "csv";
}

std::string text_of(const json& body) {
  for (const char* key : {"csv", "text"}) {
    const auto it = body.find(key);
    if (it != body.end() && it->is_string()) return it->get<std::string>();
  }
  return {};
}

std::string filename_of(const json& body, const std::string& fallback) {
  const auto it = body.find("filename");
  if (it != body.end() && it->is_string() && !it->get<std::string>().empty()) {
    std::string name = it->get<std::string>();
    const auto slash = name.find_last_of("/\\");  // a name, never a path of this machine
    return slash == std::string::npos ? name : name.substr(slash + 1);
  }
  return fallback;
}

}  // namespace

ReadResult read_upload(const json& body) {
  ReadResult r;
  Diagnostics& ds = r.diagnostics;
  const bool has_data = body.contains("data");
  const std::string text = has_data ? std::string() : text_of(body);
  if (!has_data && text.empty()) {
    ds.error("invalid-request", kBody, "no data in the request",
             "send \"csv\" (the file's text, any format evident reads) or \"data\" (an evident dataset object)");
    return r;
  }
  if (has_data && !body["data"].is_object()) {
    ds.error("invalid-request", kBody, "\"data\" must be an evident dataset object").field = "data";
    return r;
  }
  // The options are read as those of a batch request, which checks every name and type.
  json request{{"analysis", "nma"}, {"csv", "x"}};
  if (body.contains("options")) {
    const json& o = body["options"];
    if (!o.is_object()) {
      ds.error("invalid-option", kBody, "\"options\" must be an object").field = "options";
      return r;
    }
    json read_only = json::object();
    for (const auto& [k, v] : o.items())
      if (k == "map" || k == "type" || k == "outcome_name" || k == "small_values" || k == "mid") read_only[k] = v;
    request["options"] = read_only;
  }
  ParsedRequest parsed = parse_request(dump(request), kBody);
  ds.append(parsed.diagnostics);
  if (ds.has_errors() || !parsed.request) return r;
  const std::string filename = filename_of(body, has_data ? "data.json" : "upload.csv");
  ReadSettings rs = parsed.request->read;
  // As the CLI names a single-outcome file's outcome: after the file, unless the options name it.
  const bool named = body.contains("options") && body["options"].contains("outcome_name");
  if (!named) {
    const auto dot = filename.rfind('.');
    rs.outcome_name = dot == std::string::npos || dot == 0 ? filename : filename.substr(0, dot);
  }
  ReadOptions ropts = make_read_options(rs, ds);
  if (ds.has_errors()) return r;
  ropts.format = InputFormat::auto_detect;  // the batch request's "csv" key set CSV; any format is welcome here
  ReadResult read =
      has_data ? read_json(dump(body["data"]), filename, ropts) : read_text(text, filename, ropts);
  ds.append(read.diagnostics);
  r.dataset = std::move(read.dataset);
  return r;
}

ApiResponse columns_route(const ApiRequest& req, const ApiContext& ctx) {
  ApiResponse error;
  const auto body = parse_object(req, ctx, error);
  if (!body) return error;
  const std::string text = text_of(*body);
  const std::string filename = filename_of(*body, "upload.csv");
  json out{{"format", guess_format(text, filename)}, {"columns", json::array()}, {"rows", json::array()},
           {"fields", mappable_fields()}};
  if (out["format"] != "csv") return json_response(200, out);  // JSON and RevMan files name their own fields
  Diagnostics ds;
  const csv::DecodedText decoded = csv::decode_text(text, filename, std::size_t{1} << 30, ds);
  if (!decoded.ok) return error_response(422, ds);
  const csv::Table table = csv::tokenize(decoded.text, filename, ds);
  if (table.fatal || table.rows.empty()) {
    if (!ds.has_errors()) ds.error("empty-file", SourceLocation{filename, 1, 0}, "the file has no header row");
    return error_response(422, ds);
  }
  out["separator"] = std::string(1, table.separator);
  const csv::Row& header = table.rows.front();
  for (std::size_t i = 0; i < header.count; ++i) {
    const std::string name(table.cell(header, i));
    json col{{"name", name}, {"field", nullptr}, {"arm", 0}};
    if (const auto role = csv::recognize_column(name)) {
      col["field"] = csv::field_name(role->field);
      col["arm"] = role->arm;
    }
    out["columns"].push_back(std::move(col));
  }
  for (std::size_t r = 1; r < table.rows.size() && r <= 10; ++r) {
    json row = json::array();
    for (std::size_t i = 0; i < table.rows[r].count; ++i) row.push_back(std::string(table.cell(table.rows[r], i)));
    out["rows"].push_back(std::move(row));
  }
  out["data_rows"] = table.rows.size() - 1;
  out["diagnostics"] = to_json(ds);
  return json_response(200, out);
}

ApiResponse read_route(const ApiRequest& req, const ApiContext& ctx) {
  ApiResponse error;
  const auto body = parse_object(req, ctx, error);
  if (!body) return error;
  const ReadResult read = read_upload(*body);
  const Dataset& d = read.dataset;
  json outcomes = json::array();
  std::vector<std::string> treatments;
  const auto note_treatment = [&](const std::string& t) {
    if (std::find(treatments.begin(), treatments.end(), t) == treatments.end()) treatments.push_back(t);
  };
  for (const Outcome& o : d.outcomes) {
    outcomes.push_back(json{{"name", o.name}, {"type", to_string(o.type)}, {"studies", o.data.size()}});
    for (const StudyData& sd : o.data) {
      for (const Arm& a : sd.arms) note_treatment(a.treatment);
      for (const ContrastRecord& c : sd.contrasts) {
        note_treatment(c.treat1);
        note_treatment(c.treat2);
      }
    }
  }
  json excluded = json::array();
  for (const Exclusion& x : d.excluded)
    excluded.push_back(json{{"outcome", x.outcome}, {"study", x.study}, {"treatment", x.treatment},
                            {"reason", x.reason}, {"line", x.source.line}});
  json out{{"ok", read.ok()},
           {"format", d.format},
           {"studies", d.studies.size()},
           {"treatments", treatments},
           {"outcomes", outcomes},
           {"excluded", excluded},
           {"diagnostics", to_json(read.diagnostics)}};
  return json_response(read.ok() ? 200 : 422, out);
}

}  // namespace evident::server::detail
