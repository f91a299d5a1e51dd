#include "install/ecosystem_locker.hpp"

#include <stdlib.h>

#include "install/ecosystem.hpp"

namespace tailor::install {
namespace fs = std::filesystem;
namespace {

// A scratch directory outside $TAILOR_HOME (whose tmp/ holds only installs), removed on exit.
class ScratchDir {
 public:
  ScratchDir() {
    std::error_code ec;
    std::string pattern = (fs::temp_directory_path(ec) / "tailor-lock-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) m_path = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!m_path.empty()) fs::remove_all(m_path, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const { return m_path; }

 private:
  fs::path m_path;
};

// tools/<dependency>-<version> of the active installed version: where bin/<program> links.
std::map<std::string, fs::path> installed_toolchain(const Layout& layout, const std::string& dependency,
                                                    const std::string& program) {
  std::error_code ec;
  fs::path target = fs::canonical(layout.bin() / program, ec);
  if (ec) return {};
  fs::path dir = target.parent_path().parent_path();
  if (dir.parent_path() != fs::canonical(layout.tools(), ec) || !dir.filename().string().starts_with(dependency + "-"))
    return {};
  return {{dependency, dir}};
}

}  // namespace

Result<nlohmann::json> ToolchainLocker::capture(const plan::EcosystemLockRequest& request) const {
  const bool npm = request.action == "npm_install";
  const bool go = request.action == "go_install";
  if (!npm && !go && request.action != "pipx_install") {
    return fail(ErrorKind::install,
                "{} needs its ecosystem toolchain at plan time to capture a lock, which this tailor does only for "
                "npm_install, pipx_install and go_install; pass --pin-from a plan that has the locked step",
                request.action);
  }
  ScratchDir scratch;
  if (scratch.path().empty()) return fail(ErrorKind::failure, "cannot create a scratch directory to resolve a lock");
  StepContext ctx;
  ctx.work = scratch.path();
  ctx.tool = request.tool;
  ctx.version = request.version;
  ctx.output = m_output;
  ctx.logs_dir = m_layout.root / "logs";
  ctx.ecosystem_registries = m_registries;
  if (npm) {
    ctx.dependency_dirs = installed_toolchain(m_layout, "nodejs", "npm");
    return capture_npm_lock(request.params, ctx);
  }
  if (go) {
    ctx.dependency_dirs = installed_toolchain(m_layout, "go", "go");
    return capture_go_sum(request.params, ctx);
  }
  ctx.dependency_dirs = installed_toolchain(m_layout, "python-standalone", "python3");
  return capture_pip_requirements(request.params, ctx);
}

}  // namespace tailor::install
