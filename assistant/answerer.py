"""`Answerer`: what the assistant needs of a language-model answerer (`assistant.answering.llm`), so
that the service depends on the protocol and the container picks the implementation. Without one the
assistant answers with its built-in extractive answers (`assistant.answering.extractive`)."""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from assistant.answering.llm import LlmAnswer, SourcePassage
    from assistant.answering.llm_calls import Waiting


class Answerer(Protocol):
    model_name: str

    def stream_answer(
        self, question: str, passages: list[SourcePassage], *, started: float | None = None
    ) -> Generator[str | Waiting, None, LlmAnswer]:
        """Checked statements as they complete, `Waiting` while the model is silent; returns the whole
        answer, raises `LlmFailure` on failure, timeout or a full pool."""
        ...

    def close(self) -> None: ...
