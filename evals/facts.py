"""Key fact stated: does the answer text say the one thing a professional must hear?

An answerable question may carry `"facts": ["18. Lebensjahr", "achtzehnte Lebensjahr"]`. The answer
states the fact when any of them appears in its text. The comparison forgives what is not content:
Unicode forms (NFKC), case (casefold, so "ß" = "ss"), whitespace and hyphens ("18.Lebensjahr",
"Elterngeld-Plus" = "Elterngeld Plus", soft hyphens, hyphenation at a line break, any dash). A fact
must begin where a word begins, so "acht Wochen" is not found inside "Nacht Wochen"; it may end inside
a word, so "18. Lebensjahr" is found in "18. Lebensjahres".

>>> states_fact("bis zur Vollendung des 18. Lebens-\\njahres", ["18. Lebensjahr"])
True
>>> states_fact("nach 118 Lebensjahren", ["18 Lebensjahr"])
False
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")
_IGNORED = "-\u00ad"  # hyphens and soft hyphens carry no content here


def _compact(text: str) -> tuple[str, list[bool]]:
    """The text without whitespace and hyphens, and for each kept character whether a word starts."""
    folded = unicodedata.normalize("NFKC", text).translate(_DASHES).casefold()
    chars: list[str] = []
    starts: list[bool] = []
    previous = " "
    for char in folded:
        if char.isspace() or char in _IGNORED:
            previous = char
            continue
        chars.append(char)
        starts.append(not previous.isalnum())
        previous = char
    return "".join(chars), starts


def states_fact(text: str, facts: Sequence[str]) -> bool:
    """True when any of `facts` occurs in `text` (see the module docstring for what is forgiven)."""
    compact, starts = _compact(text)
    for fact in facts:
        wanted, _ = _compact(fact)
        if not wanted:
            continue
        at = compact.find(wanted)
        while at >= 0:
            if starts[at] or not wanted[0].isalnum():
                return True
            at = compact.find(wanted, at + 1)
    return False
