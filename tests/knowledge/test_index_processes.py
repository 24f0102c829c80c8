"""Index consistency across processes (issue 11 item 5), embedded and on the server stack.

A reader that stays open (like a web worker) notices what an `ingest` process writes on its next
search: through the vector channel alone and through the lexical channel alone, and a removal alike.
Opening the index for reading (a reader, `doctor`) writes nothing to the data dir.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.doctor import diagnose
from knowledge.index import KnowledgeIndex
from knowledge.settings import Settings
from tests.conftest import PROJECT

NOTICE_SECONDS = 2.0
WORD = "Zauberwortbeistandschaft"


def environment(settings: Settings) -> dict[str, str]:
    """The `JHA_*` variables that give another process these settings."""
    env = {**os.environ, "JHA_DATA_DIR": str(settings.data_dir), "JHA_EMBEDDER": settings.embedding.mode}
    values = {
        "JHA_CHROMA_URL": settings.chroma.url,
        "JHA_CHROMA_COLLECTION": settings.chroma.collection,
        "JHA_DATABASE_URL": settings.database_url,
    }
    for name, value in values.items():
        if value:
            env[name] = str(value)
        else:
            env.pop(name, None)
    return env


def ingest(settings: Settings, *args: str) -> str:
    """`python -m ingest ARGS` in a process of its own, on the settings' stack; its output."""
    result = subprocess.run(
        [sys.executable, "-m", "ingest", *args],
        cwd=PROJECT,
        env=environment(settings),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _document(folder: Path, slug: str, sentence: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}.md"
    sections = "\n\n".join(f"## {slug.title()} Teil {n}\n{sentence} Abschnitt {n}." for n in range(1, 4))
    path.write_text(f"---\ntitle: {slug.title()}\ntype: workshop\n---\n{sections}\n", encoding="utf-8")
    return path


def vector_ids(index: KnowledgeIndex, query: str) -> set[str]:
    index.refresh()
    return {chunk_id for chunk_id, _ in index.stores.vectors.search(index.embedder.embed_query(query), 5)}


def lexical_ids(index: KnowledgeIndex, query: str) -> set[str]:
    index.refresh()
    snapshot = index.stores.lexical.current()
    return {chunk_id for chunk_id, _ in snapshot.search(query, 5)}


def eventually(check: object, seconds: float = NOTICE_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"nicht binnen {seconds} s bemerkt"
        time.sleep(0.05)


@pytest.fixture
def reader(settings: Settings, tmp_path: Path) -> Iterator[KnowledgeIndex]:
    existing = _document(tmp_path / "docs", "vorhanden", "Die Vollzeitpflege wird beraten.")
    ingest(settings, "add", str(existing))
    index = KnowledgeIndex.open(settings)
    assert index.search("Vollzeitpflege", k=1)  # loaded and searched once, as a running server has
    yield index
    index.close()


def test_open_reader_sees_another_process_add_and_remove_in_each_channel(
    settings: Settings, reader: KnowledgeIndex, tmp_path: Path
) -> None:
    path = _document(tmp_path / "neu", "zauber", f"Die {WORD} regelt das Jugendamt auf Antrag.")
    ingest(settings, "add", str(path))
    started = time.monotonic()
    # The reader's own catalog (one index per process, as in a server: a second embedded client on
    # the same directory would share, and keep alive, the first one's Chroma system).
    (document,) = [d for d in reader.documents() if d.title == "Zauber"]
    new_chunks = set(reader.stores.catalog.chunk_ids(document.id))
    assert new_chunks
    eventually(lambda: new_chunks & vector_ids(reader, f"{WORD} regelt das Jugendamt"))
    eventually(lambda: new_chunks & lexical_ids(reader, WORD))
    assert time.monotonic() - started < 30  # the 2 s apply per channel; this bounds the whole wait
    assert reader.search(WORD, k=1)[0].document.id == document.id

    ingest(settings, "remove", document.id)
    eventually(lambda: not new_chunks & vector_ids(reader, f"{WORD} regelt das Jugendamt"))
    eventually(lambda: not new_chunks & lexical_ids(reader, WORD))
    assert all(hit.document.id != document.id for hit in reader.search(WORD, k=5))


def _files(data_dir: Path) -> dict[str, tuple[int, str]]:
    """mtime and content hash of every file we write. Not compared: SQLite's -wal/-shm side files, and
    embedded Chroma's own directory: its client moves its write log into its HNSW files whenever one
    opens or closes (Chroma's maintenance, not a change of the index; the server stack has no such
    files under the data dir)."""
    found = {}
    chroma = data_dir / "index" / "chroma"
    for path in sorted(data_dir.rglob("*")):
        if path.is_file() and not path.name.endswith(("-wal", "-shm")) and chroma not in path.parents:
            found[str(path.relative_to(data_dir))] = (
                path.stat().st_mtime_ns,
                hashlib.sha256(path.read_bytes()).hexdigest(),
            )
    return found


def test_opening_searching_and_doctor_never_write(settings: Settings, tmp_path: Path) -> None:
    ingest(settings, "add", str(_document(tmp_path / "docs", "schutz", "Das Risiko ist einzuschätzen.")))
    # As a writer killed after its catalog commit leaves it: the lexical index names no generation.
    (settings.index_dir / "lexical" / "CURRENT").unlink()
    before = _files(settings.data_dir)

    index = KnowledgeIndex.open(settings)
    assert index.search("Risiko einschätzen", k=1)  # lexical from a snapshot built in memory
    assert index.lexical_is_stale()
    index.stats()
    index.drift()
    index.close()
    report = diagnose(settings)
    assert report["index"]["documents"] == 1

    assert _files(settings.data_dir) == before
    # The next write publishes the lexical index again.
    ingest(settings, "add", str(_document(tmp_path / "docs", "hilfe", "Hilfeplanung im Zusammenwirken.")))
    assert (settings.index_dir / "lexical" / "CURRENT").is_file()
