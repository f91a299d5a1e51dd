#include "install/step_params.hpp"

namespace tailor::install {

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
