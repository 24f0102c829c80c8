"""The OpenAI chat-completions format for the assistant's answers (`/v1`, web/routes/openai_api.py).

The answer text keeps its [n] markers and gets a "Quellen" list, so that any OpenAI client shows a
sourced answer. The structured answer travels in the extension field `jugendhilfe` (see
`JugendhilfeExtension`), which clients that do not know it ignore.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.models import NoticeKind
from assistant.schemas import AnswerRecord, CitationRecord, NoticeRecord, PolicyRecord, SuggestionRecord

MODEL_ID = "jugendhilfe-assistent"
# Notices a reader needs before the answer (danger, case decisions, what was removed from the question),
# and those that belong after it (superseded sources, removed statements, the AI label).
LEADING = (NoticeKind.EMERGENCY, NoticeKind.CASE_DECISION, NoticeKind.REDACTED, NoticeKind.LLM_FALLBACK)
TRAILING = (NoticeKind.SUPERSEDED, NoticeKind.UNSOURCED_REMOVED, NoticeKind.AI_DISCLOSURE)


class TextPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[TextPart] | None = None

    @property
    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(part.text or "" for part in self.content if part.type == "text")
        return self.content or ""


class ChatCompletionRequest(BaseModel):
    """OpenAI's request; sampling options (temperature, max_tokens, …) are accepted and ignored."""

    model_config = ConfigDict(extra="allow")
    model: str = Field(examples=[MODEL_ID])
    messages: list[ChatMessage] = Field(min_length=1, max_length=200)
    stream: bool = False


class JugendhilfeExtension(BaseModel):
    """The structured answer: what the chat's `done` event carries, in the core's citation schema."""

    status: Literal["answered", "abstained", "refused"]
    citations: list[CitationRecord] = Field(description="Die Quellen zu den Markern [n] im Text.")
    notices: list[NoticeRecord] = Field(description="Hinweise der Richtlinie, `{kind, text}`.")
    policy: PolicyRecord = Field(description="Ausgelöste Regeln und erkannte Falldaten-Typen.")
    suggestions: list[SuggestionRecord] = Field(description="Nächstliegende Dokumente bei Enthaltung.")
    mode: str
    log_id: str | None
    conversation_id: str


class CompletionMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class CompletionChoice(BaseModel):
    index: int = 0
    message: CompletionMessage
    finish_reason: Literal["stop"] = "stop"


class ChatCompletion(BaseModel):
    """OpenAI's `chat.completion` object with the extension field `jugendhilfe`."""

    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str = MODEL_ID
    choices: list[CompletionChoice]
    jugendhilfe: JugendhilfeExtension


class ModelCard(BaseModel):
    id: str = MODEL_ID
    object: Literal["model"] = "model"
    created: int = 0
    owned_by: str = "jugendhilfe-assistent"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


class ChunkChoice(BaseModel):
    index: int = 0
    delta: dict[str, str] = Field(description="`role` und/oder `content`; leer im letzten Abschnitt.")
    finish_reason: Literal["stop"] | None = None


class ChatCompletionChunk(BaseModel):
    """OpenAI's `chat.completion.chunk`; the last one carries the extension field `jugendhilfe`."""

    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str = MODEL_ID
    choices: list[ChunkChoice]
    jugendhilfe: JugendhilfeExtension | None = None

    def as_json(self) -> dict[str, Any]:
        # Only the last chunk has the extension; the others leave the key out (a null would be noise).
        return self.model_dump(mode="json", exclude={"jugendhilfe"} if self.jugendhilfe is None else None)


def extension(answer: AnswerRecord, conversation_id: str) -> JugendhilfeExtension:
    """Validated here (status: answered, abstained or refused), so the API never sends a shape it does
    not declare."""
    fields = {"status", "citations", "notices", "policy", "suggestions", "mode", "log_id"}
    return JugendhilfeExtension.model_validate(
        answer.model_dump(include=fields) | {"conversation_id": conversation_id}
    )


def notice_line(text: str) -> str:
    return f"**Hinweis:** {text}\n\n"


def leading_notices(answer: AnswerRecord) -> str:
    return "".join(notice_line(n.text) for n in answer.notices if n.kind in LEADING)


def closing(answer: AnswerRecord) -> str:
    """What follows the answer text: the sources, the nearest documents on abstention, the notices."""
    parts = []
    if answer.citations:
        parts.append("Quellen:\n" + "\n".join(f"[{c.n}] {c.label}" for c in answer.citations))
    if answer.suggestions:
        lines = [f"- {s.title}" + (f" ({s.section})" if s.section else "") for s in answer.suggestions]
        parts.append("Nächstliegende Dokumente:\n" + "\n".join(lines))
    parts += [f"_{n.text}_" for n in answer.notices if n.kind in TRAILING]
    return "".join(f"\n\n{part}" for part in parts)


def content(answer: AnswerRecord) -> str:
    """The whole message text of a non-streamed answer (a stream adds up to the same text)."""
    return leading_notices(answer) + answer.answer + closing(answer)


def conversation_id(secret: bytes, username: str, api_key: str | None, messages: list[ChatMessage]) -> str:
    """The conversation a request continues. OpenAI clients send the whole history each time and no id:
    a conversation is the account, the API key (two clients of one person stay apart) and the first
    question. One account cannot continue another's; the id names neither key nor question."""
    first = next((m.text for m in messages if m.role == "user"), "")
    key = hmac.new(secret, b"jha-api-conversation", hashlib.sha256).digest()
    client = hashlib.sha256(api_key.encode()).hexdigest() if api_key else "session"
    digest = hmac.new(key, f"{username}\0{client}\0{first}".encode(), hashlib.sha256).hexdigest()
    return f"api-{digest[:32]}"


def completion(completion_id: str, created: int, text: str, ext: JugendhilfeExtension) -> ChatCompletion:
    return ChatCompletion(
        id=completion_id,
        created=created,
        choices=[CompletionChoice(message=CompletionMessage(content=text))],
        jugendhilfe=ext,
    )


def chunk(
    completion_id: str,
    created: int,
    delta: dict[str, str],
    *,
    last: JugendhilfeExtension | None = None,
) -> ChatCompletionChunk:
    """A piece of the streamed answer; `last`: the final chunk (finish_reason "stop"), with the extension."""
    choice = ChunkChoice(delta=delta, finish_reason="stop" if last else None)
    return ChatCompletionChunk(id=completion_id, created=created, choices=[choice], jugendhilfe=last)
