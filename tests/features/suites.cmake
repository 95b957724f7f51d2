# The feature suites, and from which chapter on each one runs: the one
# place that says so.
#
# A chapter is a snapshot: its code is a copy of the chapter before, changed
# where its topic needs it. So a feature's tests are written once, as a
# GoogleTest typed suite in a header of this folder (TYPED_TEST_SUITE_P over
# a server class), and run against every chapter from the one that brought
# the feature in: chapter 1's TCPServer suites test the TCPServer of chapters
# 1, 2, 3 and every later one. A chapter's own folder, tests/chNN, holds its
# glue (chapter.hpp: its classes, as test::ChapterServers) and the tests of
# what is new in it.
#
# course_feature_suite(<Suite> HEADER <file> FROM <chNN> [UNTIL <chNN>] OVER <list> [AS <name>])
#   <Suite>  the TYPED_TEST_SUITE_P's name; ctest shows chNN.<Suite>.<Test><class>
#   HEADER   its header, in tests/features/
#   FROM     the chapter that introduced the feature
#   UNTIL    the last chapter it holds for, when a later one changed it on
#            purpose (the book says why); none: every chapter from FROM on
#   OVER     which of the chapter's lists of classes it runs on (the lists of
#            test::ServerClasses: All, Synchronous, Tcp, Stream, Datagram,
#            Inet, Unix; from chapter 5 on also Threading, ThreadingStream,
#            ThreadingDatagram; from chapter 6 on Forking and its kinds,
#            ForkingTcp, ForkingStream...). From chapter 5 on, All and each kind's
#            list hold the Threading classes too, whose handler runs on a
#            thread of its own: a suite takes Synchronous when what it
#            checks holds only where the handler has finished when
#            handle_request() returns, and says why.
#   AS       the instantiation's name (default: the suite's own), for a
#            suite registered a second time over another list: the Forking
#            classes get the earlier suites that look only from the
#            client's side that way (see the end of this file).
#
# course_chapter_tests(SOURCES <own tests>...), called by tests/chNN/CMakeLists.txt:
#   the chapter's one test program, chNN_tests (and its sanitizer twin): its
#   own tests, plus one generated source per suite that applies to it, which
#   includes the glue and instantiates the suite over the chapter's list.
#   Adding a chapter is its tests/chNN folder (chapter.hpp, CMakeLists.txt,
#   its new tests); every earlier suite then runs on it with no line added.

set_property(GLOBAL PROPERTY COURSE_FEATURE_SUITES "")

function(course_feature_suite suite)
  cmake_parse_arguments(ARG "" "HEADER;FROM;UNTIL;OVER;AS" "" ${ARGN})
  if(NOT ARG_HEADER OR NOT ARG_FROM OR NOT ARG_OVER)
    message(FATAL_ERROR "course_feature_suite(${suite}): HEADER, FROM and OVER are all needed")
  endif()
  if(NOT EXISTS ${CMAKE_CURRENT_LIST_DIR}/${ARG_HEADER})
    message(FATAL_ERROR "course_feature_suite(${suite}): no tests/features/${ARG_HEADER}")
  endif()
  # Fails here, naming the suite, if FROM is not a chapter of chapters.txt.
  course_chapters_from(${ARG_FROM} chapters)
  if(ARG_UNTIL)
    course_chapters_from(${ARG_UNTIL} after)
    list(REMOVE_ITEM after ${ARG_UNTIL})
    if(after)
      list(REMOVE_ITEM chapters ${after})
    endif()
  endif()
  if(NOT ARG_AS)
    set(ARG_AS ${suite})
  endif()
  # One entry of the global list per suite: its fields joined by "|".
  string(REPLACE ";" "|" chapters "${chapters}")
  set_property(GLOBAL APPEND PROPERTY COURSE_FEATURE_SUITES
    "${suite}|${ARG_HEADER}|${ARG_OVER}|${ARG_AS}|${chapters}")
endfunction()

