// Lifecycle events from real `tailor install` and `tailor remove` processes reach the hooks.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include "support/archive_builder.hpp"
#include "support/https_server.hpp"
#include "support/install_env.hpp"
#include "support/process.hpp"
#include "support/scratch.hpp"
#include "util/strings.hpp"

namespace fs = std::filesystem;
using namespace tailor::test;
using nlohmann::ordered_json;

TEST_CASE("install and remove emit lifecycle events to hooks") {
  HttpsServer server;
  fs::path home = fresh_dir("events-home");
  fs::path dir = fresh_dir("events-work");
  // A hook that appends every event it receives on stdin, one per line.
  fs::path log = dir / "events.log";
  write_text(home / "hooks" / "record", "#!/bin/sh\ncat >> '" + log.string() + "'\necho >> '" + log.string() + "'\n");
  ::chmod((home / "hooks" / "record").c_str(), 0755);
  RunOptions options = local_install_env(server, home);

  ToolRelease hello = make_tool_release("hello", "1.0.0");
  server.add("/" + hello.file_name(), hello.bytes);
  ordered_json plan = make_tool_plan(hello, server.url("/" + hello.file_name()));
  write_text(dir / "good.json", plan.dump(2));
  ToolRelease other = make_tool_release("hello", "1.1.0");
  server.add("/" + other.file_name(), other.bytes);
  ordered_json broken = make_tool_plan(other, server.url("/" + other.file_name()));
  broken["verify"]["pattern"] = "never printed";
  write_text(dir / "broken.json", broken.dump(2));

  auto ok = run_tailor({"install", "--plan", (dir / "good.json").string()}, options);
  REQUIRE_MESSAGE(ok.exit_code == 0, std::string(ok.out + ok.err));
  auto bad = run_tailor({"install", "--plan", (dir / "broken.json").string()}, options);
  CHECK(bad.exit_code == 6);
  auto removed = run_tailor({"remove", "hello"}, options);
  REQUIRE_MESSAGE(removed.exit_code == 0, std::string(removed.out + removed.err));

  std::vector<ordered_json> events;
  for (const auto& line : tailor::util::split(read_text(log), '\n')) {
    if (line.empty()) continue;
    auto event = ordered_json::parse(line, nullptr, false);
    REQUIRE_MESSAGE(!event.is_discarded(), line);
    events.push_back(event);
  }
  REQUIRE(events.size() == 3);
  CHECK(events[0]["type"] == "install.completed");
  CHECK(events[0]["tool"] == "hello");
  CHECK(events[0]["version"] == "1.0.0");
  CHECK(events[0]["error"].is_null());
  CHECK(events[0]["id"].get<std::string>().size() == 36);
  CHECK(events[1]["type"] == "install.failed");
  CHECK(events[1]["version"] == "1.1.0");
  CHECK(events[1]["error"].get<std::string>().find("verify") != std::string::npos);
  CHECK(events[2]["type"] == "remove.completed");
  CHECK(events[0]["id"] != events[1]["id"]);
}
