// The fact table (tuple/fact_table.hpp): one row per fact a user can set, and every reader of
// it agrees with the documentation (docs/detection.md, "Overrides and facts files").
#include <doctest/doctest.h>

#include <set>
#include <vector>

#include "config/environment.hpp"
#include "support/scratch.hpp"
#include "tuple/fact_table.hpp"
#include "tuple/gpu_vendor.hpp"

using namespace tailor;
using tuple::Fact;

TEST_CASE("the fact table: one row per fact, in Fact order, each documented") {
  const std::string detection = test::read_text(std::filesystem::path(TAILOR_SOURCE_DIR) / "docs" / "detection.md");
  std::set<std::string_view> keys, flags, envs;
  size_t index = 0;
  for (const auto& def : tuple::fact_table()) {
    INFO(def.key);
    CHECK(static_cast<size_t>(def.fact) == index++);
    CHECK(&tuple::fact_def(def.fact) == &def);
    CHECK(tuple::find_fact(def.key) == &def);
    CHECK(keys.insert(def.key).second);
    CHECK(flags.insert(def.flag).second);
    CHECK(def.flag.starts_with("--"));
    CHECK(detection.find(std::string(def.flag)) != std::string::npos);
    if (!def.env.empty()) {
      CHECK(envs.insert(def.env).second);
      CHECK(def.help.find(def.env) != std::string_view::npos);
      CHECK(detection.find(std::string(def.env)) != std::string::npos);
      // Read through the list of every variable tailor reads (docs/config.md).
      CHECK_NOTHROW((void)config::registered_env_value(def.env));
    }
    CHECK((def.rule == tuple::ValueRule::listed) == !def.allowed.empty());
    for (std::string_view value : def.allowed) {
      CHECK(def.help.find(value) != std::string_view::npos);
      CHECK(tuple::validate_fact_value(def.fact, value, def.flag));
    }
  }
  CHECK(index == tuple::k_fact_count);
  CHECK(tuple::find_fact("gpu_vendor") == nullptr);
}

TEST_CASE("fact values are checked by their row's rule") {
  auto message = [](Fact fact, std::string_view value) {
    auto checked = tuple::validate_fact_value(fact, value, "--x");
    return checked ? std::string() : checked.error().message;
  };
  CHECK(message(Fact::gpu, "nvdia") ==
        "unknown GPU vendor 'nvdia' (did you mean 'nvidia'?); --x takes one of nvidia, "
        "amd, intel, apple, none");
  CHECK(message(Fact::gpu_driver, "570.133.07").empty());
  CHECK(message(Fact::gpu_driver, "latest").find("must be a driver version") != std::string::npos);
  CHECK(message(Fact::gpu_compute, "8.9").empty());
  CHECK(message(Fact::gpu_compute, "sm_89").find("compute capability") != std::string::npos);
  CHECK(message(Fact::gfx, "gfx1100,gfx1030").empty());
  CHECK(message(Fact::gfx, "gfx1100,rdna3").find("'rdna3' is not an AMD gfx target") != std::string::npos);
  CHECK(message(Fact::gpu_device, "anything").empty());  // checked against the devices found
  CHECK(tuple::gfx_list(" GFX1100, gfx1030,gfx1100 ") == std::vector<std::string>{"gfx1030", "gfx1100"});
}

TEST_CASE("values by fact, and which origins the user said for this run") {
  tuple::FactValues values;
  CHECK_FALSE(values[Fact::gpu].has_value());
  values[Fact::gpu] = "amd";
  CHECK(values[Fact::gpu] == "amd");
  CHECK_FALSE(values[Fact::os].has_value());
  CHECK(tuple::said_for_this_run(tuple::FactOrigin::flag));
  CHECK(tuple::said_for_this_run(tuple::FactOrigin::environment));
  CHECK_FALSE(tuple::said_for_this_run(tuple::FactOrigin::facts_file));
  CHECK_FALSE(tuple::said_for_this_run(tuple::FactOrigin::configuration));
  CHECK_FALSE(tuple::said_for_this_run(tuple::FactOrigin::derived));
}

TEST_CASE("GPU vendors: one table gives the gpu fact's values, the PCI vendors and each stack's backend") {
  const auto allowed = tuple::fact_def(Fact::gpu).allowed;
  CHECK(std::vector<std::string_view>(allowed.begin(), allowed.end()) ==
        std::vector<std::string_view>{"nvidia", "amd", "intel", "apple", "none"});
  CHECK(tuple::is_pci_gpu_vendor("amd"));
  CHECK_FALSE(tuple::is_pci_gpu_vendor("apple"));
  CHECK_FALSE(tuple::is_pci_gpu_vendor("none"));
  CHECK_FALSE(tuple::is_pci_gpu_vendor(""));
  CHECK(tuple::find_gpu_vendor("matrox") == nullptr);
  CHECK(tuple::vendor_of_backend("cuda") == tuple::GpuVendor::nvidia);
  CHECK(tuple::vendor_of_backend("rocm") == tuple::GpuVendor::amd);
  CHECK(tuple::vendor_of_backend("sycl") == tuple::GpuVendor::intel);
  CHECK(tuple::vendor_of_backend("metal") == tuple::GpuVendor::apple);
  CHECK_FALSE(tuple::vendor_of_backend("vulkan").has_value());
  CHECK_FALSE(tuple::vendor_of_backend("cpu").has_value());
  CHECK_FALSE(tuple::vendor_of_backend("").has_value());
  CHECK(tuple::gpu_vendor_name(tuple::GpuVendor::intel) == "intel");
}
