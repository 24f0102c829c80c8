"""Slot values for the generated gate sets: names, numbers and codes in the spellings staff type.

Seeded (`random.Random` and `Faker.seed_instance`), so a generator always writes the same questions.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import regex

from assistant.gate.name_lists import fold

# One name in five comes from these locales, whose first names the gate's list mostly lacks.
HELD_OUT_LOCALES = ("es_ES", "fr_FR", "hr_HR", "nl_NL", "hu_HU", "cs_CZ", "it_IT")
KNOWN_LOCALES = ("de_DE", "de_DE", "de_AT", "tr_TR", "pl_PL")
SNAPSHOT_LOCALES = ("de_DE", "de_AT", "de_CH", "tr_TR", "pl_PL", "ro_RO")
CITIES = [
    "Unna", "Dortmund", "Hamm", "Soest", "Bochum", "Münster", "Kamen", "Schwerte", "Lünen", "Konstanz",
    "Göppingen", "Northeim", "Kiel", "Essen", "Bielefeld", "Paderborn", "Bergkamen", "Holzwickede",
]  # fmt: skip
MONTHS = [
    "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November",
    "Dezember",
]  # fmt: skip


@dataclass
class Piece:
    """A filled slot: its text and the labelled spans inside it (offsets relative to the piece)."""

    text: str
    spans: list[tuple[str, int, int]] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)

    @classmethod
    def labelled(cls, entity_type: str, text: str, prefix: str = "") -> Piece:
        """`prefix` + `text`, with only `text` labelled ("Az. " + "51.2-1234/25")."""
        return cls(prefix + text, [(entity_type, len(prefix), len(prefix) + len(text))])


class Filler:
    """Produces slot values for one generated set; seeded, so the output is reproducible."""

    def __init__(self, seed: int) -> None:
        from faker import Faker

        from assistant.gate.name_lists import NameLists

        self.rng = random.Random(seed)
        self.known_first_names = NameLists.load().first
        # The locales of the first snapshot, fixed: the seeds below depend on their order.
        self.fakers = {loc: Faker(loc) for loc in (*SNAPSHOT_LOCALES, *HELD_OUT_LOCALES)}
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
        return first, last, set() if fold(first) in self.known_first_names else {"vorname_unbekannt"}

    def _usable(self, draw: Callable[[], str]) -> str:
        for _ in range(50):
            word = draw()
            if regex.fullmatch(r"(?:(?:van|de|von|di|da)\s)?\p{Lu}[\p{L}'-]*\p{Ll}", word):
                return word
        raise RuntimeError("Faker lieferte keinen brauchbaren Namen")

    def person(self, form: str) -> Piece:
        first, last, tags = self.names()
        prefix, name = {
            "name": ("", f"{first} {last}"),
            "vorname": ("", first),
            "anrede": (self.pick(["Frau ", "Herr ", "Herrn ", "Frau Dr. ", "Herr Dr. "]), last),
            "familie": ("Familie ", last),
            "kleine": (self.pick(["der kleine ", "die kleine "]), first),
        }[form]
        piece = Piece.labelled("PERSON", name, prefix)
        piece.tags = set() if form in {"anrede", "familie"} else tags  # the cue, not the list, finds these
        return piece

    def age(self, adjective: bool) -> Piece:
        n = self.rng.randint(1, 17)
        return Piece.labelled(
            "AGE", f"{n}-jährige" if adjective else self.pick([f"{n} Jahre", f"{n} Jahre alt", f"{n} J."])
        )

    def birth_date(self) -> Piece:
        day = self.de.date_of_birth(minimum_age=0, maximum_age=17)
        numeric = day.strftime("%d.%m.%Y")
        prefix, date = self.rng.choice([
            ("geb. ", numeric), ("geb. am ", f"{day.day}.{day.month}.{day.year}"),
            ("geboren am ", f"{day.day}. {MONTHS[day.month - 1]} {day.year}"), ("*", numeric),
            ("Geburtsdatum: ", numeric),
        ])  # fmt: skip
        return Piece.labelled("DATE_OF_BIRTH", date, prefix)

    def address(self, with_town: bool) -> Piece:
        # Without a town the slot follows "in der", so it must be a street that takes an article.
        extra = ["Am Markt", "Im Winkel", "Zur Mühle"] if with_town else []
        street = self.pick([self.de.street_name()] * 4 + ["Berliner Straße", *extra])
        text = f"{street} {self.rng.randint(1, 140)}{self.pick(['', '', 'a'])}"
        town = f", {self.de.postcode()} {self.pick(CITIES)}" if with_town else ""
        return Piece.labelled("ADDRESS", text + town)

    def phone(self) -> Piece:
        import phonenumbers

        while True:
            area = self.pick(
                ["0231", "02303", "030", "089", "0221", "02381", "02921", "0151", "0170", "0176"]
            )
            number = str(self.rng.randint(2, 9)) + self.digits(self.rng.randint(5, 7))
            text = self.pick([f"{area} {number}", f"{area}/{number}", f"{area}-{number}",
                              f"+49 {area[1:]} {number}", f"+49 (0){area[1:]} {number}"])  # fmt: skip
            if phonenumbers.is_valid_number(phonenumbers.parse(text, "DE")):
                return Piece.labelled("PHONE_NUMBER", text)

    def email(self) -> Piece:
        first, last, _ = self.names()
        local = regex.sub(r"[^a-z.]", "", f"{first}.{last}".lower()).strip(".") or "kontakt"
        domain = self.pick(["web.de", "gmx.de", "t-online.de", "gmail.com", "posteo.de"])
        return Piece.labelled("EMAIL_ADDRESS", f"{local}@{domain}")

    def iban(self) -> Piece:
        iban = self.de.iban()
        spaced = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
        return Piece.labelled("IBAN_CODE", self.pick([iban, spaced]))

    def tax_id(self) -> Piece:
        from stdnum.de import idnr
        from stdnum.iso7064 import mod_11_10

        while True:
            body = str(self.rng.randint(1, 9)) + self.digits(9)
            number = body + mod_11_10.calc_check_digit(body)
            if idnr.is_valid(number):
                return Piece.labelled("TAX_ID", self.pick([number, idnr.format(number)]))

    def tax_number(self) -> Piece:
        d = self.digits(11)
        return Piece.labelled("TAX_ID", self.pick([f"{d[:3]}/{d[3:7]}/{d[7:]}", f"{d[:3]}/{d[3:6]}/{d[6:]}",
                                                    f"{d[:2]}/{d[2:5]}/{d[5:10]}"]))  # fmt: skip

    def social_security(self) -> Piece:
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
                return Piece.labelled("SOCIAL_SECURITY_NUMBER", self.pick([number, number, spaced]))

    def health_insurance(self) -> Piece:
        """A Krankenversichertennummer whose check digit passes Presidio's test."""
        from presidio_analyzer.predefined_recognizers import DeHealthInsuranceRecognizer

        validator = DeHealthInsuranceRecognizer()
        while True:
            stem = self.pick("ABCDEFGHKLMNPRSTWZ") + self.digits(8)
            number = next((stem + d for d in "0123456789" if validator.validate_result(stem + d)), None)
            if number:
                return Piece.labelled("SOCIAL_SECURITY_NUMBER", number)

    def file_number(self, with_prefix: bool = True) -> Piece:
        n, year = self.rng.randint(1, 9999), self.rng.randint(19, 26)
        office = f"51.{self.rng.randint(1, 4)}-{n:04d}/{year}"
        if not with_prefix:
            return Piece.labelled("FILE_NUMBER", office)
        court = f"{n % 12 + 1} F {n}/{year}"
        prefix, code = self.rng.choice([
            ("Az. ", office), ("AZ: ", f"JA-20{year}-{n:04d}"), ("Aktenzeichen ", court),
            ("Gz. ", f"51-ASD-{n:04d}/{year}"), ("", court), ("", f"ASD-20{year}-{n:04d}"),
        ])  # fmt: skip
        return Piece.labelled("FILE_NUMBER", code, prefix)

    def plate(self) -> Piece:
        def letters(count: int) -> str:
            return "".join(self.rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(count))

        district = self.pick(["UN", "DO", "HAM", "SO", "KN", "GP", "B", "M", "BO", "MS"])
        digits = self.rng.randint(1, 9999)
        return Piece.labelled("LICENSE_PLATE", self.pick([
            f"{district}-{letters(2)} {digits}", f"{district}-{letters(1)} {digits}",
            f"{district}-{letters(2)}-{digits}", self.de.license_plate(),
        ]))  # fmt: skip
