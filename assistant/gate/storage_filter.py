"""The storage filter (policy rule 2): nothing unvouched reaches disk, whatever detection missed.

Every word of a text that is about to be stored must be vouched for: a word of the German dictionary
(`Lexicon`), a word the indexed knowledge base uses, a law reference, office jargon, or a harmless
number (`vouch`). Everything else becomes a placeholder: the entity type where the gate found one, else
`[?]`. So a name the gate never heard of, a typo'd file number or a postcode is stored as `[?]`, and
reviewers still see the shape of the question ("Darf ich [?] [?] zur Beratung verweisen?").

A dictionary word that is also a name ("Müller", "Koch", "Wolf"), or a proper noun only the knowledge
base knows, is masked in a name position: after "Frau"/"Herr"/"Familie"/a title, or next to a first
name, another name or a masked word ("anna müller", "Kevin [?]" → "[?] [?]"). So is a town of the
gazetteer ("Frau Hamm", "kevin hamm"); elsewhere it is kept ("Jugendamt Hamm", "Soest, Werl und Hamm").
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import regex

from .lexicon import DEFAULT_DICTIONARY, Lexicon
from .model import PLACEHOLDERS, UNKNOWN_PLACEHOLDER, DetectedEntity
from .name_lists import fold
from .public import KnownTerms, PublicNames
from .storage_tokens import (
    DATE_AFTER_MASK,
    EMAIL_IN_WORDS_RE,
    NAME_CUES,
    PARTS,
    ROMAN,
    TOKEN,
    UNIT_AFTER,
    Filtered,
    Token,
    after_birth_cue,
    continues_run,
    is_amount,
    is_digit_token,
    is_house_number,
    is_initials,
    marks_name,
    mask_span,
    names_a_birth,
    plates,
    render,
    same_phrase,
)
from .vouch import (
    DATE_SHAPE,
    GERMAN_WORD_STREET,
    LAW_REFERENCE,
    NOT_A_STREET,
    OFFICE_WORDS,
    PREPOSITION_STREET,
    is_harmless_number,
    is_number_word,
    is_street,
)

KnowledgeTerms = Callable[[], KnownTerms]


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
        self,
        text: str,
        entities: Sequence[DetectedEntity] = (),
        public: Sequence[DetectedEntity] = (),
        *,
        known: KnownTerms | None = None,
    ) -> Filtered:
        """`text` with every unvouched word replaced; `entities` (found by the gate) get their type.
        `known`: the knowledge base's terms when the caller holds them already (one read per question)."""
        known = self._knowledge() if known is None else known
        vocabulary, public_names = known.vocabulary, known.public
        tokens = [Token(m.lastgroup or "word", m.group(), m.start(), m.end()) for m in TOKEN.finditer(text)]
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
        return render(text, tokens, entities)

    def scrub(self, text: str, values: Iterable[str]) -> str:
        """`text` with every occurrence of `values` (raw strings masked elsewhere) replaced by `[?]`."""
        for value in sorted({v for v in values if len(v) >= 3}, key=len, reverse=True):
            pattern = rf"(?<![\p{{L}}\d]){regex.escape(value)}(?![\p{{L}}\d])"
            text = regex.sub(pattern, UNKNOWN_PLACEHOLDER, text, flags=regex.IGNORECASE)
        return text

    # -- the rules --------------------------------------------------------------------------------
    def _protect_public_names(self, tokens: list[Token], public: PublicNames) -> None:
        """ "Astrid Klinkert-Kittel", and "Frau Klinkert-Kittel" when a public full name ends so."""
        words = [t for t in tokens if t.kind == "word"]
        for first, second in itertools.pairwise(words):
            if fold(f"{first.text} {second.text}") in public.full:
                first.protected = second.protected = True
            elif first.text.lower().rstrip(".") in NAME_CUES and fold(second.text) in public.surnames:
                second.protected = True

    def _mask_structures(self, text: str, tokens: list[Token]) -> None:
        """Shapes that are case data even though every word is harmless German."""
        for span in (m.span() for m in EMAIL_IN_WORDS_RE.finditer(text)):
            mask_span(tokens, span, PLACEHOLDERS["EMAIL_ADDRESS"])
        for span in (m.span() for m in plates().finditer(text)):
            mask_span(tokens, span, PLACEHOLDERS["LICENSE_PLATE"])
        for match in GERMAN_WORD_STREET.finditer(text):
            if match.group(1)[0].isdigit() or is_number_word(match.group(1)):
                mask_span(tokens, match.span(), PLACEHOLDERS["ADDRESS"])
        for match in PREPOSITION_STREET.finditer(text):
            street, number = match.group(1), match.group(2)
            if street not in NOT_A_STREET and (number[0].isdigit() or is_number_word(number)):
                mask_span(tokens, (match.start(1), match.end(2)), PLACEHOLDERS["ADDRESS"])
        for i, token in enumerate(tokens):
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if token.kind == "email":
                token.placeholder = PLACEHOLDERS["EMAIL_ADDRESS"]
            elif token.kind == "word" and is_street(token.text) and nxt and is_house_number(nxt):
                token.placeholder = nxt.placeholder = PLACEHOLDERS["ADDRESS"]
            elif token.kind == "word" and len(token.text) == 1 and token.text.isupper():
                # An initial ("K. Schulz"); "S. 3" and "Anlage A" are references.
                after = text[token.end : token.end + 3]
                if after[:1] == "." and not regex.match(r"\.\s?\d", after):
                    token.placeholder = UNKNOWN_PLACEHOLDER
            elif after_birth_cue(tokens, i):
                token.placeholder = PLACEHOLDERS["DATE_OF_BIRTH"]
            elif names_a_birth(text, token):
                token.placeholder = UNKNOWN_PLACEHOLDER
        self._mask_digit_runs(text, tokens)

    def _mask_digit_runs(self, text: str, tokens: list[Token]) -> None:
        """Numbers read out or printed in groups: six digits in words ("null eins sieben …"), or seven
        digits in groups of harmless-looking numbers ("T 605 219 375", "36 574 261 809")."""
        run: list[Token] = []
        for token in [*tokens, None]:
            if (
                token is not None
                and is_digit_token(token)
                and (not run or continues_run(text, run[-1], token))
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
            run = [token] if token is not None and is_digit_token(token) else []

    def _vouch(self, text: str, token: Token, vocabulary: frozenset[str]) -> None:
        if token.kind in {"placeholder", "star"}:
            return
        if token.kind == "number":
            if not (is_harmless_number(token.text) or is_amount(text, token)):
                token.placeholder = UNKNOWN_PLACEHOLDER
            return
        parts = [p for p in PARTS.split(token.text) if p]
        if is_initials(parts):
            token.placeholder = UNKNOWN_PLACEHOLDER
            return
        known = [self._known(part, vocabulary) for part in parts]
        if not all(known):
            token.placeholder = UNKNOWN_PLACEHOLDER
            return
        in_dictionary = all(k == "dictionary" for k in known)
        is_name = all(self.lexicon.is_name(p) for p in parts if not p.isdigit()) or (
            len(parts) > 1 and self.lexicon.is_hyphenated_first_name(token.text)
        )
        # A town ("Hamm", "Castrop-Rauxel") is kept, but masked like a name where a name stands.
        token.place = "place" in known and all(k in {"place", "dictionary"} for k in known)
        token.name_like = is_name or token.place or (not in_dictionary and token.text[:1].isupper())

    def _known(self, part: str, vocabulary: frozenset[str]) -> str | None:
        """How `part` is vouched for: "dictionary", "place", "knowledge" (base), "shape", or None."""
        if any(c.isdigit() for c in part):
            # "U3", "8a", "2024" inside a compound; "JA-2024-0815" fails on "0815".
            return "shape" if is_harmless_number(part) or (len(part) <= 3 and part[0].isalpha()) else None
        if len(part) == 1 or ROMAN.fullmatch(part):
            return "shape"
        lower = part.lower()
        if lower in OFFICE_WORDS:
            return "dictionary"
        if self.lexicon.is_word(part):
            return "dictionary"
        if lower in self.lexicon.places:
            return "place"
        return "knowledge" if lower in vocabulary else None

    def _mask_name_positions(self, text: str, tokens: list[Token]) -> None:
        words = [t for t in tokens if t.kind in {"word", "placeholder"}]
        changed = True
        while changed:
            changed = False
            for i, token in enumerate(words):
                if token.placeholder or token.protected or not token.name_like or token.kind != "word":
                    continue
                before = words[i - 1] if i > 0 and same_phrase(text, words[i - 1], token) else None
                after = (
                    words[i + 1] if i + 1 < len(words) and same_phrase(text, token, words[i + 1]) else None
                )
                if marks_name(token, before, cue_allowed=True) or marks_name(token, after, cue_allowed=False):
                    token.placeholder = UNKNOWN_PLACEHOLDER
                    changed = True

    def _mask_numbers_after_masks(self, text: str, tokens: list[Token]) -> None:
        """ "[?] 17", "KN-[?] 4711": a number right after a masked word belongs to it; a date after a
        masked name is a birth date ("[?] [?] (03.04.2015)")."""
        for before, token in itertools.pairwise(tokens):
            if token.kind != "number" or token.placeholder or token.protected or not before.placeholder:
                continue
            if UNIT_AFTER.match(text, token.end):
                continue  # "[?] 15000 Euro": an amount, not part of the masked word
            gap = text[before.end : token.start]
            if regex.fullmatch(r"[ \t]?", gap):
                token.placeholder = UNKNOWN_PLACEHOLDER
            elif DATE_SHAPE.fullmatch(token.text) and DATE_AFTER_MASK.fullmatch(gap):
                token.placeholder = PLACEHOLDERS["DATE_OF_BIRTH"]
