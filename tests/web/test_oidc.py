"""Sign-in with OpenID Connect against a real provider on loopback (tests/web/oidc_provider.py), over
HTTP: groups and roles mapped by JHA_GROUP_MAP, and state, nonce, issuer and PKCE checked."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from tests.web.conftest import LiveServer, WebClient, make_web_settings, start_server
from tests.web.oidc_provider import CLIENT_ID, CLIENT_SECRET, OidcProvider
from web.accounts import AccountError, AccountStore, Role
from web.db import open_engine
from web.provisioning import provision_identity

GROUP_MAP = "Fachkraefte=role:fachkraft;ASD-Team=collection:asd;Jugendamt-Leitung=role:leitung"
IDP_USERS: dict[str, dict[str, Any]] = {
    "m.muster": {
        "sub": "sub-muster",
        "preferred_username": "m.muster",
        "groups": ["Fachkraefte", "ASD-Team"],
    },
    "l.leitung": {"sub": "sub-leitung", "preferred_username": "l.leitung", "roles": ["Jugendamt-Leitung"]},
    "ohne.rolle": {"sub": "sub-ohne", "preferred_username": "ohne.rolle", "groups": ["Kantine"]},
    # The provider names a local account that has a password: that must not become a way in.
    "admin": {"sub": "sub-admin", "preferred_username": "admin", "groups": ["Fachkraefte"]},
    # Name and groups only from the userinfo endpoint, as some ADFS setups send them.
    "info": {"sub": "sub-info", "userinfo": {"preferred_username": "i.info", "groups": ["Fachkraefte"]}},
}


def oidc_settings(provider: OidcProvider) -> dict[str, Any]:
    return {
        "oidc_issuer": provider.url,
        "oidc_client_id": CLIENT_ID,
        "oidc_client_secret": CLIENT_SECRET,
        "group_map": GROUP_MAP,
    }


@pytest.fixture(scope="module")
def provider() -> Iterator[OidcProvider]:
    started = OidcProvider(IDP_USERS).start()
    yield started
    started.stop()


@pytest.fixture(autouse=True)
def untampered(provider: OidcProvider) -> None:
    provider.tamper.clear()


@pytest.fixture(scope="module")
def oidc_server(
    provider: OidcProvider,
    indexed_corpus_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
    module_places: Callable[[], dict[str, str]],
) -> Iterator[LiveServer]:
    # Beside the module's plain `live_server` (its own catalog and collection on the server stack).
    target = tmp_path_factory.mktemp("oidc") / "var"
    server = start_server(
        make_web_settings(indexed_corpus_dir, target, **oidc_settings(provider), **module_places())
    )
    yield server
    server.stop()


@pytest.fixture
def web(oidc_server: LiveServer) -> Iterator[WebClient]:
    client = WebClient(oidc_server.url)
    yield client
    client.close()


def to_provider(web: WebClient, next_path: str = "/chat") -> str:
    """Start the sign-in; returns the provider's authorization URL the app redirected to."""
    start = web.get("/auth/oidc/login", params={"next": next_path})
    assert start.status_code == 302, start.text
    return start.headers["location"]


def approve(provider: OidcProvider, authorize_url: str, username: str) -> str:
    """Sign in at the provider; returns the callback URL it sends the browser back to."""
    page = httpx.get(authorize_url)
    assert page.status_code == 200, page.text
    data = {"request": urlsplit(authorize_url).query, "username": username}
    approved = httpx.post(provider.url + "/authorize", data=data)
    assert approved.status_code == 302
    return approved.headers["location"]


def callback(web: WebClient, url: str) -> httpx.Response:
    parts = urlsplit(url)
    return web.get(f"{parts.path}?{parts.query}")


def sign_in(web: WebClient, provider: OidcProvider, username: str) -> httpx.Response:
    return callback(web, approve(provider, to_provider(web), username))


def accounts(server: LiveServer) -> AccountStore:
    return AccountStore(open_engine(server.settings.effective_database_url))


def test_sign_in_maps_groups_to_roles_and_collections(
    web: WebClient, provider: OidcProvider, oidc_server: LiveServer
) -> None:
    assert 'id="oidc-login"' in web.page("/login").text
    response = sign_in(web, provider, "m.muster")
    assert response.status_code == 200, response.text
    assert 'http-equiv="refresh" content="0; url=/chat"' in response.text
    assert "jha_oidc=" in response.headers["set-cookie"]  # the transaction cookie is deleted
    chat = web.get("/chat")
    assert chat.status_code == 200 and "m.muster" in chat.text
    store = accounts(oidc_server)
    user = store.get("m.muster")
    assert user is not None and user.roles == {Role.FACHKRAFT} and not user.has_password
    assert store.collections("m.muster") == {"asd"}
    assert web.get("/review").status_code == 403


