// Every key of the config registry takes effect from config.toml and from its environment
// variable, and an invalid value fails a command that uses the key before any work
// (docs/config.md). The table below has one row per key; a key without a row fails.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>

#include "backend_env.hpp"
#include "config/document.hpp"
#include "config/keys.hpp"
#include "config_keys_fixture.hpp"
#include "support/archive_builder.hpp"
#include "support/https_server.hpp"
#include "support/install_env.hpp"
#include "support/process.hpp"
#include "support/scratch.hpp"
#include "support/sysroot.hpp"
#include "util/strings.hpp"

namespace fs = std::filesystem;
using namespace tailor::test;
using namespace std::chrono_literals;
using nlohmann::ordered_json;
using namespace tailor::test::keys;

namespace {

RunResult install(Fixture& f, const std::string& plan) { return f.tailor({"install", "--plan", plan}); }

ToolRelease plain_tool() { return make_tool_release("hello", "1.0.0"); }

// An archive of at least 8 KiB whatever the compression: bytes that do not repeat.
ToolRelease big_download() {
  std::string noise;
  uint32_t x = 12345;
  for (int i = 0; i < 16384; ++i) {
    x = x * 1103515245 + 12345;
    noise += static_cast<char>((x >> 16) & 0xff);
  }
  return make_tool_release("hello", "1.0.0", "tar.gz", {file_entry("hello-1.0.0/noise", noise)});
}

// A small download that unpacks to 64 KiB.
ToolRelease big_unpack() {
  return make_tool_release("hello", "1.0.0", "tar.gz", {file_entry("hello-1.0.0/zeros", std::string(65536, '\0'))});
}

void expect_refused_size(const RunResult& r, const std::string& key, Fixture& f) {
  CHECK_MESSAGE(r.exit_code == 10, text(r));
  CHECK_MESSAGE(r.err.find(key) != std::string::npos, text(r));
  CHECK(f.server.requests().empty());  // refused on the plan's size, before any request
}

// The GPU-backend recipe of backend_env.hpp with CPU and Vulkan builds, on an NVIDIA machine.
void prepare_backend_recipe(Fixture& f) {
  fs::create_directories(f.dir / "registry");
  std::string recipe =
      "[metadata]\nname = \"llamalike\"\ndescription = \"Backend builds for tests\"\n"
      "homepage = \"https://llamalike.example.org/\"\n\n[version]\nsource = \"http_json\"\nurl = \"" +
      f.server.url("/version.json") + "\"\nversion_path = \"version\"\n\n";
  f.server.add_json("/version.json", R"({"version": "1.0.0"})");
  for (const std::string backend : {"cpu", "vulkan"}) {
    f.server.add("/llamalike-1.0.0-" + backend + ".tar.gz", build_archive_for(backend, "Device0"));
    recipe += recipe_step(f.server, backend);
  }
  recipe += "[verify]\ncommand = \"llama-cli --version\"\npattern = \"llamalike {version}\"\n";
  write_text(f.dir / "registry" / "llamalike.toml", recipe);
  f.options.env["TAILOR_FACTS"] = testdata("plan/facts/nvidia-drv580.json").string();
}

// A recipe whose version comes from `path` on the test server (an HTTP API lookup).
void prepare_api_recipe(Fixture& f, const std::string& version_url) {
  fs::create_directories(f.dir / "registry");
  write_text(f.dir / "registry" / "apitool.toml",
             "[metadata]\nname = \"apitool\"\ndescription = \"Version from an API\"\n"
             "homepage = \"https://apitool.example.org/\"\n\n[version]\nsource = \"" +
                 std::string(version_url.empty() ? "github_releases" : "http_json") + "\"\n" +
                 (version_url.empty() ? "github_repo = \"example-org/apitool\"\ntag_prefix = \"v\"\n"
                                      : "url = \"" + version_url + "\"\nversion_path = \"version\"\n") +
                 "\n[[steps]]\naction = \"download_file\"\nurl = \"" + f.server.url("/apitool-{version}") +
                 "\"\n\n[verify]\ncommand = \"apitool --version\"\n");
}

// Uses the detection of `sysroot` (from support/sysroot.hpp) instead of the fixed facts.
void detect_from(Fixture& f, const fs::path& sysroot) {
  f.options.env.erase("TAILOR_FACTS");
  f.options.unset_env.insert(
      f.options.unset_env.end(),
      {"TAILOR_FACTS", "CUDA_VISIBLE_DEVICES", "NVIDIA_VISIBLE_DEVICES", "ROCR_VISIBLE_DEVICES", "HIP_VISIBLE_DEVICES",
       "GGML_VK_VISIBLE_DEVICES", "container", "LD_LIBRARY_PATH", "VK_DRIVER_FILES", "VK_ICD_FILENAMES",
       "VK_ADD_DRIVER_FILES", "XDG_DATA_DIRS", "XDG_CONFIG_DIRS"});
  f.options.env["TAILOR_SYSROOT"] = sysroot.string();
}

void prepare_webhook(Fixture& f) { f.second().add("/hook", "ok"); }
std::vector<RecordedRequest> webhook_posts(Fixture& f) {
  std::vector<RecordedRequest> posts;
  for (const auto& request : f.second().requests()) {
    if (request.method == "POST" && request.path == "/hook") posts.push_back(request);
  }
  return posts;
}

std::map<std::string, Row> rows() {
  std::map<std::string, Row> table;
  table["llm.backend"] = {
      "\"cpu\"",
      "cpu",
      "\"cudaa\"",
      "cudaa",
      prepare_backend_recipe,
      [](Fixture& f) {
        return f.tailor({"plan", "llamalike@1.0.0", "--registry", (f.dir / "registry").string(), "--json"});
      },
      [](Fixture&, const RunResult& r, const std::string&) {
        // The NVIDIA machine's own ladder would pick vulkan.
        REQUIRE_MESSAGE(r.exit_code == 0, text(r));
        CHECK(ordered_json::parse(r.out)["platform"]["backend"] == "cpu");
      }};
  table["gpu.device"] = {"\"0000:00:02.0\"",
                         "00:02.0",
                         "\"zz:zz\"",
                         "zz:zz",
                         [](Fixture& f) { detect_from(f, make_sysroot("nvidia-consumer-intel-igpu")); },
                         [](Fixture& f) {
                           return f.tailor({"detect", "--json", "--no-names"});
                         },
                         [](Fixture&, const RunResult& r, const std::string&) {
                           // Left alone, the NVIDIA card is the primary GPU.
                           REQUIRE_MESSAGE(r.exit_code == 0, text(r));
                           CHECK(ordered_json::parse(r.out)["gpu"] == "intel");
                         }};
  table["detect.probe"] = {"\"deep\"",
                           "deep",
                           "\"always\"",
                           "always",
                           [](Fixture& f) {
                             detect_from(f, make_sysroot("virtio-vm-debian"));
                             // Tier 2 runs vulkaninfo from PATH: a stand-in that answers at once.
                             write_text(f.dir / "bin" / "vulkaninfo", "#!/bin/sh\necho 'GPU0: stand-in'\n");
                             ::chmod((f.dir / "bin" / "vulkaninfo").c_str(), 0755);
                             f.options.env["PATH"] = (f.dir / "bin").string();
                           },
                           [](Fixture& f) {
                             return f.tailor({"detect", "--json", "--no-names"});
                           },
                           [](Fixture&, const RunResult& r, const std::string&) {
                             REQUIRE_MESSAGE(r.exit_code == 0, text(r));
                             auto facts = ordered_json::parse(r.out);
                             REQUIRE(facts.contains("deep"));  // only a deep probe reports Tier 2
                             CHECK(facts["deep"].size() == 3);
                           }};
  table["network.api_timeout"] = {"\"1s\"",
                                  "1s",
                                  "\"0s\"",
                                  "30",
                                  [](Fixture& f) {
                                    f.server.add_json("/version.json", R"({"version": "1.0.0"})");
                                    f.server.script("/version.json", {Reply::hold()});  // half an answer, then nothing
                                    prepare_api_recipe(f, f.server.url("/version.json"));
                                  },
                                  [](Fixture& f) {
                                    return f.tailor({"plan", "apitool", "--registry", (f.dir / "registry").string()});
                                  },
                                  [](Fixture& f, const RunResult& r, const std::string&) {
                                    // The lookup gives up after about a second (plan then falls back to 'dev').
                                    CHECK_MESSAGE(r.err.find("timed out after 10") != std::string::npos, text(r));
                                    CHECK(f.elapsed < 10s);
                                  }};
  table["network.stall_timeout"] = {"\"1s\"",
                                    "1s",
                                    "\"99999h\"",
                                    "soon",
                                    [](Fixture& f) {
                                      f.base_toml = "network.retries = 0\n";
                                      f.serve_plan(plain_tool());
                                      f.server.script("/" + plain_tool().file_name(), {Reply::hold()});
                                    },
                                    [](Fixture& f) { return install(f, (f.dir / "hello.json").string()); },
                                    [](Fixture& f, const RunResult& r, const std::string&) {
                                      CHECK_MESSAGE(r.exit_code == 5, text(r));
                                      CHECK_MESSAGE(r.err.find("stalled: no data for 1s") != std::string::npos,
                                                    text(r));
                                      CHECK(f.elapsed < 10s);
                                    }};
  table["network.retries"] = {"1",
                              "1",
                              "11",
                              "many",
                              [](Fixture& f) {
                                f.serve_plan(plain_tool());
                                f.server.script("/" + plain_tool().file_name(),
                                                std::vector<Reply>(6, Reply::status_code(500)));
                              },
                              [](Fixture& f) { return install(f, (f.dir / "hello.json").string()); },
                              [](Fixture& f, const RunResult& r, const std::string&) {
                                CHECK_MESSAGE(r.exit_code == 5, text(r));
                                CHECK(f.server.requests().size() == 2);  // one retry; the default is three
                              }};
  table["network.max_download_size"] = {"\"1KiB\"",
                                        "1KiB",
                                        "\"lots\"",
                                        "-5",
                                        [](Fixture& f) { f.serve_plan(big_download()); },
                                        [](Fixture& f) { return install(f, (f.dir / "hello.json").string()); },
                                        [](Fixture& f, const RunResult& r, const std::string&) {
                                          expect_refused_size(r, "network.max_download_size", f);
                                        }};
  table["fetch.max_bytes"] = {
      "1024",
      "1KiB",
      "\"lots\"",
      "0",
      [](Fixture& f) { f.serve_plan(big_download()); },
      [](Fixture& f) { return install(f, (f.dir / "hello.json").string()); },
      [](Fixture& f, const RunResult& r, const std::string&) { expect_refused_size(r, "fetch.max_bytes", f); }};
  table["network.max_extract_size"] = {
      "\"1KiB\"",
      "1KiB",
      "\"0\"",
      "huge",
      [](Fixture& f) { f.serve_plan(big_unpack()); },
      [](Fixture& f) { return install(f, (f.dir / "hello.json").string()); },
      [](Fixture& f, const RunResult& r, const std::string&) {
        CHECK_MESSAGE(r.exit_code == 10, text(r));
        CHECK_MESSAGE(r.err.find("extraction size limit network.max_extract_size") != std::string::npos, text(r));
        CHECK_FALSE(fs::exists(f.home / "tools" / "hello-1.0.0"));
      }};
  table["fetch.strategy"] = {
      "\"round-robin\"",
      "round-robin",
      "\"random\"",
      "random",
      [](Fixture& f) {
        for (const std::string path : {"/a.bin", "/b.bin"}) {
          f.server.add(path, "bytes of " + path);
          f.second().add(path, "bytes of " + path);
        }
        f.base_toml = f.expand("[[mirrors]]\nprefix = \"{server}/\"\nurl = \"{other}/\"\nname = \"mirror\"\n");
      },
      [](Fixture& f) {
        return f.tailor({"fetch-urls", f.server.url("/a.bin"), f.server.url("/b.bin")});
      },
      [](Fixture& f, const RunResult& r, const std::string&) {
        REQUIRE_MESSAGE(r.exit_code == 0, text(r));
        // Failover would send both to the mirror; round-robin starts each artifact on the next host.
        CHECK(f.server.requests().size() == 1);
        CHECK(f.second().requests().size() == 1);
      }};
  table["mirrors.only"] = {
      "true",
      "true",
      "\"maybe\"",
      "maybe",
      [](Fixture& f) {
        f.server.add("/a.bin", "bytes of /a.bin");
        f.second();  // the mirror, without a copy
        f.base_toml = f.expand("[[mirrors]]\nprefix = \"{server}/\"\nurl = \"{other}/\"\nname = \"mirror\"\n");
      },
      [](Fixture& f) {
        return f.tailor({"fetch-urls", f.server.url("/a.bin")});
      },
      [](Fixture& f, const RunResult& r, const std::string&) {
        // The mirror has no copy, and the original URL is never asked.
        CHECK_MESSAGE(r.exit_code != 0, text(r));
        CHECK(f.server.requests().empty());
        CHECK_MESSAGE(!f.second().requests().empty(), text(r));
      }};
  table["fetch.parallel"] = {
      "1",
      "1",
      "0",
      "65",
      [](Fixture& f) {
        for (const std::string path : {"/a.bin", "/b.bin", "/c.bin"}) {
          f.server.add(path, std::string(4096, 'x'));
          f.server.script(path, {Reply::slow(300ms)});
        }
      },
      [](Fixture& f) {
        return f.tailor({"fetch-urls", f.server.url("/a.bin"), f.server.url("/b.bin"), f.server.url("/c.bin")});
      },
      [](Fixture& f, const RunResult& r, const std::string&) {
        REQUIRE_MESSAGE(r.exit_code == 0, text(r));
        auto requests = f.server.requests();
        REQUIRE(requests.size() == 3);
        // One at a time: each request starts after the previous 300 ms body (all at once by default).
        CHECK(requests[2].time - requests[0].time >= 500ms);
      }};
  table["events.webhook_url"] = {"\"{other}/hook\"",
                                 "{other}/hook",
                                 "\"ftp://127.0.0.1/hook\"",
                                 "http://example.org/hook",
                                 [](Fixture& f) {
                                   prepare_webhook(f);
                                   f.base_toml = "events.webhook_unsigned = true\n";
                                   f.serve_plan(plain_tool());
                                 },
                                 [](Fixture& f) { return install(f, (f.dir / "hello.json").string()); },
                                 [](Fixture& f, const RunResult& r, const std::string&) {
                                   REQUIRE_MESSAGE(r.exit_code == 0, text(r));
                                   CHECK(webhook_posts(f).size() == 1);
                                 }};
  table["events.webhook_secret_env"] = {"\"HOOK_SECRET\"",
                                        "HOOK_SECRET",
                                        "\"not a name\"",
                                        "$HOOK",
                                        [](Fixture& f) {
                                          prepare_webhook(f);
                                          f.base_toml = f.expand("events.webhook_url = \"{other}/hook\"\n");
                                          f.options.env["HOOK_SECRET"] = "s3cret";
                                          f.serve_plan(plain_tool());
                                        },
                                        [](Fixture& f) { return install(f, (f.dir / "hello.json").string()); },
                                        [](Fixture& f, const RunResult& r, const std::string&) {
                                          // Without a secret (and not unsigned) nothing is sent.
                                          REQUIRE_MESSAGE(r.exit_code == 0, text(r));
                                          auto posts = webhook_posts(f);
                                          REQUIRE(posts.size() == 1);
                                          CHECK(posts[0].header("webhook-signature").starts_with("v1,"));
                                        }};
  table["events.webhook_unsigned"] = {"true",
                                      "1",
                                      "\"maybe\"",
                                      "maybe",
                                      [](Fixture& f) {
                                        prepare_webhook(f);
                                        f.base_toml = f.expand("events.webhook_url = \"{other}/hook\"\n");
                                        f.serve_plan(plain_tool());
                                      },
                                      [](Fixture& f) { return install(f, (f.dir / "hello.json").string()); },
                                      [](Fixture& f, const RunResult& r, const std::string&) {
                                        REQUIRE_MESSAGE(r.exit_code == 0, text(r));
                                        auto posts = webhook_posts(f);
                                        REQUIRE(posts.size() == 1);
                                        CHECK(posts[0].header("webhook-signature").empty());
                                      }};
  table["events.hook_timeout"] = {"\"200ms\"",
                                  "200ms",
                                  "\"50ms\"",
                                  "1",
                                  [](Fixture& f) {
                                    write_text(f.home / "hooks" / "slow", "#!/bin/sh\nsleep 20\n");
                                    ::chmod((f.home / "hooks" / "slow").c_str(), 0755);
                                    f.serve_plan(plain_tool());
                                  },
                                  [](Fixture& f) { return install(f, (f.dir / "hello.json").string()); },
                                  [](Fixture& f, const RunResult& r, const std::string&) {
                                    REQUIRE_MESSAGE(r.exit_code == 0, text(r));
                                    CHECK_MESSAGE(r.err.find("did not finish within 200 ms") != std::string::npos,
                                                  text(r));
                                    CHECK(f.elapsed < 8s);  // the default would wait 10 s
                                  }};
  table["secrets.*"] = {"\"token-from-file\"",
                        "token-from-env",
                        "5",
                        "",
                        [](Fixture& f) {
                          prepare_api_recipe(f, "");
                          f.options.env["TAILOR_GITHUB_API"] = f.server.base_url();
                          f.options.unset_env.insert(f.options.unset_env.end(), {"GITHUB_TOKEN", "GH_TOKEN"});
                        },
                        [](Fixture& f) {
                          return f.tailor({"versions", "apitool", "--registry", (f.dir / "registry").string()});
                        },
                        [](Fixture& f, const RunResult& r, const std::string& value) {
                          auto requests = f.server.requests();
                          REQUIRE_MESSAGE(!requests.empty(), text(r));
                          CHECK(requests[0].header("authorization") == "Bearer " + value);
                        }};
  add_registry_rows(table);
  add_security_rows(table);
  add_ecosystem_rows(table);
  return table;
}

std::string file_key(const tailor::config::KeyDef& def) {
  if (def.type == tailor::config::ValueType::secret) return "secrets.github_token";
  // Beside [[mirrors]], mirrors.* keys are quoted top-level keys (docs/config.md).
  if (tailor::config::stored_as_quoted_key(def.name)) return "\"" + std::string(def.name) + "\"";
  return std::string(def.name);
}
// The variable of a key; the row of the secrets family uses github_token's first one.
std::string env_name(const tailor::config::KeyDef& def) {
  return def.type == tailor::config::ValueType::secret ? "GITHUB_TOKEN" : std::string(def.env);
}

}  // namespace

