#pragma once
// Reading back the receipt.json a backend install writes (gpu-variants.md §5) for `tailor info`.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "install/layout.hpp"
#include "util/result.hpp"

namespace tailor::install {

struct InstalledReceipt {
  std::string version;                       // the active version
  std::filesystem::path path;                // tools/<name>-<version>/.tailor/receipt.json
  nlohmann::ordered_json receipt = nullptr;  // null when that version has no receipt
};

// The active version of `tool` and its receipt; nullopt when `tool` is not installed. A receipt
// that cannot be read or parsed is an error naming the file.
Result<std::optional<InstalledReceipt>> read_installed_receipt(const Layout& layout, const std::string& tool);

// `{"version": ..., "receipt": ...}` as `tailor info --json` prints it under "installed".
nlohmann::ordered_json installed_receipt_to_json(const InstalledReceipt& installed);

// The installed version and its backend choice for people: requested and chosen backend, each
// rejected rung with its reason, the plan checksum.
std::string format_installed_receipt(const std::string& tool, const InstalledReceipt& installed);

}  // namespace tailor::install
