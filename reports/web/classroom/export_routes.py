"""The teacher's downloads: the class as CSV, JSON, XLSX, an HTML report and a consensus case folder.

Every route here is the teacher's (``Authorization: Bearer <teacher_token>``,
or ``?token=`` since a download is a clicked link): any other caller gets
403, an unknown class 404. They work at any time, before or after the
reveal, and each answers the class as it is when asked (``cache-control:
no-store``).

``GET /api/classes/{code}/export.zip``           everything below in one zip (and README.txt)
``GET /api/classes/{code}/export.json``          one JSON of everything
``GET /api/classes/{code}/export.xlsx``          every table, a sheet each
``GET /api/classes/{code}/export/{table}.csv``   one table (:func:`.exports.table_descriptions`)
``GET /api/classes/{code}/consensus.zip``        the consensus coding as a case folder (409
                                                 under two codings)
``GET /api/classes/{code}/report.html``          the class report (self-contained page)

The class is read in one statement (students joined to their submissions), so
the files of one download agree with each other; the agreement, the ranked
concessions and the scored packages are the memos that ``GET
/api/classes/{code}/agreement``, ``/concessions/ranked`` and ``/packages`` (and
the dashboard) fill, for the same submissions.
"""

from __future__ import annotations

import functools
import re
from typing import Any
from urllib.parse import quote

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from reports.web.classroom import coding, exercise_routes
from reports.web.classroom.class_report import render_class_report
from reports.web.classroom.export_coding import consensus_files
from reports.web.classroom.export_state import ClassState, Submitted, class_state
from reports.web.classroom.exports import (
    class_json,
    class_tables,
    class_xlsx,
    consensus_folder,
    export_files,
    table_csv,
    table_descriptions,
    zip_bytes,
)
from reports.web.classroom.models import Classroom, Student, Submission
from reports.web.classroom.routes import Classes, _call, _classes, _teacher
from reports.web.state import bad_request

__all__ = ["downloads", "export_routes", "read_state"]

#: Bootstrap draws of the agreement: the dashboard's and ``/agreement``'s.
DRAWS = 1000


def _joined(when: Any) -> str:
    return "" if when is None else when.strftime("%Y-%m-%dT%H:%M:%SZ")


def read_state(cls: Classes, info: dict[str, Any]) -> ClassState:
    """The class as it is now: students and submissions read in one statement."""
    case = cls.case_of(info)
    with cls.db.session() as s:
        c = s.scalar(select(Classroom).where(Classroom.code == info["code"]))
        if c is None:  # deleted since the token was checked
            raise bad_request("code", f"no class with code '{info['code']}'", 404)
        rows = s.execute(
            select(
                Student.name,
                Student.joined,
                Submission.kind,
                Submission.revision,
                Submission.body,
                Submission.note,
            )
            .outerjoin(Submission, Submission.student_id == Student.id)
            .where(Student.class_id == c.id)
            .order_by(Student.id, Submission.kind)
        ).all()
        units, exercises, revealed = [list(u) for u in c.units], dict(c.exercises), c.revealed
    students = list(dict.fromkeys((name, _joined(joined)) for name, joined, *_ in rows))
    subs = [
        Submitted(kind, name, revision, body, note or "")
        for name, _, kind, revision, body, note in rows
        if kind is not None
    ]
    codings = [s for s in subs if s.kind == "coding"]
    # the same key as routes.agreement_of, so the dashboard's result is reused
    key = (
        "class-agreement",
        info["code"],
        tuple((s.name, s.revision) for s in codings),
        tuple(map(tuple, units)),
        DRAWS,
    )
    agreement = cls.cases.memo(
        key,
        lambda: coding.class_agreement(
            case, units, {s.name: s.body["positions"] for s in codings}, draws=DRAWS
        ),
    )
    code = info["code"]
    return class_state(
        code,
        case,
        units,
        exercises=exercises,
        revealed=revealed,
        students=students,
        submissions=subs,
        agreement=agreement,
        # the dashboard's remembered results, for the same submissions
        rank=functools.partial(exercise_routes.ranking_of, cls, code),
        score=functools.partial(exercise_routes.packages_of, cls, code),
        scorable_reason=exercise_routes.scorable_of(cls, code, case),
    )


async def _state(request: Request) -> ClassState:
    info = await _teacher(request)
    state: ClassState = await _call(read_state, _classes(request), info)
    return state


