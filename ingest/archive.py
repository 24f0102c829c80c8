"""Zip-based office formats (DOCX today; XLSX, ODT, PPTX are zips as well) checked before a parser
opens them: declared sizes and compression ratios first, then the real decompressed size while reading.

A zip bomb declares gigabytes (rejected from the headers alone, in milliseconds) or compresses one entry
a thousandfold (rejected by the ratio); headers that lie cannot make Python's `zipfile` return more than
they declare, and the streaming pass counts what decompression really yields, in 1 MB blocks.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from ingest.limits import MB, IngestLimits, LimitExceeded, LoadError

ZIP_SUFFIXES = frozenset({".docx", ".xlsx", ".odt", ".ods", ".pptx"})
_MAX_MEMBERS = 10_000
# Small entries may compress very well (a style sheet of repeated tags) without being any risk.
_RATIO_FLOOR = 1 * MB
_BLOCK = 1 << 20


def check_archive(path: Path, limits: IngestLimits, kind: str) -> None:
    """Raise `LoadError` when the archive is broken or over the unpacked-size or ratio limit."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            _check_headers(members, limits, kind)
            budget = int(limits.max_unpacked_mb * MB)
            for member in members:
                with archive.open(member) as stream:
                    while block := stream.read(_BLOCK):
                        budget -= len(block)
                        if budget < 0:
                            raise limits.unpacked_too_large()
    except LoadError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        reason = f"{kind} ist beschädigt oder kein gültiges {kind}-Dokument (ZIP-Archiv defekt)"
        raise LoadError(reason) from exc
    except NotImplementedError as exc:
        raise LoadError(f"{kind} verwendet ein nicht unterstütztes Kompressionsverfahren") from exc
    except RuntimeError as exc:  # zipfile: "File … is encrypted, password required"
        raise LoadError(f"{kind} ist verschlüsselt oder passwortgeschützt") from exc


def _check_headers(members: list[zipfile.ZipInfo], limits: IngestLimits, kind: str) -> None:
    if len(members) > _MAX_MEMBERS:
        raise LoadError(f"{kind} enthält mehr als {_MAX_MEMBERS:,} Einträge (beschädigt?)".replace(",", "."))
    if sum(member.file_size for member in members) > limits.max_unpacked_mb * MB:
        raise limits.unpacked_too_large()
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _RATIO_FLOOR and ratio > limits.max_zip_ratio:
            name = member.filename[:80]
            times = f"{ratio:,.0f}".replace(",", ".")
            raise LimitExceeded(
                f"Eintrag {name} ist {times}-fach komprimiert, vermutlich eine Zip-Bombe",
                "JHA_INGEST_MAX_ZIP_RATIO",
            )
