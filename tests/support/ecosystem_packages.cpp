#include "support/ecosystem_packages.hpp"

#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/archive_builder.hpp"
#include "support/process.hpp"
#include "support/scratch.hpp"

namespace tailor::test {
namespace fs = std::filesystem;
using nlohmann::ordered_json;
namespace {

std::string digest_base64(const std::string& bytes, const EVP_MD* md, bool url_safe) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, md, nullptr);
  std::string out(4 * ((length + 2) / 3) + 1, '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), digest, static_cast<int>(length));
  out.resize(static_cast<size_t>(written));
  if (url_safe) {
    for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
    while (!out.empty() && out.back() == '=') out.pop_back();
  }
  return out;
}

std::string sha256_raw_base64(const std::string& bytes) { return digest_base64(bytes, EVP_sha256(), false); }

// Go's dirhash "h1:": SHA-256 over the sorted lines "<sha256 hex>  <name>\n".
std::string go_h1(std::vector<std::pair<std::string, std::string>> files) {
  std::sort(files.begin(), files.end());
  std::string summary;
  for (const auto& [name, content] : files) summary += sha256_hex(content) + "  " + name + "\n";
  return "h1:" + sha256_raw_base64(summary);
}

std::string fmt_hex(unsigned char byte) {
  const char* digits = "0123456789abcdef";
  return {digits[byte >> 4], digits[byte & 15]};
}

std::string source(const std::string& path) { return read_text(fs::path(TAILOR_TESTDATA) / "ecosystem" / path); }

}  // namespace

bool system_toolchain_has(std::initializer_list<const char*> programs) {
  for (const char* program : programs) {
    if (::access((std::string("/usr/bin/") + program).c_str(), X_OK) != 0 &&
        ::access((std::string("/bin/") + program).c_str(), X_OK) != 0)
      return false;
  }
  return true;
}

std::string npm_integrity(const std::string& bytes) { return "sha512-" + digest_base64(bytes, EVP_sha512(), false); }

std::string tiny_hello_tarball() {
  return build_archive_bytes("tar.gz", {file_entry("package/package.json", source("npm/tiny-hello/package.json")),
                                        file_entry("package/cli.js", source("npm/tiny-hello/cli.js"), 0755)});
}

std::string tiny_hello_lock(const std::string& integrity) {
  ordered_json entry = {{"version", "1.0.0"},
                        {"resolved", "https://registry.npmjs.org/tiny-hello/-/tiny-hello-1.0.0.tgz"},
                        {"license", "MIT"},
                        {"bin", {{"tiny-hello", "cli.js"}}}};
  if (!integrity.empty()) entry["integrity"] = integrity;
  ordered_json lock = {
      {"name", "tailor-npm-install"},
      {"version", "0.0.0"},
      {"lockfileVersion", 3},
      {"requires", true},
      {"packages",
       {{"", {{"name", "tailor-npm-install"}, {"version", "0.0.0"}, {"dependencies", {{"tiny-hello", "1.0.0"}}}}},
        {"node_modules/tiny-hello", entry}}}};
  return lock.dump(2);
}

void serve_npm_registry(HttpsServer& server, const std::string& tarball) {
  server.add("/tiny-hello/-/tiny-hello-1.0.0.tgz", tarball);
  ordered_json document = {
      {"name", "tiny-hello"},
      {"dist-tags", {{"latest", "1.0.0"}}},
      {"versions",
       {{"1.0.0",
         {{"name", "tiny-hello"},
          {"version", "1.0.0"},
          {"bin", {{"tiny-hello", "cli.js"}}},
          {"dist",
           {{"tarball", server.url("/tiny-hello/-/tiny-hello-1.0.0.tgz")}, {"integrity", npm_integrity(tarball)}}}}}}}};
  server.add_json("/tiny-hello", document.dump());
}

