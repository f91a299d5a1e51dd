// `tailor golden regenerate|check`: golden plan files, offline, each file its own lock.
#include "command.hpp"
#include "plan/golden.hpp"
#include "recipe/registry.hpp"
#include "recipe/request.hpp"
#include "registry/sources.hpp"
#include "version/release_listing.hpp"

namespace tailor::cli {
namespace {

struct GoldenCliOptions {
  std::vector<std::string> recipes;
  std::string registry;
  std::string golden = "golden";
  std::string version;
  bool refresh = false;
  bool unhashed = false;
  std::string seed_lock;
  std::vector<std::string> listings;
  std::string releases;  // snapshot directory; "" = <golden>/../testdata/releases when present
};

void add_common(CLI::App& sub, GoldenCliOptions& opts) {
  sub.add_option("recipes", opts.recipes, "Recipes to process (default: every recipe of the registry)");
  sub.add_option("--registry", opts.registry, "Recipe directory searched first (also TAILOR_RECIPES)");
  sub.add_option("--golden,--out", opts.golden, "Golden directory holding plans/ and exclusions.json")
      ->capture_default_str();
  sub.add_flag("--refresh", opts.refresh, "Allow the network for artifacts no golden file locks");
  sub.add_option("--releases", opts.releases,
                 "Release snapshots <DIR>/<owner>/<repo>.json (default: testdata/releases beside the golden "
                 "directory, when present)")
      ->check(CLI::ExistingDirectory);
}

// The snapshot directory: the one given, else testdata/releases beside the golden directory.
std::filesystem::path snapshot_dir(const GoldenCliOptions& opts) {
  if (!opts.releases.empty()) return opts.releases;
  std::filesystem::path guess = std::filesystem::path(opts.golden).parent_path() / "testdata" / "releases";
  if (std::filesystem::path(opts.golden).parent_path().empty()) guess = "testdata/releases";
  std::error_code ec;
  return std::filesystem::is_directory(guess, ec) ? guess : std::filesystem::path();
}

Result<int> run_golden(const GoldenCliOptions& opts, bool check, const Context& ctx) {
  // Names and versions become golden file paths: checked like every other request.
  for (const auto& name : opts.recipes) {
    if (auto checked = recipe::check_tool_name(name); !checked) return fail(checked.error());
  }
  if (!opts.version.empty()) {
    if (auto checked = recipe::check_version_request(opts.version); !checked) return fail(checked.error());
  }
  // A check never asks the central registry: a registry recipe is checked against its cached copy.
  recipe::Registry registry(registry::lookup_options(opts.registry, check, &ctx.output));
  plan::PlanServices services;
  services.registry = &registry;
  // Saved release listings answer wildcard assets and the ladder's release check, offline.
  // Release snapshots name each pinned version's real tag and assets, for regenerate and check.
  plan::GoldenOptions options;
  std::unique_ptr<version::Resolver> listing_resolver;
  std::vector<version::ReleaseListing> listings;
  if (const auto dir = snapshot_dir(opts); !dir.empty()) {
    auto loaded = version::load_release_snapshots(dir);
    if (!loaded) return fail(loaded.error());
    options.snapshots_in_use = true;
    options.snapshots = *loaded;
    listings = std::move(*loaded);
  }
  for (const auto& file : opts.listings) {
    auto loaded = version::load_release_listings(file);
    if (!loaded) return fail(loaded.error());
    listings.insert(listings.end(), loaded->begin(), loaded->end());
  }
  if (!listings.empty() || !opts.listings.empty()) {
    listing_resolver = version::make_listing_resolver(std::move(listings));
    services.resolver = listing_resolver.get();
  }
  options.golden_dir = opts.golden;
  options.recipes = opts.recipes;
  options.version = opts.version;
  options.refresh = opts.refresh;
  // A listing names assets, never their bytes: what no lock hashes stays unhashed.
  options.unhashed = opts.unhashed || !opts.listings.empty() || (options.snapshots_in_use && !opts.refresh);
  options.seed_lock = opts.seed_lock;
  auto report = check ? plan::golden_check(options, services, ctx.output)
                      : plan::golden_regenerate(options, services, ctx.output);
  // A setup problem is a usage error (exit 2), as opposed to a mismatch (exit 1); main prints it.
  if (!report) return fail(ErrorKind::usage, "{}", report.error().message);
  if (check) {
    ctx.output.print("golden check: {} files checked, {} problems\n", report->checked, report->failures);
  } else {
    ctx.output.print("golden regenerate: {} written, {} removed, {} failed\n", report->written, report->removed,
                     report->failures);
  }
  return report->failures == 0 ? 0 : 1;
}

const bool k_registered = register_command(
    {"golden", "Regenerate or check golden plan files (offline; each file is its own lock)",
     [](CLI::App& app, Context& ctx) -> RunFn {
       app.require_subcommand(1);
       auto regen = std::make_shared<GoldenCliOptions>();
       auto check = std::make_shared<GoldenCliOptions>();
       CLI::App* regen_cmd = app.add_subcommand("regenerate", "Write golden files for every supported target");
       add_common(*regen_cmd, *regen);
       regen_cmd->add_option("--version", regen->version, "Version for recipes without golden files yet");
       regen_cmd->add_flag("--unhashed", regen->unhashed,
                           "Without network: write artifacts no lock covers without checksums");
       regen_cmd->add_option("--pin-from", regen->seed_lock,
                             "Lock (a plan) for targets that have no golden file and no sibling yet");
       regen_cmd
           ->add_option("--listing", regen->listings,
                        "Saved GitHub release listing (API JSON) naming the release's assets; implies --unhashed")
           ->allow_extra_args(false)
           ->check(CLI::ExistingFile);
       CLI::App* check_cmd = app.add_subcommand("check", "Regenerate in memory and compare byte for byte");
       add_common(*check_cmd, *check);
       return [=, &ctx]() -> Result<int> {
         if (regen_cmd->parsed()) return run_golden(*regen, false, ctx);
         return run_golden(*check, true, ctx);
       };
     }});

}  // namespace
}  // namespace tailor::cli
