"""The noun a question asks for: "Welche Impfungen …", "Wie hoch ist der Mindestlohn …", "Was kostet
ein Krippenplatz …". When the knowledge base never uses that word (nor a name the thesaurus knows for
it), no passage can name what was asked, however many of the question's other words it shares:
§ 24 SGB VIII speaks of Kinder and Kita, not of Impfungen. Likewise, more weakly, when the texts know
the noun only by its compound parts ("Schulbücher": Schule, Buch). Evidence features (`evidence`)."""

from __future__ import annotations

import re

from assistant.answering.terms import is_foreign_word
from knowledge.index import KnowledgeIndex

# The interrogative, an optional article or possessive and up to two lower-case words (adjectives:
# "das monatliche Pflegegeld"), then the capitalised noun. Case matters for the noun only. "Wie
# beantrage ich einen …", "Wo bekommt man …" ask for what the asker wants to do it with.
_ASKED_NOUN = re.compile(
    r"\b(?i:welche[rsnm]?|wie\s+(?:hoch|viele?|teuer)(?:\s+(?:ist|sind|war|wird|werden))?|wieviele?|"
    r"was\s+(?:ist|sind|kostet|kosten)|(?:wie|wo)\s+[a-zäöüß]+\s+(?:ich|man|wir))\s+"
    r"(?i:(?:der|die|das|den|dem|des|ein|eine|einen|einem|einer|eines|mein|meine|meinen|meinem|meiner|"
    r"unser|unsere|unseren|unserem|unserer)\s+)?"
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


def known_by_parts_only(index: KnowledgeIndex, word: str) -> bool:
    """Whether `word` is a compound no indexed text uses as a whole: the index splits it (its first
    token stands for the whole word, the rest are the parts) and does not know the whole. The search
    matches it by its parts, so a passage about something else covers it ("Zeit" of a Frist)."""
    tokens = list(dict.fromkeys(index.query_tokens(word)))
    return len(tokens) > 1 and not index.knows(tokens[0])


def asked_noun_by_parts(index: KnowledgeIndex, question: str) -> bool:
    """Whether the noun `question` asks for is a compound no indexed text uses as a whole ("Welche
    Schulbücher …", "Wie beantrage ich eine Namensänderung …"): passages hold its parts, not the thing."""
    noun = asked_noun(question)
    return noun is not None and not _PROVISION.fullmatch(noun) and known_by_parts_only(index, noun)
