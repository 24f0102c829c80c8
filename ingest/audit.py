"""Changes to the knowledge base made on the command line, recorded in the Prüfprotokoll.

The web routes record their own changes with the signed-in account; the CLI records them with the
operating-system user who ran the command. Both write to the same audit table (the answer log's
database), so the Prüfprotokoll page shows every change, whoever made it and however.

>>> audit = open_cli_audit(index, command="ingest add")  # doctest: +SKIP
>>> IngestPipeline(index, audit=audit).add([Path("/srv/wissen")])  # doctest: +SKIP
"""

from __future__ import annotations

import functools
import getpass
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from knowledge.models import Document

if TYPE_CHECKING:
    from ingest.report import Written
    from knowledge.index import KnowledgeIndex

# Audit actions of the CLI (the Prüfprotokoll page labels them; `document_remove` and `reindex` are
# the web's own names for the same changes).
DOCUMENT_ADD = "document_add"
DOCUMENT_UPDATE = "document_update"
DOCUMENT_MOVE = "document_move"
DOCUMENT_REMOVE = "document_remove"
REINDEX = "reindex"
SYNC = "sync"
LAW_IMPORT = "law_import"
_DETAIL_CHARS = 500


class AuditSink(Protocol):
    """Where records go: `assistant.log.AnswerLog` is one (its `audit` passes the storage filter)."""

    def audit(
        self, *, actor: str, action: str, target: str | None = None, detail: str | None = None
    ) -> None: ...


def cli_actor() -> str:
    """Who ran the command: the operating-system user, marked as such (a web account may share a name)."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no login name and no passwd entry (some containers)
        user = f"uid {os.getuid()}"
    return f"{user} (Kommandozeile)"


@dataclass
class ChangeAudit:
    """Writes one Prüfprotokoll record per changed document, and run summaries, for one actor.

    Records are written in batches (`flush`, at the latest every `flush_every` records and at the end
    of each pipeline run): the storage filter recomputes the knowledge base's vocabulary whenever the
    index changed, which took seconds per record at 1,000 documents when written one by one.
    """

    sink: AuditSink
    actor: str
    flush_every: int = 100
    pending: list[tuple[str, str | None, str | None]] = field(default_factory=list)

    def record(self, action: str, target: str | None, detail: str | None = None) -> None:
        self.pending.append((action, target, detail[:_DETAIL_CHARS] if detail else None))
        if len(self.pending) >= self.flush_every:
            self.flush()

    def flush(self) -> None:
        while self.pending:
            action, target, detail = self.pending.pop(0)
            self.sink.audit(actor=self.actor, action=action, target=target, detail=detail)

    def document_written(self, entry: Written, *, updated: bool) -> None:
        """`entry` as the report lists it in `added` or `updated`."""
        # No file paths in the detail: it passes the storage filter, which masks most file names (they
        # may name a person); the target, the document's id, says which file it is.
        detail = f"{entry.title} ({entry.type.label}, {_sections(entry.chunks)})"
        self.record(DOCUMENT_UPDATE if updated else DOCUMENT_ADD, entry.id, detail)

    def document_removed(self, document: Document) -> None:
        self.record(DOCUMENT_REMOVE, document.id, document.title)

    def document_moved(self, document: Document) -> None:
        detail = f"{document.title}: Datei verschoben oder umbenannt (nicht neu eingebettet)"
        self.record(DOCUMENT_MOVE, document.id, detail)


def _sections(count: int) -> str:
    return "1 Abschnitt" if count == 1 else f"{count} Abschnitte"


def open_cli_audit(index: KnowledgeIndex) -> ChangeAudit:
    """The Prüfprotokoll of the configured database, written as the OS user.

    Opening it migrates the database like the server does; an unreachable database raises
    `DatabaseUnavailable` (the CLI prints its German message and exits with code 3) before anything
    changes, so no change goes unrecorded. The storage filter vouches with the dictionary and the
    knowledge base's words, as the web's records do.
    """
    # The entry point composes the answer log's audit table with the index; the ingest pipeline itself
    # knows only the `AuditSink` protocol.
    from assistant.gate import IndexTerms, StorageFilter
    from assistant.gate.lexicon import Lexicon
    from assistant.log import AnswerLog

    settings = index.settings
    lexicon = functools.cache(lambda: Lexicon.load(settings.policy.dictionary_path))
    storage = StorageFilter(lexicon, IndexTerms(index, lexicon))
    return ChangeAudit(AnswerLog(settings.effective_database_url, storage), cli_actor())
