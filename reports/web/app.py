"""The explorer's ASGI application: pages, fragments, downloads and the JSON API.

Routes
------
``GET /``                                 the default case's explorer
``GET /explore/{case}``                   the explorer; the state is in the query
                                          (``at``, ``parties``, ``s`` = the changes)
``POST /explore/{case}/view``             HTML of the map and results for a state
``POST /explore/{case}/settlement``       HTML of the packages for a state
``GET /explore/{case}/scenario.yaml``     the changes as a scenario file
``GET /explore/{case}/report.html``       the full report of the changed case
``GET /api/health``, ``GET /api/cases``, ``GET /api/cases/{case}/scenarios/{id}``,
``POST /api/whatif``                      the JSON API (docs/api.md)

Every error a client can cause is answered with 400 (or 404, 405, 413) and
``{"errors": [{"field", "message"}]}`` naming what is wrong and what is allowed;
an unexpected failure is logged here and answered with a short 500 message,
never a traceback.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import engine
from engine import Case, CaseError, Scenario, UnknownIdError, ZopaError
from engine.whatif.requests import scenario_from_mappings
from reports.export.caseio import scenario_mapping, scenario_yaml
from reports.web import results, views

__all__ = ["MAX_BODY", "CaseStore", "create_app"]

log = logging.getLogger("zopa.serve")

#: Largest request body accepted (bytes): a what-if request is a few KB.
MAX_BODY = 256 * 1024
#: Most changes one request may carry.
MAX_CHANGES = 500
#: How many computed results the server keeps (see :meth:`CaseStore.memo`).
MEMO_SIZE = 512

#: Sent with every response: no inline script, nothing from other origins.
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


class BadRequest(ZopaError):
    """A request the API cannot serve: carries the located problems."""

    def __init__(self, errors: Sequence[Mapping[str, str]], status: int = 400):
        self.errors = [dict(e) for e in errors]
        self.status = status
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in self.errors))


def _error(field_: str, message: str, status: int = 400) -> BadRequest:
    return BadRequest([{"field": field_, "message": message}], status)


@dataclass
class CaseStore:
    """The cases the server offers, loaded once on first use and kept (cases are immutable).

    It also remembers the last :data:`MEMO_SIZE` results computed for a state
    (case, date, parties, changes), so going back and forth (undo, redo, the
    unchanged side of every comparison) costs nothing.
    """

    folders: dict[str, Path]
    default: str
    _loaded: dict[str, Case] = field(default_factory=dict)
    _memo: OrderedDict[tuple[Any, ...], Any] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def memo(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """``compute()``, or its result for the same ``key`` if it is still remembered."""
        with self._lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                return self._memo[key]
        value = compute()
        with self._lock:
            self._memo[key] = value
            while len(self._memo) > MEMO_SIZE:
                self._memo.popitem(last=False)
        return value

    @classmethod
    def from_arguments(cls, case: str | None = None) -> CaseStore:
        """The shipped cases, plus a case folder given on the command line (the default then)."""
        folders = dict(engine.shipped_cases())
        default = "ukraine-russia" if "ukraine-russia" in folders else next(iter(folders), "")
        if case:
            folder = engine.case_folder(case)
            loaded = engine.load_case(folder)
            folders[loaded.id] = folder
            default = loaded.id
            store = cls(folders, default)
            store._loaded[loaded.id] = loaded
            return store
        return cls(folders, default)

    def get(self, case_id: str, field_: str = "case") -> Case:
        if case_id not in self.folders:
            msg = engine.UnknownIdError("case", str(case_id), list(self.folders)).args[0]
            raise _error(field_, msg, 404 if field_ == "path" else 400)
        if case_id not in self._loaded:
            self._loaded[case_id] = engine.load_case(self.folders[case_id])
        return self._loaded[case_id]


@dataclass(frozen=True)
class State:
    """One explorer state: a case, a date, parties, and the changes made to it."""

    case: Case
    at: Any
    parties: tuple[str, ...]
    changes: list[dict[str, Any]]
    scenario: Scenario
    changed: Case

    def key(self, *, changed: bool = True) -> tuple[Any, ...]:
        """What identifies this state's results (``changed=False``: the case as coded)."""
        text = json.dumps(self.changes, sort_keys=True) if changed and self.changes else "[]"
        return (self.case.id, str(self.at), self.parties, text)

    def side(self, store: CaseStore, *, changed: bool) -> dict[str, Any]:
        case = self.changed if changed else self.case
        return store.memo(
            ("side", *self.key(changed=changed)),
            lambda: views.side(case, at=self.at, parties=self.parties),
        )

    def settlement(self, store: CaseStore, *, changed: bool) -> dict[str, Any]:
        case = self.changed if changed else self.case
        return store.memo(
            ("settlement", *self.key(changed=changed)),
            lambda: results.settlement_result(case, at=self.at, parties=self.parties),
        )

    def page(self, store: CaseStore) -> dict[str, Any]:
        return views.page_context(
            self.case,
            self.changed,
            at=self.at,
            parties=self.parties,
            before=self.side(store, changed=False),
            after=self.side(store, changed=True),
        )


