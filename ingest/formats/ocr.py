"""Texterkennung (OCR) with Debian's Tesseract and its German model, a few pages per Tesseract run.

Tesseract is called as a program (`tesseract PAGES.txt - tsv`), not through pytesseract: that wrapper
only writes temporary files and calls the same program, and the TSV output carries what we need — the
words with their page/block/paragraph/line numbers (to rebuild paragraphs) and a confidence per word.
Each page has its own time limit (`JHA_INGEST_OCR_PAGE_SECONDS`): a run of several pages gets that
limit times its pages, and a run that exceeds it or fails is repeated page by page, so that the slow
or broken page is named and the others are read. The whole file stays under the worker's limits.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
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


# Pages one Tesseract run reads at most. Each run loads the German model and its tables again (about
# 0,45 billion instructions, 2 % of an A4 page, callgrind); four pages to a run save three quarters of
# that, while a 500-page scan keeps at most (workers + 1) × 4 page files of 9 MB on disk at a time.
PAGES_PER_RUN = 4


def recognise(image: Image, *, language: str, seconds: float, page: int) -> OcrPage:
    """The text on one page image; raises `LoadError` when Tesseract is missing, fails or is too slow."""
    program = _program()
    with tempfile.TemporaryDirectory(prefix="jha-ocr-") as folder:
        path = _page_file(image, Path(folder), page)
        return _recognise_page(program, path, language=language, seconds=seconds, page=page)


def recognise_all(
    images: Iterable[tuple[int, Image]], *, pages: int, language: str, seconds: float, workers: int
) -> dict[int, OcrPage]:
    """Pages by number, `workers` Tesseract processes at a time (one per core: one page's OpenMP threads
    gain little, two pages at once nearly double the rate). The `pages` expected are shared out so that
    every worker gets a run of the same length, at most `PAGES_PER_RUN`. `images` is drawn lazily and
    each page written to a file at once, so that no rendered page waits in memory."""
    if pages == 0:
        return {}  # a PDF with a text layer on every page: it needs no Tesseract installed
    program = _program()
    workers = max(1, workers)
    per_run = max(1, min(PAGES_PER_RUN, math.ceil(pages / workers)))
    results: dict[int, OcrPage] = {}
    with tempfile.TemporaryDirectory(prefix="jha-ocr-") as folder, ThreadPoolExecutor(workers) as pool:
        pending: set[Future[dict[int, OcrPage]]] = set()
        for run in _runs(images, per_run, Path(folder)):
            pending.add(pool.submit(_recognise_run, program, run, language=language, seconds=seconds))
            if len(pending) > workers:  # one run waits written while the others are read
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for finished in done:
                    results.update(finished.result())
        for finished in pending:
            results.update(finished.result())
    return results


def _program() -> str:
    program = shutil.which("tesseract")
    if program is None:
        raise LoadError(f"Texterkennung nicht möglich: Tesseract ist nicht installiert ({_PACKAGES})")
    return program


def _page_file(image: Image, folder: Path, page: int) -> Path:
    """The page as an uncompressed greyscale TIFF, cut to its content (`_content`).

    A file, not PNM on Tesseract's standard input: it reads standard input one byte at a time and
    Leptonica reads PNM one pixel at a time, together about 0,1 s of an A4 page at 300 dpi; an
    uncompressed TIFF is read in 2 ms and written in 1 ms (PNG would cost 30 ms to write). Tesseract's
    text is the same (evals/bench_ocr.py)."""
    path = folder / f"seite-{page}.tif"
    try:
        _content(image.convert("L")).save(path, format="TIFF", compression="raw")
    except OSError as exc:
        raise LoadError(f"Texterkennung von Seite {page} nicht möglich: {_NO_TEMP}") from exc
    return path


def _runs(images: Iterable[tuple[int, Image]], size: int, folder: Path) -> Iterator[list[tuple[int, Path]]]:
    run: list[tuple[int, Path]] = []
    for number, image in images:
        run.append((number, _page_file(image, folder, number)))
        if len(run) == size:
            yield run
            run = []
    if run:
        yield run


def _recognise_run(
    program: str, run: list[tuple[int, Path]], *, language: str, seconds: float
) -> dict[int, OcrPage]:
    """The pages of one run; page by page when the run as a whole fails or exceeds its time."""
    try:
        if len(run) > 1:
            listing = run[0][1].with_suffix(".txt")
            listing.write_text("".join(f"{path}\n" for _, path in run), encoding="utf-8")
            try:
                tsv = _tesseract(program, listing, language=language, seconds=seconds * len(run))
            except subprocess.TimeoutExpired:
                tsv = None
            if tsv is not None:
                return {number: _from_tsv(tsv, page=position) for position, (number, _) in enumerate(run, 1)}
        return {
            number: _recognise_page(program, path, language=language, seconds=seconds, page=number)
            for number, path in run
        }
    finally:
        for _, path in run:
            path.unlink(missing_ok=True)


def _recognise_page(program: str, path: Path, *, language: str, seconds: float, page: int) -> OcrPage:
    try:
        tsv = _tesseract(program, path, language=language, seconds=seconds)
    except subprocess.TimeoutExpired as exc:
        what = f"Texterkennung von Seite {page} dauerte länger als {seconds:g} Sekunden".replace(".", ",")
        raise LimitExceeded(what, "JHA_INGEST_OCR_PAGE_SECONDS") from exc
    if tsv is None:
        raise LoadError(f"Texterkennung von Seite {page} fehlgeschlagen (Bild unlesbar oder beschädigt)")
    return _from_tsv(tsv)


def _tesseract(program: str, source: Path, *, language: str, seconds: float) -> str | None:
    """Tesseract's TSV of a page file or of a list of them; None when it failed. A missing language
    model raises `LoadError`: no page can be read without it."""
    # One thread: the machine's cores belong to the other files and the web server, and Tesseract's
    # OpenMP threads gain little on one page (measured in evals/bench_ocr.py).
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    result = subprocess.run(
        [program, str(source), "-", "-l", language, *TESSERACT_OPTIONS, "tsv"],
        capture_output=True,
        timeout=seconds,
        env=env,
        check=False,
    )
    if result.returncode == 0:
        return result.stdout.decode("utf-8", "replace")
    stderr = result.stderr.decode("utf-8", "replace")
    if "Failed loading language" in stderr or "Error opening data file" in stderr:
        raise LoadError(f"Texterkennung nicht möglich: Sprachmodell „{language}“ fehlt ({_PACKAGES})")
    return None


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


def _from_tsv(tsv: str, page: int = 1) -> OcrPage:
    """The words of `page` (its position in the run) back into lines and paragraphs; a word hyphenated
    at a line end is joined again.

    Only the block/paragraph/line numbers and the confidence are read. The TSV's boxes (left, top,
    width, height) are relative to the cropped image Tesseract was given (`_content`), not to the page:
    whoever starts using them must add the crop's left and top edge first."""
    paragraphs: dict[tuple[str, str], list[list[str]]] = {}
    line_keys: dict[tuple[str, str, str], list[str]] = {}
    confidences: list[float] = []
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5" or cells[1] != str(page) or not cells[11].strip():
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