TEST_CASE("every config key takes effect from config.toml and from the environment") {
  const auto table = rows();
  for (const auto& def : tailor::config::key_definitions()) {
    const std::string key(def.name);
    CAPTURE(key);
    auto found = table.find(key);
    REQUIRE_MESSAGE(found != table.end(), "no row for config key " << key << " in tests/cli/test_config_keys.cpp");
    const Row& row = found->second;
    REQUIRE_MESSAGE(!env_name(def).empty(), key << " has no environment variable");
    {
      INFO("set in config.toml");
      Fixture f;
      row.prepare(f);
      f.write_config(file_key(def) + " = " + f.expand(row.file_value) + "\n" + f.base_toml);
      row.expect(f, row.run(f), unquoted(f.expand(row.file_value)));
    }
    {
      INFO("set in the environment");
      Fixture f;
      row.prepare(f);
      f.write_config(f.base_toml);
      f.options.env[env_name(def)] = f.expand(row.env_value);
      row.expect(f, row.run(f), f.expand(row.env_value));
    }
  }
  CHECK(table.size() == tailor::config::key_definitions().size());
}

TEST_CASE("an invalid value of a key fails a command that uses it, before any work") {
  const auto table = rows();
  for (const auto& def : tailor::config::key_definitions()) {
    const std::string key = file_key(def);
    CAPTURE(key);
    auto found = table.find(std::string(def.name));
    REQUIRE(found != table.end());
    const Row& row = found->second;
    {
      INFO("invalid in config.toml");
      Fixture f;
      row.prepare(f);
      f.write_config(key + " = " + f.expand(row.invalid_file) + "\n" + f.base_toml);
      RunResult r = row.run(f);
      CHECK_MESSAGE(r.exit_code == 1, text(r));
      CHECK_MESSAGE(r.err.find((f.home / "config.toml").string() + ":1:") != std::string::npos, text(r));
      CHECK_MESSAGE(r.err.find(unquoted(key)) != std::string::npos, text(r));
      CHECK(f.all_requests().empty());
      CHECK_FALSE(fs::exists(f.home / "state.json"));
    }
    if (!row.invalid_env.empty()) {
      INFO("invalid in the environment");
      Fixture f;
      row.prepare(f);
      f.write_config(f.base_toml);
      f.options.env[env_name(def)] = f.expand(row.invalid_env);
      RunResult r = row.run(f);
      CHECK_MESSAGE(r.exit_code == 2, text(r));
      CHECK_MESSAGE(r.err.find(env_name(def) + ": ") != std::string::npos, text(r));
      CHECK_MESSAGE(r.err.find(unquoted(key)) != std::string::npos, text(r));
      CHECK(f.all_requests().empty());
      CHECK_FALSE(fs::exists(f.home / "state.json"));
    }
  }
}

