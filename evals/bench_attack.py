"""The attack run's numbers again (issue 14), over real HTTP against `python -m web serve` on 127.0.0.1.

1. Remove under load: `users` colleagues ask through `POST /api/chat` (streamed) for `load_seconds`
   while a maintainer uploads a corpus document (left out of the index for this) on the documents page
   and removes it again, one operation every `pause_s` or so; `/api/health` is sampled every second.
2. Trickling model: `JHA_LLM_BASE_URL` points at an endpoint on 127.0.0.1 that sends only SSE
   keep-alive comments. The time to the built-in answer of one question against the configured
   first-token deadline, then `/api/health` latency while `in_flight` questions are outstanding.
3. Sessions after logout: a copy of the session cookie, taken before logout, used after it.

The index is the corpus (press, laws, bylaws) on the embedded default stack (Chroma on disk, SQLite).
`python -m evals.bench_attack [--quick] [--json PATH]`; `--quick` runs the load for 15 s instead of 60 s.
Client and server share this machine's cores, so latencies move with the machine's load.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.table import Table

from evals.bench import queries
from evals.bench_server import (
    REQUEST_TIMEOUT_S,
    _ask,
    _load,
    _login,
    add_users,
    answer_rows,
    running_server,
)
from evals.bench_stats import summarize
from evals.bench_workers import CORPUS, build_index
from evals.scripted_llm import KeepAliveModel, running_keepalive_model

MAINTAINER = "bench-pflege-{n}"
UPLOADED = CORPUS / "press" / "004_d2bafd55fee595ae.txt"  # not indexed beforehand: the maintainer's file
QUESTION = "Wann muss das Jugendamt ein Kind in Obhut nehmen?"  # finds passages, so the model is asked


@dataclass(frozen=True)
class Plan:
    users: int = 16
    load_seconds: float = 60.0
    pause_s: float = 1.25  # after an upload and after a removal: an upload-and-remove every ~2.5 s
    first_token_seconds: float = 20.0  # the server's defaults, set explicitly so the report names them
    total_seconds: float = 60.0
    in_flight: int = 45
    in_flight_seconds: float = 25.0  # the questions are asked again as they finish, for this long


FULL = Plan()
QUICK = replace(FULL, load_seconds=15.0)
# The smallest run that still exercises every path (tests/evals/test_bench_attack.py). 10 s of load: an
# upload takes 1-2 s on busy shared cores, and the test wants two upload-and-remove rounds under load.
SMOKE = Plan(users=4, load_seconds=10.0, pause_s=0.5, first_token_seconds=2.0, total_seconds=4.0, in_flight=8,
             in_flight_seconds=3.0)  # fmt: skip


# -- 1 + 3: remove under load, then the copied cookie -------------------------------------------
def remove_under_load(data_dir: Path, plan: Plan, log: Path) -> dict[str, Any]:
    add_users(data_dir, plan.users)
    add_users(data_dir, 1, username=MAINTAINER, role="maintainer")
    rows_before = answer_rows(data_dir)
    with running_server(data_dir, log) as server:
        load = asyncio.run(_under_load(server.base_url, plan))
        session = asyncio.run(copied_cookie_after_logout(server.base_url))
    rows = answer_rows(data_dir) - rows_before
    load["chat"].update(log_rows_written=rows, log_rows_lost=load["chat"]["answered"] - rows)
    return {**load, "session_after_logout": session}


async def _under_load(base_url: str, plan: Plan) -> dict[str, Any]:
    stop = asyncio.Event()

    async def colleagues() -> dict[str, Any]:
        try:
            return await _load(base_url, plan.users, plan.load_seconds, queries())
        finally:
            stop.set()

    chat, maintainer, health = await asyncio.gather(
        colleagues(), _maintainer(base_url, plan.pause_s, stop), _health(base_url, 1.0, stop)
    )
    chat["http_500"] = chat["error_kinds"].get("HTTP 500", 0)
    return {"chat": chat, "maintainer": maintainer, "health": health}


async def _maintainer(base_url: str, pause_s: float, stop: asyncio.Event) -> dict[str, Any]:
    from ingest.pipeline import document_id
    from web.uploads import UPLOAD_FOLDER

    content, name = UPLOADED.read_bytes(), UPLOADED.name
    remove = f"/documents/{document_id(f'{UPLOAD_FOLDER}/{name}')}/remove"
    done: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    async with httpx.AsyncClient(base_url=base_url, timeout=REQUEST_TIMEOUT_S) as client:
        token = await _login(client, 0, username=MAINTAINER, page="/documents")
        headers = {"X-CSRF-Token": token}
        while not stop.is_set():
            upload = await client.post("/documents/upload", files={"file": (name, content)}, headers=headers)
            (done if upload.status_code == 303 else failed)[f"upload {upload.status_code}"] += 1
            await _pause(stop, pause_s)
            removed = await client.post(remove, headers=headers)  # also after the stop: nothing left behind
            (done if removed.status_code == 303 else failed)[f"remove {removed.status_code}"] += 1
            await _pause(stop, pause_s)
    return {"operations": sum(done.values()), "failed": sum(failed.values()), "by_kind": {**done, **failed}}


async def _health(base_url: str, every_s: float, stop: asyncio.Event) -> dict[str, Any]:
    """`/api/health` every `every_s` until `stop`: statuses and the latency of each answer."""
    statuses: Counter[str] = Counter()
    latencies = []
    async with httpx.AsyncClient(base_url=base_url, timeout=REQUEST_TIMEOUT_S) as client:
        while not stop.is_set():
            started = time.perf_counter()
            try:
                response = await client.get("/api/health")
                statuses[str(response.json().get("status"))] += 1
            except (httpx.HTTPError, ValueError) as exc:
                statuses[type(exc).__name__] += 1
            latencies.append((time.perf_counter() - started) * 1000)
            await _pause(stop, every_s)
    samples = sum(statuses.values())
    return {
        "samples": samples,
        "not_ok": samples - statuses["ok"],
        "statuses": dict(statuses),
        "latency": summarize(latencies) if latencies else None,
    }


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def copied_cookie_after_logout(base_url: str) -> dict[str, Any]:
    """Sign in, copy the cookies, sign out; then the copy on `/chat` and on `POST /api/chat`."""
    async with httpx.AsyncClient(base_url=base_url, timeout=REQUEST_TIMEOUT_S) as client:
        token = await _login(client, 0)
        copied = dict(client.cookies)
        before = (await client.get("/chat")).status_code
        logout = (await client.post("/logout", headers={"X-CSRF-Token": token})).status_code
    async with httpx.AsyncClient(base_url=base_url, timeout=REQUEST_TIMEOUT_S, cookies=copied) as copy:
        page = (await copy.get("/chat")).status_code
        api = await copy.post(
            "/api/chat",
            json={"question": QUESTION, "conversation_id": "bench-copied-cookie"},
            headers={"X-CSRF-Token": token, "Accept": "application/json"},
        )
    return {
        "before_logout": before,
        "logout": logout,
        "page_after_logout": page,
        "api_after_logout": api.status_code,
        "rejected": before == 200 and page != 200 and api.status_code in (401, 403),
    }


# -- 2: an endpoint that only sends keep-alives ---------------------------------------------------
def trickling_model(data_dir: Path, plan: Plan, log: Path) -> dict[str, Any]:
    add_users(data_dir, plan.in_flight)
    with running_keepalive_model() as (model, base_url):
        stack = {
            "JHA_LLM_BASE_URL": base_url,
            "JHA_LLM_MODEL": "keepalive",
            "JHA_LLM_FIRST_TOKEN_SECONDS": str(plan.first_token_seconds),
            "JHA_LLM_TOTAL_SECONDS": str(plan.total_seconds),
        }
        with running_server(data_dir, log, stack=stack) as server:
            result = asyncio.run(_trickling(server.base_url, plan, model))
        result["model_requests"] = model.requests
        result["model_connections_most_open"] = model.most_open
    return {"first_token_seconds": plan.first_token_seconds, "total_seconds": plan.total_seconds, **result}


async def _trickling(base_url: str, plan: Plan, model: KeepAliveModel) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base_url, timeout=REQUEST_TIMEOUT_S) as client:
        token = await _login(client, 0)
        one = await _ask(client, token, QUESTION, "bench-trickle")
    notice_s = one.fallback_ms / 1000 if one.fallback_ms is not None else None
    single = {"seconds": one.ms / 1000, "fallback_notice_s": notice_s, "error": one.error}
    single["fallback"] = one.fallback
    stop = asyncio.Event()
    outcomes, health = await asyncio.gather(_in_flight(base_url, plan, stop), _health(base_url, 0.25, stop))
    await asyncio.sleep(1.0)  # a cancelled call closes its connection: by now none should be left open
    fallbacks = Counter(o.fallback or "keine" for o in outcomes if not o.error)
    return {
        "single": single,
        "in_flight": plan.in_flight,
        "questions": len(outcomes),
        "errors": sum(1 for o in outcomes if o.error),
        "error_kinds": dict(Counter(o.error for o in outcomes if o.error)),
        "fallbacks": dict(fallbacks),
        "slowest_s": max((o.ms for o in outcomes), default=0.0) / 1000,
        "health": health,
        "model_connections_open_after": model.open,
    }


async def _in_flight(base_url: str, plan: Plan, stop: asyncio.Event) -> list[Any]:
    """`plan.in_flight` colleagues, each asking again as soon as an answer came, for `in_flight_seconds`."""
    signed_in = asyncio.Barrier(plan.in_flight + 1)

    async def colleague(n: int) -> list[Any]:
        async with httpx.AsyncClient(base_url=base_url, timeout=REQUEST_TIMEOUT_S) as client:
            try:
                token = await _login(client, n)
            finally:
                await signed_in.wait()  # also on failure: gather() then raises the reason
            deadline = time.perf_counter() + plan.in_flight_seconds  # all pass the barrier at once
            outcomes = []
            while time.perf_counter() < deadline:
                outcomes.append(await _ask(client, token, QUESTION, f"bench-flight-{n}"))
            return outcomes

    tasks = [asyncio.create_task(colleague(n)) for n in range(plan.in_flight)]
    await signed_in.wait()
    try:
        return [o for outcomes in await asyncio.gather(*tasks) for o in outcomes]
    finally:
        stop.set()


# -- the run and its table ----------------------------------------------------------------------
def run(plan: Plan) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="jha-bench-attack-") as tmp:
        root = Path(tmp)
        data_dir = root / "var"
        paths = [p for p in sorted((CORPUS / "press").iterdir()) if p != UPLOADED]
        chunks = build_index(data_dir, paths=[*paths, CORPUS / "laws", CORPUS / "bylaws"])
        attack = remove_under_load(data_dir, plan, root / "load.log")
        trickle = trickling_model(data_dir, plan, root / "trickle.log")
    return {"plan": asdict(plan), "chunks": chunks, **attack, "trickling_model": trickle}


def print_report(out: Console, report: dict[str, Any]) -> None:
    plan, chat, ops = report["plan"], report["chat"], report["maintainer"]
    health, trickle, session = report["health"], report["trickling_model"], report["session_after_logout"]
    single = trickle["single"]
    p95 = (trickle["health"]["latency"] or {}).get("p95_ms", 0.0)
    table = Table(title=f"Angriffslauf wiederholt ({report['chunks']} Abschnitte, eingebetteter Stack)")
    for column, justify in (("Messung", "left"), ("Ergebnis", "right"), ("Ziel", "left")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    rows = [
        (f"Entfernen unter Last: Anfragen ({plan['users']} Nutzer, {plan['load_seconds']:.0f} s)",
         str(chat["requests"]), ""),
        ("  Fehler (nicht 200, error-Ereignis, kein done)", f"{chat['errors']} {chat['error_kinds'] or ''}",
         "0"),
        ("  davon HTTP 500", str(chat["http_500"]), "0"),
        ("  Pflege-Vorgänge (Hochladen + Entfernen)", f"{ops['operations']} ({ops['failed']} fehlgeschlagen)",
         "0 fehlgeschlagen"),
        ("  /api/health nicht „ok“", f"{health['not_ok']} von {health['samples']}", "0"),
        ("  Protokollzeilen / Antworten", f"{chat['log_rows_written']} / {chat['answered']}", "gleich"),
        ("Keep-alive-Sprachmodell: Hinweis Ersatzantwort / Antwort fertig nach",
         f"{single['fallback_notice_s'] or 0:.2f} s / {single['seconds']:.2f} s",
         f"Frist erstes Wort {trickle['first_token_seconds']:g} s"),
        (f"  /api/health p95 bei {trickle['in_flight']} Fragen in Arbeit",
         f"{p95:.0f} ms ({trickle['health']['not_ok']} von {trickle['health']['samples']} nicht „ok“)",
         "antwortet"),
        ("  Fragen / Fehler / Ersatzantworten", f"{trickle['questions']} / {trickle['errors']} / "
         f"{sum(n for k, n in trickle['fallbacks'].items() if k != 'keine')}", "0 Fehler"),
        ("  Verbindungen zum Modell höchstens / danach offen",
         f"{trickle['model_connections_most_open']} / {trickle['model_connections_open_after']}", "… / 0"),
        ("Kopiertes Sitzungs-Cookie nach Abmeldung (Seite / API)",
         f"HTTP {session['page_after_logout']} / {session['api_after_logout']}",
         "abgewiesen" if session["rejected"] else "NICHT abgewiesen"),
    ]  # fmt: skip
    for row in rows:
        table.add_row(*row)
    out.print(table)


def main(
    quick: Annotated[bool, typer.Option("--quick", help="15 s Last statt 60 s.")] = False,
    json_path: Annotated[Path | None, typer.Option("--json", help="Bericht als JSON hierhin.")] = None,
) -> None:
    """Die Zahlen des Angriffslaufs (Issue 14) nach den Korrekturen, über HTTP gemessen."""
    report = run(QUICK if quick else FULL)
    if json_path:
        json_path.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    console = Console()
    if not console.is_terminal:  # piped into a file: rich would wrap at 80 columns
        console = Console(width=140)
    print_report(console, report)


if __name__ == "__main__":
    typer.run(main)
