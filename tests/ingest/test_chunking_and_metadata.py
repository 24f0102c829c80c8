from __future__ import annotations

from datetime import date
from pathlib import Path

from ingest.chunking import MAX_CHARS, chunk_document
from ingest.loaders import load_file
from ingest.metadata import extract_metadata, find_date, normalise_law
from knowledge.models import DocumentType

LAW = """# Beispielgesetz (BspG)

## Erstes Kapitel - Allgemeines

### § 1 Zweck

(1) Erster Absatz mit
umbrochener Zeile.

(2) Zweiter Absatz.

(3) (weggefallen)

### § 2 (weggefallen)

#### § 3 - Tiefere Ebene

Einziger Absatz ohne Nummer.
"""


def test_legal_text_is_split_by_paragraph_with_absatz_and_chapter() -> None:
    chunks = chunk_document(LAW, DocumentType.LAW, "Beispielgesetz (BspG)")
    assert [c.paragraph for c in chunks] == ["§ 1", "§ 3"]
    first = chunks[0]
    assert first.section == "§ 1 Zweck"
    assert first.absaetze == ("1", "2")
    assert first.chapter == "Erstes Kapitel - Allgemeines"
    assert "Erster Absatz mit umbrochener Zeile." in first.text
    assert "weggefallen" not in first.text
    assert chunks[1].section == "§ 3 Tiefere Ebene"


def test_long_paragraphs_are_split_by_absatz(corpus: Path) -> None:
    loaded = load_file(corpus / "laws" / "2026" / "sgb8.md")
    chunks = chunk_document(loaded.text, DocumentType.LAW, "SGB VIII")
    para_8a = [c for c in chunks if c.paragraph == "§ 8a"]
    assert len(para_8a) >= 3
    assert para_8a[0].absaetze[0] == "1"
    assert all(len(c.text) <= MAX_CHARS + 200 for c in chunks)
    assert not [c for c in chunks if c.paragraph == "§ 67"], "§ 67 ist weggefallen"
    assert all(c.section != "Inhaltsverzeichnis" for c in chunks)


def test_heading_levels_of_every_law_are_recognised(corpus: Path) -> None:
    for name, paragraph in [("kkg.md", "§ 4"), ("uvg.md", "§ 1"), ("sgb10.md", "§ 67")]:
        loaded = load_file(corpus / "laws" / "2022" / name)
        chunks = chunk_document(loaded.text, DocumentType.LAW, name)
        assert paragraph in {c.paragraph for c in chunks}, name


def test_prose_splits_at_headings() -> None:
    text = "# Titel\n\n## Schritt 1: Anhaltspunkte\n\nText eins.\n\n## Schritt 2: Fachteam\n\nText zwei."
    chunks = chunk_document(text, DocumentType.WORKSHOP, "Titel")
    assert [(c.section, c.text) for c in chunks] == [
        ("Schritt 1: Anhaltspunkte", "Text eins."),
        ("Schritt 2: Fachteam", "Text zwei."),
    ]


def test_german_dates() -> None:
    assert find_date("Meldungsdatum: 13.02.2026\nText") == date(2026, 2, 13)
    assert find_date("Medieninformation vom 17.04.2025") == date(2025, 4, 17)
    assert find_date("Unna, 13. Februar 2026 – Der Kreis") == date(2026, 2, 13)
    assert find_date("kein Datum") is None


def test_law_metadata_from_both_corpus_formats(corpus: Path) -> None:
    old = load_file(corpus / "laws" / "2022" / "sgb8.md")
    new = load_file(corpus / "laws" / "2026" / "sgb8.md")
    old_meta = extract_metadata("laws/2022/sgb8.md", old.text, old.front_matter)
    new_meta = extract_metadata("laws/2026/sgb8.md", new.text, new.front_matter)
    assert (old_meta.type, old_meta.law, old_meta.version_state) == (
        DocumentType.LAW,
        "SGB VIII",
        date(2021, 10, 5),
    )
    assert (new_meta.law, new_meta.version_state) == ("SGB VIII", date(2026, 3, 29))
    assert normalise_law("SGB 10") == "SGB X"
    assert normalise_law("UhVorschG") == "UVG"


def test_press_and_bylaw_metadata(corpus: Path) -> None:
    press = load_file(corpus / "press" / "000_aced6ad7e3399f69.txt")
    meta = extract_metadata("press/000.txt", press.text, press.front_matter)
    assert (meta.type, meta.date, meta.region) == (
        DocumentType.PRESS_RELEASE,
        date(2026, 2, 13),
        "Kreis Unna",
    )
    bylaw = load_file(corpus / "bylaws" / "Lkr_GP_Satzung_Jugendamt.md")
    meta = extract_metadata("bylaws/x.md", bylaw.text, bylaw.front_matter)
    assert (meta.type, meta.region) == (DocumentType.BYLAW, "Landkreis Göppingen")


def test_type_override_wins() -> None:
    meta = extract_metadata(
        "press/x.txt", "Meldungsdatum: 01.01.2026", {}, type_override=DocumentType.WORKSHOP
    )
    assert meta.type is DocumentType.WORKSHOP
