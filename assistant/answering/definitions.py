"""Questions that ask what a term means, and the law text that defines it.

"Was versteht man unter Frühen Hilfen?", "Was sind Partnermonate?", "Was ist eine Einrichtung im Sinne
der Betriebserlaubnis?" ask for a definition. A law defines a term in two ways, and the Absatz that
does is the answer, whichever Absatz shares more words with the question:

- by naming it in brackets after what it describes: "… Angebots … für Eltern … (Frühe Hilfen)",
  "… zwei weitere Monate … (Partnermonate)";
- by a sentence that opens with it: "Einrichtung ist eine …", "Als Einkommen gelten …",
  "Kinder im Sinne dieses Gesetzes sind …".

>>> asked_term("Was versteht man unter Frühen Hilfen?")
'Frühen Hilfen'
>>> asked_term("Was bedeutet das Sozialgeheimnis für die Weitergabe von Daten?") is None
True
"""

from __future__ import annotations

import re

from assistant.answering.terms import text_tokens
from knowledge.index import KnowledgeIndex

_NOUN = r"[A-ZÄÖÜ][\wäöüß-]+"
# The term: a noun, perhaps with one or two words before it ("Frühen Hilfen", "insoweit erfahrene
# Fachkraft").
_TERM = rf"(?P<term>(?:{_NOUN}\s+|(?:[a-zäöüß]+\s+)?[a-zäöüß]+(?:e|en|er|es|em)\s+)?{_NOUN})"
_ARTICLE = r"(?:(?:eine?[mnrs]?|der|die|das|den|dem|des)\s+)?"
_ASKING = (
    r"\bwas\s+versteht\s+man\s+(?:rechtlich\s+)?unter|\bwas\s+(?:ist|sind|bedeutet|bedeuten|hei(?:ß|ss)t|meint)"
    r"(?:\s+(?:rechtlich|eigentlich|genau|gesetzlich))?|\bdefinition(?:\s+(?:von|für))?|\bbegriff"
)
# The term ends the question or is followed by what it is to be taken as ("im Sinne der …").
_DEFINITION_ASKED = re.compile(
    rf"(?:{_ASKING})\s+{_ARTICLE}{_TERM}\s*(?:\?|$|im\s+sinne\b|nach\s+de[mr]\b|laut\b|gemäß\b)",
    re.IGNORECASE,
)
_BRACKETS = re.compile(r"\(([^()\d§]{3,60})\)")
_SENTENCE_START = re.compile(r"(?:^|(?<=[.;:])\s+|^\(\d+[a-z]?\)\s*)")
# "Einrichtung ist …", "Einrichtungen im Sinne dieses Gesetzes sind …", "Als Einkommen gelten …".
_OPENING = re.compile(
    r"(?:Als\s+)?(?:(?:Eine?|Der|Die|Das)\s+)?(?P<words>(?:[\wäöüßÄÖÜ-]+\s+){0,3}?)"
    r"(?:im\s+Sinne\s+(?:dieses|des|der|von)\b[^.;]{0,60}?\s+)?(?:ist|sind|gilt|gelten|umfasst|umfassen)\b"
)
_MAX_BRACKET_WORDS = 5


def asked_term(question: str) -> str | None:
    """The term whose meaning `question` asks for, as written; None for any other question."""
    match = _DEFINITION_ASKED.search(question)
    if match is None:
        return None
    return match.group("term")


def defines(index: KnowledgeIndex, term: str, text: str) -> bool:
    """Whether `text` defines `term`: names it in brackets, or opens a sentence with it and says what
    it is (compared by the index's word stems: "Frühe Hilfen" defines "Frühen Hilfen")."""
    wanted = text_tokens(index, term)
    if not wanted:
        return False
    for match in _BRACKETS.finditer(text):
        inside = match.group(1)
        if len(inside.split()) <= _MAX_BRACKET_WORDS and wanted <= text_tokens(index, inside):
            return True
    for start in _SENTENCE_START.finditer(text):
        opening = _OPENING.match(text, start.end())
        words = opening.group("words").strip() if opening is not None else ""
        if words and wanted <= text_tokens(index, words):
            return True
    return False
