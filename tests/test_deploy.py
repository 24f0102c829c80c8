"""The deployment files (deploy/): no Docker daemon here, so their structure is checked instead, and
the same topology runs as processes in tests/web/test_workers.py."""

from __future__ import annotations

import configparser
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from knowledge.settings import environment_names
from tests.conftest import PROJECT
from web.settings import WebSettings

DEPLOY = PROJECT / "deploy"
SETTINGS = environment_names(WebSettings)


def _compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def _env_keys(text: str) -> set[str]:
    return set(re.findall(r"\bJHA_[A-Z0-9_]+", text))


def test_compose_has_the_scale_out_services_and_only_the_proxy_is_published() -> None:
    services = _compose()["services"]
    assert set(services) == {"chroma", "postgres", "app", "ingest", "caddy"}
    published = {name: service.get("ports", []) for name, service in services.items() if service.get("ports")}
    assert published == {"caddy": ["443:443", "80:80"]}  # Chroma has no authentication: never published
    command = services["app"]["command"]
    assert command[:4] == ["python", "-m", "web", "serve"] and "--workers" in command


def test_compose_settings_exist_and_point_at_the_services() -> None:
    compose = _compose()
    services = compose["services"]
    text = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    assert _env_keys(text) <= SETTINGS, _env_keys(text) - SETTINGS
    env = services["app"]["environment"]
    assert services["ingest"]["environment"] == env  # maintainers' commands see the same index
    chroma = urlparse(env["JHA_CHROMA_URL"])
    assert (chroma.hostname, chroma.port) == ("chroma", 8000)
    database = urlparse(env["JHA_DATABASE_URL"].replace("postgresql+psycopg", "postgresql"))
    assert (database.hostname, database.path) == (
        "postgres",
        "/" + services["postgres"]["environment"]["POSTGRES_DB"],
    )
    caddy_address = services["caddy"]["networks"]["internal"]["ipv4_address"]
    app_address = services["app"]["networks"]["internal"]["ipv4_address"]
    assert env["JHA_TRUSTED_PROXIES"] == caddy_address  # only the proxy may set X-Forwarded-For
    caddyfile = (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
    assert f"reverse_proxy {app_address}:8000" in caddyfile
    assert "flush_interval -1" in caddyfile  # the answer stream is not buffered
    volumes = {volume.split(":", 1)[0] for volume in services["app"]["volumes"]}
    assert volumes == {"app-data"} and set(compose["volumes"]) >= {"app-data", "chroma-data", "postgres-data"}


def test_systemd_units_start_the_app_and_the_chroma_server_on_loopback() -> None:
    for name, expected in (
        ("jugendhilfe-assistent.service", "-m web serve --host 127.0.0.1"),
        ("chroma.service", "chroma run --path /var/lib/jugendhilfe-assistent/chroma-server --host 127.0.0.1"),
    ):
        text = (DEPLOY / name).read_text(encoding="utf-8")
        unit = configparser.ConfigParser(strict=False, interpolation=None)
        unit.optionxform = str  # type: ignore[assignment,method-assign]
        unit.read_string(text)
        assert set(unit.sections()) == {"Unit", "Service", "Install"}
        assert expected in unit["Service"]["ExecStart"]
        assert _env_keys(text) <= SETTINGS, _env_keys(text) - SETTINGS


def test_the_image_installs_the_cpu_torch_and_runs_unprivileged() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert "torch==2.13.0" in dockerfile and "whl/cpu" in dockerfile
    assert "\nUSER jha\n" in dockerfile
    assert Path(DEPLOY / "compose.yaml").is_file()
