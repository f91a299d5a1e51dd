#pragma once
// URL pieces the download layer needs, parsed by libcurl's URL API.
#include <optional>
#include <string>
#include <string_view>

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

} // namespace tailor::fetch
