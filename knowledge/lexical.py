"""The persisted lexical index: BM25 (bm25s) over German stems and compound parts."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterable
from pathlib import Path

import bm25s
import numpy as np

from knowledge.text.german import compound_parts, stems, words

log = logging.getLogger(__name__)

_MIN_VOCAB_WORD = 4


class LexicalIndex:
    """BM25 over chunk texts; rebuilt as a whole on every change and swapped in by directory rename.

    A full rebuild keeps the index exact (BM25 statistics depend on the whole corpus) and costs
    seconds even at 100k chunks, which suits an index that changes when a maintainer ingests.
    """

    def __init__(self, directory: Path) -> None:
        # bm25s sets its own logger to DEBUG on import, which would print every index build.
        logging.getLogger("bm25s").setLevel(logging.WARNING)
        self.directory = directory
        self._retriever: bm25s.BM25 | None = None
        self._chunk_ids: list[str] = []
        self._vocabulary: frozenset[str] = frozenset()
        self._splits: dict[str, list[str]] = {}
        self.version: int | None = None
        self._load()

    @property
    def size(self) -> int:
        return len(self._chunk_ids)

    @property
    def chunk_ids(self) -> list[str]:
        return self._chunk_ids

    def rebuild(self, entries: Iterable[tuple[str, str]], version: int) -> None:
        """Index `(chunk_id, text)` pairs as of catalog `version`, replacing the previous index atomically."""
        ids: list[str] = []
        texts: list[str] = []
        for chunk_id, text in entries:
            ids.append(chunk_id)
            texts.append(text)
        tokenised_words = [words(text) for text in texts]
        vocabulary = frozenset(w for ws in tokenised_words for w in ws if len(w) >= _MIN_VOCAB_WORD)
        self._vocabulary, self._splits = vocabulary, {}
        corpus_tokens = [self._stems_with_parts(ws) for ws in tokenised_words]

        staging = self.directory.with_name(self.directory.name + ".new")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        if ids:
            # b=0.5 (less length normalisation than the usual 0.75): long legal paragraphs are not
            # less relevant for being long; measured neutral on the corpus, better on knowledge/.
            retriever = bm25s.BM25(b=0.5)
            retriever.index(corpus_tokens, show_progress=False)
            retriever.save(str(staging / "bm25"), show_progress=False)
        (staging / "chunk_ids.json").write_text(json.dumps(ids), encoding="utf-8")
        (staging / "vocabulary.json").write_text(json.dumps(sorted(vocabulary)), encoding="utf-8")
        (staging / "version").write_text(str(version), encoding="utf-8")
        old = self.directory.with_name(self.directory.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.directory.exists():
            self.directory.rename(old)
        staging.rename(self.directory)
        shutil.rmtree(old, ignore_errors=True)
        self._load()

    def search(self, query: str, k: int, allowed: np.ndarray | None = None) -> list[tuple[str, float]]:
        """Top `k` `(chunk_id, bm25 score)`; `allowed` is a 0/1 mask over `chunk_ids`."""
        if self._retriever is None or not self._chunk_ids:
            return []
        tokens = self.query_tokens(query)
        known = [t for t in tokens if t in self._retriever.vocab_dict]
        if not known:
            return []
        scores = self._retriever.get_scores(known, weight_mask=allowed)
        # Most chunks score 0; ranking only the others avoids bm25s' argpartition over the whole
        # index, which is pathologically slow on mostly-zero arrays (13 ms at 100k chunks).
        candidates = np.flatnonzero(scores > 0)
        if candidates.size > k:
            candidates = candidates[np.argpartition(-scores[candidates], k - 1)[:k]]
        ranked = candidates[np.argsort(-scores[candidates], kind="stable")]
        return [(self._chunk_ids[int(index)], float(scores[index])) for index in ranked]

    def idf(self, tokens: list[str]) -> dict[str, float]:
        """BM25 idf per token; tokens the corpus never uses get the highest idf (they are the most
        telling sign that a question is about something the knowledge base does not cover)."""
        if self._retriever is None:
            return dict.fromkeys(tokens, 0.0)
        total = float(self._retriever.scores["num_docs"])
        indptr = self._retriever.scores["indptr"]
        vocab = self._retriever.vocab_dict
        result: dict[str, float] = {}
        for token in tokens:
            token_id = vocab.get(token)
            frequency = 0.0 if token_id is None else float(indptr[token_id + 1] - indptr[token_id])
            result[token] = float(np.log(1.0 + (total - frequency + 0.5) / (frequency + 0.5)))
        return result

    def knows(self, token: str) -> bool:
        return self._retriever is not None and token in self._retriever.vocab_dict

    def query_tokens(self, query: str) -> list[str]:
        return self._stems_with_parts(words(query))

    def _stems_with_parts(self, word_list: list[str]) -> list[str]:
        expanded: list[str] = []
        for word in word_list:
            expanded.append(word)
            parts = self._splits.get(word)
            if parts is None:
                parts = compound_parts(word, self._vocabulary) if self._vocabulary else [word]
                self._splits[word] = parts
            if len(parts) > 1:
                expanded.extend(parts)
        return stems(expanded)

    def on_disk_version(self) -> int | None:
        marker = self.directory / "version"
        return int(marker.read_text(encoding="utf-8")) if marker.exists() else None

    def refresh(self) -> None:
        """Reload when another process (the ingest CLI) rebuilt the index on disk."""
        if self.on_disk_version() != self.version:
            self._load()

    def _load(self) -> None:
        ids_file = self.directory / "chunk_ids.json"
        if not ids_file.exists():
            return
        self.version = self.on_disk_version()
        self._chunk_ids = json.loads(ids_file.read_text(encoding="utf-8"))
        self._vocabulary = frozenset(
            json.loads((self.directory / "vocabulary.json").read_text(encoding="utf-8"))
        )
        self._splits = {}
        bm25_dir = self.directory / "bm25"
        self._retriever = (
            bm25s.BM25.load(str(bm25_dir), show_progress=False, verbosity=0) if bm25_dir.exists() else None
        )
