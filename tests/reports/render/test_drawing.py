"""Figures drawn by worker processes (reports.render.drawing): same bytes, errors surface, no workers when asked."""

from __future__ import annotations

import os
import sys
from types import MappingProxyType

import pytest

import engine
from reports.render import drawing, helper
from reports.render.content import build_report
from reports.render.drawing import SvgDrawer
from reports.render.figure import Figure
from reports.render.helper import Helper, default_jobs
from reports.render.markup import render_html, render_markdown
from tests.conftest import CASES

LINUX = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="workers fork on Linux only"
)
FORKS = pytest.mark.usefixtures("forking_allowed")  # idle threads left by web tests


def _broken(data, ax):
    raise RuntimeError(f"cannot draw {data}")


def _size(data):
    return (2.0, 1.0)


def _alt(data):
    return f"alt {data}"


def _figure(name: str, plot) -> Figure:
    return Figure(name, name, "", name, plot, _size, _alt)


@LINUX
@FORKS
def test_workers_give_the_same_report_bytes():
    case = engine.load_case(CASES / "tiny")
    serial = build_report(case)
    parallel = build_report(case, jobs=2, formats=("html", "md"))
    assert all(f.has_svg for f in parallel.figures.values()), "every SVG drawn by a worker"
    assert not any(f.has_svg for f in serial.figures.values()), "drawn only when asked for"
    assert render_html(serial) == render_html(parallel)
    assert render_markdown(serial) == render_markdown(parallel)


@LINUX
@FORKS
def test_workers_draw_only_what_the_formats_show():
    case = engine.load_case(CASES / "tiny")
    html = build_report(case, jobs=2, formats=("html",))
    drawn = {n for n, f in html.figures.items() if f.has_svg}
    tables = {n for n, f in html.figures.items() if not f.in_html}
    assert tables and all(n.startswith("zone-") for n in tables), "zones are tables in the HTML"
    assert drawn == set(html.figures) - tables
    pdf = build_report(case, jobs=2, formats=("pdf",))
    assert not any(f.has_svg for f in pdf.figures.values()), "the PDF draws PNGs"


@LINUX
@FORKS
def test_a_workers_error_is_raised_by_finish():
    with SvgDrawer(2) as drawer:
        drawer.submit([_figure("bad", _broken)])
        with pytest.raises(RuntimeError, match="cannot draw bad"):
            drawer.finish()


def test_one_job_starts_no_worker(monkeypatch):
    started = []
    monkeypatch.setattr(drawing.multiprocessing, "get_context", lambda *a: started.append(a))
    fig = _figure("bad", _broken)
    with SvgDrawer(1) as drawer:
        drawer.submit([fig])
        drawer.finish()
    assert started == [] and not fig.has_svg


def test_default_jobs_is_within_bounds(monkeypatch):
    assert 1 <= default_jobs() <= helper.MAX_DEFAULT_JOBS
    monkeypatch.setattr(helper, "_forkable", lambda: False)
    assert default_jobs() == 1


def test_jobs_must_be_a_positive_whole_number(capsys):
    from reports.cli.main import main

    for bad in ("0", "-2", "two"):
        with pytest.raises(SystemExit) as exc:
            main(["report", "-j", bad])
        assert exc.value.code == 2
        err = capsys.readouterr().err
        assert "-j/--jobs" in err and f"'{bad}' is not a number of processes" in err


def _answer():
    return {"outcomes": MappingProxyType({"crimea": "frozen"}), "pid": os.getpid()}


def _fails():
    raise ValueError("no package")


@LINUX
@FORKS
def test_the_early_task_runs_in_a_process_of_its_own():
    with SvgDrawer(2, early=(_answer, ())) as drawer:
        got = drawer.early_result()
        assert drawer.early_result() is got  # kept once received
    assert got["pid"] != os.getpid(), "computed in another process"
    assert isinstance(got["outcomes"], MappingProxyType)  # read-only mappings survive the trip
    assert dict(got["outcomes"]) == {"crimea": "frozen"}


@LINUX
@FORKS
def test_the_early_tasks_error_is_raised_here():
    with SvgDrawer(2, early=(_fails, ())) as drawer, pytest.raises(ValueError, match="no package"):
        drawer.early_result()


def test_without_workers_the_early_task_runs_when_asked():
    calls = []

    def task():
        calls.append(os.getpid())
        return 42

    with SvgDrawer(1, early=(task, ())) as drawer:
        assert calls == []
        assert drawer.early_result() == 42
    assert calls == [os.getpid()]


def test_no_fork_while_another_thread_runs(monkeypatch):
    started = []
    monkeypatch.setattr(drawing.multiprocessing, "get_context", lambda *a: started.append(a))
    monkeypatch.setattr(helper.threading, "active_count", lambda: 2)
    with SvgDrawer(2, early=(lambda: 7, ())) as drawer:
        assert drawer.early_result() == 7
    assert started == []


@LINUX
@FORKS
def test_a_helper_forked_before_the_imports_runs_the_early_call():
    """As ``zopa report`` does: the helper is forked first, then handed to the drawer."""
    with Helper(("json",)) as early, SvgDrawer(2, early=(_answer, ()), helper=early) as drawer:
        got = drawer.early_result()
    assert got["pid"] != os.getpid() and dict(got["outcomes"]) == {"crimea": "frozen"}


@LINUX
@FORKS
def test_a_helper_never_called_stops_quietly():
    with Helper(("json",)) as idle:
        pass
    assert not idle._proc.is_alive()
