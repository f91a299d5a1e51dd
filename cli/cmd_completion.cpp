// `tailor completion bash|zsh|fish`: shell completion scripts generated from the command
// model itself, so every command and option registered at build time is completed.
#include <algorithm>
#include <set>
#include <sstream>

#include "command.hpp"
#include "completion_kinds.hpp"

namespace tailor::cli {
namespace {

// One option as the shells see it: its spellings and whether it consumes the next word.
struct OptionSpec {
  std::vector<std::string> names;  // "-q", "--quiet"
  std::string description;
  bool takes_value = false;
  std::string_view value_kind;  // what `tailor __complete` offers as its value; "" for files
};

// A command (the root or a subcommand) with everything completable below it.
struct CommandSpec {
  std::string path;  // "tailor", "tailor golden", "tailor golden check"
  std::string name;
  std::string description;
  std::vector<OptionSpec> options;
  std::vector<CommandSpec> subcommands;
  PositionalKind positional;  // what `tailor __complete` offers for its arguments
};

// Walks the parsed CLI11 tree. It runs after parsing, when every command has registered,
// which is why the root is reached through get_parent() instead of at setup time.
CommandSpec describe(const CLI::App& app, const std::string& path) {
  CommandSpec spec{path, app.get_name(), app.get_description(), {}, {}, positional_kind(path)};
  for (const CLI::Option* opt : app.get_options()) {
    if (!opt->nonpositional() || opt->get_group().empty()) continue;  // positionals, hidden
    OptionSpec option;
    for (const auto& s : opt->get_snames()) option.names.push_back("-" + s);
    for (const auto& l : opt->get_lnames()) option.names.push_back("--" + l);
    option.description = opt->get_description();
    option.takes_value = opt->get_type_size_min() > 0 && opt->get_expected_min() > 0;
    for (const auto& name : option.names)
      if (option.value_kind.empty()) option.value_kind = option_value_kind(name);
    spec.options.push_back(std::move(option));
  }
  std::sort(spec.options.begin(), spec.options.end(),
            [](const OptionSpec& a, const OptionSpec& b) { return a.names.back() < b.names.back(); });
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); })) {
    spec.subcommands.push_back(describe(*sub, path + " " + sub->get_name()));
  }
  std::sort(spec.subcommands.begin(), spec.subcommands.end(),
            [](const CommandSpec& a, const CommandSpec& b) { return a.name < b.name; });
  return spec;
}

template <typename Fn>
void for_each_command(const CommandSpec& spec, const Fn& fn) {
  fn(spec);
  for (const auto& sub : spec.subcommands) for_each_command(sub, fn);
}

