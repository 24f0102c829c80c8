"""The server secret and the keyed pseudonyms made with it."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from knowledge.settings import Settings


def server_secret(settings: Settings) -> bytes:
    """`JHA_SECRET_KEY`, else a random key created once in the data dir (mode 0600)."""
    if settings.secret_key:
        return settings.secret_key.get_secret_value().encode("utf-8")
    path = settings.data_dir / "secret.key"
    if not path.exists():
        _create_once(path)
    return Path(path).read_text(encoding="utf-8").strip().encode("utf-8")


def _create_once(path: Path) -> None:
    """Race-free among workers starting together: each writes a complete candidate file (O_EXCL,
    0600) and links it into place; `link` fails when another was first, and everyone reads the winner.
    Nobody ever reads a half-written key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    candidate = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(candidate, path)
    finally:
        candidate.unlink(missing_ok=True)


def pseudonym(secret: bytes, kind: str, value: str | None) -> str | None:
    """HMAC-SHA256 of `kind:value`: stable per person, meaningless without the server secret."""
    if not value:
        return None
    return hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:32]
