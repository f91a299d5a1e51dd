#pragma once
// Reading a secret for `config set secrets.<name>`: from stdin only, never from argv.
#include <string>

#include "util/output.hpp"
#include "util/result.hpp"

namespace tailor::config {

// Reads one line from file descriptor `fd` (a prompt on stderr with echo off when it is a
// terminal), strips the trailing "\r\n" and refuses empty input.
Result<std::string> read_secret_line(int fd, const util::Output& output, const std::string& prompt);

}  // namespace tailor::config
