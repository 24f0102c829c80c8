"""Instructions addressed to an AI inside a document. Documents are data (policy rule 6): such text is
screened out at ingest and skipped at answer time, so it is neither followed nor quoted.

The patterns look for the addressee (an AI, an assistant, an "automated system") or for commands about
"every answer" — wording a genuine law, bylaw or press release does not use.
"""

from __future__ import annotations

import re

_AI = (
    r"(ki|ai|k\.i\.|assistent\w*|assistant\w*|sprachmodell\w*|language models?|chatbots?|llms?|gpts?|"
    r"ki-\w+|ai-\w+|automatisierte\w*\s+\w*systeme?|automated\s+\w*\s*systems?|bots?)"
)
_PATTERNS = [
    # "Ignoriere alle bisherigen Anweisungen", "ignore all previous instructions", "disregard your guidelines"
    r"\b(ignorier\w*|vergiss|missachte\w*|ignore|disregard|forget)\b.{0,40}"
    r"\b(anweisung\w*|instruktion\w*|regeln|vorgaben|richtlinien|instructions?|guidelines?|rules|prompts?)\b",
    # "Hinweis für KI-Systeme", "Anweisung an den Assistenten", "Note to AI assistants"
    rf"\b(hinweis\w*|anweisung\w*|nachricht|mitteilung|bitte|note|message|instructions?)\s+"
    rf"(für|an|to|for)\s+(die\s+|den\s+|das\s+|alle\s+|any\s+|all\s+)?{_AI}",
    # "Liebe KI", "Hallo Assistent", "Dear AI"
    rf"\b(liebe[rs]?|hallo|hey|dear|hi)\s+{_AI}\b",
    # "[Assistent: …]", "(AI: …)"
    rf"[\[(<]\s*{_AI}\s*:",
    # "Als KI musst du …", "As an AI you must …"
    rf"\b(als|as an?)\s+{_AI}\s+(musst|sollst|solltest|darfst|must|should|have to)\b",
    # Role changes
    r"\b(du bist|sie sind|you are)\s+(jetzt|nun|ab sofort|now)\b|\b(developer|entwickler)[- ]?mod(e|us)\b",
    r"\b(ab jetzt|ab sofort|von nun an|from now on)\b.{0,40}"
    r"\b(gelten|gilt|antworte\w*|sage\w*|apply|answer|respond)\b",
    # Commands about every answer / every user
    r"\b(antworte\w*|beantworte\w*|sage\w*|sag|nenne\w*|empfiehl\w*|füge\w*|beende\w*|schreib\w*|verweise\w*|"
    r"gib|teile\w*)\b.{0,60}\b(jede[rnms]?|immer|stets|ausschließlich|nur noch|allen)\b.{0,40}"
    r"\b(antwort\w*|frage\w*|nutzer\w*|benutzer\w*|anfrage\w*|jedem|mit)\b",
    r"\b(always|never)\s+(recommend|say|answer|respond|reply|tell|mention|include|add)\b",
    r"\b(tell|ask|instruct)\s+(every|all|each)\s+(users?|readers?|people)\b",
    r"\b(respond|reply|answer)\s+(only\s+)?with\b",
    r"\b(system\s?prompt|systemprompt|your (instructions|prompt))\b",
]
_INSTRUCTION = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE | re.DOTALL)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def looks_like_injection(text: str) -> bool:
    """True when `text` addresses an AI or commands what every answer must say."""
    return bool(_INSTRUCTION.search(text))


def strip_hidden_comments(text: str) -> tuple[str, int]:
    """Remove HTML comments: invisible to a reader, so nothing in them is content. Returns the count."""
    found = len(_HTML_COMMENT.findall(text))
    return (_HTML_COMMENT.sub("", text), found) if found else (text, 0)


def screen_paragraphs(text: str) -> tuple[str, int]:
    """Drop every paragraph (blank-line separated block) that carries an instruction to an AI."""
    text, comments = strip_hidden_comments(text)
    kept: list[str] = []
    removed = comments
    for block in re.split(r"(\n\s*\n)", text):
        if block.strip() and looks_like_injection(block):
            removed += 1
            continue
        kept.append(block)
    return "".join(kept), removed
