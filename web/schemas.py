"""The API's response bodies as pydantic models (`response_model=`), so that /api/openapi.json states
every field. Answers and log entries use the core's schemas (`assistant.schemas`)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from assistant.schemas import AnswerRecord, LogEntryRecord


class ChatResponse(AnswerRecord):
    conversation_id: str = Field(description="Für Folgefragen im selben Gespräch.")


class Stored(BaseModel):
    stored: bool = True


class ReviewStored(Stored):
    verdict: str = Field(examples=["korrekt"])


class AnswerList(BaseModel):
    total: int = Field(description="Einträge, auf die der Filter passt.")
    limit: int
    offset: int
    answers: list[LogEntryRecord]


class DocumentRow(BaseModel):
    """One document of the knowledge base, with which version supersedes which."""

    id: str
    source: str
    title: str
    type: str = Field(examples=["law"])
    collection: str = Field(examples=["allgemein"], description="Sammlung (wer das Dokument sieht).")
    date: dt.date | None = None
    law: str | None = None
    version_state: dt.date | None = None
    chunks: int = Field(description="Zahl der Abschnitte im Index.")
    superseded_by: str | None = None
    supersedes: str | None = None
    ingested_at: dt.datetime | None = None


class DocumentList(BaseModel):
    documents: list[DocumentRow]


class IndexCheck(BaseModel):
    ok: bool
    documents: int | None = None
    chunks: int | None = None
    version: int | None = Field(default=None, description="Katalogversion; steigt mit jedem Schreiben.")
    error: str | None = Field(default=None, description="Art des Fehlers, ohne Meldungstext.")


class SearchCheck(BaseModel):
    ok: bool = Field(description="Falsch, solange eine Suche im Zeitfenster fehlschlug.")
    recent_failures: int
    window_seconds: int
    last_error: str | None = None


class DatabaseCheck(BaseModel):
    ok: bool


class HealthChecks(BaseModel):
    index: IndexCheck
    search: SearchCheck
    database: DatabaseCheck


HealthStatus = Literal["ok", "degraded", "unavailable", "starting"]


class Health(BaseModel):
    """`ok` (200); `degraded`: Index und Datenbank antworten, aber Suchen schlugen fehl (503);
    `unavailable` (503); `starting`: der Server startet noch (503, ohne `checks`)."""

    status: HealthStatus
    checks: HealthChecks | None = None
