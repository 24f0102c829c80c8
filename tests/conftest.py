"""Shared fixtures: a no-network guard for every test, settings in tmp dirs, an indexed corpus."""

from __future__ import annotations

import ipaddress
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.index import KnowledgeIndex
from knowledge.settings import EmbedderMode, Settings, make_settings

PROJECT = Path(__file__).resolve().parent.parent
CORPUS = (PROJECT.parent / "shared" / "corpus").resolve()


class OutboundConnectionBlocked(AssertionError):
    """A test tried to leave the machine (policy rule 7: no outbound traffic)."""


def _is_local(address: object) -> bool:
    if isinstance(address, str):  # AF_UNIX path
        return True
    if isinstance(address, tuple) and address:
        host = str(address[0])
        if host in {"localhost", ""}:
            return True
        try:
            return ipaddress.ip_address(host.split("%", maxsplit=1)[0]).is_loopback
        except ValueError:
            return False  # a hostname: resolving it would already be outbound traffic
    return False


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs with non-loopback connections failing loudly."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guarded_connect(self: socket.socket, address: object) -> None:
        if not _is_local(address):
            raise OutboundConnectionBlocked(f"Ausgehende Verbindung blockiert: {address!r}")
        real_connect(self, address)  # type: ignore[arg-type]

    def guarded_connect_ex(self: socket.socket, address: object) -> int:
        if not _is_local(address):
            raise OutboundConnectionBlocked(f"Ausgehende Verbindung blockiert: {address!r}")
        return real_connect_ex(self, address)  # type: ignore[arg-type]

    def guarded_getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        if host not in (None, "localhost", "127.0.0.1", "::1") and not _is_local((host, 0)):
            raise OutboundConnectionBlocked(f"DNS-Auflösung blockiert: {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]

    real_getaddrinfo = socket.getaddrinfo
    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(data_dir=tmp_path / "var", embedder=EmbedderMode.HASHING)


@pytest.fixture
def corpus() -> Path:
    assert CORPUS.is_dir(), f"Korpus fehlt: {CORPUS} (../shared/corpus neben dem Projekt)"
    return CORPUS


@pytest.fixture(scope="session")
def indexed_corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with press, laws and bylaws indexed once per session; copy it before changing it."""
    from ingest.pipeline import IngestPipeline

    data_dir = tmp_path_factory.mktemp("corpus-index") / "var"
    index = KnowledgeIndex.open(make_settings(data_dir=data_dir, embedder=EmbedderMode.HASHING))
    report = IngestPipeline(index).add([CORPUS / "press", CORPUS / "laws", CORPUS / "bylaws"])
    assert not report.failed, report.failed
    index.close()
    return data_dir


@pytest.fixture
def corpus_settings(indexed_corpus_dir: Path, tmp_path: Path) -> Settings:
    """Settings over a private copy of the indexed corpus."""
    data_dir = tmp_path / "var"
    shutil.copytree(indexed_corpus_dir, data_dir)
    return make_settings(data_dir=data_dir, embedder=EmbedderMode.HASHING)


@pytest.fixture
def corpus_index(corpus_settings: Settings) -> Iterator[KnowledgeIndex]:
    index = KnowledgeIndex.open(corpus_settings)
    yield index
    index.close()


# -- the server stack (Chroma server + PostgreSQL) ---------------------------------------------------
STACKS = ["embedded", pytest.param("server", marks=pytest.mark.server_stack)]


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`chroma run` on a free loopback port for the whole session; tests use a collection each."""
    from evals.server_stack import ChromaServer

    server = ChromaServer(tmp_path_factory.mktemp("chroma-server") / "data")
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def run_database() -> Iterator[str]:
    """A PostgreSQL database created for this run on JHA_TEST_DATABASE_URL's server, dropped after."""
    from evals.server_stack import RunDatabase, database_server_url

    database = RunDatabase(database_server_url())
    yield database.url
    database.drop()


def server_stack(request: pytest.FixtureRequest) -> dict[str, str]:
    """Settings overrides for the server stack: the session's Chroma server with a collection of this
    test's own, and the run's PostgreSQL database with its tables dropped first.

    A module runs its tests on both stacks with a fixture over `STACKS`:
    `stack = server_stack(request) if request.param == "server" else {}`.
    """
    from evals.server_stack import unique_collection

    url = request.getfixturevalue("run_database")
    reset_tables(url)
    return {
        "chroma_url": request.getfixturevalue("chroma_server"),
        "chroma_collection": unique_collection(),
        "database_url": url,
    }


def reset_tables(url: str) -> None:
    """Drop every table of a test database for a fresh start."""
    from sqlalchemy import MetaData, create_engine

    engine = create_engine(url)
    existing = MetaData()
    existing.reflect(engine)
    existing.drop_all(engine)
    engine.dispose()
