// A bounded chaos run over one TAILOR_HOME (docs/install.md, "What tailor never loses"):
// installs and removes killed with SIGKILL at random moments, state.json and cached artifacts
// corrupted, installs and removes started at once. After every round each tool that was
// installed and not removed since still runs, and `verify` agrees with `list`.
//
// The run is seeded: TAILOR_CHAOS_SEED=N repeats a failing run; TAILOR_CHAOS_ROUNDS=N runs more.
#include <doctest/doctest.h>

#include <csignal>

#include <chrono>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/archive_builder.hpp"
#include "support/https_server.hpp"
#include "support/install_env.hpp"
#include "support/process.hpp"
#include "support/scratch.hpp"

namespace fs = std::filesystem;
using namespace tailor::test;
using namespace std::chrono_literals;
using nlohmann::ordered_json;

namespace {

// The whole run stops starting rounds after this long, so the suite stays bounded on a slow machine.
constexpr auto k_budget = 45s;
const std::vector<std::string> k_pause_points = {"before_extract", "during_extract", "before_rename", "before_state"};

unsigned env_number(const char* name, unsigned fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? static_cast<unsigned>(std::strtoul(value, nullptr, 10)) : fallback;
}

std::string combined(const RunResult& r) { return "exit " + std::to_string(r.exit_code) + "\n" + r.out + r.err; }

class Chaos {
 public:
  explicit Chaos(unsigned seed) : m_random(seed), m_options(local_install_env(m_server, m_home)) {
    m_options.timeout_seconds = 60;
    m_options.unset_env = {"TAILOR_LOCK_TOKEN"};
    for (const auto& [tool, version] : std::vector<std::pair<std::string, std::string>>{
             {"alpha", "1.0.0"}, {"alpha", "2.0.0"}, {"bravo", "1.0.0"}, {"charlie", "1.0.0"}}) {
      ToolRelease release = make_tool_release(tool, version);
      std::string path = "/" + release.file_name();
      m_server.add(path, release.bytes);
      fs::path plan = m_dir / (tool + "-" + version + ".json");
      write_text(plan, make_tool_plan(release, m_server.url(path)).dump(2));
      m_plans.push_back({tool, plan});
      m_plan_versions[plan] = tool + "-" + version;
    }
  }

  // One random disturbance, then one ordinary install (which, like any mutating command,
  // first recovers what the disturbance left), then the invariants.
  void round() {
    switch (pick(6)) {
    case 0: killed_at_pause_point(); break;
    case 1: killed_after_delay({"install", "--plan", any_plan().second.string()}); break;
    case 2: killed_after_delay({"remove", any_tool()}); break;
    case 3: corrupt_state(); break;
    case 4: corrupt_cache(); break;
    default: concurrent(); break;
    }
    auto [tool, plan] = any_plan();
    RunResult r = tailor({"install", "--plan", plan.string(), "--lock-timeout", "30"});
    INFO(m_log << combined(r));
    REQUIRE(r.exit_code == 0);
    m_must.insert(tool);
    check_invariants();
  }

  const std::string& log() const { return m_log; }

 private:
  unsigned pick(unsigned n) { return std::uniform_int_distribution<unsigned>(0, n - 1)(m_random); }
  const std::pair<std::string, fs::path>& any_plan() { return m_plans[pick(static_cast<unsigned>(m_plans.size()))]; }
  std::string any_tool() { return std::vector<std::string>{"alpha", "bravo", "charlie"}[pick(3)]; }

  RunResult tailor(const std::vector<std::string>& args) {
    m_log += "$ tailor";
    for (const auto& a : args) m_log += " " + a;
    m_log += "\n";
    return run_tailor(args, m_options);
  }

