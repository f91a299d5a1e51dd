#include "app/project_lock_reader.hpp"

#include <fstream>
#include <sstream>

namespace tailor::app {

Result<ProjectLock> parse_project_lock(std::string bytes, std::string_view source) {
  auto doc = nlohmann::ordered_json::parse(bytes, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return fail(ErrorKind::invalid_input, "{} is not a JSON object", source);
  if (doc.value("lock_version", 0) != 1) {
    return fail(ErrorKind::invalid_input, "{}: unsupported lock_version (expected 1)", source);
  }
  ProjectLock lock;
  lock.bytes = std::move(bytes);
  if (auto hash = doc.find("tools_hash"); hash != doc.end() && hash->is_string()) lock.tools_hash = *hash;
  auto entries = doc.find("entries");
  if (entries == doc.end() || !entries->is_array()) return fail(ErrorKind::invalid_input, "{}: no entries", source);
  for (const auto& entry : *entries) {
    if (!entry.is_object() || !entry.contains("plan") || !entry["plan"].is_object()) {
      return fail(ErrorKind::invalid_input, "{}: an entry without a plan", source);
    }
    ProjectLockEntry item;
    if (auto tool = entry.find("tool"); tool != entry.end() && tool->is_string()) item.tool = *tool;
    // A target is a name ("linux-amd64"); any other shape is compared by its JSON text.
    if (auto target = entry.find("target"); target != entry.end()) {
      item.target = target->is_string() ? target->get<std::string>() : target->dump();
    }
    item.plan = entry["plan"];
    lock.entries.push_back(std::move(item));
  }
  return lock;
}

Result<ProjectLock> read_project_lock(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorKind::usage, "cannot read lock file {}", path);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_project_lock(text.str(), path);
}

}  // namespace tailor::app
