"""The forms a law writes a verb in that a question asks with: "zusammenführen" → "zusammengeführt".

Colleagues ask with the infinitive ("dürfen wir die Daten zusammenführen", "muss das Jugendamt sie
anleiten"); laws state the rule in the participle or the zu-infinitive ("dürfen nur zusammengeführt
werden", "sollen angeleitet werden", "ist anzuhören"). With a separable particle the "ge" and the
"zu" sit inside the word, so neither the stemmer ("zusammenfuhr" against "zusammengefuhrt") nor the
compound splitter sees the two as one word. The forms are guessed by the regular patterns and kept
only where the corpus writes them (the caller checks), so a wrong guess costs nothing.
"""

from __future__ import annotations

# Separable particles, longest first so that "zurück" is tried before "zu".
_PARTICLE_WORDS = "ab an auf aus bei dar ein fest frei her hin mit nach statt teil um vor weg weiter wieder"
_PARTICLES = tuple(sorted([*_PARTICLE_WORDS.split(), "zu", "zurück", "zusammen"], key=len, reverse=True))
_MIN_VERB = 4  # letters after the particle: "angeln" is no "an" + "geln"


def verb_forms(word: str) -> list[str]:
    """The other forms of a lower-cased separable verb: from the infinitive its participle and
    zu-infinitive, from those (also negated: "unangemeldet") the infinitive and its forms."""
    infinitives = _infinitives(word.removeprefix("un") if word.startswith("un") else word)
    forms = [*infinitives, *(f for infinitive in infinitives for f in _from_infinitive(infinitive))]
    return [form for form in dict.fromkeys([*forms, *_from_infinitive(word)]) if form != word]


def _infinitives(word: str) -> list[str]:
    """The infinitive a participle or zu-infinitive with a separable particle may come from."""
    for particle in _PARTICLES:
        rest = word[len(particle) :]
        if not word.startswith(particle) or len(rest) < _MIN_VERB + 2:
            continue
        if rest.startswith("zu") and rest.endswith("en"):
            return [particle + rest[2:]]  # anzuhören -> anhören
        if rest.startswith("ge"):
            verb = rest[2:]
            if verb.endswith("et"):
                return [particle + verb[:-2] + "en", particle + verb[:-1] + "en"]  # angeleitet
            if verb.endswith("t"):
                return [particle + verb[:-1] + "en", particle + verb[:-1] + "n"]  # angehört, geändert
            if verb.endswith("en"):
                return [particle + verb]  # abgegeben
        return []
    return []


def _from_infinitive(word: str) -> list[str]:
    """Participle and zu-infinitive guesses for a lower-cased infinitive with a separable particle."""
    if not word.endswith(("en", "ern", "eln")):
        return []
    forms: list[str] = []
    for particle in _PARTICLES:
        verb = word[len(particle) :]
        if not word.startswith(particle) or len(verb) < _MIN_VERB:
            continue
        forms.append(f"{particle}zu{verb}")  # anzuhören, aufzunehmen
        if verb.endswith(("ern", "eln")):
            forms.append(f"{particle}ge{verb[:-1]}t")  # abgeändert
            break
        stem = verb[:-2]
        forms += [
            f"{particle}ge{stem}t",  # zusammengeführt, angehört
            f"{particle}ge{stem}et",  # angeleitet, abgewendet
            f"{particle}ge{verb}",  # abgegeben, angesehen
        ]
        break  # the longest particle only: "zusammen…" is no "zu" + "sammen…"
    return list(dict.fromkeys(forms))
