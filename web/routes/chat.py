"""The chat page for Fachkräfte: works as plain form posts; chat.js adds streaming on top."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from pydantic import BaseModel, Field

from assistant.schemas import AnswerRecord
from web.accounts import User
from web.conversations import CONVERSATION_ID, new_conversation_id
from web.deps import CsrfDep, FachkraftDep, RendererDep, SessionDep, StateDep
from web.errors import WebError
from web.permissions import collections_of, index_for
from web.questions import validate_question
from web.sessions import Session
from web.state import AppState
from web.streaming import SSE_HEADERS, SSE_MEDIA_TYPE, answer_events
from web.templating import Renderer
from web.views import TurnView, turn_from_answer

router = APIRouter(include_in_schema=False)

CONVERSATION_NOT_FOUND = "Dieses Gespräch gibt es nicht (mehr)."

EXAMPLE_QUESTIONS = [
    "Was ist zu tun, wenn dem Jugendamt gewichtige Anhaltspunkte für eine Kindeswohlgefährdung "
    "bekannt werden?",
    "Welche Aufgaben hat der Verfahrenslotse nach § 10b SGB VIII?",
    "Wann müssen junge Menschen in stationären Hilfen Kostenbeiträge leisten?",
]


def conversation_of(session: Session) -> str:
    """The session's current conversation, started on first use."""
    conversation = session.get("conv")
    if not isinstance(conversation, str):
        conversation = new_conversation_id()
        session["conv"] = conversation
    return conversation


def chosen_conversation(state: AppState, user: User, session: Session, requested: str | None) -> str:
    """The conversation a question goes to: the one the page shows (a hidden field, so that two tabs
    keep theirs), else the session's. Another account's id is answered like an unknown one: 404."""
    if not requested:
        return conversation_of(session)
    if not CONVERSATION_ID.fullmatch(requested):
        raise WebError(404, "conversation_not_found", CONVERSATION_NOT_FOUND)
    owner = state.history.owner(requested)
    # An id not in the history yet is the page's fresh conversation, unless someone else asked in it.
    fresh = owner is None and state.assistant.may_continue(requested, user.username)
    if owner != user.username and not fresh:
        raise WebError(404, "conversation_not_found", CONVERSATION_NOT_FOUND)
    session["conv"] = requested
    return requested


def earlier_turns(state: AppState, user: User, conversation: str) -> list[TurnView]:
    """The user's own copy of the conversation (web/history.py), numbered from 1; sources the user may
    no longer read (a collection taken away) are left out."""
    index = index_for(state, user)
    return [
        turn_from_answer(turn.answer, turn.question, index, number=number)
        for number, turn in enumerate(state.history.turns(user.username, conversation), start=1)
    ]


def render_answer(renderer: Renderer, turn: TurnView, csrf_token: str) -> str:
    template = renderer.templates.get_template("partials/answer.html")
    return template.render(turn=turn, csrf_token=csrf_token)


def _chat_page(
    request: Request,
    state: AppState,
    renderer: Renderer,
    session: Session,
    *,
    user: User,
    turns: list[TurnView] | None = None,
    **extra: Any,
) -> Response:
    conversation = conversation_of(session)
    context = {
        "title": "Fragen",
        "turns": earlier_turns(state, user, conversation) if turns is None else turns,
        "conversation_id": conversation,
        "conversation": state.history.get(user.username, conversation),
        "conversations": state.history.recent(user.username),
        "history_days": state.settings.history_retention_days,
        "examples": EXAMPLE_QUESTIONS,
        "max_question_chars": state.settings.max_question_chars,
        "flash": session.pop("flash", None),
        **extra,
    }
    return renderer.page(request, "chat.html", context)


@router.get("/chat")
def chat_page(
    request: Request, user: FachkraftDep, state: StateDep, renderer: RendererDep, session: SessionDep
) -> Response:
    return _chat_page(request, state, renderer, session, user=user)


@router.get("/chat/c/{conversation_id}")
def open_conversation(
    *,
    conversation_id: str,
    request: Request,
    user: FachkraftDep,
    state: StateDep,
    renderer: RendererDep,
    session: SessionDep,
) -> Response:
    """An earlier conversation of the user's, to read and to continue."""
    if state.history.get(user.username, conversation_id) is None:
        raise WebError(404, "conversation_not_found", CONVERSATION_NOT_FOUND)
    session["conv"] = conversation_id
    return _chat_page(request, state, renderer, session, user=user)


