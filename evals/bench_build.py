"""The indexes of the latency benchmark at 1k, 10k and 100k chunks, built once and cached.

Each size is grown from the previous one (`evals.bench_synth`): our index through
`KnowledgeIndex.put` with one lexical rebuild at the end (ingest's own code path), and beside it the
stock Chroma store with the same chunks. The two are built by two processes at the same time, one per
core, each stage in fresh processes, so every stage starts from files a closed process left behind.

Building 100k chunks takes minutes (Chroma inserts 4096-dimensional vectors into its HNSW graph), so
the result is kept under `$TMPDIR/jha-bench-cache/<key>/`, keyed by the corpus files, the code that
shapes the index (the Python files of knowledge/ and ingest/ but their CLIs, these modules) and the
library versions. A later run with the same key reuses it and reports the build times measured when
it was built; `--rebuild` builds anew. Caches of other keys are deleted, unless a process still uses
them: each run holds a shared lock on its key's directory for as long as it lives, builds in a staging
directory of its own and renames it into place when done, so runs sharing a cache root (several
sessions on one machine) neither delete nor overwrite what another is building or measuring.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import re
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any, TypeVar

PROJECT = Path(__file__).resolve().parent.parent
CACHE_ROOT = Path(tempfile.gettempdir()) / "jha-bench-cache"
_CODE = ("knowledge", "ingest", "evals/bench_synth.py", "evals/bench_build.py", "evals/bench_stock.py")
# Code that cannot change what an index holds; a change there should not cost a 100k rebuild.
_NOT_SHAPING = {"cli.py", "__main__.py"}
_LIBRARIES = ("chromadb", "bm25s", "scikit-learn", "langchain-chroma", "rank-bm25")
KINDS = ("ours", "stock")
_KEY = re.compile(r"[0-9a-f]{16}")

Progress = Callable[[str], None]
T = TypeVar("T")


@dataclass(frozen=True)
class BuiltIndexes:
    root: Path
    meta: dict[str, Any]

    def ours(self, size: int) -> Path:
        return self.root / f"ours-{size}"

    def stock(self, size: int) -> Path:
        return self.root / f"stock-{size}"


def cache_key(corpus: Path) -> str:
    """Hash of the corpus files, the index-shaping code and the library versions."""
    digest = hashlib.sha256()
    code = [p for p in _files(PROJECT / p for p in _CODE) if p.suffix == ".py" and p.name not in _NOT_SHAPING]
    for base, paths in ((corpus, _files([corpus])), (PROJECT, code)):
        for path in paths:
            digest.update(path.relative_to(base).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for library in _LIBRARIES:
        digest.update(f"{library}={version(library)}\0".encode())
    digest.update(sys.version.encode())
    return digest.hexdigest()[:16]


def _files(roots: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for root in roots:
        if root.is_file():
            found.append(root)
        else:
            found += sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return found


def build_indexes(
    corpus: Path,
    sizes: tuple[int, ...],
    *,
    cache_root: Path = CACHE_ROOT,
    rebuild: bool = False,
    progress: Progress | None = None,
    embedder: str = "hashing",
    stock: bool = True,
) -> BuiltIndexes:
    """Our index (with `embedder`, a `JHA_EMBEDDER` mode) and, with `stock`, the stock Chroma store at
    each size, from the cache when it holds them."""
    say = progress or (lambda _message: None)
    key = cache_key(corpus)
    kinds = KINDS if stock else ("ours",)
    # The hashing layout keeps its old directory names, so caches built before this option stay valid.
    variant = "" if embedder == "hashing" and stock else f"-{embedder}" + ("" if stock else "-nostock")
    target = cache_root / key / ("-".join(str(s) for s in sizes) + variant)
    meta_file = target / "meta.json"
    _hold(cache_root / key)
    if meta_file.exists() and not rebuild:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        say(f"Indizes aus dem Zwischenspeicher: {target}")
        return BuiltIndexes(target, {**meta, "cached": True, "path": str(target)})
    for stale in cache_root.glob("*"):
        if stale.name != key and _KEY.fullmatch(stale.name):
            _remove_unless_in_use(stale)
    partial = target.with_name(f"{target.name}.partial-{os.getpid()}-{secrets.token_hex(3)}")
    partial.mkdir(parents=True)

    started = time.perf_counter()
    seed = _ingest_seed(corpus, partial / "seed", embedder)
    stages: list[dict[str, Any]] = []
    previous = 0
    for size in sizes:
        say(f"Aufbau {previous} → {size} Abschnitte ({' und '.join(kinds)}, {embedder})")
        for kind in kinds:
            if previous:
                shutil.copytree(partial / f"{kind}-{previous}", partial / f"{kind}-{size}", symlinks=True)
        stage: dict[str, Any] = {"size": size}
        workers = {
            kind: subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "evals.bench_build",
                    kind,
                    "--seed",
                    str(seed),
                    "--dir",
                    str(partial / f"{kind}-{size}"),
                    "--start",
                    str(previous),
                    "--stop",
                    str(size),
                    "--report",
                    str(partial / f"build-{kind}-{size}.json"),
                    "--embedder",
                    embedder,
                ],
                cwd=PROJECT,
            )
            for kind in kinds
        }
        try:
            for kind, worker in workers.items():
                if worker.wait() != 0:
                    raise RuntimeError(
                        f"Aufbau {kind} bis {size} Abschnitte fehlgeschlagen (Exit {worker.returncode})"
                    )
                stage[kind] = json.loads((partial / f"build-{kind}-{size}.json").read_text(encoding="utf-8"))
        finally:
            for worker in workers.values():  # the other one, when one failed
                if worker.poll() is None:
                    worker.kill()
                    worker.wait()
        say(
            f"  {size} Abschnitte: unser Index {stage['ours']['seconds']:.0f} s"
            + (f", Chroma {stage['stock']['seconds']:.0f} s" if stock else "")
        )
        stages.append(stage)
        previous = size
    meta = {
        "key": key,
        "sizes": list(sizes),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "build_seconds": time.perf_counter() - started,
        "stages": stages,
        "embedder": embedder,
        "stock": stock,
        "note": "ours and stock were built at the same time, one process each on a core of its own"
        if stock
        else "ours alone, one process",
    }
    (partial / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    _replace_dir(partial, target)
    return BuiltIndexes(target, {**meta, "cached": False, "path": str(target)})


_HELD: list[Any] = []  # the lock files of the keys this process uses, open until it exits


def _hold(key_dir: Path) -> None:
    """A shared lock on `key_dir` for this process's lifetime: `_in_use` tells other runs to keep it."""
    key_dir.mkdir(parents=True, exist_ok=True)
    lock = (key_dir / ".in-use").open("a")
    fcntl.flock(lock, fcntl.LOCK_SH)
    _HELD.append(lock)


