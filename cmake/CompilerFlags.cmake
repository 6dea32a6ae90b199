# Compiler flags for every target of the project.
include_guard(GLOBAL)

# Warnings as errors. Beyond -Wall -Wextra -Wpedantic we enable the ones that have found
# real bugs in network code: shadowed locals, implicit fallthrough between switch cases,
# format strings, duplicated conditions/branches, logical-op slips, and missing
# declarations (a function that should have been static or in an anonymous namespace).
set(STAYALIVED_WARNINGS
  -Wall -Wextra -Wpedantic -Werror
  -Wshadow -Wnon-virtual-dtor -Wformat=2 -Wimplicit-fallthrough -Wundef
  -Wcast-align -Wmissing-declarations -Wredundant-decls
  # GCC 12 warns on designated initializers that leave members to their default member
  # initializers, which the code uses for large structs: off.
  -Wno-missing-field-initializers)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  list(APPEND STAYALIVED_WARNINGS -Wduplicated-cond -Wduplicated-branches -Wlogical-op)
endif()
add_compile_options("$<$<COMPILE_LANGUAGE:CXX>:${STAYALIVED_WARNINGS}>")

# Generated scanners and parsers are not ours to fix; the grammar directory relaxes a few
# warnings on those files only (see grammar/CMakeLists.txt).
set(STAYALIVED_GENERATED_CODE_FLAGS
  -Wno-sign-compare -Wno-unused-function -Wno-unused-parameter -Wno-missing-declarations
  -Wno-shadow -Wno-redundant-decls -Wno-null-dereference)

if(STAYALIVED_SANITIZE)
  add_compile_options(-fsanitize=${STAYALIVED_SANITIZE} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${STAYALIVED_SANITIZE})
endif()

if(STAYALIVED_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "stayalived: fuzz targets need clang (use the 'fuzz' preset; "
                        "Debian package 'clang')")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=address,undefined)
endif()
