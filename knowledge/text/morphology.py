"""Word families the stemmer does not join: "gemeldet" → "melden" → "Meldung", "trifft" → "treffen",
"gefährlich" → "Gefahr", "Erlaubnis" → "erlauben".

Colleagues ask with a verb or an adjective where the law names the thing ("wer meldet" against
"Meldung", "ist beschäftigt" against "Beschäftigung", "gefährlich" against "Gefahr"). The Snowball
stemmer cuts inflection endings but keeps derivations and vowel changes apart ("meldung" / "meld",
"trifft" / "treff", "erlaubnis" / "erlaub"). The forms are guessed by the regular patterns of German
word formation and kept only where `known` (does the corpus write this word?) says so, so a wrong
guess costs nothing but the look-up.
"""

from __future__ import annotations

from collections.abc import Callable

_MIN_STEM = 3  # letters left of a word when a suffix is cut: "ung" alone is no verb
# Present tense of strong verbs changes the stem vowel (trifft / treffen, sieht / sehen, fährt /
# fahren, läuft / laufen); tried only where the regular infinitive is unknown ("zählt" is "zählen",
# not "zahlen").
_VOWEL_CHANGES = (("ie", "e"), ("i", "e"), ("äu", "au"), ("ä", "a"))
_VOWELS = "aeiouäöü"
_UMLAUTS = str.maketrans({"ä": "a", "ö": "o", "ü": "u"})
# Not "-ig": its base is often another word ("zuständig" is no "Zustand", "wichtig" no "Wicht").
_ADJECTIVE_SUFFIXES = ("lich", "isch")
_NOUN_SUFFIXES = ("ung", "nis")
# Finite and participle endings of weak verbs: "meldet", "meldete", "gemeldet", "beschäftigt".
_VERB_ENDINGS = ("eten", "ete", "et", "ten", "te", "t", "st", "est")
_PRESENT_ENDINGS = ("t", "st")  # where a strong verb shows its changed vowel: "trifft", "siehst"
_INFINITIVE_ENDINGS = ("en", "ern", "eln")


def related_forms(word: str, known: Callable[[str], bool], *, noun: bool = False) -> list[str]:
    """The members of lower-cased `word`'s family that are `known` (itself excluded): the
    infinitive of a verb form and its nouns in "-ung"/"-nis", the verb of such a noun, the noun of
    an adjective in "-lich"/"-isch" and the adjectives of a noun. With `noun` (the word was written
    with a capital inside a sentence: "Stunden") it is read as a noun only, never as a verb form
    ("Stunden" are no "Stundung")."""
    guesses: list[str] = []
    if not noun:
        for infinitive in _infinitives(word, known):
            guesses += [infinitive, *_nouns_of(infinitive)]
        if word.endswith(_INFINITIVE_ENDINGS):
            guesses += _nouns_of(word)
    for suffix in _NOUN_SUFFIXES:
        base = word.removesuffix(suffix)
        if base != word and len(base) >= _MIN_STEM:
            guesses += [_verb(base), *(base + other for other in _NOUN_SUFFIXES if other != suffix)]
    if word.endswith("ation") and len(word) > _MIN_STEM + 5:
        guesses.append(word[:-5] + "ieren")  # "Kooperation" -> "kooperieren"
    for suffix in _ADJECTIVE_SUFFIXES:
        base = word.removesuffix(suffix)
        if base != word and len(base) >= _MIN_STEM:
            guesses += _nouns_from_adjective_base(base)
    if not word.endswith((*_INFINITIVE_ENDINGS, "t", *_ADJECTIVE_SUFFIXES, *_NOUN_SUFFIXES)):
        guesses += [word + suffix for suffix in _ADJECTIVE_SUFFIXES]
    return [g for g in dict.fromkeys(guesses) if g != word and len(g) > _MIN_STEM and known(g)]


def _infinitives(word: str, known: Callable[[str], bool]) -> list[str]:
    """Infinitives a finite form or participle may come from ("gemeldet", "trifft", "beschäftigt",
    "gegeben"); those with a changed vowel only when no regular one or its noun is `known`."""
    regular, changed = infinitive_guesses(word)
    if any(known(form) for c in regular for form in (c, *_nouns_of(c))):
        return regular
    return changed


def infinitive_guesses(word: str) -> tuple[list[str], list[str]]:
    """The infinitives a lower-cased verb form may come from by the regular patterns, and those with
    the vowel of a strong verb changed back ("trifft" -> "treffen"), each without `word` itself."""
    forms = [word]
    if word.startswith("ge") and len(word) > 2 + _MIN_STEM + 1:
        forms.append(word[2:])
    regular: list[str] = []
    changed: list[str] = []
    for form in forms:
        # An infinitive ("arbeiten") is no "arbei" + "ten"; its past plural ("arbeiteten") is.
        endings = ("eten",) if form.endswith("en") else _VERB_ENDINGS
        for ending in endings:
            stem = form.removesuffix(ending)
            if stem == form or len(stem) < _MIN_STEM:
                continue
            regular.append(_verb(stem))
            if ending in _PRESENT_ENDINGS and form == word:
                changed += [_verb(other) for other in _vowel_changed(stem)]
    if len(forms) > 1 and forms[1].endswith("en"):
        regular.append(forms[1])  # the participle of a strong verb: "gegeben" -> "geben"
    return _without(regular, word), _without(changed, word)


def _without(forms: list[str], word: str) -> list[str]:
    return [form for form in dict.fromkeys(forms) if form != word]


def _verb(stem: str) -> str:
    """The infinitive of a verb stem: "meld" -> "melden", "änder" -> "ändern"."""
    if stem.endswith(("er", "el")) and not stem.endswith("ier"):  # "finanzier" + "en"
        return stem + "n"
    return stem + "en"


def _vowel_changed(stem: str) -> list[str]:
    """The stem with its last vowel changed back as in the infinitive of a strong verb."""
    changed: list[str] = []
    for present, infinitive in _VOWEL_CHANGES:
        at = stem.rfind(present)
        if at > 0 and not any(v in stem[at + len(present) :] for v in _VOWELS):
            changed.append(stem[:at] + infinitive + stem[at + len(present) :])
    return changed


def _nouns_of(infinitive: str) -> list[str]:
    """Nouns of action of a verb: "melden" -> "meldung", "erlauben" -> "erlaubnis"."""
    if infinitive.endswith(("ern", "eln")) and not infinitive.endswith("iern"):
        stem = infinitive[:-1]
    elif infinitive.endswith("en"):
        stem = infinitive[:-2]
    else:
        return []
    if len(stem) < _MIN_STEM:
        return []
    nouns = [stem + suffix for suffix in _NOUN_SUFFIXES]
    if stem.endswith("ier") and len(stem) > _MIN_STEM + 3:
        nouns.append(stem[:-3] + "ation")  # "informieren" -> "Information", "kooperieren"
    return nouns


def _nouns_from_adjective_base(base: str) -> list[str]:
    """What an adjective in "-lich"/"-isch" is made of: "gefähr" -> "gefahr", "schul" -> "schule",
    "ärzt" -> "arzt", "erforder" -> "erfordern"."""
    plain = base.translate(_UMLAUTS)
    forms = [base, base + "e", base + "en", _verb(base)]
    if plain != base:
        forms += [plain, plain + "e"]
    return forms
