#include "version/json_path.hpp"

#include <cctype>
#include <cmath>

namespace tailor::version {

Result<std::vector<PathStep>> parse_version_path(std::string_view path) {
  auto bad = [&](std::string_view why) { return fail(ErrorKind::failure, "invalid version_path '{}': {}", path, why); };
  if (path.empty()) return bad("empty path");
  if (path.front() == '.' || path.back() == '.') return bad("leading or trailing '.'");
  std::vector<PathStep> steps;
  std::size_t i = 0;
  bool after_index = false;
  while (i < path.size()) {
    if (path[i] == '[') {
      auto close = path.find(']', i);
      if (close == std::string_view::npos) return bad("unclosed '['");
      auto digits = path.substr(i + 1, close - i - 1);
      if (digits.empty()) return bad("empty index '[]'");
      std::size_t index = 0;
      for (char c : digits) {
        if (!std::isdigit(static_cast<unsigned char>(c))) return bad("index must be a non-negative decimal number");
        index = index * 10 + static_cast<std::size_t>(c - '0');
      }
      steps.emplace_back(index);
      i = close + 1;
      after_index = true;
      continue;
    }
    if (path[i] == '.') {
      ++i;
      if (i >= path.size() || path[i] == '.' || path[i] == '[') return bad("empty key");
    } else if (after_index) {
      return bad("a key after ']' needs a '.'");
    } else if (!steps.empty()) {
      return bad("unexpected character");
    }
    std::size_t end = i;
    while (end < path.size() && path[end] != '.' && path[end] != '[') ++end;
    if (end == i) return bad("empty key");
    steps.emplace_back(std::string(path.substr(i, end - i)));
    i = end;
    after_index = false;
  }
  return steps;
}

Result<std::string> extract_version(const nlohmann::json& document, std::string_view path) {
  auto steps = parse_version_path(path);
  if (!steps) return fail(steps.error());
  const nlohmann::json* node = &document;
  std::string walked;
  for (const auto& step : *steps) {
    if (const auto* key = std::get_if<std::string>(&step)) {
      walked += walked.empty() ? *key : "." + *key;
      if (!node->is_object() || !node->contains(*key)) {
        return fail(ErrorKind::version, "version_path '{}': no key '{}' at '{}'", path, *key, walked);
      }
      node = &(*node)[*key];
    } else {
      std::size_t index = std::get<std::size_t>(step);
      walked += "[" + std::to_string(index) + "]";
      if (!node->is_array() || index >= node->size()) {
        return fail(ErrorKind::version, "version_path '{}': no element at '{}'", path, walked);
      }
      node = &(*node)[index];
    }
  }
  if (node->is_string()) {
    auto text = node->get<std::string>();
    if (text.empty()) return fail(ErrorKind::version, "version_path '{}' leads to an empty string", path);
    return text;
  }
  if (node->is_number_integer() || node->is_number_unsigned()) return node->dump();
  if (node->is_number_float()) {
    double value = node->get<double>();
    if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e15) {
      return std::to_string(static_cast<long long>(value));
    }
    return node->dump();  // nlohmann prints the shortest round-trip form
  }
  return fail(ErrorKind::version, "version_path '{}' leads to {} instead of a string or number", path,
              node->type_name());
}

}  // namespace tailor::version
