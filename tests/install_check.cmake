# `cmake --install` after a build of the `tailor` target alone (issue 20, "Completions"): run
# with -DBUILD_DIR=... -DPREFIX=... . The generated completions and man page are removed from the
# build tree first, as if only the binary had been built; the install must make and copy them.
foreach(generated bash-completion/completions/tailor zsh/site-functions/_tailor
                  fish/vendor_completions.d/tailor.fish man/man1/tailor.1)
  file(REMOVE "${BUILD_DIR}/share/${generated}")
endforeach()
file(REMOVE_RECURSE "${PREFIX}")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}" RESULT_VARIABLE status
                OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${status}):\n${out}")
endif()
foreach(installed bin/tailor share/bash-completion/completions/tailor share/zsh/site-functions/_tailor
                  share/fish/vendor_completions.d/tailor.fish)
  if(NOT EXISTS "${PREFIX}/${installed}")
    message(FATAL_ERROR "cmake --install did not install ${installed}:\n${out}")
  endif()
endforeach()
file(READ "${PREFIX}/share/bash-completion/completions/tailor" bash)
string(FIND "${bash}" "__complete" at)
if(at EQUAL -1)
  message(FATAL_ERROR "the installed bash completion does not complete recipe names")
endif()
message(STATUS "cmake --install made and installed the completions:\n${out}")
