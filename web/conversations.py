"""Chat conversations: an id per conversation in the session; the transcript is the answer log,
which keys every entry by the conversation's pseudonym (see `Assistant.conversation`)."""

from __future__ import annotations

import secrets


def new_conversation_id() -> str:
    return secrets.token_urlsafe(18)
