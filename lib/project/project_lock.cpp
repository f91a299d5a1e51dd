#include "project/project_lock.hpp"

#include <algorithm>

#include "util/canonical_json.hpp"
#include "util/dotted_version.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace tailor::project {
namespace {

using nlohmann::ordered_json;
using tuple::Fact;

std::string major_of(const std::string& driver) { return driver.substr(0, driver.find('.')); }

// 1-based line and column of byte `offset` of `text`.
std::pair<size_t, size_t> line_column(std::string_view text, size_t offset) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

size_t specificity(const platform::FactOverrides& target) {
  return static_cast<size_t>(target[Fact::linux_family].has_value()) +
         static_cast<size_t>(target[Fact::gpu].has_value()) + static_cast<size_t>(target[Fact::gpu_driver].has_value());
}

}  // namespace

Result<platform::FactOverrides> parse_lock_target(std::string_view text) {
  const std::string origin = fmt::format("target \"{}\"", text);
  auto colon_parts = util::split(text, ':');
  auto slash_parts = util::split(colon_parts.empty() ? std::string() : colon_parts[0], '/');
  if (colon_parts.size() > 3 || slash_parts.size() < 2 || slash_parts.size() > 3) {
    return fail(ErrorKind::usage,
                "invalid {}: expected os/arch[/family][:gpu[:driver]] such as linux/amd64/debian:nvidia:580", origin);
  }
  platform::FactOverrides target;
  auto set = [&](Fact fact, const std::string& value) -> Status {
    if (value.empty()) return fail(ErrorKind::usage, "invalid {}: empty {} part", origin, tuple::fact_def(fact).key);
    if (auto checked = tuple::validate_fact_value(fact, value, origin); !checked) return checked;
    target[fact] = value;
    return {};
  };
  if (auto st = set(Fact::os, slash_parts[0]); !st) return fail(st.error());
  if (auto st = set(Fact::arch, slash_parts[1]); !st) return fail(st.error());
  if (slash_parts.size() == 3) {
    if (auto st = set(Fact::linux_family, slash_parts[2]); !st) return fail(st.error());
  }
  if (colon_parts.size() >= 2) {
    if (auto st = set(Fact::gpu, colon_parts[1]); !st) return fail(st.error());
  }
  if (colon_parts.size() == 3) {
    if (auto st = set(Fact::gpu_driver, colon_parts[2]); !st) return fail(st.error());
  }
  if (target[Fact::linux_family] && *target[Fact::os] != "linux")
    return fail(ErrorKind::usage, "invalid {}: a Linux family needs os linux", origin);
  return target;
}

std::string format_lock_target(const platform::FactOverrides& target) {
  std::string text = target[Fact::os].value_or("") + "/" + target[Fact::arch].value_or("");
  if (target[Fact::linux_family]) text += "/" + *target[Fact::linux_family];
  if (target[Fact::gpu]) text += ":" + *target[Fact::gpu];
  if (target[Fact::gpu] && target[Fact::gpu_driver]) text += ":" + *target[Fact::gpu_driver];
  return text;
}

std::string machine_lock_target(const platform::Facts& facts) {
  platform::FactOverrides target;
  target[Fact::os] = facts.os;
  target[Fact::arch] = facts.arch;
  if (facts.os == "linux") {
    if (!facts.linux_family.empty()) target[Fact::linux_family] = facts.linux_family;
    target[Fact::gpu] = facts.gpu.empty() ? "none" : facts.gpu;
    if (facts.gpu == "nvidia" && !facts.gpu_driver.empty()) target[Fact::gpu_driver] = major_of(facts.gpu_driver);
  }
  return format_lock_target(target);
}

bool target_covers(const platform::FactOverrides& target, const platform::Facts& machine) {
  if (target[Fact::os] != machine.os || target[Fact::arch] != machine.arch) return false;
  if (target[Fact::linux_family] && *target[Fact::linux_family] != machine.linux_family) return false;
  const std::string gpu = machine.gpu.empty() ? "none" : machine.gpu;
  if (target[Fact::gpu] && *target[Fact::gpu] != gpu) return false;
  if (const auto& driver = target[Fact::gpu_driver]) {
    if (!util::is_dotted_version(machine.gpu_driver) || !util::is_dotted_version(*driver)) return false;
    if (util::compare_dotted_versions(machine.gpu_driver, *driver) < 0) return false;
  }
  return true;
}

