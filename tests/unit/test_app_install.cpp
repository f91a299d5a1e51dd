// app::install_backend and app::install_tools: the backend ladder with fallback as the
// install command runs it, with an installer double that "installs" a llama-cli script whose
// smoke check passes only for the backends named, and saved facts at the session's seams.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <set>
#include <sstream>

#include "app/install.hpp"
#include "support/scratch.hpp"
#include "support/session_doubles.hpp"

using namespace tailor;
using test::SessionDoubles;

namespace {

struct Sinks {
  std::ostringstream out, err;
  util::Output output{&out, &err};
};

// Installs each plan's root as tools/<tool>-<version>/bin/llama-cli, which lists the device of
// its backend when that backend is in `working` and fails otherwise.
struct FakeInstaller {
  install::Layout layout;
  std::set<std::string> working;
  std::vector<std::string> installed;  // backends, in order
  std::vector<std::string> removed;    // "tool@version"

  app::Installer installer() {
    app::Installer result;
    result.install = [this](const std::vector<plan::Plan>& plans,
                            const install::InstallOptions&) -> Result<install::InstallOutcome> {
      install::InstallOutcome outcome;
      for (const auto& plan : plans) {
        const std::string &tool = plan.tool, &version = plan.version;
        const std::string backend(tuple::name(plan.platform.backend));
        installed.push_back(backend);
        auto script = layout.tool_dir(tool, version) / "bin" / "llama-cli";
        std::string devices =
            working.contains(backend) ? "echo '" + install::backend_device(backend) + "0: test device'" : "exit 1";
        test::write_text(script, "#!/bin/sh\n" + devices + "\n");
        ::chmod(script.c_str(), 0755);
        outcome.installed.push_back(tool + "@" + version);
      }
      return outcome;
    };
    result.remove = [this](const std::string& tool, const std::string& version) -> Status {
      removed.push_back(tool + "@" + version);
      std::filesystem::remove_all(layout.tool_dir(tool, version));
      return {};
    };
    return result;
  }
};

struct Fixture {
  SessionDoubles doubles;
  Sinks sinks;
  FakeInstaller fake{install::Layout{test::fresh_dir("home")}, {}, {}, {}};

  Result<install::BackendInstallResult> install(const std::string& backend = "", bool strict_gpu = false) {
    auto options = SessionDoubles::options("llamalike", "nvidia-drv580.json");
    options.backend = backend;
    auto planned = app::plan_tool(options, sinks.output, doubles.seams());
    REQUIRE(planned.has_value());
    return app::install_backend(*planned->session, std::move(planned->outcome), strict_gpu, fake.layout, {},
                                fake.installer(), sinks.output);
  }
};

}  // namespace

TEST_CASE("install_backend") {
  Fixture f;
  SUBCASE("a passing first rung is kept, with its receipt") {
    f.fake.working = {"cuda", "vulkan", "cpu"};
    auto result = f.install();
    REQUIRE(result.has_value());
    CHECK(f.fake.installed == std::vector<std::string>{"cuda"});
    CHECK(f.fake.removed.empty());
    CHECK(result->receipt["backend"] == "cuda");
    CHECK(result->receipt["requested_backend"] == "auto");
  }
  SUBCASE("under auto a failing rung is removed and the next one is planned and installed") {
    f.fake.working = {"vulkan", "cpu"};
    auto result = f.install();
    INFO(f.sinks.err.str());
    REQUIRE(result.has_value());
    CHECK(f.fake.installed == std::vector<std::string>{"cuda", "vulkan"});
    REQUIRE(f.fake.removed.size() == 1);
    CHECK(f.fake.removed[0].starts_with("llamalike@"));
    CHECK(result->receipt["backend"] == "vulkan");
    REQUIRE(result->receipt["rejected"].size() == 1);
    CHECK(result->receipt["rejected"][0]["backend"] == "cuda");
    CHECK(f.sinks.err.str().find("falling back from cuda to vulkan") != std::string::npos);
  }
  SUBCASE("every rung failing names them all") {
    auto result = f.install();
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().kind == ErrorKind::install);
    CHECK(result.error().message.find("no backend passed its smoke check") != std::string::npos);
    CHECK(f.fake.installed == std::vector<std::string>{"cuda", "vulkan", "cpu"});
    CHECK(f.fake.removed.size() == 3);
  }
  SUBCASE("--strict-gpu fails instead of falling back") {
    f.fake.working = {"vulkan", "cpu"};
    auto result = f.install("", true);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().kind == ErrorKind::install);
    CHECK(result.error().message.find("--strict-gpu") != std::string::npos);
    CHECK(f.fake.installed == std::vector<std::string>{"cuda"});
  }
  SUBCASE("an explicit backend never falls back") {
    f.fake.working = {"cpu"};
    auto result = f.install("vulkan");
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().message.find("explicit backend, no fallback") != std::string::npos);
    CHECK(f.fake.installed == std::vector<std::string>{"vulkan"});
  }
}

TEST_CASE("install_tools") {
  Sinks sinks;
  SessionDoubles doubles;
  app::InstallRequest request;
  request.plan = SessionDoubles::options("", "nvidia-drv580.json");
  SUBCASE("nothing named") {
    auto report = app::install_tools(request, sinks.output, doubles.seams());
    REQUIRE_FALSE(report.has_value());
    CHECK(report.error().kind == ErrorKind::usage);
    CHECK(report.error().message == "name at least one tool, or pass --plan FILE");
  }
  SUBCASE("tools and --plan together") {
    auto plan = test::fresh_dir("plan") / "plan.json";
    test::write_text(plan, "{}");
    request.tools = {"hello"};
    request.plan_file = plan.string();
    auto report = app::install_tools(request, sinks.output, doubles.seams());
    REQUIRE_FALSE(report.has_value());
    CHECK(report.error().message == "give either tools or --plan FILE, not both");
  }
  SUBCASE("a bad name among several fails before any facts are read") {
    request.tools = {"hello", "Bad!"};
    auto report = app::install_tools(request, sinks.output, doubles.seams());
    REQUIRE_FALSE(report.has_value());
    CHECK(report.error().kind == ErrorKind::usage);
    CHECK(doubles.detect_requests.empty());
  }
  SUBCASE("--offline with --plan needs a bundle, before any facts are read") {
    request.plan_file = test::testdata("plan/golden/plans/llamalike/vb5000-linux-amd64-gpu-amd.json").string();
    request.plan.offline = true;
    auto report = app::install_tools(request, sinks.output, doubles.seams());
    REQUIRE_FALSE(report.has_value());
    CHECK(report.error().kind == ErrorKind::usage);
    CHECK(report.error().message.find("needs --from DIR") != std::string::npos);
    CHECK(doubles.detect_requests.empty());
  }
}
