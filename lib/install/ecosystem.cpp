#include "install/ecosystem.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <fstream>

#include <fmt/format.h>

#include "config/environment.hpp"
#include "install/subprocess.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

namespace tailor::install {
namespace fs = std::filesystem;
using nlohmann::ordered_json;
namespace {

// An ecosystem build may compile (cargo, native wheels): far longer than a helper command.
constexpr std::chrono::minutes k_build_timeout{30};
// The last lines of a failed command shown in the error; the whole output is in the log.
constexpr size_t k_tail_lines = 12;

bool is_executable(const fs::path& file) { return ::access(file.c_str(), X_OK) == 0 && !fs::is_directory(file); }

bool has_all(const fs::path& dir, const std::vector<std::string>& programs) {
  for (const auto& program : programs) {
    if (!is_executable(dir / program)) return false;
  }
  return true;
}

std::string tail_of(const std::string& output) {
  size_t at = output.size();
  for (size_t lines = 0; at > 0 && lines <= k_tail_lines;) {
    at = output.rfind('\n', at - 1);
    if (at == std::string::npos) return output;
    if (at + 1 < output.size()) ++lines;
  }
  return output.substr(at + 1);
}

std::string utc_stamp() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &tm);
  return text;
}

}  // namespace

std::map<std::string, std::string> ecosystem_registries(const config::Config& config) {
  std::map<std::string, std::string> out;
  for (const char* name : {"npm", "pypi", "goproxy", "crates", "crates_index", "rubygems"}) {
    std::string value = config.get(std::string("ecosystem.") + name);
    if (!value.empty()) out[name] = value;
  }
  return out;
}

std::string shell_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

Result<Toolchain> find_toolchain(const ordered_json& params, const StepContext& ctx, std::string_view action,
                                 std::string_view dependency, const std::vector<std::string>& programs) {
  std::string wanted = params.value("toolchain", std::string());
  if (wanted == "system") {
    for (std::string_view dir : k_system_toolchain_dirs) {
      if (has_all(fs::path(dir), programs)) {
        return Toolchain{fs::path(dir), fmt::format("system ({})", dir), std::string(dir)};
      }
    }
    return fail(ErrorKind::install,
                "{}@{}: {} uses the system toolchain (toolchain = \"system\"), but {} is not in {}; install the "
                "distribution's package",
                ctx.tool, ctx.version, action, util::join(programs, " and "), "/usr/bin or /bin");
  }
  if (!wanted.empty()) {
    return fail(ErrorKind::invalid_input, "{}@{}: {} toolchain = \"{}\" is not understood (only \"system\" is)",
                ctx.tool, ctx.version, action, wanted);
  }
  auto it = ctx.dependency_dirs.find(std::string(dependency));
  if (it == ctx.dependency_dirs.end()) {
    return fail(ErrorKind::install,
                "{}@{}: {} runs the toolchain of its {} dependency, which this plan does not install; a recipe "
                "that uses the system toolchain says toolchain = \"system\" on the step",
                ctx.tool, ctx.version, action, dependency);
  }
  fs::path bin = it->second / "bin";
  if (!has_all(bin, programs)) {
    return fail(ErrorKind::install, "{}@{}: {} needs {} from its {} dependency, but {} has not all of them", ctx.tool,
                ctx.version, action, util::join(programs, " and "), dependency, bin.string());
  }
  std::string name = it->second.filename().string();
  // tools/<tool>-<version>/bin/<wrapper> -> tools/<dependency>-<version>/bin
  return Toolchain{bin, fmt::format("{} (dependency)", name), "$here/../../" + name + "/bin"};
}

Result<Toolchain> find_plan_toolchain(const ordered_json& params, const StepContext& ctx, std::string_view action,
                                      std::string_view dependency, const std::vector<std::string>& programs,
                                      std::string_view resolves, std::string_view primitive) {
  auto toolchain = find_toolchain(params, ctx, action, dependency, programs);
  if (toolchain || params.value("toolchain", std::string()) == "system") return toolchain;
  return fail(ErrorKind::install,
              "{}@{}: {} resolves {} when it is planned, and no {} is installed: run `tailor install {}` first, or "
              "plan with --pin-from a plan that has the {} step",
              ctx.tool, ctx.version, action, resolves, dependency, dependency, primitive);
}

