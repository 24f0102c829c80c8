"""Jinja2 rendering: the page context every template gets, and the filters for German display."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.responses import HTMLResponse

from assistant.policy.texts import ENTITY_LABELS
from knowledge.models import DocumentType
from web import markdown
from web.accounts import Role, User
from web.sessions import Session

TEMPLATES = Path(__file__).parent / "templates"
# Offices read times in local time; the log stores UTC.
LOCAL_TZ = ZoneInfo("Europe/Berlin")
_CITATION = re.compile(r"\[(\d{1,2})\]")

STATUS_LABELS = {
    "answered": "beantwortet",
    "abstained": "keine Quelle",
    "refused": "abgelehnt",
    "incomplete": "unvollständig",
}
VERDICT_LABELS = {
    "korrekt": "korrekt",
    "fehlerhaft": "fehlerhaft",
    "unvollstaendig": "unvollständig",
    "quelle_fehlt": "Quelle fehlt",
}


def german_date(value: date | datetime | str | None) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        try:
            parsed: date = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return value
    else:
        parsed = value
    if isinstance(parsed, datetime):
        return parsed.astimezone(LOCAL_TZ).strftime("%d.%m.%Y")
    return parsed.strftime("%d.%m.%Y")


def german_datetime(value: datetime | str | None) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(LOCAL_TZ).strftime("%d.%m.%Y, %H:%M")


def type_label(value: str | None) -> str:
    try:
        return DocumentType(value).label if value else "–"
    except ValueError:
        return str(value)


def percent(value: float) -> str:
    return f"{value * 100:.0f} %".replace(".", ",")


def answer_html(text: str, anchor_prefix: str = "") -> Markup:
    """Answer text as HTML (links inert), with every [n] a link to source n of the same answer."""
    return Markup(
        _CITATION.sub(
            lambda m: (
                f'<a class="cite" href="#{anchor_prefix}src-{m.group(1)}" '
                f'aria-label="Quelle {m.group(1)}">[{m.group(1)}]</a>'
            ),
            markdown.render(text, heading_offset=3),
        )
    )


def policy_html(text: str) -> Markup:
    """Our own Markdown documents (the policy): rendered whole, headings as written."""
    return markdown.render(text, links="external")


def document_html(text: str) -> Markup:
    """A passage on the document page: below the page's h1 and the section's h2."""
    return markdown.render(text, links="external", heading_offset=2, passage=True)


class Renderer:
    """`renderer.page(request, "chat.html", {...})`: a template with user, CSRF token and navigation."""

    def __init__(self, *, product_name: str = "Jugendhilfe-Assistent") -> None:
        self.templates = Jinja2Templates(directory=str(TEMPLATES))
        env = self.templates.env
        env.filters.update(
            german_date=german_date,
            german_datetime=german_datetime,
            type_label=type_label,
            percent=percent,
            answer_html=answer_html,
            markdown=policy_html,
            document_markdown=document_html,
            status_label=lambda s: STATUS_LABELS.get(str(s), str(s)),
            verdict_label=lambda v: VERDICT_LABELS.get(str(v), str(v)),
            entity_label=lambda e: ENTITY_LABELS.get(str(e), str(e)),
        )
        env.globals.update(product_name=product_name, Role=Role, passage_html=markdown.render_passage)

    def page(
        self, request: Request, name: str, context: dict[str, Any] | None = None, *, status: int = 200
    ) -> HTMLResponse:
        session: Session = request.scope["session"]
        user: User | None = getattr(request.state, "user", None)
        full = {
            "request": request,
            "user": user,
            "csrf_token": session.csrf_token(),
            "nav": _navigation(user, request.url.path),
            **(context or {}),
        }
        return self.templates.TemplateResponse(request, name, full, status_code=status)


def _navigation(user: User | None, path: str) -> list[dict[str, Any]]:
    if user is None:
        return []
    items = []
    if user.has(Role.FACHKRAFT):
        items.append(("/chat", "Fragen", "/chat"))
    if user.has(Role.LEITUNG):
        items.append(("/review", "Auswertung", "/review"))
    if user.has(Role.MAINTAINER):
        items.append(("/documents", "Dokumente", "/documents"))
    items += [("/policy", "Richtlinie", "/policy"), ("/limits", "Grenzen", "/limits")]
    return [
        {"href": href, "label": label, "current": path == prefix or path.startswith(prefix + "/")}
        for href, label, prefix in items
    ]


def local_today() -> date:
    """Today in the office's time zone (the overview's days are local days)."""
    return datetime.now(LOCAL_TZ).date()
