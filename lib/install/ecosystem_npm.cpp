// npm_exec: an npm package and its locked dependency tree, installed with `npm ci` from the
// package-lock the plan carries (docs/recipe-authoring.md, "Ecosystem steps").
#include <fstream>

#include <fmt/format.h>

#include "install/ecosystem.hpp"
#include "install/layout.hpp"
#include "install/step_params.hpp"
#include "util/fs.hpp"

namespace tailor::install {
namespace fs = std::filesystem;
using nlohmann::ordered_json;
namespace {

constexpr std::string_view k_default_npm_registry = "https://registry.npmjs.org/";
constexpr const char* k_root_name = "tailor-npm-install";

// The lock as JSON (a plan carries it as text, as tsuku writes it; an object is accepted too),
// checked to pin `package`@`version` and a hash for every package it downloads.
Result<ordered_json> checked_lock(const ordered_json& params, const StepContext& ctx, const std::string& package,
                                  const std::string& version) {
  auto it = params.find("package_lock");
  ordered_json lock;
  if (it != params.end() && it->is_string()) {
    lock = ordered_json::parse(it->get<std::string>(), nullptr, false);
  } else if (it != params.end() && it->is_object()) {
    lock = *it;
  }
  auto refuse = [&](const std::string& why) {
    return fail(ErrorKind::invalid_input, "{}@{}: npm_exec package_lock {}", ctx.tool, ctx.version, why);
  };
  if (it == params.end()) return refuse("is missing: the plan must carry the package-lock of the package");
  if (!lock.is_object()) return refuse("is not a JSON package-lock");
  auto packages = lock.find("packages");
  if (packages == lock.end() || !packages->is_object())
    return refuse("has no \"packages\" (lockfileVersion 2 or 3 is needed)");
  auto self = packages->find("node_modules/" + package);
  if (self == packages->end() || !self->is_object() || self->value("version", std::string()) != version) {
    return refuse(fmt::format("does not lock {}@{}", package, version));
  }
  for (const auto& [path, entry] : packages->items()) {
    if (path.empty() || !entry.is_object() || entry.value("link", false)) continue;
    if (entry.value("integrity", std::string()).empty()) {
      return fail(ErrorKind::checksum,
                  "{}@{}: npm_exec package_lock has no integrity hash for {}; tailor installs "
                  "only what the lock pins",
                  ctx.tool, ctx.version, path);
    }
  }
  return lock;
}

// The environment of every npm command: its cache and config files in the step's scratch
// directory, the configured registry (a company mirror) for every download.
void set_npm_environment(EcosystemRun& run, const StepContext& ctx, bool ignore_scripts) {
  auto registry = ctx.ecosystem_registries.find("npm");
  auto& env = run.env();
  const fs::path scratch = run.scratch();
  std::ofstream(scratch / "npmrc").flush();
  std::ofstream(scratch / "npmrc-global").flush();
  env["npm_config_cache"] = (scratch / "npm-cache").string();
  env["npm_config_userconfig"] = (scratch / "npmrc").string();
  env["npm_config_globalconfig"] = (scratch / "npmrc-global").string();
  env["npm_config_registry"] =
      registry != ctx.ecosystem_registries.end() ? registry->second : std::string(k_default_npm_registry);
  // Every tarball of the lock comes from the configured registry (a company mirror).
  env["npm_config_replace_registry_host"] = "always";
  env["npm_config_update_notifier"] = "false";
  env["npm_config_fund"] = "false";
  env["npm_config_audit"] = "false";
  // npm's own debug log would name a file in the work directory, which is deleted: its output
  // is in tailor's log already.
  env["npm_config_logs_max"] = "0";
  env["npm_config_ignore_scripts"] = ignore_scripts ? "true" : "false";
  if (!run.extra_ca().empty()) {
    env["npm_config_cafile"] = run.extra_ca();
    env["NODE_EXTRA_CA_CERTS"] = run.extra_ca();
  }
}

}  // namespace

Result<nlohmann::json> capture_npm_lock(const ordered_json& params, StepContext& ctx) {
  const std::string package = params.value("package", ctx.tool);
  const std::vector<std::string> executables = string_list(params, "executables");
  if (executables.empty()) {
    return fail(ErrorKind::invalid_input, "{}@{}: npm_install needs executables", ctx.tool, ctx.version);
  }
  auto toolchain = find_plan_toolchain(params, ctx, "npm_install", "nodejs", {"node", "npm"},
                                       "its package-lock with npm", "npm_exec");
  if (!toolchain) return fail(toolchain.error());
  EcosystemRun run(ctx, "npm_install", *toolchain);
  const fs::path project = ctx.work / "lock";
  std::error_code ec;
  fs::create_directories(project, ec);
  ordered_json manifest = {{"name", k_root_name}, {"version", "0.0.0"}, {"private", true}};
  std::ofstream(project / "package.json") << manifest.dump(2) << "\n";
  set_npm_environment(run, ctx, true);
  ctx.output->info("{}@{}: resolving the package-lock of npm package {}@{} with {}", ctx.tool, ctx.version, package,
                   ctx.version, toolchain->label);
  const std::string npm = (toolchain->bin_dir / "npm").string();
  const std::string spec = package + "@" + ctx.version;
  if (auto st = run.run({npm, "install", "--package-lock-only", "--save-exact", "--prefix", project.string(), spec},
                        project.string());
      !st)
    return fail(st.error());
  auto text = util::read_file(project / "package-lock.json", 64 << 20);
  if (!text) return fail(run.failure(ErrorKind::install, "npm wrote no package-lock.json"));

  nlohmann::json out = {{"package", package}, {"version", ctx.version}, {"executables", executables}};
  out["package_lock"] = *text;
  for (const char* key : {"toolchain", "ignore_scripts"}) {
    if (params.contains(key)) out[key] = params[key];
  }
  // The same checks as at install: the lock pins the package and hashes every download.
  if (auto checked = checked_lock({{"package_lock", *text}}, ctx, package, ctx.version); !checked)
    return fail(checked.error());
  return out;
}

Status npm_exec(const ordered_json& params, StepContext& ctx) {
  const std::string package = params.value("package", std::string());
  const std::string version = params.value("version", std::string());
  const std::vector<std::string> executables = string_list(params, "executables");
  if (package.empty() || version.empty() || executables.empty()) {
    return fail(ErrorKind::invalid_input, "{}@{}: npm_exec needs package, version and executables", ctx.tool,
                ctx.version);
  }
  auto lock = checked_lock(params, ctx, package, version);
  if (!lock) return fail(lock.error());
  auto toolchain = find_toolchain(params, ctx, "npm_exec", "nodejs", {"node", "npm"});
  if (!toolchain) return fail(toolchain.error());

  EcosystemRun run(ctx, "npm_exec", *toolchain);
  const fs::path project = ctx.work / ".install" / "lib";
  std::error_code ec;
  fs::create_directories(project, ec);
  std::string root_name = lock->value("name", std::string(k_root_name));
  ordered_json manifest = {
      {"name", root_name}, {"version", "0.0.0"}, {"private", true}, {"dependencies", {{package, version}}}};
  std::ofstream(project / "package.json") << manifest.dump(2) << "\n";
  std::ofstream(project / "package-lock.json") << lock->dump(2) << "\n";
  set_npm_environment(run, ctx, params.value("ignore_scripts", true));
  ctx.output->info("{}@{}: npm ci {}@{} with {}", ctx.tool, ctx.version, package, version, toolchain->label);
  const std::string npm = (toolchain->bin_dir / "npm").string();
  if (auto st = run.run({npm, "ci", "--prefix", project.string()}, project.string(), {"EINTEGRITY"}); !st) return st;

  for (const auto& exe : executables) {
    if (auto st = check_path_name(exe, "npm_exec executable"); !st) return st;
    if (!fs::exists(project / "node_modules" / ".bin" / exe)) {
      return fail(run.failure(ErrorKind::install,
                              fmt::format("npm package {}@{} has no executable {}", package, version, exe)));
    }
    std::string command =
        fmt::format("\"{}/node\" \"$here/../lib/node_modules/.bin/{}\"", toolchain->wrapper_bin_dir, exe);
    if (auto st = write_wrapper(ctx.work / ".install" / "bin" / exe,
                                fmt::format("{} of npm package {}@{}", exe, package, version), command);
        !st)
      return st;
    ctx.binaries.push_back("bin/" + exe);
  }
  ctx.extra_path.push_back((ctx.work / ".install" / "bin").string());
  return {};
}

}  // namespace tailor::install
