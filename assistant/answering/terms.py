"""The content of a question as weighted terms, and how much of it a text covers.

Terms are the index's own lexical tokens (German stems and compound parts) weighted by how telling
they are in this knowledge base (`KnowledgeIndex.term_weights`); words the index never uses are kept
apart, they cannot be covered by any passage. The thesaurus-expanded question ("Kita" → also
"Tageseinrichtung") is a second reading; a text covers the question as well as it covers either.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from knowledge.index import KnowledgeIndex
from knowledge.models import Document
from knowledge.text.thesaurus import expand

_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_UMLAUTS = {"ae": "ä", "oe": "ö", "ue": "ü", "Ae": "Ä", "Oe": "Ö", "Ue": "Ü"}
_CACHED_TEXTS = 20_000
_CACHED_QUESTIONS = 64
# Per index and lexical version: small caches of what one question needs several times (its terms,
# the tokens of passage texts). Tokens depend on the index's vocabulary (compound splitting), so the
# caches belong to one index and are dropped when it is rebuilt.
_CACHES: WeakKeyDictionary[KnowledgeIndex, tuple[str, dict[str, OrderedDict[Any, Any]]]] = WeakKeyDictionary()


def index_cache(index: KnowledgeIndex, name: str) -> OrderedDict[Any, Any]:
    """A cache named `name` that lives as long as `index` at its current lexical version."""
    version = index.lexical_generation()
    entry = _CACHES.get(index)
    if entry is None or entry[0] != version:
        entry = (version, {})
        _CACHES[index] = entry
    return entry[1].setdefault(name, OrderedDict())


def indexed_documents(index: KnowledgeIndex) -> tuple[Document, ...]:
    """The documents `index` reads, listed once per lexical version: the answer path asks for their
    titles and regions on every question that names a law or a place."""
    cache = index_cache(index, "documents")
    documents = cache.get("all")
    if documents is None:
        documents = cache["all"] = tuple(index.documents())
    return documents


def remember(cache: OrderedDict[Any, Any], key: Any, value: Any, limit: int) -> Any:
    cache[key] = value
    if len(cache) > limit:
        cache.popitem(last=False)
    return value


def text_tokens(index: KnowledgeIndex, text: str) -> frozenset[str]:
    """The index's lexical tokens of a passage text, cached."""
    cache = index_cache(index, "tokens")
    tokens = cache.get(text)
    if tokens is None:
        tokens = remember(cache, text, frozenset(index.query_tokens(text)), _CACHED_TEXTS)
    return tokens


