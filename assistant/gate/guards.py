"""Cheap pre-checks that let a recognizer skip a question it cannot match ("no @, no e-mail").

Presidio runs every recognizer's regexes over every question; the e-mail and phone patterns alone cost
more than the rest of a typical question. A question without enough digits holds no IBAN, phone number
or tax ID, whatever its spelling, so those recognizers return at once.
"""

from __future__ import annotations

from typing import Any

import regex

_DIGIT = regex.compile(r"\d")


class NeedsDigits:
    """Mixin before a Presidio recognizer: `analyze` returns [] for texts with fewer than `min_digits`."""

    min_digits = 1

    def analyze(self, text: str, entities: list[str], *args: Any, **kwargs: Any) -> Any:
        if len(_DIGIT.findall(text)) < self.min_digits:
            return []
        return super().analyze(text, entities, *args, **kwargs)  # type: ignore[misc]


class NeedsAt:
    """Mixin before a Presidio recognizer: `analyze` returns [] for texts without an "@"."""

    def analyze(self, text: str, entities: list[str], *args: Any, **kwargs: Any) -> Any:
        if "@" not in text:
            return []
        return super().analyze(text, entities, *args, **kwargs)  # type: ignore[misc]
