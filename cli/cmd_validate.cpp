// tailor validate: check recipe files and print compiler-style diagnostics (docs/validation.md).
#include <filesystem>

#include "command.hpp"
#include "recipe/registry.hpp"
#include "recipe/validate.hpp"
#include "registry/sources.hpp"

namespace tailor::cli {
namespace {

struct Options {
  bool strict = false;
  bool json = false;
  bool check_libc_coverage = false;
  std::string registry;
  std::vector<std::string> paths;
};

const bool k_registered = register_command(
    {"validate", "Check recipes for errors", [](CLI::App& app, Context& ctx) -> RunFn {
       auto opts = std::make_shared<Options>();
       app.add_flag("--strict", opts->strict, "Treat warnings (and unknown keys) as errors");
       app.add_flag("--json", opts->json, "Print one JSON object per recipe");
       app.add_flag("--check-libc-coverage", opts->check_libc_coverage, "Check that musl systems have an install path");
       app.add_option("--registry", opts->registry, "Resolve dependency names against this recipe directory");
       app.add_option("paths", opts->paths, "Recipe files or directories (searched recursively for *.toml)")
           ->required();
       return [opts, &ctx]() -> Result<int> {
         std::vector<std::filesystem::path> paths(opts->paths.begin(), opts->paths.end());
         // Recipes being validated resolve each other's dependencies, before the usual registry.
         // Every recipe file under the given paths counts, however deep (a tsuku checkout:
         // `recipes/<letter>/*.toml` and `internal/recipe/recipes/*.toml`).
         // The configured sources count too: the central registry, from its cache only (validate
         // never goes to the network).
         recipe::RegistryOptions registry_options = registry::lookup_options(opts->registry, true);
         if (auto files = recipe::collect_recipe_files(paths)) registry_options.files = std::move(*files);
         recipe::Registry registry(std::move(registry_options));
         recipe::ValidateOptions options{opts->strict, opts->check_libc_coverage, &registry};
         auto results = recipe::validate_paths(paths, options);
         if (!results) return tl::unexpected(results.error());
         bool all_valid = std::all_of(results->begin(), results->end(), [](const auto& r) { return r.valid; });
         if (opts->json) {
           std::error_code ec;
           const bool single_file = paths.size() == 1 && !std::filesystem::is_directory(paths.front(), ec);
           nlohmann::ordered_json doc = nlohmann::ordered_json::array();
           for (const auto& result : *results) doc.push_back(recipe::validation_to_json(result));
           ctx.output.write((single_file && doc.size() == 1 ? doc.front() : doc)
                                .dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) +
                            "\n");
         } else {
           std::string text;
           for (const auto& result : *results) text += recipe::format_diagnostics(result);
           text += recipe::format_summary(*results, opts->strict);
           ctx.output.write(text);
         }
         return all_valid ? 0 : 1;
       };
     }});

}  // namespace
}  // namespace tailor::cli
