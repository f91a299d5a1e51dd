#include <doctest/doctest.h>

#include <filesystem>

#include "platform/libc.hpp"
#include "platform/markers.hpp"
#include "support/scratch.hpp"

using namespace tailor;

TEST_CASE("find_loader_files") {
  auto root = test::fresh_dir("loaders");
  for (const char* path :
       {"lib/ld-musl-aarch64.so.1", "lib64/ld-linux-x86-64.so.2", "usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
        "lib/arm-linux-gnueabihf/ld-linux-armhf.so.3", "lib/libc.so.6", "usr/lib/ld-musl-x86_64.so.1.bak",
        "usr/lib64/ld-2.17.so"}) {
    test::write_text(root / path, "");
  }
  auto loaders = platform::find_loader_files(platform::HostFs(root.string()));
  REQUIRE(loaders.size() == 4);
  CHECK(loaders[0].path == "/lib/arm-linux-gnueabihf/ld-linux-armhf.so.3");
  CHECK(loaders[0].libc == "glibc");
  CHECK(loaders[0].arch.empty());
  CHECK(loaders[1].path == "/lib/ld-musl-aarch64.so.1");
  CHECK(loaders[1].libc == "musl");
  CHECK(loaders[1].arch == "arm64");
  CHECK(loaders[2].path == "/lib64/ld-linux-x86-64.so.2");
  CHECK(loaders[2].arch == "amd64");
  CHECK(loaders[3].path == "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
}

TEST_CASE("detect_libc_and_arch chooses among loaders") {
  auto root = test::fresh_dir("two-loaders");
  test::write_text(root / "lib/ld-musl-x86_64.so.1", "");
  test::write_text(root / "lib64/ld-linux-x86-64.so.2", "");
  SUBCASE("glibc beside Debian's musl package") {
    auto out = platform::detect_libc_and_arch(platform::HostFs(root.string()));
    CHECK(out.arch == "amd64");
    CHECK(out.libc == "glibc");
    CHECK(out.libc_source == "/lib64/ld-linux-x86-64.so.2 (no readable /bin/sh)");
    CHECK(out.libc_level == "inferred");
  }
  SUBCASE("musl on Alpine with gcompat") {
    test::write_text(root / "etc/alpine-release", "3.20.3\n");
    auto out = platform::detect_libc_and_arch(platform::HostFs(root.string()));
    CHECK(out.libc == "musl");
    CHECK(out.libc_source == "/lib/ld-musl-x86_64.so.1 (no readable /bin/sh)");
  }
  SUBCASE("a /bin/sh that is not an ELF file") {
    test::write_text(root / "bin/sh", "#!/bin/busybox\n");
    auto out = platform::detect_libc_and_arch(platform::HostFs(root.string()));
    CHECK(out.problem == "no readable /bin/sh (not an ELF file)");
    CHECK(out.arch_level == "inferred");
  }
}

TEST_CASE("kernel_of_proc_version") {
  CHECK(platform::kernel_of_proc_version("Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org) (gcc-12) #1 "
                                         "SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)\n") == "6.1.0-18-amd64");
  CHECK(platform::kernel_of_proc_version("Linux version 5.15.167.4-microsoft-standard-WSL2 (root@x) #1 SMP") ==
        "5.15.167.4-microsoft-standard-WSL2");
  CHECK(platform::kernel_of_proc_version("garbage").empty());
  CHECK(platform::kernel_of_proc_version("").empty());
}
