"""Slot values for the issue #10 gate sets: the spellings the first sets lacked.

Names in lower case, without a cue, hyphenated, as initials, from Turkish, Arabic (Latin spellings),
Polish, Russian and Ukrainian lists (transliterated) and from locales the gate's lists lack; file numbers
in the forms offices use; insurance numbers spaced and unspaced; phone numbers and e-mail addresses in
words; addresses in running text; quasi-identifiers. Birth dates are drawn from the seed alone (not
relative to today), so `--write` reproduces the snapshot on any day.
"""

from __future__ import annotations

import datetime as dt

from evals.gate_filler import CITIES, MONTHS, Filler, Piece

# Locales of the names the gate's lists know, and of names they lack (held out from the lists).
LISTED_LOCALES = ("de_DE", "de_DE", "tr_TR", "pl_PL", "ro_RO", "ru_RU", "uk_UA", "fr_DZ", "en_PK", "it_IT")
UNLISTED_LOCALES = ("es_ES", "fr_FR", "nl_NL", "pt_PT", "fi_FI", "sv_SE")
_DIGIT_WORDS = ("null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun")
_HOUSE_WORDS = ("drei", "sieben", "elf", "zwölf", "siebzehn", "zwanzig", "dreiundzwanzig", "achtundvierzig")
SCHOOLS = (
    "Grundschule Am Park", "Gesamtschule Unna", "Goethe-Gymnasium", "Realschule Kamen", "Friedensschule",
    "Grundschule Lindenhof", "Hauptschule Nord", "Schiller-Gymnasium",
)  # fmt: skip


