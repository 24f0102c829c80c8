"""What to believe about a request that may have come through a reverse proxy.

Forwarded headers (X-Forwarded-For, X-Forwarded-Proto, the SSO user header) are only trusted when the
TCP peer is one of the configured proxies; uvicorn runs without its own proxy-header handling so that the
peer address seen here is the real one.
"""

from __future__ import annotations

import ipaddress

from starlette.datastructures import Headers
from starlette.types import Scope

from web.settings import Network, WebSettings


def peer_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else ""


def is_trusted_proxy(address: str, networks: list[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(scope: Scope, networks: list[Network]) -> str:
    """The end user's address: the peer, or the last untrusted hop of X-Forwarded-For behind a proxy."""
    peer = peer_address(scope)
    if not is_trusted_proxy(peer, networks):
        return peer
    forwarded = Headers(scope=scope).get("x-forwarded-for", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    # Walk from the right: everything a trusted proxy appended is reliable, the first other entry is
    # the client as our outermost proxy saw it; anything further left the client could have forged.
    for hop in reversed(hops):
        if not is_trusted_proxy(hop, networks):
            return hop
    return peer


def is_https(scope: Scope, networks: list[Network]) -> bool:
    if scope.get("scheme") == "https":
        return True
    if is_trusted_proxy(peer_address(scope), networks):
        return Headers(scope=scope).get("x-forwarded-proto", "").lower() == "https"
    return False


def sso_username(scope: Scope, settings: WebSettings, networks: list[Network]) -> str | None:
    """The user named by the proxy's header, when SSO is enabled and the request came from a proxy."""
    if not settings.sso_enabled or not is_trusted_proxy(peer_address(scope), networks):
        return None
    value = Headers(scope=scope).get(settings.sso_header, "").strip()
    return value or None


def sso_groups(scope: Scope, settings: WebSettings, networks: list[Network]) -> list[str] | None:
    """The proxy's comma-separated groups, when the groups header is configured and may be believed;
    None when it is off or the request did not come from a trusted proxy."""
    if not settings.sso_groups_header or sso_username(scope, settings, networks) is None:
        return None
    value = Headers(scope=scope).get(settings.sso_groups_header, "")
    return [group.strip() for group in value.split(",") if group.strip()]
