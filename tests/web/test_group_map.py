"""JHA_GROUP_MAP: parsing, mapping, and a typo failing at startup with the reason."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from web.accounts import Role
from web.group_map import GroupMap
from web.settings import WebSettings


def test_groups_map_to_roles_and_collections() -> None:
    groups = GroupMap.parse("ASD-Team=collection:asd;Jugendamt-Leitung=role:leitung,collection:asd; ")
    grants = groups.grants(["/ASD-Team", "Jugendamt-Leitung", "Kantine", "fachkraft"])
    assert grants.roles == {Role.LEITUNG, Role.FACHKRAFT}  # a value naming a role counts directly
    assert grants.collections == {"asd"}
    assert groups.grants(["Kantine"]).roles == frozenset()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("ASD-Team", "hat nicht die Form"),
        ("ASD-Team=role:chef", "weder role"),
        ("ASD-Team=collection:Mit Leerzeichen", "weder role"),
        ("=role:leitung", "hat nicht die Form"),
    ],
)
def test_malformed_map_fails_at_startup_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        GroupMap.parse(text)
    with pytest.raises(ValidationError, match="JHA_GROUP_MAP"):
        WebSettings(group_map=text)


def test_map_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JHA_GROUP_MAP", "ASD-Team=collection:asd;Jugendamt-Leitung=role:leitung")
    monkeypatch.setenv("JHA_SSO_GROUPS_HEADER", "X-Forwarded-Groups")
    settings = WebSettings()
    assert settings.groups.grants(["Jugendamt-Leitung"]).roles == {Role.LEITUNG}
    assert settings.sso_groups_header == "X-Forwarded-Groups"
    assert not settings.oidc_enabled


def test_cli_names_the_typo_instead_of_a_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "JHA_DATA_DIR": str(tmp_path), "JHA_GROUP_MAP": "ASD-Team=rolle:leitung"}
    result = subprocess.run(
        [sys.executable, "-m", "web", "users", "list"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 3
    assert "Fehler in der Konfiguration: JHA_GROUP_MAP: 'rolle:leitung' bei 'ASD-Team'" in result.stderr
    assert "Traceback" not in result.stderr
