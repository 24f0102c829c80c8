"""Server-sent events for an answer: `notice`, `progress` ("Sprachmodell antwortet …" while the
language model has not answered yet, with `seconds`), `delta` and `done` as the assistant yields them."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

from knowledge.collections import Collections
from web.state import AppState
from web.testhook import pause_at

log = logging.getLogger(__name__)

SSE_MEDIA_TYPE = "text/event-stream"
# Proxies such as nginx buffer responses unless told otherwise; a buffered stream arrives all at once.
SSE_HEADERS = {"X-Accel-Buffering": "no", "Cache-Control": "no-store"}


def sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def answer_events(
    state: AppState,
    question: str,
    *,
    conversation_id: str,
    username: str,
    collections: Collections,
    finish: Callable[[dict[str, Any]], dict[str, Any]],
) -> Iterator[str]:
    """The answer as SSE frames, from the collections the user reads (`web.permissions.collections_of`).
    `finish` gets the finished answer before `done` goes out (to store it in the user's history) and
    returns what `done` carries besides it (the chat page: the answer's HTML).

    Frames that are ready together go out as one write. Each item of the stream costs a hop to a
    worker thread and a write to the socket; the built-in answer is complete at once, and a write per
    line and notice was a dozen per answer. A language model's frames go out one by one, as it sends
    them; the built-in answer's with its first line and with `done`."""
    first_delta = True
    together = state.assistant.mode == "builtin"
    pending: list[str] = []
    stream = state.assistant.stream(
        question, conversation_id=conversation_id, user=username, collections=collections
    )
    try:
        for event in stream:
            data = dict(event.data)
            if event.kind == "done":
                data["conversation_id"] = conversation_id
                with state.assistant.index.pinned():  # the storage filter's terms: one version read
                    data.update(finish(data))
            pending.append(sse(event.kind, data))
            first = event.kind == "delta" and first_delta
            if not together or first or event.kind == "done":
                yield "".join(pending)
                pending.clear()
            if first:
                first_delta = False
                # Tests hold the stream here, as a stalled client would, to drop the connection.
                pause_at(state.settings, "chat:first-delta")
    except Exception as exc:
        # The headers are already sent, so the error travels as an event. The log line names the
        # exception type only: its message could quote the question.
        log.error("Antwort abgebrochen: %s", type(exc).__name__)
        pending.append(
            sse(
                "error",
                {
                    "code": "answer_failed",
                    "message": "Die Antwort konnte nicht erstellt werden. Bitte versuchen Sie es erneut.",
                },
            )
        )
    if pending:
        yield "".join(pending)
