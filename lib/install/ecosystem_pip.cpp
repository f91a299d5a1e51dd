// pip_exec: a Python package installed from hash-pinned requirements into its own virtual
// environment (docs/recipe-authoring.md, "Ecosystem steps").
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "install/ecosystem.hpp"
#include "install/layout.hpp"
#include "install/step_params.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"

namespace tailor::install {
namespace fs = std::filesystem;
using nlohmann::ordered_json;
namespace {

constexpr std::string_view k_default_pypi_index = "https://pypi.org/simple/";

// Every requirement of the lock pins one version (==) and at least one hash: pip's
// --require-hashes refuses the rest too, but only after it started downloading.
Status check_requirements(const std::string& text, const StepContext& ctx) {
  std::istringstream in(text);
  std::string line, logical;
  auto check = [&](const std::string& requirement) -> Status {
    std::string trimmed(util::trim(requirement));
    if (trimmed.empty() || trimmed.starts_with("#")) return {};
    if (trimmed.starts_with("-")) {
      return fail(ErrorKind::invalid_input, "{}@{}: pip_exec locked_requirements may hold requirements only, not '{}'",
                  ctx.tool, ctx.version, trimmed);
    }
    if (trimmed.find("==") == std::string::npos || trimmed.find("--hash=") == std::string::npos) {
      return fail(ErrorKind::checksum,
                  "{}@{}: pip_exec locked_requirements line '{}' does not pin a version (==) and its --hash; tailor "
                  "installs only what the lock pins",
                  ctx.tool, ctx.version, trimmed.substr(0, trimmed.find(' ')));
    }
    return {};
  };
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\\') {
      logical += line.substr(0, line.size() - 1) + " ";
      continue;
    }
    logical += line;
    if (auto st = check(logical); !st) return st;
    logical.clear();
  }
  return check(logical);
}

// pip's command line for the index: isolated, binaries only, no cache, the configured index
// (and the extra CA of tests).
std::vector<std::string> pip_command(const fs::path& python, const std::string& verb, const StepContext& ctx,
                                     const EcosystemRun& run) {
  auto registry = ctx.ecosystem_registries.find("pypi");
  std::vector<std::string> argv = {
      python.string(),
      "-m",
      "pip",
      verb,
      "--isolated",
      "--only-binary",
      ":all:",
      "--no-cache-dir",
      "--disable-pip-version-check",
      "--no-input",
      "--index-url",
      registry != ctx.ecosystem_registries.end() ? registry->second : std::string(k_default_pypi_index)};
  if (!run.extra_ca().empty()) {
    argv.push_back("--cert");
    argv.push_back(run.extra_ca());
  }
  return argv;
}

void set_python_environment(EcosystemRun& run) {
  auto& env = run.env();
  env["PYTHONHASHSEED"] = "0";
  env["PYTHONNOUSERSITE"] = "1";
  env["PIP_CONFIG_FILE"] = "/dev/null";
}

// A wheel's project name and version from its file name (name-version[-build]-py-abi-platform.whl).
std::optional<std::pair<std::string, std::string>> wheel_name_version(const std::string& file) {
  if (!file.ends_with(".whl")) return std::nullopt;
  std::vector<std::string> parts = util::split(file.substr(0, file.size() - 4), '-');
  if (parts.size() < 5) return std::nullopt;
  std::string name = util::replace_all(parts[0], "_", "-");
  return std::make_pair(name, parts[1]);
}

}  // namespace

