"""`python -m web`: serve the web app and manage local accounts."""

from __future__ import annotations

import json
import logging
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from assistant.container import Container
from assistant.log.reachable import DatabaseUnavailable
from web.accounts import AccountError, AccountStore, Role, generate_password, parse_roles
from web.settings import WebSettings

app = typer.Typer(help="Jugendhilfe-Assistent: Weboberfläche und Konten.", no_args_is_help=True)
users_app = typer.Typer(help="Lokale Konten verwalten.", no_args_is_help=True)
app.add_typer(users_app, name="users")
console = Console(stderr=True)
out = Console(highlight=False, width=None if sys.stdout.isatty() else 160)

EXIT_USAGE = 2
EXIT_CONFIG = 3
EXIT_NOT_FOUND = 4
FIRST_ADMIN = "admin"

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
) -> None:
    """Die Weboberfläche starten (legt beim ersten Start ein Administratorkonto an)."""
    import uvicorn

    from web.app import create_app

    settings = WebSettings()
    _check_index(settings)
    ensure_first_admin(AccountStore(Container(settings).database))
    # uvicorn's own X-Forwarded-* handling is off: web/proxy.py believes those headers only from the
    # configured proxies, and needs the real peer address to decide that.
    uvicorn.run(create_app(settings), host=host, port=port, proxy_headers=False, server_header=False)


def _check_index(settings: WebSettings) -> None:
    """Fail with the reason, not a traceback, when the index cannot be opened with this configuration."""
    from knowledge.embedders import EmbedderUnavailable
    from knowledge.index import IndexEmbedderMismatch

    try:
        index = Container(settings).index
    except (IndexEmbedderMismatch, EmbedderUnavailable) as exc:
        raise _fail(f"Fehler: {exc}", EXIT_CONFIG) from exc
    # Counts only (milliseconds at 100k chunks); the repair itself stays a maintainer's command.
    drift = index.drift()
    if not drift.consistent:
        console.print(f"[yellow]Warnung:[/yellow] {drift.message()}")
    index.close()


def ensure_first_admin(store: AccountStore) -> None:
    """No default credentials: the first start creates an administrator with a random password."""
    if store.count() > 0:
        return
    password = generate_password()
    store.add(FIRST_ADMIN, frozenset(Role), password=password)
    out.print(
        "\n[bold]Erstes Administratorkonto angelegt[/bold] (Fachkraft, Leitung, Pflege der Wissensbasis)\n"
        f"  Benutzername: {FIRST_ADMIN}\n  Passwort:     {password}\n"
        "Das Passwort wird nur jetzt angezeigt. Ändern mit: python -m web users passwd admin\n"
    )


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Benutzername.")],
    role: RolesOption,
    password: Annotated[str | None, typer.Option(help="Sonst wird nachgefragt.")] = None,
    sso: Annotated[
        bool, typer.Option("--sso", help="Nur Anmeldung über den Reverse-Proxy, kein Passwort.")
    ] = False,
) -> None:
    """Ein Konto anlegen."""
    try:
        roles = parse_roles(role)
        secret = None if sso else _new_password(password)
        user = _store().add(name, roles, password=secret)
    except AccountError as exc:
        raise _fail(str(exc)) from exc
    out.print(f"Konto {user.username} angelegt: {', '.join(sorted(r.value for r in user.roles))}.")


@users_app.command("list")
def users_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Alle Konten mit Rollen."""
    accounts = _store().list()
    rows = [
        {
            "username": u.username,
            "roles": sorted(r.value for r in u.roles),
            "created_at": u.created_at.isoformat(),
            "login": "passwort" if u.has_password else "sso",
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
