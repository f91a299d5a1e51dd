// app::open_plan_session: the decisions a planning command used to make in the CLI (which
// request, which facts, when Vulkan is probed, whether the target is another machine), with
// saved facts files and planning doubles at the seams.
#include <doctest/doctest.h>

#include <sstream>

#include "app/plan_session.hpp"
#include "support/scratch.hpp"
#include "support/session_doubles.hpp"

using namespace tailor;
using test::SessionDoubles;

namespace {

struct Sinks {
  std::ostringstream out, err;
  util::Output output{&out, &err};
};

const recipe::Recipe& load_recipe(recipe::Registry& registry, const std::string& name) {
  auto found = registry.find(name);
  REQUIRE(found.has_value());
  REQUIRE(*found != nullptr);
  return **found;
}

}  // namespace

TEST_CASE("requested_tool") {
  app::PlanSessionOptions options;
  SUBCASE("TOOL@VERSION splits at the first '@'") {
    options.tool = "hello@1.2.3";
    auto request = app::requested_tool(options);
    REQUIRE(request.has_value());
    CHECK(request->tool == "hello");
    CHECK(request->version == "1.2.3");
  }
  SUBCASE("latest is the newest version") {
    options.tool = "hello@latest";
    auto request = app::requested_tool(options);
    REQUIRE(request.has_value());
    CHECK(request->version.empty());
  }
  SUBCASE("TOOL@VERSION and --version together are a usage error") {
    options.tool = "hello@1.0";
    options.version = "2.0";
    auto request = app::requested_tool(options);
    REQUIRE_FALSE(request.has_value());
    CHECK(request.error().kind == ErrorKind::usage);
    CHECK(request.error().message.find("not both") != std::string::npos);
  }
  SUBCASE("--version with --recipe wins over the name's version") {
    options.tool = "hello@1.0";
    options.version = "2.0";
    options.recipe_file = "hello.toml";
    auto request = app::requested_tool(options);
    REQUIRE(request.has_value());
    CHECK(request->version == "2.0");
  }
}

TEST_CASE("check_plan_request") {
  app::PlanSessionOptions options;
  SUBCASE("nothing named") {
    auto checked = app::check_plan_request(options);
    REQUIRE_FALSE(checked.has_value());
    CHECK(checked.error().kind == ErrorKind::usage);
    CHECK(checked.error().message == "name a tool or pass --recipe FILE");
  }
  SUBCASE("a bad tool name") {
    options.tool = "Hello!";
    auto checked = app::check_plan_request(options);
    REQUIRE_FALSE(checked.has_value());
    CHECK(checked.error().kind == ErrorKind::usage);
  }
  SUBCASE("a bad version after '@'") {
    options.tool = "hello@1..2";
    CHECK(app::check_plan_request(options).error().kind == ErrorKind::usage);
  }
  SUBCASE("an unknown backend") {
    options.tool = "hello";
    options.backend = "cudaa";
    auto checked = app::check_plan_request(options);
    REQUIRE_FALSE(checked.has_value());
    CHECK(checked.error().kind == ErrorKind::usage);
  }
  SUBCASE("a good request") {
    options.tool = "hello@1.0";
    options.backend = "auto";
    CHECK(app::check_plan_request(options).has_value());
  }
}

