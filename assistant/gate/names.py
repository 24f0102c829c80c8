"""Word lists and regex pieces for recognising German names without an NER model.

Without a trained model a capitalised German word is as likely a noun as a name ("das Kind Anspruch hat"),
so names are recognised by context (Frau/Herr/Familie, an age or birth date after them) or by a known
first name. The first-name list comes from Faker's person providers for the locales most common among
the families a German youth-welfare office works with; it is built when a recognizer is built, never on
import.
"""

from __future__ import annotations

import importlib

import regex


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of `text`; keeps long word lists readable."""
    return frozenset(text.split())


# Locales whose first names the detector knows; de_CH adds names common among families who came to
# German-speaking countries (Emre, Muhammad, Hamza, Layla). The eval set draws some names from other
# locales on purpose, to measure what happens with names the list does not know.
NAME_LOCALES: tuple[str, ...] = ("de_DE", "de_AT", "de_CH", "tr_TR", "pl_PL", "ro_RO")

# First names that are also ordinary German words, months or places ("im August", "Ernst der Lage",
# "Jugendamt Hagen"): as a bare word they say nothing about a person.
AMBIGUOUS_FIRST_NAMES = word_set(
    """
    August Ernst Mark Rose Heide Wolf Hagen Roman German Nazi Imam İmam Meta Immo Ion Georgia Flora
    Stern Engel Sonne Lore Ante Said Baba Jean Toy Tan Ulu Evde Linde Gabe Hase Fuchs Will Hope Sieg
    Ehre Liebe Glaube Kader Ülke Özel Erde Paris Florenz Stan Bali Kete Siti Tali Nas Giz Gök Oder
    Janina Juni Juli Mai Tag Sofort Stadt Land Amt Solange Mentor Line Van Asia Jordan Jesus
    """
)

# Words that follow "Frau"/"Herr" as a role rather than a surname ("Frau Ministerin").
ROLE_WORDS = word_set(
    """
    Ministerin Minister Bürgermeisterin Bürgermeister Oberbürgermeisterin Oberbürgermeister
    Landrätin Landrat Präsidentin Präsident Staatssekretärin Staatssekretär Abgeordnete Abgeordneter
    Vorsitzende Vorsitzender Kollegin Kollege Kollegen Direktorin Direktor Richterin Richter
    Pfarrerin Pfarrer Pastorin Pastor Doktor Professorin Professor Dezernentin Dezernent
    Amtsleiterin Amtsleiter Leiterin Leiter Sachbearbeiterin Sachbearbeiter Anwältin Anwalt
    Rechtsanwältin Rechtsanwalt Beiständin Beistand Verfahrensbeiständin Verfahrensbeistand Lehrerin
    Lehrer Schulleiterin Schulleiter Kommissarin Kommissar Kanzlerin Kanzler Senatorin Senator
    Stadträtin Stadtrat Kreisdirektorin Kreisdirektor Sozialarbeiterin Sozialarbeiter Fachkraft
    Betreuerin Betreuer Gutachterin Gutachter Ärztin Arzt Therapeutin Therapeut Erzieherin Erzieher
    Vormund Vormünderin Pflegerin Pfleger Beauftragte Beauftragter Kreisdirektorin
    Jugendamtsleiterin Jugendamtsleiter Dr Prof Magister Ingenieur Ingenieurin Nachbarin Nachbar
    Frau Herr Herrn Fr Hr
    """
)

# Capitalised words that follow "Familie", a relation word or stand before ", 9 Jahre" as ordinary nouns.
COMMON_NOUNS = word_set(
    """
    Hilfe Hilfen Anspruch Unterstützung Leistungen Kindergeld Elterngeld Unterhalt Umgang Sorgerecht
    Umgangsrecht Geld Zeit Probleme Schwierigkeiten Sorgen Angst Kontakt Besuch Termin Beratung Rat
    Bedarf Wohngeld Bürgergeld Antrag Einkommen Schulden Kinder Kind Jugend Senioren Frauen Männer
    Gleichstellung Integration Beruf Arbeit Bildung Schule Kita Pflege Gesundheit Soziales Sport
    Kultur Flucht Migration Recht Rechte Pflichten Vorrang Schutz Zugang Wohnung Wohnraum Platz
    Förderung Entlastung Betreuung Erziehung Gewalt Hause Haus Alltag Nachwuchs Nachricht Post
    Bescheid Ärger Streit Konflikte Kosten Beiträge Teilhabe Anteil Interesse Vertrauen Mitwirkung
    Auskunft Einsicht Akteneinsicht Hilfeplan Gespräch Gespräche Ruhe Stress Freunde Verwandte
    Großeltern Eltern Mutter Vater Sohn Tochter Geschwister Bruder Schwester Oma Opa Tante Onkel
    Baby Säugling Mädchen Junge Jungen Jugendliche Jugendlichen Jugendlicher Deutschland Jugendamt
    Jugendämter Amt Gericht Familiengericht Polizei Vormundschaft Pflegekind Pflegefamilie Familie
    Familien Person Personen Leute Mensch Menschen Name Namen Ausweis Papiere Essen Kleidung Hunger
    Urlaub Ferien Schulden Miete Medikamente Therapie Unterkunft Obhut Inobhutnahme Heim Wohngruppe
    Einrichtung Kindeswohl Gefahr Verdacht Anzeige Fragen Frage Antwort Zukunft Sicherheit Nähe
    Abstand Ausbildung Praktikum Studium Job Hartz Ehe Trennung Scheidung Sorge Schwangerschaft
    Geburt Adoption Erfahrung Erfahrungen Wissen Deutschkurs Sprachkurs Klient Klientin Fachkraft
    Fachkräfte Kollegen Mitarbeiter Mitarbeiterin Ärzte Arzt Ärztin Zwillinge Drillinge Säuglinge
    Teenager Schülerin Schülerinnen Azubi Mündel Minderjährige Volljährige Geschwisterkind
    Alleinerziehende Alleinerziehender Betroffene Betroffener Antragsteller Antragstellerin
    Kleinkind Vorname Vornamen Nachname Geschlecht Inland Ausland Geburtsort Anschrift
    Staatsangehörigkeit Deutschland Europa Westfalen Nordrhein Lippe Bayern Hessen Sachsen Berlin
    Hamburg Bremen Niedersachsen Brandenburg Thüringen Saarland NRW Rheinland Pfalz Holstein
    Schleswig Baden Württemberg Mecklenburg Vorpommern Anhalt
    """
) | {
    # Adjectives used as nouns, in every ending: "ein 17-jähriger Geflüchteter", "die Betroffene".
    stem + ending
    for stem in word_set(
        """
        Jugendlich Geflüchtet Erwachsen Betroffen Minderjährig Volljährig Alleinerziehend
        Auszubildend Heranwachsend Schwanger Verletzt Vermisst Behindert Pflegebedürftig
        Asylsuchend Schutzsuchend Unbegleitet Angehörig Verwandt Bekannt Beteiligt Beschuldigt
        Verdächtig Deutsch Fremd Neugeboren
        """
    )
    for ending in ("e", "er", "en", "em")
}

# Endings of abstract and administrative nouns; surnames almost never end like this.
NOUN_ENDINGS: tuple[str, ...] = (
    "ung", "ungen", "heit", "heiten", "keit", "keiten", "schaft", "schaften", "tion", "tionen", "tät",
    "täten", "nis", "nisse", "ismus", "geld", "hilfe", "hilfen", "amt", "ämter", "gericht", "verfahren",
    "gesetz", "antrag", "anspruch", "bedarf", "kosten", "dienst", "stelle", "pflege", "schule", "gruppe",
    "zeit", "plan", "kind", "kinder", "eltern", "familie", "familien",
)  # fmt: skip

# Letters, digits or a hyphen on either side mean the match is part of a longer word or compound
# ("Jens-Drubin-Straße" is a street, not Jens).
WORD_START = r"(?<![\p{L}\p{N}\-])"
WORD_END = r"(?![\p{L}\p{N}\-])"
CAP_WORD = r"\p{Lu}\p{Ll}+(?:\p{Lu}\p{Ll}+)?"  # "Schulz", "McLean"
PARTICLE = r"(?:(?:von|van|de|del|della|di|da|dos|zu|ter|ten|al|el|bin|ibn)\s+(?:(?:der|den|dem|la|le)\s+)?)"
SURNAME = rf"{PARTICLE}?{CAP_WORD}(?:-{CAP_WORD})?"


def _faker_names(attributes: tuple[str, ...], locales: tuple[str, ...]) -> set[str]:
    names: set[str] = set()
    for locale in locales:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for attribute in attributes:
            values = getattr(provider, attribute, ())
            names.update(values.keys() if isinstance(values, dict) else values)
    return names


def load_first_names(locales: tuple[str, ...] = NAME_LOCALES) -> frozenset[str]:
    """First names from Faker's person providers, without ambiguous words and German stop words."""
    from spacy.lang.de.stop_words import STOP_WORDS

    shape = regex.compile(r"^\p{Lu}\p{Ll}{2,}$")
    names = _faker_names(("first_names_female", "first_names_male", "first_names"), locales)
    return frozenset(
        name
        for name in names
        if shape.match(name) and name not in AMBIGUOUS_FIRST_NAMES and name.lower() not in STOP_WORDS
    )


def load_surnames(locales: tuple[str, ...] = NAME_LOCALES) -> frozenset[str]:
    """Surnames from Faker; they overrule the noun heuristics ("Frau Lange", "Herr Richter", "Hartung")."""
    return frozenset(_faker_names(("last_names",), locales) - COMMON_NOUNS)


def looks_like_noun(word: str, known_names: frozenset[str] = frozenset()) -> bool:
    """True for capitalised words that are roles, common nouns, stop words or have a noun ending."""
    from spacy.lang.de.stop_words import STOP_WORDS

    bare = word.rstrip(".,;:")
    if bare in COMMON_NOUNS:
        return True
    if bare in known_names:
        return False
    lowered = bare.lower()
    return (
        bare in ROLE_WORDS or lowered in STOP_WORDS or (len(lowered) > 5 and lowered.endswith(NOUN_ENDINGS))
    )
