"""Everything the running web app holds, built once in the lifespan and closed on shutdown."""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine

from assistant.container import Container
from assistant.service import Assistant
from ingest.pipeline import IngestPipeline, document_id
from knowledge.models import DocumentType
from web.accounts import AccountStore
from web.session_store import SessionStore
from web.settings import WebSettings
from web.throttle import LoginThrottle
from web.uploads import UPLOAD_FOLDER, UploadArea

log = logging.getLogger(__name__)


@dataclass
class AppState:
    settings: WebSettings
    container: Container
    assistant: Assistant
    engine: Engine
    accounts: AccountStore
    throttle: LoginThrottle
    sessions: SessionStore
    uploads: UploadArea
    session_secret: bytes
    # Maintainer actions (upload, remove, re-index) change the index; one at a time per process.
    index_lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def open(cls, settings: WebSettings) -> AppState:
        """Every backend from the composition root; the web's own stores over its database."""
        container = Container(settings)
        assistant = container.assistant
        assistant.on_server_start()
        # The web tables live in the answer log's database (migrated with it); one connection pool.
        engine = container.database
        throttle = LoginThrottle(
            engine,
            assistant.secret(),
            max_failures=settings.login_max_failures,
            max_address_failures=settings.login_max_failures_per_address,
            window_seconds=settings.login_window_seconds,
        )
        if throttle.forget_plain_keys():
            log.info("Anmeldesperren: Einträge mit Klartext-Schlüsseln gelöscht.")
        uploads = UploadArea(settings.data_dir)
        recover_uploads(uploads, assistant)
        return cls(
            settings=settings,
            container=container,
            assistant=assistant,
            engine=engine,
            accounts=AccountStore(engine),
            throttle=throttle,
            sessions=SessionStore(
                engine,
                max_age=timedelta(seconds=settings.session_max_age_seconds),
                idle=timedelta(seconds=settings.session_idle_seconds),
            ),
            uploads=uploads,
            # A key of its own, derived from the server secret: the secret that keys the answer log's
            # pseudonyms never signs a cookie directly.
            session_secret=hmac.new(assistant.secret(), b"jha-web-session", hashlib.sha256).digest(),
        )

    def close(self) -> None:
        self.container.close()  # disposes the shared engine too


def recover_uploads(uploads: UploadArea, assistant: Assistant) -> None:
    """Settle uploads a killed server left half done, with an audit record for each."""

    def is_indexed(folder: Path, type_override: DocumentType | None) -> bool:
        report = IngestPipeline(assistant.index).add([folder], type_override=type_override, dry_run=True)
        return bool(report.unchanged)

    def audit(name: str, actor: str, indexed: bool) -> None:
        outcome = "ist indexiert, Kopie gesichert" if indexed else "wurde nicht indexiert, verworfen"
        detail = f"Nach einem Abbruch: {name} {outcome}."
        assistant.answer_log.audit(
            actor=actor,
            action="document_upload_recovered",
            target=document_id(f"{UPLOAD_FOLDER}/{name}"),
            detail=detail[:500],
        )

    found = uploads.recover(is_indexed, audit)
    if found:
        log.info("Abgebrochene Uploads bereinigt: %d.", found)