course_feature_suite(EveryServer       HEADER every_server_suite.hpp    FROM ch01 OVER All)
course_feature_suite(OneAtATime        HEADER one_at_a_time_suite.hpp   FROM ch01 OVER Synchronous)
course_feature_suite(TCPServer         HEADER tcp_server_suite.hpp      FROM ch01 OVER Tcp)
course_feature_suite(ServeForever      HEADER serve_forever_suite.hpp   FROM ch01 OVER Tcp)
course_feature_suite(Shutdown          HEADER serve_forever_suite.hpp   FROM ch01 OVER Tcp)
course_feature_suite(HandleRequest     HEADER handle_request_suite.hpp  FROM ch01 OVER Tcp)
course_feature_suite(Handlers          HEADER handler_suite.hpp         FROM ch01 OVER Tcp)
course_feature_suite(Errors            HEADER errors_suite.hpp          FROM ch01 OVER Tcp)
course_feature_suite(ReportsAnything   HEADER errors_suite.hpp          FROM ch01 UNTIL ch02 OVER Tcp)
course_feature_suite(AddressKinds      HEADER address_kinds_suite.hpp   FROM ch02 OVER All)
course_feature_suite(StreamServer      HEADER stream_server_suite.hpp   FROM ch02 OVER Stream)
course_feature_suite(DatagramServer    HEADER datagram_suite.hpp        FROM ch02 OVER Datagram)
course_feature_suite(UnixServer        HEADER unix_suite.hpp            FROM ch02 OVER Unix)
course_feature_suite(UnixStreamClients   HEADER unix_clients_suite.hpp  FROM ch02 OVER UnixStream)
course_feature_suite(UnixDatagramClients HEADER unix_clients_suite.hpp  FROM ch02 OVER UnixDatagram)
course_feature_suite(UdpIpv6           HEADER ipv6_suite.hpp            FROM ch02 OVER Udp)
course_feature_suite(StreamRequest     HEADER request_suite.hpp         FROM ch02 OVER Tcp)
course_feature_suite(DatagramRequest   HEADER request_suite.hpp         FROM ch02 OVER Tcp)
course_feature_suite(RequestAssignment HEADER request_suite.hpp         FROM ch02 OVER Tcp)
course_feature_suite(HandlerLifecycle  HEADER lifecycle_suite.hpp       FROM ch03 OVER All)
# SystemExit from handle() leaves handle_request() only where the handler
# runs on its thread; a Threading server ends it on the request's thread
# (ThreadingServer.SystemExitInAHandler...).
course_feature_suite(SystemExitFromHandle HEADER lifecycle_suite.hpp    FROM ch03 OVER Synchronous)
course_feature_suite(VerifyRequest     HEADER verify_request_suite.hpp  FROM ch03 OVER All)
# What leaves the serving call (SystemExit, a non-std exception) is the
# synchronous servers' policy: a Threading server handles what its handler
# throws on the request's thread (ThreadingServer suite).
course_feature_suite(ErrorPolicy       HEADER error_policy_suite.hpp    FROM ch03 OVER Synchronous)
course_feature_suite(ServingLoop       HEADER serving_loop_suite.hpp    FROM ch03 OVER All)
# service_actions() after the request's last hook: a Threading server's
# loop calls it while the request's thread may still run.
course_feature_suite(ServiceActionsAfterTheRequest HEADER serving_loop_suite.hpp FROM ch03 OVER Synchronous)
course_feature_suite(AllowReusePort               HEADER bind_options_suite.hpp FROM ch03 OVER Inet)
course_feature_suite(AllowReusePortOnUnix         HEADER bind_options_suite.hpp FROM ch03 OVER Unix)
course_feature_suite(OptionsBeforeBinding         HEADER bind_options_suite.hpp FROM ch03 OVER All)
course_feature_suite(DatagramOptionsBeforeBinding HEADER bind_options_suite.hpp FROM ch03 OVER Datagram)
course_feature_suite(ListenBacklog                HEADER bind_options_suite.hpp FROM ch03 OVER Stream)

