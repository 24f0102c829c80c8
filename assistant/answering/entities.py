"""What a question asks about that a passage must actually contain: a place ("in Unna", "NRW"), an
amount ("Wie hoch …"), a date ("Wann findet … statt"), an office or contact ("Wer ist … zuständig").

A passage that shares the question's other words but not the asked-about entity answers another
question: § 39 SGB VIII says how Pflegegeld is set, not what it is in NRW. These are evidence
features for abstaining (`evidence`), not rules of their own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from assistant.answering.definitions import asked_term
from assistant.answering.terms import index_cache, indexed_documents, remember
from knowledge.index import KnowledgeIndex

# The Länder with the abbreviations colleagues use; a federal law says nothing particular about them.
_LAENDER: dict[str, tuple[str, ...]] = {
    "baden-württemberg": ("bw", "ba-wü"),
    "bayern": ("by",),
    "berlin": (),
    "brandenburg": (),
    "bremen": (),
    "hamburg": (),
    "hessen": (),
    "mecklenburg-vorpommern": ("mv", "m-v"),
    "niedersachsen": ("nds",),
    "nordrhein-westfalen": ("nrw",),
    "rheinland-pfalz": ("rlp",),
    "saarland": (),
    "sachsen": (),
    "sachsen-anhalt": ("lsa",),
    "schleswig-holstein": ("sh",),
    "thüringen": (),
}
_ALIASES = {alias: name for name, aliases in _LAENDER.items() for alias in (name, *aliases)}
_LAND = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(a) for a in sorted(_ALIASES, key=len, reverse=True)) + r")(?![\w-])",
    re.IGNORECASE,
)
_NAME = r"([A-ZÄÖÜ][\wäöüß]+(?:-[A-ZÄÖÜ][\wäöüß]+)*)"
# "im Kreis Unna", "Landkreis Göppingen", "Stadt Norderstedt": what follows is a place name.
_AFTER_PLACE_NOUN = re.compile(r"\b(?:Kreis(?:es)?|Landkreis(?:es)?|Stadt|Gemeinde|Bezirk)\s+" + _NAME)
# "Welche Kita in Kamen …": a capitalised word right after a mid-sentence "in" names a place or a
# noun ("in Obhut", "in Vollzeitpflege"). Either way a passage answering the question writes it so;
# the corpus may know the word only as another one ("kamen", a verb), which the lower-cased index
# counts as the same word.
_AFTER_IN = re.compile(r"(?<=\S )in\s+([A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)*)(?![\wäöüß-])")
# "Jugendamt Unna", but also "Muss das Jugendamt Eltern …": a place only if it is one the documents
# name or a word they never use.
_AFTER_OFFICE = re.compile(
    r"\b(?:Jugendamt(?:s|es)?|Kreisjugendamt(?:s|es)?|Stadtjugendamt(?:s|es)?|Landesjugendamt(?:s|es)?|"
    r"Landratsamt(?:s|es)?|Bezirksamt(?:s|es)?)\s+" + _NAME
)
# "Wie lange" and "wie oft" are answered in words as often as in numbers ("unverzüglich",
# "regelmäßig"): no amount is required for them.
_AMOUNT_ASKED = re.compile(
    r"\bwie\s+(hoch|viel|viele|teuer)\b|\bhöhe\s+(de[sr]|von)\b|\bwelche[rn]?\s+betrag\b|"
    r"\bwie\s+groß\b|\bab\s+welche[mr]\s+(betrag|einkommen)\b",
    re.IGNORECASE,
)
# "Wie hoch", "wie teuer", "Betrag", "Höhe", "wie viel … zahlt" ask for a sum of money or a share: a
# list number or a count in the passage ("3.", "zwei Jahre") does not answer them ("Wie viel
# Pflegegeld zahlt die Pflegekasse?" is not answered by § 21a SGB I). "Wie viel Pflegegeld gibt es"
# asks a sum as "wie hoch ist das Pflegegeld" does. "Wie viel Urlaub …" asks a count.
_MONEY_ASKED = re.compile(
    r"\bwie\s+(hoch|teuer)\b|\bhöhe\s+(de[sr]|von)\b|\bwelche[rn]?\s+betrag\b|"
    r"\bab\s+welche[mr]\s+(betrag|einkommen)\b|"
    r"\bwie\s+viel\b.{0,60}\b(zahl\w*|kost\w*|bekomm\w*|erhält|erhalten|verdien\w*|\w*geld\w*|euro)\b",
    re.IGNORECASE,
)
_MONEY = re.compile(r"€|%|\b(euro|eur|cent|prozent|hälfte|drittel|viertel)\b|\b\d+,\d\d\b", re.IGNORECASE)
# A number in the text once its legal references ("§ 39 Absatz 2 Nummer 2 bis 4", "(5)") are removed.
_AMOUNT = re.compile(
    r"\b\d[\d.,]*\b|\b(zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|\w+zehn|\w+zig|hundert|"
    r"tausend|hälfte|drittel|viertel|prozent|euro)\b|€|%",
    re.IGNORECASE,
)
# A number with a full stop before a lower-case word opens an item ("1. im Rahmen …"); before a noun
# it is an ordinal that may well be the answer ("18. Lebensjahr", "3. Tag").
_ENUMERATOR = re.compile(r"\b\d{1,2}\.\s+(?=[a-zäöü])|\b[a-z]\)\s")
_LEGAL_NUMBER = re.compile(
    r"(§§?|Abs\.|Absatz|Absatzes|Absätze[n]?|Satz|Sätze|Nr\.|Nummer[n]?|Art\.|Artikel|Buchstabe[n]?)\s*\d+[a-z]?"
    r"(\s*(,|und|oder|bis|-|–)\s*\d+[a-z]?)*|\(\d+[a-z]?\)"
)
_DATE_ASKED = re.compile(
    r"\ban welchem (tag|datum)\b|\bwelche[sn]? (datum|termin)\b|\bin welchem jahr\b|\b(seit|bis) wann\b|"
    r"\bwann\s+(fand|findet|finden|fanden|startet|startete|beginnt|begann|endet|endete|läuft|lief|tagt|tagte|"
    r"erscheint|erschien|öffnet|eröffnet|eröffnete|war|waren|wurde|wurden)\b|"
    r"\bwann\b.{0,90}\b(statt|eröffnet|gegründet|veröffentlicht|beschlossen|vorgestellt)\b|"
    # "Wann ist der nächste Fachtag", "wann war die letzte Sitzung": an event, not a condition ("Wann
    # ist eine Inobhutnahme zulässig?" asks the rule).
    r"\bwann\s+(ist|sind|war|waren)\s+(der|die|das)\s+(nächste|letzte|kommende)\w*\b",
    re.IGNORECASE,
)
# A date, a year, a time of day, a weekday, or a span ("innerhalb von zwei Wochen", "vier Jahre").
_DATE = re.compile(
    r"\b\d{1,2}\.\s?\d{1,2}\.\s?(\d{2}|\d{4})\b|\b\d{1,2}\.\s+(januar|februar|märz|april|mai|juni|juli|"
    r"august|september|oktober|november|dezember)\b|\b(januar|februar|märz|april|mai|juni|juli|august|"
    r"september|oktober|november|dezember)\s+\d{4}\b|\b(19|20)\d\d\b|\b\d{1,2}(:\d\d)?\s?uhr\b|"
    r"\b(montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)\b|"
    r"\b(\d+|eine[mnr]?|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf)\s+"
    r"(tag|tage|tagen|woche|wochen|monat|monate|monaten|jahr|jahre|jahren|stunden?)\b",
    re.IGNORECASE,
)
# "Seit wann", "in welchem Jahr", "an welchem Tag" ask for a point in time: a span ("auf fünf Jahre
# befristet") does not answer them, as it answers "bis wann" ("innerhalb von zwei Wochen").
_POINT_ASKED = re.compile(
    r"\bseit\s+wann\b|\bin\s+welchem\s+jahr\b|\ban\s+welchem\s+(tag|datum)\b|\bwelche[sn]?\s+datum\b",
    re.IGNORECASE,
)
_SPAN = re.compile(
    r"\b(\d+|eine[mnr]?|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf)\s+"
    r"(tag|tage|tagen|woche|wochen|monat|monate|monaten|jahr|jahre|jahren|stunden?)\b",
    re.IGNORECASE,
)
# Contact details, or who is responsible in a named place ("Wer ist im Jugendamt Unna zuständig?");
# "Wer ist dafür zuständig?" without a place asks for the legal rule on competence, which laws answer.
_CONTACT_ASKED = re.compile(
    r"\b(ansprechpartner\w*|ansprechperson\w*|kontaktdaten|kontaktperson\w*|telefonnummer|"
    r"e-mail-adresse|sprechzeiten|öffnungszeiten|durchwahl)\b|\bwie\s+erreiche\b",
    re.IGNORECASE,
)
# "Welche Adresse hat …", "Wie lautet die Anschrift …": where a Stelle is. Not "die Adresse der Familie
# weitergeben", which asks a rule of data protection.
_ADDRESS_ASKED = re.compile(r"\b(welche|wie\s+lautet\s+die)\s+(adresse|anschrift)\b", re.IGNORECASE)
# The contact detail asked, and what a passage answering it must hold: a leader's name ("Leiter des
# Jugendamts") says who, not how to reach them.
_CONTACT_DETAILS_ASKED = {
    "phone": re.compile(r"\b(telefonnummer\w*|rufnummer\w*|durchwahl\w*)\b", re.IGNORECASE),
    "email": re.compile(r"\b(e-mail-adresse\w*|mailadresse\w*)\b", re.IGNORECASE),
    "times": re.compile(r"\b(sprechzeiten|sprechstunden|öffnungszeiten)\b", re.IGNORECASE),
    "address": _ADDRESS_ASKED,
}
_CONTACT_DETAILS = {
    "phone": re.compile(r"(?<![\d.,])(\+49|\(?0\d{2,5}\)?)[\s/-]{0,3}\d[\d\s/-]{2,}\d"),
    "email": re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"),
    "times": re.compile(
        r"\b\d{1,2}([.:]\d\d)?\s?uhr\b|\b\d{1,2}[.:]\d\d\s*(-|–|bis)\s*\d{1,2}[.:]\d\d\b", re.IGNORECASE
    ),
    "address": re.compile(
        r"\b[\wäöüß-]+(straße|str\.|weg|platz|allee|gasse|ring|damm|ufer)\s+\d+[a-z]?\b|\b\d{5}\s+[A-ZÄÖÜ]",
        re.IGNORECASE,
    ),
}
# Where the sentence before a contact detail ends ("… willkommen. Pressekontakt"; not "Tel. 02303").
_SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-ZÄÖÜ„])")
# The rest of the word a detail ends in, and the town after a street ("… 17 | 59425 Unna").
_CONTACT_TAIL = re.compile(r"[^\s|]*(?:\s*\|?\s*\d{5}\s+[A-ZÄÖÜ][\wäöüß-]+)?")
# An age: "Bis zu welchem Alter …", "Darf ein 14-Jähriger …", "ab 16", "Lebensjahr".
_AGE_ASKED = re.compile(
    r"\b(welche[mn]?\s+alter|wie\s+alt|altersgrenze|mindestalter|lebensjahr\w*)\b|\b\d{1,2}\s*-?\s*jährig\w*|"
    r"\b(ab|unter|über|bis)\s+\d{1,2}\b(?![.,:]|\s*(uhr|euro|€|%|prozent|stunden|tage|wochen|monate))",
    re.IGNORECASE,
)
_AGE = re.compile(
    r"\blebensjahr\w*|\b\d{1,2}\s+jahre?n?\b|\b\w+zehn\s+jahre?n?\b|\b(volljährig|minderjährig)\w*|"
    r"\baltersgrenze\w*",
    re.IGNORECASE,
)
_WHO_IS_RESPONSIBLE = re.compile(r"\bwer\b.{0,60}\b(zuständig|verantwortlich|leitet)\b", re.IGNORECASE)
_OFFICE = re.compile(
    r"\b(leiter(in)?|leitung|dezernent(in)?|ansprechpartner\w*|kontakt|tel\.|telefon|fon|e-mail|"
    r"sprechzeiten|öffnungszeiten)\b|@\w",
    re.IGNORECASE,
)


_PLACES = ("places",)  # the cache key of the index's place names (no question is a tuple)


@dataclass(frozen=True)
class AskedEntities:
    places: tuple[str, ...] = ()  # lower case; a Land by its full name
    amount: bool = False
    date: bool = False
    office: bool = False
    age: bool = False  # shown with the passage, not an evidence feature (`DISPLAY_KINDS`)
    money: bool = False  # the amount asked is a sum of money or a share (`_MONEY_ASKED`)
    names: tuple[str, ...] = ()  # as written after "in" ("Kamen"); a passage must write them so
    point_in_time: bool = False  # the date asked is a point in time, not a span (`_POINT_ASKED`)
    contact: tuple[str, ...] = ()  # the contact details asked ("phone", "email", "times", "address")
    defined: str | None = None  # the term whose meaning is asked ("Frühen Hilfen"; `definitions`)


# What abstention weighs (`evidence`), and what the shown Absätze of a § should hold when asked for.
EVIDENCE_KINDS = ("place", "amount", "date", "office")
DISPLAY_KINDS = ("amount", "date", "age")


def asked_entities(
    question: str, known_places: Iterable[str] = (), is_unknown_word: Callable[[str], bool] = lambda _w: False
) -> AskedEntities:
    """What `question` asks about. `known_places`: the place names of the indexed documents;
    `is_unknown_word`: whether the knowledge base never uses a word ("Jugendamt Bielefeld")."""
    places = [_ALIASES[m.group(1).lower()] for m in _LAND.finditer(question)]
    known = {p.lower() for p in known_places}
    for match in _AFTER_PLACE_NOUN.finditer(question):
        places.append(_ALIASES.get(match.group(1).lower(), match.group(1).lower()))
    for match in _AFTER_OFFICE.finditer(question):
        name = match.group(1).lower()
        if name not in _ALIASES and (name in known or is_unknown_word(name)):
            places.append(name)
    words = {w.lower() for w in re.findall(r"[\wäöüß]+(?:-[\wäöüß]+)*", question)}
    places += sorted(p for p in known if p in words)
    places = list(dict.fromkeys(places))
    names = [
        m.group(1) for m in _AFTER_IN.finditer(question) if m.group(1).lower() not in (*places, *_ALIASES)
    ]
    # "Oeffnungszeiten", "hoehe": the question words are matched with their umlauts restored too.
    spellings = (question, _with_umlauts(question))
    return AskedEntities(
        tuple(places),
        any(_AMOUNT_ASKED.search(q) for q in spellings),
        any(_DATE_ASKED.search(q) for q in spellings),
        any(
            _CONTACT_ASKED.search(q) or _ADDRESS_ASKED.search(q) or (places and _WHO_IS_RESPONSIBLE.search(q))
            for q in spellings
        ),
        any(_AGE_ASKED.search(q) for q in spellings),
        money=any(_MONEY_ASKED.search(q) for q in spellings),
        names=tuple(dict.fromkeys(names)),
        point_in_time=any(_POINT_ASKED.search(q) for q in spellings),
        contact=tuple(
            k for k, asked in _CONTACT_DETAILS_ASKED.items() if any(asked.search(q) for q in spellings)
        ),
        defined=asked_term(question),
    )


def _with_umlauts(text: str) -> str:
    return re.sub("[aou]e", lambda m: {"ae": "ä", "oe": "ö", "ue": "ü"}[m.group().lower()], text, flags=re.I)


def asked_in_index(index: KnowledgeIndex, question: str) -> AskedEntities:
    """`asked_entities` with the places and the vocabulary of `index` (cached per question)."""
    cache = index_cache(index, "asked")
    asked = cache.get(question)
    if asked is None:
        places = cache.get(_PLACES)
        if places is None:
            places = cache[_PLACES] = frozenset(place_names(d.region for d in indexed_documents(index)))
        asked = asked_entities(
            question, places, lambda word: not any(index.knows(t) for t in index.query_tokens(word))
        )
        remember(cache, question, asked, 64)
    return asked


def asked_kinds(asked: AskedEntities) -> list[str]:
    kinds = [
        ("place", bool(asked.places or asked.names)),
        ("amount", asked.amount),
        ("date", asked.date),
        ("office", asked.office),
    ]
    return [kind for kind, is_asked in kinds if is_asked]


def missing_kinds(asked: AskedEntities, text: str, kinds: tuple[str, ...] = EVIDENCE_KINDS) -> list[str]:
    """The `kinds` of asked-about entity `text` does not contain ("place", "amount", "date",
    "office", "age")."""
    lowered = text.lower()
    plain = _LEGAL_NUMBER.sub(" ", text)
    checks = {
        "place": lambda: (
            (bool(asked.places) and not any(_mentions_place(p, lowered) for p in asked.places))
            or any(not _writes(name, text) for name in asked.names)
        ),
        "amount": lambda: (
            asked.amount and not (_MONEY if asked.money else _AMOUNT).search(_ENUMERATOR.sub(" ", plain))
        ),
        "date": lambda: (
            asked.date and not _DATE.search(_SPAN.sub(" ", plain) if asked.point_in_time else plain)
        ),
        "office": lambda: (
            asked.office
            and (
                any(not _CONTACT_DETAILS[kind].search(text) for kind in asked.contact)
                if asked.contact
                else not _OFFICE.search(text)
            )
        ),
        "age": lambda: asked.age and not _AGE.search(plain),
    }
    return [kind for kind in kinds if checks[kind]()]


def contact_excerpt(asked: AskedEntities, text: str, context: int = 60) -> str | None:
    """The part of a contact block that gives the contact details asked for, with the words before
    them that say whose they are ("Pressekontakt: Max Rolke | Fon 02303 27-1113"); None when `text`
    lacks one of them. Ingest joins such a block into one run of text with photo credits and notes."""
    found = [_CONTACT_DETAILS[kind].search(text) for kind in asked.contact]
    if not found or any(m is None for m in found):
        return None
    start = min(m.start() for m in found if m)
    end = max(m.end() for m in found if m)
    head = text[max(0, start - context) : start]
    ends = list(_SENTENCE_END.finditer(head))
    if ends:
        head = head[ends[-1].end() :]
    elif start > context:
        head = head.split(" ", 1)[-1]  # from a whole word on
    tail = _CONTACT_TAIL.match(text[end:])
    return f"{head}{text[start:end]}{tail.group() if tail else ''}".strip(" |")


def place_names(regions: Iterable[str | None]) -> set[str]:
    """Place names from documents' regions ("Kreis Unna", "Landkreis Göppingen") for `asked_entities`."""
    names: set[str] = set()
    for region in regions:
        for match in re.finditer(_NAME, region or ""):
            word = match.group(1)
            if not re.fullmatch(r"(Kreis|Landkreis|Stadt|Gemeinde|Landschaftsverband|Region|Bezirk)", word):
                names.add(word.lower())
    return names


def of_other_place(asked: AskedEntities, region: str | None, title: str) -> bool:
    """Whether a document of `region` belongs to another place than the question names: the
    Satzung of the Landkreis Göppingen does not say who sits in the Jugendhilfeausschuss of the
    Landkreis Konstanz. A document without a region (a federal law) belongs to none."""
    if not asked.places or not region:
        return False
    lowered = f"{region} {title}".lower()
    return not any(_mentions_place(p, lowered) for p in asked.places)


def _mentions_place(place: str, lowered: str) -> bool:
    names = [place, *_LAENDER.get(place, ())]
    return any(re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", lowered) for name in names)


def _writes(name: str, text: str) -> bool:
    """Whether `text` holds `name` as written, capitalised ("Kamen", not the verb "kamen")."""
    return re.search(rf"(?<![\wäöüß-]){re.escape(name)}(?![\wäöüß-])", text) is not None
