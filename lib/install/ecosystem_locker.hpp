#pragma once
// plan::EcosystemLocker with the ecosystem toolchains (docs/install.md, "Lock data captured at
// plan time"): the package-lock of npm_install, the hash-pinned requirements of pipx_install,
// the go.sum of go_install, the Cargo.lock of cargo_install and the Gemfile.lock of
// gem_install, resolved by their toolchains in a scratch directory.
#include <map>
#include <string>

#include "fetch/downloader.hpp"
#include "install/layout.hpp"
#include "plan/ecosystem_locker.hpp"
#include "util/output.hpp"

namespace tailor::install {

class ToolchainLocker : public plan::EcosystemLocker {
 public:
  // `registries`: config.toml's ecosystem.* keys (ecosystem_registries()); `downloader`: the
  // plan's, for the crates and gems tailor downloads itself (nullptr: those captures fail).
  ToolchainLocker(Layout layout, std::map<std::string, std::string> registries, const util::Output& output,
                  fetch::Downloader* downloader)
      : m_layout(std::move(layout)), m_registries(std::move(registries)), m_output(&output), m_downloader(downloader) {}

  Result<nlohmann::json> capture(const plan::EcosystemLockRequest& request) const override;

 private:
  Layout m_layout;
  std::map<std::string, std::string> m_registries;
  const util::Output* m_output;
  fetch::Downloader* m_downloader;
};

}  // namespace tailor::install
