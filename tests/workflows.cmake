# Lints the GitHub Actions workflows (scripts/check-workflows.py) and checks that the linter
# still catches the problems it is meant to catch. Skipped (code 77) without python3-yaml.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  add_test(NAME workflows-lint
           COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/scripts/check-workflows.py
                   ${PROJECT_SOURCE_DIR}/.github/workflows)
  add_test(NAME workflows-lint-self-test
           COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/scripts/check-workflows.py --self-test)
  set_tests_properties(workflows-lint workflows-lint-self-test PROPERTIES SKIP_RETURN_CODE 77)
endif()
