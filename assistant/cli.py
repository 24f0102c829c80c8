"""`python -m assistant`: search the knowledge base, ask questions, inspect the setup."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from assistant.access import UnknownAccount, account_collections
from assistant.container import Container
from assistant.doctor import diagnose
from assistant.log import LogFilter
from assistant.log.export import EXPORT_FORMATS, export_answers, reviewer_pseudonyms
from assistant.log.reachable import DatabaseUnavailable
from assistant.models import Answer
from assistant.secrets import server_secret
from knowledge.collections import Collections
from knowledge.embedders import EmbedderUnavailable
from knowledge.index import IndexEmbedderMismatch, KnowledgeIndex
from knowledge.models import DocumentType, Hit
from knowledge.settings import make_settings

if TYPE_CHECKING:
    from assistant.service import Assistant

app = typer.Typer(help="Jugendhilfe-Assistent: suchen, fragen, prüfen.", no_args_is_help=True)
logs_app = typer.Typer(
    help="Antwortprotokoll: exportieren, Aufbewahrungsfrist durchsetzen.", no_args_is_help=True
)
app.add_typer(logs_app, name="logs")
console = Console(stderr=True)
out = Console(highlight=False, width=None if sys.stdout.isatty() else 160)

EXIT_CONFIG = 3
_Service = TypeVar("_Service")


def _or_exit(open_service: Callable[[], _Service]) -> _Service:
    """Open a service; a configuration problem becomes a German message and exit code 3."""
    try:
        return open_service()
    except (IndexEmbedderMismatch, EmbedderUnavailable) as exc:
        console.print(f"[red]Fehler:[/red] {exc}")
        raise typer.Exit(EXIT_CONFIG) from exc


def _open_index() -> KnowledgeIndex:
    return _or_exit(lambda: Container(make_settings()).index)


def _batch_lines(path: Path, key: str) -> Iterator[tuple[dict[str, Any], str]]:
    """JSON lines `{"id": ..., key: ...}`; a malformed line stops the run with its number (exit 2)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            yield item, str(item[key])
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            console.print(f"[red]Zeile {number} von {path} ist kein gültiges Objekt mit {key!r}: {exc}[/red]")
            raise typer.Exit(2) from exc


def _hits_json(hits: list[Hit]) -> list[dict[str, Any]]:
    return [hit.as_json() for hit in hits]


