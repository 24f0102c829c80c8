"""Regexes for phone numbers and e-mail addresses spelled out in words (no Presidio import here: the
storage filter uses them too, and importing the gate package must stay cheap)."""

from __future__ import annotations

DIGIT_WORDS = ("null", "eins", "zwei", "zwo", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun")
_DIGIT = rf"(?:{'|'.join(DIGIT_WORDS)}|\d)"
_SEPARATOR = r"(?:\s*[,\-/]\s*|\s+)"
# Six digits spoken in a row are no count and no date any more.
_COUNTRY = r"(?:plus\s+(?:vier\s+neun|neunundvierzig)\s+)"
PHONE_IN_WORDS = rf"(?<!\p{{L}}){_COUNTRY}?{_DIGIT}(?:{_SEPARATOR}{_DIGIT}){{5,}}(?!\p{{L}})"

_DOT = r"(?:\s*\.\s*|\s+(?:punkt|dot)\s+)"
_AT = r"(?:\s*(?:@|\(at\)|\[at\]|\{at\}|\(ät\)|\[ät\])\s*|\s+(?:at|ät|at-zeichen|klammeraffe)\s+)"
_PART = r"[\p{L}\d_%+\-]+"
TOP_LEVEL_DOMAINS = (
    "de", "com", "org", "net", "eu", "info", "at", "ch", "biz", "io", "me", "nrw", "berlin", "online",
    "email", "co", "uk", "tr", "pl", "ru", "ua", "nl", "fr", "it", "es",
)  # fmt: skip
_TLD = rf"(?:{'|'.join(TOP_LEVEL_DOMAINS)})"
EMAIL_IN_WORDS = rf"(?<![\p{{L}}\d])(?:{_PART}{_DOT})*{_PART}{_AT}(?:{_PART}{_DOT})+{_TLD}(?![\p{{L}}\d])"
