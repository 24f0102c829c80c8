"""Per-file limits of the ingest: what one file may cost before it fails alone.

A hostile or broken file (a zip bomb, a 2,000-page PDF, 25 MB of text) must fail fast, within bounded
memory, with a German message that names the file, what was exceeded and the setting to change.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from knowledge.settings import Settings

MB = 1_000_000


class LoadError(Exception):
    """A file could not be turned into text; the message says why, in German."""

    def __init__(self, reason: str, *, limit: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.limit = limit  # the setting that was exceeded, e.g. "JHA_INGEST_MAX_PAGES"


class LimitExceeded(LoadError):
    """A file is over one of the configured limits."""

    def __init__(self, what: str, setting: str) -> None:
        super().__init__(f"{what} (Grenze {setting})", limit=setting)


@dataclass(frozen=True)
class IngestLimits:
    """The limits in effect, taken from `Settings` and sent to the parse worker as JSON."""

    max_file_mb: float = 100.0
    max_unpacked_mb: float = 200.0
    max_zip_ratio: float = 100.0
    max_pages: int = 1000
    max_text_mb: float = 5.0
    max_seconds: float = 120.0
    max_memory_mb: int = 1024
    min_word_share: float = 0.05
    ocr_language: str = "deu"
    ocr_dpi: int = 300
    ocr_page_seconds: float = 60.0
    ocr_workers: int = 2

    @classmethod
    def from_settings(cls, settings: Settings) -> IngestLimits:
        # The limits are the ingest section's values of the same names (the section also holds what
        # is not a per-file limit, such as whether law downloads are allowed).
        return cls(**settings.ingest.model_dump(include={field.name for field in fields(cls)}))

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def max_text_chars(self) -> int:
        return int(self.max_text_mb * MB)

    def check_text(self, text: str) -> None:
        if len(text) > self.max_text_chars:
            raise self.text_too_large()

    def text_too_large(self) -> LimitExceeded:
        return LimitExceeded(
            f"extrahierter Text größer als {_number(self.max_text_mb)} MB", "JHA_INGEST_MAX_TEXT_MB"
        )

    def file_too_large(self) -> LimitExceeded:
        return LimitExceeded(f"größer als {_number(self.max_file_mb)} MB", "JHA_INGEST_MAX_FILE_MB")

    def unpacked_too_large(self) -> LimitExceeded:
        return LimitExceeded(
            f"entpackt größer als {_number(self.max_unpacked_mb)} MB", "JHA_INGEST_MAX_UNPACKED_MB"
        )

    def too_many_pages(self) -> LimitExceeded:
        return LimitExceeded(f"mehr als {self.max_pages} Seiten", "JHA_INGEST_MAX_PAGES")

    def too_slow(self) -> LimitExceeded:
        return LimitExceeded(
            f"Lesen dauerte länger als {_number(self.max_seconds)} Sekunden", "JHA_INGEST_MAX_SECONDS"
        )

    def too_much_memory(self) -> LimitExceeded:
        return LimitExceeded(
            f"Lesen braucht mehr als {self.max_memory_mb} MB Arbeitsspeicher", "JHA_INGEST_MAX_MEMORY_MB"
        )


def _number(value: float) -> str:
    """200.0 -> "200", 2.5 -> "2,5" (German decimal comma)."""
    return f"{value:g}".replace(".", ",")


def file_message(name: str, reason: str) -> str:
    """The one format every failure is reported in: "Datei X: reason"."""
    return f"Datei {name}: {reason}"
