#pragma once
// Executes the primitive steps of a plan (docs/actions.md, "The catalog") inside a work
// directory; what the tool installs goes to <work>/.install.
#include <filesystem>
#include <future>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "fetch/downloader.hpp"
#include "install/extract.hpp"
#include "plan/plan_model.hpp"
#include "recipe/actions.hpp"
#include "util/output.hpp"
#include "util/result.hpp"

namespace tailor::install {

struct StepContext {
  std::filesystem::path work;  // tmp/<name>-<version>-XXXXXX
  std::string tool, version;
  fetch::Downloader* downloader = nullptr;
  ExtractLimits limits;
  const util::Output* output = nullptr;
  std::vector<std::string> binaries;    // linked binaries, relative to the version directory
  std::vector<std::string> extra_path;  // bin directories of dependencies and earlier steps
  // Cache hits whose re-hash still runs (FetchedFile::verification), by URL: the executor
  // waits for all of them before the build leaves its work directory.
  std::vector<std::pair<std::string, std::shared_future<Status>>> pending_verifications;
  std::filesystem::path keyring{};  // Layout::keyring(), for steps that name a signature
  // Ecosystem steps (docs/install.md, "Ecosystem installs"): the installed dependencies by tool
  // name (tools/<name>-<version>), where a failed build's log goes ($TAILOR_HOME/logs), and
  // the package registries of config.toml's `ecosystem.*` keys ("npm" -> URL; absent: default).
  std::map<std::string, std::filesystem::path> dependency_dirs{};
  std::filesystem::path logs_dir{};
  std::map<std::string, std::string> ecosystem_registries{};
  // Archives an extract step unpacked, relative to `work`: a directory install leaves them out.
  std::set<std::string> unpacked_archives{};
};

// The download a `download_file` step asks for (nullopt for other actions); the executor
// fetches these for a whole plan up front, in parallel.
std::optional<fetch::FetchRequest> download_request(const plan::PlanStep& step);

// True when this tailor can run steps of `kind` (the catalog marks them `runs` or `placed`).
bool has_executor(recipe::ActionKind kind);

// Runs one step in the work directory. System steps and require_command were checked before
// anything started, and `placed` steps run later (run_placed_step): both are skipped here;
// actions tailor cannot run yet fail with ErrorKind::install.
Status run_step(const plan::PlanStep& step, StepContext& context);

// What a `placed` step sees (docs/actions.md, "Steps that run in place"): the build at its
// final path, verified, not yet recorded in state.json.
struct PlacedContext {
  std::filesystem::path version_dir;  // tools/<name>-<version>
  std::filesystem::path data_dir;     // Layout::data_dir(tool)
  std::string tool, version;
  std::vector<std::string> path_dirs;  // PATH of a source_command, after the version's bin/
  const util::Output* output = nullptr;
};

// Where install_shell_init keeps the fragment of `target` for `shell` (bash, zsh or fish).
std::filesystem::path shell_fragment(const std::filesystem::path& version_dir, std::string_view target,
                                     std::string_view shell);

// The file names the install_program_files steps of a recorded plan (its JSON) give their
// files in the data directory: what removing the tool deletes there.
std::vector<std::string> placed_program_files(const nlohmann::json& plan);

// Copies the program files of a recorded plan (its JSON) into `context.data_dir` again: the
// version activation makes current brings its own (docs/actions.md, "Steps that run in place").
Status place_program_files(const nlohmann::json& plan, const PlacedContext& context);

// The placed executors of install_shell_init and install_program_files (their behaviour in
// lib/actions/placed.cpp).
Status install_shell_init(const nlohmann::ordered_json& params, const PlacedContext& context);
Status install_program_files(const nlohmann::ordered_json& params, const PlacedContext& context);

// True for the actions the catalog marks `placed`, which run_placed_step runs.
bool has_placed_executor(recipe::ActionKind kind);

// Runs a step the catalog marks `placed`; does nothing for any other step.
Status run_placed_step(const plan::PlanStep& step, const PlacedContext& context);

}  // namespace tailor::install
