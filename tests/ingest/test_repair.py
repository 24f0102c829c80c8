"""Drift between catalog, vectors and lexical index: reported by `stats` and `doctor`, fixed by `repair`."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from assistant.cli import app as assistant_app
from ingest.cli import app
from knowledge.index import KnowledgeIndex
from knowledge.settings import EmbedderMode, Settings
from knowledge.vector_store import vector_metadata

runner = CliRunner()


def _env(settings: Settings) -> dict[str, str]:
    return {"JHA_DATA_DIR": str(settings.data_dir), "JHA_EMBEDDER": "hashing"}


def _damage(settings: Settings) -> dict[str, object]:
    """What killed runs and lost writes leave: orphans, missing vectors, stale metadata and lexical."""
    index = KnowledgeIndex.open(settings)
    chunks = index.stores.catalog.all_chunks()
    assert index.vector_embedder is not None and index.stores.vectors is not None
    dimension = index.vector_embedder.embed_query("x").shape[0]
    orphans = [f"weg:{n}" for n in range(12)]
    index.stores.vectors.upsert(
        orphans,
        np.ones((12, dimension), dtype=np.float32) / np.sqrt(dimension),
        [{"document_id": "weg", "type": "law", "date": 0, "superseded": False, "paragraph": ""}] * 12,
    )
    missing = [c.id for c in chunks[:3]]
    index.stores.vectors.delete(missing)
    stale = chunks[10]
    document = index.stores.catalog.get_document(stale.document_id)
    assert document is not None
    index.stores.vectors.update_metadata(
        [stale.id], [{**vector_metadata(document, stale), "superseded": True}]
    )
    # A damaged lexical generation at the catalog's own version (the open does not rebuild it).
    version = index.stores.catalog.version
    (settings.index_dir / "lexical" / "CURRENT").unlink()
    index.stores.lexical.rebuild(lambda: (version, [(c.id, c.text) for c in chunks[5:]]))
    index.close()
    return {"orphans": orphans, "missing": missing, "stale": stale.id, "chunks": len(chunks)}


def test_stats_and_doctor_report_drift_and_repair_fixes_it(corpus_settings: Settings) -> None:
    damage = _damage(corpus_settings)
    env = _env(corpus_settings)
    chunks = damage["chunks"]

    stats = json.loads(runner.invoke(app, ["stats", "--json"], env=env).stdout)["drift"]
    assert (stats["chunks"], stats["vectors"], stats["lexical_entries"]) == (
        chunks,
        chunks + 12 - 3,
        chunks - 5,
    )
    assert (stats["vectors_minus_chunks"], stats["lexical_minus_chunks"], stats["consistent"]) == (
        9,
        -5,
        False,
    )
    assert "python -m ingest repair" in stats["hint"]
    text = runner.invoke(app, ["stats"], env=env).stdout
    assert "Index nicht im Gleichklang" in text and f"{chunks + 9:,} Vektoren (+9)".replace(",", ".") in text

    doctor = json.loads(runner.invoke(assistant_app, ["doctor", "--json"], env=env).stdout)["index"]
    assert doctor["drift"]["vectors_minus_chunks"] == 9 and not doctor["drift"]["consistent"]
    assert "python -m ingest repair" in doctor["consistency"]

    dry = runner.invoke(app, ["repair", "--dry-run", "--json"], env=env)
    assert dry.exit_code == 1
    found = json.loads(dry.stdout)
    assert (found["orphan_vectors"], found["missing_vectors"], found["stale_metadata"]) == (12, 3, 1)
    assert found["lexical_rebuilt"] is True and found["dry_run"] is True
    again = json.loads(runner.invoke(app, ["stats", "--json"], env=env).stdout)["drift"]
    assert again == stats, "a dry run changes nothing"

    fixed = runner.invoke(app, ["repair", "--json"], env=env)
    assert fixed.exit_code == 0, fixed.stdout
    assert json.loads(fixed.stdout)["after"]["consistent"] is True

    index = KnowledgeIndex.open(corpus_settings)
    catalog_ids = set(index.stores.catalog.all_chunk_ids())
    assert set(index.stores.vectors.all_ids()) == catalog_ids == set(index.stores.lexical.current().chunk_ids)
    assert (
        index.stores.vectors.metadata_of([str(damage["stale"])])[str(damage["stale"])]["superseded"] is False
    )
    hits = index.search("Schutzauftrag bei Kindeswohlgefährdung", k=5)
    assert hits and all(hit.chunk.id in catalog_ids for hit in hits)
    index.close()

    clean = runner.invoke(app, ["repair", "--dry-run", "--json"], env=env)
    assert clean.exit_code == 0 and json.loads(clean.stdout)["before"]["consistent"] is True
    doctor = json.loads(runner.invoke(assistant_app, ["doctor", "--json"], env=env).stdout)["index"]
    assert doctor["drift"]["consistent"] is True and "hint" not in doctor["drift"]


def test_an_interrupted_reindex_is_finished_by_repair(corpus_settings: Settings) -> None:
    index = KnowledgeIndex.open(corpus_settings)
    index.stores.catalog.set_meta("reindex_pending", index.embedder.id)
    index.stores.vectors.delete(
        index.stores.catalog.all_chunk_ids()[:100]
    )  # the reset happened, the re-embedding did not
    index.close()
    env = _env(corpus_settings)
    stats = json.loads(runner.invoke(app, ["stats", "--json"], env=env).stdout)["drift"]
    assert stats["reindex_pending"] is True and not stats["consistent"]

    report = json.loads(runner.invoke(app, ["repair", "--json"], env=env).stdout)
    assert report["reindexed"] is True and report["after"]["consistent"] is True


def test_server_start_warns_about_drift_without_repairing(
    corpus_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    from web.cli import _check_index
    from web.settings import WebSettings

    _damage(corpus_settings)
    _check_index(WebSettings(data_dir=corpus_settings.data_dir, embedder=EmbedderMode.HASHING))
    warning = " ".join(capsys.readouterr().err.split())
    assert "Warnung: Index nicht im Gleichklang" in warning and "python -m ingest repair" in warning
    index = KnowledgeIndex.open(corpus_settings)
    assert not index.drift().consistent, "the start only reports; the repair is a maintainer's command"
    index.close()
