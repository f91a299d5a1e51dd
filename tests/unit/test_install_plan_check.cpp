#include <doctest/doctest.h>

#include "install/plan_check.hpp"

using namespace tailor;
using nlohmann::ordered_json;

namespace {

ordered_json sample_plan() {
  ordered_json step = {{"action", "extract"}, {"params", {{"archive", "t.tar.gz"}, {"dest", "."}}}};
  ordered_json install = {
      {"action", "install_binaries"},
      {"params", {{"outputs", ordered_json::array({"bin/t", {{"src", "t"}, {"dest", "bin/t2"}}})}}}};
  return {{"format_version", 5}, {"tool", "t"}, {"version", "1.0.0"}, {"steps", {step, install}}};
}

std::string problem(const ordered_json& p) {
  auto st = install::check_plan_fields(p);
  if (st) return "";
  CHECK(st.error().kind == ErrorKind::invalid_input);
  return st.error().message;
}

}  // namespace

TEST_CASE("check_plan_fields") {
  CHECK(problem(sample_plan()).empty());
  SUBCASE("versions and tool names") {
    auto p = sample_plan();
    p["version"] = "../x";
    CHECK(problem(p).starts_with("$.version: invalid version '../x': '..' at position 1"));
    p = sample_plan();
    p["version"] = "@lts";
    CHECK(problem(p).starts_with("$.version:"));
    p = sample_plan();
    p["tool"] = "a/b";
    CHECK(problem(p).starts_with("$.tool: invalid tool name 'a/b'"));
    p = sample_plan();
    p.erase("version");
    CHECK(problem(p) == "$.version: a version string is needed; the plan was refused before anything was done");
  }
  SUBCASE("paths of steps, outputs objects and dependencies") {
    auto p = sample_plan();
    p["steps"][0]["params"]["dest"] = "a/../../b";
    CHECK(problem(p).starts_with("$.steps[0].params.dest: 'a/../../b' has a '..' component"));
    p = sample_plan();
    p["steps"][1]["params"]["outputs"][1]["dest"] = "/usr/bin/t";
    CHECK(problem(p).starts_with("$.steps[1].params.outputs[1].dest: '/usr/bin/t' is absolute"));
    p = sample_plan();
    p["steps"][0]["params"]["archive"] = "t\x01.tar.gz";
    CHECK(problem(p).starts_with("$.steps[0].params.archive: 't\\x01.tar.gz' contains a control character"));
    p = sample_plan();
    p["dependencies"] = ordered_json::array({sample_plan()});
    p["dependencies"][0]["steps"][1]["params"]["outputs"][0] = "../t";
    CHECK(problem(p).starts_with("$.dependencies[0].steps[1].params.outputs[0]:"));
    p = sample_plan();
    p["dependencies"] = ordered_json::array({"not an object"});
    CHECK(problem(p).starts_with("$.dependencies[0]: not a plan object"));
  }
  SUBCASE("names with dots that are not '..' components pass") {
    auto p = sample_plan();
    p["steps"][0]["params"]["dest"] = "a..b/.hidden/./c";
    CHECK(problem(p).empty());
  }
}
