"""Names of people in a staff question, found by German context patterns instead of an NER model."""

from __future__ import annotations

import regex
from presidio_analyzer import Pattern, PatternRecognizer

from .lexicon import Lexicon
from .names import CAP_WORD, SURNAME, WORD_END, WORD_START, looks_like_noun

# Case matters for names: "Frau Müller" is a person, "frau müller" cannot be told from prose without a
# model. Presidio's default flags include IGNORECASE, so every pattern here runs without it.
CASE_SENSITIVE = regex.DOTALL | regex.MULTILINE

# Articles and adjectives before "Frau"/"Herr" mark the generic noun ("eine junge Frau Hilfe sucht"),
# not a form of address. The cost: colloquial "die Frau Müller" is missed; plain "Frau Müller" is not.
_GENERIC_BEFORE_ANREDE = (
    r"(?:die|der|den|dem|des|eine|einer|einem|einen|eines|jede|jeder|jedem|keine|keiner|diese|dieser|"
    r"diesem|jene|welche|welcher|manche|\p{Ll}+(?:ende|ige|ene|ete|ere|ste|che|ale)[nrms]?)"
)
_ANREDE = rf"(?<!\b{_GENERIC_BEFORE_ANREDE}\s)\b(?:Frau|Herrn?|Fr\.|Hr\.)\s+(?:(?:Dr|Prof)\.\s*)*"
# What may follow a name when staff add an age or birth date: "Lea Schulz, 9 Jahre", "Noah (9 J.)".
# A bare "(3)" is left out on purpose: after a noun it is usually an Absatz ("Absatz (3)"). Birth words
# count only with a date after them, so form fields ("Vorname, Geburtsdatum, Geburtsort") stay unflagged.
_AGE_OR_BIRTH_AFTER = (
    r"(?=\s*(?:,|\()\s*(?:\d{1,2}\s*(?:Jahre\b|J\.)|\d{1,2}-?jährig|(?:geb\.|geboren|Geburtsdatum:?)\s*(?:am\s+)?\d"
    r"|\*\s*\d))"
)
_RELATION_LABEL = r"\b(?:Name|Vorname|Nachname|Klient|Klientin|Kind|Mutter|Vater|Kindesmutter|Kindesvater)"
# A relation word right before two capitalised words names the relative: "der Pflegevater Oreste Petrassi",
# "Der Kindsvater (Umberto Polizzi, …)". One capitalised word is too often a noun ("der Vater Unterhalt").
_RELATIVE = (
    r"\b(?:Vater|Mutter|Kinds?vater|Kinds?mutter|Kindesvater|Kindesmutter|Pflegevater|Pflegemutter|Stiefvater|"
    r"Stiefmutter|Sohn|Tochter|Bruder|Schwester|Oma|Opa|Großmutter|Großvater|Onkel|Tante|Freund|Freundin|"
    r"Partner|Partnerin|Lebensgefährte|Lebensgefährtin|Klient|Klientin|Vormund)(?:\s*,\s*|\s*\(\s*|\s+)"
)
_AGE_ADJECTIVE = r"\b\d{1,2}\s?-?\s?jährige[nr]?\s+"
# Words after which a capitalised word is a family name: "Familie Becker", "Fam. Kowalski", "Pflegeeltern
# Meyer", and the file jargon KM/KV (Kindesmutter/Kindesvater): "KM Schröder". "Eltern" and "Fall" are
# left out: laws write "der Eltern zu Beginn", "im Fall von Satz 1".
# "c/o Schulz": post for a family in someone else's flat.
_MOVE_FROM = r"von\s+\p{Lu}\p{L}+\s+nach\b"
_FAMILY = r"\b(?:Familie|Fam\.|Eheleute|Pflegeeltern|Adoptiveltern|KM|KV|KE|c/o)"


