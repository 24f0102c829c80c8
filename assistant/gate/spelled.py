"""Phone numbers and e-mail addresses written out in words, the way people dodge filters or dictate.

"null eins sieben sechs – neun acht sieben …", "kevin punkt schulz at example punkt org",
"k.schulz (at) web.de". Each word on its own is harmless German; the sequence is not.
"""

from __future__ import annotations

import regex
from presidio_analyzer import Pattern, PatternRecognizer

from .spelled_patterns import DIGIT_WORDS, EMAIL_IN_WORDS, PHONE_IN_WORDS

_FLAGS = regex.DOTALL | regex.MULTILINE | regex.IGNORECASE


class SpelledOutRecognizer(PatternRecognizer):
    """PHONE_NUMBER and EMAIL_ADDRESS spelled out; two entity types, so two instances.

    >>> phone = SpelledOutRecognizer("PHONE_NUMBER")
    >>> [r.start for r in phone.analyze("Tel. null eins sieben sechs neun acht", ["PHONE_NUMBER"])]
    [5]
    """

    def __init__(self, entity: str) -> None:
        pattern = {"PHONE_NUMBER": PHONE_IN_WORDS, "EMAIL_ADDRESS": EMAIL_IN_WORDS}[entity]
        super().__init__(
            supported_entity=entity,
            supported_language="de",
            patterns=[Pattern(f"{entity} ausgeschrieben", pattern, 0.6)],
            global_regex_flags=_FLAGS,
            name=f"SpelledOutRecognizer_{entity}",
        )

    def invalidate_result(self, pattern_text: str) -> bool:
        """A phone number needs three digits in words ("§§ 1, 2, 3, 4, 5 und 6" is none); an e-mail a
        spelled-out part ("punkt", "at", "(at)"): a plain one is Presidio's."""
        if self.supported_entities[0] == "PHONE_NUMBER":
            return len(regex.findall(rf"(?i)\b(?:{'|'.join(DIGIT_WORDS)})\b", pattern_text)) < 3
        return "@" in pattern_text and not regex.search(r"\s", pattern_text)
