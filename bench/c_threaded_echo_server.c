/*
 * c_threaded_echo_server: the yardstick for chapter 5, a thread per client.
 *
 * The same service as ch05_echo_server --class ThreadingTCPServer (every
 * byte comes back ASCII upper-cased until the client closes), written the
 * way one writes it in C with nothing in between: accept, start a detached
 * thread that serves the client (recv, send, close), accept the next one.
 * What chapter 5's ThreadingMixIn adds to this (a thread object kept until
 * it is reaped, the request moved to it, errors caught on it, a poll
 * before each accept so that shutdown() can stop the loop) is held to
 * within 10% of it in requests per second and 25% in CPU per request.
 *
 * Usage: c_threaded_echo_server [--bind ADDRESS]   (default 127.0.0.1:9999)
 * ADDRESS is IPV4:PORT, or the path of a Unix socket when it holds a '/'
 * (the file must not exist; it is left behind). Prints "listening on
 * ADDRESS" once it listens, like the demos, so that the same load tool
 * drives both. Stops on SIGINT or SIGTERM without waiting for its clients.
 */
#define _GNU_SOURCE
#define ECHO_PROGRAM "c_threaded_echo_server"
#include <pthread.h>
#include <stdint.h>

#include "c_echo_common.h"

/* One client, start to end, on its own thread. The buffer is the thread's
 * own, on its stack: threads serve side by side. A page, not the 64 KiB
 * of the synchronous server: glibc hands the unused part of a finished
 * thread's stack back to the kernel, so a thread that reaches 64 KiB down
 * its stack faults a page in, and gives it back as it ends. Measured with
 * thread_load: one minor fault more per connection (1.35 instead of 0.36),
 * 60 us of CPU per connection instead of 44; a yardstick that slow would
 * flatter the demo. */
static void* serve(void* argument) {
    int connection = (int)(intptr_t)argument;
    char buffer[4096];
    echo_upper(connection, buffer, sizeof buffer);
    close(connection);
    return NULL;
}

int main(int argc, char** argv) {
    int listener = listen_per_client(argc, argv, "a thread");

    /* Detached: a thread's resources go back when it ends, nobody joins. */
    pthread_attr_t detached;
    pthread_attr_init(&detached);
    pthread_attr_setdetachstate(&detached, PTHREAD_CREATE_DETACHED);
    for (;;) {
        int connection = accept_client(listener);
        pthread_t thread;
        int error = pthread_create(&thread, &detached, serve, (void*)(intptr_t)connection);
        if (error != 0) {
            fprintf(stderr, ECHO_PROGRAM ": no thread for a client: %s\n", strerror(error));
            close(connection);
        }
    }
}
