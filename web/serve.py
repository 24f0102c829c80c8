"""`python -m web serve [--workers N]`: one process, or N uvicorn workers built from an import string.

Workers share nothing in memory: sessions, the login throttle, accounts and the answer log live in the
database, the index in the catalog, the lexical generations on disk and (for several processes) the
Chroma server. Each worker builds its app from the environment through `app_factory`.
"""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from web.settings import WebSettings

FACTORY = "web.serve:app_factory"
WORKER_HEALTHCHECK_SECONDS = 60
# An idle connection stays open longer than the reverse proxy keeps it (Caddy: 2 min, nginx: 60 s). With
# uvicorn's 5 s the server closed connections the proxy (or a client) was about to reuse: a request sent
# at that moment fails (the worker benchmark saw an httpx ReadError after its sign-in phase).
KEEP_ALIVE_SECONDS = 150


def app_factory() -> FastAPI:
    """The app of one worker, from the `JHA_*` environment (uvicorn calls this in every worker)."""
    from web.app import create_app

    return create_app(WebSettings())


def run(settings: WebSettings, *, host: str, port: int, workers: int) -> None:
    # uvicorn's own X-Forwarded-* handling is off: web/proxy.py believes those headers only from the
    # configured proxies, and needs the real peer address to decide that.
    options = {
        "host": host,
        "port": port,
        "proxy_headers": False,
        "server_header": False,
        "timeout_keep_alive": KEEP_ALIVE_SECONDS,
    }
    if workers == 1:
        from web.app import create_app

        uvicorn.run(create_app(settings), **options)  # type: ignore[arg-type]
        return
    # A worker answers the supervisor's ping from a thread; while it imports and builds the gate
    # (seconds of CPU on a busy machine) that thread may not get the GIL within uvicorn's default 5 s,
    # and the supervisor would kill a healthy worker.
    uvicorn.run(
        FACTORY,
        factory=True,
        workers=workers,
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        **options,  # type: ignore[arg-type]
    )
