#include "version/version_compare.hpp"

#include <algorithm>
#include <cctype>

#include "util/strings.hpp"

namespace tailor::version {
namespace {

bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// Compares numeric strings of any length without overflow.
int compare_numbers(std::string_view a, std::string_view b) {
  while (a.size() > 1 && a.front() == '0') a.remove_prefix(1);
  while (b.size() > 1 && b.front() == '0') b.remove_prefix(1);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return a.compare(b) < 0 ? -1 : (a.compare(b) > 0 ? 1 : 0);
}

// One dot component of a core version: its leading digits count ("3rc1" compares as 3).
std::string leading_digits(std::string_view part) {
  std::size_t n = 0;
  while (n < part.size() && std::isdigit(static_cast<unsigned char>(part[n]))) ++n;
  return n == 0 ? std::string("0") : std::string(part.substr(0, n));
}

int compare_core(std::string_view a, std::string_view b) {
  auto pa = util::split(a, '.');
  auto pb = util::split(b, '.');
  for (std::size_t i = 0; i < std::max(pa.size(), pb.size()); ++i) {
    std::string x = i < pa.size() ? leading_digits(pa[i]) : "0";
    std::string y = i < pb.size() ? leading_digits(pb[i]) : "0";
    if (int c = compare_numbers(x, y); c != 0) return c;
  }
  return 0;
}

int compare_prerelease(std::string_view a, std::string_view b) {
  auto pa = util::split(a, '.');
  auto pb = util::split(b, '.');
  for (std::size_t i = 0; i < std::min(pa.size(), pb.size()); ++i) {
    bool na = all_digits(pa[i]);
    bool nb = all_digits(pb[i]);
    int c = 0;
    if (na && nb)
      c = compare_numbers(pa[i], pb[i]);
    else if (na != nb)
      c = na ? -1 : 1;  // numeric identifiers sort before words (semver)
    else
      c = pa[i] < pb[i] ? -1 : (pa[i] > pb[i] ? 1 : 0);
    if (c != 0) return c;
  }
  if (pa.size() == pb.size()) return 0;
  return pa.size() < pb.size() ? -1 : 1;
}

std::string_view drop_build(std::string_view version) { return version.substr(0, version.find('+')); }

}  // namespace

const std::vector<std::string>& default_stable_qualifiers() {
  static const std::vector<std::string> k_qualifiers{"release", "final", "lts", "ga", "stable"};
  return k_qualifiers;
}

std::string normalize_tag(std::string_view tag) {
  if (auto slash = tag.rfind('/'); slash != std::string_view::npos) tag = tag.substr(slash + 1);
  if (tag.empty()) return {};
  if (tag.rfind("Release_", 0) == 0 || tag.rfind("release_", 0) == 0) {
    return util::replace_all(tag.substr(8), "_", ".");
  }
  if (tag.rfind("go", 0) == 0 && tag.size() > 2 && std::isdigit(static_cast<unsigned char>(tag[2]))) {
    return std::string(tag.substr(2));
  }
  if ((tag.front() == 'v' || tag.front() == 'V') && tag.size() > 1 &&
      std::isdigit(static_cast<unsigned char>(tag[1]))) {
    return std::string(tag.substr(1));
  }
  return std::string(tag);
}

int compare_versions(std::string_view a, std::string_view b) {
  a = drop_build(a);
  b = drop_build(b);
  auto dash_a = a.find('-');
  auto dash_b = b.find('-');
  if (int c = compare_core(a.substr(0, dash_a), b.substr(0, dash_b)); c != 0) return c;
  bool pre_a = dash_a != std::string_view::npos;
  bool pre_b = dash_b != std::string_view::npos;
  if (!pre_a || !pre_b) return pre_a == pre_b ? 0 : (pre_a ? -1 : 1);
  return compare_prerelease(a.substr(dash_a + 1), b.substr(dash_b + 1));
}

bool has_prerelease_marker(std::string_view version) {
  version = drop_build(version);
  if (version.find('-') != std::string_view::npos) return true;
  std::string lower = util::to_lower(version);
  for (const char* word : {"alpha", "beta", "rc", "preview", "snapshot", "nightly", "dev"}) {
    if (lower.find(word) != std::string::npos) return true;
  }
  return false;
}

bool is_stable(std::string_view version, std::span<const std::string> qualifiers) {
  version = drop_build(version);
  auto dash = version.find('-');
  if (dash == std::string_view::npos) return !has_prerelease_marker(version);
  std::string suffix = util::to_lower(version.substr(dash + 1));
  return std::any_of(qualifiers.begin(), qualifiers.end(),
                     [&](const std::string& q) { return util::to_lower(q) == suffix; });
}

bool matches_pin(std::string_view version, std::string_view requested) {
  if (version == requested) return true;
  return version.size() > requested.size() && version.substr(0, requested.size()) == requested &&
         version[requested.size()] == '.';
}

std::vector<std::string> nearest_versions(std::string_view requested, std::span<const std::string> versions,
                                          std::size_t count) {
  struct Scored {
    std::size_t common;
    std::size_t distance;
    std::size_t index;
  };
  std::vector<Scored> scored;
  for (std::size_t i = 0; i < versions.size(); ++i) {
    const std::string& v = versions[i];
    std::size_t common = 0;
    while (common < v.size() && common < requested.size() && v[common] == requested[common]) ++common;
    scored.push_back({common, util::levenshtein(v, requested), i});
  }
  std::stable_sort(scored.begin(), scored.end(), [](const Scored& a, const Scored& b) {
    if (a.common != b.common) return a.common > b.common;
    return a.distance < b.distance;
  });
  std::vector<std::string> out;
  for (std::size_t i = 0; i < scored.size() && out.size() < count; ++i) out.push_back(versions[scored[i].index]);
  return out;
}

}  // namespace tailor::version
