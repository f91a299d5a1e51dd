// Saved GitHub release listings as the source of asset names (golden regenerate --listing).
#include <doctest/doctest.h>

#include "support/scratch.hpp"
#include "version/release_listing.hpp"

using namespace tailor;

TEST_CASE("load_release_listings") {
  auto dir = test::fresh_dir("listing");
  SUBCASE("one release: tag, assets in order, the repository from url or html_url") {
    test::write_text(dir / "one.json", R"({"html_url": "https://github.com/ggml-org/llama.cpp/releases/tag/b6500",
      "tag_name": "b6500", "assets": [{"name": "b.tar.gz", "size": 1}, {"name": "a.zip"}, {"size": 2}]})");
    auto listings = version::load_release_listings(dir / "one.json");
    REQUIRE_MESSAGE(listings.has_value(), listings.error().message);
    REQUIRE(listings->size() == 1);
    CHECK((*listings)[0].repo == "ggml-org/llama.cpp");
    CHECK((*listings)[0].tag == "b6500");
    CHECK((*listings)[0].assets == std::vector<std::string>{"b.tar.gz", "a.zip"});
  }
  SUBCASE("an array of releases; the resolver answers by repository and tag, and nothing else") {
    test::write_text(dir / "many.json", R"([
      {"url": "https://api.github.com/repos/o/r/releases/1", "tag_name": "v1", "assets": [{"name": "r1"}]},
      {"tag_name": "v2", "assets": [{"name": "any2"}]}])");
    auto listings = version::load_release_listings(dir / "many.json");
    REQUIRE(listings.has_value());
    auto resolver = version::make_listing_resolver(*listings);
    CHECK(resolver->release_assets("o/r", "v1").value() == std::vector<std::string>{"r1"});
    CHECK_FALSE(resolver->release_assets("x/y", "v1").has_value());
    CHECK(resolver->release_assets("x/y", "v2").value() == std::vector<std::string>{"any2"});
    CHECK(resolver->tags("o/r").error().kind == ErrorKind::network);
    recipe::Recipe recipe;
    recipe.metadata.name = "r";
    CHECK(resolver->resolve(recipe, "").error().kind == ErrorKind::network);
  }
  SUBCASE("not a listing: invalid input naming what is missing") {
    test::write_text(dir / "bad.json", R"({"tag_name": "v1"})");
    auto bad = version::load_release_listings(dir / "bad.json");
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().kind == ErrorKind::invalid_input);
    CHECK(bad.error().message.find("assets array") != std::string::npos);
    test::write_text(dir / "text.json", "not json");
    CHECK(version::load_release_listings(dir / "text.json").error().kind == ErrorKind::invalid_input);
  }
}
