"""What the storage filter keeps without a dictionary: law references, harmless numbers, office jargon.

A question is full of numbers that identify nobody: "§ 8a Abs. 4 Satz 1 Nr. 2 SGB VIII", "seit dem
1. Januar 2023", "1.200 Euro", "Kinder unter 3 Jahren", "BGH XII ZB 34/21", "Drucksache 19/26107". A
number that fits none of these shapes (a five-digit postcode, "0815", "4711", a phone number) is masked.
"""

from __future__ import annotations

import regex

from .names import word_set

LAW_ABBREVIATIONS = word_set(
    """
    SGB BGB GG KKG UVG BEEG KJHG KJSG JuSchG JArbSchG KiQuTG KitaG KiBiz AO ZPO FamFG FGG BKGG VwGO
    VwVfG StGB StPO DSGVO DS-GVO BDSG SGG AsylG AsylbLG AufenthG BKiSchG BTHG PsychKG IfSG SchulG
    EStG BAföG BerBiFG MuSchG ProstSchG TMG TKG UrhG KI-VO AI-Act EU EG EWG
    """
)
COURTS = "BGH|BVerfG|BVerwG|BSG|BFH|BAG|OLG|OVG|VGH|LSG|LG|AG|VG|SG|EuGH|EGMR|KG|FG"
# Abbreviations staff write that no dictionary lists (the knowledge base vouches for many more).
OFFICE_WORDS = frozenset(
    word.lower()
    for word in word_set(
        """
        BGH BVerfG BVerwG BSG BFH BAG OLG OVG VGH LSG LG VG EuGH EGMR KG
        ASD KSD RSD HzE ISE UMA UMF UmA InsoFa ieF IseF SPFH KiTa Kita Kitas U3 Ü3 JA JHA JHP JGH KJP KJPP
        SPZ EGH HPG HPK FamG AG OLG BGH BVerfG KM KV KE KJSG KJHG BTHG PSG SGB DSGVO LWL LVR KVJS NRW
        BW FAQ PDF ggf bzw usw etc vgl evtl ca inkl zzgl sog Abs Nr Art lit Buchst Hs Ziff Rn Rz Az AZ Gz
        GZ Tel Fax Hr Fr Mo Di Mi Do Sa So Std ID IdNr OG EG DG UG Whg
        """
    )
) | {word.lower() for word in LAW_ABBREVIATIONS}

_ROMAN = r"(?:XIV|XIII|XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)"
_NUMBERED = (
    r"(?:Art|Artikel|Abs|Absatz|Satz|S|Nr|Nummer|Nrn|lit|Buchst|Buchstabe|Hs|Halbsatz|Ziff|Ziffer|Anlage|"
    r"Anhang|Kapitel|Kap|Teil|Abschnitt|Rn|Rz|Randnummer|Seite|Tz|Unterabs|UAbs)"
)
_LIST = r"(?:\s*(?:[-–]|bis|und|oder|sowie|,|ff?\.?)\s*\d{1,4}[a-z]?)*"
LAW_REFERENCE = regex.compile(
    "|".join(
        (
            rf"§§?\s*\d{{1,4}}[a-z]?{_LIST}",
            rf"\b{_NUMBERED}\.?\s*\d{{1,3}}[a-z]?(?!\d){_LIST}",
            rf"\b(?:{'|'.join(sorted(LAW_ABBREVIATIONS, key=len, reverse=True))})\s+(?:{_ROMAN}|\d{{1,2}})\b",
            r"\b(?:Drucksache|Drucks\.|Drs\.|BT-Drs\.|BR-Drs\.|BT-Drucksache|BR-Drucksache)\s*\d{1,3}/\d{1,6}",
            r"\b(?:BGBl|GVBl|GV\.\s?NRW|ABl|GBl)\.?\s*(?:I{1,3}\s+)?(?:Nr\.\s*\d+\s*)?(?:S\.\s*)?\d+",
            r"\((?:EU|EG|EWG)\)\s*(?:Nr\.\s*)?\d{2,4}/\d{1,4}",
            # Published decisions: "BGH XII ZB 34/21", "OLG Hamm, 2 UF 123/20", "1 BvR 1178/14".
            rf"(?<=\b(?:{COURTS})\b[^.?!\n]{{0,40}}?)\b(?:\d{{1,3}}|{_ROMAN})\s+[A-Z][A-Za-z]{{0,3}}\s+\d{{1,5}}/\d{{2,4}}\b",
            r"\b\d\s+Bv[A-Z]\s+\d{1,5}/\d{2}\b",
        )
    )
)

