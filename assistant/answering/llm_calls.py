"""Model calls with deadlines that hold and a limit of their own.

An endpoint can keep a connection open with SSE keep-alive comments and never send a token; the HTTP
client's read timeout restarts with every byte, so it never fires. Here every call runs as a coroutine
on one event-loop thread that belongs to the answerer, and the caller waits on a queue with the
remaining time: at the first-token or total deadline the coroutine is cancelled, which closes the
connection. At most `limit` calls run at once; one more is refused at once (`LlmBusy`) instead of
queueing, so slow model calls can never hold all of the web server's worker threads.

    calls = ModelCalls(limit=4)
    for item in calls.start(lambda: model.astream(messages)).pieces(Deadlines(20, 60)):
        ...  # a text piece (str) or `Waiting` while the model has not answered yet
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass


class LlmFailure(RuntimeError):
    """The endpoint failed, timed out or answered unusably; the caller falls back to built-in answering."""


class LlmTimeout(LlmFailure):
    """No first token, or no complete answer, before its deadline."""


class LlmBusy(LlmFailure):
    """As many model calls as allowed are already running; this one was not started."""


@dataclass(frozen=True)
class Deadlines:
    first_token: float  # seconds from the start until the first piece of text
    total: float  # seconds from the start until the answer is complete
    tick: float = 2.0  # how often the caller hears `Waiting` while nothing arrives


@dataclass(frozen=True)
class Waiting:
    """Nothing new from the model yet; `seconds` since the call started."""

    seconds: float


_END = object()


class ModelCall:
    """One running call: its pieces arrive on a queue filled by a task on the loop thread."""

    def __init__(self, loop: asyncio.AbstractEventLoop, started: float) -> None:
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._loop = loop
        self.task: asyncio.Task[None] | None = None  # set on the loop thread, before any `cancel` runs there
        self.started = started  # `time.perf_counter()` when the answer began: deadlines count from there

    def put(self, item: object) -> None:
        self._queue.put(item)

    def cancel(self) -> None:
        """Stop the task (and so close its connection); harmless when it has finished."""
        # Callbacks run in order: the task was created by an earlier one. A closed loop runs nothing.
        with contextlib.suppress(RuntimeError):
            self._loop.call_soon_threadsafe(lambda: self.task.cancel() if self.task else None)

    def pieces(self, deadlines: Deadlines) -> Iterator[str | Waiting]:
        """Text pieces as they arrive, `Waiting` every `tick` seconds without one; raises `LlmTimeout`
        at a deadline and `LlmFailure` for anything the call raised. Closing the iterator cancels."""
        got_text = False
        try:
            yield Waiting(time.perf_counter() - self.started)  # the caller can say "waiting" at once
            while True:
                elapsed = time.perf_counter() - self.started
                limit = deadlines.total if got_text else min(deadlines.first_token, deadlines.total)
                if elapsed >= limit:
                    which = "die vollständige Antwort" if got_text else "das erste Wort"
                    raise LlmTimeout(f"Frist für {which} überschritten ({limit:g} s)")
                try:
                    item = self._queue.get(timeout=min(deadlines.tick, limit - elapsed))
                except queue.Empty:
                    yield Waiting(time.perf_counter() - self.started)
                    continue
                if item is _END:
                    return
                if isinstance(item, BaseException):
                    raise LlmFailure(f"{type(item).__name__}: {item}") from item
                assert isinstance(item, str)
                if item:
                    got_text = True
                    yield item
        finally:
            self.cancel()


class ModelCalls:
    """The answerer's own event loop (a daemon thread, started on first use) and its call limit."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._slots = threading.BoundedSemaphore(limit)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()

    def start(self, stream: Callable[[], AsyncIterator[str]], started: float | None = None) -> ModelCall:
        """Start `stream()` on the loop thread; `LlmBusy` when `limit` calls are running already.

        `started` (a `time.perf_counter()` value) is when the answer began, so the deadlines include
        the time spent before the call (search, the gate)."""
        if not self._slots.acquire(blocking=False):
            raise LlmBusy(f"bereits {self.limit} Anfragen an das Sprachmodell in Arbeit")
        try:
            loop = self._running_loop()
            call = ModelCall(loop, time.perf_counter() if started is None else started)

            def launch() -> None:
                call.task = loop.create_task(self._pump(call, stream))
                # Released when the task has really ended, cancelled before its first step included,
                # so a cancelled call that still held a connection counts against the limit.
                call.task.add_done_callback(lambda _task: self._slots.release())

            loop.call_soon_threadsafe(launch)
        except BaseException:
            self._slots.release()
            raise
        return call

    @staticmethod
    async def _pump(call: ModelCall, stream: Callable[[], AsyncIterator[str]]) -> None:
        try:
            async for piece in stream():
                call.put(piece)
            call.put(_END)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # network errors, HTTP 5xx, malformed replies alike
            call.put(exc)

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None or self._loop.is_closed():
                loop = asyncio.new_event_loop()
                threading.Thread(target=_run, args=(loop,), name="jha-sprachmodell", daemon=True).start()
                self._loop = loop
            return self._loop

    def close(self) -> None:
        """Cancel what still runs and stop the loop thread."""
        with self._lock:
            loop, self._loop = self._loop, None
        if loop is None:
            return

        async def shutdown() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            loop.stop()

        asyncio.run_coroutine_threadsafe(shutdown(), loop)


def _run(loop: asyncio.AbstractEventLoop) -> None:
    asyncio.set_event_loop(loop)
    try:
        loop.run_forever()
    finally:
        loop.close()
