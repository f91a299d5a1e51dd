// toml++'s definitions, compiled once here instead of linking libtomlplusplus.so
// (TAILOR_STATIC_RUNTIME; see cmake/TailorDependencies.cmake). Everywhere else toml++ is
// used with TOML_HEADER_ONLY=0, which leaves these definitions to one translation unit.
#define TOML_IMPLEMENTATION
#include <toml++/toml.h>
