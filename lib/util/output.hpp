#pragma once
// One output layer: text for people, JSON for machines, written to sinks tests can capture.
#include <iostream>
#include <string_view>

#include <fmt/format.h>

namespace tailor::util {

struct Output {
  std::ostream* out = &std::cout;  // results (text or JSON)
  std::ostream* err = &std::cerr;  // messages, warnings, progress
  bool json = false;
  bool quiet = false;
  int verbosity = 0;
  bool color = false;  // only on a TTY and without NO_COLOR

  template <typename... Args>
  void print(fmt::format_string<Args...> format, Args&&... args) const {
    *out << fmt::format(format, std::forward<Args>(args)...);
  }
  void write(std::string_view text) const { *out << text; }
  template <typename... Args>
  void warn(fmt::format_string<Args...> format, Args&&... args) const {
    *err << paint("warning: ", "33") << fmt::format(format, std::forward<Args>(args)...) << '\n';
  }
  template <typename... Args>
  void info(fmt::format_string<Args...> format, Args&&... args) const {
    if (!quiet) *err << fmt::format(format, std::forward<Args>(args)...) << '\n';
  }
  template <typename... Args>
  void debug(fmt::format_string<Args...> format, Args&&... args) const {
    if (verbosity > 0) *err << fmt::format(format, std::forward<Args>(args)...) << '\n';
  }
  // Wraps text in an ANSI colour when colour is on.
  std::string paint(std::string_view text, std::string_view code) const {
    if (!color) return std::string(text);
    return fmt::format("\x1b[{}m{}\x1b[0m", code, text);
  }
};

}  // namespace tailor::util
