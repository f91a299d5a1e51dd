#include "install/steps.hpp"

#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "install/ecosystem.hpp"
#include "install/pause.hpp"
#include "install/safe_path.hpp"
#include "install/signature.hpp"
#include "install/step_params.hpp"
#include "install/subprocess.hpp"
#include "install/system_deps.hpp"
#include "recipe/action_table.hpp"
#include "util/fs.hpp"
#include "util/process.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"

namespace tailor::install {
namespace fs = std::filesystem;
using nlohmann::ordered_json;
namespace {

// A detached signature or an armoured public key; real ones are a few kilobytes.
constexpr uint64_t k_max_signature_bytes = 1 << 20;

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

// The detached signature a step names, checked on its downloaded bytes; bytes that fail are
// kept neither in the work directory nor in the download cache.
Status check_signature(const SignatureSpec& spec, const std::string& url, const fs::path& target,
                       const fetch::FetchedFile& fetched, StepContext& ctx) {
  Status verified = [&]() -> Status {
    if (ctx.keyring.empty()) return fail(ErrorKind::internal, "no keyring for the signature of {}", url);
    auto signature = ctx.downloader->fetch_text(spec.url, k_max_signature_bytes);
    if (!signature) return fail(ErrorKind::checksum, "missing signature for {}: {}", url, signature.error().message);
    auto key = ctx.downloader->fetch_text(spec.key_url, k_max_signature_bytes);
    if (!key)
      return fail(ErrorKind::checksum, "cannot check the signature of {}: the key: {}", url, key.error().message);
    return verify_signature(SignatureCheck{ctx.keyring, target, std::move(*signature), std::move(*key), spec, url});
  }();
  if (!verified) {
    std::error_code ec;
    fs::remove(target, ec);
    ctx.downloader->discard(fetched);
  }
  return verified;
}

Status download_file(const plan::PlanStep& step, const ordered_json& params, StepContext& ctx) {
  std::string url = string_param(params, "url", step.url);
  std::string checksum = util::normalize_checksum(string_param(params, "checksum", step.checksum));
  std::string algo = string_param(params, "checksum_algo", "sha256");
  if (checksum.empty()) {
    return fail(ErrorKind::checksum,
                "{}@{}: download_file {} has no checksum; tailor refuses unverified downloads (regenerate the plan)",
                ctx.tool, ctx.version, url);
  }
  auto signature = signature_of(params);
  if (!signature) return fail(signature.error());
  std::string dest = string_param(params, "dest", url.substr(url.rfind('/') + 1));
  auto dest_parts = clean_relative(dest, "download_file dest");
  if (!dest_parts || dest_parts->empty())
    return fail(ErrorKind::invalid_input, "download_file dest '{}' is not a relative file name", dest);
  if (ctx.downloader == nullptr) return fail(ErrorKind::internal, "no downloader configured");
  fetch::FetchRequest request = *download_request(step);
  // A signed artifact is verified before its signature is checked, not in the background.
  request.defer_verification = !signature->has_value();
  auto fetched = ctx.downloader->fetch(request);
  if (!fetched) return fail(fetched.error());
  if (request.expected_size != 0 && fetched->size != request.expected_size) {
    return fail(ErrorKind::checksum, "size mismatch for {}: expected {} bytes, got {}", url, request.expected_size,
                fetched->size);
  }
  // A cache hit named by this very checksum, re-hashed in the background meanwhile. Registered
  // first: a failed re-hash removes the entry, and the executor then reports the checksum
  // rather than the copy below failing.
  if (fetched->verification.valid()) ctx.pending_verifications.emplace_back(url, fetched->verification);
  fs::path target = ctx.work / join_path(*dest_parts);
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  // A hard link to the cache entry costs nothing; copy when the cache is elsewhere.
  if (::link(fetched->path.c_str(), target.c_str()) != 0) {
    fs::copy_file(fetched->path, target, fs::copy_options::overwrite_existing, ec);
    if (ec)
      return fail(ErrorKind::failure, "cannot copy {} into the work directory: {}", fetched->path.string(),
                  ec.message());
  }
  if (fetched->verification.valid()) return {};  // registered above; the executor waits for it
  std::string actual = fetched->sha256;
  if (algo != "sha256" || actual.empty()) {
    auto digest = util::file_digest(target, algo);
    if (!digest) return fail(digest.error());
    actual = *digest;
  }
  if (actual != checksum) {
    fs::remove(target, ec);
    return fail(ErrorKind::checksum, "checksum mismatch for {}: expected {} {}, got {}", url, algo, checksum, actual);
  }
  if (*signature) return check_signature(**signature, url, target, *fetched, ctx);
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

Status apply_patch_file(const ordered_json& params, StepContext& ctx) {
  std::string data = string_param(params, "data");
  if (data.empty()) {
    auto file = clean_relative(string_param(params, "file"), "apply_patch_file file");
    if (!file || file->empty()) return fail(ErrorKind::invalid_input, "apply_patch_file needs file or data");
    std::ifstream in(ctx.work / join_path(*file), std::ios::binary);
    data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  auto subdir = clean_relative(string_param(params, "subdir", "."), "apply_patch_file subdir");
  if (!subdir) return fail(subdir.error());
  int strip = params.value("strip", 1);
  ProcessOptions options;
  options.timeout = std::chrono::seconds(60);
  options.stdin_text = data;
  options.cwd = (ctx.work / join_path(*subdir)).string();
  auto result = run_process({"patch", "-p" + std::to_string(strip), "--batch", "--forward"}, options);
  if (!result) return fail(result.error());
  if (result->exit_code != 0)
    return fail(ErrorKind::install, "{}@{}: patch failed:\n{}", ctx.tool, ctx.version, result->output);
  return {};
}

}  // namespace

std::optional<fetch::FetchRequest> download_request(const plan::PlanStep& step) {
  if (!recipe::is_action(step.action, recipe::ActionKind::download_file)) return std::nullopt;
  const ordered_json params = plan::to_ordered(step.params);
  std::string checksum = util::normalize_checksum(string_param(params, "checksum", step.checksum));
  std::string algo = string_param(params, "checksum_algo", "sha256");
  return fetch::FetchRequest{string_param(params, "url", step.url), string_list(params, "fallback_urls"),
                             algo == "sha256" ? checksum : "", step.size};
}

namespace {

// Dependencies live in their own version directories and are put on PATH by the executor;
// nothing is copied into this tool's tree.
Status link_dependencies(const ordered_json& params, StepContext& ctx) {
  ctx.output->debug("link_dependencies {}: resolved through the dependency's directory",
                    string_param(params, "library"));
  return {};
}

using recipe::ActionKind;
using Executor = Status (*)(const plan::PlanStep& step, const ordered_json& params, StepContext& ctx);

template <Status (*Run)(const ordered_json&, StepContext&)>
Status params_only(const plan::PlanStep&, const ordered_json& params, StepContext& ctx) {
  return Run(params, ctx);
}

// The install layer's table of action behaviour: one executor per action the catalog marks
// `runs` (recipe/action_list.hpp), and none for any other.
constexpr std::pair<ActionKind, Executor> k_executor_rows[] = {
    {ActionKind::apply_patch_file, params_only<apply_patch_file>},
    {ActionKind::cargo_build, params_only<cargo_build>},
    {ActionKind::chmod, params_only<chmod_files>},
    {ActionKind::download_file, download_file},
    {ActionKind::extract, params_only<extract>},
    {ActionKind::gem_exec, params_only<gem_exec>},
    {ActionKind::go_build, params_only<go_build>},
    {ActionKind::install_binaries, params_only<install_binaries>},
    {ActionKind::install_libraries, params_only<install_libraries>},
    {ActionKind::link_dependencies, params_only<link_dependencies>},
    {ActionKind::npm_exec, params_only<npm_exec>},
    {ActionKind::pip_exec, params_only<pip_exec>},
    {ActionKind::set_env, params_only<set_env>},
    {ActionKind::set_rpath, params_only<set_rpath>},
};

constexpr auto k_executors = recipe::make_action_table(k_executor_rows, [](const recipe::ActionTraits& traits) {
  return traits.execution == recipe::ActionExecution::runs ? recipe::TableEntry::required
                                                           : recipe::TableEntry::forbidden;
});

}  // namespace

bool has_executor(recipe::ActionKind kind) { return k_executors.contains(kind) || has_placed_executor(kind); }

Status run_step(const plan::PlanStep& step, StepContext& ctx) {
  const std::string& action = step.action;
  const ordered_json params = plan::to_ordered(step.params);
  ctx.output->debug("{}@{}: {}", ctx.tool, ctx.version, action);
  if (const std::optional<ActionKind> kind = recipe::action_kind(action)) {
    if (Executor run = k_executors[*kind]) return run(step, params, ctx);
    const recipe::ActionExecution execution = recipe::action_traits(*kind).execution;
    if (execution == recipe::ActionExecution::checked || execution == recipe::ActionExecution::placed) return {};
  }
  return fail(ErrorKind::install, "{}@{}: step action '{}' is not supported by this tailor yet", ctx.tool, ctx.version,
              action);
}

}  // namespace tailor::install
