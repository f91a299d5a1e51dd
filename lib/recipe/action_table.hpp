#pragma once
// A layer's table of action behaviour, indexed by ActionKind and checked against the catalog
// when it is compiled: each layer says which actions must have an entry and which must not,
// so adding an action to recipe/action_list.hpp without its behaviour does not build.
#include <array>
#include <cstddef>
#include <utility>

#include "recipe/actions.hpp"

namespace tailor::recipe {

// Whether a layer needs an entry for an action.
enum class TableEntry { required, allowed, forbidden };

template <class Fn>
struct ActionTable {
  std::array<Fn, k_action_count> entries{};  // nullptr where the action has no entry

  constexpr Fn operator[](ActionKind kind) const { return entries[action_index(kind)]; }
  constexpr bool contains(ActionKind kind) const { return entries[action_index(kind)] != nullptr; }
};

// Builds a table from (kind, entry) rows. A duplicate row, a missing required entry or a
// forbidden one is a compile error (a `throw` in a constant evaluation; the compiler shows
// the message below it). `rule` says what the layer needs of each catalog entry.
template <class Fn, class Rule, std::size_t N>
consteval ActionTable<Fn> make_action_table(const std::pair<ActionKind, Fn> (&rows)[N], Rule rule) {
  ActionTable<Fn> table;
  for (const auto& [kind, entry] : rows) {
    if (table.entries[action_index(kind)] != nullptr) throw "an action has two rows in this table";
    table.entries[action_index(kind)] = entry;
  }
  for (const ActionTraits& traits : k_action_traits) {
    const TableEntry need = rule(traits);
    const bool present = table.entries[action_index(traits.kind)] != nullptr;
    if (need == TableEntry::required && !present) throw "an action that needs an entry in this table has none";
    if (need == TableEntry::forbidden && present) throw "an action has an entry in a table it must not be in";
  }
  return table;
}

}  // namespace tailor::recipe
