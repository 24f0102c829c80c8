"""The issue #10 gate sets: case questions the first sets did not cover, and benign look-alikes.

`generate_case_variants` writes case questions from new templates (lower case, no cue word, foreign,
hyphenated and initialled names, office file numbers, insurance numbers, phone formats, addresses in
running text, quasi-identifiers); `generate_benign_lookalikes` writes questions that look like case
data and are none: ages of groups, law dates, §§, amounts, offices, places, and names of officials that
the indexed press releases and `knowledge/documents` print. Ids: "gv-…" and "gl-…".
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable

from evals.gate_filler import CITIES, Piece
from evals.gate_model import LabelledQuestion
from evals.gate_templates import render
from evals.gate_variant_slots import VariantFiller

VARIANT_SEED, VARIANT_CASES, LOOKALIKE_BENIGN = 1010, 360, 340

_SLOTS: dict[str, Callable[[VariantFiller], Piece]] = {
    "name_klein": lambda f: f.name(lower=True),
    "name": lambda f: f.name(),
    "name_fremd": lambda f: f.name(listed=False),
    "name_fremd_klein": lambda f: f.name(lower=True, listed=False),
    "vorname": lambda f: f.first_name(),
    "vorname_klein": lambda f: f.first_name(lower=True),
    "bindestrich": lambda f: f.hyphenated(),
    "bindestrich_klein": lambda f: f.hyphenated(lower=True),
    "initialen": lambda f: f.initials(with_surname=False),
    "initial_name": lambda f: f.initials(with_surname=True),
    "frau_klein": lambda f: f.cue_surname(f.pick(["frau", "herr", "familie"])),
    "familie": lambda f: f.cue_surname(f.pick(["Familie", "Frau", "Herrn", "KM", "KV"])),
    "geburt": VariantFiller.birth,
    "geburtsjahr": lambda f: Piece.labelled("DATE_OF_BIRTH", str(f.date().year), "geboren "),
    "akte": VariantFiller.office_file_number,
    "versicherung": VariantFiller.insurance,
    "telefon": VariantFiller.phone_variant,
    "mail_worte": VariantFiller.email_words,
    "adresse": VariantFiller.street_running,
    "iban": VariantFiller.iban_variant,
    "kennzeichen": VariantFiller.plate_lower,
    "klasse": VariantFiller.school_class,
    "geburt_ort": VariantFiller.birth_place,
    "alter": lambda f: f.age(adjective=False),
    "stadt": lambda f: Piece(f.pick(CITIES)),
}

CASE_VARIANT_TEMPLATES = [
    "darf ich {name_klein} zur erziehungsberatung schicken, ohne die eltern zu fragen?",
    "{name_klein} ist seit montag nicht in der kita. muss ich das melden?",
    "wie lange darf ich die akte von {name_klein} aufbewahren?",
    "{name} will nicht mehr nach Hause. Was sagt § 42 SGB VIII?",
    "Wie unterstütze ich {name} bei der Suche nach einer Wohngruppe?",
    "Bekommt {name_fremd} Hilfe für junge Volljährige nach § 41?",
    "{name_fremd_klein} hat heute angerufen und will Akteneinsicht.",
    "Darf ich {vorname} ohne Zustimmung der Mutter in die Notunterkunft bringen?",
    "ich habe {vorname_klein} gestern im jugendzentrum gesehen, sie wirkte verletzt. was nun?",
    "{bindestrich} kommt seit Wochen nicht zur Schule – wer ist zuständig?",
    "soll ich {bindestrich_klein} an die insoweit erfahrene fachkraft melden?",
    "Kind {initialen}, {geburtsjahr}, lebt bei der Oma. Ist das Vollzeitpflege?",
    "{initialen} ({alter}) hat blaue Flecken. Wie dokumentiere ich das?",
    "{initial_name} hat den Hilfeplan nicht unterschrieben. Was jetzt?",
    "{frau_klein} möchte wissen, ob ihr der Unterhaltsvorschuss zusteht.",
    "Wie gehe ich mit {familie} um, wenn sie den Hausbesuch verweigert?",
    "Mein Klient {name}, {geburt}, braucht eine Wohnung. Welche Hilfe gibt es?",
    "{name_klein} {geburt} – darf ich die Akte an das Gericht geben?",
    "Bitte Stand prüfen: {akte}. Ist die Frist nach § 36a abgelaufen?",
    "Kann ich {akte} an die Wohngruppe weitergeben?",
    "Im Vorgang von {familie} fehlt ein Bescheid: {akte}",
    "Die Versicherungsnummer {versicherung} von {name} liegt vor – darf ich sie speichern?",
    "{name} hat die Nummer {versicherung} angegeben. Braucht die Krankenkasse mehr?",
    "Die Mutter ist unter {telefon} erreichbar. Darf ich sie anrufen?",
    "ruf bitte {frau_klein} unter {telefon} an wegen des termins",
    "Sie schreibt von {mail_worte} – darf ich per Mail antworten?",
    "Die Familie wohnt in der {adresse}. Welches Jugendamt ist zuständig?",
    "sie wohnen jetzt {adresse}, ist das jugendamt {stadt} zuständig?",
    "{name} ist nach {adresse} gezogen. Wer übernimmt den Fall?",
    "Rückzahlung an {iban} für {familie} – wer gibt das frei?",
    "Das Auto {kennzeichen} steht jeden Abend vor der Kita. Müssen wir handeln?",
    "{name} aus der {klasse} wird gemobbt. Welche Hilfe passt?",
    "In der {klasse} fehlt {vorname} seit Tagen. Ab wann ist das ein Fall für uns?",
    "Das Kind wurde {geburt_ort}. Ist das Jugendamt dort zuständig?",
    "{vorname}, {geburt_ort}, lebt jetzt in einer Pflegefamilie. Wer zahlt?",
    "Darf {name_klein} ({alter}) allein zum Vater fahren?",
    "Die Schule meldet {name}, {alter}, Tel. der Eltern {telefon}.",
    "Bei {familie} ({adresse}) gibt es Hinweise auf Gewalt. Was tun?",
]

OFFICIALS = (
    # ../shared/corpus/press
    "Torsten Göpfert",
    "Sozialdezernent Torsten Göpfert",
    "Christoph Helms",
    "Landrätin Astrid Klinkert-Kittel",
    "Harald Rode",
    "Viktoria Bertram",
    "Jens Meyer",
    "Birgit Westers",
    "Staatssekretär Lorenz Bahr",
    "Dr. Nicolas Apitzsch",
    "Landrat Michael Makiolla",
    "Martin Hennicke",
    "Anna Traub",
    "Max Rolke",
    # knowledge/documents (fictional sample press releases)
    "Jugendamtsleiterin Erika Mustermann",
    "Sozialdezernent Max Mustermann",
    "Landrat Jonas Beispiel",
    "Oberbürgermeister Thomas Test",
    "Dr. Maria Beispiel",
    "Jugendamtsleiter Karl Vorlage",
)
BENIGN_VARIANT_SLOTS: dict[str, tuple[str, ...]] = {
    "official": OFFICIALS,
    "age": (
        "eine 14-jährige Schülerin",
        "ein 17-Jähriger",
        "Kinder unter sechs Jahren",
        "ein 15-jähriger Schüler",
        "Jugendliche ab 16 Jahren",
        "ein sechsjähriges Kind",
        "Mädchen zwischen 12 und 14 Jahren",
        "ein 9-jähriger Junge",
        "junge Volljährige bis 21",
        "eine 17-jährige Mutter",
        "Kinder ab drei Jahren",
    ),
    "law_date": (
        "seit dem 1. Januar 2023",
        "ab dem 01.08.2026",
        "zum 1. Januar 2028",
        "bis zum 31.12.2025",
        "vom 10. Juni 2021",
        "Stand 29.03.2026",
        "seit 2024",
        "ab 1. August 2026",
        "mit Wirkung vom 01.01.2024",
    ),
    "para": (
        "§ 35a Abs. 1a",
        "§§ 61 bis 65",
        "§ 8a Abs. 4 Satz 1 Nr. 2",
        "Art. 9 Abs. 2 lit. h DSGVO",
        "§ 1684 BGB",
        "§ 42a Abs. 1 Satz 2",
        "§ 94 Abs. 6",
        "§ 10b",
        "§ 86 Abs. 1 Satz 2",
        "§ 4 Abs. 3 KKG",
    ),
    "amount": (
        "1.200 Euro",
        "25 Prozent",
        "250,50 €",
        "15000 Euro",
        "3.500 € im Jahr",
        "75 % des Einkommens",
    ),
    "office": (
        "das Jugendamt der Stadt Konstanz",
        "der Landkreis Göppingen",
        "der ASD Nord",
        "der Kreis Unna",
        "das LWL-Landesjugendamt",
        "das Jugendamt Northeim",
        "der Deutsche Verein",
        "der Kreis Pinneberg",
        "die Stadt Norderstedt",
        "das Jugendamt im Landkreis Musterstadt",
    ),
    "city": tuple(CITIES),
    "court": ("BGH XII ZB 34/21", "BVerfG 1 BvR 1178/14", "OLG Hamm 2 UF 123/20", "BVerwG 5 C 12/19"),
    "school": ("die Grundschule Am Park", "eine Gesamtschule", "die Klasse 5", "das Goethe-Gymnasium"),
}

BENIGN_VARIANT_TEMPLATES = [
    "Was hat {official} beim Fachtag gesagt?",
    "Wie begründet {official} die Kooperation der Jugendämter?",
    "was sagte {official} zum fachkräftemangel?",
    "Welche Rolle hat {official} bei der Präventionskette?",
    "Hat {age} Anspruch auf Hilfe zur Erziehung?",
    "Darf {age} ohne Zustimmung der Eltern beraten werden?",
    "Was gilt {law_date} für {age}?",
    "Welche Kostenbeiträge gelten {law_date} nach § 94?",
    "Was regelt {para}?",
    "wie ist {para} zu verstehen?",
    "Gilt {para} auch {law_date}?",
    "Ist ein Kostenbeitrag von {amount} zulässig?",
    "Ab welchem Einkommen werden {amount} fällig?",
    "Wie arbeitet {office} mit freien Trägern zusammen?",
    "Ist {office} auch für Familien aus {city} zuständig?",
    "Welche Hilfen bietet {office} {law_date} an?",
    "Wie ist {court} zum Umgangsrecht zu verstehen?",
    "Was folgt aus {court} für die Inobhutnahme?",
    "Wie meldet {school} eine Kindeswohlgefährdung?",
    "Darf {school} Daten an das Jugendamt in {city} geben?",
    "Gibt es in {city} eine Beratungsstelle für {age}?",
    "Der Koch der Kita fragt nach Hygieneregeln – gilt das Infektionsschutzgesetz?",
    "Was sagt der Richter am Familiengericht in {city} zum Sorgerecht?",
    "wann muss die Fischerei-Genossenschaft als Arbeitgeber für {age} das JArbSchG beachten?",
    "Kann der Vormund {law_date} über den Aufenthalt entscheiden?",
    "Muss die Pflegefamilie in {city} {amount} Kostenbeitrag zahlen?",
    "Wie lange dauert eine Hilfeplanung nach § 36 für {age}?",
    "Welche Pflichten hat {office} nach {para}?",
]


def generate_case_variants(n: int = VARIANT_CASES, seed: int = VARIANT_SEED) -> list[LabelledQuestion]:
    """`n` labelled case questions; the templates take turns."""
    filler = VariantFiller(seed)
    templates = CASE_VARIANT_TEMPLATES
    return [
        render(
            templates[i % len(templates)],
            lambda slot: _SLOTS[slot](filler),
            "case",
            f"gv-{i + 1:04d}",
            capitalize=False,  # lower-case questions stay lower case
        )
        for i in range(n)
    ]


def generate_benign_lookalikes(n: int = LOOKALIKE_BENIGN, seed: int = VARIANT_SEED) -> list[LabelledQuestion]:
    """`n` distinct benign questions that look like case data."""
    rng = random.Random(seed)
    questions: dict[str, LabelledQuestion] = {}
    for i in range(n * 30):
        template = BENIGN_VARIANT_TEMPLATES[i % len(BENIGN_VARIANT_TEMPLATES)]
        question = render(
            template, lambda slot: Piece(rng.choice(BENIGN_VARIANT_SLOTS[slot])), "benign", capitalize=False
        )
        questions.setdefault(question.text, question)
        if len(questions) == n:
            break
    return [dataclasses.replace(q, id=f"gl-{i + 1:04d}") for i, q in enumerate(questions.values())]
