"""Are the catalog, the Chroma vectors and the lexical index in step?

`measure_drift` compares counts only (two COUNTs and a version file: milliseconds at 100k chunks); it runs
on every open of the index, in `doctor` and in `ingest stats`. `repair` compares id by id and fixes what
differs: orphan vectors (Chroma holds a chunk the catalog does not list) are deleted, missing vectors are
embedded again, vector metadata that disagrees with the catalog (type, date, superseded) is rewritten,
and the lexical index is rebuilt when its version or its ids differ. The catalog is the truth throughout.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from knowledge.vector_store import vector_metadata

if TYPE_CHECKING:
    from knowledge.index import KnowledgeIndex

_BATCH = 2000
_EMBED_BATCH = 256

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Drift:
    documents: int
    chunks: int
    vectors: int
    lexical_entries: int
    catalog_version: int
    lexical_version: int | None
    pending_writes: int  # journal entries of a write that did not finish
    reindex_pending: bool

    @property
    def lexical_current(self) -> bool:
        return self.catalog_version in (0, self.lexical_version)

    @property
    def consistent(self) -> bool:
        return (
            self.vectors == self.chunks
            and self.lexical_entries == self.chunks
            and self.lexical_current
            and self.pending_writes == 0
            and not self.reindex_pending
        )

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "chunks": self.chunks,
            "vectors": self.vectors,
            "lexical_entries": self.lexical_entries,
            "vectors_minus_chunks": self.vectors - self.chunks,
            "lexical_minus_chunks": self.lexical_entries - self.chunks,
            "catalog_version": self.catalog_version,
            "lexical_version": self.lexical_version,
            "pending_writes": self.pending_writes,
            "reindex_pending": self.reindex_pending,
            "consistent": self.consistent,
        }
        if not self.consistent:
            data["hint"] = "Bitte `python -m ingest repair` ausführen."
        return data

    def message(self) -> str:
        if self.consistent:
            return f"Index konsistent: {_n(self.chunks)} Abschnitte, Vektoren und lexikalische Einträge."
        lexical = self.lexical_entries - self.chunks
        parts = [
            f"{_n(self.chunks)} Abschnitte im Katalog",
            f"{_n(self.vectors)} Vektoren ({_signed(self.vectors - self.chunks)})",
            f"{_n(self.lexical_entries)} lexikalische Einträge ({_signed(lexical)})",
        ]
        if not self.lexical_current:
            versions = f"Version {self.lexical_version}, Katalog {self.catalog_version}"
            parts.append(f"lexikalischer Index auf {versions}")
        if self.pending_writes:
            parts.append(f"{_n(self.pending_writes)} Einträge eines unterbrochenen Schreibvorgangs")
        if self.reindex_pending:
            parts.append("ein Neuaufbau (reindex) wurde unterbrochen")
        return (
            "Index nicht im Gleichklang: " + ", ".join(parts) + ". Bitte `python -m ingest repair` ausführen "
            "(während eines laufenden Imports sind Abweichungen vorübergehend normal)."
        )


def measure_drift(index: KnowledgeIndex) -> Drift:
    counts = index.stores.catalog.counts()
    return Drift(
        documents=counts["documents"],
        chunks=counts["chunks"],
        vectors=index.vector_count(),
        lexical_entries=index.stores.lexical.current().size,
        catalog_version=index.stores.catalog.version,
        lexical_version=index.stores.lexical.on_disk_version(),
        pending_writes=index.stores.catalog.journal_size(),
        reindex_pending=index.stores.catalog.get_meta("reindex_pending") is not None,
    )


@dataclass(frozen=True)
class RepairReport:
    dry_run: bool
    before: Drift
    after: Drift
    pending_writes: int
    orphan_vectors: int
    missing_vectors: int
    stale_metadata: int
    lexical_rebuilt: bool
    reindexed: bool

    @property
    def changes(self) -> int:
        return (
            self.pending_writes
            + self.orphan_vectors
            + self.missing_vectors
            + self.stale_metadata
            + int(self.lexical_rebuilt)
            + int(self.reindexed)
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "before": self.before.as_json(),
            "after": self.after.as_json(),
            "pending_writes": self.pending_writes,
            "orphan_vectors": self.orphan_vectors,
            "missing_vectors": self.missing_vectors,
            "stale_metadata": self.stale_metadata,
            "lexical_rebuilt": self.lexical_rebuilt,
            "reindexed": self.reindexed,
        }


def repair(index: KnowledgeIndex, *, dry_run: bool = False, progress: Progress | None = None) -> RepairReport:
    before = measure_drift(index)
    with index.writing(apply_journal=not dry_run):
        if before.reindex_pending:
            # Vectors of two embedders: only a complete re-embedding is consistent again.
            if not dry_run:
                index.reindex(progress)
            return _report(index, before, dry_run, reindexed=True, lexical_rebuilt=not dry_run)
        catalog_ids = set(index.stores.catalog.all_chunk_ids())
        vectors = index.stores.vectors
        # Weight-free: no vectors apart from the lexical snapshot, whose repair follows.
        vector_ids = set(vectors.all_ids()) if vectors is not None else catalog_ids
        orphans = sorted(vector_ids - catalog_ids)
        missing = sorted(catalog_ids - vector_ids)
        stale = _stale_metadata(index, sorted(catalog_ids & vector_ids)) if vectors is not None else {}
        lexical_ids = index.stores.lexical.current().chunk_ids
        lexical_version = index.stores.lexical.on_disk_version()
        same_version = lexical_version == index.stores.catalog.version
        lexical_stale = (
            not same_version or set(lexical_ids) != catalog_ids or len(lexical_ids) != len(catalog_ids)
        )
        if not dry_run:
            if vectors is not None:
                vectors.delete(orphans)
                _embed(index, missing, progress)
            for document_id in sorted(stale):
                index.sync_vector_metadata(document_id)
            if lexical_stale:
                if same_version:
                    # A rebuild for a version already published is skipped: the repair is a new version.
                    with index.stores.catalog.transaction():
                        index.stores.catalog.bump_version()
                index.rebuild_lexical()
    return _report(
        index,
        before,
        dry_run,
        orphan_vectors=len(orphans),
        missing_vectors=len(missing),
        stale_metadata=sum(stale.values()),
        lexical_rebuilt=lexical_stale,
    )


def _report(index: KnowledgeIndex, before: Drift, dry_run: bool, **found: Any) -> RepairReport:
    values: dict[str, Any] = {
        "orphan_vectors": 0,
        "missing_vectors": 0,
        "stale_metadata": 0,
        "lexical_rebuilt": False,
        "reindexed": False,
        **found,
    }
    after = measure_drift(index)
    return RepairReport(
        dry_run=dry_run, before=before, after=after, pending_writes=before.pending_writes, **values
    )


def _stale_metadata(index: KnowledgeIndex, chunk_ids: list[str]) -> dict[str, int]:
    """document id -> how many of its vectors carry metadata the catalog disagrees with."""
    documents = {d.id: d for d in index.stores.catalog.documents()}
    stale: dict[str, int] = {}
    for start in range(0, len(chunk_ids), _BATCH):
        batch = chunk_ids[start : start + _BATCH]
        chunks = index.stores.catalog.get_chunks(batch)
        assert index.stores.vectors is not None
        stored = index.stores.vectors.metadata_of(batch)
        for chunk_id, chunk in chunks.items():
            document = documents.get(chunk.document_id)
            if document is not None and stored.get(chunk_id) != vector_metadata(document, chunk):
                stale[document.id] = stale.get(document.id, 0) + 1
    return stale


def _embed(index: KnowledgeIndex, chunk_ids: list[str], progress: Progress | None) -> None:
    documents = {d.id: d for d in index.stores.catalog.documents()}
    vectors, embedder = index.stores.vectors, index.vector_embedder
    assert vectors is not None and embedder is not None
    for start in range(0, len(chunk_ids), _EMBED_BATCH):
        chunks = list(index.stores.catalog.get_chunks(chunk_ids[start : start + _EMBED_BATCH]).values())
        texts = [c.context_text(documents[c.document_id].title) for c in chunks]
        metadata = [vector_metadata(documents[c.document_id], c) for c in chunks]
        vectors.upsert([c.id for c in chunks], embedder.embed_documents(texts), metadata)
        if progress:
            progress(min(start + _EMBED_BATCH, len(chunk_ids)), len(chunk_ids))


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _signed(value: int) -> str:
    return "±0" if value == 0 else f"{value:+,}".replace(",", ".")
