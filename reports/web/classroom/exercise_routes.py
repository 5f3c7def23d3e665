"""Routes of the concessions and debrief exercises (docs/api.md, "Class mode").

Who may do what is as for coding (:mod:`reports.web.classroom.routes`): a
student reads and replaces only their own submission of each exercise (their
bearer token) while the exercise is open (else 409); the class's results —
the ranked concessions, the scored packages — are the teacher's, and a
student's once the teacher has revealed the class's results (else 403).

Submissions are stored with :func:`reports.web.classroom.store.submit`, one
per student per exercise: the kind is the exercise's name (``concessions``,
``debrief``), so the store's open/closed check applies unchanged. Results
are computed by the pure functions of :mod:`.concessions` and :mod:`.debrief`
and remembered per state of the submissions (the dashboard polls).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import engine
from engine import Case
from engine.model.errors import unknown_message
from reports.web import views
from reports.web.classroom import concessions, debrief, store
from reports.web.classroom.entries import Submissions, saved_now
from reports.web.classroom.routes import Classes, _bearer, _call, _classes, _code, _teacher
from reports.web.state import BadRequest, bad_request, json_body

__all__ = [
    "check_exercises",
    "check_opening",
    "class_concessions",
    "class_packages",
    "dashboard_part",
    "routes",
    "running_words",
]


# ---------------------------------------------------------------- results, remembered


def _revisions(subs: Submissions) -> tuple[tuple[str, int], ...]:
    return tuple((n, r) for n, _, r in subs)


def _effect(cls: Classes, code: str) -> concessions.Effect:
    """:func:`.concessions.concession_effect`, remembered per class and set of changes."""

    def effect(case: Case, changes: Any, **kw: Any) -> dict[str, Any]:
        key = (
            "class-concession",
            code,
            json.dumps(changes, sort_keys=True),
            repr(sorted(kw.items())),
        )
        got: dict[str, Any] = cls.cases.memo(
            key, lambda: concessions.concession_effect(case, changes, **kw)
        )
        return got

    return effect


def _own_effect(cls: Classes, code: str, case: Case, changes: Any) -> dict[str, Any]:
    """One proposal's effect, measured as the ranking measures it (the same remembered result)."""
    return _effect(cls, code)(case, changes, at=case.as_of, parties=case.party_ids)


def ranking_of(cls: Classes, code: str, case: Case, subs: Submissions) -> dict[str, Any]:
    """:func:`.concessions.class_ranking` of class ``code``'s proposals, remembered per state."""
    key = ("class-concessions", code, _revisions(subs))
    result: dict[str, Any] = cls.cases.memo(
        key, lambda: concessions.class_ranking(case, subs, effect=_effect(cls, code))
    )
    return result


def packages_of(cls: Classes, code: str, case: Case, subs: Submissions) -> dict[str, Any]:
    """:func:`.debrief.scored_packages` of class ``code``'s packages, with the plot, remembered."""
    key = ("class-packages", code, _revisions(subs))
    result: dict[str, Any] = cls.cases.memo(
        key, lambda: debrief.scored_packages(case, subs, figure=True)
    )
    return result


def class_concessions(cls: Classes, info: dict[str, Any]) -> dict[str, Any]:
    """The class's proposals ranked (:func:`.concessions.class_ranking`), with the frame."""
    subs = store.submissions(cls.db, info["code"], "concessions")
    return ranking_of(cls, info["code"], cls.case_of(info), subs)


def class_packages(cls: Classes, info: dict[str, Any]) -> dict[str, Any]:
    """The class's packages scored (:func:`.debrief.scored_packages`), with the plot."""
    subs = store.submissions(cls.db, info["code"], "debrief")
    return packages_of(cls, info["code"], cls.case_of(info), subs)


def scorable_of(cls: Classes, code: str, case: Case) -> str:
    """:func:`.debrief.scorable` of class ``code``'s case, remembered."""
    reason: str = cls.cases.memo(("class-scorable", code), lambda: debrief.scorable(case))
    return reason


def _scorable(cls: Classes, info: dict[str, Any]) -> str:
    return scorable_of(cls, info["code"], cls.case_of(info))


def dashboard_part(cls: Classes, info: dict[str, Any]) -> dict[str, Any]:
    """What the teacher's dashboard adds for these exercises.

    ``debrief``: ``scorable`` (bool) and ``scorable_reason`` always, and the
    scored packages once the exercise has been opened; ``concessions``: the
    ranked proposals once that exercise has been opened.
    """
    reason = _scorable(cls, info)
    out: dict[str, Any] = {"debrief": {"scorable": not reason, "scorable_reason": reason}}
    if "concessions" in info["exercises"]:
        out["concessions"] = class_concessions(cls, info)
    if "debrief" in info["exercises"] and not reason:
        out["debrief"].update(class_packages(cls, info))
    return out


def _not_scorable(reason: str) -> str:
    return (
        "the debrief needs a scorable case, one whose roles have points tables "
        f"(values on every position, like harbour-lease): {reason}"
    )


