# `cmake --install` layout: the binary, shell completions, the man page and the docs.
# Completions and the man page are generated at build time by running the freshly built
# binary, so they always describe the commands that binary really has (and at install time
# when the build made only the binary).
include(GNUInstallDirs)
install(TARGETS tailor RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}
        PATTERN "man" EXCLUDE)

set(TAILOR_GENERATED_DIR ${CMAKE_BINARY_DIR}/share)
set(TAILOR_COMPLETIONS
    ${TAILOR_GENERATED_DIR}/bash-completion/completions/tailor
    ${TAILOR_GENERATED_DIR}/zsh/site-functions/_tailor
    ${TAILOR_GENERATED_DIR}/fish/vendor_completions.d/tailor.fish)
add_custom_command(
  OUTPUT ${TAILOR_COMPLETIONS}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${TAILOR_GENERATED_DIR}/bash-completion/completions
          ${TAILOR_GENERATED_DIR}/zsh/site-functions ${TAILOR_GENERATED_DIR}/fish/vendor_completions.d
  COMMAND $<TARGET_FILE:tailor> completion bash > ${TAILOR_GENERATED_DIR}/bash-completion/completions/tailor
  COMMAND $<TARGET_FILE:tailor> completion zsh > ${TAILOR_GENERATED_DIR}/zsh/site-functions/_tailor
  COMMAND $<TARGET_FILE:tailor> completion fish > ${TAILOR_GENERATED_DIR}/fish/vendor_completions.d/tailor.fish
  DEPENDS tailor
  COMMENT "Generating shell completions from tailor's command model"
  VERBATIM)
set(TAILOR_EXTRAS ${TAILOR_COMPLETIONS})

# A build of the `tailor` target alone makes neither the completions nor the man page: the
# install step makes whatever is missing or older than the binary before copying it.
find_program(TAILOR_HELP2MAN help2man)
install(CODE "
  set(TAILOR_BIN \"$<TARGET_FILE:tailor>\")
  set(TAILOR_GENERATED_DIR \"${TAILOR_GENERATED_DIR}\")
  set(TAILOR_HELP2MAN \"${TAILOR_HELP2MAN}\")
  set(TAILOR_MAN_INCLUDE \"${CMAKE_CURRENT_SOURCE_DIR}/docs/man/tailor.h2m\")
  include(\"${CMAKE_CURRENT_SOURCE_DIR}/cmake/TailorGenerateExtras.cmake\")
")
install(FILES ${TAILOR_GENERATED_DIR}/bash-completion/completions/tailor
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES ${TAILOR_GENERATED_DIR}/zsh/site-functions/_tailor
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/site-functions)
install(FILES ${TAILOR_GENERATED_DIR}/fish/vendor_completions.d/tailor.fish
        DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)

# The man page comes from `tailor --help` through help2man, plus the hand-written sections
# of docs/man/tailor.h2m. Without help2man the build goes on and installs no man page.
if(TAILOR_HELP2MAN)
  set(TAILOR_MAN_PAGE ${TAILOR_GENERATED_DIR}/man/man1/tailor.1)
  add_custom_command(
    OUTPUT ${TAILOR_MAN_PAGE}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${TAILOR_GENERATED_DIR}/man/man1
    COMMAND ${CMAKE_COMMAND} -E env LC_ALL=C NO_COLOR=1
            ${TAILOR_HELP2MAN} --no-info --no-discard-stderr --section=1
            "--name=installs developer tools from TOML recipes and gets GPU software right"
            --include=${CMAKE_CURRENT_SOURCE_DIR}/docs/man/tailor.h2m
            --output=${TAILOR_MAN_PAGE} $<TARGET_FILE:tailor>
    DEPENDS tailor ${CMAKE_CURRENT_SOURCE_DIR}/docs/man/tailor.h2m
    COMMENT "Generating the tailor(1) man page with help2man"
    VERBATIM)
  list(APPEND TAILOR_EXTRAS ${TAILOR_MAN_PAGE})
  install(FILES ${TAILOR_MAN_PAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
  message(STATUS "help2man not found: the man page will not be generated or installed")
endif()
add_custom_target(tailor_extras ALL DEPENDS ${TAILOR_EXTRAS})

include(TailorPackaging)
