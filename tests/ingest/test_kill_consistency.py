"""kill -9 of `python -m ingest add` at named steps and at moments in between: afterwards search returns
only chunks the catalog lists, there are no duplicate chunks, `repair` makes the three stores agree, and
a re-run of the same `add` (with or without `repair` first) completes with the index a clean run builds.
"""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evals.ingest_process import ingest_env
from ingest.cli import app
from ingest.pipeline import IngestPipeline
from knowledge.index import KnowledgeIndex
from knowledge.settings import EmbedderMode, Settings, make_settings

QUERIES = (
    "Schutzauftrag bei Kindeswohlgefährdung",
    "Jugendhilfeausschuss Mitglieder",
    "Beratung telefonisch",
)
_CHANGED = "\n\nNachtrag: Die Fachkräfte des Jugendamtes beraten auch telefonisch und in der Sprechstunde.\n"


def _settings(data_dir: Path) -> Settings:
    return make_settings(data_dir=data_dir, embedder=EmbedderMode.HASHING)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """An index of eight documents, and a second version of the folder: three changed, two new."""
    from tests.conftest import CORPUS

    root = tmp_path_factory.mktemp("kill")
    first = root / "v1" / "docs"
    first.mkdir(parents=True)
    for path in [*sorted((CORPUS / "press").glob("*.txt")), *sorted((CORPUS / "bylaws").glob("*.md"))]:
        shutil.copy(path, first / path.name)
    index = KnowledgeIndex.open(_settings(root / "base"))
    assert not IngestPipeline(index).add([first]).failed
    index.close()

    second = root / "v2" / "docs"
    shutil.copytree(first, second)
    for name in ("000_aced6ad7e3399f69.txt", "003_4335993b5d872957.txt", "Lkr_GP_Satzung_Jugendamt.md"):
        with (second / name).open("a", encoding="utf-8") as handle:
            handle.write(_CHANGED)
    shutil.copy(CORPUS / "laws" / "2022" / "kkg.md", second / "kkg.md")
    shutil.copy(CORPUS / "laws" / "2022" / "uvg.md", second / "uvg.md")

    index = KnowledgeIndex.open(_settings(root / "clean"))
    assert not IngestPipeline(index).add([first]).failed
    assert not IngestPipeline(index).add([second]).failed
    index.close()
    return {"root": root, "base": root / "base", "clean": root / "clean", "second": second}


