#include "util/canonical_json.hpp"

#include <cmath>
#include <cstdio>

#include <fmt/format.h>

namespace tailor::util {

void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  for (unsigned char c : text) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\b': out += "\\b"; break;
    case '\t': out += "\\t"; break;
    case '\n': out += "\\n"; break;
    case '\f': out += "\\f"; break;
    case '\r': out += "\\r"; break;
    default:
      // jq escapes the remaining C0 controls and DEL; everything else is raw UTF-8.
      if (c < 0x20 || c == 0x7f) {
        out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
      } else {
        out.push_back(static_cast<char>(c));
      }
    }
  }
  out.push_back('"');
}

namespace {

void append_number(std::string& out, double value) {
  // jq prints integral doubles without a fraction and others in shortest round-trip form.
  if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e17) {
    out += fmt::format("{}", static_cast<long long>(value));
    return;
  }
  out += fmt::format("{}", value);
}

template <typename Json>
void append_value(std::string& out, const Json& value, int depth) {
  const std::string indent(static_cast<size_t>(depth + 1) * 2, ' ');
  const std::string closing(static_cast<size_t>(depth) * 2, ' ');
  switch (value.type()) {
  case nlohmann::json::value_t::object: {
    if (value.empty()) {
      out += "{}";
      return;
    }
    out += "{\n";
    bool first = true;
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (!first) out += ",\n";
      first = false;
      out += indent;
      append_json_string(out, it.key());
      out += ": ";
      append_value(out, it.value(), depth + 1);
    }
    out += "\n" + closing + "}";
    return;
  }
  case nlohmann::json::value_t::array: {
    if (value.empty()) {
      out += "[]";
      return;
    }
    out += "[\n";
    bool first = true;
    for (const auto& element : value) {
      if (!first) out += ",\n";
      first = false;
      out += indent;
      append_value(out, element, depth + 1);
    }
    out += "\n" + closing + "]";
    return;
  }
  case nlohmann::json::value_t::string: append_json_string(out, value.template get_ref<const std::string&>()); return;
  case nlohmann::json::value_t::boolean: out += value.template get<bool>() ? "true" : "false"; return;
  case nlohmann::json::value_t::number_integer: out += fmt::format("{}", value.template get<int64_t>()); return;
  case nlohmann::json::value_t::number_unsigned: out += fmt::format("{}", value.template get<uint64_t>()); return;
  case nlohmann::json::value_t::number_float: append_number(out, value.template get<double>()); return;
  case nlohmann::json::value_t::null:
  case nlohmann::json::value_t::discarded:
  case nlohmann::json::value_t::binary: out += "null"; return;
  }
}

}  // namespace

std::string canonical_json(const nlohmann::ordered_json& value) {
  std::string out;
  append_value(out, value, 0);
  out.push_back('\n');
  return out;
}

std::string canonical_json(const nlohmann::json& value) {
  std::string out;
  append_value(out, value, 0);
  out.push_back('\n');
  return out;
}

}  // namespace tailor::util