def test_roles_claim_is_mapped_too(web: WebClient, provider: OidcProvider) -> None:
    assert sign_in(web, provider, "l.leitung").status_code == 200
    assert web.get("/review").status_code == 200
    assert web.get("/chat").status_code == 403


def test_claims_from_userinfo_when_the_id_token_lacks_them(web: WebClient, provider: OidcProvider) -> None:
    assert sign_in(web, provider, "info").status_code == 200
    assert "i.info" in web.get("/chat").text


def test_pkce_state_and_nonce_are_sent_and_the_verifier_matches(
    web: WebClient, provider: OidcProvider
) -> None:
    query = parse_qs(urlsplit(to_provider(web)).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    web_url = approve(provider, to_provider(web), "m.muster")
    assert callback(web, web_url).status_code == 200
    sent = provider.token_requests[-1]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(sent["code_verifier"].encode()).digest())
    assert provider.authorize_requests[-1]["code_challenge"] == challenge.rstrip(b"=").decode()


def test_transaction_cookie_survives_the_cross_site_return(web: WebClient) -> None:
    start = web.get("/auth/oidc/login")
    cookie = start.headers["set-cookie"].lower()
    assert "jha_oidc=" in cookie and "samesite=lax" in cookie and "httponly" in cookie
    assert "path=/auth/oidc" in cookie and "max-age=600" in cookie


def test_bad_state_is_refused(web: WebClient, provider: OidcProvider) -> None:
    url = approve(provider, to_provider(web), "m.muster")
    forged = url.replace("state=", "state=x")
    response = callback(web, forged)
    assert response.status_code == 400
    assert "Anmeldung über den Identitätsanbieter ist fehlgeschlagen" in response.text
    assert web.get("/chat").status_code == 303


def test_callback_without_the_transaction_cookie_is_refused(
    oidc_server: LiveServer, provider: OidcProvider, web: WebClient
) -> None:
    url = approve(provider, to_provider(web), "m.muster")
    other = WebClient(oidc_server.url)  # a different browser: the attacker's link in the victim's browser
    try:
        assert callback(other, url).status_code == 400
        assert other.get("/chat").status_code == 303
    finally:
        other.close()


def test_bad_nonce_is_refused(web: WebClient, provider: OidcProvider) -> None:
    provider.tamper["nonce"] = "ein-fremder-nonce"
    assert sign_in(web, provider, "m.muster").status_code == 400
    assert web.get("/chat").status_code == 303


def test_id_token_from_another_issuer_is_refused(web: WebClient, provider: OidcProvider) -> None:
    provider.tamper["iss"] = "http://127.0.0.1:9/realms/fremd"
    assert sign_in(web, provider, "m.muster").status_code == 400
    provider.tamper.clear()
    provider.tamper["aud"] = "ein-anderer-client"
    assert sign_in(web, provider, "m.muster").status_code == 400
    assert web.get("/chat").status_code == 303


def test_id_token_signed_by_another_key_is_refused(web: WebClient, provider: OidcProvider) -> None:
    provider.sign_with = OidcProvider(IDP_USERS).key  # same kid, another key, not in the JWKS
    try:
        assert sign_in(web, provider, "m.muster").status_code == 400
    finally:
        provider.sign_with = None
    assert web.get("/chat").status_code == 303


def test_rotated_provider_key_is_fetched_again(web: WebClient, provider: OidcProvider) -> None:
    provider.key = OidcProvider(IDP_USERS).key  # the provider rotates; the app has the old key cached
    assert sign_in(web, provider, "m.muster").status_code == 200


def test_discovery_naming_another_issuer_is_refused(
    provider: OidcProvider, indexed_corpus_dir: Path, tmp_path: Path
) -> None:
    provider.discovery_issuer = "http://127.0.0.1:9/anders"
    server = start_server(make_web_settings(indexed_corpus_dir, tmp_path / "var", **oidc_settings(provider)))
    client = WebClient(server.url)
    try:
        response = client.get("/auth/oidc/login")
        assert response.status_code == 502 and "fehlgeschlagen" in response.text
    finally:
        provider.discovery_issuer = None
        client.close()
        server.stop()


def test_code_injected_into_another_transaction_fails_pkce(
    oidc_server: LiveServer, provider: OidcProvider, web: WebClient
) -> None:
    """A code stolen from one sign-in and replayed into another browser's own transaction: the state
    fits that browser, but its PKCE verifier does not fit the code, and the provider refuses."""
    stolen = parse_qs(urlsplit(approve(provider, to_provider(web), "m.muster")).query)["code"][0]
    attacker = WebClient(oidc_server.url)
    try:
        own = parse_qs(urlsplit(to_provider(attacker)).query)
        injected = f"/auth/oidc/callback?{urlencode({'code': stolen, 'state': own['state'][0]})}"
        assert attacker.get(injected).status_code == 400
        assert provider.token_requests[-1]["code"] == stolen  # redeemed with the wrong verifier
        assert attacker.get("/chat").status_code == 303
    finally:
        attacker.close()


