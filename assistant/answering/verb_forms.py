"""The infinitive stems of a law text's finite verbs and participles, beside the index's own tokens.

The index stems "nachholen" to "nachhol" but "nachgeholt" to "nachgeholt", "beteiligen" to "beteil"
but "beteiligt" to "beteiligt": a question asks in the infinitive ("Anhörung … nachholen möglich?",
"wer ist zu beteiligen"), the law states the rule in the participle ("… nachgeholt wird", "… sollen …
beteiligt … werden"), and the Absatz that answers shares no word with the question. Here a verb form
in -t or -et ("beteiligt", "zahlt", "gemeldet") is also read as its infinitive, a participle with
"ge-" without it ("gezahlt": "zahlen"), and a separable verb's participle with its prefix
("nachgeholt": "nachholen", "zusammengeführt": "zusammenführen"). Only stems the index knows are
added: a word that is no verb ("nicht", "bekannt") adds nothing.
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
_VERB_FORM = re.compile(r"(?<![\wäöüß-])[a-zäöüß]{4,}t(?![\wäöüß-])")
_CACHED = 20_000


def infinitives(word: str) -> list[str]:
    """The infinitives `word` may be a form of ("nachgeholt" -> "nachholen"); empty for none.

    >>> infinitives("nachgeholt"), infinitives("gemeldet")
    (['nachgeholen', 'nachholen'], ['gemelden', 'melden'])
    """
    stem = word[:-2] if word.endswith("et") else word[:-1]
    found = [f"{stem}en"]
    if stem.startswith("ge") and len(stem) > 4:
        found.append(f"{stem[2:]}en")
    for prefix in _SEPARABLE:
        rest = stem[len(prefix) :]
        if stem.startswith(prefix) and rest.startswith("ge") and len(rest) > 4:
            found.append(f"{prefix}{rest[2:]}en")
            break
    return found


def verb_tokens(index: KnowledgeIndex, text: str) -> frozenset[str]:
    """The index's tokens of `text` and the known infinitive stems of its verb forms (cached)."""
    cache = index_cache(index, "verb_tokens")
    tokens = cache.get(text)
    if tokens is None:
        words = dict.fromkeys(m.group() for m in _VERB_FORM.finditer(text))
        forms = [form for word in words for form in infinitives(word)]
        extra = {t for form in forms for t in index.query_tokens(form) if index.knows(t)}
        tokens = remember(cache, text, text_tokens(index, text) | extra, _CACHED)
    return tokens
