"""The policy, rendered from its versioned document, and what the system can and cannot do."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response

from assistant.policy import GATE_LIMITATIONS, policy_markdown, policy_version
from knowledge.embedders import describe_embedder_choice
from knowledge.models import DocumentType
from knowledge.settings import GateAction
from web.deps import RendererDep, StateDep, UserDep
from web.permissions import index_for

router = APIRouter(include_in_schema=False)


@router.get("/policy")
def policy(request: Request, user: UserDep, renderer: RendererDep) -> Response:
    context = {"title": "Richtlinie", "policy": policy_markdown(), "version": policy_version()}
    return renderer.page(request, "policy.html", context)


@router.get("/limits")
def limits(request: Request, user: UserDep, state: StateDep, renderer: RendererDep) -> Response:
    assistant, settings = state.assistant, state.settings
    newest: dict[DocumentType, tuple[date | None, int]] = {}
    for document in index_for(state, user).documents():  # counts of what this user reads
        latest, count = newest.get(document.type, (None, 0))
        if document.date and (latest is None or document.date > latest):
            latest = document.date
        newest[document.type] = (latest, count + 1)
    if settings.llm.base_url and settings.llm.model:
        answering = (
            f"Sprachmodell „{settings.llm.model}“ am Endpunkt {settings.llm.base_url}; jede Aussage muss "
            "eine Quelle aus der Wissensbasis zitieren, sonst wird sie entfernt."
        )
    else:
        answering = (
            "Eingebauter Modus ohne Sprachmodell: Die Antworten bestehen aus wörtlichen Auszügen der "
            "gefundenen Quellen. Sie fassen nicht frei zusammen und ziehen keine eigenen Schlüsse."
        )
    context = {
        "title": "Grenzen des Systems",
        "by_type": [(t, *newest[t]) for t in DocumentType if t in newest],
        "embedder": assistant.index.embedder.id,
        "embedder_description": describe_embedder_choice(settings, assistant.index.embedder),
        "answering": answering,
        "gate_redacts": settings.policy.gate_action is GateAction.REDACT,
        "limitations": GATE_LIMITATIONS,
        "retention_days": settings.policy.log_retention_days,
        "policy_version": policy_version(),
    }
    return renderer.page(request, "limits.html", context)
