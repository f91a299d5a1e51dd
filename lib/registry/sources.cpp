#include "registry/sources.hpp"

#include "config/home.hpp"
#include "registry/central.hpp"
#include "registry/distributed.hpp"
#include "registry/source_ref.hpp"

namespace tailor::registry {
namespace {

// The remote sources of a lookup: `owner/repo[:recipe]` names go to their distributed
// registry, every other name to the central registry.
class RemoteSources final : public recipe::RemoteSource {
 public:
  RemoteSources(std::filesystem::path home, bool offline, const util::Output* output)
      : m_central(std::move(home), offline, output), m_distributed([this] { return m_central.settings(); }, output) {}

  Result<recipe::RemoteAnswer> fetch(std::string_view name) const override {
    if (!is_source_ref(name)) return m_central.fetch(name);
    auto ref = parse_source_ref(name);
    if (!ref) return fail(ref.error());
    return m_distributed.fetch(*ref);
  }
  std::vector<std::string> known_names() const override { return m_central.known_names(); }

 private:
  CentralRegistry m_central;
  DistributedRegistry m_distributed;
};

}  // namespace

recipe::RegistryOptions lookup_options(const std::string& registry_flag, bool offline, const util::Output* output) {
  recipe::RegistryOptions options = recipe::default_registry_options(registry_flag);
  options.remote = std::make_shared<RemoteSources>(config::tailor_home(), offline, output);
  return options;
}

}  // namespace tailor::registry
