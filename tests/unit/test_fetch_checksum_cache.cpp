// The checksum cache (docs/downloads.md, "The checksum cache"): entries per URL, the 24-hour
// trust window, revalidation with a conditional HEAD against a real HTTPS server, and what
// CurlDownloader::known_digest answers from it and from the download cache.
#include <doctest/doctest.h>

#include <fstream>

#include "fetch/checksum_cache.hpp"
#include "fetch/curl_downloader.hpp"
#include "fetch/revalidate.hpp"
#include "support/https_server.hpp"
#include "support/scratch.hpp"
#include "util/sha256.hpp"

namespace tailor::fetch {
namespace {

using test::HttpsServer;
using namespace std::chrono_literals;

FetchConfig config_for(const HttpsServer& server) {
  FetchConfig config;
  config.ca_bundle = server.ca_file().string();
  config.stall_timeout = 2s;
  return config;
}

ChecksumEntry entry_for(const std::string& url, const std::string& bytes, int64_t checked_at) {
  return ChecksumEntry{url, util::sha256_hex(bytes), bytes.size(), "", "", checked_at, "download"};
}

}  // namespace

TEST_CASE("ChecksumCache") {
  ChecksumCache cache(test::fresh_dir("home") / "checksums");
  const std::string url = "https://dl.example.org/tool-1.0.tar.gz";
  SUBCASE("stores one file per URL and reads it back") {
    ChecksumEntry entry = entry_for(url, "bytes", 1000);
    entry.etag = "\"abc\"";
    REQUIRE(cache.store(entry));
    auto found = cache.lookup(url);
    REQUIRE(found);
    CHECK(found->sha256 == entry.sha256);
    CHECK(found->size == 5);
    CHECK(found->etag == "\"abc\"");
    CHECK(found->checked_at == 1000);
    CHECK(cache.path_for(url).filename() == url_key(url) + ".json");
    CHECK(url_key(url).size() == 32);
    CHECK(url_key(url) != url_key(url + "x"));
    CHECK_FALSE(cache.lookup(url + "?other"));
  }
  SUBCASE("a damaged entry, or one naming another URL, is a miss and goes away") {
    std::filesystem::create_directories(cache.dir());
    std::ofstream(cache.path_for(url)) << "{\"url\": \"https://elsewhere/\", \"sha256\": \"" << std::string(64, 'a')
                                       << "\", \"size\": 3}";
    CHECK_FALSE(cache.lookup(url));
    CHECK_FALSE(std::filesystem::exists(cache.path_for(url)));
    std::ofstream(cache.path_for(url)) << "{not json";
    CHECK_FALSE(cache.lookup(url));
  }
  SUBCASE("entries are trusted for 24 hours, not from the future") {
    int64_t now = 10'000'000;
    CHECK(trusted_without_request(entry_for(url, "x", now - 3600), now));
    CHECK_FALSE(trusted_without_request(entry_for(url, "x", now - 24 * 3600), now));
    CHECK_FALSE(trusted_without_request(entry_for(url, "x", now + 60), now));
  }
}

TEST_CASE("revalidate") {
  HttpsServer server;
  const std::string bytes(4096, 'z');
  server.add_with_etag("/tool.tar.gz", bytes, "\"v1\"");
  server.add("/plain.tar.gz", bytes);
  SUBCASE("a matching ETag gets 304: unchanged, one HEAD") {
    ChecksumEntry entry = entry_for(server.url("/tool.tar.gz"), bytes, unix_now() - 48 * 3600);
    entry.etag = "\"v1\"";
    Revalidation answer = revalidate(entry, config_for(server));
    CHECK(answer.unchanged);
    CHECK(answer.etag == "\"v1\"");
    CHECK(server.request_lines() == std::vector<std::string>{"HEAD /tool.tar.gz"});
    CHECK(server.requests().front().header("If-None-Match") == "\"v1\"");
  }
  SUBCASE("another ETag, or another size, is a change") {
    ChecksumEntry entry = entry_for(server.url("/tool.tar.gz"), bytes, unix_now() - 48 * 3600);
    entry.etag = "\"v0\"";
    CHECK_FALSE(revalidate(entry, config_for(server)).unchanged);
    entry.etag = "";
    entry.size = 1;
    CHECK_FALSE(revalidate(entry, config_for(server)).unchanged);
  }
  SUBCASE("without validators, or without an answer, nothing is confirmed") {
    CHECK_FALSE(revalidate(entry_for(server.url("/plain.tar.gz"), bytes, unix_now()), config_for(server)).unchanged);
    CHECK_FALSE(revalidate(entry_for(test::dead_base_url() + "/x", bytes, unix_now()), config_for(server)).unchanged);
  }
  SUBCASE("http_date is an RFC 7231 date") { CHECK(http_date(784111777) == "Sun, 06 Nov 1994 08:49:37 GMT"); }
}

TEST_CASE("CurlDownloader::known_digest") {
  HttpsServer server;
  const std::string bytes(70'000, 'q');
  const std::string sha = util::sha256_hex(bytes);
  server.add_with_etag("/tool.tar.gz", bytes, "\"v1\"");
  auto home = test::fresh_dir("home");
  DownloaderOptions options;
  options.home = home;
  options.config = config_for(server);
  options.write_status = false;
  CurlDownloader downloader(options);
  FetchRequest request{server.url("/tool.tar.gz"), {}, "", 0};
  ChecksumCache checksums(home / "cache" / "downloads" / "checksums");

  SUBCASE("nothing known before the first download; the download is remembered with its ETag") {
    CHECK_FALSE(downloader.known_digest(request));
    auto fetched = downloader.fetch(request);
    REQUIRE(fetched);
    auto entry = checksums.lookup(request.url);
    REQUIRE(entry);
    CHECK(entry->sha256 == sha);
    CHECK(entry->etag == "\"v1\"");
    server.clear_requests();
    auto known = downloader.known_digest(request);
    REQUIRE(known);
    CHECK(known->sha256 == sha);
    CHECK(known->size == bytes.size());
    CHECK(known->source == "checksum cache");
    CHECK(server.request_lines().empty());
  }
  SUBCASE("a download cache entry is hashed and remembered when the checksum cache has none") {
    REQUIRE(downloader.fetch(request));
    checksums.forget(request.url);
    server.clear_requests();
    auto known = downloader.known_digest(request);
    REQUIRE(known);
    CHECK(known->sha256 == sha);
    CHECK(known->source == "download cache");
    CHECK(server.request_lines().empty());
    REQUIRE(checksums.lookup(request.url));
    CHECK(checksums.lookup(request.url)->source == "download cache");
  }
  SUBCASE("an old entry whose URL now serves other bytes is dropped") {
    REQUIRE(downloader.fetch(request));
    auto entry = *checksums.lookup(request.url);
    entry.checked_at -= 48 * 3600;
    REQUIRE(checksums.store(entry));
    server.add_with_etag("/tool.tar.gz", bytes + "!", "\"v2\"");
    server.clear_requests();
    CHECK_FALSE(downloader.known_digest(request));
    CHECK(server.request_lines() == std::vector<std::string>{"HEAD /tool.tar.gz"});
    CHECK_FALSE(checksums.lookup(request.url));
  }
}

}  // namespace tailor::fetch
