#pragma once
// os-release parsing and the Linux family table (docs/linux-family.md).
#include <string>
#include <string_view>

#include "platform/facts.hpp"
#include "platform/host_fs.hpp"

namespace tailor::platform {

// Parses os-release text with the format's quoting rules; malformed lines are skipped.
// ID and ID_LIKE are lowercased; `source` is left empty.
OsRelease parse_os_release(std::string_view text);

// Reads /etc/os-release, else /usr/lib/os-release; `source` names the file read ("" when none).
OsRelease read_os_release(const HostFs& fs);

// The family of `release` by ID, then ID_LIKE in order; "" when unknown.
std::string linux_family_of(const OsRelease& release);

// The family tsuku would report: exact-case lookup, no `suse` alias, /etc/os-release only.
std::string tsuku_linux_family_of(const OsRelease& release);

}  // namespace tailor::platform
