"""A helper process for the report: forked early, it runs one call while the report goes on.

``zopa report`` spends its first second importing pandas, matplotlib and the
rest on one core. A :class:`Helper` forked before those imports makes the
imports it needs itself (``prepare``, on the other core), then waits for one
call — the settlement search, the longest single task of the report — and
sends back what it returned. Both ways the call and its result are pickled;
read-only mappings (the settlement's fields) pickle as such
(:func:`_pickle_proxy`).

This module imports nothing heavy, so the command can fork before it loads
anything else. Processes are forked (``multiprocessing`` "fork" start
method), which only Linux offers safely, and only from a process running one
thread (a lock another thread holds at the fork would stay held in the
child): :func:`can_fork` says whether both hold.
"""

from __future__ import annotations

import copyreg
import gc
import importlib
import multiprocessing
import os
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from types import MappingProxyType
from typing import Any

__all__ = ["Helper", "can_fork", "default_jobs"]

#: The most worker processes :func:`default_jobs` proposes.
MAX_DEFAULT_JOBS = 4


def _forkable() -> bool:
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def _single_threaded() -> bool:
    """Does this process run one thread (so that forking it is safe)?"""
    return threading.active_count() == 1


def can_fork() -> bool:
    """May this process fork a helper or workers now (Linux, one thread)?"""
    return _forkable() and _single_threaded()


def default_jobs() -> int:
    """The CPUs this process may use, at most :data:`MAX_DEFAULT_JOBS` (1 where nothing can fork)."""
    if not _forkable():
        return 1
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        n = os.cpu_count() or 1
    return max(1, min(n, MAX_DEFAULT_JOBS))


def _proxy(items: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(items)


def _pickle_proxy(m: MappingProxyType[Any, Any]) -> tuple[Any, ...]:
    """A read-only mapping pickles as one (pickle refuses ``mappingproxy`` otherwise)."""
    return (_proxy, (dict(m),))


copyreg.pickle(MappingProxyType, _pickle_proxy)


def _serve(prepare: Sequence[str], conn: Connection) -> None:
    """In the helper: make the imports, wait for the call, run it, send back its result or error."""
    gc.disable()  # a short life: its objects are freed with the process
    try:
        for name in prepare:
            importlib.import_module(name)
        fn, args = conn.recv()
        out: tuple[str, Any] = ("ok", fn(*args))
    except EOFError:  # the main process went away without a call
        return
    except BaseException as exc:  # the main process re-raises it
        out = ("error", (exc, traceback.format_exc()))
    try:
        conn.send(out)
    except Exception as exc:  # an unpicklable result or error
        conn.send(("error", (RuntimeError(f"{type(exc).__name__}: {exc}"), "")))
    conn.close()


class Helper:
    """A forked process that imports ``prepare``, then runs the one call it is sent.

    Fork it only where :func:`can_fork` says so. Use as a context manager:
    leaving it stops the process if it still runs.
    """

    def __init__(self, prepare: Sequence[str] = ()) -> None:
        ctx = multiprocessing.get_context("fork")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve, args=(tuple(prepare), child), daemon=True)
        self._proc.start()
        child.close()
        self._called = False
        self._result: tuple[bool, Any] | None = None

    def __enter__(self) -> Helper:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def call(self, fn: Callable[..., Any], *args: Any) -> None:
        """Send the call (``fn`` by reference, ``args`` pickled); it runs at once."""
        assert not self._called, "a helper runs one call"
        self._conn.send((fn, args))
        self._called = True

    def result(self) -> Any:
        """What the call returned (its error is raised here); waits for it the first time."""
        if self._result is None:
            status, value = self._conn.recv()
            self._result = (status == "ok", value)
            self._proc.join()
        ok, value = self._result
        if not ok:
            raise value[0]
        return value

    def close(self) -> None:
        """Stop the process if it still runs (no call, or the report failed first)."""
        if self._proc.is_alive():
            self._proc.terminate()
            self._proc.join()
        self._conn.close()
