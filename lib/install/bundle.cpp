#include "install/bundle.hpp"

#include <set>

#include "util/canonical_json.hpp"
#include "util/fs.hpp"
#include "util/sha256.hpp"

namespace tailor::install {
namespace fs = std::filesystem;
namespace {

// The download_file steps of one node, then of its dependencies' (depth first, as the
// executor meets them).
template <typename Node>
void walk(const Node& node, std::vector<BundleArtifact>& out, std::set<std::string>& seen) {
  for (const plan::DependencyPlan& dep : node.dependencies) walk(dep, out, seen);
  if (!node.steps) return;
  for (const plan::PlanStep& step : *node.steps) {
    if (step.action != "download_file") continue;
    auto text = [&](const char* key, const std::string& fallback) {
      auto it = step.params.find(key);
      return it != step.params.end() && it->is_string() ? it->get<std::string>() : fallback;
    };
    BundleArtifact a;
    a.url = text("url", step.url);
    a.checksum = util::normalize_checksum(text("checksum", step.checksum));
    a.algo = text("checksum_algo", "sha256");
    a.size = step.size;
    if (auto f = step.params.find("fallback_urls"); f != step.params.end() && f->is_array()) {
      for (const auto& u : *f) {
        if (u.is_string()) a.fallback_urls.push_back(u.get<std::string>());
      }
    }
    if (seen.insert(a.url).second) out.push_back(std::move(a));
  }
}

}  // namespace

std::vector<BundleArtifact> plan_artifacts(const plan::Plan& plan) {
  std::vector<BundleArtifact> out;
  std::set<std::string> seen;
  walk(plan, out, seen);
  return out;
}

Result<size_t> fetch_bundle(const plan::Plan& plan, const fs::path& dir, fetch::Downloader& downloader,
                            const util::Output& output) {
  auto count = fetch_bundle_plans({plan}, dir, downloader, output);
  if (!count) return fail(count.error());
  if (auto st = util::write_file_atomic(dir / "plan.json", util::canonical_json(plan::plan_to_json(plan))); !st)
    return fail(st.error());
  return count;
}

Result<size_t> fetch_bundle_plans(const std::vector<plan::Plan>& plans, const fs::path& dir,
                                  fetch::Downloader& downloader, const util::Output& output) {
  std::error_code ec;
  fs::create_directories(dir / "artifacts", ec);
  if (ec) return fail(ErrorKind::failure, "cannot create {}: {}", (dir / "artifacts").string(), ec.message());
  nlohmann::json manifest = {{"bundle_version", 1}, {"artifacts", nlohmann::json::array()}};
  std::set<std::string> seen;
  for (const auto& plan : plans) {
    for (const auto& a : plan_artifacts(plan)) {
      if (!seen.insert(a.url).second) continue;
      if (a.checksum.empty())
        return fail(ErrorKind::checksum, "download_file {} has no checksum; a bundle needs one for every artifact",
                    a.url);
      auto fetched =
          downloader.fetch(fetch::FetchRequest{a.url, a.fallback_urls, a.algo == "sha256" ? a.checksum : "", a.size});
      if (!fetched) return fail(fetched.error());
      auto digest = util::file_digest(fetched->path, a.algo);
      if (!digest) return fail(digest.error());
      if (*digest != a.checksum)
        return fail(ErrorKind::checksum, "checksum mismatch for {}: expected {} {}, got {}", a.url, a.algo, a.checksum,
                    *digest);
      fs::path target = dir / "artifacts" / a.checksum;
      fs::copy_file(fetched->path, target, fs::copy_options::overwrite_existing, ec);
      if (ec) return fail(ErrorKind::failure, "cannot write {}: {}", target.string(), ec.message());
      manifest["artifacts"].push_back({{"url", a.url},
                                       {"fallback_urls", a.fallback_urls},
                                       {"checksum", a.checksum},
                                       {"checksum_algo", a.algo},
                                       {"size", fetched->size},
                                       {"file", "artifacts/" + a.checksum}});
      output.info("fetched {}", a.url);
    }
  }
  if (auto st = util::write_file_atomic(dir / "bundle.json", manifest.dump(2) + "\n"); !st) return fail(st.error());
  return manifest["artifacts"].size();
}

Result<BundleDownloader> BundleDownloader::open(const fs::path& dir) {
  auto text = util::read_file(dir / "bundle.json", 16 << 20);
  if (!text)
    return fail(ErrorKind::usage,
                "{} is not a tailor bundle (no bundle.json); make one with `tailor fetch --plan FILE --into DIR`",
                dir.string());
  BundleDownloader d;
  d.m_dir = dir;
  d.m_manifest = nlohmann::json::parse(*text, nullptr, false);
  if (d.m_manifest.is_discarded() || !d.m_manifest.contains("artifacts")) {
    return fail(ErrorKind::invalid_input, "{}: bundle.json is not valid", dir.string());
  }
  return d;
}

Result<fetch::FetchedFile> BundleDownloader::fetch(const fetch::FetchRequest& request) {
  for (const auto& a : m_manifest["artifacts"]) {
    if (a.value("url", std::string()) != request.url) continue;
    std::string rel = a.value("file", std::string());
    if (rel.find("..") != std::string::npos)
      return fail(ErrorKind::invalid_input, "bundle.json names a file outside the bundle: {}", rel);
    fs::path path = m_dir / rel;
    std::string algo = a.value("checksum_algo", std::string("sha256"));
    auto digest = util::file_digest(path, algo);
    if (!digest)
      return fail(ErrorKind::network, "offline: the bundle has no usable file for {}: {}", request.url,
                  digest.error().message);
    std::string expected =
        request.expected_sha256.empty() ? a.value("checksum", std::string()) : request.expected_sha256;
    if (*digest != expected) {
      return fail(ErrorKind::checksum, "checksum mismatch for {} in bundle {}: expected {}, got {}", request.url,
                  m_dir.string(), expected, *digest);
    }
    std::error_code ec;
    uint64_t size = fs::file_size(path, ec);
    if (request.expected_size != 0 && size != request.expected_size) {
      return fail(ErrorKind::checksum, "size mismatch for {} in bundle: expected {} bytes, got {}", request.url,
                  request.expected_size, size);
    }
    return fetch::FetchedFile{path, algo == "sha256" ? *digest : "", size, "bundle:" + rel, false, {}};
  }
  return fail(ErrorKind::network,
              "offline: {} is not in the bundle {}; fetch it with `tailor fetch --plan FILE --into DIR`", request.url,
              m_dir.string());
}

Result<std::string> BundleDownloader::fetch_text(const std::string& url, uint64_t) {
  return fail(ErrorKind::network, "offline: cannot fetch {}", url);
}

}  // namespace tailor::install
