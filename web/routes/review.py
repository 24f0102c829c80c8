"""Review pages for the Leitung: answer log, detail with verdict, overview charts, export, audit trail."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from assistant.log import Verdict
from assistant.log.export import (
    MEDIA_TYPES,
    ExportFormat,
    export_answers,
    reviewer_pseudonyms,
    with_reviewer_pseudonyms,
)
from assistant.models import AnswerStatus
from assistant.policy import Rule
from web import charts
from web.deps import CsrfDep, LeitungDep, RendererDep, SessionDep, StateDep
from web.errors import WebError
from web.filters import MAX_OFFSET
from web.permissions import ReviewFilterDep, collections_of, index_for, reviewable_entry
from web.templating import local_today
from web.views import turn_from_log

router = APIRouter(prefix="/review", include_in_schema=False)

PAGE_SIZE = 50
_FILTER_KEYS = ("since", "until", "status", "rule", "negative_feedback", "unreviewed")


def _filter_query(request: Request) -> dict[str, str]:
    return {k: v for k, v in request.query_params.items() if k in _FILTER_KEYS and v}


@router.get("")
def answer_log(
    *,
    request: Request,
    user: LeitungDep,
    state: StateDep,
    renderer: RendererDep,
    filters: ReviewFilterDep,
    page: Annotated[int, Query(ge=1, le=MAX_OFFSET // PAGE_SIZE)] = 1,
) -> Response:
    log = state.assistant.answer_log
    total = log.count(filters)
    entries = log.list(filters, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    query = _filter_query(request)
    context = {
        "title": "Antwortprotokoll",
        "entries": entries,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "query": query,
        "query_string": urlencode(query),
        "statuses": list(AnswerStatus),
        "rules": list(Rule),
    }
    return renderer.page(request, "review/list.html", context)


@router.get("/overview")
def overview(
    request: Request,
    user: LeitungDep,
    state: StateDep,
    renderer: RendererDep,
    days: Annotated[int, Query(ge=1, le=366)] = 30,
) -> Response:
    until = local_today()
    since = until - timedelta(days=days - 1)
    data = state.assistant.answer_log.overview(since, until, collections_of(state, user))
    verdict_counts = [(v.label, data.verdicts.get(v.value, 0)) for v in Verdict]
    context = {
        "title": "Überblick",
        "days": days,
        "since": since,
        "until": until,
        "data": data,
        "daily_chart": charts.daily_bars(
            data.per_day, title=f"Fragen pro Tag, {since:%d.%m.} bis {until:%d.%m.%Y}"
        ),
        "documents_chart": charts.horizontal_bars(
            [(title or doc_id, n) for doc_id, title, n in data.top_documents], title="Meistzitierte Dokumente"
        ),
        "verdict_chart": charts.horizontal_bars(verdict_counts, title="Bewertungen", colour=charts.ANSWERED),
        "verdict_counts": verdict_counts,
        "rates": [
            ("Ohne belastbare Quelle", data.abstention_rate, charts.ABSTAINED, "abstained"),
            ("Abgelehnt (Falldaten)", data.refusal_rate, charts.REFUSED, "refused"),
            ("Negative Rückmeldung", data.negative_feedback_rate, charts.NEUTRAL, "negative"),
        ],
        "rate_bar": charts.rate_bar,
    }
    return renderer.page(request, "review/overview.html", context)


@router.get("/export")
def export(
    request: Request,
    user: LeitungDep,
    state: StateDep,
    filters: ReviewFilterDep,
    fmt: Annotated[ExportFormat, Query()] = "csv",
) -> Response:
    log = state.assistant.answer_log
    body = export_answers(log, filters, fmt, reviewer_alias=reviewer_pseudonyms(state.assistant.secret()))
    # Exports leave the system: who exported what is part of the reviewer audit trail.
    log.audit(
        actor=user.username, action="export", detail=f"{fmt} {urlencode(_filter_query(request))}".strip()
    )
    filename = f"antwortprotokoll-{local_today():%Y-%m-%d}.{fmt}"
    return Response(
        body,
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/audit")
def audit(request: Request, user: LeitungDep, state: StateDep, renderer: RendererDep) -> Response:
    alias = reviewer_pseudonyms(state.assistant.secret())
    # A review row ties a person to her verdict on an answer: its actor appears as the pseudonym the
    # review pages show. Exports and changes to the knowledge base keep their account names: who took
    # data out or changed the sources must stay attributable.
    trail = [
        replace(row, actor=alias(row.actor)) if row.action == "review" else row
        for row in state.assistant.answer_log.audit_trail(limit=200)
    ]
    return renderer.page(request, "review/audit.html", {"title": "Prüfprotokoll", "trail": trail})


@router.get("/{log_id}")
def detail(
    *,
    log_id: str,
    request: Request,
    user: LeitungDep,
    state: StateDep,
    renderer: RendererDep,
    session: SessionDep,
) -> Response:
    entry = reviewable_entry(state, user, log_id)
    entry = with_reviewer_pseudonyms(entry, reviewer_pseudonyms(state.assistant.secret()))
    index = index_for(state, user)
    retrieved = [
        {**asdict(passage), "title": (doc.title if (doc := index.document(passage.document_id)) else None)}
        for passage in entry.retrieved
    ]
    context = {
        "title": "Antwort prüfen",
        "entry": entry,
        "turn": turn_from_log(entry, index),
        "retrieved": retrieved,
        "verdicts": list(Verdict),
        "flash": session.pop("flash", None),
    }
    return renderer.page(request, "review/detail.html", context)


@router.post("/{log_id}/verdict", dependencies=[CsrfDep])
def verdict(
    *,
    log_id: str,
    user: LeitungDep,
    state: StateDep,
    session: SessionDep,
    verdict: Annotated[Verdict, Form()],
    comment: Annotated[str, Form(max_length=4000)] = "",
) -> RedirectResponse:
    reviewable_entry(state, user, log_id)
    stored = state.assistant.review(
        log_id, reviewer=user.username, verdict=verdict, comment=comment.strip() or None
    )
    if not stored:
        raise WebError(404, "answer_not_found", "Kein Eintrag mit dieser ID.")
    session["flash"] = {"text": f"Bewertung „{verdict.label}“ gespeichert."}
    return RedirectResponse(f"/review/{log_id}", status_code=303)
