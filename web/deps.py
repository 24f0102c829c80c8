"""Typed dependencies: settings, app state, the signed-in user with a role check, CSRF."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request

from assistant.service import Assistant
from web.accounts import AccountError, Role, User
from web.errors import WebError, csrf_error
from web.provisioning import provision
from web.proxy import is_trusted_proxy, peer_address, sso_groups, sso_username
from web.sessions import Session, csrf_matches
from web.settings import WebSettings
from web.state import AppState
from web.templating import Renderer


def get_state(request: Request) -> AppState:
    return request.app.state.web


def get_settings(request: Request) -> WebSettings:
    return get_state(request).settings


def get_assistant(request: Request) -> Assistant:
    return get_state(request).assistant


def get_renderer(request: Request) -> Renderer:
    return request.app.state.renderer


def get_session(request: Request) -> Session:
    return request.scope["session"]


StateDep = Annotated[AppState, Depends(get_state)]
SettingsDep = Annotated[WebSettings, Depends(get_settings)]
AssistantDep = Annotated[Assistant, Depends(get_assistant)]
RendererDep = Annotated[Renderer, Depends(get_renderer)]
SessionDep = Annotated[Session, Depends(get_session)]


def bearer_key(request: Request) -> str | None:
    """The API key of an `Authorization: Bearer …` request (such requests use no cookie and no CSRF)."""
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    return key.strip() if scheme.lower() == "bearer" else None


def current_user(request: Request, state: StateDep, session: SessionDep) -> User | None:
    """The signed-in user, from an API key, the trusted SSO headers or the session cookie; None when
    anonymous."""
    user: User | None = None
    key = bearer_key(request)
    sso_name = sso_username(request.scope, state.settings, state.settings.proxy_networks)
    if key is not None:
        # Only the key counts: a bearer request never borrows the browser's cookie (it skips CSRF).
        username = state.api_keys.username_for(key)
        user = state.accounts.get(username) if username else None
        if user is None:
            raise WebError(401, "invalid_api_key", "Der API-Schlüssel ist unbekannt oder widerrufen.")
    elif sso_name is not None:
        user = _sso_user(request, state, sso_name)
    elif isinstance(session.get("user"), str):
        user = state.accounts.get(session["user"])
        if user is not None and not state.sessions.is_valid(session.get("sid"), user.username):
            user = None  # logged out, expired, or ended by a password or role change
        if user is None:
            session.forget_user()
    request.state.user = user
    return user


def _sso_user(request: Request, state: AppState, username: str) -> User | None:
    """The proxy authenticates; roles come from its groups header through JHA_GROUP_MAP when that is
    configured, else from the local account of the same name."""
    groups = sso_groups(request.scope, state.settings, state.settings.proxy_networks)
    if groups is None:
        return state.accounts.get(username)
    try:
        # The proxy already vouches for every local account today, password or not.
        return provision(state.accounts, username, state.settings.groups.grants(groups), allow_password=True)
    except AccountError:
        return None  # no role granted and no local account, or a name this app cannot hold


OptionalUserDep = Annotated[User | None, Depends(current_user)]


def require(*roles: Role) -> Callable[..., User]:
    """Dependency: a signed-in user holding any of `roles` (any role at all when none are given)."""

    def check(user: OptionalUserDep) -> User:
        if user is None:
            raise WebError(401)
        if roles and not any(user.has(role) for role in roles):
            needed = " oder ".join(role.label for role in roles)
            raise WebError(403, "forbidden", f"Diese Seite ist der Rolle {needed} vorbehalten.")
        return user

    return check


UserDep = Annotated[User, Depends(require())]
FachkraftDep = Annotated[User, Depends(require(Role.FACHKRAFT))]
LeitungDep = Annotated[User, Depends(require(Role.LEITUNG))]
MaintainerDep = Annotated[User, Depends(require(Role.MAINTAINER))]


async def verify_csrf(request: Request, session: SessionDep) -> None:
    """Every state-changing request carries the session's token (form field or X-CSRF-Token header)
    and, where the browser says where it came from, comes from this site."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    key = bearer_key(request)
    if key is not None:
        # A browser cannot attach this header to a cross-site request, so a valid key needs no token;
        # an invalid one must not switch the check off for routes that do not read the key themselves.
        if get_state(request).api_keys.username_for(key) is None:
            raise WebError(401, "invalid_api_key", "Der API-Schlüssel ist unbekannt oder widerrufen.")
        return
    if request.headers.get("sec-fetch-site") == "cross-site":
        raise csrf_error()
    origin = request.headers.get("origin")
    # "null" is what browsers send when the referrer policy withholds the origin: no information.
    if origin and origin != "null" and urlsplit(origin).netloc not in _own_hosts(request):
        raise csrf_error()
    token = request.headers.get("x-csrf-token")
    if token is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()  # parsed once; the route's Form parameters reuse it
        value = form.get("csrf_token")
        token = value if isinstance(value, str) else None
    if not csrf_matches(session, token):
        raise csrf_error()


CsrfDep = Depends(verify_csrf)


def _own_hosts(request: Request) -> set[str]:
    hosts = {request.headers.get("host", "")}
    networks = get_settings(request).proxy_networks
    if is_trusted_proxy(peer_address(request.scope), networks):
        hosts.add(request.headers.get("x-forwarded-host", ""))
    return hosts - {""}
