#include "plan/plan_read.hpp"

#include <array>
#include <cstdint>
#include <set>
#include <string_view>
#include <type_traits>

#include <fmt/ranges.h>

namespace tailor::plan {
using nlohmann::ordered_json;
namespace {

// What reading a whole plan has found so far: the first problem, and the keys it left out.
struct ReadState {
  std::string error;  // "<path>: <what is needed>", "" while the plan reads
  std::vector<std::string>* unknown = nullptr;

  void problem(const std::string& path, std::string_view needed) {
    if (error.empty()) error = fmt::format("{}: {} is needed", path, needed);
  }
};

// The members of one JSON object, read by name; done() lists those nothing read.
class ObjectReader {
 public:
  ObjectReader(const ordered_json& value, std::string path, ReadState& state)
      : m_value(value), m_path(std::move(path)), m_state(state) {
    if (!m_value.is_object()) m_state.problem(m_path, "an object");
  }

  std::string path_of(std::string_view key) const { return fmt::format("{}.{}", m_path, key); }

  // The member `key`, marked as read; nullptr when absent (or when this is no object).
  const ordered_json* member(const char* key) {
    if (!m_value.is_object()) return nullptr;
    auto it = m_value.find(key);
    if (it == m_value.end()) return nullptr;
    m_read.insert(key);
    return &*it;
  }

  void string(const char* key, std::string& out) {
    const ordered_json* value = member(key);
    if (value == nullptr) return;
    if (!value->is_string()) return m_state.problem(path_of(key), "a string");
    out = value->get<std::string>();
  }

  // A string member naming one of `names` (a tuple table), read with `parse`; "" reads as not
  // given, as the writer leaves such a member out.
  template <typename E, std::size_t N>
  void named(const char* key, std::optional<E>& out, const std::array<std::string_view, N>& names,
             std::optional<E> (*parse)(std::string_view)) {
    std::string text;
    string(key, text);
    if (text.empty()) return;
    out = parse(text);
    if (!out) m_state.problem(path_of(key), fmt::format("one of {}", fmt::join(names, ", ")));
  }

  void boolean(const char* key, bool& out) {
    const ordered_json* value = member(key);
    if (value == nullptr) return;
    if (!value->is_boolean()) return m_state.problem(path_of(key), "true or false");
    out = value->get<bool>();
  }

  template <typename Int>
  void integer(const char* key, Int& out) {
    const ordered_json* value = member(key);
    if (value == nullptr) return;
    const bool fits = std::is_signed_v<Int> ? value->is_number_integer() : value->is_number_unsigned();
    if (!fits) return m_state.problem(path_of(key), std::is_signed_v<Int> ? "an integer" : "a non-negative integer");
    out = value->get<Int>();
  }

  void strings(const char* key, std::vector<std::string>& out) {
    const ordered_json* value = member(key);
    if (value == nullptr) return;
    if (!value->is_array()) return m_state.problem(path_of(key), "an array of strings");
    for (std::size_t i = 0; i < value->size(); ++i) {
      const ordered_json& entry = (*value)[i];
      if (!entry.is_string()) return m_state.problem(fmt::format("{}[{}]", path_of(key), i), "a string");
      out.push_back(entry.get<std::string>());
    }
  }

  // The array member `key`, each element read by `read_item(element, path, state)`.
  template <typename ReadItem>
  auto items(const char* key, ReadItem read_item) {
    std::vector<std::invoke_result_t<ReadItem, const ordered_json&, const std::string&, ReadState&>> out;
    const ordered_json* value = member(key);
    if (value == nullptr) return out;
    if (!value->is_array()) {
      m_state.problem(path_of(key), "an array");
      return out;
    }
    for (std::size_t i = 0; i < value->size(); ++i)
      out.push_back(read_item((*value)[i], fmt::format("{}[{}]", path_of(key), i), m_state));
    return out;
  }

  void done() const {
    if (m_state.unknown == nullptr || !m_value.is_object()) return;
    for (auto it = m_value.begin(); it != m_value.end(); ++it) {
      if (!m_read.contains(it.key())) m_state.unknown->push_back(path_of(it.key()));
    }
  }

