// Every composite of the catalog, decomposed from one sample step: what it produces is a
// primitive the catalog knows and install/ can run (docs/ARCHITECTURE.md, "How to add an
// action"). A new composite without a sample here fails the walk.
#include <doctest/doctest.h>

#include <map>
#include <set>

#include "plan/artifacts.hpp"
#include "plan/decompose.hpp"
#include "plan/ecosystem_locker.hpp"
#include "plan/pins.hpp"
#include "recipe/actions.hpp"
#include "support/plan_doubles.hpp"

using namespace tailor;
using recipe::ActionKind;

namespace {

// Every URL hashes to the same digest, as if the artifact had been downloaded.
class AnyDownloader : public test::FakeDownloader {
 public:
  Result<fetch::FetchedFile> fetch(const fetch::FetchRequest& request) override {
    requests.push_back(request.url);
    return fetch::FetchedFile{{}, std::string(64, 'a'), 1024, request.url, false, {}};
  }
};

// The step an ecosystem composite's toolchain would capture.
class CapturingLocker : public plan::EcosystemLocker {
 public:
  Result<nlohmann::json> capture(const plan::EcosystemLockRequest& request) const override {
    return nlohmann::json{{"captured_for", request.action}};
  }
};

// One valid step per composite.
const std::map<ActionKind, nlohmann::json>& samples() {
  static const std::map<ActionKind, nlohmann::json> k_samples = {
      {ActionKind::apply_patch, {{"url", "https://example.org/fix.patch"}}},
      {ActionKind::cargo_install, {{"crate", "tool"}}},
      {ActionKind::download, {{"url", "https://example.org/tool-{version}"}, {"dest", "tool"}}},
      {ActionKind::download_archive, {{"url", "https://example.org/tool-{version}.tar.gz"}, {"binaries", {"tool"}}}},
      {ActionKind::fossil_archive,
       {{"repo", "https://fossil.example.org/tool"}, {"project_name", "tool"}, {"binaries", {"tool"}}}},
      {ActionKind::gem_install, {{"gem", "tool"}}},
      {ActionKind::github_archive,
       {{"repo", "o/tool"}, {"asset_pattern", "tool-{version}-{os}-{arch}.tar.gz"}, {"binaries", {"tool"}}}},
      {ActionKind::github_file, {{"repo", "o/tool"}, {"asset_pattern", "tool-{os}-{arch}"}, {"binary", "tool"}}},
      {ActionKind::go_install, {{"module", "example.org/tool"}}},
      {ActionKind::homebrew, {{"formula", "tool"}}},
      {ActionKind::nix_install, {{"package", "tool"}}},
      {ActionKind::npm_install, {{"package", "tool"}}},
      {ActionKind::pipx_install, {{"package", "tool"}}},
  };
  return k_samples;
}

// Primitives a composite produces that install/ cannot run yet; each is named in
// docs/actions.md. Shrinking this list is progress; growing it needs a reason there.
const std::set<ActionKind> k_not_run_yet = {ActionKind::homebrew_relocate, ActionKind::nix_realize};

}  // namespace

TEST_CASE("each composite decomposes into primitives install/ runs") {
  AnyDownloader downloader;
  test::FakeResolver resolver;
  resolver.add_assets("o/tool", "v1.2.3", {"tool-1.2.3-linux-amd64.tar.gz", "tool-linux-amd64"});
  CapturingLocker locker;
  plan::Pins pins;  // nix_install comes only from a lock
  pins.steps["tool"] = {plan::LockedStep{"nix_realize", "", "", 0, {{"package", "tool"}}}};
  plan::ArtifactResolver artifacts(&pins, &downloader, false);
  std::vector<std::string> warnings;
  plan::DecomposeContext context{"tool",    "1.2.3", "v1.2.3", "linux",   "amd64", &artifacts,
                                 &resolver, &pins,   0,        &warnings, &locker};

  std::set<ActionKind> produced_not_run;
  for (const recipe::ActionInfo& action : recipe::all_actions()) {
    if (action.klass != recipe::ActionClass::composite) continue;
    CAPTURE(action.name);
    auto sample = samples().find(action.kind);
    REQUIRE_MESSAGE(sample != samples().end(), "add a sample step for the new composite");
    recipe::Step step;
    step.action = std::string(action.name);
    step.params = sample->second;
    auto steps = plan::decompose(step, context);
    REQUIRE_MESSAGE(steps.has_value(), (steps ? "" : steps.error().message));
    REQUIRE_FALSE(steps->empty());
    for (const plan::PlanStep& produced : *steps) {
      CAPTURE(produced.action);
      const std::optional<ActionKind> kind = recipe::action_kind(produced.action);
      REQUIRE(kind.has_value());
      const recipe::ActionTraits& traits = recipe::action_traits(*kind);
      CHECK(traits.klass != recipe::ActionClass::composite);
      if (traits.execution == recipe::ActionExecution::none) {
        CHECK(k_not_run_yet.contains(*kind));
        produced_not_run.insert(*kind);
      }
    }
  }
  // The list holds nothing that stopped being true.
  CHECK(produced_not_run == k_not_run_yet);
}
