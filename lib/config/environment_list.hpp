#pragma once
// Every environment variable tailor reads, one entry each (docs/config.md, "Environment
// variables"), from which config::EnvVar and the table of config/environment.cpp are generated.
// The override variables of configuration keys are not here: the key registry holds them
// (KeyDef::env in config/keys.cpp). Columns:
//   id        the EnvVar enumerator
//   name      the variable as documented; a family ends in `<NAME>` or `*`
//   prefix    what every member of a family starts with; "" for a single variable
//   doc       the page that documents it, and the heading of the section there that names it
//   what      what it does, in one line
// clang-format off
#define TAILOR_ENVIRONMENT(X) \
  X(tailor_home, "TAILOR_HOME", "", "docs/home-layout.md", "What lives in $TAILOR_HOME", \
    "where tailor keeps its tools, state, caches and config.toml; unset or empty: $HOME/.tailor") \
  X(tailor_recipes, "TAILOR_RECIPES", "", "docs/registries.md", "Lookup order", \
    "a recipe directory searched first, as --registry; unset or empty: none") \
  X(tailor_sysroot, "TAILOR_SYSROOT", "", "docs/detection.md", "What is read, and from where", \
    "detect a machine from the tree under this directory, as --sysroot") \
  X(tailor_facts, "TAILOR_FACTS", "", "docs/detection.md", "Overrides and facts files", \
    "a facts file (detect --json) laid over detection, as --facts") \
  X(tailor_pci_ids, "TAILOR_PCI_IDS", "", "docs/detection.md", "Commands", \
    "the pci.ids file device names come from, as --pci-ids") \
  X(tailor_linux_family, "TAILOR_LINUX_FAMILY", "", "docs/detection.md", "Overrides and facts files", \
    "override the Linux family fact, as --linux-family") \
  X(tailor_libc, "TAILOR_LIBC", "", "docs/detection.md", "Overrides and facts files", \
    "override the libc fact, as --libc") \
  X(tailor_gpu, "TAILOR_GPU", "", "docs/detection.md", "Overrides and facts files", \
    "override the GPU vendor fact, as --gpu") \
  X(tailor_gpu_driver, "TAILOR_GPU_DRIVER", "", "docs/detection.md", "Overrides and facts files", \
    "override the GPU driver version fact, as --gpu-driver") \
  X(tailor_vulkan, "TAILOR_VULKAN", "", "docs/detection.md", "Overrides and facts files", \
    "override the Vulkan state fact, as --vulkan") \
  X(tailor_gpu_compute, "TAILOR_GPU_COMPUTE", "", "docs/detection.md", "Overrides and facts files", \
    "override the CUDA compute capability fact, as --gpu-compute") \
  X(tailor_gfx, "TAILOR_GFX", "", "docs/detection.md", "Overrides and facts files", \
    "override the AMD gfx targets fact, as --gfx") \
  X(tailor_lock_token, "TAILOR_LOCK_TOKEN", "", "docs/lock-and-events.md", "Reservations for automation", \
    "the reservation token mutating commands present, as --lock-token") \
  X(tailor_ca_bundle, "TAILOR_CA_BUNDLE", "", "docs/downloads.md", "What every download does", \
    "a PEM file of CA certificates trusted for downloads, API requests, webhooks and toolchains") \
  X(tailor_allow_insecure_loopback, "TAILOR_ALLOW_INSECURE_LOOPBACK", "", "docs/downloads.md", \
    "What every download does", "1: plain http:// is allowed to loopback addresses (tests)") \
  X(tailor_max_extract_entries, "TAILOR_MAX_EXTRACT_ENTRIES", "", "docs/install.md", "Extraction safety", \
    "the most entries an archive may unpack to") \
  X(tailor_max_path_length, "TAILOR_MAX_PATH_LENGTH", "", "docs/install.md", "Extraction safety", \
    "the longest path an archive entry may have") \
  X(tailor_verify_timeout, "TAILOR_VERIFY_TIMEOUT", "", "docs/install.md", "The install flow", \
    "seconds a recipe's verify command may run (default 60)") \
  X(tailor_test_pause_at, "TAILOR_TEST_PAUSE_AT", "", "docs/install.md", "Test hook", \
    "the named point of an install where tailor stops for two minutes (tests)") \
  X(tailor_test_pause_marker, "TAILOR_TEST_PAUSE_MARKER", "", "docs/install.md", "Test hook", \
    "a file created when tailor stops at TAILOR_TEST_PAUSE_AT (tests)") \
  X(tailor_oci_chunk_size, "TAILOR_OCI_CHUNK_SIZE", "", "docs/fleets.md", "Pushing", \
    "bytes per PATCH chunk of a blob pushed to an OCI registry (default 16 MiB)") \
  X(tailor_github_api, "TAILOR_GITHUB_API", "", "docs/versions.md", "Base URLs", \
    "base URL of the GitHub API") \
  X(tailor_homebrew_api, "TAILOR_HOMEBREW_API", "", "docs/versions.md", "Base URLs", \
    "base URL of the Homebrew formulae API") \
  X(tailor_ghcr, "TAILOR_GHCR", "", "docs/versions.md", "Base URLs", \
    "base URL of the registry serving Homebrew bottles") \
  X(tailor_pypi, "TAILOR_PYPI", "", "docs/versions.md", "Base URLs", \
    "base URL of the PyPI JSON API") \
  X(tailor_crates_io, "TAILOR_CRATES_IO", "", "docs/versions.md", "Base URLs", \
    "base URL of the crates.io API for version lookups") \
  X(tailor_go_dl, "TAILOR_GO_DL", "", "docs/versions.md", "Base URLs", \
    "base URL of the Go release list") \
  X(tailor_nodejs_dist, "TAILOR_NODEJS_DIST", "", "docs/versions.md", "Base URLs", \
    "base URL of the Node.js release list") \
  X(tailor_api_cache_ttl, "TAILOR_API_CACHE_TTL", "", "docs/versions.md", "Cache", \
    "seconds a cached version-provider answer is used without asking again") \
  X(tailor_python_version, "TAILOR_PYTHON_VERSION", "", "docs/versions.md", "Providers", \
    "the Python version PyPI releases must admit (default 3.12)") \
  X(github_token, "GITHUB_TOKEN", "", "docs/config.md", "Secrets", \
    "the GitHub token (secrets.github_token), first choice") \
  X(gh_token, "GH_TOKEN", "", "docs/config.md", "Secrets", \
    "the GitHub token when GITHUB_TOKEN is unset or empty") \
  X(tailor_secret, "TAILOR_SECRET_<NAME>", "TAILOR_SECRET_", "docs/config.md", "Secrets", \
    "the secret secrets.<name> (upper case, - as _)") \
  X(home, "HOME", "", "docs/config.md", "Environment variables", \
    "the default home ($HOME/.tailor) and the base of the Vulkan manifest search") \
  X(path, "PATH", "", "docs/config.md", "Environment variables", \
    "where the programs tailor runs are found; install and doctor check bin/ is on it") \
  X(no_color, "NO_COLOR", "", "docs/config.md", "Environment variables", \
    "set (even empty): output is never coloured, as --no-color") \
  X(shell, "SHELL", "", "docs/user-guide.md", "Shell set-up", \
    "the shell tailor shellenv writes for when --shell is not given") \
  X(user, "USER", "", "docs/lock-and-events.md", "The install lock", \
    "the user named in the lock holder file when the account database has no name") \
  X(ci, "CI", "", "docs/lock-and-events.md", "The install lock", \
    "set and not empty: the default --lock-timeout is 0 (do not wait)") \
  X(container, "container", "", "docs/detection.md", "What is read, and from where", \
    "set by container runtimes: tailor runs in a container") \
  X(ld_library_path, "LD_LIBRARY_PATH", "", "docs/detection.md", "What is read, and from where", \
    "directories searched for the Vulkan loader") \
  X(vk_driver_files, "VK_DRIVER_FILES", "", "docs/detection.md", "What is read, and from where", \
    "the Vulkan ICD manifests, instead of the search") \
  X(vk_icd_filenames, "VK_ICD_FILENAMES", "", "docs/detection.md", "What is read, and from where", \
    "the older name of VK_DRIVER_FILES, read when that is unset or empty") \
  X(vk_add_driver_files, "VK_ADD_DRIVER_FILES", "", "docs/detection.md", "What is read, and from where", \
    "Vulkan ICD manifests added to those found") \
  X(xdg_config_home, "XDG_CONFIG_HOME", "", "docs/detection.md", "What is read, and from where", \
    "searched for Vulkan ICD manifests (default $HOME/.config)") \
  X(xdg_config_dirs, "XDG_CONFIG_DIRS", "", "docs/detection.md", "What is read, and from where", \
    "searched for Vulkan ICD manifests (default /etc/xdg)") \
  X(xdg_data_home, "XDG_DATA_HOME", "", "docs/detection.md", "What is read, and from where", \
    "searched for Vulkan ICD manifests (default $HOME/.local/share)") \
  X(xdg_data_dirs, "XDG_DATA_DIRS", "", "docs/detection.md", "What is read, and from where", \
    "searched for Vulkan ICD manifests (default /usr/local/share:/usr/share)") \
  X(vk_variables, "VK_*", "VK_", "docs/detection.md", "Tier 1 cache", \
    "every Vulkan loader variable: part of the Tier 1 cache key") \
  X(cuda_visible_devices, "CUDA_VISIBLE_DEVICES", "", "docs/detection.md", "Visibility variables", \
    "the GPUs CUDA may use: recorded in the facts (env), warned about when it hides them all") \
  X(nvidia_visible_devices, "NVIDIA_VISIBLE_DEVICES", "", "docs/detection.md", "Visibility variables", \
    "the GPUs the NVIDIA container runtime exposes: recorded in the facts (env)") \
  X(rocr_visible_devices, "ROCR_VISIBLE_DEVICES", "", "docs/detection.md", "Visibility variables", \
    "the GPUs the ROCm runtime may use: recorded in the facts (env)") \
  X(hip_visible_devices, "HIP_VISIBLE_DEVICES", "", "docs/detection.md", "Visibility variables", \
    "the GPUs HIP may use: recorded in the facts (env)") \
  X(ggml_vk_visible_devices, "GGML_VK_VISIBLE_DEVICES", "", "docs/detection.md", "Visibility variables", \
    "the GPUs ggml's Vulkan backend may use: recorded in the facts (env)") \
  X(hsa_override_gfx_version, "HSA_OVERRIDE_GFX_VERSION", "", "docs/detection.md", "AMD gfx targets", \
    "the gfx target ROCm reports for every device: planning matches it")
// clang-format on
