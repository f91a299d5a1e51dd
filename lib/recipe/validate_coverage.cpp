// libc coverage (docs/validation.md, "libc coverage"; `--check-libc-coverage`): does every libc have an install path?
#include "recipe/validate_internal.hpp"

namespace tailor::recipe::detail {
namespace {

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool platform_allows(const std::vector<std::string>& platforms, std::string_view os) {
  return platforms.empty() ||
         std::any_of(platforms.begin(), platforms.end(), [&](const std::string& p) { return p.starts_with(os); });
}

struct Paths {
  bool glibc = false, musl = false, darwin = false;
};

Paths paths_of(const Step& step) {
  if (!step.when || step.when->empty()) return {true, true, true};
  const WhenClause& w = *step.when;
  const bool linux_ok = (w.os.empty() || contains(w.os, "linux")) && platform_allows(w.platform, "linux");
  Paths p;
  p.glibc = (w.libc.empty() || contains(w.libc, "glibc")) && linux_ok;
  p.musl = (w.libc.empty() || contains(w.libc, "musl")) && linux_ok;
  p.darwin = w.libc.empty() && (w.os.empty() || contains(w.os, "darwin")) && platform_allows(w.platform, "darwin");
  return p;
}

}  // namespace

void check_libc_coverage(Checker& c) {
  const Recipe& r = c.recipe();
  const auto& supported = r.metadata.supported_libc;
  const bool musl_excluded = !supported.empty() && !contains(supported, "musl");
  bool musl_path = false;
  for (const Step& step : r.steps) musl_path = musl_path || paths_of(step).musl;
  if (!musl_path && !musl_excluded) {
    bool has_deps = !r.metadata.dependencies.empty() || std::any_of(r.steps.begin(), r.steps.end(), [](const Step& s) {
      return s.dependencies && !s.dependencies->empty();
    });
    if (r.is_library()) {
      c.error("coverage",
              "library has no musl install path; provide a musl path or add supported_libc = [\"glibc\"] with an "
              "unsupported_reason",
              "metadata");
    } else if (has_deps) {
      c.warning("coverage",
                "no step provides a musl path and the recipe has dependencies; it will not work on musl systems",
                "metadata");
    }
  }
  if (contains(supported, "musl")) return;
  bool unconditioned_glibc = false;
  bool musl_fallback = false;
  for (const Step& step : r.steps) {
    const std::string& a = step.action;
    const bool downloads = a == "download" || a == "download_archive" || a == "github_archive" || a == "homebrew";
    const bool no_libc = !step.when || step.when->libc.empty();
    if (downloads && no_libc && paths_of(step).glibc) unconditioned_glibc = true;
    if (a == "apk_install" || (step.when && (contains(step.when->libc, "musl") || step.when->linux_family == "alpine")))
      musl_fallback = true;
  }
  if (unconditioned_glibc && !musl_fallback) {
    c.warning("coverage",
              "binary downloads have no libc condition and no step is a musl fallback (apk_install or a musl/alpine "
              "when); musl systems may get glibc binaries",
              "steps");
  }
}

}  // namespace tailor::recipe::detail
