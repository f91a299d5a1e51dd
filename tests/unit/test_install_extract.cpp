#include <doctest/doctest.h>

#include <sys/stat.h>

#include "install/extract.hpp"
#include "support/archive_builder.hpp"
#include "support/scratch.hpp"

namespace fs = std::filesystem;
using namespace tailor;
using namespace tailor::test;

namespace {

Result<install::ExtractReport> unpack(const std::string& format, const std::vector<ArchiveEntry>& entries,
                                      fs::path& dest, install::ExtractOptions options = {}) {
  fs::path dir = fresh_dir("extract");
  fs::path archive = dir / ("a." + format);
  build_archive(archive, format, entries);
  dest = dir / "out";
  fs::create_directory(dest);
  return install::extract_archive(archive, dest, options);
}

}  // namespace

TEST_CASE("extract_archive") {
  std::vector<ArchiveEntry> tree = {dir_entry("pkg-1.0/"),
                                    dir_entry("pkg-1.0/bin/"),
                                    file_entry("pkg-1.0/bin/tool", "#!/bin/sh\necho tool\n", 0755),
                                    file_entry("pkg-1.0/README", "hello\n", 0644),
                                    symlink_entry("pkg-1.0/bin/alias", "tool"),
                                    hardlink_entry("pkg-1.0/bin/copy", "pkg-1.0/bin/tool")};
  fs::path dest;

  SUBCASE("every format unpacks with modes, symlinks and in-tree hard links") {
    for (std::string format : {"tar.gz", "tar.xz", "tar.bz2", "tar.zst", "tar.lz", "tar", "zip"}) {
      CAPTURE(format);
      std::vector<ArchiveEntry> entries = tree;
      if (format == "zip") entries.pop_back();  // zip has no hard links
      auto report = unpack(format, entries, dest);
      REQUIRE_MESSAGE(report, (report ? "" : report.error().message));
      CHECK(read_text(dest / "pkg-1.0/bin/tool") == "#!/bin/sh\necho tool\n");
      CHECK(mode_of(dest / "pkg-1.0/bin/tool") == 0755);
      CHECK(mode_of(dest / "pkg-1.0/README") == 0644);
      CHECK(fs::read_symlink(dest / "pkg-1.0/bin/alias") == "tool");
      if (format != "zip") {
        CHECK(read_text(dest / "pkg-1.0/bin/copy") == "#!/bin/sh\necho tool\n");
        CHECK(fs::hard_link_count(dest / "pkg-1.0/bin/copy") == 1);
      }
    }
  }

  SUBCASE("strip_dirs and files select entries") {
    install::ExtractOptions options;
    options.strip_dirs = 1;
    options.files = {"bin/tool"};
    auto report = unpack("tar.gz", tree, dest, options);
    REQUIRE(report);
    CHECK(fs::exists(dest / "bin/tool"));
    CHECK_FALSE(fs::exists(dest / "README"));
    CHECK_FALSE(fs::exists(dest / "pkg-1.0"));
  }

  SUBCASE("a listed file missing from the archive is an error") {
    install::ExtractOptions options;
    options.files = {"nope"};
    auto report = unpack("tar", tree, dest, options);
    REQUIRE_FALSE(report);
    CHECK(report.error().message.find("no file nope") != std::string::npos);
  }

  SUBCASE("setuid, setgid and sticky bits are dropped") {
    auto report = unpack("tar", {file_entry("suid", "x", 06755), file_entry("sticky", "y", 01777)}, dest);
    REQUIRE(report);
    CHECK(mode_of(dest / "suid") == 0755);
    CHECK(mode_of(dest / "sticky") == 0777);
  }
}

