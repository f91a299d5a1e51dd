#include <doctest/doctest.h>

#include "registry/search.hpp"

using namespace tailor::registry;

namespace {
std::vector<std::string> names(const std::vector<SearchHit>& hits) {
  std::vector<std::string> out;
  for (const auto& hit : hits) out.push_back(hit.candidate.name);
  return out;
}
}  // namespace

TEST_CASE("search_recipes") {
  const std::vector<SearchCandidate> candidates{{"kubectl", "Kubernetes command line", "embedded"},
                                                {"ctx-kube", "Contexts", "central"},
                                                {"kube", "The short one", "central"},
                                                {"helm", "Package manager for Kubernetes", "central"},
                                                {"kubectl", "A shadowed central copy", "central"},
                                                {"jq", "JSON processor", "central"}};

  SUBCASE("exact, prefix, substring, then description; ties by name") {
    auto hits = search_recipes("KUBE", candidates, {}, 0);
    CHECK(names(hits) == std::vector<std::string>{"kube", "kubectl", "ctx-kube", "helm"});
    CHECK(hits[0].rank == MatchRank::exact);
    CHECK(hits[1].rank == MatchRank::prefix);
    CHECK(hits[2].rank == MatchRank::substring);
    CHECK(hits[3].rank == MatchRank::description);
  }
  SUBCASE("the first candidate of a name wins") {
    auto hits = search_recipes("kubectl", candidates, {}, 0);
    REQUIRE(hits.size() == 1);
    CHECK(hits[0].candidate.source == "embedded");
  }
  SUBCASE("every word must appear; the limit and the installed flag apply") {
    CHECK(names(search_recipes("package kubernetes", candidates, {}, 0)) == std::vector<std::string>{"helm"});
    CHECK(search_recipes("package python", candidates, {}, 0).empty());
    auto hits = search_recipes("kube", candidates, {"kubectl"}, 2);
    REQUIRE(hits.size() == 2);
    CHECK(hits[1].installed);
    CHECK_FALSE(hits[0].installed);
  }
}
