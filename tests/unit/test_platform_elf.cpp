#include <doctest/doctest.h>

#include <elf.h>

#include "platform/elf.hpp"
#include "platform/libc.hpp"
#include "support/elf_fixture.hpp"
#include "support/scratch.hpp"
#include "support/sysroot.hpp"

using namespace tailor;

namespace {

Result<platform::ElfInfo> elf_of(const std::filesystem::path& path) {
  platform::HostFs fs;
  auto file = fs.open(path.string());
  REQUIRE(file);
  return platform::read_elf_info(*file);
}

}  // namespace

TEST_CASE("read_elf_info") {
  auto dir = test::fresh_dir("elf");
  SUBCASE("64-bit glibc, musl, aarch64 and static headers") {
    struct Row {
      uint16_t machine;
      int elf_class;
      const char* interpreter;
      const char* arch;
    };
    const Row rows[] = {{EM_X86_64, 64, "/lib64/ld-linux-x86-64.so.2", "amd64"},
                        {EM_X86_64, 64, "/lib/ld-musl-x86_64.so.1", "amd64"},
                        {EM_AARCH64, 64, "/lib/ld-linux-aarch64.so.1", "arm64"},
                        {EM_AARCH64, 64, "", "arm64"},
                        {EM_ARM, 32, "/lib/ld-linux-armhf.so.3", ""},
                        {EM_386, 32, "/lib/ld-linux.so.2", ""}};
    for (const Row& row : rows) {
      CAPTURE(row.interpreter);
      test::write_fake_elf(dir / "sh", row.machine, row.elf_class, row.interpreter);
      auto info = elf_of(dir / "sh");
      REQUIRE(info);
      CHECK(info->machine == row.machine);
      CHECK(info->elf_class == row.elf_class / 32);
      CHECK(info->interpreter.value_or("") == row.interpreter);
      CHECK(info->interpreter.has_value() == (row.interpreter[0] != '\0'));
      CHECK(platform::arch_of_elf(*info) == row.arch);
    }
  }
  SUBCASE("the real /bin/sh of this machine parses") {
    // Reading a real ELF checks the reader against a linker's output, not only our writer's.
    auto info = elf_of("/bin/sh");
    REQUIRE(info);
    CHECK(!platform::arch_of_elf(*info).empty());
  }
  SUBCASE("not ELF, truncated, out-of-range headers are errors") {
    test::write_text(dir / "text", "#!/bin/sh\necho hi\n");
    CHECK(elf_of(dir / "text").error().message == "not an ELF file");
    test::write_fake_elf(dir / "full", EM_X86_64, 64, "/lib64/ld-linux-x86-64.so.2");
    std::string bytes = test::read_text(dir / "full");
    test::write_text(dir / "cut", bytes.substr(0, 70));
    CHECK(elf_of(dir / "cut").error().message == "program headers lie outside the file");
    test::write_text(dir / "short", bytes.substr(0, 20));
    CHECK(elf_of(dir / "short").error().message == "truncated ELF header");
    std::string huge = bytes;
    huge[offsetof(Elf64_Ehdr, e_phnum)] = '\xff';
    huge[offsetof(Elf64_Ehdr, e_phnum) + 1] = '\xff';
    test::write_text(dir / "huge", huge);
    CHECK(elf_of(dir / "huge").error().message == "too many program headers (65535)");
    std::string long_interp = bytes;
    uint64_t size = 5000;
    std::memcpy(long_interp.data() + sizeof(Elf64_Ehdr) + offsetof(Elf64_Phdr, p_filesz), &size, sizeof size);
    test::write_text(dir / "long", long_interp);
    CHECK(elf_of(dir / "long").error().message == "interpreter segment of 5000 bytes");
    std::string beyond = bytes;
    uint64_t offset = 1 << 20;
    std::memcpy(beyond.data() + sizeof(Elf64_Ehdr) + offsetof(Elf64_Phdr, p_offset), &offset, sizeof offset);
    test::write_text(dir / "beyond", beyond);
    CHECK(elf_of(dir / "beyond").error().message == "interpreter segment lies outside the file");
  }
  SUBCASE("big-endian headers are decoded as big-endian") {
    std::string bytes(64, '\0');
    std::memcpy(bytes.data(), ELFMAG, SELFMAG);
    bytes[EI_CLASS] = ELFCLASS64;
    bytes[EI_DATA] = ELFDATA2MSB;
    bytes[offsetof(Elf64_Ehdr, e_machine)] = 0;
    bytes[offsetof(Elf64_Ehdr, e_machine) + 1] = 22;  // EM_S390
    test::write_text(dir / "be", bytes);
    auto info = elf_of(dir / "be");
    REQUIRE(info);
    CHECK(info->machine == EM_S390);
    CHECK(platform::elf_machine_name(*info) == "s390x");
  }
}

