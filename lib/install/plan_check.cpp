#include "install/plan_check.hpp"

#include <iostream>
#include <iterator>

#include "util/fs.hpp"
#include "util/strings.hpp"

namespace tailor::install {
using nlohmann::ordered_json;

std::vector<std::string> plan_platform_mismatches(const ordered_json& plan, const platform::Facts& facts) {
  std::vector<std::string> out;
  const ordered_json platform = plan.value("platform", ordered_json::object());
  auto compare = [&](const char* key, const std::string& actual) {
    auto it = platform.find(key);
    if (it == platform.end() || !it->is_string()) return;
    std::string wanted = it->get<std::string>();
    if (wanted != actual)
      out.push_back(fmt::format("{} {} (this machine: {})", key, wanted, actual.empty() ? "unknown" : actual));
  };
  compare("os", facts.os);
  compare("arch", facts.arch);
  compare("linux_family", facts.linux_family);
  compare("gpu", facts.gpu);
  return out;
}

Result<std::vector<std::string>> check_plan_platform(const ordered_json& plan, const platform::Facts& facts,
                                                     bool force) {
  auto mismatches = plan_platform_mismatches(plan, facts);
  if (!mismatches.empty() && !force) {
    return fail(ErrorKind::failure,
                "the plan for {}@{} was made for another machine: {}; make a plan here with `tailor eval`, or pass "
                "--force to install it anyway",
                plan.value("tool", std::string("?")), plan.value("version", std::string("?")),
                util::join(mismatches, ", "));
  }
  return mismatches;
}

Result<ordered_json> read_plan_file(const std::string& path) {
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
  return plan;
}

}  // namespace tailor::install
