"""Downloading a law's `xml.zip`, only where an administrator allowed it (`JHA_LAWS_DOWNLOAD_ENABLED`).

Offline installs (the default) pass the downloaded files instead; a URL then fails with a message that
says so, before any connection is made.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from ingest.limits import MB, IngestLimits, LoadError
from knowledge.settings import Settings

_TIMEOUT_SECONDS = 60.0


def is_url(value: str) -> bool:
    return bool(re.match(r"^https?://", value, re.IGNORECASE))


def download(url: str, folder: Path, settings: Settings) -> Path:
    """The file behind `url` in `folder`; raises `LoadError` when downloads are off or it fails."""
    if not settings.ingest.laws_download_enabled:
        raise LoadError(
            "Herunterladen ist nicht freigegeben. Laden Sie die xml.zip herunter und geben Sie die Datei an, "
            "oder erlauben Sie Downloads mit JHA_LAWS_DOWNLOAD_ENABLED=true"
        )
    limit = IngestLimits.from_settings(settings).max_file_mb * MB
    name = re.sub(
        r"[^A-Za-z0-9_.-]+", "_", url.rstrip("/").rsplit("/", 2)[-2] if url.endswith("xml.zip") else ""
    )
    target = folder / f"{name or 'gesetz'}.xml.zip"
    try:
        with httpx.stream("GET", url, timeout=_TIMEOUT_SECONDS, follow_redirects=True) as response:
            if response.status_code != 200:
                raise LoadError(
                    f"Herunterladen fehlgeschlagen: Der Server antwortete mit {response.status_code}"
                )
            size = 0
            with target.open("wb") as handle:
                for block in response.iter_bytes():
                    size += len(block)
                    if size > limit:
                        raise IngestLimits.from_settings(settings).file_too_large()
                    handle.write(block)
    except httpx.HTTPError as exc:
        raise LoadError("Herunterladen fehlgeschlagen: Der Server ist nicht erreichbar") from exc
    return target
