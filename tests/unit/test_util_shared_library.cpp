#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>

#include "fetch/curl_api.hpp"
#include "install/archive_api.hpp"
#include "util/crypto_api.hpp"
#include "util/shared_library.hpp"

using namespace tailor;

TEST_CASE("SharedLibrary") {
  SUBCASE("a missing library names itself and the package to install") {
    try {
      util::SharedLibrary lib("libtailor-no-such-library.so.7", "tailor-missing-pkg");
      FAIL("dlopen of a missing library succeeded");
    } catch (const util::MissingLibrary& e) {
      std::string message = e.what();
      CHECK(message.find("cannot load libtailor-no-such-library.so.7") == 0);
      CHECK(message.find("install the tailor-missing-pkg package") != std::string::npos);
    }
  }
  SUBCASE("a missing symbol is refused, not left null") {
    util::SharedLibrary lib("libcrypto.so.3", "libssl3");
    void (*function)() = nullptr;
    CHECK_THROWS_WITH_AS(lib.bind(function, "tailor_no_such_symbol"),
                         "libcrypto.so.3 has no symbol tailor_no_such_symbol; install a newer libssl3 package",
                         util::MissingLibrary);
    CHECK(reinterpret_cast<void*>(function) == nullptr);
  }
  SUBCASE("the tables bind every function of the real libraries") {
    const auto& curl = fetch::curl_api();
    CHECK(curl.getdate("Sun, 06 Nov 1994 08:49:37 GMT", nullptr) == 784111777);
    CHECK(std::string(curl.easy_strerror(CURLE_OK)) == "No error");
    const auto& crypto = util::crypto_api();
    unsigned char digest[32];
    crypto.sha256(reinterpret_cast<const unsigned char*>("abc"), 3, digest);
    CHECK(digest[0] == 0xba);
    CHECK(digest[31] == 0xad);
    const auto& archive = install::archive_api();
    struct archive* reader = archive.read_new();
    REQUIRE(reader != nullptr);
    CHECK(archive.support_format_tar(reader) == ARCHIVE_OK);
    CHECK(archive.read_free(reader) == ARCHIVE_OK);
  }
}

TEST_CASE("load_in_background") {
  std::atomic<int> ran{0};
  std::thread::id worker;
  {
    std::jthread loading = util::load_in_background({
        [&] {
          worker = std::this_thread::get_id();
          ++ran;
        },
        [] { util::SharedLibrary missing("libtailor-no-such-library.so.7", "tailor-missing-pkg"); },
        [&] { ++ran; },
    });
  }  // joined here
  // A load that fails does not stop the ones after it, and nothing ran on the caller's thread.
  CHECK(ran == 2);
  CHECK(worker != std::this_thread::get_id());
}
