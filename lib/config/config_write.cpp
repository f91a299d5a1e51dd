#include <variant>

#include "config/config.hpp"
#include "config/config_edit.hpp"
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

// config.toml may be a link kept by a dotfile manager: edits go to the file it names, so the
// link stays a link (the temporary file and the rename happen in the target's directory).
Result<fs::path> write_target(const fs::path& path) {
  fs::path target = path;
  for (int hops = 0; hops < 40; ++hops) {
    std::error_code ec;
    if (!fs::is_symlink(fs::symlink_status(target, ec))) return target;
    fs::path next = fs::read_symlink(target, ec);
    if (ec) return fail(ErrorKind::failure, "cannot read the link {}: {}", target.string(), ec.message());
    target = next.is_absolute() ? next : target.parent_path() / next;
  }
  return fail(ErrorKind::failure, "{}: too many levels of symbolic links", path.string());
}

Status write_document(const fs::path& path, const toml::table& document) {
  auto target = write_target(path);
  if (!target) return fail(target.error());
  return write_config_document(*target, document);
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
  if (stored_as_quoted_key(lower)) {
    table = &*document;  // `"mirrors.only" = true` beside the [[mirrors]] array
    name = lower;
  } else if (table == nullptr) {
    if (document->contains(section)) {
      return fail(ErrorKind::failure, "{}: '{}' is not a table; fix the file before setting {}", path.string(), section,
                  lower);
    }
    table = document->insert(section, toml::table{}).first->second.as_table();
  }
  erase_key(*table, name);
  std::visit([&](const auto& stored) { table->insert(name, stored); }, normalized->stored);
  if (auto written = write_document(path, *document); !written) return fail(written.error());

  // Other keys may still be invalid; setting this one is how a user repairs the file.
  auto config = load_config(home, nullptr, uses::none);
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
  const std::string section = lower.substr(0, lower.find('.'));
  const bool quoted = stored_as_quoted_key(lower);  // `"mirrors.only"` at the top level
  toml::table* table = quoted ? &*document : section_of(*document, section);
  if (table == nullptr || !erase_key(*table, quoted ? lower : lower.substr(section.size() + 1))) return false;
  if (!quoted && table->empty()) erase_key(*document, section);
  if (auto written = write_document(path, *document); !written) return fail(written.error());
  return true;
}

Result<bool> edit_config_document(const fs::path& home, const std::function<Result<bool>(toml::table&)>& edit) {
  fs::path path = home / "config.toml";
  auto document = load_document(path);
  if (!document) return fail(document.error());
  auto changed = edit(*document);
  if (!changed) return fail(changed.error());
  if (!*changed) return false;
  if (auto written = write_document(path, *document); !written) return fail(written.error());
  return true;
}

}  // namespace tailor::config
