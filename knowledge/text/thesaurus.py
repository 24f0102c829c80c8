"""A small curated thesaurus: the words colleagues use, mapped to the words the texts use, and the
office abbreviations of `abbreviations.yaml`.

Expansion is applied to queries only, so the index stays a faithful copy of the sources.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

ABBREVIATIONS_FILE = Path(__file__).with_name("abbreviations.yaml")
_FUGEN = ("", "s", "n", "en", "es")
_MIN_HEAD = 4  # a thesaurus word as the head of a compound ("Kitaplatz") needs at least this length

# key: everyday term (lower case, matched as a whole word); value: terms of the legal texts.
THESAURUS: dict[str, tuple[str, ...]] = {
    "kita": ("Tageseinrichtung", "Kindertageseinrichtung", "Förderung in Tageseinrichtungen"),
    "kitas": ("Tageseinrichtungen", "Kindertageseinrichtungen"),
    "kindergarten": ("Tageseinrichtung", "Kindertageseinrichtung"),
    "krippe": ("Tageseinrichtung", "Kinder unter drei Jahren"),
    "tagesmutter": ("Kindertagespflegeperson", "Kindertagespflege"),
    "tagesvater": ("Kindertagespflegeperson", "Kindertagespflege"),
    "tageseltern": ("Kindertagespflegeperson", "Kindertagespflege"),
    "heim": ("Einrichtung", "Heimerziehung", "sonstige betreute Wohnform"),
    "heimen": ("Einrichtungen", "Heimerziehung"),
    "heimkind": ("Heimerziehung", "Einrichtung"),
    "wg": ("betreute Wohnform", "Heimerziehung"),
    "jugendgerichtshilfe": ("Mitwirkung in Verfahren nach dem Jugendgerichtsgesetz",),
    "kinderheim": ("Einrichtung", "Heimerziehung"),
    # Not "wohngruppe": "betreute Wohnform" pulled the Kostenbeitrag passages above the answer.
    "fremdunterbringung": ("Vollzeitpflege", "Heimerziehung", "außerhalb der eigenen Familie"),
    "sorgerecht": ("elterliche Sorge", "Personensorge"),
    "pflegegeld": ("Unterhalt des Kindes", "Vollzeitpflege"),
    "azubi": ("Auszubildende",),
    "azubis": ("Auszubildende",),
    "datenpanne": ("Verletzung des Schutzes von Sozialdaten",),
    "schulbegleitung": ("Eingliederungshilfe", "seelische Behinderung"),
    "schulbegleiter": ("Eingliederungshilfe", "seelische Behinderung"),
    "kindeswohlgefährdung": ("Gefährdung des Wohls eines Kindes", "Schutzauftrag"),
    "inobhutnahme": ("Inobhutnahme", "in Obhut nehmen"),
    "obhut": ("Inobhutnahme",),
    "pflegefamilie": ("Vollzeitpflege", "Pflegeperson"),
    "pflegeeltern": ("Vollzeitpflege", "Pflegeperson"),
    "pflegekind": ("Vollzeitpflege", "Pflegeperson"),
    "freier träger": ("Träger der freien Jugendhilfe",),
    "kinderarbeit": ("Beschäftigung von Kindern", "Jugendarbeitsschutz"),
    "ferienjob": ("Beschäftigung", "Schulferien", "Jugendliche"),
    "alkohol": ("alkoholische Getränke", "Branntwein"),
    "schnaps": ("Branntwein", "branntweinhaltige Getränke", "Alkohol"),
    "wodka": ("Branntwein", "branntweinhaltige Getränke", "Alkohol"),
    "spirituosen": ("Branntwein", "branntweinhaltige Getränke", "Alkohol"),
    "bier": ("alkoholische Getränke", "Alkohol"),
    "kino": ("Filmveranstaltung",),
    "computerspiel": ("Spielprogramme", "Bildträger", "Spiele"),
    "videospiel": ("Spielprogramme", "Bildträger", "Spiele"),
    "arbeiten": ("Beschäftigung",),
    "jobben": ("Beschäftigung",),
    "nebenjob": ("Beschäftigung",),
    "ferien": ("Schulferien",),
    "lehrling": ("Auszubildende",),
    "vertrauensperson": ("Beistand",),
    "begleitperson": ("Beistand",),
    "rauchen": ("Tabakwaren", "Rauchen in der Öffentlichkeit"),
    "zigaretten": ("Tabakwaren",),
    "disco": ("Tanzveranstaltung",),
    "kneipe": ("Gaststätte",),
    "unterhaltsvorschuss": ("Unterhaltsvorschuss", "Unterhaltsleistung", "Unterhaltsvorschussgesetz"),
    "elterngeld": ("Elterngeld",),
    "elternzeit": ("Elternzeit", "Anspruch auf Elternzeit"),
    "datenschutz": ("Sozialdaten", "Schutz von Sozialdaten", "Sozialgeheimnis"),
    "akteneinsicht": ("Akteneinsicht", "Einsicht in die Akten"),
    "hilfeplan": ("Hilfeplan", "Mitwirkung", "Hilfeplanung"),
    "hilfeplangespräch": ("Hilfeplan", "Mitwirkung"),
    "beistand": ("Beistandschaft",),
    "vormund": ("Vormundschaft", "Amtsvormundschaft"),
    "schulsozialarbeit": ("Schulsozialarbeit", "sozialpädagogische Angebote an Schulen"),
    "careleaver": ("junge Volljährige", "Nachbetreuung"),
    "care leaver": ("junge Volljährige", "Nachbetreuung"),
    # Not "volljährige" alone: an adult companion ("die volljährige Freundin") is no care leaver.
    "junge erwachsene": ("junge Volljährige",),
    "jungen erwachsenen": ("junge Volljährige",),
    "junger erwachsener": ("junge Volljährige",),
    "ombudsstelle": ("Ombudsstellen", "Beratung und Vermittlung bei Konflikten"),
    "lotse": ("Verfahrenslotse",),
    "kostenbeitrag": ("Kostenbeitrag", "Heranziehung zu den Kosten"),
    "betriebserlaubnis": ("Erlaubnis für den Betrieb einer Einrichtung",),
    "schutzkonzept": ("Konzept zum Schutz vor Gewalt", "Schutzkonzept"),
    "eingliederungshilfe": ("Eingliederungshilfe", "seelische Behinderung"),
    "frühe hilfen": ("Frühe Hilfen", "Netzwerke Kinderschutz"),
    "arzt": ("Berufsgeheimnisträger", "Ärztinnen oder Ärzte"),
    "ärztin": ("Berufsgeheimnisträger", "Ärztinnen oder Ärzte"),
    "lehrer": ("Lehrerinnen oder Lehrer", "Berufsgeheimnisträger"),
    "schweigepflicht": ("Berufsgeheimnisträger", "Befugnis zur Datenübermittlung"),
    # Administrative and everyday phrasings of legal concepts.
    "bescheid": ("Verwaltungsakt",),
    "welches jugendamt": ("örtliche Zuständigkeit",),
    "aussuchen": ("Wunsch- und Wahlrecht", "wählen"),
    "mitbestimmen": ("Wunsch- und Wahlrecht", "Beteiligung"),
    "krankenhaus": ("gesundheitliche Gründe", "Notsituation"),
    # How questions ask for an amount, an age or a duration, and how laws state them.
    "wie alt": ("Alter", "Lebensjahr"),
    "welchem alter": ("Lebensjahr",),
    "wie hoch": ("Höhe",),
    "wer hat anspruch": ("Berechtigte",),
    "wer bekommt": ("Berechtigte",),
    "wer erhält": ("Berechtigte",),
}


@dataclass(frozen=True)
class _Expansions:
    keys: tuple[str, ...]  # group "k<n>" of `any_case`/`inflected` matched keys[n]
    terms: dict[str, tuple[str, ...]]  # lower-cased key -> terms (thesaurus and any-case abbreviations)
    exact: dict[str, tuple[str, ...]]  # abbreviation as written -> terms
    any_case: re.Pattern[str]  # every key as a whole word
    inflected: re.Pattern[str]  # the same, thesaurus keys also inflected
    exact_case: re.Pattern[str] | None
    heads: re.Pattern[str]  # thesaurus words at the start of a longer word


# A thesaurus key's words also match inflected ("Frühen Hilfen" finds "frühe hilfen"); abbreviations
# match as written.
_INFLECTION = r"(?:e|n|en|er|es|em|s)?"


def _alternation(keys: list[str]) -> str:
    return "|".join(re.escape(key) for key in sorted(keys, key=len, reverse=True))


def _inflected(key: str) -> str:
    return r"\s+".join(re.escape(word) + _INFLECTION for word in key.split())


@lru_cache(maxsize=1)
def _expansions() -> _Expansions:
    raw = yaml.safe_load(ABBREVIATIONS_FILE.read_text(encoding="utf-8")) or {}
    any_case = {str(k).lower(): tuple(v) for k, v in (raw.get("any_case") or {}).items()}
    exact = {str(k): tuple(v) for k, v in (raw.get("exact_case") or {}).items()}
    terms = {**THESAURUS, **any_case}
    keys = tuple(sorted(terms, key=len, reverse=True))  # longest first: "care leaver" before "leaver"
    plain = "|".join(f"(?P<k{n}>{re.escape(key)})" for n, key in enumerate(keys))
    inflected = "|".join(
        f"(?P<k{n}>{_inflected(key) if key in THESAURUS else re.escape(key)})" for n, key in enumerate(keys)
    )
    heads = [key for key in THESAURUS if " " not in key and len(key) >= _MIN_HEAD]
    return _Expansions(
        keys,
        terms,
        exact,
        re.compile(rf"\b(?:{plain})\b", re.IGNORECASE),
        re.compile(rf"\b(?:{inflected})\b", re.IGNORECASE),
        re.compile(rf"\b({_alternation(list(exact))})\b") if exact else None,
        re.compile(rf"\b({_alternation(heads)})(\w{{{_MIN_HEAD},}})", re.IGNORECASE),
    )


# "14-Jährige", "ein 19-jähriger": laws speak of the completed Lebensjahr and of the age groups of
# § 7 SGB VIII (Kind under 14, Jugendlicher under 18, junger Volljähriger under 27); the JArbSchG
# counts a 14-year-old still as a Kind (§ 2 JArbSchG), so 14 brings both.
_AGE = re.compile(r"\b(\d{1,2})\s*-?\s*j(?:ä|ae)hrig", re.IGNORECASE)


def _age_terms(age: int) -> tuple[str, ...]:
    group: tuple[str, ...] = ()
    if age <= 14:
        group += ("Kind",)
    if 14 <= age < 18:
        group += ("Jugendlicher",)
    if 18 <= age < 27:
        group += ("junger Volljähriger",)
    return ("Lebensjahr", *group)


def expand(query: str, known: Callable[[str], bool] | None = None) -> str:
    """The query with the legal terms for its everyday terms and abbreviations appended (see `additions`)."""
    added = additions(query, known)
    return query if not added else f"{query} ({' '.join(added)})"


def additions(query: str, known: Callable[[str], bool] | None = None) -> list[str]:
    """The legal terms for every everyday term and abbreviation found in the query, not already in it.

    With `known` (is this lower-case word in the corpus?), as the search calls it, everyday terms
    also match inflected ("Frühen Hilfen") and as the head of a compound whose rest is a known word
    ("Kitaplatz" expands like "Kita", "Heimat" does not), and ages bring the legal age groups.
    Without it only whole words match (what the answer code weighs a question's coverage by).
    """
    whole, by_modifier = split_additions(query, known)
    return [*whole, *by_modifier]


def split_additions(query: str, known: Callable[[str], bool] | None = None) -> tuple[list[str], list[str]]:
    """`additions` in two: those of whole words, and those only a compound's first part brought
    ("Kitaplatz" -> the terms of "Kita"; a compound names something of that thing: "Heimaufsicht" is
    a kind of Aufsicht, not of Heim)."""
    whole = _distinct(query, _whole_word_terms(query, known))
    return whole, [term for term in _distinct(query, _modifier_terms(query, known)) if term not in whole]


def _whole_word_terms(query: str, known: Callable[[str], bool] | None) -> list[tuple[str, ...]]:
    table = _expansions()
    pattern = table.any_case if known is None else table.inflected
    found = [table.terms[table.keys[int(str(m.lastgroup)[1:])]] for m in pattern.finditer(query)]
    if table.exact_case is not None:
        found += [table.exact[m.group(1)] for m in table.exact_case.finditer(query)]
    if known is not None:
        found += [_age_terms(int(m.group(1))) for m in _AGE.finditer(query)]
    return found


def _modifier_terms(query: str, known: Callable[[str], bool] | None) -> list[tuple[str, ...]]:
    if known is None:
        return []
    table = _expansions()
    found: list[tuple[str, ...]] = []
    for match in table.heads.finditer(query):
        rest = match.group(2).lower()
        if any(rest.startswith(fuge) and known(rest[len(fuge) :]) for fuge in _FUGEN):
            found.append(table.terms[match.group(1).lower()])
    return found


def _distinct(query: str, found: list[tuple[str, ...]]) -> list[str]:
    """The terms in order, each once, without those the query already says."""
    lowered = query.lower()
    added: list[str] = []
    for terms in found:
        for term in terms:
            if term.lower() not in lowered and term not in added:
                added.append(term)
    return added