def _problems(exc: CaseError) -> list[dict[str, str]]:
    return [{"field": p.field or "case", "message": p.message} for p in exc.problems]


def _state(store: CaseStore, case_id: str, body: Mapping[str, Any]) -> State:
    """Validate a request's ``at``, ``parties`` and ``changes`` against a case."""
    case = store.get(case_id)
    errors: list[dict[str, str]] = []
    at: Any = case.as_of
    if body.get("at") not in (None, ""):
        try:
            at = engine.as_date(body["at"], "at")
        except CaseError as exc:
            errors += _problems(exc)
    parties: tuple[str, ...] = case.party_ids
    raw_parties = body.get("parties")
    if raw_parties not in (None, []):
        if not isinstance(raw_parties, list) or not all(isinstance(p, str) for p in raw_parties):
            errors.append({"field": "parties", "message": "must be a list of party ids"})
        else:
            try:
                parties = case.resolve_parties(raw_parties)
            except UnknownIdError as exc:
                errors.append({"field": "parties", "message": exc.args[0]})
    changes = body.get("changes", [])
    if isinstance(changes, list) and len(changes) > MAX_CHANGES:
        errors.append({"field": "changes", "message": f"at most {MAX_CHANGES} changes"})
    if errors:
        raise BadRequest(errors)
    try:
        scenario = scenario_from_mappings(case, changes, at=at, title="explorer changes")
        changed = engine.apply(case, scenario, at=at) if scenario.changes else case
    except CaseError as exc:
        raise BadRequest(_problems(exc)) from None
    return State(case, at, parties, changes, scenario, changed)


async def _json_body(request: Request) -> dict[str, Any]:
    if "json" not in request.headers.get("content-type", ""):
        raise _error("body", "send JSON (Content-Type: application/json)", 415)
    raw = await request.body()
    try:
        body = json.loads(raw or b"{}")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _error("body", f"not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise _error("body", "must be a JSON object")
    return body


def decode_state(token: str) -> list[dict[str, Any]]:
    """The changes carried in a permalink's ``s`` parameter (base64url of compact JSON)."""
    if not token:
        return []
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError, ValueError):
        raise _error("s", "not a zopa explorer state (base64url-encoded JSON)") from None
    if not isinstance(data, list):
        raise _error("s", "must encode a list of changes")
    return data


