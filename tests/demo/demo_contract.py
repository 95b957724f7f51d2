#!/usr/bin/env python3
"""Contract tests of a chapter's demo program, through real clients.

    demo_contract.py BINARY [--class NAME] [unittest options]

Starts BINARY (build/bin/chNN_echo_server or its _asan twin) the way a user
would, and checks it against the demo contract (docs/demo-contract.md,
"Demo contract" in the site) line by line, for every server
class the program prints with --list (or only the one --class names).
Nothing here knows C++: the program is judged only by what a client, a
shell and a signal can observe.

Rules the tests keep, so that they are deterministic and safe under
`ctest -j`: every server binds port 0 or a path in its own temporary
directory; every socket operation and every wait has a timeout; readiness
is read from the server's `listening on` line, never guessed with a sleep;
and every server started is killed when its test ends, however it ends.
"""

import argparse
import concurrent.futures
import errno
import os
import random
import re
import resource
import select
import selectors
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from dataclasses import dataclass

# Generous limits: the ASan+UBSan twin is several times slower, and the
# machine may be running other tests in parallel. A passing run takes a
# small fraction of them; they only bound how long a broken server can hang.
IO_TIMEOUT = 30.0
EXIT_TIMEOUT = 30.0

BINARY = ""   # set by main(): the program under test
PROGRAM = ""  # the name it uses in its messages (the twin's too)

# From this chapter on the stream demos read through a buffered rfile: a
# line is answered once complete, and a line has a limit (docs/demo-contract.md).
LINE_BY_LINE_FROM = 4
# The demo's longest piece of a line, the limit the contract names.
LINE_LIMIT = 64 * 1024


def chapter():
    """The chapter of the program under test, read off its name (chNN_...)."""
    match = re.match(r"ch(\d+)_", PROGRAM)
    if not match:
        raise AssertionError(f"cannot tell the chapter of {PROGRAM!r}: expected chNN_...")
    return int(match[1])


def sanitized():
    """Whether the program is the ASan+UBSan twin."""
    return os.path.basename(BINARY).endswith("_asan")


def memory_kib(pid, field):
    """A figure of /proc/PID/status in KiB: VmRSS (resident now), VmHWM (its peak)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError(f"no {field} in /proc/{pid}/status")


# ---------------------------------------------------------------------------
# What a class's name tells about its sockets


@dataclass(frozen=True)
class Kind:
    """The sockets a server class uses, read off its Python name."""

    unix: bool       # a filesystem path rather than HOST:PORT
    datagram: bool   # UDP / Unix datagrams rather than a stream
    threading: bool  # a thread per request (chapter 5 on)
    forking: bool    # a process per request (chapter 6 on)

    @staticmethod
    def of(class_name):
        return Kind(unix="Unix" in class_name,
                    datagram="UDP" in class_name or "Datagram" in class_name,
                    threading=class_name.startswith("Threading"),
                    forking=class_name.startswith("Forking"))

    @property
    def socket_type(self):
        return socket.SOCK_DGRAM if self.datagram else socket.SOCK_STREAM


# ---------------------------------------------------------------------------
# Running the program


class Collector:
    """Reads a pipe to its end on a thread and keeps what arrived.

    The server must never block on a full stdout or stderr pipe, and a test
    must be able to wait (with a timeout) for some text to show up.
    """

    def __init__(self, pipe):
        self._pipe = pipe
        self._data = b""
        self._closed = False
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self):
        while chunk := os.read(self._pipe.fileno(), 65536):
            with self._changed:
                self._data += chunk
                self._changed.notify_all()
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def wait_for(self, done, timeout=IO_TIMEOUT):
        """Waits until done(data, closed) is true; returns the data."""
        with self._changed:
            self._changed.wait_for(lambda: done(self._data, self._closed), timeout)
            return self._data

    def all(self, timeout=IO_TIMEOUT):
        """Everything, once the writer has closed the pipe."""
        return self.wait_for(lambda data, closed: closed, timeout)

    @property
    def data(self):
        with self._changed:
            return self._data


def run(*arguments):
    """Runs the program to completion: (status, stdout, stderr)."""
    result = subprocess.run([BINARY, *arguments], stdin=subprocess.DEVNULL,
                            capture_output=True, timeout=EXIT_TIMEOUT)
    return result.returncode, result.stdout.decode(errors="replace"), \
        result.stderr.decode(errors="replace")


LISTENING = re.compile(
    r"listening on (?:\[(?P<ipv6>[0-9a-fA-F:.]+)\]:(?P<port6>\d+)"
    r"|(?P<ipv4>\d+\.\d+\.\d+\.\d+):(?P<port4>\d+)"
    r"|(?P<path>/.*))\n")


class DemoServer:
    """One run of the demo program, from its start to its exit."""

    def __init__(self, *arguments):
        self.process = subprocess.Popen([BINARY, *arguments], stdin=subprocess.DEVNULL,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        start_new_session=True)
        self.stdout = Collector(self.process.stdout)
        self.stderr = Collector(self.process.stderr)
        self.listening_line = ""
        self.family = self.address = None

    def wait_until_listening(self):
        """Reads the `listening on` line: the server is ready once it is printed."""
        data = self.stdout.wait_for(lambda data, closed: b"\n" in data or closed)
        if b"\n" not in data:
            raise AssertionError(
                f"no `listening on` line within {IO_TIMEOUT} s; stdout {data!r}, "
                f"exit status {self.process.poll()}, stderr:\n{self.stderr_text()}")
        self.listening_line = data[:data.index(b"\n") + 1].decode()
        self.family, self.address = self._parse(self.listening_line)

    @staticmethod
    def _parse(line):
        match = LISTENING.fullmatch(line)
        if not match:
            raise AssertionError(f"expected `listening on ADDRESS`, got {line!r}")
        if match["ipv4"]:
            return socket.AF_INET, (match["ipv4"], int(match["port4"]))
        if match["ipv6"]:
            return socket.AF_INET6, (match["ipv6"], int(match["port6"]))
        return socket.AF_UNIX, match["path"]

    @property
    def port(self):
        return self.address[1]

    def send_signal(self, signo):
        self.process.send_signal(signo)

    def wait_exit(self, timeout=EXIT_TIMEOUT):
        """The exit status; fails the test if the program does not end in time."""
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the server did not exit within {timeout} s; stderr:\n"
                                 f"{self.stderr_text()}") from None

    def stderr_text(self):
        return self.stderr.data.decode(errors="replace")

    def wait_for_stderr(self, text=None):
        """Waits until stderr contains text (None: anything); returns all of it."""
        wanted = text.encode() if text is not None else b""
        self.stderr.wait_for(lambda data, closed: (data and wanted in data) or closed)
        return self.stderr_text()

    def wait_for_stderr_line(self, prefix):
        """Waits for a whole stderr line starting with prefix; returns it or None."""
        pattern = re.compile(rb"^" + re.escape(prefix.encode()) + rb".*\n", re.MULTILINE)
        data = self.stderr.wait_for(lambda data, closed: pattern.search(data) or closed)
        found = pattern.search(data)
        return found[0].decode(errors="replace") if found else None

    def kill(self):
        """Ends the program, and any child it forked. Every test ends with this."""
        try:
            # The server leads its own process group (start_new_session), so
            # this also reaches the children of the Forking classes.
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass  # the group is gone already: every member has exited
        self.process.wait(EXIT_TIMEOUT)
        # Close the pipes only once the collectors have read to their end,
        # so that no read can touch a file descriptor number reused since.
        self.stdout.all()
        self.stderr.all()
        self.process.stdout.close()
        self.process.stderr.close()


def children_of(pid):
    """The pids whose parent is pid, zombies included (from /proc)."""
    children = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue  # gone while we looked
        if int(fields[1]) == pid:
            children.append(int(name))
    return children


def wait_for_children(server, count):
    """Waits until the server has count children (zombies count: a child
    not yet collected is still one). Nothing announces a fork or a
    collection to a third process, so this looks at a short interval."""
    deadline = time.monotonic() + IO_TIMEOUT
    while len(found := children_of(server.process.pid)) != count:
        if time.monotonic() > deadline:
            raise AssertionError(f"the server has {len(found)} children, not {count}")
        time.sleep(0.002)
    return found


def signal_pending(pid, signo):
    """Whether signo waits, undelivered, in the process's shared queue."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("ShdPnd:"):
                return bool(int(line.split()[1], 16) & (1 << (signo - 1)))
    return False


