"""Chat conversations: an id per conversation. The answer log keys every entry by the conversation's
pseudonym (see `Assistant.conversation`); the user's own copy lives in web/history.py."""

from __future__ import annotations

import re
import secrets

# What new_conversation_id makes (and what the API accepts as `conversation_id`).
CONVERSATION_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def new_conversation_id() -> str:
    return secrets.token_urlsafe(18)