@router.post("/chat", dependencies=[CsrfDep])
def ask(
    *,
    request: Request,
    user: FachkraftDep,
    state: StateDep,
    renderer: RendererDep,
    session: SessionDep,
    question: Annotated[str, Form()] = "",
    conversation: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Without JavaScript: the whole page comes back with the answer below the earlier turns."""
    chosen = chosen_conversation(state, user, session, conversation)
    try:
        question = validate_question(question, state.settings.max_question_chars)
    except WebError as error:
        # No draft: a page that shows the question back would be one more copy of case data (#10).
        return _chat_page(request, state, renderer, session, user=user, error=error.message)
    turns = earlier_turns(state, user, chosen)
    collections = collections_of(state, user)
    answer = state.assistant.ask(
        question, conversation_id=chosen, user=user.username, collections=collections
    )
    record = AnswerRecord.of(answer)
    number = state.history.record(user.username, chosen, record)
    data = record.model_dump(mode="json")
    index = state.assistant.index.restricted_to(collections)
    current = turn_from_answer(data, question, index, number=number or len(turns) + 1)
    return _chat_page(
        request, state, renderer, session, user=user, turns=[*turns, current], current=current.log_id
    )


class StreamRequest(BaseModel):
    question: str  # checked by validate_question against the configured limit
    conversation_id: str | None = Field(default=None, max_length=64)


@router.post("/chat/stream", dependencies=[CsrfDep])
def ask_streaming(
    body: StreamRequest, user: FachkraftDep, state: StateDep, renderer: RendererDep, session: SessionDep
) -> StreamingResponse:
    """For chat.js: the API's event stream, with the server-rendered answer in `done`."""
    conversation = chosen_conversation(state, user, session, body.conversation_id)
    question = validate_question(body.question, state.settings.max_question_chars)
    token = session.csrf_token()
    collections = collections_of(state, user)

    def remember_and_render(data: dict[str, Any]) -> dict[str, Any]:
        # Recorded before the answer's last event goes out: a reload right after it shows the turn.
        number = state.history.record(user.username, conversation, AnswerRecord.model_validate(data))
        turn = turn_from_answer(data, question, index, number=number or None)
        return {"html": render_answer(renderer, turn, token)}

    index = state.assistant.index.restricted_to(collections)

    events = answer_events(
        state,
        question,
        conversation_id=conversation,
        username=user.username,
        collections=collections,
        finish=remember_and_render,
    )
    return StreamingResponse(events, media_type=SSE_MEDIA_TYPE, headers=SSE_HEADERS)


@router.post("/chat/new", dependencies=[CsrfDep])
def new_conversation(user: FachkraftDep, session: SessionDep) -> RedirectResponse:
    session["conv"] = new_conversation_id()
    return RedirectResponse("/chat", status_code=303)


@router.post("/chat/c/{conversation_id}/rename", dependencies=[CsrfDep])
def rename_conversation(
    conversation_id: str,
    user: FachkraftDep,
    state: StateDep,
    session: SessionDep,
    title: Annotated[str, Form(max_length=200)] = "",
) -> RedirectResponse:
    if not title.strip():
        raise WebError(422, "title_missing", "Bitte geben Sie einen Titel ein.")
    if not state.history.rename(user.username, conversation_id, title):
        raise WebError(404, "conversation_not_found", CONVERSATION_NOT_FOUND)
    session["flash"] = {"text": "Gespräch umbenannt."}
    return RedirectResponse(f"/chat/c/{conversation_id}", status_code=303)


@router.post("/chat/c/{conversation_id}/delete", dependencies=[CsrfDep])
def delete_conversation(
    conversation_id: str, user: FachkraftDep, state: StateDep, session: SessionDep
) -> RedirectResponse:
    """Deletes the user's copy; the answer log keeps its pseudonymous rows (policy rule 8)."""
    if not state.history.delete(user.username, conversation_id):
        raise WebError(404, "conversation_not_found", CONVERSATION_NOT_FOUND)
    if session.get("conv") == conversation_id:
        session["conv"] = new_conversation_id()
    session["flash"] = {"text": "Gespräch gelöscht."}
    return RedirectResponse("/chat", status_code=303)


@router.post("/chat/feedback", dependencies=[CsrfDep])
def feedback_form(
    *,
    user: FachkraftDep,
    state: StateDep,
    session: SessionDep,
    log_id: Annotated[str, Form(max_length=64)],
    helpful: Annotated[str, Form()] = "",
    source_mismatch: Annotated[str | None, Form()] = None,
    comment: Annotated[str, Form(max_length=2000)] = "",
) -> RedirectResponse:
    stored = state.assistant.feedback(
        log_id,
        user=user.username,
        helpful={"yes": True, "no": False}.get(helpful),
        source_mismatch=source_mismatch is not None,
        comment=comment.strip() or None,
    )
    if not stored:
        raise WebError(404, "answer_not_found", "Diese Antwort gibt es nicht (mehr).")
    session["flash"] = {"log_id": log_id, "text": "Danke für Ihre Rückmeldung."}
    return RedirectResponse(f"/chat#a-{log_id}", status_code=303)
