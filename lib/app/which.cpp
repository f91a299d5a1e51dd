#include "app/which.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "config/home.hpp"
#include "install/state.hpp"
#include "recipe/registry.hpp"
#include "registry/manifest.hpp"
#include "registry/recipe_cache.hpp"
#include "registry/settings.hpp"

namespace tailor::app {
namespace fs = std::filesystem;
namespace {

void add_binaries(const nlohmann::json& list, std::set<std::string>& out) {
  if (!list.is_array()) return;
  for (const auto& item : list) {
    std::string path;
    if (item.is_string()) {
      path = item.get<std::string>();
    } else if (item.is_object()) {
      // {src, dest}: the link is named after dest.
      if (item.contains("dest") && item["dest"].is_string())
        path = item["dest"].get<std::string>();
      else if (item.contains("src") && item["src"].is_string())
        path = item["src"].get<std::string>();
    }
    std::string name = fs::path(path).filename().string();
    if (!name.empty()) out.insert(name);
  }
}

bool same_file(const fs::path& link_target, const fs::path& file) {
  if (link_target.lexically_normal() == file.lexically_normal()) return true;
  std::error_code ec;
  return fs::equivalent(link_target, file, ec);
}

// The binary of `recipe` named `command`, or "" when none is.
std::string binary_named(const recipe::Recipe& recipe, const std::string& command) {
  auto commands = recipe_commands(recipe);
  return std::binary_search(commands.begin(), commands.end(), command) ? command : "";
}

void add_recipe(const recipe::Recipe& recipe, const std::string& name, const std::string& source,
                const std::string& command, std::set<std::string>& seen, std::vector<RecipeProvider>& out) {
  if (seen.contains(name)) return;  // an earlier source shadows it (docs/registries.md, "Lookup order")
  if (!binary_named(recipe, command).empty()) {
    seen.insert(name);
    out.push_back({name, source, "binary " + command});
  } else if (name == command && recipe_commands(recipe).empty()) {
    seen.insert(name);
    out.push_back({name, source, "name"});
  }
}

std::vector<RecipeProvider> recipe_providers(const WhichRequest& request) {
  std::vector<RecipeProvider> out;
  std::set<std::string> seen;
  // Local directories and embedded recipes; no remote source, so nothing here reaches the network.
  recipe::Registry local(recipe::default_registry_options(request.registry));
  for (const std::string& name : local.names()) {
    auto found = local.find(name);
    if (!found || *found == nullptr) continue;  // a recipe that does not load provides nothing
    std::string source = local.is_embedded(name) ? "embedded" : "dir " + local.source_of(name);
    add_recipe(**found, name, source, request.command, seen, out);
  }
  auto settings = registry::load_registry_settings(request.layout.root, true);
  if (!settings) return out;
  registry::RecipeCache cache(settings->cache_dir);
  for (const std::string& name : cache.names()) {
    if (seen.contains(name)) continue;
    auto cached = cache.load(name);
    if (!cached) continue;
    auto parsed = recipe::parse_recipe(cached->text, cache.recipe_path(name).string());
    if (parsed) add_recipe(*parsed, name, "registry cache", request.command, seen, out);
  }
  // The manifest lists names and descriptions only: a name equal to the command is the hint.
  if (auto manifest = registry::load_manifest(*settings); manifest && *manifest) {
    for (const auto& entry : (*manifest)->recipes) {
      if (entry.name == request.command && !seen.contains(entry.name)) {
        seen.insert(entry.name);
        out.push_back({entry.name, "registry manifest", "name"});
      }
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> recipe_commands(const recipe::Recipe& recipe) {
  std::set<std::string> names;
  add_binaries(nlohmann::json(recipe.metadata.binaries), names);
  for (const auto& step : recipe.steps) {
    if (!step.params.is_object()) continue;
    if (step.params.contains("binaries")) add_binaries(step.params["binaries"], names);
    if (step.params.contains("outputs")) add_binaries(step.params["outputs"], names);
  }
  return {names.begin(), names.end()};
}

Result<WhichReport> which_command(const WhichRequest& request) {
  if (request.command.empty() || request.command.find('/') != std::string::npos || request.command == "." ||
      request.command == "..") {
    return fail(ErrorKind::usage, "'{}' is not a command name (give the name alone, e.g. `tailor which rg`)",
                request.command);
  }
  WhichReport report;
  report.command = request.command;
  report.link = request.layout.bin() / request.command;
  std::error_code ec;
  fs::path target;
  if (fs::is_symlink(fs::symlink_status(report.link, ec))) {
    target = fs::read_symlink(report.link, ec);
    report.link_target = target.string();
  }
  auto state = install::read_state(request.layout);
  if (!state) return fail(state.error());
  for (const auto& [name, tool] : state->installed) {
    for (const auto& [version, record] : tool.versions) {
      for (const std::string& binary : record.binaries) {
        if (fs::path(binary).filename() != request.command) continue;
        fs::path file = request.layout.tool_dir(name, version) / binary;
        bool active = !report.link_target.empty() && same_file(target, file);
        report.installed.push_back({name, version, file, active});
      }
    }
  }
  std::stable_partition(report.installed.begin(), report.installed.end(),
                        [](const InstalledProvider& p) { return p.active; });
  if (!report.provided()) report.recipes = recipe_providers(request);
  return report;
}

nlohmann::ordered_json which_to_json(const WhichReport& report) {
  auto installed = nlohmann::ordered_json::array();
  for (const auto& p : report.installed) {
    installed.push_back({{"tool", p.tool}, {"version", p.version}, {"file", p.file.string()}, {"active", p.active}});
  }
  auto recipes = nlohmann::ordered_json::array();
  for (const auto& r : report.recipes)
    recipes.push_back({{"recipe", r.recipe}, {"source", r.source}, {"match", r.match}});
  return {{"command", report.command},
          {"link", report.link.string()},
          {"link_target",
           report.link_target.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(report.link_target)},
          {"installed", installed},
          {"recipes", recipes}};
}

std::string format_which(const WhichReport& report) {
  std::string out;
  if (report.provided()) {
    const auto& active = report.installed.front();
    out += fmt::format("{}: {} {} ({} -> {})\n", report.command, active.tool, active.version, report.link.string(),
                       active.file.string());
  } else if (!report.link_target.empty()) {
    out += fmt::format("{}: {} points to {}, which no installed tool records\n", report.command, report.link.string(),
                       report.link_target);
  } else {
    out += fmt::format("{}: not installed\n", report.command);
  }
  for (const auto& p : report.installed) {
    if (!p.active) out += fmt::format("  also in {} {} (not active)\n", p.tool, p.version);
  }
  if (report.provided()) return out;
  if (report.recipes.empty()) {
    out +=
        "  no known recipe installs it (searched the local recipes, the registry cache and manifest; "
        "`tailor update-registry` refreshes the manifest)\n";
    return out;
  }
  out += "  recipes that would install it:\n";
  for (const auto& r : report.recipes) {
    out += fmt::format("    {}  ({}; {})  tailor install {}\n", r.recipe, r.source,
                       r.match == "name" ? "by name" : r.match, r.recipe);
  }
  return out;
}

}  // namespace tailor::app