  // An install stopped with SIGKILL at a named point of the install flow.
  void killed_at_pause_point() {
    auto [tool, plan] = any_plan();
    if (m_installed.contains(m_plan_versions[plan])) {
      // An install of a version already installed skips the flow and never pauses.
      RunResult removed = tailor({"remove", tool, "--lock-timeout", "30"});
      REQUIRE_MESSAGE(removed.exit_code == 0, m_log << combined(removed));
    }
    const std::string& point = k_pause_points[pick(static_cast<unsigned>(k_pause_points.size()))];
    fs::path marker = m_dir / ("paused-" + std::to_string(m_kills++));
    RunOptions paused = m_options;
    paused.env["TAILOR_TEST_PAUSE_AT"] = point;
    paused.env["TAILOR_TEST_PAUSE_MARKER"] = marker.string();
    m_log += "$ tailor install --plan " + plan.string() + "  # killed at " + point + "\n";
    Child child = spawn_tailor({"install", "--plan", plan.string(), "--lock-timeout", "30"}, paused);
    for (int i = 0; i < 600 && !fs::exists(marker); ++i) std::this_thread::sleep_for(10ms);
    CHECK_MESSAGE(fs::exists(marker), m_log << "never reached " << point);
    ::kill(child.pid, SIGKILL);
    child.wait();
    m_must.erase(tool);  // removed above, or replaced by a version that may not have committed
  }

  // A command killed after a random delay: anywhere from start-up to its last write.
  void killed_after_delay(const std::vector<std::string>& args) {
    auto delay = std::chrono::milliseconds(pick(150));
    m_log += "$ tailor";
    for (const auto& a : args) m_log += " " + a;
    m_log += "  # killed after " + std::to_string(delay.count()) + " ms\n";
    Child child = spawn_tailor(args, m_options);
    std::this_thread::sleep_for(delay);
    ::kill(child.pid, SIGKILL);
    child.wait();
    if (args[0] == "remove") m_must.erase(args[1]);  // it may have been removed
  }

  // A damaged state.json is refused by every command and deletes nothing; `tailor state
  // rebuild` brings the record back from the receipts in the tool directories.
  void corrupt_state() {
    if (!fs::exists(m_home / "state.json")) return;
    const std::vector<std::string> damage = {
        "{}", "{\"instaled\": {}}", "{\"installed\": null}", "[]", "", read_text(m_home / "state.json").substr(0, 40)};
    const std::string& bad = damage[pick(static_cast<unsigned>(damage.size()))];
    m_log += "# state.json := " + bad + "\n";
    write_text(m_home / "state.json", bad);
    auto dirs_before = tool_dirs();
    RunResult listed = tailor({"list"});
    CHECK_MESSAGE(listed.exit_code != 0, m_log << combined(listed));
    auto [tool, plan] = any_plan();
    RunResult refused = tailor({"install", "--plan", plan.string(), "--lock-timeout", "30"});
    CHECK_MESSAGE(refused.exit_code != 0, m_log << combined(refused));
    CHECK_MESSAGE(tool_dirs() == dirs_before, m_log);
    RunResult rebuilt = tailor({"state", "rebuild"});
    REQUIRE_MESSAGE(rebuilt.exit_code == 0, m_log << combined(rebuilt));
  }

  // A damaged artifact in the download cache is fetched again, never installed.
  void corrupt_cache() {
    std::error_code ec;
    int damaged = 0;
    for (const auto& entry : fs::recursive_directory_iterator(m_home / "cache" / "downloads", ec)) {
      if (!entry.is_regular_file() || entry.path().filename().string().front() == '.') continue;
      std::string bytes = read_text(entry.path());
      if (bytes.empty()) continue;
      bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x5a);
      write_text(entry.path(), bytes);
      ++damaged;
    }
    m_log += "# damaged " + std::to_string(damaged) + " cached artifacts\n";
    // Removing a tool makes the next install of it read the damaged cache.
    std::string tool = any_tool();
    if (m_must.contains(tool)) {
      RunResult removed = tailor({"remove", tool, "--lock-timeout", "30"});
      REQUIRE_MESSAGE(removed.exit_code == 0, m_log << combined(removed));
      m_must.erase(tool);
    }
  }

