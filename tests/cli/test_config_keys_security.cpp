// Rows of the config key table (test_config_keys.cpp) for the security.* keys
// (docs/downloads.md, "Checksums that are known in advance").
#include <doctest/doctest.h>

#include "config_keys_fixture.hpp"

namespace tailor::test::keys {
namespace {

// A recipe whose artifact only a first download could hash: no checksum file, no digest.
void prepare_unvouched(Fixture& f) {
  write_text(f.dir / "registry" / "plain.toml",
             "[metadata]\nname = \"plain\"\ndescription = \"No checksum file\"\nhomepage = "
             "\"https://plain.example.org/\"\n\n[[steps]]\naction = \"download\"\nurl = \"" +
                 f.server.url("/plain-{version}") + "\"\n\n[verify]\ncommand = \"plain --version\"\n");
  f.server.add("/plain-1.0.0", "#!/bin/sh\necho plain 1.0.0\n");
  f.options.unset_env.push_back("TAILOR_REQUIRE_CHECKSUM");
}

}  // namespace

void add_security_rows(std::map<std::string, Row>& table) {
  table["security.require_checksum"] = {
      "true",
      "1",
      "\"maybe\"",
      "maybe",
      [](Fixture& f) { prepare_unvouched(f); },
      [](Fixture& f) {
        return f.tailor({"plan", "plain@1.0.0", "--registry", (f.dir / "registry").string()});
      },
      [](Fixture& f, const RunResult& r, const std::string&) {
        CHECK_MESSAGE(r.exit_code == 9, text(r));
        CHECK(r.err.find("security.require_checksum is set") != std::string::npos);
        CHECK(r.err.find(f.server.url("/plain-1.0.0")) != std::string::npos);
        CHECK(f.server.requests().empty());
      }};
}

}  // namespace tailor::test::keys
