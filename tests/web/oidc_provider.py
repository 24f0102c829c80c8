"""A small but real OpenID Connect provider for the tests, served by uvicorn on 127.0.0.1.

Authorization code flow with PKCE required (S256), RS256 ID tokens signed by a key made at start,
discovery, JWKS, userinfo and an end-session endpoint. A sign-in page asks for a username from `users`.
`tamper` changes the claims of the next ID tokens (a wrong nonce, another issuer) to test the client.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

import uvicorn
from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

CLIENT_ID = "jugendhilfe-assistent"
CLIENT_SECRET = "geheimes-client-secret-fuer-tests"


@dataclass
class OidcProvider:
    users: dict[str, dict[str, Any]]
    host: str = "127.0.0.1"  # the name in the issuer URL; "localhost" makes the provider another site
    tamper: dict[str, Any] = field(default_factory=dict)
    discovery_issuer: str | None = None  # what discovery claims as issuer (None: the real one)
    logouts: list[dict[str, str]] = field(default_factory=list)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    authorize_requests: list[dict[str, str]] = field(default_factory=list)
    url: str = ""

    def __post_init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-1", "use": "sig", "alg": "RS256"})
        self.sign_with: RSAKey | None = None  # an impostor's key; the JWKS keeps serving `key`
        self.codes: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, str] = {}  # access token -> username
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------------
    def start(self) -> OidcProvider:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.url = f"http://{self.host}:{sock.getsockname()[1]}"
        app = Starlette(
            routes=[
                Route("/.well-known/openid-configuration", self.discovery),
                Route("/authorize", self.authorize_page, methods=["GET"]),
                Route("/authorize", self.authorize, methods=["POST"]),
                Route("/token", self.token, methods=["POST"]),
                Route("/jwks", self.jwks),
                Route("/userinfo", self.userinfo),
                Route("/logout", self.logout),
                # Browsers ask every site for one; a 404 would show up as a console error in the test.
                Route("/favicon.ico", lambda request: Response(status_code=204)),
            ]
        )
        self._server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        while not self._server.started:
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)

    # -- endpoints --------------------------------------------------------------------------------
    async def discovery(self, request: Request) -> Response:
        return JSONResponse(
            {
                "issuer": self.discovery_issuer or self.url,
                "authorization_endpoint": f"{self.url}/authorize",
                "token_endpoint": f"{self.url}/token",
                "jwks_uri": f"{self.url}/jwks",
                "userinfo_endpoint": f"{self.url}/userinfo",
                "end_session_endpoint": f"{self.url}/logout",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            }
        )

    async def authorize_page(self, request: Request) -> Response:
        params = dict(request.query_params)
        self.authorize_requests.append(params)
        problem = self._authorize_problem(params)
        if problem:
            return HTMLResponse(f"<h1>Fehler</h1><p id='problem'>{problem}</p>", status_code=400)
        query = html.escape(urlencode(params))
        return HTMLResponse(
            "<!doctype html><html lang='de'><title>Testanbieter</title><h1>Testanbieter: Anmeldung</h1>"
            f"<form method='post' action='/authorize'><input type='hidden' name='request' value='{query}'>"
            "<label for='username'>Benutzer</label><input id='username' name='username'>"
            "<button type='submit'>Beim Anbieter anmelden</button></form></html>"
        )

    def _authorize_problem(self, params: dict[str, str]) -> str | None:
        if params.get("client_id") != CLIENT_ID or params.get("response_type") != "code":
            return "unbekannter Client oder response_type"
        if "openid" not in params.get("scope", "").split():
            return "scope openid fehlt"
        if not params.get("code_challenge") or params.get("code_challenge_method") != "S256":
            return "PKCE (S256) fehlt"
        if not params.get("state") or not params.get("nonce"):
            return "state oder nonce fehlt"
        return None

    async def authorize(self, request: Request) -> Response:
        form = await request.form()
        params = dict(parse_qsl(str(form["request"])))
        username = str(form.get("username", ""))
        if username not in self.users:
            return HTMLResponse("<p>Unbekannter Benutzer</p>", status_code=401)
        code = secrets.token_urlsafe(24)
        self.codes[code] = {**params, "username": username}
        query = urlencode({"code": code, "state": params["state"]})
        return RedirectResponse(f"{params['redirect_uri']}?{query}", status_code=302)

    async def token(self, request: Request) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        self.token_requests.append(form)
        if (
            request.headers.get("authorization")
            != "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        ):
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        grant = self.codes.pop(form.get("code", ""), None)  # single use
        if grant is None or form.get("grant_type") != "authorization_code":
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return JSONResponse(
                {"error": "invalid_grant", "error_description": "redirect_uri"}, status_code=400
            )
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if not verifier or challenge != grant["code_challenge"]:
            return JSONResponse({"error": "invalid_grant", "error_description": "PKCE"}, status_code=400)
        user = self.users[grant["username"]]
        now = int(time.time())
        claims = {
            "iss": self.url,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": grant["nonce"],
            **{k: v for k, v in user.items() if k != "userinfo"},
            **self.tamper,
        }
        id_token = jwt.encode({"alg": "RS256", "kid": "test-1"}, claims, self.sign_with or self.key)
        access = secrets.token_urlsafe(24)
        self.tokens[access] = grant["username"]
        return JSONResponse(
            {"access_token": access, "token_type": "Bearer", "expires_in": 300, "id_token": id_token}
        )

    async def jwks(self, request: Request) -> Response:
        return JSONResponse({"keys": [self.key.as_dict(private=False)]})

    async def userinfo(self, request: Request) -> Response:
        username = self.tokens.get(request.headers.get("authorization", "").removeprefix("Bearer "))
        if username is None:
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        user = self.users[username]
        return JSONResponse({"sub": user["sub"], **user.get("userinfo", {})})

    async def logout(self, request: Request) -> Response:
        params = dict(request.query_params)
        self.logouts.append(params)
        target = params.get("post_logout_redirect_uri")
        if target:
            return RedirectResponse(target, status_code=302)
        return HTMLResponse("<p>Abgemeldet</p>")
