"""The JSON API: ``/api/health``, ``/api/cases``, ``/api/cases/{case}/scenarios/{id}``, ``/api/whatif``.

Documented in ``docs/api.md``; it computes with the same engine functions and
the same definitions as the explorer and ``zopa report``.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from engine import Case, UnknownIdError
from reports.export.caseio import scenario_mapping
from reports.web.state import CaseStore, bad_request, json_body, read_state

__all__ = ["case_scenario", "cases", "health", "whatif"]


def _store(request: Request) -> CaseStore:
    store: CaseStore = request.app.state.store
    return store


def _case_summary(case: Case) -> dict[str, Any]:
    return {
        "id": case.id,
        "title": case.title,
        "parties": list(case.party_ids),
        "issues": [i.id for i in case.issues],
        "as_of": case.as_of.isoformat(),
    }


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def cases(request: Request) -> Response:
    store = _store(request)
    loaded = await run_in_threadpool(lambda: [store.get(c) for c in store.folders])
    return JSONResponse([_case_summary(c) for c in loaded])


async def case_scenario(request: Request) -> Response:
    store = _store(request)
    case = store.get(request.path_params["case"], "path")
    try:
        sc = case.scenario(request.path_params["scenario"])
    except UnknownIdError as exc:
        raise bad_request("scenario", exc.args[0], 404) from None
    return JSONResponse(scenario_mapping(case, sc))


async def whatif(request: Request) -> Response:
    store = _store(request)
    body = await json_body(request)
    if not isinstance(body.get("case"), str):
        raise bad_request("case", f"required: a case id; cases: {', '.join(store.folders)}")
    want_settlement = body.get("settlement", True)
    if not isinstance(want_settlement, bool):
        raise bad_request("settlement", "must be true or false")
    state = await run_in_threadpool(read_state, store, body["case"], body)

    def compute() -> dict[str, Any]:
        out: dict[str, Any] = {"case": state.case.id}
        for name, changed in (("before", False), ("after", True)):
            r = dict(state.analysis(store, changed=changed))
            if want_settlement:
                r["settlement"] = state.settlement(store, changed=changed)
            out[name] = r
        out["changes"] = state.changes_made(store)
        return out

    return JSONResponse(await run_in_threadpool(compute))