Wheel tiny_snake_wheel() {
  const std::string info = "tiny_snake-1.0.0.dist-info/";
  std::vector<std::pair<std::string, std::string>> files = {
      {"tiny_snake/__init__.py", source("pypi/tiny_snake/__init__.py")},
      {info + "METADATA", "Metadata-Version: 2.1\nName: tiny-snake\nVersion: 1.0.0\nSummary: A tiny test package\n"},
      {info + "WHEEL", "Wheel-Version: 1.0\nGenerator: tailor-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"},
      {info + "entry_points.txt", "[console_scripts]\ntiny-snake = tiny_snake:main\n"}};
  std::string record;
  std::vector<ArchiveEntry> entries;
  for (const auto& [path, content] : files) {
    record +=
        path + ",sha256=" + digest_base64(content, EVP_sha256(), true) + "," + std::to_string(content.size()) + "\n";
    entries.push_back(file_entry(path, content));
  }
  entries.push_back(file_entry(info + "RECORD", record + info + "RECORD,,\n"));
  Wheel wheel;
  wheel.name = "tiny_snake-1.0.0-py3-none-any.whl";
  wheel.bytes = build_archive_bytes("zip", entries);
  wheel.sha256 = sha256_hex(wheel.bytes);
  return wheel;
}

void serve_pypi_index(HttpsServer& server, const Wheel& wheel) {
  server.add("/files/" + wheel.name, wheel.bytes);
  server.add("/simple/tiny-snake/",
             "<!DOCTYPE html><html><body><a href=\"/files/" + wheel.name + "#sha256=" + wheel.sha256 + "\">" +
                 wheel.name + "</a></body></html>\n",
             "text/html");
}

GoModule tiny_go_module() {
  const std::string prefix = "example.com/tiny-go@v1.0.0/";
  GoModule module;
  module.mod = source("go/tiny-go/go.mod");
  std::vector<std::pair<std::string, std::string>> files = {{prefix + "go.mod", module.mod},
                                                            {prefix + "main.go", source("go/tiny-go/main.go")}};
  std::vector<ArchiveEntry> entries;
  for (const auto& [name, content] : files) entries.push_back(file_entry(name, content));
  module.zip = build_archive_bytes("zip", entries);
  module.go_sum = "example.com/tiny-go v1.0.0 " + go_h1(files) + "\nexample.com/tiny-go v1.0.0/go.mod " +
                  go_h1({{"go.mod", module.mod}}) + "\n";
  return module;
}

void serve_goproxy(HttpsServer& server, const GoModule& module) {
  const std::string base = "/example.com/tiny-go/@v/";
  server.add(base + "list", "v1.0.0\n", "text/plain");
  server.add_json(base + "v1.0.0.info", R"({"Version": "v1.0.0", "Time": "2024-01-01T00:00:00Z"})");
  server.add(base + "v1.0.0.mod", module.mod, "text/plain");
  server.add(base + "v1.0.0.zip", module.zip, "application/zip");
}

std::string tiny_rs_lock() {
  return "# This file is automatically @generated by Cargo.\n# It is not intended for manual editing.\nversion = 3\n\n"
         "[[package]]\nname = \"tiny-rs\"\nversion = \"1.0.0\"\n";
}

std::string tiny_rs_crate() {
  const std::string top = "tiny-rs-1.0.0/";
  return build_archive_bytes("tar.gz", {file_entry(top + "Cargo.toml", source("crates/tiny-rs/Cargo.toml")),
                                        file_entry(top + "Cargo.lock", tiny_rs_lock()),
                                        file_entry(top + "src/main.rs", source("crates/tiny-rs/src/main.rs"))});
}

void serve_crates(HttpsServer& server, const std::string& crate) {
  server.add("/api/v1/crates/tiny-rs/1.0.0/download", crate);
}

namespace {

IndexedCrate pack_crate(const std::string& name, std::vector<std::string> dependencies,
                        const std::vector<std::string>& files) {
  std::vector<ArchiveEntry> entries;
  for (const auto& file : files) {
    entries.push_back(file_entry(name + "-1.0.0/" + file, source("crates/" + name + "/" + file)));
  }
  return {name, build_archive_bytes("tar.gz", entries), std::move(dependencies)};
}

}  // namespace

IndexedCrate tiny_rs_greeting_crate() { return pack_crate("tiny-rs-greeting", {}, {"Cargo.toml", "src/lib.rs"}); }

