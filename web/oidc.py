"""Sign-in with OpenID Connect (Keycloak, Entra ID, ADFS): authorization code flow with PKCE, state and
nonce, the ID token checked against the provider's keys.

>>> client = OidcClient(settings)  # doctest: +SKIP
>>> url, transaction = client.start("https://assistent.example/auth/oidc/callback")  # doctest: +SKIP
>>> identity = client.finish(transaction, dict(request.query_params))  # doctest: +SKIP

The only outbound connections go to the configured issuer's endpoints (discovery, token, keys,
userinfo); the browser is sent to its authorization and logout pages.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
from authlib.integrations.httpx_client import OAuth2Client
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from web.group_map import Grants
from web.settings import WebSettings

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
# Asymmetric only: "none" and HMAC with the client secret would let anyone who knows the secret sign.
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]
LEEWAY_SECONDS = 60  # clock drift between the office server and the provider


class OidcError(Exception):
    """Sign-in failed; the message is German and says what to do, the reason is logged without claims."""

    def __init__(self, reason: str, message: str | None = None) -> None:
        self.reason = reason
        super().__init__(
            message
            or "Die Anmeldung über den Identitätsanbieter ist fehlgeschlagen. Bitte versuchen Sie es "
            "erneut; besteht das Problem weiter, wenden Sie sich an die Administration."
        )


@dataclass(frozen=True)
class Provider:
    """The parts of the discovery document this client uses."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str | None
    end_session_endpoint: str | None
    token_auth_methods: tuple[str, ...]


@dataclass(frozen=True)
class Transaction:
    """What the callback must match, kept in a short-lived signed cookie between redirect and callback."""

    state: str
    nonce: str
    code_verifier: str
    redirect_uri: str
    next: str

    def as_dict(self) -> dict[str, str]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Identity:
    issuer: str  # with `subject`, the person's stable id at the provider (accounts are bound to it)
    subject: str
    username: str  # the name she claims (the name of a new account only; it may change)
    grants: Grants


