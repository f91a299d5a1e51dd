# Settings and warnings as INTERFACE targets, linked privately into our own targets.
add_library(tailor_settings INTERFACE)
target_compile_features(tailor_settings INTERFACE cxx_std_20)
# One section per function and object, so the linker can drop what no command reaches.
target_compile_options(tailor_settings INTERFACE -ffunction-sections -fdata-sections)
if(TAILOR_SANITIZE)
  target_compile_options(tailor_settings INTERFACE -fsanitize=${TAILOR_SANITIZE} -fno-omit-frame-pointer)
  target_link_options(tailor_settings INTERFACE -fsanitize=${TAILOR_SANITIZE})
endif()

add_library(tailor_warnings INTERFACE)
target_compile_options(tailor_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual
  -Wimplicit-fallthrough)
if(TAILOR_WERROR)
  target_compile_options(tailor_warnings INTERFACE -Werror)
endif()
