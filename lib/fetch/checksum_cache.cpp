#include "fetch/checksum_cache.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>

#include <sys/stat.h>
#include <nlohmann/json.hpp>

#include "util/fs.hpp"

namespace tailor::fetch {
namespace fs = std::filesystem;

namespace {

bool is_sha256(const std::string& text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](unsigned char c) {
           return std::isdigit(c) != 0 || (c >= 'a' && c <= 'f');
         });
}

std::string string_field(const nlohmann::json& doc, const char* key) {
  auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

int64_t unix_now() { return static_cast<int64_t>(std::time(nullptr)); }

bool trusted_without_request(const ChecksumEntry& entry, int64_t now_unix) {
  auto trust = std::chrono::duration_cast<std::chrono::seconds>(k_checksum_trust).count();
  // A clock that went backwards makes the entry look young; distrust it instead.
  return entry.checked_at <= now_unix && now_unix - entry.checked_at < trust;
}

// Two 64-bit FNV-1a hashes of the URL (other offsets): a file name, not a security boundary
// (an entry names its URL, and lookup checks it). Computed in-process, because hashing with
// SHA-256 would load libcrypto, which a plan served from caches otherwise never needs.
std::string url_key(const std::string& url) {
  uint64_t first = 0xcbf29ce484222325ULL;
  uint64_t second = 0x84222325cbf29ce4ULL;
  for (unsigned char c : url) {
    first = (first ^ c) * 0x100000001b3ULL;
    second = (second ^ c) * 0x100000001b3ULL;
  }
  return fmt::format("{:016x}{:016x}", first, second);
}

fs::path ChecksumCache::path_for(const std::string& url) const { return m_dir / (url_key(url) + ".json"); }

std::optional<ChecksumEntry> ChecksumCache::lookup(const std::string& url) const {
  fs::path file = path_for(url);
  auto text = util::read_file(file, 1 << 16);
  if (!text) return std::nullopt;
  auto doc = nlohmann::json::parse(*text, nullptr, false);
  ChecksumEntry entry;
  if (doc.is_object()) {
    entry.url = string_field(doc, "url");
    entry.sha256 = string_field(doc, "sha256");
    entry.etag = string_field(doc, "etag");
    entry.last_modified = string_field(doc, "last_modified");
    entry.source = string_field(doc, "source");
    if (auto size = doc.find("size"); size != doc.end() && size->is_number_unsigned()) entry.size = *size;
    if (auto at = doc.find("checked_at"); at != doc.end() && at->is_number_integer()) entry.checked_at = *at;
  }
  // A file that does not describe exactly this URL (damaged, or written by hand) is no answer.
  if (entry.url != url || !is_sha256(entry.sha256) || entry.size == 0) {
    forget(url);
    return std::nullopt;
  }
  return entry;
}

Status ChecksumCache::store(const ChecksumEntry& entry) const {
  std::error_code ec;
  fs::create_directories(m_dir, ec);
  if (ec) return fail(ErrorKind::failure, "cannot create {}: {}", m_dir.string(), ec.message());
  ::chmod(m_dir.c_str(), 0700);
  nlohmann::ordered_json doc = {{"url", entry.url},
                                {"sha256", entry.sha256},
                                {"size", entry.size},
                                {"etag", entry.etag},
                                {"last_modified", entry.last_modified},
                                {"checked_at", entry.checked_at},
                                {"source", entry.source}};
  // A lost entry costs one download or one request later, never a wrong answer: no fsync.
  return util::write_file_atomic(path_for(entry.url), doc.dump(2) + "\n", 0600, util::Durability::best_effort);
}

void ChecksumCache::forget(const std::string& url) const {
  std::error_code ec;
  fs::remove(path_for(url), ec);
}

}  // namespace tailor::fetch
