"""Which collections a reader may see, from the account's roles and grants (`knowledge.collections`).

The one rule for the web app, the API and `python -m assistant ask --user NAME`:
maintainers (who keep the knowledge base) read everything; everyone else reads the collections granted
to the account, plus `allgemein` unless `JHA_COLLECTION_DEFAULT_FOR_ALL=false`.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Engine, text

from knowledge.collections import DEFAULT_COLLECTION, Collections

READS_EVERYTHING = "maintainer"


def readable_collections(
    roles: Iterable[str], granted: Iterable[str], *, default_for_all: bool
) -> Collections:
    """None (every collection) for maintainers; otherwise the granted ones (and `allgemein`)."""
    if READS_EVERYTHING in set(roles):
        return None
    collections = set(granted)
    if default_for_all:
        collections.add(DEFAULT_COLLECTION)
    return frozenset(collections)


class UnknownAccount(LookupError):
    """No account of that name (the German message names it)."""


def account_collections(engine: Engine, username: str, *, default_for_all: bool) -> Collections:
    """What the account `username` reads, from the account tables the web app keeps (read only here:
    the CLI answers as that account would in the chat)."""
    with engine.connect() as connection:
        roles = connection.execute(
            text("SELECT roles FROM web_users WHERE username = :name"), {"name": username}
        ).scalar_one_or_none()
        if roles is None:
            raise UnknownAccount(f"Kein Konto {username!r} (python -m web users list zeigt alle).")
        granted = connection.execute(
            text("SELECT collection FROM web_user_collections WHERE username = :name"), {"name": username}
        ).scalars()
        return readable_collections(str(roles).split(","), list(granted), default_for_all=default_for_all)
