"""CPython's own socketserver classes serving the demo's echo, for
`./course bench` to time beside the chapters' demos: ThreadingTCPServer
and ThreadingUnixStreamServer (chapter 5), ForkingTCPServer and
ForkingUnixStreamServer (chapter 6), TCPServer (the synchronous model, in
the comparison of every model).

Usage: python3 cpython_threading_server.py [--class NAME] --bind ADDRESS
NAME is one of those classes (ThreadingTCPServer by default); ADDRESS is
HOST:PORT or a socket's path. Prints "listening on ADDRESS" once it
listens, as the demos do. Run with the system's python3 (3.12 or later for
ForkingUnixStreamServer, which this script makes from ForkingMixIn on an
earlier one, as 3.12 does).
"""

import argparse
import socketserver


class UpperCaseEchoHandler(socketserver.StreamRequestHandler):
    def handle(self):
        for line in self.rfile:
            self.wfile.write(line.upper())


class ForkingUnixStreamServer(socketserver.ForkingMixIn, socketserver.UnixStreamServer):
    """Python 3.12's class, for an earlier Python: 3.11 has both halves."""


CLASSES = {name: getattr(socketserver, name)
           for name in ("TCPServer", "ThreadingTCPServer", "ThreadingUnixStreamServer",
                        "ForkingTCPServer")}
CLASSES["ForkingUnixStreamServer"] = getattr(socketserver, "ForkingUnixStreamServer",
                                             ForkingUnixStreamServer)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--class", dest="name", default="ThreadingTCPServer", choices=list(CLASSES))
    parser.add_argument("--bind", required=True)
    args = parser.parse_args()
    server_class = CLASSES[args.name]
    if issubclass(server_class, socketserver.TCPServer) and \
            not issubclass(server_class, socketserver.UnixStreamServer):
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