def wait_until_taken(server, signo):
    """Waits until the server has taken signo off its queue.

    Two signals of the same number merge while pending, so a test that
    sends a second SIGINT must first know the first one was received. The
    program offers no event for that; /proc shows the pending set, polled at
    a short interval with a deadline. (Only this check polls.)
    """
    deadline = time.monotonic() + IO_TIMEOUT
    while signal_pending(server.process.pid, signo):
        if time.monotonic() > deadline:
            raise AssertionError(f"the server never took signal {signo} off its queue")
        time.sleep(0.002)


# ---------------------------------------------------------------------------
# Clients


def ipv6_loopback_works():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


def recv_exactly(sock, size):
    """Reads size bytes, or fails if the peer closes first."""
    parts, received = [], 0
    while received < size:
        chunk = sock.recv(min(size - received, 1 << 20))
        if not chunk:
            raise AssertionError(f"the server closed after {received} of {size} bytes")
        parts.append(chunk)
        received += len(chunk)
    return b"".join(parts)


def recv_to_eof(sock):
    parts = []
    while chunk := sock.recv(65536):
        parts.append(chunk)
    return b"".join(parts)


def assert_same_bytes(test, got, expected):
    """assertEqual for big payloads: names the first difference, not 16 MiB."""
    if got == expected:
        return
    first = next((i for i, (a, b) in enumerate(zip(got, expected)) if a != b),
                 min(len(got), len(expected)))
    test.fail(f"got {len(got)} bytes, expected {len(expected)}; first difference at byte "
              f"{first}: got {got[first:first + 16]!r}, expected {expected[first:first + 16]!r}")


# ---------------------------------------------------------------------------
# Tests of the program as a whole, independent of the server class


class CommandLineTests(unittest.TestCase):
    """The contract's "The command line" and "Errors and exit statuses"."""

    classes = []  # filled by main() from --list

    def assert_usage_error(self, *arguments):
        status, out, err = run(*arguments)
        self.assertEqual(status, 2, f"{arguments}: exit status; stderr:\n{err}")
        self.assertEqual(out, "", f"{arguments}: nothing goes to stdout on an error")
        first_line = err.splitlines()[0] if err else ""
        self.assertTrue(first_line.startswith(f"{PROGRAM}: "),
                        f"{arguments}: the first stderr line names the program and the "
                        f"error, got {first_line!r}")
        self.assertIn("usage", err.lower(), f"{arguments}: usage on stderr")
        for name in self.classes:
            self.assertIn(name, err, f"{arguments}: the usage lists the classes")
        return first_line

    def test_list_prints_the_classes_one_a_line(self):
        status, out, err = run("--list")
        self.assertEqual((status, err), (0, ""))
        self.assertEqual(out.splitlines(), self.classes)
        self.assertIn("TCPServer", self.classes, "every chapter has TCPServer, the default")
        self.assertEqual(len(set(self.classes)), len(self.classes), "no class twice")

    def test_help_prints_usage_on_stdout(self):
        status, out, err = run("--help")
        self.assertEqual((status, err), (0, ""))
        self.assertIn("usage", out.lower())
        for option in ("--class", "--bind", "--poll-interval", "--max-children",
                       "--help", "--list"):
            self.assertIn(option, out)

    def test_unknown_option_is_a_usage_error(self):
        self.assert_usage_error("--frobnicate")

    def test_max_children_wants_a_whole_number_from_1(self):
        for value in ("0", "-1", "2.5", "many", "1e3", "2000000"):
            with self.subTest(value=value):
                line = self.assert_usage_error("--max-children", value, "--bind", "127.0.0.1:0")
                self.assertIn(f"--max-children wants a whole number from 1 to 1000000, not '{value}'",
                              line, "the error says what the option takes")

    def test_unknown_class_is_a_usage_error(self):
        self.assert_usage_error("--class", "NoSuchServer", "--bind", "127.0.0.1:0")

    def test_an_address_without_host_is_malformed(self):
        self.assert_usage_error("--bind", ":0")

    def test_a_port_above_65535_is_malformed(self):
        self.assert_usage_error("--bind", "1.2.3.4:70000")

    def test_an_address_without_port_is_malformed(self):
        self.assert_usage_error("--bind", "nohost")

    def test_a_port_in_use_cannot_be_bound(self):
        with socket.socket() as holder:
            holder.bind(("127.0.0.1", 0))
            holder.listen()
            port = holder.getsockname()[1]
            status, out, err = run("--bind", f"127.0.0.1:{port}")
        self.assertEqual(status, 1, err)
        self.assertEqual(out, "")
        self.assertEqual(err, f"{PROGRAM}: cannot bind 127.0.0.1:{port}: Address already in use\n")


