#pragma once
// One fuzz input for the recipe engine: decoding, planning checks, validation and when
// matching must never crash, hang or trip a sanitizer. Shared by fuzz_recipe and the
// regression replay in tests/unit/test_fuzz_regressions.cpp.
#include <string>
#include <string_view>

#include "recipe/recipe.hpp"
#include "recipe/validate.hpp"
#include "recipe/when.hpp"

namespace tailor::fuzz {

// Returns "" when every invariant holds, else what was violated.
inline std::string check_recipe_input(std::string_view text) {
  using namespace tailor::recipe;
  ValidateOptions options;
  options.strict = true;
  options.check_libc_coverage = true;
  ValidationResult result = validate_recipe_text(text, "fuzz.toml", options);
  (void)format_diagnostics(result);
  (void)validation_to_json(result).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  auto planned = load_recipe_for_planning(text, "fuzz.toml");
  if (result.recipe) {
    using namespace tailor::tuple;
    const Target targets[] = {
        {"linux", "amd64", LinuxFamily::debian, Libc::glibc, GpuVendor::nvidia, "575.57.08", Backend::cuda},
        {"linux", "arm64", LinuxFamily::alpine, Libc::musl, GpuVendor::none, "", Backend::cpu},
        {"darwin", "arm64", std::nullopt, std::nullopt, GpuVendor::apple, "", Backend::metal}};
    for (const Step& step : result.recipe->steps) {
      (void)analyze_step(step);
      for (const tailor::tuple::Target& target : targets) (void)step_applies(step, target);
      if (step.when) (void)check_driver_range(step.when->gpu_driver);
    }
  }
  (void)planned;
  return "";
}

}  // namespace tailor::fuzz
