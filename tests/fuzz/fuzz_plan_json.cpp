// libFuzzer target: the plan JSON reader and what install and fetch do with a plan first.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "fuzz_work_dir.hpp"
#include "plan_json_entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::filesystem::path work = tailor::fuzz::work_dir("plan_json");
  std::string violation = tailor::fuzz::check_plan_json_input({reinterpret_cast<const char*>(data), size}, work);
  if (!violation.empty()) {
    std::fprintf(stderr, "fuzz_plan_json: %s\n", violation.c_str());
    std::abort();
  }
  return 0;
}
