#pragma once
// Registered distributed registries (docs/registries.md, "Distributed registries"): the
// `[registries."owner/repo"]` tables of config.toml, written by `tailor registry add|remove`
// with the writer of `tailor config set` (the user's other keys stay), and the consent a
// first install from an unregistered source needs.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "registry/source_ref.hpp"
#include "util/output.hpp"
#include "util/result.hpp"

namespace tailor::registry {

struct RegisteredSource {
  std::string slug;     // "owner/repo", lower case
  std::string api_url;  // GitHub Enterprise API base; "" = TAILOR_GITHUB_API or api.github.com
};

struct RegisteredSources {
  std::vector<RegisteredSource> sources;  // sorted by slug
  std::vector<std::string> warnings;      // entries that were skipped, and why

  const RegisteredSource* find(std::string_view slug) const;
};

// The `[registries]` table of a parsed config.toml.
RegisteredSources registered_sources(const toml::table& document);
// The same from `<home>/config.toml` (missing: none).
Result<RegisteredSources> load_registered_sources(const std::filesystem::path& home);

// Adds (or updates the api_url of) `slug`; returns false when it was already registered
// exactly so. `api_url` must be https:// (loopback http:// with TAILOR_ALLOW_INSECURE_LOOPBACK=1).
Result<bool> add_registered_source(const std::filesystem::path& home, const SourceRef& slug,
                                   const std::string& api_url);
// Removes `slug` and its cache; returns false when it was not registered.
Result<bool> remove_registered_source(const std::filesystem::path& home, const SourceRef& slug);

// $TAILOR_HOME/cache/registries/<owner>/<repo>
std::filesystem::path source_cache_dir(const std::filesystem::path& home, const SourceRef& slug);

// How an install may use a source that is not registered.
struct Consent {
  bool yes = false;  // --yes
  // Asks the question on a terminal and returns the answer; unset when there is no terminal.
  std::function<bool(const std::string& question)> ask;
};

// Checks every distributed name among `tools` before anything is fetched: registered
// sources pass; with registry.strict (`strict`) any other is refused; otherwise it needs
// --yes or a "y" on the terminal. Returns the slugs to register once the install succeeded.
Result<std::vector<std::string>> admit_sources(const std::filesystem::path& home, const std::vector<std::string>& tools,
                                               bool strict, const Consent& consent);

// Registers `slugs` (after a successful install), saying so on `output`.
Status register_sources(const std::filesystem::path& home, const std::vector<std::string>& slugs,
                        const util::Output& output);

// Asks `question` on the terminal (stderr, answer from stdin): true for y or yes. Unset when
// stdin or stderr is not a terminal.
std::function<bool(const std::string&)> terminal_question();

}  // namespace tailor::registry
