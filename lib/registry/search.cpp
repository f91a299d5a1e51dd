#include "registry/search.hpp"

#include <algorithm>
#include <optional>
#include <unordered_set>

#include "util/strings.hpp"

namespace tailor::registry {

namespace {

std::optional<MatchRank> rank_of(const SearchCandidate& candidate, const std::string& query,
                                 const std::vector<std::string>& words) {
  const std::string name = util::to_lower(candidate.name);
  if (name == query) return MatchRank::exact;
  if (name.starts_with(query)) return MatchRank::prefix;
  if (name.find(query) != std::string::npos) return MatchRank::substring;
  if (words.empty()) return std::nullopt;
  const std::string description = util::to_lower(candidate.description);
  for (const std::string& word : words) {
    if (description.find(word) == std::string::npos && name.find(word) == std::string::npos) return std::nullopt;
  }
  return MatchRank::description;
}

}  // namespace

std::string_view rank_name(MatchRank rank) {
  switch (rank) {
  case MatchRank::exact: return "exact";
  case MatchRank::prefix: return "prefix";
  case MatchRank::substring: return "substring";
  case MatchRank::description: return "description";
  }
  return "description";
}

std::vector<SearchHit> search_recipes(std::string_view query, const std::vector<SearchCandidate>& candidates,
                                      const std::set<std::string, std::less<>>& installed, size_t limit) {
  const std::string needle = util::to_lower(util::trim(query));
  const std::vector<std::string> words = util::split_whitespace(needle);
  std::vector<SearchHit> hits;
  std::unordered_set<std::string> seen;
  for (const SearchCandidate& candidate : candidates) {
    if (!seen.insert(candidate.name).second) continue;
    auto rank = rank_of(candidate, needle, words);
    if (!rank) continue;
    hits.push_back(SearchHit{candidate, *rank, installed.contains(candidate.name)});
  }
  std::sort(hits.begin(), hits.end(), [](const SearchHit& a, const SearchHit& b) {
    if (a.rank != b.rank) return a.rank < b.rank;
    return a.candidate.name < b.candidate.name;
  });
  if (limit != 0 && hits.size() > limit) hits.resize(limit);
  return hits;
}

}  // namespace tailor::registry