@dataclass(frozen=True)
class QuestionTerms:
    """>>> terms = QuestionTerms.of(index, "Ab wann gibt es Unterhaltsvorschuss?")  # doctest: +SKIP
    >>> terms.coverage(text_tokens(index, "… bis zur Vollendung des 18. Lebensjahres …"))  # doctest: +SKIP
    """

    plain: dict[str, float]  # known tokens of the question as asked -> weight
    expanded: dict[str, float]  # known tokens of the thesaurus-expanded question -> weight
    unknown_share: float  # share of the question's weight on words the index never uses
    unknown_noun_share: float = 0.0  # share of the nouns' weight on nouns the index never uses

    @classmethod
    def of(cls, index: KnowledgeIndex, question: str) -> QuestionTerms:
        cache = index_cache(index, "terms")
        terms = cache.get(question)
        if terms is None:
            terms = remember(cache, question, cls._analyse(index, question), _CACHED_QUESTIONS)
        return terms

    @classmethod
    def _analyse(cls, index: KnowledgeIndex, question: str) -> QuestionTerms:
        plain = _word_terms(index, question)
        expanded = _word_terms(index, expand(question))
        weights = index.term_weights(
            list(dict.fromkeys(t for _, _, tokens in plain + expanded for t in tokens))
        )
        known = [[t for t in tokens if index.knows(t)] for _, _, tokens in plain]
        # A word is foreign to the knowledge base when neither it nor what the thesaurus says the
        # texts call it ("ISE": intensive sozialpädagogische Einzelbetreuung) occurs in any text.
        foreign = [
            not found and not has_known_expansion(index, word)
            for (word, _, _), found in zip(plain, known, strict=True)
        ]
        weight = [sum(weights[t] for t in tokens) for _, _, tokens in plain]
        nouns = [noun for _, noun, _ in plain]
        total, noun_total = sum(weight), sum(w for w, noun in zip(weight, nouns, strict=True) if noun)
        unknown = sum(w for w, no in zip(weight, foreign, strict=True) if no)
        noun_unknown = sum(w for w, noun, no in zip(weight, nouns, foreign, strict=True) if noun and no)
        return cls(
            {t: weights[t] for found in known for t in found},
            {t: weights[t] for _, _, tokens in expanded for t in tokens if index.knows(t)},
            unknown / total if total else 1.0,
            noun_unknown / noun_total if noun_total else 0.0,
        )

    @property
    def empty(self) -> bool:
        return not self.plain and not self.expanded

    def coverage(self, tokens: set[str] | frozenset[str], context: frozenset[str] = frozenset()) -> float:
        """Weighted share of the known question terms in `tokens`; a term only in `context` (the §
        heading, a document title) counts half."""
        return max(_share(self.plain, tokens, context), _share(self.expanded, tokens, context))


def has_known_expansion(index: KnowledgeIndex, word: str) -> bool:
    expanded = expand(word)
    return expanded != word and any(index.knows(t) for t in index.query_tokens(expanded[len(word) :]))


def is_foreign_word(index: KnowledgeIndex, word: str) -> bool:
    """Whether no indexed text uses `word`, in its umlaut spelling, or under a name the thesaurus
    knows for it (the test `QuestionTerms` applies to every word of a question)."""
    tokens = index.query_tokens(word)
    if not tokens or any(index.knows(t) for t in tokens):
        return False
    return not _respelled(index, word) and not has_known_expansion(index, word)


def _respelled(index: KnowledgeIndex, word: str) -> list[str]:
    """The tokens of "Zustaendigkeit" as "Zuständigkeit" when only the umlaut form is known."""
    variant = re.sub("ae|oe|ue|Ae|Oe|Ue", lambda m: _UMLAUTS[m.group()], word)
    if variant == word:
        return []
    tokens = list(dict.fromkeys(index.query_tokens(variant)))
    return tokens if any(index.knows(t) for t in tokens) else []


def _word_terms(index: KnowledgeIndex, text: str) -> list[tuple[str, bool, list[str]]]:
    """(word, is a noun, its tokens) for every word with tokens. A compound the index does not know
    as a whole but whose parts it knows ("Heimakte": Heim, Akte) is represented by the parts."""
    found: list[tuple[str, bool, list[str]]] = []
    telegram = "?" not in text  # keyword queries have no sentence start to discount
    for match in _WORD.finditer(text):
        word = match.group()
        tokens = list(dict.fromkeys(index.query_tokens(word)))
        if not tokens:
            continue
        if not any(index.knows(t) for t in tokens):
            tokens = _respelled(index, word) or tokens
        if len(tokens) > 1 and not index.knows(tokens[0]) and all(index.knows(t) for t in tokens[1:]):
            tokens = tokens[1:]
        starts_sentence = match.start() == 0 or text[: match.start()].rstrip().endswith((".", "?", "!", ":"))
        noun = word[:1].isupper() and (telegram or not starts_sentence)
        found.append((word, noun, tokens))
    return found


def _share(weights: dict[str, float], tokens: set[str] | frozenset[str], context: frozenset[str]) -> float:
    total = sum(weights.values())
    if not total:
        return 0.0
    found = sum(w if t in tokens else 0.5 * w for t, w in weights.items() if t in tokens or t in context)
    return found / total
