# The course's parts, read from the one list of them: chapters/chapters.txt.
#
# Sets, for the rest of the build:
#   COURSE_PARTS              every part, in order: ch00 ch01 ch02 ...
#   COURSE_CHAPTERS           the server chapters only (folders under chapters/)
#   COURSE_<id>_DIR           its code, relative to the repository's root
#   COURSE_<id>_NAMESPACE     its C++ namespace
#   COURSE_<id>_TITLE         its title in the book
#   COURSE_<id>_NUMBER        the part's number, as the book says it (1, not 01)
# and course_chapters_from(<id> <out>): the chapters from <id> on, for
# the tests of a feature that <id> introduced.

set(COURSE_CHAPTERS_FILE ${CMAKE_SOURCE_DIR}/chapters/chapters.txt)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${COURSE_CHAPTERS_FILE})

set(COURSE_PARTS "")
set(COURSE_CHAPTERS "")
file(STRINGS ${COURSE_CHAPTERS_FILE} _course_lines)
foreach(_course_line IN LISTS _course_lines)
  if(_course_line MATCHES "^[ \t]*(#|$)")
    continue()
  endif()
  if(NOT _course_line MATCHES "^(ch([0-9][0-9]))[ \t]+([^ \t]+)[ \t]+([^ \t]+)[ \t]+(.+)$")
    message(FATAL_ERROR "chapters/chapters.txt: cannot read the line \"${_course_line}\": "
                        "write it as: chNN  dir  namespace  title")
  endif()
  set(_id ${CMAKE_MATCH_1})
  math(EXPR _number "${CMAKE_MATCH_2}")  # 01 -> 1
  set(_dir ${CMAKE_MATCH_3})
  if(_id IN_LIST COURSE_PARTS)
    message(FATAL_ERROR "chapters/chapters.txt: ${_id} is listed twice")
  endif()
  if(NOT IS_DIRECTORY ${CMAKE_SOURCE_DIR}/${_dir})
    message(FATAL_ERROR "chapters/chapters.txt: ${_id}: there is no folder ${_dir}")
  endif()
  set(COURSE_${_id}_DIR ${_dir})
  set(COURSE_${_id}_NAMESPACE ${CMAKE_MATCH_4})
  set(COURSE_${_id}_TITLE "${CMAKE_MATCH_5}")
  set(COURSE_${_id}_NUMBER ${_number})
  list(APPEND COURSE_PARTS ${_id})
  if(_dir MATCHES "^chapters/")
    list(APPEND COURSE_CHAPTERS ${_id})
  endif()
endforeach()

# course_chapters_from(<id> <out>): <id> and every chapter after it.
function(course_chapters_from first out)
  set(result "")
  # Not named "on": if(on) tests the constant ON, which is always true.
  set(reached FALSE)
  foreach(id IN LISTS COURSE_CHAPTERS)
    if(id STREQUAL first)
      set(reached TRUE)
    endif()
    if(reached)
      list(APPEND result ${id})
    endif()
  endforeach()
  if(NOT reached)
    message(FATAL_ERROR "course_chapters_from: ${first} is not in chapters/chapters.txt")
  endif()
  set(${out} ${result} PARENT_SCOPE)
endfunction()
