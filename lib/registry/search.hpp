#pragma once
// `tailor search` (docs/registries.md, "Search"): ranks the names and descriptions of the
// local recipes and the registry manifest against a query, without the network.
#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace tailor::registry {

struct SearchCandidate {
  std::string name;
  std::string description;
  std::string source;  // "embedded", "dir <path>", "central"
};

enum class MatchRank { exact = 0, prefix = 1, substring = 2, description = 3 };

struct SearchHit {
  SearchCandidate candidate;
  MatchRank rank = MatchRank::description;
  bool installed = false;
};

// Every candidate matching `query` (case-insensitive), best first: exact name, name prefix,
// name substring, then descriptions holding every word of the query; ties by name. The first
// candidate of a name wins (pass them in lookup order). At most `limit` hits (0: all).
std::vector<SearchHit> search_recipes(std::string_view query, const std::vector<SearchCandidate>& candidates,
                                      const std::set<std::string, std::less<>>& installed, size_t limit);

std::string_view rank_name(MatchRank rank);

}  // namespace tailor::registry
