"""Class mode's routes: the JSON API (docs/api.md) and the teacher's and students' pages.

Who may do what
---------------
- anyone with the join code: read the class's frame (case, units), join;
- a student (``Authorization: Bearer <student_token>``): read and replace their
  own submissions; read the class's results once the teacher has revealed them;
- the teacher (``Authorization: Bearer <teacher_token>``, or ``?token=`` on the
  teacher's page and downloads, :mod:`.export_routes`): everything about the
  class. Anything else is 403.

No route reads a cookie, so a page on another site cannot act for a student or
the teacher (no CSRF): tokens travel in the ``Authorization`` header, set by our
own script, and every write takes JSON (or a zip), which a cross-site form
cannot send without the browser asking first (CORS preflight, refused).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from typing import Any

import anyio.to_thread
import segno
from anyio import CapacityLimiter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from engine import Case
from reports.web.classroom import coding, store
from reports.web.classroom.db import Database
from reports.web.classroom.upload import MAX_UPLOAD, load_zip
from reports.web.state import CaseStore, bad_request, json_body

__all__ = ["QUICK_THREADS", "Classes", "routes"]

#: Threads kept for the quick verbs a whole class calls at once (join, submit,
#: read back, the dashboard's poll). A burst of forty requests is served sooner
#: by a few threads than by forty taking turns with the GIL (p95 under load
#: halved; tests/benchmarks/load_classroom.py), and a few stay within the
#: database's connection pool.
QUICK_THREADS = 8


class Classes:
    """What the routes share: the database, the cases of the classes, a memo of results.

    A class's case never changes once the class is made, so the case of each
    class is kept here by class code: a request does not rebuild it, nor read
    or hash an uploaded case folder again.
    """

    def __init__(self, db: Database, cases: CaseStore):
        self.db = db
        self.cases = cases
        self._uploaded: dict[str, Case] = {}
        self._by_code: dict[str, Case] = {}
        self._lock = threading.Lock()
        self._quick = CapacityLimiter(QUICK_THREADS)

    async def quick(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)`` in one of the :data:`QUICK_THREADS` threads (a quick database verb)."""
        return await anyio.to_thread.run_sync(fn, *args, limiter=self._quick)

    def case_of(self, info: dict[str, Any]) -> Case:
        """The case of the class ``info`` (:func:`store.class_info`, with or without ``case_zip``)."""
        code = info["code"]
        with self._lock:
            known = self._by_code.get(code)
        if known is not None:
            return known
        if "case_zip" in info:
            blob = info["case_zip"]
        else:
            blob = store.case_zip(self.db, code) if info.get("uploaded") else None
        case = self.cases.get(info["case"]) if blob is None else self._load(blob)
        with self._lock:
            self._by_code[code] = case
        return case

    def _load(self, blob: bytes) -> Case:
        key = hashlib.sha256(blob).hexdigest()
        with self._lock:
            if key not in self._uploaded:
                self._uploaded[key] = load_zip(blob)
            return self._uploaded[key]


def _classes(request: Request) -> Classes:
    c: Classes = request.app.state.classes
    return c


