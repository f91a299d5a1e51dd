// The actions that place files in the work directory and the install directory: extract,
// chmod, install_binaries, install_libraries, set_env, set_rpath, link_dependencies, and
// text_replace, which this tailor plans but cannot run (docs/actions.md).
#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "actions/action.hpp"
#include "install/pause.hpp"
#include "install/safe_path.hpp"
#include "install/step_params.hpp"
#include "install/subprocess.hpp"
#include "recipe/validate_actions.hpp"
#include "util/fs.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

namespace tailor::actions {
namespace {

using namespace recipe::detail;
using namespace install;

// Parameter checks (tailor validate)

void check_extract(const StepCheck& s) {
  if (s.str("archive").empty()) s.error("extract requires a string 'archive' parameter");
}

void check_chmod(const StepCheck& s) {
  if (!s.has("files"))
    s.error("chmod requires 'files' parameter");
  else if (s.missing("files"))
    s.error("chmod 'files' must not be empty");
  const nlohmann::json* mode = param(s.step, "mode");
  if (mode == nullptr) return;
  long bits = -1;
  if (mode->is_string()) {
    const std::string& text = mode->get_ref<const std::string&>();
    char* end = nullptr;
    long value = std::strtol(text.c_str(), &end, 8);
    if (!text.empty() && end != nullptr && *end == '\0') bits = value;
  } else if (mode->is_number_integer()) {
    bits = mode->get<long>();
  }
  if (bits >= 0 && (bits & 02) != 0) s.warning(fmt::format("mode {} makes files world-writable", mode->dump()));
}

void check_install_binaries(const StepCheck& s) {
  const std::string mode = s.str("install_mode");
  if (mode != "directory" && mode != "directory_wrapped") {
    if (!s.has("outputs") && !s.has("binaries"))
      s.error("install_binaries requires 'outputs' (or legacy 'binaries')");
    else if ((s.has("outputs") && s.missing("outputs")) || (s.has("binaries") && s.missing("binaries")))
      s.error("install_binaries 'outputs'/'binaries' must not be empty");
  }
  if (s.has("outputs") && s.has("binaries")) s.error("install_binaries accepts 'outputs' or 'binaries', not both");
  if (s.has("binary")) s.error("install_binaries does not accept 'binary'; use 'outputs'");
}

void check_set_env(const StepCheck& s) {
  const nlohmann::json* vars = param(s.step, "vars");
  if (vars == nullptr) return s.error("set_env requires 'vars' parameter");
  if (!vars->is_array() || vars->empty())
    return s.error("set_env 'vars' must be a non-empty array of {name, value} tables");
  for (const auto& entry : *vars) {
    bool ok = entry.is_object() && entry.contains("name") && entry["name"].is_string() &&
              !entry["name"].get_ref<const std::string&>().empty() && entry.contains("value") &&
              entry["value"].is_string();
    if (!ok) return s.error("set_env 'vars' entries must be tables with string 'name' and 'value'");
  }
}

// Execution

// Copies a file from the work tree into .install; both paths are anchored, no symlink on the way.
Status copy_into_install(const StepContext& ctx, const std::string& src, const std::string& dest, int mode) {
  auto src_parts = clean_relative(src, "install_binaries source");
  auto dest_parts = clean_relative(dest, "install_binaries destination");
  if (!src_parts) return fail(src_parts.error());
  if (!dest_parts) return fail(dest_parts.error());
  auto root = open_root(ctx.work.string());
  if (!root) return fail(root.error());
  auto in = open_file_beneath(*root, *src_parts);
  if (!in)
    return fail(ErrorKind::install, "{}@{}: cannot install {}: {}", ctx.tool, ctx.version, src, in.error().message);
  FileFd in_fd(*in);
  struct stat st {};
  ::fstat(in_fd.get(), &st);
  std::vector<std::string> target = *dest_parts;
  target.insert(target.begin(), ".install");
  const util::ExecutableWrite writing;  // no child starts while the file is open (util/process.hpp)
  auto out = create_file_beneath(*root, target);
  if (!out) return fail(out.error());
  FileFd out_fd(*out);
  if (auto c = copy_fd(in_fd.get(), out_fd.get(), dest); !c) return c;
  ::fchmod(out_fd.get(), static_cast<mode_t>(mode >= 0 ? mode : static_cast<int>(st.st_mode & 0777)));
  return {};
}

Status extract(const ordered_json& params, StepContext& ctx) {
  auto archive = clean_relative(string_param(params, "archive"), "extract archive");
  auto dest = clean_relative(string_param(params, "dest", "."), "extract dest");
  if (!archive || archive->empty()) return fail(ErrorKind::invalid_input, "extract step needs a relative archive name");
  if (!dest) return fail(dest.error());
  auto root = open_root(ctx.work.string());
  if (!root) return fail(root.error());
  if (auto d = open_dir_beneath(*root, *dest, true); !d) return fail(d.error());
  ExtractOptions options;
  options.format = string_param(params, "format");
  options.strip_dirs = params.value("strip_dirs", 0);
  options.files = string_list(params, "files");
  options.limits = ctx.limits;
  options.on_entry = [paused = false](uint64_t) mutable {
    if (!paused) pause_point("during_extract");
    paused = true;
  };
  pause_point("before_extract");
  auto report = extract_archive(ctx.work / join_path(*archive), ctx.work / join_path(*dest), options);
  if (!report) return fail(report.error());
  ctx.unpacked_archives.insert(join_path(*archive));
  for (const auto& note : report->notes) ctx.output->warn("{}", note);
  return {};
}

Status chmod_files(const ordered_json& params, StepContext& ctx) {
  int mode = 0755;
  if (auto it = params.find("mode"); it != params.end()) {
    if (it->is_number_integer())
      mode = it->get<int>();
    else if (it->is_string())
      mode = static_cast<int>(std::stoul(it->get<std::string>(), nullptr, 8));
  }
  auto root = open_root(ctx.work.string());
  if (!root) return fail(root.error());
  for (const auto& file : string_list(params, "files")) {
    auto parts = clean_relative(file, "chmod file");
    if (!parts) return fail(parts.error());
    auto fd = open_file_beneath(*root, *parts);
    if (!fd) return fail(ErrorKind::install, "{}@{}: chmod {}: {}", ctx.tool, ctx.version, file, fd.error().message);
    ::fchmod(*fd, static_cast<mode_t>(mode & 0777));
    ::close(*fd);
  }
  return {};
}

// One file of the work directory into .install: a hard link when the work directory holds the
// only name of it (nothing is copied, however large), a copy when the download cache shares
// its inode, so the installed file and the cache entry can never change each other.
Status place_file(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  if (fs::exists(to, ec) && fs::equivalent(from, to, ec)) return {};  // placed by an earlier install step
  fs::remove(to, ec);
  struct stat st {};
  if (::lstat(from.c_str(), &st) == 0 && st.st_nlink == 1 && ::link(from.c_str(), to.c_str()) == 0) return {};
  const util::ExecutableWrite writing;  // a copy may be executed later (util/process.hpp)
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  if (ec) return fail(ErrorKind::install, "cannot copy {} into the install directory: {}", from.string(), ec.message());
  return {};
}

// install_mode "directory" (docs/install.md, "Directory installs"): the work directory's tree
// becomes the install directory, without the archives extract steps unpacked. A recipe with
// several directory steps (a build and its runtime companion) runs this once per step; what an
// earlier step placed stays and is not placed again.
Status copy_tree_into_install(StepContext& ctx) {
  std::error_code ec;
  const fs::path install = ctx.work / ".install";
  for (auto it = fs::recursive_directory_iterator(ctx.work, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const fs::path rel = it->path().lexically_relative(ctx.work);
    if (rel == ".install" || ctx.unpacked_archives.contains(rel.generic_string())) {
      it.disable_recursion_pending();
      continue;
    }
    const fs::path to = install / rel;
    std::error_code e;
    if (it->is_symlink(e)) {
      fs::remove(to, e);
      fs::copy_symlink(it->path(), to, e);
    } else if (it->is_directory(e)) {
      fs::create_directory(to, e);
    } else if (auto st = place_file(it->path(), to); !st) {
      return st;
    }
    if (e) return fail(ErrorKind::install, "cannot place {} into the install directory: {}", rel.string(), e.message());
  }
  if (ec) return fail(ErrorKind::install, "cannot read the work directory {}: {}", ctx.work.string(), ec.message());
  return {};
}

Status install_binaries(const ordered_json& params, StepContext& ctx) {
  if (params.contains("outputs") && params.contains("binaries") && !params["binaries"].is_null()) {
    return fail(ErrorKind::invalid_input, "install_binaries has both outputs and binaries");
  }
  ordered_json outputs =
      params.contains("outputs") ? params["outputs"] : params.value("binaries", ordered_json::array());
  if (outputs.is_null()) outputs = ordered_json::array();
  std::string mode = string_param(params, "install_mode", "binaries");
  std::vector<std::string> executables = string_list(params, "executables");
  if (mode == "directory") {
    if (auto st = copy_tree_into_install(ctx); !st) return st;
    for (const auto& o : outputs)
      ctx.binaries.push_back(o.is_string() ? o.get<std::string>() : string_param(o, "dest", string_param(o, "src")));
  } else if (mode == "binaries") {
    if (outputs.empty()) return fail(ErrorKind::invalid_input, "install_binaries in binaries mode needs outputs");
    for (const auto& o : outputs) {
      std::string src = o.is_string() ? o.get<std::string>() : string_param(o, "src");
      std::string dest = o.is_string() ? "bin/" + fs::path(src).filename().string() : string_param(o, "dest", src);
      bool executable = executables.empty()
                            ? dest.starts_with("bin/")
                            : std::find(executables.begin(), executables.end(), dest) != executables.end();
      if (auto st = copy_into_install(ctx, src, dest, executable ? 0755 : -1); !st) return st;
      ctx.binaries.push_back(dest);
    }
  } else {
    return fail(ErrorKind::install, "install_mode '{}' is not implemented (use binaries or directory)", mode);
  }
  ctx.extra_path.push_back((ctx.work / ".install" / "bin").string());
  return {};
}

Status set_env(const ordered_json& params, StepContext& ctx) {
  std::string text;
  auto vars = params.find("vars");
  if (vars != params.end() && vars->is_object()) {
    for (const auto& [k, v] : vars->items())
      text += fmt::format("export {}=\"{}\"\n", k, v.is_string() ? v.get<std::string>() : v.dump());
  } else if (vars != params.end() && vars->is_array()) {
    for (const auto& v : *vars) {
      if (v.is_string())
        text += "export " + v.get<std::string>() + "\n";
      else
        text += fmt::format("export {}=\"{}\"\n", string_param(v, "name"), string_param(v, "value"));
    }
  }
  fs::create_directories(ctx.work / ".install" / ".tailor");
  std::ofstream(ctx.work / ".install" / ".tailor" / "env", std::ios::app) << text;
  return {};
}

Status install_libraries(const ordered_json& params, StepContext& ctx) {
  std::error_code ec;
  auto patterns = string_list(params, "patterns");
  int copied = 0;
  for (auto it = fs::recursive_directory_iterator(ctx.work, ec); it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    std::string rel = fs::relative(it->path(), ctx.work, ec).string();
    if (rel.starts_with(".install")) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_directory() && !it->is_symlink()) continue;
    for (const auto& pattern : patterns) {
      if (::fnmatch(pattern.c_str(), rel.c_str(), 0) != 0 &&
          ::fnmatch(pattern.c_str(), it->path().filename().c_str(), 0) != 0)
        continue;
      fs::path target = ctx.work / ".install" / rel;
      fs::create_directories(target.parent_path(), ec);
      const util::ExecutableWrite writing;
      fs::copy(it->path(), target, fs::copy_options::copy_symlinks | fs::copy_options::overwrite_existing, ec);
      if (ec) return fail(ErrorKind::install, "cannot install library {}: {}", rel, ec.message());
      ++copied;
      break;
    }
  }
  if (copied == 0)
    return fail(ErrorKind::install, "{}@{}: install_libraries matched no file ({})", ctx.tool, ctx.version,
                util::join(patterns, ", "));
  return {};
}

Status set_rpath(const ordered_json& params, StepContext& ctx) {
  std::string rpath = string_param(params, "rpath", "$ORIGIN/../lib");
  std::string patchelf = util::find_on_path("patchelf", search_path());
  for (const auto& binary : string_list(params, "binaries")) {
    fs::path file = ctx.work / ".install" / binary;
    if (!fs::exists(file)) file = ctx.work / binary;
    std::ifstream in(file, std::ios::binary);
    char magic[4] = {};
    in.read(magic, 4);
    if (std::string_view(magic, 4) !=
        "\x7f"
        "ELF") {
      ctx.output->info("note: set_rpath skipped for {}: not an ELF file", binary);
      continue;
    }
    if (patchelf.empty()) return fail(ErrorKind::install, "set_rpath needs patchelf on PATH to change {}", binary);
    ProcessOptions options;
    options.timeout = std::chrono::seconds(60);
    auto result = run_process({patchelf, "--set-rpath", rpath, file.string()}, options);
    if (!result || result->exit_code != 0)
      return fail(ErrorKind::install, "patchelf failed on {}: {}", binary,
                  result ? result->output : result.error().message);
  }
  return {};
}

// Dependencies live in their own version directories and are put on PATH by the executor;
// nothing is copied into this tool's tree.
Status link_dependencies(const ordered_json& params, StepContext& ctx) {
  ctx.output->debug("link_dependencies {}: resolved through the dependency's directory",
                    string_param(params, "library"));
  return {};
}

}  // namespace

using recipe::ActionKind;
using recipe::behaviour_for;

constexpr recipe::ActionBehaviour k_chmod =
    behaviour_for(ActionKind::chmod, {.check = check_chmod, .execute = params_only<chmod_files>});
constexpr recipe::ActionBehaviour k_extract =
    behaviour_for(ActionKind::extract, {.check = check_extract, .execute = params_only<extract>});
constexpr recipe::ActionBehaviour k_install_binaries = behaviour_for(
    ActionKind::install_binaries, {.check = check_install_binaries, .execute = params_only<install_binaries>});
constexpr recipe::ActionBehaviour k_install_libraries =
    behaviour_for(ActionKind::install_libraries, {.execute = params_only<install_libraries>});
constexpr recipe::ActionBehaviour k_link_dependencies =
    behaviour_for(ActionKind::link_dependencies, {.execute = params_only<link_dependencies>});
constexpr recipe::ActionBehaviour k_set_env =
    behaviour_for(ActionKind::set_env, {.check = check_set_env, .execute = params_only<set_env>});
constexpr recipe::ActionBehaviour k_set_rpath =
    behaviour_for(ActionKind::set_rpath, {.execute = params_only<set_rpath>});
constexpr recipe::ActionBehaviour k_text_replace = behaviour_for(ActionKind::text_replace, {});

}  // namespace tailor::actions