TEST_CASE("needs_vulkan_probe") {
  recipe::Registry registry(recipe::RegistryOptions{{test::testdata("plan/recipes")}, false});
  const recipe::Recipe& llamalike = load_recipe(registry, "llamalike");  // has a vulkan step
  const recipe::Recipe& hello = load_recipe(registry, "hello");
  platform::Facts facts;
  facts.gpu = "nvidia";
  CHECK(app::needs_vulkan_probe(llamalike, facts, "", false));
  CHECK(app::needs_vulkan_probe(llamalike, facts, "auto", false));
  SUBCASE("an explicit backend never reads the fact") {
    CHECK_FALSE(app::needs_vulkan_probe(llamalike, facts, "cuda", false));
  }
  SUBCASE("a recipe without a vulkan step") { CHECK_FALSE(app::needs_vulkan_probe(hello, facts, "", false)); }
  SUBCASE("a GPU without a vulkan rung") {
    facts.gpu = "apple";
    CHECK_FALSE(app::needs_vulkan_probe(llamalike, facts, "", false));
    facts.gpu = "none";
    CHECK_FALSE(app::needs_vulkan_probe(llamalike, facts, "", false));
  }
  SUBCASE("an override gives the fact") {
    facts.overrides["vulkan"] = {tailor::tuple::FactOrigin::flag, "--vulkan"};
    CHECK_FALSE(app::needs_vulkan_probe(llamalike, facts, "", false));
  }
  SUBCASE("another machine's target") { CHECK_FALSE(app::needs_vulkan_probe(llamalike, facts, "", true)); }
}

