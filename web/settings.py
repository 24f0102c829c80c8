"""Settings only the web server needs, on top of the product's `Settings` (same `JHA_` prefix)."""

from __future__ import annotations

import ipaddress
from enum import StrEnum

from pydantic import Field, SecretStr, field_validator

from knowledge.settings import Settings
from web.group_map import GroupMap

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class CookieSecure(StrEnum):
    AUTO = "auto"  # Secure when the request came in over HTTPS (directly or from a trusted proxy)
    ALWAYS = "always"
    NEVER = "never"


class WebSettings(Settings):
    """Web-only settings, e.g. `JHA_SSO_ENABLED=true`, `JHA_TRUSTED_PROXIES=127.0.0.1,10.0.0.0/8`."""

    session_cookie: str = "jha_session"
    # Absolute: a sign-in ends this long after the login, however active it was.
    session_max_age_seconds: int = Field(default=8 * 3600, ge=300)
    # Idle: a sign-in also ends after this long without a request (never later than the absolute limit).
    session_idle_seconds: int = Field(default=2 * 3600, ge=60)
    cookie_secure: CookieSecure = CookieSecure.AUTO

    # Single sign-on through a reverse proxy (oauth2-proxy and the like). The header is only believed when
    # sso_enabled is set *and* the connection comes from one of trusted_proxies; anyone else could send it.
    sso_enabled: bool = False
    sso_header: str = "X-Forwarded-User"
    trusted_proxies: str = Field(default="", description="Comma-separated IPs or CIDR ranges.")
    # Off by default. With a name (e.g. "X-Forwarded-Groups") the proxy's comma-separated groups decide
    # roles and collections through group_map; believed only under the same conditions as sso_header.
    sso_groups_header: str = ""

    # Native OpenID Connect (Keycloak, Entra ID, ADFS): on when issuer and client id are set.
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: SecretStr = SecretStr("")
    oidc_scopes: str = "openid profile email"
    oidc_username_claim: str = "preferred_username"
    # Dotted paths reach into nested claims, e.g. Keycloak's "realm_access.roles".
    oidc_roles_claim: str = "roles"
    oidc_groups_claim: str = "groups"
    # Empty: derived from the request (behind a trusted proxy from its X-Forwarded-Proto/-Host).
    oidc_redirect_uri: str = ""
    # Shown on the login page's button.
    oidc_display_name: str = "Dienstkonto"

    # "ASD-Team=collection:asd;Jugendamt-Leitung=role:leitung": groups or roles of the identity provider
    # (OIDC claims or the proxy's groups header) to roles and collections here.
    group_map: str = ""

    max_request_bytes: int = Field(default=64 * 1024, ge=1024)
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    # OpenAI clients send the whole conversation, answers with their quoted passages included, each time.
    max_api_request_bytes: int = Field(default=1024 * 1024, ge=1024)
    max_question_chars: int = Field(default=2000, ge=50)

    # Per account strictly; per client address much higher, so that one person mistyping behind an
    # office's shared NAT address does not lock out everyone else there.
    login_max_failures: int = Field(default=5, ge=1)
    login_max_failures_per_address: int = Field(default=100, ge=1)
    login_window_seconds: int = Field(default=15 * 60, ge=10)

    # The users' own conversation history (web/history.py): turns older than this are deleted at
    # server start and by `python -m web history purge`, like the answer log.
    history_retention_days: int = Field(default=30, ge=1)

    @field_validator("group_map")
    @classmethod
    def _check_group_map(cls, value: str) -> str:
        GroupMap.parse(value)  # a typo fails at startup with the reason, not at the first sign-in
        return value

    @property
    def groups(self) -> GroupMap:
        return GroupMap.parse(self.group_map)

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)

    @property
    def proxy_networks(self) -> list[Network]:
        return [
            ipaddress.ip_network(part.strip(), strict=False)
            for part in self.trusted_proxies.split(",")
            if part.strip()
        ]

    @classmethod
    def from_settings(cls, settings: Settings) -> WebSettings:
        """Web settings with the given product settings taken over unchanged."""
        if isinstance(settings, WebSettings):
            return settings
        return cls(**{name: getattr(settings, name) for name in Settings.model_fields})
