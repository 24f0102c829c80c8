"""What an ingest run reports, file by file, as pydantic records: one schema read by `ingest add/sync
--json`, the text tables, the documents page's upload result and the Prüfprotokoll.

A record's JSON leaves out what a file does not have (an attachment's mail, a limit, screened
paragraphs), as the report did when it was built from dicts; scripts read the same keys.

>>> IngestReport(failed=[Failure(path="a.pdf", error="a.pdf: leer")]).as_json()["failed"]
[{'path': 'a.pdf', 'error': 'a.pdf: leer'}]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from knowledge.models import DocumentType


class ReportEntry(BaseModel):
    """One line of a report: a file, or a document of a synced folder."""

    model_config = ConfigDict(frozen=True)

    def as_json(self) -> dict[str, Any]:
        # Defaults are what a file does not have (None, no screened paragraphs): left out of the JSON.
        return self.model_dump(mode="json", by_alias=True, exclude_defaults=True)


class FileEntry(ReportEntry):
    """A file of the run, and how the index names it."""

    path: str = Field(description="Der Pfad, wie er angegeben oder gefunden wurde.")
    source: str = Field(description="Der Name des Dokuments im Index (Quelle).")
    attachment_of: str | None = Field(default=None, description="Quelle der E-Mail, an der die Datei hing.")


class Written(FileEntry):
    """A document added or updated (in a dry run: that would be)."""

    id: str
    title: str
    type: DocumentType
    chunks: int = Field(description="Zahl der Abschnitte.")
    collection: str
    screened: int = Field(default=0, description="Absätze mit Anweisungen an KI-Systeme, nicht indexiert.")


class Unchanged(FileEntry):
    id: str


class Duplicate(FileEntry):
    """Not indexed: the same text is indexed already (perhaps in another format)."""

    duplicate_of: str
    duplicate_title: str


class Moved(FileEntry):
    """A synced file moved or renamed: the document is re-pointed, nothing re-embedded."""

    id: str
    from_source: str = Field(serialization_alias="from", description="Die Quelle vor dem Verschieben.")
    title: str


class Skipped(FileEntry):
    """A file in a synced folder that is no document (Office lock file, Thumbs.db, unknown type)."""

    reason: str


class Removed(ReportEntry):
    """A document whose file vanished from the synced folder."""

    id: str
    source: str
    title: str


class Failure(ReportEntry):
    """A file that could not be ingested; the index keeps what it held for it."""

    path: str
    error: str = Field(description="Deutsche Meldung, die die Datei nennt.")
    limit: str | None = Field(default=None, description="Die überschrittene Grenze, falls es eine war.")


@dataclass
class IngestReport:
    """The run's entries by outcome; a mutable accumulator, filled file by file."""

    added: list[Written] = field(default_factory=list)
    updated: list[Written] = field(default_factory=list)
    unchanged: list[Unchanged] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "added": entries_json(self.added),
            "updated": entries_json(self.updated),
            "unchanged": entries_json(self.unchanged),
            "duplicates": entries_json(self.duplicates),
            "failed": entries_json(self.failed),
        }

    def extend(self, other: IngestReport) -> None:
        """Take over another run's entries (`laws import`: the downloads' failures, then the import)."""
        self.added.extend(other.added)
        self.updated.extend(other.updated)
        self.unchanged.extend(other.unchanged)
        self.duplicates.extend(other.duplicates)
        self.failed.extend(other.failed)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)


def entries_json(entries: Sequence[ReportEntry]) -> list[dict[str, Any]]:
    return [entry.as_json() for entry in entries]