TEST_CASE("open_plan_session") {
  SessionDoubles doubles;
  Sinks sinks;
  SUBCASE("a vulkan-reading plan on this machine probes Vulkan once more") {
    auto session = app::open_plan_session(SessionDoubles::options("llamalike", "nvidia-drv580.json"), sinks.output,
                                          doubles.seams());
    REQUIRE(session.has_value());
    CHECK((*session)->probed_vulkan);
    CHECK_FALSE((*session)->foreign);
    REQUIRE(doubles.detect_requests.size() == 2);
    CHECK_FALSE(doubles.detect_requests[0].need_vulkan);
    CHECK(doubles.detect_requests[1].need_vulkan);
    CHECK((*session)->request.tool == "llamalike");
    CHECK((*session)->request.target.gpu == tuple::GpuVendor::nvidia);
  }
  SUBCASE("a plan that does not read Vulkan resolves the facts once") {
    auto session =
        app::open_plan_session(SessionDoubles::options("hello", "nvidia-drv580.json"), sinks.output, doubles.seams());
    REQUIRE(session.has_value());
    CHECK_FALSE((*session)->probed_vulkan);
    CHECK(doubles.detect_requests.size() == 1);
  }
  SUBCASE("an explicit backend does not probe Vulkan") {
    auto options = SessionDoubles::options("llamalike", "nvidia-drv580.json");
    options.backend = "cpu";
    auto session = app::open_plan_session(options, sinks.output, doubles.seams());
    REQUIRE(session.has_value());
    CHECK_FALSE((*session)->probed_vulkan);
    CHECK((*session)->request.backend == "cpu");
    CHECK((*session)->request.backend_from_flag);
  }
  SUBCASE("--os naming another OS is a foreign target: no Vulkan probe, host facts compared") {
    platform::FactOverrides flags;
    flags[tailor::tuple::Fact::os] = "darwin";
    flags[tailor::tuple::Fact::arch] = "arm64";
    auto session = app::open_plan_session(SessionDoubles::options("llamalike", "nvidia-drv580.json", flags),
                                          sinks.output, doubles.seams());
    REQUIRE(session.has_value());
    CHECK((*session)->foreign);
    CHECK_FALSE((*session)->probed_vulkan);
    REQUIRE(doubles.detect_requests.size() == 2);
    CHECK(doubles.detect_requests[0].flags[tailor::tuple::Fact::os] == "darwin");
    CHECK_FALSE(doubles.detect_requests[1].flags[tailor::tuple::Fact::os].has_value());  // this machine
    CHECK_FALSE(doubles.detect_requests[1].flags[tailor::tuple::Fact::arch].has_value());
    CHECK((*session)->request.target.os == "darwin");
  }
  SUBCASE("--os naming this machine's OS is not foreign") {
    platform::FactOverrides flags;
    flags[tailor::tuple::Fact::os] = "linux";
    auto session = app::open_plan_session(SessionDoubles::options("hello", "nvidia-drv580.json", flags), sinks.output,
                                          doubles.seams());
    REQUIRE(session.has_value());
    CHECK_FALSE((*session)->foreign);
    CHECK(doubles.detect_requests.size() == 2);
  }
  SUBCASE("offline opens no downloader and no resolver; online opens both") {
    auto options = SessionDoubles::options("hello", "nvidia-drv580.json");
    options.offline = true;
    auto offline = app::open_plan_session(options, sinks.output, doubles.seams());
    REQUIRE(offline.has_value());
    CHECK(doubles.downloaders_opened == 0);
    CHECK((*offline)->services.downloader == nullptr);
    CHECK((*offline)->services.resolver == nullptr);
    CHECK((*offline)->request.offline);
    doubles.with_downloader = true;
    options.offline = false;
    auto online = app::open_plan_session(options, sinks.output, doubles.seams());
    REQUIRE(online.has_value());
    CHECK(doubles.downloaders_opened == 1);
    CHECK((*online)->services.downloader != nullptr);
    CHECK((*online)->services.resolver != nullptr);
  }
  SUBCASE("TOOL@VERSION with --version fails before any facts are resolved") {
    auto options = SessionDoubles::options("hello@1.0", "nvidia-drv580.json");
    options.version = "2.0";
    auto session = app::open_plan_session(options, sinks.output, doubles.seams());
    REQUIRE_FALSE(session.has_value());
    CHECK(session.error().kind == ErrorKind::usage);
    CHECK(doubles.detect_requests.empty());
  }
  SUBCASE("a bad name fails before anything is opened") {
    auto session = app::open_plan_session(SessionDoubles::options("bad name", "nvidia-drv580.json"), sinks.output,
                                          doubles.seams());
    REQUIRE_FALSE(session.has_value());
    CHECK(session.error().kind == ErrorKind::usage);
    CHECK(doubles.detect_requests.empty());
  }
  SUBCASE("an unknown recipe") {
    auto session = app::open_plan_session(SessionDoubles::options("no-such-tool", "nvidia-drv580.json"), sinks.output,
                                          doubles.seams());
    REQUIRE_FALSE(session.has_value());
    CHECK(session.error().kind == ErrorKind::recipe_not_found);
  }
  SUBCASE("--pin-from that is not a JSON object") {
    auto lock = test::fresh_dir("pin") / "lock.json";
    test::write_text(lock, "[1, 2]");
    auto options = SessionDoubles::options("hello", "nvidia-drv580.json");
    options.pin_from = lock.string();
    auto session = app::open_plan_session(options, sinks.output, doubles.seams());
    REQUIRE_FALSE(session.has_value());
    CHECK(session.error().kind == ErrorKind::invalid_input);
  }
  SUBCASE("--pin-from whose fields have the wrong type") {
    auto lock = test::fresh_dir("pin") / "lock.json";
    test::write_text(lock,
                     R"({"tool": "hello", "version": "1.0.0", "steps": [{"action": "download_file", "size": "big"}]})");
    auto options = SessionDoubles::options("hello", "nvidia-drv580.json");
    options.pin_from = lock.string();
    auto session = app::open_plan_session(options, sinks.output, doubles.seams());
    REQUIRE_FALSE(session.has_value());
    CHECK(session.error().kind == ErrorKind::invalid_input);
    CHECK(session.error().message.find("the plan is not a tailor plan: $.steps[0].size") != std::string::npos);
  }
}

TEST_CASE("plan_tool") {
  SessionDoubles doubles;
  Sinks sinks;
  auto planned =
      app::plan_tool(SessionDoubles::options("llamalike", "nvidia-drv580.json"), sinks.output, doubles.seams());
  REQUIRE(planned.has_value());
  CHECK(planned->outcome.backend == "cuda");
  CHECK(planned->outcome.value.tool == "llamalike");
  REQUIRE(planned->session != nullptr);
  app::print_ladder(planned->outcome, sinks.output);
  CHECK(sinks.err.str().find("backend ladder:\n  cuda: chosen") != std::string::npos);
}
