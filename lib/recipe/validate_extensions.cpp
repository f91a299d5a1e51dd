// tailor's own checks (docs/validation.md, "tailor's own checks"): unknown keys
// outside [[steps]], backend names, gpu_driver and gpu_compute ranges, min_glibc and the [verify.backend] smoke
// check.
#include <array>

#include "recipe/validate_internal.hpp"
#include "recipe/when.hpp"
#include "util/dotted_version.hpp"
#include "util/gfx_target.hpp"

namespace tailor::recipe::detail {
namespace {

// The keys each table may have, built on first use rather than before main, where an
// allocation failure could not be caught (cert-err58-cpp).
struct KnownKeys {
  std::vector<std::string> top{"metadata", "version", "steps", "verify", "patches", "resources"};
  std::vector<std::string> metadata{"name",
                                    "description",
                                    "homepage",
                                    "version_format",
                                    "requires_sudo",
                                    "dependencies",
                                    "runtime_dependencies",
                                    "extra_dependencies",
                                    "extra_runtime_dependencies",
                                    "tier",
                                    "type",
                                    "llm_validation",
                                    "curated",
                                    "binaries",
                                    "satisfies",
                                    "supported_os",
                                    "supported_arch",
                                    "supported_libc",
                                    "unsupported_platforms",
                                    "unsupported_reason"};
  std::vector<std::string> version{"source",       "github_repo",
                                   "tag_prefix",   "module",
                                   "formula",      "cask",
                                   "tap",          "fossil_repo",
                                   "project_name", "version_separator",
                                   "timeline_tag", "url",
                                   "version_path", "stable_qualifiers",
                                   "min_version"};
  std::vector<std::string> verify{"command", "pattern",   "patterns",   "mode",   "version_format",
                                  "reason",  "exit_code", "additional", "backend"};
  std::vector<std::string> additional{"command", "pattern"};
  std::vector<std::string> backend_check{"command", "pattern", "timeout"};
  std::vector<std::string> patch{"url", "data", "checksum", "strip", "subdir"};
  std::vector<std::string> resource{"name", "url", "checksum", "dest"};
  std::vector<std::string> backends{"cuda", "rocm", "sycl", "vulkan", "metal", "cpu"};
};

const KnownKeys& known_keys() {
  static const KnownKeys k_known;
  return k_known;
}

void unknown_in(Checker& c, const toml::node* node, const std::string& prefix, const std::vector<std::string>& known) {
  const auto* table = node != nullptr ? node->as_table() : nullptr;
  if (table == nullptr) return;
  for (const auto& [key, value] : *table) {
    const std::string name(key.str());
    if (std::find(known.begin(), known.end(), name) != known.end()) continue;
    const std::string field = prefix.empty() ? name : fmt::format("{}.{}", prefix, name);
    auto suggestion = suggest_name(name, known);
    std::string message = suggestion ? fmt::format("unknown key '{}' (did you mean '{}'?)", name, *suggestion)
                                     : fmt::format("unknown key '{}'", name);
    c.warning(field, std::move(message));
  }
}

void unknown_in_array(Checker& c, const toml::node* node, const std::string& prefix,
                      const std::vector<std::string>& known) {
  const auto* array = node != nullptr ? node->as_array() : nullptr;
  if (array == nullptr) return;
  for (size_t i = 0; i < array->size(); ++i) unknown_in(c, array->get(i), fmt::format("{}[{}]", prefix, i), known);
}

// docs/recipe-authoring.md, "Decoding rules worth knowing": a dotted version string.
void check_min_glibc(Checker& c, size_t index) {
  const std::string field = fmt::format("steps[{}].min_glibc", index);
  const toml::node* node = c.root().at_path(field).node();
  if (node == nullptr) return;
  const auto* text = node->as_string();
  if (text != nullptr && util::is_dotted_version(text->get())) return;
  c.error(field, text != nullptr
                     ? fmt::format("min_glibc must be a glibc version such as \"2.39\" (got \"{}\")", text->get())
                     : std::string("min_glibc must be a string such as \"2.39\""));
}

// docs/recipe-authoring.md, "gfx": a non-empty list of device targets such as "gfx90a".
void check_gfx(Checker& c, size_t index, const std::string& prefix) {
  const std::string field = prefix + ".gfx";
  const toml::node* node = c.root().at_path(fmt::format("steps[{}].when.gfx", index)).node();
  if (node == nullptr) return;
  const auto* list = node->as_array();
  if (list == nullptr || list->empty()) {
    c.error(field, "gfx must be a list of AMD gfx targets such as [\"gfx90a\", \"gfx1100\"]");
    return;
  }
  for (size_t k = 0; k < list->size(); ++k) {
    const auto* name = (*list)[k].as_string();
    const std::string at = fmt::format("{}[{}]", field, k);
    if (name == nullptr) {
      c.error(field, "gfx targets are strings such as \"gfx90a\"", at);
    } else if (!util::is_gfx_target(name->get())) {
      c.error(field,
              fmt::format("unknown gfx target '{}': a target is gfx<major><minor><stepping> such as gfx90a or "
                          "gfx1100 (no generic targets or :feature suffixes)",
                          name->get()),
              at);
    }
  }
}

}  // namespace

void check_unknown_keys(Checker& c) {
  const toml::table& root = c.root();
  const KnownKeys& k = known_keys();
  unknown_in(c, &root, "", k.top);
  unknown_in(c, root.get("metadata"), "metadata", k.metadata);
  unknown_in(c, root.get("version"), "version", k.version);
  const toml::node* verify = root.get("verify");
  unknown_in(c, verify, "verify", k.verify);
  if (verify != nullptr && verify->is_table()) {
    unknown_in_array(c, verify->as_table()->get("additional"), "verify.additional", k.additional);
    unknown_in(c, verify->as_table()->get("backend"), "verify.backend", k.backend_check);
  }
  unknown_in_array(c, root.get("patches"), "patches", k.patch);
  unknown_in_array(c, root.get("resources"), "resources", k.resource);
}

void check_extensions(Checker& c) {
  const Recipe& r = c.recipe();
  bool backend_recipe = false;
  for (size_t i = 0; i < r.steps.size(); ++i) {
    const Step& step = r.steps[i];
    check_min_glibc(c, i);
    if (!step.when) continue;
    const std::string prefix = fmt::format("steps[{}].when", i);
    const toml::node* backend_node = c.root().at_path(fmt::format("steps[{}].when.backend", i)).node();
    const bool backend_is_array = backend_node != nullptr && backend_node->is_array();
    for (size_t k = 0; k < step.when->backend.size(); ++k) {
      backend_recipe = true;
      const std::string& name = step.when->backend[k];
      const std::vector<std::string>& backends = known_keys().backends;
      if (std::find(backends.begin(), backends.end(), name) != backends.end()) continue;
      auto suggestion = suggest_name(name, backends);
      std::string message =
          suggestion ? fmt::format("unknown backend '{}' (did you mean '{}'?)", name, *suggestion)
                     : fmt::format("unknown backend '{}' (valid: cuda, rocm, sycl, vulkan, metal, cpu)", name);
      c.error(prefix + ".backend", std::move(message),
              backend_is_array ? fmt::format("{}.backend[{}]", prefix, k) : prefix + ".backend");
    }
    if (!step.when->gpu_driver.empty()) {
      if (auto ok = check_driver_range(step.when->gpu_driver); !ok) c.error(prefix + ".gpu_driver", ok.error().message);
    }
    const toml::node* compute = c.root().at_path(fmt::format("steps[{}].when.gpu_compute", i)).node();
    if (compute != nullptr && !compute->is_string()) {
      c.error(prefix + ".gpu_compute", "gpu_compute must be a string range such as \">=7.5\"");
    } else if (!step.when->gpu_compute.empty()) {
      if (auto ok = check_compute_range(step.when->gpu_compute); !ok)
        c.error(prefix + ".gpu_compute", ok.error().message);
    }
    check_gfx(c, i, prefix);
  }
  if (!r.verify.backend) return;
  const BackendCheck& check = *r.verify.backend;
  if (check.command.empty()) c.error("verify.backend.command", "command is required", "verify.backend");
  if (check.timeout <= 0)
    c.error("verify.backend.timeout",
            fmt::format("timeout must be a positive number of seconds (got {})", check.timeout));
  if (!backend_recipe)
    c.warning("verify.backend", "the backend smoke check has no effect: no step has a backend condition");
}

}  // namespace tailor::recipe::detail
