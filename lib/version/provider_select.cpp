// Which provider answers for a recipe: the priority order of docs/versions.md, "Choosing the provider".
#include "recipe/actions.hpp"
#include "util/strings.hpp"
#include "version/providers.hpp"
#include "version/resolver.hpp"

namespace tailor::version {
namespace {

std::string step_string(const recipe::Step& step, const char* key) {
  auto it = step.params.find(key);
  return it != step.params.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The first step of `action` with a non-empty string `key`.
std::string find_param(const recipe::Recipe& recipe, std::string_view action, const char* key) {
  for (const auto& step : recipe.steps) {
    if (step.action == action) {
      if (auto value = step_string(step, key); !value.empty()) return value;
    }
  }
  return {};
}

// The module a go_install path belongs to (docs/validation.md, "Warnings about redundancy").
std::string infer_go_module(const std::string& path) {
  if (path.rfind("github.com/", 0) == 0) {
    std::size_t slashes = 0;
    for (std::size_t i = 0; i < path.size(); ++i) {
      if (path[i] == '/' && ++slashes == 3) return path.substr(0, i);
    }
    return path;
  }
  if (auto cmd = path.find("/cmd/"); cmd != std::string::npos && cmd > 0) return path.substr(0, cmd);
  return path;
}

Result<std::unique_ptr<Provider>> unsupported(const std::string& what) {
  return fail(ErrorKind::version, "the {} version provider is not supported by tailor", what);
}

// Priority 100: an explicit source together with what it needs; nullptr when the rule does not apply.
Result<std::unique_ptr<Provider>> explicit_provider(const recipe::Recipe& recipe, const ProviderContext& context,
                                                    const std::string& base) {
  const auto& v = recipe.version;
  if (base == "http_json") {
    if (v.url.empty() || v.version_path.empty()) {
      return fail(ErrorKind::version, "source = \"http_json\" needs both version.url and version.version_path");
    }
    return make_http_json_provider(context, v.url, v.version_path);
  }
  if (base == "pypi") {
    if (auto package = find_param(recipe, "pipx_install", "package"); !package.empty())
      return make_pypi_provider(context, package);
  }
  if (base == "crates_io") {
    if (auto crate = find_param(recipe, "cargo_install", "crate"); !crate.empty())
      return make_crates_provider(context, crate);
  }
  if (base == "rubygems") {
    if (auto gem = find_param(recipe, "gem_install", "gem"); !gem.empty()) return make_rubygems_provider(context, gem);
  }
  if (base == "npm") {
    if (auto package = find_param(recipe, "npm_install", "package"); !package.empty())
      return make_npm_provider(context, package);
  }
  if (base == "metacpan" && !find_param(recipe, "cpan_install", "distribution").empty()) return unsupported("MetaCPAN");
  if (base == "goproxy") {
    std::string module = v.module.empty() ? infer_go_module(find_param(recipe, "go_install", "module")) : v.module;
    if (!module.empty()) return make_goproxy_provider(context, module);
  }
  if (base == "go_toolchain") return make_go_toolchain_provider(context);
  if (base == "nixpkgs") return unsupported("nixpkgs");
  if (base == "homebrew" && !v.formula.empty()) return make_homebrew_provider(context, v.formula);
  if (base == "cask" && !v.cask.empty()) return unsupported("Homebrew cask");
  if (base == "tap" && ((!v.tap.empty() && !v.formula.empty()) || v.source.find(':') != std::string::npos)) {
    return unsupported("Homebrew tap");
  }
  return std::unique_ptr<Provider>();
}

// Priority 10: inferred from the steps, rules in the order of the table; nullptr when no step
// names a source.
Result<std::unique_ptr<Provider>> inferred_provider(const recipe::Recipe& recipe, const ProviderContext& context) {
  if (auto package = find_param(recipe, "npm_install", "package"); !package.empty())
    return make_npm_provider(context, package);
  if (auto package = find_param(recipe, "pipx_install", "package"); !package.empty())
    return make_pypi_provider(context, package);
  if (auto crate = find_param(recipe, "cargo_install", "crate"); !crate.empty())
    return make_crates_provider(context, crate);
  if (auto gem = find_param(recipe, "gem_install", "gem"); !gem.empty()) return make_rubygems_provider(context, gem);
  if (!find_param(recipe, "cpan_install", "distribution").empty()) return unsupported("MetaCPAN");
  for (const char* action : {"github_archive", "github_file"}) {
    if (auto repo = find_param(recipe, action, "repo"); !repo.empty()) {
      return make_github_provider(context, repo, recipe.version.tag_prefix);
    }
  }
  if (auto module = find_param(recipe, "go_install", "module"); !module.empty()) {
    return make_goproxy_provider(context, infer_go_module(module));
  }
  for (const auto& step : recipe.steps) {
    if (recipe::is_action(step.action, recipe::ActionKind::fossil_archive) && !step_string(step, "repo").empty() &&
        !step_string(step, "project_name").empty()) {
      return unsupported("Fossil");
    }
  }
  for (const auto& step : recipe.steps) {
    if (recipe::is_action(step.action, recipe::ActionKind::homebrew)) {
      std::string formula = step_string(step, "formula");
      return make_homebrew_provider(context, formula.empty() ? recipe.metadata.name : formula);
    }
  }
  return std::unique_ptr<Provider>();
}

}  // namespace

bool has_version_source(const recipe::Recipe& recipe) {
  const auto& v = recipe.version;
  if (!v.source.empty() || !v.github_repo.empty()) return true;
  // Only constructed, never asked; a provider tailor does not support is still a source.
  auto inferred = inferred_provider(recipe, ProviderContext{});
  return !inferred || *inferred != nullptr;
}

std::string describe_provider(const recipe::Recipe& recipe) {
  // Providers are only constructed here: a context without a client is never used.
  auto provider = select_provider(recipe, ProviderContext{});
  return provider && *provider != nullptr ? (*provider)->describe() : std::string();
}

Result<std::unique_ptr<Provider>> select_provider(const recipe::Recipe& recipe, const ProviderContext& context) {
  const auto& v = recipe.version;
  const std::string base = v.source.substr(0, v.source.find(':'));
  if (!base.empty()) {
    auto chosen = explicit_provider(recipe, context, base);
    if (!chosen || *chosen) return chosen;
  }
  if (!v.github_repo.empty()) return make_github_provider(context, v.github_repo, v.tag_prefix);
  if (!v.source.empty()) {
    if (v.source == "nodejs_dist") return make_nodejs_provider(context);
    return fail(ErrorKind::version, "no resolver registered for source '{}'", v.source);
  }
  auto inferred = inferred_provider(recipe, context);
  if (inferred && *inferred == nullptr) {
    return fail(ErrorKind::version,
                "no version source: the recipe has no [version] section and no step to infer one from");
  }
  return inferred;
}

}  // namespace tailor::version