Result<nlohmann::json> capture_pip_requirements(const ordered_json& params, StepContext& ctx) {
  const std::string package = params.value("package", ctx.tool);
  const std::vector<std::string> executables = string_list(params, "executables");
  if (executables.empty()) {
    return fail(ErrorKind::invalid_input, "{}@{}: pipx_install needs executables", ctx.tool, ctx.version);
  }
  if (auto st = check_path_name(package, "pipx_install package"); !st) return fail(st.error());
  auto toolchain = find_plan_toolchain(params, ctx, "pipx_install", "python-standalone", {"python3"},
                                       "its hash-pinned requirements with pip", "pip_exec");
  if (!toolchain) return fail(toolchain.error());
  EcosystemRun run(ctx, "pipx_install", *toolchain);
  set_python_environment(run);
  const fs::path venv = ctx.work / "venv";
  const fs::path wheels = ctx.work / "wheels";
  std::error_code ec;
  fs::create_directories(wheels, ec);
  ctx.output->info("{}@{}: resolving the requirements of Python package {}=={} with {}", ctx.tool, ctx.version, package,
                   ctx.version, toolchain->label);
  if (auto st = run.run({(toolchain->bin_dir / "python3").string(), "-m", "venv", venv.string()}, ctx.work.string());
      !st)
    return fail(st.error());
  std::vector<std::string> argv = pip_command(venv / "bin" / "python3", "download", ctx, run);
  for (const std::string& arg : {std::string("--dest"), wheels.string(), package + "==" + ctx.version})
    argv.push_back(arg);
  if (auto st = run.run(argv, ctx.work.string()); !st) return fail(st.error());

  // One line per downloaded wheel, by name: the whole tree pip resolved, each with its hash.
  std::map<std::string, std::string> lines;
  for (const auto& entry : fs::directory_iterator(wheels, ec)) {
    auto named = wheel_name_version(entry.path().filename().string());
    if (!named) {
      return fail(run.failure(ErrorKind::install, fmt::format("pip downloaded {}, which is not a wheel",
                                                              entry.path().filename().string())));
    }
    auto digest = util::file_digest(entry.path());
    if (!digest) return fail(digest.error());
    lines[named->first] = fmt::format("{}=={} \\\n    --hash=sha256:{}\n", named->first, named->second, *digest);
  }
  if (lines.empty()) return fail(run.failure(ErrorKind::install, "pip downloaded no wheel"));
  std::string requirements;
  for (const auto& [name, line] : lines) requirements += line;

  nlohmann::json out = {{"package", package}, {"version", ctx.version}, {"executables", executables}};
  out["locked_requirements"] = requirements;
  if (params.contains("toolchain")) out["toolchain"] = params["toolchain"];
  if (auto st = check_requirements(requirements, ctx); !st) return fail(st.error());
  return out;
}

Status pip_exec(const ordered_json& params, StepContext& ctx) {
  const std::string package = params.value("package", std::string());
  const std::string version = params.value("version", std::string());
  const std::string requirements = params.value("locked_requirements", std::string());
  const std::vector<std::string> executables = string_list(params, "executables");
  if (package.empty() || executables.empty() || requirements.empty()) {
    return fail(ErrorKind::invalid_input, "{}@{}: pip_exec needs package, executables and locked_requirements",
                ctx.tool, ctx.version);
  }
  if (auto st = check_path_name(package, "pip_exec package"); !st) return st;
  if (auto st = check_requirements(requirements, ctx); !st) return st;
  auto toolchain = find_toolchain(params, ctx, "pip_exec", "python-standalone", {"python3"});
  if (!toolchain) return fail(toolchain.error());

  EcosystemRun run(ctx, "pip_exec", *toolchain);
  set_python_environment(run);
  const fs::path venv = ctx.work / ".install" / "venvs" / package;
  std::error_code ec;
  fs::create_directories(venv.parent_path(), ec);
  ctx.output->info("{}@{}: pip install {}{} with {}", ctx.tool, ctx.version, package,
                   version.empty() ? "" : "==" + version, toolchain->label);
  if (auto st = run.run({(toolchain->bin_dir / "python3").string(), "-m", "venv", venv.string()}, ctx.work.string());
      !st)
    return st;
  const fs::path locked = venv / "requirements.txt";
  std::ofstream(locked) << requirements << (requirements.ends_with("\n") ? "" : "\n");
  std::vector<std::string> argv = pip_command(venv / "bin" / "python3", "install", ctx, run);
  argv.push_back("--require-hashes");
  argv.push_back("--no-deps");
  argv.push_back("-r");
  argv.push_back(locked.string());
  if (auto st = run.run(argv, ctx.work.string(), {"DO NOT MATCH THE HASHES"}); !st) return st;

  for (const auto& exe : executables) {
    if (auto st = check_path_name(exe, "pip_exec executable"); !st) return st;
    if (!fs::exists(venv / "bin" / exe)) {
      return fail(run.failure(ErrorKind::install, fmt::format("Python package {} has no executable {}", package, exe)));
    }
    // The script's own #! names the work directory it was built in: run it with the venv's python.
    std::string command =
        fmt::format("\"$here/../venvs/{0}/bin/python3\" \"$here/../venvs/{0}/bin/{1}\"", package, exe);
    if (auto st = write_wrapper(ctx.work / ".install" / "bin" / exe,
                                fmt::format("{} of Python package {}", exe, package), command);
        !st)
      return st;
    ctx.binaries.push_back("bin/" + exe);
  }
  ctx.extra_path.push_back((ctx.work / ".install" / "bin").string());
  return {};
}

}  // namespace tailor::install
