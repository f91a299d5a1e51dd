#pragma once
// Test environment: every test binary runs in a fresh scratch directory with a pinned
// environment (LC_ALL=C, own HOME, TAILOR_HOME inside the scratch directory).
#include <filesystem>
#include <string>

namespace tailor::test {

// The scratch root of this test process.
const std::filesystem::path& scratch_root();
// A new empty directory below the scratch root, named after `hint`.
std::filesystem::path fresh_dir(const std::string& hint);
// Writes `content` to `path`, creating parent directories.
void write_text(const std::filesystem::path& path, const std::string& content);
std::string read_text(const std::filesystem::path& path);
// The permission bits of `path` itself (setuid, setgid and sticky included; a link is not followed).
unsigned mode_of(const std::filesystem::path& path);
// Path below testdata/.
std::filesystem::path testdata(const std::string& relative);

// Sets up the scratch directory and environment, then runs doctest in random order.
int run_tests(int argc, char** argv);

}  // namespace tailor::test
