// The executors of the steps that run once a build is in its version directory, the catalog's
// `placed` actions (docs/actions.md, "Steps that run in place"): install_shell_init and
// install_program_files. Both read the installed tree, never the work directory, so that what
// they write names the paths the tool really has.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>

#include <fmt/format.h>

#include "install/safe_path.hpp"
#include "install/step_params.hpp"
#include "install/steps.hpp"
#include "install/subprocess.hpp"
#include "recipe/action_behaviour.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

namespace tailor::install {
namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using recipe::ActionKind;
namespace {

constexpr std::array<std::string_view, 2> k_default_shells = {"bash", "zsh"};
constexpr auto k_init_command_timeout = std::chrono::seconds(30);

// A target names a file: a letter or '_' first, then letters, digits, '.', '_' and '-'.
bool valid_target(std::string_view target) {
  auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  auto rest = [&](char c) { return letter(c) || (c >= '0' && c <= '9') || c == '.' || c == '-'; };
  return !target.empty() && letter(target[0]) && std::all_of(target.begin() + 1, target.end(), rest);
}

Result<std::vector<std::string>> shells_of(const Json& params) {
  auto it = params.find("shells");
  if (it == params.end() || !it->is_array() || it->empty())
    return std::vector<std::string>(k_default_shells.begin(), k_default_shells.end());
  std::vector<std::string> shells;
  for (const auto& shell : *it) {
    std::string name = shell.is_string() ? shell.get<std::string>() : shell.dump();
    if (name != "bash" && name != "zsh" && name != "fish")
      return fail(ErrorKind::install, "install_shell_init: unsupported shell '{}' (supported: bash, zsh, fish)", name);
    shells.push_back(std::move(name));
  }
  return shells;
}

// Writes `text` as the fragment `name` in <version>/.tailor/shell, replacing what was there.
Status write_fragment(const PlacedContext& ctx, const std::string& name, std::string_view text) {
  auto root = open_root(ctx.version_dir.string());
  if (!root) return fail(root.error());
  auto dir = open_dir_beneath(*root, {".tailor", "shell"}, true);
  if (!dir) return fail(dir.error());
  auto out = create_file_beneath(*dir, {name});
  if (!out) return fail(out.error());
  FileFd file(*out);
  if (::write(file.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()) ||
      ::fchmod(file.get(), 0644) != 0)
    return fail(ErrorKind::install, "cannot write {}: {}", shell_fragment(ctx.version_dir, name, "").string(),
                std::strerror(errno));
  return {};
}

// A fragment left by the release itself (or an earlier run) is never sourced in its place.
void drop_fragment(const PlacedContext& ctx, const std::string& target, const std::string& shell) {
  std::error_code ec;
  fs::remove(shell_fragment(ctx.version_dir, target, shell), ec);
}

Result<std::string> read_beneath(const fs::path& root_dir, const std::string& relative, std::string_view what) {
  auto parts = clean_relative(relative, what);
  if (!parts) return fail(ErrorKind::install, "{}", parts.error().message);
  auto root = open_root(root_dir.string());
  if (!root) return fail(root.error());
  auto in = open_file_beneath(*root, *parts);
  if (!in) return fail(ErrorKind::install, "{} {}: {}", what, relative, in.error().message);
  FileFd file(*in);
  std::string text;
  std::array<char, 8192> buffer{};
  for (ssize_t n; (n = ::read(file.get(), buffer.data(), buffer.size())) > 0;) text.append(buffer.data(), size_t(n));
  return text;
}

// The program of a source_command: a path inside the version directory, or a bare name found in
// its bin/ or at its top. Nothing outside the installed tree runs, symlinks resolved.
Result<std::string> init_program(const PlacedContext& ctx, const std::string& first) {
  std::error_code ec;
  const fs::path root = fs::canonical(ctx.version_dir, ec);
  if (ec) return fail(ErrorKind::install, "install_shell_init: {}: {}", ctx.version_dir.string(), ec.message());
  std::vector<fs::path> candidates;
  if (first.find('/') != std::string::npos)
    candidates.push_back(fs::path(first).is_absolute() ? fs::path(first) : ctx.version_dir / first);
  else
    candidates = {ctx.version_dir / "bin" / first, ctx.version_dir / first};
  for (const fs::path& candidate : candidates) {
    const fs::path real = fs::canonical(candidate, ec);
    if (ec) continue;
    const auto [end, unused] = std::mismatch(root.begin(), root.end(), real.begin(), real.end());
    if (end != root.end())
      return fail(ErrorKind::install, "install_shell_init: '{}' is outside {}", first, ctx.version_dir.string());
    return real.string();
  }
  return fail(ErrorKind::install, "install_shell_init: '{}' is not in {}", first, ctx.version_dir.string());
}

// One shell's output of a source_command; nullopt (with a warning) when it fails or says nothing.
Result<std::optional<std::string>> run_init_command(const PlacedContext& ctx, const std::string& command,
                                                    const std::string& shell) {
  std::string line = util::replace_all(command, "{install_dir}", ctx.version_dir.string());
  line = util::replace_all(line, "{shell}", shell);
  std::vector<std::string> argv = util::split_whitespace(line);
  if (argv.empty()) return fail(ErrorKind::install, "install_shell_init: source_command is empty");
  auto program = init_program(ctx, argv[0]);
  if (!program) return fail(program.error());
  argv[0] = *program;
  std::vector<std::string> path = {(ctx.version_dir / "bin").string()};
  path.insert(path.end(), ctx.path_dirs.begin(), ctx.path_dirs.end());
  path.push_back(search_path());
  util::ProcessOptions options;
  options.env["PATH"] = util::join(path, ":");
  options.cwd = ctx.version_dir.string();
  options.output = util::ChildOutput::capture_stdout;
  options.timeout = k_init_command_timeout;
  options.shell_fallback = true;
  auto result = util::run_process(argv, options);
  if (!result) return fail(result.error());
  std::string why;
  if (result->timed_out)
    why = "it ran past 30 s";
  else if (result->exit_code != 0)
    why = fmt::format("it exited with {}", result->exit_code);
  else if (result->output.empty())
    why = "it printed nothing";
  if (why.empty()) return std::optional<std::string>(std::move(result->output));
  ctx.output->warn("{}@{}: no {} init: `{}` failed ({}); the other shells are set up", ctx.tool, ctx.version, shell,
                   line, why);
  return std::optional<std::string>();
}

}  // namespace

Status install_shell_init(const Json& params, const PlacedContext& ctx) {
  const std::string target = string_param(params, "target");
  if (!valid_target(target))
    return fail(ErrorKind::install,
                "install_shell_init: target '{}' is not a file name (a letter or '_' first, then "
                "letters, digits, '.', '_' or '-')",
                target);
  auto shells = shells_of(params);
  if (!shells) return fail(shells.error());
  const std::string source_file = string_param(params, "source_file");
  const std::string source_command = string_param(params, "source_command");
  if (source_file.empty() == source_command.empty())
    return fail(ErrorKind::install, "install_shell_init needs exactly one of 'source_file' and 'source_command'");
  for (const std::string& shell : *shells) {
    drop_fragment(ctx, target, shell);
    std::optional<std::string> text;
    if (!source_file.empty()) {
      auto read = read_beneath(ctx.version_dir, util::replace_all(source_file, "{shell}", shell),
                               "install_shell_init source_file");
      if (!read) return fail(read.error());
      text = std::move(*read);
    } else {
      auto ran = run_init_command(ctx, source_command, shell);
      if (!ran) return fail(ran.error());
      text = std::move(*ran);
    }
    if (!text) continue;
    if (auto st = write_fragment(ctx, fmt::format("{}.{}", target, shell), *text); !st) return st;
  }
  return {};
}

namespace {

// The file name a program file gets in the data directory: `dest` when given, else the base
// name of the source.
std::string program_file_name(const Json& entry, std::string& source) {
  source = entry.is_string() ? entry.get<std::string>() : string_param(entry, "src");
  std::string dest = entry.is_object() ? string_param(entry, "dest") : "";
  return fs::path(dest.empty() ? source : dest).filename().string();
}

// What place_program_file accepts: a clean relative source and a plain file name.
bool placeable(const std::string& source, const std::string& name) {
  auto parts = clean_relative(source, "install_program_files file");
  return parts && !parts->empty() && !name.empty() && name != "." && name != "..";
}

// Copies one file of the installed tree into the data directory: a new file renamed over the
// old, so a program running from there never reads half of one. The mode follows the source's
// execute bit, never the archive's other bits.
Status place_program_file(const PlacedContext& ctx, const DirFd& data, const Json& entry) {
  std::string source;
  const std::string name = program_file_name(entry, source);
  if (!placeable(source, name))
    return fail(ErrorKind::install, "install_program_files: '{}' is not a relative path to a file", source);
  auto parts = clean_relative(source, "install_program_files file");
  auto root = open_root(ctx.version_dir.string());
  if (!root) return fail(root.error());
  auto in = open_file_beneath(*root, *parts);
  if (!in) return fail(ErrorKind::install, "install_program_files: {}: {}", source, in.error().message);
  FileFd in_fd(*in);
  struct stat st {};
  if (::fstat(in_fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
    return fail(ErrorKind::install, "install_program_files: {} is not a regular file", source);
  const std::string temporary = "." + name + ".tailor-new";
  auto out = create_file_beneath(data, {temporary});
  if (!out) return fail(out.error());
  FileFd out_fd(*out);
  if (auto copied = copy_fd(in_fd.get(), out_fd.get(), name); !copied) return copied;
  ::fchmod(out_fd.get(), (st.st_mode & 0111) != 0 ? 0755 : 0644);
  if (::renameat(data.get(), temporary.c_str(), data.get(), name.c_str()) != 0) {
    const int error = errno;
    ::unlinkat(data.get(), temporary.c_str(), 0);
    return fail(ErrorKind::install, "install_program_files: cannot place {}: {}", name, std::strerror(error));
  }
  return {};
}

}  // namespace

Status install_program_files(const Json& params, const PlacedContext& ctx) {
  auto files = params.find("files");
  if (files == params.end() || !files->is_array() || files->empty())
    return fail(ErrorKind::install, "install_program_files needs a non-empty 'files' list");
  std::error_code ec;
  fs::create_directories(ctx.data_dir, ec);
  fs::permissions(ctx.data_dir, fs::perms::owner_all, ec);
  auto data = open_root(ctx.data_dir.string());
  if (!data) return fail(data.error());
  for (const auto& entry : *files)
    if (auto st = place_program_file(ctx, *data, entry); !st) return st;
  return {};
}

bool has_placed_executor(recipe::ActionKind kind) { return recipe::action_behaviour(kind).place != nullptr; }

namespace {

// The parameters of each install_program_files step of a recorded plan.
std::vector<Json> program_file_steps(const nlohmann::json& plan) {
  std::vector<Json> out;
  if (!plan.is_object() || !plan.contains("steps") || !plan["steps"].is_array()) return out;
  for (const auto& step : plan["steps"]) {
    if (!step.is_object() || !recipe::is_action(step.value("action", ""), ActionKind::install_program_files)) continue;
    Json params = step.contains("params") ? Json(step["params"]) : Json::object();
    if (params.contains("files") && params["files"].is_array()) out.push_back(std::move(params));
  }
  return out;
}

}  // namespace

std::vector<std::string> placed_program_files(const nlohmann::json& plan) {
  std::vector<std::string> names;
  for (const Json& params : program_file_steps(plan)) {
    for (const auto& entry : params["files"]) {
      std::string source;
      std::string name = program_file_name(entry, source);
      if (placeable(source, name)) names.push_back(std::move(name));
    }
  }
  return names;
}

Status place_program_files(const nlohmann::json& plan, const PlacedContext& context) {
  for (const Json& params : program_file_steps(plan))
    if (auto st = install_program_files(params, context); !st) return st;
  return {};
}

fs::path shell_fragment(const fs::path& version_dir, std::string_view target, std::string_view shell) {
  std::string name(target);
  if (!shell.empty()) name += "." + std::string(shell);
  return version_dir / ".tailor" / "shell" / name;
}

Status run_placed_step(const plan::PlanStep& step, const PlacedContext& context) {
  const std::optional<ActionKind> kind = recipe::action_kind(step.action);
  if (!kind) return {};
  auto place = recipe::action_behaviour(*kind).place;
  if (place == nullptr) return {};
  context.output->debug("{}@{}: {} in {}", context.tool, context.version, step.action, context.version_dir.string());
  return place(plan::to_ordered(step.params), context);
}

}  // namespace tailor::install
