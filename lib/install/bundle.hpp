#pragma once
// Air-gapped bundles: `tailor fetch --plan FILE --into DIR` downloads every artifact of a
// plan into DIR; `tailor install --plan FILE --from DIR --offline` installs from it, each
// artifact re-verified by checksum. DIR holds plan.json, bundle.json (url -> file, checksum,
// size) and artifacts/<checksum>.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fetch/downloader.hpp"
#include "plan/plan_model.hpp"
#include "util/output.hpp"
#include "util/result.hpp"

namespace tailor::install {

struct BundleArtifact {
  std::string url;
  std::vector<std::string> fallback_urls;
  std::string checksum;  // normalised
  std::string algo;      // sha256, sha512
  uint64_t size = 0;
};

// Every download_file of the plan and its dependencies, in plan order, without duplicates.
std::vector<BundleArtifact> plan_artifacts(const plan::Plan& plan);

// Downloads the artifacts into `dir` and writes plan.json and bundle.json. Returns the count.
Result<size_t> fetch_bundle(const plan::Plan& plan, const std::filesystem::path& dir, fetch::Downloader& downloader,
                            const util::Output& output);

// The artifacts of several plans (a project lock's, `tailor fetch --lock`) into `dir`, with
// bundle.json but no plan.json. Returns the count.
Result<size_t> fetch_bundle_plans(const std::vector<plan::Plan>& plans, const std::filesystem::path& dir,
                                  fetch::Downloader& downloader, const util::Output& output);

// Serves artifacts from a bundle directory, never the network; every file is hashed again.
class BundleDownloader final : public fetch::Downloader {
 public:
  static Result<BundleDownloader> open(const std::filesystem::path& dir);
  Result<fetch::FetchedFile> fetch(const fetch::FetchRequest& request) override;
  Result<std::string> fetch_text(const std::string& url, uint64_t max_bytes) override;

 private:
  std::filesystem::path m_dir;
  nlohmann::json m_manifest;
};

}  // namespace tailor::install
