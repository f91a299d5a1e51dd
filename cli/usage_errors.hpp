#pragma once
// How a refused command line is told: `error: <message>`, exit 2, with the likely word
// (docs/exit-codes.md, "One cause, one code").
#include <string>

#include <CLI/CLI.hpp>

namespace tailor::cli {

// The message (without "error: ") for a command line CLI11 refused: an unknown flag names the
// likely one, and every message says where the usage is.
std::string parse_error_message(CLI::App& app, const CLI::ParseError& error, const std::string& invoked);

// The message for a word that is no command: the likely command, and where the list is.
std::string unknown_command_message(const std::string& word);

}  // namespace tailor::cli