# ---------------------------------------------------------------------------
# Tests of one server class. main() makes one concrete TestCase per class
# the program lists, from the mixins that fit its kind.


class ClassTestBase:
    """Starting, reaching and stopping a server of one class.

    A mixin, not a TestCase: unittest runs only the concrete classes that
    add_class_tests() makes for the classes the program lists.
    """

    class_name = "TCPServer"
    kind = Kind.of("TCPServer")

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="demo-contract-")
        self.addCleanup(self.tmp.cleanup)

    def default_bind(self):
        return os.path.join(self.tmp.name, "echo.sock") if self.kind.unix else "127.0.0.1:0"

    def start(self, bind=None, *extra):
        """A running server; it is killed when the test ends, whatever happens."""
        server = DemoServer("--class", self.class_name, "--bind", bind or self.default_bind(),
                            *extra)
        self.addCleanup(server.kill)
        server.wait_until_listening()
        return server

    def client(self, server):
        """A client socket of the server's kind, connected, with a timeout."""
        sock = socket.socket(server.family, self.kind.socket_type)
        self.addCleanup(sock.close)
        sock.settimeout(IO_TIMEOUT)
        if self.kind.unix and self.kind.datagram:
            # A Unix datagram server answers to the sender's path: bind one.
            sock.bind(os.path.join(self.tmp.name, f"client-{id(sock)}.sock"))
        sock.connect(server.address)
        return sock

    def exchange(self, server, data):
        """Sends data as one request, returns the answer, and hangs up."""
        with self.client(server) as sock:
            if self.kind.datagram:
                sock.send(data)
                return sock.recv(65536)
            sock.sendall(data)
            return recv_exactly(sock, len(data))

    def assert_clean_exit(self, server, signo):
        self.assertEqual(server.wait_exit(), 0,
                         f"exit status after {signal.Signals(signo).name}; stderr:\n"
                         f"{server.stderr_text()}")
        self.assertEqual(server.stdout.all(), server.listening_line.encode(),
                         "nothing but the `listening on` line ever goes to stdout")


class EveryClassTests(ClassTestBase):
    """\"What it prints\" and \"Stopping it\" for any class: the listening line, an idle stop."""

    def test_listening_line_names_the_real_address(self):
        server = self.start()
        if self.kind.unix:
            self.assertEqual(server.address, self.default_bind())
            self.assertTrue(stat.S_ISSOCK(os.stat(server.address).st_mode))
        else:
            self.assertEqual(server.address[0], "127.0.0.1")
            self.assertNotEqual(server.port, 0, "the port the OS chose, not 0")
        self.assertEqual(self.exchange(server, b"ping\n"), b"PING\n")

    def test_poll_interval_can_be_chosen(self):
        server = self.start(None, "--poll-interval", "0.05")
        self.assertEqual(self.exchange(server, b"polling\n"), b"POLLING\n")
        server.send_signal(signal.SIGINT)
        self.assert_clean_exit(server, signal.SIGINT)

    def test_sigint_stops_an_idle_server_with_status_0(self):
        server = self.start()
        server.send_signal(signal.SIGINT)
        self.assert_clean_exit(server, signal.SIGINT)

    def test_sigterm_stops_an_idle_server_with_status_0(self):
        server = self.start()
        server.send_signal(signal.SIGTERM)
        self.assert_clean_exit(server, signal.SIGTERM)


class InetClassTests(ClassTestBase):
    """--bind HOST:PORT forms other than 127.0.0.1."""

    def test_ipv6_loopback(self):
        if not ipv6_loopback_works():
            self.skipTest("no IPv6 loopback on this machine")
        server = self.start("[::1]:0")
        self.assertEqual(server.family, socket.AF_INET6, server.listening_line)
        self.assertEqual(server.address[0], "::1")
        self.assertNotEqual(server.port, 0)
        self.assertEqual(self.exchange(server, b"over ipv6\n"), b"OVER IPV6\n")

    def test_every_interface(self):
        server = self.start("0.0.0.0:0")
        self.assertEqual(server.address[0], "0.0.0.0", server.listening_line)
        self.assertNotEqual(server.port, 0)
        server.address = ("127.0.0.1", server.port)  # reachable through loopback too
        self.assertEqual(self.exchange(server, b"anyone\n"), b"ANYONE\n")

    def test_localhost_is_resolved(self):
        server = self.start("localhost:0")
        self.assertIn(server.address[0], ("127.0.0.1", "::1"), server.listening_line)
        self.assertNotEqual(server.port, 0)
        self.assertEqual(self.exchange(server, b"by name\n"), b"BY NAME\n")


class UnixClassTests(ClassTestBase):
    """--bind PATH: the socket file, and the ways binding a path fails."""

    def assert_cannot_bind(self, path):
        status, out, err = run("--class", self.class_name, "--bind", path)
        self.assertEqual(status, 1, err)
        self.assertEqual(out, "")
        self.assertRegex(err, rf"^{re.escape(PROGRAM)}: cannot bind {re.escape(path)}: \S.*\n$")

    def test_socket_file_is_removed_on_exit(self):
        server = self.start()
        server.send_signal(signal.SIGINT)
        self.assert_clean_exit(server, signal.SIGINT)
        self.assertFalse(os.path.exists(server.address), "the socket file is removed")

    def test_a_failure_after_binding_is_one_line_and_removes_the_socket_file(self):
        # "Errors and exit statuses", and the socket file of "Stopping it", when serving
        # cannot even start. Few descriptors allowed: with enough for the
        # server's socket but not for the signal watcher's, the failure
        # comes after bind() made the file. The exact number depends on the
        # program, so every limit in a range is tried; each run must end
        # cleanly one way or another, and at least one must fail that way.
        if os.path.basename(BINARY).endswith("_asan"):
            # UBSan checks each virtual call by probing memory through a
            # pipe of its own: with no descriptor left it reports a false
            # "invalid vptr" and aborts. Here it would test the runtime.
            self.skipTest("needs spare descriptors the sanitizer runtime takes (plain twin only)")
        path = os.path.join(self.tmp.name, "echo.sock")
        failed_after_bind = False
        for limit in range(4, 16):
            def few_descriptors(limit=limit):
                resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))
            process = subprocess.Popen(
                [BINARY, "--class", self.class_name, "--bind", path],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                preexec_fn=few_descriptors)
            try:
                out = process.stdout.readline()
                if out.startswith(b"listening on "):  # enough descriptors: stop it
                    process.send_signal(signal.SIGTERM)
                out += process.stdout.read()
                err = process.stderr.read().decode(errors="replace")
                status = process.wait(EXIT_TIMEOUT)
            finally:
                process.kill()
                process.wait(EXIT_TIMEOUT)
                process.stdout.close()
                process.stderr.close()
            what = f"with {limit} descriptors: status {status}, stderr {err!r}"
            self.assertFalse(os.path.exists(path), f"the socket file was left behind {what}")
            if status == 0:
                continue
            self.assertEqual(status, 1, what)
            self.assertRegex(err, rf"^{re.escape(PROGRAM)}: \S[^\n]*\n$", f"one line {what}")
            failed_after_bind |= "serving stopped" in err
        self.assertTrue(failed_after_bind,
                        "no descriptor limit made the program fail after binding")

    def test_no_bind_is_a_usage_error(self):
        status, out, err = run("--class", self.class_name)
        self.assertEqual(status, 2, err)
        self.assertEqual(out, "")
        self.assertIn("usage", err.lower())

    def test_existing_path_cannot_be_bound(self):
        path = os.path.join(self.tmp.name, "taken")
        open(path, "w").close()
        self.assert_cannot_bind(path)

    def test_missing_directory_cannot_be_bound(self):
        self.assert_cannot_bind(os.path.join(self.tmp.name, "no-such-dir", "echo.sock"))

    def test_too_long_path_cannot_be_bound(self):
        self.assert_cannot_bind(os.path.join(self.tmp.name, "x" * 120))


