#include <doctest/doctest.h>

#include <set>

#include "platform/nvidia_compute.hpp"

using namespace tailor::platform;

TEST_CASE("nvidia_compute_capability") {
  SUBCASE("one card per architecture, datacenter and consumer") {
    const std::pair<const char*, const char*> rows[] = {
        {"0x1380", "5.0"},   // GTX 750 Ti (Maxwell)
        {"0x1b80", "6.1"},   // GTX 1080 (Pascal)
        {"0x15f8", "6.0"},   // Tesla P100 PCIe
        {"0x1db4", "7.0"},   // Tesla V100 PCIe
        {"0x1eb8", "7.5"},   // T4 (Turing)
        {"0x1e82", "7.5"},   // RTX 2080
        {"0x20b0", "8.0"},   // A100 SXM4
        {"0x2204", "8.6"},   // RTX 3090
        {"0x27b8", "8.9"},   // L4
        {"0x2684", "8.9"},   // RTX 4090
        {"0x2330", "9.0"},   // H100 SXM5
        {"0x2331", "9.0"},   // H100 PCIe
        {"0x2335", "9.0"},   // H200
        {"0x2901", "10.0"},  // B200
        {"0x2b85", "12.0"},  // RTX 5090
    };
    for (const auto& [id, compute] : rows) {
      CAPTURE(id);
      CHECK(nvidia_compute_capability(id) == compute);
    }
  }
  SUBCASE("ids without 0x and in upper case") {
    CHECK(nvidia_compute_capability("1B80") == "6.1");
    CHECK(nvidia_compute_capability("0X2B85") == "12.0");
  }
  SUBCASE("a device missing from the table is unknown") {
    CHECK(nvidia_compute_capability("0x1234").empty());
    CHECK(nvidia_compute_capability("").empty());
  }
  SUBCASE("the table has one row per id, each a major.minor capability") {
    std::set<std::string_view> ids;
    for (const auto& entry : nvidia_compute_table()) {
      CAPTURE(entry.device_id);
      CHECK(ids.insert(entry.device_id).second);
      CHECK(entry.device_id.size() == 4);
      CHECK(entry.compute.find('.') != std::string_view::npos);
    }
    CHECK(ids.size() >= 90);
  }
}