_YEAR = r"(?:19|20)\d{2}"
_DATE = (
    r"(?:0?[1-9]|[12]\d|3[01])\.\s?(?:0?[1-9]|1[0-2])\.\s?(?:(?:19|20)?\d{2})"
    r"|(?:0?[1-9]|[12]\d|3[01])/(?:0?[1-9]|1[0-2])/(?:(?:19|20)?\d{2})"
    rf"|{_YEAR}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
)
DATE_SHAPE = regex.compile(rf"(?:{_DATE})")
_HARMLESS_NUMBER = regex.compile(
    "|".join(
        (
            r"\d{1,3}[a-z]?",  # ages, §§, Absätze, counts, "8a", "35a"
            _YEAR,
            rf"{_YEAR}\s?[-–/]\s?(?:{_YEAR}|\d{{2}})",  # "2021-2024", "2023/24"
            r"\d{1,2}\s?[-–]\s?\d{1,2}",  # "6-12"
            r"\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?|\d+,\d{1,2}",  # "1.200", "1.200,50", "3,5"
            r"(?:[01]?\d|2[0-3]):[0-5]\d",  # "14:30"
        )
    )
)
DIGIT_WORDS = word_set("null eins zwei zwo drei vier fünf sechs sieben acht neun")
STREET_SUFFIXES = (
    "straße", "strasse", "str", "weg", "gasse", "platz", "allee", "ring", "damm", "ufer", "pfad", "chaussee",
    "steig", "stieg", "wall", "graben", "kamp", "twiete", "promenade",
)  # fmt: skip
# Nouns that follow "Im"/"Am"/"In der" with a number but are no street ("Im Fall 2", "In der Klasse 5").
NOT_A_STREET = word_set(
    """
    Jahr Jahre Alter Absatz Abs Anlage Ziffer Nummer Nr Satz Seite Kapitel Teil Abschnitt Fall Punkt
    Monat Stufe Klasse Gruppe Schritt Artikel Paragraph Paragraf Buch Band Spalte Zeile Tabelle
    Modul Raum Stock Etage Haus Gebäude Zimmer Level Phase Runde Woche Tag Stunde Minute Uhr Grad
    Prozent Euro Rahmen Bereich Sinne Zuge Anschluss Vorfeld Verlauf Rang Durchschnitt Schnitt
    Ergebnis Vergleich Vorjahr Folgejahr Schuljahr Kalenderjahr Haushaltsjahr Lebensjahr Quartal
    Halbjahr Zeitraum Umfang Regel Ordner Termin Antrag Bescheid Beschluss Urteil Verfahren Gesetz
    Entwurf Kreis Land Bezirk Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag Januar
    Februar März April Mai Juni Juli August September Oktober November Dezember
    """
)
# Streets named with a preposition: "Am Markt 3", "Zur Mühle drei".
PREPOSITION_STREET = regex.compile(
    r"\b(?:Am|Im|Zum|Zur|An der|An den|Auf der|Auf dem|In der|In den|Unter den|Hinter der|Hinter dem|"
    r"Vor dem|Bei der)\s+(\p{Lu}[\p{L}\-]+)\s+(\d{1,3}[a-z]?|\p{L}+)(?![\p{L}\d])"
)
# Adjectives of street names ("Alter Markt", "Lange Straße", "Hohe Str."), and streets named "… der/des
# …" ("Platz der Republik", "Straße des 17. Juni"): the gate's address patterns use them too.
STREET_ADJECTIVE = (
    r"(?:Alt|Neu|Hoh|Lang|Groß|Klein|Ober|Unter|Mittler|Hinter|Vorder|Breit|Kurz|Krumm|Schmal|Grün|Still"
    r"|Weiß|Rot|Schwarz|Tief|Nieder|Inner|Äußer)(?:e|en|er|es)"
)
STREET_OF = r"(?:Straße|Strasse|Platz|Allee|Brücke)\s+(?:der|des)\s+(?:\d{1,2}\.\s+)?\p{Lu}[\p{L}\-]+"
# A street whose every word is German, with its number: "Alter Markt 12", "Platz der Republik 3".
GERMAN_WORD_STREET = regex.compile(
    rf"\b(?:{STREET_ADJECTIVE}\s+(?:Straße|Strasse|Str\.|Weg|Platz|Markt|Ring|Allee|Gasse|Graben|Damm|Wall)"
    rf"|{STREET_OF})\s+(\d{{1,3}}[a-z]?|\p{{L}}+)(?![\p{{L}}\d])"
)
BIRTH_CUES = word_set("geb geboren geburtsdatum geburtstag jahrgang jg dob *")


_UNIT = r"(?:ein|eins|zwei|drei|vier|fünf|sechs|sieben|acht|neun)"
_TEENS = r"(?:zehn|elf|zwölf|dreizehn|vierzehn|fünfzehn|sechzehn|siebzehn|achtzehn|neunzehn)"
_TENS = r"(?:zwanzig|dreißig|vierzig|fünfzig|sechzig|siebzig|achtzig|neunzig)"
NUMBER_WORD = regex.compile(
    rf"(?:{_UNIT}?hundert)?(?:{_UNIT}und)?(?:null|zwo|{_UNIT}|{_TEENS}|{_TENS})|{_UNIT}?hundert",
    regex.IGNORECASE,
)


def is_number_word(word: str) -> bool:
    """ "siebzehn", "dreiundzwanzig", "hundertzwölf": a number written out."""
    return bool(NUMBER_WORD.fullmatch(word))


def is_harmless_number(token: str) -> bool:
    """Years, ages, §§, amounts, dates, times; not postcodes, phone numbers or file numbers."""
    return bool(_HARMLESS_NUMBER.fullmatch(token) or DATE_SHAPE.fullmatch(token))


def is_street(word: str) -> bool:
    """ "Lindenstraße", "Quappenweg", "Am-Markt-Platz": a street name, not the bare noun ("Platz")."""
    lower = word.lower().rstrip(".")
    return any(lower.endswith(suffix) and len(lower) >= len(suffix) + 3 for suffix in STREET_SUFFIXES)
