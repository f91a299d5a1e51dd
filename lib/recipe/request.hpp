#pragma once
// What a user (or a plan file) may name: tool names and version requests, checked before
// anything is resolved or planned (docs/user-guide.md, "Tool names and versions").
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace tailor::recipe {

// Tool names: ^[a-z0-9][a-z0-9._+-]*$, at most 128 characters. ErrorKind::usage names the
// first offending character and its (1-based) position.
Status check_tool_name(std::string_view name);

// A version request: "latest", a channel ("@lts": '@' only as the first character), or
// letters, digits, '.', '-', '_', '+'; never "..", at most 128 characters. ErrorKind::usage.
Status check_version_request(std::string_view version);

// A version as plans record it (the resolved one): like a request, but never a channel.
Status check_plan_version(std::string_view version);

struct ToolRequest {
  std::string tool;
  std::string version;  // "" when none was given
};

// Splits "NAME" or "NAME@VERSION" at the first '@' and checks both parts.
Result<ToolRequest> parse_tool_request(std::string_view text);

// `text` with control characters and bytes outside ASCII escaped (\n, \t, \x1b), for messages.
std::string printable(std::string_view text);

}  // namespace tailor::recipe
