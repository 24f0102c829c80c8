"""`python -m web`: serve the web app and manage local accounts."""

from __future__ import annotations

import json
import logging
import sys
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from assistant.access import readable_collections
from assistant.container import Container
from assistant.log.reachable import DatabaseUnavailable
from knowledge.collections import collection_names
from web.accounts import AccountError, AccountStore, Role, generate_password, parse_roles
from web.apikeys_cli import apikeys_app
from web.first_steps import KnowledgeState, console_text
from web.history import purge_history
from web.settings import WebSettings

app = typer.Typer(help="Jugendhilfe-Assistent: Weboberfläche und Konten.", no_args_is_help=True)
users_app = typer.Typer(help="Lokale Konten verwalten.", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(apikeys_app, name="apikeys")
history_app = typer.Typer(help="Gesprächsverlauf der Konten.", no_args_is_help=True)
app.add_typer(history_app, name="history")
console = Console(stderr=True)
out = Console(highlight=False, width=None if sys.stdout.isatty() else 160)

EXIT_USAGE = 2
EXIT_CONFIG = 3
EXIT_NOT_FOUND = 4
FIRST_ADMIN = "admin"

CollectionsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--collection", "-c", help="Freigegebene Sammlung (z. B. asd); mehrfach oder kommagetrennt."
    ),
]
RolesOption = Annotated[
    list[str],
    typer.Option("--role", "-r", help="fachkraft, leitung oder maintainer; mehrfach oder kommagetrennt."),
]


def _store() -> AccountStore:
    return AccountStore(Container(WebSettings()).database)


def _fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    console.print(f"[red]{message}[/red]")
    return typer.Exit(code)


def _new_password(password: str | None) -> str:
    if password is not None:
        return password
    return str(typer.prompt("Passwort (mind. 12 Zeichen)", hide_input=True, confirmation_prompt=True))


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Adresse, an die der Server bindet.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Anzahl der Serverprozesse (mehrere: Chroma-Server empfohlen).")
    ] = 1,
) -> None:
    """Die Weboberfläche starten (legt beim ersten Start ein Administratorkonto an)."""
    from assistant.secrets import server_secret
    from web.serve import run

    settings = WebSettings()
    knowledge = _check_index(settings)
    # Once here, before the workers start together: the migrations (Container.database) and the secret.
    admin_created = ensure_first_admin(AccountStore(Container(settings).database))
    server_secret(settings)
    hint = console_text(knowledge, admin_created=admin_created, url=f"http://{host}:{port}/login")
    if hint:
        out.print(hint, soft_wrap=True, markup=False)
    run(settings, host=host, port=port, workers=workers)


def _check_index(settings: WebSettings) -> KnowledgeState:
    """Fail with the reason, not a traceback, when the index cannot be opened with this configuration;
    otherwise say what it holds (for the start-up hint)."""
    from knowledge.embedders import EmbedderUnavailable
    from knowledge.index import IndexEmbedderMismatch

    try:
        index = Container(settings).index
    except (IndexEmbedderMismatch, EmbedderUnavailable) as exc:
        raise _fail(f"Fehler: {exc}", EXIT_CONFIG) from exc
    # Once, before the workers start: what an interrupted writer or a migration left in the write
    # journal is applied (c002 journals every document so that its vectors learn their collection).
    if index.drift().pending_writes:
        index.catch_up()
    # Counts only (milliseconds at 100k chunks); the repair itself stays a maintainer's command.
    drift = index.drift()
    if not drift.consistent:
        console.print(f"[yellow]Warnung:[/yellow] {drift.message()}")
    stats = index.stats()
    index.close()
    return KnowledgeState.from_counts(stats.documents, stats.by_type)


def ensure_first_admin(store: AccountStore) -> bool:
    """No default credentials: the first start creates an administrator with a random password.
    True when it did (this is the first start)."""
    if store.count() > 0:
        return False
    password = generate_password()
    store.add(FIRST_ADMIN, frozenset(Role), password=password)
    out.print(
        "\n[bold]Erstes Administratorkonto angelegt[/bold] (Fachkraft, Leitung, Pflege der Wissensbasis)\n"
        f"  Benutzername: {FIRST_ADMIN}\n  Passwort:     {password}\n"
        "Das Passwort wird nur jetzt angezeigt. Ändern mit: python -m web users passwd admin\n"
    )
    return True


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Benutzername.")],
    role: RolesOption,
    password: Annotated[str | None, typer.Option(help="Sonst wird nachgefragt.")] = None,
    sso: Annotated[
        bool, typer.Option("--sso", help="Nur Anmeldung über den Reverse-Proxy, kein Passwort.")
    ] = False,
    collection: CollectionsOption = None,
) -> None:
    """Ein Konto anlegen (mit den Sammlungen, die es lesen darf; 'allgemein' liest jedes Konto)."""
    try:
        roles = parse_roles(role)
        collections = collection_names(collection or [])
        secret = None if sso else _new_password(password)
        store = _store()
        user = store.add(name, roles, password=secret)
        store.set_collections(name, collections)
    except (AccountError, ValueError) as exc:
        raise _fail(str(exc)) from exc
    granted = f"; Sammlungen: {', '.join(sorted(collections))}" if collections else ""
    out.print(f"Konto {user.username} angelegt: {', '.join(sorted(r.value for r in user.roles))}{granted}.")


