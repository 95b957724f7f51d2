/*
 * c_forking_echo_server: the yardstick for chapter 6, a process per client.
 *
 * The same service as ch06_echo_server --class ForkingTCPServer (every
 * byte comes back ASCII upper-cased until the client closes), written the
 * way one writes it in C with nothing in between: accept, fork; the child
 * serves the client (recv, send) and ends with _exit(); the parent closes
 * its copy of the connection and accepts the next one. What chapter 6's
 * ForkingMixIn adds to this (the children's pids kept in a set and
 * collected on each pass of the loop, the request handed to a handler
 * object, errors caught in the child, the parent's descriptors closed in
 * the child, a poll before each accept so that shutdown() can stop the
 * loop) is held to within 10% of it in requests per second and 25% in CPU
 * per request.
 *
 * The children are collected with waitpid() in a SIGCHLD handler, as soon
 * as each one ends, and not by setting SIGCHLD to SIG_IGN (which would
 * spare the zombies too): the kernel adds a child's CPU time to its
 * parent's (cutime and cstime in /proc/PID/stat) only when the parent
 * collects it with wait, and that is where the benchmark reads what a
 * forking server costs. A server that let the kernel discard its children
 * would look as if serving cost it nothing.
 *
 * Usage: c_forking_echo_server [--bind ADDRESS]   (default 127.0.0.1:9999)
 * ADDRESS is IPV4:PORT, or the path of a Unix socket when it holds a '/'
 * (the file must not exist; it is left behind). Prints "listening on
 * ADDRESS" once it listens, like the demos, so that the same load tool
 * drives both. Stops on SIGINT or SIGTERM; a child still serving a client
 * goes on until that client closes.
 */
#define _GNU_SOURCE
#define ECHO_PROGRAM "c_forking_echo_server"
#include <signal.h>
#include <sys/wait.h>

#include "c_echo_common.h"

/* Every child that has ended, collected; none is left a zombie. One
 * SIGCHLD may stand for several children (signals do not queue), hence
 * the loop. errno is the interrupted code's: kept as it was. */
static void collect_children(int signal_number) {
    (void)signal_number;
    int saved = errno;
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
    errno = saved;
}

/* One client, start to end, in the child. A stack buffer of a page: the
 * child touches one page of stack, and copying a page on write is part
 * of what a fork costs, in this server and in the demo alike. */
static void serve(int connection) {
    char buffer[4096];
    echo_upper(connection, buffer, sizeof buffer);
    close(connection);
}

int main(int argc, char** argv) {
    int listener = listen_per_client(argc, argv, "a process");

    /* SA_RESTART: an accept() that the signal interrupts starts again. */
    struct sigaction on_child;
    memset(&on_child, 0, sizeof on_child);
    on_child.sa_handler = collect_children;
    sigemptyset(&on_child.sa_mask);
    on_child.sa_flags = SA_RESTART | SA_NOCLDSTOP;
    if (sigaction(SIGCHLD, &on_child, NULL) != 0) {
        die("sigaction");
    }

    for (;;) {
        int connection = accept_client(listener);
        pid_t child = fork();
        if (child == 0) {
            close(listener); /* the parent's; the port must not outlive it here */
            serve(connection);
            _exit(0); /* not exit(): nothing of the parent's runs twice */
        }
        if (child < 0) {
            fprintf(stderr, ECHO_PROGRAM ": no process for a client: %s\n", strerror(errno));
        }
        close(connection); /* the child's now */
    }
}
