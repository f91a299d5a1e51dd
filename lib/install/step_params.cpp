#include "install/step_params.hpp"

namespace tailor::install {

std::string string_param(const nlohmann::ordered_json& params, const char* key, std::string_view fallback) {
  auto it = params.find(key);
  return it != params.end() && it->is_string() ? it->get<std::string>() : std::string(fallback);
}

std::vector<std::string> string_list(const nlohmann::ordered_json& params, const char* key) {
  std::vector<std::string> out;
  if (auto it = params.find(key); it != params.end() && it->is_array()) {
    for (const auto& v : *it) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
  }
  return out;
}

}  // namespace tailor::install
