// CurlDownloader against one real HTTPS server on 127.0.0.1 (docs/downloads.md, "What every download does",
// and the single-host rows of docs/downloads.md, "Retries").
#include <doctest/doctest.h>

#include <cstdlib>

#include <unistd.h>

#include "config/partial_downloads.hpp"
#include "fetch/curl_downloader.hpp"
#include "fetch/download_cache.hpp"
#include "support/https_server.hpp"
#include "support/scratch.hpp"

namespace tailor::fetch {
namespace {

using test::HttpsServer;
using test::Reply;
using namespace std::chrono_literals;

std::string artifact_bytes(std::size_t size, char seed) {
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>(seed + static_cast<char>(i % 97));
  return bytes;
}

std::string sha256_of(const std::string& bytes) {
  Sha256 hash;
  hash.update(bytes.data(), bytes.size());
  return hash.hex_digest();
}

DownloaderOptions options_for(const HttpsServer& server, const std::filesystem::path& home) {
  DownloaderOptions options;
  options.home = home;
  options.config.ca_bundle = server.ca_file().string();
  options.config.stall_timeout = 1s;
  return options;
}

std::size_t files_in(const std::filesystem::path& dir) {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++count;
  return count;
}

}  // namespace

TEST_CASE("CurlDownloader::fetch") {
  HttpsServer server;
  const std::string bytes = artifact_bytes(512 * 1024, 'a');
  const std::string sha = sha256_of(bytes);
  server.add("/tool.tar.gz", bytes);
  auto home = test::fresh_dir("home");
  CurlDownloader downloader(options_for(server, home));
  FetchRequest request{server.url("/tool.tar.gz"), {}, sha, bytes.size()};
  auto downloads = home / "cache" / "downloads";

  SUBCASE("downloads, verifies and caches; a second fetch is a cache hit without a request") {
    auto first = downloader.fetch(request);
    REQUIRE(first);
    CHECK(first->sha256 == sha);
    CHECK(first->size == bytes.size());
    CHECK(first->served_by == request.url);
    CHECK_FALSE(first->from_cache);
    CHECK(test::read_text(first->path) == bytes);
    CHECK(first->path == downloads / (sha + ".data"));
    CHECK((std::filesystem::status(downloads).permissions() & std::filesystem::perms::all) ==
          std::filesystem::perms::owner_all);
    auto requests = server.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].header("Accept-Encoding") == "identity");
    CHECK(requests[0].header("User-Agent") == std::string("tailor/") + TAILOR_VERSION);

