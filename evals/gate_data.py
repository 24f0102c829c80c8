"""Synthetic labelled questions for the case-data gate, and the metrics that judge it.

Case questions are written the way staff type them ("Kevin Schulz, 9 Jahre, wohnt in der Hauptstraße 12
…") with every personal-data span labelled; benign questions mention laws, offices, dates of laws and ages
of groups and must pass. Everything is generated from Faker with a fixed seed, and a snapshot is checked
in under `evals/datasets/` so reviewers can read the data the numbers come from.

    python -m evals.gate_data --write           # regenerate the JSONL snapshot
    python -m evals.gate_data --report [--json] # metrics and timings; exit code 1 if a target is missed
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import regex

ROOT = Path(__file__).resolve().parent.parent
CASES_FILE = ROOT / "evals" / "datasets" / "gate_cases.jsonl"
BENIGN_FILE = ROOT / "evals" / "datasets" / "gate_benign.jsonl"
DEFAULT_SEED, DEFAULT_CASES, DEFAULT_BENIGN = 2026, 400, 300
# Targets of policy rule 1. AGE is no target of its own: an age alone identifies nobody.
RECALL_TARGET, FALSE_REFUSAL_TARGET = 0.95, 0.02
IDENTIFYING_TYPES = (
    "PERSON", "DATE_OF_BIRTH", "ADDRESS", "PHONE_NUMBER", "EMAIL_ADDRESS", "IBAN_CODE", "TAX_ID",
    "SOCIAL_SECURITY_NUMBER", "FILE_NUMBER", "LICENSE_PLATE",
)  # fmt: skip
# One name in five comes from these locales, whose first names the gate's list mostly lacks.
HELD_OUT_LOCALES = ("es_ES", "fr_FR", "hr_HR", "nl_NL", "hu_HU", "cs_CZ", "it_IT")
KNOWN_LOCALES = ("de_DE", "de_DE", "de_AT", "tr_TR", "pl_PL")
CITIES = [
    "Unna", "Dortmund", "Hamm", "Soest", "Bochum", "Münster", "Kamen", "Schwerte", "Lünen", "Konstanz",
    "Göppingen", "Northeim", "Kiel", "Essen", "Bielefeld", "Paderborn", "Bergkamen", "Holzwickede",
]  # fmt: skip
MONTHS = [
    "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November",
    "Dezember",
]  # fmt: skip


@dataclass(frozen=True)
class LabelledSpan:
    type: str
    start: int
    end: int


@dataclass(frozen=True)
class LabelledQuestion:
    """One question; `kind` is "case" or "benign"; `tags` mark e.g. a first name the gate's list lacks."""

    text: str
    spans: tuple[LabelledSpan, ...]
    kind: str
    template: str
    tags: tuple[str, ...] = ()

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, line: str) -> LabelledQuestion:
        data = json.loads(line)
        spans = tuple(LabelledSpan(**span) for span in data.pop("spans"))
        return cls(spans=spans, tags=tuple(data.pop("tags")), **data)


class Gate(Protocol):
    def check(self, text: str) -> Any: ...


@dataclass
class _Piece:
    """A filled slot: its text and the labelled spans inside it (offsets relative to the piece)."""

    text: str
    spans: list[tuple[str, int, int]] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)

    @classmethod
    def labelled(cls, entity_type: str, text: str, prefix: str = "") -> _Piece:
        """`prefix` + `text`, with only `text` labelled ("Az. " + "51.2-1234/25")."""
        return cls(prefix + text, [(entity_type, len(prefix), len(prefix) + len(text))])


