/*
 * c_echo_server: the yardstick for the synchronous chapters.
 *
 * The same service as chNN_echo_server --class TCPServer (every byte comes
 * back ASCII upper-cased until the client closes), written the way one
 * writes it in C with nothing in between: accept, recv, send, close, one
 * client at a time. The chapters' servers are held to within 10% of it;
 * what they add (the hooks, the poll before each accept so that shutdown()
 * can stop the loop, the handler object) must stay that cheap.
 *
 * Usage: c_echo_server [--bind IPV4:PORT]      (default 127.0.0.1:9999)
 * Prints "listening on 127.0.0.1:PORT" once it listens, like the demos, so
 * that the same load tool drives both. Stops on SIGINT or SIGTERM.
 */
#define _GNU_SOURCE
#define ECHO_PROGRAM "c_echo_server"
#include <unistd.h>

#include "c_echo_common.h"

int main(int argc, char** argv) {
    const char* bind_text =
        bind_argument(argc, argv, "IPV4:PORT",
                      "Echoes every byte back upper-cased, one client at a time, until killed.\n");
    int listener = open_inet_listener(bind_text);

    /* Served on the accepting thread, as the chapters' TCPServer does. */
    static char buffer[64 * 1024];
    for (;;) {
        int connection = accept_client(listener);
        echo_upper(connection, buffer, sizeof buffer);
        close(connection);
    }
}