# Chapter 4: buffered streams.
course_feature_suite(BufferedReader    HEADER buffered_reader_suite.hpp FROM ch04 OVER Tcp)
course_feature_suite(SocketIO          HEADER buffered_reader_suite.hpp FROM ch04 OVER Tcp)
course_feature_suite(SocketWriter      HEADER socket_writer_suite.hpp   FROM ch04 OVER Tcp)
course_feature_suite(StreamHandler                   HEADER stream_handler_suite.hpp   FROM ch04 OVER Stream)
course_feature_suite(StreamHandlerOverTcp            HEADER stream_handler_suite.hpp   FROM ch04 OVER Tcp)
course_feature_suite(StreamHandlerOverUnixStream     HEADER stream_handler_suite.hpp   FROM ch04 OVER UnixStream)
course_feature_suite(DatagramHandler                 HEADER datagram_handler_suite.hpp FROM ch04 OVER Datagram)
course_feature_suite(DatagramHandlerOverUnixDatagram HEADER datagram_handler_suite.hpp FROM ch04 OVER UnixDatagram)

# Chapter 5: a thread per request.
course_feature_suite(ThreadingServer         HEADER threading_mixin_suite.hpp FROM ch05 OVER Threading)
course_feature_suite(ThreadingStreamServer   HEADER threading_mixin_suite.hpp FROM ch05 OVER ThreadingStream)
course_feature_suite(ThreadingDatagramServer HEADER threading_mixin_suite.hpp FROM ch05 OVER ThreadingDatagram)

# Chapter 6: a process per request. The handler runs in a child, so these
# look from outside it (answers, pids, /proc, exit statuses); All and the
# kinds' lists keep the eight classes whose handler runs in the test's
# process.
course_feature_suite(ForkingServer         HEADER forking_mixin_suite.hpp FROM ch06 OVER Forking)
course_feature_suite(ForkingStreamServer   HEADER forking_mixin_suite.hpp FROM ch06 OVER ForkingStream)
course_feature_suite(ForkingDatagramServer HEADER forking_mixin_suite.hpp FROM ch06 OVER ForkingDatagram)

# The Forking classes also run the earlier suites that look only from the
# client's side (replies, sockets, options, the serving calls); the others
# read what a handler recorded, which stays in the child's copy of memory,
# and the Forking suites above test those promises from outside instead.
course_feature_suite(TCPServer            HEADER tcp_server_suite.hpp     FROM ch06 OVER ForkingTcp        AS Forking)
course_feature_suite(ServeForever         HEADER serve_forever_suite.hpp  FROM ch06 OVER ForkingTcp        AS Forking)
course_feature_suite(HandleRequest        HEADER handle_request_suite.hpp FROM ch06 OVER ForkingTcp        AS Forking)
course_feature_suite(StreamServer         HEADER stream_server_suite.hpp  FROM ch06 OVER ForkingStream     AS Forking)
course_feature_suite(DatagramServer       HEADER datagram_suite.hpp       FROM ch06 OVER ForkingDatagram   AS Forking)
course_feature_suite(UnixServer           HEADER unix_suite.hpp           FROM ch06 OVER ForkingUnix       AS Forking)
course_feature_suite(UnixStreamClients    HEADER unix_clients_suite.hpp   FROM ch06 OVER ForkingUnixStream AS Forking)
course_feature_suite(AddressKinds         HEADER address_kinds_suite.hpp  FROM ch06 OVER Forking           AS Forking)
course_feature_suite(StreamRequest        HEADER request_suite.hpp        FROM ch06 OVER ForkingTcp        AS Forking)
course_feature_suite(DatagramRequest      HEADER request_suite.hpp        FROM ch06 OVER ForkingTcp        AS Forking)
course_feature_suite(RequestAssignment    HEADER request_suite.hpp        FROM ch06 OVER ForkingTcp        AS Forking)
course_feature_suite(AllowReusePort       HEADER bind_options_suite.hpp   FROM ch06 OVER ForkingInet       AS Forking)
course_feature_suite(AllowReusePortOnUnix HEADER bind_options_suite.hpp   FROM ch06 OVER ForkingUnix       AS Forking)
course_feature_suite(OptionsBeforeBinding HEADER bind_options_suite.hpp   FROM ch06 OVER Forking           AS Forking)
course_feature_suite(DatagramOptionsBeforeBinding HEADER bind_options_suite.hpp FROM ch06 OVER ForkingDatagram AS Forking)
course_feature_suite(ListenBacklog        HEADER bind_options_suite.hpp   FROM ch06 OVER ForkingStream     AS Forking)
course_feature_suite(StreamHandlerOverTcp HEADER stream_handler_suite.hpp FROM ch06 OVER ForkingTcp        AS Forking)

