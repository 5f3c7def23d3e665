"""The report's SVG figures drawn by worker processes while the report is computed.

Drawing is most of the time of ``zopa report`` and each figure is drawn on its
own, from its data, so the figures can be drawn on the machine's other cores
while the main process computes the sections that come later (the
settlement search, the timeline). :class:`SvgDrawer` starts a pool of worker
processes; each :class:`~reports.render.figure.Figure` handed to
:meth:`SvgDrawer.submit` is pickled (its data and its drawing functions) and
drawn by a worker; :meth:`SvgDrawer.finish` stores each SVG in its figure, as
if it had been drawn in this process. A figure's SVG depends only on its
data (ids are renumbered by :func:`reports.figures.style.renumber_ids`), so
the bytes do not depend on the number of workers
(``tests/reports/render/test_drawing.py``).

Workers are forked (``multiprocessing`` "fork" start method, so they start
in milliseconds with every module already imported), which only Linux
offers safely; elsewhere, or with ``jobs`` ≤ 1, nothing is started and each
figure is drawn in this process when its SVG is first asked for.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections.abc import Iterable
from multiprocessing.pool import AsyncResult, Pool
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


def _svg(figure: Figure) -> str:
    """The worker's task: draw one figure's SVG."""
    return figure.svg


class SvgDrawer:
    """Draw figures' SVG in ``jobs`` worker processes (none when ``jobs`` ≤ 1 or workers cannot fork).

    Use as a context manager: leaving it stops the workers, also on error.
    """

    def __init__(self, jobs: int) -> None:
        self._pool: Pool | None = None
        self._pending: dict[str, tuple[Figure, AsyncResult[Any]]] = {}
        self._frozen = False
        if jobs > 1 and _can_fork():
            gc.freeze()  # before fork: the workers' collections neither walk nor copy these
            self._frozen = True
            self._pool = multiprocessing.get_context("fork").Pool(jobs, initializer=_yield_cpu)

    def __enter__(self) -> SvgDrawer:
        return self

    def __exit__(self, *exc: object) -> None:
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
