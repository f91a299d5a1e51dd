#include "registry/registered.hpp"

#include <unistd.h>

#include <algorithm>
#include <iostream>

#include <fmt/format.h>

#include "config/config_edit.hpp"
#include "config/document.hpp"
#include "config/environment.hpp"
#include "fetch/fetch_config.hpp"
#include "util/strings.hpp"

namespace tailor::registry {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view k_table = "registries";

bool insecure_loopback_allowed() { return config::env_value(config::EnvVar::tailor_allow_insecure_loopback) == "1"; }

toml::table* registries_table(toml::table& document) {
  for (auto& [key, node] : document) {
    if (util::to_lower(key.str()) == k_table) return node.as_table();
  }
  return nullptr;
}

// Erases every entry of `table` that names `slug` (keys match case-insensitively).
bool erase_source(toml::table& table, std::string_view slug) {
  bool erased = false;
  for (auto it = table.begin(); it != table.end();) {
    if (util::to_lower(it->first.str()) == slug) {
      it = table.erase(it);
      erased = true;
    } else {
      ++it;
    }
  }
  return erased;
}

}  // namespace

const RegisteredSource* RegisteredSources::find(std::string_view slug) const {
  for (const RegisteredSource& source : sources)
    if (source.slug == slug) return &source;
  return nullptr;
}

RegisteredSources registered_sources(const toml::table& document) {
  RegisteredSources out;
  const toml::table* table = config::find_table(document, k_table);
  if (table == nullptr) return out;
  for (const auto& [key, node] : *table) {
    auto slug = parse_slug(key.str());
    const toml::table* entry = node.as_table();
    if (!slug || entry == nullptr) {
      out.warnings.push_back(fmt::format("[registries.\"{}\"] in config.toml is ignored: {}", key.str(),
                                         slug ? "expected a table" : slug.error().message));
      continue;
    }
    RegisteredSource source{slug->slug(), {}};
    if (const toml::node* api = entry->get("api_url")) {
      auto text = api->value<std::string>();
      if (!text) {
        out.warnings.push_back(fmt::format("[registries.\"{}\"] api_url is not a string; ignored", key.str()));
      } else {
        source.api_url = *text;
        while (source.api_url.size() > 1 && source.api_url.back() == '/') source.api_url.pop_back();
      }
    }
    if (out.find(source.slug) == nullptr) out.sources.push_back(std::move(source));
  }
  std::sort(out.sources.begin(), out.sources.end(),
            [](const RegisteredSource& a, const RegisteredSource& b) { return a.slug < b.slug; });
  return out;
}

Result<RegisteredSources> load_registered_sources(const fs::path& home) {
  const fs::path path = home / "config.toml";
  std::error_code ec;
  if (!fs::exists(path, ec)) return RegisteredSources{};
  auto document = config::parse_config_document(path);
  if (!document) return fail(document.error());
  return registered_sources(*document);
}

Result<bool> add_registered_source(const fs::path& home, const SourceRef& slug, const std::string& api_url) {
  std::string api = api_url;
  while (api.size() > 1 && api.back() == '/') api.pop_back();
  if (!api.empty()) {
    if (auto allowed = fetch::check_url_allowed(api, insecure_loopback_allowed()); !allowed) {
      return fail(ErrorKind::usage, "--api-url: {}", allowed.error().message);
    }
  }
  return config::edit_config_document(home, [&](toml::table& document) -> Result<bool> {
    toml::table* table = registries_table(document);
    if (table == nullptr) {
      if (document.contains(std::string(k_table))) {
        return fail(ErrorKind::failure, "{}: 'registries' is not a table; fix the file first",
                    (home / "config.toml").string());
      }
      table = document.insert(std::string(k_table), toml::table{}).first->second.as_table();
    }
    if (const RegisteredSource* known = registered_sources(document).find(slug.slug());
        known != nullptr && known->api_url == api) {
      return false;
    }
    erase_source(*table, slug.slug());
    toml::table entry;
    if (!api.empty()) entry.insert("api_url", api);
    table->insert(slug.slug(), std::move(entry));
    return true;
  });
}

Result<bool> remove_registered_source(const fs::path& home, const SourceRef& slug) {
  auto removed = config::edit_config_document(home, [&](toml::table& document) -> Result<bool> {
    toml::table* table = registries_table(document);
    if (table == nullptr || !erase_source(*table, slug.slug())) return false;
    if (table->empty()) erase_source(document, k_table);
    return true;
  });
  if (!removed) return removed;
  std::error_code ec;
  fs::remove_all(source_cache_dir(home, slug), ec);
  fs::path owner_dir = source_cache_dir(home, slug).parent_path();
  if (fs::is_empty(owner_dir, ec)) fs::remove(owner_dir, ec);
  return removed;
}

fs::path source_cache_dir(const fs::path& home, const SourceRef& slug) {
  return home / "cache" / "registries" / slug.owner / slug.repo;
}

Result<std::vector<std::string>> admit_sources(const fs::path& home, const std::vector<std::string>& tools, bool strict,
                                               const Consent& consent) {
  std::vector<std::string> to_register;
  auto known = load_registered_sources(home);
  if (!known) return fail(known.error());
  for (const std::string& tool : tools) {
    if (!is_source_ref(tool)) continue;
    auto ref = parse_source_ref(tool);
    if (!ref) return fail(ref.error());
    const std::string slug = ref->slug();
    if (known->find(slug) != nullptr || std::find(to_register.begin(), to_register.end(), slug) != to_register.end()) {
      continue;
    }
    if (strict) {
      return fail(ErrorKind::usage,
                  "{} is not a registered recipe source and registry.strict is set; register it first with "
                  "`tailor registry add {}`",
                  slug, slug);
    }
    if (!consent.yes) {
      const std::string question = fmt::format(
          "{} is not a registered recipe source: its recipes run download and install steps on this machine.\n"
          "Install from it and register it?",
          slug);
      if (!consent.ask) {
        return fail(ErrorKind::usage,
                    "{} is not a registered recipe source; pass --yes to install from it and register it, or "
                    "register it first with `tailor registry add {}`",
                    slug, slug);
      }
      if (!consent.ask(question)) return fail(ErrorKind::usage, "not installing from {}: not confirmed", slug);
    }
    to_register.push_back(slug);
  }
  return to_register;
}

Status register_sources(const fs::path& home, const std::vector<std::string>& slugs, const util::Output& output) {
  for (const std::string& text : slugs) {
    auto slug = parse_slug(text);
    if (!slug) return fail(slug.error());
    auto added = add_registered_source(home, *slug, {});
    if (!added) return fail(added.error());
    if (*added) output.info("registered {} (`tailor registry remove {}` forgets it)", text, text);
  }
  return {};
}

std::function<bool(const std::string&)> terminal_question() {
  if (::isatty(STDIN_FILENO) != 1 || ::isatty(STDERR_FILENO) != 1) return {};
  return [](const std::string& question) {
    std::cerr << question << " [y/N] " << std::flush;
    std::string answer;
    if (!std::getline(std::cin, answer)) return false;
    answer = util::to_lower(util::trim(answer));
    return answer == "y" || answer == "yes";
  };
}

}  // namespace tailor::registry
