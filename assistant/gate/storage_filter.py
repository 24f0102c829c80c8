"""The storage filter (policy rule 2): nothing unvouched reaches disk, whatever detection missed.

Every word of a text that is about to be stored must be vouched for: a word of the German dictionary
(`Lexicon`), a word the indexed knowledge base uses, a law reference, office jargon, or a harmless
number (`vouch`). Everything else becomes a placeholder: the entity type where the gate found one, else
`[?]`. So a name the gate never heard of, a typo'd file number or a postcode is stored as `[?]`, and
reviewers still see the shape of the question ("Darf ich [?] [?] zur Beratung verweisen?").

A dictionary word that is also a name ("Müller", "Koch", "Wolf"), or a proper noun only the knowledge
base knows, is masked in a name position: after "Frau"/"Herr"/"Familie"/a title, or next to a first
name, another name or a masked word ("anna müller", "Kevin [?]" → "[?] [?]").
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import regex

from .lexicon import DEFAULT_DICTIONARY, Lexicon
from .model import PLACEHOLDERS, UNKNOWN_PLACEHOLDER, DetectedEntity
from .name_lists import fold
from .names import word_set
from .public import KnownTerms, PublicNames
from .spelled_patterns import EMAIL_IN_WORDS
from .vouch import (
    BIRTH_CUES,
    DATE_SHAPE,
    DIGIT_WORDS,
    LAW_REFERENCE,
    NOT_A_STREET,
    OFFICE_WORDS,
    PREPOSITION_STREET,
    is_harmless_number,
    is_number_word,
    is_street,
)

_TOKEN = regex.compile(
    r"(?P<placeholder>\[(?:\?|[A-ZÄÖÜ][A-ZÄÖÜ\-]*)\])"
    r"|(?P<email>[\p{L}\d._%+\-]+@[\p{L}\d\-]+(?:\.[\p{L}\d\-]+)+)"
    r"|(?P<number>\d+(?:[.,:/\-–]\d+)*(?:[a-z](?![\p{L}\d]))?)"
    r"|(?P<word>[\p{L}\p{M}][\p{L}\p{M}\d]*(?:[-'’.][\p{L}\p{M}\d]+)*)"
    r"|(?P<star>\*)"
)
_EMAIL_IN_WORDS = regex.compile(EMAIL_IN_WORDS, regex.IGNORECASE)
_PARTS = regex.compile(r"[-'’.]")
# Only blanks, commas and brackets between two words: they belong to one phrase ("Schulz, Kevin").
_SAME_PHRASE = regex.compile(r"[\s,()\-–]*")
_RUN_GAP = regex.compile(r"[ \t\-–/()]*")
NAME_CUES = word_set(
    """
    frau herr herrn fr hr familie fam dr prof eheleute km kv ke name vorname nachname namens heißt
    kind kindes sohn tochter mutter vater bruder schwester klient klientin schüler schülerin junge
    mädchen pflegekind oma opa onkel tante fall
    """
)
_ROMAN = regex.compile(r"[IVX]+")
MONTHS = word_set(
    "januar jänner februar märz april mai juni juli august september oktober november dezember "
    "jan feb mär apr jun jul aug sep sept okt nov dez"
)
_UNIT_AFTER = regex.compile(r"\s?(?:€|%|Euro\b|EUR\b|Prozent\b|Cent\b)")
_DATE_AFTER_MASK = regex.compile(r"\s*[,(]?\s*\*?\s*")

KnowledgeTerms = Callable[[], KnownTerms]


@dataclass(frozen=True)
class Filtered:
    """A text ready for disk; `masked` holds the replaced raw strings (in memory only, for scrubbing)."""

    text: str
    masked: tuple[str, ...]
    words: int
    masked_words: int


@dataclass
class _Token:
    kind: str
    text: str
    start: int
    end: int
    placeholder: str | None = None  # set: this token is masked
    protected: bool = False  # public name or law reference: never masked by position
    name_like: bool = False


class StorageFilter:
    """>>> storage = StorageFilter(Lexicon.load())  # doctest: +SKIP
    >>> storage.clean("Darf ich Zyprianus Quackenbusch zur Beratung schicken?").text  # doctest: +SKIP
    'Darf ich [?] [?] zur Beratung schicken?'
    """

    def __init__(
        self, lexicon: Lexicon | Callable[[], Lexicon], knowledge: KnowledgeTerms | None = None
    ) -> None:
        # A callable defers loading the dictionary (a second or so) to the first text that is stored.
        self._lexicon_source = lexicon
        self._lexicon = lexicon if isinstance(lexicon, Lexicon) else None
        self._knowledge = knowledge or KnownTerms

    @classmethod
    def without_knowledge_base(cls, dictionary: Path = DEFAULT_DICTIONARY) -> StorageFilter:
        """The filter of last resort: the dictionary alone vouches (used where no index is at hand)."""
        return cls(lambda: Lexicon.load(dictionary))

    @property
    def lexicon(self) -> Lexicon:
        if self._lexicon is None:
            source = self._lexicon_source
            self._lexicon = source if isinstance(source, Lexicon) else source()
        return self._lexicon

    @property
    def dictionary_available(self) -> bool:
        return self.lexicon.dictionary_available

    def clean(
        self, text: str, entities: Sequence[DetectedEntity] = (), public: Sequence[DetectedEntity] = ()
    ) -> Filtered:
        """`text` with every unvouched word replaced; `entities` (found by the gate) get their type."""
        known = self._knowledge()
        vocabulary, public_names = known.vocabulary, known.public
        tokens = [_Token(m.lastgroup or "word", m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
        protected = [(e.start, e.end) for e in public] + [m.span() for m in LAW_REFERENCE.finditer(text)]
        for token in tokens:
            token.protected = any(s <= token.start and token.end <= e for s, e in protected)
        self._protect_public_names(tokens, public_names)
        self._mask_structures(text, tokens)
        for token in tokens:
            if token.placeholder is None and not token.protected:
                self._vouch(text, token, vocabulary)
        self._mask_name_positions(text, tokens)
        self._mask_numbers_after_masks(text, tokens)
        return _render(text, tokens, entities)

    def scrub(self, text: str, values: Iterable[str]) -> str:
        """`text` with every occurrence of `values` (raw strings masked elsewhere) replaced by `[?]`."""
        for value in sorted({v for v in values if len(v) >= 3}, key=len, reverse=True):
            pattern = rf"(?<![\p{{L}}\d]){regex.escape(value)}(?![\p{{L}}\d])"
            text = regex.sub(pattern, UNKNOWN_PLACEHOLDER, text, flags=regex.IGNORECASE)
        return text

    # -- the rules --------------------------------------------------------------------------------
    def _protect_public_names(self, tokens: list[_Token], public: PublicNames) -> None:
        """ "Astrid Klinkert-Kittel", and "Frau Klinkert-Kittel" when a public full name ends so."""
        words = [t for t in tokens if t.kind == "word"]
        for first, second in itertools.pairwise(words):
            if fold(f"{first.text} {second.text}") in public.full:
                first.protected = second.protected = True
            elif first.text.lower().rstrip(".") in NAME_CUES and fold(second.text) in public.surnames:
                second.protected = True

    def _mask_structures(self, text: str, tokens: list[_Token]) -> None:
        """Shapes that are case data even though every word is harmless German."""
        for span in (m.span() for m in _EMAIL_IN_WORDS.finditer(text)):
            _mask_span(tokens, span, PLACEHOLDERS["EMAIL_ADDRESS"])
        for span in (m.span() for m in _plates().finditer(text)):
            _mask_span(tokens, span, PLACEHOLDERS["LICENSE_PLATE"])
        for match in PREPOSITION_STREET.finditer(text):
            street, number = match.group(1), match.group(2)
            if street not in NOT_A_STREET and (number[0].isdigit() or is_number_word(number)):
                _mask_span(tokens, (match.start(1), match.end(2)), PLACEHOLDERS["ADDRESS"])
        for i, token in enumerate(tokens):
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if token.kind == "email":
                token.placeholder = PLACEHOLDERS["EMAIL_ADDRESS"]
            elif token.kind == "word" and is_street(token.text) and nxt and _is_house_number(nxt):
                token.placeholder = nxt.placeholder = PLACEHOLDERS["ADDRESS"]
            elif token.kind == "word" and len(token.text) == 1 and token.text.isupper():
                # An initial ("K. Schulz"); "S. 3" and "Anlage A" are references.
                after = text[token.end : token.end + 3]
                if after[:1] == "." and not regex.match(r"\.\s?\d", after):
                    token.placeholder = UNKNOWN_PLACEHOLDER
            elif _after_birth_cue(tokens, i):
                token.placeholder = PLACEHOLDERS["DATE_OF_BIRTH"]
        self._mask_digit_runs(text, tokens)

    def _mask_digit_runs(self, text: str, tokens: list[_Token]) -> None:
        """Numbers read out or printed in groups: six digits in words ("null eins sieben …"), or seven
        digits in groups of harmless-looking numbers ("T 605 219 375", "36 574 261 809")."""
        run: list[_Token] = []
        for token in [*tokens, None]:
            if (
                token is not None
                and _is_digit_token(token)
                and (not run or _continues_run(text, run[-1], token))
            ):
                run.append(token)
                continue
            words = sum(1 for t in run if t.kind == "word")
            digits = sum(len(regex.sub(r"\D", "", t.text)) or 1 for t in run)
            if words >= 3 and digits >= 6:
                for member in run:
                    member.placeholder = PLACEHOLDERS["PHONE_NUMBER"]
            elif words == 0 and len(run) > 1 and digits >= 7:
                for member in run:
                    member.placeholder = UNKNOWN_PLACEHOLDER
            run = [token] if token is not None and _is_digit_token(token) else []

    def _vouch(self, text: str, token: _Token, vocabulary: frozenset[str]) -> None:
        if token.kind in {"placeholder", "star"}:
            return
        if token.kind == "number":
            if not (is_harmless_number(token.text) or _is_amount(text, token)):
                token.placeholder = UNKNOWN_PLACEHOLDER
            return
        parts = [p for p in _PARTS.split(token.text) if p]
        if _is_initials(parts):
            token.placeholder = UNKNOWN_PLACEHOLDER
            return
        known = [self._known(part, vocabulary) for part in parts]
        if not all(known):
            token.placeholder = UNKNOWN_PLACEHOLDER
            return
        in_dictionary = all(k == "dictionary" for k in known)
        is_name = all(self.lexicon.is_name(p) for p in parts if not p.isdigit())
        token.name_like = is_name or (not in_dictionary and token.text[:1].isupper())

    def _known(self, part: str, vocabulary: frozenset[str]) -> str | None:
        """How `part` is vouched for: "dictionary", "knowledge" (base), "shape", or None."""
        if any(c.isdigit() for c in part):
            # "U3", "8a", "2024" inside a compound; "JA-2024-0815" fails on "0815".
            return "shape" if is_harmless_number(part) or (len(part) <= 3 and part[0].isalpha()) else None
        if len(part) == 1 or _ROMAN.fullmatch(part):
            return "shape"
        lower = part.lower()
        if lower in OFFICE_WORDS:
            return "dictionary"
        if self.lexicon.is_word(part):
            return "dictionary"
        return "knowledge" if lower in vocabulary else None

    def _mask_name_positions(self, text: str, tokens: list[_Token]) -> None:
        words = [t for t in tokens if t.kind in {"word", "placeholder"}]
        changed = True
        while changed:
            changed = False
            for i, token in enumerate(words):
                if token.placeholder or token.protected or not token.name_like or token.kind != "word":
                    continue
                before = words[i - 1] if i > 0 and _same_phrase(text, words[i - 1], token) else None
                after = (
                    words[i + 1] if i + 1 < len(words) and _same_phrase(text, token, words[i + 1]) else None
                )
                if _marks_name(before, cue_allowed=True) or _marks_name(after, cue_allowed=False):
                    token.placeholder = UNKNOWN_PLACEHOLDER
                    changed = True

    def _mask_numbers_after_masks(self, text: str, tokens: list[_Token]) -> None:
        """ "[?] 17", "KN-[?] 4711": a number right after a masked word belongs to it; a date after a
        masked name is a birth date ("[?] [?] (03.04.2015)")."""
        for before, token in itertools.pairwise(tokens):
            if token.kind != "number" or token.placeholder or token.protected or not before.placeholder:
                continue
            if _UNIT_AFTER.match(text, token.end):
                continue  # "[?] 15000 Euro": an amount, not part of the masked word
            gap = text[before.end : token.start]
            if regex.fullmatch(r"[ \t]?", gap):
                token.placeholder = UNKNOWN_PLACEHOLDER
            elif DATE_SHAPE.fullmatch(token.text) and _DATE_AFTER_MASK.fullmatch(gap):
                token.placeholder = PLACEHOLDERS["DATE_OF_BIRTH"]


@functools.cache
def _plates() -> regex.Pattern[str]:
    """Number plates with a real district code ("B AB 123", "do-ab 12"): every part of them is harmless."""
    from faker.providers.automotive.de_DE import Provider

    codes = "|".join(sorted(Provider.license_plate_prefix, key=len, reverse=True))
    letters = rf"(?:(?:{codes})[ -][A-ZÄÖÜ]{{1,2}}|(?i:(?:{codes})-[a-z]{{1,2}}))"
    return regex.compile(rf"(?<![\p{{L}}\d-]){letters}[ -]?\d{{1,4}}[EHeh]?(?![\p{{L}}\d])")


def _is_digit_token(token: _Token) -> bool:
    if token.protected:
        return False
    return token.kind == "number" or (token.kind == "word" and token.text.lower() in DIGIT_WORDS)


def _continues_run(text: str, last: _Token, token: _Token) -> bool:
    """Digits go on across blanks, dashes, slashes and brackets; across commas only when spelled out
    ("null, eins, sieben"): "§§ 1, 2, 3" is a list."""
    gap = text[last.end : token.start]
    if _RUN_GAP.fullmatch(gap):
        return True
    return last.kind == token.kind == "word" and bool(_SAME_PHRASE.fullmatch(gap))


def _marks_name(neighbour: _Token | None, *, cue_allowed: bool) -> bool:
    if neighbour is None:
        return False
    if neighbour.kind == "placeholder" or neighbour.placeholder:
        return True
    if neighbour.protected:
        return False
    if cue_allowed and neighbour.text.lower().rstrip(".") in NAME_CUES:
        return True
    return neighbour.name_like


def _same_phrase(text: str, left: _Token, right: _Token) -> bool:
    return bool(_SAME_PHRASE.fullmatch(text, left.end, right.start)) or text[left.end : right.start] in {
        ". ",
        ".",
    }


def _is_initials(parts: list[str]) -> bool:
    """ "M.K": capital initials joined by dots; "z.B", "i.V.m" are abbreviations."""
    return len(parts) > 1 and all(len(p) == 1 for p in parts) and parts[0].isupper()


def _is_house_number(token: _Token) -> bool:
    if token.kind == "number":
        return bool(regex.fullmatch(r"\d{1,3}[a-z]?(?:[-/]\d{1,3}[a-z]?)?", token.text))
    return token.kind == "word" and is_number_word(token.text)


def _is_amount(text: str, token: _Token) -> bool:
    """A number followed by a unit ("15000 Euro", "12 %")."""
    return len(regex.sub(r"\D", "", token.text)) <= 7 and bool(_UNIT_AFTER.match(text, token.end))


def _after_birth_cue(tokens: list[_Token], i: int) -> bool:
    """A date, year, day, month or number word up to four tokens after "geb.", "geboren", "*" …"""
    token = tokens[i]
    lower = token.text.lower().rstrip(".")
    if not (
        token.kind == "number" or lower in MONTHS or (token.kind == "word" and is_number_word(token.text))
    ):
        return False
    return any(tokens[j].text.lower().rstrip(".") in BIRTH_CUES for j in range(max(0, i - 4), i))


def _mask_span(tokens: list[_Token], span: tuple[int, int], placeholder: str) -> None:
    for token in tokens:
        if span[0] <= token.start and token.end <= span[1]:
            token.placeholder = placeholder


def _render(text: str, tokens: list[_Token], entities: Sequence[DetectedEntity]) -> Filtered:
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
