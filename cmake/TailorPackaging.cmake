# Packages through CPack: a .deb for Debian and Ubuntu, and a plain tarball.
# `cmake --build build --target package` (or `cpack` in the build directory) writes them.
#
# Runtime dependencies of the .deb: dpkg-shlibdeps computes what the binary links (libc and
# libm; also libstdc++, fmt and toml++ when built with TAILOR_STATIC_RUNTIME=OFF); libcurl, libarchive and libcrypto are opened with dlopen on first use
# (lib/util/shared_library.hpp), so shlibdeps cannot see them and they are listed by hand.
# libpci and the Vulkan loader are optional (also dlopen): Recommends. Without them tailor
# still runs and reports the GPU facts it could not read. GPGME and GnuPG check the signatures
# some recipes name (also dlopen): Recommends; without them such an install stops (exit 9).
set(CPACK_PACKAGE_NAME tailor)
set(CPACK_PACKAGE_VENDOR "tailor maintainers")
set(CPACK_PACKAGE_CONTACT "tailor maintainers <maintainers@tailor.invalid>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "tailor installs developer tools from TOML recipes (tsuku-compatible) and picks the build\n"
    "of inference backends such as llama.cpp and ollama that will really run on the machine's\n"
    "GPU: CUDA, ROCm, SYCL, Vulkan, Metal or CPU. It explains every choice and never falls\n"
    "back silently.")
set(CPACK_RESOURCE_FILE_README ${PROJECT_SOURCE_DIR}/README.md)
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB TGZ)
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build[^/]*/" "/bench/\\\\.work/")

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# CURLOPT_PROTOCOLS_STR needs curl 7.85.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libcurl4 (>= 7.85.0), libarchive13, libssl3")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libpci3, libvulkan1, libgpgme11, gnupg")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "mesa-vulkan-drivers, pciutils")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/tailor-dev/tailor")

include(CPack)
