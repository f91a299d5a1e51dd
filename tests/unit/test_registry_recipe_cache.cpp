#include <doctest/doctest.h>

#include <thread>

#include "registry/recipe_cache.hpp"
#include "support/scratch.hpp"
#include "util/sha256.hpp"

using namespace tailor;
using namespace tailor::registry;
namespace fs = std::filesystem;

namespace {
CacheMeta meta_for(const std::string& text) {
  return CacheMeta{"https://r/recipes/x/x.toml", 100, "\"e\"", util::sha256_hex(text), text.size()};
}
}  // namespace

TEST_CASE("RecipeCache") {
  RecipeCache cache(test::fresh_dir("registry-cache"));

  SUBCASE("store then load gives the text and meta back") {
    REQUIRE(cache.store("tool", "text", meta_for("text")));
    auto loaded = cache.load("tool");
    REQUIRE(loaded);
    CHECK(loaded->text == "text");
    CHECK(loaded->meta.etag == "\"e\"");
    CHECK(loaded->meta.fetched_at == 100);
    CHECK(cache.names() == std::vector<std::string>{"tool"});
    CHECK(fs::exists(cache.dir() / "t" / "tool.meta.json"));
  }
  SUBCASE("a recipe that does not match its meta file counts as absent") {
    REQUIRE(cache.store("tool", "text", meta_for("text")));
    test::write_text(cache.recipe_path("tool"), "other");
    CHECK_FALSE(cache.load("tool"));
    test::write_text(cache.meta_path("tool"), "{not json");
    CHECK_FALSE(cache.load("tool"));
  }
  SUBCASE("enforce_limit removes the least recently used first") {
    const std::string big(400, 'x');
    for (const char* name : {"aa", "bb", "cc"}) REQUIRE(cache.store(name, big, meta_for(big)));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    cache.touch("aa");  // aa is now the most recently used
    const uint64_t total = cache.summary().bytes;
    CHECK(cache.enforce_limit(total - 1) == 1);
    CHECK(cache.names() == std::vector<std::string>{"aa", "cc"});
    CHECK(cache.enforce_limit(total) == 0);
  }
}

TEST_CASE("describe_age") {
  CHECK(describe_age(5) == "5 seconds");
  CHECK(describe_age(3600) == "60 minutes");
  CHECK(describe_age(3 * 3600) == "3 hours");
  CHECK(describe_age(3 * 86400 + 5) == "3 days");
  CHECK(describe_age(86400 * 2) == "2 days");
}
