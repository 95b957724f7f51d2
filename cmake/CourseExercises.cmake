# Every exercise of the course, made from one file: exercises/exercises.json.
#
# For each exercise (chapter chNN, name N) listed there, this creates:
#
#   chNN_exercise_N   the exercise's test built with the student's files from
#                     exercises/chNN/. Not part of the default build (a
#                     student's half-done work must not break everything
#                     else): build it with the target chNN_exercises or
#                     exercises. ctest names its tests exercise.chNN.N.<Case>,
#                     labels: exercise chNN ex_chNN_N (`./course check` runs
#                     `ctest -L ex_chNN_N`).
#   chNN_solution_N   the same test on solutions/chNN/, plus its _asan twin.
#                     Tests solution.chNN.N.<Case>, labels: solution chNN.
#   proof.chNN.N.stub_fails
#                     a ctest test that passes only if the untouched stub
#                     fails its tests (WILL_FAIL); a program that was not
#                     built fails it too. Labels: proof chNN.
#
# and, once per chapter, proof.chNN.given.<file> for every file the student
# is given rather than asked to edit (a header beside the exercises): its
# copies in exercises/chNN/ and solutions/chNN/ must be identical, or the
# solutions would be tested against other declarations than the stubs.
#
# A mistake in the metadata (a file that does not exist, a malformed name)
# stops the configure with a message naming the exercise.
#
# A student release (./course release) has no solutions/ folder: then
# there are no chNN_solution_N targets and no given-file proofs, and the
# stub proofs still stand.

set(COURSE_EXERCISES_JSON ${CMAKE_SOURCE_DIR}/exercises/exercises.json)

add_custom_target(exercises)

if(NOT EXISTS ${COURSE_EXERCISES_JSON})
  message(STATUS "No ${COURSE_EXERCISES_JSON}: no exercises")
  return()
endif()
# Editing the metadata configures again.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${COURSE_EXERCISES_JSON})
file(READ ${COURSE_EXERCISES_JSON} _course_json)
if(IS_DIRECTORY ${CMAKE_SOURCE_DIR}/solutions)
  set(COURSE_HAVE_SOLUTIONS TRUE)
else()
  set(COURSE_HAVE_SOLUTIONS FALSE)
  message(STATUS "No solutions/ folder (a student release): no solution tests")
endif()

# _course_json_get(<out> <what> <path>...): a value of the metadata, or a
# fatal error saying which exercise and which field are wrong.
function(_course_json_get out what)
  string(JSON value ERROR_VARIABLE error GET "${_course_json}" ${ARGN})
  if(error)
    message(FATAL_ERROR "exercises/exercises.json: ${what}: ${error}")
  endif()
  set(${out} "${value}" PARENT_SCOPE)
endfunction()

# _course_json_length(<out> <what> <path>...): the length of an array.
function(_course_json_length out what)
  string(JSON type ERROR_VARIABLE error TYPE "${_course_json}" ${ARGN})
  if(error)
    message(FATAL_ERROR "exercises/exercises.json: ${what}: ${error}")
  elseif(NOT type STREQUAL "ARRAY")
    message(FATAL_ERROR "exercises/exercises.json: ${what} must be an array")
  endif()
  string(JSON length LENGTH "${_course_json}" ${ARGN})
  set(${out} ${length} PARENT_SCOPE)
endfunction()

