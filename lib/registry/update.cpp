#include "registry/update.hpp"

#include <atomic>
#include <mutex>
#include <thread>

#include "fetch/curl_api.hpp"

namespace tailor::registry {

Result<UpdateReport> update_registry(const CentralRegistry& central, unsigned parallel,
                                     const std::function<void(size_t, size_t)>& progress) {
  auto settings_result = central.settings();
  if (!settings_result) return fail(settings_result.error());
  const RegistrySettings& s = **settings_result;
  if (s.offline) return fail(ErrorKind::usage, "update-registry needs the network; drop --offline / TAILOR_OFFLINE");
  UpdateReport report;
  if (auto manifest = update_manifest(s)) {
    report.manifest = std::move(*manifest);
  } else {
    report.manifest_error = manifest.error().message;
  }
  // A local registry directory is read directly and never cached: nothing to revalidate.
  if (!is_url(s.url)) return report;
  const std::vector<std::string> names = RecipeCache(s.cache_dir).names();
  report.recipes.resize(names.size());
  std::atomic<size_t> next{0};
  std::atomic<size_t> done{0};
  std::mutex progress_mutex;
  auto worker = [&] {
    for (size_t i = next++; i < names.size(); i = next++) {
      report.recipes[i] = central.refresh(names[i]);
      size_t finished = ++done;
      if (progress) {
        std::lock_guard lock(progress_mutex);
        progress(finished, names.size());
      }
    }
  };
  fetch::curl_api();  // loaded once, before the workers share it
  std::vector<std::jthread> workers;
  const size_t count = std::min<size_t>(std::max(1u, parallel), names.size());
  for (size_t k = 0; k < count; ++k) workers.emplace_back(worker);
  workers.clear();  // joins
  return report;
}

}  // namespace tailor::registry
