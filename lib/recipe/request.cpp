#include "recipe/request.hpp"

#include <fmt/format.h>

namespace tailor::recipe {
namespace {

constexpr std::size_t k_max_length = 128;

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_alnum(char c) { return is_lower_alnum(c) || (c >= 'A' && c <= 'Z'); }

std::string describe(char c) {
  if (c == '\'') return "\"'\"";
  return "'" + printable(std::string_view(&c, 1)) + "'";
}

// The shared part of the checks: `allowed` decides each character left to right; ".." is
// refused where it starts, so "../etc" names position 1.
template <typename Allowed>
Status check_characters(std::string_view value, std::string_view what, std::string_view rule, Allowed allowed) {
  if (value.empty()) return fail(ErrorKind::usage, "empty {}", what);
  if (value.size() > k_max_length) {
    return fail(ErrorKind::usage, "{} '{}...' is longer than {} characters", what, printable(value.substr(0, 32)),
                k_max_length);
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value.substr(i, 2) == "..") {
      return fail(ErrorKind::usage, "invalid {} '{}': '..' at position {} is not allowed ({})", what, printable(value),
                  i + 1, rule);
    }
    if (!allowed(value[i], i)) {
      return fail(ErrorKind::usage, "invalid {} '{}': character {} at position {} is not allowed ({})", what,
                  printable(value), describe(value[i]), i + 1, rule);
    }
  }
  return {};
}

bool version_character(char c) { return is_alnum(c) || c == '.' || c == '-' || c == '_' || c == '+'; }

}  // namespace

Status check_tool_name(std::string_view name) {
  return check_characters(name, "tool name", "lowercase letters, digits, '.', '_', '+', '-'; first a letter or digit",
                          [](char c, std::size_t i) {
                            return is_lower_alnum(c) || (i > 0 && (c == '.' || c == '_' || c == '+' || c == '-'));
                          });
}

Status check_version_request(std::string_view version) {
  if (version == "latest") return {};
  if (version == "@") return fail(ErrorKind::usage, "invalid version '@': a channel needs a name (e.g. @lts)");
  return check_characters(version, "version", "letters, digits, '.', '-', '_', '+'; '@' only to start a channel",
                          [](char c, std::size_t i) { return version_character(c) || (i == 0 && c == '@'); });
}

Status check_plan_version(std::string_view version) {
  return check_characters(version, "version", "letters, digits, '.', '-', '_', '+'",
                          [](char c, std::size_t) { return version_character(c); });
}

Result<ToolRequest> parse_tool_request(std::string_view text) {
  ToolRequest request;
  auto at = text.find('@');
  request.tool = std::string(text.substr(0, at));
  if (auto st = check_tool_name(request.tool); !st) return fail(st.error());
  if (at == std::string_view::npos) return request;
  request.version = std::string(text.substr(at + 1));
  if (auto st = check_version_request(request.version); !st) return fail(st.error());
  return request;
}

std::string printable(std::string_view text) {
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else if (c == '\r')
      out += "\\r";
    else if (c == '\\')
      out += "\\\\";
    else if (byte < 0x20 || byte >= 0x7f)
      out += fmt::format("\\x{:02x}", byte);
    else
      out += c;
  }
  return out;
}

}  // namespace tailor::recipe
