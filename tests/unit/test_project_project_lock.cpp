// tailor.lock targets and bytes (lib/project/project_lock.cpp) and the [tools] hash
// (lib/project/project_file.cpp).
#include <doctest/doctest.h>

#include "project/project_file.hpp"
#include "project/project_lock.hpp"
#include "support/scratch.hpp"

using namespace tailor;
using namespace tailor::project;

namespace {

platform::Facts machine(std::string os, std::string arch, std::string family, std::string gpu, std::string driver) {
  platform::Facts facts;
  facts.os = std::move(os);
  facts.arch = std::move(arch);
  facts.linux_family = std::move(family);
  facts.gpu = std::move(gpu);
  facts.gpu_driver = std::move(driver);
  return facts;
}

}  // namespace

TEST_CASE("parse_lock_target") {
  SUBCASE("every part, and back to the same text") {
    auto target = parse_lock_target("linux/amd64/debian:nvidia:580");
    REQUIRE(target);
    CHECK((*target)[tailor::tuple::Fact::os] == "linux");
    CHECK((*target)[tailor::tuple::Fact::arch] == "amd64");
    CHECK((*target)[tailor::tuple::Fact::linux_family] == "debian");
    CHECK((*target)[tailor::tuple::Fact::gpu] == "nvidia");
    CHECK((*target)[tailor::tuple::Fact::gpu_driver] == "580");
    CHECK(format_lock_target(*target) == "linux/amd64/debian:nvidia:580");
    CHECK(format_lock_target(*parse_lock_target("darwin/arm64")) == "darwin/arm64");
    CHECK(format_lock_target(*parse_lock_target("linux/arm64:none")) == "linux/arm64:none");
  }
  SUBCASE("bad text is a usage error naming what is allowed") {
    for (const char* text : {"linux", "linux/amd64/debian/x", "linux/amd64:a:b:c", "linux//debian", ""}) {
      auto target = parse_lock_target(text);
      REQUIRE_FALSE(target);
      CHECK(target.error().kind == ErrorKind::usage);
    }
    auto arch = parse_lock_target("linux/amd65");
    REQUIRE_FALSE(arch);
    CHECK(arch.error().message.find("unknown architecture 'amd65'") != std::string::npos);
    CHECK_FALSE(parse_lock_target("linux/amd64:nvdia"));
    CHECK_FALSE(parse_lock_target("linux/amd64:nvidia:5x0"));
    CHECK_FALSE(parse_lock_target("darwin/arm64/debian"));
  }
}

TEST_CASE("machine_lock_target") {
  CHECK(machine_lock_target(machine("linux", "amd64", "debian", "nvidia", "580.65.06")) ==
        "linux/amd64/debian:nvidia:580");
  CHECK(machine_lock_target(machine("linux", "arm64", "", "", "")) == "linux/arm64:none");
  CHECK(machine_lock_target(machine("linux", "amd64", "rhel", "amd", "6.8.5")) == "linux/amd64/rhel:amd");
  CHECK(machine_lock_target(machine("darwin", "arm64", "", "apple", "")) == "darwin/arm64");
}

TEST_CASE("pick_lock_target") {
  ProjectLock lock;
  lock.targets = {"darwin/arm64", "linux/amd64", "linux/amd64/debian:nvidia:535", "linux/amd64/debian:nvidia:580",
                  "linux/arm64"};
  SUBCASE("the target naming most, then the newest driver the machine has") {
    CHECK(pick_lock_target(lock, machine("linux", "amd64", "debian", "nvidia", "590.1")) ==
          "linux/amd64/debian:nvidia:580");
    CHECK(pick_lock_target(lock, machine("linux", "amd64", "debian", "nvidia", "550.54.14")) ==
          "linux/amd64/debian:nvidia:535");
  }
  SUBCASE("a driver older than every target's, another family or no GPU: the plain target") {
    CHECK(pick_lock_target(lock, machine("linux", "amd64", "debian", "nvidia", "470.1")) == "linux/amd64");
    CHECK(pick_lock_target(lock, machine("linux", "amd64", "rhel", "nvidia", "590.1")) == "linux/amd64");
    CHECK(pick_lock_target(lock, machine("linux", "amd64", "debian", "none", "")) == "linux/amd64");
  }
  SUBCASE("nothing covers another os or arch") {
    CHECK_FALSE(pick_lock_target(lock, machine("darwin", "amd64", "", "apple", "")));
    CHECK(pick_lock_target(lock, machine("darwin", "arm64", "", "apple", "")) == "darwin/arm64");
  }
}