    CurlDownloader again(options_for(server, home));
    auto second = again.fetch(request);
    REQUIRE(second);
    CHECK(second->from_cache);
    CHECK(second->path == first->path);
    CHECK(server.request_lines() == std::vector<std::string>{"GET /tool.tar.gz"});
  }
  SUBCASE("a checksum given as sha256:UPPERCASE matches") {
    std::string upper = sha;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    request.expected_sha256 = "sha256:" + upper;
    CHECK(downloader.fetch(request));
  }
  SUBCASE("checksum mismatch names both hashes and the URL and leaves nothing behind") {
    std::string wrong(64, '0');
    request.expected_sha256 = wrong;
    auto result = downloader.fetch(request);
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == ErrorKind::checksum);
    CHECK(result.error().message.find(wrong) != std::string::npos);
    CHECK(result.error().message.find(sha) != std::string::npos);
    CHECK(result.error().message.find(request.url) != std::string::npos);
    CHECK(files_in(downloads) == 0);
    CHECK(server.requests().size() == 1);  // corrupt bytes flag the only host; no retry there
  }
  SUBCASE("a truncated body fails after the host is ejected, leaving nothing behind") {
    server.script("/tool.tar.gz", {Reply::truncate(1000), Reply::truncate(1000)});
    auto result = downloader.fetch(request);
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == ErrorKind::network);
    CHECK(server.request_lines() == std::vector<std::string>{"GET /tool.tar.gz", "GET /tool.tar.gz"});
    CHECK(downloader.hosts().at(0).ejected);
    CHECK(files_in(downloads) == 0);
  }
  SUBCASE("one truncated body, then the retry succeeds") {
    server.script("/tool.tar.gz", {Reply::truncate(1000)});
    auto result = downloader.fetch(request);
    REQUIRE(result);
    CHECK(server.requests().size() == 2);
    auto gap = server.requests()[1].time - server.requests()[0].time;
    CHECK(gap >= 400ms);  // 0.5 s backoff with -20 % jitter
  }
  SUBCASE("503 with Retry-After: 1 is waited out, then served") {
    server.script("/tool.tar.gz", {Reply::retry_after(503, "1")});
    auto result = downloader.fetch(request);
    REQUIRE(result);
    auto requests = server.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[1].time - requests[0].time >= 950ms);
    CHECK_FALSE(downloader.hosts().at(0).ejected);
  }
  SUBCASE("429 with an HTTP-date Retry-After is honoured") {
    server.script("/tool.tar.gz", {Reply::retry_after(429, test::http_date_in(2))});
    auto result = downloader.fetch(request);
    REQUIRE(result);
    auto requests = server.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[1].time - requests[0].time >= 900ms);  // the date has one-second resolution
  }
  SUBCASE("transient 500s back off and stop after 4 attempts") {
    server.script("/tool.tar.gz",
                  {Reply::status_code(500), Reply::status_code(502), Reply::status_code(503), Reply::status_code(504)});
    auto result = downloader.fetch(request);
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == ErrorKind::network);
    CHECK(server.requests().size() == 4);
    CHECK(result.error().message.find("HTTP 504") != std::string::npos);
  }
  SUBCASE("404 is final for the only host") {
    server.script("/tool.tar.gz", {Reply::status_code(404)});
    auto result = downloader.fetch(request);
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == ErrorKind::network);
    CHECK(result.error().message.find("HTTP 404") != std::string::npos);
    CHECK(server.requests().size() == 1);
  }
  SUBCASE("a stall longer than the stall timeout aborts the attempt") {
    server.script("/tool.tar.gz", {Reply::stall(30s), Reply::stall(30s)});
    auto start = test::Clock::now();
    auto result = downloader.fetch(request);
    REQUIRE_FALSE(result);
    CHECK(result.error().message.find("stalled") != std::string::npos);
    CHECK(test::Clock::now() - start < 20s);  // two 1 s stall timeouts and a backoff, not the 30 s pauses
    CHECK(server.requests().size() == 2);
  }
  SUBCASE("a redirect to plain HTTP is refused") {
    server.script("/tool.tar.gz", {Reply::redirect("http://127.0.0.1:9/tool.tar.gz")});
    auto result = downloader.fetch(request);
    REQUIRE_FALSE(result);
    CHECK(result.error().message.find("refused redirect from " + request.url +
                                      " to http://127.0.0.1:9/tool.tar.gz: not HTTPS") != std::string::npos);
  }
  SUBCASE("partial downloads of dead processes go before anything is fetched; a live one stays") {
    std::filesystem::create_directories(downloads);
    test::write_text(downloads / ".download-dead01", "killed half way");
    auto live = config::create_partial_download(downloads);
    REQUIRE(live);
    auto first = downloader.fetch(request);
    REQUIRE(first);
    CHECK_FALSE(std::filesystem::exists(downloads / ".download-dead01"));
    CHECK(std::filesystem::exists(live->path));
    ::close(live->fd);
  }
  SUBCASE("a redirect to HTTPS is followed (loopback hops allowed for tests)") {
    DownloaderOptions options = options_for(server, home);
    options.config.allow_insecure_loopback = true;
    CurlDownloader loopback_ok(options);
    server.add("/moved.tar.gz", bytes);
    server.script("/tool.tar.gz", {Reply::redirect(server.url("/moved.tar.gz"))});
    auto result = loopback_ok.fetch(request);
    REQUIRE(result);
    CHECK(server.request_lines() == std::vector<std::string>{"GET /tool.tar.gz", "GET /moved.tar.gz"});
  }
  SUBCASE("a redirect into the local network is refused; the first URL's host is not checked") {
    server.add("/moved.tar.gz", bytes);
    server.script("/tool.tar.gz", {Reply::redirect(server.url("/moved.tar.gz"))});
    auto result = downloader.fetch(request);
    REQUIRE_FALSE(result);
    CHECK(result.error().message.find("refused redirect to " + server.url("/moved.tar.gz") +
                                      ": it leads to the local or private address 127.0.0.1") != std::string::npos);
    // The hop was stopped after connecting, before its request was sent, and not retried.
    CHECK(server.request_lines() == std::vector<std::string>{"GET /tool.tar.gz"});
  }
  SUBCASE("a body larger than the plan's size is refused") {
    request.expected_size = 1000;
    request.expected_sha256 = "";
    auto result = downloader.fetch(request);
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == ErrorKind::invalid_input);
    CHECK(result.error().message.find("plan's size of 1000 bytes") != std::string::npos);
  }
  SUBCASE("max_bytes refuses a plan over the limit before any request, and bodies over it") {
    DownloaderOptions options = options_for(server, home);
    options.config.max_bytes = 4096;
    CurlDownloader small(options);
    auto planned = small.fetch(request);
    REQUIRE_FALSE(planned);
    CHECK(planned.error().message.find("fetch.max_bytes") != std::string::npos);
    CHECK(server.requests().empty());
    auto unplanned = small.fetch(FetchRequest{request.url, {}, "", 0});
    REQUIRE_FALSE(unplanned);
    CHECK(unplanned.error().kind == ErrorKind::invalid_input);
    CHECK(unplanned.error().message.find("max_bytes") != std::string::npos);
  }
  SUBCASE("plan time: an unknown checksum is computed and the file cached under it") {
    auto result = downloader.fetch(FetchRequest{request.url, {}, "", 0});
    REQUIRE(result);
    CHECK(result->sha256 == sha);
    CHECK(std::filesystem::exists(downloads / (sha + ".meta")));
  }
  SUBCASE("fetch_text returns small documents and refuses big ones") {
    server.add("/SHA256SUMS", sha + "  tool.tar.gz\n", "text/plain");
    auto text = downloader.fetch_text(server.url("/SHA256SUMS"));
    REQUIRE(text);
    CHECK(*text == sha + "  tool.tar.gz\n");
    auto big = downloader.fetch_text(request.url, 1024);
    REQUIRE_FALSE(big);
    CHECK(big.error().kind == ErrorKind::invalid_input);
  }
}

