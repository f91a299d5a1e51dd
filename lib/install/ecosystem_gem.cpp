// gem_exec: a Ruby gem and the gems its Gemfile.lock pins, each .gem downloaded by tailor and
// checked against the lock's CHECKSUMS, installed with `gem install --local` into the tool's
// own GEM_HOME (docs/recipe-authoring.md, "Ecosystem steps"); and gem_install's capture of that
// Gemfile.lock at plan time (docs/install.md, "Lock data captured at plan time").
#include <algorithm>
#include <regex>
#include <set>
#include <sstream>
#include <tuple>

#include <fmt/format.h>

#include "install/ecosystem.hpp"
#include "install/layout.hpp"
#include "install/step_params.hpp"
#include "util/fs.hpp"

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
  for (const auto& spec : specs) {
    const auto& [name, version] = spec;
    bool found = std::any_of(gems.begin(), gems.end(),
                             [&](const Gem& g) { return g.name == spec.first && g.version == spec.second; });
    if (!found) {
      return fail(ErrorKind::checksum,
                  "{}@{}: gem_exec gemfile_lock has no sha256 for {} ({}) in CHECKSUMS; tailor installs only what "
                  "the lock pins",
                  ctx.tool, ctx.version, name, version);
    }
  }
  return gems;
}

// Resolves ARGV[0] = ARGV[1] and its runtime dependencies against the one source ARGV[2] with
// RubyGems' own resolver, and writes one line per gem to ARGV[3]: `gem NAME VERSION PLATFORM`,
// then `dep NAME REQUIREMENT` for each of its runtime dependencies. The configuration (a gemrc
// may name sources) is read before the source is set, so that it cannot replace it.
constexpr const char* k_resolve_script = R"(require "rubygems/remote_fetcher"
require "rubygems/request_set"
name, version, source, out = ARGV
Gem.configuration
Gem.sources = Gem::SourceList.from([source])
requests = Gem::RequestSet.new
requests.gem(name, "= #{version}")
requests.resolve(Gem::Resolver::BestSet.new)
File.open(out, "w") do |file|
  requests.sorted_requests.each do |request|
    spec = request.spec
    file.puts ["gem", spec.name, spec.version, spec.platform].join(" ")
    spec.dependencies.each { |dep| file.puts ["dep", dep.name, dep.requirement].join(" ") if dep.runtime? }
  end
end
)";

struct ResolvedGem {
  std::string name, version;  // version with its platform suffix, as in the file name
  std::string platform;
  std::vector<std::string> dependencies;  // "name" or "name (requirement)", as Gemfile.lock writes them
  std::string sha256;
};

Result<std::vector<ResolvedGem>> parse_resolution(const std::string& text, const StepContext& ctx) {
  static const std::regex k_gem(R"(^gem ([A-Za-z0-9_.-]+) ([0-9A-Za-z.]+) ([A-Za-z0-9_.-]+)$)");
  static const std::regex k_dep(R"(^dep ([A-Za-z0-9_.-]+) ([<>=~!0-9A-Za-z., ]+)$)");
  std::vector<ResolvedGem> gems;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, k_gem)) {
      ResolvedGem resolved;
      resolved.name = m[1].str();
      resolved.platform = m[3].str();
      resolved.version = resolved.platform == "ruby" ? m[2].str() : m[2].str() + "-" + resolved.platform;
      gems.push_back(std::move(resolved));
    } else if (std::regex_match(line, m, k_dep) && !gems.empty()) {
      const std::string requirement = m[2].str();
      gems.back().dependencies.push_back(requirement == ">= 0" ? m[1].str()
                                                               : fmt::format("{} ({})", m[1].str(), requirement));
    } else {
      return fail(ErrorKind::install, "{}@{}: gem_install: RubyGems resolved '{}', which is not a gem", ctx.tool,
                  ctx.version, line);
    }
  }
  std::sort(gems.begin(), gems.end(), [](const ResolvedGem& a, const ResolvedGem& b) {
    return std::tie(a.name, a.version) < std::tie(b.name, b.version);
  });
  return gems;
}