TEST_CASE("an invalid value of a key a command does not use is one warning") {
  HttpsServer server;
  fs::path home = fresh_dir("keys-warn-home");
  RunOptions options = local_install_env(server, home);
  write_text(home / "config.toml", "[network]\nstall_timeout = \"99999h\"\n");
  ::chmod((home / "config.toml").c_str(), 0600);
  auto detect = run_tailor({"detect", "--json", "--no-names"}, options);
  CHECK_MESSAGE(detect.exit_code == 0, text(detect));
  std::string warning = (home / "config.toml").string() +
                        ":2:17: network.stall_timeout: \"99999h\" is out of range (1s to 10m); ignored, as this "
                        "command does not use network.stall_timeout";
  CHECK_MESSAGE(detect.err.find(warning) != std::string::npos, detect.err);
  CHECK(detect.err.find(warning) == detect.err.rfind(warning));  // said once
  // install uses it: refused before the plan's artifact is requested.
  ToolRelease hello = plain_tool();
  server.add("/" + hello.file_name(), hello.bytes);
  write_text(home.parent_path() / "hello.json", make_tool_plan(hello, server.url("/" + hello.file_name())).dump());
  auto refused = run_tailor({"install", "--plan", (home.parent_path() / "hello.json").string()}, options);
  CHECK(refused.exit_code == 1);
  CHECK(refused.err == "error: " + (home / "config.toml").string() +
                           ":2:17: network.stall_timeout: \"99999h\" is out of range (1s to 10m)\n");
  CHECK(server.requests().empty());
  CHECK_FALSE(fs::exists(home / "tools"));
}
