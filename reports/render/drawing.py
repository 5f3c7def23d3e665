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
runs from the start in a :class:`~reports.render.helper.Helper`, a process of
its own at normal priority (the figure workers run at a lower one). A
process rather than a thread: the search's Python would wait for the main
thread's (one interpreter lock), and HiGHS instances are not safe to run side
by side in one process.

Nothing is forked off Linux, from a process running other threads (a web
server), or with ``jobs`` ≤ 1 (:func:`~reports.render.helper.can_fork`): each
figure is then drawn in this process when its SVG is first asked for, and
``early`` runs when its result is.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterable
from multiprocessing.pool import AsyncResult, Pool
from typing import Any

from reports.render.figure import Figure
from reports.render.helper import Helper, can_fork

__all__ = ["SvgDrawer"]

#: How much lower a worker's priority is than the main process's (``os.nice``).
WORKER_NICENESS = 10


def _yield_cpu() -> None:
    """A worker runs at a lower priority: the main process's sections (the settlement search
    above all) are the longer chain, and the workers have time to spare."""
    os.nice(WORKER_NICENESS)


def _svg(figure: Figure) -> str:
    """The worker's task: draw one figure's SVG."""
    return figure.svg


class SvgDrawer:
    """Draw figures' SVG in ``jobs`` worker processes (none when ``jobs`` ≤ 1 or nothing can fork).

    ``early``: a call ``(fn, args)`` to run from the start in a
    :class:`~reports.render.helper.Helper` (``helper``, one forked earlier, or
    one forked now); :meth:`early_result` returns what it returned. Without
    processes the call runs when its result is asked for. Use as a context
    manager: leaving it stops every process, also on error.
    """

    def __init__(
        self,
        jobs: int,
        early: tuple[Callable[..., Any], tuple[Any, ...]] | None = None,
        helper: Helper | None = None,
    ) -> None:
        self._pool: Pool | None = None
        self._pending: dict[str, tuple[Figure, AsyncResult[Any]]] = {}
        self._frozen = False
        self._early = early
        self._helper = helper
        parallel = jobs > 1 and can_fork()
        if parallel:
            gc.freeze()  # before fork: the children's collections neither walk nor copy these
            self._frozen = True
            if (
                early is not None and helper is None
            ):  # forked first, while this process has one thread
                self._helper = Helper()
        if early is not None and self._helper is not None:
            self._helper.call(early[0], *early[1])
        if parallel:
            self._pool = multiprocessing.get_context("fork").Pool(jobs, initializer=_yield_cpu)

    def early_result(self) -> Any:
        """What ``early`` returned (computed here and now when no helper runs it)."""
        if self._helper is not None:
            return self._helper.result()
        assert self._early is not None, "no early call was given"
        fn, args = self._early
        value = fn(*args)
        self._early = (lambda: value, ())
        return value

    def __enter__(self) -> SvgDrawer:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._helper is not None:
            self._helper.close()
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
