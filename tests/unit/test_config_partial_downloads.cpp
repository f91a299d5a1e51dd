#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "config/partial_downloads.hpp"
#include "support/scratch.hpp"

namespace tailor::config {
namespace fs = std::filesystem;

TEST_CASE("partial downloads: create, count, remove the dead ones") {
  fs::path dir = test::fresh_dir("downloads");

  SUBCASE("a file being written is counted as in progress and never removed") {
    auto live = create_partial_download(dir);
    REQUIRE(live);
    CHECK(live->path.parent_path() == dir);
    CHECK(is_partial_download(live->path.filename().string()));
    REQUIRE(::write(live->fd, "12345", 5) == 5);
    PartialDownloads counted = count_partial_downloads(dir);
    CHECK(counted.files == 1);
    CHECK(counted.bytes == 5);
    CHECK(counted.in_progress == 1);
    CHECK(remove_dead_partial_downloads(dir).files == 0);
    CHECK(fs::exists(live->path));

    // Closing the last descriptor is what the kernel does when the writer dies.
    ::close(live->fd);
    CHECK(count_partial_downloads(dir).in_progress == 0);
    PartialDownloads removed = remove_dead_partial_downloads(dir);
    CHECK(removed.files == 1);
    CHECK(removed.bytes == 5);
    CHECK_FALSE(fs::exists(live->path));
  }
  SUBCASE("files of an older tailor (never locked) are dead; other names and links are left alone") {
    test::write_text(dir / ".download-AbC123", "old partial");
    test::write_text(dir / "0123.data", "an entry");
    test::write_text(dir / ".download-", "not a partial download's name");
    fs::path outside = test::fresh_dir("outside") / "precious";
    test::write_text(outside, "keep me");
    fs::create_symlink(outside, dir / ".download-link");
    PartialDownloads counted = count_partial_downloads(dir);
    CHECK(counted.files == 1);
    CHECK(counted.bytes == 11);
    CHECK(remove_dead_partial_downloads(dir).files == 1);
    CHECK_FALSE(fs::exists(dir / ".download-AbC123"));
    CHECK(fs::exists(dir / "0123.data"));
    CHECK(fs::exists(dir / ".download-"));
    CHECK(fs::is_symlink(dir / ".download-link"));
    CHECK(test::read_text(outside) == "keep me");
  }
  SUBCASE("nothing is removed while another process holds the directory lock") {
    test::write_text(dir / ".download-dead01", "x");
    int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    REQUIRE(dir_fd >= 0);
    REQUIRE(::flock(dir_fd, LOCK_SH) == 0);  // a download being created right now
    CHECK(remove_dead_partial_downloads(dir).files == 0);
    CHECK(fs::exists(dir / ".download-dead01"));
    ::close(dir_fd);
    CHECK(remove_dead_partial_downloads(dir).files == 1);
  }
  SUBCASE("a missing directory holds none") {
    CHECK(count_partial_downloads(dir / "missing").files == 0);
    CHECK(remove_dead_partial_downloads(dir / "missing").files == 0);
    CHECK_FALSE(create_partial_download(dir / "missing"));
  }
}

}  // namespace tailor::config
