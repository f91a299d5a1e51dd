#include "recipe/registry.hpp"

#include <algorithm>
#include <mutex>
#include <set>

#include "config/environment.hpp"
#include "config/home.hpp"
#include "recipe/decode.hpp"
#include "recipe/embedded.hpp"
#include "util/fs.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"

namespace tailor::recipe {
namespace fs = std::filesystem;

namespace {

// Names that could escape the registry directory are never looked up.
bool plausible_name(std::string_view name) {
  return !name.empty() && name.find('/') == std::string_view::npos && name.find('\\') == std::string_view::npos &&
         name.find('\0') == std::string_view::npos && name != "." && name != "..";
}

// `owner/repo[:recipe]`: a recipe of a distributed registry, which only the remote source knows.
bool remote_only(std::string_view name) { return name.find('/') != std::string_view::npos; }

struct Located {
  std::string path;
  std::string text;  // filled for embedded recipes; files are read on demand
  bool embedded = false;
  std::string dir;  // the recipe directory it was found in
};

}  // namespace

RegistryOptions default_registry_options(const std::string& registry_flag) {
  RegistryOptions options;
  if (!registry_flag.empty()) {
    options.directories.emplace_back(registry_flag);
  } else if (auto env = config::env_value(config::EnvVar::tailor_recipes); env && !env->empty()) {
    options.directories.emplace_back(*env);
  }
  options.directories.push_back(config::tailor_home() / "recipes");
  return options;
}

struct Registry::Impl {
  RegistryOptions options;
  mutable std::recursive_mutex mutex;
  mutable std::map<std::string, std::unique_ptr<Recipe>, std::less<>> by_name;
  mutable std::map<std::string, std::unique_ptr<Recipe>, std::less<>> by_path;
  mutable std::optional<std::map<std::string, std::vector<std::string>, std::less<>>> aliases;
  // What the remote source answered, by name: a recipe's provenance, or that it has none.
  mutable std::map<std::string, Provenance, std::less<>> remote_found;
  mutable std::map<std::string, std::string, std::less<>> remote_missing;  // name -> note

  Result<const Recipe*> fetch_remote(std::string_view name) const {
    if (!options.remote || remote_missing.contains(name)) return nullptr;
    if (!remote_only(name) && !plausible_name(name)) return nullptr;
    auto fetched = options.remote->fetch(name);
    if (!fetched) return fail(fetched.error());
    if (!fetched->recipe) {
      remote_missing.emplace(std::string(name), fetched->note);
      return nullptr;
    }
    const RemoteRecipe& remote = *fetched->recipe;
    auto recipe = load_recipe_for_planning(remote.text, remote.origin);
    if (!recipe) return fail(recipe.error().kind, "{}: {}", remote.origin, recipe.error().message);
    auto owned = std::make_unique<Recipe>(std::move(*recipe));
    const Recipe* result = owned.get();
    by_name.emplace(std::string(name), std::move(owned));
    remote_found.emplace(std::string(name), Provenance{remote.source, remote.origin, remote.sha256});
    // The plan names the tool by its recipe's name: provenance and source answer to it too.
    if (remote_only(name))
      remote_found.insert_or_assign(result->metadata.name, Provenance{remote.source, remote.origin, remote.sha256});
    return result;
  }

  std::optional<Located> locate(std::string_view name) const {
    if (!plausible_name(name)) return std::nullopt;
    const std::string file = std::string(name) + ".toml";
    for (const fs::path& candidate : options.files) {
      if (candidate.filename() == file) return Located{candidate.string(), {}, false, candidate.parent_path().string()};
    }
    for (const fs::path& dir : options.directories) {
      std::error_code ec;
      for (const fs::path& candidate : {dir / std::string(1, name.front()) / file, dir / file}) {
        if (fs::is_regular_file(candidate, ec)) return Located{candidate.string(), {}, false, dir.string()};
      }
    }
    if (options.use_embedded) {
      for (const EmbeddedRecipe& e : embedded_recipes())
        if (e.name == name) return Located{std::string(e.path), std::string(e.text), true, {}};
    }
    return std::nullopt;
  }

  static Result<std::string> read_text(const Located& where) {
    if (where.embedded) return where.text;
    return util::read_file(where.path, detail::k_max_recipe_bytes);
  }

