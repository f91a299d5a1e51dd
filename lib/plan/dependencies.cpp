#include <algorithm>

#include "plan/backend.hpp"
#include "plan/recipe_plan.hpp"
#include "util/strings.hpp"

namespace tailor::plan {

Result<std::vector<DependencyPlan>> build_dependencies(const recipe::Recipe& recipe, const tuple::Target& target,
                                                       std::set<std::string>& processed,
                                                       std::vector<std::string>& chain, const PlanEnv& env) {
  std::vector<DependencyPlan> list;
  chain.push_back(recipe.metadata.name);
  for (const auto& name : direct_dependencies(recipe, target)) {
    if (std::find(chain.begin(), chain.end(), name) != chain.end()) {
      std::vector<std::string> cycle = chain;
      cycle.push_back(name);
      std::string message = fmt::format("dependency cycle: {}", util::join(cycle, " -> "));
      if (env.strict) return fail(ErrorKind::failure, "{}", message);
      env.warnings->push_back(message);
      continue;
    }
    if (processed.contains(name)) continue;
    processed.insert(name);
    auto found = env.services->registry->find(name);
    if (!found)
      return fail(found.error().kind, "dependency {} of {}: {}", name, recipe.metadata.name, found.error().message);
    if (*found == nullptr) {
      std::vector<std::string> path = chain;
      path.push_back(name);
      std::string message =
          fmt::format("no recipe for dependency '{}' (required by {})", name, util::join(path, " -> "));
      if (env.strict) return fail(ErrorKind::recipe_not_found, "{}", message);
      env.warnings->push_back(message + "; it is left out of the plan");
      continue;
    }
    const recipe::Recipe& dep = **found;
    tuple::Target dep_target = target;
    dep_target.backend.reset();
    if (is_backend_recipe(dep)) {
      auto choice = choose_backend(dep, dep_target, "", "", false);
      if (choice) dep_target.backend = tuple::parse_backend(choice->backend);
    }
    DependencyPlan entry;
    auto children = build_dependencies(dep, dep_target, processed, chain, env);
    if (!children) return fail(children.error());
    entry.dependencies = std::move(*children);
    std::string pinned;
    if (env.lock != nullptr) {
      if (auto it = env.lock->versions.find(name); it != env.lock->versions.end()) pinned = it->second;
    }
    auto version = resolve_version(dep, "", pinned, env);
    if (!version) return fail(version.error());
    auto steps = build_steps(dep, dep_target, *version, env);
    if (!steps) return fail(steps.error());
    entry.tool = name;
    entry.version = version->version;
    entry.steps = std::move(*steps);
    entry.verify = plan_verify(dep);
    entry.recipe_type = dep.metadata.type;
    list.push_back(std::move(entry));
  }
  chain.pop_back();
  return list;
}

}  // namespace tailor::plan
