#include <doctest/doctest.h>

#include <dlfcn.h>

#include "platform/pci_names.hpp"
#include "support/scratch.hpp"

using namespace tailor;

namespace {

bool libpci_installed() {
  void* handle = ::dlopen("libpci.so.3", RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) return false;
  ::dlclose(handle);
  return true;
}

}  // namespace

TEST_CASE("PciNames") {
  if (!libpci_installed()) {
    MESSAGE("libpci.so.3 is not installed: name lookups are not exercised here");
    return;
  }
  auto dir = test::fresh_dir("pci-ids");
  SUBCASE("names from a given pci.ids; unknown ids give no name") {
    test::write_text(dir / "pci.ids",
                     "10de  NVIDIA Corporation\n\t2684  AD102 [GeForce RTX 4090]\n\t\t1043 889d  ROG Strix RTX 4090\n"
                     "8086  Intel Corporation\n");
    platform::PciNames names((dir / "pci.ids").string());
    REQUIRE(names.available());
    CHECK(names.vendor(0x10de) == "NVIDIA Corporation");
    CHECK(names.device(0x10de, 0x2684) == "AD102 [GeForce RTX 4090]");
    CHECK(names.subsystem(0x10de, 0x2684, 0x1043, 0x889d) == "ROG Strix RTX 4090");
    CHECK_FALSE(names.device(0x8086, 0x1234).has_value());
    CHECK_FALSE(names.vendor(0x1af4).has_value());
    CHECK(names.error().empty());
  }
  SUBCASE("an unparsable database is reported, not fatal, and names stay null") {
    test::write_text(dir / "bad.ids", "10de  NVIDIA Corporation\n\t\t\t\tnonsense line\n");
    platform::PciNames names((dir / "bad.ids").string());
    CHECK_FALSE(names.vendor(0x10de).has_value());
    CHECK_FALSE(names.error().empty());
    CHECK_FALSE(names.available());
    CHECK_FALSE(names.device(0x10de, 0x2684).has_value());
  }
  SUBCASE("fill_pci_names turns a database problem into one warning") {
    test::write_text(dir / "bad.ids", "zz\n\t\t\t\tnonsense\n");
    std::vector<platform::GpuDevice> devices(1);
    devices[0].vendor_id = "0x10de";
    devices[0].device_id = "0x2684";
    std::vector<std::string> warnings;
    platform::fill_pci_names(devices, (dir / "bad.ids").string(), warnings);
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].starts_with("PCI names unavailable: libpci could not read"));
    CHECK_FALSE(devices[0].vendor_name.has_value());
  }
}
