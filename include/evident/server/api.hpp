// evident: the local HTTP JSON API of `evident serve` (evident issue 7, second part) as a pure function from a
// request to a response - no sockets here; apps/cli/serve.cpp feeds every HTTP request through handle().
//
// Routes (docs/methods/server.md gives the request and response JSON):
//   GET  /api/health                 {"status": "ok", "version": kVersion}
//   POST /api/analyse                a batch request object (evident/pairwise/request.hpp, docs/methods/batch.md):
//                                    200 with its result record (process_batch_line(): the same numbers as
//                                    `evident batch`, `evident meta --json` and `evident nma --json`); 422 with
//                                    the record ("ok": false, diagnostics) when the data or options have errors
//   POST /api/report                 {"csv": "..." | "data": {...}, "options": {...}}: the HTML report of
//                                    `evident report` (analyse_for_report + html_report), text/html
//   POST /api/figure/{name}          as /api/report; one figure of the report (e.g. network-graph) as SVG
//   POST /api/columns                {"csv": text, "filename"}: the columns of a CSV file and what the reader takes
//                                    each for (the web app's column-mapping step)
//   POST /api/read                   {"csv" | "text" | "data", "filename", "options"}: a dry run of an import
//   GET  /api/reviews                the reviews (--store and the --reviews folder); POST creates one
//   .../api/reviews/{name}[/SUB]     one review (review_routes.cpp): GET summary; POST studies (import / add);
//                                    GET studies; PATCH / PUT studies/{label} and PUT treatments/{name} (review
//                                    edit); GET export;
//                                    PUT settings; POST run ({"async": true}: 202 and a job); GET runs, runs/{id},
//                                    diff?a=&b=, report, xlsx, figures, figure/{name}
//   /api/review[/SUB]                the same for the review of --store
//   GET  /api/jobs/{id}              state, stage and progress of an asynchronous run; its result when done
//   GET  / and GET /static/{path}    files of ApiContext::static_dir, else of ApiContext::web_assets (the web app)
//
// Errors are JSON {"ok": false, "diagnostics": [to_json(Diagnostic)...]} (evident/core/diagnostic_json.hpp)
// with HTTP 400 (malformed JSON, a body that is not an object, a bad query or static path), 404 (unknown route or
// file, no store), 405 (known route, other method; "Allow" in ApiResponse::allow), 413 (body over
// ApiContext::max_body_bytes), 422 (data or option errors, limits such as nsim over ApiContext::max_nsim) and 500
// (an unexpected exception, which is a bug). handle() never throws.
//
// Nothing numerical happens here: the numbers are those of the library routines named above, checked against
// metafor 3.8-1 and netmeta there. tests/unit/server/api_test.cpp checks that /api/analyse returns exactly
// the record of process_batch_line() for the same request, and the error statuses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace evident::store {
class ReviewStore;
}

namespace evident::server {

class ReviewRegistry;
class JobRegistry;

/// Files of the web app compiled into the binary: path relative to the app's folder ("index.html",
/// "assets/app.js") -> contents.
using EmbeddedFiles = std::map<std::string, std::string_view, std::less<>>;

struct ApiRequest {
  std::string method;  ///< "GET", "POST", ...
  std::string path;    ///< percent-decoded path without the query, e.g. "/api/analyse"
  std::map<std::string, std::string> query;
  std::string body;
  std::string content_type;
};

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::string allow;  ///< for 405: the methods the route accepts
};

/// What the routes share: the limits, the optional review store and the static file directory.
struct ApiContext {
  std::size_t max_body_bytes = 16u * 1024u * 1024u;  ///< larger bodies get 413 (the server enforces it too)
  std::size_t max_nsim = 100000;                     ///< larger "nsim" options get 422
  std::size_t max_json_depth = 64;                   ///< deeper nesting of the body's JSON gets 400
  std::string static_dir;                            ///< files of GET / and /static/ (empty: web_assets)
  const EmbeddedFiles* web_assets = nullptr;         ///< used when static_dir is empty (null: 404)
  store::ReviewStore* store = nullptr;               ///< null: the /api/review routes answer 404
  std::mutex* store_mutex = nullptr;                 ///< held while the store is used (may be null)
  ReviewRegistry* reviews = nullptr;                 ///< null: /api/reviews lists nothing, creates nothing
  JobRegistry* jobs = nullptr;                       ///< null: runs are synchronous ("async" is ignored)
  std::function<std::string()> clock;                ///< time stamp of a run; empty: "" (the library reads no clock)
};

/// The response to one request. Never throws.
ApiResponse handle(const ApiRequest& request, ApiContext& context);

/// The relative file path a /static/ (or /) URL path names, or nothing when it is refused: a segment "..",
/// an empty segment (as in "//etc" or an absolute path), a backslash, a colon, a NUL or other control character,
/// or a hidden segment starting with '.'. "" and "/" name "index.html". `rest` is the part after "/static/".
std::optional<std::string> normalise_static_path(std::string_view rest);

/// The media type for a file name's extension (text/html, text/css, text/javascript, image/svg+xml,
/// application/json, image/png, ...; application/octet-stream otherwise).
std::string media_type(std::string_view file_name);

}  // namespace evident::server
