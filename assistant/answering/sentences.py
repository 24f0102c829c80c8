"""German sentence splitting that survives "Abs.", "Nr.", "z. B.", "ggf.", "§§" and dates."""

from __future__ import annotations

import re
from functools import lru_cache

# Lower-cased abbreviations that end with a period but do not end a sentence.
ABBREVIATIONS = frozenset(
    [
        "abs",
        "nr",
        "nrn",
        "z",
        "b",
        "d",
        "h",
        "u",
        "a",
        "s",
        "o",
        "i",
        "v",
        "m",
        "vgl",
        "ggf",
        "bzw",
        "ca",
        "dr",
        "prof",
        "usw",
        "etc",
        "gem",
        "mind",
        "max",
        "evtl",
        "inkl",
        "sog",
        "ziff",
        "lit",
        "buchst",
        "art",
        "artt",
        "anm",
        "bspw",
        "bzgl",
        "einschl",
        "entspr",
        "insb",
        "jh",
        "zzgl",
        "abschn",
        "kap",
        "tel",
        "fax",
        "str",
        "hr",
        "fr",
        "st",
        "e",
        "v",
        "g",
        "mwv",
        "gesch",
        "az",
        "bgbl",
        "nf",
        "af",
        "aufl",
        "rn",
        "abl",
        "ff",
        "f",
    ]
)
_MONTHS = ("januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober",
           "november", "dezember")  # fmt: skip
_BULLET_START = re.compile(r"^[-•◦▪*]\s+\S")
_BULLET_SEPARATOR = re.compile(r"\s+(?=[-•◦▪]\s+\S)")
_LIST_ITEM = re.compile(r"^(\d{1,2}\.|[a-z]\)|[a-z]{2}\))\s")
_CANDIDATE = re.compile(r"[.!?…]+[\"“”»«)]*\s+")
# "des 18. Lebensjahres", "bis zum 3. Geburtstag", "im 14. Lebensmonat": a short number after an
# article, or before a noun that is counted, is an ordinal, not the end of "… Absatz 3. Der".
_BEFORE_ORDINAL = frozenset(
    ["des", "dem", "den", "der", "zum", "zur", "vom", "am", "im", "eines", "einem", "einer", "vollendeten",
     "vollendete", "jedes", "jeden", "jedem"]
)  # fmt: skip
# An inline enumeration as the 2026 texts write it: "Im Sinne dieses Buches ist 1. Kind, wer …,
# 2. Jugendlicher, wer …". Its numbers count up 1, 2, 3 … within the line; at such a number the
# sentence goes on (split there, the items became fragments and a model's statement about one item
# lost the words before its marker).
_INLINE_ENUMERATOR = re.compile(r"(?:(?<=[\s,;:])|^)(\d{1,2})\.(?=\s)")
_COUNTED_NOUN = re.compile(
    r"(lebens|kalender|schul|geburts)?(jahr|monat|tag|woche|stunde)\w*$|(buch|kapitel|grad|mal|klasse)\w*$"
)


def split_sentences(text: str) -> list[str]:
    """Sentences of `text` (see `_sentences`; cached, passages repeat across questions)."""
    return list(_sentences(text))


@lru_cache(maxsize=8192)
def _sentences(text: str) -> tuple[str, ...]:
    """Sentences of `text`. A line that ends in a full stop ends a sentence. A line that does not
    continues into the next one when it is a list's lead-in or item ("Anspruch hat, wer" / "1. …,
    sowie" / "a) …") or the next line goes on in lower case; otherwise (a heading, a date line) it
    stands alone. An enumeration stays one sentence instead of becoming fragments."""
    lines = [item for raw in text.splitlines() if raw.strip() for item in _bullet_items(raw.strip())]
    sentences: list[str] = []
    pending = ""
    in_list = False  # after a lead-in ("… folgende Themen:") its bullets belong to it
    for position, line in enumerate(lines):
        pending = f"{pending} {line}" if pending else line
        following = lines[position + 1] if position + 1 < len(lines) else ""
        in_list = bool(_BULLET_START.match(following)) and (in_list or line.endswith(":"))
        if not in_list and (re.search(r"[.!?…][\"“”»«)]*$", line) or not _continues(line, following)):
            sentences.extend(_split_line(pending))
            pending = ""
    if pending:
        sentences.extend(_split_line(pending))
    return tuple(sentences)


def _bullet_items(line: str) -> list[str]:
    """A Markdown list that ingest joined into one line ("- a … - b …") as one line per item."""
    if not _BULLET_START.match(line):
        return [line]
    return [item.strip() for item in _BULLET_SEPARATOR.split(line) if item.strip()]


def _continues(line: str, following: str) -> bool:
    if not following or _BULLET_START.match(following):
        return False  # a Markdown bullet is an item of its own
    if _LIST_ITEM.match(following) or following[:1].islower():
        return True
    return bool(re.search(r"([,;:–-]|\b(und|oder|sowie|wer|wenn|dass|ob|die|der|des|von|zu|mit))$", line))


def _split_line(line: str) -> list[str]:
    parts: list[str] = []
    start = 0
    enumerators = _enumerator_periods(line)
    for match in _CANDIDATE.finditer(line):
        end = match.end()
        if end >= len(line) or match.start() in enumerators or not _is_boundary(line, match.start(), end):
            continue
        parts.append(line[start:end].strip())
        start = end
    rest = line[start:].strip()
    if rest:
        parts.append(rest)
    return parts


def _enumerator_periods(line: str) -> set[int]:
    """Positions of the full stops of the numbers that count up an inline enumeration (1., 2., …);
    fewer than two in order is no enumeration ("… nach Absatz 3. Der …" ends a sentence)."""
    expected, periods = 1, []
    for match in _INLINE_ENUMERATOR.finditer(line):
        if int(match.group(1)) == expected:
            periods.append(match.end() - 1)
            expected += 1
    return set(periods) if len(periods) >= 2 else set()


def _is_boundary(line: str, period: int, next_start: int) -> bool:
    if line[period] != ".":
        return True  # "!" and "?" always end a sentence
    head = line[:period].rsplit(None, 1)
    token = head[-1].lower() if head and not line[:period].endswith((" ", "\t")) else ""
    word = token.lstrip("(„\"'").rstrip(".")
    following = line[next_start : next_start + 20]
    next_word = following.split(" ", 1)[0].lower().strip('„"(')
    if word in ABBREVIATIONS or word.endswith(".") or re.fullmatch(r"[a-zäöü]", word):
        return False  # "Abs.", "z. B.", "e.V."
    if word.startswith("§"):
        return False
    if re.fullmatch(r"\d+[a-z]?", word):
        # "1. Januar", "am 3. Mai", "des 18. Lebensjahres" and "Nr. 2. der" continue; "… Absatz 3. Der"
        # ends the sentence.
        before = head[0].rsplit(None, 1)[-1].lower() if len(head) > 1 else ""
        ordinal = len(word) <= 3 and (before in _BEFORE_ORDINAL or bool(_COUNTED_NOUN.match(next_word)))
        return not (next_word in _MONTHS or ordinal or not following[:1].isupper())
    if re.fullmatch(r"\d{1,2}\.\d{1,2}", word):
        return False  # a date in progress: "13.02.2026" is matched whole elsewhere
    return following[:1].isupper() or following[:1] in '„"(§0123456789'
