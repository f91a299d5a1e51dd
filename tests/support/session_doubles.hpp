#pragma once
// Doubles for the seams of an app::PlanSession: facts come from saved facts files
// (testdata/plan/facts/) through the real override rules, never from this machine, and stand
// for what detection found (only flags count as overrides); every request is recorded. The
// resolver knows llamalike b5000 and hello 1.0.0; there is no downloader (no checksums)
// unless `with_downloader`.
#include <memory>
#include <string>
#include <vector>

#include "app/plan_session.hpp"
#include "support/plan_doubles.hpp"
#include "support/scratch.hpp"

namespace tailor::test {

struct SessionDoubles {
  std::vector<platform::DetectRequest> detect_requests;  // every request resolve_facts saw
  int downloaders_opened = 0;
  bool with_downloader = false;

  // Session options for `tool` planned from testdata/plan/recipes on the machine of
  // testdata/plan/facts/<facts_file>, with `flags` as the fact flags.
  static app::PlanSessionOptions options(const std::string& tool, const std::string& facts_file,
                                         platform::FactOverrides flags = {}) {
    app::PlanSessionOptions options;
    options.tool = tool;
    options.registry = testdata("plan/recipes").string();
    options.detect_request = [facts_file, flags](const config::Config&) {
      platform::DetectRequest request;
      request.facts_file = testdata("plan/facts/" + facts_file).string();
      request.flags = flags;
      return request;
    };
    return options;
  }

  app::SessionSeams seams() {
    app::SessionSeams seams;
    seams.resolve_facts = [this](const platform::DetectRequest& request) {
      detect_requests.push_back(request);
      // Saved facts only: no Tier 1 enumeration of this machine's Vulkan.
      platform::DetectRequest saved = request;
      saved.need_vulkan = false;
      saved.probe = "none";
      auto facts = platform::resolve_facts(saved);
      if (facts)
        std::erase_if(facts->overrides,
                      [](const auto& entry) { return entry.second.origin == tuple::FactOrigin::facts_file; });
      return facts;
    };
    seams.downloader = [this](const util::Output&) -> Result<std::unique_ptr<fetch::Downloader>> {
      ++downloaders_opened;
      if (!with_downloader) return std::unique_ptr<fetch::Downloader>();
      return std::unique_ptr<fetch::Downloader>(std::make_unique<FakeDownloader>());
    };
    seams.resolver = [](bool) -> std::unique_ptr<version::Resolver> {
      auto resolver = std::make_unique<FakeResolver>();
      resolver->add("llamalike", "b5000", "b5000");
      resolver->add("hello", "1.0.0", "v1.0.0");
      return resolver;
    };
    return seams;
  }
};

}  // namespace tailor::test
