#include <doctest/doctest.h>

#include <sys/stat.h>
#include <filesystem>
#include <fstream>

#include "util/fs.hpp"

using namespace tailor::util;
namespace fs = std::filesystem;

namespace {
void make_file(const fs::path& path, unsigned mode) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << "#!/bin/sh\n";
  ::chmod(path.c_str(), mode);
}
}  // namespace

TEST_CASE("find_on_path") {
  const fs::path root = fs::absolute("path-search");
  make_file(root / "a/tool", 0644);  // not executable: skipped
  make_file(root / "b/tool", 0755);
  make_file(root / "c/tool", 0755);
  fs::create_directories(root / "d/tool");  // a directory is not a program
  const std::string a = (root / "a").string(), b = (root / "b").string(), c = (root / "c").string(),
                    d = (root / "d").string();

  SUBCASE("the first executable regular file in PATH order") {
    CHECK(find_on_path("tool", a + "::" + b + ":" + c) == (root / "b/tool").string());
    CHECK(find_on_path("tool", d + ":" + c) == (root / "c/tool").string());
  }
  SUBCASE("absent, or an empty PATH") {
    CHECK(find_on_path("tool", a + ":" + d) == "");
    CHECK(find_on_path("tool", "") == "");
  }
  SUBCASE("a name with a slash is taken as it is") {
    CHECK(find_on_path((root / "b/tool").string(), "") == (root / "b/tool").string());
    CHECK(find_on_path((root / "a/tool").string(), b) == "");
  }
}
