#pragma once
// One fuzz input for the os-release parser (docs/linux-family.md, "Parsing"). Shared by
// fuzz_os_release and the regression replay in tests/unit/test_fuzz_regressions.cpp.
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

#include "platform/os_release.hpp"

namespace tailor::fuzz {

namespace detail {

// KEY="value" with the escapes parse_os_release undoes.
inline std::string os_release_line(std::string_view key, std::string_view value) {
  std::string line(key);
  line += "=\"";
  for (char c : value) {
    if (c == '"' || c == '\\' || c == '`' || c == '$') line += '\\';
    line += c;
  }
  line += "\"\n";
  return line;
}

inline bool has_upper(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

}  // namespace detail

// Returns "" when every invariant holds, else what was violated: IDs are lowercased, the
// family is one of the table's, and writing the parsed values back quoted reads the same.
inline std::string check_os_release_input(std::string_view text) {
  using namespace tailor::platform;
  OsRelease release = parse_os_release(text);
  if (!release.source.empty()) return "parse_os_release set source";
  if (detail::has_upper(release.id)) return "ID not lowercased: " + release.id;
  std::string joined;
  for (const std::string& like : release.id_like) {
    if (like.empty() || detail::has_upper(like)) return "ID_LIKE element empty or not lowercased: " + like;
    if (std::any_of(like.begin(), like.end(),
                    [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; })) {
      return "ID_LIKE element holds whitespace: " + like;
    }
    joined += (joined.empty() ? "" : " ") + like;
  }
  for (const std::string& family : {linux_family_of(release), tsuku_linux_family_of(release)}) {
    if (!family.empty() && family != "debian" && family != "rhel" && family != "arch" && family != "alpine" &&
        family != "suse") {
      return "unknown family " + family;
    }
  }
  std::string written = detail::os_release_line("ID", release.id) + detail::os_release_line("ID_LIKE", joined) +
                        detail::os_release_line("VERSION_ID", release.version_id) +
                        detail::os_release_line("VERSION_CODENAME", release.version_codename) +
                        detail::os_release_line("NAME", release.name);
  if (std::count(written.begin(), written.end(), '\n') != 5) {
    return "a parsed value holds a newline";
  }
  OsRelease again = parse_os_release(written);
  if (!(again == release)) return "values written back quoted read differently:\n" + written;
  return "";
}

}  // namespace tailor::fuzz