def _remove_unless_in_use(key_dir: Path) -> bool:
    """Delete `key_dir` unless another process holds it (a run that builds or measures it); whether
    it was deleted. The exclusive lock is kept while deleting: a run starting on it meanwhile waits."""
    try:
        lock = (key_dir / ".in-use").open("a")
    except FileNotFoundError:  # deleted meanwhile
        return False
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        shutil.rmtree(key_dir, ignore_errors=True)
        return True


def _replace_dir(built: Path, target: Path) -> None:
    """`built` renamed to `target`; a `target` already there (another run's, or the one `--rebuild`
    replaces) is moved aside first and then deleted, so `target` is always complete or absent."""
    if target.exists():
        retired = target.with_name(f"{target.name}.old-{os.getpid()}-{secrets.token_hex(3)}")
        target.rename(retired)
        built.rename(target)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        built.rename(target)


def _ingest_seed(corpus: Path, data_dir: Path, embedder: str = "hashing") -> Path:
    """The real corpus through the ingest pipeline; returns its catalog, the seed of every size."""
    from ingest.pipeline import IngestPipeline
    from knowledge.index import KnowledgeIndex
    from knowledge.settings import EmbedderMode, make_settings

    settings = make_settings(data_dir=data_dir, embedder=EmbedderMode(embedder))
    index = KnowledgeIndex.open(settings)
    try:
        report = IngestPipeline(index).add(sorted(p for p in corpus.iterdir() if p.is_dir()))
    finally:
        index.close()
    if report.failed:
        raise RuntimeError(f"Ingest fehlgeschlagen: {report.failed}")
    return settings.index_dir / "catalog.sqlite3"


