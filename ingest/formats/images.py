"""Scanned pages as image files (.png, .jpg, .tif): every frame of the image is a page for Tesseract."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ingest.formats.ocr import recognise_all
from ingest.limits import IngestLimits, LoadError
from ingest.loaded import LoadedFile, paged

# A scan of an A3 page at 600 dpi has 70 million pixels; more is a decompression bomb, not a letter.
_MAX_PIXELS = 80_000_000

_NO_TEXT = "Bild enthält keinen Text, den die Texterkennung erkennen konnte (leer, unscharf oder kein Text?)"


def load_image(path: Path, limits: IngestLimits) -> LoadedFile:
    from PIL import Image, ImageSequence, UnidentifiedImageError

    kind = path.suffix.lower().lstrip(".").upper().replace("JPEG", "JPG").replace("TIFF", "TIF")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                if getattr(image, "n_frames", 1) > limits.max_pages:
                    raise limits.too_many_pages()
                if image.format == "JPEG":
                    # Decoded straight to grey, which is all Tesseract reads: libjpeg skips the colour
                    # channels (about half the decoding time of a colour scan).
                    image.draft("L", image.size)
                recognised = recognise_all(
                    _frames(ImageSequence.Iterator(image)),
                    pages=getattr(image, "n_frames", 1),
                    language=limits.ocr_language,
                    seconds=limits.ocr_page_seconds,
                    workers=limits.ocr_workers,
                )
    except LoadError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise LoadError("Bild ist zu groß (mehr als 80 Millionen Bildpunkte, manipuliert?)") from exc
    except UnidentifiedImageError as exc:
        raise LoadError(f"Datei ist kein lesbares {kind}-Bild") from exc
    except (OSError, ValueError, SyntaxError) as exc:  # Pillow's errors on truncated or broken files
        raise LoadError(f"{kind}-Bild ist unvollständig oder beschädigt") from exc
    results = [recognised[number] for number in sorted(recognised)]
    pages = [result.text for result in results]
    if not any(p.strip() for p in pages):
        raise LoadError(_NO_TEXT)
    words = sum(r.words for r in results) or 1
    extra: dict[str, Any] = {
        "pages": len(pages),
        "ocr_pages": list(range(1, len(pages) + 1)),
        "ocr_confidence": round(sum(r.confidence * r.words for r in results) / words, 1),
    }
    return paged(pages, "image", extra)


def _frames(frames: Iterable[Any]) -> Iterator[tuple[int, Any]]:
    """Each frame as an image of its own (the iterator reuses one object), checked for its size."""
    for number, frame in enumerate(frames, start=1):
        if frame.width * frame.height > _MAX_PIXELS:
            raise LoadError(_too_large(frame.width, frame.height))
        yield number, frame.copy()


def _too_large(width: int, height: int) -> str:
    return f"Bild ist zu groß ({width} × {height} Bildpunkte, höchstens 80 Millionen)"
