#pragma once
// Ecosystem steps (npm_exec, pip_exec): the toolchain a step runs, the isolated environment it
// runs in, its log, and the wrappers that start its executables (docs/install.md, "Ecosystem
// installs").
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.hpp"
#include "install/steps.hpp"
#include "util/result.hpp"

namespace tailor::install {

// The package registries config.toml names (`ecosystem.npm`, `ecosystem.pypi`), by ecosystem.
std::map<std::string, std::string> ecosystem_registries(const config::Config& config);

// The directories a step of a recipe that says `toolchain = "system"` looks in: the
// distribution's own toolchain, never the user's PATH.
inline constexpr std::string_view k_system_toolchain_dirs[] = {"/usr/bin", "/bin"};

struct Toolchain {
  std::filesystem::path bin_dir;  // holds every program the step asked for
  std::string label;              // "nodejs 20.11.0 (dependency)" or "system (/usr/bin)"
  // How a wrapper in tools/<name>-<version>/bin reaches bin_dir: relative to the wrapper's own
  // directory for a dependency (tools/ may move with $TAILOR_HOME), absolute for the system one.
  std::string wrapper_bin_dir;
};

// The toolchain of a step: with `toolchain = "system"` the distribution's (above), otherwise the
// installed dependency `dependency` (the action's implicit dependency). Each of `programs` must
// be in its bin/ directory.
Result<Toolchain> find_toolchain(const nlohmann::ordered_json& params, const StepContext& ctx, std::string_view action,
                                 std::string_view dependency, const std::vector<std::string>& programs);

// find_toolchain for a composite that resolves its lock when it is planned (docs/install.md,
// "Lock data captured at plan time"): without the dependency's toolchain installed, the error
// says how to get it. `resolves` names the lock and the program ("its go.sum with go");
// `primitive` the step a pinned plan would carry instead.
Result<Toolchain> find_plan_toolchain(const nlohmann::ordered_json& params, const StepContext& ctx,
                                      std::string_view action, std::string_view dependency,
                                      const std::vector<std::string>& programs, std::string_view resolves,
                                      std::string_view primitive);

// One ecosystem step's runs: every command and its output go to one log, which a failure keeps
// under $TAILOR_HOME/logs and names in its error.
class EcosystemRun {
 public:
  EcosystemRun(StepContext& ctx, std::string action, const Toolchain& toolchain);

  // The scratch directory of the step (HOME, caches, config files): inside the work directory,
  // outside .install, so it is deleted with it.
  const std::filesystem::path& scratch() const { return m_scratch; }
  // The environment every command gets, and nothing of tailor's own: PATH is the toolchain's
  // bin/ then /usr/bin:/bin; HOME, TMPDIR and the XDG directories are in scratch().
  std::map<std::string, std::string>& env() { return m_env; }
  // The PEM file that the toolchain must trust beside the system store (TAILOR_CA_BUNDLE, set by
  // tests), "" in production.
  const std::string& extra_ca() const { return m_extra_ca; }

  // Runs argv; a failure to start or a non-zero exit keeps the log and fails. An exit whose
  // output contains one of `checksum_markers` fails with ErrorKind::checksum.
  Status run(const std::vector<std::string>& argv, const std::string& cwd,
             const std::vector<std::string>& checksum_markers = {});
  // Fails with `message`, keeping the log.
  Error failure(ErrorKind kind, const std::string& message);
  void note(const std::string& line) { m_log += line + "\n"; }

 private:
  std::string keep_log();

  StepContext& m_ctx;
  std::string m_action;
  std::filesystem::path m_scratch;
  std::map<std::string, std::string> m_env;
  std::string m_extra_ca;
  std::string m_log;
};

// Writes a /bin/sh wrapper `file` (mode 0755) that resolves its own location through the
// $TAILOR_HOME/bin link and runs `command` there: `$here` is the wrapper's directory.
// `prelude`: shell lines run first (exports).
Status write_wrapper(const std::filesystem::path& file, const std::string& comment, const std::string& command,
                     const std::string& prelude = "");

// Single-quotes `text` for /bin/sh.
std::string shell_quote(std::string_view text);

// The executors (ecosystem_npm.cpp, ecosystem_pip.cpp, ecosystem_go.cpp, ecosystem_cargo.cpp,
// ecosystem_gem.cpp; parameters in
// docs/recipe-authoring.md, "Ecosystem steps").
Status cargo_build(const nlohmann::ordered_json& params, StepContext& ctx);
Status gem_exec(const nlohmann::ordered_json& params, StepContext& ctx);
Status go_build(const nlohmann::ordered_json& params, StepContext& ctx);
Status npm_exec(const nlohmann::ordered_json& params, StepContext& ctx);

// npm_install at plan time: resolves `package`@ctx.version with the step's toolchain
// (`npm install --package-lock-only`) in ctx.work and returns the parameters of its npm_exec
// step, the package-lock included (docs/install.md, "Lock data captured at plan time").
Result<nlohmann::json> capture_npm_lock(const nlohmann::ordered_json& params, StepContext& ctx);
// pipx_install at plan time: downloads the wheels of `package`==ctx.version and its
// dependencies with pip in ctx.work and returns pip_exec's parameters with their hashes.
Result<nlohmann::json> capture_pip_requirements(const nlohmann::ordered_json& params, StepContext& ctx);
// go_install at plan time: `go get <module>@v<version>` in a scratch module, and go_build's
// parameters with the go.sum it wrote.
Result<nlohmann::json> capture_go_sum(const nlohmann::ordered_json& params, StepContext& ctx);
// cargo_install at plan time: the crate's checksum from the index, the crate downloaded with
// ctx.downloader, and cargo_build's parameters with the crate's Cargo.lock (its packaged one,
// checked by cargo, else one cargo resolves).
Result<nlohmann::json> capture_cargo_lock(const nlohmann::ordered_json& params, StepContext& ctx);
// gem_install at plan time: RubyGems resolves the gem and its dependencies, ctx.downloader
// fetches each .gem, and gem_exec's parameters carry a Gemfile.lock with their SHA-256.
Result<nlohmann::json> capture_gem_lock(const nlohmann::ordered_json& params, StepContext& ctx);
Status pip_exec(const nlohmann::ordered_json& params, StepContext& ctx);

}  // namespace tailor::install
