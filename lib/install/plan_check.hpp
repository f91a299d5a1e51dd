#pragma once
// Re-checks a stored plan against this machine before executing it (docs/install.md, "The install flow"):
// a plan is a lockfile of choices made for one os/arch/family/GPU.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "plan/plan_model.hpp"
#include "platform/facts.hpp"
#include "util/result.hpp"

namespace tailor::install {

// One line per fact the plan's `platform` block records that differs from `facts`.
std::vector<std::string> plan_platform_mismatches(const plan::Plan& plan, const platform::Facts& facts);

// Fails (ErrorKind::failure) on mismatches unless `force`; with `force` it returns them so
// the caller can warn.
Result<std::vector<std::string>> check_plan_platform(const plan::Plan& plan, const platform::Facts& facts, bool force);

// Checks what a plan could use to reach outside the tool's directory, in the plan and every
// dependency: tool names (recipe::check_tool_name), versions (recipe::check_plan_version) and
// the paths of `binaries` and of the step parameters archive, dest, file, src, subdir,
// binaries, executables, files, outputs, patterns (relative, no ".." component, no control
// character). ErrorKind::invalid_input naming the JSON path of the field, e.g.
// `$.dependencies[0].steps[1].params.dest`.
Status check_plan_fields(const nlohmann::ordered_json& plan);

// Reads a plan file ("-" reads stdin) into plan::Plan, its JSON parsed once; refuses anything
// but a format 5 plan object whose fields pass check_plan_fields and have the types
// plan::plan_from_json needs.
Result<plan::Plan> read_plan_file(const std::string& path);

}  // namespace tailor::install
