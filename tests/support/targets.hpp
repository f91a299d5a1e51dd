#pragma once
// Planning targets for tests, from the names facts and `when` clauses use ("" = not given), so
// that a test reads like the machine it describes.
#include <string>
#include <string_view>

#include "plan/target.hpp"

namespace tailor::test {

// os, arch, Linux family, C library, GPU vendor, driver version, chosen backend, compute
// capability: the tuple's order (tuple/target.hpp). A name that is not in the tuple's tables
// reads as not given.
inline plan::Target target_of(std::string os, std::string arch, std::string_view family = "",
                              std::string_view libc = "", std::string_view gpu = "", std::string driver = "",
                              std::string_view backend = "", std::string compute = "") {
  plan::Target target;
  target.os = std::move(os);
  target.arch = std::move(arch);
  target.linux_family = tuple::parse_linux_family(family);
  target.libc = tuple::parse_libc(libc);
  target.gpu = tuple::parse_gpu_vendor(gpu);
  target.gpu_driver = std::move(driver);
  target.backend = tuple::parse_backend(backend);
  target.gpu_compute = std::move(compute);
  return target;
}

}  // namespace tailor::test
