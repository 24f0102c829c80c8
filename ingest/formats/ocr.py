"""Texterkennung (OCR) with Debian's Tesseract and its German model, one page image at a time.

Tesseract is called as a program (`tesseract PAGE.tif - tsv`), not through pytesseract: that wrapper
only writes temporary files and calls the same program, and the TSV output carries what we need — the
words with their block/paragraph/line numbers (to rebuild paragraphs) and a confidence per word. Each
page has its own time limit (`JHA_INGEST_OCR_PAGE_SECONDS`); the whole file stays under the worker's
limits.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ingest.limits import LimitExceeded, LoadError

if TYPE_CHECKING:
    from PIL.Image import Image

_PACKAGES = "Debian-Pakete tesseract-ocr und tesseract-ocr-deu"
_NO_TEMP = "die Seite konnte nicht als temporäre Datei abgelegt werden (Speicherplatz voll?)"


# --psm 3 (automatic layout), not 6 (one block of text, 6 % less CPU): only it reads two columns one
# after the other (tests/ingest/test_ocr_layout.py). tessedit_do_invert=0: no second pass looking for
# white-on-black text, which letters and circulars do not have (about 3 % of the CPU time).
# textord_disable_pitch_test=1: no search for typewriter (fixed-pitch) spacing, which only the old
# character classifier used; the LSTM model finds the spaces itself. 3,4 % fewer instructions
# (callgrind), the same text in DejaVu Sans, Serif and Sans Mono (evals/bench_ocr.py).
TESSERACT_OPTIONS = ("--psm", "3", "-c", "tessedit_do_invert=0", "-c", "textord_disable_pitch_test=1")


@dataclass(frozen=True)
class OcrPage:
    text: str
    confidence: float  # mean word confidence, 0–100
    words: int


def recognise(image: Image, *, language: str, seconds: float, page: int) -> OcrPage:
    """The text on one page image; raises `LoadError` when Tesseract is missing, fails or is too slow."""
    program = shutil.which("tesseract")
    if program is None:
        raise LoadError(f"Texterkennung nicht möglich: Tesseract ist nicht installiert ({_PACKAGES})")
    # One thread: the machine's cores belong to the other files and the web server, and Tesseract's
    # OpenMP threads gain little on one page (measured in evals/bench_ocr.py).
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    # The page goes to Tesseract as an uncompressed TIFF file, not as PNM on its standard input: it
    # reads standard input one byte at a time and Leptonica reads PNM one pixel at a time, together
    # about 0,1 s of an A4 page at 300 dpi; an uncompressed TIFF is read in 2 ms and written in 1 ms
    # (PNG would cost 30 ms to write). Tesseract's text is the same (evals/bench_ocr.py).
    with tempfile.NamedTemporaryFile(prefix="jha-ocr-", suffix=".tif") as page_file:
        try:
            _content(image.convert("L")).save(page_file, format="TIFF", compression="raw")
            page_file.flush()
        except OSError as exc:
            raise LoadError(f"Texterkennung von Seite {page} nicht möglich: {_NO_TEMP}") from exc
        try:
            result = subprocess.run(
                [program, page_file.name, "-", "-l", language, *TESSERACT_OPTIONS, "tsv"],
                capture_output=True,
                timeout=seconds,
                env=env,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            what = f"Texterkennung von Seite {page} dauerte länger als {seconds:g} Sekunden".replace(".", ",")
            raise LimitExceeded(what, "JHA_INGEST_OCR_PAGE_SECONDS") from exc
    if result.returncode != 0:
        stderr = result.stderr.decode("utf-8", "replace")
        if "Failed loading language" in stderr or "Error opening data file" in stderr:
            raise LoadError(f"Texterkennung nicht möglich: Sprachmodell „{language}“ fehlt ({_PACKAGES})")
        raise LoadError(f"Texterkennung von Seite {page} fehlgeschlagen (Bild unlesbar oder beschädigt)")
    return _from_tsv(result.stdout.decode("utf-8", "replace"))


# Blank margin kept around the content: Tesseract's layout analysis wants some white at the edges.
_MARGIN = 30
# Grey values darker than this count as content when the blank margins are cut off.
_INK = 160


def _content(page: Image) -> Image:
    """The grayscale page cut to the box around its dark pixels plus a margin: Tesseract's cost grows
    with the pixels it scans, and an A4 letter's white margins are a fifth of the page (about 8 % of
    the CPU time, evals/bench_ocr.py). A blank page is returned whole. Positions Tesseract reports
    for the crop are shifted by its left and top edge against the page (see `_from_tsv`)."""
    box = page.point(lambda v: 255 if v < _INK else 0).getbbox()
    if box is None:
        return page
    left, top, right, bottom = box
    return page.crop(
        (
            max(0, left - _MARGIN),
            max(0, top - _MARGIN),
            min(page.width, right + _MARGIN),
            min(page.height, bottom + _MARGIN),
        )
    )


def recognise_all(
    images: Iterable[tuple[int, Image]], *, language: str, seconds: float, workers: int
) -> dict[int, OcrPage]:
    """Pages by number, `workers` Tesseract processes at a time (one per core: one page's OpenMP threads
    gain little, two pages at once nearly double the rate). `images` is drawn lazily, so that no more
    than two pages per worker wait rendered in memory."""
    results: dict[int, OcrPage] = {}
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        pending: dict[Future[OcrPage], int] = {}
        for number, image in images:
            future = pool.submit(recognise, image, language=language, seconds=seconds, page=number)
            pending[future] = number
            if len(pending) >= 2 * max(1, workers):
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for finished in done:
                    results[pending.pop(finished)] = finished.result()
        for finished, number in pending.items():
            results[number] = finished.result()
    return results


def _from_tsv(tsv: str) -> OcrPage:
    """Words back into lines and paragraphs; a word hyphenated at a line end is joined again.

    Only the block/paragraph/line numbers and the confidence are read. The TSV's boxes (left, top,
    width, height) are relative to the cropped image Tesseract was given (`_content`), not to the page:
    whoever starts using them must add the crop's left and top edge first."""
    paragraphs: dict[tuple[str, str], list[list[str]]] = {}
    line_keys: dict[tuple[str, str, str], list[str]] = {}
    confidences: list[float] = []
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5" or not cells[11].strip():
            continue
        block, par, line, conf, word = cells[2], cells[3], cells[4], float(cells[10]), cells[11].strip()
        if conf >= 0:
            confidences.append(conf)
        key = (block, par, line)
        if key not in line_keys:
            line_keys[key] = []
            paragraphs.setdefault((block, par), []).append(line_keys[key])
        line_keys[key].append(word)
    texts = [_join_lines([" ".join(words) for words in lines]) for lines in paragraphs.values()]
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    return OcrPage(text="\n\n".join(t for t in texts if t), confidence=round(mean, 1), words=len(confidences))


# "Jugend- und Familienhilfe": a hyphen before these words is part of the text, not a line break.
_KEPT_HYPHEN_BEFORE = {"und", "oder", "bzw.", "sowie", "bis"}


def _join_lines(lines: list[str]) -> str:
    text = ""
    for line in lines:
        first = line.split(" ", 1)[0]
        if (
            text.endswith("-")
            and len(text) > 1
            and text[-2].isalpha()
            and first[:1].islower()
            and first not in _KEPT_HYPHEN_BEFORE
        ):
            text = text[:-1] + line  # "Kindes-" + "wohl…"
        else:
            text = f"{text} {line}" if text else line
    return text
