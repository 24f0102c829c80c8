"""`doctor`: the configuration in effect, whether the index stores agree, and whether anything could
reach the network."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from assistant.container import Container
from assistant.gate.lexicon import dictionary_status
from knowledge.embedders import describe_embedder_choice
from knowledge.index import IndexEmbedderMismatch
from knowledge.settings import Settings

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def diagnose(settings: Settings) -> dict[str, Any]:
    """A JSON-able report; nothing here opens a network connection."""
    container = Container(settings)
    embedder = container.embedder
    report: dict[str, Any] = {
        "data_dir": str(settings.data_dir.resolve()),
        "database": _redact_url(settings.effective_database_url),
        "embedder": {"id": embedder.id, "description": describe_embedder_choice(settings, embedder)},
        "answering": "llm:" + settings.llm.model
        if settings.llm.base_url and settings.llm.model
        else "builtin",
        "gate_action": settings.policy.gate_action.value,
        "storage_filter": dictionary_status(settings.policy.dictionary_path),
        "log_retention_days": settings.policy.log_retention_days,
    }
    try:
        index = container.index
        stats = index.stats()
        drift = index.drift()
        report["index"] = {
            "documents": stats.documents,
            "chunks": stats.chunks,
            "vectors": stats.vector_count,
            "lexical_entries": stats.lexical_count,
            "built_with": stats.embedder,
            "version": stats.index_version,
            # Counts per store and their differences; `python -m ingest repair` reconciles them.
            "drift": drift.as_json(),
            "consistency": drift.message(),
        }
        index.close()
    except IndexEmbedderMismatch as exc:
        report["index"] = {"error": str(exc)}
    report["network"] = network_exposure(settings)
    return report


def network_exposure(settings: Settings) -> dict[str, Any]:
    """Every place the running system could connect to; by default none leaves this machine."""
    destinations: list[str] = []
    if settings.llm.base_url:
        host = urlparse(settings.llm.base_url).hostname or ""
        where = "lokal" if host in _LOOPBACK else "EXTERN"
        destinations.append(f"LLM-Endpunkt {settings.llm.base_url} ({where}, vom Administrator konfiguriert)")
    if settings.chroma.url:
        host = urlparse(settings.chroma.url).hostname or ""
        where = "lokal" if host in _LOOPBACK else "im Netz; ohne Anmeldung, nur im internen Netz betreiben"
        destinations.append(f"Chroma-Server {settings.chroma.url} ({where})")
    if settings.database_url and not settings.database_url.startswith("sqlite"):
        destinations.append(f"Datenbank {_redact_url(settings.database_url)}")
    if settings.embedding.allow_downloads:
        destinations.append("Modell-Downloads erlaubt (JHA_ALLOW_MODEL_DOWNLOADS=true)")
    return {
        "telemetry": "aus (Chroma anonymized_telemetry=False, keine eigene Telemetrie)",
        "outbound": destinations,
        "summary": "Keine Verbindung verlässt den Server." if not destinations else "Siehe Ziele oben.",
    }


def _redact_url(url: str) -> str:
    parsed = urlparse(url)
    if parsed.password:
        return url.replace(f":{parsed.password}@", ":***@")
    return url
