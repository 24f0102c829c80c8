"""kill -9 of `python -m web serve` during uploads, at every step, then a restart on the same data dir.

After each restart: no staging debris, and every uploaded document the catalog holds has its kept copy
(with the indexed content) and an audit record; a document the kill kept out of the index has no copy.
The steps are reached with the test hook `JHA_TEST_PAUSE_AT` (web/testhook.py, off by default): the
request blocks there, the test kills the process. One kill needs no hook: during a large upload.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Row, TextClause, create_engine, text

from ingest.fingerprint import content_hash
from ingest.loaders import load_file
from knowledge.settings import EmbedderMode
from tests.web.conftest import PASSWORD
from tests.web.processes import TIMEOUT, ServerProcess
from web.accounts import AccountStore, Role
from web.db import open_engine
from web.settings import WebSettings


def _document(title: str, version: int = 1) -> bytes:
    return (
        f"# {title}\n\n## Regelung\n\nDiese Dienstanweisung Nummer {version} regelt {title} im Jugendamt. "
        f"Sie gilt ab dem {version}. Januar für alle Fachkräfte des Allgemeinen Sozialen Dienstes.\n"
    ).encode()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """An empty knowledge base with the test accounts: uploads are all this test needs."""
    settings = WebSettings(data_dir=tmp_path / "var", embedder=EmbedderMode.HASHING)
    accounts = AccountStore(open_engine(settings.effective_database_url))
    accounts.add("pflege", frozenset({Role.MAINTAINER}), password=PASSWORD)
    accounts.engine.dispose()
    return settings.data_dir


def _indexed(data_dir: Path) -> dict[str, tuple[str, str]]:
    """source -> (document id, content hash) of the uploaded documents in the catalog."""
    query = text("SELECT source, id, content_hash FROM documents WHERE source LIKE 'uploads/%'")
    rows = _rows(WebSettings(data_dir=data_dir).catalog_url, query)
    return {source: (doc_id, digest) for source, doc_id, digest in rows}


def _audited(data_dir: Path) -> dict[str | None, set[str]]:
    result: dict[str | None, set[str]] = {}
    query = text("SELECT target, action FROM audit")
    for target, action in _rows(WebSettings(data_dir=data_dir).effective_database_url, query):
        result.setdefault(target, set()).add(action)
    return result


def _rows(url: str, query: TextClause) -> list[Row[Any]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(query))
    finally:
        engine.dispose()


def _check(data_dir: Path, expected: dict[str, bytes | None]) -> None:
    """No debris; each expected name indexed with exactly these bytes (or, for None, not at all)."""
    debris = [p.name for p in data_dir.glob(".upload-*")]
    staging = data_dir / "staging"
    debris += [p.name for p in staging.iterdir()] if staging.exists() else []
    assert debris == [], f"Reste nach dem Neustart: {debris}"
    indexed, audited = _indexed(data_dir), _audited(data_dir)
    for name, content in expected.items():
        kept = data_dir / "uploads" / name
        source = f"uploads/{name}"
        if content is None:
            assert source not in indexed, f"{name} wurde indexiert"
            assert not kept.exists(), f"Kopie von {name} ohne indexiertes Dokument"
            continue
        assert source in indexed, f"{name} fehlt im Index"
        doc_id, digest = indexed[source]
        assert kept.is_file(), f"{name} ist indexiert, aber ohne aufbewahrte Kopie"
        assert kept.read_bytes() == content, f"Kopie von {name} passt nicht zur erwarteten Fassung"
        assert content_hash(load_file(kept).text) == digest, f"Kopie von {name} passt nicht zum Index"
        assert audited.get(doc_id, set()) & {"document_upload_started", "document_upload"}, (
            f"{name} ist indexiert, aber ohne Prüfprotokoll"
        )


# Each round: the uploads held at a step (at most one inside the index lock, sent last), killed together.
# name -> (step, version uploaded, what the restarted server must show: the bytes kept and indexed, or None)
ROUNDS: list[dict[str, tuple[str, int, int | None]]] = [
    {
        "nach-dem-protokoll.md": ("upload:audited", 1, 1),
        "nach-dem-empfang.md": ("upload:staged", 1, None),
        "nach-der-absicht.md": ("upload:intent", 1, None),
        "nach-der-kopie.md": ("upload:kept", 1, None),
    },
    {"nach-dem-index.md": ("upload:indexed", 1, 1)},
    {"update-vor-index.md": ("upload:kept", 2, 1)},
    {"update-nach-index.md": ("upload:indexed", 2, 2)},
]


def test_kill_minus_nine_at_every_upload_step_leaves_a_consistent_data_dir(data_dir: Path) -> None:
    expected: dict[str, bytes | None] = {}
    server = ServerProcess(data_dir)
    try:
        # Two documents to update later, uploaded normally.
        for name in ("update-vor-index.md", "update-nach-index.md"):
            assert server.upload(name, _document(name)).status_code == 303
            expected[name] = _document(name)
        # No hook: a large upload, killed while its staging directory exists.
        large = b"# Grosse Dienstanweisung\n\n" + b"".join(
            _document(f"Abschnitt {n}", n % 28 + 1).replace(b"# ", b"## ") + b"\n" for n in range(400)
        )
        server.upload_in_background("gross.md", large)
        deadline = time.monotonic() + TIMEOUT
        while not (list((data_dir / "staging").glob("upload-*")) or list(data_dir.glob(".upload-*"))):
            assert time.monotonic() < deadline, "Kein Staging-Verzeichnis erschienen"
            time.sleep(0.005)
        server.kill()
        expected["gross.md"] = None  # killed before its index commit (indexing takes seconds)

        for held in ROUNDS:
            server = ServerProcess(
                data_dir, pause_at=",".join(f"{step}@{name}" for name, (step, _, _) in held.items())
            )
            _check(data_dir, expected)
            for name, (step, version, _) in held.items():
                server.upload_in_background(name, _document(name, version))
                server.wait_for(f"Testhaltepunkt {step}@{name} erreicht")
            server.kill()
            for name, (_, _, outcome) in held.items():
                expected[name] = None if outcome is None else _document(name, outcome)
        server = ServerProcess(data_dir)
        _check(data_dir, expected)
        recovered = [row for row in _audited(data_dir).values() if "document_upload_recovered" in row]
        assert len(recovered) >= sum(len(held) for held in ROUNDS)
        # The next upload after all that works as usual, with the same name as a killed one.
        assert server.upload("nach-der-kopie.md", _document("nach-der-kopie.md")).status_code == 303
        expected["nach-der-kopie.md"] = _document("nach-der-kopie.md")
        _check(data_dir, expected)
    finally:
        server.stop()