// A Gemfile.lock as Bundler 2.5 writes it for `gem` `version` alone: the resolved gems, each
// with its dependencies, and their CHECKSUMS.
std::string gemfile_lock(const std::vector<ResolvedGem>& gems, const std::string& base, const std::string& gem,
                         const std::string& version) {
  std::set<std::string> platforms;
  std::string specs, checksums;
  for (const auto& g : gems) {
    platforms.insert(g.platform);
    specs += fmt::format("    {} ({})\n", g.name, g.version);
    for (const auto& dep : g.dependencies) specs += "      " + dep + "\n";
    checksums += fmt::format("  {} ({}) sha256={}\n", g.name, g.version, g.sha256);
  }
  std::string platform_lines;
  for (const auto& platform : platforms) platform_lines += "  " + platform + "\n";
  return fmt::format("GEM\n  remote: {}/\n  specs:\n{}\nPLATFORMS\n{}\nDEPENDENCIES\n  {} (= {})\n\nCHECKSUMS\n{}",
                     base, specs, platform_lines, gem, version, checksums);
}

std::string rubygems_base(const StepContext& ctx) {
  auto registry = ctx.ecosystem_registries.find("rubygems");
  std::string base = registry != ctx.ecosystem_registries.end() ? registry->second : std::string(k_default_rubygems);
  while (base.ends_with("/")) base.pop_back();
  return base;
}

}  // namespace

Result<nlohmann::json> capture_gem_lock(const ordered_json& params, StepContext& ctx) {
  const std::string gem = params.value("gem", std::string());
  const std::vector<std::string> executables = string_list(params, "executables");
  static const std::regex k_name(R"(^[A-Za-z0-9_.-]+$)");
  static const std::regex k_version(R"(^[0-9A-Za-z.]+$)");
  if (!std::regex_match(gem, k_name) || !std::regex_match(ctx.version, k_version) || executables.empty()) {
    return fail(ErrorKind::invalid_input, "{}@{}: gem_install needs a gem name and executables", ctx.tool, ctx.version);
  }
  auto toolchain = find_plan_toolchain(params, ctx, "gem_install", "ruby", {"ruby", "gem"},
                                       "its gem versions with RubyGems", "gem_exec");
  if (!toolchain) return fail(toolchain.error());
  if (ctx.downloader == nullptr) return fail(ErrorKind::internal, "no downloader configured");
  EcosystemRun run(ctx, "gem_install", *toolchain);
  const std::string base = rubygems_base(ctx);
  auto& env = run.env();
  env["GEM_HOME"] = (run.scratch() / "gems").string();
  env["GEM_PATH"] = env["GEM_HOME"];
  env["GEM_SPEC_CACHE"] = (run.scratch() / "specs").string();
  ctx.output->info("{}@{}: resolving the gem versions of {} {} with {}", ctx.tool, ctx.version, gem, ctx.version,
                   toolchain->label);
  const fs::path resolved = run.scratch() / "resolved.txt";
  if (auto st = run.run({(toolchain->bin_dir / "ruby").string(), "-e", k_resolve_script, gem, ctx.version, base + "/",
                         resolved.string()},
                        run.scratch().string());
      !st)
    return fail(st.error());
  auto text = util::read_file(resolved, 1 << 20);
  if (!text) return fail(run.failure(ErrorKind::install, "RubyGems wrote no resolution"));
  auto gems = parse_resolution(*text, ctx);
  if (!gems) return fail(gems.error());
  // Each .gem as gem_exec will download it: the lock pins the bytes the registry serves now.
  for (auto& g : *gems) {
    std::string url = fmt::format("{}/gems/{}-{}.gem", base, g.name, g.version);
    run.note("downloading " + url);
    auto fetched = ctx.downloader->fetch(fetch::FetchRequest{url, {}, "", 0});
    if (!fetched) return fail(fetched.error());
    g.sha256 = fetched->sha256;
  }
  const std::string lock = gemfile_lock(*gems, base, gem, ctx.version);
  // The same checks as at install: every gem with its sha256, the gem itself among them.
  auto locked = locked_gems(lock, ctx);
  if (!locked) return fail(locked.error());
  if (std::none_of(locked->begin(), locked->end(), [&](const Gem& g) { return g.name == gem; })) {
    return fail(run.failure(ErrorKind::install, fmt::format("RubyGems did not resolve {} {}", gem, ctx.version)));
  }

  nlohmann::json out = {{"gem", gem}, {"version", ctx.version}, {"executables", executables}, {"gemfile_lock", lock}};
  if (params.contains("toolchain")) out["toolchain"] = params["toolchain"];
  return out;
}

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
  const std::string base = rubygems_base(ctx);
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
