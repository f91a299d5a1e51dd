#include "recipe/action_behaviour.hpp"

#include <array>

namespace tailor::recipe {
namespace {

// NOLINTBEGIN(cppcoreguidelines-macro-usage)
#define TAILOR_ACTION_BEHAVIOUR_ADDRESS(name, ...) &actions::k_##name,
constexpr std::array<const ActionBehaviour*, k_action_count> k_behaviours = {
    TAILOR_ACTIONS(TAILOR_ACTION_BEHAVIOUR_ADDRESS)};
#undef TAILOR_ACTION_BEHAVIOUR_ADDRESS
// NOLINTEND(cppcoreguidelines-macro-usage)

}  // namespace

const ActionBehaviour& action_behaviour(ActionKind kind) { return *k_behaviours[action_index(kind)]; }

}  // namespace tailor::recipe
