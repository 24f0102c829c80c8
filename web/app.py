"""`create_app(settings)`: the FastAPI app. Nothing happens on import; state is built in the lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from knowledge.settings import Settings
from web.errors import install_error_handlers
from web.log_privacy import install_log_privacy
from web.middleware import BodyLimitMiddleware, SecurityHeadersMiddleware
from web.questions import question_schema
from web.routes import api, api_review, auth, chat, documents, info, oidc, openai_api, review
from web.sessions import SessionMiddleware
from web.settings import WebSettings
from web.state import AppState
from web.templating import Renderer

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
UPLOAD_PATHS = ("/documents/upload",)

API_DESCRIPTION = """
JSON-Schnittstelle des Jugendhilfe-Assistenten. Anmeldung über das Formular `/login` (Sitzungs-Cookie)
oder, falls eingerichtet, über den Reverse-Proxy. Zustandsändernde Aufrufe senden das CSRF-Token der
Sitzung im Header `X-CSRF-Token` (es steht in jeder Seite in `<meta name="csrf-token">`).
Andere Programme melden sich mit `Authorization: Bearer <API-Schlüssel>` an (`python -m web apikeys add`),
ohne CSRF-Token; für sie gibt es auch die OpenAI-kompatible Schnittstelle unter `/v1`.
Fehler haben die Form `{"error": {"code": "...", "message": "..."}}` mit einem stabilen `code`.
"""


def create_app(settings: Settings) -> FastAPI:
    """The web app over the given settings; `Settings` are widened to `WebSettings` (web-only fields)."""
    web_settings = WebSettings.from_settings(settings)
    renderer = Renderer()
    install_log_privacy()  # no question text in uvicorn's access or error log

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Opening the index and the answer log touches disk and may build models: off the event loop.
        state = await run_in_threadpool(AppState.open, web_settings)
        app.state.web = state
        log.info("Jugendhilfe-Assistent bereit (Daten: %s).", web_settings.data_dir.resolve())
        try:
            yield
        finally:
            state.close()

    app = FastAPI(
        title="Jugendhilfe-Assistent",
        version="1.0",
        description=API_DESCRIPTION,
        lifespan=lifespan,
        # Swagger UI and ReDoc load their code from a CDN; the schema itself is served by the app.
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.renderer = renderer
    install_error_handlers(app, renderer)
    _document_question_limits(app, web_settings.max_question_chars)

    # Added innermost first: headers wrap everything, the session wraps the routes, the body limit is
    # checked where the routes read their bodies.
    app.add_middleware(
        BodyLimitMiddleware,
        default_limit=web_settings.max_request_bytes,
        path_limits={
            **dict.fromkeys(UPLOAD_PATHS, web_settings.max_upload_bytes + 64 * 1024),  # multipart envelope
            "/v1/chat/completions": web_settings.max_api_request_bytes,
        },
    )
    app.add_middleware(SessionMiddleware, settings=web_settings, secret=lambda: app.state.web.session_secret)
    app.add_middleware(SecurityHeadersMiddleware)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (auth, oidc, chat, review, documents, info, api, api_review, openai_api):
        app.include_router(module.router)
    return app


def _document_question_limits(app: FastAPI, limit: int) -> None:
    """The schema's question constraints come from the same settings as the check in the routes."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            schema["components"]["schemas"]["ChatRequest"]["properties"]["question"].update(
                question_schema(limit)
            )
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]
