// libFuzzer entry point: format detection plus every reader (read_text), then effect sizes with several measures.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "evident/data/read.hpp"
#include "evident/effects/effect_size.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = evident::read_text(text, "fuzz.input");
  for (const auto& o : r.dataset.outcomes) {
    for (auto m : {evident::Measure::MD, evident::Measure::SMD, evident::Measure::ROM, evident::Measure::OR,
                   evident::Measure::RR, evident::Measure::RD, evident::Measure::IRR}) {
      evident::EffectOptions opts;
      opts.measure = m;
      (void)evident::compute_effects(r.dataset, o, opts);
    }
  }
  return 0;
}
