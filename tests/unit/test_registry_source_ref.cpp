#include <doctest/doctest.h>

#include "registry/registered.hpp"
#include "registry/source_ref.hpp"
#include "support/scratch.hpp"

using namespace tailor;
using namespace tailor::registry;

TEST_CASE("parse_source_ref") {
  SUBCASE("the three forms; owner and repository lower-cased") {
    auto plain = parse_source_ref("Acme/Tools");
    REQUIRE(plain);
    CHECK(plain->slug() == "acme/tools");
    CHECK(plain->recipe.empty());
    CHECK(plain->version.empty());
    auto named = parse_source_ref("acme/my.tools_2:kubectx");
    REQUIRE(named);
    CHECK(named->repo == "my.tools_2");
    CHECK(named->recipe == "kubectx");
    auto pinned = parse_source_ref("a-b/c:tool@v1.2.0");
    REQUIRE(pinned);
    CHECK(pinned->owner == "a-b");
    CHECK(pinned->recipe == "tool");
    CHECK(pinned->version == "v1.2.0");
    auto repo_version = parse_source_ref("acme/tools@latest");
    REQUIRE(repo_version);
    CHECK(repo_version->version == "latest");
  }
  SUBCASE("GitHub's rules for owner and repository, the tool rules for the recipe") {
    for (const char* bad : {"/x", "a/", "a/b/c", "-a/b", "a-/b", "a_b/c", "a/..", "a/.", "a/b c", "a/b%2f", "a/b:Tool",
                            "a/b:../x", "a/b:", "a/b:x@../1", "a/b:x@1;rm"}) {
      INFO(bad);
      auto parsed = parse_source_ref(bad);
      REQUIRE_FALSE(parsed);
      CHECK(parsed.error().kind == ErrorKind::usage);
    }
    CHECK_FALSE(parse_source_ref(std::string(40, 'a') + "/b"));
    CHECK(parse_source_ref(std::string(39, 'a') + "/b"));
    CHECK_FALSE(parse_source_ref("a/" + std::string(101, 'b')));
  }
  SUBCASE("check_tool_or_source accepts both kinds of names") {
    CHECK(check_tool_or_source("jq@1.7"));
    CHECK(check_tool_or_source("acme/tools:jq@1.7"));
    CHECK_FALSE(check_tool_or_source("Jq"));
    CHECK_FALSE(check_tool_or_source("acme//tools"));
  }
}

TEST_CASE("registered_sources") {
  auto document = toml::parse(R"(
[llm]
backend = "cpu"
[registries."Acme/Tools"]
[registries."corp/recipes"]
api_url = "https://github.example.com/api/v3/"
[registries."not a slug"]
[registries."x/y"]
api_url = 3
)");
  RegisteredSources sources = registered_sources(document);
  REQUIRE(sources.sources.size() == 3);
  CHECK(sources.sources[0].slug == "acme/tools");
  CHECK(sources.find("corp/recipes")->api_url == "https://github.example.com/api/v3");
  CHECK(sources.find("x/y")->api_url.empty());
  CHECK(sources.find("not a slug") == nullptr);
  CHECK(sources.warnings.size() == 2);
}

TEST_CASE("admit_sources") {
  const auto home = test::fresh_dir("admit-home");
  const std::vector<std::string> tools{"jq", "acme/tools:x", "acme/tools:y@1", "corp/r"};
  SUBCASE("plain names pass; unregistered sources need --yes, a yes on the terminal, and are listed once") {
    auto with_yes = admit_sources(home, tools, false, Consent{true, {}});
    REQUIRE(with_yes);
    CHECK(*with_yes == std::vector<std::string>{"acme/tools", "corp/r"});
    auto refused = admit_sources(home, tools, false, Consent{false, {}});
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message.find("--yes") != std::string::npos);
    int asked = 0;
    auto answered = admit_sources(home, tools, false, Consent{false, [&](const std::string& question) {
                                                                ++asked;
                                                                return question.find("corp/r") == std::string::npos;
                                                              }});
    CHECK_FALSE(answered);
    CHECK(asked == 2);
  }
  SUBCASE("registered sources pass; strict refuses the others even with --yes") {
    REQUIRE(add_registered_source(home, *parse_slug("acme/tools"), ""));
    auto strict = admit_sources(home, {"acme/tools:x"}, true, Consent{false, {}});
    REQUIRE(strict);
    CHECK(strict->empty());
    auto other = admit_sources(home, {"acme/tools:x", "corp/r"}, true, Consent{true, {}});
    REQUIRE_FALSE(other);
    CHECK(other.error().message.find("registry.strict") != std::string::npos);
    CHECK(other.error().message.find("tailor registry add corp/r") != std::string::npos);
  }
}
