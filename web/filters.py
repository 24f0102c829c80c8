"""The review filters (period, status, policy rule, negative feedback, unreviewed) from query parameters.

There is deliberately no filter by employee: the answer log judges answers, not people.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Query

from assistant.log import LogFilter
from assistant.models import AnswerStatus
from assistant.policy import Rule
from web.errors import WebError

# Exactly what the schema says (OpenAPI `format: date`): Python's fromisoformat alone would also take
# "20240131" or "2024-W05-3".
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
# Empty (no filter) or a date: the form sends empty fields, the schema says so.
_DATE_SCHEMA: dict[str, Any] = {"anyOf": [{"format": "date"}, {"maxLength": 0}]}


# Far beyond any real answer log, well within the databases' 64-bit integers: larger offsets get a 422.
MAX_OFFSET = 10**9


def _choice(values: list[str]) -> dict[str, Any]:
    return {"enum": ["", *values]}


def _date(value: str, name: str) -> date | None:
    if not value:
        return None
    try:
        if not _ISO_DATE.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError as exc:
        raise WebError(422, "invalid_date", f"{name}: bitte ein Datum im Format JJJJ-MM-TT angeben.") from exc


def log_filter(
    *,
    since: Annotated[str, Query(description="Von (JJJJ-MM-TT)", json_schema_extra=_DATE_SCHEMA)] = "",
    until: Annotated[
        str, Query(description="Bis einschließlich (JJJJ-MM-TT)", json_schema_extra=_DATE_SCHEMA)
    ] = "",
    status: Annotated[
        str,
        Query(
            description="answered, abstained, refused oder incomplete",
            json_schema_extra=_choice([s.value for s in AnswerStatus]),
        ),
    ] = "",
    rule: Annotated[
        str,
        Query(
            description="Kennung einer Policy-Regel, z. B. falldaten-sperre",
            json_schema_extra=_choice([r.value for r in Rule]),
        ),
    ] = "",
    negative_feedback: Annotated[bool, Query(description="Nur mit negativer Rückmeldung")] = False,
    unreviewed: Annotated[bool, Query(description="Nur noch nicht bewertete")] = False,
) -> LogFilter:
    if status and status not in {s.value for s in AnswerStatus}:
        raise WebError(
            422, "invalid_status", "Unbekannter Status (answered, abstained, refused, incomplete)."
        )
    if rule and rule not in {r.value for r in Rule}:
        raise WebError(422, "invalid_rule", "Unbekannte Policy-Regel.")
    since_date, until_date = _date(since, "Von"), _date(until, "Bis")
    if since_date and until_date and since_date > until_date:
        raise WebError(422, "invalid_period", "Der Zeitraum ist leer: „Von“ liegt nach „Bis“.")
    return LogFilter(
        since=since_date,
        # The last representable day means "no end"; the log's "before the next day" would overflow.
        until=until_date if until_date != date.max else None,
        status=AnswerStatus(status) if status else None,
        rule=rule or None,
        negative_feedback=negative_feedback,
        unreviewed=unreviewed,
    )


LogFilterDep = Annotated[LogFilter, Depends(log_filter)]
