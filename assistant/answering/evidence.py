"""How well the retrieved passages cover the question: the basis for abstaining.

Without a language model the signals are lexical: the share of the question's weight carried by
words the knowledge base never uses (weather, recipes, share prices), the idf-weighted share of the
known words that the top passages contain, and a § the question names that no indexed law holds.
Thresholds are calibrated on evals/datasets (answerable vs. abstain questions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.index import KnowledgeIndex
from knowledge.models import Hit
from knowledge.text.thesaurus import expand

_EXPLICIT_PARAGRAPH = re.compile(r"§§?\s*(\d+[a-z]?)\b")
MAX_UNKNOWN_SHARE = 0.5
# Everyday topics a youth-welfare knowledge base never covers. Their words may still occur in it by
# accident ("morgens" in the JArbSchG, "Unna" in a press release), so they are named explicitly.
_OFF_TOPIC = re.compile(
    r"\b(wetter\w*|regen|schnee|temperatur\w*|rezept\w*|kochen|backen|zutaten|kalorien|fußball\w*|bundesliga|"
    r"spiel(stand|ergebnis)|tor(e|schütze)|aktie\w*|börse\w*|kurs(e)? (der|von)|bitcoin|urlaubsreise\w*|"
    r"sehenswürdigkeit\w*|hotel\w*|flug|zugverbindung|fahrplan|nächste zug|pizzeria|restaurant\w*|"
    r"drucker\w*|"
    r"windows|passwort|wlan|gedicht\w*|witz\w*|horoskop|lotto\w*|stromanbieter|handyvertrag)\b",
    re.IGNORECASE,
)
MIN_KNOWN_COVERAGE = 0.2


@dataclass(frozen=True)
class Evidence:
    unknown_share: float  # idf share of question words the knowledge base never uses
    coverage: float  # idf share of the known question words found in the top passages
    missing_paragraph: str | None  # "§ 99z SGB VIII" when the question names a § no indexed law holds

    off_topic: bool = False  # the question is about weather, recipes, sports and the like

    @property
    def is_weak(self) -> bool:
        return (
            self.off_topic
            or self.missing_paragraph is not None
            or self.unknown_share > MAX_UNKNOWN_SHARE
            or self.coverage < MIN_KNOWN_COVERAGE
        )


def assess(index: KnowledgeIndex, question: str, hits: list[Hit], top_n: int = 5) -> Evidence:
    missing = _missing_paragraph(index, question)
    tokens = list(dict.fromkeys(index.lexical.query_tokens(expand(question))))
    if not hits or not tokens:
        return Evidence(1.0, 0.0, missing, True)
    weights = index.lexical.idf(tokens)
    known = {t: w for t, w in weights.items() if index.lexical.knows(t)}
    total = sum(weights.values()) or 1.0
    found: set[str] = set()
    for hit in hits[:top_n]:
        found.update(index.lexical.query_tokens(hit.chunk.context_text(hit.document.title)))
    known_total = sum(known.values()) or 1.0
    coverage = sum(w for t, w in known.items() if t in found) / known_total
    off_topic = bool(_OFF_TOPIC.search(question)) and not _EXPLICIT_PARAGRAPH.search(question)
    return Evidence(1.0 - sum(known.values()) / total, coverage, missing, off_topic)


def _missing_paragraph(index: KnowledgeIndex, question: str) -> str | None:
    """A question about "§ 99z SGB VIII" must not be answered from § 99 or a neighbour."""
    named = [f"§ {m.group(1)}" for m in _EXPLICIT_PARAGRAPH.finditer(question)]
    if not named:
        return None
    by_law = index.known_paragraphs()
    laws = [law for law in by_law if law and re.search(rf"\b{re.escape(law)}\b", question, re.IGNORECASE)]
    candidates = [by_law[law] for law in laws] or list(by_law.values())
    for paragraph in named:
        if not any(paragraph in paragraphs for paragraphs in candidates):
            return f"{paragraph} {laws[0]}" if laws else paragraph
    return None
