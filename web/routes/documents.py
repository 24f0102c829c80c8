"""Documents: the source view for everyone signed in, and the maintainer's list, upload, remove, re-index.

Uploads go through the same `IngestPipeline` as `python -m ingest add`, so they are checked, parsed,
de-duplicated and reported exactly like files added on the command line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from ingest.loaders import SUPPORTED_SUFFIXES
from ingest.pipeline import IngestPipeline
from ingest.pipeline import document_id as id_for_source
from ingest.report import IngestReport
from knowledge.collections import collection_name
from knowledge.listing import document_rows
from knowledge.models import DocumentType
from web.accounts import User
from web.deps import CsrfDep, MaintainerDep, RendererDep, SessionDep, StateDep, UserDep
from web.errors import WebError
from web.first_steps import KnowledgeState, knowledge_steps
from web.permissions import index_for
from web.sessions import Session
from web.state import AppState
from web.templating import Renderer
from web.testhook import pause_at
from web.uploads import UPLOAD_FOLDER

router = APIRouter(prefix="/documents", include_in_schema=False)


def _safe_filename(name: str) -> str:
    """The file's own name without any path, reduced to characters that are safe on every filesystem."""
    base = Path(name.replace("\\", "/")).name
    cleaned = re.sub(r"[^A-Za-z0-9ÄÖÜäöüß._ -]+", "_", base).strip(" .")
    return cleaned[:120]


@router.get("")
def documents_page(
    *,
    request: Request,
    user: MaintainerDep,
    state: StateDep,
    renderer: RendererDep,
    session: SessionDep,
    q: Annotated[str, Query(max_length=500)] = "",
) -> Response:
    index = state.assistant.index
    # A search is no place for case data either: with some it is not run, and the box shows it redacted.
    screened = state.assistant.screen(q) if q.strip() else None
    refused = bool(screened and screened.found)
    hits = index.search(q, k=10) if q.strip() and not refused else []
    stats = index.stats()
    context = {
        "title": "Dokumente",
        "rows": document_rows(index),
        "stats": stats,
        "first_steps": knowledge_steps(KnowledgeState.from_counts(stats.documents, stats.by_type)),
        "types": list(DocumentType),
        "suffixes": ", ".join(SUPPORTED_SUFFIXES),
        "max_upload_mb": state.settings.max_upload_bytes // (1024 * 1024),
        "q": screened.redacted if screened and refused else q,
        "hits": hits,
        "search_refused": refused,
        "result": session.pop("ingest_result", None),
        "flash": session.pop("flash", None),
    }
    return renderer.page(request, "documents/list.html", context)


@router.post("/upload", dependencies=[CsrfDep])
def upload(
    *,
    request: Request,
    user: MaintainerDep,
    state: StateDep,
    renderer: RendererDep,
    session: SessionDep,
    file: Annotated[UploadFile, File()],
    doc_type: Annotated[str, Form()] = "",
) -> Response:
    name = _safe_filename(file.filename or "")
    type_override: DocumentType | None = None
    try:
        if not name or name.lower().startswith("."):
            raise ValueError("Bitte eine Datei mit einem gültigen Namen auswählen.")
        try:
            type_override = DocumentType(doc_type) if doc_type else None
        except ValueError as exc:
            raise ValueError("Unbekannter Dokumenttyp.") from exc
    except ValueError as exc:
        summary = {"kind": "error", "text": f"Nicht hochgeladen: {exc}"}
        return _upload_failed(request, user, state, renderer, session, summary=summary, status=422)
    summary = _ingest_upload(state, user.username, name, file, type_override)
    session["ingest_result"] = summary
    if summary["kind"] in ("error", "warning"):  # failed, or a duplicate: nothing was indexed
        status = 422 if summary["kind"] == "error" else 409
        return _upload_failed(request, user, state, renderer, session, summary=summary, status=status)
    return RedirectResponse("/documents#ergebnis", status_code=303)


def _ingest_upload(
    state: AppState, actor: str, name: str, file: UploadFile, type_override: DocumentType | None
) -> dict[str, str]:
    """The upload through the ingest pipeline, in an order a kill -9 at any step cannot corrupt:
    staged, audit intent, kept copy, index commit, settle the copy, audit result (see web/uploads.py)."""
    area, answer_log, settings = state.uploads, state.assistant.answer_log, state.settings
    staged = area.stage(name, file.file, type_override=type_override, actor=actor)
    try:
        pause_at(settings, "upload:staged", name)
        answer_log.audit(
            actor=actor, action="document_upload_started", target=id_for_source(f"{UPLOAD_FOLDER}/{name}"),
            detail=name[:500],
        )  # fmt: skip
        pause_at(settings, "upload:intent", name)
        with state.index_lock:
            area.keep(staged)
            pause_at(settings, "upload:kept", name)
            report = IngestPipeline(state.assistant.index).add([staged.folder], type_override=type_override)
            pause_at(settings, "upload:indexed", name)
            area.settle(staged, indexed=bool(report.added or report.updated or report.unchanged))
        summary = _summary(name, report)
        answer_log.audit(
            actor=actor, action="document_upload", target=summary.get("id"), detail=summary["text"][:500]
        )
        pause_at(settings, "upload:audited", name)
    finally:
        area.discard(staged)
    return summary


