// `tailor status` against a real download in flight: a `tailor fetch-urls` child pulls a slow
// artifact through a configured mirror while the test polls `tailor status --json`.
#include <doctest/doctest.h>

#include <thread>

#include <nlohmann/json.hpp>

#include "support/https_server.hpp"
#include "support/process.hpp"
#include "support/scratch.hpp"

namespace tailor::test {

using namespace std::chrono_literals;

TEST_CASE("tailor status") {
  auto home = fresh_dir("home");
  RunOptions options;
  options.env["TAILOR_HOME"] = home.string();

  SUBCASE("nothing in progress") {
    RunResult text = run_tailor({"status"}, options);
    CHECK(text.exit_code == 0);
    CHECK(text.out == "no operation in progress\nlock: no holder recorded\n");
    RunResult json = run_tailor({"status", "--json"}, options);
    CHECK(json.exit_code == 0);
    CHECK(json.out == "{\n  \"operation\": null,\n  \"lock_holder\": null\n}\n");
  }
  SUBCASE("shows the lock holder recorded beside the lock") {
    write_text(home / ".lock.holder", R"({"pid": 4242, "user": "ci", "command": "tailor install jq"})");
    RunResult json = run_tailor({"status", "--json"}, options);
    CHECK(json.exit_code == 0);
    auto report = nlohmann::json::parse(json.out);
    CHECK(report["lock_holder"]["pid"] == 4242);
    CHECK(run_tailor({"status"}, options).out.find("lock: held by") != std::string::npos);
  }
  SUBCASE("during a slow download: progress, the serving host, then nothing once done") {
    HttpsServer mirror;
    const std::string bytes(2 * 1024 * 1024, 'x');
    mirror.add("/gh/big.bin", bytes);
    mirror.script("/gh/big.bin", {Reply::slow(3000ms)});
    write_text(home / "config.toml", "[[mirrors]]\nprefix = \"https://origin.invalid/\"\nurl = \"" +
                                         mirror.url("/gh/") + "\"\nname = \"mirror-a\"\n");
    options.env["TAILOR_CA_BUNDLE"] = mirror.ca_file().string();
    Child child = spawn_tailor({"fetch-urls", "https://origin.invalid/big.bin"}, options);
    REQUIRE(mirror.wait_for_requests(1, 20s));

    nlohmann::json artifact;
    long pid = 0;
    for (int i = 0; i < 100 && artifact.is_null(); ++i) {
      RunResult status = run_tailor({"status", "--json"}, options);
      REQUIRE(status.exit_code == 0);
      auto report = nlohmann::json::parse(status.out);
      if (report["operation"].is_object() && !report["operation"]["artifacts"].empty() &&
          report["operation"]["artifacts"][0]["bytes"].get<uint64_t>() > 0) {
        artifact = report["operation"]["artifacts"][0];
        pid = report["operation"]["pid"].get<long>();
        CHECK(report["operation"]["command"] == "fetch-urls");
        CHECK(report["operation"]["stale"] == false);
      } else {
        std::this_thread::sleep_for(50ms);
      }
    }
    REQUIRE(artifact.is_object());
    CHECK(pid == child.pid);
    CHECK(artifact["name"] == "big.bin");
    CHECK(artifact["host"] == "mirror-a");
    CHECK(artifact["url"] == mirror.url("/gh/big.bin"));
    CHECK(artifact["state"] == "downloading");
    CHECK(artifact["total"] == bytes.size());
    CHECK(artifact["bytes"].get<uint64_t>() < bytes.size());

    RunResult finished = child.wait();
    CHECK(finished.exit_code == 0);
    CHECK(finished.out.find(mirror.url("/gh/big.bin")) != std::string::npos);
    CHECK(run_tailor({"status"}, options).out.rfind("no operation in progress", 0) == 0);
  }
}

}  // namespace tailor::test
