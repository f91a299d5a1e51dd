#include <doctest/doctest.h>

#include "recipe/recipe.hpp"

using namespace tailor::recipe;

namespace {

const char* k_minimal = R"(
[metadata]
name = "hello"

[[steps]]
action = "download"
url = "https://x.example.org/{version}/hello"

[verify]
command = "hello --version"
)";

Recipe parse_ok(const std::string& text) {
  auto recipe = parse_recipe(text, "r.toml");
  if (!recipe) FAIL(recipe.error().message);
  return *recipe;
}

std::string parse_error(const std::string& text) {
  auto recipe = parse_recipe(text, "r.toml");
  REQUIRE_FALSE(recipe.has_value());
  return recipe.error().message;
}

}  // namespace

TEST_CASE("parse_recipe") {
  SUBCASE("the example of docs/recipe-authoring.md decodes into the model") {
    Recipe r = parse_ok(R"([metadata]
name = "hello"
description = "Prints a friendly greeting"
homepage = "https://hello.example.org/"

[version]
github_repo = "example-org/hello"

[[steps]]
action = "download_archive"
url = "https://dl.example.org/hello/{version}/hello-{version}-{os}-{arch}.tar.gz"
strip_dirs = 1
binaries = ["bin/hello"]
os_mapping = { darwin = "macos" }

[verify]
command = "hello --version"
pattern = "hello {version}"
)");
    CHECK(r.metadata.name == "hello");
    CHECK(r.version.github_repo == "example-org/hello");
    REQUIRE(r.steps.size() == 1);
    CHECK(r.steps[0].action == "download_archive");
    CHECK(r.steps[0].params["strip_dirs"].is_number_integer());
    CHECK(r.steps[0].params["os_mapping"]["darwin"] == "macos");
    CHECK(r.steps[0].pos == SourcePos{9, 1});
    CHECK(r.verify.pattern == "hello {version}");
    CHECK(r.source_path == "r.toml");
  }
  SUBCASE("unknown keys are ignored outside steps and kept as params inside") {
    Recipe r = parse_ok(std::string(k_minimal) + "\n[extra]\nx = 1\n[metadata.more]\ny = 2\n");
    CHECK(r.metadata.name == "hello");
    Recipe with_param = parse_ok(R"([metadata]
name = "a"
[[steps]]
action = "run_command"
command = "true"
whatever = 3
runtime_dependencies = ["b"]
)");
    CHECK(with_param.steps[0].params["whatever"] == 3);
    CHECK(with_param.steps[0].params["runtime_dependencies"] == nlohmann::json::array({"b"}));
  }
  SUBCASE("wrong types in typed fields are fatal and name the key and position") {
    CHECK(parse_error("[metadata]\nname = \"a\"\nsupported_os = \"linux\"\n") ==
          "r.toml:3:16: metadata.supported_os: expected an array of strings, got string");
    CHECK(parse_error("[metadata]\ntier = \"1\"\n") == "r.toml:2:8: metadata.tier: expected an integer, got string");
    CHECK(parse_error("[metadata]\nbinaries = [\"a\", 2]\n") ==
          "r.toml:2:18: metadata.binaries[1]: expected a string, got integer");
    CHECK(parse_error("[verify]\nexit_code = \"0\"\n") ==
          "r.toml:2:13: verify.exit_code: expected an integer, got string");
    CHECK(parse_error("metadata = 3\n") == "r.toml:1:12: metadata: expected a table, got integer");
  }
  SUBCASE("TOML syntax errors carry their position") {
    std::string message = parse_error("[metadata]\nname = \"a\n");
    CHECK(message.starts_with("r.toml:2:"));
  }
  SUBCASE("reserved step keys with the wrong type are dropped") {
    Recipe r = parse_ok(R"([[steps]]
action = 3
phase = true
when = "linux"
dependencies = 5
note = 1
)");
    REQUIRE(r.steps.size() == 1);
    CHECK(r.steps[0].action.empty());
    CHECK(r.steps[0].phase.empty());
    CHECK_FALSE(r.steps[0].when.has_value());
    CHECK_FALSE(r.steps[0].dependencies.has_value());
    CHECK(r.steps[0].params.empty());
  }
  SUBCASE("step dependencies: string or array; empty array kept") {
    Recipe r = parse_ok(
        "[[steps]]\naction = \"a\"\ndependencies = \"x\"\n[[steps]]\naction = \"b\"\ndependencies = []\n"
        "[[steps]]\naction = \"c\"\ndependencies = [\"y\", 1]\n");
    CHECK(r.steps[0].dependencies == std::vector<std::string>{"x"});
    CHECK(r.steps[1].dependencies == std::vector<std::string>{});
    CHECK(r.steps[2].dependencies == std::vector<std::string>{"y"});
  }
  SUBCASE("string-or-array when fields; strings only for arch and family") {
    Recipe r = parse_ok(R"([[steps]]
action = "a"
when = { os = "linux", libc = ["musl", 3], gpu = "nvidia", arch = ["amd64"], linux_family = 1, backend = "cuda", gpu_driver = ">=570" }
)");
    const WhenClause& w = *r.steps[0].when;
    CHECK(w.os == std::vector<std::string>{"linux"});
    CHECK(w.libc == std::vector<std::string>{"musl"});
    CHECK(w.gpu == std::vector<std::string>{"nvidia"});
    CHECK(w.arch.empty());
    CHECK(w.linux_family.empty());
    CHECK(w.backend == std::vector<std::string>{"cuda"});
    CHECK(w.gpu_driver == ">=570");
  }
  SUBCASE("both when spellings decode identically") {
    Recipe inline_form = parse_ok("[[steps]]\naction = \"a\"\nwhen = { os = [\"linux\"], arch = \"arm64\" }\n");
    Recipe header_form = parse_ok("[[steps]]\naction = \"a\"\n[steps.when]\nos = [\"linux\"]\narch = \"arm64\"\n");
    CHECK(*inline_form.steps[0].when == *header_form.steps[0].when);
  }
  SUBCASE("platform and os together are rejected") {
    CHECK(parse_error("[[steps]]\naction = \"a\"\nwhen = { platform = [\"linux/amd64\"], os = [\"linux\"] }\n") ==
          "r.toml:3:8: when clause cannot have both 'platform' and 'os' fields");
  }
  SUBCASE("a steps element that is not a table is fatal") {
    CHECK(parse_error("steps = [1]\n") == "r.toml:1:10: steps[0]: expected a table, got a value");
  }
  SUBCASE("params keep their TOML types") {
    Recipe r = parse_ok(R"([[steps]]
action = "a"
i = 9007199254740993
f = 1.5
b = false
d = 1979-05-27T07:32:00Z
ld = 1979-05-27
mixed = [1, "x", { k = 2.0 }]
)");
    const auto& p = r.steps[0].params;
    CHECK(p["i"].is_number_integer());
    CHECK(p["i"].get<int64_t>() == 9007199254740993LL);
    CHECK(p["f"].is_number_float());
    CHECK(p["b"] == false);
    CHECK(p["d"] == "1979-05-27T07:32:00Z");
    CHECK(p["ld"] == "1979-05-27");
    CHECK(p["mixed"][2]["k"].is_number_float());
  }
  SUBCASE("absent versus empty arrays") {
    Recipe absent = parse_ok("[metadata]\nname = \"a\"\n");
    CHECK_FALSE(absent.metadata.supported_os.has_value());
    CHECK_FALSE(absent.verify.patterns.has_value());
    Recipe empty = parse_ok("[metadata]\nsupported_os = []\n[verify]\npatterns = []\n");
    CHECK(empty.metadata.supported_os == std::vector<std::string>{});
    CHECK(empty.verify.patterns == std::vector<std::string>{});
  }
  SUBCASE("verify extras: additional, exit_code presence, backend smoke check") {
    Recipe r = parse_ok(R"([verify]
command = "x"
exit_code = 0
[[verify.additional]]
command = "y"
pattern = "z"
[verify.backend]
command = "llama-cli --list-devices"
pattern = "{backend_device}"
)");
    CHECK(r.verify.exit_code == 0);
    REQUIRE(r.verify.additional.size() == 1);
    CHECK(r.verify.additional[0].pattern == "z");
    REQUIRE(r.verify.backend.has_value());
    CHECK(r.verify.backend->timeout == 20);
    CHECK(r.verify.backend->pattern == "{backend_device}");
  }
  SUBCASE("satisfies, patches and resources") {
    Recipe r = parse_ok(R"([metadata]
satisfies = { homebrew = ["openssl@3"] }
[[patches]]
data = "diff"
strip = 2
[[resources]]
name = "r"
)");
    CHECK(r.metadata.satisfies.at("homebrew") == std::vector<std::string>{"openssl@3"});
    CHECK(r.patches.at(0).strip == 2);
    CHECK(r.resources.at(0).name == "r");
    CHECK(parse_error("[metadata]\nsatisfies = { homebrew = \"x\" }\n").find("metadata.satisfies.homebrew") !=
          std::string::npos);
  }
  SUBCASE("oversized input is refused before parsing") {
    std::string big(1024 * 1024 + 1, '#');
    auto r = parse_recipe(big, "big.toml");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().kind == tailor::ErrorKind::invalid_input);
  }
}

