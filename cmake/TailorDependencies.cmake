# Every dependency comes from the distribution (Debian 12 package names in scripts/install-deps.sh).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(tomlplusplus CONFIG REQUIRED)
find_package(CURL REQUIRED)
find_package(fmt CONFIG REQUIRED)
find_package(nlohmann_json CONFIG REQUIRED)
find_package(tl-expected CONFIG REQUIRED)
find_package(LibArchive REQUIRED)
find_package(OpenSSL REQUIRED)
# libpci and libvulkan are loaded at run time with dlopen; only their headers are needed.
find_path(TAILOR_PCI_INCLUDE_DIR pci/pci.h REQUIRED)
find_path(TAILOR_VULKAN_INCLUDE_DIR vulkan/vulkan.h REQUIRED)
