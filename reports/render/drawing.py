"""The report's work spread over the machine's cores: figures and the settlement search.

Drawing is most of the time of ``zopa report`` and each figure is drawn on its
own, from its data, so the figures can be drawn on the machine's other cores
while the main process computes the sections that come later.
:class:`SvgDrawer` starts a pool of worker processes; each
:class:`~reports.render.figure.Figure` handed to :meth:`SvgDrawer.submit` is
pickled (its data and its drawing functions) and drawn by a worker;
:meth:`SvgDrawer.finish` stores each SVG in its figure, as if it had been
drawn in this process. A figure's SVG depends only on its data (ids are
renumbered by :func:`reports.figures.style.renumber_ids`), so the bytes do
not depend on the number of workers (``tests/reports/render/test_drawing.py``).

The settlement search is the longest single task; given as ``early``, it
runs from the start in a forked process of its own, at normal priority (the
figure workers run at a lower one), and :meth:`SvgDrawer.early_result`
returns what it returned (pickled back; results hold read-only mappings,
pickled as such by :func:`_pickle_proxy`). A process rather than a thread:
the search's Python would wait for the main thread's (one interpreter lock),
and HiGHS instances are not safe to run side by side in one process.

Processes are forked (``multiprocessing`` "fork" start method, so they start
in milliseconds with every module already imported), which only Linux
offers safely, and only from a process running one thread (a lock another
thread holds at the fork would stay held in the child); elsewhere, in a
process with other threads (a web server), or with ``jobs`` ≤ 1, nothing is
started: each figure is drawn in this process when its SVG is first asked
for, and ``early`` runs when its result is.
"""

from __future__ import annotations

import copyreg
import gc
import multiprocessing
import os
import sys
import threading
import traceback
from collections.abc import Callable, Iterable
from multiprocessing.connection import Connection
from multiprocessing.pool import AsyncResult, Pool
from types import MappingProxyType
from typing import Any

from reports.render.figure import Figure

__all__ = ["SvgDrawer", "default_jobs"]

#: How much lower a worker's priority is than the main process's (``os.nice``).
WORKER_NICENESS = 10

#: The most worker processes :func:`default_jobs` proposes.
MAX_DEFAULT_JOBS = 4


def default_jobs() -> int:
    """The CPUs this process may use, at most :data:`MAX_DEFAULT_JOBS` (1 where workers cannot fork)."""
    if not _can_fork():
        return 1
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        n = os.cpu_count() or 1
    return max(1, min(n, MAX_DEFAULT_JOBS))


def _can_fork() -> bool:
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def _yield_cpu() -> None:
    """A worker runs at a lower priority: the main process's sections (the settlement search
    above all) are the longer chain, and the workers have time to spare."""
    os.nice(WORKER_NICENESS)


def _single_threaded() -> bool:
    """Does this process run one thread (so that forking it is safe)?"""
    return threading.active_count() == 1


def _svg(figure: Figure) -> str:
    """The worker's task: draw one figure's SVG."""
    return figure.svg


def _proxy(items: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(items)


def _pickle_proxy(m: MappingProxyType[Any, Any]) -> tuple[Any, ...]:
    """A read-only mapping pickles as one (pickle refuses ``mappingproxy`` otherwise)."""
    return (_proxy, (dict(m),))


copyreg.pickle(MappingProxyType, _pickle_proxy)


def _run_early(task: Callable[[], Any], conn: Connection) -> None:
    """In the forked process: run the task, send back its result or its error."""
    try:
        out: tuple[str, Any] = ("ok", task())
    except BaseException as exc:  # the main process re-raises it
        out = ("error", (exc, traceback.format_exc()))
    try:
        conn.send(out)
    except Exception as exc:  # an unpicklable result or error
        conn.send(("error", (RuntimeError(f"{type(exc).__name__}: {exc}"), "")))
    conn.close()


class SvgDrawer:
    """Draw figures' SVG in ``jobs`` worker processes (none when ``jobs`` ≤ 1 or workers cannot fork).

    ``early``: a task to run from the start in a process of its own
    (:meth:`early_result`). Use as a context manager: leaving it stops every
    process, also on error.
    """

    def __init__(self, jobs: int, early: Callable[[], Any] | None = None) -> None:
        self._pool: Pool | None = None
        self._pending: dict[str, tuple[Figure, AsyncResult[Any]]] = {}
        self._frozen = False
        self._early = early
        self._early_proc: Any = None
        self._early_conn: Connection | None = None
        if jobs > 1 and _can_fork() and _single_threaded():
            gc.freeze()  # before fork: the children's collections neither walk nor copy these
            self._frozen = True
            ctx = multiprocessing.get_context("fork")
            if early is not None:  # forked first, while this process has one thread
                self._early_conn, child = ctx.Pipe(duplex=False)
                self._early_proc = ctx.Process(target=_run_early, args=(early, child))
                self._early_proc.start()
                child.close()
            self._pool = ctx.Pool(jobs, initializer=_yield_cpu)

    def early_result(self) -> Any:
        """What ``early`` returned (computed here and now when no process runs it)."""
        if self._early_conn is None:
            assert self._early is not None, "no early task was given"
            return self._early()
        status, value = self._early_conn.recv()
        self._early_conn.close()
        self._early_conn = None
        self._early_proc.join()
        if status == "error":
            raise value[0]
        self._early = lambda: value
        return value

    def __enter__(self) -> SvgDrawer:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._early_proc is not None and self._early_proc.is_alive():
            self._early_proc.terminate()
            self._early_proc.join()
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
        if self._frozen:
            gc.unfreeze()
            self._frozen = False

    def submit(self, figures: Iterable[Figure]) -> None:
        """Hand each figure not yet drawn nor submitted to a worker (a no-op without workers)."""
        if self._pool is None:
            return
        for fig in figures:
            if fig.name not in self._pending and not fig.has_svg:
                self._pending[fig.name] = (fig, self._pool.apply_async(_svg, (fig,)))

    def finish(self) -> None:
        """Wait for every submitted figure and store its SVG in it (a worker's error is raised here)."""
        for fig, result in self._pending.values():
            fig.set_svg(result.get())
        self._pending.clear()
