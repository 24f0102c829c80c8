"""The running server under load, and its memory: `python -m web serve` as a subprocess on 127.0.0.1.

Load: `users` simulated colleagues (asyncio + httpx, one client and one signed-in session each) ask
questions through `POST /api/chat` (streamed, as the chat page does) one after another without pause
for `duration` seconds; a request under way at the end is waited for. Reported: requests per second,
p50/p95 latency to the end of the stream, errors (non-200, an `error` event, no `done` event, a
transport failure) and the answer-log rows written against the answers received.

Memory: the server's RSS high-water mark (VmHWM in /proc/<pid>/status) after start-up and a few
questions. Client and server share this machine's cores; nothing but 127.0.0.1 is contacted, and the
server is stopped by its pid when the measurement ends or fails.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from evals.bench_stats import summarize

PROJECT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
USERNAME = "bench-fachkraft-{n}"  # one account per simulated user: the throttle counts per account
PASSWORD = "bench-passwort-1234"  # a throwaway account in a throwaway data dir
START_TIMEOUT_S = 300.0
REQUEST_TIMEOUT_S = 120.0
_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def data_dir_over(index_dir: Path, data_dir: Path) -> Path:
    """A fresh data dir whose index is `index_dir` (linked, not copied); database and keys are its own."""
    data_dir.mkdir(parents=True)
    (data_dir / "index").symlink_to(index_dir.resolve(), target_is_directory=True)
    return data_dir


def _env(data_dir: Path, stack: dict[str, str] | None = None) -> dict[str, str]:
    # No JHA_* from the caller's shell: an LLM endpoint or another database would change what is measured.
    # `stack`: JHA_CHROMA_URL, JHA_CHROMA_COLLECTION and JHA_DATABASE_URL of the server stack.
    env = {k: v for k, v in os.environ.items() if not k.startswith("JHA_")}
    base = {"JHA_DATA_DIR": str(data_dir), "JHA_EMBEDDER": "hashing", "ANONYMIZED_TELEMETRY": "False"}
    return {**env, **base, **(stack or {})}


_ADD_USERS = """
import sys
from web.accounts import AccountStore, Role
from web.db import open_engine
from web.settings import WebSettings
store = AccountStore(open_engine(WebSettings().effective_database_url))
for n in range(int(sys.argv[1])):
    name = sys.argv[2].format(n=n)
    if store.get(name) is None:
        store.add(name, frozenset({Role(sys.argv[4])}), password=sys.argv[3])
"""


def add_users(
    data_dir: Path,
    count: int,
    stack: dict[str, str] | None = None,
    *,
    username: str = USERNAME,
    role: str = "fachkraft",
) -> None:
    """`count` accounts of `role` in one process (the CLI would start one process per account)."""
    subprocess.run(
        [sys.executable, "-c", _ADD_USERS, str(count), username, PASSWORD, role],
        cwd=PROJECT,
        env=_env(data_dir, stack),
        check=True,
        capture_output=True,
    )


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base_url: str
    start_s: float
    log: Path

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the server and its worker processes have used so far."""
        return sum(_cpu_seconds(pid) for pid in _process_tree(self.process.pid))

    def memory_kib(self) -> dict[str, int]:
        """VmHWM (peak resident set) and VmRSS of the server process, in KiB."""
        status = Path(f"/proc/{self.process.pid}/status").read_text(encoding="utf-8")
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        return {name: int(fields[name].split()[0]) for name in ("VmHWM", "VmRSS")}