def _bearer(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip() or None
    return None


async def _call(fn: Callable[..., Any], *args: Any) -> Any:
    return await run_in_threadpool(fn, *args)


def _code(request: Request) -> str:
    return str(request.path_params["code"]).upper()


def join_url(request: Request, code: str) -> str:
    return str(request.base_url).rstrip("/") + f"/join/{code}"


def teacher_url(request: Request, code: str, token: str) -> str:
    return str(request.base_url).rstrip("/") + f"/class/{code}/teacher?token={token}"


# ---------------------------------------------------------------- JSON API


async def create(request: Request) -> Response:
    """``POST /api/classes``: JSON ``{"case", "units", "exercises"}``, or a case folder zipped.

    A zipped case folder (``application/zip``) takes ``?units=`` (or
    ``?parties=&issues=``) and ``?exercises=`` (the ones open at the start,
    comma-separated) in the query.
    """
    cls = _classes(request)
    ctype = request.headers.get("content-type", "")
    blob: bytes | None = None
    if ctype.startswith(("application/zip", "application/x-zip", "application/octet-stream")):
        blob = await request.body()
        case = await _call(load_zip, blob)
        q = request.query_params
        units_raw = [u for u in q.get("units", "").split(",") if u.strip()]
        units = (
            coding.check_units(case, units_raw)
            if units_raw
            else coding.units_of(case, q.get("parties"), q.get("issues"))
        )
        raw = q.get("exercises")
        chosen = None if raw is None else [e.strip() for e in raw.split(",") if e.strip()]
    else:
        body = await json_body(request)
        if not isinstance(body.get("case"), str):
            raise bad_request(
                "case", f"required: a case id; cases: {', '.join(cls.cases.folders)}"
            )
        case = await _call(cls.cases.get, body["case"])
        units = (
            coding.check_units(case, body.get("units"))
            if body.get("units")
            else coding.units_of(case, body.get("parties"), body.get("issues"))
        )
        chosen = body.get("exercises")
    exercises = await _call(_exercises().check_exercises, case, chosen)
    code, token = await _call(store.create_class, cls.db, case.id, units, blob, exercises)
    return JSONResponse(
        {
            "code": code,
            "teacher_token": token,
            "join_url": join_url(request, code),
            "teacher_url": teacher_url(request, code, token),
            "case": case.id,
            "units": units,
            "exercises": exercises,
        },
        201,
    )


def _frame(case: Case, info: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": info["code"],
        "case": case.id,
        "title": case.title,
        "as_of": case.as_of.isoformat(),
        "units": info["units"],
        "exercises": info["exercises"],
        "revealed": info["revealed"],
    }


async def show(request: Request) -> Response:
    """``GET /api/classes/{code}``: the class's frame (anyone with the code)."""
    cls = _classes(request)
    info = await _call(store.public_class, cls.db, _code(request))
    case = await _call(cls.case_of, info)
    return JSONResponse(_frame(case, info))


async def join(request: Request) -> Response:
    cls = _classes(request)
    body = await json_body(request)
    name, token = await cls.quick(store.join_class, cls.db, _code(request), body.get("name"))
    return JSONResponse({"student_token": token, "name": name}, 201)


async def put_coding(request: Request) -> Response:
    cls = _classes(request)
    code = _code(request)
    token = _bearer(request)
    body = await json_body(request)

    def check(info: dict[str, Any]) -> dict[str, Any]:
        case = cls.case_of(info)
        return {"positions": coding.check_coding(case, info["units"], body)}

    revision, name, saved = await cls.quick(store.submit, cls.db, code, token, "coding", check)
    return JSONResponse(
        {"saved": True, "name": name, "revision": revision, "positions": saved["positions"]}
    )


async def get_coding(request: Request) -> Response:
    cls = _classes(request)
    got = await cls.quick(
        store.student_submission, cls.db, _code(request), _bearer(request), "coding"
    )
    if got is None:
        return JSONResponse({"positions": {}, "revision": 0})
    return JSONResponse({"positions": got["body"]["positions"], "revision": got["revision"]})


async def _teacher(request: Request) -> dict[str, Any]:
    token = _bearer(request) or request.query_params.get("token")
    info: dict[str, Any] = await _call(
        store.teacher_class, _classes(request).db, _code(request), token
    )
    return info


def agreement_of(cls: Classes, info: dict[str, Any], draws: int = 1000) -> dict[str, Any]:
    """The class agreement, computed once per state of the submissions (memo)."""
    case = cls.case_of(info)
    subs = store.submissions(cls.db, info["code"], "coding")
    key = (
        "class-agreement",
        info["code"],
        tuple((n, r) for n, _, r in subs),
        tuple(map(tuple, info["units"])),
        draws,
    )
    codings = {n: b["positions"] for n, b, _ in subs}
    result: dict[str, Any] = cls.cases.memo(
        key, lambda: coding.class_agreement(case, info["units"], codings, draws=draws)
    )
    return result


async def dashboard(request: Request) -> Response:
    """``GET /api/classes/{code}/dashboard`` (teacher): who joined and submitted; α after reveal."""
    cls = _classes(request)
    token = _bearer(request) or request.query_params.get("token")

    def poll() -> tuple[dict[str, Any], dict[str, Any]]:  # one thread trip, one connection
        info, people = store.teacher_roster(cls.db, _code(request), token)
        out = {**_frame(cls.case_of(info), info), "students": people}
        out["submitted"] = sum(1 for p in people if "coding" in p["submitted"])  # kept: codings
        kinds = dict.fromkeys([*store.EXERCISES, *(k for p in people for k in p["submitted"])])
        out["submitted_per_exercise"] = {
            k: sum(1 for p in people if k in p["submitted"]) for k in kinds
        }
        return info, out

    info, out = await cls.quick(poll)
    if info["revealed"]:  # α can take seconds the first time: not in a quick thread
        out["agreement"] = await _call(agreement_of, cls, info)
    out.update(await _call(_exercises().dashboard_part, cls, info))
    return JSONResponse(out)


async def agreement(request: Request) -> Response:
    """``GET /api/classes/{code}/agreement`` (teacher): α per variable with intervals, and more."""
    cls = _classes(request)
    info = await _teacher(request)
    return JSONResponse(await _call(agreement_of, cls, info))


async def results(request: Request) -> Response:
    """``GET /api/classes/{code}/results`` (a student of the class, after the reveal)."""
    cls = _classes(request)
    info, _ = await _call(store.student_of, cls.db, _code(request), _bearer(request))
    if not info["revealed"]:
        raise bad_request("results", "the teacher has not revealed the class's results yet", 403)
    return JSONResponse(await _call(agreement_of, cls, info))


async def reveal(request: Request) -> Response:
    cls = _classes(request)
    info = await _teacher(request)
    await _call(store.reveal, cls.db, info["code"], True)
    return JSONResponse({"revealed": True})


async def exercise(request: Request) -> Response:
    cls = _classes(request)
    info = await _teacher(request)
    body = await json_body(request)
    if not isinstance(body.get("open"), bool):
        raise bad_request("open", "required: true (open the exercise) or false (close it)")
    name = request.path_params["exercise"]
    await _call(_exercises().check_opening, cls, info, name, body["open"])
    ex = await _call(store.set_exercise, cls.db, info["code"], name, body["open"])
    return JSONResponse({"exercises": ex})


# ---------------------------------------------------------------- pages


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as an SVG data: URI (the CSP allows ``img-src data:``)."""
    uri: str = segno.make(url, error="m").svg_data_uri(scale=6, border=2)
    return uri


async def new_page(request: Request) -> Response:
    from reports.web.pages import render

    cls = _classes(request)
    cases = await _call(lambda: [cls.cases.get(c) for c in cls.cases.folders])
    scorable = _exercises().debrief.scorable
    return HTMLResponse(
        render(
            "class_new.html.j2",
            cases=cases,
            # why each case cannot be debriefed ("" when it can): the debrief box says so
            unscorable=await _call(lambda: {c.id: scorable(c) for c in cases}),
            default=cls.cases.default,
            max_upload=MAX_UPLOAD // 2**20,
        )
    )


async def teacher_page(request: Request) -> Response:
    from reports.web.classroom.export_routes import downloads
    from reports.web.pages import render

    cls = _classes(request)
    info = await _teacher(request)
    case = await _call(cls.case_of, info)
    url = join_url(request, info["code"])
    html = render(
        "class_teacher.html.j2",
        code=info["code"],
        case=case,
        units=info["units"],
        exercises=info["exercises"],
        running=_exercises().running_words(info["exercises"], len(info["units"])),
        join_url=url,
        qr=qr_svg(url),
        token=request.query_params.get("token", ""),
        downloads=downloads(info["code"], request.query_params.get("token", "")),
    )
    return HTMLResponse(html, headers={"cache-control": "no-store"})


async def join_page(request: Request) -> Response:
    from reports.web.pages import render

    cls = _classes(request)
    info = await _call(store.public_class, cls.db, _code(request))
    case = await _call(cls.case_of, info)
    return HTMLResponse(render("class_join.html.j2", code=info["code"], case=case))


async def student_page(request: Request) -> Response:
    from reports.web.pages import render

    cls = _classes(request)
    info = await _call(store.public_class, cls.db, _code(request))
    case = await _call(cls.case_of, info)
    issues = {i.id: i for i in case.issues}
    units = [{"party": case.party(p), "issue": issues[i]} for p, i in info["units"]]
    return HTMLResponse(
        render(
            "class_student.html.j2",
            code=info["code"],
            case=case,
            units=units,
            sources=case.sources,
        )
    )


def _exercises() -> Any:
    """:mod:`.exercise_routes` (imported on use: it imports this module)."""
    from reports.web.classroom import exercise_routes

    return exercise_routes


def routes() -> list[Route]:
    from reports.web.classroom.export_routes import export_routes  # it imports this module

    return [
        *_exercises().routes(),
        Route("/api/classes", create, methods=["POST"]),
        Route("/api/classes/{code}", show),
        Route("/api/classes/{code}/students", join, methods=["POST"]),
        Route("/api/classes/{code}/coding", put_coding, methods=["PUT"]),
        Route("/api/classes/{code}/coding", get_coding, methods=["GET"]),
        Route("/api/classes/{code}/dashboard", dashboard),
        Route("/api/classes/{code}/agreement", agreement),
        Route("/api/classes/{code}/results", results),
        Route("/api/classes/{code}/reveal", reveal, methods=["POST"]),
        Route("/api/classes/{code}/exercises/{exercise}", exercise, methods=["POST"]),
        Route("/class", new_page),
        Route("/class/{code}/teacher", teacher_page),
        Route("/class/{code}/student", student_page),
        Route("/join/{code}", join_page),
        *export_routes(),
    ]