@app.command()
def search(
    query: Annotated[str | None, typer.Argument(help="Suchanfrage.")] = None,
    k: Annotated[int, typer.Option("-k", min=1, max=100, help="Anzahl Treffer.")] = 5,
    doc_type: Annotated[DocumentType | None, typer.Option("--type", help="Nur diesen Dokumenttyp.")] = None,
    batch: Annotated[
        Path | None,
        typer.Option("--batch", help='JSON-Zeilen {"id": ..., "query": ...}; eine Ausgabezeile je Anfrage.'),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Maschinenlesbare Ausgabe.")] = False,
) -> None:
    """Hybride Suche (Vektor + lexikalisch) in der Wissensbasis."""
    if (query is None) == (batch is None):
        console.print("[red]Bitte genau eines angeben: eine Suchanfrage oder --batch DATEI.[/red]")
        raise typer.Exit(2)
    index = _open_index()
    types = [doc_type] if doc_type else None
    if batch is not None:
        for item, text in _batch_lines(batch, "query"):
            hits = index.search(text, k=k, types=types)
            sys.stdout.write(
                json.dumps({"id": item.get("id"), "hits": _hits_json(hits)}, ensure_ascii=False) + "\n"
            )
        return
    assert query is not None
    hits = index.search(query, k=k, types=types)
    if as_json:
        sys.stdout.write(json.dumps({"hits": _hits_json(hits)}, ensure_ascii=False) + "\n")
        return
    if not hits:
        out.print("Keine Treffer.")
        return
    table = Table(title=f"Treffer für „{query}“")
    for column in ("#", "Score", "Dokument", "Abschnitt", "Auszug"):
        table.add_column(column, overflow="fold")
    for hit in hits:
        superseded = " [yellow](ersetzt)[/yellow]" if hit.document.superseded_by else ""
        table.add_row(
            str(hit.rank),
            f"{hit.score:.2f}",
            f"{hit.document.title}{superseded}\n[dim]{hit.document.source}[/dim]",
            hit.chunk.section or "–",
            hit.chunk.text[:240] + ("…" if len(hit.chunk.text) > 240 else ""),
        )
    out.print(table)


def _open_assistant() -> Assistant:
    return _or_exit(lambda: Container(make_settings()).assistant)


def _ask_json(answer: Answer) -> dict[str, Any]:
    """The answer in its schema (`assistant.schemas.AnswerRecord`): the same citations as the API."""
    return answer.as_json()


@app.command()
def ask(
    question: Annotated[str | None, typer.Argument(help="Die Frage.")] = None,
    batch: Annotated[
        Path | None,
        typer.Option("--batch", help='JSON-Zeilen {"id": ..., "question": ...}; eine Ausgabezeile je Frage.'),
    ] = None,
    conversation: Annotated[
        str | None, typer.Option("--conversation", help="Gesprächs-ID für Folgefragen.")
    ] = None,
    user: Annotated[
        str | None,
        typer.Option("--user", help="Als dieses Konto antworten: aus dessen Sammlungen (sonst aus allen)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Maschinenlesbare Ausgabe.")] = False,
) -> None:
    """Eine Frage beantworten lassen – mit Quellen, oder ehrlich ablehnen."""
    if (question is None) == (batch is None):
        console.print("[red]Bitte genau eines angeben: eine Frage oder --batch DATEI.[/red]")
        raise typer.Exit(2)
    container = _or_exit(lambda: Container(make_settings()))
    collections = _collections_of(container, user)
    assistant = _or_exit(lambda: container.assistant)
    if batch is not None:
        for item, text in _batch_lines(batch, "question"):
            conversation_id = item.get("conversation_id")
            answer = assistant.ask(text, conversation_id=conversation_id, user=user, collections=collections)
            sys.stdout.write(
                json.dumps({"id": item.get("id"), **_ask_json(answer)}, ensure_ascii=False) + "\n"
            )
        return
    assert question is not None
    answer = assistant.ask(question, conversation_id=conversation, user=user, collections=collections)
    if as_json:
        sys.stdout.write(json.dumps(_ask_json(answer), ensure_ascii=False) + "\n")
        return
    for notice in answer.notices:
        out.print(f"[bold yellow]Hinweis:[/bold yellow] {notice.text}")
    out.print()
    out.print(answer.text)
    if answer.citations:
        out.print("\n[bold]Quellen[/bold]")
        for citation in answer.citations:
            out.print(f"  [{citation.n}] {citation.label} – {citation.title} ({citation.source})")
    for suggestion in answer.suggestions:
        out.print(f"  Nächstliegend: {suggestion.title} ({suggestion.section or '–'})")


def _collections_of(container: Container, user: str | None) -> Collections:
    """The account's collections (`assistant.access`); an unknown account exits with 4."""
    if user is None:
        return None
    try:
        return account_collections(
            container.database, user, default_for_all=container.settings.collection_default_for_all
        )
    except UnknownAccount as exc:
        console.print(f"[red]Fehler:[/red] {exc}")
        raise typer.Exit(4) from exc


@logs_app.command("purge")
def logs_purge() -> None:
    """Protokolleinträge löschen, die älter als JHA_LOG_RETENTION_DAYS sind."""
    settings = make_settings()
    answer_log = Container(settings).answer_log
    removed = answer_log.purge(settings.policy.log_retention_days)
    out.print(f"{removed} Einträge gelöscht (älter als {settings.policy.log_retention_days} Tage).")


@logs_app.command("export")
def logs_export(
    since: Annotated[
        datetime | None, typer.Option("--since", formats=["%Y-%m-%d"], help="Ab Datum (JJJJ-MM-TT).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="csv (für Excel), xlsx oder json.")] = "json",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="In diese Datei statt auf die Standardausgabe.")
    ] = None,
) -> None:
    """Das Antwortprotokoll exportieren (pseudonym, ohne Falldaten)."""
    if fmt not in EXPORT_FORMATS:
        console.print("[red]--format muss csv, xlsx oder json sein.[/red]")
        raise typer.Exit(2)
    settings = make_settings()
    answer_log = Container(settings).answer_log
    body = export_answers(
        answer_log,
        LogFilter(since=since.date() if since else None),
        fmt,
        reviewer_alias=reviewer_pseudonyms(server_secret(settings)),
    )
    if output is not None:
        output.write_bytes(body)
        return
    sys.stdout.buffer.write(body)
    sys.stdout.flush()


@app.command()
def doctor(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Konfiguration, Embedder, Indexgröße und mögliche Netzwerkverbindungen anzeigen."""
    report = diagnose(make_settings())
    if as_json:
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
        return
    for key, value in report.items():
        if isinstance(value, dict):
            out.print(f"[bold]{key}[/bold]")
            for sub_key, sub_value in value.items():
                out.print(f"  {sub_key}: {sub_value}")
        else:
            out.print(f"[bold]{key}[/bold]: {value}")


def main() -> None:
    logging.basicConfig(
        level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    try:
        app()
    except DatabaseUnavailable as exc:  # one German line naming the setting, not a driver traceback
        sys.stderr.write(f"{exc}\n")
        sys.exit(EXIT_CONFIG)
