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

TEST_CASE("release_asset_from_json") {
  const std::string hex(64, 'a');
  SUBCASE("a sha256 digest and a size are kept, lower-cased") {
    auto asset = version::release_asset_from_json(
        nlohmann::json{{"name", "t.tar.gz"}, {"digest", "sha256:" + std::string(64, 'A')}, {"size", 42}});
    REQUIRE(asset.has_value());
    CHECK(asset->name == "t.tar.gz");
    CHECK(asset->sha256 == hex);
    CHECK(asset->size == 42);
  }
  SUBCASE("no digest, another algorithm, or a malformed one: no checksum") {
    for (const nlohmann::json& digest :
         {nlohmann::json(), nlohmann::json("sha512:" + hex), nlohmann::json("sha256:" + hex.substr(1)),
          nlohmann::json("sha256:" + std::string(63, 'a') + "g"), nlohmann::json(hex), nlohmann::json(7)}) {
      CAPTURE(digest.dump());
      nlohmann::json entry{{"name", "t.tar.gz"}};
      if (!digest.is_null()) entry["digest"] = digest;
      auto asset = version::release_asset_from_json(entry);
      REQUIRE(asset.has_value());
      CHECK(asset->sha256.empty());
      CHECK(asset->size == 0);
    }
  }
  SUBCASE("an entry without a name is no asset") {
    CHECK_FALSE(version::release_asset_from_json(nlohmann::json{{"digest", "sha256:" + hex}}).has_value());
  }
}

TEST_CASE("make_listing_resolver release_asset_details") {
  auto dir = test::fresh_dir("listing-digests");
  const std::string hex(64, 'c');
  test::write_text(dir / "r.json", R"({"url": "https://api.github.com/repos/o/r/releases/1", "tag_name": "v1",
    "assets": [{"name": "with.tar.gz", "digest": "sha256:)" +
                                       hex + R"(", "size": 9}, {"name": "without.zip"}]})");
  auto listings = version::load_release_listings(dir / "r.json");
  REQUIRE(listings.has_value());
  auto resolver = version::make_listing_resolver(*listings);
  auto details = resolver->release_asset_details("o/r", "v1");
  REQUIRE(details.has_value());
  REQUIRE(details->size() == 2);
  CHECK((*details)[0].sha256 == hex);
  CHECK((*details)[0].size == 9);
  CHECK((*details)[1].name == "without.zip");
  CHECK((*details)[1].sha256.empty());
  CHECK(resolver->release_assets("o/r", "v1").value() == std::vector<std::string>{"with.tar.gz", "without.zip"});
  CHECK_FALSE(resolver->release_asset_details("o/r", "v2").has_value());
}
