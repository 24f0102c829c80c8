from __future__ import annotations

import pytest

from knowledge.index import KnowledgeIndex
from knowledge.search_health import SearchHealth
from knowledge.settings import Settings


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_failures_count_within_the_window_only() -> None:
    clock = _Clock()
    health = SearchHealth(window_seconds=60, clock=clock)
    assert health.check() == {"ok": True, "recent_failures": 0, "window_seconds": 60}
    health.record_failure(ValueError("Form passt nicht"))
    clock.now += 30
    health.record_failure(KeyError("x"))
    expected = {"ok": False, "recent_failures": 2, "window_seconds": 60, "last_error": "KeyError"}
    assert health.check() == expected
    clock.now += 31
    assert health.check()["recent_failures"] == 1
    clock.now += 30
    assert health.check()["ok"] is True


def test_a_failing_search_is_recorded_and_still_raised(settings: Settings) -> None:
    index = KnowledgeIndex.open(settings)
    assert index.search_health.check()["ok"]
    (settings.index_dir / "lexical").mkdir(parents=True, exist_ok=True)
    broken = settings.index_dir / "lexical" / "g7-kaputt"
    broken.mkdir()
    (broken / "version").write_text("7", encoding="utf-8")
    (settings.index_dir / "lexical" / "CURRENT").write_text(broken.name, encoding="utf-8")
    with pytest.raises(FileNotFoundError):
        index.search("Inobhutnahme", k=3)
    check = index.search_health.check()
    assert (check["ok"], check["recent_failures"], check["last_error"]) == (False, 1, "FileNotFoundError")
