#include <variant>

#include "config/config.hpp"
#include "config/document.hpp"
#include "util/strings.hpp"

namespace tailor::config {
namespace fs = std::filesystem;
namespace {

Result<toml::table> load_document(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return toml::table{};
  return parse_config_document(path);
}

// Removes every spelling of `key` (keys match case-insensitively) from `table`.
bool erase_key(toml::table& table, std::string_view key) {
  bool erased = false;
  for (auto it = table.begin(); it != table.end();) {
    if (util::to_lower(it->first.str()) == key) {
      it = table.erase(it);
      erased = true;
    } else {
      ++it;
    }
  }
  return erased;
}

toml::table* section_of(toml::table& document, std::string_view section) {
  for (auto& [key, node] : document) {
    if (util::to_lower(key.str()) == section) return node.as_table();
  }
  return nullptr;
}

}  // namespace

Result<Setting> set_config_value(const fs::path& home, std::string_view key, std::string_view value) {
  auto def = require_key(key);
  if (!def) return fail(def.error());
  std::string lower = util::to_lower(key);
  auto normalized = normalize_value(**def, lower, value);
  if (!normalized) return fail(normalized.error());

  fs::path path = home / "config.toml";
  auto document = load_document(path);
  if (!document) return fail(document.error());
  auto dot = lower.find('.');
  std::string section = lower.substr(0, dot);
  std::string name = lower.substr(dot + 1);
  toml::table* table = section_of(*document, section);
  if (table == nullptr) {
    if (document->contains(section)) {
      return fail(ErrorKind::failure, "{}: '{}' is not a table; fix the file before setting {}", path.string(), section,
                  lower);
    }
    table = document->insert(section, toml::table{}).first->second.as_table();
  }
  erase_key(*table, name);
  std::visit([&](const auto& stored) { table->insert(name, stored); }, normalized->stored);
  if (auto written = write_config_document(path, *document); !written) return fail(written.error());

  auto config = load_config(home);
  if (!config) return fail(config.error());
  auto setting = config->lookup(lower);
  if (!setting) return fail(setting.error());
  return *setting;
}

Result<bool> unset_config_value(const fs::path& home, std::string_view key) {
  auto def = require_key(key);
  if (!def) return fail(def.error());
  std::string lower = util::to_lower(key);
  fs::path path = home / "config.toml";
  auto document = load_document(path);
  if (!document) return fail(document.error());
  auto dot = lower.find('.');
  toml::table* table = section_of(*document, lower.substr(0, dot));
  if (table == nullptr || !erase_key(*table, lower.substr(dot + 1))) return false;
  if (table->empty()) erase_key(*document, lower.substr(0, dot));
  if (auto written = write_config_document(path, *document); !written) return fail(written.error());
  return true;
}

}  // namespace tailor::config