class StreamClassTests(ClassTestBase):
    """\"What it answers\", \"Stopping it\", \"The backlog of 128\" and \"A client that
    fails\" for stream classes (TCP and Unix stream)."""

    def test_lines_come_back_upper_cased(self):
        server = self.start()
        sock = self.client(server)
        cases = [
            (b"hello, world\n", b"HELLO, WORLD\n"),
            # Only ASCII letters change: UTF-8 sequences pass through as bytes.
            ("grüße aus köln, 東京\n".encode(), "GRüßE AUS KöLN, 東京\n".encode()),
            (b"nul\x00inside\x00\n", b"NUL\x00INSIDE\x00\n"),
            (b"\n", b"\n"),
        ]
        for sent, expected in cases:
            with self.subTest(sent=sent):
                sock.sendall(sent)
                self.assertEqual(recv_exactly(sock, len(expected)), expected)

    def test_every_byte_value_passes_through(self):
        server = self.start()
        sock = self.client(server)
        line = bytes(b for b in range(256) if b != ord("\n")) + b"\n"
        sock.sendall(line)
        # bytes.upper() changes exactly the ASCII letters a-z, like the server.
        self.assertEqual(recv_exactly(sock, len(line)), line.upper())

    def test_many_lines_in_one_send_and_one_line_in_many_sends(self):
        server = self.start()
        sock = self.client(server)
        sock.sendall(b"one\ntwo\nthree\n")
        self.assertEqual(recv_exactly(sock, 14), b"ONE\nTWO\nTHREE\n")
        for byte in b"slowly\n":
            sock.sendall(bytes([byte]))
        self.assertEqual(recv_exactly(sock, 7), b"SLOWLY\n")

    def test_a_last_line_without_newline_is_answered_before_close(self):
        server = self.start()
        sock = self.client(server)
        sock.sendall(b"first\nno newline at the end")
        sock.shutdown(socket.SHUT_WR)
        self.assertEqual(recv_to_eof(sock), b"FIRST\nNO NEWLINE AT THE END")

    def test_a_16_mib_line(self):
        server = self.start()
        sock = self.client(server)
        payload = random.Random(16).randbytes(16 << 20).replace(b"\n", b".") + b"\n"
        # Send and receive at once: the echo fills both socket buffers long
        # before 16 MiB are through, and a client that only sent would stall.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            sending = pool.submit(sock.sendall, payload)
            received = recv_exactly(sock, len(payload))
            sending.result(IO_TIMEOUT)
        assert_same_bytes(self, received, payload.upper())

    def test_pipelined_lines_are_all_answered_in_order(self):
        # Ten thousand lines in one go, the replies read while they are sent.
        server = self.start()
        sock = self.client(server)
        lines = b"".join(b"line %d of many\n" % number for number in range(10000))
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            sending = pool.submit(sock.sendall, lines)
            received = recv_exactly(sock, len(lines))
            sending.result(IO_TIMEOUT)
        assert_same_bytes(self, received, lines.upper())

    def skip_before_line_by_line(self):
        if chapter() < LINE_BY_LINE_FROM:
            self.skipTest(f"chapter {chapter()} echoes bytes as they come; lines are "
                          f"answered whole from chapter {LINE_BY_LINE_FROM} on")

    def test_a_partial_line_is_answered_only_once_the_client_closes(self):
        self.skip_before_line_by_line()
        server = self.start()
        sock = self.client(server)
        sock.sendall(b"abc")
        # A window in which an answer must not come: the line is not complete.
        readable, _, _ = select.select([sock], [], [], 0.3)
        self.assertEqual(readable, [], "a piece of a line was answered before its end")
        sock.shutdown(socket.SHUT_WR)
        self.assertEqual(recv_to_eof(sock), b"ABC")

    def test_a_line_longer_than_the_limit_comes_back_whole(self):
        # Answered in pieces, but a client that reads to the newline sees
        # the whole line, every byte where it was.
        self.skip_before_line_by_line()
        server = self.start()
        sock = self.client(server)
        line = random.Random(64).randbytes(3 * LINE_LIMIT + 5).replace(b"\n", b".") + b"\n"
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            sending = pool.submit(sock.sendall, line + b"after\n")
            received = recv_exactly(sock, len(line) + 6)
            sending.result(IO_TIMEOUT)
        assert_same_bytes(self, received, line.upper() + b"AFTER\n")

    def test_16_mib_without_a_newline_leave_the_servers_memory_bounded(self):
        # With a limit on a line, the server holds at most that much of it,
        # however long it is: its peak resident memory (VmHWM) stays within
        # a few MiB of where it was before. Without one it would hold all 16.
        self.skip_before_line_by_line()
        server = self.start()
        sock = self.client(server)
        sock.sendall(b"warm up\n")  # the connection's buffers, allocated
        self.assertEqual(recv_exactly(sock, 8), b"WARM UP\n")
        payload = random.Random(17).randbytes(16 << 20).replace(b"\n", b".")
        if self.kind.forking:
            # The line is held by the child serving this client, which ends
            # with the connection: measured while the client stays, once the
            # answer is through (16 MiB are 256 pieces of the limit, each
            # answered as it fills).
            child, = wait_for_children(server, 1)
            before = memory_kib(child, "VmRSS")
            with concurrent.futures.ThreadPoolExecutor(1) as pool:
                sending = pool.submit(sock.sendall, payload)
                received = recv_exactly(sock, len(payload))
                sending.result(IO_TIMEOUT)
            peak = memory_kib(child, "VmHWM")
            sock.shutdown(socket.SHUT_WR)
            self.assertEqual(recv_to_eof(sock), b"")
        else:
            before = memory_kib(server.process.pid, "VmRSS")
            with concurrent.futures.ThreadPoolExecutor(1) as pool:
                def send_all_then_close():
                    sock.sendall(payload)
                    sock.shutdown(socket.SHUT_WR)
                sending = pool.submit(send_all_then_close)
                received = recv_to_eof(sock)
                sending.result(IO_TIMEOUT)
            peak = memory_kib(server.process.pid, "VmHWM")
        assert_same_bytes(self, received, payload.upper())
        if sanitized():
            # ASan keeps freed blocks in quarantine, resident: the figure
            # would measure the sanitizer, not the server.
            return
        self.assertLess(peak - before, 8 * 1024,
                        f"the server's peak memory grew by {(peak - before) // 1024} MiB "
                        f"while 16 MiB without a newline went through (from {before} KiB)")

    def test_100_clients_connecting_at_once_are_all_served(self):
        server = self.start()
        # Keep the server busy with a first client, so that the next hundred
        # can only wait in the listen queue: with a backlog of 128 they all
        # complete their connection; with Python's 5, most would stall.
        first = self.client(server)
        first.sendall(b"first\n")
        self.assertEqual(recv_exactly(first, 6), b"FIRST\n")

        burst = self.connect_at_once(server, 100)
        first.shutdown(socket.SHUT_WR)
        self.assertEqual(recv_to_eof(first), b"")
        for number, sock in enumerate(burst):
            sock.sendall(b"client %d\n" % number)
            sock.shutdown(socket.SHUT_WR)
        for number, sock in enumerate(burst):
            self.assertEqual(recv_to_eof(sock), b"CLIENT %d\n" % number)

    def connect_at_once(self, server, count):
        """count sockets, connecting without waiting for one another."""
        socks = []
        pending = selectors.DefaultSelector()
        self.addCleanup(pending.close)
        for _ in range(count):
            sock = socket.socket(server.family, socket.SOCK_STREAM)
            self.addCleanup(sock.close)
            sock.setblocking(False)
            error = sock.connect_ex(server.address)
            # A Unix stream socket says EAGAIN when the listen queue is full.
            self.assertIn(error, (0, errno.EINPROGRESS),
                          f"connection {len(socks)}: {os.strerror(error)}")
            if error == errno.EINPROGRESS:
                pending.register(sock, selectors.EVENT_WRITE)
            socks.append(sock)
        deadline = time.monotonic() + IO_TIMEOUT
        while pending.get_map():
            remaining = deadline - time.monotonic()
            self.assertGreater(remaining, 0, f"{len(pending.get_map())} of {count} connections "
                               "still not accepted into the listen queue: is the backlog 128?")
            for key, _ in pending.select(remaining):
                pending.unregister(key.fileobj)
                error = key.fileobj.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                self.assertEqual(error, 0, os.strerror(error))
        for sock in socks:
            sock.setblocking(True)
            sock.settimeout(IO_TIMEOUT)
        return socks

    def test_a_client_that_resets_does_not_stop_the_server(self):
        server = self.start()
        rude = self.client(server)
        rude_port = None if self.kind.unix else rude.getsockname()[1]
        rude.sendall(b"hello\n")
        # Wait until the answer has arrived, but leave it unread: closing a
        # socket with unread data resets the connection (TCP sends RST; a
        # Unix peer gets ECONNRESET), so the server's next recv fails.
        self.assertTrue(rude.recv(1, socket.MSG_PEEK), "some of the answer is waiting")
        rude.close()

        self.assertEqual(self.exchange(server, b"next, please\n"), b"NEXT, PLEASE\n")
        if rude_port is None:  # a Unix client has no name to report
            self.assertNotEqual(server.wait_for_stderr(), "", "a report on stderr")
        else:
            self.assertIn(str(rude_port), server.wait_for_stderr(str(rude_port)),
                          "handle_error's report on stderr names the client")
        self.assertIsNone(server.process.poll(), "the server keeps running")

    def test_a_client_that_vanishes_mid_answer_does_not_stop_the_server(self):
        server = self.start()
        rude = self.client(server)
        rude_port = None if self.kind.unix else rude.getsockname()[1]
        # Send without reading until every buffer on the way is full: the
        # server is then busy sending its answer, and our close (with the
        # answer unread) resets the connection under it. Its send or recv
        # fails; that must be reported, never kill it (as SIGPIPE would).
        rude.setblocking(False)
        chunk = b"x" * 65536
        try:
            while True:
                rude.send(chunk)
        except BlockingIOError:
            pass
        rude.setblocking(True)
        rude.settimeout(IO_TIMEOUT)
        self.assertTrue(rude.recv(1, socket.MSG_PEEK), "some of the answer is waiting")
        rude.close()

        self.assertEqual(self.exchange(server, b"still there?\n"), b"STILL THERE?\n")
        if rude_port is not None:
            self.assertIn(str(rude_port), server.wait_for_stderr(str(rude_port)),
                          "handle_error's report on stderr names the client")
        self.assertIsNone(server.process.poll(), "the server keeps running")

    def check_signal_finishes_the_request(self, signo):
        server = self.start()
        sock = self.client(server)
        sock.sendall(b"before\n")
        self.assertEqual(recv_exactly(sock, 7), b"BEFORE\n")
        server.send_signal(signo)
        # The request in progress is finished first: it is still answered.
        sock.sendall(b"after the signal\n")
        self.assertEqual(recv_exactly(sock, 17), b"AFTER THE SIGNAL\n")
        sock.shutdown(socket.SHUT_WR)
        self.assertEqual(recv_to_eof(sock), b"")
        self.assert_clean_exit(server, signo)

    def test_sigint_finishes_the_connected_client_then_exits_0(self):
        self.check_signal_finishes_the_request(signal.SIGINT)

    def test_sigterm_finishes_the_connected_client_then_exits_0(self):
        self.check_signal_finishes_the_request(signal.SIGTERM)

    def check_second_signal_cuts_short(self, first, second):
        server = self.start()
        sock = self.client(server)
        sock.sendall(b"busy\n")
        self.assertEqual(recv_exactly(sock, 5), b"BUSY\n")
        server.send_signal(first)
        if first == second:
            wait_until_taken(server, first)
        server.send_signal(second)
        self.assertEqual(server.wait_exit(), 1, "a second signal ends the program at once")
        # Wait for the line itself, not for the end of stderr: a forked child
        # still serving the client may hold the pipe open.
        line = server.wait_for_stderr_line(f"{PROGRAM}: ")
        self.assertIsNotNone(line, "a line on stderr says what was cut short; stderr:\n"
                             + server.stderr_text())

    def test_second_sigint_during_shutdown_exits_1(self):
        self.check_second_signal_cuts_short(signal.SIGINT, signal.SIGINT)

    def test_sigterm_after_sigint_exits_1(self):
        self.check_second_signal_cuts_short(signal.SIGINT, signal.SIGTERM)