class _PersonPatterns(PatternRecognizer):
    """PERSON patterns whose matches are dropped whole when a word in them is no name.

    How strict "no name" is depends on the cue: after "Frau"/"Familie"/"Name:" any capitalised word that
    is no role, common noun or stop word is a surname ("Familie Sieg"); without such a cue a German word
    counts as a noun unless it is on a name list ("Ayse Demir, 9 Jahre" but not "Ein Kind, 9 J."); after
    "der kleine"/"die 14-jährige" even a listed name that German uses as a noun is one ("der 15-jährige
    Schüler").
    """

    def __init__(self, name: str, patterns: list[Pattern], lexicon: Lexicon, strictness: str) -> None:
        self.lexicon, self.strictness = lexicon, strictness
        super().__init__(
            supported_entity="PERSON",
            supported_language="de",
            patterns=patterns,
            global_regex_flags=CASE_SENSITIVE,
            name=name,
        )

    def invalidate_result(self, pattern_text: str) -> bool:
        """Reject matches made of roles, common nouns or stop words ("Frau Ministerin", "Ein Kind, 9 J.")."""
        words = [
            word for word in regex.split(r"[\s-]+", pattern_text) if len(word) > 2 and word[:1].isupper()
        ]
        return not words or any(self._is_noun(word) for word in words)

    def _is_noun(self, word: str) -> bool:
        if self.strictness == "cue":
            return looks_like_noun(word) and not self.lexicon.is_name(word)
        if self.strictness == "single":
            return looks_like_noun(word, self.lexicon) or self.lexicon.is_word(word)
        return looks_like_noun(word, self.lexicon)


def person_recognizers(lexicon: Lexicon) -> list[PatternRecognizer]:
    """PERSON from context: forms of address, "Familie X", relatives, names followed by an age.

    Known first names and names in lower case are `NameTokenRecognizer`'s job.

    >>> recognizer = person_recognizers(Lexicon.load())[0]  # doctest: +SKIP
    >>> [r.entity_type for r in recognizer.analyze("Frau Yilmaz ruft an", ["PERSON"])]  # doctest: +SKIP
    ['PERSON']
    """
    two_words = rf"{CAP_WORD}(?:-{CAP_WORD})?\s+{SURNAME}"
    # One- and two-word variants of the same cue: a match is dropped whole when one word is a noun, so
    # "Frau Schulz Bescheid geben" still yields "Schulz", and "Frau Zeynep Kaya" yields both words.
    after_cue = [
        # "Frau Yilmaz", "Herrn Dr. Meier", "Frau Zeynep Kaya": the span is the name, not the Anrede.
        Pattern("anrede", rf"(?<={_ANREDE}){WORD_START}{SURNAME}{WORD_END}", 0.7),
        Pattern("anrede_zwei_woerter", rf"(?<={_ANREDE}){WORD_START}{two_words}{WORD_END}", 0.7),
        # "Familie Becker", "Familie von Berg", "KM Schröder"
        # Not "eine Familie von Kassel nach Göttingen": a move, not a name with "von".
        Pattern("familie", rf"(?<={_FAMILY}\s+){WORD_START}(?!{_MOVE_FROM}){SURNAME}{WORD_END}", 0.7),
        # "Name: Schulz", "Kind: Lea Schulz"
        Pattern("label", rf"(?<={_RELATION_LABEL}\s*:\s*){WORD_START}{SURNAME}{WORD_END}", 0.7),
        Pattern(
            "label_zwei_woerter", rf"(?<={_RELATION_LABEL}\s*:\s*){WORD_START}{two_words}{WORD_END}", 0.7
        ),
    ]
    in_context = [
        # "der Pflegevater Oreste Petrassi"
        Pattern("verwandte", rf"(?<={_RELATIVE}){WORD_START}{two_words}{WORD_END}", 0.6),
        # "Ayse Demir, 9 Jahre", "Noah (9 J.)", "Lina Kurz, geb. ...": unknown names before an age.
        Pattern(
            "name_vor_alter", rf"{WORD_START}(?:{CAP_WORD}\s+)?{SURNAME}{WORD_END}{_AGE_OR_BIRTH_AFTER}", 0.6
        ),
    ]
    single_word = [
        # "der kleine Finn": after "kleine" a capitalised word is a pet name unless it is a noun.
        Pattern(
            "kleine",
            rf"(?<=\b(?:[Dd]er|[Dd]ie|[Dd]en|[Dd]em|[Uu]nsere?[mn]?|[Mm]eine?[mn]?)\s+kleinen?\s+)"
            rf"{CAP_WORD}(?:-{CAP_WORD})?{WORD_END}",
            0.6,
        ),
        # "die 14-jährige Geneviève": an age adjective before a capitalised non-noun.
        Pattern("nach_alter", rf"(?<={_AGE_ADJECTIVE}){CAP_WORD}(?:-{CAP_WORD})?{WORD_END}", 0.6),
    ]
    return [
        _PersonPatterns("GermanPersonRecognizer", after_cue, lexicon, "cue"),
        _PersonPatterns("ContextPersonRecognizer", in_context, lexicon, "context"),
        _PersonPatterns("AdjectivePersonRecognizer", single_word, lexicon, "single"),
    ]
