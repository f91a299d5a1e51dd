// Go module proxy, Go toolchain list, nodejs dist and http_json (docs/versions.md, "Providers").
#include <algorithm>
#include <cctype>

#include "util/strings.hpp"
#include "version/json_path.hpp"
#include "version/providers.hpp"
#include "version/version_compare.hpp"

namespace tailor::version {
namespace {

class GoproxyProvider final : public Provider {
 public:
  GoproxyProvider(ProviderContext context, std::string module)
      : m_context(std::move(context)), m_module(std::move(module)) {}
  std::string describe() const override { return "Go module " + m_module; }
  bool can_list() const override { return true; }
  Result<ResolvedVersion> latest() override {
    auto doc = m_context.client->get_json(ApiRequest{base() + "/@latest", "application/json", {}, k_mib}, describe());
    if (!doc) return fail(doc.error());
    std::string tag = doc->is_object() ? doc->value("Version", "") : "";
    if (tag.empty()) return fail(ErrorKind::version, "{}: no Version in {}/@latest", describe(), base());
    return ResolvedVersion{normalize_tag(tag), tag, {}};
  }
  Result<std::vector<Listed>> list() override {
    std::string url = base() + "/@v/list";
    auto response = m_context.client->get(ApiRequest{url, "text/plain", {}, k_mib});
    if (!response) return fail(response.error());
    if (response->status != 200)
      return fail(ErrorKind::version, "{}: HTTP {} from {}", describe(), response->status, url);
    std::vector<Listed> out;
    for (const auto& line : util::split(response->body, '\n')) {
      std::string tag(util::trim(line));
      if (tag.empty()) continue;
      std::string version = normalize_tag(tag);
      out.push_back({version, tag, is_stable(version, m_context.stable_qualifiers)});
    }
    sort_newest_first(out);
    return out;
  }
  Result<ResolvedVersion> exact(const std::string& version) override {
    return ResolvedVersion{version, "v" + version, {}};
  }

 private:
  std::string base() const { return m_context.endpoints.goproxy + "/" + escape_module_path(m_module); }
  ProviderContext m_context;
  std::string m_module;
};

class GoToolchainProvider final : public Provider {
 public:
  explicit GoToolchainProvider(ProviderContext context) : m_context(std::move(context)) {}
  std::string describe() const override { return "Go release list"; }
  bool can_list() const override { return true; }
  Result<ResolvedVersion> latest() override {
    auto versions = list();
    if (!versions) return fail(versions.error());
    auto it = std::find_if(versions->begin(), versions->end(), [](const Listed& l) { return l.stable; });
    if (it == versions->end()) return fail(ErrorKind::version, "the Go release list has no stable release");
    return ResolvedVersion{it->version, it->version, {}};
  }
  Result<std::vector<Listed>> list() override {
    std::string url = m_context.endpoints.go_dl + "/?mode=json";
    auto doc = m_context.client->get_json(ApiRequest{url, "application/json", {}, 10 * k_mib}, describe());
    if (!doc) return fail(doc.error());
    std::vector<Listed> out;
    for (const auto& entry : doc->is_array() ? *doc : nlohmann::json::array()) {
      if (!entry.is_object() || !entry.contains("version") || !entry["version"].is_string()) continue;
      std::string version = normalize_tag(entry["version"].get<std::string>());
      out.push_back({version, version, entry.value("stable", false)});
    }
    sort_newest_first(out);
    return out;
  }

 private:
  ProviderContext m_context;
};

class NodejsProvider final : public Provider {
 public:
  explicit NodejsProvider(ProviderContext context) : m_context(std::move(context)) {}
  std::string describe() const override { return "nodejs dist index"; }
  bool can_list() const override { return true; }
  Result<ResolvedVersion> latest() override { return channel("@lts"); }
  Result<std::vector<Listed>> list() override {
    auto releases = fetch();
    if (!releases) return fail(releases.error());
    std::vector<Listed> out;
    for (const auto& r : *releases)
      out.push_back({r.version, "v" + r.version, is_stable(r.version, m_context.stable_qualifiers)});
    return out;
  }
  Result<ResolvedVersion> exact(const std::string& version) override {
    return ResolvedVersion{version, "v" + version, {}};
  }
  Result<ResolvedVersion> channel(const std::string& name) override {
    auto releases = fetch();
    if (!releases) return fail(releases.error());
    std::string wanted = util::to_lower(name.substr(1));
    for (const auto& r : *releases) {
      bool hit = wanted == "current" || (wanted == "lts" && !r.lts.empty()) ||
                 (!r.lts.empty() && util::to_lower(r.lts) == wanted);
      if (hit) return ResolvedVersion{r.version, "v" + r.version, {}};
    }
    return fail(ErrorKind::version, "no nodejs release in channel '{}' (use @lts, @current or an LTS codename)", name);
  }