class DatagramClassTests(ClassTestBase):
    """\"What it answers\" for datagram classes (UDP and Unix datagram)."""

    def unconnected_client(self, server):
        """A datagram client that did not connect(): it hears from anyone,
        and recvfrom() tells it who sent each datagram."""
        sock = socket.socket(server.family, socket.SOCK_DGRAM)
        self.addCleanup(sock.close)
        sock.settimeout(IO_TIMEOUT)
        if self.kind.unix:
            sock.bind(os.path.join(self.tmp.name, f"client-{id(sock)}.sock"))
        return sock

    def test_each_datagram_is_answered_upper_cased(self):
        server = self.start()
        sock = self.client(server)
        for sent in (b"hello\n", b"no newline", "grüße\n".encode(), b"nul\x00byte"):
            with self.subTest(sent=sent):
                sock.send(sent)
                self.assertEqual(sock.recv(65536), sent.upper())

    def test_an_empty_datagram_gets_an_empty_reply(self):
        server = self.start()
        sock = self.unconnected_client(server)
        sock.sendto(b"", server.address)
        reply, sender = sock.recvfrom(65536)
        self.assertEqual(reply, b"")
        self.assertEqual(sender, server.address, "the empty reply comes from the server")
        # And the server goes on: an empty datagram is a request, not an end.
        sock.sendto(b"after\n", server.address)
        self.assertEqual(sock.recv(65536), b"AFTER\n")

    def test_the_reply_comes_from_the_servers_own_address(self):
        server = self.start()
        sock = self.unconnected_client(server)
        sock.sendto(b"who answers?", server.address)
        reply, sender = sock.recvfrom(65536)
        self.assertEqual(reply, b"WHO ANSWERS?")
        self.assertEqual(sender, server.address)

    def test_a_connected_client_like_nc_u_receives_the_reply(self):
        # A connect()ed datagram socket only accepts datagrams from the
        # address it connected to: a reply from any other socket is dropped
        # by the kernel, and this recv would time out.
        server = self.start()
        sock = self.client(server)
        for sent in (b"one\n", b"two\n", b"three\n"):
            sock.send(sent)
            self.assertEqual(sock.recv(65536), sent.upper())

    def test_every_byte_value_passes_through(self):
        server = self.start()
        sock = self.client(server)
        datagram = bytes(range(256)) + b"\x00\x00"  # NULs at the end are kept too
        sock.send(datagram)
        # bytes.upper() changes exactly the ASCII letters a-z, like the server.
        self.assertEqual(sock.recv(65536), datagram.upper())

    def test_a_datagram_longer_than_pythons_8192_bytes_comes_back_whole(self):
        # "The same bytes": Python's max_packet_size of 8192 would cut these.
        # 65507 is the most one UDP datagram over IPv4 can carry.
        server = self.start()
        sock = self.client(server)
        if self.kind.unix:  # room in the socket buffers for the largest one
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
        for size in (8193, 9000, 65507):
            with self.subTest(size=size):
                sock.send(b"x" * size)
                self.assertEqual(sock.recv(1 << 17), b"X" * size)

    def test_datagram_boundaries_are_kept(self):
        # Several datagrams sent back to back come back as that many
        # datagrams, each whole: never merged, never split. (At most 8 in
        # flight: Linux queues only 10 datagrams on a Unix socket by default.)
        server = self.start()
        sock = self.client(server)
        sizes = [1, 0, 7, 100, 1500, 4000, 8000, 3]
        sent = [bytes([ord("a") + number]) * size for number, size in enumerate(sizes)]
        for datagram in sent:
            sock.send(datagram)
        received = [sock.recv(65536) for _ in sent]
        # Compared without their order: UDP does not promise to keep it.
        self.assertEqual(sorted(received), sorted(datagram.upper() for datagram in sent))
        self.assertEqual(sorted(map(len, received)), sorted(sizes))

    def test_interleaved_clients_each_get_only_their_own_answers(self):
        # One server socket answers everybody, each datagram to its sender.
        server = self.start()
        clients = [self.client(server) for _ in range(12)]
        shuffle = random.Random(3)
        order = list(range(len(clients)))
        for round_number in range(10):
            shuffle.shuffle(order)
            for number in order:
                clients[number].send(b"client %d round %d" % (number, round_number))
            for number, sock in enumerate(clients):
                self.assertEqual(sock.recv(65536), b"CLIENT %d ROUND %d" % (number, round_number))

    def check_signal_exits_0(self, signo):
        server = self.start()
        self.assertEqual(self.exchange(server, b"before\n"), b"BEFORE\n")
        server.send_signal(signo)
        self.assert_clean_exit(server, signo)
        if self.kind.unix:
            self.assertFalse(os.path.exists(server.address), "the socket file is removed")

    def test_sigint_after_serving_exits_0(self):
        self.check_signal_exits_0(signal.SIGINT)

    def test_sigterm_after_serving_exits_0(self):
        self.check_signal_exits_0(signal.SIGTERM)