class _Filler:
    """Produces slot values for one generated set; seeded, so the output is reproducible."""

    def __init__(self, seed: int) -> None:
        from faker import Faker

        from assistant.gate.names import NAME_LOCALES, load_first_names

        self.rng = random.Random(seed)
        self.known_first_names = load_first_names()
        self.fakers = {loc: Faker(loc) for loc in (*NAME_LOCALES, *HELD_OUT_LOCALES)}
        for offset, faker in enumerate(self.fakers.values()):
            faker.seed_instance(seed + offset)
        self.de = self.fakers["de_DE"]

    def pick(self, options: Sequence[str]) -> str:
        return self.rng.choice(options)

    def digits(self, count: int) -> str:
        return "".join(self.rng.choice("0123456789") for _ in range(count))

    def names(self) -> tuple[str, str, set[str]]:
        held_out = self.rng.random() < 0.2
        faker = self.fakers[self.pick(HELD_OUT_LOCALES if held_out else KNOWN_LOCALES)]
        first, last = self._usable(faker.first_name), self._usable(faker.last_name)
        return first, last, set() if first in self.known_first_names else {"vorname_unbekannt"}

    def _usable(self, draw: Callable[[], str]) -> str:
        for _ in range(50):
            word = draw()
            if regex.fullmatch(r"(?:(?:van|de|von|di|da)\s)?\p{Lu}[\p{L}'-]*\p{Ll}", word):
                return word
        raise RuntimeError("Faker lieferte keinen brauchbaren Namen")

    def person(self, form: str) -> _Piece:
        first, last, tags = self.names()
        prefix, name = {
            "name": ("", f"{first} {last}"),
            "vorname": ("", first),
            "anrede": (self.pick(["Frau ", "Herr ", "Herrn ", "Frau Dr. ", "Herr Dr. "]), last),
            "familie": ("Familie ", last),
            "kleine": (self.pick(["der kleine ", "die kleine "]), first),
        }[form]
        piece = _Piece.labelled("PERSON", name, prefix)
        piece.tags = set() if form in {"anrede", "familie"} else tags  # the cue, not the list, finds these
        return piece

    def age(self, adjective: bool) -> _Piece:
        n = self.rng.randint(1, 17)
        return _Piece.labelled(
            "AGE", f"{n}-jährige" if adjective else self.pick([f"{n} Jahre", f"{n} Jahre alt", f"{n} J."])
        )

    def birth_date(self) -> _Piece:
        day = self.de.date_of_birth(minimum_age=0, maximum_age=17)
        numeric = day.strftime("%d.%m.%Y")
        prefix, date = self.rng.choice([
            ("geb. ", numeric), ("geb. am ", f"{day.day}.{day.month}.{day.year}"),
            ("geboren am ", f"{day.day}. {MONTHS[day.month - 1]} {day.year}"), ("*", numeric),
            ("Geburtsdatum: ", numeric),
        ])  # fmt: skip
        return _Piece.labelled("DATE_OF_BIRTH", date, prefix)

    def address(self, with_town: bool) -> _Piece:
        # Without a town the slot follows "in der", so it must be a street that takes an article.
        extra = ["Am Markt", "Im Winkel", "Zur Mühle"] if with_town else []
        street = self.pick([self.de.street_name()] * 4 + ["Berliner Straße", *extra])
        text = f"{street} {self.rng.randint(1, 140)}{self.pick(['', '', 'a'])}"
        town = f", {self.de.postcode()} {self.pick(CITIES)}" if with_town else ""
        return _Piece.labelled("ADDRESS", text + town)

    def phone(self) -> _Piece:
        import phonenumbers

        while True:
            area = self.pick(
                ["0231", "02303", "030", "089", "0221", "02381", "02921", "0151", "0170", "0176"]
            )
            number = str(self.rng.randint(2, 9)) + self.digits(self.rng.randint(5, 7))
            text = self.pick([f"{area} {number}", f"{area}/{number}", f"{area}-{number}",
                              f"+49 {area[1:]} {number}", f"+49 (0){area[1:]} {number}"])  # fmt: skip
            if phonenumbers.is_valid_number(phonenumbers.parse(text, "DE")):
                return _Piece.labelled("PHONE_NUMBER", text)

    def email(self) -> _Piece:
        first, last, _ = self.names()
        local = regex.sub(r"[^a-z.]", "", f"{first}.{last}".lower()).strip(".") or "kontakt"
        domain = self.pick(["web.de", "gmx.de", "t-online.de", "gmail.com", "posteo.de"])
        return _Piece.labelled("EMAIL_ADDRESS", f"{local}@{domain}")

    def iban(self) -> _Piece:
        iban = self.de.iban()
        spaced = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
        return _Piece.labelled("IBAN_CODE", self.pick([iban, spaced]))

    def tax_id(self) -> _Piece:
        from stdnum.de import idnr
        from stdnum.iso7064 import mod_11_10

        while True:
            body = str(self.rng.randint(1, 9)) + self.digits(9)
            number = body + mod_11_10.calc_check_digit(body)
            if idnr.is_valid(number):
                return _Piece.labelled("TAX_ID", self.pick([number, idnr.format(number)]))

    def tax_number(self) -> _Piece:
        d = self.digits(11)
        return _Piece.labelled("TAX_ID", self.pick([f"{d[:3]}/{d[3:7]}/{d[7:]}", f"{d[:3]}/{d[3:6]}/{d[6:]}",
                                                    f"{d[:2]}/{d[2:5]}/{d[5:10]}"]))  # fmt: skip

    def social_security(self) -> _Piece:
        """A Rentenversicherungsnummer whose check digit passes Presidio's VKVV test."""
        from presidio_analyzer.predefined_recognizers import DeSocialSecurityRecognizer

        validator = DeSocialSecurityRecognizer()
        while True:
            day = self.de.date_of_birth(minimum_age=16, maximum_age=60)
            stem = (
                f"{self.pick(['12', '13', '15', '24', '53', '65'])}{day:%d%m%y}{self.pick('ABDEGHKLMNRSTW')}"
            )
            stem += f"{self.rng.randint(0, 99):02d}"
            number = next((stem + d for d in "0123456789" if validator.validate_result(stem + d)), None)
            if number:
                spaced = f"{number[:2]} {number[2:8]} {number[8]} {number[9:]}"
                return _Piece.labelled("SOCIAL_SECURITY_NUMBER", self.pick([number, number, spaced]))

    def health_insurance(self) -> _Piece:
        """A Krankenversichertennummer whose check digit passes Presidio's test."""
        from presidio_analyzer.predefined_recognizers import DeHealthInsuranceRecognizer

        validator = DeHealthInsuranceRecognizer()
        while True:
            stem = self.pick("ABCDEFGHKLMNPRSTWZ") + self.digits(8)
            number = next((stem + d for d in "0123456789" if validator.validate_result(stem + d)), None)
            if number:
                return _Piece.labelled("SOCIAL_SECURITY_NUMBER", number)

    def file_number(self, with_prefix: bool = True) -> _Piece:
        n, year = self.rng.randint(1, 9999), self.rng.randint(19, 26)
        office = f"51.{self.rng.randint(1, 4)}-{n:04d}/{year}"
        if not with_prefix:
            return _Piece.labelled("FILE_NUMBER", office)
        court = f"{n % 12 + 1} F {n}/{year}"
        prefix, code = self.rng.choice([
            ("Az. ", office), ("AZ: ", f"JA-20{year}-{n:04d}"), ("Aktenzeichen ", court),
            ("Gz. ", f"51-ASD-{n:04d}/{year}"), ("", court), ("", f"ASD-20{year}-{n:04d}"),
        ])  # fmt: skip
        return _Piece.labelled("FILE_NUMBER", code, prefix)

    def plate(self) -> _Piece:
        def letters(count: int) -> str:
            return "".join(self.rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(count))

        district = self.pick(["UN", "DO", "HAM", "SO", "KN", "GP", "B", "M", "BO", "MS"])
        digits = self.rng.randint(1, 9999)
        return _Piece.labelled("LICENSE_PLATE", self.pick([
            f"{district}-{letters(2)} {digits}", f"{district}-{letters(1)} {digits}",
            f"{district}-{letters(2)}-{digits}", self.de.license_plate(),
        ]))  # fmt: skip