def _upload_failed(
    request: Request,
    user: User,
    state: AppState,
    renderer: Renderer,
    session: Session,
    *,
    summary: dict[str, str],
    status: int,
) -> Response:
    """The documents page with the reason, under a 4xx status: a failed upload is no success (no 303)."""
    session["ingest_result"] = summary
    page = documents_page(request=request, user=user, state=state, renderer=renderer, session=session)
    page.status_code = status
    return page


def _summary(name: str, report: IngestReport) -> dict[str, str]:
    """The report for one file in the words `python -m ingest add` uses."""
    if report.failed:
        return {"kind": "error", "text": f"{name}: fehlgeschlagen – {report.failed[0].error}"}
    if report.duplicates:
        duplicate = report.duplicates[0]
        original = duplicate.duplicate_title or duplicate.duplicate_of
        return {"kind": "warning", "text": f"{name}: Duplikat von „{original}“; nichts neu indexiert."}
    if report.unchanged:
        return {
            "kind": "info",
            "text": f"{name}: unverändert (bereits indexiert als {report.unchanged[0].id}).",
        }
    for label, entries in (("neu indexiert", report.added), ("aktualisiert", report.updated)):
        if entries:
            entry = entries[0]
            return {
                "kind": "success",
                "text": f"{name}: {label} als {entry.id} ({entry.type.label}, {entry.chunks} Abschnitte).",
                "id": entry.id,
            }
    return {
        "kind": "error",
        "text": f"{name}: nicht indexiert (Dateiname wird beim Indexieren übersprungen).",
    }


@router.post("/reindex", dependencies=[CsrfDep])
def reindex(user: MaintainerDep, state: StateDep, session: SessionDep) -> RedirectResponse:
    with state.index_lock:
        count = state.assistant.index.reindex()
    state.assistant.answer_log.audit(actor=user.username, action="reindex", detail=f"{count} Abschnitte")
    session["flash"] = {
        "text": f"Neu eingebettet: {count} Abschnitte mit {state.assistant.index.embedder.id}."
    }
    return RedirectResponse("/documents", status_code=303)


@router.get("/{document_id}/remove")
def confirm_remove(
    document_id: str, request: Request, user: MaintainerDep, state: StateDep, renderer: RendererDep
) -> Response:
    document = state.assistant.index.document(document_id)
    if document is None:
        raise WebError(404, "document_not_found", "Dieses Dokument gibt es nicht (mehr).")
    return renderer.page(
        request, "documents/remove.html", {"title": "Dokument entfernen", "document": document}
    )


@router.post("/{document_id}/remove", dependencies=[CsrfDep])
def remove(document_id: str, user: MaintainerDep, state: StateDep, session: SessionDep) -> RedirectResponse:
    with state.index_lock:
        document = IngestPipeline(state.assistant.index).remove(document_id)
    if document is None:
        raise WebError(404, "document_not_found", "Dieses Dokument gibt es nicht (mehr).")
    if document.source.startswith(f"{UPLOAD_FOLDER}/"):
        # The kept copy of an uploaded file goes with it; files added by the CLI are not ours to delete.
        state.uploads.kept_copy(Path(document.source).name).unlink(missing_ok=True)
    state.assistant.answer_log.audit(actor=user.username, action="document_remove", target=document.id)
    session["flash"] = {"text": f"Entfernt: {document.title} ({document.id})."}
    return RedirectResponse("/documents", status_code=303)


@router.post("/{document_id}/collection", dependencies=[CsrfDep])
def change_collection(
    *,
    document_id: str,
    user: MaintainerDep,
    state: StateDep,
    session: SessionDep,
    collection: Annotated[str, Form(max_length=64)] = "",
) -> RedirectResponse:
    """Move a document to another collection: catalog and vector metadata, nothing is re-embedded."""
    document = state.assistant.index.document(document_id)
    if document is None:
        raise WebError(404, "document_not_found", "Dieses Dokument gibt es nicht (mehr).")
    try:
        name = collection_name(collection)
    except ValueError as exc:
        session["flash"] = {"text": str(exc), "error": True}
        return RedirectResponse("/documents", status_code=303)
    with state.index_lock:
        state.assistant.index.set_collection([document.id], name)
    state.assistant.answer_log.audit(
        actor=user.username, action="document_collection", target=document.id, detail=name
    )
    session["flash"] = {"text": f"{document.title}: Sammlung „{name}“."}
    return RedirectResponse("/documents", status_code=303)


@router.get("/{document_id}")
def source_view(
    *,
    document_id: str,
    request: Request,
    user: UserDep,
    state: StateDep,
    renderer: RendererDep,
    chunk: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    # A document of a collection the user does not read gets the same 404 as one that is gone.
    index = index_for(state, user)
    document = index.document(document_id)
    if document is None:
        raise WebError(404, "document_not_found", "Dieses Dokument gibt es nicht (mehr) in der Wissensbasis.")
    successor = index.document(document.superseded_by) if document.superseded_by else None
    context = {
        "title": document.title,
        "document": document,
        "chunks": index.chunks_of(document.id),
        "highlight": chunk,
        "successor": successor,
    }
    return renderer.page(request, "documents/view.html", context)
