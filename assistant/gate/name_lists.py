"""First names and surnames from Faker's person providers, in the spellings German text uses.

Faker ships name lists per locale; nothing is downloaded. The locales are those of the families a German
youth-welfare office works with. Cyrillic names (ru_RU, uk_UA, bg_BG) are kept as written and also
transliterated the three ways they reach German files: Faker's own scheme ("Dmytro", "Dmitriy"), the
German one ("Dmitri", "Jewgeni") and the English one ("Yevgeny"). Arabic and Persian names are kept in
their script; their Latin spellings come from the fr_DZ and en_PK lists ("Abdelkader", "Hamza").

Every name is stored folded (`fold`): lower case, without diacritics, so "Yılmaz", "Yilmaz" and "yilmaz"
are one entry, as are "Wałęsa" and "Walesa".
"""

from __future__ import annotations

import importlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

NAME_LOCALES: tuple[str, ...] = (
    "de_DE", "de_AT", "de_CH", "tr_TR", "pl_PL", "ro_RO", "ru_RU", "uk_UA", "bg_BG", "ar_AA", "ar_DZ",
    "ar_PS", "ar_SA", "fr_DZ", "en_PK", "fa_IR", "az_AZ", "hr_HR", "it_IT", "el_GR",
)  # fmt: skip
_CYRILLIC_LOCALES = ("ru_RU", "uk_UA", "bg_BG")
_GERMAN_LOCALES = ("de_DE", "de_AT", "de_CH")
_FIRST = ("first_names", "first_names_female", "first_names_male")
_LAST = ("last_names", "last_names_female", "last_names_male")

_UMLAUTS_TYPED = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
# Letters NFKD does not take apart.
_FOLD = str.maketrans({"ı": "i", "ł": "l", "đ": "d", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "ħ": "h"})

_GERMAN = {
    "а": "a", "б": "b", "в": "w", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "jo", "є": "je", "ж": "sch",
    "з": "s", "и": "i", "і": "i", "ї": "ji", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "ch", "ц": "z", "ч": "tsch",
    "ш": "sch", "щ": "schtsch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "ju", "я": "ja",
}  # fmt: skip
_ENGLISH = {
    **_GERMAN, "в": "v", "ё": "yo", "є": "ye", "ж": "zh", "з": "z", "ї": "yi", "й": "y", "х": "kh",
    "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ю": "yu", "я": "ya",
}  # fmt: skip
_UKRAINIAN_GERMAN = {**_GERMAN, "г": "h", "и": "y"}


def fold(word: str) -> str:
    """Lower case without diacritics: the form names are compared in ("Çelik" → "celik")."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.lower().translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class NameLists:
    """Folded first names and surnames.

    >>> names = NameLists.load()  # doctest: +SKIP
    >>> "dmytro" in names.first, "yilmaz" in names.last  # doctest: +SKIP
    (True, True)
    """

    first: frozenset[str]
    last: frozenset[str]
    # First names that are also German words ("Rose", "Lore"): names only inside "Anna-Lore", "Lore Schulz".
    ambiguous: frozenset[str] = frozenset()

    @classmethod
    def load(
        cls, locales: tuple[str, ...] = NAME_LOCALES, german_words: frozenset[str] = frozenset()
    ) -> NameLists:
        """The lists of `locales`; a name from a non-German list that is also a German word (lower-cased
        `german_words`) is left out: "Rosen", "Kino" and "Salami" in a German question are no names."""
        from .names import AMBIGUOUS_FIRST_NAMES, COMMON_NOUNS

        ambiguous = {fold(word) for word in AMBIGUOUS_FIRST_NAMES}
        nouns = {fold(word) for word in COMMON_NOUNS}
        first = _spellings(faker_names(_FIRST, locales), german_words) - ambiguous
        last = _spellings(faker_names(_LAST, locales), german_words) - nouns
        return cls(frozenset(first), frozenset(last), frozenset(ambiguous))


def faker_names(attributes: tuple[str, ...], locales: Iterable[str]) -> dict[str, str]:
    """name -> locale, for every name in the given attributes of Faker's person providers."""
    names: dict[str, str] = {}
    for locale in locales:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for attribute in attributes:
            values = getattr(provider, attribute, ())
            for value in values.keys() if isinstance(values, dict) else values:
                names.setdefault(value, locale)
    return names


def _spellings(names: dict[str, str], german_words: frozenset[str]) -> set[str]:
    """Every name folded, its parts too ("Anna-Lena", "Abu Bakr"), and Cyrillic ones transliterated."""
    spelled: set[str] = set()
    for name, locale in names.items():
        forms = [name]
        if locale in _CYRILLIC_LOCALES:
            forms += _transliterations(name.lower(), locale)
        foreign = locale not in _GERMAN_LOCALES
        for form in forms:
            for part in form.replace("-", " ").split():
                # Particles are written in lower case ("van der Dussen"): "der" is no name.
                if part[0].islower() and form is name:
                    continue
                if len(part) >= 3 and part.isalpha() and not (foreign and part.lower() in german_words):
                    spelled.add(fold(part))
                    spelled.add(fold(part.lower().translate(_UMLAUTS_TYPED)))  # "Müller" typed "Mueller"
    return spelled


def _transliterations(lower: str, locale: str) -> list[str]:
    german = _UKRAINIAN_GERMAN if locale == "uk_UA" else _GERMAN
    forms = ["".join(table.get(c, c) for c in lower) for table in (german, _ENGLISH)]
    if lower.startswith("е"):
        forms.append("ye" + forms[1][1:])  # English writes a leading е as "ye": "Yevgeny", "Yelena"
    if locale in {"ru_RU", "uk_UA"}:
        translit = importlib.import_module(f"faker.providers.person.{locale}").translit
        forms.append(translit(lower))
    # German files drop the final "-ij"/"-iy" of Russian first names: "Dmitrij" → "Dmitri".
    forms += [form[:-1] for form in forms if form.endswith(("ii", "ij", "iy", "yi"))]
    return forms
