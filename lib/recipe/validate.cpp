// Runs the validation passes in the order of docs/validation.md, "Order of checks", and guards against hostile input.
#include "recipe/validate.hpp"

#include <algorithm>
#include <cctype>

#include "recipe/decode.hpp"
#include "recipe/validate_internal.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace tailor::recipe {
namespace detail {

void Checker::error(std::string field, std::string message, std::string_view at) {
  SourcePos pos = locate(at.empty() ? std::string_view(field) : at);
  m_result.errors.push_back({std::move(field), std::move(message), pos});
}

void Checker::error_at(std::string field, std::string message, SourcePos pos) {
  m_result.errors.push_back({std::move(field), std::move(message), pos});
}

void Checker::warning(std::string field, std::string message, std::string_view at) {
  SourcePos pos = locate(at.empty() ? std::string_view(field) : at);
  m_result.warnings.push_back({std::move(field), std::move(message), pos});
}

SourcePos Checker::locate(std::string_view path) const {
  const toml::node* node = &m_root;
  SourcePos best;
  size_t i = 0;
  while (i < path.size() && node != nullptr) {
    if (path[i] == '.') {
      ++i;
      continue;
    }
    if (path[i] == '[') {
      size_t close = path.find(']', i);
      if (close == std::string_view::npos) break;
      size_t index = 0;
      for (size_t k = i + 1; k < close; ++k) index = index * 10 + static_cast<size_t>(path[k] - '0');
      const auto* array = node->as_array();
      node = array != nullptr ? array->get(index) : nullptr;
      i = close + 1;
    } else {
      size_t end = path.find_first_of(".[", i);
      if (end == std::string_view::npos) end = path.size();
      const auto* table = node->as_table();
      node = table != nullptr ? table->get(path.substr(i, end - i)) : nullptr;
      i = end;
    }
    if (node != nullptr && node->source().begin.line != 0) best = position_of(*node);
  }
  return best;
}

const nlohmann::json* param(const Step& step, std::string_view key) {
  auto it = step.params.find(key);
  return it == step.params.end() ? nullptr : &*it;
}

std::string param_string(const Step& step, std::string_view key) {
  const nlohmann::json* value = param(step, key);
  return value != nullptr && value->is_string() ? value->get<std::string>() : std::string();
}

bool has_param(const Step& step, std::string_view key) { return param(step, key) != nullptr; }

std::vector<std::string> effective_supported_os(const Metadata& m) {
  return m.supported_os ? *m.supported_os : std::vector<std::string>{"linux", "darwin"};
}

std::vector<std::string> effective_supported_arch(const Metadata& m) {
  return m.supported_arch ? *m.supported_arch : std::vector<std::string>{"amd64", "arm64"};
}

}  // namespace detail

namespace {

// Offset of the first byte that breaks UTF-8, or npos.
size_t invalid_utf8_offset(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      ++i;
      continue;
    }
    size_t length = 0;
    uint32_t min = 0;
    if ((byte & 0xE0) == 0xC0)
      length = 2, min = 0x80;
    else if ((byte & 0xF0) == 0xE0)
      length = 3, min = 0x800;
    else if ((byte & 0xF8) == 0xF0)
      length = 4, min = 0x10000;
    else
      return i;
    if (i + length > text.size()) return i;
    uint32_t code = byte & (0x7F >> length);
    for (size_t k = 1; k < length; ++k) {
      auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return i;
      code = (code << 6) | (next & 0x3F);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return i;
    i += length;
  }
  return std::string_view::npos;
}

SourcePos position_of_offset(std::string_view text, size_t offset) {
  SourcePos pos{1, 1};
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++pos.line;
      pos.column = 1;
    } else {
      ++pos.column;
    }
  }
  return pos;
}

void finish(ValidationResult& result, const ValidateOptions& options) {
  result.valid = result.errors.empty() && (!options.strict || result.warnings.empty());
}

}  // namespace

std::optional<std::string> suggest_name(std::string_view input, const std::vector<std::string>& candidates) {
  const std::string lowered = util::to_lower(input);
  if (auto close = util::closest_match(lowered, candidates, 3)) return close;
  for (const std::string& candidate : candidates) {
    if (candidate.starts_with(lowered)) return candidate;
    if (lowered.starts_with(candidate) && lowered.size() <= candidate.size() + 3) return candidate;
  }
  return std::nullopt;
}

ValidationResult validate_recipe_text(std::string_view text, std::string_view path, const ValidateOptions& options) {
  ValidationResult result;
  result.path = std::string(path);
  auto file_error = [&](std::string message, SourcePos pos = {}) {
    result.errors.push_back({"", std::move(message), pos});
    finish(result, options);
    return result;
  };
  if (text.size() > detail::k_max_recipe_bytes) {
    return file_error(fmt::format("recipe is larger than 1 MiB ({} bytes); refusing to parse it", text.size()));
  }
  if (size_t nul = text.find('\0'); nul != std::string_view::npos) {
    return file_error("binary file (contains a NUL byte); a recipe must be UTF-8 text", position_of_offset(text, nul));
  }
  if (size_t bad = invalid_utf8_offset(text); bad != std::string_view::npos) {
    return file_error(fmt::format("file is not valid UTF-8 (byte offset {}); recipes must be UTF-8 text", bad),
                      position_of_offset(text, bad));
  }
  auto root = detail::parse_toml(text, path);
  if (!root) return file_error("TOML parse error: " + root.error().detail, root.error().pos);
  auto recipe = detail::decode_recipe(*root);
  if (!recipe) return file_error("TOML parse error: " + recipe.error().detail, recipe.error().pos);
  recipe->source_path = std::string(path);

  detail::Checker c(*recipe, *root, result);
  detail::check_metadata(c);
  detail::check_version(c);
  detail::check_patches(c);
  detail::check_steps(c);
  detail::check_verify(c);
  detail::check_placeholders(c);
  detail::check_platforms(c);
  detail::check_dependency_names(c);
  detail::check_extensions(c);
  if (options.registry != nullptr) detail::check_registry(c, *options.registry);
  detail::check_shadowed_dependencies(c);
  detail::check_redundant_version(c);
  detail::check_hardcoded_versions(c);
  if (options.check_libc_coverage) detail::check_libc_coverage(c);
  detail::check_unknown_keys(c);
  if (options.strict) {
    // Unknown keys are errors under --strict (docs/validation.md, "tailor's own checks").
    auto unknown = std::stable_partition(result.warnings.begin(), result.warnings.end(),
                                         [](const Diagnostic& d) { return !d.message.starts_with("unknown key '"); });
    result.errors.insert(result.errors.end(), unknown, result.warnings.end());
    result.warnings.erase(unknown, result.warnings.end());
  }
  result.recipe = std::move(*recipe);
  finish(result, options);
  return result;
}

ValidationResult validate_recipe_file(const std::filesystem::path& path, const ValidateOptions& options) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    ValidationResult result;
    result.path = path.string();
    result.errors.push_back({"", fmt::format("file not found: {}", path.string()), {}});
    return result;
  }
  auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > detail::k_max_recipe_bytes) {
    ValidationResult result;
    result.path = path.string();
    result.errors.push_back(
        {"", fmt::format("recipe is larger than 1 MiB ({} bytes); refusing to parse it", size), {}});
    return result;
  }
  auto text = util::read_file(path, detail::k_max_recipe_bytes);
  if (!text) {
    ValidationResult result;
    result.path = path.string();
    result.errors.push_back({"", text.error().message, {}});
    return result;
  }
  return validate_recipe_text(*text, path.string(), options);
}

}  // namespace tailor::recipe
