#include "util/diff.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "util/strings.hpp"

namespace tailor::util {
namespace {

struct Edit {
  char kind;    // ' ', '-', '+'
  size_t a, b;  // line indexes in expected / actual
};

// Longest-common-subsequence edit script; golden files are small enough for O(n*m).
std::vector<Edit> edit_script(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<uint32_t>> lcs(n + 1, std::vector<uint32_t>(m + 1, 0));
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::vector<Edit> edits;
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      edits.push_back({' ', i++, j++});
    } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
      edits.push_back({'+', i, j++});
    } else {
      edits.push_back({'-', i++, j});
    }
  }
  return edits;
}

}  // namespace

std::string unified_diff(const std::string& expected, const std::string& actual, const std::string& expected_name,
                         const std::string& actual_name) {
  if (expected == actual) return {};
  auto a = split(expected, '\n');
  auto b = split(actual, '\n');
  auto edits = edit_script(a, b);
  std::string out = fmt::format("--- {}\n+++ {}\n", expected_name, actual_name);
  const size_t context = 3;
  size_t k = 0;
  while (k < edits.size()) {
    if (edits[k].kind == ' ') {
      ++k;
      continue;
    }
    // A hunk: from `context` lines before this change to `context` lines after the last
    // change that is within 2*context of the previous one.
    size_t start = k >= context ? k - context : 0;
    size_t end = k;
    size_t last_change = k;
    while (end < edits.size()) {
      if (edits[end].kind != ' ') last_change = end;
      if (end - last_change > 2 * context) break;
      ++end;
    }
    end = std::min(edits.size(), last_change + context + 1);
    size_t a_start = edits[start].a, b_start = edits[start].b;
    size_t a_count = 0, b_count = 0;
    std::string body;
    for (size_t e = start; e < end; ++e) {
      const Edit& edit = edits[e];
      const std::string& line = edit.kind == '+' ? b[edit.b] : a[edit.a];
      body += edit.kind;
      body += line;
      body += '\n';
      if (edit.kind != '+') ++a_count;
      if (edit.kind != '-') ++b_count;
    }
    out += fmt::format("@@ -{},{} +{},{} @@\n", a_start + 1, a_count, b_start + 1, b_count);
    out += body;
    k = end;
  }
  return out;
}

}  // namespace tailor::util
