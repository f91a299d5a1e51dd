// go_build: a Go module built with the go.sum the plan carries (docs/recipe-authoring.md,
// "Ecosystem steps").
#include <fstream>
#include <regex>
#include <sstream>

#include <fmt/format.h>

#include "install/ecosystem.hpp"
#include "install/layout.hpp"
#include "install/step_params.hpp"
#include "util/fs.hpp"

namespace tailor::install {
namespace fs = std::filesystem;
using nlohmann::ordered_json;
namespace {

constexpr std::string_view k_default_goproxy = "https://proxy.golang.org";

// The go.sum must pin the module's zip and go.mod: with GOSUMDB off, it is all that vouches
// for the bytes the proxy serves.
Status check_go_sum(const std::string& go_sum, const std::string& module, const std::string& version,
                    const StepContext& ctx) {
  bool zip = false, mod = false;
  std::istringstream in(go_sum);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string path, ver, hash;
    words >> path >> ver >> hash;
    if (path != module || !hash.starts_with("h1:")) continue;
    zip = zip || ver == version;
    mod = mod || ver == version + "/go.mod";
  }
  if (zip && mod) return {};
  return fail(ErrorKind::checksum,
              "{}@{}: go_build go_sum has no h1: hash for {} {}{}; tailor installs only what the lock pins", ctx.tool,
              ctx.version, module, version, zip ? "/go.mod" : "");
}

// Go's environment in the step's scratch directory: its own module cache and build cache, the
// configured proxy, no checksum database (the go.sum is), no toolchain switch.
void set_go_environment(EcosystemRun& run, const StepContext& ctx, const std::string& mod_flag, bool cgo) {
  const fs::path scratch = run.scratch();
  auto registry = ctx.ecosystem_registries.find("goproxy");
  auto& env = run.env();
  env["GOPATH"] = (scratch / "gopath").string();
  env["GOMODCACHE"] = (scratch / "gomodcache").string();
  env["GOCACHE"] = (scratch / "gocache").string();
  env["GOPROXY"] = registry != ctx.ecosystem_registries.end() ? registry->second : std::string(k_default_goproxy);
  env["GOSUMDB"] = "off";  // the plan's go.sum is the checksum database
  env["GOENV"] = "off";
  env["GOWORK"] = "off";
  env["GOTOOLCHAIN"] = "local";
  env["GOTELEMETRY"] = "off";
  // Module cache files are read-only by default: the work directory could not be deleted.
  env["GOFLAGS"] = "-modcacherw " + mod_flag;
  env["CGO_ENABLED"] = cgo ? "1" : "0";
}

}  // namespace

Result<nlohmann::json> capture_go_sum(const ordered_json& params, StepContext& ctx) {
  const std::string module = params.value("module", std::string());
  const std::string target = params.value("install_module", module);
  const std::string version = ctx.version.starts_with("v") ? ctx.version : "v" + ctx.version;
  const std::vector<std::string> executables = string_list(params, "executables");
  static const std::regex k_module(R"(^[A-Za-z0-9][A-Za-z0-9._~/-]*$)");
  if (module.empty() || executables.empty() || !std::regex_match(target, k_module) ||
      target.find("..") != std::string::npos) {
    return fail(ErrorKind::invalid_input, "{}@{}: go_install needs a Go module path and executables", ctx.tool,
                ctx.version);
  }
  auto toolchain = find_plan_toolchain(params, ctx, "go_install", "go", {"go"}, "its go.sum with go", "go_build");
  if (!toolchain) return fail(toolchain.error());
  EcosystemRun run(ctx, "go_install", *toolchain);
  const fs::path project = ctx.work / "go-lock";
  std::error_code ec;
  fs::create_directories(project, ec);
  std::ofstream(project / "go.mod") << "module tailor-go-build\n\ngo 1.19\n";
  set_go_environment(run, ctx, "-mod=mod", params.value("cgo_enabled", false));
  ctx.output->info("{}@{}: resolving the go.sum of {}@{} with {}", ctx.tool, ctx.version, target, version,
                   toolchain->label);
  const std::string go = (toolchain->bin_dir / "go").string();
  if (auto st = run.run({go, "get", target + "@" + version}, project.string()); !st) return fail(st.error());
  auto go_sum = util::read_file(project / "go.sum", 16 << 20);
  if (!go_sum) return fail(run.failure(ErrorKind::install, "go wrote no go.sum"));
  if (auto st = check_go_sum(*go_sum, module, version, ctx); !st) return fail(st.error());

  nlohmann::json out = {{"module", module}, {"version", version}, {"executables", executables}, {"go_sum", *go_sum}};
  for (const char* key : {"install_module", "cgo_enabled", "toolchain"}) {
    if (params.contains(key)) out[key] = params[key];
  }
  return out;
}

