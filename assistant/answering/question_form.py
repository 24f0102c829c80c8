"""The form of a question: a decision question ("Darf ein 14-Jähriger in den Ferien arbeiten?",
"Muss das Jugendamt die Eltern beteiligen?") asks whether a rule allows or requires something, which
is what law texts say; a question with an interrogative ("Wie hoch …", "Wann …", "Wer ist …
zuständig") asks for a datum (an amount, a date, a person), which a knowledge base of laws and
press releases holds far less often. An evidence feature (`evidence`), not a decision: "Hat die Kita
in Kamen in den Sommerferien geschlossen?" is a decision question no passage answers.
"""

from __future__ import annotations

import re

# German interrogatives, the pronominal adverbs built on "wo(r)-" included ("wofür", "worauf").
_INTERROGATIVE = re.compile(
    r"\b(wie|wieso|wieviel\w*|wann|wer|wen|wem|wessen|was|welch\w*|wo|wohin|woher|warum|weshalb|"
    r"weswegen|inwieweit|inwiefern|wo(?:r)?(?:an|auf|aus|bei|durch|für|gegen|in|mit|nach|über|um|"
    r"unter|von|vor|zu))\b",
    re.IGNORECASE,
)
# A sentence ends at ".", "!" or "?" after a word, not after a number ("in der 5. Klasse") or an
# abbreviation followed by a number ("Abs. 2").
_SENTENCE_END = re.compile(r"(?<=[^\W\d_]{2}[.!?])\s+(?=[A-ZÄÖÜ])")


def asking_sentences(question: str) -> list[str]:
    """The sentences of `question` that end in a question mark."""
    return [s for s in _SENTENCE_END.split(question.strip()) if s.rstrip().endswith("?")]


def asks_decision(question: str) -> bool:
    """Whether `question` asks only decision questions (yes or no): it has a question mark and no
    asking sentence holds an interrogative. Telegram style ("Kita Gebuehren Reutlingen") has no form."""
    asking = asking_sentences(question)
    return bool(asking) and not any(_INTERROGATIVE.search(s) for s in asking)