def _process_tree(pid: int) -> list[int]:
    """`pid` and its descendants (uvicorn's workers are children of the serving process)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo += [int(child) for child in task.read_text(encoding="utf-8").split()]
            except OSError:  # the task ended meanwhile
                continue
    return found


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()
    except OSError:  # the process ended meanwhile
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime, in ticks


@contextmanager
def running_server(
    data_dir: Path, log: Path, *, workers: int = 1, stack: dict[str, str] | None = None
) -> Iterator[Server]:
    """Start the server on a free loopback port, wait until /api/health answers, stop it by pid after."""
    port = free_port()
    started = time.perf_counter()
    command = [sys.executable, "-m", "web", "serve", "--host", HOST, "--port", str(port)]
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*command, "--workers", str(workers)],
            cwd=PROJECT,
            env=_env(data_dir, stack),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        base_url = f"http://{HOST}:{port}"
        _wait_ready(process, base_url, log)
        yield Server(process, base_url, time.perf_counter() - started, log)
    finally:
        _stop(process)


def _wait_ready(process: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise RuntimeError(f"Server beendet mit Exit {process.returncode}:\n{tail}")
        try:
            if httpx.get(f"{base_url}/api/health", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"Server nicht bereit nach {START_TIMEOUT_S:.0f} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()


def answer_rows(data_dir: Path, database_url: str | None = None) -> int:
    """Rows in the answer log (`answers`): of the data dir's SQLite database, or at `database_url`."""
    if database_url:
        from sqlalchemy import create_engine, inspect, text

        engine = create_engine(database_url)
        try:
            with engine.connect() as connection:
                if not inspect(connection).has_table("answers"):
                    return 0
                return int(connection.execute(text("SELECT COUNT(*) FROM answers")).scalar_one())
        finally:
            engine.dispose()
    database = data_dir / "assistant.sqlite3"
    if not database.exists():
        return 0
    with closing(sqlite3.connect(database)) as connection:
        exists = connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'answers'")
        if exists.fetchone() is None:  # the server creates the table on its first start
            return 0
        return int(connection.execute("SELECT COUNT(*) FROM answers").fetchone()[0])


# -- simulated users -----------------------------------------------------------------------------
async def _login(client: httpx.AsyncClient, n: int, *, username: str = USERNAME, page: str = "/chat") -> str:
    """Sign in as user `n` through the login form; returns the session's CSRF token for the JSON API
    (read from `page`, one the account's role may open)."""
    form = await client.get("/login")
    token = _csrf(form.text)
    response = await client.post(
        "/login",
        data={"username": username.format(n=n), "password": PASSWORD, "csrf_token": token, "next": page},
    )
    if response.status_code != 303:
        raise RuntimeError(f"Anmeldung fehlgeschlagen: HTTP {response.status_code}")
    return _csrf((await client.get(page)).text)  # login starts a fresh session with a new token


def _csrf(html: str) -> str:
    match = _CSRF.search(html)
    if not match:
        raise RuntimeError("Kein CSRF-Token auf der Seite")
    return match.group(1)


@dataclass
class _Outcome:
    ms: float
    error: str | None = None
    status: str | None = None
    fallback: str | None = None  # the text of the `llm_fallback` notice: why the built-in answer came
    fallback_ms: float | None = None


async def _ask(client: httpx.AsyncClient, token: str, question: str, conversation: str) -> _Outcome:
    started = time.perf_counter()
    try:
        async with client.stream(
            "POST",
            "/api/chat",
            json={"question": question, "conversation_id": conversation},
            headers={"X-CSRF-Token": token, "Accept": "text/event-stream"},
        ) as response:
            parts: list[str] = []
            fallback_ms = None  # when the `llm_fallback` notice arrived (a frame may span two parts)
            async for part in response.aiter_text():
                parts.append(part)
                if fallback_ms is None and '"llm_fallback"' in "".join(parts[-2:]):
                    fallback_ms = (time.perf_counter() - started) * 1000
            body = "".join(parts)
    except httpx.HTTPError as exc:
        return _Outcome((time.perf_counter() - started) * 1000, type(exc).__name__)
    ms = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        return _Outcome(ms, f"HTTP {response.status_code}")
    frames = list(_events(body))
    events = dict(frames)
    if "error" in events:
        return _Outcome(ms, "error-event")
    done = events.get("done")
    if not done or not done.get("log_id"):
        return _Outcome(ms, "no-done-event")
    notices = [data for event, data in frames if event == "notice"]
    fallback = next((n.get("text") for n in notices if n.get("kind") == "llm_fallback"), None)
    return _Outcome(ms, status=str(done.get("status")), fallback=fallback, fallback_ms=fallback_ms)


def _events(body: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for frame in body.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in frame.splitlines() if ": " in line)
        if "event" in fields:
            yield fields["event"], json.loads(fields.get("data") or "{}")


async def _user(n: int, base_url: str, questions: Sequence[str], clock: _Clock) -> list[_Outcome]:
    limits = httpx.Limits(max_connections=1)
    async with httpx.AsyncClient(base_url=base_url, timeout=REQUEST_TIMEOUT_S, limits=limits) as client:
        try:
            token = await _login(client, n)
        finally:
            clock.signed_in[n].set()  # also on failure: gather() then raises the reason
        await clock.start.wait()
        outcomes = []
        turn = n  # each user walks the questions from its own starting point
        while time.perf_counter() < clock.deadline:
            question = questions[turn % len(questions)]
            outcomes.append(await _ask(client, token, question, f"bench-user-{n}"))
            turn += 1
        return outcomes


