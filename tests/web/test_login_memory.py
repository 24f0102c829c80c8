"""A morning's logins at once: each argon2 check takes 64 MiB, so the store runs only a few at a time.
Without the bound, 16 colleagues signing in together took a process 1 GiB more (the benchmark's 64
took a worker to 2.9 GiB). Measured in a fresh process by its peak resident set (VmHWM)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.web.conftest import PASSWORD

LOGINS = 16
ARGON2_MIB = 64

_LOGIN_STORM = """
import json, sys, threading
from pathlib import Path
from web.accounts import AccountStore, Role
from web.db import open_engine

def peak_mib():
    status = Path("/proc/self/status").read_text()
    return int(next(l for l in status.splitlines() if l.startswith("VmHWM")).split()[1]) // 1024

store = AccountStore(open_engine(sys.argv[1]))
for n in range(int(sys.argv[3])):
    store.add(f"fachkraft-{n}", frozenset({Role.FACHKRAFT}), password=sys.argv[2])
before = peak_mib()
start = threading.Barrier(int(sys.argv[3]))
signed_in = []

def login(n):
    start.wait()
    signed_in.append(store.authenticate(f"fachkraft-{n}", sys.argv[2]) is not None)

threads = [threading.Thread(target=login, args=(n,)) for n in range(int(sys.argv[3]))]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps({"growth_mib": peak_mib() - before, "signed_in": sum(signed_in)}))
"""


def test_simultaneous_logins_stay_within_a_few_hashes_of_memory(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'accounts.sqlite3'}"
    done = subprocess.run(
        [sys.executable, "-c", _LOGIN_STORM, url, PASSWORD, str(LOGINS)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["signed_in"] == LOGINS
    # Unbounded this grows by LOGINS x 64 MiB (1 GiB); bounded by a few hashes plus the threads' stacks.
    assert result["growth_mib"] < LOGINS * ARGON2_MIB / 4, result
