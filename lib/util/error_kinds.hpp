#pragma once
// ErrorKind by name, for messages and `--json` errors (docs/exit-codes.md).
#include <string_view>

#include "util/result.hpp"

namespace tailor {

// The kind's name as docs/exit-codes.md spells it: "network", "usage", "recipe_not_found".
std::string_view kind_name(ErrorKind kind);

}  // namespace tailor
