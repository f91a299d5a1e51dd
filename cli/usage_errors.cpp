#include "usage_errors.hpp"

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

#include "command.hpp"
#include "util/strings.hpp"
#include "util/suggest.hpp"

namespace tailor::cli {
namespace {

// Every spelling of the options `command` (and tailor itself, for the global flags) accepts.
std::vector<std::string> flag_names(const CLI::App& app, const CLI::App* command) {
  std::vector<std::string> names;
  for (const CLI::App* owner : {&app, command}) {
    if (owner == nullptr) continue;
    for (const CLI::Option* option : owner->get_options()) {
      for (const auto& name : option->get_lnames()) names.push_back("--" + name);
      for (const auto& name : option->get_snames()) names.push_back("-" + name);
    }
  }
  return names;
}

// Verbs of other package managers (brew, apt, npm, pip) and tailor's command for each: what a
// user coming from them types, often far from (or misleadingly close to) tailor's word.
constexpr std::pair<std::string_view, std::string_view> k_other_tools_verbs[] = {
    {"upgrade", "update"}, {"uninstall", "remove"}, {"rm", "remove"},
    {"ls", "list"},        {"show", "info"},        {"find", "search"},
};

}  // namespace

std::string unknown_command_message(const std::string& word) {
  std::vector<std::string> names;
  for (const auto& def : registered_commands()) names.emplace_back(def.name);
  // The other tools' verb first: 'uninstall' is one edit from 'install', the opposite command.
  std::string suggestion;
  for (const auto& [verb, command] : k_other_tools_verbs) {
    if (word == verb && std::find(names.begin(), names.end(), command) != names.end())
      suggestion = " (did you mean '" + std::string(command) + "'?)";
  }
  if (suggestion.empty()) suggestion = util::did_you_mean(word, names, 2);
  return "unknown command '" + word + "'" + suggestion + "; `tailor --help` lists the commands";
}

std::string parse_error_message(CLI::App& app, const CLI::ParseError& error, const std::string& invoked) {
  CLI::App* command = nullptr;
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    if (sub->get_name() == invoked) command = sub;
  }
  const std::string usage = command != nullptr ? "`tailor " + invoked + " --help`" : "`tailor --help`";
  if (command == nullptr && dynamic_cast<const CLI::RequiredError*>(&error) != nullptr)
    return "a command is required; " + usage + " lists them";
  if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr) {
    // CLI11 keeps the words only in its message: "The following argument(s) ... expected: a b".
    const std::string what = error.what();
    const auto colon = what.find(": ");
    std::vector<std::string> extras =
        colon == std::string::npos ? std::vector<std::string>{} : util::split_whitespace(what.substr(colon + 2));
    const std::string where = command != nullptr ? " for 'tailor " + invoked + "'" : "";
    if (!extras.empty() && extras.front().starts_with("-")) {
      const std::string& flag = extras.front();
      const std::string name = flag.substr(0, flag.find('='));
      return "unknown flag '" + name + "'" + where + util::did_you_mean(name, flag_names(app, command), 2) + "; " +
             usage + " lists the flags";
    }
    if (!extras.empty())
      return "unexpected argument '" + extras.front() + "'" + where + "; " + usage + " shows the usage";
  }
  std::string message = error.what();
  if (!message.empty() && message.front() >= 'A' && message.front() <= 'Z' && message.compare(0, 2, "--") != 0)
    message.front() = static_cast<char>(message.front() - 'A' + 'a');
  return message + "; " + usage + " shows the usage";
}

}  // namespace tailor::cli
