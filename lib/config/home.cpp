#include "config/home.hpp"

#include "config/environment.hpp"

namespace tailor::config {

std::filesystem::path tailor_home() {
  auto home = env_value(EnvVar::tailor_home);
  if (home && !home->empty()) return *home;
  auto user_home = env_value(EnvVar::home);
  return std::filesystem::path(user_home ? *user_home : ".") / ".tailor";
}

}  // namespace tailor::config