 private:
  const ordered_json& m_value;
  std::string m_path;
  ReadState& m_state;
  std::set<std::string, std::less<>> m_read;
};

PlanStep read_step(const ordered_json& value, const std::string& path, ReadState& state) {
  PlanStep step;
  ObjectReader r(value, path, state);
  r.string("action", step.action);
  r.string("phase", step.phase);
  if (const ordered_json* params = r.member("params")) {
    if (params->is_object())
      step.params = nlohmann::json(*params);
    else
      state.problem(r.path_of("params"), "an object");
  }
  r.boolean("evaluable", step.evaluable);
  r.boolean("deterministic", step.deterministic);
  r.string("url", step.url);
  r.string("checksum", step.checksum);
  r.integer("size", step.size);
  r.string("min_glibc", step.min_glibc);
  r.done();
  return step;
}

// `steps`: null stays nullopt, as plan_to_json writes a node without steps.
std::optional<std::vector<PlanStep>> read_steps(ObjectReader& r) {
  if (const ordered_json* value = r.member("steps"); value == nullptr || value->is_null()) return std::nullopt;
  return r.items("steps", read_step);
}

std::pair<std::string, std::string> read_check(const ordered_json& value, const std::string& path, ReadState& state) {
  std::pair<std::string, std::string> check;
  ObjectReader r(value, path, state);
  r.string("command", check.first);
  r.string("pattern", check.second);
  r.done();
  return check;
}

std::optional<PlanVerify> read_verify(ObjectReader& r, ReadState& state) {
  const ordered_json* value = r.member("verify");
  if (value == nullptr) return std::nullopt;
  PlanVerify verify;
  ObjectReader v(*value, r.path_of("verify"), state);
  v.string("command", verify.command);
  v.string("pattern", verify.pattern);
  v.strings("patterns", verify.patterns);
  if (v.member("exit_code") != nullptr) v.integer("exit_code", verify.exit_code.emplace());
  verify.additional = v.items("additional", read_check);
  v.done();
  return verify;
}

DependencyPlan read_dependency(const ordered_json& value, const std::string& path, ReadState& state) {
  DependencyPlan dep;
  ObjectReader r(value, path, state);
  r.string("tool", dep.tool);
  r.string("version", dep.version);
  dep.dependencies = r.items("dependencies", read_dependency);
  dep.steps = read_steps(r);
  dep.verify = read_verify(r, state);
  r.string("recipe_type", dep.recipe_type);
  r.done();
  return dep;
}

tuple::Target read_platform(ObjectReader& r, ReadState& state) {
  tuple::Target platform;
  const ordered_json* value = r.member("platform");
  if (value == nullptr) return platform;
  ObjectReader p(*value, r.path_of("platform"), state);
  p.string("os", platform.os);
  p.string("arch", platform.arch);
  p.named("linux_family", platform.linux_family, tuple::k_linux_family_names, tuple::parse_linux_family);
  p.named("gpu", platform.gpu, tuple::k_gpu_vendor_names, tuple::parse_gpu_vendor);
  p.named("backend", platform.backend, tuple::k_backend_names, tuple::parse_backend);
  p.done();
  return platform;
}

}  // namespace

Result<Plan> plan_from_json(const ordered_json& doc, std::vector<std::string>* unknown) {
  ReadState state{.error = "", .unknown = unknown};
  Plan plan;
  plan.storage_version = 0;  // absent unless the plan says
  ObjectReader r(doc, "$", state);
  r.integer("format_version", plan.format_version);
  r.integer("storage_version", plan.storage_version);
  r.string("tool", plan.tool);
  r.string("version", plan.version);
  plan.platform = read_platform(r, state);
  r.string("generated_at", plan.generated_at);
  r.string("recipe_source", plan.recipe_source);
  r.boolean("deterministic", plan.deterministic);
  plan.dependencies = r.items("dependencies", read_dependency);
  plan.steps = read_steps(r);
  plan.verify = read_verify(r, state);
  r.string("recipe_type", plan.recipe_type);
  r.strings("binaries", plan.binaries);
  r.done();
  if (!state.error.empty()) return fail(ErrorKind::invalid_input, "{}", state.error);
  return plan;
}

}  // namespace tailor::plan
