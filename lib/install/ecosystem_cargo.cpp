// cargo_build: a crate and the dependencies its Cargo.lock pins, each .crate downloaded by
// tailor and checked against the lock's checksum, then built offline from that vendored
// directory with `cargo install --locked --offline` (docs/recipe-authoring.md, "Ecosystem steps").
#include <fstream>
#include <regex>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "install/ecosystem.hpp"
#include "install/extract.hpp"
#include "install/layout.hpp"
#include "install/step_params.hpp"
#include "util/toml_limits.hpp"

namespace tailor::install {
namespace fs = std::filesystem;
using nlohmann::ordered_json;
namespace {

constexpr std::string_view k_default_crates = "https://crates.io";
constexpr std::string_view k_crates_io_source = "registry+https://github.com/rust-lang/crates.io-index";

struct Crate {
  std::string name, version, checksum;
};

// The registry packages of the plan's Cargo.lock, each with its checksum; a git or path
// source, or a registry package without a checksum, cannot be vouched for.
Result<std::vector<Crate>> locked_crates(const std::string& text, const StepContext& ctx) {
  if (auto exceeded = util::check_toml_limits(text)) {
    return fail(ErrorKind::invalid_input, "{}@{}: cargo_build cargo_lock: {}", ctx.tool, ctx.version,
                exceeded->message);
  }
  toml::table lock;
  try {
    lock = toml::parse(text);
  } catch (const toml::parse_error& e) {
    return fail(ErrorKind::invalid_input, "{}@{}: cargo_build cargo_lock is not TOML: {}", ctx.tool, ctx.version,
                e.description());
  }
  std::vector<Crate> out;
  const toml::array* packages = lock["package"].as_array();
  if (packages == nullptr) return out;
  for (const auto& node : *packages) {
    const toml::table* package = node.as_table();
    if (package == nullptr) continue;
    Crate crate{(*package)["name"].value_or(std::string()), (*package)["version"].value_or(std::string()),
                (*package)["checksum"].value_or(std::string())};
    std::string source = (*package)["source"].value_or(std::string());
    if (source.empty()) continue;  // the crate being built
    if (source != k_crates_io_source) {
      return fail(ErrorKind::invalid_input, "{}@{}: cargo_build cannot vouch for {} {} from {}", ctx.tool, ctx.version,
                  crate.name, crate.version, source);
    }
    if (crate.checksum.empty()) {
      return fail(ErrorKind::checksum, "{}@{}: cargo_build cargo_lock has no checksum for {} {}", ctx.tool, ctx.version,
                  crate.name, crate.version);
    }
    out.push_back(std::move(crate));
  }
  return out;
}

// Downloads one .crate (checksum checked by the downloader) and unpacks it as a vendored crate.
Status vendor(const Crate& crate, const std::string& base, const fs::path& vendor_dir, StepContext& ctx) {
  static const std::regex k_name(R"(^[A-Za-z0-9_-]+$)");
  static const std::regex k_version(R"(^[0-9A-Za-z.+-]+$)");
  static const std::regex k_sha256(R"(^[0-9a-f]{64}$)");
  if (!std::regex_match(crate.name, k_name) || !std::regex_match(crate.version, k_version) ||
      !std::regex_match(crate.checksum, k_sha256)) {
    return fail(ErrorKind::invalid_input, "{}@{}: cargo_build: '{} {}' is not a crate with a SHA-256", ctx.tool,
                ctx.version, crate.name, crate.version);
  }
  if (ctx.downloader == nullptr) return fail(ErrorKind::internal, "no downloader configured");
  std::string url = fmt::format("{}/api/v1/crates/{}/{}/download", base, crate.name, crate.version);
  auto fetched = ctx.downloader->fetch(fetch::FetchRequest{url, {}, crate.checksum, 0});
  if (!fetched) return fail(fetched.error());
  if (fetched->sha256 != crate.checksum) {
    ctx.downloader->discard(*fetched);
    return fail(ErrorKind::checksum, "checksum mismatch for {}: expected sha256 {}, got {}", url, crate.checksum,
                fetched->sha256);
  }
  fs::path dir = vendor_dir / (crate.name + "-" + crate.version);
  std::error_code ec;
  fs::create_directories(dir, ec);
  ExtractOptions options;
  options.format = "tar.gz";
  options.strip_dirs = 1;
  options.limits = ctx.limits;
  auto report = extract_archive(fetched->path, dir, options);
  if (!report) return fail(report.error());
  std::ofstream(dir / ".cargo-checksum.json")
      << ordered_json{{"files", ordered_json::object()}, {"package", crate.checksum}}.dump() << "\n";
  return {};
}

}  // namespace

Status cargo_build(const ordered_json& params, StepContext& ctx) {
  Crate root{params.value("crate", std::string()), params.value("version", std::string()),
             params.value("crate_checksum", std::string())};
  const std::string cargo_lock = params.value("cargo_lock", std::string());
  const std::vector<std::string> executables = string_list(params, "executables");
  if (root.name.empty() || root.version.empty() || executables.empty() || cargo_lock.empty()) {
    return fail(ErrorKind::invalid_input,
                "{}@{}: cargo_build needs crate, version, crate_checksum, executables and cargo_lock", ctx.tool,
                ctx.version);
  }
  if (root.checksum.empty()) {
    return fail(ErrorKind::checksum,
                "{}@{}: cargo_build has no checksum for the crate {} {}; tailor installs only "
                "what the lock pins",
                ctx.tool, ctx.version, root.name, root.version);
  }
  auto crates = locked_crates(cargo_lock, ctx);
  if (!crates) return fail(crates.error());
  auto toolchain = find_toolchain(params, ctx, "cargo_build", "rust", {"cargo", "rustc"});
  if (!toolchain) return fail(toolchain.error());

  EcosystemRun run(ctx, "cargo_build", *toolchain);
  const fs::path scratch = run.scratch();
  const fs::path vendor_dir = scratch / "vendor";
  auto registry = ctx.ecosystem_registries.find("crates");
  std::string base = registry != ctx.ecosystem_registries.end() ? registry->second : std::string(k_default_crates);
  while (base.ends_with("/")) base.pop_back();
  crates->insert(crates->begin(), root);
  ctx.output->info("{}@{}: cargo install {} {} ({} crates) with {}", ctx.tool, ctx.version, root.name, root.version,
                   crates->size(), toolchain->label);
  for (const auto& crate : *crates) {
    run.note(fmt::format("vendoring {} {} (sha256 {})", crate.name, crate.version, crate.checksum));
    if (auto st = vendor(crate, base, vendor_dir, ctx); !st) return st;
  }
  // The plan's lock, not the one packed in the crate, decides the build.
  std::ofstream(vendor_dir / (root.name + "-" + root.version) / "Cargo.lock") << cargo_lock;
  const fs::path cargo_home = scratch / "cargo-home";
  std::error_code ec;
  fs::create_directories(cargo_home, ec);
  std::ofstream(cargo_home / "config.toml") << fmt::format(
      "[source.crates-io]\nreplace-with = \"tailor-vendored\"\n\n[source.tailor-vendored]\n"
      "directory = \"{}\"\n\n[net]\noffline = true\n",
      vendor_dir.string());
  auto& env = run.env();
  env["CARGO_HOME"] = cargo_home.string();
  env["CARGO_TARGET_DIR"] = (scratch / "target").string();
  env["CARGO_TERM_COLOR"] = "never";
  const fs::path install_root = ctx.work / ".install";
  const std::string cargo = (toolchain->bin_dir / "cargo").string();
  if (auto st = run.run({cargo, "install", "--locked", "--offline", "--no-track", "--root", install_root.string(),
                         "--path", (vendor_dir / (root.name + "-" + root.version)).string()},
                        scratch.string(), {"checksum for", "failed to verify the checksum"});
      !st)
    return st;
  for (const auto& exe : executables) {
    if (auto st = check_path_name(exe, "cargo_build executable"); !st) return st;
    if (!fs::exists(install_root / "bin" / exe)) {
      return fail(run.failure(ErrorKind::install,
                              fmt::format("crate {} {} built no executable {}", root.name, root.version, exe)));
    }
    ctx.binaries.push_back("bin/" + exe);
  }
  ctx.extra_path.push_back((install_root / "bin").string());
  return {};
}

}  // namespace tailor::install