class OidcClient:
    def __init__(self, settings: WebSettings) -> None:
        self.settings = settings
        self._provider: Provider | None = None
        self._keys: KeySet | None = None
        self._lock = threading.RLock()  # the key set reads the provider under the same lock

    # -- provider metadata ------------------------------------------------------------------------
    def provider(self) -> Provider:
        """The discovery document, fetched once; its issuer must be the configured one exactly."""
        with self._lock:
            if self._provider is None:
                self._provider = self._discover()
            return self._provider

    def _discover(self) -> Provider:
        issuer = self.settings.oidc_issuer.rstrip("/")
        if urlsplit(issuer).scheme != "https" and urlsplit(issuer).hostname not in (
            "127.0.0.1",
            "localhost",
            "::1",
        ):
            raise OidcError("issuer_not_https", "JHA_OIDC_ISSUER muss eine https-Adresse sein.")
        data = self._get_json(f"{issuer}/.well-known/openid-configuration", "discovery")
        if str(data.get("issuer", "")).rstrip("/") != issuer:
            raise OidcError("discovery_issuer_mismatch")
        try:
            return Provider(
                issuer=str(data["issuer"]),
                authorization_endpoint=str(data["authorization_endpoint"]),
                token_endpoint=str(data["token_endpoint"]),
                jwks_uri=str(data["jwks_uri"]),
                userinfo_endpoint=data.get("userinfo_endpoint"),
                end_session_endpoint=data.get("end_session_endpoint"),
                token_auth_methods=tuple(data.get("token_endpoint_auth_methods_supported") or ()),
            )
        except KeyError as exc:
            raise OidcError(f"discovery_missing_{exc.args[0]}") from exc

    def _get_json(self, url: str, what: str, token: str | None = None) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            response = httpx.get(url, headers=headers, timeout=TIMEOUT_SECONDS, follow_redirects=False)
            response.raise_for_status()
            data = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise OidcError(f"{what}_failed:{type(exc).__name__}") from exc
        if not isinstance(data, dict):
            raise OidcError(f"{what}_not_an_object")
        return data

    def _key_set(self, refresh: bool = False) -> KeySet:
        with self._lock:
            if self._keys is None or refresh:
                self._keys = KeySet.import_key_set(self._get_json(self.provider().jwks_uri, "jwks"))  # type: ignore[arg-type]
            return self._keys

    # -- the flow ---------------------------------------------------------------------------------
    def start(self, redirect_uri: str, next_path: str = "/") -> tuple[str, Transaction]:
        """The provider's authorization URL and the transaction the callback will be checked against."""
        provider = self.provider()
        transaction = Transaction(
            state=secrets.token_urlsafe(32),
            nonce=secrets.token_urlsafe(32),
            code_verifier=secrets.token_urlsafe(64),  # 86 characters: within RFC 7636's 43–128
            redirect_uri=redirect_uri,
            next=next_path,
        )
        with self._client(redirect_uri) as client:
            url, _ = client.create_authorization_url(
                provider.authorization_endpoint,
                state=transaction.state,
                code_verifier=transaction.code_verifier,
                nonce=transaction.nonce,
            )
        return url, transaction

    def finish(self, transaction: Transaction, params: dict[str, str]) -> Identity:
        """Check the callback against the transaction, redeem the code, verify the ID token."""
        if "error" in params:
            # e.g. access_denied when the person cancelled at the provider
            raise OidcError(f"provider_error:{params['error'][:50]}")
        if not hmac.compare_digest(params.get("state", ""), transaction.state):
            raise OidcError("state_mismatch")
        code = params.get("code", "")
        if not code:
            raise OidcError("code_missing")
        token = self._redeem(code, transaction)
        claims = self._verify_id_token(token.get("id_token"), transaction.nonce)
        claims = self._with_userinfo(claims, token.get("access_token"))
        username = claims.get(self.settings.oidc_username_claim)
        if not isinstance(username, str) or not username.strip():
            raise OidcError("username_claim_missing")
        values = _claim_values(claims, self.settings.oidc_roles_claim) + _claim_values(
            claims, self.settings.oidc_groups_claim
        )
        grants = self.settings.groups.grants(values)
        return Identity(str(claims["iss"]), str(claims["sub"]), username.strip(), grants)

    def logout_url(self, post_logout_redirect_uri: str) -> str | None:
        """RP-initiated logout at the provider, when it offers one (`end_session_endpoint`)."""
        endpoint = self.provider().end_session_endpoint
        if not endpoint:
            return None
        query = urlencode(
            {"client_id": self.settings.oidc_client_id, "post_logout_redirect_uri": post_logout_redirect_uri}
        )
        return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"

    def _client(self, redirect_uri: str) -> OAuth2Client:
        secret = self.settings.oidc_client_secret.get_secret_value()
        methods = self.provider().token_auth_methods
        if not secret:
            method = "none"  # a public client: PKCE alone binds the code to this browser's transaction
        elif not methods or "client_secret_basic" in methods:
            method = "client_secret_basic"
        else:
            method = "client_secret_post"
        return OAuth2Client(
            client_id=self.settings.oidc_client_id,
            client_secret=secret or None,
            token_endpoint_auth_method=method,
            scope=self.settings.oidc_scopes,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            timeout=TIMEOUT_SECONDS,
        )

    def _redeem(self, code: str, transaction: Transaction) -> dict[str, Any]:
        try:
            with self._client(transaction.redirect_uri) as client:
                token = client.fetch_token(
                    self.provider().token_endpoint,
                    grant_type="authorization_code",
                    code=code,
                    code_verifier=transaction.code_verifier,
                )
        except Exception as exc:  # the provider refused (bad code, PKCE) or could not be reached
            raise OidcError(f"token_failed:{type(exc).__name__}") from exc
        return dict(token)

    def _verify_id_token(self, id_token: object, nonce: str) -> dict[str, Any]:
        if not isinstance(id_token, str):
            raise OidcError("id_token_missing")
        try:
            try:
                decoded = jwt.decode(id_token, self._key_set(), algorithms=ALGORITHMS)
            except (JoseError, ValueError):  # the provider may have rotated its keys since they were fetched
                decoded = jwt.decode(id_token, self._key_set(refresh=True), algorithms=ALGORITHMS)
            registry = jwt.JWTClaimsRegistry(
                leeway=LEEWAY_SECONDS,
                iss={"essential": True, "value": self.provider().issuer},
                aud={"essential": True, "value": self.settings.oidc_client_id},
                exp={"essential": True},
                iat={"essential": True},
                sub={"essential": True},
            )
            registry.validate(decoded.claims)
        except (JoseError, ValueError) as exc:
            raise OidcError(f"id_token_invalid:{type(exc).__name__}:{getattr(exc, 'claim', '')}") from exc
        claims = dict(decoded.claims)
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.settings.oidc_client_id:
            raise OidcError("id_token_azp")
        if not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
            raise OidcError("nonce_mismatch")
        return claims

    def _with_userinfo(self, claims: dict[str, Any], access_token: object) -> dict[str, Any]:
        """Claims the ID token lacks (roles, groups, the name) from the userinfo endpoint, if any."""
        wanted = (
            self.settings.oidc_username_claim,
            self.settings.oidc_roles_claim,
            self.settings.oidc_groups_claim,
        )
        endpoint = self.provider().userinfo_endpoint
        if not endpoint or not isinstance(access_token, str) or all(_has_claim(claims, c) for c in wanted):
            return claims
        info = self._get_json(endpoint, "userinfo", token=access_token)
        if info.get("sub") != claims["sub"]:
            raise OidcError("userinfo_subject_mismatch")  # OIDC Core 5.3.2: never mix two people's claims
        return {**info, **claims}


def _lookup(claims: dict[str, Any], path: str) -> Any:
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _has_claim(claims: dict[str, Any], path: str) -> bool:
    return not path or _lookup(claims, path) is not None


def _claim_values(claims: dict[str, Any], path: str) -> list[str]:
    """A claim as a list of strings (providers send a list, a single string, or space-separated)."""
    if not path:
        return []
    value = _lookup(claims, path)
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []
