// evident: what the route files of the HTTP API share (internal to src/server; see evident/server/api.hpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "evident/core/diagnostic.hpp"
#include "evident/data/read.hpp"
#include "evident/server/api.hpp"

namespace evident::server::detail {

/// The location diagnostics about the request body carry ("request:1").
inline const SourceLocation kBody{"request", 1, 0};

std::string dump(const nlohmann::json& j);
ApiResponse json_response(int status, const nlohmann::json& j);
ApiResponse error_response(int status, const Diagnostics& ds);
ApiResponse error_response(int status, std::string code, std::string message, std::string hint = {},
                           std::string field = {});
ApiResponse not_found(const std::string& path);
ApiResponse method_not_allowed(const std::string& method, const std::string& path, const std::string& allow);
/// The body as a JSON object; on failure `error` holds the 400 response.
std::optional<nlohmann::json> parse_object(const ApiRequest& req, const ApiContext& ctx, ApiResponse& error);
/// 422 when options.nsim (or network.nsim of review settings) is over ApiContext::max_nsim.
std::optional<ApiResponse> check_limits(const nlohmann::json& body, const ApiContext& ctx);
std::optional<std::int64_t> parse_id(const std::string& s);
/// The file name's extension after the last '.', lower-cased ("" when it has none).
std::string lower_extension(std::string_view file_name);

/// Reads the data of an upload body {"csv" | "text": file text, "data": dataset object, "filename", "options":
/// {map, type, outcome_name, small_values, mid}} (text through read_text(): the format is detected from the file
/// name and content). Option errors and a missing text are errors in the result's diagnostics.
ReadResult read_upload(const nlohmann::json& body);

/// GET/POST /api/reviews and everything under /api/reviews/{name} and /api/review (the --store review).
ApiResponse reviews_route(const ApiRequest& req, ApiContext& ctx, const std::string& rest);
ApiResponse default_review_route(const ApiRequest& req, ApiContext& ctx, const std::string& sub);
/// POST /api/columns and POST /api/read.
ApiResponse columns_route(const ApiRequest& req, const ApiContext& ctx);
ApiResponse read_route(const ApiRequest& req, const ApiContext& ctx);
/// GET /api/jobs/{id}.
ApiResponse job_route(const ApiRequest& req, const ApiContext& ctx, const std::string& id);

}  // namespace evident::server::detail