class InetDatagramClassTests(ClassTestBase):
    """\"What it answers\" over IPv6: --bind [::1]:0 for UDP."""

    def test_ipv6_datagrams_are_answered_from_the_servers_address(self):
        if not ipv6_loopback_works():
            self.skipTest("no IPv6 loopback on this machine")
        server = self.start("[::1]:0")
        self.assertEqual(server.family, socket.AF_INET6, server.listening_line)
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as sock:
            sock.settimeout(IO_TIMEOUT)
            sock.sendto(b"over ipv6", server.address)
            reply, sender = sock.recvfrom(65536)
        self.assertEqual(reply, b"OVER IPV6")
        self.assertEqual(sender[:2], server.address)


class UnixDatagramClassTests(ClassTestBase):
    """\"What it answers\": a Unix datagram from an unbound client cannot be answered."""

    def test_an_unbound_sender_is_dropped_and_reported(self):
        server = self.start()
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as anonymous:
            anonymous.settimeout(IO_TIMEOUT)
            anonymous.sendto(b"who am i\n", server.address)
        self.assertNotEqual(server.wait_for_stderr(), "", "the drop is reported on stderr")
        self.assertEqual(self.exchange(server, b"next\n"), b"NEXT\n")
        self.assertIsNone(server.process.poll(), "the server keeps running")
        # The report went to stderr only: stdout still holds just the
        # `listening on` line when the server stops.
        server.send_signal(signal.SIGTERM)
        self.assert_clean_exit(server, signal.SIGTERM)

    def test_unbound_senders_in_between_do_not_disturb_a_bound_client(self):
        server = self.start()
        sock = self.client(server)
        for number in range(3):
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as anonymous:
                anonymous.settimeout(IO_TIMEOUT)
                anonymous.sendto(b"anonymous %d\n" % number, server.address)
            sock.send(b"bound %d\n" % number)
            self.assertEqual(sock.recv(65536), b"BOUND %d\n" % number)


