"""The content of a question as weighted terms, and how much of it a text covers.

Terms are the index's own lexical tokens (German stems and compound parts) weighted by how telling
they are in this knowledge base (`KnowledgeIndex.term_weights`); words the index never uses are kept
apart, they cannot be covered by any passage. The thesaurus-expanded question ("Kita" → also
"Tageseinrichtung") is a second reading; a text covers the question as well as it covers either.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from knowledge.index import KnowledgeIndex
from knowledge.text.thesaurus import expand

_CACHED_TEXTS = 20_000
# Per index: (lexical version, text -> tokens). Passage texts repeat across questions; their tokens
# depend on the index's vocabulary (compound splitting), so the cache is per index and version.
_TOKENS: WeakKeyDictionary[KnowledgeIndex, tuple[int | None, OrderedDict[str, frozenset[str]]]] = (
    WeakKeyDictionary()
)


def text_tokens(index: KnowledgeIndex, text: str) -> frozenset[str]:
    """The index's lexical tokens of a passage text, cached."""
    version = index.lexical.version
    entry = _TOKENS.get(index)
    if entry is None or entry[0] != version:
        entry = (version, OrderedDict())
        _TOKENS[index] = entry
    cache = entry[1]
    tokens = cache.get(text)
    if tokens is None:
        tokens = cache[text] = frozenset(index.query_tokens(text))
        if len(cache) > _CACHED_TEXTS:
            cache.popitem(last=False)
    return tokens


@dataclass(frozen=True)
class QuestionTerms:
    """>>> terms = QuestionTerms.of(index, "Bis zu welchem Alter gibt es Unterhaltsvorschuss?")  # doctest: +SKIP
    >>> terms.coverage(index.query_tokens("… bis zur Vollendung des 18. Lebensjahres …"))  # doctest: +SKIP
    """

    plain: dict[str, float]  # known tokens of the question as asked -> weight
    expanded: dict[str, float]  # known tokens of the thesaurus-expanded question -> weight
    unknown_share: float  # share of the question's weight on words the index never uses

    @classmethod
    def of(cls, index: KnowledgeIndex, question: str) -> QuestionTerms:
        plain_tokens = list(dict.fromkeys(index.query_tokens(question)))
        expanded_tokens = list(dict.fromkeys(index.query_tokens(expand(question))))
        weights = index.term_weights(list(dict.fromkeys(plain_tokens + expanded_tokens)))
        known = {t for t in weights if index.knows(t)}
        total = sum(weights[t] for t in plain_tokens)
        unknown = sum(weights[t] for t in plain_tokens if t not in known)
        return cls(
            {t: weights[t] for t in plain_tokens if t in known},
            {t: weights[t] for t in expanded_tokens if t in known},
            unknown / total if total else 1.0,
        )

    @property
    def empty(self) -> bool:
        return not self.plain and not self.expanded

    def coverage(self, tokens: set[str] | frozenset[str], context: frozenset[str] = frozenset()) -> float:
        """Weighted share of the known question terms in `tokens`; a term only in `context` (the §
        heading, a document title) counts half."""
        return max(_share(self.plain, tokens, context), _share(self.expanded, tokens, context))

    def missing(self, tokens: set[str] | frozenset[str]) -> dict[str, float]:
        """The known question terms (as asked) that `tokens` lack."""
        return {t: w for t, w in self.plain.items() if t not in tokens}


def _share(weights: dict[str, float], tokens: set[str] | frozenset[str], context: frozenset[str]) -> float:
    total = sum(weights.values())
    if not total:
        return 0.0
    found = sum(w if t in tokens else 0.5 * w for t, w in weights.items() if t in tokens or t in context)
    return found / total
