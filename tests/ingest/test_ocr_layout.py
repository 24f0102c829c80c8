"""Texterkennung keeps a page's layout: columns are read one after the other, and the crop to the
content box loses no text at the page's edges."""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageFont

from ingest.formats.ocr import _content, recognise
from tests.ingest.made_files import FONT

# Two columns of a circular, each sentence numbered so that the reading order can be checked.
LEFT = [
    "Die Hilfeplanung beginnt",
    "mit einem Gespräch im",
    "Jugendamt. Die Eltern",
    "bringen ihre Unterlagen",
    "zum ersten Termin mit.",
]
RIGHT = [
    "Das Pflegegeld wird",
    "monatlich im Voraus",
    "gezahlt. Änderungen",
    "teilen Pflegeeltern",
    "dem Jugendamt sofort mit.",
]


def _page(width: int = 2480, height: int = 2200) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("L", (width, height), 255)
    return image, ImageDraw.Draw(image)


def _words(text: str) -> list[str]:
    return text.split()


def test_two_columns_are_read_one_after_the_other() -> None:
    image, draw = _page()
    font = ImageFont.truetype(str(FONT), 40)
    heading = ImageFont.truetype(str(FONT), 64)
    draw.text((220, 200), "Rundschreiben Pflegekinderdienst", fill=0, font=heading)
    y = 400
    # Three times each column's lines: Tesseract only finds columns with some lines of them.
    for line in range(3 * len(LEFT)):
        draw.text((220, y), LEFT[line % len(LEFT)], fill=0, font=font)
        draw.text((1340, y), RIGHT[line % len(RIGHT)], fill=0, font=font)
        y += 60
    text = recognise(image, language="deu", seconds=60, page=1).text
    paragraphs = text.split("\n\n")
    assert paragraphs[0] == "Rundschreiben Pflegekinderdienst"
    words = _words(text)
    # Every word of the left column comes before the first word of the right one ("Das Pflegegeld").
    last_left = max(i for i, w in enumerate(words) if w == "Termin")
    first_right = words.index("Pflegegeld")
    assert last_left < first_right, text
    assert " ".join(_words(" ".join(LEFT * 3))) in " ".join(words)
    assert " ".join(_words(" ".join(RIGHT * 3))) in " ".join(words)


def test_crop_keeps_text_at_the_page_edges() -> None:
    image, draw = _page(2480, 3508)
    font = ImageFont.truetype(str(FONT), 40)
    draw.text((60, 40), "Stadt Musterstadt", fill=0, font=font)  # letterhead in the top left corner
    draw.text((1000, 1700), "Bescheid über Pflegegeld", fill=0, font=font)
    draw.text((2150, 3430), "Seite 1", fill=0, font=font)  # page number in the bottom right corner
    cropped = _content(image)
    assert cropped.width * cropped.height < image.width * image.height
    # No dark pixel is cut off: the crop removes blank margins only.
    ink = image.point(lambda v: 255 if v < 160 else 0).histogram()[255]
    assert cropped.point(lambda v: 255 if v < 160 else 0).histogram()[255] == ink
    text = recognise(image, language="deu", seconds=60, page=1).text
    for line in ("Stadt Musterstadt", "Bescheid über Pflegegeld", "Seite 1"):
        assert line in text, text
