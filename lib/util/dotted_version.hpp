#pragma once
// Numeric dotted versions such as C library versions ("2.36", "2.2.5"): no letters, no
// pre-release parts, compared number by number.
#include <string_view>

namespace tailor::util {

// True for one or more dot-separated decimal numbers of at most 9 digits each: "2", "2.39", "2.2.5".
bool is_dotted_version(std::string_view text);

// <0, 0 or >0 as `a` is older than, equal to or newer than `b` ("2.9" < "2.10"; missing parts
// count as 0, so "2.34" == "2.34.0"). Both must pass is_dotted_version.
int compare_dotted_versions(std::string_view a, std::string_view b);

}  // namespace tailor::util
