// Which versions `remove --keep-latest` prunes.
#include <doctest/doctest.h>

#include "install/activate.hpp"

using namespace tailor::install;

namespace {

InstalledTool tool_with(const std::vector<std::string>& versions, const std::string& active) {
  InstalledTool tool;
  for (const auto& version : versions) tool.versions[version] = InstalledVersion{};
  tool.active_version = active;
  return tool;
}

}  // namespace

TEST_CASE("versions_to_prune keeps the newest by version order and the active one") {
  // 1.10.0 is newer than 1.9.0 although it sorts first as a string.
  const InstalledTool tool = tool_with({"1.10.0", "1.2.0", "1.9.0", "2.0.0-rc.1"}, "1.2.0");
  CHECK(versions_to_prune(tool, 1) == std::vector<std::string>{"1.9.0", "1.10.0"});
  CHECK(versions_to_prune(tool, 2) == std::vector<std::string>{"1.9.0"});
  CHECK(versions_to_prune(tool, 4).empty());
  CHECK(versions_to_prune(tool_with({"1.0.0"}, "1.0.0"), 1).empty());
  CHECK(versions_to_prune(tool_with({"1.0.0", "2.0.0"}, "2.0.0"), 1) == std::vector<std::string>{"1.0.0"});
}
