"""JSON API: chat (streamed), feedback, documents, health. Answers and reviews are in api_review."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from assistant.schemas import AnswerRecord
from knowledge.listing import document_rows
from web.deps import CsrfDep, FachkraftDep, MaintainerDep, SessionDep, StateDep
from web.errors import WebError
from web.permissions import collections_of
from web.questions import validate_question
from web.routes.chat import conversation_of
from web.schemas import (
    ChatResponse,
    DatabaseCheck,
    DocumentList,
    DocumentRow,
    Health,
    HealthChecks,
    HealthStatus,
    IndexCheck,
    SearchCheck,
    Stored,
)
from web.state import AppState
from web.streaming import SSE_HEADERS, SSE_MEDIA_TYPE, answer_events

router = APIRouter(prefix="/api", tags=["API"])


class ErrorDetail(BaseModel):
    code: str = Field(examples=["forbidden"])
    message: str = Field(examples=["Dafür fehlt Ihrem Konto die Berechtigung."])


class ErrorResponse(BaseModel):
    error: ErrorDetail


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": description}
    for status, description in (
        (401, "Nicht angemeldet"),
        (403, "Rolle fehlt oder CSRF-Token ungültig"),
        (422, "Ungültige Eingabe"),
    )
}


class ChatRequest(BaseModel):
    # Length and content are checked by validate_question; the schema gets the same constraints from the
    # settings in web/app.py, so that the documented and the enforced limit are one number.
    question: str = Field(examples=["Was regelt § 8a SGB VIII?"])
    conversation_id: str | None = Field(
        default=None,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="Für Folgefragen; ohne Angabe gilt das Gespräch der Sitzung.",
    )


class FeedbackRequest(BaseModel):
    log_id: str = Field(max_length=64)
    helpful: bool | None = None
    source_mismatch: bool = False
    comment: str | None = Field(default=None, max_length=2000)


_CHAT_DESCRIPTION = """
Beantwortet eine Frage. Standardantwort ist ein Ereignisstrom (`text/event-stream`):
`notice` `{"kind", "text"}`, mit Sprachmodell `progress` `{"text", "seconds"}` („Sprachmodell
antwortet …“, solange es noch keine Aussage geliefert hat), dann `delta` `{"text"}` (Teile des
Antworttexts), zuletzt `done` mit der vollständigen Antwort (`status`, `answer`, `citations`,
`notices`, `policy`, `suggestions`, `log_id`, `conversation_id`); bei einem Fehler `error`
`{"code", "message"}`. Mit `Accept: application/json` kommt nur die vollständige Antwort als JSON.
Rolle: fachkraft.
"""


@router.post(
    "/chat",
    dependencies=[CsrfDep],
    description=_CHAT_DESCRIPTION,
    response_model=ChatResponse,  # the JSON variant; the stream's `done` event carries the same object
    responses={**ERRORS, 200: {"content": {SSE_MEDIA_TYPE: {}}}},
)
def chat(
    body: ChatRequest, request: Request, user: FachkraftDep, state: StateDep, session: SessionDep
) -> ChatResponse | StreamingResponse:
    question = validate_question(body.question, state.settings.max_question_chars)
    if body.conversation_id and not state.assistant.may_continue(body.conversation_id, user.username):
        raise WebError(403, "conversation_forbidden", "Dieses Gespräch gehört zu einer anderen Anmeldung.")
    conversation = body.conversation_id or conversation_of(session)

    def remember(data: dict[str, Any]) -> dict[str, Any]:
        # The user's own copy, as in the chat (through the storage filter): the chat lists it too.
        state.history.record(user.username, conversation, AnswerRecord.model_validate(data), numbered=False)
        return {}  # the `done` event carries the answer and nothing besides

    accept = request.headers.get("accept", "")
    collections = collections_of(state, user)
    if "application/json" in accept and SSE_MEDIA_TYPE not in accept:
        answer = state.assistant.ask(
            question, conversation_id=conversation, user=user.username, collections=collections
        )
        record = AnswerRecord.of(answer)
        state.history.record(user.username, conversation, record, numbered=False)
        return ChatResponse(**record.model_dump(), conversation_id=conversation)
    events = answer_events(
        state,
        question,
        conversation_id=conversation,
        username=user.username,
        collections=collections,
        finish=remember,
    )
    headers = {**SSE_HEADERS, "X-Conversation-Id": conversation}
    return StreamingResponse(events, media_type=SSE_MEDIA_TYPE, headers=headers)


@router.post("/feedback", dependencies=[CsrfDep], responses={**ERRORS, 404: {"model": ErrorResponse}})
def feedback(body: FeedbackRequest, user: FachkraftDep, state: StateDep) -> Stored:
    """Rückmeldung zu einer Antwort: hilfreich / nicht hilfreich, „Quelle passt nicht“, Kommentar."""
    stored = state.assistant.feedback(
        body.log_id,
        user=user.username,
        helpful=body.helpful,
        source_mismatch=body.source_mismatch,
        comment=(body.comment or "").strip() or None,
    )
    if not stored:
        raise WebError(404, "answer_not_found", "Diese Antwort gibt es nicht (mehr).")
    return Stored()


@router.get("/documents", responses=ERRORS)
def documents(user: MaintainerDep, state: StateDep) -> DocumentList:
    """Alle Dokumente der Wissensbasis mit Typ, Datum, Abschnitten und Versionsstand. Rolle: maintainer."""
    rows = document_rows(state.assistant.index)
    return DocumentList(documents=[DocumentRow.model_validate(row.as_json()) for row in rows])


@router.get(
    "/health",
    response_model=Health,
    response_model_exclude_none=True,
    responses={
        503: {
            "model": Health,
            "description": "Index oder Datenbank nicht verfügbar, oder Suchen schlugen fehl",
        }
    },
)
async def health(request: Request) -> JSONResponse:
    """Lebenszeichen mit Prüfung von Index und Datenbank. Ohne Anmeldung."""
    state = getattr(request.app.state, "web", None)
    if state is None:
        return _health(Health(status="starting"), 503)
    checks = await run_in_threadpool(_checks, state)
    healthy = checks.index.ok and checks.search.ok and checks.database.ok
    # Index and database answer, but searches failed recently: up, yet not serving questions.
    degraded = not healthy and checks.index.ok and checks.database.ok
    status: HealthStatus = "ok" if healthy else "degraded" if degraded else "unavailable"
    return _health(Health(status=status, checks=checks), 200 if healthy else 503)


def _health(health: Health, status_code: int) -> JSONResponse:
    # A JSONResponse of its own: the status code depends on the checks, the body is the declared model.
    return JSONResponse(health.model_dump(mode="json", exclude_none=True), status_code=status_code)


def _checks(state: AppState) -> HealthChecks:
    try:
        counts = state.assistant.index.counts()
        index = IndexCheck(
            ok=True,
            documents=counts["documents"],
            chunks=counts["chunks"],
            version=state.assistant.index.version,
        )
    except Exception as exc:  # any failure to read the catalog means the index is down
        index = IndexCheck(ok=False, error=type(exc).__name__)
    return HealthChecks(
        index=index,
        search=SearchCheck.model_validate(state.assistant.index.search_health.check()),
        database=DatabaseCheck(ok=bool(state.assistant.answer_log.health())),
    )
