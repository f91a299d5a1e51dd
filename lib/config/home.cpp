#include "config/home.hpp"

#include <cstdlib>

namespace tailor::config {

std::filesystem::path tailor_home() {
  const char* home = std::getenv("TAILOR_HOME");
  if (home != nullptr && *home != '\0') return home;
  const char* user_home = std::getenv("HOME");
  return std::filesystem::path(user_home != nullptr ? user_home : ".") / ".tailor";
}

}  // namespace tailor::config