  const std::map<std::string, std::vector<std::string>, std::less<>>& alias_index(const Registry& self) const {
    if (aliases) return *aliases;
    aliases.emplace();
    for (const std::string& name : self.names()) {
      auto where = locate(name);
      if (!where) continue;
      auto text = read_text(*where);
      if (!text) continue;
      auto recipe = parse_recipe(*text, where->path);
      if (!recipe) continue;
      for (const auto& [ecosystem, claimed] : recipe->metadata.satisfies) {
        for (const std::string& alias : claimed) {
          auto& owners = (*aliases)[alias];
          if (std::find(owners.begin(), owners.end(), recipe->metadata.name) == owners.end())
            owners.push_back(recipe->metadata.name);
        }
      }
    }
    for (auto& [alias, owners] : *aliases) std::sort(owners.begin(), owners.end());
    return *aliases;
  }
};

Registry::Registry(RegistryOptions options) : m_impl(std::make_unique<Impl>()) { m_impl->options = std::move(options); }

Registry::~Registry() = default;

Result<const Recipe*> Registry::find(std::string_view name) const {
  std::lock_guard lock(m_impl->mutex);
  if (auto it = m_impl->by_name.find(name); it != m_impl->by_name.end()) return it->second.get();
  if (remote_only(name)) return m_impl->fetch_remote(name);
  if (auto where = m_impl->locate(name)) {
    auto text = Impl::read_text(*where);
    if (!text) return tl::unexpected(text.error());
    auto recipe = load_recipe_for_planning(*text, where->path);
    if (!recipe) return fail(recipe.error().kind, "{}: {}", where->path, recipe.error().message);
    auto owned = std::make_unique<Recipe>(std::move(*recipe));
    const Recipe* result = owned.get();
    m_impl->by_name.emplace(std::string(name), std::move(owned));
    return result;
  }
  std::vector<std::string> owners = alias_claimants(name);
  if (owners.empty()) return m_impl->fetch_remote(name);
  if (owners.size() > 1) {
    std::string list;
    for (const auto& owner : owners) list += (list.empty() ? "" : ", ") + owner;
    return fail(ErrorKind::failure, "'{}' is provided by several recipes ({}); pin a specific recipe", name, list);
  }
  if (owners.front() == name) return nullptr;
  return find(owners.front());
}

Result<const Recipe*> Registry::load_file(const fs::path& path) const {
  std::lock_guard lock(m_impl->mutex);
  const std::string key = path.string();
  if (auto it = m_impl->by_path.find(key); it != m_impl->by_path.end()) return it->second.get();
  auto text = util::read_file(path, detail::k_max_recipe_bytes);
  if (!text) return tl::unexpected(text.error());
  auto recipe = load_recipe_for_planning(*text, key);
  if (!recipe) return fail(recipe.error().kind, "{}: {}", key, recipe.error().message);
  auto owned = std::make_unique<Recipe>(std::move(*recipe));
  const Recipe* result = owned.get();
  m_impl->by_path.emplace(key, std::move(owned));
  return result;
}

std::vector<std::string> Registry::names() const {
  std::set<std::string> names;
  auto add = [&names](const fs::path& file) {
    if (file.extension() == ".toml") names.insert(file.stem().string());
  };
  for (const fs::path& file : m_impl->options.files) add(file);
  for (const fs::path& dir : m_impl->options.directories) {
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      std::error_code type_ec;
      if (it->is_directory(type_ec)) {
        std::error_code inner_ec;
        for (fs::directory_iterator sub(it->path(), inner_ec); !inner_ec && sub != end; sub.increment(inner_ec))
          if (sub->is_regular_file(type_ec)) add(sub->path());
      } else if (it->is_regular_file(type_ec)) {
        add(it->path());
      }
    }
  }
  if (m_impl->options.use_embedded)
    for (const EmbeddedRecipe& e : embedded_recipes()) names.insert(std::string(e.name));
  return {names.begin(), names.end()};
}

bool Registry::is_embedded(std::string_view name) const {
  const auto recipes = embedded_recipes();
  return std::any_of(recipes.begin(), recipes.end(), [&](const EmbeddedRecipe& e) { return e.name == name; });
}

bool Registry::contains(std::string_view name) const {
  std::lock_guard lock(m_impl->mutex);
  return m_impl->locate(name).has_value();
}

std::vector<std::string> Registry::alias_claimants(std::string_view alias) const {
  std::lock_guard lock(m_impl->mutex);
  const auto& index = m_impl->alias_index(*this);
  auto it = index.find(alias);
  if (it == index.end()) return {};
  return it->second;
}

std::string Registry::source_of(std::string_view name) const {
  std::lock_guard lock(m_impl->mutex);
  if (auto it = m_impl->remote_found.find(name); it != m_impl->remote_found.end()) return it->second.source;
  auto where = m_impl->locate(name);
  if (!where) return {};
  return where->embedded ? "embedded" : where->path;
}

std::optional<Provenance> Registry::provenance(std::string_view name) const {
  std::lock_guard lock(m_impl->mutex);
  if (auto it = m_impl->remote_found.find(name); it != m_impl->remote_found.end()) return it->second;
  auto where = m_impl->locate(name);
  if (!where) return std::nullopt;
  auto text = Impl::read_text(*where);
  if (!text) return std::nullopt;
  if (where->embedded) return Provenance{"embedded", "", util::sha256_hex(*text)};
  return Provenance{"dir " + where->dir, where->path, util::sha256_hex(*text)};
}

std::string Registry::not_found_message(std::string_view name) const {
  auto hint = remote_only(name) ? std::nullopt : util::closest_match(name, hint_names());
  std::string message = fmt::format("no recipe named '{}'", name);
  message += hint ? fmt::format(" (did you mean '{}'?)", *hint) : "; `tailor recipes` lists them";
  std::lock_guard lock(m_impl->mutex);
  if (auto it = m_impl->remote_missing.find(name); it != m_impl->remote_missing.end() && !it->second.empty())
    message += "; " + it->second;
  return message;
}

std::vector<std::string> Registry::hint_names() const {
  std::vector<std::string> all = names();
  if (m_impl->options.remote) {
    std::vector<std::string> remote = m_impl->options.remote->known_names();
    all.insert(all.end(), remote.begin(), remote.end());
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
  }
  return all;
}

}  // namespace tailor::recipe