def check_opening(cls: Classes, info: dict[str, Any], exercise: str, is_open: bool) -> None:
    """Refuse (409) to open the debrief on a case that cannot be scored."""
    if exercise == "debrief" and is_open:
        reason = _scorable(cls, info)
        if reason:
            raise bad_request("exercise", _not_scorable(reason), 409)


#: What a class runs, in the teacher page's words.
_RUN_NAMES = {
    "coding": "coding",
    "concessions": "concessions",
    "debrief": "the negotiation debrief",
}


def _chosen(raw: Any, errors: list[dict[str, str]]) -> dict[str, str]:
    """Exercise → where it was asked for, for the exercises ``raw`` opens."""
    known = store.EXERCISES
    allowed = f"exercises: {', '.join(known)}"
    if isinstance(raw, Mapping):
        chosen = {"coding": ""}  # a mapping changes the defaults: coding open, the others closed
        for name, value in raw.items():
            where = f"exercises.{name}"
            if name not in known:
                errors.append(
                    {"field": where, "message": unknown_message("exercise", name, known)}
                )
            elif not isinstance(value, bool):
                errors.append(
                    {"field": where, "message": "required: true (open at the start) or false"}
                )
            elif value:
                chosen[name] = where
            else:
                chosen.pop(name, None)
        return chosen
    if isinstance(raw, list):
        chosen = {}
        for n, name in enumerate(raw):
            if isinstance(name, str) and name in known:
                chosen[name] = f"exercises[{n}]"
            else:
                message = (
                    unknown_message("exercise", name, known)
                    if isinstance(name, str)
                    else f"expected an exercise's name; {allowed}"
                )
                errors.append({"field": f"exercises[{n}]", "message": message})
        return chosen
    errors.append(
        {
            "field": "exercises",
            "message": "expected {exercise: true or false} or a list of the exercises open at "
            f"the start; {allowed}",
        }
    )
    return {}


def check_exercises(case: Case, raw: Any) -> dict[str, str]:
    """The exercises a new class starts with open (``POST /api/classes``'s ``exercises``).

    Parameters
    ----------
    case : Case
        The class's case (the debrief needs a scorable one, :func:`.debrief.scorable`).
    raw : mapping, list or None
        ``{exercise: bool}`` (an exercise not given keeps its default: coding
        open, the others closed), or the list of the exercises open at the
        start (the others closed); None: the default.

    Returns
    -------
    dict
        Exercise → ``"open"``, for the open ones only (an exercise not listed
        is closed and has never been opened), in :data:`.store.EXERCISES` order.

    Examples
    --------
    >>> import engine
    >>> check_exercises(engine.load_case("harbour-lease"), ["debrief"])
    {'debrief': 'open'}
    >>> try:
    ...     check_exercises(engine.load_case("tests/cases/tiny"), {"debrief": True, "codng": False})
    ... except BadRequest as exc:
    ...     print([e["field"] for e in exc.errors])
    ['exercises.codng', 'exercises.debrief']
    """
    if raw is None:
        return {"coding": "open"}
    errors: list[dict[str, str]] = []
    chosen = _chosen(raw, errors)
    if "debrief" in chosen:
        reason = debrief.scorable(case)
        if reason:
            errors.append(
                {"field": chosen["debrief"] or "exercises", "message": _not_scorable(reason)}
            )
    if errors:
        raise BadRequest(errors)
    return {name: "open" for name in store.EXERCISES if name in chosen}


def running_words(exercises: Mapping[str, str], units: int) -> str:
    """What a class runs, for the teacher page's header (classroom.js says the same).

    Examples
    --------
    >>> running_words({"coding": "closed", "debrief": "open"}, 10)
    'Open: the negotiation debrief · Closed: coding'
    >>> running_words({"coding": "open"}, 4)
    'Open: coding (4 positions to code)'
    """

    def name(ex: str) -> str:
        if ex == "coding" and exercises[ex] == "open":
            return f"coding ({units} position{'' if units == 1 else 's'} to code)"
        return _RUN_NAMES.get(ex, ex)

    opened = [name(e) for e in store.EXERCISES if exercises.get(e) == "open"]
    closed = [name(e) for e in store.EXERCISES if exercises.get(e) == "closed"]
    if not opened and not closed:
        return "No exercise open yet: open one below"
    text = "Open: " + ", ".join(opened) if opened else "No exercise open"
    return text + (" · Closed: " + ", ".join(closed) if closed else "")


# ---------------------------------------------------------------- who reads results


async def _reader(request: Request) -> dict[str, Any]:
    """The class, for its teacher, or for a student of it once the results are revealed."""
    try:
        return await _teacher(request)
    except BadRequest as exc:
        if exc.status != 403 or not _bearer(request):
            raise
    info, _ = await _call(store.student_of, _classes(request).db, _code(request), _bearer(request))
    if not info["revealed"]:
        raise bad_request("results", "the teacher has not revealed the class's results yet", 403)
    return dict(info)


# ---------------------------------------------------------------- concessions