EcosystemRun::EcosystemRun(StepContext& ctx, std::string action, const Toolchain& toolchain)
    : m_ctx(ctx), m_action(std::move(action)), m_scratch(ctx.work / ".ecosystem") {
  std::error_code ec;
  for (const char* dir : {"home", "tmp", "cache", "config", "data"}) fs::create_directories(m_scratch / dir, ec);
  m_env = {{"PATH", toolchain.bin_dir.string() + ":/usr/bin:/bin"},
           {"HOME", (m_scratch / "home").string()},
           {"TMPDIR", (m_scratch / "tmp").string()},
           {"XDG_CACHE_HOME", (m_scratch / "cache").string()},
           {"XDG_CONFIG_HOME", (m_scratch / "config").string()},
           {"XDG_DATA_HOME", (m_scratch / "data").string()},
           {"SOURCE_DATE_EPOCH", "315532800"}};
  // Tests trust their loopback CA this way; production uses the system store.
  if (auto bundle = config::env_value(config::EnvVar::tailor_ca_bundle); bundle && !bundle->empty()) {
    m_extra_ca = *bundle;
    m_env["SSL_CERT_FILE"] = m_extra_ca;
  }
  m_log = fmt::format("tailor {} of {}@{} with toolchain {}\n", m_action, ctx.tool, ctx.version, toolchain.label);
}

std::string EcosystemRun::keep_log() {
  std::error_code ec;
  fs::create_directories(m_ctx.logs_dir, ec);
  fs::path file = m_ctx.logs_dir / fmt::format("{}-{}-{}-{}.log", m_ctx.tool, m_ctx.version, m_action, utc_stamp());
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << m_log;
  if (!out) return "(the log could not be written to " + m_ctx.logs_dir.string() + ")";
  return file.string();
}

Error EcosystemRun::failure(ErrorKind kind, const std::string& message) {
  note("error: " + message);
  return Error{kind, fmt::format("{}@{}: {}; the log is {}", m_ctx.tool, m_ctx.version, message, keep_log())};
}

Status EcosystemRun::run(const std::vector<std::string>& argv, const std::string& cwd,
                         const std::vector<std::string>& checksum_markers) {
  ProcessOptions options;
  options.timeout = k_build_timeout;
  options.env = m_env;
  options.cwd = cwd;
  options.inherit_environment = false;
  options.max_output = 16 << 20;
  note("$ " + util::join(argv, " "));
  m_ctx.output->debug("{}@{}: {}", m_ctx.tool, m_ctx.version, util::join(argv, " "));
  auto result = run_process(argv, options);
  if (!result) return fail(failure(ErrorKind::install, result.error().message));
  m_log += result->output;
  if (!result->output.empty() && result->output.back() != '\n') m_log += "\n";
  if (result->exit_code == 0 && !result->timed_out) return {};
  std::string program = fs::path(argv[0]).filename().string();
  std::string what = result->timed_out ? fmt::format("{} {} timed out", program, argv.size() > 1 ? argv[1] : "")
                                       : fmt::format("{} {} failed (exit {})", program, argv.size() > 1 ? argv[1] : "",
                                                     result->exit_code);
  ErrorKind kind = ErrorKind::install;
  for (const auto& marker : checksum_markers) {
    if (result->output.find(marker) != std::string::npos) {
      kind = ErrorKind::checksum;
      what += ": a package does not match the hash the lock data pins";
      break;
    }
  }
  Error error = failure(kind, what);
  error.message += "\n" + tail_of(result->output);
  while (!error.message.empty() && error.message.back() == '\n') error.message.pop_back();
  return fail(std::move(error));
}

Status write_wrapper(const fs::path& file, const std::string& comment, const std::string& command,
                     const std::string& prelude) {
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  fs::remove(file, ec);
  const util::ExecutableWrite writing;  // the wrapper is executed later (util/process.hpp)
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << "#!/bin/sh\n# " << comment << " (written by tailor)\n"
      << "here=$(dirname \"$(readlink -f \"$0\")\")\n"
      << prelude << "exec " << command << " \"$@\"\n";
  out.close();
  if (!out) return fail(ErrorKind::install, "cannot write {}", file.string());
  ::chmod(file.c_str(), 0755);
  return {};
}

}  // namespace tailor::install