IndexedCrate tiny_rs_hello_crate() {
  return pack_crate("tiny-rs-hello", {"tiny-rs-greeting"}, {"Cargo.toml", "src/main.rs"});
}

std::string serve_crates_index(HttpsServer& server, const std::vector<IndexedCrate>& crates) {
  fs::path repo = fresh_dir("crates-index");
  write_text(repo / "config.json", ordered_json{{"dl", server.url("/api/v1/crates")}}.dump() + "\n");
  for (const auto& crate : crates) {
    server.add("/api/v1/crates/" + crate.name + "/1.0.0/download", crate.bytes);
    ordered_json deps = ordered_json::array();
    for (const auto& dependency : crate.dependencies) {
      deps.push_back({{"name", dependency},
                      {"req", "^1"},
                      {"features", ordered_json::array()},
                      {"optional", false},
                      {"default_features", true},
                      {"target", nullptr},
                      {"kind", "normal"}});
    }
    ordered_json line = {{"name", crate.name},
                         {"vers", "1.0.0"},
                         {"deps", deps},
                         {"cksum", sha256_hex(crate.bytes)},
                         {"features", ordered_json::object()},
                         {"yanked", false}};
    // The index path of a name of four or more characters: its first two, its next two.
    fs::path file = repo / crate.name.substr(0, 2) / crate.name.substr(2, 2) / crate.name;
    fs::create_directories(file.parent_path());
    write_text(file, line.dump() + "\n");
  }
  RunOptions options;
  options.cwd = repo.string();
  options.env = {{"HOME", repo.string()}, {"GIT_CONFIG_NOSYSTEM", "1"}};
  for (std::vector<std::string> argv :
       {std::vector<std::string>{"init", "-q"},
        {"add", "-A"},
        {"-c", "user.name=tailor tests", "-c", "user.email=tests@example.invalid", "commit", "-q", "-m", "crates"},
        {"update-server-info"}}) {
    argv.insert(argv.begin(), "/usr/bin/git");
    RunResult ran = run(argv, options);
    if (ran.exit_code != 0) throw std::runtime_error("git " + argv[1] + " failed: " + ran.out + ran.err);
  }
  // The dumb protocol reads info/refs, HEAD and the objects as plain files.
  for (const auto& entry : fs::recursive_directory_iterator(repo / ".git")) {
    if (!entry.is_regular_file()) continue;
    server.add_file("/index/" + fs::relative(entry.path(), repo / ".git").string(), entry.path());
  }
  return server.url("/index");
}

namespace {

// `name`-1.0.0.gem built by the system `gem build` from testdata/ecosystem/gems/<name>.
std::string build_gem(const std::string& name) {
  fs::path dir = fresh_dir(name + "-gem");
  fs::copy(fs::path(TAILOR_TESTDATA) / "ecosystem" / "gems" / name, dir, fs::copy_options::recursive);
  RunOptions options;
  options.cwd = dir.string();
  options.env = {{"HOME", dir.string()}, {"SOURCE_DATE_EPOCH", "315532800"}};
  RunResult built = run({"/usr/bin/gem", "build", name + ".gemspec"}, options);
  if (built.exit_code != 0) throw std::runtime_error("gem build failed: " + built.out + built.err);
  return read_text(dir / (name + "-1.0.0.gem"));
}

}  // namespace

std::string tiny_rb_gem() {
  static const std::string gem = build_gem("tiny-rb");
  return gem;
}

std::string tiny_rb_hello_gem() {
  static const std::string gem = build_gem("tiny-rb-hello");
  return gem;
}

std::string tiny_rb_lock(const std::string& sha256) {
  return "GEM\n  remote: https://rubygems.org/\n  specs:\n    tiny-rb (1.0.0)\n\nPLATFORMS\n  ruby\n\n"
         "DEPENDENCIES\n  tiny-rb (= 1.0.0)\n\nCHECKSUMS\n  tiny-rb (1.0.0) sha256=" +
         sha256 + "\n\nBUNDLED WITH\n   2.5.3\n";
}