@users_app.command("collections")
def users_collections(
    name: Annotated[str, typer.Argument(help="Benutzername.")],
    collections: Annotated[
        list[str] | None, typer.Argument(help="Neue Sammlungen (ersetzen die bisherigen); ohne: anzeigen.")
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Alle Freigaben entfernen.")] = False,
) -> None:
    """Die Sammlungen eines Kontos anzeigen oder ersetzen (wirkt ab der nächsten Frage)."""
    store = _store()
    user = store.get(name)
    if user is None:
        raise _fail(f"Kein Konto {name!r}.", EXIT_NOT_FOUND)
    if collections or clear:
        try:
            store.set_collections(name, collection_names(collections or []))
        except ValueError as exc:
            raise _fail(str(exc)) from exc
    settings = WebSettings()
    readable = readable_collections(
        (r.value for r in user.roles),
        store.collections(name),
        default_for_all=settings.collection_default_for_all,
    )
    granted = ", ".join(sorted(store.collections(name))) or "keine"
    reads = "alle (Rolle maintainer)" if readable is None else ", ".join(sorted(readable)) or "keine"
    out.print(f"Sammlungen von {name}: freigegeben {granted}; liest {reads}.")


@users_app.command("list")
def users_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Alle Konten mit Rollen."""
    store = _store()
    accounts = store.list()
    rows = [
        {
            "username": u.username,
            "roles": sorted(r.value for r in u.roles),
            "created_at": u.created_at.isoformat(),
            "login": "passwort" if u.has_password else "sso",
            "collections": sorted(store.collections(u.username)),
        }
        for u in accounts
    ]
    if as_json:
        sys.stdout.write(json.dumps({"users": rows}, ensure_ascii=False) + "\n")
        return
    table = Table(title=f"{len(rows)} Konten")
    for column in ("Benutzer", "Rollen", "Anmeldung", "Angelegt"):
        table.add_column(column)
    for user in accounts:
        login = "Passwort" if user.has_password else "nur SSO"
        roles = ", ".join(sorted(r.value for r in user.roles))
        table.add_row(user.username, roles, login, f"{user.created_at:%d.%m.%Y}")
    out.print(table)


@users_app.command("passwd")
def users_passwd(
    name: Annotated[str, typer.Argument()],
    password: Annotated[str | None, typer.Option(help="Sonst wird nachgefragt.")] = None,
) -> None:
    """Passwort setzen; bestehende Sitzungen des Kontos enden."""
    store = _store()
    if store.get(name) is None:
        raise _fail(f"Kein Konto {name!r}.", EXIT_NOT_FOUND)
    try:
        store.set_password(name, _new_password(password))
    except AccountError as exc:
        raise _fail(str(exc)) from exc
    out.print(f"Passwort für {name} geändert.")


@users_app.command("roles")
def users_roles(name: Annotated[str, typer.Argument()], role: RolesOption) -> None:
    """Rollen eines Kontos ersetzen; seine Sitzungen enden (neue Anmeldung mit den neuen Rollen)."""
    store = _store()
    if store.get(name) is None:
        raise _fail(f"Kein Konto {name!r}.", EXIT_NOT_FOUND)
    try:
        store.set_roles(name, parse_roles(role))
    except AccountError as exc:
        raise _fail(str(exc)) from exc
    out.print(f"Rollen von {name}: {', '.join(sorted(parse_roles(role)))}.")


@users_app.command("remove")
def users_remove(name: Annotated[str, typer.Argument()]) -> None:
    """Ein Konto löschen; seine Sitzungen enden sofort."""
    try:
        _store().remove(name)
    except AccountError as exc:
        raise _fail(str(exc), EXIT_NOT_FOUND) from exc
    out.print(f"Konto {name} gelöscht.")


@history_app.command("purge")
def history_purge() -> None:
    """Gespräche löschen, die älter als JHA_HISTORY_RETENTION_DAYS sind (geschieht auch beim Serverstart)."""
    settings = WebSettings()
    removed = purge_history(Container(settings).database, settings.history_retention_days)
    out.print(f"{removed} Gespräche gelöscht (älter als {settings.history_retention_days} Tage).")


def main() -> None:
    logging.basicConfig(
        level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    # The operator should see which embedder runs (e.g. the weight-free fallback) and retention purges.
    for name in ("web", "knowledge", "assistant"):
        logging.getLogger(name).setLevel(logging.INFO)
    try:
        app()
    except DatabaseUnavailable as exc:
        sys.stderr.write(f"{exc}\n")
        sys.exit(EXIT_CONFIG)
    except ValidationError as exc:  # e.g. a typo in JHA_GROUP_MAP: the reason, not a traceback
        problems = "; ".join(str(error["msg"]).removeprefix("Value error, ") for error in exc.errors())
        sys.stderr.write(f"Fehler in der Konfiguration: {problems}\n")
        sys.exit(EXIT_CONFIG)
