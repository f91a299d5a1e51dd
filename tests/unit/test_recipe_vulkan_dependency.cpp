#include <doctest/doctest.h>

#include "recipe/vulkan_dependency.hpp"

using namespace tailor;

namespace {

recipe::Recipe parse(const std::string& steps) {
  std::string text = "[metadata]\nname = \"demo\"\n\n" + steps;
  auto parsed = recipe::parse_recipe(text, "demo.toml");
  REQUIRE_MESSAGE(parsed, (parsed ? "" : parsed.error().message));
  return *parsed;
}

}  // namespace

TEST_CASE("depends_on_vulkan") {
  SUBCASE("a step offering the vulkan backend") {
    CHECK(recipe::depends_on_vulkan(parse(R"([[steps]]
action = "download_archive"
url = "https://example.test/a.tar.gz"
when = { backend = ["cuda"] }

[[steps]]
action = "download_archive"
url = "https://example.test/b.tar.gz"
when = { os = ["linux"], backend = ["vulkan", "cpu"] }
)")));
  }
  SUBCASE("backends without vulkan, or no backend at all") {
    CHECK_FALSE(recipe::depends_on_vulkan(parse(R"([[steps]]
action = "download_archive"
url = "https://example.test/a.tar.gz"
when = { backend = ["cuda", "cpu"] }

[[steps]]
action = "download_archive"
url = "https://example.test/c.tar.gz"
)")));
  }
}
