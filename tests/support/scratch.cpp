#include "support/scratch.hpp"

#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace tailor::test {
namespace fs = std::filesystem;

namespace {
fs::path g_root;
std::atomic<int> g_counter{0};
}  // namespace

const fs::path& scratch_root() { return g_root; }

fs::path fresh_dir(const std::string& hint) {
  fs::path dir = g_root / (hint + "-" + std::to_string(g_counter++));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write_text(const fs::path& path, const std::string& content) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

unsigned mode_of(const fs::path& path) {
  struct stat st {};
  ::lstat(path.c_str(), &st);
  return st.st_mode & 07777;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

fs::path testdata(const std::string& relative) { return fs::path(TAILOR_TESTDATA) / relative; }

int run_tests(int argc, char** argv) {
  std::string base = fs::temp_directory_path() / ("tailor-test-" + std::to_string(::getpid()) + "-XXXXXX");
  std::vector<char> name(base.begin(), base.end());
  name.push_back('\0');
  if (::mkdtemp(name.data()) == nullptr) return 2;
  g_root = name.data();
  ::setenv("LC_ALL", "C", 1);
  ::setenv("HOME", (g_root / "home").c_str(), 1);
  ::setenv("TAILOR_HOME", (g_root / "tailor-home").c_str(), 1);
  for (const char* var : {"TAILOR_GPU", "TAILOR_GPU_DRIVER", "TAILOR_LINUX_FAMILY", "TAILOR_LIBC", "TAILOR_VULKAN",
                          "TAILOR_FACTS", "TAILOR_BACKEND", "TAILOR_SYSROOT", "TAILOR_RECIPES", "TAILOR_PROBE",
                          "TAILOR_GPU_DEVICE", "TAILOR_LOCK_TOKEN", "XDG_CONFIG_HOME", "XDG_DATA_HOME"}) {
    ::unsetenv(var);
  }
  fs::create_directories(g_root / "home");
  // The central registry defaults to tsuku's public one: tests never reach it. An empty local
  // registry answers "none" at once; tests of the registry set their own URL.
  fs::create_directories(g_root / "empty-registry");
  ::setenv("TAILOR_REGISTRY_URL", (g_root / "empty-registry").c_str(), 1);
  ::setenv("TAILOR_MANIFEST_URL", (g_root / "empty-registry" / "recipes.json").c_str(), 1);
  ::unsetenv("TAILOR_OFFLINE");
  fs::current_path(g_root);

  doctest::Context context;
  context.setOption("order-by", "rand");
  context.applyCommandLine(argc, argv);
  int result = context.run();
  if (std::getenv("TAILOR_KEEP_SCRATCH") == nullptr) {
    std::error_code ignored;
    fs::remove_all(g_root, ignored);
  }
  return result;
}

}  // namespace tailor::test
