"""The API's response bodies as pydantic models (`response_model=`), so that /api/openapi.json states
every field. Answers and log entries use the core's schemas (`assistant.schemas`)."""

from __future__ import annotations

import datetime as dt

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