_CASE_SLOTS: dict[str, Callable[[_Filler], _Piece]] = {
    "name": lambda f: f.person("name"),
    "vorname": lambda f: f.person("vorname"),
    "anrede": lambda f: f.person("anrede"),
    "familie": lambda f: f.person("familie"),
    "kleine": lambda f: f.person("kleine"),
    "surname": lambda f: _Piece.labelled("PERSON", f.names()[1]),
    "age": lambda f: f.age(adjective=False),
    "age_adj": lambda f: f.age(adjective=True),
    "dob": _Filler.birth_date,
    "address": lambda f: f.address(with_town=False),
    "address_town": lambda f: f.address(with_town=True),
    "phone": _Filler.phone,
    "email": _Filler.email,
    "iban": _Filler.iban,
    "tax_id": _Filler.tax_id,
    "tax_number": _Filler.tax_number,
    "svnr": _Filler.social_security,
    "kvnr": _Filler.health_insurance,
    "file": _Filler.file_number,
    "file_plain": lambda f: f.file_number(with_prefix=False),
    "plate": _Filler.plate,
    "city": lambda f: _Piece(f.pick(CITIES)),
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


def _render(template: str, fill: Callable[[str], _Piece], kind: str) -> LabelledQuestion:
    text, spans, tags = "", [], set()
    for i, part in enumerate(regex.split(r"\{(\w+)\}", template)):
        piece = fill(part) if i % 2 else _Piece(part)
        spans += [LabelledSpan(t, len(text) + s, len(text) + e) for t, s, e in piece.spans]
        tags |= piece.tags
        text += piece.text
    text = text[:1].upper() + text[1:]  # "{kleine} ist …" starts a sentence: "Der kleine Finn ist …"
    return LabelledQuestion(text, tuple(spans), kind, template, tuple(sorted(tags)))


def generate_case_data_set(n: int = DEFAULT_CASES, seed: int = DEFAULT_SEED) -> list[LabelledQuestion]:
    """`n` labelled case questions; the templates take turns so every entity type is well covered."""
    filler = _Filler(seed)
    return [
        _render(CASE_TEMPLATES[i % len(CASE_TEMPLATES)], lambda slot: _CASE_SLOTS[slot](filler), "case")
        for i in range(n)
    ]


def generate_benign_set(n: int = DEFAULT_BENIGN, seed: int = DEFAULT_SEED) -> list[LabelledQuestion]:
    """`n` distinct questions without personal data: laws, offices, roles, dates of laws, ages of groups."""
    rng = random.Random(seed)
    questions: dict[str, LabelledQuestion] = {}
    # Templates without slots would repeat verbatim; duplicates are skipped so each question counts once.
    for i in range(n * 20):
        template = BENIGN_TEMPLATES[i % len(BENIGN_TEMPLATES)]
        question = _render(template, lambda slot: _Piece(rng.choice(BENIGN_SLOTS[slot])), "benign")
        questions.setdefault(question.text, question)
        if len(questions) == n:
            break
    return list(questions.values())


def _tokens(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in regex.finditer(r"\w+|[^\w\s]", text)]


def _type_at(spans: Iterable[Any], start: int, end: int) -> str | None:
    return next((s.type for s in spans if s.start < end and start < s.end), None)


def _ratio(hits: Sequence[bool]) -> float | None:
    return round(sum(hits) / len(hits), 4) if hits else None


def evaluate_gate(gate: Gate, cases: Iterable[LabelledQuestion]) -> dict[str, Any]:
    """Per-type token precision/recall/F2 (counted as presidio-research does), entity recall, false refusals.

    Tokens are words and punctuation marks; a token counts for a type when a labelled (or detected) span of
    that type overlaps it. `entity_recall` counts a labelled span as found when a detected span of the same
    type overlaps it, which is what blocking needs. A benign question with any finding is a false refusal.
    """
    counts: dict[str, dict[str, int]] = {}
    entity_hits: dict[str, list[bool]] = {}
    tag_hits: dict[str, list[bool]] = {}
    case_flags: list[bool] = []
    benign_flags: list[bool] = []
    refused: list[str] = []
    for question in cases:
        detected = gate.check(question.text).entities
        if question.kind == "benign":
            benign_flags.append(bool(detected))
            refused += [question.text] if detected else []
            continue
        case_flags.append(bool(detected))
        for start, end in _tokens(question.text):
            gold, predicted = _type_at(question.spans, start, end), _type_at(detected, start, end)
            for entity_type in {gold, predicted} - {None}:
                c = counts.setdefault(entity_type, {"tp": 0, "fp": 0, "fn": 0})  # type: ignore[arg-type]
                c["tp" if gold == predicted else "fn" if entity_type == gold else "fp"] += 1
        for span in question.spans:
            hit = any(d.type == span.type and d.start < span.end and span.start < d.end for d in detected)
            entity_hits.setdefault(span.type, []).append(hit)
            for tag in question.tags if span.type == "PERSON" else ():
                tag_hits.setdefault(tag, []).append(hit)
    per_type = {}
    for entity_type, c in sorted(counts.items()):
        precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
        recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
        f2 = 5 * precision * recall / (4 * precision + recall) if precision + recall else 0.0
        hits = entity_hits.get(entity_type, [])
        per_type[entity_type] = {
            "precision": round(precision, 4), "recall": round(recall, 4), "f2": round(f2, 4),
            "entities": len(hits), "entity_recall": _ratio(hits),
        }  # fmt: skip
    return {
        "per_type": per_type,
        "case_questions": len(case_flags),
        "question_recall": _ratio(case_flags),
        "benign_questions": len(benign_flags),
        "false_refusal_rate": _ratio(benign_flags),
        "false_refusals": refused,
        "person_recall_by_tag": {tag: _ratio(hits) for tag, hits in tag_hits.items()},
    }


def missed_targets(metrics: dict[str, Any]) -> list[str]:
    """The targets of policy rule 1 that `metrics` miss; empty when the gate meets them."""
    missed = [
        f"{entity_type}: Recall {m['recall']:.3f} < {RECALL_TARGET}"
        for entity_type, m in metrics["per_type"].items()
        if entity_type in IDENTIFYING_TYPES and m["entities"] and m["recall"] < RECALL_TARGET
    ]
    rate = metrics["false_refusal_rate"]
    if rate is not None and rate > FALSE_REFUSAL_TARGET:
        missed.append(f"Fehlablehnungen {rate:.3f} > {FALSE_REFUSAL_TARGET}")
    return missed


def time_gate(gate_factory: Callable[[], Gate], texts: Sequence[str], runs: int = 200) -> dict[str, float]:
    """Cold start in a fresh interpreter, first check in this one, then the median of `runs` checks."""
    probe = (
        "import time; t = time.perf_counter(); from assistant.gate import CaseDataGate; "
        "CaseDataGate().check('Frau Yilmaz ruft an.'); print(time.perf_counter() - t)"
    )
    run = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    gate = gate_factory()
    started = time.perf_counter()
    gate.check(texts[0])
    first = time.perf_counter() - started
    durations = []
    for i in range(runs):
        started = time.perf_counter()
        gate.check(texts[i % len(texts)])
        durations.append(time.perf_counter() - started)
    return {
        "cold_start_s": round(float(run.stdout), 2),
        "first_check_s": round(first, 3),
        "median_ms": round(1000 * statistics.median(durations), 2),
        "p95_ms": round(1000 * statistics.quantiles(durations, n=20)[-1], 2),
        "runs": runs,
    }


def write_jsonl(path: Path, questions: Iterable[LabelledQuestion]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(q.to_json() + "\n" for q in questions), encoding="utf-8")


def read_jsonl(path: Path) -> list[LabelledQuestion]:
    return [
        LabelledQuestion.from_json(line) for line in path.read_text(encoding="utf-8").splitlines() if line
    ]


def _print_report(metrics: dict[str, Any], timings: dict[str, float]) -> None:
    print(f"{'Typ':<24}{'Precision':>10}{'Recall':>8}{'F2':>8}{'Entitäten':>11}{'Entity-Recall':>15}")
    for entity_type, m in metrics["per_type"].items():
        entity_recall = "–" if m["entity_recall"] is None else f"{m['entity_recall']:.3f}"
        print(
            f"{entity_type:<24}{m['precision']:>10.3f}{m['recall']:>8.3f}{m['f2']:>8.3f}"
            f"{m['entities']:>11}{entity_recall:>15}"
        )
    print(
        f"\nFallfragen: {metrics['case_questions']}, erkannt (Frage-Recall): {metrics['question_recall']:.3f}"
    )
    print(f"Personen-Recall nach Markierung: {metrics['person_recall_by_tag']}")
    rate = metrics["false_refusal_rate"]
    print(f"Unbedenkliche Fragen: {metrics['benign_questions']}, Fehlablehnungen: {rate:.3f}")
    for text in metrics["false_refusals"]:
        print(f"  fälschlich markiert: {text}")
    print(
        f"\nZeit: Kaltstart (neuer Prozess: Import, Aufbau, erste Prüfung) {timings['cold_start_s']} s; "
        f"erste Prüfung im Prozess {timings['first_check_s']} s; danach Median {timings['median_ms']} ms, "
        f"p95 {timings['p95_ms']} ms über {timings['runs']} Prüfungen"
    )


def main(argv: Sequence[str]) -> int:
    """`--write` regenerates the snapshot; `--report` evaluates the gate on it (`--json` for scripts)."""
    if not {"--write", "--report"} & set(argv):
        print(__doc__)
        return 2
    if "--write" in argv:
        write_jsonl(CASES_FILE, generate_case_data_set())
        write_jsonl(BENIGN_FILE, generate_benign_set())
        print(f"geschrieben: {CASES_FILE.relative_to(ROOT)}, {BENIGN_FILE.relative_to(ROOT)}")
    if "--report" in argv:
        from assistant.gate import CaseDataGate

        questions = read_jsonl(CASES_FILE) + read_jsonl(BENIGN_FILE)
        metrics = evaluate_gate(CaseDataGate(), questions)
        timings = time_gate(CaseDataGate, [q.text for q in questions])
        if "--json" in argv:
            print(json.dumps({"metrics": metrics, "timings": timings}, ensure_ascii=False, indent=2))
        else:
            _print_report(metrics, timings)
        missed = missed_targets(metrics)
        for line in missed:
            print(f"ZIEL VERFEHLT: {line}", file=sys.stderr)
        return 1 if missed else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
