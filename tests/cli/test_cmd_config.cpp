#include <doctest/doctest.h>

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "support/process.hpp"
#include "support/scratch.hpp"

using namespace tailor::test;
namespace fs = std::filesystem;

namespace {

RunOptions in_home(const fs::path& home) {
  RunOptions options;
  options.env["TAILOR_HOME"] = home.string();
  options.unset_env = {"TAILOR_BACKEND", "GITHUB_TOKEN", "GH_TOKEN"};
  return options;
}

}  // namespace

TEST_CASE("tailor config") {
  fs::path home = fresh_dir("config-cli");
  auto options = in_home(home);

  SUBCASE("set, get, list and unset round trip; the file is 0600") {
    auto set = run_tailor({"config", "set", "llm.backend", "vulkan"}, options);
    CHECK(set.exit_code == 0);
    CHECK(set.out == "llm.backend = vulkan\n");
    struct stat info {};
    REQUIRE(::stat((home / "config.toml").c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    CHECK(run_tailor({"config", "get", "llm.backend"}, options).out == "vulkan\n");
    auto list = run_tailor({"config", "list"}, options);
    CHECK(list.exit_code == 0);
    CHECK(list.out.find("llm.backend                  vulkan       file\n") != std::string::npos);
    CHECK(list.out.find("network.api_timeout          30s          default\n") != std::string::npos);
    CHECK(run_tailor({"config"}, options).out == list.out);
    CHECK(run_tailor({"config", "unset", "llm.backend"}, options).exit_code == 0);
    CHECK(run_tailor({"config", "get", "llm.backend"}, options).out == "auto\n");
  }
  SUBCASE("the environment wins and is named as the origin") {
    REQUIRE(run_tailor({"config", "set", "llm.backend", "vulkan"}, options).exit_code == 0);
    RunOptions env = options;
    env.env["TAILOR_BACKEND"] = "cpu";
    auto json = nlohmann::json::parse(run_tailor({"config", "get", "llm.backend", "--json"}, env).out);
    CHECK(json["value"] == "cpu");
    CHECK(json["origin"] == "env");
    CHECK(json["env"] == "TAILOR_BACKEND");
    auto list = nlohmann::json::parse(run_tailor({"config", "list", "--json"}, env).out);
    CHECK(list["settings"][0]["key"] == "llm.backend");
    CHECK(list["settings"][0]["origin"] == "env");
  }
  SUBCASE("invalid values and unknown keys: exit 2 with suggestions") {
    auto bad = run_tailor({"config", "set", "llm.backend", "cudaa"}, options);
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("did you mean 'cuda'?") != std::string::npos);
    CHECK(bad.err.find("auto, cpu, cuda, rocm, sycl, vulkan, metal") != std::string::npos);
    auto unknown = run_tailor({"config", "get", "llm.backnd"}, options);
    CHECK(unknown.exit_code == 2);
    CHECK(unknown.err.find("did you mean 'llm.backend'?") != std::string::npos);
    CHECK(unknown.err.find("known keys: llm.backend, gpu.device") != std::string::npos);
    CHECK(run_tailor({"config", "set", "network.retries", "42"}, options).exit_code == 2);
    CHECK_FALSE(fs::exists(home / "config.toml"));
  }
  SUBCASE("secrets come from stdin only and are never printed") {
    auto positional = run_tailor({"config", "set", "secrets.github_token", "ghp_leak"}, options);
    CHECK(positional.exit_code == 2);
    CHECK_FALSE(fs::exists(home / "config.toml"));
    RunOptions with_stdin = options;
    with_stdin.stdin_text = "ghp_from_stdin\r\n";
    auto set = run_tailor({"config", "set", "secrets.github_token"}, with_stdin);
    CHECK(set.exit_code == 0);
    CHECK(set.out.find("ghp_from_stdin") == std::string::npos);
    CHECK(read_text(home / "config.toml").find("github_token = 'ghp_from_stdin'") != std::string::npos);
    auto get = run_tailor({"config", "get", "secrets.github_token"}, options);
    CHECK(get.out == "(set)\n");
    CHECK(run_tailor({"config", "list"}, options).out.find("ghp_from_stdin") == std::string::npos);
    CHECK(run_tailor({"config", "get", "secrets.other"}, options).out == "(not set)\n");
    RunOptions empty = options;
    empty.stdin_text = "\n";
    CHECK(run_tailor({"config", "set", "secrets.other"}, empty).exit_code == 2);
  }
  SUBCASE("unknown keys and tables in the file survive a set") {
    write_text(home / "config.toml",
               "[[mirrors]]\nprefix = \"https://github.com/\"\nurl = \"https://m/gh/\"\n"
               "[custom]\nkeep = true\n");
    ::chmod((home / "config.toml").c_str(), 0600);
    REQUIRE(run_tailor({"config", "set", "fetch.strategy", "least-busy"}, options).exit_code == 0);
    std::string text = read_text(home / "config.toml");
    CHECK(text.find("[[mirrors]]") != std::string::npos);
    CHECK(text.find("url = 'https://m/gh/'") != std::string::npos);
    CHECK(text.find("keep = true") != std::string::npos);
    CHECK(text.find("strategy = 'least-busy'") != std::string::npos);
  }
  SUBCASE("a parse error fails with file, line and column") {
    write_text(home / "config.toml", "[llm]\nbackend = \n");
    auto result = run_tailor({"config", "get", "llm.backend"}, options);
    CHECK(result.exit_code == 1);
    CHECK(result.err.find("config.toml:2:") != std::string::npos);
  }
  SUBCASE("set and unset write through a symlinked config.toml; the link stays a link") {
    fs::path dotfiles = fresh_dir("dotfiles");
    write_text(dotfiles / "tailor.toml", "[llm]\nbackend = \"cpu\"\n");
    ::chmod((dotfiles / "tailor.toml").c_str(), 0600);
    fs::create_directories(home);
    fs::path relative = fs::relative(dotfiles / "tailor.toml", home);  // a relative link, as dotfile managers make
    fs::create_symlink(relative, home / "config.toml");
    auto set = run_tailor({"config", "set", "network.retries", "5"}, options);
    CHECK_MESSAGE(set.exit_code == 0, set.err);
    CHECK(fs::is_symlink(home / "config.toml"));
    CHECK(fs::read_symlink(home / "config.toml") == relative);
    std::string text = read_text(dotfiles / "tailor.toml");
    CHECK(text.find("retries = 5") != std::string::npos);
    CHECK(text.find("backend = 'cpu'") != std::string::npos);
    CHECK(run_tailor({"config", "get", "network.retries"}, options).out == "5\n");
    REQUIRE(run_tailor({"config", "unset", "llm.backend"}, options).exit_code == 0);
    CHECK(fs::is_symlink(home / "config.toml"));
    CHECK(read_text(dotfiles / "tailor.toml").find("backend") == std::string::npos);
    // No temporary file is left beside the link or the file.
    CHECK(std::distance(fs::directory_iterator(home), fs::directory_iterator()) == 1);
    CHECK(std::distance(fs::directory_iterator(dotfiles), fs::directory_iterator()) == 1);
  }
  SUBCASE("set repairs a file whose other keys are invalid") {
    write_text(home / "config.toml", "[network]\nstall_timeout = \"99999h\"\n");
    ::chmod((home / "config.toml").c_str(), 0600);
    CHECK(run_tailor({"config", "list"}, options).exit_code == 1);
    auto set = run_tailor({"config", "set", "llm.backend", "cpu"}, options);
    CHECK_MESSAGE(set.exit_code == 0, set.err);
    CHECK(run_tailor({"config", "set", "network.stall_timeout", "90s"}, options).exit_code == 0);
    CHECK(run_tailor({"config", "get", "network.stall_timeout"}, options).out == "90s\n");
  }
  SUBCASE("a config readable by others draws a warning") {
    write_text(home / "config.toml", "[llm]\nbackend = \"cpu\"\n");
    ::chmod((home / "config.toml").c_str(), 0644);
    auto result = run_tailor({"config", "get", "llm.backend"}, options);
    CHECK(result.exit_code == 0);
    CHECK(result.err.find("chmod 600") != std::string::npos);
  }
}
