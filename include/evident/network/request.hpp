// evident: network meta-analysis requests of `evident batch` and the option settings `evident nma`
// shares with them.
//
// A request line with "analysis": "nma" (format in evident/pairwise/request.hpp and docs/methods/batch.md)
// holds trial data ("data" or "csv"); every selected outcome is analysed as `evident nma` does
// (analyse_network_outcome(), evident/network/analysis.hpp) and the record's "analyses" holds
// to_json(NetworkAnalysis) of each, exactly as `evident nma --json` writes them. Other requests are
// answered by the pairwise layer (process_request_line()). Nothing here throws on user input or does I/O.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "evident/core/diagnostic.hpp"
#include "evident/network/analysis.hpp"
#include "evident/pairwise/request.hpp"

namespace evident {

/// The network options the settings name; a value that is not understood is an "invalid-option" error
/// naming the option (as make_meta_options()).
NetworkOptions make_network_options(const NetworkSettings& settings, Diagnostics& diagnostics);

struct NetworkRequestResult {
  nlohmann::json id;
  std::vector<NetworkAnalysis> analyses;  ///< empty when the request failed
  Diagnostics diagnostics;
  [[nodiscard]] bool ok() const { return !diagnostics.has_errors() && !analyses.empty(); }
};

/// Runs an "analysis": "nma" request (reading, effect sizes, NMA of every selected outcome).
NetworkRequestResult run_network_request(const AnalysisRequest& request, const SourceLocation& where);

/// The answer to input line `line_number` of `file`, whatever analysis it asks for: parse_request(),
/// then run_network_request() or run_request(), then the result record.
RequestLine process_batch_line(std::string_view line, std::size_t line_number, const std::string& file);

}  // namespace evident