# _course_add_exercise(<index>): the targets and tests of one exercise.
function(_course_add_exercise index)
  math(EXPR number "${index} + 1")  # for people, who count from 1
  _course_json_get(chapter "exercise ${number}: \"chapter\"" exercises ${index} chapter)
  _course_json_get(name "exercise ${number}: \"name\"" exercises ${index} name)
  set(id "exercise ${number} (${chapter} ${name})")
  if(NOT chapter MATCHES "^ch[0-9][0-9]$")
    message(FATAL_ERROR "exercises/exercises.json: ${id}: \"chapter\" must look like ch01")
  endif()
  if(NOT name MATCHES "^[a-z_]+$")
    message(FATAL_ERROR "exercises/exercises.json: ${id}: \"name\" must be lower-case letters and _")
  endif()
  if(NOT chapter IN_LIST COURSE_PARTS)
    message(FATAL_ERROR "exercises/exercises.json: ${id}: ${chapter} is not in chapters/chapters.txt")
  endif()
  if(NOT TARGET ${chapter})
    message(FATAL_ERROR "exercises/exercises.json: ${id}: there is no library target ${chapter}")
  endif()
  if(TARGET ${chapter}_exercise_${name})
    message(FATAL_ERROR "exercises/exercises.json: ${id}: listed twice")
  endif()

  # The fields only the checker and the book read must still be there.
  foreach(field title book)
    _course_json_get(value "${id}: \"${field}\"" exercises ${index} ${field})
    if(value STREQUAL "")
      message(FATAL_ERROR "exercises/exercises.json: ${id}: \"${field}\" is empty")
    endif()
  endforeach()
  _course_json_length(hint_lines "${id}: \"hint\"" exercises ${index} hint)
  if(hint_lines EQUAL 0)
    message(FATAL_ERROR "exercises/exercises.json: ${id}: \"hint\" has no line")
  endif()

  _course_json_get(test "${id}: \"test\"" exercises ${index} test)
  if(NOT EXISTS ${CMAKE_SOURCE_DIR}/${test})
    message(FATAL_ERROR "exercises/exercises.json: ${id}: test file ${test} does not exist")
  endif()

  # The student's files, which exist under the same names in both folders.
  _course_json_length(file_count "${id}: \"files\"" exercises ${index} files)
  if(file_count EQUAL 0)
    message(FATAL_ERROR "exercises/exercises.json: ${id}: \"files\" lists no file")
  endif()
  set(exercise_files "")
  set(solution_files "")
  math(EXPR last "${file_count} - 1")
  foreach(f RANGE ${last})
    _course_json_get(file "${id}: file ${f}" exercises ${index} files ${f})
    set(kinds exercises)
    if(COURSE_HAVE_SOLUTIONS)
      list(APPEND kinds solutions)
    endif()
    foreach(kind IN LISTS kinds)
      if(NOT EXISTS ${CMAKE_SOURCE_DIR}/${kind}/${chapter}/${file})
        message(FATAL_ERROR
          "exercises/exercises.json: ${id}: ${kind}/${chapter}/${file} does not exist")
      endif()
    endforeach()
    list(APPEND exercise_files ${CMAKE_SOURCE_DIR}/exercises/${chapter}/${file})
    list(APPEND solution_files ${CMAKE_SOURCE_DIR}/solutions/${chapter}/${file})
    set_property(GLOBAL APPEND PROPERTY COURSE_EDITED_FILES_${chapter} ${file})
  endforeach()

  course_add_gtest(${chapter}_exercise_${name}
    PLAIN_ONLY EXCLUDE_FROM_ALL
    PREFIX "exercise.${chapter}.${name}."
    LABELS exercise ${chapter} ex_${chapter}_${name}
    INCLUDE ${CMAKE_SOURCE_DIR}/exercises/${chapter}
    LINKS ${chapter} test_support
    SOURCES ${CMAKE_SOURCE_DIR}/${test} ${exercise_files})

  if(COURSE_HAVE_SOLUTIONS)
    course_add_gtest(${chapter}_solution_${name}
      PREFIX "solution.${chapter}.${name}."
      LABELS solution ${chapter}
      INCLUDE ${CMAKE_SOURCE_DIR}/solutions/${chapter}
      LINKS ${chapter} test_support
      SOURCES ${CMAKE_SOURCE_DIR}/${test} ${solution_files})
  endif()

  # Runs the whole stub program: ctest counts it as passed only when the
  # program exits non-zero. A program that is missing ("Not Run"), crashes
  # or times out is a failure whatever WILL_FAIL says.
  add_test(NAME proof.${chapter}.${name}.stub_fails COMMAND ${chapter}_exercise_${name})
  set_tests_properties(proof.${chapter}.${name}.stub_fails PROPERTIES
    WILL_FAIL TRUE
    TIMEOUT 120
    LABELS "proof;${chapter}")

  if(NOT TARGET ${chapter}_exercises)
    add_custom_target(${chapter}_exercises)
    add_dependencies(exercises ${chapter}_exercises)
    set_property(GLOBAL APPEND PROPERTY COURSE_EXERCISE_CHAPTERS ${chapter})
  endif()
  add_dependencies(${chapter}_exercises ${chapter}_exercise_${name})
endfunction()

# _course_check_given_files(<chapter>): a proof test per given file.
function(_course_check_given_files chapter)
  get_property(edited GLOBAL PROPERTY COURSE_EDITED_FILES_${chapter})
  file(GLOB given CONFIGURE_DEPENDS
    RELATIVE ${CMAKE_SOURCE_DIR}/solutions/${chapter}
    ${CMAKE_SOURCE_DIR}/solutions/${chapter}/*)
  list(REMOVE_ITEM given ${edited})
  foreach(file IN LISTS given)
    set(exercise_copy ${CMAKE_SOURCE_DIR}/exercises/${chapter}/${file})
    if(NOT EXISTS ${exercise_copy})
      message(FATAL_ERROR "solutions/${chapter}/${file} is given to the student, "
        "but exercises/${chapter}/${file} does not exist: copy it there")
    endif()
    add_test(NAME proof.${chapter}.given.${file}
      COMMAND ${CMAKE_COMMAND} -E compare_files
        ${CMAKE_SOURCE_DIR}/solutions/${chapter}/${file} ${exercise_copy})
    set_tests_properties(proof.${chapter}.given.${file} PROPERTIES LABELS "proof;${chapter}")
  endforeach()
endfunction()

_course_json_length(_course_exercise_count "\"exercises\"" exercises)
if(_course_exercise_count GREATER 0)
  math(EXPR _course_last "${_course_exercise_count} - 1")
  foreach(_course_index RANGE ${_course_last})
    _course_add_exercise(${_course_index})
  endforeach()
endif()

if(COURSE_HAVE_SOLUTIONS)
  get_property(_course_chapters GLOBAL PROPERTY COURSE_EXERCISE_CHAPTERS)
  foreach(_course_chapter IN LISTS _course_chapters)
    _course_check_given_files(${_course_chapter})
  endforeach()
endif()
