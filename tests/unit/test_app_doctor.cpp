#include <unistd.h>

#include <doctest/doctest.h>

#include "app/doctor.hpp"
#include "app/doctor_checks.hpp"
#include "support/scratch.hpp"

using namespace tailor;

TEST_CASE("check_path") {
  app::DoctorRequest request;
  request.layout.root = "/h/.tailor";
  request.path_env = "/usr/bin:/h/.tailor/bin/:/bin";
  CHECK(app::doctor::check_path(request).status == app::CheckStatus::ok);
  request.path_env = "/usr/bin::/bin";
  auto check = app::doctor::check_path(request);
  CHECK(check.status == app::CheckStatus::warn);
  CHECK(check.fix.find("eval \"$(tailor shellenv)\"") != std::string::npos);
}

TEST_CASE("doctor_to_json and format_doctor") {
  app::DoctorReport report;
  report.checks.push_back({"path", app::CheckStatus::ok, "on PATH", "", {}, {}});
  report.checks.push_back({"links", app::CheckStatus::fail, "bin/x is broken", "run --fix", {"bin/x"}, {}});
  report.checks.push_back({"caches", app::CheckStatus::warn, "big", "clear", {}, {"did it"}});
  CHECK(report.overall() == app::CheckStatus::fail);
  auto json = app::doctor_to_json(report);
  CHECK(json["status"] == "fail");
  CHECK(json["summary"] == nlohmann::ordered_json{{"ok", 1}, {"warn", 1}, {"fail", 1}});
  CHECK(json["checks"][1]["details"] == nlohmann::ordered_json::array({"bin/x"}));
  CHECK(app::format_doctor(report) ==
        "ok    path: on PATH\nfail  links: bin/x is broken; fix: run --fix\nwarn  caches: big; fix: clear\n"
        "      fixed: did it\n");
}

TEST_CASE("check_home: a directory others may write is a failure") {
  auto root = test::fresh_dir("doctor-home");
  std::filesystem::create_directories(root / "bin");
  std::filesystem::create_directories(root / "tools");
  app::DoctorRequest request;
  request.layout.root = root;
  request.uid = static_cast<uint32_t>(::geteuid());
  CHECK(app::doctor::check_home(request).status == app::CheckStatus::ok);
  std::filesystem::permissions(root / "bin", std::filesystem::perms::all);
  auto check = app::doctor::check_home(request);
  CHECK(check.status == app::CheckStatus::fail);
  CHECK(check.message.find("writable by others (mode 0777)") != std::string::npos);
  request.uid += 1;
  CHECK(app::doctor::check_home(request).message.find("belongs to") != std::string::npos);
}
