"""Word lists and regex pieces for recognising German names without an NER model.

Without a trained model a capitalised German word is as likely a noun as a name ("das Kind Anspruch hat"),
so names are recognised by context (Frau/Herr/Familie, an age or birth date after them), by a known
first name (`name_lists`), or by being no German word at all (`lexicon`). The lists are built when a
recognizer is built, never on import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .lexicon import Lexicon


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of `text`; keeps long word lists readable."""
    return frozenset(text.split())


# First names that are also ordinary German words, months or places ("im August", "Ernst der Lage",
# "Jugendamt Hagen"): as a bare word they say nothing about a person.
AMBIGUOUS_FIRST_NAMES = word_set(
    """
    August Ernst Mark Rose Heide Wolf Hagen Roman German Nazi Imam İmam Meta Immo Ion Georgia Flora
    Stern Engel Sonne Lore Ante Said Baba Jean Toy Tan Ulu Evde Linde Gabe Hase Fuchs Will Hope Sieg
    Ehre Liebe Glaube Kader Ülke Özel Erde Paris Florenz Stan Bali Kete Siti Tali Nas Giz Gök Oder
    Juni Juli Mai Tag Sofort Stadt Land Amt Solange Mentor Line Van Asia Jordan Jesus
    Horst Holm Marine Medina Neptun Islam Romane Gurten Kaiser Server Milan Maxime
    Grace Joy Jack Luke Merlin Mercedes Mohr Kino Elektron
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


def looks_like_noun(word: str, lexicon: Lexicon | None = None) -> bool:
    """True for capitalised words that are roles, common nouns, stop words or German words, not names.

    A word on a name list is a name ("Frau Lange", "Herr Richter", "Familie Bruder"); a dictionary word
    that is on no name list is not ("Familie Hilfe", "die 14-jährige Schülerin").
    """
    from spacy.lang.de.stop_words import STOP_WORDS

    bare = word.rstrip(".,;:")
    if bare in COMMON_NOUNS:
        return True
    if lexicon is not None and lexicon.is_name(bare):
        return False  # before the roles and stop words: "Herr Richter", "Frau Lange"
    lowered = bare.lower()
    if bare in ROLE_WORDS or lowered in STOP_WORDS:
        return True
    if lexicon is not None and lexicon.is_word(bare):
        return True
    return len(lowered) > 5 and lowered.endswith(NOUN_ENDINGS)
