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
  // Each composite tailor captures: its toolchain dependency, a program of it linked in bin/,
  // and the capture (ecosystem_npm.cpp, ecosystem_pip.cpp, ecosystem_go.cpp, ecosystem_cargo.cpp,
  // ecosystem_gem.cpp).
  struct Capture {
    std::string_view action, dependency, program;
    Result<nlohmann::json> (*run)(const nlohmann::ordered_json&, StepContext&);
  };
  static constexpr Capture k_captures[] = {
      {"npm_install", "nodejs", "npm", capture_npm_lock},
      {"pipx_install", "python-standalone", "python3", capture_pip_requirements},
      {"go_install", "go", "go", capture_go_sum},
      {"cargo_install", "rust", "cargo", capture_cargo_lock},
      {"gem_install", "ruby", "gem", capture_gem_lock},
  };
  const Capture* capture = nullptr;
  for (const Capture& row : k_captures) {
    if (row.action == request.action) capture = &row;
  }
  if (capture == nullptr) {
    return fail(ErrorKind::install,
                "{} needs its ecosystem toolchain at plan time to capture a lock, which this tailor does only for "
                "npm_install, pipx_install, go_install, cargo_install and gem_install; pass --pin-from a plan that "
                "has the locked step",
                request.action);
  }
  ScratchDir scratch;
  if (scratch.path().empty()) return fail(ErrorKind::failure, "cannot create a scratch directory to resolve a lock");
  StepContext ctx;
  ctx.work = scratch.path();
  ctx.tool = request.tool;
  ctx.version = request.version;
  ctx.output = m_output;
  ctx.downloader = m_downloader;
  ctx.logs_dir = m_layout.root / "logs";
  ctx.ecosystem_registries = m_registries;
  ctx.dependency_dirs = installed_toolchain(m_layout, std::string(capture->dependency), std::string(capture->program));
  // Recipe parameters are plain JSON (keys sorted); the executors, and so the captures, read
  // ordered JSON, which the conversion fills in that sorted order.
  return capture->run(nlohmann::ordered_json(request.params), ctx);
}

}  // namespace tailor::install
