# Runs at install time (see TailorInstall.cmake), with TAILOR_BIN, TAILOR_GENERATED_DIR,
# TAILOR_HELP2MAN and TAILOR_MAN_INCLUDE set: makes the shell completions and the man page when
# the build did not (after `cmake --build build --target tailor`) or made them from an older
# binary, so `cmake --install` works after any build.
function(tailor_generate output)
  if(EXISTS "${output}" AND NOT "${TAILOR_BIN}" IS_NEWER_THAN "${output}")
    return()
  endif()
  get_filename_component(dir "${output}" DIRECTORY)
  file(MAKE_DIRECTORY "${dir}")
  message(STATUS "Generating: ${output}")
  execute_process(COMMAND ${ARGN} OUTPUT_FILE "${output}.tmp" RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    file(REMOVE "${output}.tmp")
    message(FATAL_ERROR "could not generate ${output}: `${ARGN}` exited with ${status}")
  endif()
  file(RENAME "${output}.tmp" "${output}")
endfunction()

tailor_generate("${TAILOR_GENERATED_DIR}/bash-completion/completions/tailor" "${TAILOR_BIN}" completion bash)
tailor_generate("${TAILOR_GENERATED_DIR}/zsh/site-functions/_tailor" "${TAILOR_BIN}" completion zsh)
tailor_generate("${TAILOR_GENERATED_DIR}/fish/vendor_completions.d/tailor.fish" "${TAILOR_BIN}" completion fish)

if(TAILOR_HELP2MAN)
  set(page "${TAILOR_GENERATED_DIR}/man/man1/tailor.1")
  if(NOT EXISTS "${page}" OR "${TAILOR_BIN}" IS_NEWER_THAN "${page}")
    file(MAKE_DIRECTORY "${TAILOR_GENERATED_DIR}/man/man1")
    message(STATUS "Generating: ${page}")
    execute_process(
      COMMAND "${CMAKE_COMMAND}" -E env LC_ALL=C NO_COLOR=1 "${TAILOR_HELP2MAN}" --no-info --no-discard-stderr
              --section=1 "--name=installs developer tools from TOML recipes and gets GPU software right"
              "--include=${TAILOR_MAN_INCLUDE}" "--output=${page}" "${TAILOR_BIN}"
      RESULT_VARIABLE status)
    if(NOT status EQUAL 0)
      message(FATAL_ERROR "could not generate ${page}: help2man exited with ${status}")
    endif()
  endif()
endif()
