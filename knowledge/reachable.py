"""One German line instead of a driver traceback when a database (catalog, answer log) cannot be reached.

Every entry point that opens the database (the web server, `web users`, `assistant`) goes through
`database_errors`, and every CLI prints `DatabaseUnavailable` as it is and exits with code 3.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, InterfaceError, OperationalError

# Causes as the drivers word them (psycopg, sqlite3), in German; the first match wins.
_CAUSES = (
    ("connection refused", "dort nimmt kein Datenbankserver Verbindungen an"),
    ("password authentication failed", "die Anmeldung wurde abgelehnt (Benutzer oder Passwort)"),
    ("no password supplied", "die Anmeldung verlangt ein Passwort"),
    ("does not exist", "die Datenbank oder der Benutzer existiert dort nicht"),
    ("timeout", "der Server antwortet nicht (Zeitüberschreitung)"),
    ("timed out", "der Server antwortet nicht (Zeitüberschreitung)"),
    ("could not translate host name", "der Rechnername ist unbekannt"),
    ("name or service not known", "der Rechnername ist unbekannt"),
    ("unable to open database file", "die Datei lässt sich nicht öffnen oder anlegen"),
    ("readonly database", "die Datei ist schreibgeschützt"),
)


class DatabaseUnavailable(RuntimeError):
    """The message names the setting and the host, never the password."""


def describe(database_url: str, error: BaseException | None = None) -> str:
    try:
        url = make_url(database_url)
    except ArgumentError:
        return "Fehler: JHA_DATABASE_URL ist keine gültige Datenbank-Adresse (z. B. postgresql+psycopg://…)."
    text = str(getattr(error, "orig", None) or error or "").lower()
    cause = next((german for needle, german in _CAUSES if needle in text), "die Verbindung schlug fehl")
    if url.get_backend_name() == "sqlite":
        return (
            f"Fehler: Die Datenbank-Datei {url.database} ist nicht nutzbar: {cause}. "
            "Bitte prüfen Sie JHA_DATA_DIR bzw. JHA_DATABASE_URL."
        )
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    name = f", Datenbank {url.database}" if url.database else ""
    return (
        f"Fehler: Die Datenbank aus JHA_DATABASE_URL ist nicht erreichbar (Host {where}{name}): {cause}. "
        "Bitte prüfen Sie, ob der Server läuft und die Einstellung stimmt."
    )


@contextmanager
def database_errors(database_url: str) -> Iterator[None]:
    """Turns a failure to connect inside the block into `DatabaseUnavailable` with `describe`'s text."""
    try:
        yield
    except (OperationalError, InterfaceError) as exc:
        # `from None`: the driver's traceback is the very thing the operator should not have to read.
        raise DatabaseUnavailable(describe(database_url, exc)) from None
