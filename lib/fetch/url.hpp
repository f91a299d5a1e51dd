#pragma once
// URL pieces the download layer needs, parsed by libcurl's URL API.
#include <optional>
#include <string>
#include <string_view>

#include <sys/socket.h>

namespace tailor::fetch {

struct UrlParts {
  std::string scheme;  // lowercase
  std::string host;    // without brackets for IPv6
  std::string port;    // "" when the scheme default
  std::string path;    // starts with '/'
};

// Splits an absolute URL; nullopt when it is not one.
std::optional<UrlParts> parse_url(std::string_view url);

// "scheme://host[:port]" of an absolute URL, or the URL itself when it does not parse.
std::string url_origin(std::string_view url);

// The last path segment ("file.tar.gz"), or the host when the path is empty.
std::string url_file_name(std::string_view url);

// localhost, 127.0.0.0/8 and ::1.
bool is_loopback_host(std::string_view host);

// Addresses a redirect must not lead to (docs/downloads.md, "What every download does"): loopback (127/8, ::1),
// private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16, fe80::/10),
// multicast, unspecified (0/8, ::) and IPv4-mapped IPv6. `ip` is a numeric address.
bool is_internal_address(const sockaddr* address);
bool is_internal_address(std::string_view ip);

}  // namespace tailor::fetch
