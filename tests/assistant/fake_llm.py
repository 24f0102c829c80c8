"""A scripted OpenAI-compatible chat server on 127.0.0.1 for the LLM tests (a real HTTP server)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class ScriptedLlm:
    """Answers `/v1/chat/completions` (streaming) according to `mode`:
    "proper" | "foreign_marker" | "no_markers" | "hang" | "error" | "no_source"."""

    def __init__(self) -> None:
        self.mode = "proper"
        self.requests: list[dict[str, Any]] = []
        self.reply = (
            "Kurz gesagt: Das Jugendamt schätzt das Gefährdungsrisiko im Zusammenwirken mehrerer "
            "Fachkräfte ein [1]."
        )

    def handler(self) -> type[BaseHTTPRequestHandler]:
        script = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                script.requests.append(body)
                if script.mode == "error":
                    self.send_response(500)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(b'{"error": {"message": "interner Fehler"}}')
                    return
                if script.mode == "hang":
                    time.sleep(5)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for piece in _pieces(script.text_for_mode()):
                    chunk = {
                        "id": "x",
                        "object": "chat.completion.chunk",
                        "created": 0,
                        "model": body.get("model", "test"),
                        "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
                    }
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()
                self.wfile.write(b"data: [DONE]\n\n")

        return Handler

    def text_for_mode(self) -> str:
        return {
            "proper": self.reply + "\nWeitere Fachkräfte werden beteiligt [2].",
            "foreign_marker": self.reply + "\nDas Familiengericht entscheidet binnen einer Woche [9].",
            "no_markers": "Das Jugendamt muss sofort handeln. Es gibt keine Fristen.",
            "no_source": "KEINE_QUELLE",
        }[self.mode]


def _pieces(text: str, size: int = 7) -> Iterator[str]:
    for start in range(0, len(text), size):
        yield text[start : start + size]


@contextmanager
def running_llm() -> Iterator[tuple[ScriptedLlm, str]]:
    script = ScriptedLlm()
    server = ThreadingHTTPServer(("127.0.0.1", 0), script.handler())
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield script, f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
