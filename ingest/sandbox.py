"""`ParseSandbox`: files are read in a separate worker process that can be killed.

A zip bomb or a pathological PDF must not take the ingesting process (the CLI or the web server) with
it: the worker (`python -m ingest.worker`) forks a child per file under time and memory limits, and the
child's result comes back as JSON. The worker is started once per sandbox and reused across files;
starting it (about a second of imports) overlaps with opening the index when `start()` is called early.

>>> with ParseSandbox() as sandbox:  # doctest: +SKIP
...     parsed = sandbox.parse(ParseRequest(path="a.pdf", source="a.pdf")).parsed
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from types import TracebackType
from typing import IO, Any

from ingest.limits import LoadError
from ingest.parse import ParsedFile, ParseRequest, parsed_from_json
from ingest.worker import read_frame, readable_before, write_frame

# The worker enforces the time limit on each child; this grace only covers its own start-up (imports
# on a loaded machine) and a worker that itself stopped answering.
_WORKER_GRACE_SECONDS = 60.0
_STOP_SECONDS = 5.0


@dataclass(frozen=True)
class ParseOutcome:
    parsed: ParsedFile
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float


class ParseSandbox:
    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._submitted = 0.0

    def __enter__(self) -> ParseSandbox:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def start(self) -> None:
        """Start the worker unless it runs; returns at once (the worker imports in the background)."""
        if self._process is not None and self._process.poll() is None:
            return
        env = {
            **os.environ,
            # The worker must run this very code: the parent's import path, not whatever is installed.
            "PYTHONPATH": os.pathsep.join(path for path in sys.path if path),
            # One thread per numeric library: the worker forks, and forked children have no threads.
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
        }
        self._process = subprocess.Popen(
            [sys.executable, "-m", "ingest.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            bufsize=0,
        )

    def parse(self, request: ParseRequest) -> ParseOutcome:
        """Parse one file in a child of the worker; raises `LoadError` with the reason."""
        self.submit(request)
        outcome = self.receive(request)
        if isinstance(outcome, LoadError):
            raise outcome
        return outcome

    def submit(self, request: ParseRequest) -> None:
        """Hand the worker a file; it parses while the caller does other work (one file at a time)."""
        self.start()
        process = self._process
        assert process is not None and process.stdin is not None
        try:
            write_frame(process.stdin, json.dumps(request.as_json(), ensure_ascii=False).encode("utf-8"))
        except OSError:
            self._kill()  # `receive` reports it
        self._submitted = time.monotonic()

    def receive(self, request: ParseRequest) -> ParseOutcome | LoadError:
        """The outcome of the submitted `request`: the parsed file, or the `LoadError` saying why not."""
        process = self._process
        if process is None or process.stdout is None:
            return LoadError("Lesen abgebrochen: Der Leseprozess antwortet nicht")
        try:
            deadline = self._submitted + request.limits.max_seconds + _WORKER_GRACE_SECONDS
            outcome = _read_before(process.stdout, deadline)
            payload = _read_before(process.stdout, deadline)
        except (OSError, TimeoutError, EOFError):
            self._kill()
            return LoadError("Lesen abgebrochen: Der Leseprozess antwortet nicht")
        meta: dict[str, Any] = json.loads(outcome)
        if "error" in meta:
            return LoadError(str(meta["error"]), limit=meta.get("limit"))
        result: dict[str, Any] = json.loads(payload)
        if "error" in result:
            return LoadError(str(result["error"]), limit=result.get("limit"))
        return ParseOutcome(
            parsed=parsed_from_json(result["ok"]),
            seconds=float(meta["seconds"]),
            cpu_seconds=float(meta["cpu_seconds"]),
            peak_rss_mb=float(meta["peak_rss_mb"]),
        )

    def close(self) -> None:
        """Stop the worker and wait for it (so that its resource use is accounted to this process)."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(timeout=_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()

    def _kill(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            process.kill()
            process.wait()
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    stream.close()


def _read_before(stream: IO[bytes], deadline: float) -> bytes:
    if not readable_before(stream.fileno(), deadline):
        raise TimeoutError
    frame = read_frame(stream)
    if frame is None:
        raise EOFError
    return frame