def _start_add(data_dir: Path, folder: Path, pause_at: str = "") -> subprocess.Popen[bytes]:
    env = ingest_env(data_dir, JHA_TEST_PAUSE_AT=pause_at) if pause_at else ingest_env(data_dir)
    return subprocess.Popen(
        [sys.executable, "-m", "ingest", "add", str(folder), "--json"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _kill(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, "the ingest finished before it could be killed"


def _wait_for(condition: object, process: subprocess.Popen[bytes], timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert process.poll() is None, (process.stderr.read() if process.stderr else b"").decode()[-2000:]
        assert time.monotonic() < deadline, "the ingest did not reach the step in time"
        time.sleep(0.05)


def _snapshot(settings: Settings) -> dict[str, tuple[str, int]]:
    index = KnowledgeIndex.open(settings)
    counts = index.stores.catalog.chunk_counts()
    result = {d.id: (d.content_hash, counts.get(d.id, 0)) for d in index.stores.catalog.documents()}
    index.close()
    return result


def _assert_safe_before_repair(settings: Settings) -> None:
    index = KnowledgeIndex.open(settings)
    catalog_ids = set(index.stores.catalog.all_chunk_ids())
    assert index.stores.catalog.duplicate_chunks() == 0
    for query in QUERIES:
        for hit in index.search(query, k=10):
            assert hit.chunk.id in catalog_ids, f"{query!r}: {hit.chunk.id} steht nicht im Katalog"
    index.close()


def _assert_consistent(settings: Settings) -> None:
    index = KnowledgeIndex.open(settings)
    catalog_ids = index.stores.catalog.all_chunk_ids()
    vector_ids = index.stores.vectors.all_ids()
    assert len(set(vector_ids)) == len(vector_ids) and len(set(catalog_ids)) == len(catalog_ids)
    lexical_ids = index.stores.lexical.current().chunk_ids
    assert set(vector_ids) == set(catalog_ids) == set(lexical_ids)
    assert len(lexical_ids) == len(catalog_ids)
    assert index.stores.catalog.duplicate_chunks() == 0
    drift = index.drift()
    assert drift.consistent, drift.message()
    index.close()


def _check_after_kill(killed: Path, scenario: dict[str, Path]) -> None:
    settings = _settings(killed)
    _assert_safe_before_repair(settings)
    runner = CliRunner()
    env = {"JHA_DATA_DIR": str(killed), "JHA_EMBEDDER": "hashing"}

    # Path 1: re-run the same add at once; the write journal cleans what the killed run left.
    rerun = killed.with_name(killed.name + "-rerun")
    shutil.copytree(killed, rerun)
    result = runner.invoke(
        app, ["add", str(scenario["second"]), "--json"], env={**env, "JHA_DATA_DIR": str(rerun)}
    )
    assert result.exit_code == 0, result.stdout
    _assert_consistent(_settings(rerun))
    assert _snapshot(_settings(rerun)) == _snapshot(_settings(scenario["clean"]))

    # Path 2: repair first, then re-run.
    repaired = runner.invoke(app, ["repair", "--json"], env=env)
    assert repaired.exit_code == 0, repaired.stdout
    _assert_consistent(settings)
    result = runner.invoke(app, ["add", str(scenario["second"]), "--json"], env=env)
    assert result.exit_code == 0, result.stdout
    _assert_consistent(settings)
    assert _snapshot(settings) == _snapshot(_settings(scenario["clean"]))


# The run writes 000 (changed), 003 (changed), Lkr_GP (changed), kkg (new), uvg (new), in that order.
# After the catalog switch of a changed document its old vectors are orphans until they are deleted.
@pytest.mark.parametrize(
    "step", ["vectors_written:2", "catalog_committed:1", "catalog_committed:3", "before_lexical"]
)
def test_kill_at_a_named_step(step: str, scenario: dict[str, Path]) -> None:
    killed = scenario["root"] / f"killed-{step.replace(':', '-')}"
    shutil.copytree(scenario["base"], killed)
    process = _start_add(killed, scenario["second"], pause_at=step)
    marker = killed / f"paused-at-{step.split(':', maxsplit=1)[0]}"
    _wait_for(marker.exists, process)
    _kill(process)
    _check_after_kill(killed, scenario)


@pytest.mark.parametrize("delay", [0.1, 0.6])
def test_kill_at_a_moment_while_documents_are_written(delay: float, scenario: dict[str, Path]) -> None:
    killed = scenario["root"] / f"killed-after-{delay}"
    shutil.copytree(scenario["base"], killed)
    catalog = killed / "index" / "catalog.sqlite3"
    version = _catalog_version(catalog)
    process = _start_add(killed, scenario["second"])
    _wait_for(lambda: _catalog_version(catalog) > version, process)  # the first document is switched
    time.sleep(delay)
    if process.poll() is None:
        _kill(process)
    _check_after_kill(killed, scenario)


def _catalog_version(path: Path) -> int:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as db:
        row = db.execute("SELECT value FROM meta WHERE key = 'index_version'").fetchone()
    return int(row[0]) if row else 0


def test_kill_during_a_removal_leaves_nothing_repair_cannot_fix(scenario: dict[str, Path]) -> None:
    killed = scenario["root"] / "killed-remove"
    shutil.copytree(scenario["base"], killed)
    env = ingest_env(killed, JHA_TEST_PAUSE_AT="removed_from_catalog")
    process = subprocess.Popen(
        [sys.executable, "-m", "ingest", "remove", "docs-lkr-gp-satzung-jugendamt-md"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _wait_for((killed / "paused-at-removed_from_catalog").exists, process)
    _kill(process)
    _assert_safe_before_repair(_settings(killed))
    runner = CliRunner()
    env = {"JHA_DATA_DIR": str(killed), "JHA_EMBEDDER": "hashing"}
    found = json.loads(runner.invoke(app, ["repair", "--dry-run", "--json"], env=env).stdout)
    assert found["pending_writes"] > 0 and found["orphan_vectors"] > 0
    assert runner.invoke(app, ["repair"], env=env).exit_code == 0
    _assert_consistent(_settings(killed))
    assert "docs-lkr-gp-satzung-jugendamt-md" not in _snapshot(_settings(killed))
