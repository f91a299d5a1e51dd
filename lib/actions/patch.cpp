// Patches: the composite apply_patch (inline data, or a download and the patch file) and the
// primitive apply_patch_file, which runs `patch` in the work directory (docs/actions.md).
#include <fstream>

#include "actions/action.hpp"
#include "install/safe_path.hpp"
#include "install/step_params.hpp"
#include "install/subprocess.hpp"
#include "plan/decompose_support.hpp"
#include "recipe/validate_actions.hpp"
#include "util/process.hpp"

namespace tailor::actions {
namespace {

using namespace recipe::detail;
using namespace plan;
using namespace plan::detail;
using namespace install;

// Parameter checks (tailor validate)

void check_apply_patch(const StepCheck& s) {
  if (s.missing("url") == s.missing("data")) s.error("apply_patch requires exactly one of 'url' and 'data'");
  if (!s.missing("url") && s.missing("sha256")) s.error("apply_patch with 'url' requires 'sha256'");
}

// Decomposition

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

// Execution

Status apply_patch_file(const ordered_json& params, StepContext& ctx) {
  std::string data = string_param(params, "data");
  if (data.empty()) {
    auto file = clean_relative(string_param(params, "file"), "apply_patch_file file");
    if (!file || file->empty()) return fail(ErrorKind::invalid_input, "apply_patch_file needs file or data");
    std::ifstream in(ctx.work / join_path(*file), std::ios::binary);
    data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  auto subdir = clean_relative(string_param(params, "subdir", "."), "apply_patch_file subdir");
  if (!subdir) return fail(subdir.error());
  int strip = params.value("strip", 1);
  ProcessOptions options;
  options.timeout = std::chrono::seconds(60);
  options.stdin_text = data;
  options.cwd = (ctx.work / join_path(*subdir)).string();
  auto result = run_process({"patch", "-p" + std::to_string(strip), "--batch", "--forward"}, options);
  if (!result) return fail(result.error());
  if (result->exit_code != 0)
    return fail(ErrorKind::install, "{}@{}: patch failed:\n{}", ctx.tool, ctx.version, result->output);
  return {};
}

}  // namespace

using recipe::ActionKind;
using recipe::behaviour_for;

constexpr recipe::ActionBehaviour k_apply_patch =
    behaviour_for(ActionKind::apply_patch, {.check = check_apply_patch, .decompose = decompose_apply_patch});
constexpr recipe::ActionBehaviour k_apply_patch_file =
    behaviour_for(ActionKind::apply_patch_file, {.execute = params_only<apply_patch_file>});

}  // namespace tailor::actions
