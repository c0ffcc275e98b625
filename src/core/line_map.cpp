#include "evident/core/line_map.hpp"

#include <algorithm>

namespace evident {

LineMap::LineMap(std::string_view text) : text_(text) {
  starts_.push_back(0);
  for (std::size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') starts_.push_back(i + 1);
  if (text.substr(0, 3) == "\xEF\xBB\xBF") bom_ = 3;
}

SourceLocation LineMap::at(std::size_t offset, const std::string& file) const {
  offset = std::min(offset, text_.size());
  const auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
  const auto line_index = static_cast<std::size_t>(it - starts_.begin()) - 1;
  std::size_t begin = starts_[line_index];
  if (line_index == 0) begin = std::min(std::max(begin, bom_), offset);
  int column = 1;
  for (std::size_t i = begin; i < offset; ++i)
    if ((static_cast<unsigned char>(text_[i]) & 0xC0U) != 0x80U) ++column;
  return {file, static_cast<int>(line_index + 1), column};
}

}  // namespace evident
