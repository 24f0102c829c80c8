"""Login, logout and the start page that sends each role where its work is."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from web.accounts import Role
from web.deps import CsrfDep, OptionalUserDep, RendererDep, SessionDep, StateDep, UserDep
from web.proxy import client_address
from web.redirects import safe_next
from web.routes.oidc import provider_logout

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(user: UserDep) -> RedirectResponse:
    for role, path in ((Role.FACHKRAFT, "/chat"), (Role.LEITUNG, "/review"), (Role.MAINTAINER, "/documents")):
        if user.has(role):
            return RedirectResponse(path, status_code=303)
    return RedirectResponse("/policy", status_code=303)


@router.get("/login")
def login_page(
    request: Request, renderer: RendererDep, state: StateDep, user: OptionalUserDep, next: str = "/"
) -> Response:
    if user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    context = {"title": "Anmelden", "next": safe_next(next), "oidc": _oidc_label(state)}
    return renderer.page(request, "login.html", context)


def _oidc_label(state: StateDep) -> str | None:
    return state.settings.oidc_display_name if state.oidc is not None else None


@router.post("/login", dependencies=[CsrfDep])
async def login(
    *,
    request: Request,
    state: StateDep,
    session: SessionDep,
    renderer: RendererDep,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    username = username.strip()
    address = client_address(request.scope, state.settings.proxy_networks)
    # Recorded before the password is checked: parallel guesses cannot all slip under the limit.
    attempt = await run_in_threadpool(state.throttle.admit, username, address)
    page = {"title": "Anmelden", "next": safe_next(next), "username": username, "oidc": _oidc_label(state)}
    if attempt.wait_seconds:
        minutes = max(1, -(-attempt.wait_seconds // 60))
        message = (
            f"Zu viele fehlgeschlagene Anmeldungen. Bitte versuchen Sie es in {minutes} Minute(n) erneut."
        )
        return renderer.page(request, "login.html", {**page, "error": message}, status=429)
    user = await run_in_threadpool(state.accounts.authenticate, username, password)
    if user is None:  # the recorded attempt stays as the failure
        message = "Benutzername oder Passwort ist falsch."
        return renderer.page(request, "login.html", {**page, "error": message}, status=401)
    await run_in_threadpool(state.throttle.succeeded, attempt)
    await run_in_threadpool(state.sessions.end, session.get("sid"))  # a sign-in this browser had before
    token = await run_in_threadpool(state.sessions.start, user.username)
    session.login(user.username, token)
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout", dependencies=[CsrfDep])
def logout(request: Request, session: SessionDep, state: StateDep, renderer: RendererDep) -> Response:
    was_oidc = bool(session.get("oidc"))
    state.sessions.end(session.get("sid"))
    session.clear()
    target = provider_logout(request, state, was_oidc)
    if target is None:
        return RedirectResponse("/login", status_code=303)
    # A page, not a redirect: CSP form-action 'self' forbids a form post to end up at another site.
    request.state.user = None
    context = {"title": "Abgemeldet", "message": "Sie sind abgemeldet.", "target": target}
    return renderer.page(request, "redirect.html", context)
