"""The pieces of the storage filter: its tokens, the shapes it masks whole, and how it writes the result.

`storage_filter.StorageFilter` decides per token; the predicates here say what a token is ("a house
number", "an amount", "the name before a birth date") and `render` puts the text back together with
placeholders, one per entity the gate found and one per masked word.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import regex

from .model import PLACEHOLDERS, UNKNOWN_PLACEHOLDER, DetectedEntity
from .names import COMMON_NOUNS, word_set
from .spelled_patterns import EMAIL_IN_WORDS
from .vouch import BIRTH_CUES, DIGIT_WORDS, is_number_word

TOKEN = regex.compile(
    r"(?P<placeholder>\[(?:\?|[A-ZÄÖÜ][A-ZÄÖÜ\-]*)\])"
    r"|(?P<email>[\p{L}\d._%+\-]+@[\p{L}\d\-]+(?:\.[\p{L}\d\-]+)+)"
    r"|(?P<number>\d+(?:[.,:/\-–]\d+)*(?:[a-z](?![\p{L}\d]))?)"
    r"|(?P<word>[\p{L}\p{M}][\p{L}\p{M}\d]*(?:[-'’.][\p{L}\p{M}\d]+)*)"
    r"|(?P<star>\*)"
)
EMAIL_IN_WORDS_RE = regex.compile(EMAIL_IN_WORDS, regex.IGNORECASE)
PARTS = regex.compile(r"[-'’.]")
# Only blanks, commas and brackets between two words: they belong to one phrase ("Schulz, Kevin").
SAME_PHRASE = regex.compile(r"[\s,()\-–]*")
BIRTH_AFTER = regex.compile(r"\s*,?\s*(?:geb\.|geboren\b|\(\*)", regex.IGNORECASE)
RUN_GAP = regex.compile(r"[ \t\-–/()]*")
NAME_CUES = word_set(
    """
    frau herr herrn fr hr familie fam dr prof eheleute km kv ke name vorname nachname namens heißt
    kind kindes sohn tochter mutter vater bruder schwester klient klientin schüler schülerin junge
    mädchen pflegekind oma opa onkel tante fall
    """
)
ROMAN = regex.compile(r"[IVX]+")
MONTHS = word_set(
    "januar jänner februar märz april mai juni juli august september oktober november dezember "
    "jan feb mär apr jun jul aug sep sept okt nov dez"
)
UNIT_AFTER = regex.compile(r"\s?(?:€|%|Euro\b|EUR\b|Prozent\b|Cent\b)")
DATE_AFTER_MASK = regex.compile(r"\s*[,(]?\s*\*?\s*")


@dataclass(frozen=True)
class Filtered:
    """A text ready for disk; `masked` holds the replaced raw strings (in memory only, for scrubbing)."""

    text: str
    masked: tuple[str, ...]
    words: int
    masked_words: int


@dataclass
class Token:
    kind: str
    text: str
    start: int
    end: int
    placeholder: str | None = None  # set: this token is masked
    protected: bool = False  # public name or law reference: never masked by position
    name_like: bool = False
    place: bool = False  # a town of the gazetteer


@functools.cache
def plates() -> regex.Pattern[str]:
    """Number plates with a real district code ("B AB 123", "do-ab 12"): every part of them is harmless."""
    from faker.providers.automotive.de_DE import Provider

    codes = "|".join(sorted(Provider.license_plate_prefix, key=len, reverse=True))
    letters = rf"(?:(?:{codes})[ -][A-ZÄÖÜ]{{1,2}}|(?i:(?:{codes})-[a-z]{{1,2}}))"
    return regex.compile(rf"(?<![\p{{L}}\d-]){letters}[ -]?\d{{1,4}}[EHeh]?(?![\p{{L}}\d])")


def names_a_birth(text: str, token: Token) -> bool:
    """ "Saal, geb. …": the word before a birth date names the child, German word or not."""
    if token.kind != "word" or not token.text[:1].isupper() or token.protected or token.text in COMMON_NOUNS:
        return False
    return bool(BIRTH_AFTER.match(text, token.end))


def is_digit_token(token: Token) -> bool:
    if token.protected:
        return False
    return token.kind == "number" or (token.kind == "word" and token.text.lower() in DIGIT_WORDS)


def continues_run(text: str, last: Token, token: Token) -> bool:
    """Digits go on across blanks, dashes, slashes and brackets; across commas only when spelled out
    ("null, eins, sieben"): "§§ 1, 2, 3" is a list."""
    gap = text[last.end : token.start]
    if RUN_GAP.fullmatch(gap):
        return True
    return last.kind == token.kind == "word" and bool(SAME_PHRASE.fullmatch(gap))


def marks_name(token: Token, neighbour: Token | None, *, cue_allowed: bool) -> bool:
    """Does `neighbour` put `token` in a name position? Two towns side by side are a list of places."""
    if neighbour is None:
        return False
    if neighbour.kind == "placeholder" or neighbour.placeholder:
        return True
    if neighbour.protected:
        return False
    if cue_allowed and neighbour.text.lower().rstrip(".") in NAME_CUES:
        return True
    return neighbour.name_like and not (token.place and neighbour.place)


def same_phrase(text: str, left: Token, right: Token) -> bool:
    return bool(SAME_PHRASE.fullmatch(text, left.end, right.start)) or text[left.end : right.start] in {
        ". ",
        ".",
    }


def is_initials(parts: list[str]) -> bool:
    """ "M.K": capital initials joined by dots; "z.B", "i.V.m" are abbreviations."""
    return len(parts) > 1 and all(len(p) == 1 for p in parts) and parts[0].isupper()


def is_house_number(token: Token) -> bool:
    if token.kind == "number":
        return bool(regex.fullmatch(r"\d{1,3}[a-z]?(?:[-/]\d{1,3}[a-z]?)?", token.text))
    return token.kind == "word" and is_number_word(token.text)


def is_amount(text: str, token: Token) -> bool:
    """A number followed by a unit ("15000 Euro", "12 %")."""
    return len(regex.sub(r"\D", "", token.text)) <= 7 and bool(UNIT_AFTER.match(text, token.end))


def after_birth_cue(tokens: list[Token], i: int) -> bool:
    """A date, year, day, month or number word up to four tokens after "geb.", "geboren", "*" …"""
    token = tokens[i]
    lower = token.text.lower().rstrip(".")
    if not (
        token.kind == "number" or lower in MONTHS or (token.kind == "word" and is_number_word(token.text))
    ):
        return False
    return any(tokens[j].text.lower().rstrip(".") in BIRTH_CUES for j in range(max(0, i - 4), i))


def mask_span(tokens: list[Token], span: tuple[int, int], placeholder: str) -> None:
    for token in tokens:
        if span[0] <= token.start and token.end <= span[1]:
            token.placeholder = placeholder


def render(text: str, tokens: list[Token], entities: Sequence[DetectedEntity]) -> Filtered:
    """Entities become one typed placeholder each; masked tokens one placeholder per token."""
    spans = sorted((e.start, e.end, PLACEHOLDERS.get(e.type, UNKNOWN_PLACEHOLDER)) for e in entities)
    out: list[str] = []
    masked: list[str] = []
    position = 0
    counted = [t for t in tokens if t.kind not in {"placeholder", "star"}]
    masked_words = 0
    for token in tokens:
        entity = next(((s, e, p) for s, e, p in spans if s < token.end and token.start < e), None)
        if entity is not None:
            start, end, placeholder = entity
            if start >= position:
                out.append(text[position:start] + placeholder)
                position = max(end, token.end)  # a word cut by the entity goes with it ("Schulz-Meyer")
                masked.append(text[start:position])
            else:
                position = max(position, token.end)
            masked_words += token.kind != "placeholder"
            continue
        if token.placeholder is None or token.start < position:
            continue
        gap = text[position : token.start]
        if (
            out
            and token.placeholder != UNKNOWN_PLACEHOLDER
            and out[-1].endswith(token.placeholder)
            and not gap.strip()
        ):
            # One "[TELEFON]" for a number read out digit by digit, one "[ADRESSE]" for street and number.
            masked.append(token.text)
            masked_words += 1
            position = token.end
            continue
        out.append(gap + token.placeholder)
        masked.append(token.text)
        masked_words += token.kind != "placeholder"
        position = token.end
    out.append(text[position:])
    return Filtered("".join(out), tuple(masked), len(counted), masked_words)
