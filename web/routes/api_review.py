"""JSON API for the Leitung: the answer log and verdicts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from assistant.log import Verdict
from assistant.log.export import reviewer_pseudonyms, with_reviewer_pseudonyms
from assistant.schemas import LogEntryRecord
from web.deps import CsrfDep, LeitungDep, StateDep
from web.errors import WebError
from web.filters import MAX_OFFSET
from web.permissions import ReviewFilterDep, reviewable_entry
from web.routes.api import ERRORS, ErrorResponse
from web.schemas import AnswerList, ReviewStored

router = APIRouter(prefix="/api", tags=["API"])

_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "Kein Eintrag mit dieser ID"}
}


class ReviewRequest(BaseModel):
    verdict: Verdict = Field(description="korrekt, fehlerhaft, unvollstaendig oder quelle_fehlt")
    comment: str | None = Field(default=None, max_length=4000)


@router.get("/answers", responses=ERRORS)
def answers(
    user: LeitungDep,
    state: StateDep,
    filters: ReviewFilterDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> AnswerList:
    """Das Antwortprotokoll, neueste zuerst, gefiltert. Rolle: leitung."""
    log = state.assistant.answer_log
    alias = reviewer_pseudonyms(state.assistant.secret())
    entries = [with_reviewer_pseudonyms(e, alias) for e in log.list(filters, limit=limit, offset=offset)]
    return AnswerList(
        total=log.count(filters), limit=limit, offset=offset, answers=[e.record() for e in entries]
    )


@router.get("/answers/{log_id}", responses={**ERRORS, **_NOT_FOUND})
def answer(log_id: str, user: LeitungDep, state: StateDep) -> LogEntryRecord:
    """Ein Eintrag mit geschwärzter Frage, Antwort, Quellen, Suchtreffern, Rückmeldungen und Bewertungen
    (Bewertende als Pseudonym)."""
    entry = reviewable_entry(state, user, log_id)
    return with_reviewer_pseudonyms(entry, reviewer_pseudonyms(state.assistant.secret())).record()


@router.post("/answers/{log_id}/review", dependencies=[CsrfDep], responses={**ERRORS, **_NOT_FOUND})
def review(log_id: str, body: ReviewRequest, user: LeitungDep, state: StateDep) -> ReviewStored:
    """Eine Bewertung abgeben; wer wann was bewertet hat, wird protokolliert. Rolle: leitung."""
    reviewable_entry(state, user, log_id)
    stored = state.assistant.review(
        log_id, reviewer=user.username, verdict=body.verdict, comment=(body.comment or "").strip() or None
    )
    if not stored:
        raise WebError(404, "answer_not_found", "Kein Eintrag mit dieser ID.")
    return ReviewStored(verdict=body.verdict.value)
