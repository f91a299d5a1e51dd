// cargo_build: a crate and the dependencies its Cargo.lock pins, each .crate downloaded by
// tailor and checked against the lock's checksum, then built offline from that vendored
// directory with `cargo install --locked --offline` (docs/recipe-authoring.md, "Ecosystem steps");
// and cargo_install's capture of that Cargo.lock at plan time (docs/install.md, "Lock data
// captured at plan time").
#include <fstream>
#include <regex>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "install/ecosystem.hpp"
#include "install/extract.hpp"
#include "install/layout.hpp"
#include "install/step_params.hpp"
#include "util/fs.hpp"
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

// Downloads one .crate (checksum checked by the downloader) and unpacks it into
// `parent`/<name>-<version>, which it returns.
Result<fs::path> unpack_crate(const Crate& crate, const std::string& base, const fs::path& parent, StepContext& ctx) {
  static const std::regex k_name(R"(^[A-Za-z0-9_-]+$)");
  static const std::regex k_version(R"(^[0-9A-Za-z.+-]+$)");
  static const std::regex k_sha256(R"(^[0-9a-f]{64}$)");
  if (!std::regex_match(crate.name, k_name) || !std::regex_match(crate.version, k_version) ||
      !std::regex_match(crate.checksum, k_sha256)) {
    return fail(ErrorKind::invalid_input, "{}@{}: '{} {}' is not a crate with a SHA-256", ctx.tool, ctx.version,
                crate.name, crate.version);
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
  fs::path dir = parent / (crate.name + "-" + crate.version);
  std::error_code ec;
  fs::create_directories(dir, ec);
  ExtractOptions options;
  options.format = "tar.gz";
  options.strip_dirs = 1;
  options.limits = ctx.limits;
  auto report = extract_archive(fetched->path, dir, options);
  if (!report) return fail(report.error());
  return dir;
}

// Unpacks one .crate as a crate of a vendored directory source.
Status vendor(const Crate& crate, const std::string& base, const fs::path& vendor_dir, StepContext& ctx) {
  auto dir = unpack_crate(crate, base, vendor_dir, ctx);
  if (!dir) return fail(dir.error());
  std::ofstream(*dir / ".cargo-checksum.json")
      << ordered_json{{"files", ordered_json::object()}, {"package", crate.checksum}}.dump() << "\n";
  return {};
}

std::string crates_base(const StepContext& ctx) {
  auto registry = ctx.ecosystem_registries.find("crates");
  std::string base = registry != ctx.ecosystem_registries.end() ? registry->second : std::string(k_default_crates);
  while (base.ends_with("/")) base.pop_back();
  return base;
}

// Cargo's home for a resolution at plan time: crates.io replaced by the configured index
// (`ecosystem.crates_index`), a git index fetched with the git command (a mirror served over
// plain HTTPS, which cargo's own git client cannot read), and the extra CA of tests.
void set_resolve_environment(EcosystemRun& run, const StepContext& ctx) {
  const fs::path cargo_home = run.scratch() / "cargo-home";
  std::error_code ec;
  fs::create_directories(cargo_home, ec);
  toml::table config;
  if (auto index = ctx.ecosystem_registries.find("crates_index"); index != ctx.ecosystem_registries.end()) {
    config.insert("source", toml::table{{"crates-io", toml::table{{"replace-with", "tailor-index"}}},
                                        {"tailor-index", toml::table{{"registry", index->second}}}});
    if (!index->second.starts_with("sparse+")) config.insert("net", toml::table{{"git-fetch-with-cli", true}});
  }
  std::ofstream(cargo_home / "config.toml") << config << "\n";
  auto& env = run.env();
  env["CARGO_HOME"] = cargo_home.string();
  env["CARGO_TARGET_DIR"] = (run.scratch() / "target").string();
  env["CARGO_TERM_COLOR"] = "never";
  env["GIT_TERMINAL_PROMPT"] = "0";
  if (!run.extra_ca().empty()) {
    env["CARGO_HTTP_CAINFO"] = run.extra_ca();
    env["GIT_SSL_CAINFO"] = run.extra_ca();
  }
}

// The checksum the index publishes for `name` `version`: cargo resolves a scratch package
// that depends on exactly that version, and its Cargo.lock carries it.
Result<std::string> indexed_checksum(const std::string& name, const std::string& version, const std::string& cargo,
                                     EcosystemRun& run, StepContext& ctx) {
  const fs::path probe = ctx.work / "cargo-probe";
  std::error_code ec;
  fs::create_directories(probe / "src", ec);
  std::ofstream(probe / "src" / "lib.rs").flush();
  std::ofstream(probe / "Cargo.toml") << fmt::format(
      "[package]\nname = \"tailor-cargo-probe\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n"
      "[dependencies]\n{} = \"={}\"\n\n[workspace]\n",
      name, version);
  if (auto st = run.run({cargo, "generate-lockfile"}, probe.string()); !st) return fail(st.error());
  auto text = util::read_file(probe / "Cargo.lock", 16 << 20);
  if (!text) return fail(run.failure(ErrorKind::install, "cargo wrote no Cargo.lock"));
  auto crates = locked_crates(*text, ctx);
  if (!crates) return fail(crates.error());
  for (const auto& crate : *crates) {
    if (crate.name == name && crate.version == version) return crate.checksum;
  }
  return fail(run.failure(ErrorKind::install, fmt::format("the crates index has no {} {}", name, version)));
}

}  // namespace

