#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <memory>

#include "fetch/status_file.hpp"
#include "support/scratch.hpp"

namespace tailor::fetch {

TEST_CASE("StatusWriter and read_status_report") {
  auto home = test::fresh_dir("home");

  SUBCASE("nothing running, no holder") {
    auto report = read_status_report(home);
    CHECK(report["operation"].is_null());
    CHECK(report["lock_holder"].is_null());
    CHECK(format_status_report(report) == "no operation in progress\nlock: no holder recorded\n");
  }
  SUBCASE("a live writer is reported with artifacts, hosts and cooldowns; gone when it ends") {
    {
      StatusWriter writer(home, "install llama.cpp");
      writer.update({ArtifactProgress{"a.tar.gz", "https://m/a.tar.gz", "mirror-a", "downloading", 512, 2048}},
                    {HostCooldown{"mirror-b", "2030-01-01T00:00:00Z"}}, true);
      auto report = read_status_report(home);
      const auto& operation = report["operation"];
      CHECK(operation["pid"] == static_cast<long>(::getpid()));
      CHECK(operation["command"] == "install llama.cpp");
      CHECK(operation["phase"] == "fetch");
      CHECK(operation["stale"] == false);
      CHECK(operation["artifacts"][0]["host"] == "mirror-a");
      CHECK(operation["artifacts"][0]["bytes"] == 512);
      CHECK(operation["cooldowns"][0]["host"] == "mirror-b");
      std::string text = format_status_report(report);
      CHECK(text.find("running: install llama.cpp") != std::string::npos);
      CHECK(text.find("a.tar.gz  512 B / 2.0 KiB (25%)  from mirror-a") != std::string::npos);
      CHECK(text.find("host mirror-b busy until 2030-01-01T00:00:00Z") != std::string::npos);
      writer.set_phase("extract");
      CHECK(read_status_report(home)["operation"]["phase"] == "extract");
    }
    CHECK(read_status_report(home)["operation"].is_null());
  }
  SUBCASE("updates are throttled unless forced") {
    StatusWriter writer(home, "fetch");
    writer.update({ArtifactProgress{"a", "u", "h", "downloading", 1, 10}}, {}, true);
    writer.update({ArtifactProgress{"a", "u", "h", "downloading", 5, 10}}, {});
    CHECK(read_status_report(home)["operation"]["artifacts"][0]["bytes"] == 1);
    writer.update({ArtifactProgress{"a", "u", "h", "downloading", 7, 10}}, {}, true);
    CHECK(read_status_report(home)["operation"]["artifacts"][0]["bytes"] == 7);
  }
  SUBCASE("a file left by a dead process is stale; the lock holder file is shown") {
    test::write_text(home / "status.json", R"({"pid": 999999999, "command": "install x", "phase": "fetch",
      "started_at": "t", "updated_at": "t", "artifacts": [], "cooldowns": []})");
    test::write_text(home / ".lock.holder", R"({"pid": 42, "user": "ci", "command": "tailor install x"})");
    auto report = read_status_report(home);
    CHECK(report["operation"]["stale"] == true);
    CHECK(report["lock_holder"]["user"] == "ci");
    CHECK(format_status_report(report).rfind("stale: install x", 0) == 0);
    // Reported once: the reader removed it.
    CHECK_FALSE(std::filesystem::exists(home / "status.json"));
    CHECK(read_status_report(home)["operation"].is_null());
  }
  SUBCASE("a file whose recorded pid runs again (pid reuse) but whose writer is gone is stale") {
    test::write_text(home / "status.json", fmt::format(R"({{"pid": {}, "command": "install x", "phase": "fetch",
      "started_at": "t", "updated_at": "t", "artifacts": [], "cooldowns": []}})",
                                                       ::getpid()));
    CHECK(remove_stale_status(home));
    CHECK_FALSE(std::filesystem::exists(home / "status.json"));
    CHECK_FALSE(remove_stale_status(home));
  }
  SUBCASE("a live writer's file is never removed as stale") {
    StatusWriter writer(home, "install y");
    writer.update({}, {}, true);
    CHECK_FALSE(remove_stale_status(home));
    CHECK(std::filesystem::exists(home / "status.json"));
    CHECK(read_status_report(home)["operation"]["stale"] == false);
  }
  SUBCASE("a writer that ends leaves a newer writer's file in place") {
    auto first = std::make_unique<StatusWriter>(home, "fetch one");
    StatusWriter second(home, "fetch two");
    first.reset();
    auto report = read_status_report(home);
    CHECK(report["operation"]["command"] == "fetch two");
    CHECK(report["operation"]["stale"] == false);
  }
  SUBCASE("a temporary file of a writer killed before its rename goes; one still locked stays") {
    test::write_text(home / ".status.json.tmp-dead01", "{");
    test::write_text(home / ".status.json.tmp-live01", "{");
    int held = ::open((home / ".status.json.tmp-live01").c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(held >= 0);
    // flock locks belong to the open file description: this one stands for a live writer.
    REQUIRE(::flock(held, LOCK_EX | LOCK_NB) == 0);
    CHECK_FALSE(remove_stale_status(home));
    CHECK_FALSE(std::filesystem::exists(home / ".status.json.tmp-dead01"));
    CHECK(std::filesystem::exists(home / ".status.json.tmp-live01"));
    ::close(held);
    (void)read_status_report(home);
    CHECK_FALSE(std::filesystem::exists(home / ".status.json.tmp-live01"));
  }
}

}  // namespace tailor::fetch
