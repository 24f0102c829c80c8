"""`python -m ingest` as a real process, with its wall time and peak memory (tests, `evals.bench_ingest`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Runs a command and reports its peak resident memory: RUSAGE_CHILDREN of this small wrapper covers the
# ingest process and every descendant it waited for (the parse worker and the worker's children).
_MEASURE = (
    "import json, resource, subprocess, sys, time\n"
    "started = time.monotonic()\n"
    "done = subprocess.run(sys.argv[1:], capture_output=True)\n"
    "print(json.dumps({'returncode': done.returncode, 'stdout': done.stdout.decode(),"
    " 'stderr': done.stderr.decode()[-4000:], 'seconds': time.monotonic() - started,"
    " 'peak_rss_kb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,"
    " 'cpu_seconds': sum(resource.getrusage(resource.RUSAGE_CHILDREN)[:2])}))\n"
)


def ingest_env(data_dir: Path, **settings: str) -> dict[str, str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(path for path in sys.path if path),
        "JHA_DATA_DIR": str(data_dir),
        "JHA_EMBEDDER": "hashing",
    }
    env.pop("JHA_TEST_PAUSE_AT", None)
    env.update(settings)
    return env


@dataclass(frozen=True)
class Measured:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss_mb: float
    # CPU time (user + system) of the command and its children: on a shared, loaded machine the wall
    # time is mostly waiting for a core, the CPU time is what the command itself costs.
    cpu_seconds: float = 0.0

    def json(self) -> Any:
        return json.loads(self.stdout)


def run_measured(args: list[str], env: dict[str, str], timeout: float = 600) -> Measured:
    """`python -m ingest ARGS` in a fresh process; its wall time and peak RSS (with descendants)."""
    wrapper = subprocess.run(
        [sys.executable, "-c", _MEASURE, sys.executable, "-m", "ingest", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    data = json.loads(wrapper.stdout)
    return Measured(
        returncode=data["returncode"],
        stdout=data["stdout"],
        stderr=data["stderr"],
        seconds=data["seconds"],
        peak_rss_mb=data["peak_rss_kb"] / 1024,
        cpu_seconds=data["cpu_seconds"],
    )
