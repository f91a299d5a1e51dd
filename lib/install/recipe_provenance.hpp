#pragma once
// Where the recipe of an installed tool came from, as the state records it (`tailor info`).
#include <optional>
#include <string>

#include "install/layout.hpp"
#include "recipe/registry.hpp"

namespace tailor::install {

// The recorded source, URL and SHA-256 of `tool`'s recipe; nullopt when it is not installed
// or was installed before tailor recorded them (or from a plan file).
std::optional<recipe::Provenance> installed_recipe_provenance(const Layout& layout, const std::string& tool);

}  // namespace tailor::install
