"""The answer stream's writes: frames that are ready together leave as one write (each item cost a
hop to a worker thread and a write to the socket), and nothing of the stream is lost or reordered."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.conftest import make_web_settings, sse_events
from web.state import AppState
from web.streaming import answer_events

QUESTION = "Was tut das Jugendamt, wenn gewichtige Anhaltspunkte für eine Kindeswohlgefährdung vorliegen?"
EMERGENCY = "Der Vater hat gerade gedroht, das Kind zu schlagen, es ist jetzt allein mit ihm. Was tun?"


@pytest.fixture
def state(indexed_corpus_dir: Path, tmp_path: Path) -> Iterator[AppState]:
    opened = AppState.open(make_web_settings(indexed_corpus_dir, tmp_path / "var"))
    yield opened
    opened.close()


def _writes(state: AppState, question: str) -> list[str]:
    finished: list[str] = []

    def finish(data: dict[str, object]) -> dict[str, object]:
        finished.append(str(data["log_id"]))
        return {}

    writes = list(
        answer_events(
            state, question, conversation_id="c-stream", username="fachkraft", collections=None, finish=finish
        )
    )
    assert len(finished) == 1  # stored in the history once, before `done` went out
    return writes


def test_a_built_in_answer_leaves_with_its_first_line_and_with_done(state: AppState) -> None:
    writes = _writes(state, QUESTION)
    events = sse_events("".join(writes))
    kinds = [kind for kind, _ in events]
    assert kinds[-1] == "done" and kinds.count("delta") > 2, kinds
    # Notices and the first line; then every further line and `done`.
    assert len(writes) == 2, [sse_events(w) for w in writes]
    assert [kind for kind, _ in sse_events(writes[0])][-1] == "delta"
    text = "".join(data["text"] for kind, data in events if kind == "delta")
    assert text.strip() == events[-1][1]["answer"].strip()


def test_notices_come_first_in_the_first_write(state: AppState) -> None:
    writes = _writes(state, EMERGENCY)
    first = [kind for kind, _ in sse_events(writes[0])]
    assert first[0] == "notice" and first[-1] == "delta", first
    assert [kind for kind, _ in sse_events(writes[-1])][-1] == "done"
