#!/usr/bin/env python3
"""The book's "Watching every hook", run for real: ch03_lifecycle_trace must
print the hooks in the order Part 3 shows, for the four clients it uses.

Usage: lifecycle_trace.py PATH/TO/ch03_lifecycle_trace
"""

import errno
import socket
import subprocess
import sys

TIME_LIMIT = 20  # seconds, for any one step

SERVED = [
    "verify_request(): true",
    "process_request()",
    "finish_request(): makes the handler, calls run()",
    "setup()",
    "handle()",
    "finish()",
]

EXPECTED = (
    # an ordinary client
    ["get_request(): CLIENT"] + SERVED + ["shutdown_request()", "close_request()", "service_actions()"]
    # a client from 127.0.0.2, outside the allow-list: no handler at all
    + ["get_request(): CLIENT", "verify_request(): false", "shutdown_request()", "close_request()",
       "service_actions()"]
    # "fail": finish() runs before handle_error() hears of it
    + ["get_request(): CLIENT"] + SERVED
    + ["handle_error():", "shutdown_request()", "close_request()", "service_actions()"]
    # "quit": SystemExit leaves the loop, so no service_actions() after it
    + ["get_request(): CLIENT"] + SERVED
    + ["shutdown_request()", "close_request()", "SystemExit{3} left the serving loop"]
)


def fail(message):
    print("FAIL:", message)
    sys.exit(1)


def client(port, message, source="127.0.0.1"):
    """Sends one message, half-closes, returns everything the server sent,
    or "reset" if the connection was reset: a server that closes a
    connection without reading what the client sent (a denied request)
    makes the kernel answer with RST instead of a plain end of file."""
    with socket.create_connection(("127.0.0.1", port), timeout=TIME_LIMIT,
                                  source_address=(source, 0)) as sock:
        try:
            sock.sendall(message)
            sock.shutdown(socket.SHUT_WR)
            reply = b""
            while chunk := sock.recv(4096):
                reply += chunk
            return reply
        except (ConnectionResetError, BrokenPipeError):
            return "reset"
        except OSError as error:
            if error.errno == errno.ENOTCONN:  # the reset came before our shutdown()
                return "reset"
            raise


def normalised(lines):
    """The hook lines, with client ports hidden and the idle passes of
    serve_forever() (one service_actions() every 5 s without a client, as
    many as the machine's speed makes) folded away."""
    hooks = []
    for line in lines:
        line = line.strip()
        if line.startswith("get_request(): "):
            line = "get_request(): CLIENT"
        if line == "service_actions()" and (not hooks or hooks[-1] == line):
            continue
        hooks.append(line)
    return hooks


def serve_forever_trace(program):
    server = subprocess.Popen([program], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = server.stdout.readline()
        if not first.startswith("listening on 127.0.0.1:"):
            fail(f"expected 'listening on 127.0.0.1:PORT', got {first!r}")
        port = int(first.rsplit(":", 1)[1])
        replies = [client(port, b"hello\n"), client(port, b"hello\n", source="127.0.0.2"),
                   client(port, b"fail\n"), client(port, b"quit\n")]
        out, err = server.communicate(timeout=TIME_LIMIT)
    finally:
        server.kill()
    if replies[0] != b"ok\n" or replies[1] not in (b"", "reset") or replies[2:] != [b"", b""]:
        fail(f"replies: expected ok, then nothing (end of file, or a reset for the denied "
             f"client), then two ends of file; got {replies}")
    if server.returncode != 3:
        fail(f"SystemExit{{3}} should end the program with status 3, not {server.returncode}")
    hooks = normalised(out.splitlines())
    if hooks != EXPECTED:
        fail("hooks in the wrong order:\n  got:      " + "\n            ".join(hooks)
             + "\n  expected: " + "\n            ".join(EXPECTED))
    if "you asked for it" not in err or "127.0.0.1:" not in err:
        fail(f"handle_error()'s report should name the client and the error; stderr: {err!r}")


def handle_request_trace(program):
    result = subprocess.run([program, "0.05"], capture_output=True, text=True, timeout=TIME_LIMIT)
    hooks = normalised(result.stdout.splitlines()[1:])
    if result.returncode != 0 or hooks != ["handle_timeout()"]:
        fail(f"handle_request() with no client: expected handle_timeout() and status 0, "
             f"got {hooks} and status {result.returncode}")


def main():
    program = sys.argv[1]
    serve_forever_trace(program)
    handle_request_trace(program)
    print("ok: every hook in the order the book shows")


if __name__ == "__main__":
    main()
