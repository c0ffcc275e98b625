// libFuzzer entry point: `evident batch` must answer every line of any input - one JSON result or error
// record per non-blank line - and never crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "evident/network/request.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::size_t line = 0;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view one = text.substr(0, end);
    ++line;
    if (!evident::is_blank_line(one)) (void)evident::process_batch_line(one, line, "fuzz.jsonl");
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return 0;
}
