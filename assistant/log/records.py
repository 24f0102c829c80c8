"""Rows of the answer log's side tables as records: feedback on an answer, a review, a Prüfprotokoll
entry. The pages, the export and the API read their fields by name (`assistant.schemas` has the JSON
shapes of the first two)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Feedback:
    id: int
    answer_id: str
    created_at: datetime
    helpful: bool | None
    source_mismatch: bool
    comment: str | None  # passed through the storage filter before it was stored

    @property
    def negative(self) -> bool:
        """Not helpful, or the source did not fit: what the review list flags."""
        return self.helpful is False or self.source_mismatch


@dataclass(frozen=True)
class Review:
    id: int
    answer_id: str
    created_at: datetime
    reviewer: str  # the account; the pages and exports show its pseudonym (`with_reviewer_pseudonyms`)
    verdict: str
    comment: str | None


@dataclass(frozen=True)
class AuditRecord:
    """One change to the knowledge base, review or export, with who made it."""

    id: int
    at: datetime
    actor: str
    action: str
    target: str | None
    detail: str | None
