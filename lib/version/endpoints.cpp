#include "version/endpoints.hpp"

#include "config/environment.hpp"

namespace tailor::version {

Endpoints endpoints_from_environment() {
  Endpoints e;
  auto apply = [](std::string& field, std::optional<std::string> value) {
    if (!value || value->empty()) return;
    field = std::move(*value);
    while (field.size() > 1 && field.back() == '/') field.pop_back();
  };
  using config::EnvVar;
  apply(e.github_api, config::env_value(EnvVar::tailor_github_api));
  apply(e.homebrew_api, config::env_value(EnvVar::tailor_homebrew_api));
  apply(e.ghcr, config::env_value(EnvVar::tailor_ghcr));
  apply(e.pypi, config::env_value(EnvVar::tailor_pypi));
  apply(e.crates_io, config::env_value(EnvVar::tailor_crates_io));
  apply(e.go_dl, config::env_value(EnvVar::tailor_go_dl));
  apply(e.nodejs_dist, config::env_value(EnvVar::tailor_nodejs_dist));
  // The variables of ecosystem.npm, ecosystem.rubygems and ecosystem.goproxy: the key registry
  // lists them (docs/config.md, "Keys").
  apply(e.npm, config::registered_env_value("TAILOR_NPM_REGISTRY"));
  apply(e.rubygems, config::registered_env_value("TAILOR_RUBYGEMS"));
  apply(e.goproxy, config::registered_env_value("TAILOR_GOPROXY"));
  return e;
}

}  // namespace tailor::version
