#pragma once
// The platform tuple (docs/planning.md, "Targets"): what a `when` clause is matched against,
// what a plan is made for and records, and what a golden file is named after. Detection yields
// one for this machine (platform::machine_target), plan::Target adds what the planner knows of
// the machine beyond it, and golden targets are tuples with at most one gfx target. Values are
// the names of tuple/fact_table.hpp and tuple/gpu_vendor.hpp; "" means unknown or not given.
#include <string>
#include <vector>

namespace tailor::tuple {

struct Target {
  std::string os{};                // linux, darwin
  std::string arch{};              // amd64, arm64
  std::string linux_family{};      // debian, rhel, arch, alpine, suse, ""
  std::string libc{};              // glibc, musl, ""
  std::string gpu{};               // a k_gpu_vendors name, ""
  std::string gpu_driver{};        // the driver version, "" when unknown (no gpu_driver range holds)
  std::string backend{};           // the backend chosen for a backend recipe, "" otherwise
  std::string gpu_compute{};       // CUDA compute capability such as 8.9, "" when unknown
  std::vector<std::string> gfx{};  // AMD gfx targets ROCm sees, empty when unknown
  bool operator==(const Target&) const = default;
};

}  // namespace tailor::tuple