  // Two installs and a remove started together serialize on the install lock.
  void concurrent() {
    auto [first_tool, first_plan] = any_plan();
    auto [second_tool, second_plan] = any_plan();
    std::vector<Child> children;
    m_log += "# at once: install " + first_tool + ", install " + second_tool;
    children.push_back(spawn_tailor({"install", "--plan", first_plan.string(), "--lock-timeout", "30"}, m_options));
    children.push_back(spawn_tailor({"install", "--plan", second_plan.string(), "--lock-timeout", "30"}, m_options));
    std::string removed;
    for (const auto& tool : m_must) {
      if (tool != first_tool && tool != second_tool) removed = tool;
    }
    if (!removed.empty()) {
      m_log += ", remove " + removed;
      children.push_back(spawn_tailor({"remove", removed, "--lock-timeout", "30"}, m_options));
    }
    m_log += "\n";
    for (auto& child : children) {
      RunResult r = child.wait();
      CHECK_MESSAGE(r.exit_code == 0, m_log << combined(r));
    }
    m_must.insert(first_tool);
    m_must.insert(second_tool);
    m_must.erase(removed);
  }

  // What the home holds, for failure messages: every path below tools/ and bin/, links with their targets.
  std::string describe_home() const {
    std::string text = "home:\n";
    std::error_code ec;
    for (const char* top : {"tools", "bin"}) {
      for (auto it = fs::recursive_directory_iterator(m_home / top, ec); it != fs::recursive_directory_iterator();
           it.increment(ec)) {
        text += "  " + it->path().lexically_relative(m_home).string();
        if (it->is_symlink()) text += " -> " + fs::read_symlink(it->path(), ec).string();
        text += "\n";
      }
    }
    return text;
  }

  std::set<std::string> tool_dirs() const {
    std::set<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(m_home / "tools", ec)) names.insert(entry.path().filename());
    return names;
  }

  // Every tool that must be installed is listed; every active listed version runs and
  // prints its own name and version; verify agrees.
  void check_invariants() {
    RunResult listed = tailor({"list", "--json"});
    REQUIRE_MESSAGE(listed.exit_code == 0, m_log << combined(listed));
    std::map<std::string, std::string> active;
    m_installed.clear();
    const ordered_json listing = ordered_json::parse(listed.out);
    for (const auto& item : listing["tools"]) {
      m_installed.insert(item["name"].get<std::string>() + "-" + item["version"].get<std::string>());
      if (item["active"].get<bool>()) active[item["name"].get<std::string>()] = item["version"].get<std::string>();
    }
    for (const auto& tool : m_must)
      CHECK_MESSAGE(active.contains(tool), m_log << "lost: " << tool << "\nlisted: " << listed.out);
    for (const auto& [tool, version] : active) {
      RunResult ran = run({(m_home / "bin" / tool).string()});
      CHECK_MESSAGE(ran.out == tool + " " + version + "\n", m_log << tool << ": " << combined(ran));
    }
    RunResult verified = tailor({"verify"});
    CHECK_MESSAGE(verified.exit_code == 0, m_log << combined(verified) << describe_home());
    // What is listed now is what later rounds must keep.
    m_must.clear();
    for (const auto& [tool, version] : active) m_must.insert(tool);
  }

  std::mt19937 m_random;
  HttpsServer m_server;
  fs::path m_home = fresh_dir("chaos-home");
  fs::path m_dir = fresh_dir("chaos-work");
  RunOptions m_options;
  std::vector<std::pair<std::string, fs::path>> m_plans;
  std::set<std::string> m_must;
  std::map<fs::path, std::string> m_plan_versions;  // plan -> "<tool>-<version>"
  std::set<std::string> m_installed;                // "<tool>-<version>" as last listed
  std::string m_log;
  int m_kills = 0;
};

}  // namespace

TEST_CASE("chaos: kills, corrupted files and concurrent commands never lose an installed tool") {
  const unsigned seed = env_number("TAILOR_CHAOS_SEED", 20261204);
  const unsigned rounds = env_number("TAILOR_CHAOS_ROUNDS", 60);
  MESSAGE("chaos seed " << seed << " (TAILOR_CHAOS_SEED), " << rounds << " rounds");
  Chaos chaos(seed);
  auto deadline = std::chrono::steady_clock::now() + k_budget;
  unsigned done = 0;
  for (; done < rounds && std::chrono::steady_clock::now() < deadline; ++done) {
    CAPTURE(done);
    chaos.round();
  }
  MESSAGE("chaos rounds run: " << done);
  CHECK(done >= rounds / 2);  // a run that got through too few rounds checked too little
}