TEST_CASE("detect_libc_and_arch") {
  auto root = test::fresh_dir("libc");
  platform::HostFs fs(root.string());
  SUBCASE("glibc interpreter; version from the libc.so.6 banner next to the resolved loader") {
    test::write_fake_elf(root / "bin/sh", EM_X86_64, 64, "/lib64/ld-linux-x86-64.so.2");
    std::filesystem::create_directories(root / "lib64");
    test::write_text(root / "lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "");
    std::filesystem::create_symlink("../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
                                    root / "lib64/ld-linux-x86-64.so.2");
    test::write_text(root / "lib/x86_64-linux-gnu/libc.so.6", "xx GNU C Library stable release version 2.39.\n");
    auto out = platform::detect_libc_and_arch(fs);
    CHECK(out.libc == "glibc");
    CHECK(out.libc_version == "2.39");
    CHECK(out.arch == "amd64");
  }
  SUBCASE("static /bin/sh with a musl loader in /lib: musl by fallback") {
    test::write_fake_elf(root / "bin/sh", EM_AARCH64, 64, "");
    test::write_text(root / "lib/ld-musl-aarch64.so.1", "");
    auto out = platform::detect_libc_and_arch(fs);
    CHECK(out.libc == "musl");
    CHECK(out.arch == "arm64");
    CHECK(out.interpreter.empty());
  }
  SUBCASE("no /bin/sh: glibc and the compile target under a testing root, both inferred") {
    auto out = platform::detect_libc_and_arch(fs);
    CHECK(out.libc == "glibc");
    CHECK(out.libc_level == "inferred");
#if defined(__x86_64__)
    CHECK(out.arch == "amd64");
#elif defined(__aarch64__)
    CHECK(out.arch == "arm64");
#endif
    CHECK(out.arch_level == "inferred");
    CHECK(out.problem == "no readable /bin/sh (cannot open)");
  }
  SUBCASE("32-bit ARM userland: glibc, arch unsupported") {
    test::write_fake_elf(root / "bin/sh", EM_ARM, 32, "/lib/ld-linux-armhf.so.3");
    auto out = platform::detect_libc_and_arch(fs);
    CHECK(out.libc == "glibc");
    CHECK(out.arch.empty());
    CHECK(out.unsupported == "arm");
  }
  SUBCASE("uClibc interpreter counts as glibc") {
    test::write_fake_elf(root / "bin/sh", EM_X86_64, 64, "/lib/ld-uClibc.so.0");
    auto out = platform::detect_libc_and_arch(fs);
    CHECK(out.libc == "glibc");
    CHECK(out.libc_source.find("not a glibc loader name") != std::string::npos);
  }
}

TEST_CASE("glibc_version_from_banner") {
  CHECK(platform::glibc_version_from_banner(
            "GNU C Library (Debian GLIBC 2.36-9+deb12u9) stable release version 2.36.\n") == "2.36");
  CHECK(platform::glibc_version_from_banner("release version 2.39, by Roland") == "2.39");
  CHECK(platform::glibc_version_from_banner("nothing here").empty());
}

TEST_CASE("musl_version_from_apk_db") {
  CHECK(platform::musl_version_from_apk_db("P:busybox\nV:1.36-r0\n\nP:musl\nV:1.2.5-r0\nA:x86_64\n") == "1.2.5");
  CHECK(platform::musl_version_from_apk_db("P:musl-utils\nV:1.2.5-r0\n").empty());
}

TEST_CASE("read_elf_needs") {
  auto dir = test::fresh_dir("elf-needs");
  test::compile_hello(dir / "hello");
  auto needs_of = [&](const std::filesystem::path& path) {
    platform::HostFs fs;
    auto file = fs.open(path.string());
    REQUIRE(file);
    return platform::read_elf_needs(*file);
  };
  SUBCASE("a program compiled here: its highest GLIBC need, as the section headers list it") {
    auto needs = needs_of(dir / "hello");
    REQUIRE(needs);
    CHECK(needs->dynamic);
    CHECK(needs->max_glibc == test::highest_glibc_need(dir / "hello"));
    CHECK(platform::interpreter_libc(needs->info.interpreter.value_or("")) == "glibc");
  }
  SUBCASE("an edited need is read back") {
    std::string from = test::highest_glibc_need(dir / "hello");
    std::string to = from;
    for (size_t i = to.find('.'); i < to.size(); ++i) {
      if (to[i] != '.') to[i] = '9';
    }
    test::raise_version_need(dir / "hello", dir / "edited", "GLIBC_" + from, "GLIBC_" + to);
    auto needs = needs_of(dir / "edited");
    REQUIRE(needs);
    CHECK(needs->max_glibc == to);
  }
  SUBCASE("every truncation is an error or a partial answer, never a crash") {
    std::string bytes = test::read_text(dir / "hello");
    size_t errors = 0;
    for (size_t length = 0; length < bytes.size(); length += length < 256 ? 1 : 97) {
      test::write_text(dir / "cut", bytes.substr(0, length));
      auto needs = needs_of(dir / "cut");
      if (!needs) {
        ++errors;
        CHECK(!needs.error().message.empty());
      }
    }
    CHECK(errors > 0);
    test::write_text(dir / "cut", bytes.substr(0, 20));
    CHECK(needs_of(dir / "cut").error().message == "truncated ELF header");
  }
  SUBCASE("a file without a dynamic segment needs nothing") {
    // The fake ELF has a PT_INTERP only: no dynamic segment, nothing needed.
    test::write_fake_elf(dir / "fake", EM_X86_64, 64, "/lib/ld-musl-x86_64.so.1");
    auto needs = needs_of(dir / "fake");
    REQUIRE(needs);
    CHECK_FALSE(needs->dynamic);
    CHECK(needs->max_glibc.empty());
    CHECK(platform::interpreter_libc(*needs->info.interpreter) == "musl");
  }
}

TEST_CASE("glibc_shortfall") {
  CHECK(platform::glibc_shortfall("2.39", "glibc", "2.36") == "needs glibc 2.39, this machine has 2.36");
  CHECK(platform::glibc_shortfall("2.36", "glibc", "2.36").empty());
  CHECK(platform::glibc_shortfall("2.9", "glibc", "2.10").empty());  // numeric, not textual
  CHECK(platform::glibc_shortfall("2.39", "musl", "1.2.5").empty());
  CHECK(platform::glibc_shortfall("2.39", "glibc", "").empty());  // unknown: nothing to compare
}