class ConcurrentStreamClassTests(ClassTestBase):
    """What the Threading and the Forking stream classes share: a client
    that keeps its connection does not delay anyone, and SIGTERM waits
    for every client still connected ("The Threading classes", "The
    Forking classes", "Stopping it")."""

    def connected_clients(self, server, count):
        """count clients, each with one line answered: all of them in flight."""
        socks = []
        for number in range(count):
            sock = self.client(server)
            sock.sendall(b"client %d\n" % number)
            self.assertEqual(recv_exactly(sock, 8 + len(str(number))), b"CLIENT %d\n" % number)
            socks.append(sock)
        return socks

    def wait_until_refused(self, server):
        """Waits until a new client is refused: the listening socket is closed.

        Nothing announces the moment, so this tries a connection at a short
        interval, with a deadline; a connection that still gets through is
        closed at once (its handler sees the end and returns).
        """
        deadline = time.monotonic() + IO_TIMEOUT
        while True:
            with socket.socket(server.family, socket.SOCK_STREAM) as probe:
                probe.settimeout(IO_TIMEOUT)
                error = probe.connect_ex(server.address)
            if error in (errno.ECONNREFUSED, errno.ENOENT):
                return
            if time.monotonic() > deadline:
                self.fail(f"new clients still connect ({os.strerror(error) if error else 'ok'}) "
                          "long after the signal")
            time.sleep(0.002)

    def second_sigterm_while_in_flight(self, server, count):
        """count clients in flight, SIGTERM, and a second one once the first
        is under way: the program exits 1 at once, with a line on stderr
        that says what was cut short. Returns the clients' sockets."""
        socks = self.connected_clients(server, count)
        server.send_signal(signal.SIGTERM)
        self.wait_until_refused(server)  # the first one was taken: the wait is under way
        server.send_signal(signal.SIGTERM)

        self.assertEqual(server.wait_exit(), 1, "a second signal ends the program at once")
        line = server.wait_for_stderr_line(f"{PROGRAM}: ")
        self.assertIsNotNone(line, "a line on stderr says what was cut short; stderr:\n"
                             + server.stderr_text())
        return socks

    def test_a_silent_client_and_a_half_line_do_not_delay_others(self):
        server = self.start()
        silent = self.client(server)
        half = self.client(server)
        half.sendall(b"half a li")

        self.assertEqual(self.exchange(server, b"not delayed\n"), b"NOT DELAYED\n")
        half.sendall(b"ne\n")
        self.assertEqual(recv_exactly(half, 12), b"HALF A LINE\n")
        silent.shutdown(socket.SHUT_WR)
        self.assertEqual(recv_to_eof(silent), b"")

    def test_sigterm_serves_every_connected_client_to_its_end_then_exits_0(self):
        server = self.start()
        socks = self.connected_clients(server, 3)
        server.send_signal(signal.SIGTERM)
        self.wait_until_refused(server)

        # Every client in flight is still served, and the program waits for
        # the last of them.
        for number, sock in enumerate(socks):
            sock.sendall(b"after %d\n" % number)
            self.assertEqual(recv_exactly(sock, 8), b"AFTER %d\n" % number)
        for sock in socks[:-1]:
            sock.shutdown(socket.SHUT_WR)
            self.assertEqual(recv_to_eof(sock), b"")
        self.assertIsNone(server.process.poll(),
                          "the program exited while a request was still being served")
        socks[-1].sendall(b"last\n")
        self.assertEqual(recv_exactly(socks[-1], 5), b"LAST\n")
        socks[-1].shutdown(socket.SHUT_WR)
        self.assertEqual(recv_to_eof(socks[-1]), b"")
        self.assert_clean_exit(server, signal.SIGTERM)


class ThreadingStreamClassTests(ConcurrentStreamClassTests):
    """"The Threading classes" and "Stopping it" for ThreadingTCPServer and
    ThreadingUnixStreamServer: each client on a thread of its own, and a
    shutdown that waits for every client still connected."""

    def test_100_clients_connected_at_once_are_served_side_by_side(self):
        # Every client gets its answer while all hundred stay connected:
        # served one at a time, the second would wait for the first to close.
        server = self.start()
        burst = StreamClassTests.connect_at_once(self, server, 100)
        for number, sock in enumerate(burst):
            sock.sendall(b"client %d\n" % number)
        for number, sock in enumerate(burst):
            self.assertEqual(recv_exactly(sock, 8 + len(str(number))), b"CLIENT %d\n" % number)
        for sock in burst:
            sock.shutdown(socket.SHUT_WR)
        for number, sock in enumerate(burst):
            self.assertEqual(recv_to_eof(sock), b"", f"client {number}")
        self.assertIsNone(server.process.poll(), "the server keeps running")

    def test_a_second_sigterm_while_clients_are_in_flight_exits_1_with_a_line(self):
        server = self.start()
        socks = self.second_sigterm_while_in_flight(server, 3)
        for sock in socks:
            self.assertEqual(recv_to_eof(sock), b"", "the connection ends with the program")


