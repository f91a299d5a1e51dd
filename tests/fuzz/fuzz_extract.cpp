// libFuzzer target: archive extraction under the safety rules and caps.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "extract_entry.hpp"
#include "fuzz_work_dir.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::filesystem::path work = tailor::fuzz::work_dir("extract");
  std::string violation = tailor::fuzz::check_extract_input({reinterpret_cast<const char*>(data), size}, work);
  if (!violation.empty()) {
    std::fprintf(stderr, "fuzz_extract: %s\n", violation.c_str());
    std::abort();
  }
  return 0;
}
