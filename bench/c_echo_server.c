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
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void die(const char* what) {
    fprintf(stderr, "c_echo_server: %s: %s\n", what, strerror(errno));
    exit(1);
}

static int parse_bind(const char* text, struct sockaddr_in* address) {
    char host[64];
    const char* colon = strrchr(text, ':');
    if (colon == NULL || (size_t)(colon - text) >= sizeof host) {
        return -1;
    }
    memcpy(host, text, (size_t)(colon - text));
    host[colon - text] = '\0';
    char* end;
    long port = strtol(colon + 1, &end, 10);
    if (*end != '\0' || port < 0 || port > 65535) {
        return -1;
    }
    memset(address, 0, sizeof *address);
    address->sin_family = AF_INET;
    address->sin_port = htons((unsigned short)port);
    return inet_pton(AF_INET, host, &address->sin_addr) == 1 ? 0 : -1;
}

static void upper(char* data, size_t length) {
    for (size_t i = 0; i < length; ++i) {
        if (data[i] >= 'a' && data[i] <= 'z') {
            data[i] = (char)(data[i] - 'a' + 'A');
        }
    }
}

/* One client, start to end: what the chapters' handle() does. */
static void serve(int connection) {
    static char buffer[64 * 1024];
    for (;;) {
        ssize_t received = recv(connection, buffer, sizeof buffer, 0);
        if (received < 0 && errno == EINTR) {
            continue;
        }
        if (received <= 0) {
            return; /* end of stream, or the client reset: next client */
        }
        upper(buffer, (size_t)received);
        for (ssize_t sent = 0; sent < received;) {
            ssize_t n = send(connection, buffer + sent, (size_t)(received - sent), MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n < 0) {
                return;
            }
            sent += n;
        }
    }
}

int main(int argc, char** argv) {
    const char* bind_text = "127.0.0.1:9999";
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: c_echo_server [--bind IPV4:PORT]   (default 127.0.0.1:9999)\n"
               "Echoes every byte back upper-cased, one client at a time, until killed.\n");
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "--bind") == 0) {
        bind_text = argv[2];
    } else if (argc != 1) {
        fprintf(stderr, "c_echo_server: unexpected '%s'; usage: c_echo_server [--bind IPV4:PORT]\n",
                argv[1]);
        return 2;
    }
    struct sockaddr_in address;
    if (parse_bind(bind_text, &address) != 0) {
        fprintf(stderr, "c_echo_server: malformed address: %s\n", bind_text);
        return 2;
    }
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener < 0) {
        die("socket");
    }
    if (bind(listener, (struct sockaddr*)&address, sizeof address) != 0) {
        die("bind");
    }
    if (listen(listener, 128) != 0) {
        die("listen");
    }
    socklen_t length = sizeof address;
    getsockname(listener, (struct sockaddr*)&address, &length);
    char host[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &address.sin_addr, host, sizeof host);
    printf("listening on %s:%u\n", host, (unsigned)ntohs(address.sin_port));
    fflush(stdout);

    for (;;) {
        /* The client's address too, as every chapter hands it to the handler. */
        struct sockaddr_storage client;
        socklen_t client_length = sizeof client;
        int connection = accept4(listener, (struct sockaddr*)&client, &client_length, SOCK_CLOEXEC);
        if (connection < 0) {
            if (errno == EINTR || errno == ECONNABORTED) {
                continue;
            }
            die("accept");
        }
        serve(connection);
        close(connection);
    }
}