class VariantFiller(Filler):
    """Filler with its own locales and seed-only dates (the first sets' filler stays as it was)."""

    def __init__(self, seed: int) -> None:
        from faker import Faker

        super().__init__(seed)
        for offset, locale in enumerate((*LISTED_LOCALES, *UNLISTED_LOCALES)):
            if locale not in self.fakers:
                self.fakers[locale] = Faker(locale)
                self.fakers[locale].seed_instance(seed + 100 + offset)

    def full_name(self, listed: bool = True) -> tuple[str, str]:
        locale = self.pick(LISTED_LOCALES if listed else UNLISTED_LOCALES)
        faker = self.fakers[locale]
        if locale in {"ru_RU", "uk_UA"}:
            import importlib

            translit = importlib.import_module(f"faker.providers.person.{locale}").translit
            first, last = faker.first_name_male(), faker.last_name_male()
            return translit(first).capitalize(), translit(last).capitalize()
        return self._usable(faker.first_name), self._usable(faker.last_name)

    def name(self, *, lower: bool = False, listed: bool = True) -> Piece:
        first, last = self.full_name(listed)
        text = f"{first} {last}"
        piece = Piece.labelled("PERSON", text.lower() if lower else text)
        piece.tags = {"liste" if listed else "nicht_in_liste"} | ({"klein"} if lower else set())
        return piece

    def first_name(self, *, lower: bool = False) -> Piece:
        first, _ = self.full_name(listed=True)
        return Piece.labelled("PERSON", first.lower() if lower else first)

    def hyphenated(self, *, lower: bool = False) -> Piece:
        de = self.fakers["de_DE"]
        first = f"{self._usable(de.first_name_female)}-{self._usable(de.first_name_female)}"
        text = f"{first} {self._usable(de.last_name)}"
        return Piece.labelled("PERSON", text.lower() if lower else text)

    def initials(self, with_surname: bool) -> Piece:
        first, last = self.full_name()
        text = f"{first[0]}. {last}" if with_surname else f"{first[0]}. {last[0]}."
        return Piece.labelled("PERSON", text)

    def cue_surname(self, cue: str) -> Piece:
        _, last = self.full_name()
        return Piece.labelled("PERSON", last.lower() if cue.islower() else last, f"{cue} ")

    def date(self) -> dt.date:
        return dt.date(2006, 1, 1) + dt.timedelta(days=self.rng.randint(0, 19 * 365))

    def birth(self) -> Piece:
        day = self.date()
        prefix, text = self.rng.choice(
            [
                ("(*", f"{day:%d/%m/%Y}"),
                ("geb. ", f"{day.day}.{day.month}.{day:%y}"),
                ("* ", f"{day:%d.%m.%Y}"),
                ("geb. am ", f"{day:%d}. {MONTHS[day.month - 1]} {day.year}"),
                ("Geburtsdatum ", f"{day:%Y-%m-%d}"),
                ("geboren ", f"{day:%d.%m.%y}"),
            ]
        )
        piece = Piece.labelled("DATE_OF_BIRTH", text, prefix)
        if prefix == "(*":
            piece.text += ")"
        return piece

    def office_file_number(self) -> Piece:
        n, year = self.rng.randint(1, 9999), self.rng.randint(2019, 2026)
        prefix, code = self.rng.choice(
            [
                ("Fallnummer ", f"{year}/{n:04d}"),
                ("Vorgang ", f"51-{year}-{n:04d}"),
                ("GZ ", f"51.2-{n}/{year % 100}"),
                ("Kassenzeichen ", f"5100.{n:04d}.{self.digits(4)}"),
                ("Geschäftszeichen: ", f"51/3-{n:04d}/{year % 100}"),
                ("", f"51-{year}-{n:04d}"),
                ("Fall ", f"{year}-{n:04d}"),
                ("im Vorgang ", f"ja-{year % 100}-{n:04d}"),
                ("Aktenzeichen ", f"51.{self.rng.randint(1, 4)}/{n:04d}/{year}"),
                ("Az ", f"{n:04d}/{year % 100}"),
            ]
        )
        return Piece.labelled("FILE_NUMBER", code, prefix)

    def pension_number(self) -> str:
        """A Rentenversicherungsnummer whose check digit passes Presidio's VKVV test."""
        from presidio_analyzer.predefined_recognizers import DeSocialSecurityRecognizer

        validator = DeSocialSecurityRecognizer()
        while True:
            day = dt.date(1965, 1, 1) + dt.timedelta(days=self.rng.randint(0, 40 * 365))
            stem = (
                f"{self.pick(['12', '13', '15', '24', '53', '65'])}{day:%d%m%y}{self.pick('ABDEGHKLMNRSTW')}"
            )
            stem += f"{self.rng.randint(0, 99):02d}"
            number = next((stem + d for d in "0123456789" if validator.validate_result(stem + d)), None)
            if number:
                return number

    def insurance(self) -> Piece:
        number = self.pension_number()
        form = self.rng.randint(0, 4)
        if form == 0:
            text = f"{number[:2]} {number[2:8]} {number[8]} {number[9:]}"
        elif form == 1:
            text = f"{number[:2]} {number[2:8]} {number[8:]}"
        elif form == 2:
            text = number[:8] + number[8].lower() + number[9:]
        elif form == 3:
            kvnr = self.health_insurance().text
            text = f"{kvnr[0]} {kvnr[1:4]} {kvnr[4:7]} {kvnr[7:]}"
        else:
            text = self.health_insurance().text
        return Piece.labelled("SOCIAL_SECURITY_NUMBER", text)

    def phone_variant(self) -> Piece:
        area, number = self.pick(["0231", "02303", "0176", "0151", "030", "0221"]), self.digits(7)
        if self.rng.random() < 0.35:
            digits = area + number
            text = " ".join(_DIGIT_WORDS[int(d)] for d in digits)
            return Piece.labelled("PHONE_NUMBER", text)
        text = self.pick(
            [
                f"{area}-{number}",
                f"({area}) {number[:2]} {number[2:4]} {number[4:]}",
                f"+49 {area[1:]} {number}",
                f"0049 {area[1:]} {number}",
                f"{area} / {number[:3]} {number[3:]}",
                f"+49-{area[1:]}-{number}",
            ]
        )
        return Piece.labelled("PHONE_NUMBER", text)

    def email_words(self) -> Piece:
        first, last = self.full_name()
        domain, tld = self.pick(["example", "gmx", "web", "posteo"]), self.pick(["org", "de", "net"])
        text = self.pick(
            [
                f"{first.lower()} punkt {last.lower()} at {domain} punkt {tld}",
                f"{first.lower()}.{last.lower()} (at) {domain}.{tld}",
                f"{first.lower()}{last.lower()}[at]{domain}.{tld}",
            ]
        )
        return Piece.labelled("EMAIL_ADDRESS", text)

    def street_running(self) -> Piece:
        street = self.de.street_name()
        form = self.rng.randint(0, 3)
        if form == 0:
            text = f"{street} {self.pick(_HOUSE_WORDS)}"
        elif form == 1:
            text = f"{street.lower()} {self.rng.randint(1, 99)}"
        elif form == 2:
            text = f"{street} {self.rng.randint(1, 99)}, {self.de.postcode()} {self.pick(CITIES)}"
        else:
            text = f"{self.de.postcode()} {self.pick(CITIES)}"
        return Piece.labelled("ADDRESS", text)

    def iban_variant(self) -> Piece:
        iban = self.de.iban()
        spaced = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
        return Piece.labelled("IBAN_CODE", self.pick([iban.lower(), spaced.lower(), spaced]))

    def plate_lower(self) -> Piece:
        district = self.pick(["un", "do", "ham", "so", "bo", "ms", "e", "hh"])
        letters = "".join(self.rng.choice("abcdefghjklmnprstuvwxyz") for _ in range(2))
        return Piece.labelled("LICENSE_PLATE", f"{district}-{letters} {self.rng.randint(1, 999)}")

    def school_class(self) -> Piece:
        text = f"Klasse {self.rng.randint(1, 10)}{self.pick('abcd')} der {self.pick(SCHOOLS)}"
        return Piece.labelled("SCHOOL_CLASS", text)

    def birth_place(self) -> Piece:
        """ "geboren am 03.04.2015 in Dortmund": a birth date and a place, both labelled."""
        day, city = self.date(), self.pick(CITIES)
        date = f"{day:%d.%m.%Y}"
        text = f"geboren am {date} in {city}"
        start = len("geboren am ")
        return Piece(
            text, [("DATE_OF_BIRTH", start, start + len(date)), ("PLACE", len(text) - len(city), len(text))]
        )
