"""Sign-in through the identity provider: `/auth/oidc/login` sends the browser there, the provider sends
it back to `/auth/oidc/callback`.

Between the two, the state, nonce and PKCE verifier sit in a cookie of their own: signed, HttpOnly,
ten minutes, and SameSite=Lax, because the session cookie is SameSite=Strict and a browser does not send
that on the provider's cross-site redirect back.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool

from web.accounts import AccountError
from web.deps import RendererDep, SessionDep, StateDep
from web.errors import WebError
from web.oidc import OidcClient, OidcError, Transaction
from web.provisioning import provision_identity
from web.proxy import is_https, is_trusted_proxy, peer_address
from web.redirects import safe_next
from web.state import AppState

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)

TRANSACTION_COOKIE = "jha_oidc"
TRANSACTION_SECONDS = 600
CALLBACK_PATH = "/auth/oidc/callback"


def _client(state: AppState) -> OidcClient:
    if state.oidc is None:
        raise WebError(404)
    return state.oidc


def base_url(request: Request, state: AppState) -> str:
    """This site's address as the browser sees it (behind a trusted proxy: its scheme and host)."""
    networks = state.settings.proxy_networks
    scheme = "https" if is_https(request.scope, networks) else "http"
    host = request.headers.get("host", "")
    if is_trusted_proxy(peer_address(request.scope), networks):
        host = request.headers.get("x-forwarded-host", host)
    return f"{scheme}://{host}"


def _serializer(state: AppState) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(state.session_secret, salt="jha.web.oidc")


@router.get("/auth/oidc/login")
def oidc_login(request: Request, state: StateDep, renderer: RendererDep, next: str = "/") -> Response:
    client = _client(state)
    redirect_uri = state.settings.oidc_redirect_uri or base_url(request, state) + CALLBACK_PATH
    try:
        url, transaction = client.start(redirect_uri, safe_next(next))
    except OidcError as error:
        log.warning("OIDC-Anmeldung nicht möglich: %s", error.reason)
        return _login_error(request, renderer, state, str(error), 502)
    response = RedirectResponse(url, status_code=302)
    response.set_cookie(
        TRANSACTION_COOKIE,
        _serializer(state).dumps(transaction.as_dict()),
        max_age=TRANSACTION_SECONDS,
        path="/auth/oidc",
        httponly=True,
        samesite="lax",
        secure=is_https(request.scope, state.settings.proxy_networks),
    )
    return response


@router.get(CALLBACK_PATH)
async def oidc_callback(
    request: Request, state: StateDep, session: SessionDep, renderer: RendererDep
) -> Response:
    client = _client(state)
    try:
        transaction = _transaction(state, request.cookies.get(TRANSACTION_COOKIE))
        identity = await run_in_threadpool(client.finish, transaction, dict(request.query_params))
        user = await run_in_threadpool(
            provision_identity,
            state.accounts,
            identity.issuer,
            identity.subject,
            identity.username,
            identity.grants,
        )
    except OidcError as error:
        log.warning("OIDC-Anmeldung abgelehnt: %s", error.reason)  # the reason only, never claims
        return _login_error(request, renderer, state, str(error), 400)
    except AccountError as error:
        return _login_error(request, renderer, state, str(error), 403)
    await run_in_threadpool(state.sessions.end, session.get("sid"))
    token = await run_in_threadpool(state.sessions.start, user.username)
    session.login(user.username, token)
    session["oidc"] = True  # logout then also ends the sign-in at the provider
    request.state.user = user
    # A page, not a redirect: the browser withholds the SameSite=Strict session cookie on every request
    # of a redirect chain that began at the provider's site; a navigation from this page carries it.
    context = {"title": "Angemeldet", "message": "Sie sind angemeldet.", "target": transaction.next}
    response = renderer.page(request, "redirect.html", context)
    response.delete_cookie(TRANSACTION_COOKIE, path="/auth/oidc")
    return response


def _transaction(state: AppState, raw: str | None) -> Transaction:
    if not raw:
        raise OidcError("transaction_missing")
    try:
        data = _serializer(state).loads(raw, max_age=TRANSACTION_SECONDS)
        return Transaction(**data)
    except (BadSignature, TypeError) as exc:
        raise OidcError("transaction_invalid") from exc


def _login_error(
    request: Request, renderer: RendererDep, state: AppState, message: str, status: int
) -> Response:
    context = {"title": "Anmelden", "next": "/", "error": message, "oidc": state.settings.oidc_display_name}
    response = renderer.page(request, "login.html", context, status=status)
    response.delete_cookie(TRANSACTION_COOKIE, path="/auth/oidc")
    return response


def provider_logout(request: Request, state: AppState, was_oidc: bool) -> str | None:
    """Where logout sends the browser after the local session ended: the provider's end-session page
    when the sign-in came from it and it offers one."""
    if not was_oidc or state.oidc is None:
        return None
    try:
        return state.oidc.logout_url(base_url(request, state) + "/login")
    except OidcError as error:
        log.warning("OIDC-Abmeldung beim Anbieter nicht möglich: %s", error.reason)
        return None
