#include "install/receipt.hpp"

#include <fmt/format.h>

#include "install/state_json.hpp"
#include "util/canonical_json.hpp"
#include "util/fs.hpp"

namespace tailor::install {

std::filesystem::path receipt_path(const std::filesystem::path& version_dir) {
  return version_dir / ".tailor" / "receipt.json";
}

Status merge_receipt(const std::filesystem::path& version_dir, const nlohmann::ordered_json& fields,
                     util::Durability durability) {
  const auto file = receipt_path(version_dir);
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  if (ec) return fail(ErrorKind::install, "cannot create {}: {}", file.parent_path().string(), ec.message());
  auto receipt = nlohmann::ordered_json::object();
  if (std::filesystem::exists(file, ec)) {
    auto text = util::read_file(file);
    if (!text) return fail(text.error());
    auto existing = nlohmann::ordered_json::parse(*text, nullptr, false);
    if (existing.is_object()) receipt = std::move(existing);
  }
  for (const auto& [key, value] : fields.items()) receipt[key] = value;
  return util::write_file_atomic(file, util::canonical_json(receipt), 0644, durability);
}

nlohmann::ordered_json install_record(const std::string& tool, const std::string& version,
                                      const InstalledVersion& record, const InstalledTool& entry) {
  nlohmann::ordered_json out{{"tool", tool}, {"version", version}};
  const nlohmann::json fields = installed_version_to_json(record);
  for (const auto& [key, value] : fields.items()) out[key] = value;
  out["is_explicit"] = entry.is_explicit;
  out["install_dependencies"] = entry.install_dependencies;
  out["runtime_dependencies"] = entry.runtime_dependencies;
  out["source"] = entry.source;
  return out;
}

Result<std::optional<InstalledReceipt>> read_installed_receipt(const Layout& layout, const std::string& tool) {
  auto state = read_state(layout);
  if (!state) return fail(state.error());
  auto entry = state->installed.find(tool);
  if (entry == state->installed.end() || !entry->second.versions.contains(entry->second.active_version)) {
    return std::optional<InstalledReceipt>{};
  }
  InstalledReceipt installed;
  installed.version = entry->second.active_version;
  installed.path = layout.tool_dir(tool, installed.version) / ".tailor" / "receipt.json";
  std::error_code ec;
  if (!std::filesystem::exists(installed.path, ec)) return std::optional<InstalledReceipt>(std::move(installed));
  auto text = util::read_file(installed.path);
  if (!text) return fail(text.error());
  auto receipt = nlohmann::ordered_json::parse(*text, nullptr, false);
  if (!receipt.is_object()) {
    return fail(ErrorKind::invalid_input, "{} is not a JSON object; reinstall {} to write it again",
                installed.path.string(), tool);
  }
  installed.receipt = std::move(receipt);
  return std::optional<InstalledReceipt>(std::move(installed));
}

nlohmann::ordered_json installed_receipt_to_json(const InstalledReceipt& installed) {
  nlohmann::ordered_json out{{"version", installed.version}};
  if (!installed.receipt.is_null()) out["receipt"] = installed.receipt;
  return out;
}

std::string format_installed_receipt(const std::string& tool, const InstalledReceipt& installed) {
  std::string out = fmt::format("  installed:  {}@{}\n", tool, installed.version);
  // Receipts of tools without backends hold only the install record.
  if (installed.receipt.is_null() || !installed.receipt.contains("backend")) return out;
  const auto& r = installed.receipt;
  out += fmt::format("    backend:   {} (requested {})\n", r.value("backend", std::string()),
                     r.value("requested_backend", std::string("auto")));
  for (const auto& rung : r.value("rejected", nlohmann::ordered_json::array())) {
    out += fmt::format("    rejected:  {}: {}\n", rung.value("backend", std::string()),
                       rung.value("reason", std::string()));
  }
  if (auto facts = r.find("facts"); facts != r.end() && facts->is_object()) {
    std::string machine = facts->value("os", std::string()) + "/" + facts->value("arch", std::string());
    if (!facts->value("gpu", std::string()).empty()) machine += ", gpu " + facts->value("gpu", std::string());
    if (!facts->value("gpu_driver", std::string()).empty())
      machine += " (driver " + facts->value("gpu_driver", std::string()) + ")";
    out += fmt::format("    facts:     {}\n", machine);
  }
  out += fmt::format("    plan sha256: {}\n", r.value("plan_sha256", std::string()));
  out += fmt::format("    receipt:   {}\n", installed.path.string());
  return out;
}

}  // namespace tailor::install