Status go_build(const ordered_json& params, StepContext& ctx) {
  const std::string module = params.value("module", std::string());
  const std::string version = params.value("version", std::string());
  const std::string go_sum = params.value("go_sum", std::string());
  const std::string target = params.value("install_module", module);
  const std::vector<std::string> executables = string_list(params, "executables");
  if (module.empty() || version.empty() || executables.empty() || go_sum.empty()) {
    return fail(ErrorKind::invalid_input, "{}@{}: go_build needs module, version, executables and go_sum", ctx.tool,
                ctx.version);
  }
  static const std::regex k_module(R"(^[A-Za-z0-9][A-Za-z0-9._~/-]*$)");
  static const std::regex k_version(R"(^v[0-9]+\.[0-9]+\.[0-9]+([-+][A-Za-z0-9.+-]*)?$)");
  if (!std::regex_match(module, k_module) || !std::regex_match(target, k_module) ||
      module.find("..") != std::string::npos || target.find("..") != std::string::npos) {
    return fail(ErrorKind::invalid_input, "{}@{}: go_build module '{}' is not a Go module path", ctx.tool, ctx.version,
                target);
  }
  if (!std::regex_match(version, k_version)) {
    return fail(ErrorKind::invalid_input, "{}@{}: go_build version '{}' is not a Go module version (vX.Y.Z)", ctx.tool,
                ctx.version, version);
  }
  if (auto st = check_go_sum(go_sum, module, version, ctx); !st) return st;
  auto toolchain = find_toolchain(params, ctx, "go_build", "go", {"go"});
  if (!toolchain) return fail(toolchain.error());

  EcosystemRun run(ctx, "go_build", *toolchain);
  const fs::path scratch = run.scratch();
  const fs::path project = scratch / "go-build";
  const fs::path bin = ctx.work / ".install" / "bin";
  std::error_code ec;
  fs::create_directories(project, ec);
  fs::create_directories(bin, ec);
  std::ofstream(project / "go.mod") << fmt::format("module tailor-go-build\n\ngo 1.19\n\nrequire {} {}\n", module,
                                                   version);
  std::ofstream(project / "go.sum") << go_sum << (go_sum.ends_with("\n") ? "" : "\n");
  set_go_environment(run, ctx, "-mod=readonly", params.value("cgo_enabled", false));
  run.env()["GOBIN"] = bin.string();
  ctx.output->info("{}@{}: go install {}@{} with {}", ctx.tool, ctx.version, target, version, toolchain->label);
  const std::string go = (toolchain->bin_dir / "go").string();
  if (auto st = run.run({go, "install", "-trimpath", "-buildvcs=false", target}, project.string(),
                        {"SECURITY ERROR", "checksum mismatch"});
      !st)
    return st;
  for (const auto& exe : executables) {
    if (auto st = check_path_name(exe, "go_build executable"); !st) return st;
    if (!fs::exists(bin / exe)) {
      return fail(
          run.failure(ErrorKind::install, fmt::format("Go module {}@{} built no executable {}", target, version, exe)));
    }
    ctx.binaries.push_back("bin/" + exe);
  }
  ctx.extra_path.push_back(bin.string());
  return {};
}

}  // namespace tailor::install
