"""PDF: the text layer page by page (pypdf), Texterkennung for pages without one, tables as Markdown.

- Text: pypdf, as before (fast: about 10 ms a page).
- Pages without a usable text layer (scans) are rendered with pdfium (pypdfium2, a 3 MB wheel with its
  own binary) at `JHA_INGEST_OCR_DPI` and read by Tesseract (ingest/formats/ocr.py); a page that is
  only a scan at that resolution gives its image as it is stored (`scanned_image`).
- Tables: pdfplumber finds ruled tables, but costs about 100 ms a page; it only looks at pages on which
  pdfium counts enough drawn lines to frame a table, so a page of prose stays as fast as before.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest.formats.ocr import recognise_all
from ingest.formats.tables import markdown_table
from ingest.limits import IngestLimits, LoadError
from ingest.loaded import LoadedFile, paged

if TYPE_CHECKING:
    from PIL.Image import Image

log = logging.getLogger(__name__)

# Fewer letters than this on a page: a scan (perhaps with a page number or a stamp as text).
_MIN_LETTERS = 20
# A ruled table of two rows and two columns needs at least this many drawn lines or rectangles.
_MIN_PATHS_FOR_TABLE = 4
# Pixels of one rendered page at most (A4 at 300 dpi is 8.7 million): a huge page format must not
# become a bitmap of gigabytes.
_MAX_PIXELS = 40_000_000
_LETTER = re.compile(r"[^\W\d_]")

_NO_TEXT = (
    "PDF enthält keinen lesbaren Text: weder eine Textebene noch Text, den die Texterkennung "
    "erkennen konnte (leere oder unleserliche Seiten?)"
)


def load_pdf(path: Path, limits: IngestLimits) -> LoadedFile:
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError, PdfStreamError

    with path.open("rb") as handle:
        if b"%PDF-" not in handle.read(1024):
            raise LoadError("Datei ist kein PDF (die PDF-Kennung „%PDF“ fehlt)")
    try:
        reader = PdfReader(str(path))
        # Many "protected" PDFs only restrict printing and open with the empty password.
        if reader.is_encrypted and not reader.decrypt(""):
            raise LoadError("PDF ist verschlüsselt oder passwortgeschützt")
        if len(reader.pages) > limits.max_pages:
            raise limits.too_many_pages()
        layers = [page.extract_text() or "" for page in reader.pages]
    except (LoadError, MemoryError, RecursionError):
        raise  # the worker reports the limits itself
    except LimitReachedError as exc:
        reason = "PDF enthält einen übergroßen komprimierten Datenstrom (beschädigt oder manipuliert)"
        raise LoadError(reason) from exc
    except PdfStreamError as exc:
        log.debug("pypdf: %s", exc)
        raise LoadError("PDF ist unvollständig oder beschädigt (Datei abgeschnitten?)") from exc
    except Exception as exc:  # pypdf raises many types on malformed files; none of their texts is German
        log.debug("pypdf: %r", exc)
        if "encrypt" in str(exc).lower() or "decrypt" in str(exc).lower():
            raise LoadError("PDF ist verschlüsselt oder passwortgeschützt") from exc
        raise LoadError("PDF ist beschädigt oder unvollständig und kann nicht gelesen werden") from exc
    return _PageReader(path, limits).read(layers)


class _PageReader:
    """The pages of one PDF: text layer, tables, Texterkennung; pdfium and pdfplumber opened lazily."""

    def __init__(self, path: Path, limits: IngestLimits) -> None:
        self.path = path
        self.limits = limits
        self._pdfium: Any = None
        self._plumber: Any = None

    def read(self, layers: list[str]) -> LoadedFile:
        scanned = [n for n, layer in enumerate(layers, start=1) if len(_LETTER.findall(layer)) < _MIN_LETTERS]
        try:
            recognised = recognise_all(
                ((number, self._render(number)) for number in scanned),
                pages=len(scanned),
                language=self.limits.ocr_language,
                seconds=self.limits.ocr_page_seconds,
                workers=self.limits.ocr_workers,
            )
            pages: list[str] = []
            size = 0
            for number, layer in enumerate(layers, start=1):
                text = recognised[number].text if number in recognised else self._with_tables(number, layer)
                size += len(text) + 2
                if size > self.limits.max_text_chars:
                    raise self.limits.text_too_large()
                pages.append(text)
        finally:
            self.close()
        if not any(p.strip() for p in pages):
            raise LoadError(_NO_TEXT)
        extra: dict[str, Any] = {"pages": len(pages)}
        if scanned:
            ocr = list(recognised.values())
            words = sum(p.words for p in ocr) or 1
            extra["ocr_pages"] = scanned
            extra["ocr_confidence"] = round(sum(p.confidence * p.words for p in ocr) / words, 1)
        return paged(pages, "pdf", extra)

    def close(self) -> None:
        if self._plumber is not None:
            self._plumber.close()
        if self._pdfium is not None:
            self._pdfium.close()

    def _document(self) -> Any:
        import pypdfium2

        if self._pdfium is None:
            try:
                self._pdfium = pypdfium2.PdfDocument(str(self.path))
            except pypdfium2.PdfiumError as exc:
                raise LoadError(
                    "PDF ist beschädigt oder unvollständig und kann nicht gelesen werden"
                ) from exc
        return self._pdfium

    def _render(self, number: int) -> Image:
        page = self._document()[number - 1]
        scan = scanned_image(page, self.limits.ocr_dpi)
        if scan is not None:
            return scan
        width, height = page.get_size()  # in points, 1/72 inch
        scale = min(self.limits.ocr_dpi / 72, (_MAX_PIXELS / max(width * height, 1)) ** 0.5)
        return page.render(scale=scale, grayscale=True).to_pil()

    def _with_tables(self, number: int, layer: str) -> str:
        import pypdfium2.raw as pdfium_c

        page = self._document()[number - 1]
        paths = sum(1 for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2))
        if paths < _MIN_PATHS_FOR_TABLE:
            return layer
        try:
            return self._plumbed(number) or layer
        except (MemoryError, RecursionError):
            raise
        except Exception as exc:  # pdfminer on an odd page: the text layer is still good
            log.debug("pdfplumber, Seite %d: %r", number, exc)
            return layer

    def _plumbed(self, number: int) -> str | None:
        """The page's lines with its ruled tables in place, as Markdown; None when it has no table."""
        import pdfplumber

        if self._plumber is None:
            self._plumber = pdfplumber.open(str(self.path))
        page = self._plumber.pages[number - 1]
        tables = [t for t in page.find_tables() if len(t.rows) >= 2]
        if not tables:
            return None
        outside = page
        for table in tables:
            outside = outside.outside_bbox(_clip(table.bbox, page.bbox))
        items: list[tuple[float, str]] = [
            (line["top"], line["text"]) for line in outside.extract_text_lines()
        ]
        items += [(table.bbox[1], "\n" + markdown_table(table.extract()) + "\n") for table in tables]
        items.sort(key=lambda item: item[0])
        return "\n".join(text for _, text in items)


