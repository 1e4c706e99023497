"""Work on untrusted input that could exhaust a service (parsing an uploaded file), run in a child process of its
own so that the event loop keeps answering every other caller meanwhile.

The child is forked from a multiprocessing fork server (started once, with the modules named by `preload`
already imported, so a child starts in milliseconds and never inherits the service's threads, sockets or event
loop). It caps its own address space (RLIMIT_AS) and CPU time (RLIMIT_CPU) before it starts; the parent kills it
once the time limit has passed. A bounded number of children run at once per event loop; the rest wait their
turn without holding the loop.

What crosses back: the function's return value, a `ProblemError` it raised (rebuilt in the parent with its
errors, so a refusal reads as if raised in the service), `LimitExceeded` when the child ran out of memory or
time, and a `RuntimeError` for anything else (its traceback logged)."""

from __future__ import annotations

import asyncio
import multiprocessing
import resource
import signal
import traceback
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Literal, TypeVar

from shared.logging import get_logger
from shared.problems import ProblemError

T = TypeVar("T")

_CONTEXT = multiprocessing.get_context("forkserver")
_PRELOADED: list[str] = ["shared.isolated"]
_CONCURRENT = 2  # children at once per event loop: the machines have few cores
_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Limits:
    memory_bytes: int  # the child's whole address space, interpreter and preloaded modules included
    seconds: float  # wall-clock time from the child's start to its answer


class LimitExceeded(Exception):
    """The child needed more memory or time than its limits allow; `kind` says which."""

    def __init__(self, kind: Literal["memory", "time"], limits: Limits) -> None:
        super().__init__(f"the isolated work exceeded its {kind} limit")
        self.kind, self.limits = kind, limits


def preload(*modules: str) -> None:
    """Modules the fork server imports once, so that children start with them loaded. Takes effect when the
    fork server starts (the first isolated call), so a module calls this at import time."""
    for module in modules:
        if module not in _PRELOADED:
            _PRELOADED.append(module)
    _CONTEXT.set_forkserver_preload(list(_PRELOADED))


def _child(connection: Connection, function: Callable[..., Any], args: tuple[Any, ...], limits: Limits) -> None:
    memory = limits.memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(limits.seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    try:
        outcome: tuple[Any, ...] = ("value", function(*args))
    except MemoryError:
        outcome = ("memory",)
    except ProblemError as refused:
        outcome = ("problem", type(refused), refused.detail, refused.errors, refused.extra)
    except BaseException:  # noqa: BLE001 - any other failure is reported to the parent, which logs it
        outcome = ("error", traceback.format_exc(limit=20))
    try:
        connection.send(outcome)
    except MemoryError:
        connection.send(("memory",))
    finally:
        connection.close()


def _slot() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    if loop not in _slots:
        _slots[loop] = asyncio.Semaphore(_CONCURRENT)
    return _slots[loop]


async def _readable(connection: Connection, seconds: float) -> bool:
    """Whether the child has begun its answer (or closed its end) within `seconds`, waiting on the event loop."""
    loop = asyncio.get_running_loop()
    ready = loop.create_future()
    loop.add_reader(connection.fileno(), lambda: ready.done() or ready.set_result(True))
    try:
        return await asyncio.wait_for(ready, seconds)
    except TimeoutError:
        return False
    finally:
        loop.remove_reader(connection.fileno())


async def run_isolated(function: Callable[..., T], *args: Any, limits: Limits) -> T:
    """`function(*args)` in a child process within `limits`. The function and its arguments and result are
    pickled: a module-level function, plain data."""
    async with _slot():
        receiving, sending = _CONTEXT.Pipe(duplex=False)
        process = _CONTEXT.Process(target=_child, args=(sending, function, args, limits), daemon=True)
        outcome: tuple[Any, ...] | None = None
        try:
            process.start()
            sending.close()
            if await _readable(receiving, limits.seconds):
                try:
                    outcome = receiving.recv()  # the child is writing it: a bounded, quick read
                except EOFError:  # died without an answer: RLIMIT_CPU's signal, or killed for its memory
                    await asyncio.to_thread(process.join, 5)
                    outcome = None if process.exitcode == -signal.SIGXCPU else ("memory",)
        finally:
            if process.is_alive():
                process.kill()
            if process.exitcode is None and process.pid is not None:
                await asyncio.to_thread(process.join, 5)
            receiving.close()
            process.close()
    if outcome is None:
        raise LimitExceeded("time", limits)
    kind = outcome[0]
    if kind == "value":
        return outcome[1]  # type: ignore[no-any-return]
    if kind == "memory":
        raise LimitExceeded("memory", limits)
    if kind == "problem":
        problem_class, detail, errors, extra = outcome[1:]
        raise problem_class(detail, errors=errors, **extra)
    get_logger("isolated").error("isolated_work_failed", function=getattr(function, "__qualname__", "?"),
                                 traceback=outcome[1])
    raise RuntimeError("isolated work failed; its traceback is logged")
