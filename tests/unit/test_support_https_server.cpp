// The test server is itself exercised with a real client (libcurl, CA verification on),
// since every download test relies on it behaving as scripted.
#include <doctest/doctest.h>

#include <curl/curl.h>

#include "support/https_server.hpp"

namespace tailor::test {
namespace {

struct CurlResult {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string body;
  std::string retry_after;
  int content_type_headers = 0;
};

size_t collect(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

size_t collect_header(char* data, size_t size, size_t count, void* user) {
  std::string line(data, size * count);
  auto* result = static_cast<CurlResult*>(user);
  if (line.rfind("Content-Type:", 0) == 0) ++result->content_type_headers;
  if (line.rfind("Retry-After:", 0) == 0) {
    std::string& out = result->retry_after;
    out = line.substr(12);
    out.erase(0, out.find_first_not_of(' '));
    out.erase(out.find_last_not_of("\r\n") + 1);
  }
  return size * count;
}

CurlResult get(const std::string& url, const std::string& ca_file, const std::vector<std::string>& headers = {}) {
  CurlResult result;
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  if (!ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, collect_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &result);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
  curl_slist* list = nullptr;
  for (const auto& header : headers) list = curl_slist_append(list, header.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  result.code = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  return result;
}

std::string pattern(size_t size) {
  std::string bytes(size, '\0');
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>('a' + i % 26);
  return bytes;
}

}  // namespace

TEST_CASE("HttpsServer") {
  HttpsServer server;
  const std::string bytes = pattern(300 * 1024);
  server.add("/file.bin", bytes);

  SUBCASE("serves registered bytes over TLS verified against the test CA") {
    CurlResult result = get(server.url("/file.bin"), server.ca_file().string(), {"Authorization: Bearer t0k"});
    REQUIRE(result.code == CURLE_OK);
    CHECK(result.status == 200);
    CHECK(result.body == bytes);
    auto requests = server.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].method == "GET");
    CHECK(requests[0].path == "/file.bin");
    CHECK(requests[0].header("authorization") == "Bearer t0k");
    CHECK(server.base_url().rfind("https://127.0.0.1:", 0) == 0);
  }
  SUBCASE("a client that does not trust the test CA is refused") {
    CurlResult result = get(server.url("/file.bin"), "/nonexistent-ca.pem");
    CHECK(result.code != CURLE_OK);
    CHECK(server.requests().empty());
  }
  SUBCASE("unknown paths are 404") {
    CurlResult result = get(server.url("/missing"), server.ca_file().string());
    CHECK(result.code == CURLE_OK);
    CHECK(result.status == 404);
  }
  SUBCASE("scripted replies are consumed in order, then the path is served") {
    server.script("/file.bin",
                  {Reply::retry_after(503, "1"), Reply::retry_after(429, http_date_in(2)), Reply::status_code(401)});
    CurlResult first = get(server.url("/file.bin"), server.ca_file().string());
    CHECK(first.status == 503);
    CHECK(first.retry_after == "1");
    CurlResult second = get(server.url("/file.bin"), server.ca_file().string());
    CHECK(second.status == 429);
    CHECK(second.retry_after.find("GMT") != std::string::npos);
    CHECK(get(server.url("/file.bin"), server.ca_file().string()).status == 401);
    CurlResult fourth = get(server.url("/file.bin"), server.ca_file().string());
    CHECK(fourth.status == 200);
    CHECK(fourth.body == bytes);
    CHECK(server.request_lines() ==
          std::vector<std::string>{"GET /file.bin", "GET /file.bin", "GET /file.bin", "GET /file.bin"});
  }
  SUBCASE("close drops the connection without a response") {
    server.script("/file.bin", {Reply::close()});
    CurlResult result = get(server.url("/file.bin"), server.ca_file().string());
    CHECK(result.code != CURLE_OK);
    CHECK(result.status == 0);
    CHECK(server.requests().size() == 1);
  }
  SUBCASE("truncate announces the full length and sends less") {
    server.script("/file.bin", {Reply::truncate(1000)});
    CurlResult result = get(server.url("/file.bin"), server.ca_file().string());
    CHECK(result.code == CURLE_PARTIAL_FILE);
    CHECK(result.body.size() < bytes.size());
  }
  SUBCASE("corrupt serves the same length with different bytes") {
    server.script("/file.bin", {Reply::corrupt()});
    CurlResult result = get(server.url("/file.bin"), server.ca_file().string());
    CHECK(result.code == CURLE_OK);
    CHECK(result.body.size() == bytes.size());
    CHECK(result.body != bytes);
  }
  SUBCASE("stall pauses mid-body") {
    server.script("/file.bin", {Reply::stall(std::chrono::milliseconds(400))});
    auto start = Clock::now();
    CurlResult result = get(server.url("/file.bin"), server.ca_file().string());
    CHECK(result.body == bytes);
    CHECK(Clock::now() - start >= std::chrono::milliseconds(400));
  }
  SUBCASE("a scripted Content-Type replaces the default instead of doubling it") {
    server.script("/doc", {Reply::status_code(200, {{"Content-Type", "application/json"}}, "{}")});
    CurlResult result = get(server.url("/doc"), server.ca_file().string());
    CHECK(result.body == "{}");
    CHECK(result.content_type_headers == 1);
  }
  SUBCASE("JSON documents carry their content type") {
    server.add_json("/api/latest", R"({"version": "1.2.3"})");
    CurlResult result = get(server.url("/api/latest"), server.ca_file().string());
    CHECK(result.body == R"({"version": "1.2.3"})");
  }
}

TEST_CASE("HttpsServer plain transport and dead hosts") {
  SUBCASE("plain HTTP serves without TLS") {
    HttpsServer plain(HttpsServer::Transport::plain);
    plain.add("/a", "hello");
    CHECK(plain.base_url().rfind("http://127.0.0.1:", 0) == 0);
    CHECK(plain.ca_file().empty());
    CHECK(get(plain.url("/a"), "").body == "hello");
  }
  SUBCASE("a dead base URL refuses connections") {
    CHECK(get(dead_base_url() + "/a", "").code == CURLE_COULDNT_CONNECT);
  }
}

}  // namespace tailor::test
