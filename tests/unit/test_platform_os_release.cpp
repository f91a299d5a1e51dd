#include <doctest/doctest.h>

#include "platform/os_release.hpp"
#include "support/scratch.hpp"

using namespace tailor;
using platform::OsRelease;

TEST_CASE("parse_os_release") {
  struct Row {
    const char* text;
    const char* family;
    const char* version_id;
    const char* codename;
  };
  // docs/linux-family.md, "Examples".
  const Row rows[] = {
      {"ID=ubuntu\nID_LIKE=debian\nVERSION_ID=\"22.04\"\nVERSION_CODENAME=jammy\n", "debian", "22.04", "jammy"},
      {"ID=debian\nVERSION_ID=\"12\"\n", "debian", "12", ""},
      {"ID=fedora\nVERSION_ID=39\nVERSION_CODENAME=\"\"\n", "rhel", "39", ""},
      {"ID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\n", "rhel", "", ""},
      {"ID=amzn\nID_LIKE=\"centos rhel fedora\"\n", "rhel", "", ""},
      {"ID=arch\n", "arch", "", ""},
      {"ID=alpine\nVERSION_ID=3.19.0\n", "alpine", "3.19.0", ""},
      {"ID=linuxmint\nID_LIKE=\"ubuntu debian\"\n", "debian", "", ""},
      {"ID=\"sle-micro\"\nID_LIKE=\"suse\"\n", "suse", "", ""},
      {"ID=Ubuntu\n", "debian", "", ""},
      {"ID=nixos\n", "", "", ""},
      {" ID=fedora\n", "rhel", "", ""},
      {"ID=\"unterminated\n", "", "", ""},
      {"# comment\n\nNAME=x\nID = opensuse-tumbleweed \n", "suse", "", ""},
  };
  for (const Row& row : rows) {
    CAPTURE(row.text);
    OsRelease release = platform::parse_os_release(row.text);
    CHECK(platform::linux_family_of(release) == row.family);
    CHECK(release.version_id == row.version_id);
    CHECK(release.version_codename == row.codename);
  }

  SUBCASE("single quotes split ID_LIKE on blanks") {
    OsRelease release = platform::parse_os_release("ID_LIKE='single quoted'\n");
    CHECK(release.id_like == std::vector<std::string>{"single", "quoted"});
  }
  SUBCASE("double quotes unescape \\\" \\\\ \\` \\$ and nothing else") {
    OsRelease release = platform::parse_os_release(R"(NAME="a \"b\" \\ \` \$ \n")"
                                                   "\n");
    CHECK(release.name == R"(a "b" \ ` $ \n)");
  }
  SUBCASE("a repeated key takes the last value; unterminated lines keep the earlier one") {
    OsRelease release = platform::parse_os_release("ID=debian\nID=\"broken\nVERSION_ID=1\nVERSION_ID=2\n");
    CHECK(release.id == "debian");
    CHECK(release.version_id == "2");
  }
  SUBCASE("tsuku's family ignores the ID_LIKE=suse alias and /usr/lib/os-release") {
    OsRelease suse = platform::parse_os_release("ID=sle-micro\nID_LIKE=suse\n");
    suse.source = "/etc/os-release";
    CHECK(platform::tsuku_linux_family_of(suse).empty());
    OsRelease fallback = platform::parse_os_release("ID=debian\n");
    fallback.source = "/usr/lib/os-release";
    CHECK(platform::tsuku_linux_family_of(fallback).empty());
    CHECK(platform::linux_family_of(fallback) == "debian");
  }
}

TEST_CASE("read_os_release") {
  auto root = test::fresh_dir("os-release");
  platform::HostFs fs(root.string());
  SUBCASE("neither file: empty source") { CHECK(platform::read_os_release(fs).source.empty()); }
  SUBCASE("/usr/lib fallback") {
    test::write_text(root / "usr/lib/os-release", "ID=debian\n");
    OsRelease release = platform::read_os_release(fs);
    CHECK(release.source == "/usr/lib/os-release");
    CHECK(release.id == "debian");
  }
  SUBCASE("/etc wins") {
    test::write_text(root / "usr/lib/os-release", "ID=debian\n");
    test::write_text(root / "etc/os-release", "ID=fedora\n");
    CHECK(platform::read_os_release(fs).source == "/etc/os-release");
    CHECK(platform::read_os_release(fs).id == "fedora");
  }
}
