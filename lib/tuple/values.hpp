#pragma once
// The named values of the platform tuple (docs/planning.md, "Targets"): Linux families, C
// libraries and backends, each an enum with one table of names in enum order. The names are
// what facts, `when` clauses, plans, golden file names and lock targets write; the tables are
// the allowed values of tuple/fact_table.hpp. GPU vendors have their own table
// (tuple/gpu_vendor.hpp), which names each vendor's own backend from here.
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace tailor::tuple {

enum class LinuxFamily { debian, rhel, arch, alpine, suse };
enum class Libc { glibc, musl };
// The builds of an inference backend, in the order `tailor info` lists them.
enum class Backend { cuda, rocm, sycl, vulkan, metal, cpu };

inline constexpr std::array<std::string_view, 5> k_linux_family_names{"debian", "rhel", "arch", "alpine", "suse"};
inline constexpr std::array<std::string_view, 2> k_libc_names{"glibc", "musl"};
inline constexpr std::array<std::string_view, 6> k_backend_names{"cuda", "rocm", "sycl", "vulkan", "metal", "cpu"};

namespace detail {
template <typename E, std::size_t N>
constexpr std::optional<E> from_name(const std::array<std::string_view, N>& names, std::string_view name) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<E>(i);
  }
  return std::nullopt;
}
}  // namespace detail

constexpr std::string_view name(LinuxFamily v) { return k_linux_family_names.at(static_cast<std::size_t>(v)); }
constexpr std::string_view name(Libc v) { return k_libc_names.at(static_cast<std::size_t>(v)); }
constexpr std::string_view name(Backend v) { return k_backend_names.at(static_cast<std::size_t>(v)); }
// "" for a value that is not known or not given.
template <typename E>
constexpr std::string_view name(const std::optional<E>& v) {
  return v ? name(*v) : std::string_view();
}

// The name of `v`, or `unknown` when it is not known.
template <typename E>
constexpr std::string_view name_or(const std::optional<E>& v, std::string_view unknown) {
  return v ? name(*v) : unknown;
}

// The value `text` names; nullopt for "" and anything not in the table.
constexpr std::optional<LinuxFamily> parse_linux_family(std::string_view text) {
  return detail::from_name<LinuxFamily>(k_linux_family_names, text);
}
constexpr std::optional<Libc> parse_libc(std::string_view text) { return detail::from_name<Libc>(k_libc_names, text); }
constexpr std::optional<Backend> parse_backend(std::string_view text) {
  return detail::from_name<Backend>(k_backend_names, text);
}

}  // namespace tailor::tuple