@dataclass
class _Clock:
    signed_in: list[asyncio.Event]
    start: asyncio.Event
    deadline: float = 0.0


async def _load(
    base_url: str,
    users: int,
    duration: float,
    questions: Sequence[str],
    on_start: Callable[[], None] = lambda: None,
) -> dict[str, Any]:
    """`on_start` runs once every user has signed in, just before the clock starts."""
    clock = _Clock([asyncio.Event() for _ in range(users)], asyncio.Event())
    tasks = [asyncio.create_task(_user(n, base_url, questions, clock)) for n in range(users)]
    for signed_in in clock.signed_in:  # every user signed in before the clock starts
        await signed_in.wait()
    on_start()
    began = time.perf_counter()
    clock.deadline = began + duration
    clock.start.set()
    per_user = await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - began
    outcomes = [o for user in per_user for o in user]
    errors = Counter(o.error for o in outcomes if o.error)
    answered = [o for o in outcomes if not o.error]
    return {
        "users": users,
        "duration_s": duration,
        "elapsed_s": elapsed,
        "requests": len(outcomes),
        "answered": len(answered),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "requests_per_second": len(outcomes) / elapsed,
        "latency": summarize([o.ms for o in outcomes]) if outcomes else None,
        "statuses": dict(Counter(o.status for o in answered)),
    }


def load_test(
    data_dir: Path,
    questions: Sequence[str],
    *,
    users: int,
    duration: float,
    log: Path,
    workers: int = 1,
    stack: dict[str, str] | None = None,
) -> dict[str, Any]:
    add_users(data_dir, users, stack)
    database_url = (stack or {}).get("JHA_DATABASE_URL")
    rows_before = answer_rows(data_dir, database_url)
    with running_server(data_dir, log, workers=workers, stack=stack) as server:
        server_cpu, client_cpu = server.cpu_seconds(), time.process_time()
        at_start: dict[str, float] = {}

        def clock_starts() -> None:
            at_start["server"], at_start["client"] = server.cpu_seconds(), time.process_time()

        result = asyncio.run(_load(server.base_url, users, duration, questions, on_start=clock_starts))
        server_end, client_end = server.cpu_seconds(), time.process_time()
        # Per request, what the server's processes and this load generator spent while the clock ran:
        # the questions alone. The sign-in before it (a password hash per user, ~a second of CPU for 64
        # users) was counted in once and weighed on short runs; it stays in the `_with_sign_in` figures.
        # Chroma and PostgreSQL are the rest.
        requests = max(result["requests"], 1)
        result["server_cpu_ms_per_request"] = (server_end - at_start["server"]) * 1000 / requests
        result["client_cpu_ms_per_request"] = (client_end - at_start["client"]) * 1000 / requests
        result["server_cpu_ms_per_request_with_sign_in"] = (server_end - server_cpu) * 1000 / requests
        result["client_cpu_ms_per_request_with_sign_in"] = (client_end - client_cpu) * 1000 / requests
        result["server_start_s"] = server.start_s
        result["server_memory_kib"] = server.memory_kib()
    rows = answer_rows(data_dir, database_url) - rows_before
    return {
        **result,
        "workers": workers,
        "log_rows_written": rows,
        "log_rows_lost": result["answered"] - rows,
    }


def memory_test(
    data_dir: Path, questions: Sequence[str], log: Path, *, embedder: str = "hashing"
) -> dict[str, Any]:
    """Peak RSS of a server over `data_dir` (built with `embedder`) after start-up and one question
    after another."""
    add_users(data_dir, 1)

    async def ask_some(base_url: str) -> list[_Outcome]:
        async with httpx.AsyncClient(base_url=base_url, timeout=REQUEST_TIMEOUT_S) as client:
            token = await _login(client, 0)
            return [await _ask(client, token, q, "bench-memory") for q in questions]

    with running_server(data_dir, log, stack={"JHA_EMBEDDER": embedder}) as server:
        after_start = server.memory_kib()
        outcomes = asyncio.run(ask_some(server.base_url))
        after_questions = server.memory_kib()
        start_s = server.start_s
    return {
        "server_start_s": start_s,
        "questions": len(outcomes),
        "errors": sum(1 for o in outcomes if o.error),
        "latency_ms": [round(o.ms, 1) for o in outcomes],
        "after_start_kib": after_start,
        "after_questions_kib": after_questions,
        "peak_rss_mib": after_questions["VmHWM"] / 1024,
    }
