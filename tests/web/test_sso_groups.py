"""The reverse proxy's groups header (JHA_SSO_GROUPS_HEADER) over HTTP: roles and collections through
JHA_GROUP_MAP, believed only from the trusted proxies, like the user header."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.conftest import LiveServer, WebClient, make_web_settings, start_server
from web.accounts import AccountStore, Role
from web.db import open_engine

GROUP_MAP = "Fachkraefte=role:fachkraft;ASD-Team=collection:asd;Jugendamt-Leitung=role:leitung"
GROUPS = "X-Forwarded-Groups"


def _server(indexed_corpus_dir: Path, target: Path, proxies: str) -> LiveServer:
    settings = make_web_settings(
        indexed_corpus_dir,
        target,
        sso_enabled=True,
        trusted_proxies=proxies,
        sso_groups_header=GROUPS,
        group_map=GROUP_MAP,
    )
    return start_server(settings)


@pytest.fixture
def proxied(indexed_corpus_dir: Path, tmp_path: Path) -> Iterator[tuple[LiveServer, WebClient]]:
    server = _server(indexed_corpus_dir, tmp_path / "var", "127.0.0.1")
    web = WebClient(server.url)
    yield server, web
    web.close()
    server.stop()


def _as(name: str, groups: str) -> dict[str, str]:
    return {"X-Forwarded-User": name, GROUPS: groups}


def test_groups_grant_roles_and_collections(proxied: tuple[LiveServer, WebClient]) -> None:
    server, web = proxied
    assert web.get("/chat", headers=_as("n.neu", "Fachkraefte, ASD-Team")).status_code == 200
    store = AccountStore(open_engine(server.settings.effective_database_url))
    user = store.get("n.neu")
    assert user is not None and user.roles == {Role.FACHKRAFT} and not user.has_password
    assert store.collections("n.neu") == {"asd"}
    # The proxy's groups change: so do the roles and collections, on the next request.
    assert web.get("/review", headers=_as("n.neu", "Jugendamt-Leitung")).status_code == 200
    assert web.get("/chat", headers=_as("n.neu", "Jugendamt-Leitung")).status_code == 403
    assert store.collections("n.neu") == frozenset()


def test_unmapped_groups_fall_back_to_the_local_account(proxied: tuple[LiveServer, WebClient]) -> None:
    _, web = proxied
    # "leitung" is a local account: no mapped group, its own roles count.
    assert web.get("/review", headers=_as("leitung", "Kantine")).status_code == 200
    # Nobody here and no mapped group: not signed in.
    assert web.get("/chat", headers=_as("fremd", "Kantine")).status_code == 303


def test_groups_header_is_ignored_from_an_untrusted_peer(indexed_corpus_dir: Path, tmp_path: Path) -> None:
    server = _server(indexed_corpus_dir, tmp_path / "var", "10.9.8.7")
    web = WebClient(server.url)
    try:
        assert web.get("/review", headers=_as("leitung", "Jugendamt-Leitung")).status_code == 303
        assert web.get("/chat", headers=_as("n.neu", "Fachkraefte")).status_code == 303
        assert AccountStore(open_engine(server.settings.effective_database_url)).get("n.neu") is None
    finally:
        web.close()
        server.stop()


def test_groups_header_is_off_by_default(indexed_corpus_dir: Path, tmp_path: Path) -> None:
    settings = make_web_settings(
        indexed_corpus_dir,
        tmp_path / "plain",
        sso_enabled=True,
        trusted_proxies="127.0.0.1",
        group_map=GROUP_MAP,
    )
    server = start_server(settings)
    web = WebClient(server.url)
    try:
        # Without JHA_SSO_GROUPS_HEADER the local account's roles count, whatever the header says.
        assert web.get("/review", headers=_as("fachkraft", "Jugendamt-Leitung")).status_code == 403
        assert web.get("/chat", headers=_as("n.neu", "Fachkraefte")).status_code == 303
    finally:
        web.close()
        server.stop()
