"""Recognising requests the policy treats specially: individual-case decisions, acute danger, and
instructions smuggled into documents. Patterns are deliberately broad: a false alarm costs a notice,
a miss costs a child's safety or a decision taken by a machine."""

from __future__ import annotations

import re

from knowledge.text.injection import looks_like_injection

__all__ = ["asks_for_case_decision", "describes_acute_danger", "looks_like_injection"]

_FIRST_PERSON_DECISION = re.compile(
    r"\b(soll|sollte|sollen|muss|müssen|darf|dürfen|kann|können)\s+(ich|wir)\b"
    r"|\b(soll|sollte|muss)\s+(man|das jugendamt)\s+(hier|in diesem fall|jetzt|bei (ihr|ihm|ihnen))\b"
    r"|\bwas\s+(soll|sollen|würden?|muss|müssen)\s+(ich|wir|sie|du)\s+"
    r"(jetzt|hier|in diesem fall|konkret)?\s*tun\b"
    r"|\b(entscheide|entscheiden)\s+(du|sie)\b|\bwie\s+(würdest du|würden sie)\s+entscheiden\b"
    r"|\b(gewähren|bewilligen|beenden|verlängern)\s+wir\b|\blehnen\s+wir\b",
    re.IGNORECASE,
)
# Wording that on its own points at one concrete case rather than the general rule.
_CONCRETE_CASE = re.compile(
    r"\bin (diesem|meinem|unserem) (konkreten )?(fall|einzelfall)\b"
    r"|\b(aus )?(meiner|unserer) fallakte\b|\bbei (meinem|meiner|unserem|unserer) (fall|klient\w*|familie)\b"
    r"|\b(klare|konkrete|eindeutige) empfehlung\b"
    r"|\bwürde(st|n)? (du|sie)\b.{0,80}\b(machen|entscheiden|melden|empfehlen|tun|einschalten)\b"
    r"|\breicht das\b.{0,80}\b(aus|für)\b|\bist (hier|in diesem fall)\b.{0,60}\bzu (bejahen|verneinen)\b",
    re.IGNORECASE,
)
# "Darf ich als Fachkraft …", "Können wir als Jugendamt …": a question about the role, not about a case.
_GENERAL_QUESTION = re.compile(
    r"\bbeachten\b|\bwas (gilt|regelt|bedeutet)\b"
    r"|\bals (jugendamt|fachkraft|fachkräfte|lehrer\w*|träger|arzt|ärztin|schule|kita|behörde|asd)\b",
    re.IGNORECASE,
)
_CASE_ACTION = re.compile(
    r"in obhut|herausnehmen|herausnahme|unterbringen|zurückführen|rückführung|sorgerecht|entziehen|"
    r"familiengericht|anrufen|melden|einschalten|hilfe (gewähren|ablehnen|beenden)|ablehnen|bewilligen|"
    r"gefährdung (annehmen|bejahen|verneinen)|kindeswohlgefährdung|umgang|einstellen|schließen|abbrechen|"
    r"verlängern|weitergeben|übermitteln|akte|"
    r"dem kind|das kind|den jungen|das mädchen|die mutter|den vater|die eltern|die familie|der familie",
    re.IGNORECASE,
)

_ACUTE_DANGER = re.compile(
    r"\b(akut|gerade jetzt|gerade|im moment|sofort|eben|heute nacht|heute abend|gerade eben|"
    r"in diesem augenblick|lebensgefahr|lebensgefährlich|notfall|notruf)\b"
    r"|\b(schlägt|geschlagen|verprügelt|misshandelt|missbraucht|vergewaltigt|bedroht|droht\s+(mit|zu)|"
    r"blutet|bewusstlos|nicht ansprechbar|atmet (kaum|nicht)|eingesperrt|allein gelassen|alleine gelassen|"
    r"verhungert|ausgesetzt|schüttelt|geschüttelt|messer|waffe|pistole|umbringt|tötet|töten will)\b"
    r"|\b(suizid(al\w*|gefahr|gedanken|versuch)?|selbstmord\w*|umbringen|umzubringen|bringt sich um|"
    r"sich (etwas )?an(zu)?tun|(sich )?das leben (zu )?nehmen|sich (zu )?töten|ritzt sich|verletzt sich)\b"
    r"|\bangst,? nach hause\b|\btraut sich nicht nach hause\b"
    r"|\b(seit (stunden|tagen)|tagelang)\b.{0,40}\b(allein|alleine|verschwunden|nichts zu essen)\b"
    r"|\b(allein|alleine) in der wohnung\b|\bnichts (mehr )?zu essen\b",
    re.IGNORECASE,
)
# "Was regelt das Gesetz, wenn ein Kind misshandelt wurde …?" asks for the rule about a kind of case,
# not for help in one: without a word of immediacy it is no emergency. Anchored at the start, so a
# colleague's account that ends in "Was gilt jetzt?" keeps its alarm.
_ASKS_THE_RULE = re.compile(
    r"^\W*(was\s+(regelt|regeln|gilt|gelten|sagt|sagen|bestimmt|bestimmen|bedeutet)|"
    r"welche\s+(regeln|regelungen|vorschriften|paragraphen|pflichten)\s+(gilt|gelten))\b",
    re.IGNORECASE,
)
_IMMEDIATE = re.compile(
    r"\b(akut|jetzt|gerade|im moment|sofort|eben|heute|heute nacht|heute abend|in diesem augenblick|"
    r"lebensgefahr|lebensgefährlich|notfall|notruf)\b",
    re.IGNORECASE,
)
_CHILD = re.compile(
    r"\b(kind|kinder|kindes|säugling|baby|jugendliche[rn]?|junge|jungen|mädchen|tochter|sohn|schüler(in)?|"
    r"enkel\w*|neugeborene[sn]?|kleinkind\w*|"
    r"minderjährige[rn]?|\d{1,2}[- ]?jährige[rn]?)\b",
    re.IGNORECASE,
)


def asks_for_case_decision(question: str) -> bool:
    """A decision about a concrete case is asked of the assistant ("Soll ich das Kind in Obhut nehmen?")."""
    if _CONCRETE_CASE.search(question):
        return True
    if _GENERAL_QUESTION.search(question):
        return False
    return bool(_FIRST_PERSON_DECISION.search(question) and _CASE_ACTION.search(question))


def describes_acute_danger(question: str) -> bool:
    """Acute danger to a child is described, not merely asked about in general."""
    if _ASKS_THE_RULE.search(question) and not _IMMEDIATE.search(question):
        return False
    return bool(_ACUTE_DANGER.search(question) and _CHILD.search(question))
