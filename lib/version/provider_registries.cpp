// Language package registries: npm, PyPI, crates.io, RubyGems (docs/versions.md, "Providers").
#include <algorithm>
#include <cctype>

#include "util/strings.hpp"
#include "version/providers.hpp"
#include "version/python_rules.hpp"
#include "version/version_compare.hpp"

namespace tailor::version {
namespace {

Status require_json_content(const ApiResponse& response, const std::string& url) {
  if (response.header("content-type").rfind("application/json", 0) != 0) {
    return fail(ErrorKind::network, "{} answered with Content-Type '{}' instead of application/json", url,
                response.header("content-type"));
  }
  return {};
}

Result<nlohmann::json> get_registry_json(ProviderContext& context, const std::string& url, uint64_t cap,
                                         const std::string& what, bool check_type) {
  auto response = context.client->get(ApiRequest{url, "application/json", {}, cap});
  if (!response) return fail(response.error());
  if (response->status == 404) return fail(ErrorKind::version, "{} not found (HTTP 404 from {})", what, url);
  if (response->status != 200) return fail(ErrorKind::network, "{}: HTTP {} from {}", what, response->status, url);
  if (check_type && !response->from_cache) {
    if (auto ok = require_json_content(*response, url); !ok) return fail(ok.error());
  }
  auto doc = nlohmann::json::parse(response->body, nullptr, false);
  if (doc.is_discarded()) return fail(ErrorKind::network, "{}: {} did not return valid JSON", what, url);
  return doc;
}

ResolvedVersion first_stable(const std::vector<Listed>& versions) {
  auto it = std::find_if(versions.begin(), versions.end(), [](const Listed& l) { return l.stable; });
  return {it->version, it->tag, {}};
}

bool any_stable(const std::vector<Listed>& versions) {
  return std::any_of(versions.begin(), versions.end(), [](const Listed& l) { return l.stable; });
}

// Registries whose "latest" is the newest stable entry of their listing.
class ListingProvider : public Provider {
 public:
  bool can_list() const override { return true; }
  Result<ResolvedVersion> latest() override {
    auto versions = list();
    if (!versions) return fail(versions.error());
    if (!any_stable(*versions)) return fail(ErrorKind::version, "{} lists no stable version", describe());
    return first_stable(*versions);
  }
};

class NpmProvider final : public Provider {
 public:
  NpmProvider(ProviderContext context, std::string package)
      : m_context(std::move(context)), m_package(std::move(package)) {}
  std::string describe() const override { return "npm package " + m_package; }
  bool can_list() const override { return true; }
  Result<ResolvedVersion> latest() override {
    auto doc = get_registry_json(m_context, base() + "/latest", 50 * k_mib, describe(), false);
    if (!doc) return fail(doc.error());
    std::string version = doc->is_object() ? doc->value("version", "") : "";
    if (version.empty()) return fail(ErrorKind::version, "{}: no version in its latest dist-tag", describe());
    return ResolvedVersion{version, version, {}};
  }
  Result<std::vector<Listed>> list() override {
    auto doc = get_registry_json(m_context, base(), 50 * k_mib, describe(), false);
    if (!doc) return fail(doc.error());
    std::vector<Listed> out;
    if (doc->is_object() && doc->contains("versions") && (*doc)["versions"].is_object()) {
      for (const auto& [version, info] : (*doc)["versions"].items()) {
        out.push_back({version, version, is_stable(version, m_context.stable_qualifiers)});
      }
    }
    sort_newest_first(out);
    return out;
  }

 private:
  // Scoped names keep their `@` and encode the `/`.
  std::string base() const { return m_context.endpoints.npm + "/" + util::replace_all(m_package, "/", "%2F"); }
  ProviderContext m_context;
  std::string m_package;
};

class PypiProvider final : public Provider {
 public:
  PypiProvider(ProviderContext context, std::string package)
      : m_context(std::move(context)), m_package(std::move(package)) {}
  std::string describe() const override { return "PyPI package " + m_package; }
  bool can_list() const override { return true; }
  Result<std::vector<Listed>> list() override {
    auto releases = fetch_releases();
    if (!releases) return fail(releases.error());
    std::vector<Listed> out;
    for (const auto& release : *releases) {
      out.push_back({release.version, release.version,
                     !release.yanked && !is_pep440_prerelease(release.version) &&
                         is_stable(release.version, m_context.stable_qualifiers)});
    }
    sort_newest_first(out);
    return out;
  }
  Result<ResolvedVersion> latest() override {
    auto releases = fetch_releases();
    if (!releases) return fail(releases.error());
    std::sort(releases->begin(), releases->end(),
              [](const PypiRelease& a, const PypiRelease& b) { return compare_versions(a.version, b.version) > 0; });
    for (const auto& release : *releases) {
      if (release.yanked || is_pep440_prerelease(release.version)) continue;
      if (!python_admits(release.requires_python, m_context.python_version)) continue;
      return ResolvedVersion{release.version, release.version, {}};
    }
    return fail(ErrorKind::version, "no release of {} is compatible with bundled Python {}", m_package,
                m_context.python_version);
  }

