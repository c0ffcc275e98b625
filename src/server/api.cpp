// evident: the HTTP JSON API as a pure function; see evident/server/api.hpp.
#include "evident/server/api.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <new>
#include <sstream>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "evident/core/diagnostic.hpp"
#include "evident/core/diagnostic_json.hpp"
#include "evident/core/version.hpp"
#include "evident/data/read.hpp"
#include "evident/network/request.hpp"
#include "evident/pairwise/request.hpp"
#include "evident/report/html_report.hpp"
#include "api_internal.hpp"

namespace evident::server {

namespace detail {

using nlohmann::json;

std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

ApiResponse json_response(int status, const json& j) {
  ApiResponse r;
  r.status = status;
  r.body = dump(j);
  return r;
}

ApiResponse error_response(int status, const Diagnostics& ds) {
  return json_response(status, json{{"ok", false}, {"diagnostics", to_json(ds)}});
}

ApiResponse error_response(int status, std::string code, std::string message, std::string hint,
                           std::string field) {
  Diagnostics ds;
  Diagnostic& d = ds.error(std::move(code), SourceLocation{"request", 0, 0}, std::move(message), std::move(hint));
  d.field = std::move(field);
  return error_response(status, ds);
}

ApiResponse not_found(const std::string& path) {
  return error_response(404, "not-found", "no route or file '" + path + "'",
                        "routes: GET /api/health, POST /api/analyse, POST /api/report, POST /api/figure/NAME, "
                        "POST /api/columns, POST /api/read, GET|POST /api/reviews, /api/reviews/NAME/..., "
                        "/api/review/... (the --store review), GET /api/jobs/ID; docs/methods/server.md");
}

ApiResponse method_not_allowed(const std::string& method, const std::string& path, const std::string& allow) {
  ApiResponse r = error_response(405, "method-not-allowed", method + " is not allowed on " + path, "use " + allow);
  r.allow = allow;
  return r;
}

namespace {
/// Deepest nesting of arrays and objects in JSON text (strings skipped); stops counting past `limit`.
std::size_t json_depth(std::string_view text, std::size_t limit) {
  std::size_t depth = 0, max_depth = 0;
  bool in_string = false, escape = false;
  for (const char c : text) {
    if (in_string) {
      if (escape)
        escape = false;
      else if (c == '\\')
        escape = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      max_depth = std::max(max_depth, ++depth);
      if (max_depth > limit) return max_depth;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return max_depth;
}
}  // namespace

/// Parses the body as a JSON object; on failure `error` holds the 400 response.
std::optional<json> parse_object(const ApiRequest& req, const ApiContext& ctx, ApiResponse& error) {
  if (json_depth(req.body, ctx.max_json_depth) > ctx.max_json_depth) {
    error = error_response(400, "malformed-json",
                           "JSON nested deeper than " + std::to_string(ctx.max_json_depth) + " levels",
                           "send one request object");
    return std::nullopt;
  }
  json j;
  try {  // allow_exceptions = false still throws out_of_range 406 for a number too large for a double
    j = json::parse(req.body, nullptr, false);
  } catch (const json::exception&) {
    j = json(json::value_t::discarded);
  }
  if (j.is_discarded()) {
    error = error_response(400, "malformed-json", "the request body is not valid JSON",
                           "send one JSON object, e.g. {\"analysis\": \"nma\", \"csv\": \"...\"}");
    return std::nullopt;
  }
  if (!j.is_object()) {
    error = error_response(400, "malformed-json", "the request body is not a JSON object",
                           "send one JSON object, e.g. {\"analysis\": \"nma\", \"csv\": \"...\"}");
    return std::nullopt;
  }
  return j;
}

// The rankogram simulations are the one unbounded cost of a request.
std::optional<ApiResponse> check_limits(const json& body, const ApiContext& ctx) {
  for (const char* key : {"options", "network"}) {
    const auto opts = body.find(key);
    if (opts == body.end() || !opts->is_object()) continue;
    const auto nsim = opts->find("nsim");
    if (nsim != opts->end() && nsim->is_number() && nsim->get<double>() > static_cast<double>(ctx.max_nsim))
      return error_response(422, "limit-exceeded",
                            "nsim is over the server's limit of " + std::to_string(ctx.max_nsim),
                            "ask for fewer rankogram simulations", std::string(key) + ".nsim");
  }
  return std::nullopt;
}

std::string lower_extension(std::string_view name) {
  const auto dot = name.rfind('.');
  std::string ext = dot == std::string_view::npos ? std::string() : std::string(name.substr(dot + 1));
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

std::optional<std::int64_t> parse_id(const std::string& s) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

}  // namespace detail

namespace {

using nlohmann::json;
using namespace detail;


// ---- POST /api/analyse ----

ApiResponse analyse(const ApiRequest& req, const ApiContext& ctx) {
  ApiResponse error;
  const auto body = parse_object(req, ctx, error);
  if (!body) return error;
  if (auto limit = check_limits(*body, ctx)) return *limit;
  const RequestLine line = process_batch_line(req.body, 1, "request");
  ApiResponse r;
  r.status = line.ok ? 200 : 422;
  r.body = line.json;
  return r;
}

// ---- POST /api/report and /api/figure/{name} ----

struct ReportRun {
  Dataset data;  ///< ReportInput::data points here
  report::HtmlReport page;
};

/// Reads the data and options of a report request and builds the page; nothing when `error` was set.
std::unique_ptr<ReportRun> build_report(const ApiRequest& req, const ApiContext& ctx, ApiResponse& error) {
  const auto body = parse_object(req, ctx, error);
  if (!body) return nullptr;
  if (auto limit = check_limits(*body, ctx)) {
    error = *limit;
    return nullptr;
  }
  Diagnostics ds;
  // Options only the report has (the pairwise analyses' settings) are taken out; the rest is read as an
  // "analysis": "nma" batch request, which checks every name and type.
  MetaSettings meta;
  std::string title;
  json request = json::object();
  request["analysis"] = "nma";
  for (const auto& [key, value] : body->items()) {
    if (key == "options" && value.is_object()) {
      json rest = json::object();
      for (const auto& [k, v] : value.items()) {
        const auto bad = [&](const char* expected) {
          ds.error("invalid-option", kBody, "option '" + k + "' must be " + expected).field = "options." + k;
        };
        if (k == "hk") {
          if (v.is_boolean())
            meta.hk = v.get<bool>();
          else
            bad("true or false");
        } else if (k == "prediction") {
          if (v.is_string())
            meta.prediction = v.get<std::string>();
          else
            bad("a string");
        } else if (k == "pairwise_method_tau") {
          if (v.is_string())
            meta.method_tau = v.get<std::string>();
          else
            bad("a string");
        } else {
          if (k == "method_tau" && v.is_string()) meta.method_tau = v.get<std::string>();
          if (k == "level" && v.is_number()) meta.level = v.get<double>();
          rest[k] = v;
        }
      }
      request["options"] = std::move(rest);
    } else if (key == "title") {
      if (value.is_string())
        title = value.get<std::string>();
      else
        ds.error("invalid-option", kBody, "'title' must be a string").field = "title";
    } else {
      request[key] = value;
    }
  }
  ParsedRequest parsed = parse_request(dump(request), kBody);
  ds.append(parsed.diagnostics);
  if (ds.has_errors() || !parsed.request) {
    error = error_response(422, ds);
    return nullptr;
  }
  const AnalysisRequest& ar = *parsed.request;
  if (ar.kind == RequestKind::effects) {
    ds.error("invalid-request", kBody, "a report needs trial data",
             "send \"csv\" (CSV text) or \"data\" (an evident dataset object)");
    error = error_response(422, ds);
    return nullptr;
  }
  report::ReportSettings settings;
  settings.effects = ar.effects;
  settings.pairwise = make_pairwise_options(meta, PairwiseSettings{}, ds);
  settings.network = make_network_options(ar.network, ds);
  const ReadOptions ropts = make_read_options(ar.read, ds);
  if (ds.has_errors()) {
    error = error_response(422, ds);
    return nullptr;
  }
  auto run = std::make_unique<ReportRun>();
  ReadResult read =
      ar.kind == RequestKind::data ? read_json(ar.text, ar.name, ropts) : read_csv(ar.text, ar.name, ropts);
  ds.append(read.diagnostics);
  if (!read.ok()) {
    error = error_response(422, ds);
    return nullptr;
  }
  run->data = std::move(read.dataset);
  report::ReportInput input = report::analyse_for_report(run->data, settings);
  bool analysed = false;
  for (const auto& o : input.outcomes) analysed = analysed || !o.pairwise.empty() || !o.network.empty();
  ds.append(input.diagnostics);
  if (!analysed) {
    ds.error("nothing-analysed", kBody, "nothing could be analysed in the data");
    error = error_response(422, ds);
    return nullptr;
  }
  input.diagnostics = std::move(ds);
  input.title = title.empty() ? "evident report" : title;
  run->page = report::html_report(input);
  return run;
}

ApiResponse report_route(const ApiRequest& req, const ApiContext& ctx) {
  ApiResponse error;
  const auto run = build_report(req, ctx, error);
  if (!run) return error;
  ApiResponse r;
  r.content_type = "text/html; charset=utf-8";
  r.body = run->page.html;
  return r;
}

ApiResponse figure_route(const ApiRequest& req, const ApiContext& ctx, const std::string& name) {
  ApiResponse error;
  const auto run = build_report(req, ctx, error);
  if (!run) return error;
  std::string names;
  for (const auto& f : run->page.figures) {
    if (f.name == name) {
      ApiResponse r;
      r.content_type = "image/svg+xml";
      r.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + f.svg;
      return r;
    }
    names += (names.empty() ? "" : ", ") + f.name;
  }
  return error_response(404, "no-such-figure", "the report of these data has no figure '" + name + "'",
                        "figures: " + (names.empty() ? std::string("none") : names));
}

// ---- static files ----

ApiResponse static_route(const ApiRequest& req, const ApiContext& ctx, std::string_view rest) {
  if (req.method != "GET" && req.method != "HEAD") return method_not_allowed(req.method, req.path, "GET");
  const auto rel = normalise_static_path(rest);
  if (!rel) return error_response(400, "bad-path", "refused path '" + req.path + "'", "no '..', '.' or absolute paths");
  if (ctx.static_dir.empty()) {
    if (ctx.web_assets == nullptr) return not_found(req.path);
    const auto it = ctx.web_assets->find(*rel);
    if (it == ctx.web_assets->end()) return not_found(req.path);
    ApiResponse r;
    r.content_type = media_type(*rel);
    r.body = std::string(it->second);
    return r;
  }
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path root = fs::canonical(ctx.static_dir, ec);
  if (ec) return not_found(req.path);
  const fs::path file = fs::weakly_canonical(root / *rel, ec);
  if (ec) return not_found(req.path);
  // The file must stay under the root after symbolic links are resolved.
  const auto [r_end, f_it] = std::mismatch(root.begin(), root.end(), file.begin(), file.end());
  if (r_end != root.end() || !fs::is_regular_file(file, ec)) return not_found(req.path);
  std::ifstream in(file, std::ios::binary);
  if (!in) return not_found(req.path);
  std::ostringstream ss;
  ss << in.rdbuf();
  ApiResponse r;
  r.content_type = media_type(file.filename().string());
  r.body = ss.str();
  return r;
}

ApiResponse route(const ApiRequest& req, ApiContext& ctx) {
  const std::string& p = req.path;
  const std::string& m = req.method;
  if (p == "/api/health") {
    if (m != "GET" && m != "HEAD") return method_not_allowed(m, p, "GET");
    return json_response(200, json{{"status", "ok"}, {"version", kVersion}});
  }
  if (p == "/api/analyse") {
    if (m != "POST") return method_not_allowed(m, p, "POST");
    return analyse(req, ctx);
  }
  if (p == "/api/report") {
    if (m != "POST") return method_not_allowed(m, p, "POST");
    return report_route(req, ctx);
  }
  const std::string figure = "/api/figure/";
  if (p.rfind(figure, 0) == 0 && p.size() > figure.size()) {
    if (m != "POST") return method_not_allowed(m, p, "POST");
    return figure_route(req, ctx, p.substr(figure.size()));
  }
  if (p == "/api/columns") {
    if (m != "POST") return method_not_allowed(m, p, "POST");
    return columns_route(req, ctx);
  }
  if (p == "/api/read") {
    if (m != "POST") return method_not_allowed(m, p, "POST");
    return read_route(req, ctx);
  }
  if (p == "/api/reviews") return reviews_route(req, ctx, "");
  if (p.rfind("/api/reviews/", 0) == 0) return reviews_route(req, ctx, p.substr(13));
  if (p == "/api/review") return default_review_route(req, ctx, "");
  if (p.rfind("/api/review/", 0) == 0) return default_review_route(req, ctx, p.substr(12));
  const std::string jobs = "/api/jobs/";
  if (p.rfind(jobs, 0) == 0) {
    if (m != "GET" && m != "HEAD") return method_not_allowed(m, p, "GET");
    return job_route(req, ctx, p.substr(jobs.size()));
  }
  if (p == "/") return static_route(req, ctx, "");
  const std::string stat = "/static/";
  if (p.rfind(stat, 0) == 0) return static_route(req, ctx, std::string_view(p).substr(stat.size()));
  return not_found(p);
}

}  // namespace

std::optional<std::string> normalise_static_path(std::string_view rest) {
  if (rest.empty() || rest == "/") return std::string("index.html");
  std::string out;
  std::size_t start = 0;
  while (start <= rest.size()) {
    const std::size_t slash = std::min(rest.find('/', start), rest.size());
    const std::string_view seg = rest.substr(start, slash - start);
    if (seg.empty() || seg.front() == '.') return std::nullopt;  // "//", "/abs", "..", ".", ".hidden"
    for (const char c : seg)
      if (c == '\\' || c == ':' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return std::nullopt;
    if (!out.empty()) out += '/';
    out += seg;
    start = slash + 1;
  }
  if (out.empty()) return std::nullopt;
  return out;
}

std::string media_type(std::string_view name) {
  const std::string ext = detail::lower_extension(name);
  static const std::map<std::string, std::string> types = {
      {"html", "text/html; charset=utf-8"},
      {"htm", "text/html; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"json", "application/json"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"ico", "image/x-icon"},
      {"txt", "text/plain; charset=utf-8"},
      {"csv", "text/csv; charset=utf-8"},
      {"woff2", "font/woff2"},
  };
  const auto it = types.find(ext);
  return it == types.end() ? "application/octet-stream" : it->second;
}

ApiResponse handle(const ApiRequest& request, ApiContext& context) {
  try {
    if (request.body.size() > context.max_body_bytes)
      return error_response(413, "body-too-large",
                            "the request body has " + std::to_string(request.body.size()) +
                                " bytes, over the limit of " + std::to_string(context.max_body_bytes),
                            "send less data per request");
    ApiResponse r = route(request, context);
    if (request.method == "HEAD") r.body.clear();
    return r;
  } catch (const std::bad_alloc&) {
    return error_response(500, "out-of-memory", "the server ran out of memory answering this request");
  } catch (const std::exception& e) {
    return error_response(500, "internal-error", std::string("internal error: ") + e.what(),
                          "please report this as a bug");
  }
}

}  // namespace evident::server
