"""What a question must look like, in one place: the routes check it and the OpenAPI schema states it."""

from __future__ import annotations

import re
from typing import Any

from web.errors import WebError

# At least one character that is not whitespace (the same `\S` in Python and in JSON Schema).
_CONTENT = r"\S"


def validate_question(question: str, limit: int) -> str:
    """The question without surrounding whitespace, or a 422 saying what is wrong (never echoing it)."""
    # The limit counts what was sent, as JSON Schema's maxLength does, not what is left after stripping.
    if len(question) > limit:
        raise WebError(
            422,
            "question_too_long",
            f"Die Frage ist zu lang (höchstens {limit} Zeichen). Bitte kürzen Sie sie.",
        )
    if not re.search(_CONTENT, question):
        raise WebError(422, "question_empty", "Bitte geben Sie eine Frage ein.")
    return question.strip()


def question_schema(limit: int) -> dict[str, Any]:
    """The JSON Schema constraints `validate_question` enforces."""
    return {"minLength": 1, "maxLength": limit, "pattern": _CONTENT}
