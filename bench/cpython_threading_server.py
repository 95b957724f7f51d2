"""CPython's own ThreadingTCPServer (or ThreadingUnixStreamServer) serving
the demo's echo, for `./course bench ch05` to time beside chapter 5's.

Usage: python3 cpython_threading_server.py [--class NAME] --bind ADDRESS
NAME is ThreadingTCPServer (the default) or ThreadingUnixStreamServer;
ADDRESS is HOST:PORT or a socket's path. Prints "listening on ADDRESS"
once it listens, as the demos do. Run with the system's python3.
"""

import argparse
import socketserver


class UpperCaseEchoHandler(socketserver.StreamRequestHandler):
    def handle(self):
        for line in self.rfile:
            self.wfile.write(line.upper())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--class", dest="name", default="ThreadingTCPServer",
                        choices=["ThreadingTCPServer", "ThreadingUnixStreamServer"])
    parser.add_argument("--bind", required=True)
    args = parser.parse_args()
    server_class = getattr(socketserver, args.name)
    if server_class is socketserver.ThreadingTCPServer:
        host, _, port = args.bind.rpartition(":")
        address = (host, int(port))
    else:
        address = args.bind
    # The demo's backlog, not Python's 5: eight clients connecting at once
    # must not wait for the kernel to retry them.
    server_class.request_queue_size = 128
    with server_class(address, UpperCaseEchoHandler) as server:
        where = server.server_address
        print("listening on", where if isinstance(where, str) else "%s:%d" % where[:2],
              flush=True)
        server.serve_forever()


if __name__ == "__main__":
    main()