def test_provider_error_is_shown(web: WebClient) -> None:
    state = parse_qs(urlsplit(to_provider(web)).query)["state"][0]
    response = web.get("/auth/oidc/callback", params={"error": "access_denied", "state": state})
    assert response.status_code == 400 and "Identitätsanbieter" in response.text


def test_local_password_account_cannot_be_taken_over(web: WebClient, provider: OidcProvider) -> None:
    response = sign_in(web, provider, "admin")
    assert response.status_code == 403 and "lokales Konto mit Passwort" in response.text
    assert web.get("/documents").status_code == 303


def test_no_mapped_role_means_no_access(
    web: WebClient, provider: OidcProvider, oidc_server: LiveServer
) -> None:
    response = sign_in(web, provider, "ohne.rolle")
    assert response.status_code == 403 and "keine Rolle" in response.text
    assert accounts(oidc_server).get("ohne.rolle") is None


def test_logout_ends_the_session_and_the_sign_in_at_the_provider(
    web: WebClient, provider: OidcProvider, oidc_server: LiveServer
) -> None:
    assert sign_in(web, provider, "m.muster").status_code == 200
    web.page("/chat")
    cookie = web.http.cookies.get("jha_session")
    response = web.form("/logout")
    assert response.status_code == 200
    assert f"{provider.url}/logout?client_id={CLIENT_ID}" in response.text
    assert "post_logout_redirect_uri=" + "http%3A%2F%2F127.0.0.1" in response.text
    # The old cookie is worth nothing now: the server-side session is gone.
    replay = httpx.get(oidc_server.url + "/chat", cookies={"jha_session": cookie or ""})
    assert replay.status_code == 303


def test_accounts_belong_to_issuer_and_subject_not_to_the_name(
    provider: OidcProvider, oidc_server: LiveServer
) -> None:
    provider.users["renamed"] = {
        "sub": "sub-renamed",
        "preferred_username": "r.alt",
        "groups": ["Fachkraefte"],
    }
    first = WebClient(oidc_server.url)
    assert sign_in(first, provider, "renamed").status_code == 200
    first.page("/chat")  # the session's CSRF token
    assert first.form("/chat", {"question": "Was regelt § 42 SGB VIII zur Inobhutnahme?"}).status_code == 200
    # Renamed at the provider: the same person, so the same account, with her conversation.
    provider.users["renamed"]["preferred_username"] = "r.neu"
    again = WebClient(oidc_server.url)
    assert sign_in(again, provider, "renamed").status_code == 200
    chat = again.get("/chat").text
    assert 'title="Angemeldet als r.alt"' in chat and "Was regelt § 42 SGB VIII zur Inobhutnahme?" in chat
    store = accounts(oidc_server)
    assert store.get("r.neu") is None and store.bound_to(provider.url, "sub-renamed") == "r.alt"
    # Another person whom the provider (later) gives the old name: not her account, whatever the groups.
    provider.users["namesake"] = {
        "sub": "sub-namesake",
        "preferred_username": "r.alt",
        "groups": ["Fachkraefte", "Jugendamt-Leitung"],
    }
    other = WebClient(oidc_server.url)
    refused = sign_in(other, provider, "namesake")
    assert refused.status_code == 403 and "anderen Person beim Identitätsanbieter" in refused.text
    assert other.get("/chat").status_code == 303
    user = store.get("r.alt")
    assert user is not None and user.roles == {Role.FACHKRAFT}
    # The same subject at another issuer is another person too.
    grants = oidc_server.settings.groups.grants(["Fachkraefte"])
    with pytest.raises(AccountError, match="anderen Person"):
        provision_identity(store, "https://anderer-anbieter.example", "sub-renamed", "r.alt", grants)
    # Removing the account frees the binding: the person signs in afresh under her current name.
    store.remove("r.alt")
    assert store.bound_to(provider.url, "sub-renamed") is None
    assert sign_in(WebClient(oidc_server.url), provider, "renamed").status_code == 200
    assert store.bound_to(provider.url, "sub-renamed") == "r.neu"
    store.engine.dispose()
    for client in (first, again, other):
        client.close()


def test_password_login_still_works_beside_oidc(web: WebClient) -> None:
    assert web.login("fachkraft").status_code == 303
    assert web.get("/chat").status_code == 200


def test_without_configuration_there_is_no_oidc(client: WebClient) -> None:
    assert client.get("/auth/oidc/login").status_code == 404
    assert client.get("/auth/oidc/callback", params={"code": "x", "state": "y"}).status_code == 404
    assert 'id="oidc-login"' not in client.page("/login").text
