"""OpenAI-compatible API: `POST /v1/chat/completions` (streamed or not) and `GET /v1/models`, so that
Open WebUI, scripts and office add-ins can use the assistant as a "model".

Authentication by API key (`Authorization: Bearer jha-…`, `python -m web apikeys add`); the key carries
its account's roles. The gate, the answer log and every policy rule apply as in the chat: the answer is
the same `Assistant` call. Refusals and abstentions are normal answers (200) with their status in the
extension field `jugendhilfe`.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Iterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from assistant.models import NoticeKind
from assistant.schemas import AnswerRecord
from knowledge.collections import Collections
from web.deps import CsrfDep, FachkraftDep, StateDep, UserDep, bearer_key
from web.errors import WebError
from web.openai_format import (
    LEADING,
    MODEL_ID,
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionRequest,
    ModelCard,
    ModelList,
    chunk,
    closing,
    completion,
    content,
    conversation_id,
    extension,
    notice_line,
)
from web.permissions import collections_of
from web.questions import validate_question
from web.state import AppState
from web.streaming import SSE_HEADERS, SSE_MEDIA_TYPE
from web.testhook import pause_at

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1", tags=["OpenAI-kompatibel"])

_COMPLETIONS_DESCRIPTION = """
Beantwortet die letzte Nachricht (`role: user`) von `messages`; die Nachrichten davor sind das Gespräch
(Folgefragen). Der Text der Antwort trägt die Marker [n] und eine Liste „Quellen“. Das Zusatzfeld
`jugendhilfe` enthält `status` (`answered`, `abstained`, `refused`), `citations`, `notices`, `policy`,
`suggestions`, `mode`, `log_id` und `conversation_id`; beim Streamen steht es im letzten Abschnitt (mit
`finish_reason: "stop"`). Ablehnungen und Enthaltungen sind normale Antworten (200). Anmeldung:
`Authorization: Bearer <API-Schlüssel>`. Rolle: fachkraft.

Verlauf: Anfragen mit demselben Schlüssel und derselben ersten Frage sind ein Gespräch; es erscheint im
Gesprächsverlauf des Kontos (Fragen durch den Speicherfilter, wie im Chat).
"""


@router.get("/models")
def models(user: UserDep) -> ModelList:
    """Das eine „Modell“: der Assistent."""
    return ModelList(data=[ModelCard()])


@router.post(
    "/chat/completions",
    description=_COMPLETIONS_DESCRIPTION,
    response_model=ChatCompletion,
    # Bearer keys pass the check; a browser session (the cookie) needs its CSRF token as /api/chat does.
    dependencies=[CsrfDep],
    responses={200: {"content": {SSE_MEDIA_TYPE: {}}, "description": "stream: true – Server-Sent Events"}},
)
def chat_completions(
    body: ChatCompletionRequest, request: Request, user: FachkraftDep, state: StateDep
) -> ChatCompletion | StreamingResponse:
    if body.model != MODEL_ID:
        raise WebError(404, "model_not_found", f"Unbekanntes Modell; verfügbar ist nur {MODEL_ID!r}.")
    last = body.messages[-1]
    if last.role != "user":
        raise WebError(
            422, "last_message_not_user", "Die letzte Nachricht muss eine Frage (role: user) sein."
        )
    question = validate_question(last.text, state.settings.max_question_chars)
    secret = state.assistant.secret()
    conversation = conversation_id(secret, user.username, bearer_key(request), body.messages)
    completion_id, created = f"chatcmpl-{secrets.token_urlsafe(18)}", int(time.time())
    # An API key carries its user's collections, as the chat does.
    collections = collections_of(state, user)
    if body.stream:
        frames = _stream(
            state, question, conversation, (user.username, collections), (completion_id, created)
        )
        return StreamingResponse(frames, media_type=SSE_MEDIA_TYPE, headers=SSE_HEADERS)
    answer = state.assistant.ask(
        question, conversation_id=conversation, user=user.username, collections=collections
    )
    record = AnswerRecord.of(answer)
    state.history.record(user.username, conversation, record, numbered=False)
    return completion(completion_id, created, content(record), extension(record, conversation))


def _frame(text: str) -> str:
    return f"data: {text}\n\n"


def _json_frame(data: ChatCompletionChunk | dict[str, dict[str, str]]) -> str:
    payload = data.as_json() if isinstance(data, ChatCompletionChunk) else data
    return _frame(json.dumps(payload, ensure_ascii=False))


def _stream(
    state: AppState,
    question: str,
    conversation: str,
    reader: tuple[str, Collections],
    ident: tuple[str, int],
) -> Iterator[str]:
    """Chunks as the assistant yields them; they add up to the non-streamed message text. `reader`: the
    user's name and collections."""
    completion_id, created = ident
    username, collections = reader

    def piece(text: str) -> str:
        return _json_frame(chunk(completion_id, created, {"content": text}))

    yield _json_frame(chunk(completion_id, created, {"role": "assistant", "content": ""}))
    streamed = ""  # answer text sent since the last restart
    first_delta = True
    try:
        events = state.assistant.stream(
            question, conversation_id=conversation, user=username, collections=collections
        )
        for event in events:
            if event.kind == "notice" and event.data["kind"] in LEADING:
                if event.data["kind"] == NoticeKind.LLM_FALLBACK and streamed:
                    # The model failed mid-answer; the built-in answer follows in full.
                    yield piece("\n\n" + notice_line(event.data["text"]))
                    streamed = ""
                else:
                    yield piece(notice_line(event.data["text"]))
            elif event.kind == "delta":
                streamed += event.data["text"]
                yield piece(event.data["text"])
                if first_delta:
                    first_delta = False
                    pause_at(state.settings, "chat:first-delta")  # as in web/streaming.py, for the tests
            elif event.kind == "progress":
                yield ": Sprachmodell antwortet\n\n"  # an SSE comment keeps proxies from timing out
            elif event.kind == "done":
                record = AnswerRecord.model_validate(event.data)
                state.history.record(
                    username, conversation, record, numbered=False
                )  # before the answer's end goes out
                final = record.answer
                rest = final[len(streamed) :] if final.startswith(streamed) else "\n\n" + final
                yield piece(rest + closing(record))
                yield _json_frame(chunk(completion_id, created, {}, last=extension(record, conversation)))
    except Exception as exc:
        # Headers are sent: the error travels in the stream, as OpenAI's clients expect it. The log line
        # names the exception type only; its message could quote the question.
        log.error("API-Antwort abgebrochen: %s", type(exc).__name__)
        message = "Die Antwort konnte nicht erstellt werden. Bitte versuchen Sie es erneut."
        yield _json_frame({"error": {"message": message, "type": "server_error", "code": "answer_failed"}})
    yield _frame("[DONE]")
