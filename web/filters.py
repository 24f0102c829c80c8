"""The review filters (period, status, policy rule, negative feedback, unreviewed) from query parameters.

There is deliberately no filter by employee: the answer log judges answers, not people.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Query

from assistant.log import LogFilter
from assistant.models import AnswerStatus
from assistant.policy import Rule
from web.errors import WebError


def _date(value: str, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise WebError(422, "invalid_date", f"{name}: bitte ein Datum im Format JJJJ-MM-TT angeben.") from exc


def log_filter(
    *,
    since: Annotated[str, Query(description="Von (JJJJ-MM-TT)")] = "",
    until: Annotated[str, Query(description="Bis einschließlich (JJJJ-MM-TT)")] = "",
    status: Annotated[str, Query(description="answered, abstained oder refused")] = "",
    rule: Annotated[str, Query(description="Kennung einer Policy-Regel, z. B. falldaten-sperre")] = "",
    negative_feedback: Annotated[bool, Query(description="Nur mit negativer Rückmeldung")] = False,
    unreviewed: Annotated[bool, Query(description="Nur noch nicht bewertete")] = False,
) -> LogFilter:
    if status and status not in {s.value for s in AnswerStatus}:
        raise WebError(422, "invalid_status", "Unbekannter Status (answered, abstained, refused).")
    if rule and rule not in {r.value for r in Rule}:
        raise WebError(422, "invalid_rule", "Unbekannte Policy-Regel.")
    since_date, until_date = _date(since, "Von"), _date(until, "Bis")
    if since_date and until_date and since_date > until_date:
        raise WebError(422, "invalid_period", "Der Zeitraum ist leer: „Von“ liegt nach „Bis“.")
    return LogFilter(
        since=since_date,
        until=until_date,
        status=AnswerStatus(status) if status else None,
        rule=rule or None,
        negative_feedback=negative_feedback,
        unreviewed=unreviewed,
    )


LogFilterDep = Annotated[LogFilter, Depends(log_filter)]
