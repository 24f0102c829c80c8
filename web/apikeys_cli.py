"""`python -m web apikeys add|list|revoke`: keys for the OpenAI-compatible API (/v1)."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from assistant.container import Container
from web.accounts import AccountError, AccountStore
from web.apikeys import ApiKeyStore
from web.settings import WebSettings

apikeys_app = typer.Typer(help="API-Schlüssel für andere Programme (/v1) verwalten.", no_args_is_help=True)
console = Console(stderr=True)
out = Console(highlight=False, width=None if sys.stdout.isatty() else 160)

EXIT_USAGE = 2
EXIT_NOT_FOUND = 4


def _stores() -> tuple[AccountStore, ApiKeyStore]:
    engine = Container(WebSettings()).database
    return AccountStore(engine), ApiKeyStore(engine)


@apikeys_app.command("add")
def apikeys_add(
    name: Annotated[str, typer.Argument(help="Wofür der Schlüssel ist, z. B. open-webui.")],
    user: Annotated[str, typer.Option("--user", "-u", help="Konto, dessen Rollen der Schlüssel trägt.")],
) -> None:
    """Einen Schlüssel anlegen; er wird nur jetzt angezeigt."""
    accounts, keys = _stores()
    if accounts.get(user) is None:
        console.print(f"[red]Kein Konto {user!r}.[/red]")
        raise typer.Exit(EXIT_NOT_FOUND)
    try:
        key = keys.add(name, user)
    except AccountError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_USAGE) from exc
    console.print(f"Schlüssel {name} für {user} angelegt. Er wird nur jetzt angezeigt:")
    sys.stdout.write(key + "\n")  # alone on stdout, so that a script can capture it


@apikeys_app.command("list")
def apikeys_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Alle Schlüssel (ohne den Schlüssel selbst)."""
    _, keys = _stores()
    rows = [
        {
            "name": k.name,
            "user": k.username,
            "created_at": k.created_at.isoformat(),
            "last_used_at": k.last_used_at.isoformat() if k.last_used_at else None,
            "revoked_at": k.revoked_at.isoformat() if k.revoked_at else None,
        }
        for k in keys.list()
    ]
    if as_json:
        sys.stdout.write(json.dumps({"api_keys": rows}, ensure_ascii=False) + "\n")
        return
    table = Table(title=f"{len(rows)} API-Schlüssel")
    for column in ("Name", "Konto", "Angelegt", "Zuletzt benutzt", "Status"):
        table.add_column(column)
    for k in keys.list():
        used = f"{k.last_used_at:%d.%m.%Y %H:%M}" if k.last_used_at else "nie"
        status = "aktiv" if k.active else f"widerrufen {k.revoked_at:%d.%m.%Y}"
        table.add_row(k.name, k.username, f"{k.created_at:%d.%m.%Y}", used, status)
    out.print(table)


@apikeys_app.command("revoke")
def apikeys_revoke(name: Annotated[str, typer.Argument()]) -> None:
    """Einen Schlüssel sofort sperren (der Eintrag bleibt zur Nachvollziehbarkeit stehen)."""
    _, keys = _stores()
    try:
        keys.revoke(name)
    except AccountError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_NOT_FOUND) from exc
    out.print(f"Schlüssel {name} widerrufen.")
