// TEMPORARY development placeholder (replaced by the JSON reader/writer implementation).
#include "evident/data/read.hpp"

namespace evident {
ReadResult read_json(std::string_view, const std::string& filename, const ReadOptions&) {
  ReadResult r;
  r.diagnostics.error("unsupported-format", {filename, 0, 0}, "JSON input is not available in this build");
  return r;
}
}  // namespace evident
