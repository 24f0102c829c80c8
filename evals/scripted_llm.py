"""A scripted OpenAI-compatible chat server on 127.0.0.1: the model of the LLM path in `python -m evals run`.

It plays a model that knows nothing but what it is sent. From the request it reads the numbered
passages (`<quelle nr="n" …>…</quelle>`, as `assistant.answering.llm.build_messages` writes them)
and the question (the last line starting with "Frage"), and answers with the passage sentences that
share the most content words with the question, best first, each closed by its passage's marker:
"… [2]." With no overlap at all it answers "KEINE_QUELLE", as the prompt asks. The reply is
deterministic (ties go to the earlier passage and sentence), so the key-fact metric of the LLM path
measures what our pipeline hands to the model, not what a model happens to know.

A request it cannot read (the prompt format changed) gets HTTP 400 and is counted in `unreadable`:
the Assistant then falls back to its built-in answer, which the eval reports as not answered by the
model.
"""

from __future__ import annotations

import json
import re
import select
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

NO_SOURCE = "KEINE_QUELLE"
MAX_STATEMENTS = 4
MODEL = "skript-eval"

_PASSAGE = re.compile(r'<quelle\b[^>]*\bnr="(\d+)"[^>]*>(.*?)</quelle>', re.DOTALL)
_QUESTION = re.compile(r"^\s*Frage[^:\n]*:\s*(.+?)\s*$", re.MULTILINE)
_WORD = re.compile(r"[^\W\d_]{4,}")
# A sentence ends at ".", "!" or "?" before a capital, unless the word before is a number ("18.
# Lebensjahr") or an abbreviation ("Abs. 2", "z. B."). The script's own splitter, as a model reads;
# how our pipeline then splits and checks the statements is part of what is measured.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[(„\"A-ZÄÖÜ§])")
_NOT_AN_END = re.compile(r"(\d|\b(abs|nr|ziff|art|bzw|ggf|vgl|ca|dr|z|b|s|u|d|h|v|i))\.$", re.IGNORECASE)
_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_STEM = 5  # words compare by their first letters: "Lebensjahr" ~ "Lebensjahres", "Pflege" ~ "Pflegekind"
_STOP = frozenset({"aber", "alle", "auch", "beim", "dann", "dass", "dies", "diese", "dieser", "doch",
                   "durch", "eine", "einem", "einen", "einer", "eines", "gibt", "haben", "hier", "ihre",
                   "ihrem", "ihren", "ihrer", "kann", "können", "muss", "müssen", "nach", "nicht",
                   "noch", "oder", "ohne", "schon", "sein", "sich", "sind", "soll", "sollen", "über",
                   "unter", "wann", "warum", "welche", "welcher", "welches", "wenn", "werden", "wird",
                   "wieviel", "wieviele"})  # fmt: skip


@dataclass(frozen=True)
class Request:
    question: str
    passages: dict[int, str]


def read_request(body: dict[str, Any]) -> Request | None:
    """The question and the numbered passages of a chat request, or None when they are not there."""
    messages = body.get("messages") or []
    text = "\n".join(str(m.get("content", "")) for m in messages if m.get("role") == "user")
    passages = {int(n): passage for n, passage in _PASSAGE.findall(text)}
    questions = _QUESTION.findall(text[text.rfind("</quelle>") :] if passages else text)
    if not passages or not questions:
        return None
    return Request(questions[-1], passages)


def sentences(passage: str) -> list[str]:
    """The sentences of a passage, its line breaks (wrapped law text) read as spaces."""
    text = " ".join(passage.split())
    found, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        if not _NOT_AN_END.search(text[start : match.start()]):
            found.append(text[start : match.start()])
            start = match.end()
    found.append(text[start:])
    return [s for s in found if s.strip()]


def _stems(text: str) -> set[str]:
    """Word beginnings in one spelling: "örtliche" and "oertliche", "Maßnahme" and "Massnahme" read
    alike, as a model reads them (colleagues type umlauts as ae/oe/ue)."""
    words = (m.lower() for m in _WORD.findall(text))
    return {_spelled(w)[:_STEM] for w in words if w not in _STOP}


