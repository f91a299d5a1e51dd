#include <doctest/doctest.h>

#include <cstdlib>

#include "fetch/fetch_config.hpp"
#include "support/scratch.hpp"

namespace tailor::fetch {

using namespace std::chrono_literals;

TEST_CASE("parse_fetch_config") {
  SUBCASE("the documented example") {
    auto config = parse_fetch_config(R"(
[[mirrors]]
prefix = "https://github.com/"
url    = "https://mirror-a.internal/gh/"
name   = "mirror-a"
token_env = "MIRROR_A_TOKEN"

[[mirrors]]
prefix = "https://github.com/"
url    = "https://mirror-b.internal/gh/"

[fetch]
strategy = "least-busy"
parallel = 3
max_bytes = 4294967296
)",
                                     "config.toml");
    REQUIRE(config);
    REQUIRE(config->mirrors.size() == 2);
    CHECK(config->mirrors[0].name == "mirror-a");
    CHECK(config->mirrors[0].token_env == "MIRROR_A_TOKEN");
    CHECK(config->mirrors[1].name == "https://mirror-b.internal/gh/");
    CHECK(config->strategy == Strategy::least_busy);
    CHECK(config->parallel == 3);
    CHECK(config->max_bytes == 4294967296ULL);
  }
  SUBCASE("defaults without the tables") {
    auto config = parse_fetch_config("[llm]\nbackend = \"cuda\"\n", "config.toml");
    REQUIRE(config);
    CHECK(config->mirrors.empty());
    CHECK(config->strategy == Strategy::failover);
    CHECK(config->parallel == 4);
    CHECK(config->max_bytes == (uint64_t{4} << 30));
  }
  SUBCASE("max_bytes also takes a size") {
    auto config = parse_fetch_config("[fetch]\nmax_bytes = \"512MiB\"\n", "config.toml");
    REQUIRE(config);
    CHECK(config->max_bytes == (uint64_t{512} << 20));
  }
  SUBCASE("network keys: stall timeout, retries, and the smaller of the two size limits") {
    auto config = parse_fetch_config(
        "[network]\nstall_timeout = \"5s\"\nretries = 0\nmax_download_size = \"1MiB\"\n[fetch]\nmax_bytes = "
        "\"2MiB\"\n",
        "config.toml");
    REQUIRE(config);
    CHECK(config->stall_timeout == 5s);
    CHECK(config->retries == 0);
    CHECK(config->max_bytes == (uint64_t{1} << 20));
    CHECK(config->max_bytes_key == "network.max_download_size");
    CHECK(size_limit_text(*config) ==
          "network.max_download_size (1048576 bytes); raise network.max_download_size in config.toml (or "
          "TAILOR_MAX_DOWNLOAD_SIZE) to allow it");
    auto smaller_fetch = parse_fetch_config("[fetch]\nmax_bytes = 4096\n", "config.toml");
    REQUIRE(smaller_fetch);
    CHECK(smaller_fetch->max_bytes == 4096);
    CHECK(smaller_fetch->max_bytes_key == "fetch.max_bytes");
  }
  SUBCASE("errors name file, line and column") {
    auto bad_strategy = parse_fetch_config("[fetch]\nstrategy = \"random\"\n", "config.toml");
    REQUIRE_FALSE(bad_strategy);
    CHECK(bad_strategy.error().message.rfind("config.toml:2:", 0) == 0);
    CHECK(bad_strategy.error().message.find("round-robin") != std::string::npos);
    auto bad_parallel = parse_fetch_config("[fetch]\nparallel = 0\n", "config.toml");
    REQUIRE_FALSE(bad_parallel);
    CHECK(bad_parallel.error().message.find("parallel") != std::string::npos);
    // Like every known table of config.toml, an unknown key is a warning (docs/config.md).
    auto unknown = parse_fetch_config("[fetch]\nparalel = 2\n", "config.toml");
    REQUIRE(unknown);
    CHECK(unknown->parallel == 4);
    auto syntax = parse_fetch_config("[fetch\n", "config.toml");
    REQUIRE_FALSE(syntax);
    CHECK(syntax.error().message.rfind("config.toml:1:", 0) == 0);
  }
  SUBCASE("mirrors must be HTTPS, complete and slash-consistent") {
    auto http = parse_fetch_config("[[mirrors]]\nprefix = \"https://github.com/\"\nurl = \"http://m.example/\"\n", "c");
    REQUIRE_FALSE(http);
    CHECK(http.error().message.find("non-HTTPS") != std::string::npos);
    auto missing = parse_fetch_config("[[mirrors]]\nprefix = \"https://github.com/\"\n", "c");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().message.find("needs `url`") != std::string::npos);
    auto slash =
        parse_fetch_config("[[mirrors]]\nprefix = \"https://github.com/\"\nurl = \"https://m.example\"\n", "c");
    REQUIRE_FALSE(slash);
    CHECK(slash.error().message.find("'/'") != std::string::npos);
  }
}

TEST_CASE("load_fetch_config") {
  auto home = test::fresh_dir("home");
  SUBCASE("a missing file gives defaults") {
    auto config = load_fetch_config(home);
    REQUIRE(config);
    CHECK(config->stall_timeout == 60s);
    CHECK(config->ca_bundle.empty());
  }
  SUBCASE("environment: stall timeout and CA bundle") {
    test::write_text(home / "ca.pem", "x");
    ::setenv("TAILOR_STALL_TIMEOUT", "5s", 1);
    ::setenv("TAILOR_CA_BUNDLE", (home / "ca.pem").c_str(), 1);
    auto config = load_fetch_config(home);
    ::setenv("TAILOR_STALL_TIMEOUT", "2", 1);
    auto bare = load_fetch_config(home);
    ::setenv("TAILOR_STALL_TIMEOUT", "soon", 1);
    auto bad = load_fetch_config(home);
    ::unsetenv("TAILOR_STALL_TIMEOUT");
    ::unsetenv("TAILOR_CA_BUNDLE");
    REQUIRE(config);
    CHECK(config->stall_timeout == 5s);
    CHECK(config->ca_bundle == (home / "ca.pem").string());
    // Every duration key takes a unit (docs/config.md); a bare number says what was meant.
    REQUIRE_FALSE(bare);
    CHECK(bare.error().message.find("did you mean '2s'?") != std::string::npos);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message.find("TAILOR_STALL_TIMEOUT") != std::string::npos);
  }
  SUBCASE("the environment wins over the file") {
    test::write_text(home / "config.toml", "[fetch]\nparallel = 7\nstrategy = \"least-busy\"\n");
    ::setenv("TAILOR_FETCH_PARALLEL", "2", 1);
    auto config = load_fetch_config(home);
    ::unsetenv("TAILOR_FETCH_PARALLEL");
    REQUIRE(config);
    CHECK(config->parallel == 2);
    CHECK(config->strategy == Strategy::least_busy);
  }
  SUBCASE("an invalid key downloads do not use is no error here") {
    test::write_text(home / "config.toml", "[llm]\nbackend = \"cudaa\"\n[network]\nstall_timeout = \"99999h\"\n");
    auto config = load_fetch_config(home);
    REQUIRE_FALSE(config);
    CHECK(config.error().message.find("config.toml:4:17: network.stall_timeout") != std::string::npos);
    CHECK(config.error().message.find("llm.backend") == std::string::npos);
  }
  SUBCASE("reads config.toml under the home") {
    test::write_text(home / "config.toml", "[fetch]\nparallel = 7\n");
    auto config = load_fetch_config(home);
    REQUIRE(config);
    CHECK(config->parallel == 7);
  }
}

}  // namespace tailor::fetch
