#include <doctest/doctest.h>

#include <sys/stat.h>
#include <cstdlib>

#include "config/config.hpp"
#include "support/scratch.hpp"

using namespace tailor;
using namespace tailor::config;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

struct EnvGuard {
  std::string name;
  EnvGuard(std::string n, const std::string& value) : name(std::move(n)) { ::setenv(name.c_str(), value.c_str(), 1); }
  ~EnvGuard() { ::unsetenv(name.c_str()); }
};

}  // namespace

TEST_CASE("load_config") {
  fs::path home = test::fresh_dir("config-home");

  SUBCASE("missing file: every key at its default") {
    auto config = load_config(home);
    REQUIRE(config);
    CHECK(config->get("llm.backend") == "auto");
    CHECK(config->duration("network.api_timeout") == 30s);
    CHECK(config->duration("network.stall_timeout") == 60s);
    CHECK(config->integer("network.retries") == 3);
    CHECK(config->size("network.max_extract_size") == 16ULL << 30);
    CHECK(config->size("fetch.max_bytes") == 4ULL << 30);
    CHECK_FALSE(config->boolean("events.webhook_unsigned"));
    CHECK(config->lookup("llm.backend")->origin == Origin::default_value);
  }
  SUBCASE("values from the file, with typed accessors") {
    test::write_text(home / "config.toml",
                     "[llm]\nbackend = \"vulkan\"\n[network]\nretries = 5\nmax_download_size = \"1GiB\"\n"
                     "[fetch]\nmax_bytes = 4096\n[events]\nwebhook_unsigned = true\n");
    ::chmod((home / "config.toml").c_str(), 0600);
    auto config = load_config(home);
    REQUIRE(config);
    CHECK(config->get("llm.backend") == "vulkan");
    CHECK(config->lookup("llm.backend")->origin == Origin::file);
    CHECK(config->integer("network.retries") == 5);
    CHECK(config->size("network.max_download_size") == 1ULL << 30);
    CHECK(config->size("fetch.max_bytes") == 4096);
    CHECK(config->boolean("events.webhook_unsigned"));
    CHECK(config->warnings().empty());
  }
  SUBCASE("a parse error names file, line and column") {
    test::write_text(home / "config.toml", "[llm]\nbackend = \"cuda\"\nretries = = 3\n");
    auto config = load_config(home);
    REQUIRE_FALSE(config);
    CHECK(config.error().kind == ErrorKind::failure);
    CHECK(config.error().message.starts_with((home / "config.toml").string() + ":3:"));
  }
  SUBCASE("an invalid value names its position and suggests a fix") {
    test::write_text(home / "config.toml", "[llm]\nbackend = \"cudaa\"\n[network]\nretries = \"3\"\n");
    auto config = load_config(home);
    REQUIRE_FALSE(config);
    const auto& message = config.error().message;
    CHECK(message.find("config.toml:2:11: invalid value 'cudaa' for llm.backend (did you mean 'cuda'?)") !=
          std::string::npos);
    CHECK(message.find("config.toml:4:11: network.retries has the wrong TOML type") != std::string::npos);
  }
  SUBCASE("group or other permission bits: one warning suggesting chmod 600") {
    test::write_text(home / "config.toml", "[llm]\nbackend = \"cpu\"\n");
    ::chmod((home / "config.toml").c_str(), 0644);
    auto config = load_config(home);
    REQUIRE(config);
    REQUIRE(config->warnings().size() == 1);
    CHECK(config->warnings()[0].find("chmod 600") != std::string::npos);
  }
  SUBCASE("keys match case-insensitively") {
    test::write_text(home / "config.toml", "[LLM]\nBackend = \"rocm\"\n");
    auto config = load_config(home);
    REQUIRE(config);
    CHECK(config->get("llm.backend") == "rocm");
    CHECK(config->lookup("LLM.Backend")->value == "rocm");
  }
  SUBCASE("an unknown key in a known table is a warning with a suggestion") {
    test::write_text(home / "config.toml", "[llm]\nbackedn = \"cpu\"\n");
    auto config = load_config(home);
    REQUIRE(config);
    REQUIRE(config->warnings().size() >= 1);
    CHECK(config->warnings().back().find("unknown key llm.backedn is ignored (did you mean llm.backend?)") !=
          std::string::npos);
  }
}

