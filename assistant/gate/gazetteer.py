"""German place names: the towns and districts of the German telephone network, as the storage filter's
gazetteer.

"Jugendamt Hamm", "OLG Hamm" or "Kitas in Gelsenkirchen-Buer" name a public place, not a client; the
dictionary lacks most towns, so without a gazetteer the filter stored them as `[?]`. The list is the
German part of libphonenumber's geocoding data (`phonenumbers`, Apache 2.0: the Bundesnetzagentur's
names of the Ortsnetze, about 5,200 towns and districts), split into words and checked in as
`places_de.txt`: importing `phonenumbers.geodata` takes seconds and all the world's places, reading the
file a few milliseconds. A place is still masked in a name position ("Frau Hamm"), see
`storage_filter`.

    python -m assistant.gate.gazetteer   # rewrite places_de.txt from the installed phonenumbers
"""

from __future__ import annotations

from pathlib import Path

import regex

PLACES_FILE = Path(__file__).with_name("places_de.txt")
_GERMANY = "49"
_MIN_LENGTH = 3


def read_places(path: Path = PLACES_FILE) -> frozenset[str]:
    """The lower-cased words of German place names (empty when the file is missing)."""
    try:
        return frozenset(path.read_text(encoding="utf-8").split())
    except OSError:
        return frozenset()


def place_words(names: list[str]) -> list[str]:
    """ "Hamm-Uentrop", "Achim bei Bremen" → "hamm", "uentrop", "achim", "bremen" (words of 3+ letters)."""
    words = {w.lower() for name in names for w in regex.findall(r"\p{L}+", name) if len(w) >= _MIN_LENGTH}
    return sorted(words)


def _telephone_place_names() -> list[str]:
    from phonenumbers.geodata import GEOCODE_DATA

    return [
        names["de"] for prefix, names in GEOCODE_DATA.items() if prefix.startswith(_GERMANY) and "de" in names
    ]


def main() -> None:
    words = place_words(_telephone_place_names())
    PLACES_FILE.write_text("\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} Ortsnamen-Wörter nach {PLACES_FILE} geschrieben")


if __name__ == "__main__":
    main()
