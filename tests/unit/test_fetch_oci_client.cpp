// The OCI client: references, challenges, and the bearer-token flow of an `oci://` mirror
// against a real HTTPS server on 127.0.0.1 that plays the registry and its token service.
#include <doctest/doctest.h>

#include "fetch/curl_downloader.hpp"
#include "fetch/oci_client.hpp"
#include "support/https_server.hpp"
#include "support/scratch.hpp"

namespace tailor::fetch {
namespace {

using test::HttpsServer;
using test::Reply;
using namespace std::chrono_literals;

std::string sha_of(const std::string& bytes) {
  Sha256 hash;
  hash.update(bytes.data(), bytes.size());
  return hash.hex_digest();
}

struct Registry {
  HttpsServer registry;
  HttpsServer origin;
  std::filesystem::path home = test::fresh_dir("home");
  std::string bytes_a = std::string(3000, 'a');
  std::string bytes_b = std::string(4000, 'b');

  std::string oci_host() const { return registry.base_url().substr(std::string("https://").size()); }
  std::string blob_path(const std::string& bytes) const { return "/v2/fleet/tools/blobs/sha256:" + sha_of(bytes); }

  DownloaderOptions options(std::string username, std::string password) const {
    DownloaderOptions options;
    options.home = home;
    options.config.ca_bundle = registry.ca_file().string();
    options.config.stall_timeout = 2s;
    Mirror mirror{"", "oci://" + oci_host() + "/fleet/tools", "fleet", ""};
    mirror.oci = true;
    mirror.username = std::move(username);
    mirror.password = std::move(password);
    mirror.secret = "fleet_registry";
    options.config.mirrors = {mirror};
    return options;
  }
  FetchRequest request(const std::string& name, const std::string& bytes) const {
    return FetchRequest{origin.url("/" + name), {}, sha_of(bytes), bytes.size()};
  }
  void challenge_bearer() {
    std::string challenge = "Bearer realm=\"" + registry.url("/token") + "\",service=\"test-registry\"";
    registry.script("/v2/", {Reply::status_code(401, {{"WWW-Authenticate", challenge}})});
  }
};

}  // namespace

TEST_CASE("oci references parse into host, repository and tag") {
  auto plain = parse_oci_url("oci://registry.internal:5000/fleet/tools");
  REQUIRE(plain);
  CHECK(plain->host == "registry.internal:5000");
  CHECK(plain->repository == "fleet/tools");
  CHECK(plain->tag.empty());
  CHECK(oci_blob_url(*plain, "ab") == "https://registry.internal:5000/v2/fleet/tools/blobs/sha256:ab");
  auto tagged = parse_oci_url("oci://ghcr.io/org/fleet:2026-12");
  REQUIRE(tagged);
  CHECK(tagged->repository == "org/fleet");
  CHECK(tagged->tag == "2026-12");
  CHECK(tagged->reference() == "oci://ghcr.io/org/fleet:2026-12");
  CHECK_FALSE(parse_oci_url("oci://host-only"));
  CHECK_FALSE(parse_oci_url("https://ghcr.io/org"));
  CHECK_FALSE(parse_oci_url("oci://ghcr.io/Upper/case"));
  CHECK(parse_oci_url("oci://h/ns:bad tag").error().kind == ErrorKind::usage);
}

TEST_CASE("WWW-Authenticate challenges") {
  auto bearer = parse_www_authenticate(
      R"(Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull")");
  REQUIRE(bearer);
  CHECK(bearer->scheme == "bearer");
  CHECK(bearer->realm == "https://auth.example/token");
  CHECK(bearer->service == "registry.example");
  CHECK(bearer->scope == "repository:a/b:pull");
  auto basic = parse_www_authenticate(R"(Basic realm="tailor-test")");
  REQUIRE(basic);
  CHECK(basic->scheme == "basic");
  CHECK_FALSE(parse_www_authenticate("Negotiate"));
  CHECK(base64_encode("fleet:s3cret") == "ZmxlZXQ6czNjcmV0");
  CHECK(base64_encode("ab") == "YWI=");
}

TEST_CASE("an oci mirror serves blobs by digest with a bearer token cached per scope") {
  Registry r;
  r.challenge_bearer();
  r.registry.add_json("/token", R"({"token": "tok-1", "expires_in": 300})");
  r.registry.add(r.blob_path(r.bytes_a), r.bytes_a);
  r.registry.add(r.blob_path(r.bytes_b), r.bytes_b);
  CurlDownloader downloader(r.options("fleet", "s3cret"));
  auto files = downloader.fetch_all({r.request("a.tar.gz", r.bytes_a), r.request("b.tar.gz", r.bytes_b)});
  REQUIRE_MESSAGE(files, files.error().message);
  CHECK((*files)[0].served_by == "https://" + r.oci_host() + r.blob_path(r.bytes_a));
  CHECK(r.origin.requests().empty());  // the origin was never asked
  int token_requests = 0;
  for (const auto& request : r.registry.requests()) {
    if (request.path == "/token") {
      ++token_requests;
      CHECK(request.header("Authorization") == "Basic ZmxlZXQ6czNjcmV0");
    }
    if (request.path.rfind("/v2/fleet/tools/blobs/", 0) == 0) CHECK(request.header("Authorization") == "Bearer tok-1");
  }
  CHECK(token_requests == 1);
}

TEST_CASE("an expired token is fetched again once; refused credentials stop with a hint") {
  Registry r;
  r.challenge_bearer();
  r.registry.add_json("/token", R"({"token": "tok-2"})");
  r.registry.add(r.blob_path(r.bytes_a), r.bytes_a);
  r.registry.script(r.blob_path(r.bytes_a), {Reply::status_code(401)});
  {
    CurlDownloader downloader(r.options("fleet", "s3cret"));
    auto file = downloader.fetch(r.request("a.tar.gz", r.bytes_a));
    REQUIRE_MESSAGE(file, file.error().message);
  }
  int token_requests = 0;
  for (const auto& request : r.registry.requests()) token_requests += request.path == "/token" ? 1 : 0;
  CHECK(token_requests == 2);

  r.home = test::fresh_dir("home");  // no cached copy to answer from
  r.challenge_bearer();
  r.registry.script("/token", {Reply::status_code(401)});
  CurlDownloader refused(r.options("fleet", "wrong"));
  auto file = refused.fetch(r.request("a.tar.gz", r.bytes_a));
  REQUIRE_FALSE(file);
  CHECK(file.error().kind == ErrorKind::network);
  CHECK(file.error().message.find("refused access") != std::string::npos);
  CHECK(file.error().message.find("secrets.fleet_registry") != std::string::npos);
}

TEST_CASE("an oci mirror that is down falls back to the origin; no checksum, no oci request") {
  Registry r;
  r.origin.add("/a.tar.gz", r.bytes_a);
  DownloaderOptions options = r.options("", "");
  options.config.mirrors[0].url = "oci://" + test::dead_base_url().substr(8) + "/fleet/tools";
  options.config.mirrors[0].name = "down";
  CurlDownloader downloader(options);
  auto file = downloader.fetch(r.request("a.tar.gz", r.bytes_a));
  REQUIRE_MESSAGE(file, file.error().message);
  CHECK(file->served_by == r.origin.url("/a.tar.gz"));

  HostPool pool(r.options("", "").config.mirrors, Strategy::failover);
  auto unhashed = pool.candidates(FetchRequest{r.origin.url("/a.tar.gz"), {}, "", 0});
  REQUIRE(unhashed.size() == 1);
  CHECK(unhashed[0].url == r.origin.url("/a.tar.gz"));
  auto hashed = pool.candidates(r.request("a.tar.gz", r.bytes_a));
  REQUIRE(hashed.size() == 2);
  CHECK(hashed[0].url == "https://" + r.oci_host() + r.blob_path(r.bytes_a));
}

}  // namespace tailor::fetch