Result<nlohmann::json> capture_cargo_lock(const ordered_json& params, StepContext& ctx) {
  const std::string name = params.value("crate", std::string());
  const std::vector<std::string> executables = string_list(params, "executables");
  static const std::regex k_name(R"(^[A-Za-z0-9_-]+$)");
  static const std::regex k_version(R"(^[0-9A-Za-z.+-]+$)");
  if (!std::regex_match(name, k_name) || !std::regex_match(ctx.version, k_version) || executables.empty()) {
    return fail(ErrorKind::invalid_input, "{}@{}: cargo_install needs a crate name and executables", ctx.tool,
                ctx.version);
  }
  auto toolchain = find_plan_toolchain(params, ctx, "cargo_install", "rust", {"cargo", "rustc"},
                                       "its Cargo.lock with cargo", "cargo_build");
  if (!toolchain) return fail(toolchain.error());
  if (ctx.downloader == nullptr) return fail(ErrorKind::internal, "no downloader configured");
  EcosystemRun run(ctx, "cargo_install", *toolchain);
  set_resolve_environment(run, ctx);
  const std::string cargo = (toolchain->bin_dir / "cargo").string();
  ctx.output->info("{}@{}: resolving the Cargo.lock of crate {} {} with {}", ctx.tool, ctx.version, name, ctx.version,
                   toolchain->label);
  auto checksum = indexed_checksum(name, ctx.version, cargo, run, ctx);
  if (!checksum) return fail(checksum.error());
  // The crate as cargo_build will download it, checked against the index's checksum.
  Crate root{name, ctx.version, *checksum};
  run.note(fmt::format("downloading {} {} (sha256 {})", name, ctx.version, root.checksum));
  auto dir = unpack_crate(root, crates_base(ctx), ctx.work / "crate", ctx);
  if (!dir) return fail(dir.error());
  // A packaged Cargo.lock is what `cargo install --locked` builds with: cargo checks that it
  // still fits the manifest and the index without changing it. Without one, cargo resolves one.
  const bool packaged = fs::exists(*dir / "Cargo.lock");
  std::vector<std::string> argv = {cargo, "generate-lockfile"};
  if (packaged) argv = {cargo, "update", "--workspace", "--locked"};
  if (auto st = run.run(argv, dir->string()); !st) return fail(st.error());
  auto lock = util::read_file(*dir / "Cargo.lock", 16 << 20);
  if (!lock) return fail(run.failure(ErrorKind::install, "cargo wrote no Cargo.lock"));
  // The same checks as at install: only crates.io packages, each with its checksum.
  if (auto crates = locked_crates(*lock, ctx); !crates) return fail(crates.error());

  nlohmann::json out = {{"crate", name},
                        {"version", ctx.version},
                        {"crate_checksum", root.checksum},
                        {"executables", executables},
                        {"cargo_lock", *lock}};
  if (params.contains("toolchain")) out["toolchain"] = params["toolchain"];
  return out;
}

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
  const std::string base = crates_base(ctx);
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
