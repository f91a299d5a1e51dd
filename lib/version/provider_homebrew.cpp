// Homebrew formulae and their GHCR bottles (docs/versions.md, "Providers").
#include <algorithm>
#include <cctype>

#include "fetch/oci_client.hpp"
#include "util/strings.hpp"
#include "version/providers.hpp"
#include "version/version_compare.hpp"

namespace tailor::version {
namespace {

Result<nlohmann::json> formula_json(ProviderContext& context, const std::string& formula) {
  std::string url = context.endpoints.homebrew_api + "/formula/" + formula + ".json";
  auto doc = context.client->get_json(ApiRequest{url, "application/json", {}, k_mib}, "Homebrew formula " + formula);
  if (!doc) return fail(doc.error());
  if (!doc->is_object()) return fail(ErrorKind::network, "Homebrew formula {}: {} is not a JSON object", formula, url);
  return doc;
}

class HomebrewProvider final : public Provider {
 public:
  HomebrewProvider(ProviderContext context, std::string formula)
      : m_context(std::move(context)), m_formula(std::move(formula)) {}

  std::string describe() const override { return "Homebrew formula " + m_formula; }

  Result<ResolvedVersion> latest() override {
    auto doc = formula_json(m_context, m_formula);
    if (!doc) return fail(doc.error());
    if (doc->value("disabled", false)) return fail(ErrorKind::version, "Homebrew formula {} is disabled", m_formula);
    std::string stable;
    if (doc->contains("versions") && (*doc)["versions"].is_object()) stable = (*doc)["versions"].value("stable", "");
    if (stable.empty()) return fail(ErrorKind::version, "Homebrew formula {} has no stable version", m_formula);
    return ResolvedVersion{stable, stable, {}};
  }

  bool can_list() const override { return true; }

  Result<std::vector<Listed>> list() override {
    auto newest = latest();
    if (!newest) return fail(newest.error());
    std::vector<Listed> out{{newest->version, newest->version, true}};
    auto doc = formula_json(m_context, m_formula);
    if (doc && doc->contains("versioned_formulae") && (*doc)["versioned_formulae"].is_array()) {
      for (const auto& entry : (*doc)["versioned_formulae"]) {
        if (!entry.is_string()) continue;
        auto name = entry.get<std::string>();
        auto at = name.find('@');
        if (at != std::string::npos && at + 1 < name.size())
          out.push_back({name.substr(at + 1), name.substr(at + 1), true});
      }
    }
    sort_newest_first(out);
    return out;
  }

 private:
  ProviderContext m_context;
  std::string m_formula;
};

std::string bottle_tag(const std::string& os, const std::string& arch) {
  if (os == "darwin") return arch == "arm64" ? "arm64_sonoma" : "sonoma";
  return arch == "arm64" ? "arm64_linux" : "x86_64_linux";
}

// The suffix N of `<bottle>_<N>.<tag>`, -1 for the plain `<bottle>.<tag>`, nullopt otherwise.
std::optional<long> ref_rank(const std::string& ref, const std::string& bottle, const std::string& tag) {
  if (ref == bottle + "." + tag) return -1;
  std::string head = bottle + "_";
  std::string tail = "." + tag;
  if (ref.size() <= head.size() + tail.size() || ref.rfind(head, 0) != 0 ||
      ref.compare(ref.size() - tail.size(), tail.size(), tail) != 0) {
    return std::nullopt;
  }
  std::string digits = ref.substr(head.size(), ref.size() - head.size() - tail.size());
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) ||
      digits.size() > 9) {
    return std::nullopt;
  }
  return std::stol(digits);
}

// Picks the manifest entry for `tag` (highest `_N` wins over the plain name); its digest.
std::optional<std::string> pick_digest(const nlohmann::json& index, const std::string& bottle, const std::string& tag) {
  std::optional<long> best_rank;
  std::string best;
  for (const auto& entry : index.value("manifests", nlohmann::json::array())) {
    if (!entry.is_object() || !entry.contains("annotations") || !entry["annotations"].is_object()) continue;
    const auto& notes = entry["annotations"];
    auto rank = ref_rank(notes.value("org.opencontainers.image.ref.name", ""), bottle, tag);
    if (!rank || (best_rank && *best_rank >= *rank)) continue;
    std::string digest = notes.value("sh.brew.bottle.digest", "");
    if (digest.empty()) digest = entry.value("digest", "");
    if (digest.rfind("sha256:", 0) == 0) digest = digest.substr(7);
    if (digest.empty()) continue;
    best_rank = rank;
    best = digest;
  }
  if (!best_rank) return std::nullopt;
  return best;
}

}  // namespace

std::unique_ptr<Provider> make_homebrew_provider(ProviderContext context, std::string formula) {
  return std::make_unique<HomebrewProvider>(std::move(context), std::move(formula));
}

Result<HomebrewBottle> find_homebrew_bottle(ProviderContext& context, const std::string& formula,
                                            const std::string& version_tag, const std::string& os,
                                            const std::string& arch) {
  std::string bottle = version_tag;
  if (auto doc = formula_json(context, formula);
      doc && (*doc).contains("revision") && (*doc)["revision"].is_number_integer()) {
    if (auto revision = (*doc)["revision"].get<int64_t>(); revision > 0) bottle += "_" + std::to_string(revision);
  }
  const std::string path = util::replace_all(formula, "@", "/");
  const std::string& ghcr = context.endpoints.ghcr;
  // GHCR's bearer flow, spelled by the one OCI client (docs/fleets.md, "Authentication").
  const std::string repository = "homebrew/core/" + path;
  std::string token_url = fetch::oci_token_url(ghcr + "/token", "ghcr.io", fetch::oci_scope(repository, "pull"));
  ApiRequest token_request{token_url};
  token_request.cacheable = false;
  auto token_doc = context.client->get_json(token_request, "GHCR token for " + formula);
  if (!token_doc) return fail(token_doc.error());
  std::string token = fetch::oci_token_of(*token_doc);
  if (token.empty())
    return fail(ErrorKind::network, "GHCR token for {}: no token in the reply of {}", formula, token_url);

  std::string manifest_url = fetch::oci_manifest_url_at(ghcr, repository, bottle);
  ApiRequest manifest{manifest_url, "application/vnd.oci.image.index.v1+json", token, k_mib};
  auto index = context.client->get_json(manifest, fmt::format("bottle manifest of {} {}", formula, bottle));
  if (!index) return fail(index.error());
  const std::string tag = bottle_tag(os, arch);
  auto digest = pick_digest(*index, bottle, tag);
  if (!digest) digest = pick_digest(*index, bottle, "all");
  if (!digest) {
    return fail(ErrorKind::failure, "Homebrew formula {} {} has no bottle for {} (nor 'all') in {}", formula, bottle,
                tag, manifest_url);
  }
  HomebrewBottle out;
  out.digest = util::to_lower(*digest);
  out.url = fetch::oci_blob_url_at(ghcr, repository, out.digest);
  ApiRequest blob{out.url, "*/*", token, uint64_t{4} << 30};
  blob.cacheable = false;
  auto got = context.client->digest(blob);
  if (!got) return fail(got.error());
  if (got->sha256 != out.digest) {
    return fail(ErrorKind::checksum, "bottle blob {} has SHA-256 {}, but its manifest says {}", out.url, got->sha256,
                out.digest);
  }
  out.size = got->size;
  return out;
}

}  // namespace tailor::version
