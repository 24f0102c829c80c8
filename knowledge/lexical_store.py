"""`SnapshotLexicalIndex`: the current `LexicalSnapshot` of a data dir, kept on disk in immutable generations.

Layout under `index/lexical/`:

- `g<version>-<random>/` one generation: BM25F arrays, chunk ids, vocabulary, compound splits, version.
  Written completely in a staging directory, renamed into place, then never changed.
- `CURRENT` names the published generation; replaced atomically (`os.replace`) after the generation
  is complete, so a reader in any process loads either the old or the new generation, never half.
- `../lexical.lock` serialises writers across processes and threads (`fcntl.flock`): two rebuilds
  never share a staging directory, and the later writer publishes the later catalog state.

The generation before the current one is kept, so a reader that read `CURRENT` just before a switch
can still load what it named; older ones are removed by the next writer.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import secrets
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import MappingProxyType

from knowledge.bm25f import ImpactMatrix
from knowledge.lexical import FIELDS, LexicalEntry, LexicalSnapshot
from knowledge.ngram_channel import PARAMETERS as NGRAM_PARAMETERS
from knowledge.ngram_channel import NgramChannel

log = logging.getLogger(__name__)

_POINTER = "CURRENT"
# The on-disk format of a generation, with the field weights baked into its scores; another one
# (older code, other weights) reads as "no index", which the KnowledgeIndex rebuilds when it opens
# (`lexical_is_stale`). With the n-gram channel (no embedding model) its parameters are part of it: a
# generation without the channel, or with other parameters, is rebuilt the same way.
FORMAT = "bm25f-1:" + hashlib.sha256(repr(FIELDS).encode()).hexdigest()[:12]
NGRAM_FORMAT = f"{FORMAT}+ngram:{NGRAM_PARAMETERS}"
_LOAD_ATTEMPTS = 5

# What a rebuild indexes: the catalog version and its chunks' fields, read under the lock.
EntrySource = Callable[[], tuple[int, Iterable[LexicalEntry | tuple[str, str]]]]


class SnapshotLexicalIndex:
    """Hands out the current snapshot; `rebuild` builds the next one whole and swaps it in.

    >>> lexical = SnapshotLexicalIndex(Path("var/index/lexical"))  # doctest: +SKIP
    >>> snapshot = lexical.current()  # hold it for the whole search  # doctest: +SKIP
    """

    def __init__(self, directory: Path, *, ngrams: bool = False) -> None:
        self.directory = directory
        self._ngrams = ngrams
        self._format = NGRAM_FORMAT if ngrams else FORMAT
        self._lock_path = directory.with_name(directory.name + ".lock")
        self._load_lock = threading.Lock()
        self._snapshot = LexicalSnapshot.empty()
        self._unpublished_over: str | None = None
        # The pointer file's identity when it last named what `_snapshot` serves (see `current`).
        self._confirmed: tuple[int, int, int] | None = None
        self.current()

    def current(self) -> LexicalSnapshot:
        """The published snapshot; loads a newer generation another process (or thread) published.

        Costs one `stat` when nothing changed (reading the pointer was a twentieth of a search at
        100k chunks on a loaded machine): the pointer is only ever replaced by a rename (`_publish`),
        which gives it another inode, so the same inode, size and mtime mean the same content.
        Never writes.
        """
        signature = _pointer_signature(self.directory)  # before the read: a later switch is seen next time
        if signature is not None and signature == self._confirmed:
            return self._snapshot
        pointer = _read_pointer(self.directory)
        if pointer in {self._snapshot.generation, self._unpublished_over}:
            self._confirmed = signature
            return self._snapshot
        with self._load_lock:
            for attempt in range(_LOAD_ATTEMPTS):
                generation = _read_pointer(self.directory)
                if generation == self._snapshot.generation:
                    break
                try:
                    if _format_of(self.directory / generation) not in {self._format, ""}:
                        break  # written by other code: not ours to read, rebuilt when opened
                    self._snapshot = _load(self.directory / generation)  # one assignment: the swap
                    break
                except FileNotFoundError:
                    # A writer replaced and removed it meanwhile: read the pointer again. A pointer
                    # that keeps naming an incomplete generation is damage, reported, not hidden.
                    if attempt == _LOAD_ATTEMPTS - 1:
                        raise
            return self._snapshot

    def on_disk_version(self) -> int | None:
        generation = _read_pointer(self.directory)
        if not generation or _format_of(self.directory / generation) != self._format:
            return None
        try:
            return int((self.directory / generation / "version").read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None

    def rebuild(self, source: EntrySource) -> LexicalSnapshot:
        """Build from `source()` (read under the writer lock), publish, swap in; returns the new snapshot.

        When another writer already published the version `source()` reports, that one is loaded instead.
        """
        with self._writer_lock():
            version, entries = source()
            if self.on_disk_version() == version:
                return self.current()
            generation = f"g{version}-{secrets.token_hex(4)}"
            snapshot = LexicalSnapshot.build(entries, version, generation, ngrams=self._ngrams)
            self._publish(snapshot)
            with self._load_lock:
                self._snapshot = snapshot
                self._unpublished_over = None
            return snapshot

    def build_unpublished(self, source: EntrySource) -> LexicalSnapshot:
        """A snapshot of `source()` for this process only, when the published one is stale and this
        process may not write (opening for reading): kept until another generation is published."""
        pointer = _read_pointer(self.directory)
        version, entries = source()
        generation = f"memory-{version}-{secrets.token_hex(4)}"
        snapshot = LexicalSnapshot.build(entries, version, generation, ngrams=self._ngrams)
        with self._load_lock:
            self._snapshot = snapshot
            self._unpublished_over = pointer  # `current` keeps it until another generation is published
        return snapshot

    def latest(self) -> LexicalSnapshot:
        """The snapshot last loaded or built here, without looking at the disk: for analysing text
        right after a search (which looked), thousands of times per answer."""
        return self._snapshot

    # Compatibility for callers that ask the index instead of a snapshot they hold.
    @property
    def size(self) -> int:
        return self.current().size

    def query_tokens(self, query: str) -> list[str]:
        return self.latest().query_tokens(query)

    def idf(self, tokens: list[str]) -> dict[str, float]:
        return self.latest().idf(tokens)

    def knows(self, token: str) -> bool:
        return self.latest().knows(token)

    @contextmanager
    def _writer_lock(self) -> Iterator[None]:
        self._lock_path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock_path.open("a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _publish(self, snapshot: LexicalSnapshot) -> None:
        """Write the generation in a staging dir, rename it into place, switch `CURRENT`, tidy up."""
        self.directory.mkdir(parents=True, exist_ok=True)
        previous = _read_pointer(self.directory)
        staging = self.directory / f".staging-{snapshot.generation}"
        staging.mkdir()
        _save(snapshot, staging, self._format)
        staging.rename(self.directory / snapshot.generation)
        pointer_tmp = self.directory / f".{_POINTER}-{snapshot.generation}"
        pointer_tmp.write_text(snapshot.generation, encoding="utf-8")
        pointer_tmp.replace(self.directory / _POINTER)  # atomic: readers see old or new
        keep = {_POINTER, snapshot.generation, previous}
        for entry in self.directory.iterdir():
            # Under the writer lock nobody else stages, so anything else is an older generation,
            # a crashed writer's staging dir, or a file of the pre-generation layout.
            if entry.name not in keep:
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)


def _pointer_signature(directory: Path) -> tuple[int, int, int] | None:
    try:
        status = (directory / _POINTER).stat()
    except FileNotFoundError:
        return None
    return status.st_ino, status.st_size, status.st_mtime_ns


def _read_pointer(directory: Path) -> str:
    try:
        return (directory / _POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""


def _format_of(directory: Path) -> str:
    try:
        return (directory / "format").read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return "bm25s" if directory.is_dir() else ""


def _save(snapshot: LexicalSnapshot, directory: Path, format_name: str) -> None:
    (directory / "format").write_text(format_name, encoding="utf-8")
    if snapshot.matrix is not None:
        snapshot.matrix.save(directory / "bm25f")
    if snapshot.ngrams is not None:
        snapshot.ngrams.save(directory / "ngrams")
        paragraphs = json.dumps(list(snapshot.paragraphs), ensure_ascii=False)
        (directory / "paragraphs.json").write_text(paragraphs, encoding="utf-8")
    (directory / "chunk_ids.json").write_text(json.dumps(list(snapshot.chunk_ids)), encoding="utf-8")
    vocabulary = json.dumps(sorted(snapshot.vocabulary), ensure_ascii=False)
    (directory / "vocabulary.json").write_text(vocabulary, encoding="utf-8")
    splits = json.dumps({w: list(p) for w, p in sorted(snapshot.splits.items())}, ensure_ascii=False)
    (directory / "splits.json").write_text(splits, encoding="utf-8")
    # Written last: a generation with a version file is complete (the rename makes it visible anyway).
    (directory / "version").write_text(str(snapshot.version), encoding="utf-8")


def _load(directory: Path) -> LexicalSnapshot:
    version = int((directory / "version").read_text(encoding="utf-8"))
    chunk_ids = tuple(json.loads((directory / "chunk_ids.json").read_text(encoding="utf-8")))
    vocabulary = frozenset(json.loads((directory / "vocabulary.json").read_text(encoding="utf-8")))
    raw_splits = json.loads((directory / "splits.json").read_text(encoding="utf-8"))
    splits = MappingProxyType({word: tuple(parts) for word, parts in raw_splits.items()})
    matrix = ImpactMatrix.load(directory / "bm25f") if chunk_ids else None
    ngrams, paragraphs = None, ()
    if (directory / "ngrams").is_dir():
        ngrams = NgramChannel.load(directory / "ngrams")
        paragraphs = tuple(json.loads((directory / "paragraphs.json").read_text(encoding="utf-8")))
    return LexicalSnapshot(version, chunk_ids, matrix, vocabulary, splits, directory.name, ngrams, paragraphs)
