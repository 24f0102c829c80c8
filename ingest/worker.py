"""The parse worker: `python -m ingest.worker`, started by `ParseSandbox` (ingest/sandbox.py).

It imports the parsers once and then forks one child per file, so a file costs a fork (milliseconds),
not an interpreter start. Each child runs `parse_file` under an address-space limit
(`JHA_INGEST_MAX_MEMORY_MB`) and a CPU limit, and is killed when it exceeds the wall-clock limit
(`JHA_INGEST_MAX_SECONDS`). The worker itself never reads a document: it only forks, waits and relays.

Protocol on stdin/stdout: frames of an 8-byte length and UTF-8 JSON. Per request (a `ParseRequest`)
the worker answers with two frames: the outcome (error or not, seconds, CPU seconds, peak RSS) and the
child's own JSON (empty on failure), relayed unparsed.
"""

from __future__ import annotations

import json
import math
import os
import resource
import select
import signal
import struct
import sys
import time
import traceback
from pathlib import Path
from typing import IO, Any

_HEADER = struct.Struct("!Q")
_READ_BLOCK = 1 << 20


def write_frame(stream: IO[bytes], payload: bytes) -> None:
    stream.write(_HEADER.pack(len(payload)) + payload)
    stream.flush()


def read_frame(stream: IO[bytes]) -> bytes | None:
    header = _read_exactly(stream, _HEADER.size)
    if header is None:
        return None
    (length,) = _HEADER.unpack(header)
    return _read_exactly(stream, length) if length else b""


def _read_exactly(stream: IO[bytes], size: int) -> bytes | None:
    parts: list[bytes] = []
    while size:
        part = stream.read(size)
        if not part:
            return None
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


def main() -> None:
    # Replies get a private descriptor; whatever a library prints goes to stderr, never into the channel.
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    _quiet_libraries()
    from ingest.parse import ParseRequest  # after the redirect: imports may print

    _preload()
    requests = sys.stdin.buffer
    while (frame := read_frame(requests)) is not None:
        request = ParseRequest.from_json(json.loads(frame))
        outcome, payload = _parse_in_child(request, replies)
        write_frame(replies, json.dumps(outcome).encode())
        write_frame(replies, payload)


def _quiet_libraries() -> None:
    """pypdf and python-docx warn in English about every odd object; the maintainer gets our message."""
    import logging
    import warnings

    warnings.simplefilter("ignore")
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)


def _preload() -> None:
    """Import every parser and run it once here, so that no child pays for lazy imports (measured: a
    one-page PDF took 104 ms in a fresh child without this, 11 ms in a warm process)."""
    import gc
    import io

    import docx
    import pdfplumber  # noqa: F401
    import pypdf
    import pypdfium2  # noqa: F401
    from bs4 import BeautifulSoup
    from PIL import Image  # noqa: F401

    import ingest.formats.tables
    import ingest.parse  # noqa: F401

    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=100, height=100)
    pdf = io.BytesIO()
    writer.write(pdf)
    for page in pypdf.PdfReader(pdf).pages:
        page.extract_text()
    document = io.BytesIO()
    docx.Document().save(document)
    for paragraph in docx.Document(document).paragraphs:
        _ = paragraph.style
    BeautifulSoup("<html><body><main><p>Text</p></main></body></html>", "lxml").get_text()
    # Objects that exist now are never collected: children do not copy their pages on a GC pass.
    gc.freeze()


def _parse_in_child(request: Any, replies: IO[bytes]) -> tuple[dict[str, Any], bytes]:
    limits = request.limits
    read_end, write_end = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: parse, write JSON, exit without running the worker's cleanup
        os.close(read_end)
        replies.close()
        try:
            _limit_resources(limits.max_seconds, limits.max_memory_mb)
            with os.fdopen(write_end, "wb") as out:
                out.write(_child_result(request))
        finally:
            os._exit(0)
    os.close(write_end)
    payload, timed_out = _collect(read_end, pid, started + limits.max_seconds)
    _, status, usage = os.wait4(pid, 0)
    outcome: dict[str, Any] = {
        "seconds": round(time.monotonic() - started, 3),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
    }
    failure = _failure(limits, status, timed_out, payload)
    if failure:
        outcome.update(failure)
        payload = b""
    return outcome, payload


