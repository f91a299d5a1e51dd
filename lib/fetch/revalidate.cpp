#include "fetch/revalidate.hpp"

#include <ctime>

#include "fetch/curl_api.hpp"
#include "fetch/transfer.hpp"

namespace tailor::fetch {

std::string http_date(int64_t seconds) {
  std::time_t when = static_cast<std::time_t>(seconds);
  std::tm tm{};
  ::gmtime_r(&when, &tm);
  static const char* const k_days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const k_months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  // Spelled out rather than strftime's %a/%b, which follow the locale.
  return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} GMT", k_days[tm.tm_wday], tm.tm_mday, k_months[tm.tm_mon],
                     tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

Revalidation revalidate(const ChecksumEntry& entry, const FetchConfig& config) {
  Revalidation out;
  TransferSpec spec{entry.url, "", 1 << 16, false, true, {}};
  if (!entry.etag.empty()) spec.headers.push_back("If-None-Match: " + entry.etag);
  // Without a stored Last-Modified, "not modified since we hashed it" is the question.
  spec.headers.push_back("If-Modified-Since: " +
                         (entry.last_modified.empty() ? http_date(entry.checked_at) : entry.last_modified));
  auto transfer = Transfer::create(spec, config, std::nullopt);
  if (!transfer) {
    out.detail = transfer.error().message;
    return out;
  }
  CURLcode code = curl_api().easy_perform((*transfer)->handle());
  long status = 0;
  curl_api().easy_getinfo((*transfer)->handle(), CURLINFO_RESPONSE_CODE, &status);
  out.etag = (*transfer)->etag();
  out.last_modified = (*transfer)->last_modified();
  if (code != CURLE_OK) {
    out.detail = curl_api().easy_strerror(code);
    return out;
  }
  if (status == 304) {
    out.unchanged = true;
    // A 304 may leave the validators out; the stored ones still hold.
    if (out.etag.empty()) out.etag = entry.etag;
    if (out.last_modified.empty()) out.last_modified = entry.last_modified;
    return out;
  }
  if (status < 200 || status >= 300) {
    out.detail = fmt::format("HEAD answered HTTP {}", status);
    return out;
  }
  uint64_t length = (*transfer)->total();
  bool same_size = length == 0 || length == entry.size;
  if (!entry.etag.empty()) {
    out.unchanged = same_size && out.etag == entry.etag;
  } else if (!out.last_modified.empty()) {
    time_t modified = curl_api().getdate(out.last_modified.c_str(), nullptr);
    out.unchanged = same_size && length != 0 && modified >= 0 && modified <= entry.checked_at;
  }
  if (!out.unchanged) out.detail = fmt::format("HEAD answered HTTP {} with other validators", status);
  return out;
}

}  // namespace tailor::fetch