TEST_CASE("effective_backend") {
  fs::path home = test::fresh_dir("backend-home");
  test::write_text(home / "config.toml", "[llm]\nbackend = \"vulkan\"\n");
  SUBCASE("config over auto") {
    auto config = load_config(home);
    REQUIRE(config);
    CHECK(effective_backend(*config) == "vulkan");
  }
  SUBCASE("TAILOR_BACKEND over config, with its origin") {
    EnvGuard env("TAILOR_BACKEND", "cpu");
    auto config = load_config(home);
    REQUIRE(config);
    CHECK(effective_backend(*config) == "cpu");
    auto setting = config->lookup("llm.backend");
    CHECK(setting->origin == Origin::env);
    CHECK(setting->env == "TAILOR_BACKEND");
    SUBCASE("the flag over everything") { CHECK(effective_backend(*config, "cuda") == "cuda"); }
  }
  SUBCASE("an invalid TAILOR_BACKEND is a usage error") {
    EnvGuard env("TAILOR_BACKEND", "cudda");
    auto config = load_config(home);
    REQUIRE_FALSE(config);
    CHECK(config.error().kind == ErrorKind::usage);
    CHECK(config.error().message.find("TAILOR_BACKEND") != std::string::npos);
  }
  SUBCASE("no file, no env: auto") {
    auto config = load_config(test::fresh_dir("empty-home"));
    REQUIRE(config);
    CHECK(effective_backend(*config) == "auto");
  }
}

TEST_CASE("set_config_value") {
  fs::path home = test::fresh_dir("set-home") / "tailor";

  SUBCASE("creates the file 0600 (and a new directory 0700) and round-trips") {
    auto setting = set_config_value(home, "llm.backend", "cuda");
    REQUIRE(setting);
    CHECK(setting->value == "cuda");
    CHECK(test::mode_of(home / "config.toml") == 0600);
    CHECK(test::mode_of(home) == 0700);
    auto config = load_config(home);
    REQUIRE(config);
    CHECK(config->get("llm.backend") == "cuda");
    CHECK(config->warnings().empty());
  }
  SUBCASE("keeps unknown keys and tables") {
    fs::create_directories(home);
    test::write_text(home / "config.toml",
                     "[[mirrors]]\nprefix = \"https://github.com/\"\nurl = \"https://mirror-a/gh/\"\n\n"
                     "[llm]\nbackend = \"cpu\"\nfuture_key = 7\n\n[custom]\nanswer = 42\n");
    REQUIRE(set_config_value(home, "llm.backend", "vulkan"));
    REQUIRE(set_config_value(home, "network.api_timeout", "90s"));
    auto config = load_config(home);
    REQUIRE(config);
    const auto& doc = config->document();
    CHECK(doc["mirrors"][0]["url"].value<std::string>() == "https://mirror-a/gh/");
    CHECK(doc["llm"]["future_key"].value<int64_t>() == 7);
    CHECK(doc["custom"]["answer"].value<int64_t>() == 42);
    CHECK(config->get("llm.backend") == "vulkan");
    CHECK(config->get("network.api_timeout") == "90s");
  }
  SUBCASE("normalizes values and stores typed TOML") {
    REQUIRE(set_config_value(home, "network.stall_timeout", "120s"));
    REQUIRE(set_config_value(home, "network.retries", "0"));
    REQUIRE(set_config_value(home, "events.webhook_unsigned", "1"));
    REQUIRE(set_config_value(home, "fetch.max_bytes", "4294967296"));
    auto config = load_config(home);
    REQUIRE(config);
    CHECK(config->get("network.stall_timeout") == "2m");
    CHECK(config->document()["network"]["retries"].value<int64_t>() == 0);
    CHECK(config->document()["events"]["webhook_unsigned"].value<bool>() == true);
    CHECK(config->document()["fetch"]["max_bytes"].value<int64_t>() == 4294967296);
  }
  SUBCASE("refusals are usage errors with suggestions") {
    auto unknown = set_config_value(home, "llm.backnd", "cpu");
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().kind == ErrorKind::usage);
    CHECK(unknown.error().message.find("did you mean 'llm.backend'?") != std::string::npos);
    auto bad = set_config_value(home, "llm.backend", "cudaa");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().kind == ErrorKind::usage);
    CHECK(bad.error().message.find("did you mean 'cuda'?") != std::string::npos);
    CHECK_FALSE(set_config_value(home, "network.retries", "11"));
    CHECK_FALSE(set_config_value(home, "network.api_timeout", "30"));
    CHECK_FALSE(set_config_value(home, "network.api_timeout", "11m"));
    CHECK_FALSE(set_config_value(home, "gpu.device", "card0"));
    CHECK_FALSE(set_config_value(home, "events.webhook_url", "http://example.com/hook"));
    CHECK_FALSE(set_config_value(home, "events.webhook_secret_env", "whsec_abc/="));
    CHECK_FALSE(fs::exists(home / "config.toml"));
  }
  SUBCASE("secrets: env first, then the file") {
    REQUIRE(set_config_value(home, "secrets.github_token", "from-file"));
    auto config = load_config(home);
    REQUIRE(config);
    CHECK(config->secret("github_token") == "from-file");
    CHECK(config->lookup("secrets.github_token")->value == "(set)");
    EnvGuard gh("GH_TOKEN", "from-gh");
    auto with_env = load_config(home);
    CHECK(with_env->secret("github_token") == "from-gh");
    EnvGuard github("GITHUB_TOKEN", "from-github");
    CHECK(with_env->secret("github_token") == "from-github");
    CHECK(with_env->lookup("secrets.github_token")->env == "GITHUB_TOKEN");
    CHECK(with_env->lookup("secrets.other")->value == "(not set)");
  }
}