class ConcurrentDatagramClassTests(ClassTestBase):
    """What the Threading and the Forking datagram classes share: a
    hundred clients at once are all answered, and SIGTERM exits 0."""

    def test_100_clients_at_once_are_all_answered(self):
        server = self.start()
        socks = [self.client(server) for _ in range(100)]
        for number, sock in enumerate(socks):
            sock.send(b"client %d\n" % number)
        for number, sock in enumerate(socks):
            self.assertEqual(sock.recv(65536), b"CLIENT %d\n" % number)
        self.assertIsNone(server.process.poll(), "the server keeps running")

    def test_sigterm_with_datagrams_answered_exits_0(self):
        server = self.start()
        for number in range(3):
            self.assertEqual(self.exchange(server, b"datagram %d" % number),
                             b"DATAGRAM %d" % number)
        server.send_signal(signal.SIGTERM)
        self.assert_clean_exit(server, signal.SIGTERM)


class ThreadingDatagramClassTests(ConcurrentDatagramClassTests):
    """"The Threading classes" for ThreadingUDPServer and
    ThreadingUnixDatagramServer: a thread per datagram, and a shutdown that
    answers what was received."""


class ForkingStreamClassTests(ConcurrentStreamClassTests):
    """"The Forking classes" for ForkingTCPServer and ForkingUnixStreamServer:
    each client in a process of its own (seen in /proc), no child left
    uncollected, --max-children, and a child that SIGTERM ends like any
    program."""

    def test_each_client_is_served_by_a_process_of_its_own(self):
        server = self.start()
        socks = self.connected_clients(server, 3)
        children = wait_for_children(server, 3)
        self.assertNotIn(server.process.pid, children)
        for sock in socks:
            sock.shutdown(socket.SHUT_WR)
            self.assertEqual(recv_to_eof(sock), b"")
        # Collected within about a poll interval of their ends: no zombie stays.
        wait_for_children(server, 0)

    def test_max_children_holds_the_next_client_until_one_leaves(self):
        server = self.start(None, "--max-children", "2")
        socks = self.connected_clients(server, 2)
        waiting = self.client(server)
        waiting.sendall(b"third\n")
        # Not a measure of speed: a server that ignores the limit answers at
        # once; one that keeps it cannot answer before a client leaves.
        readable, _, _ = select.select([waiting], [], [], 0.3)
        self.assertEqual(readable, [], "a third client was served while two children lived")
        self.assertEqual(len(children_of(server.process.pid)), 2)

        socks[0].shutdown(socket.SHUT_WR)
        self.assertEqual(recv_to_eof(socks[0]), b"")
        self.assertEqual(recv_exactly(waiting, 6), b"THIRD\n")
        for sock in (socks[1], waiting):
            sock.shutdown(socket.SHUT_WR)
            self.assertEqual(recv_to_eof(sock), b"")

    def test_sigterm_ends_a_child_and_the_server_goes_on(self):
        # A child starts with the signals of a plain program: SIGTERM, which
        # the server itself turns into a shutdown, ends it.
        server = self.start()
        sock, = self.connected_clients(server, 1)
        child, = wait_for_children(server, 1)
        os.kill(child, signal.SIGTERM)
        try:
            self.assertEqual(recv_to_eof(sock), b"", "the child's connection ends with it")
        except ConnectionResetError:
            pass  # ended with a reset: the child had unread data, or none
        wait_for_children(server, 0)
        self.assertIsNone(server.process.poll(), "the server keeps running")
        self.assertEqual(self.exchange(server, b"next\n"), b"NEXT\n")
        server.send_signal(signal.SIGTERM)
        self.assert_clean_exit(server, signal.SIGTERM)

    def test_a_second_sigterm_while_clients_are_in_flight_exits_1_with_a_line(self):
        server = self.start()
        self.second_sigterm_while_in_flight(server, 2)


class ForkingDatagramClassTests(ConcurrentDatagramClassTests):
    """"The Forking classes" for ForkingUDPServer and
    ForkingUnixDatagramServer: a process per datagram, collected, and
    --max-children."""

    def test_with_max_children_1_every_datagram_is_answered_in_turn(self):
        server = self.start(None, "--max-children", "1")
        socks = [self.client(server) for _ in range(20)]
        for number, sock in enumerate(socks):
            sock.send(b"client %d\n" % number)
        for number, sock in enumerate(socks):
            self.assertEqual(sock.recv(65536), b"CLIENT %d\n" % number)

    def test_children_are_collected(self):
        server = self.start()
        for number in range(5):
            self.assertEqual(self.exchange(server, b"datagram %d" % number),
                             b"DATAGRAM %d" % number)
        wait_for_children(server, 0)
        self.assertIsNone(server.process.poll(), "the server keeps running")


def mixins_for(kind):
    """The test mixins that apply to a class of this kind."""
    mixins = [EveryClassTests]
    mixins.append(UnixClassTests if kind.unix else InetClassTests)
    mixins.append(DatagramClassTests if kind.datagram else StreamClassTests)
    if kind.datagram:
        mixins.append(UnixDatagramClassTests if kind.unix else InetDatagramClassTests)
    if kind.threading:
        mixins.append(ThreadingDatagramClassTests if kind.datagram else ThreadingStreamClassTests)
    if kind.forking:
        mixins.append(ForkingDatagramClassTests if kind.datagram else ForkingStreamClassTests)
    return mixins


def add_class_tests(namespace, class_name):
    """Defines one TestCase per mixin for class_name, e.g. TCPServer_Stream."""
    kind = Kind.of(class_name)
    for mixin in mixins_for(kind):
        suffix = mixin.__name__.removesuffix("ClassTests")
        name = f"{class_name}_{suffix}"
        namespace[name] = type(name, (mixin, unittest.TestCase),
                               {"class_name": class_name, "kind": kind})


def listed_classes():
    status, out, err = run("--list")
    if status != 0 or not out.strip():
        sys.exit(f"{BINARY} --list failed (status {status}):\n{err}")
    return out.splitlines()


def main():
    global BINARY, PROGRAM
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("binary", help="the demo program to test")
    parser.add_argument("--class", dest="only", help="test only this server class")
    options, unittest_arguments = parser.parse_known_args()
    BINARY = os.path.abspath(options.binary)
    # The sanitized twin speaks under the plain program's name.
    PROGRAM = re.sub(r"_asan$", "", os.path.basename(BINARY))

    classes = listed_classes()
    CommandLineTests.classes = classes
    for class_name in classes:
        if options.only in (None, class_name):
            add_class_tests(globals(), class_name)
    unittest.main(argv=[sys.argv[0], *unittest_arguments], verbosity=2)


if __name__ == "__main__":
    main()