void serve_rubygems(HttpsServer& server, const std::string& gem) { server.add("/gems/tiny-rb-1.0.0.gem", gem); }

void serve_gem_index(HttpsServer& server, const std::vector<IndexedGem>& gems) {
  std::string versions = "created_at: 2024-01-01T00:00:00Z\n---\n";
  for (const auto& gem : gems) {
    server.add("/gems/" + gem.name + "-1.0.0.gem", gem.bytes);
    const std::string info = "---\n1.0.0 " + gem.dependencies + "|checksum:" + sha256_hex(gem.bytes) + "\n";
    server.add("/info/" + gem.name, info, "text/plain");
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(info.data(), info.size(), digest, &length, EVP_md5(), nullptr);
    std::string md5;
    for (unsigned int i = 0; i < length; ++i) md5 += fmt_hex(digest[i]);
    versions += gem.name + " 1.0.0 " + md5 + "\n";
  }
  server.add("/", "", "text/plain");
  server.add("/versions", versions, "text/plain");
}

std::string system_toolchain_recipe(const std::string& tool, const std::string& step,
                                    const std::string& verify_pattern) {
  return "[metadata]\nname = \"" + tool + "\"\ndescription = \"A tiny ecosystem package\"\n\n[version]\n" +
         "github_repo = \"test/" + tool + "\"\n\n[[steps]]\n" + step + "toolchain = \"system\"\ndependencies = []\n\n" +
         "[verify]\ncommand = \"" + tool + "\"\npattern = \"" + verify_pattern + "\"\n";
}

void serve_tool_tags(HttpsServer& server, const std::string& tool) {
  server.add_json("/repos/test/" + tool + "/tags", R"([{"name": "v1.0.0"}])");
}

std::string tiny_hello_recipe(const std::string& integrity) {
  return system_toolchain_recipe("tiny-hello",
                                 "action = \"npm_exec\"\npackage = \"tiny-hello\"\nversion = \"{version}\"\n"
                                 "executables = [\"tiny-hello\"]\npackage_lock = '''\n" +
                                     tiny_hello_lock(integrity) + "\n'''\n",
                                 "tiny-hello {version} from npm");
}

std::string tiny_snake_recipe(const std::string& sha256) {
  return system_toolchain_recipe("tiny-snake",
                                 "action = \"pip_exec\"\npackage = \"tiny-snake\"\nversion = \"{version}\"\n"
                                 "executables = [\"tiny-snake\"]\nlocked_requirements = '''\ntiny-snake==1.0.0 \\\n"
                                 "    --hash=sha256:" +
                                     sha256 + "\n'''\n",
                                 "tiny-snake {version} from pypi");
}

std::string tiny_go_recipe(const std::string& go_sum) {
  return system_toolchain_recipe("tiny-go",
                                 "action = \"go_build\"\nmodule = \"example.com/tiny-go\"\nversion = \"v{version}\"\n"
                                 "executables = [\"tiny-go\"]\ngo_sum = '''\n" +
                                     go_sum + "'''\n",
                                 "tiny-go {version} from goproxy");
}

std::string tiny_rs_recipe(const std::string& crate_sha256) {
  return system_toolchain_recipe("tiny-rs",
                                 "action = \"cargo_build\"\ncrate = \"tiny-rs\"\nversion = \"{version}\"\n"
                                 "crate_checksum = \"" +
                                     crate_sha256 + "\"\nexecutables = [\"tiny-rs\"]\ncargo_lock = '''\n" +
                                     tiny_rs_lock() + "'''\n",
                                 "tiny-rs {version} from crates");
}

std::string tiny_rb_recipe(const std::string& sha256) {
  return system_toolchain_recipe("tiny-rb",
                                 "action = \"gem_exec\"\ngem = \"tiny-rb\"\nversion = \"{version}\"\n"
                                 "executables = [\"tiny-rb\"]\ngemfile_lock = '''\n" +
                                     tiny_rb_lock(sha256) + "'''\n",
                                 "tiny-rb {version} from rubygems");
}

}  // namespace tailor::test
