"""Searches stay correct while documents are added and removed, in this process and in another one.

Issue 14 item 1: a removal under load once left every search failing with a bm25s broadcast error
(scores of the new lexical index, mask and chunk ids of the old one) until the next change.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ingest.pipeline import IngestPipeline
from knowledge.index import KnowledgeIndex
from knowledge.lexical_store import SnapshotLexicalIndex as LexicalIndex
from knowledge.settings import Settings

_TOPICS = [
    ("inobhutnahme", "Inobhutnahme", "Das Jugendamt nimmt ein Kind bei dringender Gefahr in Obhut."),
    ("pflege", "Vollzeitpflege", "Die Pflegeperson erhält Beratung und Unterstützung durch das Jugendamt."),
    ("kita", "Tageseinrichtung", "Ein Kind ab dem ersten Lebensjahr hat Anspruch auf Förderung."),
    ("beistand", "Beistandschaft", "Auf schriftlichen Antrag wird das Jugendamt Beistand des Kindes."),
    ("hilfeplan", "Hilfeplanung", "Über die Hilfe entscheiden mehrere Fachkräfte im Zusammenwirken."),
    ("schutz", "Schutzauftrag", "Bei gewichtigen Anhaltspunkten ist das Risiko einzuschätzen."),
    ("kosten", "Kostenbeitrag", "Junge Menschen werden aus ihrem Einkommen zu den Kosten herangezogen."),
    ("daten", "Sozialdaten", "Sozialdaten dürfen nur erhoben werden, soweit ihre Kenntnis erforderlich ist."),
]
_QUERIES = ["Inobhutnahme bei Gefahr", "Pflegeperson Beratung", "Anspruch auf Förderung Kita", "Sozialdaten"]


def _write_documents(folder: Path) -> list[Path]:
    folder.mkdir()
    paths = []
    for slug, title, sentence in _TOPICS:
        sections = "\n\n".join(f"## {title} Teil {n}\n{sentence} Abschnitt {n}." for n in range(1, 6))
        path = folder / f"{slug}.md"
        path.write_text(f"---\ntitle: {title}\ntype: workshop\n---\n{sections}\n", encoding="utf-8")
        paths.append(path)
    return paths


def _cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JHA_DATA_DIR": str(settings.data_dir), "JHA_EMBEDDER": "hashing"}
    return subprocess.run(
        [sys.executable, "-m", "ingest", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


class _Searchers:
    """Four threads searching the index without pause until `stop()`; every exception is collected."""

    def __init__(self, index: KnowledgeIndex) -> None:
        self.index = index
        self.errors: list[str] = []
        self.searches = 0
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(n,)) for n in range(4)]
        for thread in self._threads:
            thread.start()

    def _run(self, offset: int) -> None:
        n = offset
        while not self._stop.is_set():
            query = _QUERIES[n % len(_QUERIES)]
            try:
                self.index.search(query, k=5)
                self.index.search(query, k=5, include_superseded=False)  # the masked path
                self.searches += 2
            except Exception as exc:  # every failure is a finding; collect them all
                self.errors.append(f"{type(exc).__name__}: {exc}")
            n += 1

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def assert_clean(self) -> None:
        assert self.searches > 50
        failed = f"{len(self.errors)} von {self.searches} Suchen schlugen fehl, zuerst: {self.errors[:3]}"
        assert self.errors == [], failed
        # The index ends whole: every document findable, lexical snapshot and catalog agree.
        assert self.index.search("Sozialdaten erforderlich", k=1)[0].document.title == "Sozialdaten"
        stats = self.index.stats()
        assert stats.lexical_count == stats.chunks
        assert self.index.search_health.check()["ok"]


@pytest.fixture
def indexed(settings: Settings, tmp_path: Path) -> tuple[KnowledgeIndex, list[Path]]:
    paths = _write_documents(tmp_path / "docs")
    index = KnowledgeIndex.open(settings)
    assert not IngestPipeline(index).add(paths).failed
    return index, paths


def test_searches_never_fail_while_this_process_adds_and_removes(
    indexed: tuple[KnowledgeIndex, list[Path]],
) -> None:
    index, paths = indexed
    pipeline = IngestPipeline(index)
    searchers = _Searchers(index)
    try:
        for round_ in range(8):
            removed = paths[round_ % 3]
            assert pipeline.remove(str(removed)) is not None
            time.sleep(0.01)
            assert not pipeline.add([removed]).failed
    finally:
        searchers.stop()
    searchers.assert_clean()


def test_searches_never_fail_while_another_process_removes_and_adds(
    indexed: tuple[KnowledgeIndex, list[Path]], settings: Settings
) -> None:
    """The ingest CLI beside a running server: one writer elsewhere, readers here (embedded Chroma
    supports no two concurrent writers; that topology needs the Chroma server)."""
    index, paths = indexed
    searchers = _Searchers(index)
    try:
        results = [_cli(settings, "remove", str(paths[-1])), _cli(settings, "add", str(paths[-1]))]
        time.sleep(0.2)  # searches after the last change, too
    finally:
        searchers.stop()
    assert [r.returncode for r in results] == [0, 0], [r.stderr[-2000:] for r in results]
    searchers.assert_clean()


def test_a_reader_loads_only_complete_generations(settings: Settings) -> None:
    """A staging dir a crashed writer left behind is neither loaded nor kept by the next writer."""
    index = KnowledgeIndex.open(settings)
    lexical_dir = settings.index_dir / "lexical"
    debris = lexical_dir / ".staging-g99-dead"
    debris.mkdir(parents=True)
    (debris / "chunk_ids.json").write_text('["halb"]', encoding="utf-8")

    reader = LexicalIndex(lexical_dir)
    assert reader.current().chunk_ids == ()

    folder = settings.data_dir.parent / "docs"
    assert not IngestPipeline(index).add(_write_documents(folder)[:1]).failed
    assert reader.current().size == 5
    assert not debris.exists()


def test_a_reader_notices_a_pointer_edited_in_place(settings: Settings) -> None:
    """`current` trusts an unchanged pointer file without reading it; one written over (not
    replaced by a rename, as a hand edit does) is read again."""
    index = KnowledgeIndex.open(settings)
    lexical_dir = settings.index_dir / "lexical"
    folder = settings.data_dir.parent / "docs"
    assert not IngestPipeline(index).add(_write_documents(folder)[:1]).failed
    reader = LexicalIndex(lexical_dir)
    first = reader.current()
    assert reader.current() is first and first.size == 5
    pointer = lexical_dir / "CURRENT"
    published = pointer.read_text(encoding="utf-8")
    pointer.write_text("g0-fehlt00", encoding="utf-8")  # in place: same inode
    with pytest.raises(FileNotFoundError):
        reader.current()
    pointer.write_text(published, encoding="utf-8")
    assert reader.current() is first
