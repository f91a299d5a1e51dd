#pragma once
// Shared libraries tailor needs only for some commands (libcurl, libarchive, libcrypto) are
// opened with dlopen on first use instead of being linked: `tailor detect` then starts without
// loading their ~40 transitive libraries (issue 2's start-up budget). Each API table
// (fetch/curl_api.hpp, install/archive_api.hpp, util/crypto_api.hpp) binds its functions with
// the types of the library's own header, so a signature cannot drift.
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace tailor::util {

// Thrown when a required library or one of its symbols cannot be loaded: an installation
// problem, not a bug; main() reports it with the package to install.
class MissingLibrary : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class SharedLibrary {
 public:
  // Opens `soname` (e.g. "libcurl.so.4"); `package` names what provides it (e.g. "libcurl4").
  SharedLibrary(const char* soname, const char* package);

  // Points `function` at the library's `name`, typed by the caller's declaration.
  template <typename Fn>
  void bind(Fn*& function, const char* name) const {
    function = reinterpret_cast<Fn*>(lookup(name));
  }

 private:
  void* lookup(const char* name) const;

  void* m_handle = nullptr;  // never closed: the bound functions live as long as the process
  std::string m_soname;
  std::string m_package;
};

// Runs `loads` (calls that open libraries, e.g. `[] { install::archive_api(); }`) on a thread
// of their own, so that their dlopen overlaps what the caller does meanwhile; the returned
// thread joins when destroyed. A load that fails is left for the first real use to report.
std::jthread load_in_background(std::vector<std::function<void()>> loads);

}  // namespace tailor::util
