#pragma once
// Tiny ecosystem packages packed at test time from testdata/ecosystem, the registries that
// serve them, and recipes that install them with the distribution's toolchain
// (docs/install.md, "Ecosystem installs").
#include <initializer_list>
#include <string>
#include <vector>

#include "support/https_server.hpp"

namespace tailor::test {

// True when every program is in /usr/bin or /bin (what toolchain = "system" uses).
bool system_toolchain_has(std::initializer_list<const char*> programs);

// "sha512-<base64>" of `bytes`, as package-lock's integrity writes it.
std::string npm_integrity(const std::string& bytes);
// tiny-hello 1.0.0 as `npm pack` lays it out (package/...), gzipped.
std::string tiny_hello_tarball();
// The package-lock `npm install tiny-hello@1.0.0` writes against the public registry, with
// `integrity` for the tarball.
std::string tiny_hello_lock(const std::string& integrity);
// Serves the registry document and the tarball at `server` as an npm registry's root.
void serve_npm_registry(HttpsServer& server, const std::string& tarball);

struct Wheel {
  std::string name;  // tiny_snake-1.0.0-py3-none-any.whl
  std::string bytes;
  std::string sha256;
};
Wheel tiny_snake_wheel();
// Serves /simple/tiny-snake/ (PEP 503) and /files/<wheel>.
void serve_pypi_index(HttpsServer& server, const Wheel& wheel);

struct GoModule {
  std::string mod;     // example.com/tiny-go@v1.0.0's go.mod
  std::string zip;     // the module zip (example.com/tiny-go@v1.0.0/...)
  std::string go_sum;  // its two go.sum lines (h1: of the zip and of the go.mod)
};
GoModule tiny_go_module();
// Serves the module as a GOPROXY at the server's root.
void serve_goproxy(HttpsServer& server, const GoModule& module);

// tiny-rs 1.0.0 as a .crate (tiny-rs-1.0.0/...), and the Cargo.lock of the crate.
std::string tiny_rs_crate();
std::string tiny_rs_lock();
// Serves the crate at crates.io's download path (<server>/api/v1/crates/tiny-rs/1.0.0/download).
void serve_crates(HttpsServer& server, const std::string& crate);

// A crate as the crates index knows it: its name, its .crate (version 1.0.0) and the names of
// the crates it depends on (each "^1").
struct IndexedCrate {
  std::string name, bytes;
  std::vector<std::string> dependencies;
};
// tiny-rs-greeting 1.0.0, a library, and tiny-rs-hello 1.0.0, a binary that depends on it,
// packed without a Cargo.lock.
IndexedCrate tiny_rs_greeting_crate();
IndexedCrate tiny_rs_hello_crate();
// Serves each crate at its download path and a crates index of them as a git repository
// (`config.json`, whose `dl` is the server's /api/v1/crates, and one index line per crate with
// its cksum and dependencies), committed with the system git and served for git's dumb HTTP
// protocol at <server>/index, the URL it returns.
std::string serve_crates_index(HttpsServer& server, const std::vector<IndexedCrate>& crates);

// tiny-rb 1.0.0 built by the system `gem build` from testdata/ecosystem/gems (once per process).
std::string tiny_rb_gem();
// tiny-rb-hello 1.0.0, which depends on tiny-rb (~> 1.0), built the same way.
std::string tiny_rb_hello_gem();
// A Gemfile.lock (Bundler 2.5, with CHECKSUMS) pinning tiny-rb 1.0.0 to `sha256`.
std::string tiny_rb_lock(const std::string& sha256);
// Serves the gem at rubygems.org's path (<server>/gems/tiny-rb-1.0.0.gem).
void serve_rubygems(HttpsServer& server, const std::string& gem);
// A gem as the compact index knows it: its name, its .gem (version 1.0.0) and its runtime
// dependencies as the index writes them ("tiny-rb:~> 1.0", "" for none).
struct IndexedGem {
  std::string name, bytes, dependencies;
};
// Serves each gem at rubygems.org's path and rubygems.org's compact index of them: `/` (which
// tells RubyGems that the index is there), `/versions` and `/info/<name>` with its checksum.
void serve_gem_index(HttpsServer& server, const std::vector<IndexedGem>& gems);

// A recipe for `tool` (version from GitHub tags of test/<tool>: serve_tool_tags) whose one step
// is `step` (TOML lines) with toolchain = "system" and dependencies = [].
std::string system_toolchain_recipe(const std::string& tool, const std::string& step,
                                    const std::string& verify_pattern);
void serve_tool_tags(HttpsServer& server, const std::string& tool);
// The recipes of tiny-hello (npm_exec) and tiny-snake (pip_exec), pinning the given hashes.
std::string tiny_hello_recipe(const std::string& integrity);
std::string tiny_snake_recipe(const std::string& sha256);
std::string tiny_go_recipe(const std::string& go_sum);
std::string tiny_rs_recipe(const std::string& crate_sha256);
std::string tiny_rb_recipe(const std::string& sha256);

}  // namespace tailor::test
