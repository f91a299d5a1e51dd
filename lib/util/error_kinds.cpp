#include "util/error_kinds.hpp"

namespace tailor {

std::string_view kind_name(ErrorKind kind) {
  switch (kind) {
  case ErrorKind::failure: return "failure";
  case ErrorKind::usage: return "usage";
  case ErrorKind::recipe_not_found: return "recipe_not_found";
  case ErrorKind::version: return "version";
  case ErrorKind::network: return "network";
  case ErrorKind::install: return "install";
  case ErrorKind::verify: return "verify";
  case ErrorKind::system_deps: return "system_deps";
  case ErrorKind::checksum: return "checksum";
  case ErrorKind::invalid_input: return "invalid_input";
  case ErrorKind::partial: return "partial";
  case ErrorKind::internal: return "internal";
  case ErrorKind::lock_busy: return "lock_busy";
  }
  return "internal";
}

}  // namespace tailor
