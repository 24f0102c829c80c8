"""The product's SQL databases: one SQLAlchemy `metadata` for every table, one engine factory, and the
Alembic migrations (`knowledge/migrations/`), run at start under a lock.

Two branches of migrations share one history: `catalog` (documents, chunks, index metadata, write
journal) and `app` (answer log, audit trail, accounts, sessions, login throttle). With the default SQLite
the catalog stays in `var/index/catalog.sqlite3` beside the vectors and everything else lives in
`var/assistant.sqlite3`; with PostgreSQL (`JHA_DATABASE_URL`) both branches live in that one database.

>>> engine = open_database("sqlite:///var/assistant.sqlite3")  # doctest: +SKIP
>>> migrate(engine, ("app",))  # doctest: +SKIP
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, MetaData, create_engine, event, exc, text
from sqlalchemy.engine import Connection

if TYPE_CHECKING:
    from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).parent / "migrations"
CATALOG = "catalog"
APP = "app"

# Every table of the product is defined on this one metadata (knowledge.catalog_rows, assistant.log.schema,
# web.db); the migrations are the schema's history, the metadata its present for autogenerate and queries.
metadata = MetaData()

# Connections one engine keeps to PostgreSQL. A worker holds two engines (catalog, answer log) and
# PostgreSQL allows 100 connections by default for all its clients together: with 10 + 20 per engine,
# four workers under 64 colleagues held 88 of them. Past these a request thread waits for a free one;
# the reads and writes are short, and the GIL lets one thread of a worker run at a time anyway.
POOL_SIZE = 5
POOL_OVERFLOW = 5
# A pooled PostgreSQL connection is pinged before use only when it sat idle in the pool this long: a
# server restart or an idle timeout falls into such a pause. Under load a connection comes back within
# milliseconds, and a ping on every checkout was a round trip for each of ~6 uses per chat request.
PING_AFTER_IDLE_SECONDS = 5.0

# The catalog's reads outside a transaction (`open_reader`): a few connections are enough, each read is
# one short statement. Four workers could hold 4 x (10 + 10 + 4) = 96 connections at most; a web worker's
# catalog engine opens one or two of its ten, since its reads go through the reader.
READER_POOL_SIZE = 2
READER_POOL_OVERFLOW = 2

# Any constant works as long as every process uses the same one: it names the PostgreSQL advisory lock
# that keeps two workers starting at once from running the same migration twice.
_MIGRATION_LOCK_KEY = 0x4A48414D  # "JHAM"


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for an in-memory database)."""
    path = url.split("///", 1)[-1]
    return Path(path) if path and path != ":memory:" else None


def open_database(database_url: str) -> Engine:
    """The one engine factory for every database of the product."""
    if is_sqlite(database_url):
        path = sqlite_path(database_url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(database_url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # WAL lets readers proceed during writes; the busy timeout makes concurrent writers wait
            # instead of failing, so no row is lost under load.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    engine = create_engine(database_url, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW)
    _ping_after_idle(engine)
    return engine


def _ping_after_idle(engine: Engine) -> None:
    """SQLAlchemy's pessimistic disconnect handling (a ping at checkout), for connections that were idle:
    a dead one raises `DisconnectionError`, and the pool replaces it with a fresh connection."""

    @event.listens_for(engine, "connect")
    def _fresh(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _idle(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get("idle_since", 0.0) < PING_AFTER_IDLE_SECONDS:
            return
        try:
            cursor = dbapi_connection.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
            if not dbapi_connection.autocommit:
                dbapi_connection.rollback()  # the ping's transaction: the pool hands out an idle one
        except Exception as error:  # any failure: the pool retries with a new connection
            raise exc.DisconnectionError() from error


def open_reader(database_url: str) -> Engine:
    """An engine for single-statement reads on PostgreSQL: autocommit, so a connection goes back to the
    pool without a ROLLBACK (no transaction is open), and no pre-ping. On the default engine each read
    was three round trips (ping, statement, rollback), ~29 per chat request; here it is one. A connection
    idle for a while is pinged first (as `open_database`'s); one the server dropped under load fails its
    next statement: the caller discards it and retries once (`SqlCatalog._server_read`)."""
    engine = create_engine(
        database_url,
        isolation_level="AUTOCOMMIT",
        pool_size=READER_POOL_SIZE,
        max_overflow=READER_POOL_OVERFLOW,
    )
    _ping_after_idle(engine)
    return engine


def migrate(engine: Engine, branches: Sequence[str]) -> None:
    """Bring the named branches to their newest revision; one process at a time does it.

    A database already at the newest revision is only read: opening the index or the log for reading
    (`doctor`, `ingest list`, a second worker) takes no lock and writes nothing.
    """
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if _at_head(engine, ScriptDirectory.from_config(config), branches):
        return
    with _migration_lock(engine), engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            # Held until this transaction ends: a second worker waits here and then finds nothing to do.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
        config.attributes["connection"] = connection
        for branch in branches:
            command.upgrade(config, f"{branch}@head")


def _at_head(engine: Engine, scripts: ScriptDirectory, branches: Sequence[str]) -> bool:
    """Whether every named branch's head revision is already recorded in `alembic_version`."""
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy.exc import OperationalError

    file = sqlite_path(str(engine.url)) if engine.dialect.name == "sqlite" else None
    if file is not None and not file.exists():
        return False  # a fresh SQLite file is created under the migration lock, not here
    heads = [scripts.get_revisions(f"{branch}@head") for branch in branches]
    wanted = {revision.revision for revisions in heads for revision in revisions if revision is not None}
    try:
        with engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except OperationalError:
        # Another process is creating the database (SQLite cannot switch a file to WAL while it is
        # written): the locked path waits for it and then finds nothing to do.
        return False
    return wanted <= current


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """A file lock beside a SQLite file (PostgreSQL locks inside the migration's transaction)."""
    path = sqlite_path(str(engine.url)) if engine.dialect.name == "sqlite" else None
    if path is None:
        yield
        return
    with (path.parent / f"{path.name}.migrate.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def table_exists(connection: Connection, name: str) -> bool:
    """For migrations that adopt tables older versions created without Alembic."""
    from sqlalchemy import inspect

    return inspect(connection).has_table(name)
