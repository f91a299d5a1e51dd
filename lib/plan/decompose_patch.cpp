// Decomposition of `apply_patch`: inline data, or a download and the patch file.
#include "plan/decompose_support.hpp"

namespace tailor::plan::detail {

Decomposition decompose_apply_patch(const recipe::Step& recipe_step, const DecomposeContext& context) {
  const json& params = recipe_step.params;
  // [quirk] only a float `strip` is honoured; an integer gives 1.
  int64_t strip = params.contains("strip") && params["strip"].is_number_float()
                      ? static_cast<int64_t>(params["strip"].get<double>())
                      : 1;
  std::string subdir = param_string(params, "subdir");
  if (subdir.find("..") != std::string::npos || subdir.starts_with('/')) {
    return fail(ErrorKind::failure, "apply_patch: subdir must be relative without '..'");
  }
  std::string url = param_string(params, "url");
  std::string data = param_string(params, "data");
  if (url.empty() == data.empty())
    return fail(ErrorKind::failure, "apply_patch: exactly one of url and data is required");
  if (!data.empty())
    return std::vector<PlanStep>{
        primitive(K::apply_patch_file, {{"data", data}, {"strip", strip}, {"subdir", subdir}})};
  if (!url.starts_with("https://")) return fail(ErrorKind::failure, "apply_patch: url must use https://");
  std::string name = url.substr(url.rfind('/') + 1);
  PlanStep file = primitive(K::download_file, json::object());
  std::string checksum = param_string(params, "sha256");
  if (checksum.empty()) {
    if (auto known = context.artifacts->check_known(url, false); !known) return fail(known.error());
    auto info = context.artifacts->resolve(url, {}, "", name);
    if (!info) return fail(info.error());
    if (*info) {
      checksum = (*info)->checksum;
      file.size = (*info)->size;
    }
  }
  file.params = {{"url", url}, {"dest", name}, {"checksum", checksum}};
  file.url = url;
  file.checksum = checksum;
  return std::vector<PlanStep>{file,
                               primitive(K::apply_patch_file, {{"file", name}, {"strip", strip}, {"subdir", subdir}})};
}

}  // namespace tailor::plan::detail
