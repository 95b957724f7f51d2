"""Start a chapter's echo server, talk to it through a real client, and
stop it as Ctrl-C would."""

import os
import selectors
import signal
import socket
import subprocess
import sys

from .output import CourseError, UsageError, dim, green, red

NAME = "demo"
USAGE = "./course demo chNN [CLASS]"

# What the client sends: a plain line, one that is not ASCII (only ASCII is
# upper-cased), and one without its newline before the client closes.
MESSAGES = [b"hello, socketserver\n",
            "gr\u00fc\u00dfe aus K\u00f6ln: only ASCII changes\n".encode(),
            b"a last line, no newline"]


def add_arguments(parser):
    parser.add_argument("chapter")
    parser.add_argument("cls", nargs="?", metavar="CLASS")


def run(course, args):
    chapter = course.chapter(args.chapter)
    wait = sys.stdin.isatty() and sys.stdout.isatty()
    return demo_chapter(course, chapter, args.cls, wait)


def demo_chapter(course, chapter, only=None, wait=False):
    if not chapter.is_snapshot:
        raise UsageError(f"{chapter.part_0()}: it has no echo_server demo (the chapters from "
                         "ch01 on have one). Its echo server in direct system calls is "
                         "build/bin/ch00_plain_echo_server (common/examples/plain_echo_server.cpp): "
                         "start it with --bind 127.0.0.1:9999 and talk to it with nc")
    target = f"{chapter.id}_echo_server"
    binary = course.build.dir / "bin" / target
    course.build.ensure_configured(quiet=True)
    log = course.temp_dir() / "build.log"
    if not course.build.build_quietly(target, log):
        sys.stderr.write(log.read_text(encoding="utf-8", errors="replace"))
        raise CourseError(f"could not build {target}")
    listed = subprocess.run([binary, "--list"], capture_output=True, text=True, timeout=30)
    classes = listed.stdout.split()
    if only is not None:
        if only not in classes:
            raise UsageError(f"{target} has no class '{only}'; it has: {' '.join(classes)}")
        classes = [only]
    # Pausing for the student makes sense for one server, not for twelve.
    wait = wait and len(classes) == 1
    print(f"{target} answers every line with the same line upper-cased.")
    ok = True
    for cls in classes:
        ok = demo_class(course, binary, cls, wait) and ok
    return 0 if ok else 1


def _client(family, kind, address, workdir):
    """Sends the messages and prints both sides; speaks TCP, UDP and Unix."""
    datagram = kind == "dgram"
    sock_type = socket.SOCK_DGRAM if datagram else socket.SOCK_STREAM
    if family == "unix":
        sock = socket.socket(socket.AF_UNIX, sock_type)
        if datagram:  # a Unix datagram server can only answer a client that has a path
            sock.bind(str(workdir / "client.sock"))
        target = address
    else:
        host, port = address.rsplit(":", 1)
        host = host.strip("[]")
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, sock_type)
        target = (host, int(port))
    with sock:
        sock.settimeout(5)
        sock.connect(target)
        for message in MESSAGES:
            last = not message.endswith(b"\n")
            extra = ""
            if datagram:
                extra = "   (one datagram)"
            elif last:
                extra = "   (no newline, then the client closes its side)"
            _show("client", "\u2192", message, extra)
            if datagram:
                sock.send(message)
                reply = sock.recv(65536)
            else:
                sock.sendall(message)
                if last:
                    sock.shutdown(socket.SHUT_WR)
                reply = b""
                while len(reply) < len(message):
                    chunk = sock.recv(65536)
                    if not chunk:
                        break
                    reply += chunk
            _show("server", "\u2190", reply)


def _show(who, arrow, data, extra=""):
    text = data.decode("utf-8", "replace").rstrip("\n")
    print(f"  {who} {arrow} {text}{extra}", flush=True)


def _read_line(stream, seconds):
    """The first line a program prints, or None if it prints none in time."""
    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        data = b""
        while b"\n" not in data:
            if not selector.select(seconds):
                return None
            chunk = os.read(stream.fileno(), 4096)
            if not chunk:
                break
            data += chunk
    return data.split(b"\n", 1)[0].decode("utf-8", "replace") if data else None


def _try_it_yourself(family, kind, address):
    if family == "unix":
        if kind == "stream":
            return f"socat - UNIX-CONNECT:{address}"
        return f"socat - UNIX-SENDTO:{address},bind=/tmp/echo-client-$$.sock"
    host, port = address.rsplit(":", 1)
    return f"nc {'-u ' if kind == 'dgram' else ''}{host.strip('[]')} {port}"


def demo_class(course, binary, cls, wait):
    workdir = course.temp_dir()
    family = "unix" if "Unix" in cls else "inet"
    kind = "dgram" if "UDP" in cls or "Datagram" in cls else "stream"
    bind = str(workdir / "echo.sock") if family == "unix" else "127.0.0.1:0"

    print()
    print(dim(f"$ {course.relative(str(binary))} --class {cls} --bind {bind}"))
    stderr_path = workdir / "stderr"
    with open(stderr_path, "wb") as stderr:
        server = subprocess.Popen([binary, "--class", cls, "--bind", bind], stdout=subprocess.PIPE,
                                  stderr=stderr, stdin=subprocess.DEVNULL)
    try:
        # Its `listening on` line is read the moment it is printed: no
        # guessing how long the server takes to start.
        line = _read_line(server.stdout, 30)
        if line is None or not line.startswith("listening on "):
            sys.stderr.write(stderr_path.read_text(errors="replace"))
            raise CourseError("the server did not print its 'listening on' line")
        print(f"  server says: {line}")
        address = line.removeprefix("listening on ")
        try:
            _client(family, kind, address, workdir)
        except OSError as e:
            raise CourseError(f"the client failed: {e} (the server's stderr: "
                              f"{stderr_path.read_text(errors='replace')})") from None
        if wait:
            print()
            print("The server is still running. Try it yourself from another terminal:")
            print(f"  {_try_it_yourself(family, kind, address)}")
            try:
                input("Press Enter here to stop it. ")
            except EOFError:
                pass

        print(dim(f"$ kill -INT {server.pid}") + "   (what Ctrl-C does)")
        server.send_signal(signal.SIGINT)
        try:
            status = server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            print(red("  SIGINT: the server was still running 30 s later (killed)"))
            return False
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        server.stdout.close()
    err = stderr_path.read_text(errors="replace")
    if err:
        print("  its stderr:")
        print("\n".join("    " + line for line in err.splitlines()))
    if status == 0:
        print(green("  SIGINT: the server shut down cleanly, exit status 0"))
        return True
    how = f"killed by {signal.Signals(-status).name}" if status < 0 else f"exit status {status}"
    print(red(f"  SIGINT: {how} (expected exit status 0)"))
    return False
