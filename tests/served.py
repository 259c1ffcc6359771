"""``dateline serve`` run as a user runs it, in a project folder, with its output followed."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType


class Served:
    """``python -m dateline serve --port 0`` in ``root``; :meth:`wait_for` follows its output.
    ``program``: another script to run in place of ``-m dateline``."""

    def __init__(self, root: Path, *args: str, program: tuple[str, ...] = ("-m", "dateline")) -> None:
        self.process = subprocess.Popen(
            [sys.executable, *program, "serve", "--port", "0", *args], cwd=root,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.out: list[str] = []
        self.err: list[str] = []
        self._lines = threading.Condition()
        self._ended = 0  # streams read to their end
        self._readers = [threading.Thread(target=self._follow, args=(stream, lines), daemon=True)
                         for stream, lines in ((self.process.stdout, self.out), (self.process.stderr, self.err))]
        for reader in self._readers:
            reader.start()
        try:
            said = self.wait_for(r"^Serving (http://\S+) ")
        except BaseException:
            self.__exit__(None, None, None)  # no with block yet to end it
            raise
        self.url = re.match(r"^Serving (http://\S+) ", said).group(1)  # type: ignore[union-attr]

    def _follow(self, stream: object, lines: list[str]) -> None:
        for line in stream:  # type: ignore[attr-defined]
            with self._lines:
                lines.append(line.rstrip("\n"))
                self._lines.notify_all()
        with self._lines:
            self._ended += 1
            self._lines.notify_all()

    def count(self, pattern: str, stream: str = "out") -> int:
        """How many lines of ``stream`` read so far match: stdout and stderr are read apart,
        so a line printed to one before a line of the other may be read after it."""
        with self._lines:
            return sum(bool(re.search(pattern, line)) for line in getattr(self, stream))

    def wait_for(self, pattern: str, times: int = 1, stream: str = "out", timeout: float = 60) -> str:
        """The ``times``-th line of ``stream`` matching ``pattern``, once it is printed."""
        deadline = time.monotonic() + timeout
        with self._lines:
            while True:
                found = [line for line in getattr(self, stream) if re.search(pattern, line)]
                if len(found) >= times:
                    return found[times - 1]
                left = deadline - time.monotonic()
                if left <= 0 or self._ended == 2:
                    raise AssertionError(f"no {pattern!r} (×{times}) in {stream}:\n"
                                         + "\n".join(self.out + ["--- stderr:"] + self.err))
                self._lines.wait(min(left, 0.5))

    def get(self, path: str) -> tuple[int, str]:
        """Status and text of ``path`` under the served site's address."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=30) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def stop(self) -> int:
        """Stop it as ``kill`` does; its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        for reader in self._readers:
            reader.join(timeout=10)  # every line it printed is read
        return code

    def __enter__(self) -> Served:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for reader in self._readers:
            reader.join(timeout=10)
