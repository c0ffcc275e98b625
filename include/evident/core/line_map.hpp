// evident: byte offsets in a text to line:column, for diagnostics of readers whose parsers report
// offsets (JSON, XML).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "evident/core/diagnostic.hpp"

namespace evident {

class LineMap {
 public:
  /// Indexes the line starts of `text` (which must outlive the map). A UTF-8 byte-order mark at the
  /// start is not counted as a column.
  explicit LineMap(std::string_view text);

  /// 1-based line and column of a byte offset (clamped to the text); the column counts UTF-8 code
  /// points, so it matches what an editor shows.
  [[nodiscard]] SourceLocation at(std::size_t offset, const std::string& file) const;

 private:
  std::string_view text_;
  std::vector<std::size_t> starts_;
  std::size_t bom_ = 0;
};

}  // namespace evident
