#include "plan/decompose_support.hpp"

namespace tailor::plan::detail {

PlanStep primitive(recipe::ActionKind kind, json params) {
  const recipe::ActionTraits& traits = recipe::action_traits(kind);
  PlanStep step;
  step.deterministic = traits.deterministic;
  step.evaluable = traits.evaluable;
  step.action = std::string(traits.name);
  step.params = std::move(params);
  return step;
}

std::string basename_of_url(const std::string& url) {
  std::string path = url.substr(0, url.find('?'));
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

Result<PlanStep> download_rule(const json& params, const Vars& vars, const DecomposeContext& context,
                               const version::ReleaseAsset* listed) {
  PlanStep step = primitive(K::download_file, json::object());
  const std::string url = expand(param_string(params, "url"), vars);
  step.params["url"] = url;
  std::vector<std::string> fallbacks;
  if (auto it = params.find("fallback_urls"); it != params.end() && it->is_array() && !it->empty()) {
    json list = json::array();
    for (const auto& entry : *it) {
      if (!entry.is_string()) continue;
      fallbacks.push_back(expand(entry.get<std::string>(), vars));
      list.push_back(fallbacks.back());
    }
    step.params["fallback_urls"] = list;
  }
  std::string dest = param_string(params, "dest");
  dest = dest.empty() ? basename_of_url(url) : expand(dest, vars);
  step.params["dest"] = dest;
  std::string checksum_url = param_string(params, "checksum_url");
  if (!checksum_url.empty()) checksum_url = expand(checksum_url, vars);
  // A detached signature install checks (docs/downloads.md, "Signatures").
  bool is_signed = false;
  for (const char* key : {"signature_url", "signature_key_url", "signature_key_fingerprint"}) {
    if (std::string value = param_string(params, key); !value.empty()) {
      step.params[key] = expand(value, vars);
      is_signed = true;
    }
  }
  std::string algo = param_string(params, "checksum_algo");
  const bool digest = listed != nullptr && !listed->sha256.empty() && (algo.empty() || algo == "sha256");
  if (auto known = context.artifacts->check_known(url, digest || is_signed || !checksum_url.empty()); !known)
    return fail(known.error());
  auto info = digest ? context.artifacts->from_digest(url, listed->sha256, listed->size, checksum_url, dest)
                     : context.artifacts->resolve(url, fallbacks, checksum_url, dest);
  if (!info) return fail(info.error());
  step.url = url;
  if (*info) {
    step.params["checksum"] = (*info)->checksum;
    step.params["checksum_algo"] = algo.empty() ? "sha256" : algo;
    step.checksum = (*info)->checksum;
    step.size = (*info)->size;
  }
  return step;
}

Vars composite_vars(const DecomposeContext& context, const json& params, bool with_tag) {
  Vars vars{{"version", context.version},
            {"os", mapped(params, "os_mapping", context.os)},
            {"arch", mapped(params, "arch_mapping", context.arch)}};
  if (with_tag) vars["version_tag"] = context.version_tag;
  return vars;
}

Vars unmapped_vars(const DecomposeContext& context) {
  return {
      {"version", context.version}, {"version_tag", context.version_tag}, {"os", context.os}, {"arch", context.arch}};
}

json binary_sources(const json& binaries) {
  json files = json::array();
  for (const auto& item : binaries) {
    if (item.is_string())
      files.push_back(item);
    else if (item.is_object() && item.contains("src") && item["src"].is_string())
      files.push_back(item["src"]);
  }
  return files;
}

const LockedStep* locked_step_at(const DecomposeContext& context, size_t index) {
  if (context.lock == nullptr) return nullptr;
  auto version = context.lock->tool == context.tool ? context.lock->version : "";
  if (context.lock->tool != context.tool) {
    auto it = context.lock->versions.find(context.tool);
    version = it == context.lock->versions.end() ? "" : it->second;
  }
  if (version != context.version || context.lock->os != context.os || context.lock->arch != context.arch)
    return nullptr;
  auto it = context.lock->steps.find(context.tool);
  if (it == context.lock->steps.end() || index >= it->second.size()) return nullptr;
  const LockedStep& step = it->second[index];
  return recipe::is_action(step.action, K::download_file) && !step.url.empty() ? &step : nullptr;
}

std::optional<version::ReleaseAsset> listed_digest(const std::string& repo, const std::string& asset,
                                                   const std::string& url, const DecomposeContext& context) {
  if (context.resolver == nullptr || context.artifacts->offline()) return std::nullopt;
  if (context.lock != nullptr && context.lock->artifacts.contains(url)) return std::nullopt;
  auto assets = context.resolver->release_asset_details(repo, context.version_tag);
  if (!assets) return std::nullopt;
  for (const auto& listed : *assets) {
    if (listed.name == asset && !listed.sha256.empty()) return listed;
  }
  return std::nullopt;
}

Result<std::string> resolve_asset(const std::string& repo, const std::string& pattern,
                                  const DecomposeContext& context) {
  // Reuse the locked asset only when it still matches the pattern: a sibling target's lock
  // may hold another build at the same position.
  if (const LockedStep* locked = locked_step_at(context, context.first_step_index)) {
    auto dest = locked->params.find("dest");
    if (dest != locked->params.end() && dest->is_string() && glob_match(pattern, dest->get<std::string>())) {
      return dest->get<std::string>();
    }
  }
  if (context.resolver == nullptr || context.artifacts->offline()) {
    return fail(ErrorKind::network,
                "asset pattern '{}' of {} needs the release listing of {} ({}), which is not in the lock", pattern,
                context.tool, repo, context.version_tag);
  }
  auto assets = context.resolver->release_assets(repo, context.version_tag);
  if (!assets) return fail(assets.error());
  for (const auto& asset : *assets) {
    if (glob_match(pattern, asset)) return asset;
  }
  return fail(ErrorKind::failure, "no asset of {} release {} matches '{}'", repo, context.version_tag, pattern);
}

}  // namespace tailor::plan::detail
