#pragma once
// Tiny ELF fixtures built at test time, never shipped: a C program compiled with the machine's
// cc against its glibc, and copies of it edited the way a binary built elsewhere would differ
// (a newer GLIBC_x.y version need, a musl interpreter, another machine type).
#include <cstdint>
#include <filesystem>
#include <string>

namespace tailor::test {

// Compiles a program printing "hi" to `out`; throws std::runtime_error when cc fails.
void compile_hello(const std::filesystem::path& out);

// Copies `in` to `out` with the version need `from` (e.g. "GLIBC_2.34") renamed to `to` (same
// length, e.g. "GLIBC_2.99") in .dynstr and its vna_hash in .gnu.version_r recomputed with the
// ELF hash, so the loader itself reports "version `GLIBC_2.99' not found".
void raise_version_need(const std::filesystem::path& in, const std::filesystem::path& out, const std::string& from,
                        const std::string& to);

// The highest GLIBC_x.y need of a fixture as the section headers list it ("2.34").
std::string highest_glibc_need(const std::filesystem::path& file);

// Copies `in` to `out` with PT_INTERP replaced by `interpreter` (no longer than the original).
void set_interpreter(const std::filesystem::path& in, const std::filesystem::path& out, const std::string& interpreter);

// Copies `in` to `out` with e_machine set to `machine`.
void set_machine(const std::filesystem::path& in, const std::filesystem::path& out, uint16_t machine);

}  // namespace tailor::test