 private:
  Result<std::vector<PypiRelease>> fetch_releases() {
    std::string url = m_context.endpoints.pypi + "/pypi/" + m_package + "/json";
    auto doc = get_registry_json(m_context, url, 10 * k_mib, describe(), false);
    if (!doc) return fail(doc.error());
    return pypi_releases(*doc);
  }
  ProviderContext m_context;
  std::string m_package;
};

class CratesProvider final : public ListingProvider {
 public:
  CratesProvider(ProviderContext context, std::string crate)
      : m_context(std::move(context)), m_crate(std::move(crate)) {}
  std::string describe() const override { return "crate " + m_crate; }
  Result<std::vector<Listed>> list() override {
    std::string url = m_context.endpoints.crates_io + "/api/v1/crates/" + m_crate + "/versions";
    auto doc = get_registry_json(m_context, url, 10 * k_mib, describe(), true);
    if (!doc) return fail(doc.error());
    std::vector<Listed> out;
    for (const auto& entry : doc->value("versions", nlohmann::json::array())) {
      if (!entry.is_object() || !entry.contains("num") || !entry["num"].is_string()) continue;
      std::string num = entry["num"].get<std::string>();
      out.push_back({num, num, !entry.value("yanked", false) && is_stable(num, m_context.stable_qualifiers)});
    }
    sort_newest_first(out);
    return out;
  }

 private:
  ProviderContext m_context;
  std::string m_crate;
};

class RubygemsProvider final : public ListingProvider {
 public:
  RubygemsProvider(ProviderContext context, std::string gem) : m_context(std::move(context)), m_gem(std::move(gem)) {}
  std::string describe() const override { return "gem " + m_gem; }
  Result<std::vector<Listed>> list() override {
    std::string url = m_context.endpoints.rubygems + "/api/v1/versions/" + m_gem + ".json";
    auto doc = get_registry_json(m_context, url, 10 * k_mib, describe(), true);
    if (!doc) return fail(doc.error());
    std::vector<Listed> out;
    for (const auto& entry : doc->is_array() ? *doc : nlohmann::json::array()) {
      if (!entry.is_object() || !entry.contains("number") || !entry["number"].is_string()) continue;
      std::string number = entry["number"].get<std::string>();
      if (entry.value("platform", "ruby") != "ruby" || number.empty() ||
          !std::isdigit(static_cast<unsigned char>(number.front()))) {
        continue;
      }
      out.push_back(
          {number, number, !entry.value("prerelease", false) && is_stable(number, m_context.stable_qualifiers)});
    }
    sort_newest_first(out);
    return out;
  }

 private:
  ProviderContext m_context;
  std::string m_gem;
};

}  // namespace

void sort_newest_first(std::vector<Listed>& versions) {
  std::stable_sort(versions.begin(), versions.end(),
                   [](const Listed& a, const Listed& b) { return compare_versions(a.version, b.version) > 0; });
}

std::unique_ptr<Provider> make_npm_provider(ProviderContext context, std::string package) {
  return std::make_unique<NpmProvider>(std::move(context), std::move(package));
}
std::unique_ptr<Provider> make_pypi_provider(ProviderContext context, std::string package) {
  return std::make_unique<PypiProvider>(std::move(context), std::move(package));
}
std::unique_ptr<Provider> make_crates_provider(ProviderContext context, std::string crate) {
  return std::make_unique<CratesProvider>(std::move(context), std::move(crate));
}
std::unique_ptr<Provider> make_rubygems_provider(ProviderContext context, std::string gem) {
  return std::make_unique<RubygemsProvider>(std::move(context), std::move(gem));
}

}  // namespace tailor::version