 private:
  struct Release {
    std::string version;
    std::string lts;  // codename, "" when not LTS
  };
  Result<std::vector<Release>> fetch() {
    std::string url = m_context.endpoints.nodejs_dist + "/index.json";
    auto doc = m_context.client->get_json(ApiRequest{url, "application/json", {}, 10 * k_mib}, describe());
    if (!doc) return fail(doc.error());
    std::vector<Release> out;
    for (const auto& entry : doc->is_array() ? *doc : nlohmann::json::array()) {
      if (!entry.is_object() || !entry.contains("version") || !entry["version"].is_string()) continue;
      Release r{normalize_tag(entry["version"].get<std::string>()), ""};
      if (entry.contains("lts") && entry["lts"].is_string()) r.lts = entry["lts"].get<std::string>();
      out.push_back(r);
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const Release& a, const Release& b) { return compare_versions(a.version, b.version) > 0; });
    return out;
  }
  ProviderContext m_context;
};

class HttpJsonProvider final : public Provider {
 public:
  HttpJsonProvider(ProviderContext context, std::string url, std::string path)
      : m_context(std::move(context)), m_url(std::move(url)), m_path(std::move(path)) {}
  std::string describe() const override { return "JSON endpoint " + m_url; }
  Result<ResolvedVersion> latest() override {
    if (keyed()) {
      auto listed = list();
      if (!listed) return fail(listed.error());
      for (const auto& entry : *listed) {
        if (entry.stable) return ResolvedVersion{entry.version, entry.tag, {}};
      }
      return fail(ErrorKind::version, "{}: no stable version among the keys of {}", describe(), m_path);
    }
    auto doc = fetch();
    if (!doc) return fail(doc.error());
    auto version = extract_version(*doc, m_path);
    if (!version) return fail(version.error());
    return ResolvedVersion{*version, *version, {}};
  }
  bool can_list() const override { return keyed(); }
  // tailor extension (docs/versions.md): a version_path of `*` (or ending in `.*`) names an
  // object whose keys are the versions, as ziglang.org's download/index.json ("master",
  // "0.15.2", ...). Keys that do not start with a digit (`master`) are no versions.
  Result<std::vector<Listed>> list() override {
    if (!keyed()) return Provider::list();
    auto doc = fetch();
    if (!doc) return fail(doc.error());
    const nlohmann::json* node = &*doc;
    if (m_path != "*") {
      auto steps = parse_version_path(m_path.substr(0, m_path.size() - 2));
      if (!steps) return fail(steps.error());
      for (const auto& step : *steps) {
        const std::string* key = std::get_if<std::string>(&step);
        if (key != nullptr && node->is_object() && node->contains(*key)) {
          node = &(*node)[*key];
        } else if (key == nullptr && node->is_array() && std::get<std::size_t>(step) < node->size()) {
          node = &(*node)[std::get<std::size_t>(step)];
        } else {
          return fail(ErrorKind::version, "{}: {} does not lead to an object", describe(), m_path);
        }
      }
    }
    if (!node->is_object()) return fail(ErrorKind::version, "{}: {} is not an object", describe(), m_path);
    std::vector<Listed> out;
    for (const auto& [key, value] : node->items()) {
      if (key.empty() || !std::isdigit(static_cast<unsigned char>(key.front()))) continue;
      out.push_back({key, key, is_stable(key, m_context.stable_qualifiers)});
    }
    if (out.empty()) return fail(ErrorKind::version, "{}: no version among the keys of {}", describe(), m_path);
    sort_newest_first(out);
    return out;
  }

 private:
  bool keyed() const { return m_path == "*" || m_path.ends_with(".*"); }
  Result<nlohmann::json> fetch() {
    return m_context.client->get_json(ApiRequest{m_url, "application/json", {}, 5 * k_mib}, describe());
  }
  ProviderContext m_context;
  std::string m_url;
  std::string m_path;
};

}  // namespace

std::string escape_module_path(std::string_view module) {
  std::string out;
  for (char c : module) {
    if (std::isupper(static_cast<unsigned char>(c))) {
      out += '!';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  return out;
}

std::unique_ptr<Provider> make_goproxy_provider(ProviderContext context, std::string module) {
  return std::make_unique<GoproxyProvider>(std::move(context), std::move(module));
}
std::unique_ptr<Provider> make_go_toolchain_provider(ProviderContext context) {
  return std::make_unique<GoToolchainProvider>(std::move(context));
}
std::unique_ptr<Provider> make_nodejs_provider(ProviderContext context) {
  return std::make_unique<NodejsProvider>(std::move(context));
}
std::unique_ptr<Provider> make_http_json_provider(ProviderContext context, std::string url, std::string version_path) {
  return std::make_unique<HttpJsonProvider>(std::move(context), std::move(url), std::move(version_path));
}

}  // namespace tailor::version