def _file_name(text: str) -> str:
    """A file name made of letters, digits, ``.``, ``_`` and ``-`` only."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text) or "class"


def _download(body: str | bytes, media_type: str, name: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={
            "content-disposition": f'attachment; filename="{_file_name(name)}"',
            "cache-control": "no-store",
        },
    )


async def export_zip(request: Request) -> Response:
    """``GET /api/classes/{code}/export.zip``: every file of the export in one zip."""
    state = await _state(request)
    blob = await _call(lambda: zip_bytes(export_files(state, render_class_report(state))))
    return _download(blob, "application/zip", f"zopa-class-{state.code}.zip")


async def export_json(request: Request) -> Response:
    """``GET /api/classes/{code}/export.json``: the class and its results in one JSON."""
    state = await _state(request)
    text = await _call(class_json, state)
    return _download(text, "application/json", f"zopa-class-{state.code}.json")


async def export_xlsx(request: Request) -> Response:
    """``GET /api/classes/{code}/export.xlsx``: every table of the export, a sheet each."""
    state = await _state(request)
    blob = await _call(lambda: class_xlsx(state, class_tables(state)))
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(blob, kind, f"zopa-class-{state.code}.xlsx")


async def export_table(request: Request) -> Response:
    """``GET /api/classes/{code}/export/{table}.csv``: one table of the export."""
    name = request.path_params["table"]
    known = table_descriptions()
    state = await _state(request)
    if name not in known:
        raise bad_request("table", f"no table '{name}'; tables: {', '.join(known)}", 404)
    tables = await _call(class_tables, state)
    text = table_csv(tables[name])
    return _download(text, "text/csv; charset=utf-8", f"zopa-class-{state.code}-{name}.csv")


async def consensus_zip(request: Request) -> Response:
    """``GET /api/classes/{code}/consensus.zip``: the students' consensus as a zipped case folder."""
    state = await _state(request)
    files = await _call(consensus_files, state)
    if files is None:
        n = len(state.of_kind("coding"))
        raise bad_request(
            "consensus",
            f"the consensus needs two codings or more; {n} submitted so far",
            409,
        )
    folder = consensus_folder(state)
    blob = zip_bytes({f"{folder}/{path}": text for path, text in files.items()})
    return _download(blob, "application/zip", f"{folder}.zip")


async def report_html(request: Request) -> Response:
    """``GET /api/classes/{code}/report.html``: the class report, shown in the browser."""
    from reports.web.pages import REPORT_CSP

    state = await _state(request)
    html = await _call(render_class_report, state)
    name = _file_name(f"zopa-class-{state.code}-report.html")
    return HTMLResponse(
        html,
        headers={
            # a self-contained document with its own, stricter policy (inline style only)
            "content-security-policy": REPORT_CSP,
            "content-disposition": f'inline; filename="{name}"',
            "cache-control": "no-store",
        },
    )


def downloads(code: str, token: str) -> list[dict[str, str]]:
    """The teacher page's download links: ``label``, ``href``, ``note``, ``kind`` (csv or file)."""
    base = f"/api/classes/{quote(code)}"
    q = f"?token={quote(token, safe='')}"
    links = [
        ("file", "Everything (.zip)", f"{base}/export.zip{q}",
         "the tables, the JSON, the workbook, the report and the consensus case folder"),
        ("file", "Class report (HTML)", f"{base}/report.html{q}",
         "what each number compares, the disputed positions with justifications; prints well"),
        ("file", "All data (JSON)", f"{base}/export.json{q}", "everything, for a program"),
        ("file", "All tables (XLSX)", f"{base}/export.xlsx{q}", "a sheet per table"),
        ("file", "Consensus coding (case folder, .zip)", f"{base}/consensus.zip{q}",
         "the students' consensus, for zopa check, zopa report or a new class"),
    ]  # fmt: skip
    links += [
        ("csv", f"{name}.csv", f"{base}/export/{name}.csv{q}", text)
        for name, text in table_descriptions().items()
    ]
    return [{"kind": k, "label": label, "href": h, "note": n} for k, label, h, n in links]


def export_routes() -> list[Route]:
    return [
        Route("/api/classes/{code}/export.zip", export_zip),
        Route("/api/classes/{code}/export.json", export_json),
        Route("/api/classes/{code}/export.xlsx", export_xlsx),
        Route("/api/classes/{code}/export/{table}.csv", export_table),
        Route("/api/classes/{code}/consensus.zip", consensus_zip),
        Route("/api/classes/{code}/report.html", report_html),
    ]