# -- the worker processes ------------------------------------------------------------------------
def grow_ours(
    seed_catalog: Path, data_dir: Path, start: int, stop: int, embedder: str = "hashing"
) -> dict[str, Any]:
    """Grow our index in `data_dir` from `start` to `stop` chunks."""
    from evals.bench_synth import Grower, grow, load_seed
    from knowledge.index import KnowledgeIndex
    from knowledge.settings import EmbedderMode, make_settings

    grower = Grower(load_seed(seed_catalog))
    grower.skip(start)
    index = KnowledgeIndex.open(make_settings(data_dir=data_dir, embedder=EmbedderMode(embedder)))
    synthesis = _Timed(grower.take(stop - start))
    try:
        started, cpu_started = time.perf_counter(), time.process_time()
        documents, chunks = grow(index, synthesis)
        put_seconds = time.perf_counter() - started - synthesis.seconds
        index.rebuild_lexical()
        # Without the time the synthetic documents took to make (4.5 of 120 CPU-s at 100k chunks):
        # what is measured is the index, not the generator.
        seconds = time.perf_counter() - started - synthesis.seconds
        # CPU seconds too: wall time on a shared machine measures the neighbours as well.
        cpu_seconds = time.process_time() - cpu_started - synthesis.cpu_seconds
        stats = index.stats()
    finally:
        index.close()
    if not stats.chunks == stats.vector_count == stats.lexical_count == stop:
        raise RuntimeError(f"Index inkonsistent: {stats}")
    return {
        "documents_added": documents,
        "chunks_added": chunks,
        "put_seconds": put_seconds,
        "lexical_rebuild_seconds": seconds - put_seconds,
        "seconds": seconds,
        "chunks_per_second": chunks / seconds if seconds else None,
        "cpu_seconds": cpu_seconds,
        "chunks_per_cpu_second": chunks / cpu_seconds if cpu_seconds else None,
        "synthesis_seconds": synthesis.seconds,
        "synthesis_cpu_seconds": synthesis.cpu_seconds,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "documents": stats.documents,
        "chunks": stats.chunks,
    }


class _Timed(Iterator[T]):
    """An iterator that adds up the wall and CPU time its source takes per item."""

    def __init__(self, source: Iterator[T]) -> None:
        self._source = source
        self.seconds = 0.0
        self.cpu_seconds = 0.0

    def __next__(self) -> T:
        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            return next(self._source)
        finally:
            self.seconds += time.perf_counter() - started
            self.cpu_seconds += time.process_time() - cpu_started


def grow_stock(
    seed_catalog: Path, directory: Path, start: int, stop: int, embedder: str = "hashing"
) -> dict[str, Any]:
    """Add the same chunks to the stock Chroma store in `directory` (its own hashed vectors whatever
    `embedder` our index uses)."""
    from evals.bench_stock import add_to_chroma, chroma_store
    from evals.bench_synth import Grower, load_seed

    grower = Grower(load_seed(seed_catalog))
    grower.skip(start)
    synthesis = _Timed(grower.take(stop - start))  # subtracted as for our index
    rows = ((c.id, p.document.id, c.context_text(p.document.title)) for p in synthesis for c in p.chunks)
    store = chroma_store(directory)
    started = time.perf_counter()
    added = add_to_chroma(store, rows)
    seconds = time.perf_counter() - started - synthesis.seconds
    count = int(store._collection.count())
    if count != stop:
        raise RuntimeError(f"Chroma enthält {count} statt {stop} Abschnitte")
    return {"chunks_added": added, "seconds": seconds, "chunks_per_second": added / seconds, "chunks": count}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Worker of `python -m evals bench`: grow one index.")
    parser.add_argument("kind", choices=KINDS)
    parser.add_argument("--seed", type=Path, required=True)
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--start", type=int, required=True)
    parser.add_argument("--stop", type=int, required=True)
    parser.add_argument("--report", type=Path, required=True)
    parser.add_argument("--embedder", default="hashing", help="JHA_EMBEDDER of our index")
    args = parser.parse_args(argv)
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    grow_fn = grow_ours if args.kind == "ours" else grow_stock
    result = grow_fn(args.seed, args.dir, args.start, args.stop, args.embedder)
    args.report.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
