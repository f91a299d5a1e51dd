#pragma once
// What in $TAILOR_HOME tailor leaves alone but a person should look at: the things under tools/
// that no tailor operation can claim, leftovers recovery did not delete, a symlinked tools/,
// bin/ or tmp/, recorded versions whose directory is gone (docs/home-layout.md, "Problems").
// `tailor list --problems` prints them; a doctor command can call the same function.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "install/layout.hpp"

namespace tailor::install {

struct HomeProblem {
  std::filesystem::path path;
  // symlink | not-directory | unrecorded | leftover | interrupted | kept-failed | missing | state
  std::string kind;
  std::string message;  // what it is, and what tailor does or the user can do about it
};

// Reads the home without the install lock and changes nothing. Sorted by path. Directories of
// a tailor operation that is still running are not problems and are not listed.
std::vector<HomeProblem> find_home_problems(const Layout& layout);

// {"problems": [{"path", "kind", "message"}]}
nlohmann::ordered_json problems_to_json(const std::vector<HomeProblem>& problems);

}  // namespace tailor::install
