#include "install/plan_check.hpp"

#include <algorithm>
#include <array>
#include <iostream>
#include <iterator>

#include "plan/plan_read.hpp"
#include "platform/libc.hpp"
#include "recipe/request.hpp"
#include "util/dotted_version.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace tailor::install {
using nlohmann::ordered_json;
namespace {

// Step parameters that name paths inside the work or install directory, in any action.
constexpr std::array<const char*, 5> k_path_keys{"archive", "dest", "file", "src", "subdir"};
constexpr std::array<const char*, 5> k_path_list_keys{"binaries", "executables", "files", "outputs", "patterns"};

Status refuse(const std::string& where, const std::string& problem) {
  return fail(ErrorKind::invalid_input, "{}: {}; the plan was refused before anything was done", where, problem);
}

bool has_control(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// A path the plan names inside the tool's directory: relative, no ".." component, no
// control character. "" means "the default" to the steps and passes.
Status check_relative(const ordered_json& value, const std::string& where) {
  if (!value.is_string()) return {};
  const std::string& path = value.get_ref<const std::string&>();
  if (has_control(path))
    return refuse(where, fmt::format("'{}' contains a control character", recipe::printable(path)));
  if (path.starts_with("/")) return refuse(where, fmt::format("'{}' is absolute; plan paths are relative", path));
  for (const auto& part : util::split(path, '/')) {
    if (part == "..") return refuse(where, fmt::format("'{}' has a '..' component", path));
  }
  return {};
}

Status check_params(const ordered_json& params, const std::string& where) {
  if (!params.is_object()) return {};
  for (const char* key : k_path_keys) {
    if (auto it = params.find(key); it != params.end()) {
      if (auto st = check_relative(*it, where + "." + key); !st) return st;
    }
  }
  for (const char* key : k_path_list_keys) {
    auto it = params.find(key);
    if (it == params.end() || !it->is_array()) continue;
    for (std::size_t i = 0; i < it->size(); ++i) {
      const ordered_json& entry = (*it)[i];
      std::string at = fmt::format("{}.{}[{}]", where, key, i);
      if (auto st = check_relative(entry, at); !st) return st;
      if (!entry.is_object()) continue;
      for (const char* inner : {"src", "dest"}) {
        if (auto e = entry.find(inner); e != entry.end()) {
          if (auto st = check_relative(*e, at + "." + inner); !st) return st;
        }
      }
    }
  }
  return {};
}

Status check_node(const ordered_json& node, const std::string& where) {
  if (!node.is_object()) return refuse(where, "not a plan object");
  auto tool = node.find("tool");
  if (tool == node.end() || !tool->is_string()) return refuse(where + ".tool", "a tool name string is needed");
  if (auto st = recipe::check_tool_name(tool->get_ref<const std::string&>()); !st)
    return refuse(where + ".tool", st.error().message);
  auto version = node.find("version");
  if (version == node.end() || !version->is_string()) return refuse(where + ".version", "a version string is needed");
  if (auto st = recipe::check_plan_version(version->get_ref<const std::string&>()); !st)
    return refuse(where + ".version", st.error().message);
  if (auto binaries = node.find("binaries"); binaries != node.end() && binaries->is_array()) {
    for (std::size_t i = 0; i < binaries->size(); ++i) {
      if (auto st = check_relative((*binaries)[i], fmt::format("{}.binaries[{}]", where, i)); !st) return st;
    }
  }
  if (auto steps = node.find("steps"); steps != node.end() && steps->is_array()) {
    for (std::size_t i = 0; i < steps->size(); ++i) {
      const ordered_json& step = (*steps)[i];
      if (!step.is_object()) continue;
      if (auto params = step.find("params"); params != step.end()) {
        if (auto st = check_params(*params, fmt::format("{}.steps[{}].params", where, i)); !st) return st;
      }
    }
  }
  if (auto deps = node.find("dependencies"); deps != node.end() && deps->is_array()) {
    for (std::size_t i = 0; i < deps->size(); ++i) {
      if (auto st = check_node((*deps)[i], fmt::format("{}.dependencies[{}]", where, i)); !st) return st;
    }
  }
  return {};
}

// The highest min_glibc of any step of `node`'s tree (docs/planning.md, "Steps that need a newer glibc").
template <typename Node>
void highest_min_glibc(const Node& node, std::string& needed) {
  if (node.steps) {
    for (const plan::PlanStep& step : *node.steps) {
      if (!util::is_dotted_version(step.min_glibc)) continue;
      if (needed.empty() || util::compare_dotted_versions(step.min_glibc, needed) > 0) needed = step.min_glibc;
    }
  }
  for (const plan::DependencyPlan& dep : node.dependencies) highest_min_glibc(dep, needed);
}

}  // namespace

Status check_plan_fields(const ordered_json& plan) { return check_node(plan, "$"); }

std::vector<std::string> plan_platform_mismatches(const plan::Plan& plan, const platform::Facts& facts) {
  std::vector<std::string> out;
  // A fact the plan does not record ("") holds anywhere.
  auto compare = [&](const char* key, std::string_view wanted, const std::string& actual) {
    if (!wanted.empty() && wanted != actual)
      out.push_back(fmt::format("{} {} (this machine: {})", key, wanted, actual.empty() ? "unknown" : actual));
  };
  compare("os", plan.platform.os, facts.os);
  compare("arch", plan.platform.arch, facts.arch);
  compare("linux_family", tuple::name(plan.platform.linux_family), facts.linux_family);
  compare("gpu", tuple::name(plan.platform.gpu), facts.gpu);
  std::string needed;
  highest_min_glibc(plan, needed);
  if (!platform::glibc_shortfall(needed, facts.libc, facts.libc_version).empty())
    out.push_back(fmt::format("glibc {} (this machine: {})", needed, facts.libc_version));
  return out;
}

Result<std::vector<std::string>> check_plan_platform(const plan::Plan& plan, const platform::Facts& facts, bool force) {
  auto mismatches = plan_platform_mismatches(plan, facts);
  if (!mismatches.empty() && !force) {
    return fail(ErrorKind::failure,
                "the plan for {}@{} was made for another machine: {}; make a plan here with `tailor eval`, or pass "
                "--force to install it anyway",
                plan.tool, plan.version, util::join(mismatches, ", "));
  }
  return mismatches;
}

Result<plan::Plan> read_plan_file(const std::string& path) {
  std::string text;
  if (path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    auto read = util::read_file(path, 64ULL << 20);
    if (!read) return fail(ErrorKind::usage, "cannot read plan: {}", read.error().message);
    text = std::move(*read);
  }
  ordered_json plan = ordered_json::parse(text, nullptr, false);
  if (plan.is_discarded() || !plan.is_object())
    return fail(ErrorKind::invalid_input, "{} is not a plan (JSON object expected)", path);
  // Checked by type here, so that what reads the plan later (value() throws on a wrong type)
  // can rely on it.
  auto format = plan.find("format_version");
  if (format == plan.end() || !format->is_number_integer() || format->get<int64_t>() < 5) {
    return fail(ErrorKind::invalid_input,
                "{}: plan format_version {} is not supported (need 5); regenerate it with `tailor eval`", path,
                format == plan.end() ? std::string("(none)") : format->dump());
  }
  auto tool = plan.find("tool");
  auto version = plan.find("version");
  if (tool == plan.end() || !tool->is_string() || version == plan.end() || !version->is_string()) {
    return fail(ErrorKind::invalid_input, "{}: a plan needs tool and version strings", path);
  }
  if (auto st = check_plan_fields(plan); !st) return fail(ErrorKind::invalid_input, "{}: {}", path, st.error().message);
  auto value = plan::plan_from_json(plan);
  if (!value)
    return fail(ErrorKind::invalid_input, "{}: the plan is not a tailor plan: {}", path, value.error().message);
  return value;
}

}  // namespace tailor::install
