#pragma once
// The JSON form of state.json and its schema (docs/home-layout.md, "state.json"): required keys
// and the type of every key are checked on read, so a file of the wrong shape is an error
// instead of an empty state.
#include <string>

#include <nlohmann/json.hpp>

#include "install/state.hpp"
#include "util/result.hpp"

namespace tailor::install {

// One versions.<version> record. `where` prefixes each problem ("installed.hello.versions.1.0").
Result<InstalledVersion> installed_version_from_json(const nlohmann::json& object, const std::string& where);

// The keys of installed.<name> other than active_version and versions (all optional).
Result<InstalledTool> tool_fields_from_json(const nlohmann::json& object, const std::string& where);

// The fields of one version record as state.json writes them.
nlohmann::json installed_version_to_json(const InstalledVersion& version);

}  // namespace tailor::install
