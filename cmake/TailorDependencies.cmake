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
# GPGME checks recipe signatures; it is loaded with dlopen too (install/gpgme_api.hpp).
pkg_check_modules(TAILOR_GPGME REQUIRED gpgme>=1.13)

# fmt and toml++. By default their compiled parts are built into tailor (lib/compiled/) and
# libstdc++ and libgcc are linked statically into the `tailor` binary, which then loads only
# libc and libm at start: that is most of what `tailor detect` costs (issue 2, bench/detect).
# With TAILOR_STATIC_RUNTIME=OFF tailor links the distribution's libfmt and libtomlplusplus.
option(TAILOR_STATIC_RUNTIME "Build fmt and toml++ into tailor and link libstdc++ statically" ON)
add_library(tailor_text_libraries INTERFACE)
if(TAILOR_STATIC_RUNTIME)
  target_include_directories(tailor_text_libraries INTERFACE
    $<TARGET_PROPERTY:fmt::fmt,INTERFACE_INCLUDE_DIRECTORIES>
    $<TARGET_PROPERTY:tomlplusplus::tomlplusplus,INTERFACE_INCLUDE_DIRECTORIES>)
  # toml++ as a compiled library: declarations everywhere, definitions in lib/compiled/.
  target_compile_definitions(tailor_text_libraries INTERFACE TOML_HEADER_ONLY=0)
else()
  target_link_libraries(tailor_text_libraries INTERFACE fmt::fmt tomlplusplus::tomlplusplus)
endif()
