#include "fetch/url.hpp"

#include <memory>

#include <arpa/inet.h>
#include "fetch/curl_api.hpp"

namespace tailor::fetch {
namespace {

struct UrlFree {
  void operator()(CURLU* url) const { curl_api().url_cleanup(url); }
};

std::string part(CURLU* handle, CURLUPart which) {
  char* value = nullptr;
  if (curl_api().url_get(handle, which, &value, 0) != CURLUE_OK || value == nullptr) return {};
  std::string text(value);
  curl_api().free(value);
  return text;
}

}  // namespace

std::optional<UrlParts> parse_url(std::string_view url) {
  std::unique_ptr<CURLU, UrlFree> handle(curl_api().url());
  if (!handle) return std::nullopt;
  std::string text(url);
  if (curl_api().url_set(handle.get(), CURLUPART_URL, text.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
    return std::nullopt;
  }
  UrlParts parts{part(handle.get(), CURLUPART_SCHEME), part(handle.get(), CURLUPART_HOST),
                 part(handle.get(), CURLUPART_PORT), part(handle.get(), CURLUPART_PATH)};
  if (parts.host.size() > 2 && parts.host.front() == '[' && parts.host.back() == ']') {
    parts.host = parts.host.substr(1, parts.host.size() - 2);
  }
  if (parts.scheme.empty() || parts.host.empty()) return std::nullopt;
  if (parts.path.empty()) parts.path = "/";
  return parts;
}

std::string url_origin(std::string_view url) {
  auto parts = parse_url(url);
  if (!parts) return std::string(url);
  std::string host = parts->host.find(':') != std::string::npos ? "[" + parts->host + "]" : parts->host;
  return parts->scheme + "://" + host + (parts->port.empty() ? "" : ":" + parts->port);
}

std::string url_file_name(std::string_view url) {
  auto parts = parse_url(url);
  if (!parts) return std::string(url);
  std::string_view path = parts->path;
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  auto slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  return name.empty() ? parts->host : std::string(name);
}

bool is_loopback_host(std::string_view host) {
  if (host == "localhost") return true;
  std::string text(host);
  in_addr v4{};
  if (::inet_pton(AF_INET, text.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (::inet_pton(AF_INET6, text.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

bool is_internal_address(const sockaddr* address) {
  if (address->sa_family == AF_INET) {
    uint32_t a = ntohl(reinterpret_cast<const sockaddr_in*>(address)->sin_addr.s_addr);
    return (a >> 24) == 127 || (a >> 24) == 10 || (a >> 24) == 0 || (a >> 20) == 0xAC1 || (a >> 16) == 0xC0A8 ||
           (a >> 16) == 0xA9FE || (a >> 28) == 0xE;
  }
  if (address->sa_family == AF_INET6) {
    const in6_addr& a6 = reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr;
    const unsigned char* b = a6.s6_addr;
    return IN6_IS_ADDR_LOOPBACK(&a6) || IN6_IS_ADDR_UNSPECIFIED(&a6) || (b[0] & 0xfe) == 0xfc ||
           (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) || b[0] == 0xff || IN6_IS_ADDR_V4MAPPED(&a6);
  }
  return false;
}

bool is_internal_address(std::string_view ip) {
  std::string text(ip);
  sockaddr_in v4{};
  if (::inet_pton(AF_INET, text.c_str(), &v4.sin_addr) == 1) {
    v4.sin_family = AF_INET;
    return is_internal_address(reinterpret_cast<const sockaddr*>(&v4));
  }
  sockaddr_in6 v6{};
  if (::inet_pton(AF_INET6, text.c_str(), &v6.sin6_addr) == 1) {
    v6.sin6_family = AF_INET6;
    return is_internal_address(reinterpret_cast<const sockaddr*>(&v6));
  }
  return false;
}

}  // namespace tailor::fetch
