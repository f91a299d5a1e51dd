// libFuzzer target: recipe decoding, planning checks, validation and when matching.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "recipe_entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string violation = tailor::fuzz::check_recipe_input({reinterpret_cast<const char*>(data), size});
  if (!violation.empty()) {
    std::fprintf(stderr, "fuzz_recipe: %s\n", violation.c_str());
    std::abort();
  }
  return 0;
}