def _limit_resources(max_seconds: float, max_memory_mb: int) -> None:
    cpu = math.ceil(max_seconds) + 1  # the wall-clock limit comes first; this one catches threads
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    memory = max_memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))


def _child_result(request: Any) -> bytes:
    from ingest.limits import LoadError
    from ingest.parse import parse_file, parsed_to_json

    try:
        result: dict[str, Any] = {"ok": parsed_to_json(parse_file(request))}
    except LoadError as exc:
        result = {"error": exc.reason, "limit": exc.limit}
        if exc.limit is None and _used_most_memory(request.limits.max_memory_mb):
            # libxml2 reports a failed allocation as "XMLSyntaxError: unknown error", which the loader
            # took for a broken file: the peak address space tells what really happened.
            result = {"error": request.limits.too_much_memory().reason, "limit": "JHA_INGEST_MAX_MEMORY_MB"}
    except MemoryError:
        result = {"error": request.limits.too_much_memory().reason, "limit": "JHA_INGEST_MAX_MEMORY_MB"}
    except RecursionError:
        result = {"error": "Datei ist zu tief verschachtelt, um gelesen zu werden"}
    except Exception:  # a parser bug: the maintainer gets a German line, the log the traceback
        traceback.print_exc(file=sys.stderr)
        # The exception's class name is English and means nothing to the maintainer: it goes to the log.
        result = {"error": "Unerwarteter Fehler beim Lesen (Programmfehler); Details im Protokoll"}
    try:
        return json.dumps(result, ensure_ascii=False).encode("utf-8")
    except MemoryError:
        message = request.limits.too_much_memory().reason
        return json.dumps({"error": message, "limit": "JHA_INGEST_MAX_MEMORY_MB"}).encode()


def _used_most_memory(max_memory_mb: int) -> bool:
    with Path("/proc/self/status").open(encoding="ascii") as status:
        for line in status:
            if line.startswith("VmPeak:"):
                return int(line.split()[1]) >= 0.8 * max_memory_mb * 1024
    return False


def _collect(read_end: int, pid: int, deadline: float) -> tuple[bytes, bool]:
    """Read the child's output until it closes the pipe; kill it at the deadline."""
    parts: list[bytes] = []
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                os.kill(pid, signal.SIGKILL)
                return b"", True
            if readable_before(read_end, deadline):
                part = os.read(read_end, _READ_BLOCK)
                if not part:
                    return b"".join(parts), False
                parts.append(part)
    finally:
        os.close(read_end)


def _failure(limits: Any, status: int, timed_out: bool, payload: bytes) -> dict[str, Any] | None:
    if timed_out:
        return {"error": limits.too_slow().reason, "limit": "JHA_INGEST_MAX_SECONDS"}
    if os.WIFSIGNALED(status):
        signal_number = os.WTERMSIG(status)
        if signal_number == signal.SIGXCPU:
            return {"error": limits.too_slow().reason, "limit": "JHA_INGEST_MAX_SECONDS"}
        if signal_number == signal.SIGKILL:  # the kernel's OOM killer
            return {"error": limits.too_much_memory().reason, "limit": "JHA_INGEST_MAX_MEMORY_MB"}
        return {"error": f"Lesen abgebrochen: Der Leseprozess stürzte ab (Signal {signal_number})"}
    if not payload:
        return {"error": "Lesen abgebrochen: Der Leseprozess endete ohne Ergebnis"}
    return None


def readable_before(fd: int, deadline: float) -> bool:
    """Whether `fd` has data (or EOF) before the monotonic `deadline`. poll(), not select(): select()
    fails with "filedescriptor out of range" once a long-lived process (the web server) holds more than
    1024 descriptors, and an upload must not fail because of that."""
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    timeout_ms = max(0, int((deadline - time.monotonic()) * 1000))
    return bool(poller.poll(timeout_ms))


if __name__ == "__main__":
    main()
