"""German tokenisation for the lexical index: lower-case words, stop words out, Snowball stems,
and compound parts so that "Kindeswohlgefährdung" also matches "Gefährdung" and "Kindeswohl"."""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_GERMAN

# "§", "Abs" and friends carry no topic; paragraph numbers like "8a" do and stay in.
_EXTRA_STOPWORDS = {
    "abs",
    "absatz",
    "satz",
    "nr",
    "nummer",
    "buch",
    "buchs",
    "gilt",
    "gelten",
    "sowie",
    "bzw",
}
# Questions are full of modal verbs, question words and fillers that match every legal text equally
# ("darf", "müssen", "wer", "genau"); out, they leave the topic words to decide. Measured on the odd
# question ids: MRR 0.787 -> 0.798 (evals/datasets/corpus_questions.jsonl).
_QUESTION_STOPWORDS = {
    "darf",
    "dürfen",
    "darfst",
    "müssen",
    "musst",
    "könnte",
    "sollen",
    "soll",
    "sollte",
    "wer",
    "wem",
    "wen",
    "wessen",
    "wann",
    "wo",
    "warum",
    "wieso",
    "weshalb",
    "woran",
    "wozu",
    "womit",
    "wofür",
    "genau",
    "eigentlich",
    "überhaupt",
    "bitte",
}
_TYPED_STOPWORDS = frozenset(STOPWORDS_GERMAN) | _EXTRA_STOPWORDS | _QUESTION_STOPWORDS
_DIGRAPHS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
# "fuer", "ueber", "koennen": the stop words as typed without umlauts are stop words too; otherwise
# they reach the index as topic words ("fuer" stems to the token "fur").
STOPWORDS = _TYPED_STOPWORDS | {w.translate(_DIGRAPHS) for w in _TYPED_STOPWORDS}
_WORD = re.compile(r"[0-9]+[a-z]?\b|[^\W\d_]+", re.UNICODE)

# Linking elements between compound parts: Kind-es-wohl, Hilfe-n-planung, Schutz-konzept.
_FUGEN = ("", "s", "es", "n", "en", "er", "e")
_MIN_PART = 4


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("german")


def words(text: str) -> list[str]:
    """Lower-cased word tokens without stop words; keeps "8a" and similar paragraph numbers."""
    return [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


def stems(tokens: list[str]) -> list[str]:
    return list(_stemmer().stemWords(tokens))


def compound_parts(word: str, vocabulary: frozenset[str]) -> list[str]:
    """Split a compound into parts that are themselves known words (greedy, longest head first).

    `vocabulary` is the set of lower-cased words of the indexed corpus; without a known split the
    word is returned alone. Two levels are enough for the compounds of this domain.
    """
    if len(word) < 2 * _MIN_PART:
        return [word]
    for cut in range(len(word) - _MIN_PART, _MIN_PART - 1, -1):
        head, tail = word[:cut], word[cut:]
        if tail not in vocabulary:
            continue
        for fuge in _FUGEN:
            if fuge and not head.endswith(fuge):
                continue
            stem = head[: len(head) - len(fuge)] if fuge else head
            if len(stem) >= _MIN_PART and stem in vocabulary:
                return [*compound_parts(stem, vocabulary), tail]
    return [word]


def analyse(text: str, vocabulary: frozenset[str] = frozenset()) -> list[str]:
    """Tokens for the lexical index: stems of the words plus stems of their compound parts."""
    tokens: list[str] = []
    for word in words(text):
        tokens.append(word)
        if vocabulary:
            parts = compound_parts(word, vocabulary)
            if len(parts) > 1:
                tokens.extend(parts)
    return stems(tokens)
