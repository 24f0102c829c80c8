"""Recognising requests the policy treats specially: individual-case decisions, acute danger, and
instructions smuggled into documents. Patterns are deliberately broad: a false alarm costs a notice,
a miss costs a child's safety or a decision taken by a machine."""

from __future__ import annotations

import re

_FIRST_PERSON_DECISION = re.compile(
    r"\b(soll|sollte|sollen|muss|müssen|darf|dürfen|kann|können)\s+(ich|wir)\b"
    r"|\b(soll|sollte|muss)\s+(man|das jugendamt)\s+(hier|in diesem fall|jetzt|bei (ihr|ihm|ihnen))\b"
    r"|\bwas\s+(soll|sollen|würden?|muss|müssen)\s+(ich|wir|sie|du)\s+"
    r"(jetzt|hier|in diesem fall|konkret)?\s*tun\b"
    r"|\b(entscheide|entscheiden)\s+(du|sie)\b|\bwie\s+(würdest du|würden sie)\s+entscheiden\b"
    r"|\bin (diesem|meinem|unserem) (fall|einzelfall)\b|\bbei (meinem|unserem) (fall|klienten|klientin)\b",
    re.IGNORECASE,
)
_CASE_ACTION = re.compile(
    r"in obhut|herausnehmen|herausnahme|unterbringen|zurückführen|rückführung|sorgerecht|entziehen|"
    r"familiengericht|anrufen|melden|einschalten|hilfe (gewähren|ablehnen|beenden)|ablehnen|bewilligen|"
    r"gefährdung (annehmen|bejahen|verneinen)|kindeswohlgefährdung|umgang|einstellen|schließen|abbrechen|"
    r"dem kind|das kind|den jungen|das mädchen|die mutter|den vater|die eltern|die familie|der familie",
    re.IGNORECASE,
)

_ACUTE_DANGER = re.compile(
    r"\b(akut|gerade jetzt|im moment|sofort|heute nacht|gerade eben|in diesem augenblick|lebensgefahr|"
    r"lebensgefährlich|notfall|notruf)\b"
    r"|\b(schlägt|geschlagen|verprügelt|misshandelt|missbraucht|vergewaltigt|bedroht|droht\s+(mit|zu)|"
    r"blutet|verletzt|bewusstlos|eingesperrt|allein gelassen|alleine gelassen|verhungert|ausgesetzt)\b"
    r"|\b(suizid\w*|selbstmord\w*|umbringen|umzubringen|bringt sich um|sich (etwas )?an(zu)?tun|"
    r"sich (das leben )?(zu )?nehmen|sich (zu )?töten|ritzt sich|verletzt sich)\b"
    r"|\bangst,? nach hause\b|\btraut sich nicht nach hause\b",
    re.IGNORECASE,
)
_CHILD = re.compile(
    r"\b(kind|kinder|kindes|säugling|baby|jugendliche[rn]?|junge|jungen|mädchen|tochter|sohn|schüler(in)?|"
    r"minderjährige[rn]?|\d{1,2}[- ]?jährige[rn]?)\b",
    re.IGNORECASE,
)

# Instructions addressed to an AI inside a document: quoted as data, never followed, never shown as fact.
_INJECTION = re.compile(
    r"ignorier\w*\s+(alle\s+|die\s+|deine\s+|ihre\s+)?(bisherigen\s+|vorherigen\s+|obigen\s+)?"
    r"(anweisungen|instruktionen|regeln|vorgaben)"
    r"|ignore\s+(all\s+|your\s+|previous\s+|the\s+above\s+)*instructions"
    r"|\b(du bist|you are) (jetzt|now)\b|systemprompt|system prompt"
    r"|\bals (ki|sprachmodell|assistent) (musst|sollst)\b"
    r"|antworte (ab sofort|nur noch|immer)\b|gib (alle|deine) (daten|anweisungen)",
    re.IGNORECASE,
)


def asks_for_case_decision(question: str) -> bool:
    """A decision about a concrete case is asked of the assistant ("Soll ich das Kind in Obhut nehmen?")."""
    return bool(_FIRST_PERSON_DECISION.search(question) and _CASE_ACTION.search(question))


def describes_acute_danger(question: str) -> bool:
    """Acute danger to a child is described, not merely asked about in general."""
    return bool(_ACUTE_DANGER.search(question) and _CHILD.search(question))


def looks_like_injection(text: str) -> bool:
    return bool(_INJECTION.search(text))