// Single-quotes text for bash and zsh.
std::string sh_quote(std::string_view text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// Single-quotes text for fish, where only ' and \ need escaping.
std::string fish_quote(std::string_view text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "'";
}

// The words completed at one command: subcommands, then option spellings.
std::vector<std::string> completable_words(const CommandSpec& spec) {
  std::vector<std::string> words;
  for (const auto& sub : spec.subcommands) words.push_back(sub.name);
  for (const auto& opt : spec.options) words.insert(words.end(), opt.names.begin(), opt.names.end());
  return words;
}

// Case arms that walk the typed words: entering a subcommand changes the node (and restarts
// the count of its arguments); an option that takes a value makes the next word its value
// rather than a command, and is remembered in `opt`. Any other word that is not a flag is an
// argument of the node.
void write_walk_arms(std::ostream& os, const CommandSpec& root, std::string_view indent, std::string_view arm_open,
                     std::string_view arm_close) {
  for_each_command(root, [&](const CommandSpec& spec) {
    for (const auto& sub : spec.subcommands) {
      os << indent << arm_open << sh_quote(spec.path + ":" + sub.name) << ") node=" << sh_quote(sub.path) << "; npos=0"
         << arm_close << '\n';
    }
    for (const auto& opt : spec.options) {
      if (!opt.takes_value) continue;
      for (const auto& name : opt.names) {
        os << indent << arm_open << sh_quote(spec.path + ":" + name) << ") skip=1; opt=" << sh_quote(name) << arm_close
           << '\n';
      }
    }
  });
  os << indent << arm_open << "*) [[ $word == -* ]] || npos=$((npos + 1))" << arm_close << '\n';
}

// Case arms setting `dynamic` to the kind of word `tailor __complete` offers at a node.
void write_dynamic_arms(std::ostream& os, const CommandSpec& root, std::string_view indent, std::string_view arm_open,
                        std::string_view arm_close) {
  for_each_command(root, [&](const CommandSpec& spec) {
    if (spec.positional.kind.empty()) return;
    os << indent << arm_open << sh_quote(spec.path) << ") ";
    if (spec.positional.max_count > 0) os << "((npos < " << spec.positional.max_count << ")) && ";
    os << "dynamic=" << sh_quote(spec.positional.kind) << arm_close << '\n';
  });
}

// Case arms setting `dynamic` to the kind of an option's value.
void write_option_value_arms(std::ostream& os, const CommandSpec& root, std::string_view indent,
                             std::string_view arm_open, std::string_view arm_close) {
  std::set<std::string> seen;
  for_each_command(root, [&](const CommandSpec& spec) {
    for (const auto& opt : spec.options) {
      if (opt.value_kind.empty()) continue;
      for (const auto& name : opt.names) {
        if (!seen.insert(name).second) continue;
        os << indent << arm_open << sh_quote(name) << ") dynamic=" << sh_quote(opt.value_kind) << arm_close << '\n';
      }
    }
  });
}

std::string bash_script(const CommandSpec& root) {
  std::ostringstream os;
  os << "# bash completion for tailor, generated by `tailor completion bash`.\n"
     << "# Load it with: source <(tailor completion bash)\n"
     << "_tailor() {\n"
     << "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" node='tailor' word skip=0 opt='' npos=0 dynamic='' i\n"
     << "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
     << "    word=\"${COMP_WORDS[i]}\"\n"
     << "    if ((skip)); then skip=0; continue; fi\n"
     << "    case \"$node:$word\" in\n";
  write_walk_arms(os, root, "      ", "", " ;;");
  os << "    esac\n"
     << "  done\n"
     << "  if ((skip)); then\n"
     << "    # The word is an option's value: tailor knows some (--backend, --gpu), else file names.\n"
     << "    case \"$opt\" in\n";
  write_option_value_arms(os, root, "      ", "", " ;;");
  os << "    esac\n"
     << "    [[ -n $dynamic ]] && COMPREPLY=($(compgen -W \"$(\"${COMP_WORDS[0]}\" __complete \"$dynamic\" "
        "2>/dev/null)\" -- \"$cur\"))\n"
     << "    return 0\n"
     << "  fi\n"
     << "  local words=''\n"
     << "  case \"$node\" in\n";
  for_each_command(root, [&](const CommandSpec& spec) {
    std::string joined;
    for (const auto& w : completable_words(spec)) joined += (joined.empty() ? "" : " ") + w;
    os << "    " << sh_quote(spec.path) << ") words=" << sh_quote(joined) << " ;;\n";
  });
  os << "  esac\n"
     << "  # Recipe names, installed tools, config keys: asked of the tailor being completed.\n"
     << "  case \"$node\" in\n";
  write_dynamic_arms(os, root, "    ", "", " ;;");
  os << "  esac\n"
     << "  if [[ -n $dynamic && $cur != -* ]]; then\n"
     << "    words=\"$words $(\"${COMP_WORDS[0]}\" __complete \"$dynamic\" 2>/dev/null)\"\n"
     << "  fi\n"
     << "  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
     << "}\n"
     << "complete -o default -F _tailor tailor\n";
  return os.str();
}

std::string zsh_script(const CommandSpec& root) {
  std::ostringstream os;
  os << "#compdef tailor\n"
     << "# zsh completion for tailor, generated by `tailor completion zsh`.\n"
     << "# Install it as _tailor in a directory on $fpath.\n"
     << "_tailor() {\n"
     << "  local node='tailor' word skip=0 opt='' npos=0 dynamic='' i ret=1\n"
     << "  local -a values\n"
     << "  for ((i = 2; i < CURRENT; i++)); do\n"
     << "    word=${words[i]}\n"
     << "    if ((skip)); then skip=0; continue; fi\n"
     << "    case \"$node:$word\" in\n";
  write_walk_arms(os, root, "      ", "(", " ;;");
  os << "    esac\n"
     << "  done\n"
     << "  if ((skip)); then  # the word is an option's value\n"
     << "    case \"$opt\" in\n";
  write_option_value_arms(os, root, "      ", "(", " ;;");
  os << "    esac\n"
     << "    if [[ -n $dynamic ]]; then\n"
     << "      values=(${(f)\"$(${words[1]} __complete $dynamic 2>/dev/null)\"})\n"
     << "      compadd -a values\n"
     << "    else\n"
     << "      _files\n"
     << "    fi\n"
     << "    return\n"
     << "  fi\n"
     << "  local -a entries\n"
     << "  case \"$node\" in\n";
  for_each_command(root, [&](const CommandSpec& spec) {
    os << "    (" << sh_quote(spec.path) << ") entries=(";
    auto entry = [&](const std::string& word, const std::string& description) {
      std::string escaped;
      for (char c : word) escaped += c == ':' ? std::string("\\:") : std::string(1, c);
      os << ' ' << sh_quote(escaped + ":" + description);
    };
    for (const auto& sub : spec.subcommands) entry(sub.name, sub.description);
    for (const auto& opt : spec.options)
      for (const auto& name : opt.names) entry(name, opt.description);
    os << " ) ;;\n";
  });
  os << "  esac\n"
     << "  case \"$node\" in\n";
  write_dynamic_arms(os, root, "    ", "(", " ;;");
  os << "  esac\n"
     << "  if [[ -n $dynamic && $PREFIX != -* ]]; then\n"
     << "    values=(${(f)\"$(${words[1]} __complete $dynamic 2>/dev/null)\"})\n"
     << "    ((${#values})) && compadd -a values && ret=0\n"
     << "  fi\n"
     << "  _describe -t commands 'tailor' entries && ret=0\n"
     << "  ((ret)) && _files\n"
     << "  return 0\n"
     << "}\n"
     << "_tailor \"$@\"\n";
  return os.str();
}

std::string fish_script(const CommandSpec& root) {
  std::ostringstream os;
  os << "# fish completion for tailor, generated by `tailor completion fish`.\n"
     << "# Install it as ~/.config/fish/completions/tailor.fish\n"
     << "function __tailor_node\n"
     << "    set -l node tailor\n"
     << "    set -l skip 0\n"
     << "    for word in (commandline -opc)[2..-1]\n"
     << "        if test $skip -eq 1\n"
     << "            set skip 0\n"
     << "            continue\n"
     << "        end\n"
     << "        switch \"$node:$word\"\n";
  for_each_command(root, [&](const CommandSpec& spec) {
    for (const auto& sub : spec.subcommands) {
      os << "            case " << fish_quote(spec.path + ":" + sub.name) << "\n"
         << "                set node " << fish_quote(sub.path) << '\n';
    }
    for (const auto& opt : spec.options) {
      if (!opt.takes_value) continue;
      for (const auto& name : opt.names) {
        os << "            case " << fish_quote(spec.path + ":" + name) << "\n                set skip 1\n";
      }
    }
  });
  os << "        end\n"
     << "    end\n"
     << "    echo $node\n"
     << "end\n"
     << "# Recipe names, installed tools, backends, GPU vendors, config keys: asked of this tailor.\n"
     << "function __tailor_complete\n"
     << "    set -l tailor (commandline -opc)[1]\n"
     << "    $tailor __complete $argv 2>/dev/null\n"
     << "end\n";
  for_each_command(root, [&](const CommandSpec& spec) {
    std::string condition = "-n " + fish_quote("test (__tailor_node) = " + fish_quote(spec.path));
    if (!spec.positional.kind.empty()) {
      os << "complete -c tailor " << condition << " -f -a "
         << fish_quote("(__tailor_complete " + std::string(spec.positional.kind) + ")") << '\n';
    }
    for (const auto& sub : spec.subcommands) {
      os << "complete -c tailor " << condition << " -f -a " << fish_quote(sub.name) << " -d "
         << fish_quote(sub.description) << '\n';
    }
    for (const auto& opt : spec.options) {
      os << "complete -c tailor " << condition;
      for (const auto& name : opt.names) {
        bool is_long = name.rfind("--", 0) == 0;
        os << (is_long ? " -l " : " -s ") << fish_quote(name.substr(is_long ? 2 : 1));
      }
      if (!opt.value_kind.empty())
        os << " -x -a " << fish_quote("(__tailor_complete " + std::string(opt.value_kind) + ")");
      else if (opt.takes_value)
        os << " -r";
      os << " -d " << fish_quote(opt.description) << '\n';
    }
  });
  return os.str();
}

struct Options {
  std::string shell;
};

const bool k_registered = register_command(
    {"completion", "Print a shell completion script (bash, zsh or fish)", [](CLI::App& app, Context& ctx) -> RunFn {
       auto opts = std::make_shared<Options>();
       app.add_option("shell", opts->shell, "Shell to generate for: bash, zsh or fish")->required();
       return [opts, &ctx, &app]() -> Result<int> {
         const CLI::App* root = &app;
         while (root->get_parent() != nullptr) root = root->get_parent();
         CommandSpec spec = describe(*root, "tailor");
         if (opts->shell == "bash") {
           ctx.output.write(bash_script(spec));
         } else if (opts->shell == "zsh") {
           ctx.output.write(zsh_script(spec));
         } else if (opts->shell == "fish") {
           ctx.output.write(fish_script(spec));
         } else {
           return fail(ErrorKind::usage, "unknown shell '{}' (supported: bash, zsh, fish)", opts->shell);
         }
         return 0;
       };
     }});

}  // namespace
}  // namespace tailor::cli
