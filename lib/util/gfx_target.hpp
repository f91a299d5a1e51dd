#pragma once
// AMD GPU target names ("gfx90a", "gfx1100"), shared by detection (the KFD topology and
// HSA_OVERRIDE_GFX_VERSION) and recipes (`when = { gfx = [...] }`).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tailor::util {

// True for "gfx" followed by the major version in decimal (one or two digits) and the minor
// version and stepping as one hex digit each: gfx906, gfx90a, gfx1030, gfx1151. Generic
// targets (gfx11-generic) and feature suffixes (gfx90a:xnack-) are not device targets.
bool is_gfx_target(std::string_view name);

// The target of a version (major, minor, stepping): (10, 3, 0) -> "gfx1030", (9, 0, 10) ->
// "gfx90a"; nullopt when a part is out of range (major 1-99, minor and stepping 0-15).
std::optional<std::string> gfx_target_of(uint64_t major, uint64_t minor, uint64_t stepping);

// The target HSA_OVERRIDE_GFX_VERSION names ("10.3.0" -> "gfx1030", "9.0.10" -> "gfx90a");
// nullopt when the value is not three dot-separated numbers in range.
std::optional<std::string> gfx_target_of_version(std::string_view version);

// Device targets of AMD GPUs from Vega on, oldest first (LLVM's AMDGPU processor table): the
// golden files pick an unlisted one from here (docs/planning.md, "Golden files").
const std::vector<std::string>& known_gfx_targets();

}  // namespace tailor::util