TEST_CASE("extract_archive refuses hostile archives") {
  fs::path dest;
  auto refused = [&](const std::vector<ArchiveEntry>& entries, const std::string& needle,
                     const std::string& format = "tar") {
    auto report = unpack(format, entries, dest);
    REQUIRE_FALSE(report);
    CHECK(report.error().kind == ErrorKind::invalid_input);
    CHECK_MESSAGE(report.error().message.find(needle) != std::string::npos, report.error().message);
    CHECK_FALSE(fs::exists(dest.parent_path() / "evil"));
    CHECK_FALSE(fs::exists(dest.parent_path().parent_path() / "evil"));
  };

  SUBCASE("absolute path") { refused({file_entry((fresh_dir("abs") / "evil").string(), "x")}, "absolute path"); }
  SUBCASE("dot-dot path") { refused({file_entry("../evil", "x")}, "'..' component"); }
  SUBCASE("dot-dot in the middle") { refused({file_entry("a/../../evil", "x")}, "'..' component"); }
  SUBCASE("dot-dot in a zip") { refused({file_entry("../evil", "x")}, "'..' component", "zip"); }
  SUBCASE("absolute symlink") { refused({symlink_entry("link", "/etc")}, "absolute"); }
  SUBCASE("symlink climbing out") { refused({symlink_entry("d/link", "../../evil")}, "outside the destination"); }
  SUBCASE("symlink climbing after descending") {
    refused({dir_entry("a/"), symlink_entry("s", "a/../..")}, "outside the destination");
  }
  SUBCASE("write through a symlink planted by the archive") {
    refused({symlink_entry("up", "."), file_entry("up/evil", "x")}, "symlink or not a directory");
  }
  SUBCASE("hard link outside") { refused({hardlink_entry("h", "../evil")}, "points outside"); }
  SUBCASE("hard link to an absolute path") { refused({hardlink_entry("h", "/etc/passwd")}, "points outside"); }

  SUBCASE("device files and FIFOs are skipped with a note") {
    std::vector<ArchiveEntry> entries = {ArchiveEntry{"dev", EntryType::char_device, {}, 0644, {}, 0},
                                         ArchiveEntry{"pipe", EntryType::fifo, {}, 0644, {}, 0}, file_entry("ok", "1")};
    auto report = unpack("tar", entries, dest);
    REQUIRE(report);
    CHECK_FALSE(fs::exists(dest / "dev"));
    CHECK_FALSE(fs::exists(dest / "pipe"));
    CHECK(fs::exists(dest / "ok"));
    REQUIRE(report->notes.size() == 2);
    CHECK(report->notes[0].find("skipped dev") != std::string::npos);
  }

  SUBCASE("size bomb over the configured limit") {
    install::ExtractOptions options;
    options.limits.max_total_bytes = 1 << 20;
    ArchiveEntry bomb = file_entry("bomb", "");
    bomb.size = 8 << 20;
    auto report = unpack("tar.gz", {bomb}, dest, options);
    REQUIRE_FALSE(report);
    CHECK(report.error().kind == ErrorKind::invalid_input);
    CHECK(report.error().message.find("extraction size limit") != std::string::npos);
    CHECK_FALSE(fs::exists(dest / "bomb"));
  }

  SUBCASE("too many entries") {
    install::ExtractOptions options;
    options.limits.max_entries = 3;
    auto report = unpack("tar", {file_entry("1", ""), file_entry("2", ""), file_entry("3", ""), file_entry("4", "")},
                         dest, options);
    REQUIRE_FALSE(report);
    CHECK(report.error().message.find("entry limit") != std::string::npos);
  }

  SUBCASE("path too long") {
    install::ExtractOptions options;
    options.limits.max_path_length = 16;
    auto report = unpack("tar", {file_entry(std::string(40, 'a'), "")}, dest, options);
    REQUIRE_FALSE(report);
    CHECK(report.error().message.find("path length limit") != std::string::npos);
  }
}

TEST_CASE("archive_format_from_name") {
  CHECK(install::archive_format_from_name("x-1.0.TGZ") == "tar.gz");
  CHECK(install::archive_format_from_name("x.tar.zst") == "tar.zst");
  CHECK(install::archive_format_from_name("x.tlz") == "tar.lz");
  CHECK(install::archive_format_from_name("x.zip") == "zip");
  CHECK_FALSE(install::archive_format_from_name("x.rar"));
}
