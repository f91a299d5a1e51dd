#pragma once
// The human view of a plan: a tree of dependencies, the steps, and the chosen backend.
#include <string>

#include "plan/planner.hpp"

namespace tailor::plan {

// Text for people; with `explain`, every rung of the backend ladder and its reason.
std::string describe_plan(const PlanOutcome& outcome, bool explain);

}  // namespace tailor::plan
