/*
 * c_echo_common.h: what the three C yardsticks share (c_echo_server.c, one
 * client at a time; c_threaded_echo_server.c, a thread per client;
 * c_forking_echo_server.c, a process per client): their command line, a
 * listening socket (IPv4, or Unix for the last two), the accept loop's one
 * call and the upper-case echo of one client. Each server keeps only its
 * model.
 *
 * Static functions in a header, not a library: each server stays one
 * compiler call, and what it runs is all in front of the reader.
 *
 * The includer defines ECHO_PROGRAM, its name in messages, and
 * _GNU_SOURCE (for accept4) before any include.
 */
#ifndef C_ECHO_COMMON_H
#define C_ECHO_COMMON_H

#ifndef ECHO_PROGRAM
#error "define ECHO_PROGRAM (the program's name in messages) before including c_echo_common.h"
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void die(const char* what) {
    fprintf(stderr, ECHO_PROGRAM ": %s: %s\n", what, strerror(errno));
    exit(1);
}

/* The --bind operand, or the default 127.0.0.1:9999. --help (or -h)
 * prints the usage, `synopsis` being what follows --bind, then
 * `description`, and exits 0; anything else unexpected exits 2. */
static const char* bind_argument(int argc, char** argv, const char* synopsis,
                                 const char* description) {
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: " ECHO_PROGRAM " [--bind %s]   (default 127.0.0.1:9999)\n%s", synopsis,
               description);
        exit(0);
    }
    if (argc == 3 && strcmp(argv[1], "--bind") == 0) {
        return argv[2];
    }
    if (argc != 1) {
        fprintf(stderr, ECHO_PROGRAM ": unexpected '%s'; usage: " ECHO_PROGRAM " [--bind %s]\n",
                argv[1], synopsis);
        exit(2);
    }
    return "127.0.0.1:9999";
}

static int parse_inet(const char* text, struct sockaddr_in* address) {
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

/* A stream socket of `family` bound to `address` and listening, or the
 * program dies saying which step failed. */
static int listen_on(int family, const struct sockaddr* address, socklen_t length) {
    int listener = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener < 0) {
        die("socket");
    }
    if (bind(listener, address, length) != 0) {
        die("bind");
    }
    if (listen(listener, 128) != 0) {
        die("listen");
    }
    return listener;
}

/* Listens on IPV4:PORT and prints "listening on HOST:PORT" with the port
 * the kernel chose for 0, as the demos do: the load tools read it. */
static int open_inet_listener(const char* text) {
    struct sockaddr_in address;
    if (parse_inet(text, &address) != 0) {
        fprintf(stderr, ECHO_PROGRAM ": malformed address: %s\n", text);
        exit(2);
    }
    int listener = listen_on(AF_INET, (struct sockaddr*)&address, sizeof address);
    socklen_t length = sizeof address;
    getsockname(listener, (struct sockaddr*)&address, &length);
    char host[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &address.sin_addr, host, sizeof host);
    printf("listening on %s:%u\n", host, (unsigned)ntohs(address.sin_port));
    fflush(stdout);
    return listener;
}

/* Binds and listens on ADDRESS, IPV4:PORT or a Unix socket's path when it
 * holds a '/'; prints where. Inline: c_echo_server, IPv4 only, does not
 * call it, and an unused static function would be a warning. */
static inline int open_listener(const char* text) {
    if (strchr(text, '/') == NULL) {
        return open_inet_listener(text);
    }
    struct sockaddr_un address;
    memset(&address, 0, sizeof address);
    address.sun_family = AF_UNIX;
    if (strlen(text) >= sizeof address.sun_path) {
        fprintf(stderr, ECHO_PROGRAM ": path too long: %s\n", text);
        exit(2);
    }
    strcpy(address.sun_path, text);
    int listener = listen_on(AF_UNIX, (struct sockaddr*)&address, sizeof address);
    printf("listening on %s\n", text);
    fflush(stdout);
    return listener;
}

/* The command line of a server of `model` ("a thread", "a process") per
 * client, read as bind_argument() reads it, and the listener it asks for
 * (open_listener()). Inline for the reason open_listener() is. */
static inline int listen_per_client(int argc, char** argv, const char* model) {
    char description[256];
    snprintf(description, sizeof description,
             "Echoes every byte back upper-cased, %s per client, until killed.\n"
             "ADDRESS is IPV4:PORT, or a Unix socket's path when it holds a '/'.\n",
             model);
    return open_listener(bind_argument(argc, argv, "ADDRESS", description));
}

/* The next client's connection. Its address is asked for too, as every
 * chapter hands it to the handler: the yardstick pays what they pay. */
static int accept_client(int listener) {
    for (;;) {
        struct sockaddr_storage client;
        socklen_t client_length = sizeof client;
        int connection = accept4(listener, (struct sockaddr*)&client, &client_length, SOCK_CLOEXEC);
        if (connection >= 0) {
            return connection;
        }
        if (errno != EINTR && errno != ECONNABORTED) {
            die("accept");
        }
    }
}

static void upper(char* data, size_t length) {
    for (size_t i = 0; i < length; ++i) {
        if (data[i] >= 'a' && data[i] <= 'z') {
            data[i] = (char)(data[i] - 'a' + 'A');
        }
    }
}

/* One client, start to end, what the chapters' handle() does: every byte
 * back upper-cased, through `buffer`, until the client closes or resets
 * or a send fails. The caller closes the connection. */
static void echo_upper(int connection, char* buffer, size_t size) {
    for (;;) {
        ssize_t received = recv(connection, buffer, size, 0);
        if (received < 0 && errno == EINTR) {
            continue;
        }
        if (received <= 0) {
            return; /* end of stream, or the client reset */
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

#endif
