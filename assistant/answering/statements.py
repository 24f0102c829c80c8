"""Which sentences can stand alone as a statement: whole, with a verb, not a heading, a disclaimer,
document furniture (dates, contacts, photo credits) or a fragment of a list; and which need the
sentence before them because they open with a pronoun ("Dieses kann …", "Es regelt …")."""

from __future__ import annotations

import re

_LEADING_NUMBER = re.compile(r"^(\(\d+[a-z]?\)|\d+\.|[a-z]\))\s+")
_MARKUP = re.compile(r"\*\*|__|(?<!\w)\*(?!\s)|(?<!\s)\*(?!\w)|`")
_BULLET = re.compile(r"^\s*(?:[-•◦▪*]|>)\s+")
_TERMINAL = re.compile(r"[.!?…][\"“”»«)]*$")
# A list cut after its number: "… und 1.", "… Pflegehilfsmittel, 3.", "… b)".
_LIST_FRAGMENT = re.compile(
    r"(?<!Absatz )(?<!Abs\. )(?<!Satz )(?<!Nr\. )(?<!Nummer )(?<!§ )(?<!Artikel )(?<!Art\. )(?<!Kapitel )"
    r"(?:^|(?<=[\s,;:]))(?:\d{1,2}\.|[a-z]\))$"
)
_LEAD_IN_WITH_ITEMS = re.compile(r"\w:\s*[•◦▪-]\s+\S.*\s[•◦▪-]\s+\S")
# An enumeration begun and cut after its first item: "… zwei Aufgaben: 1. Unterstützung … ."
_UNFINISHED_LIST = re.compile(r"(?:^|[\s:])1\.\s(?!.*[\s,;]2\.\s)")
# Openings that point back at something the sentence itself does not name.
# "Diese Regelung …" points back as much as "Dieses kann …"; "Das" only as a pronoun ("Das gilt …"),
# not as the article of "Das Jugendamt …".
_PRONOUN_OPENING = re.compile(
    r"^(?:dies(?:e[rsmn]?)?|es|sie|er|dazu|dafür|damit|dabei|davon|daher|deshalb|deswegen|darüber|"
    r"hierzu|hierfür|hierbei|hiernach|dort)\b|^das\s+(?-i:[a-zäöü])",
    re.IGNORECASE,
)
# "Es gibt …", "Es besteht ein Anspruch …": an expletive "es" points at nothing.
_EXPLETIVE_ES = re.compile(r"^es\s+(gibt|besteht|bestehen|gilt|gelten|ist\s+(zu|nicht|möglich))\b", re.I)
# Document furniture: a label with a date or a contact, a photo credit, addresses, links.
_FURNITURE = re.compile(
    r"^(meldungsdatum|datum|stand|pressekontakt|kontakt|quelle|quellen|foto|bild|bildunterschrift|"
    r"tel|telefon|fon|fax|e-mail|mail|internet|web)\b\.?:?"
    r"|\bfoto:|\|\s|https?://|www\.|@\w+\.\w|\bfon\s+\d|\btel\.\s*\d",
    re.IGNORECASE,
)
# Our sample documents say so in a note; that note is about the document, not about the question.
_DISCLAIMER = re.compile(
    r"\bbeispiel(material|inhalt|dokument)\w*|\bkeine rechtsberatung\b|\bfiktive?[rsn]?\b"
    r"|\bmaßgeblich ist (allein )?der amtliche\b",
    re.IGNORECASE,
)
# Finite verbs are lower case and mostly end in -t/-en/-st/-te; these words do too but are no verbs.
_NOT_VERBS = frozenset(
    [
        "nicht",
        "mit",
        "seit",
        "jetzt",
        "bereits",
        "erst",
        "selbst",
        "sonst",
        "meist",
        "zuletzt",
        "zunächst",
        "fast",
        "oft",
        "weit",
        "recht",
        "insgesamt",
        "direkt",
        "konkret",
        "bereit",
        "spät",
        "gut",
        "mindestens",
        "höchstens",
        "den",
        "dem",
        "denen",
        "deren",
        "dessen",
        "einen",
        "einem",
        "keinen",
        "keinem",
        "seinen",
        "seinem",
        "ihren",
        "ihrem",
        "unseren",
        "allen",
        "vielen",
        "anderen",
        "weiteren",
        "eigenen",
        "neben",
        "unten",
        "oben",
        "gegen",
        "ohne",
        "zwischen",
        "nachdem",
        "jedoch",
        "mittels",
        "seitens",
        "zugunsten",
        "binnen",
    ]
)
_COMMON_VERBS = frozenset(
    [
        "ist",
        "sind",
        "war",
        "waren",
        "wird",
        "werden",
        "wurde",
        "wurden",
        "hat",
        "haben",
        "hatte",
        "hatten",
        "kann",
        "können",
        "muss",
        "müssen",
        "soll",
        "sollen",
        "darf",
        "dürfen",
        "mag",
        "gilt",
        "gelten",
        "bedarf",
        "bedürfen",
        "gibt",
        "geben",
        "besteht",
        "bestehen",
        "erhält",
        "erhalten",
        "liegt",
        "liegen",
        "umfasst",
        "umfassen",
        "findet",
        "finden",
        "bleibt",
        "bleiben",
        "steht",
        "stehen",
        "heißt",
    ]
)
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def clean(sentence: str) -> str:
    """The sentence as shown: without list markers, Absatz numbers and Markdown emphasis."""
    text = _BULLET.sub("", sentence.strip())
    text = _LEADING_NUMBER.sub("", text)
    return " ".join(_MARKUP.sub("", text).split())


def has_verb(sentence: str) -> bool:
    words = _WORD.findall(sentence)
    for word in words[1:]:
        lower = word.lower()
        if word != lower:
            continue
        if lower in _COMMON_VERBS:
            return True
        if lower not in _NOT_VERBS and len(lower) > 3 and re.search(r"(t|en|st|te|ten|ern|eln)$", lower):
            return True
    return False


def is_furniture(sentence: str) -> bool:
    """A date line, contact, photo credit, link or the sample documents' note."""
    text = clean(sentence)
    return bool(_FURNITURE.search(text) or _DISCLAIMER.search(text)) or sentence.lstrip().startswith(">")


def is_complete(sentence: str) -> bool:
    """Starts like a sentence, ends like one, has a verb, and is not a list cut after its number."""
    raw = sentence.strip()
    text = clean(raw)
    # A lead-in with its bullets ("… besprechen folgende Themen: • Essenszeiten …") is whole as it is.
    listed = bool(_LEAD_IN_WITH_ITEMS.search(text))
    if len(text) < 20 or not (listed or _TERMINAL.search(raw.rstrip("*_ "))):
        return False
    if _LIST_FRAGMENT.search(text) or text.endswith(":") or _UNFINISHED_LIST.search(text):
        return False
    first = text[:1]
    if not (first.isupper() or first in '„"§(' or first.isdigit()):
        return False
    return has_verb(text)


def is_statement(sentence: str) -> bool:
    """A sentence that can be shown on its own line as a finding."""
    return is_complete(sentence) and not is_furniture(sentence)


def opens_with_pronoun(sentence: str) -> bool:
    """ "Dieses kann …", "Es regelt …", "Diese …": the sentence needs the one before it."""
    text = clean(sentence)
    return bool(_PRONOUN_OPENING.match(text)) and not _EXPLETIVE_ES.match(text)
