// gem_exec: a Ruby gem and the gems its Gemfile.lock pins, each .gem downloaded by tailor and
// checked against the lock's CHECKSUMS, installed with `gem install --local` into the tool's
// own GEM_HOME (docs/recipe-authoring.md, "Ecosystem steps").
#include <algorithm>
#include <regex>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "install/ecosystem.hpp"
#include "install/layout.hpp"
#include "install/step_params.hpp"

namespace tailor::install {
namespace fs = std::filesystem;
using nlohmann::ordered_json;
namespace {

constexpr std::string_view k_default_rubygems = "https://rubygems.org";

struct Gem {
  std::string name, version, sha256;  // version as in the file name (with a platform suffix)
};

// The gems of a Gemfile.lock: every `specs:` entry of its GEM section must have a sha256 in its
// CHECKSUMS section (Bundler 2.5 and later write it).
Result<std::vector<Gem>> locked_gems(const std::string& text, const StepContext& ctx) {
  static const std::regex k_spec(R"(^    ([A-Za-z0-9_.-]+) \(([A-Za-z0-9_.-]+)\)\s*$)");
  static const std::regex k_checksum(R"(^  ([A-Za-z0-9_.-]+) \(([A-Za-z0-9_.-]+)\) sha256=([0-9a-f]{64})\s*$)");
  std::istringstream in(text);
  std::string line, section;
  std::vector<std::pair<std::string, std::string>> specs;
  std::vector<Gem> gems;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != ' ') {
      section = line;
      continue;
    }
    std::smatch m;
    if (section == "GEM" && std::regex_match(line, m, k_spec)) specs.emplace_back(m[1], m[2]);
    if (section == "CHECKSUMS" && std::regex_match(line, m, k_checksum)) gems.push_back(Gem{m[1], m[2], m[3]});
  }
  for (const auto& [name, version] : specs) {
    bool found =
        std::any_of(gems.begin(), gems.end(), [&](const Gem& g) { return g.name == name && g.version == version; });
    if (!found) {
      return fail(ErrorKind::checksum,
                  "{}@{}: gem_exec gemfile_lock has no sha256 for {} ({}) in CHECKSUMS; tailor installs only what "
                  "the lock pins",
                  ctx.tool, ctx.version, name, version);
    }
  }
  return gems;
}

}  // namespace

Status gem_exec(const ordered_json& params, StepContext& ctx) {
  const std::string gem = params.value("gem", std::string());
  const std::string version = params.value("version", std::string());
  const std::string lock = params.value("gemfile_lock", std::string());
  const std::vector<std::string> executables = string_list(params, "executables");
  if (gem.empty() || version.empty() || executables.empty() || lock.empty()) {
    return fail(ErrorKind::invalid_input, "{}@{}: gem_exec needs gem, version, executables and gemfile_lock", ctx.tool,
                ctx.version);
  }
  auto gems = locked_gems(lock, ctx);
  if (!gems) return fail(gems.error());
  if (std::none_of(gems->begin(), gems->end(), [&](const Gem& g) { return g.name == gem && g.version == version; })) {
    return fail(ErrorKind::checksum, "{}@{}: gem_exec gemfile_lock has no sha256 for {} ({})", ctx.tool, ctx.version,
                gem, version);
  }
  auto toolchain = find_toolchain(params, ctx, "gem_exec", "ruby", {"ruby", "gem"});
  if (!toolchain) return fail(toolchain.error());
  if (ctx.downloader == nullptr) return fail(ErrorKind::internal, "no downloader configured");

  EcosystemRun run(ctx, "gem_exec", *toolchain);
  auto registry = ctx.ecosystem_registries.find("rubygems");
  std::string base = registry != ctx.ecosystem_registries.end() ? registry->second : std::string(k_default_rubygems);
  while (base.ends_with("/")) base.pop_back();
  const fs::path downloads = run.scratch() / "gems";
  std::error_code ec;
  fs::create_directories(downloads, ec);
  std::vector<std::string> files;
  ctx.output->info("{}@{}: gem install {} {} ({} gems) with {}", ctx.tool, ctx.version, gem, version, gems->size(),
                   toolchain->label);
  for (const auto& g : *gems) {
    std::string file = fmt::format("{}-{}.gem", g.name, g.version);
    std::string url = fmt::format("{}/gems/{}", base, file);
    run.note(fmt::format("downloading {} (sha256 {})", url, g.sha256));
    auto fetched = ctx.downloader->fetch(fetch::FetchRequest{url, {}, g.sha256, 0});
    if (!fetched) return fail(fetched.error());
    if (fetched->sha256 != g.sha256) {
      ctx.downloader->discard(*fetched);
      return fail(ErrorKind::checksum, "checksum mismatch for {}: expected sha256 {}, got {}", url, g.sha256,
                  fetched->sha256);
    }
    fs::copy_file(fetched->path, downloads / file, fs::copy_options::overwrite_existing, ec);
    if (ec) return fail(ErrorKind::install, "cannot copy {}: {}", file, ec.message());
    files.push_back((downloads / file).string());
  }
  const fs::path gem_home = ctx.work / ".install" / "gems";
  auto& env = run.env();
  env["GEM_HOME"] = gem_home.string();
  env["GEM_PATH"] = gem_home.string();
  env["GEM_SPEC_CACHE"] = (run.scratch() / "specs").string();
  std::vector<std::string> argv = {(toolchain->bin_dir / "gem").string(),
                                   "install",
                                   "--local",
                                   "--ignore-dependencies",
                                   "--no-document",
                                   "--no-user-install",
                                   "--install-dir",
                                   gem_home.string(),
                                   "--bindir",
                                   (gem_home / "bin").string()};
  argv.insert(argv.end(), files.begin(), files.end());
  if (auto st = run.run(argv, run.scratch().string()); !st) return st;
  for (const auto& exe : executables) {
    if (auto st = check_path_name(exe, "gem_exec executable"); !st) return st;
    if (!fs::exists(gem_home / "bin" / exe)) {
      return fail(run.failure(ErrorKind::install, fmt::format("gem {} {} has no executable {}", gem, version, exe)));
    }
    // The binstub's #! names the work directory's ruby path as installed: run it with the toolchain's.
    std::string command = fmt::format("\"{}/ruby\" \"$here/../gems/bin/{}\"", toolchain->wrapper_bin_dir, exe);
    if (auto st =
            write_wrapper(ctx.work / ".install" / "bin" / exe, fmt::format("{} of gem {} {}", exe, gem, version),
                          command, "GEM_HOME=\"$here/../gems\" GEM_PATH=\"$here/../gems\"\nexport GEM_HOME GEM_PATH\n");
        !st)
      return st;
    ctx.binaries.push_back("bin/" + exe);
  }
  ctx.extra_path.push_back((ctx.work / ".install" / "bin").string());
  return {};
}

}  // namespace tailor::install
