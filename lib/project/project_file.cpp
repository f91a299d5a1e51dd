#include "project/project_file.hpp"

#include <algorithm>

#include <toml++/toml.h>
#include <nlohmann/json.hpp>

#include "plan/backend.hpp"
#include "project/project_lock.hpp"
#include "recipe/request.hpp"
#include "registry/source_ref.hpp"
#include "util/canonical_json.hpp"
#include "util/fs.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"
#include "util/toml_limits.hpp"

namespace tailor::project {
namespace fs = std::filesystem;

namespace {

// Collects `FILE:LINE:COL: message` lines; a file is checked whole before it is refused.
struct Diagnostics {
  std::string path;
  std::vector<std::string> lines;
  void add(const toml::source_region& where, const std::string& message) {
    if (where.begin.line == 0) {
      lines.push_back(fmt::format("{}: {}", path, message));
    } else {
      lines.push_back(fmt::format("{}:{}:{}: {}", path, where.begin.line, where.begin.column, message));
    }
  }
};

void read_tool(const std::string& name, const toml::node& value, ProjectTool& tool, Diagnostics& diag) {
  tool.name = name;
  if (name.find('@') != std::string::npos) {
    diag.add(value.source(), fmt::format("tool '{}': put the version in the value (\"{}\" = \"{}\")", name,
                                         name.substr(0, name.find('@')), name.substr(name.find('@') + 1)));
    return;
  }
  if (auto checked = registry::check_tool_or_source(name); !checked) {
    diag.add(value.source(), fmt::format("tool '{}': {}", name, checked.error().message));
    return;
  }
  if (const auto* text = value.as_string()) {
    tool.version = text->get();
  } else if (const auto* table = value.as_table()) {
    for (const auto& [key, field] : *table) {
      const std::string field_name(key.str());
      if (field_name != "version" && field_name != "backend") {
        diag.add(field.source(),
                 fmt::format("tool '{}': unknown key '{}' (a tool takes version and backend)", name, field_name));
        continue;
      }
      const auto* field_text = field.as_string();
      if (field_text == nullptr) {
        diag.add(field.source(), fmt::format("tool '{}': {} must be a string", name, field_name));
        continue;
      }
      (field_name == "version" ? tool.version : tool.backend) = field_text->get();
    }
  } else {
    diag.add(value.source(), fmt::format("tool '{}': expected a version string (\"14\") or a table "
                                         "({{ version = \"b6500\", backend = \"auto\" }})",
                                         name));
    return;
  }
  if (tool.version == "latest") tool.version.clear();
  if (!tool.version.empty()) {
    if (auto checked = recipe::check_version_request(tool.version); !checked)
      diag.add(value.source(), fmt::format("tool '{}': {}", name, checked.error().message));
  }
  tool.backend = util::to_lower(tool.backend);
  if (auto checked = plan::check_backend_name(tool.backend); !checked)
    diag.add(value.source(), fmt::format("tool '{}': {}", name, checked.error().message));
}

void read_targets(const toml::node& node, ProjectFile& project, Diagnostics& diag) {
  const auto* array = node.as_array();
  if (array == nullptr) {
    diag.add(node.source(), "[lock] targets must be an array of strings such as \"linux/amd64/debian:nvidia:580\"");
    return;
  }
  for (const auto& element : *array) {
    const auto* text = element.as_string();
    if (text == nullptr) {
      diag.add(element.source(), "[lock] targets must be strings such as \"linux/arm64\"");
      continue;
    }
    auto parsed = parse_lock_target(text->get());
    if (!parsed) {
      diag.add(element.source(), parsed.error().message);
      continue;
    }
    project.targets.push_back(format_lock_target(*parsed));
  }
}

}  // namespace

std::string ProjectTool::request() const { return name + "@" + (version.empty() ? "latest" : version); }

std::string ProjectTool::install_name() const { return version.empty() ? name : name + "@" + version; }

fs::path ProjectFile::lock_path() const { return path.parent_path() / k_lock_file; }

std::optional<fs::path> find_project_file(const fs::path& start) {
  std::error_code ec;
  fs::path dir = fs::absolute(start, ec).lexically_normal();
  if (ec) return std::nullopt;
  if (dir.filename().empty()) dir = dir.parent_path();  // "/x/" after normalising "/x/."

  while (true) {
    for (std::string_view name : {k_project_file, k_tsuku_file}) {
      fs::path candidate = dir / name;
      if (fs::is_regular_file(candidate, ec)) return candidate;
    }
    if (!dir.has_parent_path() || dir.parent_path() == dir) return std::nullopt;
    dir = dir.parent_path();
  }
}

Result<ProjectFile> read_project_file(const fs::path& path) {
  auto text = util::read_file(path, 1 << 20);
  if (!text) return fail(text.error());
  ProjectFile project;
  project.path = path;
  project.tsuku = path.filename() == k_tsuku_file;
  const std::string shown = path.string();
  if (auto exceeded = util::check_toml_limits(*text)) {
    return fail(ErrorKind::invalid_input, "{}:{}:{}: {}", shown, exceeded->line, exceeded->column, exceeded->message);
  }
  toml::table root;
  try {
    root = toml::parse(*text, shown);
  } catch (const toml::parse_error& e) {
    return fail(ErrorKind::invalid_input, "{}:{}:{}: {}", shown, e.source().begin.line, e.source().begin.column,
                e.description());
  }
  Diagnostics diag{shown, {}};
  for (const auto& [key, node] : root) {
    const std::string name(key.str());
    if (name == "tools") {
      const auto* tools = node.as_table();
      if (tools == nullptr) {
        diag.add(node.source(), "tools must be a table: [tools]");
        continue;
      }
      if (project.tsuku && tools->size() > k_max_tsuku_tools) {
        diag.add(node.source(), fmt::format("[tools] lists {} tools; a .tsuku.toml may list at most {}", tools->size(),
                                            k_max_tsuku_tools));
        continue;
      }
      for (const auto& [tool_key, value] : *tools) {
        ProjectTool tool;
        read_tool(std::string(tool_key.str()), value, tool, diag);
        project.tools.push_back(std::move(tool));
      }
    } else if (name == "lock" && !project.tsuku) {
      const auto* lock = node.as_table();
      if (lock == nullptr) {
        diag.add(node.source(), "lock must be a table: [lock]");
        continue;
      }
      for (const auto& [lock_key, value] : *lock) {
        if (lock_key.str() == "targets") {
          read_targets(value, project, diag);
        } else {
          diag.add(value.source(), fmt::format("unknown key '{}' in [lock] (it takes targets)", lock_key.str()));
        }
      }
    } else if (!project.tsuku) {
      diag.add(node.source(), fmt::format("unknown table '{}' (tailor.toml has [tools] and [lock])", name));
    }
  }
  if (!diag.lines.empty()) return fail(ErrorKind::invalid_input, "{}", util::join(diag.lines, "\n"));
  std::sort(project.tools.begin(), project.tools.end(),
            [](const ProjectTool& a, const ProjectTool& b) { return a.name < b.name; });
  std::sort(project.targets.begin(), project.targets.end());
  project.targets.erase(std::unique(project.targets.begin(), project.targets.end()), project.targets.end());
  return project;
}

Result<ProjectFile> load_project(const fs::path& start) {
  auto found = find_project_file(start);
  if (!found) {
    return fail(ErrorKind::usage, "no {} (or {}) in {} or a parent directory; `tailor init` writes one", k_project_file,
                k_tsuku_file, fs::absolute(start).string());
  }
  return read_project_file(*found);
}

std::string tools_hash(const ProjectFile& project) {
  // Keys sorted, a string value and its table form alike: only what planning reads counts.
  nlohmann::json tools = nlohmann::json::object();
  for (const auto& tool : project.tools) tools[tool.name] = {{"backend", tool.backend}, {"version", tool.version}};
  return "sha256:" + util::sha256_hex(util::canonical_json(tools));
}

std::string starter_project_file() {
  return "# Tools of this project (docs/projects.md). `tailor install` installs them;\n"
         "# `tailor resolve` writes tailor.lock, `tailor install --locked` installs from it.\n"
         "[tools]\n"
         "# ripgrep = \"14\"\n"
         "# \"llama.cpp\" = { version = \"b6500\", backend = \"auto\" }\n"
         "\n"
         "[lock]\n"
         "# Targets of tailor.lock besides this machine: os/arch[/family][:gpu[:driver]]\n"
         "targets = []\n";
}

}  // namespace tailor::project
