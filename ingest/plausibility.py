"""Is extracted text plausible language? Random bytes that happen to decode as Windows-1252, a PDF with a
broken font encoding or a binary file renamed to .txt must fail with a reason, not become gibberish chunks.

Three checks on a bounded sample of the text:
- control characters (C0 except tab/line breaks, DEL, C1, U+FFFD): at most 1 %;
- letters: at least 20 % of the non-space characters;
- common German and English words ("der", "und", "nicht", "the", "of" …): at least
  `JHA_INGEST_MIN_WORD_SHARE` (default 5 %) of the words, once a text has 40 words or more.

Measured on ../shared/corpus and knowledge/documents (52 files): at least 85 % letters, 0 control
characters, at least 27.7 % common words. Random Windows-1252 text: 11 % control characters and 0.3 %
common words; printable-only random text: 0 control characters, 0.1 % common words.

The word list is built in rather than read from /usr/share/dict/ngerman: the check then behaves the same
on every server, needs no package, and a dictionary would not separate better (random text has no
dictionary words either). Texts in other languages fail the word check; `JHA_INGEST_MIN_WORD_SHARE=0`
turns it off (the character checks stay).
"""

from __future__ import annotations

import re

from ingest.limits import LoadError

MAX_CONTROL_SHARE = 0.01
MIN_LETTER_SHARE = 0.2
MIN_WORDS_FOR_WORD_CHECK = 40
_MIN_CHARS_FOR_LETTER_CHECK = 200
# Eight windows spread over the text keep the check fast on a 10 MB file and still see its middle.
_WINDOWS = 8
_WINDOW_CHARS = 40_000

_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd]")
_SPACE = re.compile(r"\s")
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]+")

_COMMON_WORDS = """
    der die das den dem des ein eine einer eines einem einen und oder aber sowie nicht ist sind war waren
    wird werden wurde wurden hat haben hatte kann können muss müssen soll sollen darf dürfen zu zum zur
    im in an am auf aus bei mit nach von vom vor für über unter durch gegen ohne um bis zwischen als wie
    auch nur noch so wenn dass daß ob es er sie wir ihr ich du man sich sein seine seiner seinen ihre
    ihrer ihren ihrem dieser diese dieses diesem diesen jede jeder jedes jeden alle allen kein keine
    keiner was wer wo hier dort dann da denn weil also sehr mehr bzw abs satz nr
    the of and to a in is are was were be been for on with as by at from or not that this these those it
    its an which who have has had will would can could should may must there their they we you he she
    his her our
"""
COMMON_WORDS = frozenset(_COMMON_WORDS.split())


def check_plausible(text: str, *, min_word_share: float) -> None:
    """Raise `LoadError` with the measured shares when `text` is not plausible language."""
    sample = _sample(text)
    if not sample:
        return
    control = len(_CONTROL.findall(sample)) / len(sample)
    if control > MAX_CONTROL_SHARE:
        raise LoadError(
            f"Text ist nicht plausibel: {_percent(control)} Steuerzeichen (höchstens "
            f"{_percent(MAX_CONTROL_SHARE)}) – keine Textdatei oder falsche Zeichenkodierung?"
        )
    visible = len(sample) - len(_SPACE.findall(sample))
    if visible >= _MIN_CHARS_FOR_LETTER_CHECK:
        letters = len(_LETTER.findall(sample)) / visible
        if letters < MIN_LETTER_SHARE:
            raise LoadError(
                f"Text ist nicht plausibel: nur {_percent(letters)} Buchstaben "
                f"(mindestens {_percent(MIN_LETTER_SHARE)}) – keine Textdatei?"
            )
    words = _WORD.findall(sample)
    if min_word_share > 0 and len(words) >= MIN_WORDS_FOR_WORD_CHECK:
        share = sum(1 for word in words if word.lower() in COMMON_WORDS) / len(words)
        if share < min_word_share:
            raise LoadError(
                f"Text ist nicht plausibel: nur {_percent(share)} häufige deutsche oder englische Wörter "
                f"(mindestens {_percent(min_word_share)}, JHA_INGEST_MIN_WORD_SHARE) – Zeichensalat, "
                "falsche Zeichenkodierung oder eine andere Sprache?"
            )


def _sample(text: str) -> str:
    if len(text) <= _WINDOWS * _WINDOW_CHARS:
        return text
    step = (len(text) - _WINDOW_CHARS) // (_WINDOWS - 1)
    return "".join(text[i * step : i * step + _WINDOW_CHARS] for i in range(_WINDOWS))


def _percent(share: float) -> str:
    return f"{share * 100:.1f} %".replace(".", ",").replace(",0 %", " %")
