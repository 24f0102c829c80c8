"""A scanned PDF page gives its stored image to the Texterkennung instead of being rendered: the
same picture as rendering draws, for every kind of scan; any other page is still rendered."""

from __future__ import annotations

from pathlib import Path

import pypdfium2
import pytest
from PIL import Image, ImageChops, ImageDraw, ImageStat

from ingest.formats.pdf import _jpeg_in_grey, scanned_image
from tests.ingest.made_files import scanned_page

LINES = ["Bescheid über Pflegegeld", "", "Das Pflegegeld beträgt monatlich 1.025 Euro."]


def _pdf(path: Path, image: Image.Image, resolution: float = 300) -> pypdfium2.PdfPage:
    image.save(path, format="PDF", resolution=resolution)
    return pypdfium2.PdfDocument(str(path))[0]


@pytest.mark.parametrize("mode", ["RGB", "L", "1", "CMYK"])
def test_a_scan_at_the_ocr_resolution_is_its_stored_image(tmp_path: Path, mode: str) -> None:
    # CMYK is stored inverted (Adobe's JPEG) and 1-bit as a bilevel image: both must come out as drawn.
    page = _pdf(tmp_path / "scan.pdf", scanned_page(LINES).convert(mode))
    scan = scanned_image(page, 300)
    assert scan is not None and scan.mode == "L"
    rendered = page.render(scale=300 / 72, grayscale=True).to_pil()
    assert abs(scan.width - rendered.width) <= 1 and abs(scan.height - rendered.height) <= 1
    difference = ImageChops.difference(scan, rendered.resize(scan.size))
    assert ImageStat.Stat(difference).mean[0] < 3  # the same picture, up to resampling at the edges
    assert ImageStat.Stat(scan).mean[0] > 200  # dark letters on white, not inverted


def test_other_pages_are_rendered(tmp_path: Path) -> None:
    image = scanned_page(LINES)
    # A scan of another resolution: rendering scales it to the OCR resolution.
    assert scanned_image(_pdf(tmp_path / "200.pdf", image.resize((1653, 2339)), 200), 300) is None
    # A scan with something drawn on it (a stamp): only rendering shows both.
    page = _pdf(tmp_path / "stempel.pdf", image)
    stamp = pypdfium2.PdfImage.new(page.pdf)
    stamp.set_bitmap(pypdfium2.PdfBitmap.from_pil(Image.new("RGB", (50, 50), "red")))
    stamp.set_matrix(pypdfium2.PdfMatrix().scale(50, 50).translate(100, 100))
    page.insert_obj(stamp)
    page.gen_content()
    assert scanned_image(page, 300) is None
    # A page turned by 90°.
    turned = _pdf(tmp_path / "quer.pdf", image)
    turned.set_rotation(90)
    assert scanned_image(turned, 300) is None


def test_an_image_on_part_of_a_page_is_no_scan_of_it(tmp_path: Path) -> None:
    """An image on part of the page (a photo pasted into a letter) is no scan of the page."""
    image = Image.new("L", (1240, 877), 255)
    ImageDraw.Draw(image).rectangle((100, 100, 1100, 700), outline=0, width=8)
    page = _pdf(tmp_path / "foto.pdf", image)
    page.set_mediabox(0, 0, 595, 842)
    assert scanned_image(page, 300) is None


@pytest.mark.parametrize("mode", ["RGB", "L"])
def test_a_jpeg_scan_is_decoded_to_grey_as_pdfium_decodes_it(tmp_path: Path, mode: str) -> None:
    """The shortcut past pdfium (libjpeg's luma channel alone) gives pdfium's picture in grey."""
    colour = scanned_page(LINES).convert("RGB")
    ImageDraw.Draw(colour).rectangle((1600, 40, 2300, 200), fill=(200, 30, 30))  # a red stamp
    page = _pdf(tmp_path / "scan.pdf", colour.convert(mode))
    image = next(iter(page.get_objects(max_depth=1)))
    grey = _jpeg_in_grey(image, image.get_px_size())
    assert grey is not None and grey.mode == "L"
    by_pdfium = image.get_bitmap(render=False).to_pil().convert("L")
    assert grey.size == by_pdfium.size
    # Equal but for a few pixels at the stamp's edges, where the colour decode clips JPEG's ringing.
    assert ImageStat.Stat(ImageChops.difference(grey, by_pdfium)).mean[0] < 0.1
    assert grey.getpixel((1900, 120)) == by_pdfium.getpixel((1900, 120))  # red in grey, not its red channel


def test_a_cmyk_or_bilevel_scan_is_left_to_pdfium(tmp_path: Path) -> None:
    for mode in ("CMYK", "1"):
        page = _pdf(tmp_path / f"{mode}.pdf", scanned_page(LINES).convert(mode))
        image = next(iter(page.get_objects(max_depth=1)))
        assert _jpeg_in_grey(image, image.get_px_size()) is None
