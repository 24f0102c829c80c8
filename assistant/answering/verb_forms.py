"""The infinitive stems of a law text's participles, beside the index's own tokens.

The index stems "nachholen" to "nachhol" but "nachgeholt" to "nachgeholt", "zusammenführen" to
"zusammenfuhr" but "zusammengeführt" to "zusammengefuhrt": a question asks in the infinitive
("Anhörung … nachholen möglich?"), the law states the rule in the participle ("… nachgeholt wird"),
and the Absatz that answers shares no word with the question. Here a participle with "ge-" is also
read as its infinitive ("gezahlt": "zahlen", "gemeldet": "melden"), a separable verb's with its
prefix ("nachgeholt": "nachholen", "zusammengeführt": "zusammenführen"). Only stems the index knows
are added. Forms without "ge-" ("beteiligt", "beschäftigt") are left as they are: read as
infinitives too they made § 19 JArbSchG ("… beschäftigt …") outrank § 5 for "Darf ein 14-Jähriger
in den Ferien arbeiten?" (dev: key fact 0.851 without them, 0.841 with them).
"""

from __future__ import annotations

import re

from assistant.answering.terms import index_cache, remember, text_tokens
from knowledge.index import KnowledgeIndex

_SEPARABLE = (
    "zusammen",
    "zurück",
    "weiter",
    "wieder",
    "heraus",
    "herbei",
    "hinzu",
    "durch",
    "nach",
    "fest",
    "fort",
    "frei",
    "her",
    "hin",
    "mit",
    "vor",
    "weg",
    "auf",
    "aus",
    "bei",
    "ein",
    "ab",
    "an",
    "zu",
)
_PARTICIPLE = re.compile(r"(?<![\wäöüß-])[a-zäöüß]*ge[a-zäöüß]{2,}t(?![\wäöüß-])")
_CACHED = 20_000


def infinitives(word: str) -> list[str]:
    """The infinitives `word` may be the participle of ("nachgeholt" -> "nachholen"); empty for none.

    >>> infinitives("nachgeholt"), infinitives("gemeldet"), infinitives("beteiligt")
    (['nachholen'], ['melden'], [])
    """
    stem = word[:-2] if word.endswith("et") else word[:-1]
    found = []
    if stem.startswith("ge") and len(stem) > 4:
        found.append(f"{stem[2:]}en")
    for prefix in _SEPARABLE:
        rest = stem[len(prefix) :]
        if stem.startswith(prefix) and rest.startswith("ge") and len(rest) > 4:
            found.append(f"{prefix}{rest[2:]}en")
            break
    return found


def verb_tokens(index: KnowledgeIndex, text: str) -> frozenset[str]:
    """The index's tokens of `text` and the known infinitive stems of its participles (cached)."""
    cache = index_cache(index, "verb_tokens")
    tokens = cache.get(text)
    if tokens is None:
        words = dict.fromkeys(m.group() for m in _PARTICIPLE.finditer(text))
        forms = [form for word in words for form in infinitives(word)]
        extra = {t for form in forms for t in index.query_tokens(form) if index.knows(t)}
        tokens = remember(cache, text, text_tokens(index, text) | extra, _CACHED)
    return tokens
