#include "plan/recipe_plan.hpp"

#include <algorithm>
#include <cctype>

#include "plan/decompose.hpp"
#include "plan/expand.hpp"
#include "platform/libc.hpp"
#include "recipe/actions.hpp"
#include "recipe/request.hpp"
#include "version/version_compare.hpp"

namespace tailor::plan {

std::vector<std::string> effective_supported_os(const recipe::Recipe& recipe) {
  return recipe.metadata.supported_os.value_or(std::vector<std::string>{"linux", "darwin"});
}

std::vector<std::string> effective_supported_arch(const recipe::Recipe& recipe) {
  return recipe.metadata.supported_arch.value_or(std::vector<std::string>{"amd64", "arm64"});
}

bool supports(const recipe::Recipe& recipe, const std::string& os, const std::string& arch) {
  auto oses = effective_supported_os(recipe);
  auto arches = effective_supported_arch(recipe);
  const auto& deny = recipe.metadata.unsupported_platforms;
  return std::find(oses.begin(), oses.end(), os) != oses.end() &&
         std::find(arches.begin(), arches.end(), arch) != arches.end() &&
         std::find(deny.begin(), deny.end(), os + "/" + arch) == deny.end();
}

namespace {

// A string, or any string in an array, that holds a version placeholder.
bool holds_version_placeholder(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>().find("{version") != std::string::npos;
  if (value.is_array()) return std::any_of(value.begin(), value.end(), holds_version_placeholder);
  return false;
}

}  // namespace

bool urls_need_version(const recipe::Recipe& recipe) {
  // These composites put the version (tag) into every URL they build.
  static const std::set<std::string> k_versioned{"github_archive", "github_file", "homebrew", "fossil_archive"};
  for (const auto& step : recipe.steps) {
    if (k_versioned.contains(step.action)) return true;
    for (const auto& [key, value] : step.params.items()) {
      if (key.find("url") != std::string::npos && holds_version_placeholder(value)) return true;
    }
  }
  return std::any_of(recipe.patches.begin(), recipe.patches.end(),
                     [](const recipe::Patch& patch) { return patch.url.find("{version") != std::string::npos; });
}

namespace {

// "b6500" -> "6500": a common letter prefix (llama.cpp's build tags) is not part of the order.
std::string_view without_letter_prefix(std::string_view version) {
  while (!version.empty() && std::isalpha(static_cast<unsigned char>(version.front()))) version.remove_prefix(1);
  return version;
}

}  // namespace

static Status check_min_version(const recipe::Recipe& recipe, const std::string& version) {
  const std::string& first = recipe.version.min_version;
  if (first.empty() || version.empty() || version == "dev") return {};
  if (version::compare_versions(without_letter_prefix(version), without_letter_prefix(first)) >= 0) return {};
  return fail(ErrorKind::version,
              "{} {} is older than {}, the first release this recipe supports (its download patterns do not "
              "match earlier releases)",
              recipe.metadata.name, version, first);
}

static Result<VersionPair> resolve_version_unchecked(const recipe::Recipe& recipe, const std::string& requested,
                                                     const std::string& pinned, const PlanEnv& env);

Result<VersionPair> resolve_version(const recipe::Recipe& recipe, const std::string& requested,
                                    const std::string& pinned, const PlanEnv& env) {
  // A named version older than the first supported release is refused before any provider is asked.
  const std::string& asked = pinned.empty() ? requested : pinned;
  if (!asked.empty() && asked != "latest" && asked.front() != '@') {
    if (auto ok = check_min_version(recipe, asked); !ok) return fail(ok.error());
  }
  auto resolved = resolve_version_unchecked(recipe, requested, pinned, env);
  if (!resolved) return resolved;
  if (auto ok = check_min_version(recipe, resolved->version); !ok) return fail(ok.error());
  return resolved;
}

static Result<VersionPair> resolve_version_unchecked(const recipe::Recipe& recipe, const std::string& requested,
                                                     const std::string& pinned, const PlanEnv& env) {
  // Checked before anything is resolved: a request that fails here never reaches a URL or a
  // plan, whether a provider can be asked or not (docs/user-guide.md, "Tool names and versions").
  if (!pinned.empty()) {
    if (auto checked = recipe::check_plan_version(pinned); !checked) return fail(checked.error());
    // A pinned version's tag comes from a release listing (golden snapshots) or the lock's own
    // URLs; without either the version is its own tag.
    version::Resolver* resolver = env.services->resolver;
    if (resolver != nullptr) {
      if (auto tag = resolver->pinned_tag(recipe, pinned)) return VersionPair{pinned, *tag, {}};
    }
    // The lock's own download URLs carry the tag it was made with.
    if (env.lock != nullptr) {
      if (auto tag = locked_release_tag(*env.lock, recipe.metadata.name, pinned)) return VersionPair{pinned, *tag, {}};
    }
    return VersionPair{pinned, pinned, {}};
  }
  const bool named = !requested.empty() && requested != "latest";
  if (named) {
    if (auto checked = recipe::check_version_request(requested); !checked) return fail(checked.error());
  }
  // A channel is never a version of its own: only a provider can turn it into one.
  const bool channel = named && requested.front() == '@';
  if (!version::has_version_source(recipe)) {
    if (channel)
      return fail(ErrorKind::version, "{} has no version source to resolve the channel {}", recipe.metadata.name,
                  requested);
    return named ? VersionPair{requested, requested, {}} : VersionPair{"dev", "dev", {}};
  }
  version::Resolver* resolver = env.services->resolver;
  std::string error = "no version provider is available";
  // A provider that cannot be asked (DNS, TLS, timeout, HTTP error, --offline) is a network
  // failure, exit 5, in every command (docs/exit-codes.md); `version` (4) is for an answer.
  ErrorKind kind = ErrorKind::version;
  if (resolver != nullptr && !env.artifacts->offline()) {
    auto resolved = resolver->resolve(recipe, named ? requested : "");
    if (resolved) {
      // What a provider answers becomes a path and a URL too.
      if (auto checked = recipe::check_plan_version(resolved->version); !checked) {
        return fail(ErrorKind::version, "the version provider of {} answered an unusable version: {}",
                    recipe.metadata.name, checked.error().message);
      }
      return VersionPair{resolved->version, resolved->version_tag, resolved->metadata};
    }
    if (resolved.error().kind == ErrorKind::version || resolved.error().kind == ErrorKind::usage)
      return fail(resolved.error());
    error = resolved.error().message;
    if (resolved.error().kind == ErrorKind::network) kind = ErrorKind::network;
  } else if (env.artifacts->offline()) {
    kind = ErrorKind::network;
    // TOOL@VERSION names a version; only a lock pins its release tag without asking the provider.
    error = named && !channel
                ? fmt::format(
                      "offline, and a version named on the command line is looked up with its provider; pin "
                      "it with --pin-from PLAN.json (made online by `tailor eval {}@{} > PLAN.json`)",
                      recipe.metadata.name, requested)
                : "offline and the version is not pinned (pin it with --pin-from PLAN.json)";
  }
  if (env.require_version || channel || urls_need_version(recipe)) {
    const std::string provider = version::describe_provider(recipe);
    return fail(kind, "cannot resolve {} of {}{}: {}", named ? "version " + requested : "the latest version",
                recipe.metadata.name, provider.empty() ? "" : " with " + provider, error);
  }
  if (named) {
    env.warnings->push_back(fmt::format("version {} of {} was not checked against its provider ({})", requested,
                                        recipe.metadata.name, error));
    return VersionPair{requested, requested, {}};
  }
  env.warnings->push_back(
      fmt::format("version resolution failed for {}: {}, using 'dev'", recipe.metadata.name, error));
  return VersionPair{"dev", "dev", {}};
}

std::optional<PlanVerify> plan_verify(const recipe::Recipe& recipe) {
  const auto& verify = recipe.verify;
  if (verify.command.empty()) return std::nullopt;
  PlanVerify out;
  out.command = verify.command;
  out.pattern = verify.pattern;
  if (verify.patterns) out.patterns = *verify.patterns;
  out.exit_code = verify.exit_code;
  for (const auto& extra : verify.additional) out.additional.emplace_back(extra.command, extra.pattern);
  return out;
}

namespace {

PlanStep patch_step(const recipe::Patch& patch) {
  PlanStep step;
  step.action = "apply_patch";
  step.evaluable = true;
  step.deterministic = true;
  if (!patch.url.empty()) step.params["url"] = patch.url;
  if (!patch.data.empty()) step.params["data"] = patch.data;
  if (!patch.checksum.empty()) step.params["sha256"] = patch.checksum;
  if (patch.strip != 0) step.params["strip"] = patch.strip;
  if (!patch.subdir.empty()) step.params["subdir"] = patch.subdir;
  return step;
}

}  // namespace

Result<std::optional<std::vector<PlanStep>>> build_steps(const recipe::Recipe& recipe, const tuple::Target& target,
                                                         const VersionPair& version, const PlanEnv& env) {
  // docs/planning.md, "Steps that need a newer glibc": refused before anything is downloaded.
  if (std::string shortfall = glibc_shortfall_of(recipe, target, env.libc_version); !shortfall.empty()) {
    return fail(ErrorKind::install, "{} {} {} (min_glibc in its recipe); nothing was downloaded", recipe.metadata.name,
                version.version, shortfall);
  }
  std::vector<PlanStep> steps;
  for (const auto& step : recipe.steps) {
    if (!recipe::step_applies(step, target)) continue;
    std::vector<PlanStep> produced;
    if (recipe::is_composite(step.action)) {
      DecomposeContext context{recipe.metadata.name, version.version, version.version_tag,           target.os,
                               target.arch,          env.artifacts,   env.services->resolver,        env.lock,
                               steps.size(),         env.warnings,    env.services->ecosystem_locker};
      auto children = decompose(step, context);
      if (!children) {
        return fail(children.error().kind, "{} step {}: {}", recipe.metadata.name, &step - recipe.steps.data() + 1,
                    children.error().message);
      }
      produced = std::move(*children);
    } else {
      Vars vars{{"version", version.version},
                {"version_tag", version.version_tag},
                {"os", mapped(step.params, "os_mapping", target.os)},
                {"arch", mapped(step.params, "arch_mapping", target.arch)}};
      for (const auto& [key, value] : version.metadata) vars["version." + key] = value;
      PlanStep plan_step;
      plan_step.action = step.action;
      plan_step.params = expand_json(step.params, vars);
      const recipe::ActionInfo* info = recipe::find_action(step.action);
      plan_step.deterministic = info != nullptr && info->deterministic;
      plan_step.evaluable = recipe::is_evaluable(step.action);
      if (!plan_step.evaluable) {
        env.warnings->push_back(fmt::format("action '{}' cannot be deterministically reproduced", step.action));
      }
      produced.push_back(std::move(plan_step));
    }
    for (auto& plan_step : produced) {
      if (!step.phase.empty()) plan_step.phase = step.phase;
      plan_step.min_glibc = step.min_glibc;
      steps.push_back(std::move(plan_step));
    }
  }
  if (!recipe.patches.empty()) {
    auto last_extract = std::find_if(steps.rbegin(), steps.rend(), [](const auto& s) {
      return recipe::is_action(s.action, recipe::ActionKind::extract);
    });
    auto at = last_extract == steps.rend() ? steps.begin() : last_extract.base();
    std::vector<PlanStep> patches;
    for (const auto& patch : recipe.patches) patches.push_back(patch_step(patch));
    steps.insert(at, patches.begin(), patches.end());
  }
  if (steps.empty()) return std::optional<std::vector<PlanStep>>();
  return std::optional<std::vector<PlanStep>>(std::move(steps));
}

std::string glibc_shortfall_of(const recipe::Recipe& recipe, const tuple::Target& target,
                               const std::string& libc_version) {
  std::string needed;
  for (const auto& step : recipe.steps) {
    if (step.min_glibc.empty() || !recipe::step_applies(step, target)) continue;
    if (!platform::glibc_shortfall(step.min_glibc, tuple::name(target.libc), libc_version).empty() &&
        (needed.empty() || !platform::glibc_shortfall(step.min_glibc, "glibc", needed).empty()))
      needed = step.min_glibc;
  }
  return needed.empty() ? "" : platform::glibc_shortfall(needed, tuple::name(target.libc), libc_version);
}

std::vector<std::string> direct_dependencies(const recipe::Recipe& recipe, const tuple::Target& target) {
  std::set<std::string> names;
  auto add = [&](const std::string& entry) {
    std::string name = entry.substr(0, entry.find('@'));
    if (!name.empty()) names.insert(name);
  };
  for (const auto& step : recipe.steps) {
    // Dependency collection uses only `when`, never the implicit constraints [quirk].
    if (step.when && !recipe::when_matches(*step.when, target)) continue;
    if (step.dependencies) {
      for (const auto& dep : *step.dependencies) add(dep);
      continue;
    }
    if (const recipe::ActionInfo* info = recipe::find_action(step.action)) {
      auto add_deps = [&](const auto& list) {
        for (auto dep : list) {
          if (dep != recipe.metadata.name) add(std::string(dep));
        }
      };
      add_deps(info->install_deps);
      if (target.os == "linux") add_deps(info->linux_install_deps);
      if (target.os == "darwin") add_deps(info->darwin_install_deps);
    }
    if (auto extra = step.params.find("extra_dependencies"); extra != step.params.end() && extra->is_array()) {
      for (const auto& dep : *extra) {
        if (dep.is_string()) add(dep.get<std::string>());
      }
    }
  }
  if (!recipe.metadata.dependencies.empty()) {
    names.clear();
    for (const auto& dep : recipe.metadata.dependencies) add(dep);
  }
  for (const auto& dep : recipe.metadata.extra_dependencies) add(dep);
  return {names.begin(), names.end()};  // std::set of std::string sorts by byte value
}

}  // namespace tailor::plan
