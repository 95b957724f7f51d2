# The test docs.site: checks, in a site Doxygen has just written, what a
# reader relies on and a warning-free build does not prove.
#
#   cmake -D HTML=<site>/html -D PAGES=index,part-ch00,... \
#         -D TOPICS=SIGPIPE,TIME_WAIT,EINTR -P docs/check-site.cmake
#
# (Lists are given with commas: a semicolon would split the argument.)
#
# 1. Each page of the book (PAGES, in reading order) has its line of links,
#    pointing to the page before it and the page after it, and the front
#    page links to every part.
# 2. The search box finds each of TOPICS: Doxygen's client-side search only
#    knows the titles of pages and the names of code, so a topic is found
#    when some title in the index starts with it.
# 3. Every class page links back to the book (a part, or the demo contract).
# Every fault is listed before the script fails.

set(faults "")
macro(fault text)
  list(APPEND faults "${text}")
endmacro()

foreach(var HTML PAGES TOPICS)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check-site.cmake: -D ${var}=... is missing")
  endif()
endforeach()
string(REPLACE "," ";" PAGES "${PAGES}")
string(REPLACE "," ";" TOPICS "${TOPICS}")

# 1. Previous/next links.
list(LENGTH PAGES count)
math(EXPR last "${count} - 1")
foreach(i RANGE ${last})
  list(GET PAGES ${i} page)
  set(file ${HTML}/${page}.html)
  if(NOT EXISTS ${file})
    fault("${page}: no ${page}.html in the site")
    continue()
  endif()
  file(READ ${file} html)
  string(FIND "${html}" "<div class=\"course-nav\">" at)
  if(at EQUAL -1)
    fault("${page}.html: no line of previous/next links")
    continue()
  endif()
  string(SUBSTRING "${html}" ${at} -1 nav)
  string(FIND "${nav}" "</div>" end)
  string(SUBSTRING "${nav}" 0 ${end} nav)
  set(wanted "")
  if(i GREATER 0)
    math(EXPR j "${i} - 1")
    list(GET PAGES ${j} before)
    list(APPEND wanted "${before}")
  endif()
  if(i LESS last)
    math(EXPR j "${i} + 1")
    list(GET PAGES ${j} after)
    list(APPEND wanted "${after}")
  endif()
  foreach(target IN LISTS wanted)
    string(FIND "${nav}" "href=\"${target}.html\"" found)
    if(found EQUAL -1)
      fault("${page}.html: its links do not lead to ${target}.html")
    endif()
  endforeach()
endforeach()

# ...and the front page (its contents) links to every part.
if(EXISTS ${HTML}/index.html)
  file(READ ${HTML}/index.html html)
  foreach(page IN LISTS PAGES)
    if(NOT page STREQUAL "index")
      string(FIND "${html}" "href=\"${page}.html" found)
      if(found EQUAL -1)
        fault("index.html: the contents do not link to ${page}.html")
      endif()
    endif()
  endforeach()
endif()

# 2. The search index: Doxygen writes each title as a lower-case key in
#    search/all_*.js, with some characters spelled as _XX (hexadecimal).
file(GLOB index_files ${HTML}/search/all_*.js)
set(index "")
foreach(index_file IN LISTS index_files)
  file(READ ${index_file} text)
  string(APPEND index "${text}")
endforeach()
foreach(topic IN LISTS TOPICS)
  string(TOLOWER "${topic}" key)
  string(REPLACE "_" "_5f" key "${key}")
  string(REPLACE " " "_20" key "${key}")
  string(REPLACE "-" "_2d" key "${key}")
  string(FIND "${index}" "['${key}" found)
  if(found EQUAL -1)
    fault("the search box does not find \"${topic}\" (no key '${key}...' in search/all_*.js)")
  endif()
endforeach()

# 3. Class pages link back to the book.
file(GLOB class_pages ${HTML}/class*.html ${HTML}/struct*.html)
list(FILTER class_pages EXCLUDE REGEX "(-members|/classes)\\.html$")
if(NOT class_pages)
  fault("no class page in the site")
endif()
foreach(class_page IN LISTS class_pages)
  file(READ ${class_page} html)
  if(NOT html MATCHES "href=\"(part-ch[0-9][0-9]|demo-contract)\\.html")
    get_filename_component(name ${class_page} NAME)
    fault("${name}: no link to the part of the book that teaches it")
  endif()
endforeach()

if(faults)
  list(JOIN faults "\n  " text)
  message(FATAL_ERROR "the site lets its reader down:\n  ${text}")
endif()
list(LENGTH class_pages classes)
list(JOIN TOPICS ", " topics)
message(STATUS "site: ${count} pages of the book linked in order; "
               "the search finds ${topics}; ${classes} class pages link back to the book")