std::string project_lock_text(const ProjectLock& lock) {
  std::vector<std::string> targets = lock.targets;
  std::sort(targets.begin(), targets.end());
  std::vector<const ProjectLockEntry*> entries;
  for (const auto& entry : lock.entries) entries.push_back(&entry);
  std::sort(entries.begin(), entries.end(), [](const ProjectLockEntry* a, const ProjectLockEntry* b) {
    return std::tie(a->tool, a->target) < std::tie(b->tool, b->target);
  });
  ordered_json doc = ordered_json::object();
  ordered_json list = ordered_json::array();
  for (const auto* entry : entries) {
    list.push_back(ordered_json{
        {"plan", entry->plan}, {"request", entry->request}, {"target", entry->target}, {"tool", entry->tool}});
  }
  doc["entries"] = std::move(list);
  doc["lock_version"] = lock.lock_version;
  doc["targets"] = targets;
  doc["tools_hash"] = lock.tools_hash;
  return util::canonical_json(doc);
}

Result<ProjectLock> parse_project_lock(std::string_view text, const std::string& origin) {
  ordered_json doc;
  try {
    doc = ordered_json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    auto [line, column] = line_column(text, e.byte == 0 ? 0 : e.byte - 1);
    std::string what = e.what();
    if (auto colon = what.rfind(": "); colon != std::string::npos) what = what.substr(colon + 2);
    return fail(ErrorKind::invalid_input, "{}:{}:{}: not JSON: {}", origin, line, column, what);
  }
  auto bad = [&](const std::string& why) {
    return fail(ErrorKind::invalid_input, "{}:1:1: not a tailor.lock: {}; `tailor resolve` writes it again", origin,
                why);
  };
  if (!doc.is_object()) return bad("expected a JSON object");
  ProjectLock lock;
  const auto version = doc.find("lock_version");
  if (version == doc.end() || !version->is_number_integer()) return bad("no lock_version");
  lock.lock_version = version->get<int>();
  if (lock.lock_version != k_project_lock_version)
    return bad(fmt::format("lock_version {} (this tailor reads {})", lock.lock_version, k_project_lock_version));
  const auto hash = doc.find("tools_hash");
  if (hash == doc.end() || !hash->is_string()) return bad("no tools_hash");
  lock.tools_hash = hash->get<std::string>();
  const auto targets = doc.find("targets");
  if (targets == doc.end() || !targets->is_array()) return bad("no targets list");
  for (const auto& target : *targets) {
    if (!target.is_string()) return bad("a target that is not a string");
    lock.targets.push_back(target.get<std::string>());
  }
  const auto entries = doc.find("entries");
  if (entries == doc.end() || !entries->is_array()) return bad("no entries list");
  for (const auto& item : *entries) {
    if (!item.is_object()) return bad("an entry that is not an object");
    ProjectLockEntry entry;
    for (const char* key : {"tool", "request", "target"}) {
      auto it = item.find(key);
      if (it == item.end() || !it->is_string()) return bad(fmt::format("an entry without {}", key));
    }
    entry.tool = item["tool"].get<std::string>();
    entry.request = item["request"].get<std::string>();
    entry.target = item["target"].get<std::string>();
    auto plan = item.find("plan");
    if (plan == item.end() || !plan->is_object())
      return bad(fmt::format("the entry {} {} has no plan", entry.tool, entry.target));
    entry.plan = *plan;
    lock.entries.push_back(std::move(entry));
  }
  return lock;
}

Result<ProjectLock> read_project_lock(const std::filesystem::path& path) {
  auto text = util::read_file(path, 64u << 20);
  if (!text) return fail(text.error());
  return parse_project_lock(*text, path.string());
}

const ProjectLockEntry* find_lock_entry(const ProjectLock& lock, std::string_view tool, std::string_view target) {
  for (const auto& entry : lock.entries) {
    if (entry.tool == tool && entry.target == target) return &entry;
  }
  return nullptr;
}

std::optional<std::string> pick_lock_target(const ProjectLock& lock, const platform::Facts& machine) {
  std::optional<std::string> best;
  platform::FactOverrides best_target;
  for (const auto& text : lock.targets) {
    auto target = parse_lock_target(text);
    if (!target || !target_covers(*target, machine)) continue;
    bool better = !best || specificity(*target) > specificity(best_target) ||
                  (specificity(*target) == specificity(best_target) && (*target)[Fact::gpu_driver] &&
                   best_target[Fact::gpu_driver] &&
                   util::compare_dotted_versions(*(*target)[Fact::gpu_driver], *best_target[Fact::gpu_driver]) > 0);
    if (better) {
      best = text;
      best_target = *target;
    }
  }
  return best;
}

}  // namespace tailor::project
