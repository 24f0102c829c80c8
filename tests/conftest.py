"""Shared fixtures: a no-network guard for every test, settings in tmp dirs, an indexed corpus."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from knowledge.index import KnowledgeIndex
from knowledge.settings import EmbedderMode, Settings, make_settings
from tests.stacks import EMBEDDED, EMBEDDED_ONLY, SERVER, ServerStack, StackPlace, copy_index

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
    """A data dir with press, laws and bylaws indexed once per session (embedded); tests take a copy
    in their own stack (`copy_index`)."""
    from ingest.pipeline import IngestPipeline

    data_dir = tmp_path_factory.mktemp("corpus-index") / "var"
    index = KnowledgeIndex.open(
        make_settings(data_dir=data_dir, embedder=EmbedderMode.HASHING, **EMBEDDED_ONLY)
    )
    report = IngestPipeline(index).add([CORPUS / "press", CORPUS / "laws", CORPUS / "bylaws"])
    assert not report.failed, report.failed
    index.close()
    return data_dir


@pytest.fixture
def corpus_settings(indexed_corpus_dir: Path, tmp_path: Path) -> Settings:
    """Settings over a private copy of the indexed corpus, on the session's stack."""
    settings = make_settings(data_dir=tmp_path / "var", embedder=EmbedderMode.HASHING)
    copy_index(indexed_corpus_dir, settings)
    return settings


@pytest.fixture
def corpus_index(corpus_settings: Settings) -> Iterator[KnowledgeIndex]:
    index = KnowledgeIndex.open(corpus_settings)
    yield index
    index.close()


# -- the server stack (Chroma server + PostgreSQL) ---------------------------------------------------
def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--stack",
        choices=[EMBEDDED, SERVER],
        default=EMBEDDED,
        help="embedded: Chroma on disk + SQLite; server: `chroma run` + a PostgreSQL database per test",
    )


@pytest.fixture(scope="session")
def server_stack(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerStack]:
    """`chroma run` on a free loopback port for the whole session; tests take a place each."""
    stack = ServerStack(tmp_path_factory.mktemp("chroma-server") / "data")
    yield stack
    stack.stop()


@pytest.fixture(scope="session")
def chroma_server(server_stack: ServerStack) -> str:
    return server_stack.chroma.url


@pytest.fixture(autouse=True)
def stack_environment(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """With `--stack=server`, this test's settings and processes use a database and a collection of
    their own on the session's servers."""
    if request.config.getoption("stack") != SERVER:
        yield
        return
    stack: ServerStack = request.getfixturevalue("server_stack")
    place = stack.place()
    for name, value in place.environment.items():
        monkeypatch.setenv(name, value)
    yield
    monkeypatch.undo()
    stack.release(place)


@pytest.fixture(scope="module")
def module_places(request: pytest.FixtureRequest) -> Iterator[Callable[[], dict[str, str]]]:
    """`module_places()` gives settings overrides for one more module-wide server: a place of its own
    on the server stack (two servers of a module must not share a catalog), nothing on the embedded one."""
    places: list[StackPlace] = []
    stack: ServerStack | None = None
    if request.config.getoption("stack") == SERVER:
        stack = request.getfixturevalue("server_stack")

    def place() -> dict[str, str]:
        if stack is None:
            return {}
        places.append(stack.place())
        return places[-1].overrides

    yield place
    for taken in places:
        assert stack is not None
        stack.release(taken)


@pytest.fixture(scope="module")
def module_stack(module_places: Callable[[], dict[str, str]]) -> dict[str, str]:
    """Settings overrides for fixtures that serve a whole module (a web server): a place of their own
    on the server stack, nothing on the embedded one."""
    return module_places()
