"""Where a sign-in may send the browser afterwards."""

from __future__ import annotations


def safe_next(target: str | None) -> str:
    """Only paths on this site: "//evil.example" or "https://..." would make the login an open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"
