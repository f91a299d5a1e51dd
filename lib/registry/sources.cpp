#include "registry/sources.hpp"

#include "config/home.hpp"
#include "registry/central.hpp"

namespace tailor::registry {

recipe::RegistryOptions lookup_options(const std::string& registry_flag, bool offline, const util::Output* output) {
  recipe::RegistryOptions options = recipe::default_registry_options(registry_flag);
  options.remote = std::make_shared<CentralRegistry>(config::tailor_home(), offline, output);
  return options;
}

}  // namespace tailor::registry