TEST_CASE("CurlDownloader::fetch plain HTTP") {
  HttpsServer server(HttpsServer::Transport::plain);
  server.add("/a.bin", "plain bytes");
  auto home = test::fresh_dir("home");
  DownloaderOptions options;
  options.home = home;

  SUBCASE("refused without TAILOR_ALLOW_INSECURE_LOOPBACK, before connecting") {
    CurlDownloader downloader(options);
    auto result = downloader.fetch(FetchRequest{server.url("/a.bin"), {}, "", 0});
    REQUIRE_FALSE(result);
    CHECK(result.error().message.find("TAILOR_ALLOW_INSECURE_LOOPBACK") != std::string::npos);
    CHECK(server.requests().empty());
  }
  SUBCASE("allowed to loopback when the variable is set") {
    ::setenv("TAILOR_ALLOW_INSECURE_LOOPBACK", "1", 1);
    auto config = load_fetch_config(home);
    ::unsetenv("TAILOR_ALLOW_INSECURE_LOOPBACK");
    REQUIRE(config);
    options.config = *config;
    CurlDownloader downloader(options);
    auto result = downloader.fetch(FetchRequest{server.url("/a.bin"), {}, "", 0});
    REQUIRE(result);
    CHECK(test::read_text(result->path) == "plain bytes");
  }
  SUBCASE("never to other hosts, even with the variable") {
    CHECK_FALSE(check_url_allowed("http://example.com/a", true));
    CHECK(check_url_allowed("http://127.0.0.1:8080/a", true));
    CHECK(check_url_allowed("http://[::1]:8080/a", true));
    CHECK_FALSE(check_url_allowed("ftp://127.0.0.1/a", true));
  }
}

}  // namespace tailor::fetch
