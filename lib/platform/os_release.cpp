#include "platform/os_release.hpp"

#include <array>
#include <utility>

#include "util/strings.hpp"

namespace tailor::platform {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 21> k_families{{
    {"debian", "debian"},
    {"ubuntu", "debian"},
    {"linuxmint", "debian"},
    {"pop", "debian"},
    {"elementary", "debian"},
    {"zorin", "debian"},
    {"fedora", "rhel"},
    {"rhel", "rhel"},
    {"centos", "rhel"},
    {"rocky", "rhel"},
    {"almalinux", "rhel"},
    {"ol", "rhel"},
    {"arch", "arch"},
    {"manjaro", "arch"},
    {"endeavouros", "arch"},
    {"alpine", "alpine"},
    {"opensuse", "suse"},
    {"opensuse-leap", "suse"},
    {"opensuse-tumbleweed", "suse"},
    {"sles", "suse"},
    {"suse", "suse"},  // `suse`: ID_LIKE alias (docs/linux-family.md, "Families")
}};

std::string lookup(std::string_view id, bool with_alias) {
  for (const auto& [name, family] : k_families) {
    if (name == id && (with_alias || name != "suse")) return std::string(family);
  }
  return "";
}

// Parses the value part of a line; nullopt for a malformed (unterminated) quote.
std::optional<std::string> parse_value(std::string_view raw) {
  if (raw.empty()) return std::string();
  char quote = raw.front();
  if (quote != '"' && quote != '\'') return std::string(raw);
  std::string value;
  for (size_t i = 1; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == quote) return value;  // text after the closing quote is ignored
    if (quote == '"' && c == '\\' && i + 1 < raw.size()) {
      char next = raw[i + 1];
      if (next == '"' || next == '\\' || next == '`' || next == '$') {
        value += next;
        ++i;
        continue;
      }
    }
    value += c;
  }
  return std::nullopt;
}

}  // namespace

OsRelease parse_os_release(std::string_view text) {
  OsRelease release;
  std::string pretty_name;
  for (const std::string& raw_line : util::split(text, '\n')) {
    std::string_view line = util::trim(raw_line);
    if (line.empty() || line.front() == '#') continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = util::trim(line.substr(0, eq));
    auto value = parse_value(util::trim(line.substr(eq + 1)));
    if (!value) continue;
    if (key == "ID") {
      release.id = util::to_lower(*value);
    } else if (key == "ID_LIKE") {
      release.id_like = util::split_whitespace(util::to_lower(*value));
    } else if (key == "VERSION_ID") {
      release.version_id = *value;
    } else if (key == "VERSION_CODENAME") {
      release.version_codename = *value;
    } else if (key == "NAME") {
      release.name = *value;
    } else if (key == "PRETTY_NAME") {
      pretty_name = *value;
    }
  }
  if (release.name.empty()) release.name = pretty_name;
  return release;
}

OsRelease read_os_release(const HostFs& fs) {
  for (const char* path : {"/etc/os-release", "/usr/lib/os-release"}) {
    if (auto text = fs.read_text(path, std::size_t{64} * 1024)) {
      OsRelease release = parse_os_release(*text);
      release.source = path;
      return release;
    }
  }
  return {};
}

std::string linux_family_of(const OsRelease& release) {
  if (std::string family = lookup(release.id, false); !family.empty()) return family;
  for (const std::string& like : release.id_like) {
    if (std::string family = lookup(like, true); !family.empty()) return family;
  }
  return "";
}

std::string tsuku_linux_family_of(const OsRelease& release) {
  if (release.source != "/etc/os-release") return "";
  // tsuku compares without lowercasing; our stored ID is lowercased, so an ID that needed
  // lowercasing cannot be told apart here. The parse-level differences are shown by tests.
  if (std::string family = lookup(release.id, false); !family.empty()) return family;
  for (const std::string& like : release.id_like) {
    if (std::string family = lookup(like, false); !family.empty()) return family;
  }
  return "";
}

}  // namespace tailor::platform
