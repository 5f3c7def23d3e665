"""The explorer's pages: the page itself, the fragments it swaps in, and the downloads.

Rendered on the server with Jinja2 (autoescape on) from :mod:`reports.web.views`
data; the page's one script (``static/explorer.js``) only asks for fragments.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import jinja2
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from reports.export.caseio import scenario_yaml
from reports.web.state import CaseStore, json_body, query_body, read_state

__all__ = [
    "REPORT_CSP",
    "explore",
    "home",
    "render",
    "report",
    "report_css",
    "scenario_file",
    "settlement",
    "view",
]

#: The downloaded report is a self-contained document with its own, stricter policy.
REPORT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("reports.web", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)
_TEMPLATES.filters["num"] = lambda x, d=2: "–" if x is None else f"{x:.{d}f}"


def render(name: str, **context: Any) -> str:
    return _TEMPLATES.get_template(name).render(**context)


def _store(request: Request) -> CaseStore:
    store: CaseStore = request.app.state.store
    return store


async def home(request: Request) -> Response:
    store = _store(request)
    return RedirectResponse(f"/explore/{store.default}", status_code=307)


async def explore(request: Request) -> Response:
    store = _store(request)
    case_id = request.path_params["case"]
    store.get(case_id, "path")
    state = await run_in_threadpool(read_state, store, case_id, query_body(request))
    ctx = await run_in_threadpool(state.page, store)
    page = render(
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
    store = _store(request)
    state = await run_in_threadpool(
        read_state, store, request.path_params["case"], await json_body(request)
    )
    ctx = await run_in_threadpool(state.page, store)
    return HTMLResponse(render("results.html.j2", **ctx))


async def settlement(request: Request) -> Response:
    store = _store(request)
    state = await run_in_threadpool(
        read_state, store, request.path_params["case"], await json_body(request)
    )

    def both() -> tuple[dict[str, Any], dict[str, Any]]:
        return state.settlement(store, changed=False), state.settlement(store, changed=True)

    before, after = await run_in_threadpool(both)
    return HTMLResponse(render("settlement.html.j2", before=before, after=after, case=state.case))


async def scenario_file(request: Request) -> Response:
    store = _store(request)
    state = await run_in_threadpool(
        read_state, store, request.path_params["case"], query_body(request)
    )
    text = scenario_yaml(state.case, state.scenario)
    name = f"{state.case.id}-explorer.yaml"
    return PlainTextResponse(
        text,
        media_type="application/yaml; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


async def report(request: Request) -> Response:
    store = _store(request)
    from reports.render.content import build_report
    from reports.render.markup import render_html

    state = await run_in_threadpool(
        read_state, store, request.path_params["case"], query_body(request)
    )

    def make() -> str:
        scenario = state.scenario if state.scenario.changes else None
        rep = build_report(state.case, at=state.at, parties=state.parties, scenario=scenario)
        return render_html(rep)

    html = await run_in_threadpool(make)
    # the report is a self-contained document with its own, stricter CSP
    return HTMLResponse(html, headers={"content-security-policy": REPORT_CSP})


async def report_css(request: Request) -> Response:
    css = (resources.files("reports.render") / "templates" / "report.css").read_text("utf-8")
    return Response(css, media_type="text/css; charset=utf-8")
