#pragma once
// Reading plan JSON into plan::Plan, the inverse of plan_to_json (docs/plan-format.md): a plan
// file, a lock entry or a receipt's plan is parsed once, and what reads it afterwards works on
// the value.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "plan/plan_model.hpp"
#include "util/result.hpp"

namespace tailor::plan {

// The plan `doc` describes. A key of the wrong type is ErrorKind::invalid_input naming its JSON
// path (`$.dependencies[0].steps[1].size: a non-negative integer is needed`); absent keys keep
// Plan's defaults. Keys the format does not define are left out of the value and, when
// `unknown` is given, listed there by path. For every plan tailor writes,
// plan_to_json(*plan_from_json(doc)) == doc, byte for byte.
Result<Plan> plan_from_json(const nlohmann::ordered_json& doc, std::vector<std::string>* unknown = nullptr);

}  // namespace tailor::plan