def encode_state(changes: Sequence[Mapping[str, Any]]) -> str:
    """The inverse of :func:`decode_state`: sorted keys, no padding, same state → same link."""
    text = json.dumps(list(changes), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def _query_body(request: Request) -> dict[str, Any]:
    q = request.query_params
    body: dict[str, Any] = {"changes": decode_state(q.get("s", ""))}
    if q.get("at"):
        body["at"] = q["at"]
    if q.get("parties"):
        body["parties"] = [p for p in q["parties"].split(",") if p]
    return body


_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("reports.web", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)
_TEMPLATES.filters["num"] = lambda x, d=2: "–" if x is None else f"{x:.{d}f}"


def _render(name: str, **context: Any) -> str:
    return _TEMPLATES.get_template(name).render(**context)


def _case_summary(case: Case) -> dict[str, Any]:
    return {
        "id": case.id,
        "title": case.title,
        "parties": list(case.party_ids),
        "issues": [i.id for i in case.issues],
        "as_of": case.as_of.isoformat(),
    }


def _routes(store: CaseStore) -> list[Any]:
    async def home(request: Request) -> Response:
        return RedirectResponse(f"/explore/{store.default}", status_code=307)

    async def explore(request: Request) -> Response:
        case_id = request.path_params["case"]
        store.get(case_id, "path")
        state = await run_in_threadpool(_state, store, case_id, _query_body(request))
        ctx = await run_in_threadpool(state.page, store)
        page = _render(
            "explorer.html.j2",
            **ctx,
            cases=[store.get(c) for c in store.folders],
            snapshots=state.case.snapshot_dates(),
            scenarios=state.case.scenarios,
            initial={
                "case": case_id,
                "at": ctx["at"],
                "parties": list(state.parties) if state.parties != state.case.party_ids else [],
                "changes": state.changes,
            },
        )
        return HTMLResponse(page)

    async def view(request: Request) -> Response:
        state = await run_in_threadpool(
            _state, store, request.path_params["case"], await _json_body(request)
        )
        ctx = await run_in_threadpool(state.page, store)
        return HTMLResponse(_render("results.html.j2", **ctx))

    async def settlement(request: Request) -> Response:
        state = await run_in_threadpool(
            _state, store, request.path_params["case"], await _json_body(request)
        )

        def both() -> tuple[dict[str, Any], dict[str, Any]]:
            return state.settlement(store, changed=False), state.settlement(store, changed=True)

        before, after = await run_in_threadpool(both)
        return HTMLResponse(
            _render("settlement.html.j2", before=before, after=after, case=state.case)
        )

    async def scenario_file(request: Request) -> Response:
        state = await run_in_threadpool(
            _state, store, request.path_params["case"], _query_body(request)
        )
        text = scenario_yaml(state.case, state.scenario)
        name = f"{state.case.id}-explorer.yaml"
        return PlainTextResponse(
            text,
            media_type="application/yaml; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="{name}"'},
        )

    async def report(request: Request) -> Response:
        from reports.render.content import build_report
        from reports.render.markup import render_html

        state = await run_in_threadpool(
            _state, store, request.path_params["case"], _query_body(request)
        )

        def make() -> str:
            scenario = state.scenario if state.scenario.changes else None
            rep = build_report(state.case, at=state.at, parties=state.parties, scenario=scenario)
            return render_html(rep)

        html = await run_in_threadpool(make)
        # the report is a self-contained document with its own, stricter CSP
        return HTMLResponse(html, headers={"content-security-policy": _REPORT_CSP})

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def cases(request: Request) -> Response:
        loaded = await run_in_threadpool(lambda: [store.get(c) for c in store.folders])
        return JSONResponse([_case_summary(c) for c in loaded])

    async def case_scenario(request: Request) -> Response:
        case = store.get(request.path_params["case"], "path")
        try:
            sc = case.scenario(request.path_params["scenario"])
        except UnknownIdError as exc:
            raise _error("scenario", exc.args[0], 404) from None
        return JSONResponse(scenario_mapping(case, sc))

    async def whatif(request: Request) -> Response:
        body = await _json_body(request)
        if not isinstance(body.get("case"), str):
            raise _error("case", f"required: a case id; cases: {', '.join(store.folders)}")
        want_settlement = body.get("settlement", True)
        if not isinstance(want_settlement, bool):
            raise _error("settlement", "must be true or false")
        state = await run_in_threadpool(_state, store, body["case"], body)

        def compute() -> dict[str, Any]:
            out: dict[str, Any] = {"case": state.case.id}
            for name, changed in (("before", False), ("after", True)):
                r = dict(state.side(store, changed=changed)["analysis"])
                if want_settlement:
                    r["settlement"] = state.settlement(store, changed=changed)
                out[name] = r
            out["changes"] = (
                results.changes(state.case, state.changed, at=state.at, parties=state.parties)
                if state.changes
                else []
            )
            return out

        return JSONResponse(await run_in_threadpool(compute))

    async def report_css(request: Request) -> Response:
        css = (resources.files("reports.render") / "templates" / "report.css").read_text("utf-8")
        return Response(css, media_type="text/css; charset=utf-8")

    static = resources.files("reports.web") / "static"
    return [
        Route("/assets/report.css", report_css),
        Route("/", home),
        Route("/explore/{case}", explore),
        Route("/explore/{case}/view", view, methods=["POST"]),
        Route("/explore/{case}/settlement", settlement, methods=["POST"]),
        Route("/explore/{case}/scenario.yaml", scenario_file),
        Route("/explore/{case}/report.html", report),
        Route("/api/health", health),
        Route("/api/cases", cases),
        Route("/api/cases/{case}/scenarios/{scenario}", case_scenario),
        Route("/api/whatif", whatif, methods=["POST"]),
        Mount("/static", app=StaticFiles(directory=str(static)), name="static"),
    ]


_REPORT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


class _Guard:
    """Security headers on every response, a body-size limit, and errors as JSON, never tracebacks."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
            await _send_json(send, 413, _body_too_large())
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > MAX_BODY:
                raise _error("body", f"larger than {MAX_BODY // 1024} KiB", 413)
            return message

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                for k, v in SECURITY_HEADERS.items():
                    if k.encode() not in present:
                        headers.append((k.encode(), v.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, limited, with_headers)


def _body_too_large() -> dict[str, Any]:
    return {"errors": [{"field": "body", "message": f"larger than {MAX_BODY // 1024} KiB"}]}


async def _send_json(send: Send, status: int, payload: Any) -> None:
    body = json.dumps(payload).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and request.method == "GET"


def _error_page(request: Request, status: int, errors: list[dict[str, str]]) -> Response:
    if _wants_html(request):
        return HTMLResponse(_render("error.html.j2", status=status, errors=errors), status)
    return JSONResponse({"errors": errors}, status)


async def _bad_request(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, BadRequest)
    return _error_page(request, exc.status, exc.errors)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    messages = {404: "no such page", 405: f"method {request.method} not allowed here"}
    msg = messages.get(exc.status_code, str(exc.detail))
    return _error_page(request, exc.status_code, [{"field": "path", "message": msg}])


async def _internal_error(request: Request, exc: Exception) -> Response:
    log.exception("internal error serving %s %s", request.method, request.url.path)
    errors = [{"field": "", "message": "internal error in zopa (logged on the server)"}]
    return _error_page(request, 500, errors)


def create_app(store: CaseStore | None = None) -> Starlette:
    """The explorer application for the cases in ``store`` (default: the shipped cases).

    Examples
    --------
    >>> from starlette.testclient import TestClient
    >>> client = TestClient(create_app())
    >>> client.get("/api/health").json()
    {'status': 'ok'}
    """
    store = store or CaseStore.from_arguments()
    handlers: Mapping[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
        BadRequest: _bad_request,
        HTTPException: _http_error,
        Exception: _internal_error,
    }
    app = Starlette(routes=_routes(store), exception_handlers=dict(handlers))
    app.state.store = store
    app.add_middleware(_Guard)
    return app
