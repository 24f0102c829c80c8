"""The collection rule in the web app: what a signed-in user (session, SSO, OIDC or API key) reads.

Every route that could surface a document asks here: answers (`ask`/`stream` with `collections_of`),
document pages and search (`index_for`), the review pages and exports (`review_filter`). The rule
itself is `assistant.access.readable_collections`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import Depends

from assistant.access import readable_collections
from assistant.log import LogEntry, LogFilter
from knowledge.collections import Collections
from knowledge.index import KnowledgeIndex
from web.accounts import User
from web.deps import LeitungDep, StateDep
from web.errors import WebError
from web.filters import LogFilterDep
from web.state import AppState


def collections_of(state: AppState, user: User) -> Collections:
    """The collections `user` reads (None: every collection)."""
    granted = user.collections if user.collections is not None else state.accounts.collections(user.username)
    return readable_collections(
        (role.value for role in user.roles),
        granted,
        default_for_all=state.settings.collection_default_for_all,
    )


def index_for(state: AppState, user: User) -> KnowledgeIndex:
    """The index as `user` may read it: documents of other collections do not exist there."""
    return state.assistant.index.restricted_to(collections_of(state, user))


def review_filter(state: AppState, user: User, filters: LogFilter) -> LogFilter:
    """A reviewer sees the answers drawn only from collections she holds (a cross-collection answer
    needs all of them); maintainers see every answer."""
    return replace(filters, collections=collections_of(state, user))


def may_review(state: AppState, user: User, drawn_from: list[str]) -> bool:
    """Whether `user` may open a logged answer that drew from `drawn_from`."""
    collections = collections_of(state, user)
    return collections is None or set(drawn_from) <= collections


def reviewable_filter(filters: LogFilterDep, user: LeitungDep, state: StateDep) -> LogFilter:
    """The review filters of the request, restricted to what the reviewer may see."""
    return review_filter(state, user, filters)


ReviewFilterDep = Annotated[LogFilter, Depends(reviewable_filter)]


def reviewable_entry(state: AppState, user: User, log_id: str) -> LogEntry:
    """A logged answer the reviewer may see; any other is answered like an unknown id (404)."""
    entry = state.assistant.answer_log.get(log_id)
    if entry is None or not may_review(state, user, entry.collections):
        raise WebError(404, "answer_not_found", "Kein Eintrag mit dieser ID.")
    return entry
