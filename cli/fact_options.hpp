#pragma once
// The fact flags shared by every command that needs machine facts (detect, eval, plan,
// install, info): overrides, facts file, testing root and probe mode.
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "config/config.hpp"
#include "platform/detect.hpp"

namespace tailor::cli {

struct FactFlags {
  std::string sysroot;
  std::string facts;
  std::string probe;
  std::string pci_ids;
  platform::FactOverrides values;  // --os, --gpu, ...: one per fact of tuple/fact_table.hpp
};

// Adds --sysroot --facts --gpu --gpu-driver --gpu-compute --gfx --gpu-device --vulkan --os --arch --linux-family
// --libc --probe --pci-ids to `app`, bound to `flags`.
void add_fact_flags(CLI::App& app, FactFlags& flags);

// The request resolve_facts() takes: --probe and --gpu-device win over detect.probe and
// gpu.device of `config` (config.toml or their variables); other unset flags fall back to
// TAILOR_* variables there.
platform::DetectRequest to_detect_request(const FactFlags& flags, const config::Config& config);

}  // namespace tailor::cli
