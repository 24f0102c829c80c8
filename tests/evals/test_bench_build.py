"""The build bench's own bookkeeping: the synthetic documents' time is measured apart; runs that
share a cache root keep each other's caches."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

from evals import bench_build
from evals.bench_build import _hold, _remove_unless_in_use, _replace_dir, _Timed


def test_timed_source_yields_every_item_and_adds_up_its_time() -> None:
    def slow() -> Iterator[int]:
        for n in range(3):
            time.sleep(0.01)  # wall time without CPU time
            yield n

    timed = _Timed(slow())
    assert list(timed) == [0, 1, 2]
    assert timed.seconds >= 0.03
    assert timed.cpu_seconds < timed.seconds


def test_a_cache_another_run_holds_is_kept_and_a_free_one_deleted(tmp_path: Path) -> None:
    held, free = tmp_path / "0123456789abcdef", tmp_path / "fedcba9876543210"
    free.mkdir()
    (free / "ours-1000").mkdir()
    held_before = len(bench_build._HELD)
    _hold(held)  # flock locks belong to the open file: this one stands for another process
    try:
        assert not _remove_unless_in_use(held) and held.is_dir()
        assert _remove_unless_in_use(free) and not free.exists()
    finally:
        for lock in bench_build._HELD[held_before:]:
            lock.close()
        del bench_build._HELD[held_before:]
    assert _remove_unless_in_use(held) and not held.exists()


def test_a_finished_build_replaces_the_target_whole(tmp_path: Path) -> None:
    target = tmp_path / "100000-ngram-nostock"
    for name, content in (("a.partial-1", "neu"), ("b.partial-2", "neuer")):
        built = tmp_path / name
        built.mkdir()
        (built / "meta.json").write_text(content, encoding="utf-8")
        _replace_dir(built, target)
        assert (target / "meta.json").read_text(encoding="utf-8") == content
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]
