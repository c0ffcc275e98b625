// libFuzzer entry point: the JSON readers of the certainty and report areas (evidence profiles,
// reviewer's certainty judgements, PRISMA counts) must never crash, hang or leak on any input, and an
// evidence profile that reads must evaluate and render.
#include <cstddef>
#include <cstdint>
#include <string>

#include "evident/certainty/judgements_file.hpp"
#include "evident/certainty/profile.hpp"
#include "evident/report/prisma.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const evident::EvidenceProfile profile = evident::read_profile(text, "fuzz.json");
  const auto reports = evident::evaluate_profile(profile);
  (void)evident::render_text(reports);
  (void)evident::to_json(reports).dump();
  evident::Diagnostics d;
  (void)evident::read_certainty_judgements(text, "fuzz.json", d);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text, nullptr, false);
  } catch (const nlohmann::json::exception&) {  // number overflow (406) escapes allow_exceptions = false
    return 0;
  }
  if (!j.is_discarded()) {
    evident::Diagnostics p;
    const evident::report::PrismaCounts counts = evident::report::prisma_from_json(j, p);
    if (!p.has_errors()) (void)evident::report::check_prisma(counts);
  }
  return 0;
}
