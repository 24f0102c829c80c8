"""The lexical index as one immutable snapshot: BM25F over German stems and compound parts.

A snapshot is built whole (`LexicalSnapshot.build`) or loaded whole (`knowledge.lexical_store`) and
never changed afterwards; a search takes one snapshot and uses only it, so a rebuild that swaps in
the next snapshot can never pair the scores of one index with the chunk ids of another.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from knowledge.bm25f import Field, ImpactMatrix
from knowledge.ngram_channel import NgramChannel
from knowledge.text.german import STOPWORDS, compound_parts, stems, words
from knowledge.text.spelling import TypoMemo, correct_typos, respell
from knowledge.text.wordlist import GermanWordlist

_MIN_VOCAB_WORD = 4
_MIN_COMPOUND = 8  # compound_parts never splits a shorter word
# One search normalises the same few texts several times over (the query, its respelling, the
# expanded text; once per ranking): the last few results are kept. Few enough that only the texts of
# the search in progress are found again, not an earlier question's.
_NORMALISED_KEPT = 8
_SAMPLE_STRIDE = 8  # of `_best`'s threshold

# Field weights and length normalisation, tuned on the dev split of the corpus and knowledge
# questions (`python -m evals run --retrieval-only`; see README "Suche"). The § title says what a
# passage is about in the law's own words, a prose heading less reliably ("Was sich geändert hat");
# a law's name only says which law (every § repeats it), a press release's or paper's title names
# its topic; chapter headings are broad ("Zweites Kapitel – Leistungen der Jugendhilfe").
FIELDS: tuple[Field, ...] = (
    Field("body", 1.0, 0.5),
    Field("paragraph_title", 3.0, 0.3),
    Field("heading", 2.0, 0.3),
    Field("chapter", 0.3, 0.3),
    Field("law", 0.5, 0.3),
    Field("title", 2.0, 0.3),
)


@dataclass(frozen=True)
class LexicalEntry:
    """What the lexical index reads of one chunk, field by field."""

    chunk_id: str
    body: str
    paragraph_title: str = ""  # of a § in a law or bylaw: "§ 8a Schutzauftrag bei Kindeswohlgefährdung"
    heading: str = ""  # of a prose section: "Was sich geändert hat"
    chapter: str = ""  # the headings above it
    law: str = ""  # of a law or bylaw: its title and abbreviation ("Jugendschutzgesetz JuSchG")
    title: str = ""  # of any other document: its title
    paragraph: str = ""  # "§ 8a" of a chunk of a law or bylaw (not indexed: restricts to named §§)

    def field(self, name: str) -> str:
        return str(getattr(self, name))


@dataclass(frozen=True, eq=False)
class LexicalSnapshot:
    """BM25F over chunks as of one catalog `version`; `generation` names its directory on disk.

    >>> entries = [LexicalEntry("c1", "Schutzauftrag bei Kindeswohlgefährdung"),
    ...            LexicalEntry("c2", "Hilfe zur Erziehung")]
    >>> snapshot = LexicalSnapshot.build(entries, 1)
    >>> snapshot.search("Schutzauftrag", k=1)[0][0]
    'c1'
    """

    version: int | None
    chunk_ids: tuple[str, ...]
    matrix: ImpactMatrix | None
    vocabulary: frozenset[str]  # lower-cased corpus words (≥ 4 letters): the compound splitter's lexicon
    splits: Mapping[str, tuple[str, ...]]  # corpus word -> its compound parts (only words that split)
    generation: str = ""
    # Without an embedding model: the n-gram similarity channel, and each chunk's "§ n" for restricting
    # it to the paragraphs a query names (`knowledge.ngram_channel`).
    ngrams: NgramChannel | None = None
    paragraphs: tuple[str, ...] = ()
    # Memo of `normalise` (a pure function of the snapshot and the text), see `_NORMALISED_KEPT`.
    _normalised: dict[str, str] = field(default_factory=dict, init=False, repr=False)
    _normalised_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _typos: TypoMemo = field(default_factory=TypoMemo, init=False, repr=False)  # of `correct_typos`

    @classmethod
    def empty(cls) -> LexicalSnapshot:
        return cls(None, (), None, frozenset(), MappingProxyType({}))

    @classmethod
    def build(
        cls,
        entries: Iterable[LexicalEntry | tuple[str, str]],
        version: int,
        generation: str = "",
        fields: Sequence[Field] = FIELDS,
        *,
        ngrams: bool = False,
    ) -> LexicalSnapshot:
        """Index the entries as of catalog `version`; a `(chunk_id, text)` pair is a body-only entry.
        With `ngrams`, the n-gram channel over the same words too (every field's, one list per chunk)."""
        listed = [e if isinstance(e, LexicalEntry) else LexicalEntry(*e) for e in entries]
        analysed: dict[str, list[str]] = {}  # text -> words; a document's title repeats in every chunk
        per_field: dict[str, list[list[str]]] = {spec.name: [] for spec in fields}
        for entry in listed:
            for spec in fields:
                text = entry.field(spec.name)
                found = analysed.get(text)
                if found is None:
                    found = analysed[text] = words(text)
                per_field[spec.name].append(found)
        vocabulary = frozenset(w for ws in analysed.values() for w in ws if len(w) >= _MIN_VOCAB_WORD)
        splits: dict[str, tuple[str, ...]] = {}
        for word in vocabulary:
            if len(word) >= _MIN_COMPOUND:
                parts = compound_parts(word, vocabulary)
                if len(parts) > 1:
                    splits[word] = tuple(parts)
        tokens: dict[str, list[list[str]]] = {}
        stemmed: dict[int, list[str]] = {}  # by id of the words list: each distinct text stemmed once
        for name, word_lists in per_field.items():
            tokens[name] = []
            for word_list in word_lists:
                key = id(word_list)
                if key not in stemmed:
                    stemmed[key] = _stems_with_parts(word_list, vocabulary, splits)
                tokens[name].append(stemmed[key])
        matrix = ImpactMatrix.build(fields, tokens) if listed else None
        ids = tuple(entry.chunk_id for entry in listed)
        channel = None
        if ngrams and listed:
            per_chunk = [[w for spec in fields for w in per_field[spec.name][n]] for n in range(len(listed))]
            channel = NgramChannel.build(per_chunk)
        paragraphs = tuple(entry.paragraph for entry in listed) if channel else ()
        return cls(
            version, ids, matrix, vocabulary, MappingProxyType(splits), generation, channel, paragraphs
        )

    @property
    def size(self) -> int:
        return len(self.chunk_ids)

    def search(
        self,
        query: str,
        k: int,
        allowed: np.ndarray | None = None,
        extra_terms: Mapping[str, float] | None = None,
    ) -> list[tuple[str, float]]:
        """Top `k` `(chunk_id, score)`; `allowed` is a 0/1 mask over `chunk_ids`; `extra_terms` are
        further tokens with their own weight (synonyms), added to the query's own."""
        if self.matrix is None or not self.chunk_ids:
            return []
        self._check_mask(allowed)
        weighted: dict[str, float] = {}
        for token in self.query_tokens(query):
            weighted[token] = weighted.get(token, 0.0) + 1.0  # a repeated word counts again
        for token, weight in (extra_terms or {}).items():
            weighted.setdefault(token, weight)
        return self._best(self.matrix.scores(weighted), k, allowed)

    def similar(self, query: str, k: int, allowed: np.ndarray | None = None) -> list[tuple[str, float]]:
        """Top `k` `(chunk_id, cosine)` of the n-gram channel (none without it); `allowed` as in `search`."""
        if self.ngrams is None:
            return []
        self._check_mask(allowed)
        return self._best(self.ngrams.scores(words(self.normalise(query))), k, allowed)

    def _check_mask(self, allowed: np.ndarray | None) -> None:
        if allowed is not None and allowed.shape != (len(self.chunk_ids),):
            raise ValueError(f"Maske für {allowed.shape} Einträge, Index hat {len(self.chunk_ids)}")

    def _best(self, scores: np.ndarray, k: int, allowed: np.ndarray | None) -> list[tuple[str, float]]:
        if allowed is not None:
            scores *= allowed
        # Equal scores (a paragraph in both versions of a law, a repeated boilerplate Absatz) go to
        # the earlier entry, at the cut-off too: argpartition would pick among them by its own
        # internal order, and a search must give the same list every time. So the k-th score is
        # found first, then the entries above it and the first ones equal to it, in index order.
        # The k-th score of every `_SAMPLE_STRIDE`-th entry is never above the k-th of all: the entries
        # at or above it hold the top k (a few hundred where nearly every chunk shares an n-gram with
        # the query, 0.25 -> 0.08 ms at 100k against a partition of all). Where it is 0 (most chunks
        # score 0: BM25), the positive ones are ranked: a partition over the whole index is
        # pathologically slow on mostly-zero arrays (13 ms at 100k chunks).
        sample = scores[::_SAMPLE_STRIDE]
        threshold = np.partition(sample, sample.size - k)[sample.size - k] if sample.size > k else 0
        candidates = np.flatnonzero(scores >= threshold) if threshold > 0 else np.flatnonzero(scores > 0)
        if candidates.size > k:  # in index order
            values = scores[candidates]
            kth = np.partition(values, values.size - k)[values.size - k]
            above = values > kth
            tied = np.flatnonzero(values == kth)[: k - int(np.count_nonzero(above))]
            candidates = np.concatenate((candidates[above], candidates[tied]))
        ranked = candidates[np.argsort(-scores[candidates], kind="stable")]
        # As Python ints and floats in one call each: a numpy scalar per entry took a quarter of this.
        ids = self.chunk_ids
        return [
            (ids[index], score) for index, score in zip(ranked.tolist(), scores[ranked].tolist(), strict=True)
        ]

    def idf(self, tokens: list[str]) -> dict[str, float]:
        """BM25 idf per token; tokens the corpus never uses get the highest idf (they are the most
        telling sign that a question is about something the knowledge base does not cover)."""
        if self.matrix is None:
            return dict.fromkeys(tokens, 0.0)
        total = float(self.matrix.num_docs)
        result: dict[str, float] = {}
        for token in tokens:
            frequency = float(self.matrix.document_frequency(token))
            result[token] = float(np.log(1.0 + (total - frequency + 0.5) / (frequency + 0.5)))
        return result

    def knows(self, token: str) -> bool:
        return self.matrix is not None and token in self.matrix.vocab

    def knows_word(self, word: str, *, inflected: bool = True) -> bool:
        """A lower-cased word the corpus uses as written, or a compound of such; with `inflected`
        also any word of the same stem ("jähriges" when the corpus has "jährigen")."""
        if word in self.vocabulary or (inflected and self.knows(stems([word])[0])):
            return True
        return len(word) >= _MIN_COMPOUND and len(compound_parts(word, self.vocabulary)) > 1

    def normalise(self, query: str) -> str:
        """The query with ae/oe/ue/ss spellings of words the corpus writes with umlauts or ß respelled,
        and words one typo away from a corpus word corrected to it, when they are neither corpus
        words nor German words (`knowledge.text.wordlist`).

        As typed, a word counts as known only in its written form: the stemmer already maps
        "gefaehrdung" and "gefährdung" to one stem, but compound splitting and the dense side
        see the letters.
        """
        found = self._normalised.get(query)  # first: a search asks for its own texts several times
        if found is not None:
            return found
        if not self.vocabulary or all(w in self.vocabulary for w in _candidates(query)):
            return query  # the common case (and every passage sentence): nothing to change
        found = self._normalise(query)
        with self._normalised_lock:
            if len(self._normalised) >= _NORMALISED_KEPT:
                del self._normalised[next(iter(self._normalised))]  # the oldest
            self._normalised[query] = found
        return found

    def _normalise(self, query: str) -> str:
        german = GermanWordlist.load()

        def as_typed(word: str) -> bool:
            return word in STOPWORDS or self.knows_word(word, inflected=False) or word in german

        def spelt_right(word: str) -> bool:
            return self.knows_word(word) or word in german  # "Ferien" is no misspelt "freien"

        # A respelling that is a German word is right even where the corpus lacks it ("13-Jaehrige"
        # -> "13-Jährige"): the stemmer and the dense side then see the word as written elsewhere.
        respelled = respell(query, as_typed, spelt_right)

        def german_with_known_stem(candidates: set[str]) -> list[str]:
            # German words the corpus uses in another form; compounds it never uses are no target:
            # every correct compound one edit away from a splittable one would be "corrected"
            # ("Wohngruppe" -> "Wohlngruppe").
            return [word for word in german.among(candidates) if self.knows(stems([word])[0])]

        if not len(german):
            return respelled  # without the word list every word the corpus lacks would look like a typo
        return correct_typos(
            respelled,
            spelt_right,
            self.vocabulary,
            self._word_frequency,
            STOPWORDS,
            known_targets=german_with_known_stem,
            memo=self._typos,
        )

    def knows_word_or_german(self, word: str) -> bool:
        """A corpus word (see `knows_word`) or any word of the German word list."""
        return self.knows_word(word) or word in GermanWordlist.load()

    def _word_frequency(self, word: str) -> float:
        return 0.0 if self.matrix is None else float(self.matrix.document_frequency(stems([word])[0]))

    def query_tokens(self, query: str) -> list[str]:
        return _stems_with_parts(words(self.normalise(query)), self.vocabulary, self.splits)


_LETTERS = re.compile(r"[^\W\d_]{4,}")


def _candidates(text: str) -> list[str]:
    """The lower-cased words respelling or typo correction might change (stop words excluded)."""
    return [w for w in _LETTERS.findall(text.lower()) if w not in STOPWORDS]


def _stems_with_parts(
    word_list: list[str], vocabulary: frozenset[str], splits: Mapping[str, tuple[str, ...]]
) -> list[str]:
    """Stems of the words and of their compound parts; corpus words use the splits computed at build."""
    expanded: list[str] = []
    for word in word_list:
        expanded.append(word)
        parts = splits.get(word)
        if parts is None and vocabulary and len(word) >= _MIN_COMPOUND and word not in vocabulary:
            # A query word the corpus does not use: split it now (microseconds, nothing cached, so
            # the snapshot stays as it was loaded).
            found = compound_parts(word, vocabulary)
            parts = tuple(found) if len(found) > 1 else None
        if parts:
            expanded.extend(parts)
    return stems(expanded)