async def put_concessions(request: Request) -> Response:
    """``PUT /api/classes/{code}/concessions`` (student): replace the student's proposal."""
    cls = _classes(request)
    body = await json_body(request)
    seen: dict[str, Case] = {}

    def check(info: dict[str, Any]) -> dict[str, Any]:
        seen["case"] = cls.case_of(info)
        return {**concessions.check_proposal(seen["case"], body), "saved": saved_now()}

    code = _code(request)
    revision, name, saved = await _call(
        store.submit, cls.db, code, _bearer(request), "concessions", check
    )
    effect = await _call(_own_effect, cls, code, seen["case"], saved["changes"])
    return JSONResponse({"saved": True, "name": name, "revision": revision, **_own(saved, effect)})


def _own(saved: dict[str, Any], effect: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "changes": saved.get("changes", []),
        "rationale": saved.get("rationale", ""),
        "group": saved.get("group"),
        "effect": effect,
    }


async def get_concessions(request: Request) -> Response:
    """``GET /api/classes/{code}/concessions`` (student): their own proposal and its effect."""
    cls = _classes(request)
    code = _code(request)
    got = await _call(store.student_submission, cls.db, code, _bearer(request), "concessions")
    if got is None:
        return JSONResponse({"revision": 0, **_own({}, None)})
    info = await _call(store.public_class, cls.db, code)
    case = await _call(cls.case_of, info)
    effect = await _call(_own_effect, cls, code, case, got["body"]["changes"])
    return JSONResponse({"revision": got["revision"], **_own(got["body"], effect)})


async def positions(request: Request) -> Response:
    """``GET /api/classes/{code}/concessions/positions``: the positions a proposal starts from.

    The teacher's, or a student's while the concessions exercise is open (the
    case's positions are the coding exercise's key: never shown before).
    """
    cls = _classes(request)
    try:
        info = await _teacher(request)
    except BadRequest as exc:
        if exc.status != 403 or not _bearer(request):
            raise
        info, _ = await _call(store.student_of, cls.db, _code(request), _bearer(request))
        if info["exercises"].get("concessions") != "open":
            raise bad_request(
                "concessions",
                "the concessions exercise is closed; ask the teacher to open it",
                409,
            ) from None
    case = await _call(cls.case_of, info)

    def compute() -> dict[str, Any]:
        return {
            "at": case.as_of.isoformat(),
            "parties": [{"id": p.id, "name": p.name, "short": p.short_name} for p in case.parties],
            "map": views.position_map(case, case.as_of, case.party_ids),
            "total_conflict": float(engine.total_conflict(case, at=case.as_of)),
        }

    return JSONResponse(await _call(cls.cases.memo, ("class-positions", info["code"]), compute))


async def ranked(request: Request) -> Response:
    """``GET /api/classes/{code}/concessions/ranked`` (teacher; students after the reveal)."""
    cls = _classes(request)
    info = await _reader(request)
    return JSONResponse(await _call(class_concessions, cls, info))


# ---------------------------------------------------------------- debrief


async def put_package(request: Request) -> Response:
    """``PUT /api/classes/{code}/package`` (student): replace the group's package."""
    cls = _classes(request)
    body = await json_body(request)

    def check(info: dict[str, Any]) -> dict[str, Any]:
        return {**debrief.check_package(cls.case_of(info), body), "saved": saved_now()}

    revision, name, saved = await _call(
        store.submit, cls.db, _code(request), _bearer(request), "debrief", check
    )
    return JSONResponse(
        {
            "saved": True,
            "name": name,
            "revision": revision,
            "package": saved["package"],
            "group": saved.get("group"),
        }
    )


async def get_package(request: Request) -> Response:
    """``GET /api/classes/{code}/package`` (student): their own package."""
    cls = _classes(request)
    got = await _call(
        store.student_submission, cls.db, _code(request), _bearer(request), "debrief"
    )
    if got is None:
        return JSONResponse({"package": {}, "group": None, "revision": 0})
    body = got["body"]
    return JSONResponse(
        {"package": body["package"], "group": body.get("group"), "revision": got["revision"]}
    )


async def packages(request: Request) -> Response:
    """``GET /api/classes/{code}/packages`` (teacher; students after the reveal)."""
    cls = _classes(request)
    info = await _reader(request)
    reason = await _call(_scorable, cls, info)
    if reason:
        raise bad_request("case", f"this class's case cannot be scored: {reason}", 409)
    return JSONResponse(await _call(class_packages, cls, info))


def routes() -> list[Route]:
    """The exercises' routes (added to :func:`reports.web.classroom.routes.routes`)."""
    return [
        Route("/api/classes/{code}/concessions", put_concessions, methods=["PUT"]),
        Route("/api/classes/{code}/concessions", get_concessions, methods=["GET"]),
        Route("/api/classes/{code}/concessions/positions", positions),
        Route("/api/classes/{code}/concessions/ranked", ranked),
        Route("/api/classes/{code}/package", put_package, methods=["PUT"]),
        Route("/api/classes/{code}/package", get_package, methods=["GET"]),
        Route("/api/classes/{code}/packages", packages),
    ]
