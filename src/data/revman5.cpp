// TEMPORARY development placeholder (replaced by the RevMan 5 reader implementation).
#include "evident/data/read.hpp"

namespace evident {
ReadResult read_revman5(std::string_view, const std::string& filename, const ReadOptions&) {
  ReadResult r;
  r.diagnostics.error("unsupported-format", {filename, 0, 0}, "RevMan 5 input is not available in this build");
  return r;
}
}  // namespace evident
