#pragma once
// tools/<name>-<version>/.tailor/receipt.json: every install writes its install record there
// (what state.json holds for that version, docs/home-layout.md, "Receipts"), a backend install
// adds its backend choice (docs/planning.md); `tailor info` shows it, `tailor state rebuild`
// reads the install records back.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "install/layout.hpp"
#include "install/state.hpp"
#include "util/fs.hpp"
#include "util/result.hpp"

namespace tailor::install {

struct InstalledReceipt {
  std::string version;                       // the active version
  std::filesystem::path path;                // tools/<name>-<version>/.tailor/receipt.json
  nlohmann::ordered_json receipt = nullptr;  // null when that version has no receipt
};

// version_dir/.tailor/receipt.json.
std::filesystem::path receipt_path(const std::filesystem::path& version_dir);

// Sets `fields` in the receipt of `version_dir`, keeping every other key already there (the
// install record and the backend choice are written at different moments). Atomic; durable
// unless the caller flushes it itself (a state.json write that follows flushes it).
Status merge_receipt(const std::filesystem::path& version_dir, const nlohmann::ordered_json& fields,
                     util::Durability durability = util::Durability::durable);

// The install record of one version: "tool", "version", the keys of versions.<version> in
// state.json and the tool's "is_explicit", "install_dependencies", "runtime_dependencies" and
// "source".
nlohmann::ordered_json install_record(const std::string& tool, const std::string& version,
                                      const InstalledVersion& record, const InstalledTool& entry);

// The active version of `tool` and its receipt; nullopt when `tool` is not installed. A receipt
// that cannot be read or parsed is an error naming the file.
Result<std::optional<InstalledReceipt>> read_installed_receipt(const Layout& layout, const std::string& tool);

// `{"version": ..., "receipt": ...}` as `tailor info --json` prints it under "installed".
nlohmann::ordered_json installed_receipt_to_json(const InstalledReceipt& installed);

// The installed version and its backend choice for people: requested and chosen backend, each
// rejected rung with its reason, the plan checksum.
std::string format_installed_receipt(const std::string& tool, const InstalledReceipt& installed);

}  // namespace tailor::install
