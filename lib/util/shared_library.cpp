#include "util/shared_library.hpp"

#include <dlfcn.h>

#include <fmt/format.h>

namespace tailor::util {

SharedLibrary::SharedLibrary(const char* soname, const char* package) : m_soname(soname), m_package(package) {
  m_handle = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (m_handle == nullptr) {
    const char* reason = ::dlerror();
    throw MissingLibrary(fmt::format("cannot load {} ({}); install the {} package", m_soname,
                                     reason != nullptr ? reason : "unknown reason", m_package));
  }
}

void* SharedLibrary::lookup(const char* name) const {
  void* symbol = ::dlsym(m_handle, name);
  if (symbol == nullptr) {
    throw MissingLibrary(fmt::format("{} has no symbol {}; install a newer {} package", m_soname, name, m_package));
  }
  return symbol;
}

std::jthread load_in_background(std::vector<std::function<void()>> loads) {
  return std::jthread([loads = std::move(loads)] {
    for (const auto& load : loads) {
      try {
        load();
      } catch (const MissingLibrary&) {
        // Reported by the caller's own first use, where it can say what needed the library.
      }
    }
  });
}

}  // namespace tailor::util
