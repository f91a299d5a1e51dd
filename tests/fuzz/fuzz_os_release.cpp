// libFuzzer target: the os-release parser and the Linux family table.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "os_release_entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string violation = tailor::fuzz::check_os_release_input({reinterpret_cast<const char*>(data), size});
  if (!violation.empty()) {
    std::fprintf(stderr, "fuzz_os_release: %s\n", violation.c_str());
    std::abort();
  }
  return 0;
}
