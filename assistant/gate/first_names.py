"""PERSON from a list of known first names ("Finn", "Kevin Schulz", "Leas Mutter", "Luisa K.").

A dictionary lookup per capitalised word instead of a regex: an alternation of ~4,800 names takes the
`regex` module seconds to compile (Presidio compiles every pattern twice), a set lookup takes nothing.
"""

from __future__ import annotations

import regex
from presidio_analyzer import EntityRecognizer, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from .names import PARTICLE, looks_like_noun

# Capitalised words, hyphenated ones whole ("Lisa-Marie", "Jens-Drubin-Straße").
_WORD = regex.compile(r"(?<![\p{L}\p{N}\-])\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)*(?![\p{L}\p{N}\-])")
_SAINT_BEFORE = regex.compile(r"\b(?:St\.|Sankt|Heiligen?|Hl\.)\s+$")
_ABBREVIATION_AFTER = regex.compile(r"\.\s+[\p{Ll}\d]")  # "Max. fünf Kinder"
_GAP_TO_SURNAME = regex.compile(rf"\s+{PARTICLE}?")
_INITIAL_AFTER = regex.compile(r"\s\p{Lu}\.(?!\S)")  # "Luisa K."


class KnownFirstNameRecognizer(LocalRecognizer):
    """A known first name is a person; with a following surname-like word the span covers both.

    >>> recognizer = KnownFirstNameRecognizer(frozenset({"Finn"}), frozenset())
    >>> [(r.start, r.end, r.score) for r in recognizer.analyze("Der kleine Finn Becker", ["PERSON"])]
    [(11, 22, 0.7)]
    """

    def __init__(self, first_names: frozenset[str], surnames: frozenset[str]) -> None:
        self.first_names = first_names
        self.known_names = first_names | surnames
        super().__init__(
            supported_entities=["PERSON"], supported_language="de", name="KnownFirstNameRecognizer"
        )

    def load(self) -> None:
        """Nothing to load; the name lists arrive through the constructor."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """One result per known first name, extended over a surname or an initial that follows it."""
        words = list(_WORD.finditer(text))
        results = []
        for i, word in enumerate(words):
            if not self._is_first_name(word.group()) or self._is_no_name_here(text, word):
                continue
            end, score = word.end(), 0.5
            gap = _GAP_TO_SURNAME.match(text, end)
            following = words[i + 1] if i + 1 < len(words) else None
            if gap and following and gap.end() == following.start():
                if not looks_like_noun(following.group(), self.known_names):
                    end, score = following.end(), 0.7
            elif initial := _INITIAL_AFTER.match(text, end):
                end = initial.end()
            results.append(
                RecognizerResult(
                    "PERSON",
                    word.start(),
                    end,
                    score,
                    recognition_metadata={
                        RecognizerResult.RECOGNIZER_NAME_KEY: "KnownFirstNameRecognizer",
                        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                    },
                )
            )
        return EntityRecognizer.remove_duplicates(results)

    def _is_first_name(self, word: str) -> bool:
        # "Lisa-Marie" counts, "Jens-Drubin-Straße" does not; "Leas" is Lea's genitive.
        parts = word.split("-")
        if all(part in self.first_names for part in parts):
            return True
        return len(parts) == 1 and word.endswith("s") and word[:-1] in self.first_names

    @staticmethod
    def _is_no_name_here(text: str, word: regex.Match[str]) -> bool:
        return bool(
            _SAINT_BEFORE.search(text, 0, word.start()) or _ABBREVIATION_AFTER.match(text, word.end())
        )
