#pragma once
// The platform tuple (docs/planning.md, "Targets"): what a `when` clause is matched against,
// what a plan is made for and records, and what a golden file is named after. Detection yields
// one for this machine (platform::machine_target), plan::Target adds what the planner knows of
// the machine beyond it, and golden targets are tuples with at most one gfx target. The Linux
// family, C library, GPU vendor and backend are enums (tuple/values.hpp, tuple/gpu_vendor.hpp);
// nullopt, like "" for the strings, means unknown or not given.
#include <optional>
#include <string>
#include <vector>

#include "tuple/gpu_vendor.hpp"
#include "tuple/values.hpp"

namespace tailor::tuple {

struct Target {
  std::string os{};    // linux, darwin
  std::string arch{};  // amd64, arm64
  std::optional<LinuxFamily> linux_family{};
  std::optional<Libc> libc{};
  std::optional<GpuVendor> gpu{};    // GpuVendor::none: no GPU; nullopt: not known
  std::string gpu_driver{};          // the driver version, "" when unknown (no gpu_driver range holds)
  std::optional<Backend> backend{};  // the backend chosen for a backend recipe, nullopt otherwise
  std::string gpu_compute{};         // CUDA compute capability such as 8.9, "" when unknown
  std::vector<std::string> gfx{};    // AMD gfx targets ROCm sees, empty when unknown
  bool operator==(const Target&) const = default;
};

}  // namespace tailor::tuple
