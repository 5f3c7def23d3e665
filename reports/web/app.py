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
``/class``, ``/join/{code}``, ``/class/{code}/…``, ``/api/classes…``
                                          class mode (:mod:`reports.web.classroom.routes`)

Every error a client can cause is answered with 400 (or 404, 405, 413) and
``{"errors": [{"field", "message"}]}`` naming what is wrong and what is allowed;
an unexpected failure is logged here and answered with a short 500 message,
never a traceback.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from importlib import resources
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reports.web import api, pages
from reports.web.classroom.db import Database
from reports.web.classroom.routes import Classes
from reports.web.classroom.routes import routes as classroom_routes
from reports.web.classroom.upload import MAX_UPLOAD
from reports.web.state import MAX_BODY, BadRequest, CaseStore, bad_request

__all__ = ["SECURITY_HEADERS", "create_app"]

log = logging.getLogger("zopa.serve")

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


def _route_table() -> list[Any]:
    static = resources.files("reports.web") / "static"
    return [
        *classroom_routes(),
        Route("/assets/report.css", pages.report_css),
        Route("/", pages.home),
        Route("/explore/{case}", pages.explore),
        Route("/explore/{case}/view", pages.view, methods=["POST"]),
        Route("/explore/{case}/settlement", pages.settlement, methods=["POST"]),
        Route("/explore/{case}/scenario.yaml", pages.scenario_file),
        Route("/explore/{case}/report.html", pages.report),
        Route("/api/health", api.health),
        Route("/api/cases", api.cases),
        Route("/api/cases/{case}/scenarios/{scenario}", api.case_scenario),
        Route("/api/whatif", api.whatif, methods=["POST"]),
        Mount("/static", app=StaticFiles(directory=str(static)), name="static"),
    ]


class _Guard:
    """Security headers on every response, a body-size limit, and errors as JSON, never tracebacks."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = _limit(scope)
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _send_json(send, 413, _body_too_large(limit))
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise bad_request("body", f"larger than {limit // 1024} KiB", 413)
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


def _limit(scope: Scope) -> int:
    """The body limit: a case folder uploaded to ``POST /api/classes`` may be larger."""
    return MAX_UPLOAD if scope.get("path") == "/api/classes" else MAX_BODY


def _body_too_large(limit: int = MAX_BODY) -> dict[str, Any]:
    return {"errors": [{"field": "body", "message": f"larger than {limit // 1024} KiB"}]}


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
        return HTMLResponse(pages.render("error.html.j2", status=status, errors=errors), status)
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


def create_app(store: CaseStore | None = None, db: Database | str | None = None) -> Starlette:
    """The explorer application for the cases in ``store`` (default: the shipped cases).

    Class mode is always on: ``db`` is its database (a :class:`Database` or a URL;
    default an in-memory SQLite database, gone when the process ends — ``zopa
    serve`` passes a file). Its schema is brought to the newest version here.

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
    app = Starlette(routes=_route_table(), exception_handlers=dict(handlers))
    app.state.store = store
    database = db if isinstance(db, Database) else Database(db or "sqlite://")
    database.upgrade()
    app.state.classes = Classes(database, store)
    app.add_middleware(_Guard)
    return app
