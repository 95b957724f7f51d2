# How every target of the course is built.
#
# Each library and test program exists twice in one build tree: the plain
# one, and a twin named <name>_asan built with AddressSanitizer and
# UndefinedBehaviorSanitizer. One `ctest` run then covers both, with one
# summary line. COURSE_SANITIZERS=OFF (the "quick" preset) skips the twins.

option(COURSE_SANITIZERS "Also build and test every target under ASan+UBSan" ON)
# The "tsan" preset (CI): the plain targets themselves built with
# ThreadSanitizer, which cannot share a program with AddressSanitizer.
option(COURSE_TSAN "Build the plain targets with ThreadSanitizer" OFF)
if(COURSE_TSAN AND COURSE_SANITIZERS)
  message(FATAL_ERROR "COURSE_TSAN needs COURSE_SANITIZERS=OFF: "
                      "ThreadSanitizer and AddressSanitizer do not mix (use the preset tsan)")
endif()

set(COURSE_WARNINGS -Wall -Wextra -Wpedantic -Werror)
set(COURSE_ASAN_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
set(COURSE_TSAN_FLAGS -fsanitize=thread -fno-omit-frame-pointer)

# What `./course setup` builds (target `plain`): every library and program
# of the plain variant, without the test programs and without the sanitizer
# twins, which only `./course test` needs. Each course_add_* below adds its
# plain target here; course_add_plain_target() makes the target at the end.
set_property(GLOBAL PROPERTY COURSE_PLAIN_TARGETS "")

# The variants to build: "plain", and "asan" for the sanitized twins.
set(COURSE_VARIANTS plain)
if(COURSE_SANITIZERS)
  list(APPEND COURSE_VARIANTS asan)
endif()

# The suffix a variant adds to target names: none for plain, _asan for asan.
function(_course_suffix variant out)
  if(variant STREQUAL "plain")
    set(${out} "" PARENT_SCOPE)
  else()
    set(${out} "_${variant}" PARENT_SCOPE)
  endif()
endfunction()

function(_course_apply_variant target variant)
  target_compile_options(${target} PRIVATE ${COURSE_WARNINGS})
  if(variant STREQUAL "asan")
    target_compile_options(${target} PRIVATE ${COURSE_ASAN_FLAGS})
    target_link_options(${target} PRIVATE ${COURSE_ASAN_FLAGS})
  elseif(COURSE_TSAN)
    target_compile_options(${target} PRIVATE ${COURSE_TSAN_FLAGS})
    target_link_options(${target} PRIVATE ${COURSE_TSAN_FLAGS})
  endif()
endfunction()

# Links a target of one variant and gives it that variant's flags. A course
# library in <links> is linked as its twin of the same variant (common_asan
# into ch01_asan); anything else (GTest::gtest) as it is.
function(_course_finish target variant scope links)
  _course_suffix(${variant} sfx)
  foreach(lib IN LISTS links)
    if(TARGET ${lib}${sfx})
      target_link_libraries(${target} ${scope} ${lib}${sfx})
    else()
      target_link_libraries(${target} ${scope} ${lib})
    endif()
  endforeach()
  _course_apply_variant(${target} ${variant})
endfunction()

# course_add_library(<name> SOURCES ... [INCLUDE <dir>] [LINKS <lib>...])
# A static library and its twin; LINKS names course libraries (their twins
# are linked into the twin) or imported targets (linked as they are).
function(course_add_library name)
  cmake_parse_arguments(ARG "" "INCLUDE" "SOURCES;LINKS" ${ARGN})
  foreach(variant IN LISTS COURSE_VARIANTS)
    _course_suffix(${variant} sfx)
    add_library(${name}${sfx} STATIC ${ARG_SOURCES})
    if(ARG_INCLUDE)
      target_include_directories(${name}${sfx} PUBLIC ${ARG_INCLUDE})
    endif()
    _course_finish(${name}${sfx} ${variant} PUBLIC "${ARG_LINKS}")
  endforeach()
  set_property(GLOBAL APPEND PROPERTY COURSE_PLAIN_TARGETS ${name})
endfunction()

# course_add_program(<name> SOURCES ... LINKS ... [PLAIN_ONLY] [EXCLUDE_FROM_ALL])
# A program and its twin (<name>_asan), both in build/bin; PLAIN_ONLY: no twin.
# EXCLUDE_FROM_ALL: built only when asked for (a student's exercise, which
# must not break the build of everything else). TEST: a test program, left
# out of the `plain` target.
function(course_add_program name)
  cmake_parse_arguments(ARG "PLAIN_ONLY;EXCLUDE_FROM_ALL;TEST" "" "SOURCES;LINKS" ${ARGN})
  set(variants ${COURSE_VARIANTS})
  if(ARG_PLAIN_ONLY)
    set(variants plain)
  endif()
  set(exclude "")
  if(ARG_EXCLUDE_FROM_ALL)
    set(exclude EXCLUDE_FROM_ALL)
  endif()
  foreach(variant IN LISTS variants)
    _course_suffix(${variant} sfx)
    add_executable(${name}${sfx} ${exclude} ${ARG_SOURCES})
    _course_finish(${name}${sfx} ${variant} PRIVATE "${ARG_LINKS}")
  endforeach()
  if(NOT ARG_EXCLUDE_FROM_ALL AND NOT ARG_TEST)
    set_property(GLOBAL APPEND PROPERTY COURSE_PLAIN_TARGETS ${name})
  endif()
endfunction()

# course_add_gtest(<name> SOURCES ... [LINKS ...] [PREFIX <p>] [LABELS ...]
#                  [INCLUDE <dir>...] [PLAIN_ONLY] [EXCLUDE_FROM_ALL])
# A GoogleTest program and its twin. Each test case becomes one ctest test
# named <PREFIX><Suite>.<Case> (the twin's: asan.<PREFIX>...), labelled with
# LABELS (the twin also with "asan"), so `ctest -L ch01` picks a chapter.
# PLAIN_ONLY: no sanitized twin. EXCLUDE_FROM_ALL: see course_add_program;
# until the program is built, ctest shows one failing <name>_NOT_BUILT test
# with the same labels, so that "not built" never reads as "passed".
function(course_add_gtest name)
  cmake_parse_arguments(ARG "PLAIN_ONLY;EXCLUDE_FROM_ALL" "PREFIX" "SOURCES;LINKS;LABELS;INCLUDE" ${ARGN})
  set(variants ${COURSE_VARIANTS})
  set(options "")
  if(ARG_PLAIN_ONLY)
    set(variants plain)
    list(APPEND options PLAIN_ONLY)
  endif()
  if(ARG_EXCLUDE_FROM_ALL)
    list(APPEND options EXCLUDE_FROM_ALL)
  endif()
  course_add_program(${name} TEST SOURCES ${ARG_SOURCES} LINKS ${ARG_LINKS} GTest::gtest_main ${options})
  foreach(variant IN LISTS variants)
    _course_suffix(${variant} sfx)
    set(target ${name}${sfx})
    set(prefix "${ARG_PREFIX}")
    set(labels ${ARG_LABELS})
    if(variant STREQUAL "asan")
      set(prefix "asan.${prefix}")
      list(APPEND labels asan)
    endif()
    if(ARG_INCLUDE)
      target_include_directories(${target} PRIVATE ${ARG_INCLUDE})
    endif()
    gtest_discover_tests(${target}
      TEST_PREFIX "${prefix}"
      TEST_LIST ${target}_TESTS
      DISCOVERY_TIMEOUT 30
      PROPERTIES TIMEOUT 60)
    # Labels are set by a file ctest reads after the discovered tests: a
    # list passed through gtest_discover_tests' PROPERTIES is split into
    # separate arguments and all labels but the first are lost.
    set(label_file ${CMAKE_CURRENT_BINARY_DIR}/${target}_labels.cmake)
    file(WRITE ${label_file}
      "if(${target}_TESTS)\n"
      "  set_tests_properties(\${${target}_TESTS} PROPERTIES LABELS \"${labels}\")\n"
      "else()\n"
      "  # Not built yet: GoogleTest put a failing ${target}_NOT_BUILT in the tests' place.\n"
      "  set_tests_properties(${target}_NOT_BUILT PROPERTIES LABELS \"${labels}\")\n"
      "endif()\n")
    set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${label_file})
  endforeach()
endfunction()

# course_add_plain_target(): the target `plain`, once every course_add_* has
# run (the top-level CMakeLists.txt calls it last).
function(course_add_plain_target)
  get_property(targets GLOBAL PROPERTY COURSE_PLAIN_TARGETS)
  add_custom_target(plain)
  add_dependencies(plain ${targets})
endfunction()
