// libFuzzer entry point: the json reader must never crash, hang or leak on any input.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "evident/data/read.hpp"
#include "evident/effects/effect_size.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = evident::read_json(text, "fuzz.input");
  for (const auto& o : r.dataset.outcomes) {
    evident::EffectOptions opts;
    opts.measure = evident::default_measure(o);
    (void)evident::compute_effects(r.dataset, o, opts);
  }
  return 0;
}
