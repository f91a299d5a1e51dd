#include "util/toml_limits.hpp"

#include <vector>

#include <fmt/format.h>

namespace tailor::util {
namespace {

// What the next token may be: a key/value pair or table header at the start of a line, a key
// inside an inline table, or (anything else) a value or the rest of a line.
enum class Expect { statement, inline_key, value };

// One pass over the bytes. Keys and brackets are counted where TOML's grammar puts them; strings
// and comments are skipped whole, so a `.`, `[` or `{` inside them counts for nothing.
class Scanner {
 public:
  Scanner(std::string_view text, const TomlLimits& limits) : m_text(text), m_limits(limits) {}

  std::optional<TomlLimitExceeded> run() {
    Expect expect = Expect::statement;
    if (looking_at("\xEF\xBB\xBF")) m_pos = 3;  // toml++ skips a byte order mark too
    while (!at_end() && !m_exceeded) {
      const char c = peek();
      if (c == ' ' || c == '\t' || c == '\r') {  // blanks change no expectation
        advance();
        continue;
      }
      if (c == '\n') {
        advance();
        if (m_open.empty()) expect = Expect::statement;
      } else if (c == '#') {
        skip_comment();
      } else if (expect == Expect::statement) {
        expect = Expect::value;
        if (c == '[') {
          advance();
          if (peek() == '[') advance();
          key();
        } else if (key()) {
          skip_blanks();
          if (peek() == '=') advance();
        } else {
          advance();
        }
      } else if (expect == Expect::inline_key && c != '}') {
        expect = Expect::value;
        if (key()) {
          skip_blanks();
          if (peek() == '=') advance();
        } else {
          advance();
        }
      } else if (c == '"' || c == '\'') {
        skip_string();
      } else if (c == '[' || c == '{') {
        open(c);
        if (c == '{') expect = Expect::inline_key;
      } else if (c == ']' || c == '}') {
        if (!m_open.empty()) m_open.pop_back();
        advance();
      } else if (c == ',') {
        advance();
        expect = !m_open.empty() && m_open.back() == '{' ? Expect::inline_key : Expect::value;
      } else {
        advance();  // part of a number, boolean, date or time, or a character toml++ will refuse
      }
    }
    return std::move(m_exceeded);
  }

 private:
  bool at_end() const { return m_pos >= m_text.size(); }
  char peek(size_t ahead = 0) const { return m_pos + ahead < m_text.size() ? m_text[m_pos + ahead] : '\0'; }
  bool looking_at(std::string_view token) const { return m_text.substr(m_pos, token.size()) == token; }

  void advance() {
    const auto byte = static_cast<unsigned char>(m_text[m_pos++]);
    if (byte == '\n') {
      ++m_line;
      m_column = 1;
    } else if ((byte & 0xC0) != 0x80) {
      ++m_column;  // UTF-8 continuation bytes belong to the code point before them
    }
  }

  void skip_blanks() {
    while (peek() == ' ' || peek() == '\t') advance();
  }

  void skip_comment() {
    while (!at_end() && peek() != '\n') advance();
  }

  // A basic or literal string, single- or multi-line, from its opening quote to past its close.
  // An unterminated single-line string ends at the line's end, where toml++ reports it.
  void skip_string() {
    const char quote = peek();
    const bool escapes = quote == '"';
    const std::string_view triple = escapes ? R"(""")" : "'''";
    if (looking_at(triple)) {
      for (int i = 0; i < 3; ++i) advance();
      while (!at_end()) {
        if (escapes && peek() == '\\') {
          advance();
          if (!at_end()) advance();
        } else if (looking_at(triple)) {
          for (int i = 0; i < 3; ++i) advance();
          for (int extra = 0; extra < 2 && peek() == quote; ++extra) advance();  // `""""` ends with a quote
          return;
        } else {
          advance();
        }
      }
      return;
    }
    advance();
    while (!at_end() && peek() != '\n') {
      const char c = peek();
      advance();
      if (c == quote) return;
      if (escapes && c == '\\' && !at_end() && peek() != '\n') advance();
    }
  }

  static bool is_bare_key_char(char c) {
    switch (c) {
    case ' ':
    case '\t':
    case '\r':
    case '\n':
    case '.':
    case '=':
    case '[':
    case ']':
    case '{':
    case '}':
    case '"':
    case '\'':
    case '#':
    case ',':
    case '\0': return false;
    default: return true;
    }
  }

  // A dotted key at the current position; counts it and its parts. False when there is none.
  bool key() {
    skip_blanks();
    const size_t line = m_line;
    const size_t column = m_column;
    size_t parts = 0;
    while (!at_end()) {
      const char c = peek();
      if (c == '"' || c == '\'') {
        skip_string();
      } else if (is_bare_key_char(c)) {
        while (is_bare_key_char(peek())) advance();
      } else {
        break;
      }
      ++parts;
      skip_blanks();
      if (peek() != '.') break;
      advance();
      skip_blanks();
    }
    if (parts == 0) return false;
    if (parts > m_limits.max_key_parts) {
      exceed(line, column,
             fmt::format("key has {} dotted parts; the limit is {} parts per key", parts, m_limits.max_key_parts));
    } else if (++m_keys > m_limits.max_keys) {
      exceed(line, column,
             fmt::format("more than {} keys; the limit is {} keys and table headers per file", m_limits.max_keys,
                         m_limits.max_keys));
    }
    return true;
  }

  void open(char bracket) {
    if (m_open.size() >= m_limits.max_nesting) {
      exceed(m_line, m_column,
             fmt::format("arrays and inline tables nested more than {} deep; the limit is {} levels",
                         m_limits.max_nesting, m_limits.max_nesting));
    }
    m_open.push_back(bracket);
    advance();
  }

  void exceed(size_t line, size_t column, std::string message) {
    if (!m_exceeded) m_exceeded = TomlLimitExceeded{std::move(message), line, column};
  }

  std::string_view m_text;
  const TomlLimits& m_limits;
  size_t m_pos = 0;
  size_t m_line = 1;
  size_t m_column = 1;
  std::vector<char> m_open;  // '[' and '{' still open, innermost last
  size_t m_keys = 0;
  std::optional<TomlLimitExceeded> m_exceeded;
};

}  // namespace

std::optional<TomlLimitExceeded> check_toml_limits(std::string_view text, const TomlLimits& limits) {
  return Scanner(text, limits).run();
}

}  // namespace tailor::util
