"""Errors with a stable code and a German message: JSON under /api, a page everywhere else."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

if TYPE_CHECKING:
    from web.templating import Renderer

log = logging.getLogger(__name__)

# status -> (code, message) for errors raised by the framework rather than by our routes
_DEFAULTS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "Die Anfrage ist ungültig."),
    401: ("not_authenticated", "Bitte melden Sie sich an."),
    403: ("forbidden", "Dafür fehlt Ihrem Konto die Berechtigung."),
    404: ("not_found", "Die Seite oder der Eintrag wurde nicht gefunden."),
    405: ("method_not_allowed", "Diese Aktion ist hier nicht möglich."),
    413: ("payload_too_large", "Die Anfrage oder Datei ist zu groß."),
    422: ("validation_error", "Die Eingaben sind unvollständig oder ungültig."),
    429: ("too_many_requests", "Zu viele Versuche. Bitte warten Sie einen Moment."),
    500: ("internal_error", "Ein interner Fehler ist aufgetreten. Bitte versuchen Sie es später erneut."),
    503: ("unavailable", "Der Dienst ist vorübergehend nicht verfügbar."),
}


class WebError(Exception):
    """`raise WebError(403, "csrf_failed", "Das Formular ist abgelaufen ...")`"""

    def __init__(self, status: int, code: str | None = None, message: str | None = None) -> None:
        default_code, default_message = _DEFAULTS.get(status, ("error", "Fehler."))
        self.status = status
        self.code = code or default_code
        self.message = message or default_message
        super().__init__(self.message)


def csrf_error() -> WebError:
    return WebError(
        403,
        "csrf_failed",
        "Das Formular ist abgelaufen oder stammt nicht von dieser Anwendung. "
        "Bitte laden Sie die Seite neu und versuchen Sie es noch einmal.",
    )


def is_api(request: Request) -> bool:
    """JSON errors for the API and for the page's own fetch calls (which send JSON)."""
    if request.url.path.startswith(("/api/", "/v1/")):
        return True
    if request.headers.get("content-type", "").startswith("application/json"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def error_body(error: WebError) -> dict[str, object]:
    return {"error": {"code": error.code, "message": error.message}}


def validation_message(errors: Sequence[Any]) -> str:
    """German, per field, with the allowed range; never the submitted value (it may hold case data)."""
    problems = sorted({_problem(error) for error in errors} - {""})
    return _DEFAULTS[422][1] + (f" {'; '.join(problems)}." if problems else "")


def _problem(error: Any) -> str:
    field = ".".join(str(part) for part in error.get("loc", ())[1:])
    if not field:
        return ""
    kind, context = error.get("type", ""), error.get("ctx") or {}
    if kind in ("greater_than_equal", "greater_than"):
        return f"{field}: mindestens {context.get('ge', context.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"{field}: höchstens {context.get('le', context.get('lt'))}"
    if kind.startswith("int_"):
        return f"{field}: bitte eine ganze Zahl angeben"
    if kind == "string_too_long":
        return f"{field}: höchstens {context.get('max_length')} Zeichen"
    if kind == "missing":
        return f"{field}: fehlt"
    return f"{field}: ungültig"


def install_error_handlers(app: FastAPI, renderer: Renderer) -> None:
    async def respond(request: Request, error: WebError) -> Response:
        if is_api(request):
            return JSONResponse(error_body(error), status_code=error.status)
        if error.status == 401 and request.method == "GET":
            return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
        return renderer.page(
            request, "error.html", {"error": error, "title": f"Fehler {error.status}"}, status=error.status
        )

    @app.exception_handler(WebError)
    async def _web_error(request: Request, exc: WebError) -> Response:
        return await respond(request, exc)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> Response:
        return await respond(request, WebError(exc.status_code))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        return await respond(request, WebError(422, message=validation_message(exc.errors())))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        # Logged without the request body: it may hold a question with case data.
        log.error("Unerwarteter Fehler bei %s %s: %s", request.method, request.url.path, type(exc).__name__)
        return await respond(request, WebError(500))
