#pragma once
// `tailor doctor [--json] [--fix]` (docs/user-guide.md, "Health check: `tailor doctor`"): one
// verdict per check of the home and the machine, each with the fix, and with --fix the repairs
// that cannot lose anything (broken or missing bin/ links, leftovers of dead tailor operations,
// a stale lock holder file), each reported.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "install/layout.hpp"
#include "platform/detect.hpp"
#include "util/output.hpp"

namespace tailor::app {

enum class CheckStatus { ok, warn, fail };
std::string_view check_status_name(CheckStatus status);

struct DoctorCheck {
  std::string name;  // path, home, links, leftovers, lock, caches, config, detection
  CheckStatus status = CheckStatus::ok;
  std::string message;               // what the check found, one line
  std::string fix;                   // what to do about it; "" when nothing is to be done
  std::vector<std::string> details;  // one line per finding
  std::vector<std::string> fixed;    // what --fix did
};

struct DoctorReport {
  std::vector<DoctorCheck> checks;  // in the order of the names above
  CheckStatus overall() const;      // the worst status
};

struct DoctorRequest {
  install::Layout layout;
  std::string path_env;  // $PATH as the user's shell has it
  bool fix = false;
  uint32_t uid = 0;  // whose home it should be: the effective user
  // Detection as `tailor detect` does it (TAILOR_SYSROOT, TAILOR_FACTS and the rest apply).
  platform::DetectRequest detect;
  // A downloads cache bigger than this is a warning.
  uint64_t downloads_warn_bytes = uint64_t{4} << 30;
};

// Runs every check; with `fix`, first takes the install lock (without waiting) and repairs. A
// check that cannot run says so in its message; this function does not fail.
DoctorReport run_doctor(const DoctorRequest& request);

// {"status": ok|warn|fail, "checks": [{name, status, message, fix, details[], fixed[]}],
//  "summary": {"ok": n, "warn": n, "fail": n}}
nlohmann::ordered_json doctor_to_json(const DoctorReport& report);
// One line per check: `ok    path: ...` / `warn  ...; fix: ...`, then `  fixed: ...` lines.
std::string format_doctor(const DoctorReport& report);

}  // namespace tailor::app