def _spelled(word: str) -> str:
    return word.translate(_FOLD)


def reply(request: Request) -> str:
    """The statements the script answers with, one per line, each with its marker."""
    wanted = _stems(request.question)
    candidates = []
    for order, (number, passage) in enumerate(sorted(request.passages.items())):
        for position, sentence in enumerate(sentences(passage)):
            overlap = len(wanted & _stems(sentence))
            if overlap:
                candidates.append((-overlap, order, position, number, sentence))
    if not candidates:
        return NO_SOURCE
    best = sorted(candidates)[:MAX_STATEMENTS]
    return "\n".join(f"{sentence.rstrip(' .')} [{number}]." for *_, number, sentence in best)


class ScriptedModel:
    """Counts what it was asked; `unreadable` requests are answered with HTTP 400."""

    def __init__(self) -> None:
        self.requests = 0
        self.unreadable = 0
        self._lock = threading.Lock()

    def handler(self) -> type[BaseHTTPRequestHandler]:
        model = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                request = read_request(body)
                with model._lock:
                    model.requests += 1
                    model.unreadable += request is None
                if request is None:
                    self._send(400, "application/json", b'{"error": {"message": "Anfrage unlesbar"}}')
                    return
                text = reply(request)
                if body.get("stream"):
                    self._send(200, "text/event-stream", b"".join(_events(text, body)))
                else:
                    self._send(200, "application/json", json.dumps(_completion(text, body)).encode())

            def _send(self, status: int, content_type: str, payload: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        return Handler


def _events(text: str, body: dict[str, Any]) -> Iterator[bytes]:
    """Server-sent events as an OpenAI-compatible server streams them, one line of the reply each."""
    for piece in text.splitlines(keepends=True):
        chunk = {
            "id": "skript",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": body.get("model", MODEL),
            "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
        }
        yield f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode()
    yield b"data: [DONE]\n\n"


def _completion(text: str, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "skript",
        "object": "chat.completion",
        "created": 0,
        "model": body.get("model", MODEL),
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
    }


@contextmanager
def running_scripted_model() -> Iterator[tuple[ScriptedModel, str]]:
    """The model and its base URL (`http://127.0.0.1:PORT/v1`) while the server runs."""
    model = ScriptedModel()
    with _serving(model.handler()) as base_url:
        yield model, base_url


@contextmanager
def _serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """`handler` on a free loopback port, one thread per request; yields the base URL (…/v1)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class KeepAliveModel:
    """An endpoint that accepts every chat request, sends the headers of an event stream and then
    nothing but SSE keep-alive comments (`: keep-alive`) until the client hangs up: an HTTP client's
    read timeout never fires. Counts the requests and the connections open at most at once."""

    def __init__(self, interval: float = 0.5) -> None:
        self.interval = interval
        self.requests = 0
        self.open = 0
        self.most_open = 0
        self.stopped = threading.Event()
        self._lock = threading.Lock()

    def handler(self) -> type[BaseHTTPRequestHandler]:
        model = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with model._lock:
                    model.requests += 1
                    model.open += 1
                    model.most_open = max(model.most_open, model.open)
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.end_headers()
                    while not model.stopped.is_set():
                        self.wfile.write(b": keep-alive\n\n")
                        self.wfile.flush()
                        # Readable with nothing to read: the client hung up (counted as closed at once).
                        readable = select.select([self.connection], [], [], model.interval)[0]
                        if readable and not self.connection.recv(1, socket.MSG_PEEK):
                            break
                except OSError:  # the client closed the connection: what its deadline should do
                    pass
                finally:
                    with model._lock:
                        model.open -= 1

        return Handler


@contextmanager
def running_keepalive_model(interval: float = 0.5) -> Iterator[tuple[KeepAliveModel, str]]:
    """The keep-alive endpoint and its base URL (`http://127.0.0.1:PORT/v1`) while it runs."""
    model = KeepAliveModel(interval)
    with _serving(model.handler()) as base_url:
        try:
            yield model, base_url
        finally:
            model.stopped.set()  # the handlers still writing keep-alives end before the server stops
