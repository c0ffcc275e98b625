#pragma once

namespace evident {
/// Software version, written into every result's provenance.
inline constexpr const char* kVersion = "0.1.0";
}  // namespace evident
