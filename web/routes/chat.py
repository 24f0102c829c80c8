"""The chat page for Fachkräfte: works as plain form posts; chat.js adds streaming on top."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from pydantic import BaseModel

from web.conversations import new_conversation_id
from web.deps import CsrfDep, FachkraftDep, RendererDep, SessionDep, StateDep
from web.errors import WebError
from web.questions import validate_question
from web.sessions import Session
from web.state import AppState
from web.streaming import SSE_HEADERS, SSE_MEDIA_TYPE, answer_events
from web.templating import Renderer
from web.views import TurnView, turn_from_answer, turn_from_log

router = APIRouter(include_in_schema=False)

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


def earlier_turns(state: AppState, conversation: str) -> list[TurnView]:
    # The answer log keys every entry by the conversation's pseudonym: it is the transcript.
    return [
        turn_from_log(entry, state.assistant.index) for entry in state.assistant.conversation(conversation)
    ]


def render_answer(renderer: Renderer, turn: TurnView, csrf_token: str) -> str:
    template = renderer.templates.get_template("partials/answer.html")
    return template.render(turn=turn, csrf_token=csrf_token)


def _chat_page(
    request: Request,
    state: AppState,
    renderer: Renderer,
    session: Session,
    turns: list[TurnView] | None = None,
    **extra: Any,
) -> Response:
    context = {
        "title": "Fragen",
        "turns": earlier_turns(state, conversation_of(session)) if turns is None else turns,
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
    return _chat_page(request, state, renderer, session)


@router.post("/chat", dependencies=[CsrfDep])
def ask(
    *,
    request: Request,
    user: FachkraftDep,
    state: StateDep,
    renderer: RendererDep,
    session: SessionDep,
    question: Annotated[str, Form()] = "",
) -> Response:
    """Without JavaScript: the whole page comes back with the answer below the earlier turns."""
    try:
        question = validate_question(question, state.settings.max_question_chars)
    except WebError as error:
        return _chat_page(request, state, renderer, session, error=error.message, draft=question[:5000])
    conversation = conversation_of(session)
    turns = earlier_turns(state, conversation)
    answer = state.assistant.ask(question, conversation_id=conversation, user=user.username)
    current = turn_from_answer(answer.as_json(), question, state.assistant.index)
    return _chat_page(request, state, renderer, session, turns=[*turns, current], current=current.log_id)


class StreamRequest(BaseModel):
    question: str  # checked by validate_question against the configured limit


@router.post("/chat/stream", dependencies=[CsrfDep])
def ask_streaming(
    body: StreamRequest, user: FachkraftDep, state: StateDep, renderer: RendererDep, session: SessionDep
) -> StreamingResponse:
    """For chat.js: the API's event stream, with the server-rendered answer in `done`."""
    question = validate_question(body.question, state.settings.max_question_chars)
    token = session.csrf_token()

    def render(data: dict[str, Any]) -> str:
        return render_answer(renderer, turn_from_answer(data, question, state.assistant.index), token)

    events = answer_events(
        state, question, conversation_id=conversation_of(session), username=user.username, render=render
    )
    return StreamingResponse(events, media_type=SSE_MEDIA_TYPE, headers=SSE_HEADERS)


@router.post("/chat/new", dependencies=[CsrfDep])
def new_conversation(user: FachkraftDep, session: SessionDep) -> RedirectResponse:
    session["conv"] = new_conversation_id()
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
