"""`KnowledgeIndex`: the catalog, the Chroma vectors and the lexical index kept in step."""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from knowledge.checkpoints import checkpoint
from knowledge.collections import Collections
from knowledge.collections import admits as collection_admits
from knowledge.embedders import Embedder, VectorEmbedder, make_embedder
from knowledge.embedders.ngram import NgramEmbedder
from knowledge.lexical import LexicalEntry
from knowledge.models import Chunk, Document, DocumentType, Hit
from knowledge.search import HybridSearcher, SearchFilter
from knowledge.search_health import SearchHealth
from knowledge.settings import Settings
from knowledge.stores import IndexStores, open_stores
from knowledge.terms import PHRASE, WORD, CatalogTerms
from knowledge.vector_store import separate_duplicates, vector_metadata
from knowledge.version_watch import IndexWatch
from knowledge.write_lock import WriteLock

if TYPE_CHECKING:
    from knowledge.reconcile import Drift, RepairReport

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]

# Chunks embedded and written per step: memory stays flat however long a document is (a 10 MB text
# is 11,000 chunks; 4096-dim vectors for all of them at once took 2.3 GB).
_EMBED_BATCH = 256


class IndexEmbedderMismatch(RuntimeError):
    """The index was built with another embedder than the one configured now."""


@dataclass(frozen=True)
class IndexStats:
    documents: int
    chunks: int
    vector_count: int
    lexical_count: int
    embedder: str
    index_version: int
    by_type: dict[str, int]


