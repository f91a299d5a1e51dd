// The plan layer's table of action behaviour: one decomposer per composite action.
#include "plan/decompose.hpp"

#include "plan/decompose_support.hpp"
#include "recipe/action_table.hpp"

namespace tailor::plan {
namespace {

using detail::K;
using Decomposer = detail::Decomposition (*)(const recipe::Step&, const DecomposeContext&);

constexpr std::pair<recipe::ActionKind, Decomposer> k_decomposer_rows[] = {
    {K::apply_patch, detail::decompose_apply_patch},
    {K::cargo_install, detail::decompose_cargo_install},
    {K::download, detail::decompose_download},
    {K::download_archive, detail::decompose_download_archive},
    {K::fossil_archive, detail::decompose_fossil_archive},
    {K::gem_install, detail::decompose_gem_install},
    {K::github_archive, detail::decompose_github_archive},
    {K::github_file, detail::decompose_github_file},
    {K::go_install, detail::decompose_go_install},
    {K::homebrew, detail::decompose_homebrew},
    {K::nix_install, detail::decompose_nix_install},
    {K::npm_install, detail::decompose_npm_install},
    {K::pipx_install, detail::decompose_pipx_install},
};

// Every composite has a decomposer, and nothing else has one.
constexpr auto k_decomposers = recipe::make_action_table(k_decomposer_rows, [](const recipe::ActionTraits& traits) {
  return traits.klass == recipe::ActionClass::composite ? recipe::TableEntry::required : recipe::TableEntry::forbidden;
});

}  // namespace

Result<std::vector<PlanStep>> decompose(const recipe::Step& step, const DecomposeContext& context) {
  const std::optional<recipe::ActionKind> kind = recipe::action_kind(step.action);
  if (kind && k_decomposers.contains(*kind)) return k_decomposers[*kind](step, context);
  return fail(ErrorKind::internal, "action '{}' is not a composite", step.action);
}

}  // namespace tailor::plan
