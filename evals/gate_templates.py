"""The first generated gate sets (snapshot `gate_cases.jsonl`, `gate_benign.jsonl`): their templates.

Case questions are written the way staff type them ("Kevin Schulz, 9 Jahre, wohnt in der Hauptstraße 12
…") with every personal-data span labelled; benign questions mention laws, offices, dates of laws and ages
of groups and must pass. The newer, harder sets are in `gate_variants`.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable, Sequence

import regex

from evals.gate_filler import CITIES, Filler, Piece
from evals.gate_model import LabelledQuestion, LabelledSpan

DEFAULT_SEED, DEFAULT_CASES, DEFAULT_BENIGN = 2026, 400, 300


_CASE_SLOTS: dict[str, Callable[[Filler], Piece]] = {
    "name": lambda f: f.person("name"),
    "vorname": lambda f: f.person("vorname"),
    "anrede": lambda f: f.person("anrede"),
    "familie": lambda f: f.person("familie"),
    "kleine": lambda f: f.person("kleine"),
    "surname": lambda f: Piece.labelled("PERSON", f.names()[1]),
    "age": lambda f: f.age(adjective=False),
    "age_adj": lambda f: f.age(adjective=True),
    "dob": Filler.birth_date,
    "address": lambda f: f.address(with_town=False),
    "address_town": lambda f: f.address(with_town=True),
    "phone": Filler.phone,
    "email": Filler.email,
    "iban": Filler.iban,
    "tax_id": Filler.tax_id,
    "tax_number": Filler.tax_number,
    "svnr": Filler.social_security,
    "kvnr": Filler.health_insurance,
    "file": Filler.file_number,
    "file_plain": lambda f: f.file_number(with_prefix=False),
    "plate": Filler.plate,
    "city": lambda f: Piece(f.pick(CITIES)),
}

CASE_TEMPLATES = [
    "{name}, {age}, wohnt in der {address} in {city} – darf ich das Jugendamt {city} informieren?",
    "{anrede} hat heute angerufen und will Akteneinsicht. Was muss ich nach § 25 SGB X beachten?",
    "Wie gehe ich vor, wenn {familie} ({address_town}) den Hausbesuch verweigert?",
    "Kann ich die Akte {file} an das Familiengericht geben? Es geht um {name}, {dob}.",
    "{kleine} ist seit Montag nicht in der Kita, die Mutter ist unter {phone} erreichbar. Muss ich melden?",
    "Die Mutter, {anrede}, hat mir ihre E-Mail {email} gegeben. Darf ich ihr den Hilfeplan schicken?",
    "Für die Rückforderung bei {familie}: IBAN {iban} – ist das nach § 92 SGB VIII zulässig?",
    "{anrede} (Steuer-ID {tax_id}) fragt nach dem Kostenbeitrag. Wie berechne ich ihn?",
    "Der Vater, {name}, Rentenversicherungsnummer {svnr}, zahlt keinen Unterhalt. Greift das UVG?",
    "Wir haben das Auto mit dem Kennzeichen {plate} vor der Wohnung von {familie} gesehen. Was nun?",
    "Meldung nach § 8a: {name}, {age}, die Schule meldet blaue Flecken. Wer ist zuständig?",
    "Die {age_adj} {vorname} aus der {address} hat sich bei uns gemeldet – ist eine Inobhutnahme möglich?",
    "Bitte prüfen: {name}, {dob}, wohnhaft {address_town}. Ist das Jugendamt {city} zuständig?",
    "Der Kindsvater ({name}, Tel. {phone}) will Auskunft über seine Tochter. Darf ich die geben?",
    "Wie lange dürfen wir die Akte {file} von {familie} aufbewahren?",
    "{vorname} ({age}) will nicht mehr nach Hause. Was sagt § 42 SGB VIII dazu?",
    "Der Pflegevater {name} fährt das Kind mit dem Wagen {plate} zur Schule – braucht er eine Erlaubnis?",
    "Die Steuernummer {tax_number} von {anrede} liegt vor – darf ich die Einkommensunterlagen anfordern?",
    "Darf ich die Sozialversicherungsnummer {svnr} von {anrede} an die Wohngruppe weitergeben?",
    "Im Verfahren {file} soll ich einen Bericht schreiben. Was gehört hinein?",
    "{anrede} hat als Kinderarzt angerufen: {kleine} sei oft verletzt. Was tun?",
    "{familie} ist von {address_town} nach {city} gezogen. Wer ist jetzt zuständig?",
    "Mail von {email}: die Mutter will den Termin absagen. Muss ich das dokumentieren?",
    "Kann ich {anrede} unter {phone} zurückrufen, obwohl sie anonym bleiben wollte?",
    "{name} ({age}) und ihr Bruder leben bei der Oma – ist das Vollzeitpflege nach § 33?",
    "Im Fall {name}, {dob}, gibt es einen neuen Bescheid – wie lege ich Widerspruch ein?",
    "Kind: {name}, {age}. Ansprechpartner: {anrede}. Welche Hilfe zur Erziehung passt?",
    "{kleine} lebt mit der Mutter in der {address}; der Vater hat kein Sorgerecht. Darf er ihn abholen?",
    "Ich habe mit {anrede} über {vorname} gesprochen. Wie dokumentiere ich das Gespräch?",
    "Überweisung des Pflegegelds an {iban} für {familie} – wer muss das freigeben?",
    "{name} hat die Steuer-ID {tax_id} angegeben. Brauchen wir die für den Kostenbeitrag?",
    "Hat {familie} Anspruch auf Unterhaltsvorschuss? Az. {file_plain}",
    "Die {age_adj} {vorname} und ihr Freund wurden mit dem Kennzeichen {plate} gesehen. Müssen wir handeln?",
    "Wie schreibe ich {anrede} ({email}) an, ohne dass der Vater davon erfährt?",
    "Ist die Adresse {address_town} von {familie} im Hilfeplan zu schwärzen?",
    "{name}, {dob}, hat eine Krankenversichertennummer {kvnr} – darf die in die Akte?",
    "Herr Dr. {surname} vom Gesundheitsamt möchte Auskunft über {name} ({age}). Ist das erlaubt?",
]

BENIGN_TEMPLATES = [
    "Was regelt {para} {law} genau?",
    "Wann liegt eine Kindeswohlgefährdung nach § 8a SGB VIII vor?",
    "Ist das Jugendamt {city} zuständig, wenn die Familie in den Kreis {city} zieht?",
    "Was hat {role} zur Reform des SGB VIII gesagt?",
    "Wie unterstützt der Kreis {city} Familien mit kleinen Kindern?",
    "Hat {age_group} Anspruch auf Hilfe zur Erziehung nach § 27?",
    "Welche Fassung gilt: {date_law}?",
    "Was bedeutet {para} Abs. 4 Satz 1 Nr. 2 {law}?",
    "Was gilt {date_law} für {age_group}?",
    "Wenn die Familie Hilfe ablehnt, was kann das Jugendamt {city} tun?",
    "Muss die Mutter Unterhalt zahlen, wenn das Kind in einer Pflegefamilie lebt?",
    "Hat das Kind Anspruch auf einen Kita-Platz {date_law}?",
    "Wie unterstütze ich eine junge Frau, die Hilfe sucht, nach § 19 SGB VIII?",
    "Wer ist die insoweit erfahrene Fachkraft beim Jugendamt {city}?",
    "Gibt es die Beratungsstelle in der Friedrich-Ebert-Straße in {city} noch?",
    "Wie ist der Beschluss BGH XII ZB 34/21 zum Umgangsrecht zu verstehen?",
    "Was sagt BVerfG, Beschluss vom 19.11.2014 – 1 BvR 1178/14, zur Inobhutnahme?",
    "Welche Änderungen brachte das KJSG vom 3. Juni 2021 für {age_group}?",
    "Was steht in der Drucksache 19/26107 zur Verfahrenslotsin nach § 10b?",
    "Wie hoch ist der Kostenbeitrag für {age_group} in Vollzeitpflege?",
    "Darf {role} Einsicht in Akten des Jugendamts {city} nehmen?",
    "Wie arbeiten die Familie und das Jugendamt beim Hilfeplan nach § 36 zusammen?",
    "Was ändert sich {date_law} bei der Kostenheranziehung junger Menschen nach § 94?",
    "Gilt die Satzung des Jugendamts {city} ({date_law}) auch für Tagespflegepersonen?",
    "Welche Rolle hat der Vater, wenn die Eltern nicht verheiratet sind?",
    "Wann ist {age_group} nach § 42a vorläufig in Obhut zu nehmen?",
    "Welche Pflichten hat eine Tagesmutter nach § 43 SGB VIII?",
    "Wie melde ich eine Kindeswohlgefährdung an das Familiengericht nach § 8a Abs. 2?",
    "Was gilt für Kinder, die {date_law} geboren wurden, beim Elterngeld nach dem BEEG?",
    "Wie viele Fachkräfte braucht eine Kita-Gruppe für {age_group}?",
    "Ist ISE nach § 35 SGB VIII auch im Ausland möglich?",
    "Welche Daten darf der ASD nach § 64 SGB VIII an die Schule übermitteln?",
    "Darf das Jugendamt {city} Sozialdaten nach § 69 SGB X an die Polizei geben?",
    "Was regelt § 4 KKG zur Beratung von Berufsgeheimnisträgern?",
    "Wie hat {role} den Fachtag am 13.02.2026 in {city} eröffnet?",
    "Wie lange gilt die Übergangsregelung bis zum 1. Januar 2028 für Verfahrenslotsen?",
    "Wann bekommt eine alleinerziehende Mutter Unterhaltsvorschuss nach dem UVG?",
    "Im Fall 2 der Fortbildung ging es um {age_group}. Welche Hilfe passt?",
    "In der Klasse 5 fehlt ein Kind oft. Ab wann ist das ein Fall für das Jugendamt?",
    "Welche Hilfen gibt es für Familien in {city} nach § 16 SGB VIII?",
    "Was ist der Unterschied zwischen § 27 und § 35a SGB VIII für {age_group}?",
    "Kann der Jugendhilfeausschuss des Kreises {city} die Richtlinien {date_law} ändern?",
]
BENIGN_SLOTS: dict[str, Sequence[str]] = {
    "para": ["§ 8a", "§ 27", "§ 35a", "§ 42", "§ 41", "§ 86", "§ 90", "§ 1", "§ 13", "§ 50", "§ 72a"],
    "law": ["SGB VIII", "SGB X", "SGB I", "KKG", "UVG", "BEEG", "JuSchG", "KiQuTG"],
    "city": CITIES,
    "role": [
        "Frau Ministerin", "Herr Bürgermeister", "Frau Landrätin", "die Kollegin", "Herr Landrat",
        "der Amtsleiter", "Frau Präsidentin", "die Staatssekretärin", "der Jugendhilfeausschuss",
    ],
    "age_group": [
        "ein 9-jähriges Kind", "Jugendliche ab 16 Jahren", "Kinder unter 3 Jahren", "eine 17-Jährige",
        "junge Volljährige bis 21 Jahre", "ein 14-jähriger Jugendlicher", "Kinder zwischen 6 und 12 Jahren",
        "Kinder bis 14 Jahre", "ein Kind ab dem vollendeten ersten Lebensjahr",
    ],
    "date_law": [
        "Stand 29.03.2026", "ab dem 1. Januar 2024", "seit dem 10.06.2021", "zum 01.01.2028",
        "vom 3. Juni 2021", "ab dem 1. August 2026", "bis zum 31.12.2025", "seit 2023",
    ],
}  # fmt: skip


def render(
    template: str, fill: Callable[[str], Piece], kind: str, qid: str = "", *, capitalize: bool = True
) -> LabelledQuestion:
    text, spans, tags = "", [], set()
    for i, part in enumerate(regex.split(r"\{(\w+)\}", template)):
        piece = fill(part) if i % 2 else Piece(part)
        spans += [LabelledSpan(t, len(text) + s, len(text) + e) for t, s, e in piece.spans]
        tags |= piece.tags
        text += piece.text
    if capitalize:  # "{kleine} ist …" starts a sentence: "Der kleine Finn ist …"
        text = text[:1].upper() + text[1:]
    return LabelledQuestion(qid, text, tuple(spans), kind, template, tuple(sorted(tags)))


def generate_case_data_set(n: int = DEFAULT_CASES, seed: int = DEFAULT_SEED) -> list[LabelledQuestion]:
    """`n` labelled case questions; the templates take turns so every entity type is well covered."""
    filler = Filler(seed)
    return [
        render(
            CASE_TEMPLATES[i % len(CASE_TEMPLATES)],
            lambda slot: _CASE_SLOTS[slot](filler),
            "case",
            f"gc-{i + 1:04d}",
        )
        for i in range(n)
    ]


def generate_benign_set(n: int = DEFAULT_BENIGN, seed: int = DEFAULT_SEED) -> list[LabelledQuestion]:
    """`n` distinct questions without personal data: laws, offices, roles, dates of laws, ages of groups."""
    rng = random.Random(seed)
    questions: dict[str, LabelledQuestion] = {}
    # Templates without slots would repeat verbatim; duplicates are skipped so each question counts once.
    for i in range(n * 20):
        template = BENIGN_TEMPLATES[i % len(BENIGN_TEMPLATES)]
        question = render(template, lambda slot: Piece(rng.choice(BENIGN_SLOTS[slot])), "benign")
        questions.setdefault(question.text, question)
        if len(questions) == n:
            break
    return [dataclasses.replace(q, id=f"gb-{i + 1:04d}") for i, q in enumerate(questions.values())]
