#include "config/document.hpp"

#include <sys/stat.h>
#include <sstream>

#include "util/fs.hpp"
#include "util/strings.hpp"
#include "util/toml_limits.hpp"

namespace tailor::config {
namespace fs = std::filesystem;

Result<toml::table> parse_config_document(const fs::path& path) {
  auto content = util::read_file(path, 1 << 20);
  if (!content) return fail(content.error());
  if (auto exceeded = util::check_toml_limits(*content)) {
    return fail(ErrorKind::invalid_input, "{}:{}:{}: {}", path.string(), exceeded->line, exceeded->column,
                exceeded->message);
  }
  try {
    return toml::parse(*content, path.string());
  } catch (const toml::parse_error& e) {
    return fail(ErrorKind::failure, "{}:{}:{}: {}", path.string(), e.source().begin.line, e.source().begin.column,
                e.description());
  }
}

const toml::table* find_table(const toml::table& document, std::string_view name) {
  for (const auto& [key, node] : document) {
    if (util::to_lower(key.str()) == name) return node.as_table();
  }
  return nullptr;
}

bool stored_as_quoted_key(std::string_view dotted_key) { return dotted_key.starts_with("mirrors."); }

const toml::node* find_value(const toml::table& document, std::string_view dotted_key) {
  if (stored_as_quoted_key(dotted_key)) {
    for (const auto& [name, node] : document) {
      if (util::to_lower(name.str()) == dotted_key) return &node;
    }
  }
  auto dot = dotted_key.find('.');
  const toml::table* table = find_table(document, dotted_key.substr(0, dot));
  if (table == nullptr) return nullptr;
  std::string_view key = dotted_key.substr(dot + 1);
  for (const auto& [name, node] : *table) {
    if (util::to_lower(name.str()) == key) return &node;
  }
  return nullptr;
}

Status write_config_document(const fs::path& path, const toml::table& document) {
  std::error_code ec;
  fs::path dir = path.parent_path();
  if (!fs::exists(dir, ec)) {
    fs::create_directories(dir, ec);
    if (ec) return fail(ErrorKind::failure, "cannot create {}: {}", dir.string(), ec.message());
    ::chmod(dir.c_str(), 0700);
  }
  std::ostringstream text;
  text << document << '\n';
  return util::write_file_atomic(path, text.str(), 0600);
}

}  // namespace tailor::config