TEST_CASE("unset_config_value") {
  fs::path home = test::fresh_dir("unset-home");
  test::write_text(home / "config.toml", "[llm]\nbackend = \"cpu\"\n[gpu]\ndevice = \"03:00.0\"\n");
  auto removed = unset_config_value(home, "llm.backend");
  REQUIRE(removed);
  CHECK(*removed);
  auto again = unset_config_value(home, "llm.backend");
  REQUIRE(again);
  CHECK_FALSE(*again);
  auto config = load_config(home);
  REQUIRE(config);
  CHECK(config->get("llm.backend") == "auto");
  CHECK(config->get("gpu.device") == "03:00.0");
  CHECK_FALSE(config->document().contains("llm"));
  CHECK(unset_config_value(home, "nope.key").error().kind == ErrorKind::usage);
}

TEST_CASE("load_config with uses") {
  auto home = test::fresh_dir("uses-home");
  test::write_text(home / "config.toml", "[network]\nstall_timeout = \"99999h\"\n");
  ::chmod((home / "config.toml").c_str(), 0600);
  SUBCASE("an invalid key the caller uses fails with its position") {
    auto config = load_config(home, nullptr, uses::download);
    REQUIRE_FALSE(config);
    CHECK(config.error().kind == ErrorKind::failure);
    CHECK(config.error().message ==
          (home / "config.toml").string() + ":2:17: network.stall_timeout: \"99999h\" is out of range (1s to 10m)");
  }
  SUBCASE("an invalid key the caller does not use is a warning and keeps its default") {
    auto config = load_config(home, nullptr, uses::detect);
    REQUIRE(config);
    CHECK(config->duration("network.stall_timeout") == 60s);
    REQUIRE(config->warnings().size() == 1);
    CHECK(config->warnings()[0].ends_with("; ignored, as this command does not use network.stall_timeout"));
  }
  SUBCASE("an invalid variable is a usage error naming it") {
    test::write_text(home / "config.toml", "");
    EnvGuard retries("TAILOR_RETRIES", "many");
    auto config = load_config(home, nullptr, uses::events);
    REQUIRE_FALSE(config);
    CHECK(config.error().kind == ErrorKind::usage);
    CHECK(config.error().message ==
          "TAILOR_RETRIES: invalid value 'many' for network.retries: expected an integer from 0 to 10");
    CHECK(load_config(home, nullptr, uses::extract));
  }
  SUBCASE("every key has a variable, and every variable is read") {
    test::write_text(home / "config.toml", "");
    for (const auto& def : key_definitions()) {
      if (def.type == ValueType::secret) continue;
      CAPTURE(def.name);
      REQUIRE_FALSE(def.env.empty());
      CHECK(def.uses != uses::none);
    }
    EnvGuard extract("TAILOR_MAX_EXTRACT_SIZE", "1MiB");
    auto config = load_config(home);
    REQUIRE(config);
    CHECK(config->size("network.max_extract_size") == 1ULL << 20);
  }
  SUBCASE("a secret in the file must be a non-empty string") {
    test::write_text(home / "config.toml", "[secrets]\ngithub_token = 5\n");
    auto config = load_config(home, nullptr, uses::api);
    REQUIRE_FALSE(config);
    CHECK(config.error().message.find(":2:16: secrets.github_token must be a non-empty string") != std::string::npos);
  }
}
