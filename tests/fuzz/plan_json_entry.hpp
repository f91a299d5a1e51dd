#pragma once
// One fuzz input for the plan JSON reader used by `install --plan` and `fetch --plan`:
// read_plan_file, the platform re-check, the lock and bundle views, the canonical form
// golden files are compared in, and reading back what the plan writer wrote. Shared by fuzz_plan_json and the
// regression replay in tests/unit/test_fuzz_regressions.cpp.
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "install/bundle.hpp"
#include "install/plan_check.hpp"
#include "plan/pins.hpp"
#include "plan/plan_read.hpp"
#include "util/canonical_json.hpp"

namespace tailor::fuzz {

// Writes `text` to `work`/plan.json and reads it as a plan. Returns "" when every invariant
// holds, else what was violated: no exception escapes, and the canonical form is stable.
inline std::string check_plan_json_input(std::string_view text, const std::filesystem::path& work) {
  const std::filesystem::path file = work / "plan.json";
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!out) return "cannot write " + file.string();
  }
  auto plan = install::read_plan_file(file.string());
  if (!plan) return plan.error().message.empty() ? "a refused plan has no message" : "";
  platform::Facts facts;
  facts.os = "linux";
  facts.arch = "amd64";
  facts.linux_family = "debian";
  facts.gpu = "nvidia";
  (void)install::plan_platform_mismatches(*plan, facts);
  auto strict = install::check_plan_platform(*plan, facts, false);
  if (!strict && strict.error().message.empty()) return "a platform mismatch has no message";
  if (!install::check_plan_platform(*plan, facts, true)) return "check_plan_platform failed despite force";
  const nlohmann::ordered_json doc = plan::plan_to_json(*plan);
  (void)plan::pins_from_plan(*plan);
  (void)install::plan_artifacts(*plan);
  const std::string canonical = util::canonical_json(doc);
  auto reparsed = nlohmann::ordered_json::parse(canonical, nullptr, false);
  if (reparsed.is_discarded()) return "canonical_json printed JSON that does not parse:\n" + canonical;
  if (util::canonical_json(reparsed) != canonical)
    return "canonical_json is not stable across a reparse:\n" + canonical;
  // The value read back from what it writes is the value: nothing is lost or changed.
  auto again = plan::plan_from_json(reparsed);
  if (!again) return "a written plan does not read back: " + again.error().message;
  if (!(*again == *plan)) return "a plan read back differs from the one written:\n" + canonical;
  return "";
}

}  // namespace tailor::fuzz
