#pragma once
// Human-readable views of a Facts value for `tailor detect`: a summary and, with --explain,
// where each fact came from, how sure it is and where tailor differs from tsuku.
#include <string>

#include "platform/facts.hpp"

namespace tailor::platform {

std::string format_facts_summary(const Facts& facts);
std::string format_facts_explanation(const Facts& facts);

}  // namespace tailor::platform
