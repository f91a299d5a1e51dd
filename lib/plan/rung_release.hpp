#pragma once
// The backend ladder meets the release (docs/planning.md, "The backend ladder"): whether the
// release a plan is for publishes the build a rung's step names.
#include <optional>
#include <string>

#include "plan/recipe_plan.hpp"
#include "recipe/recipe.hpp"
#include "recipe/when.hpp"

namespace tailor::plan {

// For each `github_archive`/`github_file` step of `target.backend` that applies to `target`:
// its asset pattern against the release listing of `version`. nullopt when every such asset is
// published, or when it cannot be told (no resolver, offline, the listing could not be read:
// planning then reports the artifact itself); else the reason, e.g. "release b6500 publishes no
// CUDA build for linux/amd64: no asset matches 'llama-b6500-bin-ubuntu-cuda-12.8-x64.tar.gz'".
// An artifact the lock lists counts as published. When the listing cannot be read, a lock
// planned for this target (env.lock_decides_rungs; same tool, version, os, arch and gpu) that
// chose another backend rejects the rung, so the decision is reproduced offline.
// For each `download`/`download_archive` step of the rung: its expanded URL asked with a HEAD
// request (fetch::Downloader::exists); every host answering 404 rejects the rung
// ("version 1.0.0 has no CUDA build for linux/amd64: URL answers 404").
std::optional<std::string> rung_missing_from_release(const recipe::Recipe& recipe, const tuple::Target& target,
                                                     const VersionPair& version, const PlanEnv& env);

}  // namespace tailor::plan