# course_chapter_tests(SOURCES ...): see above. The chapter is the folder's
# name (tests/ch03 -> ch03).
function(course_chapter_tests)
  cmake_parse_arguments(ARG "" "" "SOURCES" ${ARGN})
  get_filename_component(chapter ${CMAKE_CURRENT_SOURCE_DIR} NAME)
  if(NOT chapter IN_LIST COURSE_CHAPTERS)
    message(FATAL_ERROR "tests/${chapter}: not a chapter of chapters/chapters.txt")
  endif()
  set(namespace ${COURSE_${chapter}_NAMESPACE})
  get_property(suites GLOBAL PROPERTY COURSE_FEATURE_SUITES)
  # One source per header, holding every suite of that header that applies:
  # each source compiles GoogleTest and the helpers once.
  set(headers "")
  foreach(entry IN LISTS suites)
    string(REPLACE "|" ";" fields "${entry}")
    list(GET fields 0 suite)
    list(GET fields 1 header)
    list(GET fields 2 over)
    list(GET fields 3 as)
    list(SUBLIST fields 4 -1 chapters)
    if(chapter IN_LIST chapters)
      if(NOT header IN_LIST headers)
        list(APPEND headers ${header})
      endif()
      string(APPEND lines_${header}
        "INSTANTIATE_TYPED_TEST_SUITE_P(${as}, ${suite}, ChapterServers<${namespace}::BaseServer>::${over});\n")
    else()
      # A suite of a header this chapter includes for others, which ended
      # before it (UNTIL): GoogleTest would report it as never instantiated.
      string(APPEND skipped_${header} "GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(${suite});\n")
    endif()
  endforeach()
  set(generated "")
  foreach(header IN LISTS headers)
    string(REGEX REPLACE "\\.hpp$" ".cpp" name ${header})
    set(file ${CMAKE_CURRENT_BINARY_DIR}/features/${name})
    # Rewritten only when it changes, so a configure does not rebuild every
    # test program.
    file(CONFIGURE OUTPUT ${file} CONTENT
"// Generated from tests/features/suites.cmake: ${header}'s suites on ${chapter}.
#include \"chapter.hpp\"
#include \"features/${header}\"

namespace sockserv::test {
${lines_${header}}${skipped_${header}}}  // namespace sockserv::test
")
    list(APPEND generated ${file})
  endforeach()
  # The suites are compiled without optimisation: they are most of the
  # course's build (each is compiled for every chapter, and again under the
  # sanitizers), and -O2 made each one 3 to 6 times slower to compile
  # (measured: 14 s -> 6 s plain, 57 s -> 10 s under ASan, for EveryServer on
  # ch03) for tests that spend their time waiting on sockets. The code under
  # test, the chapter's library, keeps the build type's optimisation.
  set_source_files_properties(${generated} PROPERTIES COMPILE_OPTIONS -O0)
  course_add_gtest(${chapter}_tests
    PREFIX "${chapter}."
    LABELS ${chapter} chapter
    LINKS ${chapter} test_support
    INCLUDE ${CMAKE_CURRENT_SOURCE_DIR} ${PROJECT_SOURCE_DIR}/tests
    SOURCES ${ARG_SOURCES} ${generated})
endfunction()