class KnowledgeIndex:
    """The index as one thing: add, replace and remove whole documents; search them.

    >>> index = KnowledgeIndex.open(make_settings())  # doctest: +SKIP
    >>> index.search("Schutzauftrag bei Kindeswohlgefährdung", k=5)[0].chunk.section  # doctest: +SKIP
    '§ 8a Schutzauftrag bei Kindeswohlgefährdung'
    """

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder,
        *,
        stores: IndexStores | None = None,
        check_embedder: bool = True,
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        # Private: callers ask the index, never a store (see `knowledge.stores`).
        self._stores = stores or open_stores(settings, embedder)
        self._catalog = self._stores.catalog
        self._vectors = self._stores.vectors
        if (self.vector_embedder is None) != (self._vectors is None):
            raise ValueError(f"Embedder {embedder.id!r} passt nicht zu den Speichern des Index")
        self._lexical = self._stores.lexical
        self._write_lock = WriteLock(settings.index_dir / "write.lock")
        # Opening never writes (readers in many processes, `doctor`): what a killed or older writer
        # left stale is brought up to date by the next write (`writing`), in memory until then.
        recorded = self._catalog.get_meta("embedder_id")
        accepted = recorded is None or recorded == embedder.id or _legacy_weight_free(embedder, recorded)
        if check_embedder and not accepted and self._catalog.counts()["chunks"]:
            raise IndexEmbedderMismatch(
                f"Der Index wurde mit dem Embedder {recorded!r} erstellt, konfiguriert ist {embedder.id!r}. "
                "Bitte `python -m ingest reindex` ausführen, um den Index neu aufzubauen."
            )
        if self.lexical_is_stale():
            log.info(
                "Lexikalischer Index ist nicht aktuell; bis zum nächsten Schreiben gilt ein Stand im "
                "Speicher (python -m ingest repair schreibt ihn neu)."
            )
            self._lexical.build_unpublished(self._lexical_entries)
        self._watch = IndexWatch(lambda: self._catalog.version, self._reopen_vectors)
        self._searcher = HybridSearcher(self)
        self._searcher.warm()
        self.search_health = SearchHealth()
        self._paragraphs: tuple[int, dict[str, frozenset[str]]] | None = None
        self.terms = CatalogTerms(settings.index_dir / "terms.sqlite3", self._catalog)
        self._documents: tuple[int, list[Document]] | None = None
        self._collections: Collections = None  # a view's restriction (`restricted_to`)
        self._visible_documents: tuple[int, list[Document]] | None = None

    def restricted_to(self, collections: Collections) -> KnowledgeIndex:
        """A view of this index that reads only documents of `collections` (None: this index itself):
        search, documents, chunks and § lookups alike. It shares the stores; close the index, not it."""
        if collections is None:
            return self
        view = copy.copy(self)
        view._collections = frozenset(collections)
        view._visible_documents = None
        return view

    @property
    def collections(self) -> Collections:
        """The collections this index (view) reads; None: every one."""
        return self._collections

    def hides(self, document_id: str) -> bool:
        """Whether the document exists but lies outside this view's collections (a page or citation of
        it must not be shown: not even its title)."""
        if self._collections is None:
            return False
        document = self._catalog.get_document(document_id)
        return document is not None and document.collection not in self._collections

    def _visible(self, document: Document | None) -> Document | None:
        if document is None or not collection_admits(self._collections, document.collection):
            return None
        return document

    @classmethod
    def open(cls, settings: Settings, embedder: Embedder | None = None) -> KnowledgeIndex:
        """The index with the stores and the embedder the settings select (what `assistant.container`
        builds; a shortcut for scripts and tests that need the index alone)."""
        return cls(settings, embedder or make_embedder(settings))

    @property
    def vector_embedder(self) -> VectorEmbedder | None:
        """The embedding model of the vector side; None in the weight-free mode (no vector store)."""
        return self.embedder if isinstance(self.embedder, VectorEmbedder) else None

    @property
    def stores(self) -> IndexStores:
        """For `knowledge/`'s own modules (search, reconcile, listing) and tests that damage a store."""
        return self._stores

    def close(self) -> None:
        self._stores.close()
        self.terms.close()

    def _reopen_vectors(self) -> None:
        if self._vectors is not None:
            self._vectors.reopen()

    # -- writing ----------------------------------------------------------------------------------
    def put(
        self,
        document: Document,
        text: str,
        chunks: list[Chunk],
        fingerprint: bytes | None = None,
        *,
        rebuild_lexical: bool = True,
    ) -> None:
        """Add or replace a document as a whole.

        New chunk ids carry the content hash, so the new vectors are written beside the old ones and
        the catalog commit is the moment the document changes; the old vectors are removed after.
        Every vector that a kill at any step would leave behind is in the write journal first.
        """
        with self.writing():
            self._journal("vector", [c.id for c in chunks])
            self._journal("metadata", [document.id])
            self._write_vectors(document, chunks)
            checkpoint(self.settings, "vectors_written")
            previous = self._catalog.chunk_ids(document.id)
            existing = self._catalog.find_by_source(document.source)
            if existing and existing.id != document.id:
                previous += self._catalog.chunk_ids(existing.id)
            with self._catalog.transaction():
                self._catalog.put_document(document, text, chunks, fingerprint)
                changed = self._resolve_versions(document.law) if document.law else []
                self._journal("vector", sorted(set(previous) - {c.id for c in chunks}))
                self._journal("metadata", changed)
                self._catalog.bump_version()
            checkpoint(self.settings, "catalog_committed")
            replaced = existing.id if existing and existing.id != document.id else None
            self.terms.document_changed(document, text, replaced)
            # Its own vectors were just written with the committed metadata: only the others need it.
            self.apply_write_journal(settled={document.id})
        if rebuild_lexical:
            self.rebuild_lexical()

    def remove(self, document_id: str, *, rebuild_lexical: bool = True) -> bool:
        with self.writing():
            document = self._catalog.get_document(document_id)
            if document is None:
                return False
            with self._catalog.transaction():
                chunk_ids = self._catalog.delete_document(document_id)
                changed = self._resolve_versions(document.law) if document.law else []
                self._journal("vector", chunk_ids)
                self._journal("metadata", changed)
                self._catalog.bump_version()
            checkpoint(self.settings, "removed_from_catalog")
            self.terms.document_removed(document_id)
            self.apply_write_journal()
        if rebuild_lexical:
            self.rebuild_lexical()
        return True

    def relocate(self, documents: list[Document], *, rebuild_lexical: bool = True) -> None:
        """Rewrite the catalog rows of documents whose file moved or whose file details changed
        (`source`, `extra`); their text, chunks and vectors stay as they are, nothing is re-embedded."""
        if not documents:
            return
        with self.writing():
            fingerprints = dict(self._catalog.fingerprints())
            with self._catalog.transaction():
                for document in documents:
                    text = self._catalog.document_text(document.id)
                    if text is not None:
                        chunks = self._catalog.chunks_of(document.id)
                        self._catalog.put_document(document, text, chunks, fingerprints.get(document.id))
                self._catalog.bump_version()
        if rebuild_lexical:
            self.rebuild_lexical()

    def _journal(self, kind: str, ids: list[str]) -> None:
        """Journal vectors (or vector metadata) a write may leave behind; without a vector store
        (weight-free mode) there are none, and each entry cost a commit and its clearing another."""
        if self._vectors is not None:
            self._catalog.journal_add(kind, ids)

    def _write_vectors(self, document: Document, chunks: list[Chunk]) -> None:
        if self._vectors is None or self.vector_embedder is None:
            return  # weight-free: the n-gram channel is built with the lexical snapshot
        seen: set[bytes] = set()
        for start in range(0, len(chunks), _EMBED_BATCH):
            batch = chunks[start : start + _EMBED_BATCH]
            ids = [c.id for c in batch]
            vectors = self.vector_embedder.embed_documents([c.context_text(document.title) for c in batch])
            vectors = separate_duplicates(ids, vectors, seen)
            self._vectors.upsert(ids, vectors, [vector_metadata(document, c) for c in batch])

    def _resolve_versions(self, law: str) -> list[str]:
        """The version with the latest state is current; every older one is superseded by it.

        Returns the ids whose state changed: their vector metadata follows after the commit.
        """
        versions = self._catalog.versions_of(law)
        dated = [v for v in versions if v.version_state]
        if not dated:
            return []
        current = max(dated, key=lambda v: (v.version_state, v.id))
        changed: list[str] = []
        for version in versions:
            newer = current.id if version.id != current.id and version in dated else None
            if version.superseded_by != newer:
                self._catalog.set_superseded(version.id, newer)
                changed.append(version.id)
        return changed

    def set_collection(self, document_ids: list[str], collection: str) -> int:
        """Move documents to another collection: the catalog, then their vector metadata (nothing is
        embedded again). Returns how many documents changed."""
        with self.writing():
            moved = [
                d.id
                for d in map(self._catalog.get_document, document_ids)
                if d is not None and d.collection != collection
            ]
            if not moved:
                return 0
            with self._catalog.transaction():
                for document_id in moved:
                    self._catalog.set_collection(document_id, collection)
                self._journal("metadata", moved)
                self._catalog.bump_version()
            self.apply_write_journal()
        self.rebuild_lexical()  # unchanged entries, but the snapshot names the catalog version it matches
        return len(moved)

    def sync_vector_metadata(self, document_id: str) -> None:
        """Bring the vector metadata of a document in line with the catalog."""
        document = self._catalog.get_document(document_id)
        if document is None or self._vectors is None:
            return
        chunks = self._catalog.chunks_of(document_id)
        self._vectors.update_metadata([c.id for c in chunks], [vector_metadata(document, c) for c in chunks])

    # -- consistency (write journal, drift, repair) -------------------------------------------------
    @contextmanager
    def writing(self, *, apply_journal: bool = True) -> Iterator[None]:
        """One writer at a time; a journal left by a killed writer is applied before anything else."""
        with self._write_lock.hold():
            # Another process's writes first: an embedded client writes on top of what it has loaded.
            self._watch.check()
            if apply_journal:
                self.apply_write_journal()
            recorded = self._catalog.get_meta("embedder_id")
            if recorded is None or not self._catalog.has_chunks():
                self._catalog.set_meta("embedder_id", self.embedder.id)
            elif recorded != self.embedder.id and _legacy_weight_free(self.embedder, recorded):
                log.warning(
                    "Der Index wurde mit gewichtsfreien Hash-Vektoren in Chroma erstellt (%s); die Suche "
                    "nutzt jetzt den n-Gramm-Kanal des lexikalischen Index (%s). Die alten Vektoren in %s "
                    "werden nicht mehr gelesen und können gelöscht werden; kein Dokument geht verloren.",
                    recorded,
                    self.embedder.id,
                    self.settings.chroma_dir,
                )
                self._catalog.set_meta("embedder_id", self.embedder.id)
            self.terms.rebuild_if_stale()
            try:
                yield
            finally:
                self._watch.settle()  # this process's client holds its own writes

    def apply_write_journal(self, *, settled: set[str] | frozenset[str] = frozenset()) -> None:
        """Delete journaled vectors the catalog does not list; sync journaled documents' metadata
        (except the `settled` ones, whose vectors the finishing write has just written)."""
        journal = self._catalog.journal()
        if not journal:
            return
        candidates = journal.get("vector", [])
        live = self._catalog.live_chunk_ids(candidates)
        orphans = [chunk_id for chunk_id in candidates if chunk_id not in live]
        if orphans and self._vectors is not None:
            self._vectors.delete(orphans)
        for document_id in journal.get("metadata", []):
            if document_id not in settled:
                self.sync_vector_metadata(document_id)
        self._catalog.journal_clear()

    def drift(self) -> Drift:
        """Counts per store and their differences; cheap (no id is read), see `knowledge.reconcile`."""
        from knowledge.reconcile import measure_drift

        return measure_drift(self)

    def repair(self, *, dry_run: bool = False, progress: Progress | None = None) -> RepairReport:
        """Reconcile catalog, vectors and lexical index id by id; see `knowledge.reconcile`."""
        from knowledge.reconcile import repair

        return repair(self, dry_run=dry_run, progress=progress)

    def catch_up(self) -> None:
        """For writers only: apply a killed writer's journal, redo stale terms and publish a stale
        lexical index (readers never write; they use a snapshot in memory meanwhile)."""
        with self.writing():
            pass
        if self.lexical_is_stale():
            self.rebuild_lexical()

    def rebuild_lexical(self) -> None:
        """Build the lexical snapshot of the catalog as it is now and swap it in (every process sees it)."""
        self._lexical.rebuild(self._lexical_entries)

    def _lexical_entries(self) -> tuple[int, list[LexicalEntry]]:
        """The catalog version with its chunks' fields, read so that both belong to the same commit."""
        while True:
            version = self._catalog.version
            documents = {d.id: d for d in self._catalog.documents()}
            entries = [
                LexicalEntry(
                    chunk.id,
                    chunk.text,
                    paragraph_title=(chunk.section or "") if chunk.paragraph else "",
                    heading="" if chunk.paragraph else (chunk.section or ""),
                    chapter=chunk.chapter or "",
                    paragraph=chunk.paragraph or "",
                    **_title_field(documents.get(chunk.document_id)),
                )
                for chunk in self._catalog.all_chunks()
            ]
            # Every write transaction bumps the version: unchanged means no commit came in between.
            if self._catalog.version == version:
                return version, entries

    def vector_count(self) -> int:
        """Vectors in Chroma; in the weight-free mode the chunks of the n-gram channel."""
        if self._vectors is not None:
            return self._vectors.count()
        channel = self._lexical.current().ngrams
        return channel.size if channel is not None else 0

    def lexical_is_stale(self) -> bool:
        return self._catalog.version > 0 and self._lexical.on_disk_version() != self._catalog.version

    def reindex(self, progress: Progress | None = None) -> int:
        """Re-embed every chunk with the configured embedder; clears leftovers of interrupted writes."""
        with self.writing():
            # Marked first: a reindex killed halfway leaves vectors of two embedders, which `repair` finishes.
            self._catalog.set_meta("reindex_pending", self.embedder.id)
            documents = {d.id: d for d in self._catalog.documents()}
            chunks = self._catalog.all_chunks()
            if self._vectors is not None and self.vector_embedder is not None:
                self._embed_all(documents, chunks, progress)
            with self._catalog.transaction():
                self._catalog.set_meta("embedder_id", self.embedder.id)
                self._catalog.delete_meta("reindex_pending")
                self._catalog.bump_version()
            self.terms.texts_unchanged()
        self.rebuild_lexical()  # in the weight-free mode this is the whole reindex
        return len(chunks)

    def _embed_all(
        self, documents: dict[str, Document], chunks: list[Chunk], progress: Progress | None
    ) -> None:
        assert self._vectors is not None and self.vector_embedder is not None
        self._vectors.reset()
        for start in range(0, len(chunks), _EMBED_BATCH):
            part = chunks[start : start + _EMBED_BATCH]
            texts = [c.context_text(documents[c.document_id].title) for c in part]
            metadata = [vector_metadata(documents[c.document_id], c) for c in part]
            self._vectors.upsert([c.id for c in part], self.vector_embedder.embed_documents(texts), metadata)
            if progress:
                progress(min(start + _EMBED_BATCH, len(chunks)), len(chunks))

    # -- reading ----------------------------------------------------------------------------------
    def search(
        self,
        query: str,
        k: int = 5,
        *,
        types: list[DocumentType] | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        include_superseded: bool = True,
    ) -> list[Hit]:
        search_filter = SearchFilter(
            tuple(types or ()), date_from, date_to, include_superseded, collections=self._collections
        )
        self.refresh()
        try:
            hits = self._searcher.search(query, k, search_filter)
        except Exception as exc:
            self.search_health.record_failure(exc)
            raise
        return hits

    def pinned(self) -> AbstractContextManager[None]:
        """Every read of this thread inside sees one catalog version, read once (`SqlCatalog.pinned`):
        for one step of an answer, which reads the index many times."""
        return self._catalog.pinned()

    def refresh(self) -> bool:
        """Pick up another process's writes now (every search does): True when there were any."""
        return self._watch.check()

    def query_tokens(self, text: str) -> list[str]:
        """The lexical tokens of `text` (respelled; stems and compound parts), as the index analyses them
        (the snapshot the last search used)."""
        return self._lexical.latest().query_tokens(text)

    def term_weights(self, tokens: list[str]) -> dict[str, float]:
        """BM25 idf per token in the current index; a token the index never saw gets the highest weight."""
        return self._lexical.latest().idf(tokens)

    def knows(self, token: str) -> bool:
        """Whether the current lexical index holds `token` (one of `query_tokens`' results)."""
        return self._lexical.latest().knows(token)

    def vocabulary(self) -> frozenset[str]:
        """Every word the indexed documents use, lower-cased (for the assistant's storage filter)."""
        return self.terms.terms(WORD)

    def name_phrases(self) -> frozenset[str]:
        """Runs of 2-4 capitalised words in the documents, for the gate's public names (`terms.py`)."""
        return self.terms.terms(PHRASE)

    def lexical_generation(self) -> str:
        """Names the lexical snapshot in use; it changes with every rebuild (a key for caches of
        `query_tokens` results, whose compound splitting depends on the indexed vocabulary)."""
        return self._lexical.latest().generation

    def paragraph_chunks(
        self, law: str, paragraph: str, *, current: bool = True
    ) -> tuple[Document, list[Chunk]] | None:
        """The chunks of "§ n" of `law` in its current version (`current=False`: the latest older
        version that holds it), with that version; None when no such version holds the §."""
        if paragraph not in self.known_paragraphs().get(law, frozenset()):
            return None
        versions = [d for d in self.documents() if d.law == law and (d.superseded_by is None) == current]
        versions.sort(key=lambda v: (v.version_state or date.min, v.id), reverse=True)
        for version in versions:
            chunks = self._catalog.paragraph_chunks(version.id, paragraph)
            if chunks:
                return version, chunks
        return None

    def documents(self) -> list[Document]:
        """Every indexed document (cached per index version)."""
        version = self._catalog.version
        if self._documents is None or self._documents[0] != version:
            self._documents = (version, self._catalog.documents())
        if self._collections is None:
            return self._documents[1]
        if self._visible_documents is None or self._visible_documents[0] != version:
            self._visible_documents = (version, [d for d in self._documents[1] if self._visible(d)])
        return self._visible_documents[1]

    def document_paragraph(self, document_id: str, paragraph: str) -> list[Chunk]:
        """The chunks of "§ n" in one document, in their order."""
        if self._collections is not None and self.document(document_id) is None:
            return []
        return self._catalog.paragraph_chunks(document_id, paragraph)

    def known_paragraphs(self) -> dict[str, frozenset[str]]:
        """law -> every "§ n" its indexed versions hold (cached per index version)."""
        version = self._catalog.version
        if self._paragraphs is None or self._paragraphs[0] != version:
            self._paragraphs = (version, self._catalog.paragraphs())
        return self._paragraphs[1]

    @property
    def version(self) -> int:
        """The catalog version: every committed write increases it."""
        return self._catalog.version

    def counts(self) -> dict[str, int]:
        """{"documents": n, "chunks": m} as the catalog lists them."""
        return self._catalog.counts()

    def document(self, document_id: str) -> Document | None:
        return self._visible(self._catalog.get_document(document_id))

    def document_by_source(self, source: str) -> Document | None:
        return self._catalog.find_by_source(source)

    def document_by_content_hash(self, content_hash: str) -> Document | None:
        return self._catalog.find_by_content_hash(content_hash)

    def versions_of(self, law: str) -> list[Document]:
        return [v for v in self._catalog.versions_of(law) if self._visible(v)]

    def document_text(self, document_id: str) -> str | None:
        if self._collections is not None and self.document(document_id) is None:
            return None
        return self._catalog.document_text(document_id)

    def chunks(self, chunk_ids: list[str]) -> dict[str, Chunk]:
        """The live chunks among `chunk_ids`, by id (an id the catalog no longer lists is missing,
        and so is one of a document outside this view's collections)."""
        found = self._catalog.get_chunks(chunk_ids)
        if self._collections is None:
            return found
        visible = {d.id for d in self.documents()}
        return {chunk_id: chunk for chunk_id, chunk in found.items() if chunk.document_id in visible}

    def chunks_of(self, document_id: str) -> list[Chunk]:
        if self._collections is not None and self.document(document_id) is None:
            return []
        return self._catalog.chunks_of(document_id)

    def all_chunks(self) -> list[Chunk]:
        return self._catalog.all_chunks()

    def chunk_counts(self) -> dict[str, int]:
        """document id -> its number of chunks."""
        return self._catalog.chunk_counts()

    def fingerprints(self) -> dict[str, bytes]:
        """document id -> shingle fingerprint, for finding near-duplicates on ingest."""
        return dict(self._catalog.fingerprints())

    def stats(self) -> IndexStats:
        counts = self._catalog.counts()
        by_type: dict[str, int] = {}
        for document in self._catalog.documents():
            by_type[document.type.value] = by_type.get(document.type.value, 0) + 1
        return IndexStats(
            documents=counts["documents"],
            chunks=counts["chunks"],
            vector_count=self.vector_count(),
            lexical_count=self._lexical.current().size,
            embedder=self._catalog.get_meta("embedder_id") or self.embedder.id,
            index_version=self._catalog.version,
            by_type=by_type,
        )


def _legacy_weight_free(embedder: Embedder, recorded: str) -> bool:
    """An index of the hashed-vector layout, opened in the weight-free mode: searchable at once."""
    return isinstance(embedder, NgramEmbedder) and embedder.accepts(recorded)


def _title_field(document: Document | None) -> dict[str, str]:
    """A law's (or bylaw's) name goes to the lexical field `law`, any other title to `title`."""
    if document is None:
        return {}
    if document.law or document.type in (DocumentType.LAW, DocumentType.BYLAW):
        return {"law": " ".join(filter(None, (document.title, document.law)))}
    return {"title": document.title}
