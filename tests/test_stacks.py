"""The server pass (`make test-server`) fails, not skips, when its PostgreSQL is unavailable."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import PROJECT


def test_the_server_stack_fails_without_its_database() -> None:
    unreachable = "postgresql+psycopg://postgres@127.0.0.1:9/test"  # discard port: nothing listens
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--stack=server",
            "-p",
            "no:cacheprovider",
            "tests/knowledge/test_bm25f.py",
        ],
        cwd=PROJECT,
        env={**os.environ, "JHA_TEST_DATABASE_URL": unreachable},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    summary = result.stdout.strip().splitlines()[-1]
    assert result.returncode == 1, result.stdout + result.stderr
    assert "error" in summary and "passed" not in summary and "skipped" not in summary, summary
    assert 'connection to server at "127.0.0.1", port 9 failed' in result.stdout, result.stdout
