#include "support/install_env.hpp"

#include "support/archive_builder.hpp"
#include "support/scratch.hpp"

namespace tailor::test {

RunOptions local_install_env(const HttpsServer& server, const std::filesystem::path& home) {
  std::filesystem::path dir = fresh_dir("install-env");
  std::filesystem::create_directories(dir / "sysroot");
  write_text(dir / "facts.json", R"({"facts_version": 1, "os": "linux", "arch": "amd64", "gpu": "none"})");
  RunOptions options;
  options.env = {{"TAILOR_HOME", home.string()},
                 {"TAILOR_CA_BUNDLE", server.ca_file().string()},
                 {"TAILOR_SYSROOT", (dir / "sysroot").string()},
                 {"TAILOR_FACTS", (dir / "facts.json").string()},
                 {"CI", "1"}};
  return options;
}

std::filesystem::path ServedHome::plan(const std::string& tool, const std::string& version) const {
  ToolRelease release = make_tool_release(tool, version);
  server.add("/" + release.file_name(), release.bytes);
  std::filesystem::path file = dir / (tool + "-" + version + ".json");
  write_text(file, make_tool_plan(release, server.url("/" + release.file_name())).dump(2));
  return file;
}

RunResult ServedHome::install(const std::filesystem::path& plan) const {
  return run_tailor({"install", "--plan", plan.string()}, options);
}

RunResult ServedHome::tailor(const std::vector<std::string>& args) const { return run_tailor(args, options); }

}  // namespace tailor::test