TEST_CASE("load_recipe_for_planning") {
  auto message = [](const std::string& text) {
    auto r = load_recipe_for_planning(text, "r.toml");
    REQUIRE_FALSE(r.has_value());
    return r.error().message;
  };
  CHECK(load_recipe_for_planning(k_minimal, "r.toml").has_value());
  CHECK(message("[metadata]\nname = 1\n") ==
        "failed to parse TOML: r.toml:2:8: metadata.name: expected a string, got integer");
  CHECK(message("[metadata]\ndescription = \"x\"\n") == "recipe validation failed: metadata.name is required");
  CHECK(message("[metadata]\nname = \"a\"\n") == "recipe validation failed: at least one step is required");
  CHECK(message("[metadata]\nname = \"a\"\n[[steps]]\naction = \"download\"\n[[steps]]\nurl = \"x\"\n") ==
        "recipe validation failed: step 2: action is required");
  CHECK(message("[metadata]\nname = \"a\"\n[[steps]]\naction = \"download\"\n") ==
        "recipe validation failed: verify.command is required");
  CHECK(message("[metadata]\nname = \"a\"\n[[steps]]\naction = \"downlod\"\n[verify]\ncommand = \"a\"\n") ==
        "step analysis failed: step 1 (downlod): unknown action \"downlod\"");
  CHECK(message("[metadata]\nname = \"a\"\n[[steps]]\naction = \"apt_install\"\nwhen = { os = [\"darwin\"] }\n"
                "[verify]\ncommand = \"a\"\n") ==
        "step analysis failed: step 1 (apt_install): OS conflict: action requires OS \"linux\" but when.os specifies "
        "[darwin]");
  SUBCASE("a library needs no verify command") {
    CHECK(load_recipe_for_planning("[metadata]\nname = \"l\"\ntype = \"library\"\n[[steps]]\naction = \"download\"\n",
                                   "l.toml")
              .has_value());
  }
}
