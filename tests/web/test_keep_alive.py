"""An idle connection outlives uvicorn's default 5 s: a reverse proxy reuses its upstream connections
for minutes, and a request sent just as the server closes one fails. `python -m web serve` as a real
process; one raw socket asks twice with a pause between."""

from __future__ import annotations

import socket
import time
from pathlib import Path

from tests.web.conftest import make_web_settings
from tests.web.processes import ServerProcess

IDLE_SECONDS = 7  # longer than uvicorn's default keep-alive (5 s)
REQUEST = b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n"


def _response(connection: socket.socket) -> bytes:
    received = b""
    while b"\r\n\r\n" not in received:
        part = connection.recv(4096)
        if not part:
            return received  # closed by the server
        received += part
    head, _, body = received.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
    )
    while len(body) < length:
        body += connection.recv(4096)
    return head


def test_an_idle_connection_is_still_open_after_seconds(indexed_corpus_dir: Path, tmp_path: Path) -> None:
    data_dir = make_web_settings(indexed_corpus_dir, tmp_path / "var").data_dir
    server = ServerProcess(data_dir, user="fachkraft")
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as connection:
            connection.sendall(REQUEST)
            assert _response(connection).startswith(b"HTTP/1.1 200")
            time.sleep(IDLE_SECONDS)
            connection.sendall(REQUEST)
            assert _response(connection).startswith(b"HTTP/1.1 200")
    finally:
        server.stop()