TEST_CASE("project_lock_text") {
  ProjectLock lock;
  lock.tools_hash = "sha256:00";
  lock.targets = {"linux/arm64", "darwin/arm64"};
  nlohmann::ordered_json plan{{"format_version", 5}, {"tool", "b"}, {"version", "1"}};
  lock.entries = {{"b", "b@1", "linux/arm64", plan},
                  {"a", "a@latest", "linux/arm64", plan},
                  {"a", "a@latest", "darwin/arm64", plan}};
  const std::string text = project_lock_text(lock);
  SUBCASE("sorted keys, targets and entries; the plan keeps its order") {
    CHECK(
        text.starts_with("{\n  \"entries\": [\n    {\n      \"plan\": {\n        \"format_version\": 5,\n"
                         "        \"tool\": \"b\",\n"));
    CHECK(text.find("\"lock_version\": 1,\n  \"targets\": [\n    \"darwin/arm64\",\n    \"linux/arm64\"\n  ],\n"
                    "  \"tools_hash\": \"sha256:00\"\n}\n") != std::string::npos);
    CHECK(text.find("\"target\": \"darwin/arm64\"") < text.find("\"target\": \"linux/arm64\""));
  }
  SUBCASE("read back, written again: the same bytes") {
    auto read = parse_project_lock(text, "tailor.lock");
    REQUIRE(read);
    CHECK(read->entries.size() == 3);
    CHECK(find_lock_entry(*read, "b", "linux/arm64") != nullptr);
    CHECK(find_lock_entry(*read, "b", "darwin/arm64") == nullptr);
    CHECK(project_lock_text(*read) == text);
  }
  SUBCASE("damaged documents name their position") {
    auto broken = parse_project_lock("{\n  \"lock_version\": 1,\n  x\n}", "tailor.lock");
    REQUIRE_FALSE(broken);
    CHECK(broken.error().kind == ErrorKind::invalid_input);
    CHECK(broken.error().message.starts_with("tailor.lock:3:3: not JSON"));
    auto shape = parse_project_lock(R"({"lock_version": 2})", "tailor.lock");
    REQUIRE_FALSE(shape);
    CHECK(shape.error().message.find("lock_version 2") != std::string::npos);
  }
}

TEST_CASE("tools_hash") {
  auto dir = test::fresh_dir("tools-hash");
  test::write_text(dir / "a" / "tailor.toml", "[tools]\nripgrep = \"14\"\njq = \"\"\n");
  test::write_text(dir / "b" / "tailor.toml", "[tools]\njq = \"latest\"\nripgrep = { version = \"14\" }\n");
  test::write_text(dir / "c" / "tailor.toml", "[tools]\nripgrep = \"15\"\njq = \"\"\n");
  auto a = read_project_file(dir / "a" / "tailor.toml");
  auto b = read_project_file(dir / "b" / "tailor.toml");
  auto c = read_project_file(dir / "c" / "tailor.toml");
  REQUIRE(a);
  REQUIRE(b);
  REQUIRE(c);
  CHECK(tools_hash(*a) == tools_hash(*b));  // the same request, however it is written
  CHECK(tools_hash(*a) != tools_hash(*c));
  CHECK(tools_hash(*a).starts_with("sha256:"));
  CHECK(a->tools.front().name == "jq");
  CHECK(a->tools.front().request() == "jq@latest");
  CHECK(find_project_file(dir / "a") == dir / "a" / "tailor.toml");
}
