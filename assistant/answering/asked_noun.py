"""The noun a question asks for: "Welche Impfungen …", "Wie hoch ist der Mindestlohn …", "Was kostet
ein Krippenplatz …". When the knowledge base never uses that word (nor a name the thesaurus knows for
it), no passage can name what was asked, however many of the question's other words it shares:
§ 24 SGB VIII speaks of Kinder and Kita, not of Impfungen. An evidence feature (`evidence`)."""

from __future__ import annotations

import re

from assistant.answering.terms import is_foreign_word
from knowledge.index import KnowledgeIndex

# The interrogative, an optional article and up to two lower-case words (adjectives: "das monatliche
# Pflegegeld"), then the capitalised noun. Case matters for the noun only.
_ASKED_NOUN = re.compile(
    r"\b(?i:welche[rsnm]?|wie\s+(?:hoch|viele?|teuer)(?:\s+(?:ist|sind|war|wird|werden))?|wieviele?|"
    r"was\s+(?:ist|sind|kostet|kosten))\s+"
    r"(?i:(?:der|die|das|den|dem|des|ein|eine|einen|einem|einer|eines)\s+)?"
    r"(?:[a-zäöüß]+\s+){0,2}([A-ZÄÖÜ][\wäöüß-]+)"
)
# "In welchem Paragraphen steht …" asks for a provision, which every legal passage has a name for.
_PROVISION = re.compile(
    r"(paragra(ph|f)\w*|vorschrift\w*|norm(en)?|gesetz\w*|regelung\w*|absatz\w*|absätze\w*|artikel\w*)",
    re.IGNORECASE,
)


def asked_noun(question: str) -> str | None:
    """The first noun right after an interrogative ("Welche Impfungen" -> "Impfungen"), if any."""
    match = _ASKED_NOUN.search(question)
    return match.group(1) if match else None


def asked_noun_unknown(index: KnowledgeIndex, question: str) -> bool:
    """Whether the noun `question` asks for is a word no indexed text uses."""
    noun = asked_noun(question)
    return noun is not None and not _PROVISION.fullmatch(noun) and is_foreign_word(index, noun)