# Points (1/72 inch) an image may miss the page's edges by, and pixels its size may differ from the
# rendered page's, for the image to stand for the page.
_EDGE_POINTS = 1.0
_SIZE_PIXELS = 2


def scanned_image(page: Any, dpi: int) -> Image | None:
    """The page's scan, decoded as it is stored, when the page is nothing but one upright image that
    covers it at `dpi` — what a scanner writes. It is the picture rendering would draw, at a fraction
    of the cost (a JPEG scan about 14 instead of 105 ms an A4 page at 300 dpi: no resampling of 8.7
    million pixels by one pixel's width, no colour decoding). None for every other page, which is
    rendered (and for a page too large to decode whole, which rendering scales down)."""
    import pypdfium2.raw as pdfium_c

    objects = list(page.get_objects(max_depth=1))
    if len(objects) != 1 or objects[0].type != pdfium_c.FPDF_PAGEOBJ_IMAGE or page.get_rotation() != 0:
        return None
    image = objects[0]
    left, bottom, right, top = page.get_cropbox()
    bounds = image.get_bounds()
    matrix = image.get_matrix()
    upright = matrix.b == 0 and matrix.c == 0 and matrix.a > 0 and matrix.d > 0
    covers = all(abs(a - b) <= _EDGE_POINTS for a, b in zip(bounds, (left, bottom, right, top), strict=True))
    width, height = image.get_px_size()
    sized = (
        abs(width - (right - left) * dpi / 72) <= _SIZE_PIXELS
        and abs(height - (top - bottom) * dpi / 72) <= _SIZE_PIXELS
    )
    if not (upright and covers and sized) or width * height > _MAX_PIXELS:
        return None
    scan = _jpeg_in_grey(image, (width, height))
    if scan is None:
        scan = image.get_bitmap(render=False).to_pil().convert("L")
    return scan


def _jpeg_in_grey(image: Any, size: tuple[int, int]) -> Image | None:
    """A JPEG scan (what most scanners write into a PDF) decoded straight to grey by libjpeg: Pillow's
    draft mode asks the decoder for the luma channel alone, so the colour channels are neither
    upsampled nor converted (12 instead of 46 ms an A4 page at 300 dpi, the same grey values as
    pdfium's RGB bitmap converted). None when the image is no plain grey or RGB JPEG: CMYK JPEGs
    (Adobe's are stored inverted) and ICC, indexed or separation colours go through pdfium, which
    applies the PDF's own colour rules."""
    import io

    import pypdfium2.raw as pdfium_c
    from PIL import Image as PILImage

    plain = (pdfium_c.FPDF_COLORSPACE_DEVICEGRAY, pdfium_c.FPDF_COLORSPACE_DEVICERGB)
    if image.get_filters() != ["DCTDecode"] or image.get_metadata().colorspace not in plain:
        return None
    try:
        jpeg = PILImage.open(io.BytesIO(bytes(image.get_data())), formats=["JPEG"])
        jpeg.draft("L", jpeg.size)
        grey = jpeg.convert("L")  # a no-op after the draft, unless the JPEG is stored as RGB or CMYK
    except (OSError, ValueError, SyntaxError):  # a JPEG pdfium reads and Pillow does not: pdfium decides
        return None
    return grey if grey.size == size else None


def _clip(
    box: tuple[float, float, float, float], page: tuple[float, float, float, float]
) -> tuple[float, ...]:
    """A table drawn past the page edge, cut to the page (pdfplumber refuses boxes outside it)."""
    return (max(box[0], page[0]), max(box[1], page[1]), min(box[2], page[2]), min(box[3], page[3]))
